// The receipt log: every record gets the next sequence number and its leaf. On-chain records are appended by
// the indexer inside its block-range batch; off-chain records by `appendOffchain`, under the same lock.
import { bytesToHex, hexToBytes, type Hex } from "viem";
import type { DecodedEvent, RpcLog } from "../indexer/decode.js";
import type { Lock } from "../indexer/lock.js";
import { numKey, readNextSeq, settled, type Store } from "../indexer/store.js";
import { onchainLeaf } from "./fast-encode.js";
import { leafOf } from "./keccak.js";
import { canonicalJson, encodeRecord, OFFCHAIN_SCHEMA, ONCHAIN_SCHEMA, type OffchainRecord, type OnchainRecord, type Record_ } from "./record.js";

export type LogEntry = {
  seq: number;
  leaf: Hex;
  record: Record_;
  /** The typed form of an on-chain record (decoded with the contract's ABI), for read APIs. */
  decoded?: Pick<DecodedEvent, "contract" | "event" | "args">;
};

export function leafOfRecord(record: Record_): Hex {
  return bytesToHex(leafOf(Buffer.from(hexToBytes(encodeRecord(record)))));
}

export function onchainEntry(seq: number, chainId: number, event: DecodedEvent, log: RpcLog): LogEntry {
  const record: OnchainRecord = {
    schema: ONCHAIN_SCHEMA,
    seq,
    chainId,
    emitter: event.address,
    blockNumber: event.blockNumber,
    blockHash: event.blockHash,
    txHash: event.txHash,
    logIndex: event.logIndex,
    event: `${event.contract}.${event.event}`,
    topics: log.topics.map((t) => t.toLowerCase() as Hex),
    data: log.data.toLowerCase() as Hex,
  };
  return { seq, leaf: onchainLeaf(record), record, decoded: { contract: event.contract, event: event.event, args: event.args } };
}

export type OffchainInput = { kind: string; id: string; at: number; payload: unknown };

/** An off-chain entry; `payload` is already canonical JSON text (see canonicalJson). */
export function offchainEntry(
  seq: number,
  chainId: number,
  fields: Pick<OffchainRecord, "kind" | "id" | "at" | "payload">,
): LogEntry {
  const record: OffchainRecord = { schema: OFFCHAIN_SCHEMA, seq, chainId, ...fields };
  return { seq, leaf: leafOfRecord(record), record };
}

/**
 * Appends an off-chain service record (its payload must hold no personal data: ids and hashes only).
 * Returns its sequence number.
 */
export async function appendOffchain(store: Store, lock: Lock, chainId: number, input: OffchainInput): Promise<number> {
  return lock(async () => {
    const seq = await readNextSeq(store);
    const entry = offchainEntry(seq, chainId, { ...input, payload: canonicalJson(input.payload) });
    await store.db.batch([
      { type: "put", sublevel: store.log, key: numKey(seq), value: entry },
      { type: "put", sublevel: store.meta, key: "nextSeq", value: seq + 1 },
    ]);
    store.nextSeq = seq + 1;
    return seq;
  });
}

export async function readEntry(store: Store, seq: number): Promise<LogEntry | undefined> {
  await settled(store);
  return (await store.log.get(numKey(seq))) as LogEntry | undefined;
}

/** The leaves of [first, first + count) concatenated, in log order. */
export async function readLeaves(store: Store, first: number, count: number): Promise<Buffer> {
  await settled(store);
  const out = Buffer.allocUnsafe(count * 32);
  let i = 0;
  for await (const value of store.log.values({ gte: numKey(first), lt: numKey(first + count) })) {
    Buffer.from(hexToBytes((value as LogEntry).leaf)).copy(out, i * 32);
    i++;
  }
  if (i !== count) throw new Error(`The receipt log has ${i} of the leaves ${first}..${first + count - 1}; the data directory is incomplete.`);
  return out;
}
