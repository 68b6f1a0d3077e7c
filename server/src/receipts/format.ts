// The receipt document (docs/receipts.md): everything needed to check one record against the chain without
// asking our server. Browser-safe.
import type { Hex } from "viem";
import type { Record_ } from "./record.js";

export const RECEIPT_FORMAT = "gongzhi-receipt/1";

export type Receipt = {
  format: typeof RECEIPT_FORMAT;
  chainId: number;
  /** RecordAnchor's address. */
  anchor: Hex;
  batchId: number;
  /** The batch's leaf range in the log and its Merkle root, as RecordAnchor.batch(batchId) returns them. */
  firstLeaf: number;
  leafCount: number;
  root: Hex;
  record: Record_;
  /** The record's canonical ABI encoding. */
  encoded: Hex;
  /** keccak256(keccak256(encoded)). */
  leaf: Hex;
  /** The record's position in the whole log (= record.seq); its position in the batch is leafIndex − firstLeaf. */
  leafIndex: number;
  /** Sibling hashes from the leaf up, for sorted-pair keccak256 (OpenZeppelin MerkleProof). */
  proof: Hex[];
  anchoring: { txHash: Hex; blockNumber: number };
};
