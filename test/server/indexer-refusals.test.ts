// What the indexer refuses on start-up and while following, against a real Hardhat node: a data directory that
// indexes another deployment (the operator pointed two deployments at one --data-dir) is refused with what to do
// and left exactly as it was.
import { expect } from "chai";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Address } from "viem";
import { deployAll, freePort, holderAddress, registryWriter, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { runIndexer } from "./helpers/indexer-process.js";
import { digestStore } from "./helpers/store.js";

describe("indexer refusals on a Hardhat node", function () {
  this.timeout(180_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;

  before(async function () {
    node = await startNode({ port: await freePort(8710, 8750) });
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
});
