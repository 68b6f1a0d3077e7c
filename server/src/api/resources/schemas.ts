// Shared input and output schemas of the read routes: ids, addresses, pagination, and the fields that link an
// item to its transaction and receipt. Inputs never throw: a failed check leaves the value as it is, so that
// every problem is listed in the 400 (see validateInput), and a transform only runs on valid text.
import { getAddress, isAddress } from "viem";
import { z } from "zod/v4";

const UINT32_MAX = 4_294_967_295;

/** A uint32 id (estates, buildings, units) as a path or query value. */
export const uint32Id = z
  .string()
  .regex(/^(0|[1-9]\d{0,9})$/, "a decimal id without leading zeros")
  .refine((v) => /^\d+$/.test(v) && Number(v) <= UINT32_MAX, "at most 4294967295 (uint32)")
  .transform((v) => Number(v));

/** A uint256 id (votes, plans, services, records) as decimal text; ids beyond 2^53 simply do not exist. */
export const bigId = z.string().regex(/^(0|[1-9]\d{0,77})$/, "a decimal id without leading zeros");

/** Address text in any case; answered checksummed, looked up lowercase. */
export const addressInput = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), "an Ethereum address (0x + 40 hex digits)")
  .transform((v) => (isAddress(v, { strict: false }) ? v.toLowerCase() : v));

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50).describe("items per page (1–500, default 50)"),
  cursor: z.string().max(512).optional().describe("the nextCursor of the previous page"),
};

/** `{ items, nextCursor? }`: pass nextCursor back as ?cursor= for the next page; absent on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}

export const address = z.string().describe("checksummed address");
export const hash = z.string().describe("0x + 64 lowercase hex digits");
export const decimal = z.string().describe("a non-negative integer as decimal text");
export const recordRefFields = {
  txHash: hash,
  blockNumber: z.number(),
  logIndex: z.number(),
  recordId: z.string().describe("the record's id in the receipt log; GET /api/receipts/{recordId}"),
};

export const totals = z.object({ area: decimal.describe("0.01 m²"), heads: z.number() });

/** A stored lowercase address, checksummed for the answer. */
export const checksum = (a: string): string => getAddress(a);
