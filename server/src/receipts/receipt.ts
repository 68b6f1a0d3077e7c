// Builds the receipt of one log entry from the store: its batch (from the indexed BatchAnchored events, so
// from what the chain says), the batch's tree (rebuilt from the stored leaves, cached) and the proof.
import { bytesToHex, type Hex } from "viem";
import { numKey, readModel, type Store } from "../store/store.js";
import { RECEIPT_FORMAT, type Receipt } from "./format.js";
import { readEntry, readLeaves } from "./log.js";
import { encodeRecord } from "./record.js";
import { buildTree, proofOf, rootOf, type MerkleTree } from "./tree.js";

/** An anchored batch as the chain's BatchAnchored event gives it (the indexer's `batches` read model). */
export type BatchView = {
  batchId: number;
  root: string;
  firstLeaf: number;
  leafCount: number;
  txHash: string;
  blockNumber: number;
  blockHash: string;
};

export type TreeCache = Map<number, MerkleTree>;

export function createTreeCache(): TreeCache {
  return new Map();
}

async function batchOf(store: Store, seq: number): Promise<BatchView | undefined> {
  const sublevel = store.models.get("batchByLeaf");
  if (!sublevel) throw new Error("The store has no anchor read model; the indexer must follow RecordAnchor.");
  for await (const batchId of sublevel.values({ lte: numKey(seq), reverse: true, limit: 1 })) {
    const batch = await readModel<BatchView>(store, "batches", numKey(batchId as number));
    if (batch && seq < batch.firstLeaf + batch.leafCount) return batch;
  }
  return undefined;
}

async function treeOf(store: Store, batch: BatchView, cache: TreeCache): Promise<MerkleTree> {
  let tree = cache.get(batch.batchId);
  if (!tree) {
    tree = buildTree(await readLeaves(store, batch.firstLeaf, batch.leafCount));
    if (bytesToHex(rootOf(tree)) !== batch.root) {
      throw new Error(
        `Batch ${batch.batchId}'s anchored root ${batch.root} does not match this log's leaves; the data directory ` +
          "is not the one that anchored it.",
      );
    }
    if (cache.size >= 8) cache.delete(cache.keys().next().value as number); // a few recent batches suffice
    cache.set(batch.batchId, tree);
  }
  return tree;
}

/** The receipt of log entry `seq`; throws with what to wait for when its batch is not anchored (or indexed) yet. */
export async function buildReceipt(
  store: Store,
  seq: number,
  context: { chainId: number; anchor: Hex; cache?: TreeCache },
): Promise<Receipt> {
  const entry = await readEntry(store, seq);
  if (!entry) throw new Error(`The log has no entry ${seq}; the indexer has not reached it yet.`);
  const batch = await batchOf(store, seq);
  if (!batch) throw new Error(`Log entry ${seq} is not anchored yet; ask again after the next batch is anchored and indexed.`);
  const tree = await treeOf(store, batch, context.cache ?? createTreeCache());
  return {
    format: RECEIPT_FORMAT,
    chainId: context.chainId,
    anchor: context.anchor.toLowerCase() as Hex,
    batchId: batch.batchId,
    firstLeaf: batch.firstLeaf,
    leafCount: batch.leafCount,
    root: batch.root as Hex,
    record: entry.record,
    encoded: encodeRecord(entry.record),
    leaf: entry.leaf,
    leafIndex: seq,
    proof: proofOf(tree, seq - batch.firstLeaf).map((p) => bytesToHex(p)),
    anchoring: { txHash: batch.txHash as Hex, blockNumber: batch.blockNumber },
  };
}
