// The shape both mutation runs (contracts and server) report in, so `npm run mutation` can write one
// docs/mutation.md and the two figures of docs/benchmarks.json from either or both.

/** What became of one deliberate fault. */
export type MutantStatus = "killed" | "survived" | "timeout" | "compileError" | "noCoverage" | "equivalent";

export type Mutant = {
  /** Where: a path relative to the repository, and a 1-based line. */
  file: string;
  line: number;
  /** What was changed, e.g. "removed onlyRole(REGISTRAR_ROLE)" or "`<` → `<=`". */
  mutator: string;
  description: string;
  status: MutantStatus;
  /** For a survivor: the test that now kills it, or why it is equivalent. */
  note?: string;
};

export type MutationResult = {
  /** "contracts" or "server". */
  suite: "contracts" | "server";
  /** The tool and how it was run, for docs/mutation.md. */
  tool: string;
  command: string;
  /** Killed (and timed out) over all mutants that compile, equivalents left out: a number in [0, 1]. */
  score: number;
  mutants: Mutant[];
  seconds: number;
};
