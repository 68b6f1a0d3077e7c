// `npm run mutation [-- contracts | server | report]`: runs the contract and server mutation suites (both unless
// one is named), then renders docs/mutation.md and the scores in docs/benchmarks.json. `report` only renders;
// `server-reports` converts the last Stryker reports (reports/mutation/) again without running Stryker (after
// editing scripts/mutation/server-notes.json, or after running one group by hand), then renders.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { renderReport } from "./report.js";
import { mutateServer } from "./server.js";
import type { MutationResult } from "./types.js";

const SUITES = ["contracts", "server", "server-reports", "report"] as const;
type Suite = (typeof SUITES)[number];

/** scripts/mutation/contracts.ts (another part of issue 18) exports `mutateContracts()`; it may not exist yet. */
async function mutateContracts(): Promise<MutationResult> {
  const file = path.join(import.meta.dirname, "contracts.ts");
  if (!existsSync(file)) throw new Error("scripts/mutation/contracts.ts is missing: the contract mutation run is not in this checkout.");
  const module = (await import(pathToFileURL(file).href)) as { mutateContracts: () => Promise<MutationResult> };
  return module.mutateContracts();
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(SUITES as readonly string[]).includes(a));
  if (unknown.length > 0) {
    throw new Error(`Unknown argument ${unknown.join(", ")}: use \`npm run mutation\`, or add -- contracts, -- server or -- report.`);
  }
  const suites: Suite[] = asked.length === 0 ? ["contracts", "server"] : (asked as Suite[]);
  if (suites.includes("contracts")) {
    const r = await mutateContracts();
    console.log(`contracts: score ${r.score.toFixed(3)} over ${r.mutants.length} mutants in ${r.seconds} s`);
  }
  if (suites.includes("server") || suites.includes("server-reports")) {
    const r = await mutateServer({ fromReports: !suites.includes("server") });
    console.log(`server: score ${r.score.toFixed(3)} over ${r.mutants.length} mutants in ${r.seconds} s`);
  }
  const rendered = await renderReport();
  console.log(`docs/mutation.md and docs/benchmarks.json written from: ${rendered.join(", ") || "no results yet"}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
