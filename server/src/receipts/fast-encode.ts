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

export function encodeOnchainRecord(r: OnchainRecord): Buffer {
  const event = Buffer.from(r.event, "utf8");
  const dataLength = (r.data.length - 2) / 2;
  const schemaSize = 32 + padded(SCHEMA.length);
  const eventSize = 32 + padded(event.length);
  const topicsSize = 32 + 32 * r.topics.length;
  const dataSize = 32 + padded(dataLength);
  const buf = Buffer.alloc(HEAD + schemaSize + eventSize + topicsSize + dataSize);
  let tail = HEAD;
  writeUint(buf, 0, tail);
  writeUint(buf, tail, SCHEMA.length);
  SCHEMA.copy(buf, tail + 32);
  tail += schemaSize;
  writeUint(buf, 32, r.seq);
  writeUint(buf, 64, r.chainId);
  writeHex(buf, 96 + 12, r.emitter);
  writeUint(buf, 128, r.blockNumber);
  writeHex(buf, 160, r.blockHash);
  writeHex(buf, 192, r.txHash);
  writeUint(buf, 224, r.logIndex);
  writeUint(buf, 256, tail);
  writeUint(buf, tail, event.length);
  event.copy(buf, tail + 32);
  tail += eventSize;
  writeUint(buf, 288, tail);
  writeUint(buf, tail, r.topics.length);
  r.topics.forEach((t, i) => writeHex(buf, tail + 32 + 32 * i, t));
  tail += topicsSize;
  writeUint(buf, 320, tail);
  writeUint(buf, tail, dataLength);
  writeHex(buf, tail + 32, r.data);
  return buf;
}

export function onchainLeaf(r: OnchainRecord): Hex {
  return `0x${leafOf(encodeOnchainRecord(r)).toString("hex")}`;
}
