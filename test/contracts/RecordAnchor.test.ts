import { expect } from "chai";
import { network } from "hardhat";
import { AbiCoder, getBytes, keccak256, ZeroHash } from "ethers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { MerkleTree } from "merkletreejs";
import { deployRegistry } from "../helpers/estate.js";
import { doc } from "../helpers/fund.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** A record of the off-chain log: its log index and the hash of its content. */
type Record = [bigint, string];
const ENCODING = ["uint256", "bytes32"];

function records(first: number, count: number): Record[] {
  return Array.from({ length: count }, (_, i) => [BigInt(first + i), doc(`record ${first + i}`)]);
}

/** keccak256(keccak256(abi.encode(value))), the leaf hash OpenZeppelin's StandardMerkleTree uses. */
function leafOf(record: Record): string {
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(ENCODING, record)));
}

const keccakBuffer = (data: Buffer): Buffer => Buffer.from(getBytes(keccak256(data)));

async function anchorFixture() {
  const { registry, admin, signers } = await deployRegistry(connection);
  const [, anchorer, anchorer2, custodian, staff, outsider] = signers;
  const anchorerRole = await registry.ANCHORER_ROLE();
  await registry.grantRole(anchorerRole, anchorer.address);
  await registry.grantRole(anchorerRole, anchorer2.address);
  await registry.grantRole(await registry.CUSTODIAN_ROLE(), custodian.address);
  await registry.grantRole(await registry.STAFF_ROLE(), staff.address);
  const anchor = await ethers.deployContract("RecordAnchor", [await registry.getAddress()]);
  return { registry, anchor, admin, anchorer, anchorer2, custodian, staff, outsider, anchorerRole };
}

