// Nothing stays broken after a passing fault. The whole server (indexer, anchorer, relayer, API) runs against a
// real Hardhat node process behind a TCP proxy that the tests cut (connections refused), freeze (accepted, never
// answered) or use to fail one chosen request. After each fault the node comes back and everything must work
// again without a restart; while it lasts, the API answers fast (503 chain_unavailable where the chain is
// needed, read routes from the store with their lag) and /api/health says what is wrong.
import { expect } from "chai";
import { Writable } from "node:stream";
import path from "node:path";
import { pino } from "pino";
import { parseEther, toFunctionSelector, type Abi, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { chainRoleReader } from "../../server/src/api/auth/roles.js";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { makePublicClient } from "../../server/src/chain/clients.js";
import type { Deployment } from "../../server/src/chain/deployment.js";
import { loadServerSettings } from "../../server/src/config/server.js";
import { BALLOT_TYPES } from "../../server/src/relayer/ballot.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { ANCHORER_KEY, CHAIN_ID, DEV_KEYS, deployAll, anyFreePort, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { chainTime, travelTo, writer, type Writer } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";
import { startFaultProxy, type FaultProxy } from "./helpers/proxy.js";

const RPC_TIMEOUT_MS = 1500;
const CHOICE = { for: 1, against: 2, abstain: 3 } as const;

type Answer = { status: number; ms: number; headers: Headers; body: Record<string, unknown> & { error?: { code: string; message: string } } };
type Health = {
  status: "ok" | "degraded";
  reasons: { code: string; detail: string }[];
  chain: { reachable: boolean };
  indexer: { indexedBlock: number; lagBlocks?: number };
  relayer: { enabled: boolean; pending?: number; balanceWei?: string; failing?: { error: string } };
  anchorer: { enabled: boolean; failing?: unknown };
};

describe("Faults: nothing stays broken after a passing fault", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let proxy: FaultProxy;
  let tmp: ReturnType<typeof tempDir>;
  let deployment: Deployment;
  let send: Writer;
  let server: RunningServer;
  let base: string;
  let voteId: bigint;
  const logLines: string[] = [];
  const admin = privateKeyToAccount(DEV_KEYS[0]!);
  const relayer = privateKeyToAccount(DEV_KEYS[2]!);
  const staff = privateKeyToAccount(generatePrivateKey());
  const holders: PrivateKeyAccount[] = Array.from({ length: 12 }, () => privateKeyToAccount(generatePrivateKey()));
  const registryAbi = loadArtifact("CommunityRegistry").abi as Abi;

  async function call(method: "GET" | "POST", path_: string, body?: unknown): Promise<Answer> {
    const started = Date.now();
    const res = await fetch(`${base}${path_}`, {
      method,
      headers: { "content-type": "application/json", "accept-language": "en" },
      body: body === undefined ? undefined : JSON.stringify(body),
      // The old code hung for two minutes on a frozen node: fail the test long before that.
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, ms: Date.now() - started, headers: res.headers, body: (await res.json()) as Answer["body"] };
  }

  async function health(): Promise<Health & { ms: number }> {
    const answer = await call("GET", "/api/health");
    expect(answer.status).to.equal(200);
    return { ...(answer.body as unknown as Health), ms: answer.ms };
  }

  async function signIn(account: PrivateKeyAccount): Promise<Answer> {
    return call("POST", "/api/auth/sign-in", await signedSignIn(account));
  }

  async function signedSignIn(account: PrivateKeyAccount): Promise<{ message: string; signature: Hex }> {
    const { body } = await call("POST", "/api/auth/nonce");
    const message = createSiweMessage({
      address: account.address,
      chainId: CHAIN_ID,
      domain: body.domain as string,
      nonce: body.nonce as string,
      uri: base,
      version: "1",
      issuedAt: new Date(Date.now() - 1000),
    });
    return { message, signature: await account.signMessage({ message }) };
  }

  async function ballot(signer: PrivateKeyAccount, holder: Address, choice: keyof typeof CHOICE): Promise<Answer> {
    const domain = { name: "Gongzhi OwnersVote", version: "1", chainId: CHAIN_ID, verifyingContract: deployment.contracts.OwnersVote!.address };
    const signature = await signer.signTypedData({ domain, types: BALLOT_TYPES, primaryType: "Ballot", message: { voteId, holder, choice: CHOICE[choice] } });
    return call("POST", "/api/ballots", { voteId: voteId.toString(), holder, choice, signature });
  }

  function expectChainUnavailable(answer: Answer, what: string): void {
    expect([answer.status, answer.body.error?.code], `${what}: ${JSON.stringify(answer.body)}`).to.deep.equal([503, "chain_unavailable"]);
    expect(answer.body.error?.message).to.match(/blockchain node cannot be reached/);
  }

  async function waitCounted(id: string): Promise<void> {
    await waitFor(`ballot ${id} counted`, async () => (await call("GET", `/api/ballots/${id}`)).body.status === "counted", 30_000);
  }

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("faults");
    const deployed = await deployAll(node.url, tmp.dir);
    deployment = deployed.deployment;
    send = writer(node.url, deployment);
    const role = async (name: string) => (await makePublicClient(node.url, CHAIN_ID).readContract({ address: deployment.contracts.CommunityRegistry!.address, abi: registryAbi, functionName: name })) as Hex;
    await send(DEV_KEYS[0]!, "CommunityRegistry", "createEstate", [admin.address]);
    await send(DEV_KEYS[0]!, "CommunityRegistry", "addBuilding", [1]);
    await send(DEV_KEYS[0]!, "CommunityRegistry", "registerUnits", [1, holders.map((_, i) => BigInt(6000 + i)), holders.map((h) => h.address)]);
    const seat = (await makePublicClient(node.url, CHAIN_ID).readContract({
      address: deployment.contracts.CommunityRegistry!.address,
      abi: registryAbi,
      functionName: "estateRole",
      args: [await role("COMMITTEE_ROLE"), 1],
    })) as Hex;
    await send(DEV_KEYS[0]!, "CommunityRegistry", "grantRole", [seat, admin.address]);
    await send(DEV_KEYS[0]!, "CommunityRegistry", "grantRole", [await role("RELAYER_ROLE"), relayer.address]);
    await send(DEV_KEYS[0]!, "CommunityRegistry", "grantRole", [await role("STAFF_ROLE"), staff.address]);
    const start = (await chainTime(node.url)) + 10;
    const opened = await send(DEV_KEYS[0]!, "OwnersVote", "openVote", [1, 0, 2, `0x${"11".repeat(32)}`, start, start + 30 * 86_400, 0n]);
    voteId = opened.find((e) => e.eventName === "VoteOpened")!.args.voteId as bigint;
    await travelTo(node.url, start + 1);
    await rpc(node.url, "hardhat_setBalance", [relayer.address, `0x${parseEther("100").toString(16)}`]);

    proxy = await startFaultProxy({ port: node.port });
    const settings = loadServerSettings(
      {
        rpcUrl: proxy.url,
        chainId: CHAIN_ID,
        deployment: deployed.file,
        dataDir: path.join(tmp.dir, "server"),
        port: 0,
        // No vault key is configured here: development mode makes one in the data directory.
        mode: "development",
        pollMs: 200,
        rpcTimeoutMs: RPC_TIMEOUT_MS,
        relayerBatchSize: 5,
        relayerIntervalMs: 300,
        batchSeconds: 3600,
        logLevel: "info",
      },
      { GONGZHI_RELAYER_KEY: DEV_KEYS[2]!, GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        logLines.push(String(chunk));
        if (process.env.GONGZHI_TEST_LOG) process.stderr.write(chunk);
        callback();
      },
    });
    server = await startServer(settings, pino({ level: "info" }, sink), serverRoutes);
    base = server.url;
  });

  after(async function () {
    await server?.stop();
    await proxy?.close();
    await node?.stop();
    tmp?.remove();
  });

  afterEach(async function () {
    await proxy.restore();
  });

  it("keeps chain calls to a few seconds by default", function () {
    const defaults = loadServerSettings({ rpcUrl: "http://127.0.0.1:1", chainId: 1, deployment: "d.json", dataDir: "d" }, {});
    expect(defaults.rpcTimeoutMs).to.be.at.most(5000);
    expect(defaults.retryMaxMs).to.be.at.most(5000);
    expect(defaults.roleCacheMs).to.be.at.most(60_000);
  });

  it("does not remember a failure at first use: after the node returns, sign-in and ballots work without a restart", async function () {
    // Nothing has asked the chain for the EIP-712 domain or for role ids yet: the node goes away first.
    await proxy.cut();
    expectChainUnavailable(await call("GET", "/api/eip712"), "EIP-712 domain with the node down");
    // The message refused for the chain's sake keeps its nonce: the same message signs in once the node is back.
    const signedWhileDown = await signedSignIn(admin);
    expectChainUnavailable(await call("POST", "/api/auth/sign-in", signedWhileDown), "sign-in with the node down");
    expectChainUnavailable(await ballot(holders[0]!, holders[0]!.address, "for"), "ballot with the node down");

    await proxy.restore();
    const eip712 = await call("GET", "/api/eip712");
    expect(eip712.status, JSON.stringify(eip712.body)).to.equal(200);
    expect((eip712.body.domain as { verifyingContract: string }).verifyingContract).to.equal(deployment.contracts.OwnersVote!.address);
    const session = await call("POST", "/api/auth/sign-in", signedWhileDown);
    expect(session.status, JSON.stringify(session.body)).to.equal(200);
    const replay = await call("POST", "/api/auth/sign-in", signedWhileDown);
    expect([replay.status, replay.body.error?.code]).to.deep.equal([401, "siwe_bad_nonce"]);
    expect(session.body.roles).to.include.members(["admin", "committee:1"]);
    const accepted = await ballot(holders[0]!, holders[0]!.address, "for");
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
    await waitCounted(accepted.body.id as string);
  });

  it("does not remember one failed read: a contract constant (a role id), a ballot's on-chain check", async function () {
    // The role reader as the server builds it, through the proxy: the read of DEFAULT_ADMIN_ROLE() fails once.
    const client = makePublicClient(proxy.url, CHAIN_ID, { timeoutMs: RPC_TIMEOUT_MS, retryCount: 0 });
    const rolesOf = chainRoleReader({ client, registry: deployment.contracts.CommunityRegistry!.address, abi: registryAbi, cacheMs: 60_000, maxEntries: 10 });
    proxy.dropNext(toFunctionSelector("DEFAULT_ADMIN_ROLE()").slice(2));
    let failed: unknown;
    await rolesOf(admin.address).catch((error: unknown) => (failed = error));
    expect(failed, "the first read fails").to.not.equal(undefined);
    expect(proxy.dropped()).to.equal(1);
    expect(await rolesOf(admin.address)).to.include("admin");

    // A ballot's checks read the holder's ballot on chain: that read fails once, the next ballot goes through.
    proxy.dropNext(toFunctionSelector("ballotOf(uint256,address)").slice(2));
    expectChainUnavailable(await ballot(holders[1]!, holders[1]!.address, "against"), "ballot whose on-chain read failed");
    expect(proxy.dropped()).to.equal(2);
    const accepted = await ballot(holders[1]!, holders[1]!.address, "against");
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
    await waitCounted(accepted.body.id as string);
  });

  it("bounds the role cache (least recently used out) and lets a revoked role lapse after its TTL", async function () {
    const client = makePublicClient(node.url, CHAIN_ID);
    const registry = deployment.contracts.CommunityRegistry!.address;
    const staffRole = (await client.readContract({ address: registry, abi: registryAbi, functionName: "STAFF_ROLE" })) as Hex;
    const [a, b, c, d] = Array.from({ length: 4 }, () => privateKeyToAccount(generatePrivateKey()).address);
    for (const account of [a, b, c, d]) await send(DEV_KEYS[0]!, "CommunityRegistry", "grantRole", [staffRole, account]);

    const bounded = chainRoleReader({ client, registry, abi: registryAbi, cacheMs: 600_000, maxEntries: 2 });
    for (const account of [a, b, c]) expect(await bounded(account!)).to.include("staff");
    await send(DEV_KEYS[0]!, "CommunityRegistry", "revokeRole", [staffRole, a]);
    await send(DEV_KEYS[0]!, "CommunityRegistry", "revokeRole", [staffRole, b]);
    expect(await bounded(b!), "b is still cached (the cache is in use)").to.include("staff");
    expect(await bounded(a!), "a was the least recently used of three in a cache of two: read again").to.not.include("staff");

    // The cache's clock is moved past its TTL, not waited for.
    let clock = Date.now();
    const shortLived = chainRoleReader({ client, registry, abi: registryAbi, cacheMs: 300, now: () => clock });
    expect(await shortLived(d!)).to.include("staff");
    await send(DEV_KEYS[0]!, "CommunityRegistry", "revokeRole", [staffRole, d]);
    clock += 300;
    expect(await shortLived(d!), "a revoked role stops counting after the TTL").to.not.include("staff");
  });

  it("answers within the timeout while the node is frozen: 503 where the chain is needed, reads with their lag, health degraded", async function () {
    const head = Number(await rpc<string>(node.url, "eth_blockNumber"));
    await waitFor("the indexer at the head", async () => (await health()).status === "ok" && server.service.indexer.checkpoint.blockNumber >= head, 30_000);
    expect((await call("GET", `/api/votes/${voteId}`)).body.status, "the vote is open by block time").to.equal("open");
    proxy.freeze();
    const signIn1 = await signIn(holders[2]!);
    expectChainUnavailable(signIn1, "sign-in with the node frozen");
    expect(signIn1.ms, "sign-in answered within about the RPC timeout").to.be.below(RPC_TIMEOUT_MS + 2500);
    const vote = await ballot(holders[2]!, holders[2]!.address, "for");
    expectChainUnavailable(vote, "ballot with the node frozen");
    expect(vote.ms).to.be.below(RPC_TIMEOUT_MS + 2500);

    const read = await call("GET", `/api/votes/${voteId}`);
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    expect(read.ms, "a read route does not wait for the node").to.be.below(2500);
    expect(read.body.status).to.equal("open");
    expect(Number(read.headers.get("x-indexed-block"))).to.equal(server.service.indexer.checkpoint.blockNumber);
    expect(Number(read.headers.get("x-indexer-lag-blocks"))).to.be.at.least(0);
    expect(read.headers.get("x-chain-head-age")).to.match(/^\d+$/);

    const degraded = await health();
    expect(degraded.ms, "health is time-bounded").to.be.below(4000);
    expect(degraded.status).to.equal("degraded");
    expect(degraded.chain.reachable).to.equal(false);
    expect(degraded.reasons.map((r) => r.code)).to.include("chain_unreachable");

    await proxy.restore();
    await waitFor("health ok again", async () => (await health()).status === "ok", 15_000);
    const after = await ballot(holders[2]!, holders[2]!.address, "for");
    expect(after.status, JSON.stringify(after.body)).to.equal(202);
  });

  it("resumes indexing within seconds of the node's return and logs no false reorg", async function () {
    const indexer = server.service.indexer;
    const headNow = async () => Number(await rpc<string>(node.url, "eth_blockNumber"));
    // Quiet: no ballot on its way, the indexer at the head.
    await waitFor("a quiet chain", async () => {
      const h = await health();
      return h.status === "ok" && h.relayer.pending === 0 && indexer.checkpoint.blockNumber >= (await headNow());
    }, 30_000);

    // One header read of the checkpoint's block fails (the connection drops): that is no evidence of a reorg.
    const checkpoint = indexer.checkpoint;
    const droppedBefore = proxy.dropped();
    proxy.dropNext(`"method":"eth_getBlockByNumber","params":["0x${checkpoint.blockNumber.toString(16)}",false]`);
    await waitFor("the header read dropped", () => proxy.dropped() > droppedBefore, 10_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(indexer.checkpoint, "nothing rolled back").to.deep.equal(checkpoint);
    expect(logLines.join(""), "no false reorg after a failed header read").to.not.contain("chain reorganised");

    // The node is away long enough for an uncapped back-off to grow past ten seconds; blocks arrive meanwhile.
    await proxy.cut();
    const cutAt = Date.now();
    for (let i = 0; i < 3; i++) await send(DEV_KEYS[0]!, "CommunityRegistry", "addBuilding", [1]);
    await new Promise((r) => setTimeout(r, Math.max(0, 13_000 - (Date.now() - cutAt))));
    const head = await headNow();
    expect(head).to.be.above(checkpoint.blockNumber);
    await proxy.restore();
    const restoredAt = Date.now();
    await waitFor("the indexer back at the head", () => indexer.checkpoint.blockNumber >= head, 30_000);
    const resumedMs = Date.now() - restoredAt;
    console.log(`      indexing resumed ${resumedMs} ms after the node returned`);
    expect(resumedMs).to.be.below(5000);

    const log = logLines.join("");
    expect(log, "no false reorg").to.not.contain("chain reorganised");
    expect(log).to.contain("chain node unreachable; retrying");
    expect(log).to.contain("indexing resumed");
  });

  it("keeps accepting ballots when the relayer runs out of gas, says so in health, and counts them once funded", async function () {
    await waitFor("health ok", async () => (await health()).status === "ok", 30_000);
    await rpc(node.url, "hardhat_setBalance", [relayer.address, "0x3e8"]); // 1000 wei
    const accepted = [await ballot(holders[4]!, holders[4]!.address, "abstain"), await ballot(holders[5]!, holders[5]!.address, "for")];
    for (const a of accepted) expect([a.status, a.body.status], JSON.stringify(a.body)).to.deep.equal([202, "pending"]);

    let degraded: Health | undefined;
    await waitFor(
      "health to say the relayer is out of funds",
      async () => {
        degraded = await health();
        const codes = degraded.reasons.map((r) => r.code);
        return codes.includes("relayer_out_of_funds") && codes.includes("relayer_low_balance");
      },
      15_000,
    );
    expect(degraded!.status).to.equal("degraded");
    expect(degraded!.relayer.pending).to.equal(2);
    expect(degraded!.relayer.balanceWei).to.equal("1000");
    for (const a of accepted) expect((await call("GET", `/api/ballots/${a.body.id}`)).body.status).to.equal("pending");

    await rpc(node.url, "hardhat_setBalance", [relayer.address, `0x${parseEther("100").toString(16)}`]);
    for (const a of accepted) await waitCounted(a.body.id as string);
    await waitFor("health ok once funded", async () => (await health()).status === "ok", 15_000);
    const client = makePublicClient(node.url, CHAIN_ID);
    const vote = { address: deployment.contracts.OwnersVote!.address, abi: loadArtifact("OwnersVote").abi as Abi };
    expect(Number(await client.readContract({ ...vote, functionName: "ballotOf", args: [voteId, holders[4]!.address] }))).to.equal(CHOICE.abstain);
    expect(Number(await client.readContract({ ...vote, functionName: "ballotOf", args: [voteId, holders[5]!.address] }))).to.equal(CHOICE.for);
  });
});
