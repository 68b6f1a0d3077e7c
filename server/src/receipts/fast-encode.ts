// The on-chain record's canonical encoding written straight into a Buffer, for the indexer's hot path (viem's
// generic encoder spends most of its time converting hex and checksumming addresses). A property test checks
// that it equals encodeRecord byte for byte.
import type { Hex } from "viem";
import { leafOf } from "./keccak.js";
import type { OnchainRecord } from "./record.js";

const SCHEMA = Buffer.from("gongzhi/onchain-log/v1", "utf8");
const HEAD = 11 * 32;

const padded = (n: number) => Math.ceil(n / 32) * 32;

function writeUint(buf: Buffer, at: number, value: number): void {
  // Values here are safe integers (< 2^53): the two low 32-bit words of the big-endian slot.
  buf.writeUInt32BE(Math.floor(value / 2 ** 32), at + 24);
  buf.writeUInt32BE(value >>> 0, at + 28);
}

function writeHex(buf: Buffer, at: number, hex: string): void {
  buf.write(hex.slice(2), at, "hex");
}

/** The fields of an on-chain record that the indexer has at hand (hex in any case; the encoding is bytes). */
export type OnchainFields = {
  seq: number;
  chainId: number;
  emitter: string;
  blockNumber: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
  /** `<ContractName>.<EventName>` as UTF-8 bytes. */
  event: Buffer;
  topics: readonly string[];
  data: string;
};

/** Byte offsets of the variable parts of an encoding made by encodeOnchainInto. */
export type EncodedLayout = { size: number; topicsAt: number; dataAt: number; dataLength: number };

/** Size of the canonical encoding of a record with these variable parts. */
export function onchainEncodedSize(eventLength: number, topicCount: number, dataLength: number): number {
  return HEAD + 32 + padded(SCHEMA.length) + 32 + padded(eventLength) + 32 + 32 * topicCount + 32 + padded(dataLength);
}

/**
 * Writes the canonical encoding into `buf` from offset 0 (which must hold at least onchainEncodedSize bytes;
 * the padding is zeroed here). Returns where the topics and data went, so that callers can copy them.
 */
export function encodeOnchainInto(buf: Buffer, r: OnchainFields): EncodedLayout {
  const dataLength = (r.data.length - 2) / 2;
  const size = onchainEncodedSize(r.event.length, r.topics.length, dataLength);
  buf.fill(0, 0, size);
  let tail = HEAD;
  writeUint(buf, 0, tail);
  writeUint(buf, tail, SCHEMA.length);
  SCHEMA.copy(buf, tail + 32);
  tail += 32 + padded(SCHEMA.length);
  writeUint(buf, 32, r.seq);
  writeUint(buf, 64, r.chainId);
  writeHex(buf, 96 + 12, r.emitter);
  writeUint(buf, 128, r.blockNumber);
  writeHex(buf, 160, r.blockHash);
  writeHex(buf, 192, r.txHash);
  writeUint(buf, 224, r.logIndex);
  writeUint(buf, 256, tail);
  writeUint(buf, tail, r.event.length);
  r.event.copy(buf, tail + 32);
  tail += 32 + padded(r.event.length);
  writeUint(buf, 288, tail);
  writeUint(buf, tail, r.topics.length);
  const topicsAt = tail + 32;
  for (let i = 0; i < r.topics.length; i++) writeHex(buf, topicsAt + 32 * i, r.topics[i]);
  tail = topicsAt + 32 * r.topics.length;
  writeUint(buf, 320, tail);
  writeUint(buf, tail, dataLength);
  writeHex(buf, tail + 32, r.data);
  return { size, topicsAt, dataAt: tail + 32, dataLength };
}

export function encodeOnchainRecord(r: OnchainRecord): Buffer {
  const event = Buffer.from(r.event, "utf8");
  const buf = Buffer.allocUnsafe(onchainEncodedSize(event.length, r.topics.length, (r.data.length - 2) / 2));
  encodeOnchainInto(buf, { ...r, event });
  return buf;
}

export function onchainLeaf(r: OnchainRecord): Hex {
  return `0x${leafOf(encodeOnchainRecord(r)).toString("hex")}`;
}
