// Runs the indexer's command (server/src/indexer/main.ts) as a child process, as an operator would, optionally
// killing it with SIGKILL: a given time after it logged its start (runIndexer), or at a point of its work that a
// test picks from its log lines or from the node's requests (spawnIndexer).
import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CHAIN_ID, repoRoot } from "./chain.js";

/** `ms`: from the "indexer starting" log line (after tsx's own start-up) to the exit. */
export type RunResult = { code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string; stdout: string };

/** One pino log line of the child, parsed (`msg` and its fields). */
export type LogLine = { msg: string; [field: string]: unknown };

export type IndexerChild = {
  /** The log lines printed so far. */
  lines: LogLine[];
  /** Resolves with the first log line (already printed or to come) that `match` accepts; rejects if the child exits first. */
  line: (match: (line: LogLine) => boolean) => Promise<LogLine>;
  /** The same, but rejects as soon as the child logs an error (it would retry forever, never reaching the line). */
  progress: (match: (line: LogLine) => boolean) => Promise<LogLine>;
  kill: () => void;
  exited: Promise<RunResult>;
};

export type IndexerRun = {
  chainId?: number;
  /** Log level of the child: "debug" prints a "range stored" line after each range's batch is started. */
  logLevel?: string;
  /** Extra options, after the defaults (a later option wins). */
  args?: string[];
  env?: Record<string, string>;
  nodeFlags?: string[];
};

const live = new Set<IndexerChild>();

/** Kills the children still running (a test that failed while holding one must not leave it behind). */
export async function killLeftoverIndexers(): Promise<void> {
  const left = [...live];
  for (const child of left) child.kill();
  await Promise.all(left.map((child) => child.exited));
}

export function spawnIndexer(url: string, deployment: string, dataDir: string, run: IndexerRun = {}): IndexerChild {
  let started = Date.now();
  const child = spawn(
    process.execPath,
    [
      ...(run.nodeFlags ?? []),
      // tsx as a loader in this very process: the tsx CLI would run the indexer in a grandchild that SIGKILL misses.
      "--import",
      pathToFileURL(path.join(repoRoot, "node_modules/tsx/dist/loader.mjs")).href,
      path.join(repoRoot, "server/src/indexer/main.ts"),
      ...["--rpc-url", url, "--chain-id", String(run.chainId ?? CHAIN_ID), "--deployment", deployment, "--data-dir", dataDir],
      // Many small ranges, so that a kill lands between, and inside, many commits; undo kept for every block.
      ...["--initial-range", "1", "--max-range", "1", "--target-logs", "10", "--reorg-window", "100000", "--exit-at-head"],
      ...["--log-level", run.logLevel ?? "info", ...(run.args ?? [])],
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...run.env } },
  );
  let stderr = "";
  let stdout = "";
  let partial = "";
  const lines: LogLine[] = [];
  const waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void; reject: (e: Error) => void }[] = [];
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.on("data", (d: Buffer) => {
    const text = d.toString();
    stdout += text;
    partial += text;
    const complete = partial.split("\n");
    partial = complete.pop()!;
    for (const raw of complete) {
      let line: LogLine;
      try {
        line = JSON.parse(raw) as LogLine;
      } catch {
        continue;
      }
      if (line.msg === "indexer starting") started = Date.now();
      lines.push(line);
      for (const w of waiters.filter((w) => w.match(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<RunResult>((resolve) =>
    child.once("exit", (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`The indexer exited (${signal ?? code}) first.\n${stderr}`));
      resolve({ code, signal, ms: Date.now() - started, stderr, stdout });
    }),
  );
  const handle: IndexerChild = {
    lines,
    line(match) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`The indexer exited first.\n${stderr}`));
      return new Promise((resolve, reject) => waiters.push({ match, resolve, reject }));
    },
    kill: () => child.kill("SIGKILL"),
    exited,
    progress(match) {
      const failed = handle.line((l) => typeof l.level === "number" && l.level >= 50);
      return Promise.race([
        handle.line(match),
        failed.then((l) => Promise.reject(new Error(`The indexer failed instead: ${l.msg} (${String(l.err)})`))),
      ]);
    },
  };
  live.add(handle);
  void exited.then(() => live.delete(handle));
  return handle;
}

export async function runIndexer(url: string, deployment: string, dataDir: string, killAfterMs?: number, nodeFlags: string[] = []): Promise<RunResult> {
  const child = spawnIndexer(url, deployment, dataDir, { nodeFlags });
  let timer: NodeJS.Timeout | undefined;
  if (killAfterMs !== undefined) {
    child
      .line((l) => l.msg === "indexer starting")
      .then(
        () => (timer = setTimeout(child.kill, killAfterMs)),
        () => undefined,
      );
  }
  const result = await child.exited;
  clearTimeout(timer);
  return result;
}
