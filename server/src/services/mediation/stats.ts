// Statistics of mediation with their denominators: how many disputes came in, how many ended and how, the success
// rate (resolved or partly resolved, of the cases that ended other than by withdrawal), the 枫桥 figure (settled
// at the building or community level, of the same denominator), and the time to settle; by category, level and
// month. Kept as aggregates written with each record (a dispute's contribution before the record taken out, after
// it put in), so a query reads a few hundred cells and a rebuild from the journal gives the same figures.
//
// What counts where: a dispute counts in the month it was filed (China Standard Time, UTC+8), under its category
// and the level it is at (for an ended case, the level it ended at). Nothing here names anyone: the query is public.
import { z } from "zod/v4";
import { defineQuery, insertSorted, refuse, type ModelReader, type ModelTx, type QueryDef } from "../framework/index.js";
import { CATEGORIES, CATEGORY_NAMES, LEVELS, type Category, type Level } from "./records.js";
import type { DisputeState } from "./state.js";

export const STATS_MODELS = {
  /** `<estate>:<YYYY-MM>:<category>:<level>` → Cell. */
  cells: "statsCells",
  /** The same key → seconds from filing to a settled close, ascending (exact medians). */
  durations: "statsDurations",
} as const;

export const MONTH_OFFSET_SECONDS = 8 * 3600;

/** "2026-05": the month (UTC+8) of Unix seconds `at`. */
export function monthOf(at: number): string {
  return new Date((at + MONTH_OFFSET_SECONDS) * 1000).toISOString().slice(0, 7);
}

const COUNTS = ["received", "open", "resolved", "partlyResolved", "failed", "withdrawn", "escalated", "raised", "bySilence"] as const;
type Cell = Record<(typeof COUNTS)[number], number>;
const EMPTY = (): Cell => Object.fromEntries(COUNTS.map((k) => [k, 0])) as Cell;

type Contribution = { cell: string; counts: Partial<Cell>; settledIn: number | null };

function contributionOf(d: DisputeState): Contribution | null {
  if (d.status === "none" || !d.place) return null;
  const counts: Partial<Cell> = { received: 1 };
  if (d.status !== "closed") counts.open = 1;
  else if (d.outcome) counts[d.outcome] = 1;
  if (d.escalations.length > 0) counts.raised = 1;
  if (d.escalations.some((e) => e.bySilence)) counts.bySilence = 1;
  const settled = d.status === "closed" && (d.outcome === "resolved" || d.outcome === "partlyResolved");
  return { cell: `${d.place.estateId}:${monthOf(d.filedAt)}:${d.category}:${d.level}`, counts, settledIn: settled ? d.closedAt! - d.filedAt : null };
}

async function apply(tx: ModelTx, c: Contribution, sign: 1 | -1): Promise<void> {
  const cell = { ...((await tx.get<Cell>(STATS_MODELS.cells, c.cell)) ?? EMPTY()) };
  for (const [k, n] of Object.entries(c.counts) as [keyof Cell, number][]) cell[k] += sign * n;
  if (cell.received === 0) tx.del(STATS_MODELS.cells, c.cell);
  else tx.put(STATS_MODELS.cells, c.cell, cell);
  if (c.settledIn !== null) {
    const list = [...((await tx.get<number[]>(STATS_MODELS.durations, c.cell)) ?? [])];
    if (sign === 1) insertSorted(list, c.settledIn);
    else {
      const at = list.indexOf(c.settledIn);
      if (at >= 0) list.splice(at, 1);
    }
    if (list.length === 0) tx.del(STATS_MODELS.durations, c.cell);
    else tx.put(STATS_MODELS.durations, c.cell, list);
  }
}

/** Moves a dispute's contribution from its state before a record to its state after (projections.ts). */
export async function projectStats(before: DisputeState, after: DisputeState, tx: ModelTx): Promise<void> {
  const old = contributionOf(before);
  const now = contributionOf(after);
  if (JSON.stringify(old) === JSON.stringify(now)) return;
  if (old) await apply(tx, old, -1);
  if (now) await apply(tx, now, 1);
}

// ---- The query ----

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const rate = z.object({ count: z.number(), of: z.number(), rate: z.number().nullable().describe("count / of, 4 decimals; null when of is 0") });

const figures = z.object({
  received: z.number(),
  open: z.number(),
  resolved: z.number(),
  partlyResolved: z.number(),
  failed: z.number(),
  withdrawn: z.number(),
  escalated: z.number().describe("referred to the court"),
  raised: z.number().describe("went up at least one level"),
  bySilence: z.number().describe("went up because the other side did not answer"),
  concluded: z.number().describe("ended other than by withdrawal: resolved + partlyResolved + failed + escalated (the denominator of the rates)"),
  success: rate.describe("resolved or partly resolved, of concluded"),
  settledLocally: rate.describe("枫桥: resolved or partly resolved at the building or community level, of concluded"),
  medianSettleSeconds: z.number().nullable().describe("median seconds from filing to a resolved or partly resolved close"),
});
type Figures = z.infer<typeof figures>;

