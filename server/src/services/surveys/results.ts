// A survey's published figures, read from its tallies: the index and heat map (scores.ts) once it is closed, the
// trend of an estate's closed surveys, and the improvement opened by a low or falling dimension.
import { modelName, type ServiceStorage } from "../framework/index.js";
import { MODELS, type SurveyRow } from "./projections.js";
import { SERVICE } from "./records.js";
import { surveyResults, type SurveyResults, type Tally } from "./scores.js";

type Reader = Pick<ServiceStorage, "get" | "list">;

export async function talliesOf(storage: Reader, survey: string): Promise<Map<string, Tally>> {
  const out = new Map<string, Tally>();
  const prefix = `${survey}|`;
  for await (const [key, value] of storage.list(modelName(SERVICE, MODELS.tallies), { prefix })) out.set(key.slice(prefix.length), value as Tally);
  return out;
}

/** The figures of a closed survey (null while it is open: nothing is published before the last release). */
export async function resultsOf(storage: Reader, row: SurveyRow): Promise<SurveyResults | null> {
  return row.closed ? surveyResults(row, await talliesOf(storage, row.id)) : null;
}

/** An estate's surveys in quarter order. */
export async function surveysOf(storage: Reader, estateId: number): Promise<SurveyRow[]> {
  const out: SurveyRow[] = [];
  for await (const [, id] of storage.list(modelName(SERVICE, MODELS.byEstate), { prefix: `${estateId}|` })) {
    const row = await storage.get<SurveyRow>(modelName(SERVICE, MODELS.surveys), id as string);
    if (row) out.push(row);
  }
  return out;
}

/** The estate's closed survey just before (or after) `quarter`. */
export async function neighbourSurvey(storage: Reader, estateId: number, quarter: string, direction: "before" | "after"): Promise<SurveyRow | undefined> {
  const closed = (await surveysOf(storage, estateId)).filter((s) => s.closed);
  return direction === "before" ? closed.filter((s) => s.quarter < quarter).at(-1) : closed.find((s) => s.quarter > quarter);
}

export type Trigger = { dimension: string; reason: "low" | "falling"; score: number; previous: number | null };

/** The dimensions that open an improvement task: below `lowBelow`, or down by `fallBy` or more since the previous survey. */
export function triggers(row: Pick<SurveyRow, "lowBelow" | "fallBy">, now: SurveyResults, before: SurveyResults | null): Trigger[] {
  const out: Trigger[] = [];
  for (const d of now.dimensions) {
    if (!d.stat) continue;
    const previous = before?.dimensions.find((p) => p.code === d.code)?.stat?.mean ?? null;
    if (d.stat.mean < row.lowBelow) out.push({ dimension: d.code, reason: "low", score: d.stat.mean, previous });
    else if (previous !== null && previous - d.stat.mean >= row.fallBy) out.push({ dimension: d.code, reason: "falling", score: d.stat.mean, previous });
  }
  return out;
}
