// The stored form of receipt-log entries and its hot-path writer (apart from log.ts, so that the store can name
// the encoding without an import cycle).
import { hexToBytes, type Hex } from "viem";
import type { DecodedEvent, RpcLog } from "../chain/logs.js";
import { encodeOnchainInto, onchainEncodedSize, type EncodedLayout, type OnchainFields } from "./fast-encode.js";
import { leafOf } from "./keccak.js";
import { OFFCHAIN_SCHEMA, ONCHAIN_SCHEMA, type OffchainRecord, type OnchainRecord, type Record_ } from "./record.js";

export type LogEntry = {
  seq: number;
  leaf: Hex;
  record: Record_;
  /**
   * The contract and event names of an on-chain record (from `record.event`). The decoded arguments are not
   * stored twice: the read models hold what the API needs, and the ABI decodes `topics`/`data` again if needed.
   */
  decoded?: { contract: string; event: string };
};

// The `log` sublevel stores entries in a positional binary form (about a third of their JSON; no hex or JSON on
// the indexer's hot path). Integers are float64 (safe integers exactly), hashes and addresses raw bytes:
//   on-chain  (tag 1): tag | leaf 32 | seq 8 | chainId 8 | blockNumber 8 | logIndex 4 | emitter 20 | blockHash 32
//                      | txHash 32 | topic count 1 | topics 32·t | data length 4 | data | event name (UTF-8, rest)
//   off-chain (tag 2): tag | leaf 32 | the record as JSON (UTF-8, rest)
const TAG_ONCHAIN = 1;
const TAG_OFFCHAIN = 2;
const FIXED = 1 + 32 + 8 + 8 + 8 + 4 + 20 + 32 + 32 + 1; // up to the topics

/** Byte offsets of a stored entry's fixed fields (those after `leaf` for on-chain entries only). */
export const ONCHAIN_AT = {
  tag: 0,
  leaf: 1,
  seq: 33,
  chainId: 41,
  blockNumber: 49,
  logIndex: 57,
  emitter: 61,
  blockHash: 81,
  txHash: 113,
  topicCount: 145,
  topics: FIXED,
} as const;
const A = ONCHAIN_AT;

/** The 32-byte leaf of a stored entry, without decoding the rest. */
export function storedLeaf(value: Uint8Array): Uint8Array {
  return value.subarray(A.leaf, A.leaf + 32);
}

const hexOf = (buf: Buffer, from: number, to: number) => `0x${buf.toString("hex", from, to)}` as Hex;

export function decodeLogEntry(buf: Buffer): LogEntry {
  const leaf = hexOf(buf, A.leaf, A.leaf + 32);
  if (buf[0] === TAG_OFFCHAIN) {
    const record = JSON.parse(buf.toString("utf8", A.leaf + 32)) as OffchainRecord;
    return { seq: record.seq, leaf, record };
  }
  if (buf[0] !== TAG_ONCHAIN) throw new Error(`Unknown receipt-log entry tag ${buf[0]}; is this data directory from a newer indexer?`);
  const topicCount = buf[A.topicCount];
  const topics: Hex[] = [];
  for (let i = 0; i < topicCount; i++) topics.push(hexOf(buf, A.topics + 32 * i, A.topics + 32 * i + 32));
  const dataLengthAt = FIXED + 32 * topicCount;
  const dataEnd = dataLengthAt + 4 + buf.readUInt32BE(dataLengthAt);
  const event = buf.toString("utf8", dataEnd);
  const record: OnchainRecord = {
    schema: ONCHAIN_SCHEMA,
    seq: buf.readDoubleBE(A.seq),
    chainId: buf.readDoubleBE(A.chainId),
    emitter: hexOf(buf, A.emitter, A.emitter + 20),
    blockNumber: buf.readDoubleBE(A.blockNumber),
    blockHash: hexOf(buf, A.blockHash, A.blockHash + 32),
    txHash: hexOf(buf, A.txHash, A.txHash + 32),
    logIndex: buf.readUInt32BE(A.logIndex),
    event,
    topics,
    data: hexOf(buf, dataLengthAt + 4, dataEnd),
  };
  const dot = event.indexOf(".");
  return { seq: record.seq, leaf, record, decoded: { contract: event.slice(0, dot), event: event.slice(dot + 1) } };
}

