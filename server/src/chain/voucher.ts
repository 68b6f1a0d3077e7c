// A redemption's voucher code: eight characters a resident shows at the partner's counter ("K7QM-2XDA"),
// derived only from where the redemption sits on chain (its transaction and log), so that the resident's page,
// the partner's page and anyone re-deriving it from the chain get the same code, and no table of codes is kept.
// 40 bits of keccak256: a guessed code hits one of n redemptions with odds n / 2^40.
import { concat, keccak256, numberToHex, type Hex } from "viem";

/** Crockford's base 32: no I, L, O or U, so a code read aloud or typed from paper is not misread. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The voucher code of the redemption logged at `logIndex` of transaction `txHash`, as "XXXX-XXXX". */
export function voucherCode(txHash: string, logIndex: number): string {
  const digest = keccak256(concat([txHash as Hex, numberToHex(logIndex, { size: 4 })]));
  let bits = BigInt(digest.slice(0, 12)); // the first 40 bits (5 bytes)
  let code = "";
  for (let i = 0; i < 8; i++) {
    code = ALPHABET[Number(bits & 31n)]! + code;
    bits >>= 5n;
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * A code as a person typed it, in the canonical form, or undefined if it cannot be one: case, spaces and dashes
 * do not matter, and O, I and L are read as 0, 1 and 1.
 */
export function normaliseVoucher(input: string): string | undefined {
  const plain = input
    .toUpperCase()
    .replace(/[\s\-–—_]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(plain)) return undefined;
  return `${plain.slice(0, 4)}-${plain.slice(4)}`;
}
