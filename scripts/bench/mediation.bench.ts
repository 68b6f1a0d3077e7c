// Mediation (issue 15): the similar-case search.
//  - an index over 100,000 closed cases (generated: scripts/bench/mediation-corpus.ts), its build time and the
//    heap it holds; then a few hundred new complaints as queries (each with its category), the time of each;
//    the baseline is the same queries with every word kept (no cut to the most informative), in the same run;
//  - precision at 5 on the labelled set (test/fixtures/mediation-similar-cases.ts), as the quality test does.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createSimilarIndex, DEFAULT_OPTIONS, MAX_QUERY_POSTINGS, MAX_QUERY_TERMS, type SimilarIndex } from "../../server/src/services/mediation/similar.js";
import { LABELLED_CASES } from "../../test/fixtures/mediation-similar-cases.js";
import { precisionAtK } from "../../test/server/helpers/similar-precision.js";
import { round, type BenchModule, type Figure } from "./figures.js";
import { generatedCases, generatedText, random } from "./mediation-corpus.js";

const CASES = Number(process.env.BENCH_MEDIATION_CASES ?? 100_000);
const QUERIES = Number(process.env.BENCH_MEDIATION_QUERIES ?? 300);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** A full collection, so that the heap measured is what the index holds (hardhat run gives no --expose-gc). */
function collect(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

/** Three long complaints (several cases' texts run together) among every ten queries: a long text must stay fast. */
function queries(): { text: string; category: string }[] {
  const r = random(4242);
  return Array.from({ length: QUERIES }, (_, i) => {
    const q = generatedText(r);
    const text = i % 10 < 3 ? [q.summary, generatedText(r).summary, generatedText(r).summary, q.summary].join("") : q.summary;
    return { text, category: q.category };
  });
}

/**
 * Each query's wall time and CPU time (this process's, all threads: on a shared machine the wall time also counts
 * waiting for a core, the CPU time does not), in the queries' order.
 */
function timeQueries(index: SimilarIndex, qs: { text: string; category: string }[]): { ms: number[]; cpuMs: number[] } {
  for (const q of qs.slice(0, 10)) index.search(q); // warm-up: the JIT, not the index
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (const q of qs) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const hits = index.search(q);
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
    if (hits.length !== 5) throw new Error(`a query found ${hits.length} cases among ${index.size()}: expected 5`);
  }
  return { ms, cpuMs };
}
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

async function run(): Promise<Figure[]> {
  console.log(`  generating ${CASES} closed cases …`);
  const cases = generatedCases(CASES);
  const qs = queries();
  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const options = { ...DEFAULT_OPTIONS };
  const index = createSimilarIndex(cases, options);
  const buildMs = performance.now() - t0;
  const buildCpu = process.cpuUsage(c0);
  collect();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  console.log(`  built in ${Math.round(buildMs)} ms, ${Math.round(heapMb)} MB; ${qs.length} queries …`);
  const { ms, cpuMs } = timeQueries(index, qs);
  console.log(`  p95 ${round(percentile(sorted(ms), 95), 1)} ms; the baseline (every word) on one query in five …`);
  // The baseline on the same index: the options' query-time settings are read at each search.
  Object.assign(options, { maxQueryTerms: Infinity, maxQueryPostings: Infinity });
  const fifth = (_: unknown, i: number) => i % 5 === 0; // one in five: each takes many times as long
  const fullP95 = percentile(sorted(timeQueries(index, qs.filter(fifth)).ms), 95);
  const p95 = percentile(sorted(ms), 95);
  const sameP95 = percentile(sorted(ms.filter(fifth)), 95);
  const precision = precisionAtK(LABELLED_CASES, 5).mean;
  const longChars = Math.round(qs.filter((_, i) => i % 10 < 3).reduce((s, q) => s + q.text.length, 0) / qs.filter((_, i) => i % 10 < 3).length);
  return [
    { name: "mediation.similarP95ms", value: round(p95, 1), unit: "ms", description: `95th percentile of a similar-case search (top 5, with category) over ${CASES.toLocaleString("en-US")} closed cases, ${qs.length} queries (3 in 10 long: ~${longChars} characters). Goal ≤ 200 ms` },
    { name: "mediation.similarCpuP95ms", value: round(percentile(sorted(cpuMs), 95), 1), unit: "ms", description: "95th percentile of the CPU time of the same searches (this process, all threads): what the wall time would be on an idle core" },
    { name: "mediation.similarP50ms", value: round(percentile(sorted(ms), 50), 1), unit: "ms", description: "median of the same" },
    { name: "mediation.similarAllWordsP95ms", value: round(fullP95, 1), unit: "ms", description: `baseline: one in five of the same queries with every word of the text searched, not only its ${MAX_QUERY_TERMS} most informative within ${MAX_QUERY_POSTINGS.toLocaleString("en-US")} (word, case) pairs` },
    { name: "mediation.similarP95Ratio", value: round(sameP95 / fullP95, 2), unit: "×", description: "the 95th percentile over the baseline's, on the same one in five queries" },
    { name: "mediation.similarBuildMs", value: Math.round(buildMs), unit: "ms", description: `building the index over ${CASES.toLocaleString("en-US")} cases (segmenting every summary and terms)` },
    { name: "mediation.similarBuildCpuMs", value: Math.round((buildCpu.user + buildCpu.system) / 1000), unit: "ms", description: "CPU time of the same build (this process, all threads)" },
    { name: "mediation.similarHeapMb", value: Math.round(heapMb), unit: "MB", description: "heap the index holds (after a full collection, the cases' own strings included)" },
    { name: "mediation.similarPrecisionAt5", value: round(precision, 3), unit: "", description: `precision at 5 on the labelled set (${LABELLED_CASES.length} cases in ${new Set(LABELLED_CASES.map((c) => c.situation)).size} situations; each case's summary and category as the query against the others). Goal ≥ 0.6` },
  ];
}

const bench: BenchModule = {
  title: "Mediation: similar past cases",
  notes: `The index is the one the service uses (server/src/services/mediation/similar.ts: MiniSearch over words from
Intl.Segmenter and the thesaurus's concepts, the category as a boost), filled with generated cases (scripts/bench/mediation-corpus.ts: a random
choice of who, what, when, what it did and what was tried, for several kinds of dispute per category; summaries of
40-160 characters). Queries are new generated complaints, three in ten of them long (four summaries run together);
each is timed alone, after 10 warm-up queries; the baseline (every word searched) times one query in five on the same
index. On a busy machine compare the CPU figures (process.cpuUsage, all threads): the wall times also count waiting
for a core. The precision figure is on the hand-written labelled set, as in
test/server/mediation-similar-quality.test.ts; see docs/mediation-similar.md.`,
  run,
};

export default bench;
