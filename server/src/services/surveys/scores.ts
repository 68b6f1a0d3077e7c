// The satisfaction index (ACSI-like, on 0–100) and the heat map, as pure functions of the tallies.
//
//   a level ℓ ∈ {1…5} scores 25·(ℓ − 1): 非常不满意 0, 不满意 25, 一般 50, 满意 75, 非常满意 100;
//   a household's dimension score x_d is the mean score of its answers to the dimension's questions;
//   its overall score o = Σ w_d·x_d / Σ w_d (the survey's weights, equal unless the office set them);
//   an index is the mean of the households' scores, with n and a 95 % confidence interval
//   mean ± 1.96·s/√n (s the sample standard deviation of the households' scores), clipped to 0–100.
//
// k-anonymity: no figure from fewer than K = 10 households is shown. In the heat map (buildings × dimensions) a
// building with fewer than K ballots is hidden, and since the estate's totals are shown, the hidden buildings
// together must hold at least K ballots, or the totals minus the shown buildings would give the hidden one away:
// the smallest shown buildings are hidden too ("complementary suppression") until they do.
import type { DimensionDef, SurveyDef } from "./records.js";

export const K_ANONYMITY = 10;
export const Z95 = 1.96;

/** Sums over ballots: their number, and per dimension and overall the sum and the sum of squares of the scores. */
export type Tally = { n: number; dims: Record<string, [number, number]>; overall: [number, number] };

export type Stat = { n: number; mean: number; ci: [number, number] | null };

export const levelScore = (level: number): number => 25 * (level - 1);

/** The questions in answer order. */
export const questionsOf = (def: Pick<SurveyDef, "dimensions">): string[] => def.dimensions.flatMap((d) => d.questions);

/** One household's scores: per dimension, and overall with the survey's weights. */
export function scoreBallot(dimensions: readonly DimensionDef[], answers: readonly number[]): { dims: Record<string, number>; overall: number } {
  const dims: Record<string, number> = {};
  let at = 0;
  let weighted = 0;
  let weights = 0;
  for (const d of dimensions) {
    let sum = 0;
    for (let i = 0; i < d.questions.length; i++) sum += levelScore(answers[at + i]!);
    at += d.questions.length;
    const x = sum / d.questions.length;
    dims[d.code] = x;
    weighted += d.weight * x;
    weights += d.weight;
  }
  return { dims, overall: weighted / weights };
}

export const emptyTally = (): Tally => ({ n: 0, dims: {}, overall: [0, 0] });

/** The tally with one more ballot (a new object: tallies are read-model values). */
export function addBallot(tally: Tally, dimensions: readonly DimensionDef[], answers: readonly number[]): Tally {
  const s = scoreBallot(dimensions, answers);
  const dims: Record<string, [number, number]> = { ...tally.dims };
  for (const [code, x] of Object.entries(s.dims)) {
    const [sum, sq] = dims[code] ?? [0, 0];
    dims[code] = [sum + x, sq + x * x];
  }
  return { n: tally.n + 1, dims, overall: [tally.overall[0] + s.overall, tally.overall[1] + s.overall * s.overall] };
}