describe("RecordAnchor", function () {
  it("appends batches that continue exactly where the previous one stopped", async function () {
    const f = await networkHelpers.loadFixture(anchorFixture);
    const first = StandardMerkleTree.of(records(0, 5), ENCODING);
    const second = StandardMerkleTree.of(records(5, 3), ENCODING);
    expect(await f.anchor.nextLeaf()).to.equal(0n);
    await expect(f.anchor.connect(f.anchorer).anchor(first.root, 0n, 5n))
      .to.emit(f.anchor, "BatchAnchored")
      .withArgs(0n, first.root, 0n, 5n);
    const b0 = await f.anchor.batch(0n);
    const block = await ethers.provider.getBlock("latest");
    expect([b0.root, b0.firstLeaf, b0.leafCount, b0.anchoredAt, b0.blockNumber]).to.deep.equal([
      first.root,
      0n,
      5n,
      BigInt(block!.timestamp),
      BigInt(block!.number),
    ]);
    expect(await f.anchor.nextLeaf()).to.equal(5n);
    await expect(f.anchor.connect(f.anchorer2).anchor(second.root, 5n, 3n))
      .to.emit(f.anchor, "BatchAnchored")
      .withArgs(1n, second.root, 5n, 3n);
    expect(await f.anchor.batchCount()).to.equal(2n);
    expect(await f.anchor.nextLeaf()).to.equal(8n);
  });

  it("never replaces a batch and never leaves a gap or an overlap", async function () {
    const f = await networkHelpers.loadFixture(anchorFixture);
    const root = StandardMerkleTree.of(records(0, 4), ENCODING).root;
    await f.anchor.connect(f.anchorer).anchor(root, 0n, 4n);
    const other = doc("a different history");
    // Re-anchoring batch 0's range (a replacement) or any overlap is refused, and so is a gap.
    for (const firstLeaf of [0n, 3n, 5n, 100n]) {
      await expect(f.anchor.connect(f.anchorer).anchor(other, firstLeaf, 1n))
        .to.be.revertedWithCustomError(f.anchor, "LeafGap")
        .withArgs(4n, firstLeaf);
    }
    expect((await f.anchor.batch(0n)).root).to.equal(root);
    expect(await f.anchor.batchCount()).to.equal(1n);
    // The only state-changing function is `anchor`: there is nothing to edit or delete a batch with.
    const mutating = f.anchor.interface.fragments
      .filter((fr) => fr.type === "function")
      .map((fr) => fr as unknown as { name: string; stateMutability: string })
      .filter((fn) => fn.stateMutability !== "view" && fn.stateMutability !== "pure")
      .map((fn) => fn.name);
    expect(mutating).to.deep.equal(["anchor"]);
  });

  it("rejects empty batches, zero roots and callers without the anchoring role", async function () {
    const f = await networkHelpers.loadFixture(anchorFixture);
    await expect(f.anchor.connect(f.anchorer).anchor(doc("r"), 0n, 0n)).to.be.revertedWithCustomError(f.anchor, "EmptyBatch");
    await expect(f.anchor.connect(f.anchorer).anchor(ZeroHash, 0n, 1n)).to.be.revertedWithCustomError(f.anchor, "ZeroRoot");
    for (const who of [f.admin, f.custodian, f.staff, f.outsider]) {
      await expect(f.anchor.connect(who).anchor(doc("r"), 0n, 1n))
        .to.be.revertedWithCustomError(f.anchor, "MissingRole")
        .withArgs(who.address, f.anchorerRole);
    }
    await f.registry.revokeRole(f.anchorerRole, f.anchorer.address);
    await expect(f.anchor.connect(f.anchorer).anchor(doc("r"), 0n, 1n))
      .to.be.revertedWithCustomError(f.anchor, "MissingRole")
      .withArgs(f.anchorer.address, f.anchorerRole);
  });

  it("refuses a batch whose end would overflow the leaf counter", async function () {
    const f = await networkHelpers.loadFixture(anchorFixture);
    const max = 2n ** 64n - 1n;
    await f.anchor.connect(f.anchorer).anchor(doc("huge"), 0n, max);
    await expect(f.anchor.connect(f.anchorer).anchor(doc("more"), max, 1n)).to.be.revertedWithPanic(0x11);
  });

  it("verifies every record of a batch built with @openzeppelin/merkle-tree, and nothing else", async function () {
    const f = await networkHelpers.loadFixture(anchorFixture);
    const firstRecords = records(0, 7);
    const secondRecords = records(7, 10);
    const first = StandardMerkleTree.of(firstRecords, ENCODING);
    const second = StandardMerkleTree.of(secondRecords, ENCODING);
    await f.anchor.connect(f.anchorer).anchor(first.root, 0n, 7n);
    await f.anchor.connect(f.anchorer).anchor(second.root, 7n, 10n);
    for (const [batchId, tree, values] of [
      [0n, first, firstRecords],
      [1n, second, secondRecords],
    ] as const) {
      for (const [i, value] of values.entries()) {
        const leaf = tree.leafHash(value);
        expect(leaf).to.equal(leafOf(value));
        const proof = tree.getProof(i);
        expect(await f.anchor.verify(batchId, leaf, proof)).to.equal(true);
        expect(await f.anchor.verify(1n - batchId, leaf, proof)).to.equal(false); // wrong batch
      }
    }
    // A tampered record, a record hashed once instead of twice, or a proof for another leaf do not verify.
    const tampered: Record = [3n, doc("record 3, edited")];
    expect(await f.anchor.verify(0n, leafOf(tampered), first.getProof(3))).to.equal(false);
    const singleHashed = keccak256(AbiCoder.defaultAbiCoder().encode(ENCODING, firstRecords[3]));
    expect(await f.anchor.verify(0n, singleHashed, first.getProof(3))).to.equal(false);
    expect(await f.anchor.verify(0n, leafOf(firstRecords[3]), first.getProof(4))).to.equal(false);
    expect(await f.anchor.verify(0n, leafOf(firstRecords[3]), [])).to.equal(false);
  });

  it("verifies proofs of a merkletreejs tree (keccak256, sorted pairs, double-hashed leaves)", async function () {
    const f = await networkHelpers.loadFixture(anchorFixture);
    const values = records(0, 13);
    const leaves = values.map((v) => Buffer.from(getBytes(leafOf(v))));
    const tree = new MerkleTree(leaves, keccakBuffer, { sortPairs: true });
    await f.anchor.connect(f.anchorer).anchor(tree.getHexRoot(), 0n, 13n);
    for (const [i, leaf] of leaves.entries()) {
      const proof = tree.getHexProof(leaf, i);
      expect(await f.anchor.verify(0n, leafOf(values[i]), proof)).to.equal(true);
    }
    expect(await f.anchor.verify(0n, leafOf(records(13, 1)[0]), tree.getHexProof(leaves[0], 0))).to.equal(false);
  });

  it("verifies a one-record batch with an empty proof", async function () {
    const f = await networkHelpers.loadFixture(anchorFixture);
    const [value] = records(0, 1);
    const tree = StandardMerkleTree.of([value], ENCODING);
    expect(tree.root).to.equal(leafOf(value));
    await f.anchor.connect(f.anchorer).anchor(tree.root, 0n, 1n);
    expect(await f.anchor.verify(0n, leafOf(value), [])).to.equal(true);
  });

  it("reports an unknown batch instead of a failed proof", async function () {
    const f = await networkHelpers.loadFixture(anchorFixture);
    await expect(f.anchor.verify(0n, doc("x"), [])).to.be.revertedWithCustomError(f.anchor, "UnknownBatch").withArgs(0n, 0n);
    await f.anchor.connect(f.anchorer).anchor(doc("root"), 0n, 2n);
    await expect(f.anchor.batch(1n)).to.be.revertedWithCustomError(f.anchor, "UnknownBatch").withArgs(1n, 1n);
    await expect(f.anchor.verify(5n, doc("x"), [])).to.be.revertedWithCustomError(f.anchor, "UnknownBatch").withArgs(5n, 1n);
  });

  it("requires a registry", async function () {
    const f = await networkHelpers.loadFixture(anchorFixture);
    await expect(ethers.deployContract("RecordAnchor", [ethers.ZeroAddress])).to.be.revertedWithCustomError(
      f.anchor,
      "ZeroRegistry",
    );
  });
});
