// Event logs as the chain gives them and as the indexer decodes them: the shapes the indexer produces and the
// receipt log records, kept here, below both.
import type { Hex } from "viem";

/** A log as eth_getLogs returns it (hex quantities). */
export type RpcLog = {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  logIndex: Hex;
  removed?: boolean;
};

/** JSON-safe argument values: integers up to 48 bits are numbers, wider ones decimal strings; hex lowercase. */
export type ArgValue = number | string | boolean | ArgValue[] | { [k: string]: ArgValue };

export type DecodedEvent = {
  contract: string;
  /** The event's name, or `unknown:<topic0>` for a log no ABI describes. */
  event: string;
  args: Record<string, ArgValue>;
  address: Hex;
  blockNumber: number;
  blockHash: Hex;
  txHash: Hex;
  logIndex: number;
};
