// Statistics of work orders (issue 14): by category and month, how many came in, how long they took to fix, how
// many were fixed within their deadline, returned (退单), reopened and escalated, and how the reporters rated the
// result; and a heat map of orders by building. Kept as aggregates in read models written with each record (an
// order's contribution before the record is taken out and its contribution after put in), so a query reads a few
// hundred small cells whatever the number of orders, and a rebuild by replaying the journal gives the same figures.
//
// What counts where: an order counts in the month of its receipt (China Standard Time, UTC+8, no daylight saving)
// and under its category. Its time to resolve is its receipt clock at the resolution that stands (the resident's
// waiting time left out, as the clocks count it); a reopening or a failed on-site check takes it out until it is
// resolved again. "Within deadline" is that resolution not past the deadline in force. Returned, reopened and
// escalated count orders (at least once), not events. Ratings are those standing (a reopening clears one).
// Nothing here names a person: counts, seconds and building numbers only, so the query is public.
import { z } from "zod/v4";
import { defineQuery, insertSorted, refuse, type ModelReader, type ModelTx, type QueryDef } from "../framework/index.js";
import type { CategoryRoute } from "./categories.js";
import { clocksOf, isOpen, type OrderState } from "./state.js";

export const STATS_MODELS = {
  /** `<estate>:<YYYY-MM>:<serviceCode>` → Cell. */
  cells: "statsCells",
  /** The same key → the cell's resolution times (seconds, ascending): its medians are exact. */
  durations: "statsDurations",
  /** `<estate>:<YYYY-MM>:<building or "-">` → { total, open }. */
  buildings: "statsBuildings",
} as const;

/** China Standard Time: months begin at 00:00 in Beijing. */
export const MONTH_OFFSET_SECONDS = 8 * 3600;

/** "2026-05": the month (UTC+8) of Unix seconds `at`. */
export function monthOf(at: number): string {
  return new Date((at + MONTH_OFFSET_SECONDS) * 1000).toISOString().slice(0, 7);
}

type Cell = { received: number; open: number; resolved: number; withinDeadline: number; returned: number; reopened: number; escalated: number; ratings: number[] };
type Building = { total: number; open: number };

/** What one order adds to the aggregates (null: nothing, before its report). */
type Contribution = {
  cell: string;
  building: string;
  open: boolean;
  /** Seconds from receipt to the resolution that stands, or null. */
  resolvedIn: number | null;
  withinDeadline: boolean;
  returned: boolean;
  reopened: boolean;
  escalated: boolean;
  rating: number | null;
};

const EMPTY_CELL = (): Cell => ({ received: 0, open: 0, resolved: 0, withinDeadline: 0, returned: 0, reopened: 0, escalated: 0, ratings: [0, 0, 0, 0, 0] });

function contributionOf(order: OrderState): Contribution | null {
  if (order.status === "none" || !order.place) return null;
  const month = monthOf(order.receivedAt);
  const resolved = (order.status === "resolved" || order.status === "closed") && order.resolvedAt !== null;
  // At a resolution the clocks stop at resolvedAt, so `now` does not matter.
  const clocks = resolved ? clocksOf(order, order.resolvedAt!) : null;
  return {
    cell: `${order.place.estateId}:${month}:${order.serviceCode}`,
    building: `${order.place.estateId}:${month}:${order.place.building ?? "-"}`,
    open: isOpen(order),
    resolvedIn: clocks ? clocks.sinceReceipt : null,
    withinDeadline: clocks !== null && clocks.lateBy === 0,
    returned: order.returns > 0,
    reopened: order.reopens > 0,
    escalated: order.escalated,
    rating: order.rating,
  };
}

