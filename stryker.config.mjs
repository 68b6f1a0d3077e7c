// Stryker over the server's security-critical modules (issue 18). One run per group: each group's mutants are
// tried only against the test files that exercise that group, since every test file starts a real chain (an
// in-process Hardhat network or a `hardhat node` process) and real LevelDB directories, and running all of them
// for each mutant would take a day. `npm run mutation -- server` (scripts/mutation/server.ts) runs every group
// and merges the reports; `STRYKER_GROUP=<name> npx stryker run stryker.config.mjs` runs one.
//
// The tests are mocha files written for `hardhat test`; Stryker's mocha runner loads them with plain mocha and
// the tsx loader (ESM TypeScript). `import { network } from "hardhat"` works outside `hardhat test` (Hardhat 3
// builds its runtime from hardhat.config.ts on import), so the tests run unchanged against real chains.

import process from "node:process";

/** @type {Record<string, { mutate: string[]; spec: string[] }>} */
export const GROUPS = {
  relayer: {
    mutate: ["server/src/relayer/**/*.ts"],
    spec: ["test/server/relayer.test.ts"],
  },
  auth: {
    mutate: ["server/src/api/auth/**/*.ts"],
    // The store's own tests first: with bail, a mutant they kill never waits for the sign-in tests' chain.
    spec: ["test/server/sessions.test.ts", "test/server/auth.test.ts"],
  },
  receipts: {
    // cli.ts is the command-line wrapper (argument parsing and printing) of verify.ts, which is mutated.
    mutate: ["server/src/receipts/**/*.ts", "!server/src/receipts/cli.ts"],
    spec: ["test/server/receipts-tree.test.ts", "test/server/receipts-doc.test.ts", "test/server/journal.test.ts"],
  },
  indexer: {
    // The change overlay and undo information, and the reorg path of the indexer: finding the common ancestor,
    // rolling back, and noticing a changed tip.
    mutate: ["server/src/indexer/changes.ts", "server/src/indexer/indexer.ts:197-264", "server/src/indexer/indexer.ts:327-344"],
    spec: ["test/server/indexer.test.ts", "test/server/journal-reorg.test.ts"],
  },
};

const group = process.env.STRYKER_GROUP ?? "relayer";
const chosen = GROUPS[group];
if (!chosen) throw new Error(`Unknown STRYKER_GROUP "${group}": one of ${Object.keys(GROUPS).join(", ")}.`);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "mocha",
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.stryker.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // STRYKER_MUTATE (comma-separated, Stryker's own syntax, line ranges allowed) narrows a group to some of its
  // code, for a shorter run; scripts/mutation/server.ts records it in the result.
  mutate: process.env.STRYKER_MUTATE ? process.env.STRYKER_MUTATE.split(",") : chosen.mutate,
  mochaOptions: { spec: chosen.spec },
  // ESM TypeScript through tsx, as `hardhat test` loads it.
  testRunnerNodeArgs: ["--import", "tsx"],
  // Each mutant runs only the cases that reached it in the dry run, with their suites' `before` hooks.
  coverageAnalysis: "perTest",
  // Code run while modules load (constants, tables) cannot be switched per mutant in ESM without reloading.
  ignoreStatic: true,
  // Two cores shared with other work.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 60_000,
  timeoutFactor: 3,
  dryRunTimeoutMinutes: 20,
  reporters: ["json", "progress", "clear-text"],
  jsonReporter: { fileName: `reports/mutation/server-${group}.json` },
  tempDirName: ".stryker-tmp",
  ignorePatterns: ["client/dist", "coverage", "reports", ".data", "test-artifacts"],
  cleanTempDir: true,
  logLevel: "info",
};
