// The document store: rules (rules.ts) around the bytes (storage.ts), the seal of personal documents
// (sealing.ts) and the journal (journal.ts). Uploads of one hash are serialised, so the same bytes sent twice at
// once are still one document and one record. Bytes are written before the record: a crash between leaves a
// file with no record, and the next upload of the same bytes records it (the record is what makes it stored).
import { keccak256 } from "viem";
import { ApiError } from "../../api/errors.js";
import type { DocumentIndex } from "./journal.js";
import { parseProposal, proposalBytes, type Proposal, type ProposalInput } from "./proposal.js";
import { classText, decideRead, decideStore, decideUpload, holdsOneOf, rolesText, tooLarge, type UploadDecision } from "./rules.js";
import { SEALED_SUFFIX } from "./rotation.js";
import { openDocument, sealDocument, type DocumentKeys } from "./sealing.js";
import { detectType } from "./sniff.js";
import type { BlobStorage } from "./storage.js";
import { DOCUMENT_CLASSES, DOCUMENT_TYPES, type DocumentClassName, type DocumentMeta } from "./types.js";

export type Stored = { meta: DocumentMeta; created: boolean };

export type DocumentService = {
  /** Stores an uploaded document (the bytes as received); throws the ApiError of a refusal. */
  upload(input: { bytes: Uint8Array; declared: string; class: DocumentClassName; uploader: `0x${string}`; roles: readonly string[]; expectedHash?: `0x${string}` }): Promise<Stored>;
  /** Builds and stores a proposal or plan description; its attachments must be stored and public. */
  storeProposal(input: ProposalInput, uploader: `0x${string}`, roles: readonly string[]): Promise<Stored>;
  /** A document's metadata and bytes for a reader (`roles` undefined: not signed in); throws 404/403. */
  read(hash: `0x${string}`, roles: readonly string[] | undefined): Promise<{ meta: DocumentMeta; bytes: Buffer }>;
  /** The metadata for a reader, without the bytes; throws 404/403 as `read`. */
  meta(hash: `0x${string}`, roles: readonly string[] | undefined): Promise<DocumentMeta>;
  /** What is stored under a hash, whoever asks (for a service checking a reference, e.g. a work order's photos); undefined if nothing. */
  lookup(hash: `0x${string}`): Promise<DocumentMeta | undefined>;
  /**
   * The bytes of a document of class `cls`, for a service that has decided itself who may read them (the work
   * orders serve their photos to an order's reporters, party and staff); undefined if no such document.
   */
  readOfClass(hash: `0x${string}`, cls: DocumentClassName): Promise<{ meta: DocumentMeta; bytes: Buffer } | undefined>;
  /** A stored public proposal (or plan description) by hash, for the vote and fund routes; undefined if none. */
  proposal(hash: string): Promise<{ meta: DocumentMeta; proposal: Proposal } | undefined>;
};

export type DocumentServiceOptions = {
  blobs: BlobStorage;
  index: DocumentIndex;
  keys: DocumentKeys;
  /** Unix seconds. */
  now?: () => number;
};

const blobName = (meta: Pick<DocumentMeta, "hash" | "class">) => `${meta.hash}${DOCUMENT_CLASSES[meta.class].encrypted ? SEALED_SUFFIX : ".bin"}`;

export function createDocumentService(options: DocumentServiceOptions): DocumentService {
  const { blobs, index, keys } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const busy = new Map<string, Promise<unknown>>();

  /** Runs `fn` after any other call for the same hash (uploads of different documents run side by side). */
  function serialised<T>(hash: string, fn: () => Promise<T>): Promise<T> {
    const previous = busy.get(hash) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    busy.set(hash, tail);
    void tail.then(() => {
      if (busy.get(hash) === tail) busy.delete(hash);
    });
    return run;
  }

  async function apply(bytes: Uint8Array, decide: (existing: DocumentMeta | undefined) => UploadDecision, hash: `0x${string}`): Promise<Stored> {
    return serialised(hash, async () => {
      const decision = decide(await index.get(hash));
      if (decision.kind === "refused") throw decision.error;
      if (decision.kind === "exists") return { meta: decision.meta, created: false };
      const { payload } = decision.record;
      await blobs.put(blobName(payload), DOCUMENT_CLASSES[payload.class].encrypted ? sealDocument(keys, hash, bytes) : bytes);
      return { meta: await index.record(payload, now()), created: true };
    });
  }

  async function bytesOf(meta: DocumentMeta): Promise<Buffer> {
    const stored = await blobs.get(blobName(meta));
    if (!stored) throw new Error(`Document ${meta.hash} is recorded (record ${meta.recordId}) but its file is missing from the document store; restore it from the backup.`);
    const bytes = DOCUMENT_CLASSES[meta.class].encrypted ? openDocument(keys, meta.hash, stored) : stored;
    // The store is content-addressed: bytes that do not hash to their name are never served.
    if (keccak256(bytes) !== meta.hash) throw new Error(`Document ${meta.hash}'s stored bytes hash to something else: the file was altered; restore it from the backup.`);
    return bytes;
  }

  async function readable(hash: `0x${string}`, roles: readonly string[] | undefined): Promise<DocumentMeta> {
    const meta = await index.get(hash);
    const refusal = decideRead(meta, hash, roles);
    if (refusal) throw refusal;
    return meta!;
  }

  return {
    upload(input) {
      const hash = keccak256(input.bytes);
      const command = { hash, detected: detectType(input.bytes), declared: input.declared, size: input.bytes.length, class: input.class, uploader: input.uploader, roles: input.roles, expectedHash: input.expectedHash };
      return apply(input.bytes, (existing) => decideUpload(existing, command), hash);
    },

    async storeProposal(input, uploader, roles) {
      const cls: DocumentClassName = input.kind === "plan" ? "plan" : "proposal";
      const uploaders = DOCUMENT_CLASSES[cls].uploaders;
      if (!holdsOneOf(roles, uploaders)) throw new ApiError(403, "document_forbidden", { roles: rolesText(uploaders), class: classText(cls) }, { class: cls, uploaders });
      for (const attachment of input.attachments) {
        const meta = await index.get(attachment.hash);
        if (!meta) throw new ApiError(422, "document_attachment_missing", { hash: attachment.hash }, { hash: attachment.hash });
        if (!DOCUMENT_CLASSES[meta.class].public) throw new ApiError(422, "document_attachment_restricted", { hash: attachment.hash }, { hash: attachment.hash });
      }
      const bytes = proposalBytes(input);
      const limit = DOCUMENT_TYPES["application/json"].maxBytes;
      if (bytes.length > limit) throw tooLarge("application/json", limit);
      const hash = keccak256(bytes);
      return apply(bytes, (existing) => decideStore(existing, { hash, type: "application/json", size: bytes.length, class: cls, uploader }), hash);
    },

    async read(hash, roles) {
      const meta = await readable(hash, roles);
      return { meta, bytes: await bytesOf(meta) };
    },

    meta: readable,

    lookup: (hash) => index.get(hash.toLowerCase() as `0x${string}`),

    async readOfClass(hash, cls) {
      const meta = await index.get(hash.toLowerCase() as `0x${string}`);
      if (!meta || meta.class !== cls) return undefined;
      return { meta, bytes: await bytesOf(meta) };
    },

    async proposal(hash) {
      const meta = await index.get(hash.toLowerCase() as `0x${string}`);
      if (!meta || (meta.class !== "proposal" && meta.class !== "plan")) return undefined;
      const proposal = parseProposal(await bytesOf(meta));
      return proposal && { meta, proposal };
    },
  };
}
