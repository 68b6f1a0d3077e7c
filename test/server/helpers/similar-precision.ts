// Precision at k of the similar-case search on the labelled set: each case in turn is the query (its summary,
// as a new dispute would be described, and its category), searched among all the others (leave-one-out); the share of the top k
// that are labelled similar (same situation), averaged over the cases. Used by the quality test and the bench.
import { createSimilarIndex, type SimilarIndex } from "../../../server/src/services/mediation/similar.js";
import type { LabelledCase } from "../../fixtures/mediation-similar-cases.js";

export type Precision = { mean: number; perCase: { id: string; situation: string; precision: number; got: string[] }[] };

/** `queries` (by default all the cases) are searched among `cases` (which should hold them). */
export function precisionAtK(cases: LabelledCase[], k = 5, index: SimilarIndex = createSimilarIndex(cases), queries: LabelledCase[] = cases): Precision {
  const perCase = queries.map((c) => {
    // Leave-one-out: the case is taken out of the index while it is the query, so that its own words count as a
    // new case's would (absent from the index's word frequencies), then put back.
    index.remove(c.id);
    const hits = index.search({ text: c.summary, category: c.category }, k);
    index.add(c);
    const similar = new Set(c.similar);
    // A short list counts its missing places as misses: precision is over k places, not over what came back.
    const precision = hits.filter((h) => similar.has(h.id)).length / k;
    return { id: c.id, situation: c.situation, precision, got: hits.map((h) => h.id) };
  });
  return { mean: perCase.reduce((s, p) => s + p.precision, 0) / perCase.length, perCase };
}
