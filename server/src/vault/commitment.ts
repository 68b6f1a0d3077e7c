// Salted commitments to personal values that records must refer to (a journal payload names "the phone of
// p_12" by commitment, never by a plain hash, which could be guessed back): keccak256(abi.encode(bytes32 salt,
// string value)), the same format as time-bank notes (server/src/chain/commitment.ts). Keep the salt in the
// vault with the value; after erasure the commitment leads to no one.
import type { Hex } from "viem";
import { commitNote, noteCommitment, type NoteCommitment } from "../chain/commitment.js";

export type ValueCommitment = NoteCommitment;

/** A fresh 32-byte salt and keccak256(abi.encode(salt, value)). */
export function commit(value: string): ValueCommitment {
  return commitNote(value);
}

/** Whether `commitment` is the commitment to `value` under `salt`. */
export function verifyCommitment(value: string, salt: Hex, commitment: Hex): boolean {
  return noteCommitment(salt, value) === commitment.toLowerCase();
}
