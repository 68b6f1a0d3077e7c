// Read model of RecordAnchor: the anchored batches as the chain has them (root, leaf range, transaction,
// block), by batch id and by first leaf, so a receipt finds its batch with one reverse seek.
import type { BatchView } from "../../receipts/receipt.js";
import { numKey } from "../../store/store.js";
import type { ReadModel } from "./types.js";


export const anchorModel: ReadModel = {
  contract: "RecordAnchor",
  models: ["batches", "batchByLeaf"],
  reducers: {
    BatchAnchored: (e, tx) => {
      const batch: BatchView = {
        batchId: Number(e.args.batchId),
        root: e.args.root as string,
        firstLeaf: Number(e.args.firstLeaf),
        leafCount: Number(e.args.leafCount),
        txHash: e.txHash,
        blockNumber: e.blockNumber,
        blockHash: e.blockHash,
      };
      tx.put("batches", numKey(batch.batchId), batch);
      tx.put("batchByLeaf", numKey(batch.firstLeaf), batch.batchId);
    },
  },
};
