// The read models of suggestions and open days, written in each record's own atomic write; every index derives
// from the state before and after the record.
import { numKey } from "../../store/store.js";
import type { JournalRecord, ModelTx } from "../framework/index.js";
import { FUNNEL_MODEL, projectFunnel } from "./funnel.js";
import { evolveOpenDay, evolveSuggestion, INITIAL_OPEN_DAY, INITIAL_SUGGESTION, type OpenDayState, type SuggestionState } from "./state.js";

export type SuggestionRow = SuggestionState & { id: string };
export type OpenDayRow = OpenDayState & { id: string };

export const MODELS = {
  /** id → SuggestionRow. */
  suggestions: "suggestions",
  /** `<inverted receivedAt>:<id>`: every suggestion, newest first (the public list). */
  newest: "newest",
  /** `<open day>:<receivedAt>:<id>`: an open day's suggestions. */
  byOpenDay: "byOpenDay",
  /** `<answerBy>:<id>` while unanswered: the office's desk, soonest due first. */
  unanswered: "unanswered",
  /** `<answerBy>:<id>` while unanswered and not yet marked overdue: the sweep reads only its head. */
  due: "due",
  funnel: FUNNEL_MODEL,
} as const;
export const MODEL_NAMES: string[] = Object.values(MODELS);

export const OPEN_DAY_MODELS = {
  /** id → OpenDayRow. */
  days: "days",
  /** `<inverted date>:<id>`: open days, latest first. */
  byDate: "byDate",
} as const;

/** Far enough ahead that `LATEST - t` orders every Unix time newest first. */
const LATEST = 9_999_999_999;
export const newestKey = (at: number, id: string) => `${numKey(LATEST - at)}:${id}`;

function keysOf(row: SuggestionRow): Record<"newest" | "byOpenDay" | "unanswered" | "due", string[]> {
  if (row.status === "none") return { newest: [], byOpenDay: [], unanswered: [], due: [] };
  const waiting = row.status === "received";
  return {
    newest: [newestKey(row.receivedAt, row.id)],
    byOpenDay: row.openDay ? [`${row.openDay}:${numKey(row.receivedAt)}:${row.id}`] : [],
    unanswered: waiting ? [`${numKey(row.answerBy)}:${row.id}`] : [],
    due: waiting && !row.overdue ? [`${numKey(row.answerBy)}:${row.id}`] : [],
  };
}

export async function projectSuggestion(record: JournalRecord, tx: ModelTx): Promise<void> {
  const before = (await tx.get<SuggestionRow>(MODELS.suggestions, record.id)) ?? { ...INITIAL_SUGGESTION, id: record.id };
  const after: SuggestionRow = { ...evolveSuggestion(before, record), id: record.id };
  tx.put(MODELS.suggestions, record.id, after);
  const old = keysOf(before);
  const now = keysOf(after);
  for (const model of Object.keys(now) as (keyof typeof now)[]) {
    for (const key of old[model]) if (!now[model].includes(key)) tx.del(model, key);
    for (const key of now[model]) if (!old[model].includes(key)) tx.put(model, key, 1);
  }
  await projectFunnel(before, after, tx);
}

export async function projectOpenDay(record: JournalRecord, tx: ModelTx): Promise<void> {
  const before = (await tx.get<OpenDayRow>(OPEN_DAY_MODELS.days, record.id)) ?? { ...INITIAL_OPEN_DAY, id: record.id };
  const after: OpenDayRow = { ...evolveOpenDay(before, record), id: record.id };
  tx.put(OPEN_DAY_MODELS.days, record.id, after);
  if (before.scheduled && before.date !== after.date) tx.del(OPEN_DAY_MODELS.byDate, newestKey(before.date, record.id));
  if (after.scheduled) tx.put(OPEN_DAY_MODELS.byDate, newestKey(after.date, record.id), 1);
}
