// Runs the indexer's command (server/src/indexer/main.ts) as a child process, as an operator would, optionally
// killing it with SIGKILL a given time after it logged its start.
import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./chain.js";

/** `ms`: from the "indexer starting" log line (after tsx's own start-up) to the exit. */
export type RunResult = { code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string; stdout: string };

export function runIndexer(url: string, deployment: string, dataDir: string, killAfterMs?: number, nodeFlags: string[] = []): Promise<RunResult> {
  let started = Date.now();
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      // tsx as a loader in this very process: the tsx CLI would run the indexer in a grandchild that SIGKILL misses.
      "--import",
      pathToFileURL(path.join(repoRoot, "node_modules/tsx/dist/loader.mjs")).href,
      path.join(repoRoot, "server/src/indexer/main.ts"),
      ...["--rpc-url", url, "--chain-id", "31337", "--deployment", deployment, "--data-dir", dataDir],
      // Many small ranges, so that a kill lands between, and inside, many commits; undo kept for every block.
      ...["--initial-range", "1", "--max-range", "1", "--target-logs", "10", "--reorg-window", "100000", "--exit-at-head", "--log-level", "info"],
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  let stdout = "";
  let timer: NodeJS.Timeout | undefined;
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    if (timer || !d.toString().includes("indexer starting")) return;
    started = Date.now();
    if (killAfterMs !== undefined) timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  });
  return new Promise((resolve) =>
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - started, stderr, stdout });
    }),
  );
}
