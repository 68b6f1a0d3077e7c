// What is written on a suggestion (its text, the office's answer, a plan, a reason to decline, a name its author
// chose to show) is kept in the vault as a note of its own, the record carrying only the salted commitment, so
// that a text naming someone can be erased without touching the anchored record. The notes are written in the
// command's lookups just before the decision, inside `keepingNotes`, which erases them again if the command is then
// refused. Suggestions are public by nature: their texts are read for the public pages on the vault's audited
// path (actor `system:public-page`, purpose service.arrangement: publishing the answer is the service asked for).
import { AsyncLocalStorage } from "node:async_hooks";
import { z } from "zod/v4";
import { actorText, type Actor } from "../../receipts/actor.js";
import { erasingOnFailure, keepNote, readNote, type Vault } from "../../vault/index.js";
import { refuse, type CommandAnswer } from "../framework/index.js";

export const MAX_TEXT_CHARS = 2000;
export const textInput = z.string().trim().min(1, "empty").max(MAX_TEXT_CHARS).describe(`free text, at most ${MAX_TEXT_CHARS} characters: kept in the vault, the record holds only a salted commitment`);
export const nameInput = z.string().trim().min(1, "empty").max(40).describe("the name to show with the suggestion (kept in the vault; the record holds a commitment)");

const written = new AsyncLocalStorage<string[]>();

/** Runs a command that may keep notes; a refusal (or any failure) erases the notes it wrote. */
export function keepingNotes(vault: Vault | undefined, actor: string, run: () => Promise<CommandAnswer>): Promise<CommandAnswer> {
  if (!vault) return run();
  return erasingOnFailure(vault, actor, (holders) => written.run(holders, run));
}

/** Keeps `text` as a note; its commitment. Refused without a vault, and outside keepingNotes. */
export async function noteOf(vault: Vault | undefined, text: string, actor: Actor): Promise<`0x${string}`> {
  const holders = written.getStore();
  if (!vault || !holders) throw refuse(400, "suggestion_text_not_kept", {});
  const kept = await keepNote(vault, { text, actor: actorText(actor) });
  holders.push(kept.holder);
  return kept.commitment;
}

/** Reads a public note (null: erased, or no vault). */
export async function publicNote(vault: Vault | undefined, commitment: string | null): Promise<string | null> {
  if (!vault || commitment === null) return null;
  return readNote(vault, { commitment, actor: actorText({ system: "public-page" }), purpose: "service.arrangement" });
}
