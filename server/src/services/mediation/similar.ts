// Similar past cases for mediation: the closed cases most like a new dispute, by full-text search over their
// anonymised Chinese summaries and agreed terms. MiniSearch keeps the inverted index and scores with BM25+;
// words come from Intl.Segmenter (./similar-text.ts), with a thesaurus's concept terms for the kinds of dispute
// (./similar-thesaurus.ts). The case's category is a boost, not a filter: a barking
// dog filed under "noise" is still like one filed under "pets". How it was chosen and how well it does:
// docs/mediation-similar.md.
import MiniSearch from "minisearch";
import { terms } from "./similar-text.js";
import { concepts } from "./similar-thesaurus.js";

export type ClosedCaseSummary = {
  id: string;
  category: string;
  level: string;
  outcome: string;
  /** Anonymised: no names, rooms or phone numbers (the service writes it so; this index only reads it). */
  summary: string;
  /** The terms agreed (or, for a case that failed, what was asked), anonymised like the summary. */
  terms: string;
  closedAt: number;
};
export type SimilarHit = ClosedCaseSummary & { score: number };
export type SimilarQuery = { text: string; category?: string; excludeId?: string };
export type SimilarIndex = {
  /** Adds a closed case; a case already there with the same id is replaced. */
  add(c: ClosedCaseSummary): void;
  /** Forgets a case (reopened, or its summary withdrawn); an unknown id is ignored. */
  remove(id: string): void;
  size(): number;
  /** The k (default 5) cases most like the query text, best first; none when no word of it is in any case. */
  search(q: SimilarQuery, k?: number): SimilarHit[];
};

/** How much a case of the query's own category counts over another (measured on the labelled set: the doc). */
export const CATEGORY_BOOST = 2;
/** A concept of the thesaurus (./similar-thesaurus.ts) weighs in a query as three words (measured: the doc). */
export const CONCEPT_BOOST = 3;
/** The agreed terms weigh less than the summary: they repeat across situations (道歉, 赔偿, 限期). */
export const FIELD_BOOST = { summary: 1, terms: 0.5 } as const;
/**
 * A long query (a whole complaint) is cut to its most informative words, by term frequency in the query times
 * inverse document frequency in the index: common words match most of 100,000 cases and cost time for
 * little ranking.
 */
export const MAX_QUERY_TERMS = 24;
/**
 * And no more words than the index holds this many occurrences of (in all, the rarest first; the two most
 * informative always): the search's time is its count of (word, case) pairs, so a query over 100,000 cases stays
 * within a fixed budget however common its words. On the labelled set (222 cases) no query reaches it.
 */
export const MAX_QUERY_POSTINGS = 20_000;

type Doc = { id: string; summary: string; terms: string; category: string };

const SPACE = " ";
const split = (s: string) => (s === "" ? [] : s.split(SPACE));

/**
 * The choices the search is made of, each measured on the labelled set (docs/mediation-similar.md). The boosts and
 * the query's bounds are read at each search from the object given to createSimilarIndex.
 */
export type SimilarOptions = {
  /** Text to search terms. */
  analyze: (text: string) => string[];
  categoryBoost: number;
  fieldBoost: { summary: number; terms: number };
  maxQueryTerms: number;
  maxQueryPostings: number;
  /** How much a concept term (one starting with "#", from ./similar-thesaurus.ts) weighs in a query over a word. */
  conceptBoost: number;
  /** MiniSearch's BM25+ parameters. */
  bm25: { k: number; b: number; d: number };
};

export const DEFAULT_OPTIONS: SimilarOptions = {
  analyze: (text) => [...terms(text), ...concepts(text)],
  categoryBoost: CATEGORY_BOOST,
  fieldBoost: FIELD_BOOST,
  maxQueryTerms: MAX_QUERY_TERMS,
  maxQueryPostings: MAX_QUERY_POSTINGS,
  conceptBoost: CONCEPT_BOOST,
  bm25: { k: 1.2, b: 0.7, d: 0.5 },
};

/** The k best by score (ties by id, so that the order never depends on insertion), without sorting them all. */
function topK(hits: { id: string; score: number }[], k: number): { id: string; score: number }[] {
  const better = (a: { id: string; score: number }, b: { id: string; score: number }) => a.score > b.score || (a.score === b.score && a.id < b.id);
  const best: { id: string; score: number }[] = [];
  for (const h of hits) {
    if (best.length === k && !better(h, best[k - 1]!)) continue;
    let i = Math.min(best.length, k - 1);
    while (i > 0 && better(h, best[i - 1]!)) i--;
    best.splice(i, 0, h);
    if (best.length > k) best.pop();
  }
  return best;
}

