// A chain reorganisation under unanchored off-chain records (server/src/indexer/indexer.ts, rollback): the
// indexer cuts the receipt log back to the first entry of the dropped blocks and writes the off-chain records
// logged since from there, in their order; the new blocks' events follow them. They move (new seq, new leaf)
// but keep their record id, kind, id, time, actor and payload; the
// journal's index moves with them, so GET /api/receipts/offchain/{recordId} finds each one where it now is, and
// its receipt, once anchored, verifies against the chain.
import { expect } from "chai";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import type { Abi, Hex } from "viem";
import { createApp } from "../../server/src/api/app.js";
import { resourceDeps, resourceRoutes } from "../../server/src/api/resources/index.js";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import type { Deployment } from "../../server/src/chain/deployment.js";
import { artifactAbiOf } from "../../server/src/receipts/abis.js";
import { anchorOnce, createAnchorer } from "../../server/src/receipts/anchorer.js";
import type { Receipt } from "../../server/src/receipts/format.js";
import { appendOffchain, leafOfRecord, readEntry, readJournal, readOffchain, type Appended } from "../../server/src/receipts/log.js";
import type { OffchainRecord } from "../../server/src/receipts/record.js";
import { pinOf, verifyReceipt } from "../../server/src/receipts/verify.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, holderAddress, registryWriter, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { settingsFor, startIndexer, type Running } from "./helpers/indexer.js";

