// The seeded demo stack built once for a whole test run, and a stack started from a copy of it for each browser
// test file. Seeding (a deployment, the 300-unit estate, its history, the documents, the directory) is the same
// for every file that starts the default stack, and took each of them 30–60 s; a copy starts in a few seconds.
//
// The snapshot is the chain as Anvil dumps it (`anvil_dumpState`: every block with its hash and timestamp, every
// transaction with its receipt and logs, every account), taken once the server has stopped, and the stack's data
// directory (deployment file, documents, the server's LevelDB, vault and journal). A stack started from it runs
// Anvil on that state, brings the chain's clock to the wall clock with one block (as the demo does after its
// history) and restarts the same server on the copied directory: its indexer carries on from its checkpoint.
// `npm test` (scripts/test/run.ts) builds the snapshot and names it in SNAPSHOT_ENV; without it, each file seeds
// its own stack as before (`npm test -- file` alone).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { pino } from "pino";
import { makePublicClient } from "../../server/src/chain/clients.js";
import { startLocalNode } from "../../server/src/chain/localNode.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer } from "../../server/src/server.js";
import { demoAccountsRoute } from "./accounts.js";
import { HISTORY_TRAVEL_SECONDS } from "./history.js";
import { demoPlan } from "./plan.js";
import { catchUpWithTheWallClock, demoServerSettings, startDemoStack, type DemoStack, type DemoStackOptions } from "./stack.js";

/** The snapshot's directory, set by `npm test` for its test processes. */
export const SNAPSHOT_ENV = "GONGZHI_TEST_DEMO_SNAPSHOT";

const CHAIN_STATE = "chain-state.json";
const DATA = "data";
const META = "stack.json";
const HARDHAT_CHAIN_ID = 31337;

/** What startDemoStack returned, as JSON, with the data directory it named (its paths are moved to each copy's). */
type Meta = Omit<DemoStack, "rpcUrl" | "apiUrl" | "plan" | "stop"> & { dataDir: string };

async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Bigints survive the JSON round trip as `{ "$bigint": "…" }`. */
const replacer = (_key: string, value: unknown) => (typeof value === "bigint" ? { $bigint: value.toString() } : value);
const reviver = (_key: string, value: unknown) =>
  value && typeof value === "object" && "$bigint" in value && Object.keys(value).length === 1 ? BigInt((value as { $bigint: string }).$bigint) : value;

/** `value` with every string under the directory `from` moved under `to`. */
function relocate<T>(value: T, from: string, to: string): T {
  if (typeof value === "string") return (value === from || value.startsWith(from + path.sep) ? to + value.slice(from.length) : value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => relocate(v, from, to)) as T;
  if (value && typeof value === "object" && typeof value !== "bigint") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relocate(v, from, to)])) as T;
  }
  return value;
}

/**
 * Seeds the default demo stack (as browser tests start it) on an Anvil node at `rpcPort`, stops it, and keeps
 * its chain and data directory in `dir`.
 */
export async function saveDemoSnapshot(dir: string, rpcPort: number): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dataDir = path.join(dir, DATA);
  let dumpError: unknown = new Error("the chain was not dumped");
  const stack = await startDemoStack({
    rpcPort,
    apiPort: 0,
    dataDir,
    nodeKind: "anvil",
    // Once the server has stopped (its anchorer and relayer send nothing more) and before the node stops.
    beforeNodeStops: async (url) => {
      try {
        const dump = await rpc<string>(url, "anvil_dumpState", []);
        writeFileSync(path.join(dir, CHAIN_STATE), gunzipSync(Buffer.from(dump.replace(/^0x/, ""), "hex")));
        dumpError = undefined;
      } catch (error) {
        dumpError = error;
      }
    },
  });
  const { rpcUrl: _rpcUrl, apiUrl: _apiUrl, plan: _plan, stop, ...rest } = stack;
  const meta: Meta = { ...rest, dataDir };
  writeFileSync(path.join(dir, META), JSON.stringify(meta, replacer));
  await stop();
  if (dumpError) throw new Error(`The demo stack's chain could not be dumped for the tests' snapshot: ${String(dumpError)}`, { cause: dumpError });
}

/**
 * A demo stack like startDemoStack's default one, from the snapshot in `dir`: a copy of its data directory in
 * `dataDir` (wiped first), Anvil on its chain at `rpcPort`, the server on `apiPort` (0: any).
 */
export async function startDemoStackFromSnapshot(
  dir: string,
  options: { rpcPort: number; apiPort: number; dataDir: string } & Pick<DemoStackOptions, "staticDir" | "servicesClock" | "workOrderSweepMs">,
): Promise<DemoStack> {
  const dataDir = path.resolve(options.dataDir);
  const meta = relocate(JSON.parse(readFileSync(path.join(dir, META), "utf8"), reviver) as Meta, path.join(dir, DATA), dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  cpSync(path.join(dir, DATA), dataDir, { recursive: true });
  const node = await startLocalNode({ port: options.rpcPort, kind: "anvil", loadState: path.join(dir, CHAIN_STATE) });
  const cleanups: (() => Promise<void>)[] = [node.stop];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    // The snapshot's last block is as old as the snapshot: the chain's clock resumes at the wall clock.
    await catchUpWithTheWallClock(node.url, HISTORY_TRAVEL_SECONDS, () => undefined);
    const plan = demoPlan();
    const settings = demoServerSettings(node.url, path.join(dataDir, "deployment.json"), dataDir, plan, { apiPort: options.apiPort, staticDir: options.staticDir, workOrderSweepMs: options.workOrderSweepMs });
    const server = await startServer(settings, pino({ level: settings.logLevel, base: undefined }), (context) => [...serverRoutes(context), demoAccountsRoute(plan)], { clock: options.servicesClock ?? Date.now });
    cleanups.push(server.stop);
    // Ready as startDemoStack's stack is: the API shows the whole chain.
    const head = Number(await makePublicClient(node.url, HARDHAT_CHAIN_ID).getBlockNumber());
    const deadline = Date.now() + 120_000;
    while (server.service.indexer.checkpoint.blockNumber < head) {
      if (Date.now() > deadline) throw new Error(`The indexer did not reach block ${head} within 2 minutes.`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { dataDir: _dataDir, ...rest } = meta;
    return { ...rest, rpcUrl: node.url, apiUrl: server.url, plan, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
