// Where a read-model entry came from: the event's transaction and log, and its record in the receipt log, so
// that every line the API shows links to a receipt (`recordId` is the record's sequence number).
import type { EventRecord } from "./types.js";

export type RecordRef = { txHash: string; blockNumber: number; logIndex: number; recordId: string };

export function recordRef(e: EventRecord): RecordRef {
  return { txHash: e.txHash, blockNumber: e.blockNumber, logIndex: e.logIndex, recordId: String(e.seq) };
}

/**
 * Decimal-string arithmetic for uint64/uint128 amounts, which JSON numbers cannot hold exactly: in doubles while
 * operands and result are safe integers (areas and fen amounts nearly always are; several times faster), else in
 * BigInt.
 */
export function addDec(a: string, b: string | number | bigint): string {
  const x = Number(a);
  const y = Number(b);
  const r = x + y;
  if (Number.isSafeInteger(x) && Number.isSafeInteger(y) && Number.isSafeInteger(r)) return String(r);
  return (BigInt(a) + BigInt(b)).toString();
}
export function subDec(a: string, b: string | number | bigint): string {
  const x = Number(a);
  const y = Number(b);
  const r = x - y;
  const exact = Number.isSafeInteger(x) && Number.isSafeInteger(y);
  if (exact ? r < 0 : BigInt(a) < BigInt(b)) {
    throw new Error(`A read-model amount went below zero (${a} − ${b}); the events arrived out of order.`);
  }
  return exact ? String(r) : (BigInt(a) - BigInt(b)).toString();
}