/** Whether a stored entry is an on-chain one (tag 1). */
export function isStoredOnchain(value: Uint8Array): boolean {
  return value[0] === TAG_ONCHAIN;
}

/** Size of the stored form of an on-chain entry (the layout above). */
function onchainValueSize(r: OnchainFields, layout: EncodedLayout): number {
  return FIXED + 32 * r.topics.length + 4 + layout.dataLength + r.event.length;
}

/**
 * Writes the stored form of an on-chain entry from its canonical encoding (laid out by encodeOnchainInto) into
 * `value` at `at` (onchainValueSize bytes).
 */
function writeOnchainValue(value: Buffer, at: number, leaf: Uint8Array, r: OnchainFields, encoded: Buffer, layout: EncodedLayout): void {
  const t = r.topics.length;
  value[at] = TAG_ONCHAIN;
  value.set(leaf, at + A.leaf);
  value.writeDoubleBE(r.seq, at + A.seq);
  value.writeDoubleBE(r.chainId, at + A.chainId);
  value.writeDoubleBE(r.blockNumber, at + A.blockNumber);
  value.writeUInt32BE(r.logIndex, at + A.logIndex);
  encoded.copy(value, at + A.emitter, 96 + 12, 128); // emitter
  encoded.copy(value, at + A.blockHash, 160, 224); // blockHash, txHash (adjacent in both)
  value[at + A.topicCount] = t;
  encoded.copy(value, at + FIXED, layout.topicsAt, layout.topicsAt + 32 * t);
  const dataLengthAt = at + FIXED + 32 * t;
  value.writeUInt32BE(layout.dataLength, dataLengthAt);
  encoded.copy(value, dataLengthAt + 4, layout.dataAt, layout.dataAt + layout.dataLength);
  r.event.copy(value, dataLengthAt + 4 + layout.dataLength);
}

function onchainValue(leaf: Uint8Array, r: OnchainFields, encoded: Buffer, layout: EncodedLayout): Buffer {
  const value = Buffer.allocUnsafe(onchainValueSize(r, layout));
  writeOnchainValue(value, 0, leaf, r, encoded, layout);
  return value;
}

function encodeLogEntry(entry: LogEntry): Buffer {
  const leaf = Buffer.from(hexToBytes(entry.leaf));
  if (entry.record.schema === OFFCHAIN_SCHEMA) {
    const json = Buffer.from(JSON.stringify(entry.record), "utf8");
    const value = Buffer.allocUnsafe(A.leaf + 32 + json.length);
    value[0] = TAG_OFFCHAIN;
    leaf.copy(value, A.leaf);
    json.copy(value, A.leaf + 32);
    return value;
  }
  const fields: OnchainFields = { ...entry.record, event: Buffer.from(entry.record.event, "utf8") };
  const encoded = Buffer.allocUnsafe(onchainEncodedSize(fields.event.length, fields.topics.length, (fields.data.length - 2) / 2));
  return onchainValue(leaf, fields, encoded, encodeOnchainInto(encoded, fields));
}

/** The `log` sublevel's value encoding: LogEntry objects in, the binary form above on disk. */
export const logEntryEncoding = {
  name: "gongzhi-log-entry",
  format: "buffer" as const,
  encode: (entry: unknown) => encodeLogEntry(entry as LogEntry),
  decode: (value: unknown) => decodeLogEntry(value as Buffer) as unknown,
};

/**
 * Stored entries one after another in one buffer: entry i is `bytes[offsets[i], offsets[i + 1])`. A range's
 * entries travel between threads, and wait to be stored, as two objects rather than one Buffer each.
 */
export type PackedEntries = { count: number; bytes: Buffer; offsets: Uint32Array };

/** Entry `i` of packed entries (a view, not a copy). */
export function entryAt(packed: PackedEntries, i: number): Buffer {
  return packed.bytes.subarray(packed.offsets[i], packed.offsets[i + 1]);
}

