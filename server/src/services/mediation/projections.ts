// The disputes' read models, written in each record's own atomic write. Each dispute's state is folded here too
// (the same evolve as the decisions), and every index is derived from the state before and after the record.
import { numKey } from "../../store/store.js";
import type { JournalRecord, ModelTx } from "../framework/index.js";
import { Closed } from "./records.js";
import { evolveDispute, INITIAL_DISPUTE, isOpen, partiesOf, type DisputeState } from "./state.js";
import { projectStats, STATS_MODELS } from "./stats.js";

/** A stored dispute: its state and its id. */
export type DisputeRow = DisputeState & { id: string };

/** What a closed case gives the similar cases: the vault notes of its summary and terms, and its codes. */
export type SummaryRow = { category: string; level: string; outcome: string; closedAt: number; summary: string; terms: string | null };

export const MODELS = {
  /** id → DisputeRow. */
  disputes: "disputes",
  /** `<person>:<filedAt>:<id>`: every party's own cases. */
  byParty: "byParty",
  /** `<person>:<filedAt>:<id>`: a mediator's cases (and an invited participant's). */
  byMediator: "byMediator",
  /** `<answerDueAt>:<id>` for disputes waiting for the other side's answer: the silence sweep reads its head. */
  awaiting: "awaiting",
  /** `<dueAt>:<id>` for open disputes: the office's list, the soonest time limit first. */
  open: "open",
  /** mediator person id → open cases they carry (matching's load). */
  load: "load",
  /** id → SummaryRow for closed cases with a summary (the similar cases are rebuilt from it at start). */
  summaries: "summaries",
} as const;

export const MODEL_NAMES: string[] = [...Object.values(MODELS), ...Object.values(STATS_MODELS)];

type Keys = { byParty: string[]; byMediator: string[]; awaiting: string[]; open: string[] };

function keysOf(row: DisputeRow): Keys {
  if (row.status === "none") return { byParty: [], byMediator: [], awaiting: [], open: [] };
  const filed = numKey(row.filedAt);
  const people = [...new Set([...(row.mediator ? [row.mediator.person] : []), ...row.participants.map((p) => p.person)])];
  return {
    byParty: partiesOf(row).map((p) => `${p}:${filed}:${row.id}`),
    byMediator: people.map((p) => `${p}:${filed}:${row.id}`),
    awaiting: row.status === "awaitingAnswer" ? [`${numKey(row.answerDueAt)}:${row.id}`] : [],
    open: isOpen(row) ? [`${numKey(row.dueAt)}:${row.id}`] : [],
  };
}

/** The mediator whose load the dispute counts in (an open case with a mediator). */
const loadOf = (row: DisputeRow): string | null => (isOpen(row) && row.mediator ? row.mediator.person : null);

export async function projectDispute(record: JournalRecord, tx: ModelTx): Promise<void> {
  const before: DisputeRow = (await tx.get<DisputeRow>(MODELS.disputes, record.id)) ?? { ...INITIAL_DISPUTE, id: record.id };
  const after: DisputeRow = { ...evolveDispute(before, record), id: record.id };
  tx.put(MODELS.disputes, record.id, after);
  const old = keysOf(before);
  const now = keysOf(after);
  for (const model of Object.keys(now) as (keyof Keys)[]) {
    for (const key of old[model]) if (!now[model].includes(key)) tx.del(model, key);
    for (const key of now[model]) if (!old[model].includes(key)) tx.put(model, key, 1);
  }
  const [was, is] = [loadOf(before), loadOf(after)];
  if (was !== is) {
    if (was) {
      const n = ((await tx.get<number>(MODELS.load, was)) ?? 1) - 1;
      if (n <= 0) tx.del(MODELS.load, was);
      else tx.put(MODELS.load, was, n);
    }
    if (is) tx.put(MODELS.load, is, ((await tx.get<number>(MODELS.load, is)) ?? 0) + 1);
  }
  if (Closed.is(record) && record.payload.summary) {
    const p = record.payload;
    const summary: SummaryRow = { category: after.category, level: p.level, outcome: p.outcome, closedAt: record.at, summary: p.summary!, terms: p.terms ?? null };
    tx.put(MODELS.summaries, record.id, summary);
  } else if (before.status === "closed" && after.status !== "closed") tx.del(MODELS.summaries, record.id);
  await projectStats(before, after, tx);
}