export function mergeTallies(tallies: readonly Tally[]): Tally {
  const out = emptyTally();
  for (const t of tallies) {
    out.n += t.n;
    out.overall = [out.overall[0] + t.overall[0], out.overall[1] + t.overall[1]];
    for (const [code, [sum, sq]] of Object.entries(t.dims)) {
      const [s0, q0] = out.dims[code] ?? [0, 0];
      out.dims[code] = [s0 + sum, q0 + sq];
    }
  }
  return out;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Mean and 95 % interval from n, Σx and Σx² (no interval below two ballots). */
export function statOf(n: number, sum: number, sumSq: number): Stat {
  const mean = sum / n;
  if (n < 2) return { n, mean: round1(mean), ci: null };
  const variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
  const half = (Z95 * Math.sqrt(variance)) / Math.sqrt(n);
  return { n, mean: round1(mean), ci: [round1(Math.max(0, mean - half)), round1(Math.min(100, mean + half))] };
}

export type HeatRow = {
  /** The building, or null for "other buildings" (ballots whose building was withheld in their release). */
  building: number | null;
  /** null when hidden: its own count is fewer than K, or it is hidden so that the hidden ones hold K. */
  hidden: null | "fewerThanK" | "complementary";
  n: number | null;
  overall: Stat | null;
  cells: Record<string, Stat> | null;
};

export type SurveyResults = {
  n: number;
  /** null: fewer than K ballots in all, nothing is shown. */
  overall: Stat | null;
  dimensions: { code: string; weight: number; stat: Stat | null }[];
  heatmap: { dimensions: string[]; rows: HeatRow[] };
  k: number;
};

/**
 * The index and heat map of a survey from its tallies per building ("-" for other buildings). Hidden rows carry
 * neither their count nor their scores.
 */
export function surveyResults(def: Pick<SurveyDef, "dimensions">, byBuilding: ReadonlyMap<string, Tally>, k = K_ANONYMITY): SurveyResults {
  const total = mergeTallies([...byBuilding.values()]);
  const shown = total.n >= k;
  const dimensionStat = (t: Tally, code: string) => statOf(t.n, t.dims[code]?.[0] ?? 0, t.dims[code]?.[1] ?? 0);
  const keys = [...byBuilding.keys()].filter((key) => byBuilding.get(key)!.n > 0).sort((a, b) => (a === "-" ? 1 : b === "-" ? -1 : Number(a) - Number(b)));
  const hidden = new Map<string, "fewerThanK" | "complementary">();
  for (const key of keys) if (!shown || byBuilding.get(key)!.n < k) hidden.set(key, "fewerThanK");
  // Complementary suppression: the totals minus the shown rows are the hidden rows together; they must hold K.
  const hiddenCount = () => [...hidden.keys()].reduce((sum, key) => sum + byBuilding.get(key)!.n, 0);
  if (hidden.size > 0) {
    const candidates = keys.filter((key) => !hidden.has(key)).sort((a, b) => byBuilding.get(a)!.n - byBuilding.get(b)!.n || (a < b ? -1 : 1));
    while (hiddenCount() < k && candidates.length > 0) hidden.set(candidates.shift()!, "complementary");
  }
  const codes = def.dimensions.map((d) => d.code);
  const rows: HeatRow[] = keys.map((key) => {
    const t = byBuilding.get(key)!;
    const building = key === "-" ? null : Number(key);
    const why = hidden.get(key);
    if (why) return { building, hidden: why, n: null, overall: null, cells: null };
    return { building, hidden: null, n: t.n, overall: statOf(t.n, t.overall[0], t.overall[1]), cells: Object.fromEntries(codes.map((c) => [c, dimensionStat(t, c)])) };
  });
  return {
    n: total.n,
    overall: shown ? statOf(total.n, total.overall[0], total.overall[1]) : null,
    dimensions: def.dimensions.map((d) => ({ code: d.code, weight: d.weight, stat: shown ? dimensionStat(total, d.code) : null })),
    heatmap: { dimensions: codes, rows },
    k,
  };
}

/**
 * Which buildings a release names: a building with fewer than k ballots in the release is withheld (null), and
 * if the withheld ones are then fewer than k (but some), the smallest named buildings are withheld too, so that
 * in the journal every building of a release, and "other buildings", stands for at least k households (unless the
 * whole release is smaller than k).
 */
export function buildingsToName(counts: ReadonlyMap<number, number>, k = K_ANONYMITY): Set<number> {
  const named = new Set([...counts].filter(([, n]) => n >= k).map(([b]) => b));
  let withheld = [...counts].filter(([b]) => !named.has(b)).reduce((sum, [, n]) => sum + n, 0);
  const bySize = [...named].sort((a, b) => counts.get(a)! - counts.get(b)! || a - b);
  while (withheld > 0 && withheld < k && bySize.length > 0) {
    const b = bySize.shift()!;
    named.delete(b);
    withheld += counts.get(b)!;
  }
  return named;
}