async function apply(tx: ModelTx, c: Contribution, sign: 1 | -1): Promise<void> {
  const cell = (await tx.get<Cell>(STATS_MODELS.cells, c.cell)) ?? EMPTY_CELL();
  const next: Cell = { ...cell, ratings: [...cell.ratings] };
  next.received += sign;
  if (c.open) next.open += sign;
  if (c.resolvedIn !== null) next.resolved += sign;
  if (c.withinDeadline) next.withinDeadline += sign;
  if (c.returned) next.returned += sign;
  if (c.reopened) next.reopened += sign;
  if (c.escalated) next.escalated += sign;
  if (c.rating !== null) next.ratings[c.rating - 1]! += sign;
  if (next.received === 0) tx.del(STATS_MODELS.cells, c.cell);
  else tx.put(STATS_MODELS.cells, c.cell, next);
  if (c.resolvedIn !== null) {
    const list = [...((await tx.get<number[]>(STATS_MODELS.durations, c.cell)) ?? [])];
    if (sign === 1) insertSorted(list, c.resolvedIn);
    else {
      const at = list.indexOf(c.resolvedIn);
      if (at >= 0) list.splice(at, 1);
    }
    if (list.length === 0) tx.del(STATS_MODELS.durations, c.cell);
    else tx.put(STATS_MODELS.durations, c.cell, list);
  }
  const building = (await tx.get<Building>(STATS_MODELS.buildings, c.building)) ?? { total: 0, open: 0 };
  const total = building.total + sign;
  if (total === 0) tx.del(STATS_MODELS.buildings, c.building);
  else tx.put(STATS_MODELS.buildings, c.building, { total, open: building.open + (c.open ? sign : 0) });
}

/** Moves an order's contribution from its state before a record to its state after (called by projectOrder). */
export async function projectStats(before: OrderState, after: OrderState, tx: ModelTx): Promise<void> {
  const old = contributionOf(before);
  const now = contributionOf(after);
  if (JSON.stringify(old) === JSON.stringify(now)) return;
  if (old) await apply(tx, old, -1);
  if (now) await apply(tx, now, 1);
}

// ---- The query ----

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const figures = z.object({
  received: z.number(),
  open: z.number(),
  resolved: z.number(),
  withinDeadline: z.number(),
  returned: z.number(),
  reopened: z.number(),
  escalated: z.number(),
  medianResolveSeconds: z.number().nullable().describe("median seconds from receipt to the resolution that stands, the resident's waiting time left out"),
  withinDeadlineShare: z.number().nullable().describe("withinDeadline / resolved"),
  returnedRate: z.number().nullable().describe("returned / received"),
  reopenedRate: z.number().nullable().describe("reopened / received"),
  ratings: z.array(z.number()).length(5).describe("how many orders are rated 1 (非常不满意) … 5 (非常满意)"),
  rated: z.number(),
  meanRating: z.number().nullable(),
});
type Figures = z.infer<typeof figures>;

export const statsResponse = z.object({
  estate: z.number(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  timeZone: z.literal("UTC+8"),
  rows: z.array(figures.extend({ month: z.string(), serviceCode: z.string(), category: z.object({ "zh-CN": z.string(), en: z.string() }) })),
  byCategory: z.array(figures.extend({ serviceCode: z.string(), category: z.object({ "zh-CN": z.string(), en: z.string() }) })),
  total: figures,
  buildings: z.array(z.object({ building: z.number().nullable(), total: z.number(), open: z.number() })),
});
export type StatsView = z.infer<typeof statsResponse>;

const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function figuresOf(cell: Cell, durations: number[]): Figures {
  const rated = cell.ratings.reduce((a, b) => a + b, 0);
  const sum = cell.ratings.reduce((a, n, i) => a + n * (i + 1), 0);
  return {
    received: cell.received,
    open: cell.open,
    resolved: cell.resolved,
    withinDeadline: cell.withinDeadline,
    returned: cell.returned,
    reopened: cell.reopened,
    escalated: cell.escalated,
    medianResolveSeconds: median(durations),
    withinDeadlineShare: ratio(cell.withinDeadline, cell.resolved),
    returnedRate: ratio(cell.returned, cell.received),
    reopenedRate: ratio(cell.reopened, cell.received),
    ratings: cell.ratings,
    rated,
    meanRating: rated === 0 ? null : Math.round((sum / rated) * 100) / 100,
  };
}

function add(into: Cell, cell: Cell): void {
  for (const k of ["received", "open", "resolved", "withinDeadline", "returned", "reopened", "escalated"] as const) into[k] += cell[k];
  cell.ratings.forEach((n, i) => (into.ratings[i]! += n));
}

function mergeSorted(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!);
  return out;
}

