// A compact Merkle tree over 32-byte leaves in one flat Buffer (about 64 bytes per leaf in all), built the way
// merkletreejs builds it with { sortPairs: true } and no leaf hashing: each level hashes sorted pairs with
// keccak256, and an odd last node is promoted unchanged. OpenZeppelin's MerkleProof accepts its proofs.
import { keccak256 as defaultKeccak } from "./keccak.js";

export type MerkleTree = {
  leafCount: number;
  /** All levels, leaves first, root last, 32 bytes per node. */
  nodes: Buffer;
  /** Offset (in nodes) of each level in `nodes`, and its length. */
  levels: { offset: number; length: number }[];
};

/** Builds a tree. `leaves` holds `n` concatenated 32-byte leaves, in log order (not sorted). */
export function buildTree(leaves: Buffer, hash: (data: Buffer) => Buffer = defaultKeccak): MerkleTree {
  if (leaves.length === 0 || leaves.length % 32 !== 0) {
    throw new Error(`A tree needs at least one 32-byte leaf; got ${leaves.length} bytes.`);
  }
  const leafCount = leaves.length / 32;
  const levels: MerkleTree["levels"] = [];
  let total = 0;
  for (let length = leafCount; ; length = Math.ceil(length / 2)) {
    levels.push({ offset: total, length });
    total += length;
    if (length === 1) break;
  }
  const nodes = Buffer.allocUnsafe(total * 32);
  leaves.copy(nodes, 0);
  const swapped = Buffer.allocUnsafe(64);
  for (let l = 1; l < levels.length; l++) {
    const below = levels[l - 1];
    const level = levels[l];
    for (let i = 0; i < level.length; i++) {
      const a = (below.offset + 2 * i) * 32;
      const out = (level.offset + i) * 32;
      if (2 * i + 1 === below.length) {
        nodes.copy(nodes, out, a, a + 32); // odd last node: promoted
        continue;
      }
      const b = a + 32;
      let digest: Buffer;
      // Compares nodes[a..a+32) (source) with nodes[b..b+32) (target): ≤ 0 means a ≤ b.
      if (nodes.compare(nodes, b, b + 32, a, a + 32) <= 0) {
        digest = hash(nodes.subarray(a, a + 64)); // already in sorted order and contiguous
      } else {
        nodes.copy(swapped, 0, b, b + 32);
        nodes.copy(swapped, 32, a, a + 32);
        digest = hash(swapped);
      }
      digest.copy(nodes, out);
    }
  }
  return { leafCount, nodes, levels };
}

export function rootOf(tree: MerkleTree): Buffer {
  const top = tree.levels[tree.levels.length - 1];
  return tree.nodes.subarray(top.offset * 32, top.offset * 32 + 32);
}

export function leafAt(tree: MerkleTree, index: number): Buffer {
  return tree.nodes.subarray(index * 32, index * 32 + 32);
}

/** The proof of the leaf at `index` (its position in the batch), bottom-up, as merkletreejs gives it. */
export function proofOf(tree: MerkleTree, index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= tree.leafCount) {
    throw new Error(`Leaf index ${index} is outside this tree of ${tree.leafCount} leaves.`);
  }
  const proof: Buffer[] = [];
  for (let l = 0; l < tree.levels.length - 1; l++) {
    const { offset, length } = tree.levels[l];
    const sibling = index ^ 1;
    if (sibling < length) proof.push(tree.nodes.subarray((offset + sibling) * 32, (offset + sibling) * 32 + 32));
    index >>= 1;
  }
  return proof;
}

/** Folds a proof onto a leaf with sorted-pair keccak256, as OpenZeppelin's MerkleProof.processProof does. */
export function processProof(leaf: Buffer, proof: Buffer[], hash: (data: Buffer) => Buffer = defaultKeccak): Buffer {
  let node = leaf;
  for (const sibling of proof) {
    node = Buffer.compare(node, sibling) <= 0 ? hash(Buffer.concat([node, sibling])) : hash(Buffer.concat([sibling, node]));
  }
  return node;
}
