// One canonical form for every secp256k1 signature the server takes (ballots, sign-in messages). An ECDSA
// signature (r, s) has a twin (r, n − s) with the other parity that recovers the same signer: anyone can make
// it from a signature they have seen. Ethereum (EIP-2) and OpenZeppelin's ECDSA accept only the low-`s` twin,
// and EIP-2098's compact form has no room for a high `s`, so a high `s` is turned into its twin before
// anything is stored or compared.
import type { Hex } from "viem";

/** The order of the secp256k1 group. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;

/** Why a signature has no canonical form (it cannot be any signer's). */
export class NonCanonicalSignatureError extends Error {}

/**
 * The low-`s` form of a 65-byte signature (r ‖ s ‖ v), with `v` as 27 or 28. Accepts `v` as 0/1 or 27/28
 * and either twin; throws `NonCanonicalSignatureError` for anything that is not a signature at all
 * (wrong length, r or s zero or not below the group order, another `v`).
 */
export function normaliseSignature(signature: Hex): Hex {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    throw new NonCanonicalSignatureError("a signature is 65 bytes: 0x + 130 hex digits");
  }
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  let s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130), 16);
  let yParity: number;
  if (v === 0 || v === 1) yParity = v;
  else if (v === 27 || v === 28) yParity = v - 27;
  else throw new NonCanonicalSignatureError(`v must be 27 or 28 (or 0 or 1), not ${v}`);
  if (r === 0n || r >= N || s === 0n || s >= N) {
    throw new NonCanonicalSignatureError("r and s must be between 1 and the curve order");
  }
  if (s > HALF_N) {
    s = N - s;
    yParity ^= 1;
  }
  const word = (x: bigint) => x.toString(16).padStart(64, "0");
  return `0x${word(r)}${word(s)}${(27 + yParity).toString(16)}`;
}

