// The indexer against a real Hardhat node process: backfill then live follow, and a chain revert
// (evm_snapshot/evm_revert, then other blocks) that must roll the records and read models back.
import { expect } from "chai";
import path from "node:path";
import type { Address } from "viem";
import { numKey } from "../../server/src/store/store.js";
import type { LogEntry } from "../../server/src/receipts/log.js";
import { clients, deployAll, anyFreePort, holderAddress, registryWriter, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { expectModelsMatchChain, settingsFor, startIndexer } from "./helpers/indexer.js";
import { digestStore } from "./helpers/store.js";

describe("indexer on a Hardhat node", function () {
  this.timeout(120_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let deploymentFile: string;
  let registry: Address;

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("indexer");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    deploymentFile = file;
    registry = deployment.contracts.CommunityRegistry.address;
  });
  after(async function () {
    await node?.stop();
    tmp?.remove();
  });

  it("backfills from the deployment block, then follows new blocks", async function () {
    const reg = registryWriter(node.url, registry);
    const estate = await reg.createEstate(holderAddress(900));
    const b1 = await reg.addBuilding(estate);
    const b2 = await reg.addBuilding(estate);
    const units = await reg.registerUnits(b1, [
      { area: 8000, holder: holderAddress(1) },
      { area: 9000, holder: holderAddress(1) },
      { area: 7000, holder: holderAddress(2) },
      { area: 6000, holder: "0x0000000000000000000000000000000000000000" },
    ]);
    await reg.registerUnits(b2, [{ area: 5000, holder: holderAddress(2) }]);
    await reg.transferUnit(units[0], holderAddress(3));

    const running = await startIndexer(settingsFor(node.url, deploymentFile, path.join(tmp.dir, "follow"), { initialRange: 2 }));
    try {
      await running.waitForHead();
      // Started from TypeScript under Hardhat, as the server is under tsx: the logs are prepared in the worker.
      expect(running.service.indexer.preparing()).to.equal("worker");
      const { publicClient } = clients(node.url);
      await expectModelsMatchChain(running.service, publicClient, registry);
      const seqAfterBackfill = running.service.indexer.nextSeq;

      // Live: new blocks arrive while the indexer polls.
      await reg.transferUnit(units[1], holderAddress(3));
      const more = await reg.registerUnits(b2, [{ area: 4000, holder: holderAddress(4) }]);
      await reg.transferUnit(units[2], holderAddress(1)); // holder 2 keeps a unit in b2 only
      await running.waitForHead();
      const counts = await expectModelsMatchChain(running.service, publicClient, registry);
      expect(counts.units).to.equal(6);
      expect(more).to.deep.equal([6]);
      expect(running.service.indexer.nextSeq).to.be.greaterThan(seqAfterBackfill);
      // Every log entry carries its typed record and its leaf, in sequence order.
      let seq = 0;
      for await (const [key, value] of running.service.store.log.iterator()) {
        const entry = value as LogEntry;
        expect(key).to.equal(numKey(seq));
        expect(entry.seq).to.equal(seq++);
        expect(entry.leaf).to.match(/^0x[0-9a-f]{64}$/);
      }
      expect(seq).to.equal(running.service.indexer.nextSeq);
    } finally {
      await running.stop();
    }
  });

  it("rolls records and read models back when the chain reverts and grows other blocks", async function () {
    const reg = registryWriter(node.url, registry);
    const running = await startIndexer(settingsFor(node.url, deploymentFile, path.join(tmp.dir, "reorg")));
    const { publicClient } = clients(node.url);
    try {
      await running.waitForHead();
      const seqBefore = running.service.indexer.nextSeq;
      const snapshot = await rpc<string>(node.url, "evm_snapshot");

      // The history that will be dropped: a new estate, units and sales.
      const e2 = await reg.createEstate(holderAddress(901));
      const b = await reg.addBuilding(e2);
      const gone = await reg.registerUnits(b, [{ area: 1111, holder: holderAddress(50) }, { area: 2222, holder: holderAddress(51) }]);
      await reg.transferUnit(1, holderAddress(52));
      await running.waitForHead();
      expect(running.service.indexer.nextSeq).to.be.greaterThan(seqBefore);
      expect(await running.service.store.models.get("units")!.get(numKey(gone[0]))).to.not.equal(undefined);

      await rpc(node.url, "evm_revert", [snapshot]);
      // Other blocks, more of them, so the new chain is longer than the old one.
      await reg.transferUnit(2, holderAddress(60));
      await reg.registerUnits(1, [{ area: 3333, holder: holderAddress(61) }]);
      await reg.transferUnit(4, holderAddress(61));
      await rpc(node.url, "hardhat_mine", ["0x3"]);
      await running.waitForHead();

      const counts = await expectModelsMatchChain(running.service, publicClient, registry);
      expect(counts.units).to.equal(7);
      expect(await running.service.store.models.get("estates")!.get(numKey(2))).to.equal(undefined);
      expect(await running.service.store.models.get("holderAreas")!.get(holderAddress(52).toLowerCase())).to.equal(undefined);
    } finally {
      await running.stop();
    }

    // The rolled-back store equals a store indexed from scratch on the final chain (range-end hashes aside).
    const fresh = await startIndexer(settingsFor(node.url, deploymentFile, path.join(tmp.dir, "fresh")));
    await fresh.waitForHead();
    await fresh.stop();
    const rolled = await digestStore(path.join(tmp.dir, "reorg"), ["blocks", "undo"]);
    const clean = await digestStore(path.join(tmp.dir, "fresh"), ["blocks", "undo"]);
    expect(rolled.entries).to.be.greaterThan(20);
    expect(rolled.digest, "digest of read models, log and checkpoint").to.equal(clean.digest);
  });

  it("stores exactly the same whether the logs are prepared in the worker thread or in this one", async function () {
    const settings = (dir: string) => settingsFor(node.url, deploymentFile, path.join(tmp.dir, dir), { initialRange: 3 });
    const inWorker = await startIndexer(settings("prepared-in-worker"));
    await inWorker.waitForHead();
    expect(inWorker.service.indexer.preparing()).to.equal("worker");
    await inWorker.stop();
    process.env.GONGZHI_PREPARE_IN_THREAD = "1";
    let inThread: Awaited<ReturnType<typeof startIndexer>>;
    try {
      inThread = await startIndexer(settings("prepared-in-thread"));
    } finally {
      delete process.env.GONGZHI_PREPARE_IN_THREAD;
    }
    await inThread.waitForHead();
    expect(inThread.service.indexer.preparing()).to.equal("thread");
    await inThread.stop();
    // Range-end block hashes and undo entries follow how the backfill was cut into ranges, which a slow answer
    // (a busy machine, the RPC timeout) may change; the records, read models and checkpoint may not differ.
    const a = await digestStore(path.join(tmp.dir, "prepared-in-worker"), ["blocks", "undo"]);
    const b = await digestStore(path.join(tmp.dir, "prepared-in-thread"), ["blocks", "undo"]);
    expect(a.entries).to.be.greaterThan(20);
    expect(a.digest, "digest of read models, log and checkpoint").to.equal(b.digest);
  });
});