/** Every entry of a model under `prefix` whose month (the key's second part) is in [from, to]. */
async function inRange<T>(read: ModelReader, model: string, prefix: string, from: string | undefined, to: string | undefined): Promise<[string, T][]> {
  const out: [string, T][] = [];
  let cursor: string | undefined;
  do {
    const page = await read.page<[string, T]>(model, {
      prefix,
      limit: 1000,
      cursor,
      map: (value, key) => {
        const month = key.slice(prefix.length, prefix.length + 7);
        return (from === undefined || month >= from) && (to === undefined || month <= to) ? [key, value as T] : undefined;
      },
    });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export async function readStats(read: ModelReader, query: { estate: number; from?: string; to?: string }, routes: readonly CategoryRoute[]): Promise<StatsView> {
  const { estate, from, to } = query;
  if (from !== undefined && to !== undefined && from > to) throw refuse(400, "workorder_stats_range", { from, to });
  const prefix = `${estate}:`;
  const nameOf = (code: string) => routes.find((c) => c.code === code)?.name ?? { "zh-CN": code, en: code };
  const cells = await inRange<Cell>(read, STATS_MODELS.cells, prefix, from, to);
  const rows: StatsView["rows"] = [];
  const categories = new Map<string, { cell: Cell; durations: number[] }>();
  const total = { cell: EMPTY_CELL(), durations: [] as number[] };
  for (const [key, cell] of cells) {
    const [, month, code] = key.split(":") as [string, string, string];
    const durations = cell.resolved > 0 ? ((await read.get<number[]>(STATS_MODELS.durations, key)) ?? []) : [];
    rows.push({ month, serviceCode: code, category: nameOf(code), ...figuresOf(cell, durations) });
    const sum = categories.get(code) ?? { cell: EMPTY_CELL(), durations: [] };
    add(sum.cell, cell);
    sum.durations = mergeSorted(sum.durations, durations);
    categories.set(code, sum);
    add(total.cell, cell);
    total.durations = mergeSorted(total.durations, durations);
  }
  const order = routes.map((c) => c.code);
  const rank = (code: string) => (order.includes(code) ? order.indexOf(code) : order.length);
  const byCategory = [...categories.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([code, s]) => ({ serviceCode: code, category: nameOf(code), ...figuresOf(s.cell, s.durations) }));
  const buildings = new Map<string, Building>();
  for (const [key, value] of await inRange<Building>(read, STATS_MODELS.buildings, prefix, from, to)) {
    const b = key.slice(prefix.length + 8);
    const sum = buildings.get(b) ?? { total: 0, open: 0 };
    buildings.set(b, { total: sum.total + value.total, open: sum.open + value.open });
  }
  return {
    estate,
    from: from ?? null,
    to: to ?? null,
    timeZone: "UTC+8",
    rows: rows.sort((a, b) => a.month.localeCompare(b.month) || rank(a.serviceCode) - rank(b.serviceCode)),
    byCategory,
    total: figuresOf(total.cell, total.durations),
    buildings: [...buildings.entries()]
      .map(([b, v]) => ({ building: b === "-" ? null : Number(b), ...v }))
      .sort((a, b) => (a.building ?? Infinity) - (b.building ?? Infinity)),
  };
}

export function statsQuery(categories: () => Promise<readonly CategoryRoute[]>): QueryDef {
  return defineQuery({
    path: "/api/workorders/stats",
    summary:
      "Statistics of an estate's orders by category and month of receipt (UTC+8): counts, median time to resolve, share within deadline, returned, reopened and escalated, ratings; and orders by building (public: counts only, no personal data)",
    who: "public",
    query: z.object({
      estate: z.coerce.number().int().min(1),
      from: z.string().regex(MONTH, "a month, e.g. 2026-05").optional(),
      to: z.string().regex(MONTH, "a month, e.g. 2026-05").optional(),
    }),
    response: statsResponse,
    handler: async ({ query }, read) => readStats(read, query as { estate: number; from?: string; to?: string }, await categories()),
  });
}
