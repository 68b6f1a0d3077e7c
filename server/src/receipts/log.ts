// The receipt log: every record gets the next sequence number and its leaf. On-chain records are appended by
// the indexer inside its block-range batch; off-chain records by `appendOffchain`, under the same lock.
import { bytesToHex, hexToBytes, type Hex } from "viem";
import type { DecodedEvent, RpcLog } from "../chain/logs.js";
import type { Lock } from "../store/lock.js";
import { numKey, readNextSeq, settled, type Store } from "../store/store.js";
import { leafOf } from "./keccak.js";
import { decodeLogEntry, OnchainEntryWriter, storedLeaf, type LogEntry } from "./log-format.js";
import { canonicalJson, encodeRecord, OFFCHAIN_SCHEMA, type OffchainRecord, type Record_ } from "./record.js";

export { logEntryEncoding, OnchainEntryWriter, storedLeaf, type LogEntry } from "./log-format.js";

export function leafOfRecord(record: Record_): Hex {
  return bytesToHex(leafOf(Buffer.from(hexToBytes(encodeRecord(record)))));
}

/** The log entry of a decoded on-chain log (the object form; the indexer writes OnchainEntryWriter's bytes). */
export function onchainEntry(seq: number, chainId: number, event: DecodedEvent, log: RpcLog): LogEntry {
  return decodeLogEntry(new OnchainEntryWriter(chainId).value(seq, event, log));
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
  // The stored bytes, not decoded entries: the leaf is at a fixed place.
  for await (const value of store.log.values({ gte: numKey(first), lt: numKey(first + count), valueEncoding: "buffer" })) {
    out.set(storedLeaf(value as Buffer), i * 32);
    i++;
  }
  if (i !== count) throw new Error(`The receipt log has ${i} of the leaves ${first}..${first + count - 1}; the data directory is incomplete.`);
  return out;
}
