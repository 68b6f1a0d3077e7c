// Where a read-model entry came from: the event's transaction and log, and its record in the receipt log, so
// that every line the API shows links to a receipt (`recordId` is the record's sequence number).
import type { EventRecord } from "./types.js";

export type RecordRef = { txHash: string; blockNumber: number; logIndex: number; recordId: string };

export function recordRef(e: EventRecord): RecordRef {
  return { txHash: e.txHash, blockNumber: e.blockNumber, logIndex: e.logIndex, recordId: String(e.seq) };
}

/** Decimal-string arithmetic for uint64/uint128 amounts, which JSON numbers cannot hold exactly. */
export function addDec(a: string, b: string | number | bigint): string {
  return (BigInt(a) + BigInt(b)).toString();
}
export function subDec(a: string, b: string | number | bigint): string {
  const r = BigInt(a) - BigInt(b);
  if (r < 0n) throw new Error(`A read-model amount went below zero (${a} − ${b}); the events arrived out of order.`);
  return r.toString();
}
