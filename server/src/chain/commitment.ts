// Salted commitments to free text recorded on chain (time-bank service and redemption notes). A plain hash of a
// short note ("meal delivered to Mrs Wang") can be guessed back by hashing candidate texts; a commitment with 32
// random bytes of salt cannot, as long as the salt stays off chain with the note. Format (documented in
// TimeBank.sol): keccak256(abi.encode(bytes32 salt, string note)), the note as UTF-8 exactly as kept.
import { encodeAbiParameters, keccak256, toHex, type Hex } from "viem";

export type NoteCommitment = { salt: Hex; commitment: Hex };

const SALT = /^0x[0-9a-fA-F]{64}$/;

/** 32 random bytes from the platform's CSPRNG (Web Crypto, in Node and in browsers). */
export function randomSalt(): Hex {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/** keccak256(abi.encode(salt, note)): what goes on chain in place of the note. */
export function noteCommitment(salt: Hex, note: string): Hex {
  if (!SALT.test(salt)) throw new Error(`A note's salt must be 32 bytes (0x and 64 hex digits), not ${salt.length - 2} hex digits; make one with randomSalt().`);
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "string" }], [salt, note]));
}

/** A fresh salt and the commitment to `note` under it; keep both with the note to prove it later. */
export function commitNote(note: string): NoteCommitment {
  const salt = randomSalt();
  return { salt, commitment: noteCommitment(salt, note) };
}
