// What people write in a service's commands (an account of a dispute, a reason, a note), kept in the vault as a
// note of its own (vault/notes.ts), the record carrying only the salted commitment. A service keeps a text in
// its command's `check` (under the object's lock, just before the decision) with `keepText`, and runs the command
// inside `keepingTexts`, which erases the notes the command wrote if it is then refused or its write fails: a
// refused request leaves nothing in the vault.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Hex } from "viem";
import { actorText, type Actor } from "../../receipts/actor.js";
import { erasingOnFailure, keepNote, type Vault } from "../../vault/index.js";
import type { Refusal } from "./define.js";
import type { CommandAnswer } from "./engine.js";

/** The notes written by the command running now (set by `keepingTexts`). */
const written = new AsyncLocalStorage<string[]>();

/** Runs a command that may carry texts; a refusal (or any failure) erases the notes it wrote. */
export function keepingTexts(vault: Vault | undefined, actor: Actor, run: () => Promise<CommandAnswer>): Promise<CommandAnswer> {
  if (!vault) return run();
  return erasingOnFailure(vault, actorText(actor), (holders) => written.run(holders, run));
}

/**
 * Keeps `text` as a note and answers its commitment. Throws `notKept` when the server keeps no vault, and outside
 * `keepingTexts` (a note nobody could erase on a refusal is never written).
 */
export async function keepText(vault: Vault | undefined, text: string, actor: Actor, notKept: Refusal): Promise<Hex> {
  const holders = written.getStore();
  if (!vault || !holders) throw notKept;
  const kept = await keepNote(vault, { text, actor: actorText(actor) });
  holders.push(kept.holder);
  return kept.commitment;
}
