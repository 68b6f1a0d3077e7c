// What people write on a project (its description, the office's reason for refusing it) is kept in the vault as a
// note of its own, the record carrying only the salted commitment, so that a text naming someone can be erased
// without touching the anchored record. The notes are written in the command's lookups just before the decision,
// inside the framework's `keepingTexts`, which erases them if the command is then refused. Projects are public by
// nature (residents pledge money on them): their texts are read for the public pages on the vault's audited path
// (actor `system:public-page`, purpose service.arrangement).
import { z } from "zod/v4";
import { actorText, type Actor } from "../../receipts/actor.js";
import { readNote, type Vault } from "../../vault/index.js";
import { keepText, refuse } from "../framework/index.js";

export const MAX_TEXT_CHARS = 2000;
export const textInput = z.string().trim().min(1, "empty").max(MAX_TEXT_CHARS).describe(`free text, at most ${MAX_TEXT_CHARS} characters: kept in the vault, the record holds only a salted commitment`);

/** Keeps `text` as a note; its commitment (framework/texts.ts: run the command inside `keepingTexts`). */
export function noteOf(vault: Vault | undefined, text: string, actor: Actor): Promise<`0x${string}`> {
  return keepText(vault, text, actor, refuse(400, "renewal_text_not_kept", {}));
}

/** Reads a public note (null: erased, or no vault). */
export async function publicNote(vault: Vault | undefined, commitment: string | null): Promise<string | null> {
  if (!vault || !commitment) return null;
  return readNote(vault, { commitment, actor: actorText({ system: "public-page" }), purpose: "service.arrangement" });
}
