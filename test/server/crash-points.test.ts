// kill -9 of the indexer (a child process, as an operator runs it) at the points where a crash costs most: in
// the middle of a rollback, in the middle of anchoring a batch, and while vote, fund and time-bank events are
// being indexed. Every kill is checked to have landed where intended — by a request the child is held at (the
// test's JSON-RPC proxy keeps it unanswered), by a log line of the child, and by what the store holds after the
// kill — and after an uninterrupted restart the whole store (every key and value of the LevelDB) must equal that
// of a clean run over the same chain. Delays and kill blocks come from a seeded generator (seed printed;
// GONGZHI_TEST_SEED replays a run).
import { expect } from "chai";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { bytesToHex, toFunctionSelector, type Abi, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { makePublicClient } from "../../server/src/chain/clients.js";
import { readLeaves, type LogEntry } from "../../server/src/receipts/log.js";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { buildTree, rootOf } from "../../server/src/receipts/tree.js";
import { closeStore, openStore } from "../../server/src/store/store.js";
import { ANCHORER_KEY, CHAIN_ID, deployAll, anyFreePort, holderAddress, registryWriter, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { playHistory } from "./helpers/history.js";
import { indexToHead } from "./helpers/indexer.js";
import { killLeftoverIndexers, runIndexer, spawnIndexer, type IndexerRun, type RunResult } from "./helpers/indexer-process.js";
import { startRpcProxy, type RpcProxy } from "./helpers/rpc-proxy.js";
import { seededRng } from "./helpers/seeded.js";
import { digestStore, storedMeta } from "./helpers/store.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NEXT_LEAF = toFunctionSelector("nextLeaf()");
const callData = (params: unknown[] | undefined) => ((params?.[0] ?? {}) as { data?: string; input?: string }).data ?? ((params?.[0] ?? {}) as { input?: string }).input ?? "";

/** The whole store of each directory must be the same (see each test for what it leaves out, and why). */
async function expectSameStore(crashed: string, clean: string, exclude: string[] = []): Promise<void> {
  const a = await digestStore(clean, exclude);
  const b = await digestStore(crashed, exclude);
  expect(a.entries, "a store with something in it").to.be.greaterThan(20);
  expect(b, "digest of every key and value, crashed vs clean").to.deep.equal(a);
}

async function finish(run: Promise<RunResult>): Promise<void> {
  const r = await run;
  expect(r.code, `the indexer finished (${r.signal ?? r.code}): ${r.stderr}`).to.equal(0);
}

describe("indexer crash points (kill -9 checked to land mid-rollback, mid-anchoring, mid-indexing)", function () {
  // Minutes on a loaded machine (many child processes); about one on an idle one. Mocha's limit only catches a hang.
  this.timeout(900_000);
  let node: NodeProcess;
  let proxy: RpcProxy;
  let tmp: ReturnType<typeof tempDir>;
  let runs = 0;
  const subdir = (name: string) => {
    const dir = path.join(tmp.dir, `${name}-${runs++}`);
    mkdirSync(dir);
    return dir;
  };

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    proxy = await startRpcProxy(node.url);
    tmp = tempDir("crash-points");
  });
  afterEach(killLeftoverIndexers);
  after(async function () {
    await proxy?.close();
    await node?.stop();
    tmp?.remove();
  });

  it("kill -9 inside a rollback (before and around its batch): the restart rolls back again and ends as a clean run", async function () {
    const rng = seededRng("mid-rollback");
    const dir = subdir("rollback");
    const { deployment, file } = await deployAll(node.url, dir);
    const reg = registryWriter(node.url, deployment.contracts.CommunityRegistry.address as Address);
    const building = await reg.addBuilding(await reg.createEstate(holderAddress(900)));
    const ancestor = Number(await rpc<string>(node.url, "eth_blockNumber"));
    const snapshot = await rpc<string>(node.url, "evm_snapshot");
    for (let i = 0; i < 20; i++) {
      await reg.registerUnits(building, Array.from({ length: 5 }, (_, j) => ({ area: 3000 + i * 10 + j, holder: holderAddress(j + i) })));
    }
    await reg.transferUnit(1, holderAddress(77));
    const crashed = path.join(dir, "crashed");
    await indexToHead(node.url, file, crashed);
    const old = await storedMeta(crashed);

    // Another history from the snapshot on, longer than the one indexed: every indexed block after `ancestor` is gone.
    await rpc(node.url, "evm_revert", [snapshot]);
    for (let i = 0; i < 24; i++) await reg.registerUnits(building, [{ area: 5000 + i, holder: holderAddress(200 + i) }]);

    // 1. Held inside the rollback: its undo information read, its batch not yet built, waiting for the anchoring
    // guard's question to the chain (RecordAnchor.nextLeaf: nothing else asks it without an anchoring key).
    const guard = proxy.hold((r) => r.method === "eth_call" && callData(r.params).startsWith(NEXT_LEAF));
    const one = spawnIndexer(proxy.url, file, crashed);
    await one.line((l) => l.msg === "chain reorganised: rolling back" && l.to === ancestor);
    await guard.reached;
    const delay1 = rng.int(0, 50);
    await sleep(delay1);
    expect(guard.held(), "still held at the guard when killed").to.equal(1);
    one.kill();
    expect((await one.exited).signal).to.equal("SIGKILL");
    guard.drop();
    expect(await storedMeta(crashed), "killed inside the rollback: nothing of it written").to.deep.equal(old);

    // 2. The guard answers; the kill comes a drawn few ms later, while the rollback's one batch is built and written
    // (the next ranges' logs are held, so that it cannot land after re-indexing began).
    const guard2 = proxy.hold((r) => r.method === "eth_call" && callData(r.params).startsWith(NEXT_LEAF));
    const logs = proxy.hold((r) => r.method === "eth_getLogs");
    const two = spawnIndexer(proxy.url, file, crashed, { logLevel: "debug" });
    // The restart must meet the reorg again and roll it back whole (asking the guard), before it reads any logs.
    const first = await Promise.race([guard2.reached.then(() => "guard"), logs.reached.then(() => "eth_getLogs")]);
    expect(first, "the restart rolls back again (the first kill left no half-done rollback)").to.equal("guard");
    const delay2 = rng.int(0, 4);
    guard2.release();
    await sleep(delay2);
    two.kill();
    expect((await two.exited).signal).to.equal("SIGKILL");
    logs.drop();
    expect(two.lines.filter((l) => l.msg === "range stored"), "no range of the new history stored before the kill").to.deep.equal([]);
    const after2 = await storedMeta(crashed);
    // All or nothing: the old checkpoint (the batch did not reach the disk) or the ancestor (it did), never between.
    const rolledBack = after2.checkpoint === ancestor;
    if (!rolledBack) expect(after2, "the rollback's batch not written at all").to.deep.equal(old);
    else expect(after2.nextSeq, "the log cut where the dropped history began").to.be.lessThan(old.nextSeq);
    console.log(`      kills: ${delay1} ms into the held guard; ${delay2} ms after the guard answered (rollback's batch ${rolledBack ? "on disk" : "not on disk"})`);

    await finish(runIndexer(node.url, file, crashed));
    const clean = path.join(dir, "clean");
    await indexToHead(node.url, file, clean);
    // Nothing left out: with one-block ranges every block of the window has its hash stored in both.
    await expectSameStore(crashed, clean);
  });

  it("kill -9 mid-anchoring (before the transaction is sent, while it waits in the pool, once mined but unseen): one batch each, the store of a clean run", async function () {
    const rng = seededRng("mid-anchoring");
    const dir = subdir("anchoring");
    const { deployment, file } = await deployAll(node.url, dir);
    const reg = registryWriter(node.url, deployment.contracts.CommunityRegistry.address as Address);
    const building = await reg.addBuilding(await reg.createEstate(holderAddress(901)));
    const client = makePublicClient(node.url, CHAIN_ID);
    const anchorAbi = loadArtifact("RecordAnchor").abi as Abi;
    const anchorAddress = deployment.contracts.RecordAnchor.address as Address;
    const readAnchor = async <T>(functionName: string, args: unknown[] = []) =>
      (await client.readContract({ address: anchorAddress, abi: anchorAbi, functionName, args })) as T;
    const anchorer = privateKeyToAccount(ANCHORER_KEY).address;
    const pendingNonce = async () => Number(await rpc<string>(node.url, "eth_getTransactionCount", [anchorer, "pending"]));
    const withKey: IndexerRun = { env: { GONGZHI_ANCHORER_KEY: ANCHORER_KEY }, args: ["--batch-seconds", "0"] };
    const crashed = path.join(dir, "crashed");

    const stages = ["before-send", "in-pool", "mined-unseen"] as const;
    const order = [...stages].sort(() => rng.next() - 0.5);
    let n = 0;
    for (const stage of order) {
      for (let i = 0; i < 3; i++) await reg.registerUnits(building, [{ area: 6000 + n++, holder: holderAddress(300 + n) }]);
      const batches = Number(await readAnchor<bigint>("batchCount"));
      const leaves = Number(await readAnchor<bigint>("nextLeaf"));
      const nonce = await pendingNonce();
      const delay = rng.int(0, 40);
      let hold: ReturnType<RpcProxy["hold"]> | undefined;
      if (stage === "before-send") hold = proxy.hold((r) => r.method === "eth_sendRawTransaction");
      if (stage === "mined-unseen") hold = proxy.hold((r) => r.method === "eth_getTransactionReceipt");
      if (stage === "in-pool") await rpc(node.url, "evm_setAutomine", [false]);
      try {
        const child = spawnIndexer(proxy.url, file, crashed, withKey);
        if (hold) await hold.reached;
        else while ((await pendingNonce()) === nonce) await sleep(10); // the anchoring transaction is in the pool
        await sleep(delay);
        child.kill();
        expect((await child.exited).signal).to.equal("SIGKILL");
        hold?.drop();
        // Where it landed: after the child had indexed everything, before it learnt the batch was anchored.
        expect(child.lines.some((l) => l.msg === "batch anchored"), `${stage}: killed before the batch was known anchored`).to.equal(false);
        const landed = { nonce: await pendingNonce(), leaves: Number(await readAnchor<bigint>("nextLeaf")) };
        const stored = await storedMeta(crashed);
        expect(stored.nextSeq, `${stage}: every record indexed before anchoring`).to.be.greaterThan(leaves);
        if (stage === "before-send") expect(landed, "the transaction never reached the node").to.deep.equal({ nonce, leaves });
        if (stage === "in-pool") expect(landed, "sent, not mined").to.deep.equal({ nonce: nonce + 1, leaves });
        if (stage === "mined-unseen") expect(landed, "mined: the chain has the batch").to.deep.equal({ nonce: nonce + 1, leaves: stored.nextSeq });
        console.log(`      ${stage}: killed ${delay} ms in; log ${stored.nextSeq} records, anchored ${leaves} → ${landed.leaves}`);
      } finally {
        if (stage === "in-pool") {
          await rpc(node.url, "evm_mine"); // the dead child's transaction is mined after all
          await rpc(node.url, "evm_setAutomine", [true]);
        }
      }
      // The restart adopts a batch the chain has, or anchors it now: one batch for the stage, never two.
      await finish(spawnIndexer(node.url, file, crashed, withKey).exited);
      expect(Number(await readAnchor<bigint>("batchCount")), `${stage}: exactly one more batch`).to.equal(batches + 1);
    }

    // Both directories indexed to the same head without anchoring: the store of the crashed runs equals a clean one.
    await indexToHead(node.url, file, crashed);
    const clean = path.join(dir, "clean");
    await indexToHead(node.url, file, clean);
    await expectSameStore(crashed, clean);
    // And every anchored batch is a batch of that log: its root is the clean store's leaves' root.
    const store = await openStore(clean, [], logEntryEncoding);
    try {
      const count = Number(await readAnchor<bigint>("batchCount"));
      expect(count).to.equal(stages.length);
      for (let b = 0; b < count; b++) {
        const batch = await readAnchor<{ root: Hex; firstLeaf: bigint; leafCount: bigint }>("batch", [BigInt(b)]);
        const root = bytesToHex(rootOf(buildTree(await readLeaves(store, Number(batch.firstLeaf), Number(batch.leafCount)))));
        expect(root, `batch ${b}'s root`).to.equal(batch.root.toLowerCase());
      }
    } finally {
      await closeStore(store);
    }
  });

  it("kill -9 while vote, fund and time-bank events are indexed: each kill mid-batch of such a block, the store of a clean run", async function () {
    const rng = seededRng("mid-indexing");
    const dir = subdir("history");
    const { deployment, file } = await deployAll(node.url, dir);
    await playHistory(node.url, deployment);
    const clean = path.join(dir, "clean");
    await indexToHead(node.url, file, clean);
    const final = (await storedMeta(clean)).checkpoint;

    // The blocks with events of each contract, from the clean store's receipt log.
    const blocksOf = new Map<string, number[]>();
    const store = await openStore(clean, [], logEntryEncoding);
    try {
      for await (const value of store.log.values()) {
        const record = (value as LogEntry).record as { event?: string; blockNumber?: number };
        const contract = record.event?.split(".")[0];
        if (!contract || record.blockNumber === undefined) continue;
        const list = blocksOf.get(contract) ?? [];
        if (list.at(-1) !== record.blockNumber) list.push(record.blockNumber);
        blocksOf.set(contract, list);
      }
    } finally {
      await closeStore(store);
    }

    // One block of each contract's events, drawn, in chain order and a few blocks apart (a kill lands on its
    // block or just after it, and the next kill must have its block still ahead).
    const contracts = ["OwnersVote", "MaintenanceFund", "TimeBank"];
    const first = Math.min(...contracts.map((c) => blocksOf.get(c)?.[0] ?? final));
    let targets: { contract: string; block: number }[] = [];
    for (let attempt = 0; targets.length === 0; attempt++) {
      expect(attempt, "three blocks a few apart, one per contract").to.be.lessThan(1000);
      const picks = contracts.map((contract) => ({ contract, block: rng.pick((blocksOf.get(contract) ?? []).filter((b) => b < final - 1)) }));
      picks.sort((x, y) => x.block - y.block);
      if (picks.every((p, i) => p.block !== undefined && p.block - (i === 0 ? first - 4 : picks[i - 1]!.block) >= 4)) targets = picks;
    }

    const crashed = path.join(dir, "crashed");
    let before = -1;
    for (const { contract, block: target } of targets) {
      const delay = rng.int(0, 2);
      const child = spawnIndexer(node.url, file, crashed, { logLevel: "debug" });
      // The target block's range has been built and its batch handed to LevelDB: kill within a few ms.
      await child.progress((l) => l.msg === "range stored" && (l.to as number) >= target);
      await sleep(delay);
      child.kill();
      expect((await child.exited).signal).to.equal("SIGKILL");
      const reached = (await storedMeta(crashed)).checkpoint;
      console.log(`      ${contract}: killed ${delay} ms after block ${target}'s batch began; checkpoint ${before} → ${reached} of ${final}`);
      // Partly written: the ranges before the target's are on disk (written in order, and a range is built only
      // once the one before it is written), the backfill is not done.
      expect(reached, "this run stored something").to.be.greaterThan(before);
      expect(reached, "the ranges before the target block are on disk").to.be.at.least(target - 1);
      expect(reached, "the kill interrupted the backfill").to.be.lessThan(final);
      before = reached;
    }
    await finish(runIndexer(node.url, file, crashed));
    await expectSameStore(crashed, clean);
  });
});
