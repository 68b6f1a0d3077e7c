// Documents (issue 12 §2): a content-addressed store of proposals, plans, payment papers and scanned paper, each
// upload anchored as a `document.stored` record. The one export of the service.
import path from "node:path";
import type { Lock } from "../../store/lock.js";
import type { Store } from "../../store/store.js";
import { levelServiceStorage } from "../framework/index.js";
import { journalIndex } from "./journal.js";
import { rewrapSealedDocuments, type RewrapResult } from "./rotation.js";
import type { DocumentKeys } from "./sealing.js";
import { createDocumentService, type DocumentService } from "./service.js";
import { fileBlobs } from "./storage.js";

export { documentRoutes, type DocumentRouteDeps } from "./http.js";
export { PROPOSAL_SCHEMA, parseProposal, proposalBytes, proposalInput, type Proposal, type ProposalInput } from "./proposal.js";
export { DOCUMENT_STORED } from "./rules.js";
export type { RewrapResult } from "./rotation.js";
export type { DocumentKeys } from "./sealing.js";
export type { DocumentService, Stored } from "./service.js";
export { DOCUMENT_CLASSES, DOCUMENT_TYPES, typesText, type DocumentClassName, type DocumentMeta } from "./types.js";

/** The document store of a server: bytes under `<dataDir>/documents`, metadata and records in the indexer's store. */
export function openDocuments(options: { dataDir: string; store: Store; lock: Lock; chainId: number; keys: DocumentKeys }): DocumentService {
  return createDocumentService({
    blobs: fileBlobs(path.join(options.dataDir, "documents")),
    index: journalIndex(levelServiceStorage(options.store, options.lock, options.chainId)),
    keys: options.keys,
  });
}

/** Rewraps the sealed documents under `<dataDir>/documents` under the current master key (a rotation, see rotation.ts). */
export function rewrapDocuments(options: { dataDir: string; keys: DocumentKeys }): Promise<RewrapResult> {
  return rewrapSealedDocuments(fileBlobs(path.join(options.dataDir, "documents")), options.keys);
}
