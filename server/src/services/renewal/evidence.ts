// A project's photos, milestone evidence and invoices are documents of the class `renewal`
// (services/documents/types.ts): uploaded by whoever is signed in, public (a shared place and the fund's spending
// are the residents' business; people are not to be photographed), named in the records by their keccak256 only.
// A command takes only documents of that class that its own actor uploaded (staff acting for a resident: staff's),
// refused before anything is written.
import type { Actor } from "../../receipts/actor.js";
import { refuse, type Refusal } from "../framework/index.js";

export const EVIDENCE_CLASS = "renewal";

/** What the fund needs of the document store. */
export type EvidenceStore = { lookup(hash: `0x${string}`): Promise<{ class: string; uploader: string } | undefined> };

/** Each hash must be a stored `renewal` document uploaded by the one who acts; the first that is not, refused. */
export async function evidenceProblem(store: EvidenceStore | undefined, hashes: readonly string[], actor: Actor): Promise<Refusal | undefined> {
  const by = "address" in actor ? actor.address.toLowerCase() : undefined;
  for (const hash of hashes) {
    const meta = store ? await store.lookup(hash.toLowerCase() as `0x${string}`) : undefined;
    if (!meta || meta.class !== EVIDENCE_CLASS || meta.uploader.toLowerCase() !== by) return refuse(400, "renewal_document_unknown", { hash });
  }
  return undefined;
}
