// The partners' read models, written in each record's own atomic write: the partners (public parts and status),
// the directory of approved partners, the office's queue, accounts and on-chain addresses to partners, every
// booking (by partner and by booker), every gift of goods or services, and each partner's totals.
import { numKey } from "../../store/store.js";
import type { JournalRecord, ModelTx } from "../framework/index.js";
import { Booked, BookingCancelled, Given } from "./records.js";
import { actorOf, evolvePartner, INITIAL_PARTNER, type PartnerState } from "./state.js";

export type PartnerRow = PartnerState & { id: string };
export type BookingRow = { partner: string; bookingId: string; offerId: string; start: number; end: number; people: number; status: "booked" | "cancelled"; booker: string; proxy: boolean; bookedAt: number };
export type GivenRow = { offerId: string; quantity: number; valueFen: number; on: number; at: number; proxy: boolean };
export type Totals = { bookings: number; bookedMinutes: number; cancelled: number; given: number; givenQuantity: number; givenValueFen: number };
export const NO_TOTALS: Totals = { bookings: 0, bookedMinutes: 0, cancelled: 0, given: 0, givenQuantity: 0, givenValueFen: 0 };

export const MODELS = {
  /** id → PartnerRow. */
  partners: "partners",
  /** id → 1 while approved: the public directory. */
  approved: "approved",
  /** id → 1 while pending: the office's queue. */
  pending: "pending",
  /** account address → id: the partner's desk. */
  byAccount: "byAccount",
  /** on-chain time-bank partner address → id. */
  byTimebank: "byTimebank",
  /** `<id>:<start>:<bookingId>` → BookingRow. */
  bookings: "bookings",
  /** `<id>:<bookingId>` → its key in bookings. */
  bookingKeys: "bookingKeys",
  /** `<booker>:<start>:<id>:<bookingId>` → its key in bookings: a resident's bookings. */
  bookingsBy: "bookingsBy",
  /** `<id>:<inverted start>:<bookingId>` → its key in bookings: newest first, for the public page. */
  recentBookings: "recentBookings",
  /** `<id>:<inverted at>:<version>` → GivenRow: newest first. */
  given: "given",
  /** id → Totals. */
  totals: "totals",
} as const;

/** Later than any Unix time in seconds we keep: `LATEST - t` orders newest first. */
const LATEST = 9_999_999_999;

export async function projectPartner(record: JournalRecord, tx: ModelTx): Promise<void> {
  const before = (await tx.get<PartnerRow>(MODELS.partners, record.id)) ?? { ...INITIAL_PARTNER, id: record.id };
  const after: PartnerRow = { ...evolvePartner(before, record), id: record.id };
  tx.put(MODELS.partners, record.id, after);
  if (before.status !== after.status) {
    if (before.status === "approved") tx.del(MODELS.approved, record.id);
    if (before.status === "pending") tx.del(MODELS.pending, record.id);
    if (after.status === "approved") tx.put(MODELS.approved, record.id, 1);
    if (after.status === "pending") tx.put(MODELS.pending, record.id, 1);
    // A rejected application frees its account for another application.
    if (after.status === "rejected" && after.account) tx.del(MODELS.byAccount, after.account);
    else if (before.status === "none" && after.account) tx.put(MODELS.byAccount, after.account, record.id);
  }
  if (before.timebankPartner !== after.timebankPartner) {
    if (before.timebankPartner) tx.del(MODELS.byTimebank, before.timebankPartner);
    if (after.timebankPartner) tx.put(MODELS.byTimebank, after.timebankPartner, record.id);
  }
  const totals = async () => (await tx.get<Totals>(MODELS.totals, record.id)) ?? NO_TOTALS;
  const proxy = "onBehalfOf" in record.actor;
  if (Booked.is(record)) {
    const p = record.payload;
    const key = `${record.id}:${numKey(p.start)}:${p.bookingId}`;
    const booker = actorOf(record);
    tx.put(MODELS.bookings, key, { partner: record.id, ...p, status: "booked", booker, proxy, bookedAt: record.at } satisfies BookingRow);
    tx.put(MODELS.bookingKeys, `${record.id}:${p.bookingId}`, key);
    tx.put(MODELS.recentBookings, `${record.id}:${numKey(LATEST - p.start)}:${p.bookingId}`, key);
    tx.put(MODELS.bookingsBy, `${booker}:${numKey(p.start)}:${record.id}:${p.bookingId}`, key);
    const t = await totals();
    tx.put(MODELS.totals, record.id, { ...t, bookings: t.bookings + 1, bookedMinutes: t.bookedMinutes + (p.end - p.start) / 60 });
  }
  if (BookingCancelled.is(record)) {
    const key = await tx.get<string>(MODELS.bookingKeys, `${record.id}:${record.payload.bookingId}`);
    const row = key ? await tx.get<BookingRow>(MODELS.bookings, key) : undefined;
    if (key && row) {
      tx.put(MODELS.bookings, key, { ...row, status: "cancelled" });
      const t = await totals();
      tx.put(MODELS.totals, record.id, { ...t, bookings: t.bookings - 1, cancelled: t.cancelled + 1, bookedMinutes: t.bookedMinutes - (row.end - row.start) / 60 });
    }
  }
  if (Given.is(record)) {
    tx.put(MODELS.given, `${record.id}:${numKey(LATEST - record.at)}:${numKey(record.version)}`, { ...record.payload, at: record.at, proxy } satisfies GivenRow);
    const t = await totals();
    tx.put(MODELS.totals, record.id, { ...t, given: t.given + 1, givenQuantity: t.givenQuantity + record.payload.quantity, givenValueFen: t.givenValueFen + record.payload.valueFen });
  }
}
