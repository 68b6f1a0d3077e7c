// What the time bank needs to send its transactions: the TimeBank ABI, viem's JSON-RPC client, the transaction
// runner and keccak for note hashes. Loaded by the time-bank page only once someone is signed in.
import { isAddress, keccak256, stringToBytes, type Abi, type Hex } from "viem";
import { abi as timeBankAbi } from "virtual:abi/TimeBank";

export { isAddress };
export { publicClientFor } from "./chain.js";
export { sendContractTx } from "./tx.js";

export const ABI = timeBankAbi as unknown as Abi;

/** The note's hash: keccak256 of its UTF-8 text. The text itself never leaves the browser. */
export function noteHash(note: string): Hex {
  return keccak256(stringToBytes(note.trim() || "-"));
}
