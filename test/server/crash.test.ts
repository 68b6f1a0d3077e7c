// Crash safety: the indexer runs as a child process (tsx) and is killed with SIGKILL at drawn points of its
// backfill, several times; after a final uninterrupted restart its store must equal a clean run's, entry for
// entry (range-end block hashes aside: where adaptive ranges stop is not chain data). Each kill point is drawn
// from a seeded generator (seed printed; GONGZHI_TEST_SEED replays it) as a block of what is left to index and
// a delay of a few ms after the child logs that the batch of that block's range is being written, and each kill
// is checked to have interrupted the backfill: the store holds more than before that run, and less than all.
import { expect } from "chai";
import path from "node:path";
import type { Address } from "viem";
import { deployAll, anyFreePort, holderAddress, registryWriter, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { killLeftoverIndexers, runIndexer, spawnIndexer } from "./helpers/indexer-process.js";
import { seededRng } from "./helpers/seeded.js";
import { digestStore, storedCheckpoint } from "./helpers/store.js";

describe("indexer crash safety (kill -9 during backfill)", function () {
  this.timeout(900_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("crash");
  });
  afterEach(killLeftoverIndexers);
  after(async function () {
    await node?.stop();
    tmp?.remove();
  });

  it("ends with exactly the store of an uninterrupted run", async function () {
    const rng = seededRng("kill points");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    const reg = registryWriter(node.url, deployment.contracts.CommunityRegistry.address as Address);
    const estate = await reg.createEstate(holderAddress(999));
    const buildings = [await reg.addBuilding(estate), await reg.addBuilding(estate), await reg.addBuilding(estate)];
    let unit = 0;
    for (let block = 0; block < 150; block++) {
      if (block % 5 === 4) {
        await reg.transferUnit(1 + ((block * 7) % unit), holderAddress(500 + (block % 13)));
        continue;
      }
      const units = Array.from({ length: 6 }, (_, i) => ({ area: 4000 + ((block * 31 + i * 17) % 9000), holder: holderAddress((unit + i) % 40) }));
      unit += (await reg.registerUnits(buildings[block % 3], units)).length;
    }

    const clean = path.join(tmp.dir, "clean");
    const first = await runIndexer(node.url, file, clean);
    expect(first.code, first.stderr).to.equal(0);
    const final = await storedCheckpoint(clean);
    console.log(`      clean backfill: ${first.ms} ms to block ${final}`);

    const crashed = path.join(tmp.dir, "crashed");
    for (let i = 0; i < 8; i++) {
      const before = await storedCheckpoint(crashed);
      // A block of the next quarter of what is left, so that eight kills fit in one backfill.
      const start = Math.max(before, deployment.contracts.CommunityRegistry.blockNumber);
      const target = start + 2 + rng.int(0, Math.max(0, Math.floor((final - start - 4) / 4)));
      const delay = rng.int(0, 3);
      expect(target, "a kill point before the end").to.be.lessThan(final);
      const child = spawnIndexer(node.url, file, crashed, { logLevel: "debug" });
      const marker = await child.progress((l) => l.msg === "range stored" && (l.to as number) >= target);
      setTimeout(child.kill, delay);
      const run = await child.exited;
      expect(run.signal, `the child was killed, not done (${run.stderr})`).to.equal("SIGKILL");
      const reached = await storedCheckpoint(crashed);
      console.log(`      kill ${i + 1}: ${delay} ms after range ${marker.to as number}'s batch began; checkpoint ${before} → ${reached} of ${final}`);
      // Landed mid-backfill: this run stored something (the batches before the marker's are on disk: batches are
      // written in order and a range is built only once the one before it is written), and not everything.
      expect(reached, "checkpoint after the kill").to.be.at.least((marker.to as number) - 1);
      expect(reached, "checkpoint after the kill").to.be.greaterThan(before);
      expect(reached, "the kill interrupted the backfill").to.be.lessThan(final);
    }
    const last = await runIndexer(node.url, file, crashed);
    expect(last.code, last.stderr).to.equal(0);

    const a = await digestStore(clean, ["blocks"]);
    const b = await digestStore(crashed, ["blocks"]);
    expect(a.entries).to.be.greaterThan(1000);
    expect(b).to.deep.equal(a);
  });
});
