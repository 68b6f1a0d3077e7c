// Free text a person wrote (a work order's description, a fix's note), kept in the vault as a note of its own:
// the record that mentions it carries only the salted commitment, and the note's holder is a person id derived
// from that commitment, so the text is found from the record alone, is erased alone (the vault erases per
// person: erasing one text touches no other value of its writer), and a request refused after the note was
// written erases it again. The salt is kept with the text, so the commitment can be checked and leads nowhere
// once the note is erased.
import type { Hex } from "viem";
import { commit, verifyCommitment } from "./commitment.js";
import { isVaultError } from "./errors.js";
import type { Purpose } from "./fields.js";
import type { Vault } from "./vault.js";

/** The field every note is kept under (its holder is the note's own). */
export const NOTE_FIELD = "note:text";

/** The vault person id holding the note committed to by `commitment` (0x + 64 hex digits). */
export function noteHolder(commitment: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(commitment)) throw new Error(`A note's commitment is 0x and 64 hex digits; got ${commitment.slice(0, 80)}.`);
  return `t_${commitment.slice(2, 50).toLowerCase()}`;
}

/** Stores `text` as a note of its own; answers the commitment a record carries and the note's holder. */
export async function keepNote(vault: Vault, input: { text: string; actor: string }): Promise<{ commitment: Hex; holder: string }> {
  const made = commit(input.text);
  const holder = noteHolder(made.commitment);
  await vault.write({ personId: holder, field: NOTE_FIELD, value: JSON.stringify({ text: input.text, salt: made.salt }), actor: input.actor });
  return { commitment: made.commitment, holder };
}

/**
 * The text of the note committed to by `commitment`, read through the vault's audited path (an access-log entry
 * under `actor` and `purpose`); null when it was erased (or never kept). Throws when the stored text does not
 * match the commitment (the vault's store was altered).
 */
export async function readNote(vault: Vault, input: { commitment: string; actor: string; purpose: Purpose }): Promise<string | null> {
  let stored: string;
  try {
    stored = await vault.read({ actor: input.actor, purpose: input.purpose, personId: noteHolder(input.commitment), field: NOTE_FIELD });
  } catch (error) {
    if (isVaultError(error) && ["subject_erased", "person_not_found", "value_not_found"].includes(error.code)) return null;
    throw error;
  }
  const { text, salt } = JSON.parse(stored) as { text: string; salt: Hex };
  if (!verifyCommitment(text, salt, input.commitment as Hex)) throw new Error(`The note under ${noteHolder(input.commitment)} does not match its commitment: the vault's store was altered.`);
  return text;
}

/**
 * Runs `task`, which writes values under the vault person ids it pushes into `written`; if it fails, erases
 * them all again and rethrows: a refused request leaves no personal value behind.
 */
export async function erasingOnFailure<T>(vault: Vault, actor: string, task: (written: string[]) => Promise<T>): Promise<T> {
  const written: string[] = [];
  try {
    return await task(written);
  } catch (error) {
    for (const personId of written) await vault.erase({ personId, actor }).catch(() => undefined);
    throw error;
  }
}
