// The read models of the fund, written in each record's own atomic write; every index derives from the project's
// state before and after the record.
import { numKey } from "../../store/store.js";
import type { JournalRecord, ModelTx } from "../framework/index.js";
import { evolveProject, INITIAL_PROJECT, type ProjectState } from "./state.js";

export type ProjectRow = ProjectState & { id: string };

export const MODELS = {
  /** id → ProjectRow. */
  projects: "projects",
  /** `<inverted proposedAt>:<id>`: every project, newest first. */
  newest: "newest",
  /** `<deadline>:<id>` while funding: the sweep reads only its head. */
  deadlines: "deadlines",
} as const;
export const MODEL_NAMES: string[] = Object.values(MODELS);

/** Far enough ahead that `LATEST - t` orders every Unix time newest first. */
const LATEST = 9_999_999_999;

function keysOf(row: ProjectRow): Record<"newest" | "deadlines", string[]> {
  if (row.status === "none") return { newest: [], deadlines: [] };
  return {
    newest: [`${numKey(LATEST - row.proposedAt)}:${row.id}`],
    deadlines: row.status === "funding" && row.deadline !== null ? [`${numKey(row.deadline)}:${row.id}`] : [],
  };
}

export async function projectRenewal(record: JournalRecord, tx: ModelTx): Promise<void> {
  const before = (await tx.get<ProjectRow>(MODELS.projects, record.id)) ?? { ...INITIAL_PROJECT, id: record.id };
  const after: ProjectRow = { ...evolveProject(before, record), id: record.id };
  tx.put(MODELS.projects, record.id, after);
  const old = keysOf(before);
  const now = keysOf(after);
  for (const model of Object.keys(now) as (keyof typeof now)[]) {
    for (const key of old[model]) if (!now[model].includes(key)) tx.del(model, key);
    for (const key of now[model]) if (!old[model].includes(key)) tx.put(model, key, 1);
  }
}
