// The green account's read models: each household's ledger (its state), the volunteers' queues by bin, each
// bin-day's sample, each bin's last credited event, the catalogue with what was redeemed, redemptions by partner
// and by household, and the statistics by building and month.
import { numKey } from "../../store/store.js";
import type { JournalRecord, ModelTx } from "../framework/index.js";
import { binDay } from "./ledger.js";
import { CardIssued, Confirmed, ItemAdded, Redeemed, Restocked, SettingsChanged, Sorted, type GreenSettings } from "./records.js";
import { evolveGreen, INITIAL_GREEN, type GreenState, type Item } from "./state.js";

export const MODELS = {
  /** household id → GreenState (its card serial and entries). */
  accounts: "accounts",
  /** "settings" → GreenSettings. */
  settings: "settings",
  /** item → ItemRow. */
  items: "items",
  /** `<device>:<household>:<entry>` → QueueRow: pending events at a bin. */
  queue: "queue",
  /** `<device>/<day>` → SampleRow. */
  samples: "samples",
  /** device → the signed time of its last credited event. */
  binLast: "binLast",
  /** `<building>:<YYYY-MM>` → MonthRow (building 0: bins at a common area). */
  monthly: "monthly",
  /** `<YYYY-MM>:<household>` → 1 once the household had a confirmed event that month. */
  participants: "participants",
  /** `<partner>:<at>:<household>:<n>` → RedemptionRow. */
  byPartner: "byPartner",
  /** `<household>:<n>` → RedemptionRow. */
  byHousehold: "byHousehold",
} as const;

export type ItemRow = Item & { redeemed: number };
export type QueueRow = { household: string; entry: number; kind: string; points: number; at: number; sampled: boolean; building: number | null };
export type SampleRow = { sampled: number; open: number; rejected: number };
export type MonthRow = { events: number; correct: number; sampled: number; checked: number; confirmed: number; pointsIssued: number; pointsSpent: number; redemptions: number; participants: number; weightGrams: number; weighed: number };
export type RedemptionRow = { household: string; partner: string; item: string; quantity: number; points: number; at: number; n: number; proxy: boolean; recordKey: string };

export const NO_MONTH: MonthRow = { events: 0, correct: 0, sampled: 0, checked: 0, confirmed: 0, pointsIssued: 0, pointsSpent: 0, redemptions: 0, participants: 0, weightGrams: 0, weighed: 0 };

export const monthOf = (unix: number): string => new Date((unix + 8 * 3600) * 1000).toISOString().slice(0, 7);

/** Whether a bin-day's sample passed: it had sampled events, all checked, none found wrong. */
export const samplePassed = (row: SampleRow | undefined): boolean => row !== undefined && row.sampled > 0 && row.open === 0 && row.rejected === 0;

export async function projectGreen(record: JournalRecord, tx: ModelTx): Promise<void> {
  const before = (await tx.get<GreenState>(MODELS.accounts, record.id)) ?? INITIAL_GREEN;
  const after = evolveGreen(before, record);
  const month = async (building: number, at: number, change: (m: MonthRow) => Partial<MonthRow>) => {
    const key = `${numKey(building)}:${monthOf(at)}`;
    const m = (await tx.get<MonthRow>(MODELS.monthly, key)) ?? NO_MONTH;
    tx.put(MODELS.monthly, key, { ...m, ...change(m) });
  };
  if (SettingsChanged.is(record)) tx.put(MODELS.settings, "settings", record.payload satisfies GreenSettings);
  if (ItemAdded.is(record)) tx.put(MODELS.items, record.payload.item, { ...record.payload, redeemed: 0 } satisfies ItemRow);
  if (Restocked.is(record)) {
    const row = await tx.get<ItemRow>(MODELS.items, record.payload.item);
    if (row) tx.put(MODELS.items, row.item, { ...row, stock: row.stock + record.payload.quantity });
  }
  if (CardIssued.is(record) || Sorted.is(record) || Confirmed.is(record) || Redeemed.is(record)) tx.put(MODELS.accounts, record.id, after);
  const building = after.building ?? 0;
  if (Sorted.is(record)) {
    const p = record.payload;
    tx.put(MODELS.binLast, p.device, p.at);
    if (p.correct) {
      tx.put(MODELS.queue, `${p.device}:${record.id}:${numKey(p.entry)}`, { household: record.id, entry: p.entry, kind: p.kind, points: p.points, at: p.at, sampled: p.sampled, building: after.building } satisfies QueueRow);
      if (p.sampled) {
        const key = binDay(p.device, p.day);
        const s = (await tx.get<SampleRow>(MODELS.samples, key)) ?? { sampled: 0, open: 0, rejected: 0 };
        tx.put(MODELS.samples, key, { ...s, sampled: s.sampled + 1, open: s.open + 1 });
      }
    }
    await month(building, p.at, (m) => ({ events: m.events + 1, correct: m.correct + (p.correct ? 1 : 0), sampled: m.sampled + (p.sampled ? 1 : 0), pointsIssued: m.pointsIssued + p.points }));
    if (p.weightGrams !== null) await month(p.binBuilding ?? 0, p.at, (m) => ({ weightGrams: m.weightGrams + p.weightGrams!, weighed: m.weighed + 1 }));
  }
  if (Confirmed.is(record)) {
    const e = before.entries.find((x) => x.entry === record.payload.entry)!;
    tx.del(MODELS.queue, `${e.device}:${record.id}:${numKey(e.entry)}`);
    if (e.sampled) {
      const key = binDay(e.device, e.day);
      const s = (await tx.get<SampleRow>(MODELS.samples, key)) ?? { sampled: 0, open: 0, rejected: 0 };
      tx.put(MODELS.samples, key, { ...s, open: s.open - 1, rejected: s.rejected + (record.payload.correct ? 0 : 1) });
    }
    // The month of the event: participation counts the households whose sorting was confirmed that month.
    const m = monthOf(e.at);
    const first = record.payload.correct && (await tx.get<number>(MODELS.participants, `${m}:${record.id}`)) === undefined;
    if (first) tx.put(MODELS.participants, `${m}:${record.id}`, 1);
    await month(building, e.at, (row) => ({ checked: row.checked + 1, confirmed: row.confirmed + (record.payload.correct ? 1 : 0), participants: row.participants + (first ? 1 : 0) }));
  }
  if (Redeemed.is(record)) {
    const p = record.payload;
    const row: RedemptionRow = { household: record.id, partner: p.partner, item: p.item, quantity: p.quantity, points: p.points, at: record.at, n: p.redemption, proxy: "onBehalfOf" in record.actor, recordKey: `${record.id}:${record.version}` };
    tx.put(MODELS.byPartner, `${p.partner}:${numKey(record.at)}:${record.id}:${numKey(p.redemption)}`, row);
    tx.put(MODELS.byHousehold, `${record.id}:${numKey(p.redemption)}`, row);
    const item = await tx.get<ItemRow>(MODELS.items, p.item);
    if (item) tx.put(MODELS.items, p.item, { ...item, redeemed: item.redeemed + p.quantity });
    await month(building, record.at, (m) => ({ pointsSpent: m.pointsSpent + p.points, redemptions: m.redemptions + 1 }));
  }
}
