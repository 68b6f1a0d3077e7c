// The funnel (received → answered in time → adopted → implemented), counted per cohort: every suggestion
// received in a month (UTC+8), at an open day, online, and all of them. Each step is a count of the cohort and its
// rate has the cohort's whole `received` as its denominator, never a filtered subset: a suggestion still waiting
// for its answer, or declined, stays in the denominator. The aggregates are read models written with each record
// (the delta between the suggestion's contribution before and after it), so reading the funnel reads a few keys.
import { z } from "zod/v4";
import type { ModelReader, ModelTx } from "../framework/index.js";
import type { SuggestionState } from "./state.js";

export const FUNNEL_MODEL = "funnel";
const OFFSET = 8 * 3600;

/** "2026-05": the month (UTC+8) of Unix seconds `at`. */
export function monthOf(at: number): string {
  return new Date((at + OFFSET) * 1000).toISOString().slice(0, 7);
}

export type Counts = {
  received: number;
  /** Answered at all (in time or late). */
  answered: number;
  answeredInTime: number;
  answeredLate: number;
  /** Still waiting for the office's answer. */
  awaiting: number;
  /** Marked past its deadline unanswered (whether answered later or not). */
  overdue: number;
  /** Adopted, including those since implemented. */
  adopted: number;
  implemented: number;
  declined: number;
  /** Cost of the implemented ones (fen). */
  costFen: number;
};

const ZERO: Counts = { received: 0, answered: 0, answeredInTime: 0, answeredLate: 0, awaiting: 0, overdue: 0, adopted: 0, implemented: 0, declined: 0, costFen: 0 };

/** What one suggestion adds to its cohorts. */
export function contribution(s: SuggestionState): Counts {
  if (s.status === "none") return ZERO;
  const answered = s.answeredAt !== null;
  return {
    received: 1,
    answered: answered ? 1 : 0,
    answeredInTime: answered && !s.late ? 1 : 0,
    answeredLate: answered && s.late ? 1 : 0,
    awaiting: s.status === "received" ? 1 : 0,
    overdue: s.overdue ? 1 : 0,
    adopted: s.adoptedAt !== null ? 1 : 0,
    implemented: s.status === "implemented" ? 1 : 0,
    declined: s.status === "declined" ? 1 : 0,
    costFen: s.costFen ?? 0,
  };
}

/** The cohorts a suggestion belongs to: all, its month, its channel, its open day. */
export function cohortsOf(s: SuggestionState): string[] {
  if (s.status === "none") return [];
  return ["all", `m:${monthOf(s.receivedAt)}`, `c:${s.channel}`, ...(s.openDay ? [`d:${s.openDay}`] : [])];
}

export async function projectFunnel(before: SuggestionState, after: SuggestionState, tx: ModelTx): Promise<void> {
  const was = contribution(before);
  const now = contribution(after);
  const from = cohortsOf(before);
  const to = cohortsOf(after);
  for (const key of new Set([...from, ...to])) {
    // A suggestion never changes cohort (its month, channel and open day are fixed at receipt): the delta is its step.
    const b = from.includes(key) ? 1 : 0;
    const a = to.includes(key) ? 1 : 0;
    const cell = { ...ZERO, ...((await tx.get<Counts>(FUNNEL_MODEL, key)) ?? {}) };
    let changed = false;
    for (const field of Object.keys(ZERO) as (keyof Counts)[]) {
      const delta = now[field] * a - was[field] * b;
      if (delta !== 0) {
        cell[field] += delta;
        changed = true;
      }
    }
    if (changed) tx.put(FUNNEL_MODEL, key, cell);
  }
}

const step = z.object({
  count: z.number(),
  /** count / denominator; null when nothing was received. */
  rate: z.number().nullable(),
  denominator: z.number().describe("the cohort's suggestions received: every one, whatever became of it"),
});
export const funnelRow = z.object({
  cohort: z.string().describe("all, m:<YYYY-MM> (month received, UTC+8), c:<channel>, d:<open day id>"),
  received: z.number(),
  answeredInTime: step,
  answered: step,
  adopted: step,
  implemented: step,
  declined: step,
  awaiting: z.number().describe("still waiting for an answer (not yet counted as answered in time or late)"),
  overdue: z.number(),
  answeredLate: z.number(),
  costFen: z.number(),
});
export type FunnelRow = z.infer<typeof funnelRow>;

export function funnelOf(cohort: string, counts: Counts | undefined): FunnelRow {
  const c = { ...ZERO, ...(counts ?? {}) };
  const of = (count: number) => ({ count, rate: c.received === 0 ? null : count / c.received, denominator: c.received });
  return {
    cohort,
    received: c.received,
    answeredInTime: of(c.answeredInTime),
    answered: of(c.answered),
    adopted: of(c.adopted),
    implemented: of(c.implemented),
    declined: of(c.declined),
    awaiting: c.awaiting,
    overdue: c.overdue,
    answeredLate: c.answeredLate,
    costFen: c.costFen,
  };
}

/** Every cohort's funnel: all, by channel, by month (oldest first), by open day. */
export async function readFunnel(read: ModelReader): Promise<{ all: FunnelRow; byChannel: FunnelRow[]; byMonth: FunnelRow[]; byOpenDay: FunnelRow[] }> {
  const rows: FunnelRow[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await read.page<FunnelRow>(FUNNEL_MODEL, { limit: 500, cursor, map: (value, key) => funnelOf(key, value as Counts) });
    rows.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return {
    all: rows.find((r) => r.cohort === "all") ?? funnelOf("all", undefined),
    byChannel: rows.filter((r) => r.cohort.startsWith("c:")),
    byMonth: rows.filter((r) => r.cohort.startsWith("m:")),
    byOpenDay: rows.filter((r) => r.cohort.startsWith("d:")),
  };
}