export function createSimilarIndex(cases: Iterable<ClosedCaseSummary> = [], options: SimilarOptions = { ...DEFAULT_OPTIONS }): SimilarIndex {
    // The index-time settings are fixed here; the query-time ones (category and concept boosts, the query's bounds) are
  // read at each search, so that one index can be searched with other settings (the bench's baseline).
  const { analyze, fieldBoost, bm25 } = options;
  const byId = new Map<string, ClosedCaseSummary>();
  /** In how many cases each word occurs: the inverse document frequency that picks a long query's words. */
  const documentFrequency = new Map<string, number>();
  const search = new MiniSearch<Doc>({
    fields: ["summary", "terms"],
    storeFields: ["category"],
    // The words are made once, by analyze(), and handed over joined by spaces (a word never holds a space).
    tokenize: split,
    processTerm: (t) => t,
    searchOptions: { boost: { ...fieldBoost }, prefix: false, fuzzy: false, combineWith: "OR", bm25 },
  });

  const wordsOf = (c: ClosedCaseSummary) => ({ summary: analyze(c.summary), terms: analyze(c.terms) });
  const count = (words: { summary: string[]; terms: string[] }, by: 1 | -1) => {
    for (const w of new Set([...words.summary, ...words.terms])) {
      const n = (documentFrequency.get(w) ?? 0) + by;
      if (n > 0) documentFrequency.set(w, n);
      else documentFrequency.delete(w);
    }
  };

  const remove = (id: string) => {
    const old = byId.get(id);
    if (!old) return;
    search.discard(id);
    count(wordsOf(old), -1);
    byId.delete(id);
  };

  const add = (c: ClosedCaseSummary) => {
    remove(c.id);
    const words = wordsOf(c);
    search.add({ id: c.id, summary: words.summary.join(SPACE), terms: words.terms.join(SPACE), category: c.category });
    count(words, 1);
    byId.set(c.id, { ...c });
  };

  /** The query's most informative words, each with how often the query says it. */
  const queryWords = (text: string): Map<string, number> => {
    const tf = new Map<string, number>();
    for (const w of analyze(text)) if (documentFrequency.has(w)) tf.set(w, (tf.get(w) ?? 0) + 1);
    const n = byId.size;
    const weight = (w: string, f: number) => {
      const df = documentFrequency.get(w)!;
      return (1 + Math.log(f)) * Math.log(1 + (n - df + 0.5) / (df + 0.5));
    };
    const ranked = [...tf].sort(([a, fa], [b, fb]) => weight(b, fb) - weight(a, fa) || (a < b ? -1 : 1));
    const picked: [string, number][] = [];
    let postings = 0;
    for (const [w, f] of ranked) {
      if (picked.length >= options.maxQueryTerms) break;
      const df = documentFrequency.get(w)!;
      if (picked.length >= 2 && postings + df > options.maxQueryPostings) continue;
      picked.push([w, f]);
      postings += df;
    }
    return new Map(picked);
  };

  for (const c of cases) add(c);

  return {
    add,
    remove,
    size: () => byId.size,
    search({ text, category, excludeId }, k = 5) {
      if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a whole number of cases, at least 1; got ${k}`);
      const words = queryWords(text);
      if (words.size === 0) return [];
      const results = search.search([...words.keys()].join(SPACE), {
        boostTerm: (w) => (1 + Math.log(words.get(w) ?? 1)) * (w.startsWith("#") ? options.conceptBoost : 1),
      });
      // The category boost multiplies a case's whole score, so it is applied here, once per case, rather than by
      // MiniSearch's boostDocument, once per (word, case) pair: the same ranking for a quarter less time.
      const hits: { id: string; score: number }[] = [];
      for (const r of results) {
        if (r.id === excludeId) continue;
        hits.push({ id: r.id as string, score: category !== undefined && r.category === category ? r.score * options.categoryBoost : r.score });
      }
      return topK(hits, k).map((h) => ({ ...byId.get(h.id)!, score: h.score }));
    },
  };
}