describe("off-chain records through a chain reorganisation", function () {
  this.timeout(180_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let deployment: Deployment;
  let running: Running;

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("journal-reorg");
    const deployed = await deployAll(node.url, tmp.dir);
    deployment = deployed.deployment;
    // No anchoring key: nothing is anchored until the test anchors by hand, after the reorg.
    running = await startIndexer(settingsFor(node.url, deployed.file, path.join(tmp.dir, "db")));
  });
  after(async function () {
    await running?.stop();
    await node?.stop();
    tmp?.remove();
  });

  /** GET `route` from an API over the running indexer's store (anchoring: as configured, or not at all). */
  async function get(route: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const deps = resourceDeps(running.service, deployment, clients(node.url).publicClient);
    const app = createApp({ routes: resourceRoutes(deps), logger: pino({ level: "silent" }), corsOrigins: [], rateLimit: { windowMs: 60_000, limit: 1000 }, bodyLimit: "16kb", version: "test" });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${route}`, { headers: { "Accept-Language": "en" } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    } finally {
      server.close();
    }
  }

  it("moves unanchored off-chain records to the cut, keeping record id, actor and payload; the record-id route finds them", async function () {
    const { store, lock } = running.service;
    const reg = registryWriter(node.url, deployment.contracts.CommunityRegistry!.address);
    const estate = await reg.createEstate(holderAddress(900));
    const building = await reg.addBuilding(estate);
    const units = await reg.registerUnits(building, [{ area: 8000, holder: holderAddress(1) }, { area: 7000, holder: holderAddress(2) }]);
    await running.waitForHead();
    const cut = running.service.indexer.nextSeq; // the first entry of the blocks that will be dropped
    const snapshot = await rpc<string>(node.url, "evm_snapshot");

    // Blocks that will be dropped, then off-chain records logged after their events.
    await reg.transferUnit(units[0]!, holderAddress(3));
    await running.waitForHead();
    const staff = `0x${"5a".repeat(20)}` as Hex;
    const before: Appended[] = await appendOffchain(store, lock, CHAIN_ID, [
      { kind: "workorder.dispatched", id: "wo-0007", at: 1_767_254_400, actor: { address: staff, onBehalfOf: "p_12", authorisation: "7" }, payload: { unit: units[0], category: "lift", summary: "电梯门关不上" } },
      { kind: "workorder.closed", id: "wo-0007", at: 1_767_261_600, actor: { address: holderAddress(1).toLowerCase() as Hex }, payload: { outcome: "repaired", costFen: 35_000 } },
      { kind: "retention.purged", id: "p_99", at: 1_767_300_000, actor: { system: "retention" }, payload: { category: "contact", count: 1 } },
    ]);
    const records = await Promise.all(before.map(async (a) => (await readOffchain(store, a.recordId))!.record as OffchainRecord));
    expect(records.map((r) => r.seq)).to.deep.equal(before.map((a) => a.seq));
    expect(before[0]!.seq, "logged after the transfer's events").to.be.greaterThan(cut);
    const unanchored = await get(`/api/receipts/offchain/${before[0]!.recordId}`);
    expect([unanchored.status, (unanchored.body.error as { code: string }).code]).to.deep.equal([409, "not_anchored_elsewhere"]);
    expect((unanchored.body.error as { details: unknown }).details).to.deep.equal({ recordId: before[0]!.recordId, seq: before[0]!.seq });

    // The chain reorganises: the transfer is gone, and a longer history with more events takes its place.
    await rpc(node.url, "evm_revert", [snapshot]);
    await reg.transferUnit(units[1]!, holderAddress(4));
    await reg.registerUnits(building, [{ area: 5000, holder: holderAddress(5) }, { area: 6000, holder: holderAddress(6) }]);
    await reg.transferUnit(units[0]!, holderAddress(7));
    await rpc(node.url, "hardhat_mine", ["0x3"]);
    await running.waitForHead();

    const after = await Promise.all(before.map(async (a) => (await readOffchain(store, a.recordId))!));
    after.forEach((entry, i) => {
      const moved = entry.record as OffchainRecord;
      const { seq: _old, ...kept } = records[i]!;
      const { seq, ...now } = moved;
      expect(now, `record ${before[i]!.recordId} keeps its record id, kind, id, time, actor and payload`).to.deep.equal(kept);
      expect(seq, `record ${before[i]!.recordId} moved to the cut`).to.equal(cut + i);
      expect(entry.seq).to.equal(seq);
      expect(entry.leaf, "its leaf is that of its new place").to.equal(leafOfRecord(moved)).and.not.equal(before[i]!.leaf);
    });
    // In the same order, one after another, and the new blocks' events after them.
    const seqs = after.map((e) => e.seq);
    expect(running.service.indexer.nextSeq).to.be.greaterThan(seqs[2]! + 1);
    expect((await readEntry(store, seqs[2]! + 1))?.record.schema).to.equal("gongzhi/onchain-log/v1");
    const journal: number[] = [];
    for await (const entry of readJournal(store)) journal.push((entry.record as OffchainRecord).recordId);
    expect(journal).to.deep.equal(before.map((a) => a.recordId));
    // Where the first record stood before, there is now another record: asking by seq would find the wrong one.
    expect((await readEntry(store, before[0]!.seq))?.leaf).to.not.equal(after[0]!.leaf);
    // The journal's numbering went on: the next record is the next id, not a reused one.
    const [next] = await appendOffchain(store, lock, CHAIN_ID, [{ kind: "workorder.created", id: "wo-0008", at: 1_767_400_000, actor: { address: staff }, payload: {} }]);
    expect(next!.recordId).to.equal(before[2]!.recordId + 1);

    // The record-id route finds the moved record: 409 naming its new place, then, once anchored, its receipt.
    const waiting = await get(`/api/receipts/offchain/${before[0]!.recordId}`);
    expect((waiting.body.error as { details: unknown }).details).to.deep.equal({ recordId: before[0]!.recordId, seq: seqs[0] });
    const { publicClient, walletClient } = clients(node.url, ANCHORER_KEY);
    const anchorer = createAnchorer({
      publicClient,
      walletClient,
      anchor: { address: deployment.contracts.RecordAnchor!.address, abi: loadArtifact("RecordAnchor").abi as Abi },
      store,
      lock,
      batchLeaves: 1000,
      batchSeconds: 0,
    });
    expect((await anchorOnce(anchorer)).anchored).to.equal(true);
    await running.waitForHead();
    for (const [i, a] of before.entries()) {
      const answer = await get(`/api/receipts/offchain/${a.recordId}`);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      const receipt = answer.body as Receipt;
      expect(receipt.record).to.deep.equal(after[i]!.record);
      const report = await verifyReceipt(receipt, publicClient, { pin: pinOf(deployment), abiOf: artifactAbiOf(deployment), offchainRecordId: String(a.recordId) });
      expect(report.outcome, JSON.stringify(report.steps.at(-1))).to.equal("verified");
    }
  });
});
