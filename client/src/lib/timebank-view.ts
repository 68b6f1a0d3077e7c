// What the time-bank pages share: the API's redemption rows, calendar dates of records (a record's block's
// time, read from the chain node once per block), and the UTC day the contract counts the daily cap in.
import type { Address, Hex } from "viem";

export type Redemption = {
  member: Address;
  partner: Address;
  minutes: number;
  kind: "service" | "goods";
  noteHash: Hex;
  by: Address;
  authorizationId: string | null;
  /** The code the member shows at the partner (derived from txHash and logIndex by the server). */
  voucher: string;
  honoured: { at: number; by: Address } | null;
  txHash: Hex;
  blockNumber: number;
  logIndex: number;
  recordId: string;
};

/** The contract's day number of a time (UTC days since 1970): the daily cap counts minutes per such day. */
export function dayOf(seconds: number): bigint {
  return BigInt(Math.floor(seconds / 86_400));
}

const blockTimes = new Map<string, number>();

/**
 * The times (unix seconds) of `blocks`, read with `blockTime` (lib/chain.ts's, from the chain node: passed in, since
 * this module is in the startup bundle and viem's code is not); a block that cannot be read is left out.
 */
export async function loadBlockTimes(blockTime: (blockNumber: bigint) => Promise<number>, blocks: readonly (number | string)[]): Promise<Map<string, number>> {
  const wanted = [...new Set(blocks.map(String))].filter((b) => !blockTimes.has(b));
  await Promise.all(
    wanted.map((b) =>
      blockTime(BigInt(b))
        .then((time) => void blockTimes.set(b, time))
        .catch(() => undefined),
    ),
  );
  return blockTimes;
}
