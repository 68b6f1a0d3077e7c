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

/**
 * Builds a tree. `leaves` holds `n` concatenated 32-byte leaves, in log order (not sorted).
 *
 * The hot loop does nothing per node beyond the hash call itself that could allocate or cross into C++: the
 * pair is compared byte by byte in JS (the first byte almost always decides), copied in sorted order into one
 * reused 64-byte buffer through 32-bit views, and the digest is written straight into the flat node buffer.
 */
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
  // Own ArrayBuffers at offset 0 (never the shared pool), so that the 32-bit views below are aligned.
  const nodes = Buffer.allocUnsafeSlow(total * 32);
  leaves.copy(nodes, 0);
  const pair = Buffer.allocUnsafeSlow(64);
  const nodeWords = new Int32Array(nodes.buffer, nodes.byteOffset, nodes.length >>> 2);
  const pairWords = new Int32Array(pair.buffer, pair.byteOffset, 16);
  for (let l = 1; l < levels.length; l++) {
    const below = levels[l - 1];
    const pairs = below.length >>> 1;
    let a = below.offset * 32; // byte offset of the pair's first node
    let out = levels[l].offset * 32;
    for (let i = 0; i < pairs; i++, a += 64, out += 32) {
      const b = a + 32;
      let k = 0;
      while (k < 32 && nodes[a + k] === nodes[b + k]) k++;
      // Sorted pair: the smaller node (unsigned big-endian) first; equal nodes in either order.
      const lo = (k === 32 || nodes[a + k] < nodes[b + k] ? a : b) >>> 2;
      const hi = (lo === a >>> 2 ? b : a) >>> 2;
      for (let w = 0; w < 8; w++) {
        pairWords[w] = nodeWords[lo + w];
        pairWords[8 + w] = nodeWords[hi + w];
      }
      nodes.set(hash(pair), out);
    }
    if (below.length & 1) nodes.copyWithin(out, a, a + 32); // odd last node: promoted
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
