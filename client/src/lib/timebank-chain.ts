// What the time bank needs to send its transactions: the TimeBank ABI, viem's JSON-RPC client, the transaction
// runner and the notes' salted commitments. Loaded by the time-bank page only once someone is signed in.
import { isAddress, type Abi, type Hex } from "viem";
import { abi as timeBankAbi } from "virtual:abi/TimeBank";
import { commitNote } from "../../../server/src/chain/commitment.js";

export { isAddress };
export { blockTime, publicClientFor } from "./chain.js";
export { readContract } from "viem/actions";
export { sendContractTx } from "./tx.js";

export const ABI = timeBankAbi as unknown as Abi;

/**
 * What goes on chain for a note: keccak256(abi.encode(salt, note)) with a fresh random salt, so that the text
 * cannot be guessed back from the chain. Nothing keeps the note or the salt yet (an off-chain store comes later),
 * so the commitment proves nothing afterwards either; it only records that a note was written.
 */
export function noteOnChain(note: string): Hex {
  return commitNote(note.trim()).commitment;
}
