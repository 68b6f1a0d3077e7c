// `npm test`: the whole suite, as `hardhat test` would run it, but in parallel test processes.
//
// Why: run one after another, the suite takes about 25 minutes, three quarters of it in browser tests that spend
// much of their time waiting (on Chromium, a chain node, a server). Two processes on two cores finish it in a
// little over half that. Each test file already works alone (own temporary directories, own ports), so files are
// the unit: the heaviest run alone, heaviest first, and the light ones in small batches, handed to whichever
// process is free. Contracts are compiled and the web client built once, before any test process starts.
//
// The demo stack that most browser files start (a chain node, the deployment, the seeded estate and its history,
// the documents, the directory, a server) is seeded once too, meanwhile, and each file starts from a copy of it
// (scripts/demo/snapshot.ts): seeding took each file 30–60 s, a copy starts in a few. api-fuzz sends its
// requests a few at a time. Failing batches' output is printed again at the very end, before the summary, since
// CI keeps only the tail of its log.
//
// `npm test -- <files or hardhat test options>` runs just those, in one process, as `hardhat test` does.
import { spawn } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { saveDemoSnapshot, SNAPSHOT_ENV } from "../demo/snapshot.js";
import { buildClientNow, PREBUILT_ENV } from "../../test/client/browser.js";
import { anyFreePort } from "../../test/server/helpers/chain.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const HARDHAT = path.join(repoRoot, "node_modules/hardhat/dist/src/cli.js");

/**
 * Seconds a file took in a full run (2 CPUs, two processes), for the order only: a file not listed counts as
 * `unlistedSeconds`. The heavy ones go first so that no long file starts last and leaves a core idle at the end.
 * (Each file's time in the lead's fresh-clone CI run of 2 December, 19:00, with issue 17's files; the comments
 * beside some entries tell how they were first estimated.)
 */
const MEASURED_SECONDS: Record<string, number> = {
  "test/client/verify.test.ts": 104,
  "test/client/votes.test.ts": 88,
  "test/client/fund.test.ts": 76,
  "test/client/everywhere.test.ts": 131,
  "test/client/timebank.test.ts": 87,
  "test/client/timebank-communities.test.ts": 64,
  "test/client/workorders-resident.test.ts": 81,
  "test/server/api-fuzz.test.ts": 221,
  "test/server/crash-points.test.ts": 83,
  "test/client/e2e.test.ts": 81,
  "test/server/demo.test.ts": 191,
  "test/client/staff.test.ts": 80,
  "test/client/workorders-office.test.ts": 57,
  "test/server/demo-clock.test.ts": 123,
  "test/server/crash.test.ts": 44,
  "test/client/workorders-routing.test.ts": 47,
  "test/server/cli-help.test.ts": 50,
  "test/client/texts.test.ts": 39,
  "test/client/upload.test.ts": 27,
  "test/client/timebank-actions.test.ts": 38,
  // issue 15: dispute mediation (measured alone under load 6: a node, a deployment and a server, then 12 s of tests)
  "test/server/mediation-http.test.ts": 23,
  "test/server/mediation-engine.test.ts": 3,
  "test/server/mediation.test.ts": 2,
  // mediation: the similar-case search (plain in-process units, no chain or server)
  "test/server/mediation-similar.test.ts": 2,
  "test/server/mediation-similar-quality.test.ts": 3,
  // talent pool and suggestions (issue 15)
  "test/client/talent-suggestions.test.ts": 123,
  "test/server/suggestions-talent-http.test.ts": 14,
  "test/server/suggestions.test.ts": 4,
  "test/server/talent.test.ts": 3,
  // issue 15: the mediation pages (measured 190–230 s with the other helpers' work on the machine, load 6–9)
  "test/client/mediation.test.ts": 177,
  // satisfaction surveys (issue 16)
  "test/server/surveys.test.ts": 2,
  "test/server/surveys-http.test.ts": 10,
  // measured 660 s with the other helpers' work on the machine (load 23–31); its own demo stack with the year of surveys
  "test/client/surveys.test.ts": 121,
  // micro-renewal fund (issue 16; measured with load 9–30 on the machine: the browser file 8 min at load 25–30)
  // community partners (issue 16; measured at load 20–27 with four helpers on the machine: the HTTP file 50 s, the
  // in-process units 1 s, the browser file 8 min in all, its layout audits 4.5 min of it)
  "test/client/partners.test.ts": 104,
  // green account (issue 17): measured once on the loaded machine
  "test/client/green.test.ts": 103,
  "test/server/partners-http.test.ts": 21,
  "test/server/partners.test.ts": 2,
  // micro-renewal fund (issue 16; measured with load 9–13 on the machine)
  "test/server/renewal-http.test.ts": 29,
  "test/server/renewal.test.ts": 3,
  "test/client/renewal.test.ts": 126,
  // the pet three-colour code (issue 17; measured with the other helpers' work on the machine: the HTTP file 33 s,
  // the browser file 6 min with its stack's seeding, its layout audits 4.7 min of it)
  "test/server/pets.test.ts": 28,
  "test/client/pets.test.ts": 109,
};
/** Unlisted server files start a chain node and a server or two; contract and client unit files are quicker. */
const unlistedSeconds = (file: string) => (file.startsWith("test/server/") ? 15 : 4);
/** A file expected to take at least this long runs in a process of its own. */
const ALONE_SECONDS = 20;
/** Light files are batched up to about this many expected seconds per process (each process costs ~2 s to start). */
const BATCH_SECONDS = 40;