export const statsResponse = z.object({
  estate: z.number(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  timeZone: z.literal("UTC+8"),
  total: figures,
  byCategory: z.array(figures.extend({ category: z.enum(CATEGORIES), name: z.object({ "zh-CN": z.string(), en: z.string() }) })),
  byLevel: z.array(figures.extend({ level: z.enum(LEVELS) })),
  byMonth: z.array(figures.extend({ month: z.string() })),
});
export type MediationStats = z.infer<typeof statsResponse>;

const ratio = (count: number, of: number) => ({ count, of, rate: of === 0 ? null : Math.round((count / of) * 10_000) / 10_000 });

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

type Sum = { cell: Cell; local: number; durations: number[] };
const emptySum = (): Sum => ({ cell: EMPTY(), local: 0, durations: [] });

function addTo(sum: Sum, cell: Cell, level: Level, durations: number[]): void {
  for (const k of COUNTS) sum.cell[k] += cell[k];
  if (level === "building" || level === "community") sum.local += cell.resolved + cell.partlyResolved;
  for (const d of durations) insertSorted(sum.durations, d);
}

function figuresOf(sum: Sum): Figures {
  const c = sum.cell;
  const concluded = c.resolved + c.partlyResolved + c.failed + c.escalated;
  return { ...c, concluded, success: ratio(c.resolved + c.partlyResolved, concluded), settledLocally: ratio(sum.local, concluded), medianSettleSeconds: median(sum.durations) };
}

export async function readStats(read: ModelReader, query: { estate: number; from?: string; to?: string }): Promise<MediationStats> {
  const { estate, from, to } = query;
  if (from !== undefined && to !== undefined && from > to) throw refuse(400, "mediation_stats_range", { from, to });
  const prefix = `${estate}:`;
  const total = emptySum();
  const byCategory = new Map<string, Sum>();
  const byLevel = new Map<string, Sum>();
  const byMonth = new Map<string, Sum>();
  const at = <K>(map: Map<K, Sum>, key: K) => map.get(key) ?? (map.set(key, emptySum()), map.get(key)!);
  let cursor: string | undefined;
  do {
    const page = await read.page<[string, Cell]>(STATS_MODELS.cells, {
      prefix,
      limit: 1000,
      cursor,
      map: (value, key) => {
        const month = key.slice(prefix.length, prefix.length + 7);
        return (from === undefined || month >= from) && (to === undefined || month <= to) ? [key, value as Cell] : undefined;
      },
    });
    for (const [key, cell] of page.items) {
      const [, month, cat, level] = key.split(":") as [string, string, Category, Level];
      const durations = cell.resolved + cell.partlyResolved > 0 ? ((await read.get<number[]>(STATS_MODELS.durations, key)) ?? []) : [];
      for (const sum of [total, at(byCategory, cat), at(byLevel, level), at(byMonth, month)]) addTo(sum, cell, level, durations);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return {
    estate,
    from: from ?? null,
    to: to ?? null,
    timeZone: "UTC+8",
    total: figuresOf(total),
    byCategory: CATEGORIES.filter((c) => byCategory.has(c)).map((c) => ({ category: c, name: CATEGORY_NAMES[c], ...figuresOf(byCategory.get(c)!) })),
    byLevel: LEVELS.filter((l) => byLevel.has(l)).map((l) => ({ level: l, ...figuresOf(byLevel.get(l)!) })),
    byMonth: [...byMonth.keys()].sort().map((m) => ({ month: m, ...figuresOf(byMonth.get(m)!) })),
  };
}

export function statsQuery(): QueryDef {
  return defineQuery({
    path: "/api/mediation/disputes/stats",
    summary:
      "Statistics of an estate's disputes by category, level and month of filing (UTC+8): counts of each outcome, the success rate and the share settled at the building or community level (枫桥), each with its denominator, and the median time to settle (public: counts only)",
    who: "public",
    query: z.object({
      estate: z.coerce.number().int().min(1),
      from: z.string().regex(MONTH, "a month, e.g. 2026-05").optional(),
      to: z.string().regex(MONTH, "a month, e.g. 2026-05").optional(),
    }),
    response: statsResponse,
    handler: ({ query }, read) => readStats(read, query as { estate: number; from?: string; to?: string }),
  });
}
