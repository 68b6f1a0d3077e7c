// The work orders' read models, written in each record's own atomic write. Each order's state is folded here
// too (the same evolve as the decisions), and every index is derived from the state before and after the record,
// so a pause, a return or a reopening moves an order between lists without a rule of its own.
import { numKey } from "../../store/store.js";
import type { JournalRecord, ModelTx } from "../framework/index.js";
import { Joined, Reopened, Reported } from "./records.js";
import { clocksOf, evolveOrder, INITIAL_ORDER, isOpen, type OrderState } from "./state.js";
import { projectStats, STATS_MODELS } from "./stats.js";

/** A stored order: its state and its id. */
export type OrderRow = OrderState & { id: string };

export const MODELS = {
  /** id → OrderRow. */
  orders: "orders",
  /** `<estate>:<id>` for orders still waiting for their fix: the public list. */
  open: "open",
  /** `<party>:<deadline>:<id>` for the party's open orders, soonest deadline first. */
  queue: "queue",
  /** `<deadline>:<id>` for open orders whose clock runs: the overdue sweep reads only the head of it. */
  deadlines: "deadlines",
  /** `<reporter>:<receivedAt>:<id>`: a resident's own reports. */
  byReporter: "byReporter",
  /** `<serviceCode>|<place>` → { id, at } of the open order a duplicate joins. */
  openByPlace: "openByPlace",
  /** `<resolvedAt>:<id>` for resolved orders the reporter has not confirmed: the auto-confirm sweep. */
  awaiting: "awaiting",
} as const;

/** The orders' indexes and the statistics' aggregates (stats.ts). */
export const MODEL_NAMES: string[] = [...Object.values(MODELS), ...Object.values(STATS_MODELS)];

/** The key of a place, for finding duplicates: the estate, and the unit, building or common area named. */
export function placeKey(state: Pick<OrderState, "serviceCode" | "place">): string {
  const p = state.place;
  if (!p) return "";
  const where = p.unitId !== undefined ? `u${p.unitId}` : p.area !== undefined ? `a${p.area}${p.building !== undefined ? `.b${p.building}` : ""}` : `b${p.building}`;
  return `${state.serviceCode}|${p.estateId}|${where}`;
}

/** The keys an order has in each index (none where it does not belong). */
function keysOf(row: OrderRow): Record<Exclude<keyof typeof MODELS, "orders" | "openByPlace">, string[]> {
  if (row.status === "none") return { open: [], queue: [], deadlines: [], byReporter: [], awaiting: [] };
  const open = isOpen(row);
  const running = open && row.pausedSince === null;
  const deadline = clocksOf(row, 0).deadline;
  const due = deadline === null ? null : numKey(deadline);
  return {
    open: open && row.place ? [`${row.place.estateId}:${row.id}`] : [],
    queue: open && row.party && due !== null ? [`${row.party}:${due}:${row.id}`] : [],
    deadlines: running && due !== null && !row.escalated ? [`${due}:${row.id}`] : [],
    byReporter: row.reporters.map((r) => `${r}:${numKey(row.receivedAt)}:${row.id}`),
    awaiting: row.status === "resolved" && row.resolvedAt !== null ? [`${numKey(row.resolvedAt)}:${row.id}`] : [],
  };
}

export async function projectOrder(record: JournalRecord, tx: ModelTx): Promise<void> {
  const before = (await tx.get<OrderRow>(MODELS.orders, record.id)) ?? { ...INITIAL_ORDER, id: record.id };
  const after: OrderRow = { ...evolveOrder(before, record), id: record.id };
  tx.put(MODELS.orders, record.id, after);
  const old = keysOf(before);
  const now = keysOf(after);
  for (const model of Object.keys(now) as (keyof typeof now)[]) {
    for (const key of old[model]) if (!now[model].includes(key)) tx.del(model, key);
    for (const key of now[model]) if (!old[model].includes(key)) tx.put(model, key, 1);
  }
  // The window for duplicates runs from the last report of the thing (a join renews it), not from any step.
  const place = placeKey(after);
  const reported = Reported.is(record) || Joined.is(record) || Reopened.is(record);
  if (place && isOpen(after) && reported) tx.put(MODELS.openByPlace, place, { id: record.id, at: record.at });
  else if (place && isOpen(before) && !isOpen(after)) {
    const current = await tx.get<{ id: string }>(MODELS.openByPlace, place);
    if (current?.id === record.id) tx.del(MODELS.openByPlace, place);
  }
  await projectStats(before, after, tx);
}
