// Crash safety: the indexer runs as a child process (tsx) and is killed with SIGKILL at random moments of its
// backfill, several times; after a final uninterrupted restart its store must equal a clean run's, entry for
// entry (range-end block hashes aside: where adaptive ranges stop is not chain data).
import { expect } from "chai";
import path from "node:path";
import { Level } from "level";
import type { Address } from "viem";
import { deployAll, freePort, holderAddress, registryWriter, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { runIndexer } from "./helpers/indexer-process.js";
import { digestStore } from "./helpers/store.js";

async function checkpointOf(dir: string): Promise<number> {
  const db = new Level<string, string>(dir, { valueEncoding: "utf8" });
  await db.open();
  try {
    const raw = await db.get("!meta!checkpoint");
    return raw ? (JSON.parse(raw) as { blockNumber: number }).blockNumber : -1;
  } finally {
    await db.close();
  }
}

describe("indexer crash safety (kill -9 during backfill)", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;

  before(async function () {
    node = await startNode({ port: await freePort(8660) });
    tmp = tempDir("crash");
  });
  after(async function () {
    await node?.stop();
    tmp?.remove();
  });

  it("ends with exactly the store of an uninterrupted run", async function () {
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
    const final = await checkpointOf(clean);
    console.log(`      clean backfill: ${first.ms} ms to block ${final}`);

    const crashed = path.join(tmp.dir, "crashed");
    const reached: number[] = [];
    for (let i = 0; i < 8; i++) {
      // Kill at a random moment of what is left of the (resumed) backfill: each restart has less to do, so a
      // kill time drawn from the whole clean run would mostly land after the end.
      const done = Math.max(0, reached.at(-1) ?? 0);
      const remaining = Math.max(0.05, (final - done) / final);
      const at = Math.floor(Math.random() * first.ms * 0.8 * remaining);
      const run = await runIndexer(node.url, file, crashed, at);
      if (run.signal !== "SIGKILL") expect(run.code, run.stderr).to.equal(0);
      reached.push(await checkpointOf(crashed).catch(() => -1));
      console.log(`      kill at ${at} ms: ${run.signal ?? run.code} after ${run.ms} ms, checkpoint ${reached.at(-1)}`);
    }
    const last = await runIndexer(node.url, file, crashed);
    expect(last.code, last.stderr).to.equal(0);
    // At least two kills must have interrupted the backfill, or the test proves nothing.
    expect(reached.filter((n) => n < final).length, `checkpoints after each kill: ${reached.join(", ")} of ${final}`).to.be.greaterThan(1);

    const a = await digestStore(clean, ["blocks"]);
    const b = await digestStore(crashed, ["blocks"]);
    expect(a.entries).to.be.greaterThan(1000);
    expect(b).to.deep.equal(a);
  });
});
