// Profiles the off-chain command path: one chain node, one server of this checkout started with extra Node flags
// (e.g. --cpu-prof), the off-chain benchmark's load for a few seconds, then the server is stopped (SIGTERM) so
// that it writes its profile. Prints records/s and the server's main-thread and whole-process CPU per record.
//   npx tsx scripts/bench/offchain-profile.ts [seconds] [node flags…]
//   e.g. npx tsx scripts/bench/offchain-profile.ts 10 --cpu-prof --cpu-prof-dir=/tmp/prof
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createWalletClient, http, keccak256, toHex, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { chainFor, makePublicClient } from "../../server/src/chain/clients.js";
import { deployContracts } from "../../server/src/chain/deploy.js";
import { writeDeployment } from "../../server/src/chain/deployment.js";
import { startLocalNode } from "../../server/src/chain/localNode.js";
import { DEV_KEYS } from "../../test/server/helpers/chain.js";
import { signInTo } from "../../test/server/helpers/service-process.js";
import { loadHttp } from "./http-load.js";
import { freePort } from "./ports.js";

const SECONDS = Number(process.argv[2] ?? 10);
const FLAGS = process.argv.slice(3);
const CLIENTS = 50;
const CHAIN_ID = 31337;
const WHAT = keccak256(toHex("an errand's text, kept in the vault"));
const root = process.cwd();

function cpu(pid: number, thread?: number): number {
  const fields = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds by thread name (comm), all threads of a process. */
function threads(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/\d+$/, "N");
      out.set(name, (out.get(name) ?? 0) + cpu(pid, Number(tid)));
    } catch {
      // the thread ended
    }
  }
  return out;
}

const node = await startLocalNode({ port: await freePort() });
const dataDir = mkdtempSync(path.join(tmpdir(), "gongzhi-offchain-profile-"));
let child: ChildProcess | undefined;
try {
  const client = makePublicClient(node.url, CHAIN_ID);
  const wallet = createWalletClient({ account: privateKeyToAccount(DEV_KEYS[0]!), chain: chainFor(CHAIN_ID, node.url), transport: http(node.url) });
  const deployment = await deployContracts({ publicClient: client, walletClient: wallet, anchorers: [privateKeyToAccount(DEV_KEYS[1]! as Hex).address] });
  const deploymentFile = path.join(dataDir, "deployment.json");
  writeDeployment(deploymentFile, deployment);
  child = spawn(
    process.execPath,
    [...FLAGS, "--import", pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href, path.join(root, "test/server/helpers/service-server.ts")],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      env: {
        ...process.env,
        GONGZHI_RPC_URL: node.url,
        GONGZHI_CHAIN_ID: String(CHAIN_ID),
        GONGZHI_DEPLOYMENT: deploymentFile,
        GONGZHI_DATA_DIR: path.join(dataDir, "server"),
        GONGZHI_PORT: "0",
        GONGZHI_ANCHORER_KEY: DEV_KEYS[1]!,
        GONGZHI_BATCH_SECONDS: "2",
        GONGZHI_POLL_MS: "200",
        GONGZHI_RATE_LIMIT_PER_MINUTE: "100000000",
        GONGZHI_LOG_LEVEL: "error",
        GONGZHI_MODE: "development",
      },
    },
  );
  const exited = new Promise<void>((r) => child!.once("exit", () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child!.stdout!.on("data", (d) => {
      out += d;
      const match = /listening (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error("the server exited")));
  });
  const tokens: string[] = [];
  for (let c = 0; c < CLIENTS; c++) tokens.push(await signInTo(url, privateKeyToAccount(generatePrivateKey())));
  const body = JSON.stringify({ estateId: 1, what: WHAT });
  const { host } = new URL(url);
  const heads = tokens.map(
    (token) =>
      `POST /api/errands/open HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nIdempotency-Key: `,
  );
  const pid = child.pid!;
  console.log(`server pid ${pid}`);
  // Warm-up (JIT), not counted.
  await loadHttp({ url, connections: CLIENTS, seconds: 2, status: 201, request: (c, n) => Buffer.from(`${heads[c]}warm-c${c}-${n}\r\n\r\n${body}`) });
  const before = { main: cpu(pid, pid), all: cpu(pid), node: cpu(node.child.pid!), threads: threads(pid) };
  const load = await loadHttp({ url, connections: CLIENTS, seconds: SECONDS, status: 201, request: (c, n) => Buffer.from(`${heads[c]}c${c}-${n}\r\n\r\n${body}`) });
  if (load.failures.length > 0) throw new Error(load.failures.slice(0, 3).join("; "));
  const per = (x: number) => ((x * 1e6) / load.ok).toFixed(0);
  console.log(
    `${(load.ok / load.duration).toFixed(0)} records/s; server main thread ${per(cpu(pid, pid) - before.main)} µs/record, all threads ${per(cpu(pid) - before.all)} µs/record, ` +
      `chain node ${per(cpu(node.child.pid!) - before.node)} µs/record; p50 ${load.latencies[Math.floor(load.latencies.length / 2)]!.toFixed(1)} ms, p99 ${load.latencies[Math.floor(load.latencies.length * 0.99)]!.toFixed(1)} ms`,
  );
  const after = threads(pid);
  console.log(
    "by thread: " +
      [...after]
        .map(([name, t]) => [name, t - (before.threads.get(name) ?? 0)] as const)
        .filter(([, t]) => t > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([name, t]) => `${name} ${per(t)}`)
        .join(", ") +
      " µs/record",
  );
  child.kill("SIGTERM");
  await exited;
} finally {
  child?.kill("SIGKILL");
  await node.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
