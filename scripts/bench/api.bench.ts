// The API under load, from this process against the server running as a child process on loopback:
//  - GET a receipt and GET a vote's live tally with autocannon: requests per second, p50 and p99 latency;
//  - 10,000 distinct signed ballots (1,000 holders × 10 votes) posted by 100 concurrent clients: ballots per
//    second end to end (first POST to the last ballot counted on chain), how many were counted, and how many
//    counted twice (must be 0).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { createWalletClient, http, parseEventLogs, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { chainFor, makePublicClient } from "../../server/src/chain/clients.js";
import { deployContracts } from "../../server/src/chain/deploy.js";
import { writeDeployment } from "../../server/src/chain/deployment.js";
import { startLocalNode } from "../../server/src/chain/localNode.js";
import { BALLOT_TYPES } from "../../server/src/relayer/ballot.js";
import { DEV_KEYS } from "../../test/server/helpers/chain.js";
import { freePort } from "./ports.js";
import { round, type BenchModule, type Figure } from "./figures.js";

const CHAIN_ID = 31337;
const HOLDERS = Number(process.env.BENCH_API_HOLDERS ?? 1_000);
const VOTES = Number(process.env.BENCH_API_VOTES ?? 10);
const CLIENTS = 100;
const LOAD_SECONDS = 8;
const [ADMIN_KEY, RELAYER_KEY, ANCHORER_KEY] = DEV_KEYS as [Hex, Hex, Hex];
const repoRoot = path.resolve(import.meta.dirname, "../..");

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function load(url: string, title: string): Promise<{ rps: number; p50: number; p99: number }> {
  const result = await autocannon({ url, connections: 50, duration: LOAD_SECONDS, title });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${title}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Runs `work` on `items` with `concurrency` workers at once. */
async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

const bench: BenchModule = {
  title: "API and ballot relayer under load",
  async run(): Promise<Figure[]> {
    const node = await startLocalNode({ port: await freePort() });
    const dataDir = mkdtempSync(path.join(tmpdir(), "gongzhi-api-bench-"));
    let server: ChildProcess | undefined;
    try {
      const client = makePublicClient(node.url, CHAIN_ID);
      const chain = chainFor(CHAIN_ID, node.url);
      const admin = privateKeyToAccount(ADMIN_KEY);
      const wallet = createWalletClient({ account: admin, chain, transport: http(node.url) });
      const deployment = await deployContracts({
        publicClient: client,
        walletClient: wallet,
        anchorers: [privateKeyToAccount(ANCHORER_KEY).address],
      });
      // The relayer and the anchorer pay gas like any account (a QBFT network would run with free gas).
      for (const key of [RELAYER_KEY, ANCHORER_KEY]) {
        await client.request({ method: "hardhat_setBalance" as never, params: [privateKeyToAccount(key).address, "0x3635c9adc5dea00000"] as never });
      }
      const deploymentFile = path.join(dataDir, "deployment.json");
      writeDeployment(deploymentFile, deployment);
      const registry = { address: deployment.contracts.CommunityRegistry!.address, abi: loadArtifact("CommunityRegistry").abi };
      const vote = { address: deployment.contracts.OwnersVote!.address, abi: loadArtifact("OwnersVote").abi };
      const send = async (contract: typeof registry, functionName: string, args: unknown[]) => {
        const receipt = await client.waitForTransactionReceipt({ hash: await wallet.writeContract({ ...contract, functionName, args }) });
        if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
        return receipt;
      };
      console.log(`  seeding ${HOLDERS} holders and ${VOTES} votes …`);
      const holders = Array.from({ length: HOLDERS }, () => privateKeyToAccount(generatePrivateKey()));
      await send(registry, "createEstate", [admin.address]);
      await send(registry, "addBuilding", [1]);
      // 50 units per transaction stays under the per-transaction gas cap (EIP-7825, 2^24 gas).
      for (let i = 0; i < HOLDERS; i += 50) {
        const chunk = holders.slice(i, i + 50);
        await send(registry, "registerUnits", [1, chunk.map((_, j) => BigInt(5000 + ((i + j) % 7000))), chunk.map((h) => h.address)]);
      }
      const committee = await client.readContract({ ...registry, functionName: "COMMITTEE_ROLE" });
      await send(registry, "grantRole", [await client.readContract({ ...registry, functionName: "estateRole", args: [committee, 1] }), admin.address]);
      await send(registry, "grantRole", [await client.readContract({ ...registry, functionName: "RELAYER_ROLE" }), privateKeyToAccount(RELAYER_KEY).address]);
      const start = Number((await client.getBlock()).timestamp) + 30;
      const voteIds: bigint[] = [];
      for (let v = 0; v < VOTES; v++) {
        const opened = await send(vote, "openVote", [1, 0, 2, `0x${(v + 1).toString(16).padStart(64, "0")}`, start, start + 86_400, 0n]);
        voteIds.push((parseEventLogs({ abi: vote.abi, logs: opened.logs, eventName: "VoteOpened" })[0]!.args as { voteId: bigint }).voteId);
      }
      await client.request({ method: "evm_increaseTime" as never, params: [60] as never });
      await client.request({ method: "evm_mine" as never, params: [] as never });

      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      server = spawn(
        process.execPath,
        ["--import", pathToFileURL(path.join(repoRoot, "node_modules/tsx/dist/loader.mjs")).href, path.join(repoRoot, "server/src/main.ts")],
        {
          cwd: repoRoot,
          // The server's own log, for when a figure looks wrong: BENCH_SERVER_LOG=/path/to/file.
          stdio: process.env.BENCH_SERVER_LOG ? ["ignore", openSync(process.env.BENCH_SERVER_LOG, "w"), "inherit"] : "ignore",
          env: {
            ...process.env,
            GONGZHI_RPC_URL: node.url,
            GONGZHI_CHAIN_ID: String(CHAIN_ID),
            GONGZHI_DEPLOYMENT: deploymentFile,
            GONGZHI_DATA_DIR: path.join(dataDir, "server"),
            GONGZHI_PORT: String(port),
            GONGZHI_RELAYER_KEY: RELAYER_KEY,
            GONGZHI_ANCHORER_KEY: ANCHORER_KEY,
            GONGZHI_RELAYER_BATCH_SIZE: "100",
            GONGZHI_RELAYER_INTERVAL_MS: "250",
            GONGZHI_BATCH_SECONDS: "1",
            GONGZHI_POLL_MS: "200",
            // The load comes from one address; the per-client limit would otherwise be what is measured.
            GONGZHI_RATE_LIMIT_PER_MINUTE: "100000000",
            GONGZHI_LOG_LEVEL: process.env.BENCH_SERVER_LOG ? "info" : "error",
            GONGZHI_MODE: "development",
          },
        },
      );
      await waitFor("the server", async () => (await fetch(`${url}/api/health`)).ok, 60_000);

      // Ballots: signed beforehand, so the clock measures the server and the chain, not the signing.
      const domain = { name: "Gongzhi OwnersVote", version: "1", chainId: CHAIN_ID, verifyingContract: vote.address };
      const choices = ["for", "against", "abstain"] as const;
      const ballots = await Promise.all(
        voteIds.flatMap((voteId) =>
          holders.map(async (holder, i) => {
            const choice = choices[i % 3]!;
            const signature = await holder.signTypedData({
              domain,
              types: BALLOT_TYPES,
              primaryType: "Ballot",
              message: { voteId, holder: holder.address, choice: i % 3 + 1 },
            });
            return JSON.stringify({ voteId: voteId.toString(), holder: holder.address, choice, signature });
          }),
        ),
      );
      console.log(`  posting ${ballots.length} signed ballots from ${CLIENTS} concurrent clients …`);
      const started = performance.now();
      let refused = 0;
      await pool(ballots, CLIENTS, async (body) => {
        const res = await fetch(`${url}/api/ballots`, { method: "POST", headers: { "content-type": "application/json" }, body });
        if (res.status !== 202) refused++;
        await res.arrayBuffer();
      });
      const acceptedMs = performance.now() - started;
      const tallies = async () =>
        Promise.all(
          voteIds.map(async (voteId) => {
            const t = (await client.readContract({ ...vote, functionName: "tallyOf", args: [voteId] })) as Record<string, number>;
            return Number(t.headsFor) + Number(t.headsAgainst) + Number(t.headsAbstain);
          }),
        );
      await waitFor("every ballot counted", async () => (await tallies()).reduce((a, b) => a + b, 0) >= ballots.length - refused, 600_000);
      const endToEndMs = performance.now() - started;
      const counted = (await tallies()).reduce((a, b) => a + b, 0);
      const events = await client.getContractEvents({ ...vote, eventName: "BallotCast", fromBlock: 0n });
      const keys = events.map((e) => {
        const args = e.args as { voteId: bigint; holder: Address };
        return `${args.voteId}:${args.holder}`;
      });
      const countedTwice = keys.length - new Set(keys).size;

      // Reads: a vote's live tally, and a receipt once the ballots' records are anchored.
      const tally = await load(`${url}/api/votes/${voteIds[0]}`, "GET tally");
      const records = (await (await fetch(`${url}/api/records?event=BallotCast&limit=1`)).json()) as { items: { recordId: string }[] };
      const recordId = records.items[0]?.recordId;
      if (!recordId) throw new Error("no BallotCast record to fetch a receipt for");
      await waitFor("an anchored receipt", async () => (await fetch(`${url}/api/receipts/${recordId}`)).ok, 120_000);
      const receipt = await load(`${url}/api/receipts/${recordId}`, "GET receipt");

      return [
        { name: "api.receipt.rps", value: round(receipt.rps, 0), unit: "req/s", description: `GET /api/receipts/:recordId, 50 connections, ${LOAD_SECONDS} s (autocannon)` },
        { name: "api.receipt.p50ms", value: receipt.p50, unit: "ms", description: "its median latency" },
        { name: "api.receipt.p99ms", value: receipt.p99, unit: "ms", description: "its 99th percentile latency" },
        { name: "api.tally.rps", value: round(tally.rps, 0), unit: "req/s", description: `GET /api/votes/:voteId (live tally against thresholds), 50 connections, ${LOAD_SECONDS} s` },
        { name: "api.tally.p50ms", value: tally.p50, unit: "ms", description: "its median latency" },
        { name: "api.tally.p99ms", value: tally.p99, unit: "ms", description: "its 99th percentile latency" },
        { name: "relayer.ballotsAcceptedPerSec", value: round((ballots.length / acceptedMs) * 1000, 0), unit: "ballots/s", description: `signed ballots checked, stored and acknowledged (202), ${CLIENTS} concurrent clients` },
        { name: "relayer.ballotsPerSec", value: round((counted / endToEndMs) * 1000, 0), unit: "ballots/s", description: "end to end: first POST to the last ballot counted on chain" },
        { name: "relayer.ballotsPosted", value: ballots.length, unit: "ballots", description: `${HOLDERS} holders × ${VOTES} votes, each a distinct signed ballot` },
        { name: "relayer.ballotsCounted", value: counted, unit: "ballots", description: "heads in the on-chain tallies afterwards" },
        { name: "relayer.ballotsCountedTwice", value: countedTwice, unit: "ballots", description: "BallotCast events repeating a (vote, holder) pair; must be 0" },
      ];
    } finally {
      server?.kill("SIGTERM");
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