type Batch = { files: string[]; seconds: number };
type Outcome = { batch: Batch; passing: number; failing: number; pending: number; code: number | null; ms: number; output: string };

function testFiles(): string[] {
  return (readdirSync(path.join(repoRoot, "test"), { recursive: true }) as string[])
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.posix.join("test", f.split(path.sep).join("/")))
    .sort();
}

/** Heaviest first: heavy files one per batch, light files grouped. */
function batches(files: string[]): Batch[] {
  const seconds = (f: string) => MEASURED_SECONDS[f] ?? unlistedSeconds(f);
  const heavy = files.filter((f) => seconds(f) >= ALONE_SECONDS).map((f) => ({ files: [f], seconds: seconds(f) }));
  const light: Batch[] = [];
  for (const f of files.filter((f) => seconds(f) < ALONE_SECONDS)) {
    const last = light.at(-1);
    if (last && last.seconds + seconds(f) <= BATCH_SECONDS) {
      last.files.push(f);
      last.seconds += seconds(f);
    } else light.push({ files: [f], seconds: seconds(f) });
  }
  return [...heavy, ...light].sort((a, b) => b.seconds - a.seconds);
}

/** mocha's own summary lines ("  12 passing (3s)", "  1 failing", "  2 pending"), 0 when absent. */
function count(output: string, word: "passing" | "failing" | "pending"): number {
  const match = new RegExp(`^\\s*(\\d+) ${word}\\b`, "m").exec(output);
  return match ? Number(match[1]) : 0;
}

function run(command: string[], env: NodeJS.ProcessEnv, capture: boolean): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, { cwd: repoRoot, env, stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length > 0) return (await run([HARDHAT, "test", ...args], process.env, false)).code ?? 1;

  const started = Date.now();
  const jobs = Number(process.env.GONGZHI_TEST_JOBS) || Math.min(2, availableParallelism());
  console.log("Compiling the contracts (once for every test process)…");
  const compiled = await run([HARDHAT, "build", "--quiet"], process.env, false);
  if (compiled.code !== 0) return compiled.code ?? 1;
  console.log("Building the web client and seeding the demo stack (once for every test process)…");
  const snapshotDir = path.join(tmpdir(), `gongzhi-demo-snapshot-${process.pid}`);
  const seeded = Date.now();
  const [, snapshot] = await Promise.all([
    buildClientNow(),
    saveDemoSnapshot(snapshotDir, await anyFreePort()).then(
      () => true,
      // Not fatal: without the snapshot each browser file seeds its own stack, as `npm test -- file` does.
      (error: unknown) => (console.log(`WARNING: no snapshot of the demo stack, each browser test seeds its own: ${String(error)}`), false),
    ),
  ]);
  if (snapshot) console.log(`Demo stack seeded once in ${minutes(Date.now() - seeded)}; browser tests start from copies of it.`);

  const queue = batches(testFiles());
  console.log(`Running ${queue.reduce((n, b) => n + b.files.length, 0)} test files in ${queue.length} batches, ${jobs} at a time (GONGZHI_TEST_JOBS sets how many).\n`);
  const env = { ...process.env, [PREBUILT_ENV]: "1", ...(snapshot ? { [SNAPSHOT_ENV]: snapshotDir } : {}) };
  const outcomes: Outcome[] = [];
  const worker = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      const t0 = Date.now();
      const { code, output } = await run([HARDHAT, "test", "mocha", "--no-compile", ...batch.files], env, true);
      const outcome = { batch, code, output, ms: Date.now() - t0, passing: count(output, "passing"), failing: count(output, "failing"), pending: count(output, "pending") };
      // A process that failed without mocha counting a failure (it crashed, or could not load a file) is one.
      if (code !== 0 && outcome.failing === 0) outcome.failing = 1;
      outcomes.push(outcome);
      console.log(`── ${batch.files.join(" ")}: ${outcome.passing} passing, ${outcome.failing} failing (${minutes(outcome.ms)})`);
      console.log(output.trimEnd() + "\n");
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  rmSync(snapshotDir, { recursive: true, force: true });

  const failed = outcomes.filter((o) => o.failing > 0);
  const total = (key: "passing" | "failing" | "pending") => outcomes.reduce((n, o) => n + o[key], 0);
  // CI keeps only the tail of a long log: every failing batch's output again, last, just before the summary.
  for (const o of failed) {
    console.log(`══ FAILED: ${o.batch.files.join(" ")} (${o.failing} failing, exit code ${o.code}, ${minutes(o.ms)}); its output again:`);
    console.log(o.output.trimEnd() + "\n");
  }
  if (failed.length > 0) console.log(`Failed in: ${failed.map((o) => o.batch.files.join(" ")).join("; ")} (their output is above)`);
  console.log(`${total("passing")} passing (${minutes(Date.now() - started)})`);
  if (total("pending") > 0) console.log(`${total("pending")} pending`);
  if (total("failing") > 0) console.log(`${total("failing")} failing`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main();
