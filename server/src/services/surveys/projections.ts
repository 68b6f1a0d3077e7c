// The read models. Ballots are only ever summed into tallies per survey and building: no model keeps a ballot, and
// none written for a ballot names a household, a person, a time or a sequence (docs/surveys.md).
import type { JournalRecord, ModelTx } from "../framework/index.js";
import { Ballot, Closed, Defined, Participated, TaskCompleted, TaskLinked, TaskOpened, type SurveyDef } from "./records.js";
import { addBallot, emptyTally, type Tally } from "./scores.js";

export const MODELS = {
  /** survey id → SurveyRow. */
  surveys: "surveys",
  /** `<estateId>|<quarter>|<survey id>` → survey id: an estate's surveys in quarter order. */
  byEstate: "byEstate",
  /** survey id → closesAt, while open (the sweep closes it). */
  open: "open",
  /** `<survey id>|<building or ->` → Tally. */
  tallies: "tallies",
} as const;
export const MODEL_NAMES = Object.values(MODELS);

export const TURNOUT_MODELS = {
  /** survey id → { online, paper }. */
  counts: "counts",
  /** `<survey id>|<unitId>` → channel (a resident's page: "you have answered"). */
  answered: "answered",
} as const;
export const TURNOUT_MODEL_NAMES = Object.values(TURNOUT_MODELS);

export const TASK_MODELS = {
  /** `<estateId>|<task id>` → TaskRow. */
  tasks: "tasks",
} as const;
export const TASK_MODEL_NAMES = Object.values(TASK_MODELS);

export type SurveyRow = SurveyDef & { id: string; closed: boolean; ballots: number; participants: number | null };
export type TurnoutCounts = { online: number; paper: number };
export type TaskRow = {
  id: string;
  survey: string;
  estateId: number;
  quarter: string;
  dimension: string;
  reason: "low" | "falling";
  scoreTenths: number;
  previousTenths: number | null;
  link: { kind: "workorder" | "renewal"; ref: string; validated: boolean } | null;
  doneOn: number | null;
  openedAt: number;
};

export const tallyKey = (survey: string, building: number | null) => `${survey}|${building ?? "-"}`;

export async function projectSurvey(record: JournalRecord, tx: ModelTx): Promise<void> {
  if (Defined.is(record)) {
    const row: SurveyRow = { ...record.payload, id: record.id, closed: false, ballots: 0, participants: null };
    tx.put(MODELS.surveys, record.id, row);
    tx.put(MODELS.byEstate, `${record.payload.estateId}|${record.payload.quarter}|${record.id}`, record.id);
    tx.put(MODELS.open, record.id, record.payload.closesAt);
    return;
  }
  const row = await tx.get<SurveyRow>(MODELS.surveys, record.id);
  if (!row) return;
  if (Ballot.is(record)) {
    const key = tallyKey(record.id, record.payload.building);
    const tally = (await tx.get<Tally>(MODELS.tallies, key)) ?? emptyTally();
    tx.put(MODELS.tallies, key, addBallot(tally, row.dimensions, record.payload.answers));
    tx.put(MODELS.surveys, record.id, { ...row, ballots: row.ballots + 1 });
  } else if (Closed.is(record)) {
    tx.put(MODELS.surveys, record.id, { ...row, closed: true, participants: record.payload.participants });
    tx.del(MODELS.open, record.id);
  }
}

export async function projectTurnout(record: JournalRecord, tx: ModelTx): Promise<void> {
  if (!Participated.is(record)) return;
  const { survey, unitId, channel } = record.payload;
  const counts = (await tx.get<TurnoutCounts>(TURNOUT_MODELS.counts, survey)) ?? { online: 0, paper: 0 };
  tx.put(TURNOUT_MODELS.counts, survey, { ...counts, [channel]: counts[channel] + 1 });
  tx.put(TURNOUT_MODELS.answered, `${survey}|${unitId}`, channel);
}

export async function projectTask(record: JournalRecord, tx: ModelTx): Promise<void> {
  if (TaskOpened.is(record)) {
    const p = record.payload;
    const row: TaskRow = { id: record.id, ...p, link: null, doneOn: null, openedAt: record.at };
    tx.put(TASK_MODELS.tasks, `${p.estateId}|${record.id}`, row);
    tx.put(TASK_MODELS.tasks, `id|${record.id}`, p.estateId);
    return;
  }
  const estateId = await tx.get<number>(TASK_MODELS.tasks, `id|${record.id}`);
  const row = estateId === undefined ? undefined : await tx.get<TaskRow>(TASK_MODELS.tasks, `${estateId}|${record.id}`);
  if (!row) return;
  if (TaskLinked.is(record)) tx.put(TASK_MODELS.tasks, `${estateId}|${record.id}`, { ...row, link: record.payload });
  else if (TaskCompleted.is(record)) tx.put(TASK_MODELS.tasks, `${estateId}|${record.id}`, { ...row, doneOn: record.payload.doneOn });
}
