// A/B comparison of the off-chain command path of two checkouts on a busy machine: one chain node, one server
// from each checkout (each its own data directory and anchorer key), and short load windows alternating
// A, B, A, B… so that the machine's changing load falls on both alike. Prints each window and the median ratio.
//   npx tsx scripts/bench/offchain-ab.ts <checkout A> <checkout B> [windows per side] [seconds per window]
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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

const [rootA, rootB] = [process.argv[2], process.argv[3]].map((p) => path.resolve(p ?? "."));
const WINDOWS = Number(process.argv[4] ?? 6);
const SECONDS = Number(process.argv[5] ?? 5);
const CLIENTS = 50;
const CHAIN_ID = 31337;
const WHAT = keccak256(toHex("an errand's text, kept in the vault"));

function mainThreadCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function startServer(root: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--import", pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href, path.join(root, "test/server/helpers/service-server.ts")],
    { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const match = /listening (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once("exit", () => reject(new Error(`the server of ${root} exited`)));
  });
}

const node = await startLocalNode({ port: await freePort() });
const dataDir = mkdtempSync(path.join(tmpdir(), "gongzhi-offchain-ab-"));
const servers: { child: ChildProcess; url: string }[] = [];
try {
  const client = makePublicClient(node.url, CHAIN_ID);
  const admin = privateKeyToAccount(DEV_KEYS[0]!);
  const wallet = createWalletClient({ account: admin, chain: chainFor(CHAIN_ID, node.url), transport: http(node.url) });
  const anchorerKeys = [DEV_KEYS[1]!, DEV_KEYS[2]!] as Hex[];
  const deployment = await deployContracts({ publicClient: client, walletClient: wallet, anchorers: anchorerKeys.map((k) => privateKeyToAccount(k).address) });
  const deploymentFile = path.join(dataDir, "deployment.json");
  writeDeployment(deploymentFile, deployment);
  const sides = [];
  for (const [i, root] of [rootA, rootB].entries()) {
    const server = await startServer(root!, {
      GONGZHI_RPC_URL: node.url,
      GONGZHI_CHAIN_ID: String(CHAIN_ID),
      GONGZHI_DEPLOYMENT: deploymentFile,
      GONGZHI_DATA_DIR: path.join(dataDir, `server-${i}`),
      GONGZHI_PORT: "0",
      GONGZHI_ANCHORER_KEY: anchorerKeys[i]!,
      GONGZHI_BATCH_SECONDS: "2",
      GONGZHI_POLL_MS: "200",
      GONGZHI_RATE_LIMIT_PER_MINUTE: "100000000",
      GONGZHI_LOG_LEVEL: "error",
      GONGZHI_MODE: "development",
    });
    servers.push(server);
    const tokens: string[] = [];
    for (let c = 0; c < CLIENTS; c++) tokens.push(await signInTo(server.url, privateKeyToAccount(generatePrivateKey())));
    const body = JSON.stringify({ estateId: 1, what: WHAT });
    const { host } = new URL(server.url);
    const heads = tokens.map(
      (token) =>
        `POST /api/errands/open HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nIdempotency-Key: `,
    );
    let window = 0;
    sides.push({
      name: i === 0 ? "A" : "B",
      server,
      rates: [] as number[],
      cpu: [] as number[],
      async run() {
        window++;
        const before = mainThreadCpu(server.child.pid!);
        const load = await loadHttp({
          url: server.url,
          connections: CLIENTS,
          seconds: SECONDS,
          status: 201,
          request: (c, n) => Buffer.from(`${heads[c]}w${window}-c${c}-${n}\r\n\r\n${body}`),
        });
        if (load.failures.length > 0) throw new Error(load.failures.slice(0, 3).join("; "));
        const cpu = ((mainThreadCpu(server.child.pid!) - before) * 1e6) / load.ok;
        this.rates.push(load.ok / load.duration);
        this.cpu.push(cpu);
        return { rate: load.ok / load.duration, cpu, p99: load.latencies[Math.floor(load.latencies.length * 0.99)]! };
      },
    });
  }
  // A warm-up window each, not counted (JIT, LevelDB's first compactions).
  for (const side of sides) {
    await side.run();
    side.rates.length = 0;
    side.cpu.length = 0;
  }
  for (let w = 0; w < WINDOWS; w++) {
    const order = w % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const r = await side.run();
      console.log(`${new Date().toISOString().slice(11, 19)} ${side.name} ${r.rate.toFixed(0)} records/s, main thread ${r.cpu.toFixed(0)} µs/record, p99 ${r.p99.toFixed(0)} ms`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
  const ratios = a.rates.map((r, i) => b.rates[i]! / r);
  console.log(`A ${rootA}: median ${median(a.rates).toFixed(0)} records/s, ${median(a.cpu).toFixed(0)} µs/record (main thread)`);
  console.log(`B ${rootB}: median ${median(b.rates).toFixed(0)} records/s, ${median(b.cpu).toFixed(0)} µs/record (main thread)`);
  console.log(`B/A records/s per window pair: ${ratios.map((r) => r.toFixed(2)).join(" ")}; median ${median(ratios).toFixed(2)}`);
  console.log(`A/B main-thread CPU per record: median ${(median(a.cpu) / median(b.cpu)).toFixed(2)}`);
} finally {
  for (const s of servers) s.child.kill("SIGTERM");
  await node.stop();
  await new Promise((r) => setTimeout(r, 1000));
  rmSync(dataDir, { recursive: true, force: true });
}
