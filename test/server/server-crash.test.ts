// The relayer's promise under kill -9: every ballot the server acknowledged (202) is counted on chain exactly
// once, whether the server dies with ballots queued or in the middle of sending a batch.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createWalletClient, http, parseEventLogs, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { chainFor, makePublicClient } from "../../server/src/chain/clients.js";
import { deployContracts } from "../../server/src/chain/deploy.js";
import { writeDeployment } from "../../server/src/chain/deployment.js";
import { startLocalNode, type LocalNode } from "../../server/src/chain/localNode.js";
import { BALLOT_TYPES } from "../../server/src/relayer/ballot.js";
import { CHAIN_ID, DEV_KEYS, anyFreePort, repoRoot, rpc, tempDir } from "./helpers/chain.js";

const HOLDERS = 90;
const CHOICE = { for: 1, against: 2, abstain: 3 } as const;

type Server = { child: ChildProcess; exited: Promise<void> };

function startServerProcess(env: Record<string, string>): Server {
  const child = spawn(
    process.execPath,
    ["--import", pathToFileURL(path.join(repoRoot, "node_modules/tsx/dist/loader.mjs")).href, path.join(repoRoot, "server/src/main.ts")],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      if (code && code !== 0 && signal !== "SIGKILL") console.error(stderr);
      resolve();
    }),
  );
  return { child, exited };
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not start`);
}

describe("server crash safety (kill -9 with ballots queued and in flight)", function () {
  this.timeout(300_000);
  let node: LocalNode;
  let tmp: ReturnType<typeof tempDir>;
  let server: Server | undefined;

  before(async function () {
    node = await startLocalNode({ port: await anyFreePort() });
    tmp = tempDir("server-crash");
  });
  after(async function () {
    server?.child.kill("SIGKILL");
    await server?.exited;
    await node?.stop();
    tmp?.remove();
  });

  it("counts every acknowledged ballot exactly once", async function () {
    const client = makePublicClient(node.url, CHAIN_ID);
    const admin = privateKeyToAccount(DEV_KEYS[0]!);
    const relayerKey = DEV_KEYS[1]!;
    const wallet = createWalletClient({ chain: chainFor(CHAIN_ID, node.url), transport: http(node.url) });
    const deployment = await deployContracts({
      publicClient: client,
      walletClient: createWalletClient({ account: admin, chain: chainFor(CHAIN_ID, node.url), transport: http(node.url) }),
    });
    const deploymentFile = path.join(tmp.dir, "deployment.json");
    writeDeployment(deploymentFile, deployment);
    const registry = { address: deployment.contracts.CommunityRegistry!.address, abi: loadArtifact("CommunityRegistry").abi };
    const vote = { address: deployment.contracts.OwnersVote!.address, abi: loadArtifact("OwnersVote").abi };
    const send = async (contract: typeof registry, functionName: string, args: unknown[]) => {
      const hash = await wallet.writeContract({ account: admin, chain: wallet.chain, ...contract, functionName, args });
      return client.waitForTransactionReceipt({ hash });
    };
    const holders: PrivateKeyAccount[] = Array.from({ length: HOLDERS }, () => privateKeyToAccount(generatePrivateKey()));
    await send(registry, "createEstate", [admin.address]);
    await send(registry, "addBuilding", [1]);
    await send(registry, "registerUnits", [1, holders.map((_, i) => BigInt(5000 + i)), holders.map((h) => h.address)]);
    const seat = await client.readContract({ ...registry, functionName: "estateRole", args: [await client.readContract({ ...registry, functionName: "COMMITTEE_ROLE" }), 1] });
    await send(registry, "grantRole", [seat, admin.address]);
    await send(registry, "grantRole", [await client.readContract({ ...registry, functionName: "RELAYER_ROLE" }), privateKeyToAccount(relayerKey).address]);
    const start = Number((await client.getBlock()).timestamp) + 10;
    const opened = await send(vote, "openVote", [1, 0, 2, `0x${"11".repeat(32)}`, start, start + 86_400, 0n]);
    const voteId = (parseEventLogs({ abi: vote.abi, logs: opened.logs, eventName: "VoteOpened" })[0]!.args as { voteId: bigint }).voteId;
    await rpc(node.url, "evm_increaseTime", [20]);
    await rpc(node.url, "evm_mine");

    const port = await anyFreePort();
    const url = `http://127.0.0.1:${port}`;
    const baseEnv = {
      GONGZHI_RPC_URL: node.url,
      GONGZHI_CHAIN_ID: String(CHAIN_ID),
      GONGZHI_DEPLOYMENT: deploymentFile,
      GONGZHI_DATA_DIR: path.join(tmp.dir, "server"),
      GONGZHI_PORT: String(port),
      GONGZHI_RELAYER_KEY: relayerKey,
      GONGZHI_POLL_MS: "200",
      GONGZHI_LOG_LEVEL: "error",
      // A throw-away server: the vault may make its own development key (production refuses to start without one).
      GONGZHI_MODE: "development",
    };
    const domain = { name: "Gongzhi OwnersVote", version: "1", chainId: CHAIN_ID, verifyingContract: vote.address };
    const acknowledged = new Map<Address, { id: Hex; choice: keyof typeof CHOICE }>();
    const post = async (holder: PrivateKeyAccount, i: number) => {
      const choice = (["for", "against", "abstain"] as const)[i % 3]!;
      const signature = await holder.signTypedData({
        domain,
        types: BALLOT_TYPES,
        primaryType: "Ballot",
        message: { voteId, holder: holder.address, choice: CHOICE[choice] },
      });
      try {
        const res = await fetch(`${url}/api/ballots`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ voteId: voteId.toString(), holder: holder.address, choice, signature }),
        });
        if (res.status === 202 || res.status === 200) acknowledged.set(holder.address, { id: ((await res.json()) as { id: Hex }).id, choice });
      } catch {
        // The server died mid-request: not acknowledged, so nothing is owed.
      }
    };

    // 1. Ballots queued (no batch due for a long while), then kill -9.
    server = startServerProcess({ ...baseEnv, GONGZHI_RELAYER_BATCH_SIZE: "1000", GONGZHI_RELAYER_INTERVAL_MS: "600000" });
    await waitForHttp(url);
    for (const [i, holder] of holders.slice(0, 30).entries()) await post(holder, i);
    expect(acknowledged.size).to.equal(30);
    server.child.kill("SIGKILL");
    await server.exited;

    // 2. Small, frequent batches, killed at random moments while ballots arrive and batches are sent.
    for (let round = 0; round < 3; round++) {
      server = startServerProcess({ ...baseEnv, GONGZHI_RELAYER_BATCH_SIZE: "5", GONGZHI_RELAYER_INTERVAL_MS: "100" });
      await waitForHttp(url);
      const batch = holders.slice(30 + round * 20, 50 + round * 20);
      const killAt = 150 + Math.floor(Math.random() * 600);
      setTimeout(() => server!.child.kill("SIGKILL"), killAt);
      for (const [i, holder] of batch.entries()) await post(holder, i);
      await server.exited;
    }

    // 3. A last, uninterrupted run sends everything still owed.
    server = startServerProcess({ ...baseEnv, GONGZHI_RELAYER_BATCH_SIZE: "10", GONGZHI_RELAYER_INTERVAL_MS: "200" });
    await waitForHttp(url);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const statuses = await Promise.all(
        [...acknowledged.values()].map(async ({ id }) => ((await (await fetch(`${url}/api/ballots/${id}`)).json()) as { status: string }).status),
      );
      if (statuses.every((s) => s === "counted")) break;
      if (Date.now() > deadline) throw new Error(`not all counted: ${statuses.filter((s) => s !== "counted").length} left`);
      await new Promise((r) => setTimeout(r, 300));
    }

    const tally = (await client.readContract({ ...vote, functionName: "tallyOf", args: [voteId] })) as {
      headsFor: number;
      headsAgainst: number;
      headsAbstain: number;
    };
    const counted = Number(tally.headsFor) + Number(tally.headsAgainst) + Number(tally.headsAbstain);
    const cast = await client.getContractEvents({ ...vote, eventName: "BallotCast", fromBlock: 0n });
    const castHolders = cast.map((e) => (e.args as { holder: Address }).holder);
    console.log(`      acknowledged ${acknowledged.size}, counted on chain ${counted}`);
    // Every acknowledged ballot counted…
    for (const [holder, { choice }] of acknowledged) {
      expect(Number(await client.readContract({ ...vote, functionName: "ballotOf", args: [voteId, holder] }))).to.equal(CHOICE[choice]);
      expect(castHolders).to.include(holder);
    }
    // …and nothing counted twice. (A ballot stored just before a kill, whose 202 never reached the client, may
    // count too: stored is kept, even if the answer was lost.)
    expect(new Set(castHolders).size).to.equal(castHolders.length);
    expect(counted).to.equal(castHolders.length);
  });
});
