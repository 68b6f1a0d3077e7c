// The one place the document store meets the journal, through the service framework's storage interface
// (services/framework/storage.ts; no LevelDB here): `document.stored` is appended to the off-chain journal (and
// so to the receipt log, anchored with the next batch) together with the document's metadata, its read model,
// in one atomic durable write: a document is stored with its record, or neither is.
import type { ServiceStorage } from "../framework/index.js";
import { DOCUMENT_STORED, type StoredPayload } from "./rules.js";
import type { DocumentMeta } from "./types.js";

/** The read model: hash → metadata. */
const MODEL = "documents";

export type DocumentIndex = {
  get(hash: `0x${string}`): Promise<DocumentMeta | undefined>;
  /** Appends `document.stored` and keeps the document's metadata in the same write; returns the metadata. */
  record(payload: StoredPayload, at: number): Promise<DocumentMeta>;
};

export function journalIndex(storage: ServiceStorage): DocumentIndex {
  /** The record id of `document.stored` for `hash`, from the journal itself. */
  async function findRecordId(hash: string): Promise<string> {
    for await (const r of storage.records()) if (r.kind === DOCUMENT_STORED && r.id === hash) return String(r.recordId);
    throw new Error(`Document ${hash} has metadata but no document.stored record in the journal; the data directory is damaged.`);
  }

  return {
    async get(hash) {
      const meta = await storage.get<DocumentMeta>(MODEL, hash);
      // The record id is given by the atomic write itself, so it is filled in just after (below); after a crash
      // in between it is found in the journal, once.
      if (meta && meta.recordId === "") {
        const repaired = { ...meta, recordId: await findRecordId(hash) };
        await storage.write([{ model: MODEL, key: hash, value: repaired }]);
        return repaired;
      }
      return meta;
    },
    async record(payload, at) {
      const { uploader, ...facts } = payload;
      const stored = { ...payload, storedAt: at };
      const [appended] = await storage.append(
        [{ kind: DOCUMENT_STORED, id: payload.hash, at, actor: { address: uploader }, payload: facts }],
        [{ model: MODEL, key: payload.hash, value: { ...stored, recordId: "" } }],
      );
      const meta: DocumentMeta = { ...stored, recordId: String(appended!.recordId) };
      await storage.write([{ model: MODEL, key: payload.hash, value: meta }]);
      return meta;
    },
  };
}
