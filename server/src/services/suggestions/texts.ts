// What is written on a suggestion (its text, the office's answer, a plan, a reason to decline, a name its author
// chose to show) is kept in the vault as a note of its own, the record carrying only the salted commitment, so
// that a text naming someone can be erased without touching the anchored record. The notes are written in the
// command's lookups just before the decision, inside the framework's `keepingTexts`, which erases them again if the command is then
// refused. Suggestions are public by nature: their texts are read for the public pages on the vault's audited
// path (actor `system:public-page`, purpose service.arrangement: publishing the answer is the service asked for).
import { z } from "zod/v4";
import { actorText, sealedActor, type ActingActor, type Actor } from "../../receipts/actor.js";
import { readNote, type Vault } from "../../vault/index.js";
import { keepText, refuse } from "../framework/index.js";

export const MAX_TEXT_CHARS = 2000;
export const textInput = z.string().trim().min(1, "empty").max(MAX_TEXT_CHARS).describe(`free text, at most ${MAX_TEXT_CHARS} characters: kept in the vault, the record holds only a salted commitment`);
export const nameInput = z.string().trim().min(1, "empty").max(40).describe("the name to show with the suggestion (kept in the vault; the record holds a commitment)");

/** Keeps `text` as a note; its commitment (framework/texts.ts: run the command inside `keepingTexts`). */
export function noteOf(vault: Vault | undefined, text: string, actor: Actor): Promise<`0x${string}`> {
  return keepText(vault, text, actor, refuse(400, "suggestion_text_not_kept", {}));
}

/** Reads a public note (null: erased, or no vault). */
export async function publicNote(vault: Vault | undefined, commitment: string | null): Promise<string | null> {
  if (!vault || commitment === null) return null;
  return readNote(vault, { commitment, actor: actorText({ system: "public-page" }), purpose: "service.arrangement" });
}

/**
 * The author's keyed pseudonym for one suggestion (vault.pseudonym): the server recognises its author by it (their
 * own list, hiding their name), while one author's tags on two suggestions are unrelated, so a name shown on one
 * does not unmask another.
 */
export function authorTag(vault: Vault, id: string, author: string): Promise<`0x${string}`> {
  return vault.pseudonym("suggestion.author", `${id}\n${author}`);
}

/** An author's tags for suggestion `id`, one for each of `selves` (texts.ts `selvesOf`). */
export function tagsOf(vault: Vault, id: string, selves: readonly string[]): Promise<string[]> {
  return Promise.all(selves.map((self) => authorTag(vault, id, self)));
}

/**
 * Whom a resident is as an author: their address and the vault person ids the directory links to it (written down
 * at an open day), or the one person id staff act for.
 */
export async function selvesOf(resident: string, personsOf?: (address: string) => Promise<string[]>): Promise<string[]> {
  return resident.startsWith("0x") ? [resident, ...((await personsOf?.(resident)) ?? [])] : [resident];
}

/**
 * The actor a record names instead of the author (receipts/actor.ts): a note in the vault holding the real actor
 * (for staff, with the resident and the authorisation), marked with the staff's address when staff acted.
 */
export async function sealedActorOf(vault: Vault | undefined, actor: ActingActor): Promise<Actor> {
  if ("system" in actor) return actor;
  return sealedActor(actor, await noteOf(vault, actorText(actor), actor));
}
