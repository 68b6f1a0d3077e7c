// What the indexer refuses on start-up and while following, against a real Hardhat node: a data directory that
// indexes another deployment (the operator pointed two deployments at one --data-dir) is refused with what to do
// and left exactly as it was; a reorg deeper than the reorg window stops the indexer with what to do and rolls
// nothing back. Driven by hand (syncOnce, anchorOnce), a reorg is met by sync's parent-hash check rather than by
// the tip check of each round, and a rollback over records the chain has anchored is refused.
import { expect } from "chai";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Address } from "viem";
import { createHash } from "node:crypto";
import { follow, ReorgTooDeepError, syncOnce } from "../../server/src/indexer/indexer.js";
import { setupIndexer, type Service } from "../../server/src/indexer/setup.js";
import { privateKeyToAccount } from "viem/accounts";
import { anchorOnce, chainNextLeaf, truncateGuard } from "../../server/src/receipts/anchorer.js";
import { appendOffchain } from "../../server/src/receipts/log.js";
import { closeStore, type Store } from "../../server/src/store/store.js";
import { ANCHORER_KEY, clients, deployAll, anyFreePort, holderAddress, registryWriter, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { expectModelsMatchChain, settingsFor, startIndexer } from "./helpers/indexer.js";
import { runIndexer, spawnIndexer } from "./helpers/indexer-process.js";
import { digestStore } from "./helpers/store.js";

/** The digest of helpers/store.ts, of a store this process holds open (LevelDB lets one handle per process). */
async function digestOpen(store: Store, exclude: string[] = []): Promise<string> {
  const hash = createHash("sha256");
  for await (const [key, value] of store.db.iterator({ keyEncoding: "utf8", valueEncoding: "utf8" })) {
    if (exclude.some((name) => key.startsWith(`!${name}!`))) continue;
    hash.update(key).update("\u0000").update(value as string).update("\u0001");
  }
  return hash.digest("hex");
}

describe("indexer refusals on a Hardhat node", function () {
  this.timeout(180_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("refusals");
  });
  after(async function () {
    await node?.stop();
    tmp?.remove();
  });

  it("refuses a data directory that indexes another deployment, says to use a fresh one, and changes nothing", async function () {
    const a = await deployAll(node.url, tmp.dir);
    const reg = registryWriter(node.url, a.deployment.contracts.CommunityRegistry.address as Address);
    const estate = await reg.createEstate(holderAddress(700));
    await reg.registerUnits(await reg.addBuilding(estate), [{ area: 8000, holder: holderAddress(1) }]);
    const dataDir = path.join(tmp.dir, "data");
    const first = await runIndexer(node.url, a.file, dataDir);
    expect(first.code, first.stderr).to.equal(0);

    // Deployment B: the same contracts deployed again (other addresses), with a unit of its own that A's
    // directory must not take in.
    const bDir = path.join(tmp.dir, "b");
    mkdirSync(bDir);
    const b = await deployAll(node.url, bDir);
    const regB = registryWriter(node.url, b.deployment.contracts.CommunityRegistry.address as Address);
    await regB.registerUnits(await regB.addBuilding(await regB.createEstate(holderAddress(701))), [{ area: 9000, holder: holderAddress(2) }]);

    const before = await digestStore(dataDir);
    expect(before.entries).to.be.greaterThan(5);
    const second = await runIndexer(node.url, b.file, dataDir);
    expect(second.code, "the indexer exits with an error").to.not.equal(0);
    expect(second.stdout, "it never starts following").to.not.include("indexer starting");
    const registryA = a.deployment.contracts.CommunityRegistry.address;
    expect(second.stderr).to.include(`The data directory indexes another chain or deployment (CommunityRegistry at ${registryA} on chain 31337)`);
    expect(second.stderr).to.include("pass a fresh --data-dir for this deployment");
    expect(await digestStore(dataDir), "digest of the whole store").to.deep.equal(before);

    // Deployment A still opens the directory and goes on where it stopped.
    const again = await runIndexer(node.url, a.file, dataDir);
    expect(again.code, again.stderr).to.equal(0);
  });

  it("stops with a clear message on a reorg deeper than the window, and rolls nothing back", async function () {
    const dir = path.join(tmp.dir, "deep");
    mkdirSync(dir);
    const { deployment, file } = await deployAll(node.url, dir);
    const reg = registryWriter(node.url, deployment.contracts.CommunityRegistry.address as Address);
    const building = await reg.addBuilding(await reg.createEstate(holderAddress(800)));
    const settings = settingsFor(node.url, file, path.join(dir, "data"), { reorgWindow: 3 });

    // Six blocks with events that the reorg will drop, indexed.
    const snapshot = await rpc<string>(node.url, "evm_snapshot");
    for (let i = 0; i < 6; i++) await reg.registerUnits(building, [{ area: 1000 + i, holder: holderAddress(10 + i) }]);
    const first = await startIndexer(settings);
    await first.waitForHead();
    const indexedTo = first.service.indexer.checkpoint.blockNumber;
    await first.stop();
    const before = await digestStore(settings.dataDir);

    // Another history from the snapshot on, longer than the dropped one: every block the window keeps changed.
    await rpc(node.url, "evm_revert", [snapshot]);
    for (let i = 0; i < 8; i++) await reg.registerUnits(building, [{ area: 2000 + i, holder: holderAddress(30 + i) }]);
    const head = Number(await rpc<string>(node.url, "eth_blockNumber"));
    expect(head - settings.reorgWindow, "the window's floor is above the snapshot").to.be.greaterThan(indexedTo - 6);

    const service = await setupIndexer(settings);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      follow(service.indexer, { pollMs: 50, retryMaxMs: 100, signal: controller.signal }).then(
        () => "follow returned",
        (err: unknown) => err,
      ),
      new Promise((resolve) => (timer = setTimeout(() => resolve("still following after 15 s"), 15_000))),
    ]);
    clearTimeout(timer);
    controller.abort();
    try {
      expect(outcome).to.be.instanceOf(ReorgTooDeepError);
      expect((outcome as Error).message).to.equal(
        `The chain changed below the reorg window (3 blocks under head ${head}); the store cannot be rolled back. ` +
          "Stop, raise --reorg-window or --confirmations, and re-index into a fresh --data-dir.",
      );
      expect(service.indexer.checkpoint.blockNumber, "checkpoint where it was").to.equal(indexedTo);
      // Health reads this status (indexer_failing) while a server keeps serving the store's reads.
      expect(service.indexer.status.failing?.error).to.equal((outcome as Error).message);
    } finally {
      await closeStore(service.store);
    }
    expect(await digestStore(settings.dataDir), "digest of the whole store").to.deep.equal(before);

    // As an operator runs it: the indexer process stops (exit code 1) with the same message, and changes nothing.
    const run = await spawnIndexer(node.url, file, settings.dataDir, { args: ["--reorg-window", "3"] }).exited;
    expect(run.code, "the process stops").to.equal(1);
    expect(run.stdout).to.include("indexer stopped: a reorg deeper than the window needs a human decision");
    expect(run.stderr).to.include("Stop, raise --reorg-window or --confirmations, and re-index into a fresh --data-dir.");
    expect(await digestStore(settings.dataDir), "digest of the whole store").to.deep.equal(before);
  });

  describe("driven by hand", function () {
    let dir: string;
    let file: string;
    let registry: Address;
    let service: Service | undefined;

    let runs = 0;

    beforeEach(async function () {
      dir = path.join(tmp.dir, `hand-${runs++}`);
      mkdirSync(dir);
      const deployed = await deployAll(node.url, dir);
      file = deployed.file;
      registry = deployed.deployment.contracts.CommunityRegistry.address as Address;
    });
    afterEach(async function () {
      if (service) await closeStore(service.store);
      service = undefined;
    });

    /** Indexes a first history, then replaces its last blocks with a longer other history; returns the old checkpoint. */
    async function reorgUnder(ix: Service, building: number): Promise<{ blockNumber: number; blockHash: string }> {
      const reg = registryWriter(node.url, registry);
      const snapshot = await rpc<string>(node.url, "evm_snapshot");
      for (let i = 0; i < 3; i++) await reg.registerUnits(building, [{ area: 1500 + i, holder: holderAddress(40 + i) }]);
      await reg.transferUnit(1, holderAddress(49));
      expect((await syncOnce(ix.indexer)).reorgs).to.equal(0);
      const old = { ...ix.indexer.checkpoint };
      await rpc(node.url, "evm_revert", [snapshot]);
      for (let i = 0; i < 4; i++) await reg.registerUnits(building, [{ area: 2500 + i, holder: holderAddress(60 + i) }]);
      await rpc(node.url, "hardhat_mine", ["0x2"]);
      // The old checkpoint's block number is still on the chain, with another hash: a range after it has a
      // parent hash that is not the stored one.
      const now = await rpc<{ hash: string }>(node.url, "eth_getBlockByNumber", [`0x${old.blockNumber.toString(16)}`, false]);
      expect(now.hash).to.not.equal(old.blockHash);
      return old;
    }

    it("rolls back when a synced range's parent hash is not the stored checkpoint's (no tip check first)", async function () {
      const reg = registryWriter(node.url, registry);
      const building = await reg.addBuilding(await reg.createEstate(holderAddress(810)));
      await reg.registerUnits(building, [{ area: 7000, holder: holderAddress(41) }]);
      service = await setupIndexer(settingsFor(node.url, file, path.join(dir, "data")));
      await syncOnce(service.indexer);
      await reorgUnder(service, building);

      const result = await syncOnce(service.indexer);
      expect(result.reorgs, "one rollback, met by the parent-hash check").to.equal(1);
      await expectModelsMatchChain(service, clients(node.url).publicClient, registry);
      const rolled = await digestOpen(service.store, ["blocks", "undo"]);
      await closeStore(service.store);
      service = undefined;

      const fresh = await setupIndexer(settingsFor(node.url, file, path.join(dir, "fresh")));
      await syncOnce(fresh.indexer);
      const clean = await digestOpen(fresh.store, ["blocks", "undo"]);
      await closeStore(fresh.store);
      expect(rolled, "digest of read models, log and checkpoint").to.equal(clean);
    });

    it("keeps taking off-chain records while an anchoring transaction waits to be mined; a rollback waits for it", async function () {
      const reg = registryWriter(node.url, registry);
      await reg.addBuilding(await reg.createEstate(holderAddress(830)));
      service = await setupIndexer(settingsFor(node.url, file, path.join(dir, "data"), { anchorerKey: ANCHORER_KEY, batchLeaves: 10_000, batchSeconds: 0 }));
      await syncOnce(service.indexer);
      const { store, lock } = service;
      const record = (n: number) => ({ kind: "example.noted", id: `x-${n}`, at: 1_700_000_000 + n, actor: { system: "test" }, payload: { n } });
      await appendOffchain(store, lock, service.indexer.config.chainId, [record(1)]);
      const anchorerAddress = privateKeyToAccount(ANCHORER_KEY).address;
      const nonce = () => rpc<string>(node.url, "eth_getTransactionCount", [anchorerAddress, "pending"]).then(Number);
      const before = await nonce();
      await rpc(node.url, "evm_setAutomine", [false]);
      try {
        const round = anchorOnce(service.anchorer!);
        while ((await nonce()) === before) await new Promise((r) => setTimeout(r, 20)); // the transaction is in the pool
        // Not mined, and it will not be until this test mines it: an append that waited for it would never finish.
        const appended = await Promise.race([
          appendOffchain(store, lock, service.indexer.config.chainId, [record(2)]),
          new Promise<"stuck">((r) => setTimeout(() => r("stuck"), 15_000)),
        ]);
        expect(appended, "an append while anchoring is pending").to.not.equal("stuck");
        const guard = truncateGuard(clients(node.url).publicClient, service.anchor!, store)(0);
        let guarded: Error | "passed" | undefined;
        guard.then(() => (guarded = "passed"), (err: Error) => (guarded = err));
        await new Promise((r) => setTimeout(r, 300));
        expect(guarded, "the rollback guard waits for the transaction in flight").to.equal(undefined);
        await rpc(node.url, "hardhat_mine", ["0x1"]);
        const result = await round;
        expect(result).to.include({ anchored: true, firstLeaf: 0 });
        await guard.catch(() => undefined);
        expect(String(guarded)).to.match(/the chain has anchored them up to/);
      } finally {
        await rpc(node.url, "evm_setAutomine", [true]);
      }
    });

    it("refuses a rollback over records the chain has anchored, and changes nothing", async function () {
      const reg = registryWriter(node.url, registry);
      const building = await reg.addBuilding(await reg.createEstate(holderAddress(820)));
      service = await setupIndexer(settingsFor(node.url, file, path.join(dir, "data"), { anchorerKey: ANCHORER_KEY, batchLeaves: 10_000, batchSeconds: 0 }));
      await syncOnce(service.indexer);
      const cut = service.indexer.nextSeq; // the first entry of the history that the reorg drops
      const old = await reorgUnder(service, building);
      const logLength = service.indexer.nextSeq;
      expect(logLength).to.be.greaterThan(cut);

      // The anchorer's round comes before the indexer meets the reorg: it anchors the old log on the new chain.
      const anchored = await anchorOnce(service.anchorer!);
      expect(anchored).to.include({ anchored: true, firstLeaf: 0, leafCount: logLength });
      expect(await chainNextLeaf(clients(node.url).publicClient, service.anchor!)).to.equal(logLength);
      const before = await digestOpen(service.store);

      let error: Error | undefined;
      try {
        await syncOnce(service.indexer);
      } catch (err) {
        error = err as Error;
      }
      expect(error?.message).to.equal(
        `A reorg would drop log entries from ${cut} on, but the chain has anchored them up to ${logLength - 1}. ` +
          "Stop, raise --confirmations so that only final blocks are indexed, and re-index into a fresh --data-dir.",
      );
      expect(service.indexer.checkpoint).to.deep.equal(old);
      expect(service.indexer.nextSeq).to.equal(logLength);
      expect(await digestOpen(service.store), "digest of the whole store").to.equal(before);
    });
  });
});
