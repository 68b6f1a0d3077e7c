// Reads a block range's logs with eth_getLogs, with the block headers that let the indexer notice a reorg:
// the parent hash of the first block and the hash of the last one, read before and after the logs.
// The range adapts: it halves when the node refuses a query as too large and grows while answers stay small.
import type { Hex, PublicClient } from "viem";
import type { LogReader, PreparedLogs } from "./prepare.js";

export type Chunk = {
  from: number;
  to: number;
  /** Parent hash of block `from`: must be the hash of the indexer's checkpoint. */
  fromParentHash: Hex;
  toHash: Hex;
  /** The range's receipt-log entries, one per log (see prepare.ts). */
  prepared: PreparedLogs;
};

export type RangeState = { size: number; min: number; max: number; targetLogs: number };

type RpcBlock = { hash: Hex; parentHash: Hex; number: Hex };

const toHex = (n: number) => `0x${n.toString(16)}` as Hex;

/** Block `n`'s header, or undefined when the node answers that it has no such block (its chain is shorter). */
export async function findBlockHeader(client: PublicClient, n: number): Promise<RpcBlock | undefined> {
  const block = (await client.request({
    method: "eth_getBlockByNumber",
    params: [toHex(n), false],
  })) as RpcBlock | null;
  return block ?? undefined;
}

export async function blockHeader(client: PublicClient, n: number): Promise<RpcBlock> {
  const block = await findBlockHeader(client, n);
  if (!block) throw new Error(`The node has no block ${n}; is it still syncing?`);
  return block;
}

export async function headNumber(client: PublicClient): Promise<number> {
  return Number(await client.request({ method: "eth_blockNumber" }));
}

/** A node's answer meaning "ask for less" (geth, Besu, Erigon, Anvil, hosted providers word it differently). */
export function isTooLarge(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ""} ${(err as { details?: string })?.details ?? ""}`;
  return /more than|too many|exceed|limit|too large|range|size|timeout|timed out/i.test(text);
}

/** Thrown when the chain changed while a range was read; the caller re-checks for a reorg and retries. */
export class ChainMovedError extends Error {}

/**
 * Fetches the logs of [from, min(to, from + size − 1)], shrinking the range on "too large" answers, then
 * adjusts the size for the next call from the number of logs returned.
 */
export async function fetchChunk(
  client: PublicClient,
  read: LogReader,
  from: number,
  maxTo: number,
  range: RangeState,
  /** The first log entry's sequence number; null: right after the previous request's entries. */
  firstSeq: number | null,
): Promise<Chunk> {
  for (;;) {
    const to = Math.min(maxTo, from + range.size - 1);
    // Headers and logs in parallel; the second read of the last header, after both, catches a change meanwhile.
    const headers = Promise.all([blockHeader(client, from), from === to ? undefined : blockHeader(client, to)]);
    const headersRead = headers.then(
      () => true,
      () => false,
    );
    let prepared: PreparedLogs;
    try {
      prepared = await read(from, to, firstSeq);
    } catch (err) {
      // A timeout may mean "too large", or a node that is down: then the small header reads failed too, and
      // shrinking the range would only slow the catch-up once it is back.
      if (to > from && isTooLarge(err) && (await headersRead)) {
        range.size = Math.max(range.min, Math.floor((to - from + 1) / 2));
        continue;
      }
      throw err;
    }
    const [first, last] = await headers;
    const toHash = (last ?? first).hash;
    const again = await blockHeader(client, to);
    const stale =
      prepared.removed ||
      prepared.hashesAt(from).some((h) => h !== first.hash.toLowerCase()) ||
      prepared.hashesAt(to).some((h) => h !== toHash.toLowerCase());
    if (again.hash !== toHash || stale) throw new ChainMovedError(`Block ${to} changed while its logs were read.`);
    if (prepared.count > range.targetLogs * 2) range.size = Math.max(range.min, Math.floor(range.size / 2));
    else if (prepared.count < range.targetLogs / 2) range.size = Math.min(range.max, range.size * 2);
    return { from, to, fromParentHash: first.parentHash, toHash, prepared };
  }
}