/** Packs entries written one at a time; the buffer grows by doubling. */
export class EntryPacker {
  /** The buffer entries are written into; reserve may replace it. */
  bytes: Buffer;
  private offsets: Uint32Array;
  private count = 0;

  /** `expected`: the number of entries; `size`: a guess of their total bytes. */
  constructor(expected: number, size = expected * 400) {
    // Slow (unpooled) memory: the buffer can be transferred to another thread whole.
    this.bytes = Buffer.allocUnsafeSlow(Math.max(size, 256));
    this.offsets = new Uint32Array(expected + 1);
  }

  /** Makes room for an entry of `size` bytes and returns where in `bytes` to write it. */
  reserve(size: number): number {
    const at = this.offsets[this.count];
    if (at + size > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.bytes.length, at + size));
      this.bytes.copy(grown, 0, 0, at);
      this.bytes = grown;
    }
    if (this.count + 1 >= this.offsets.length) {
      const grown = new Uint32Array(2 * this.offsets.length);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[++this.count] = at + size;
    return at;
  }

  /** Appends a stored entry made elsewhere. */
  push(value: Uint8Array): void {
    const at = this.reserve(value.length);
    this.bytes.set(value, at);
  }

  finish(): PackedEntries {
    return { count: this.count, bytes: this.bytes, offsets: this.offsets };
  }
}

/**
 * Makes the stored form and leaf of on-chain entries on the indexer's hot path: the canonical encoding goes into
 * one reused buffer, is hashed twice, and the stored value is copied out of it (no hex strings, no JSON).
 */
export class OnchainEntryWriter {
  private scratch = Buffer.allocUnsafeSlow(4096);
  private names = new Map<string, Map<string, Buffer>>();

  constructor(private readonly chainId: number) {}

  private eventName(contract: string, event: string): Buffer {
    let byEvent = this.names.get(contract);
    if (!byEvent) this.names.set(contract, (byEvent = new Map()));
    let name = byEvent.get(event);
    if (!name) byEvent.set(event, (name = Buffer.from(`${contract}.${event}`, "utf8")));
    return name;
  }

  private encode(seq: number, event: DecodedEvent, log: RpcLog): { fields: OnchainFields; layout: EncodedLayout; leaf: Buffer } {
    const fields: OnchainFields = {
      seq,
      chainId: this.chainId,
      emitter: event.address,
      blockNumber: event.blockNumber,
      blockHash: event.blockHash,
      txHash: event.txHash,
      logIndex: event.logIndex,
      event: this.eventName(event.contract, event.event),
      topics: log.topics,
      data: log.data,
    };
    const size = onchainEncodedSize(fields.event.length, fields.topics.length, (fields.data.length - 2) / 2);
    if (size > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(2 * size);
    const layout = encodeOnchainInto(this.scratch, fields);
    return { fields, layout, leaf: leafOf(this.scratch.subarray(0, size)) };
  }

  /** The stored value of the entry `seq` for a decoded log (its leaf is `storedLeaf(value)`). */
  value(seq: number, event: DecodedEvent, log: RpcLog): Buffer {
    const { fields, layout, leaf } = this.encode(seq, event, log);
    return onchainValue(leaf, fields, this.scratch, layout);
  }

  /** The same, written into `packer` as its next entry. */
  append(packer: EntryPacker, seq: number, event: DecodedEvent, log: RpcLog): void {
    const { fields, layout, leaf } = this.encode(seq, event, log);
    const at = packer.reserve(onchainValueSize(fields, layout));
    writeOnchainValue(packer.bytes, at, leaf, fields, this.scratch, layout);
  }
}

/** The stored form of an on-chain entry made again for another sequence number (and so another leaf). */
export function reseqStoredEntry(value: Buffer, seq: number): Buffer {
  const { record } = decodeLogEntry(value);
  const fields: OnchainFields = { ...(record as OnchainRecord), seq, event: Buffer.from(record.schema === ONCHAIN_SCHEMA ? record.event : "", "utf8") };
  const encoded = Buffer.allocUnsafe(onchainEncodedSize(fields.event.length, fields.topics.length, (fields.data.length - 2) / 2));
  const layout = encodeOnchainInto(encoded, fields);
  return onchainValue(leafOf(encoded), fields, encoded, layout);
}
