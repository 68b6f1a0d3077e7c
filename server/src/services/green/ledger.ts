// The points ledger as plain functions: each entry's state at a time (pending → active → spent / expired, or
// rejected), a household's balances, and which entries a spending takes. An entry is active once the volunteer
// at its bin confirmed it, or, outside the random sample, once the sample of its bin and day was checked and
// passed; it expires `expiryDays` after its event, whatever is left of it.
import { createHash } from "node:crypto";
import type { GreenSettings } from "./records.js";
import type { Entry } from "./state.js";

export type EntryStatus = "pending" | "active" | "spent" | "expired" | "rejected";
export type Balances = { pending: number; active: number; spent: number; expired: number; rejected: number };

/** `<device>/<day>`: one bin's sample of one day. */
export const binDay = (device: string, day: string): string => `${device}/${day}`;

/** The day of a time in China time (UTC+8 all year), YYYY-MM-DD. */
export function chinaDay(unix: number): string {
  return new Date((unix + 8 * 3600) * 1000).toISOString().slice(0, 10);
}

/** Whether an event is in the random sample: a hash of its device and event id against the rate (deterministic, so a replay agrees). */
export function inSample(device: string, eventId: string, ratePercent: number): boolean {
  if (ratePercent >= 100) return true;
  const h = createHash("sha256").update(`${device}\n${eventId}`).digest();
  return h.readUInt32BE(0) % 100 < ratePercent;
}

export const expiresAt = (entry: Pick<Entry, "at">, settings: Pick<GreenSettings, "expiryDays">): number => entry.at + settings.expiryDays * 86_400;

/** Whether the entry's points count: confirmed, or outside the sample with its bin-day's sample passed. */
export function isConfirmed(entry: Entry, passed: ReadonlySet<string>): boolean {
  return entry.status === "confirmed" || (entry.status === "pending" && !entry.sampled && passed.has(binDay(entry.device, entry.day)));
}

/** An entry's state at `now`; its remaining points are `points - spent`. */
export function statusOf(entry: Entry, now: number, settings: GreenSettings, passed: ReadonlySet<string>): EntryStatus {
  if (entry.status === "rejected" || entry.points === 0) return "rejected";
  if (entry.spent >= entry.points) return "spent";
  if (now >= expiresAt(entry, settings)) return "expired";
  return isConfirmed(entry, passed) ? "active" : "pending";
}

/** A household's points by state at `now` (spent counts what was spent, expired what was left when it expired). */
export function balancesOf(entries: readonly Entry[], now: number, settings: GreenSettings, passed: ReadonlySet<string>): Balances {
  const b: Balances = { pending: 0, active: 0, spent: 0, expired: 0, rejected: 0 };
  for (const e of entries) {
    const s = statusOf(e, now, settings, passed);
    b.spent += e.spent;
    const left = e.points - e.spent;
    if (s === "rejected") b.rejected += e.points;
    else if (s !== "spent") b[s] += left;
  }
  return b;
}

/** Which entries pay `points`, those that expire first first; undefined when the active points fall short. */
export function takeFrom(entries: readonly Entry[], points: number, now: number, settings: GreenSettings, passed: ReadonlySet<string>): { entry: number; points: number }[] | undefined {
  const active = entries.filter((e) => statusOf(e, now, settings, passed) === "active").sort((a, b) => a.at - b.at || a.entry - b.entry);
  const out: { entry: number; points: number }[] = [];
  let left = points;
  for (const e of active) {
    if (left === 0) break;
    const take = Math.min(left, e.points - e.spent);
    out.push({ entry: e.entry, points: take });
    left -= take;
  }
  return left === 0 ? out : undefined;
}

/** Points credited to a household on a day (China time), pending or active: what the daily cap counts. */
export function creditedOn(entries: readonly Entry[], day: string): number {
  return entries.reduce((sum, e) => (e.day === day && e.status !== "rejected" ? sum + e.points : sum), 0);
}
