// The one place the document store meets the journal: `document.stored` is appended to the off-chain journal
// (and so to the receipt log, anchored with the next batch) together with the document's metadata, in one
// atomic, synced write (appendOffchain): a document is stored with its record, or neither is.
import type { Lock } from "../../store/lock.js";
import type { Store, Sublevel } from "../../store/store.js";
import { appendOffchain, readJournal } from "../../receipts/log.js";
import { OFFCHAIN_SCHEMA } from "../../receipts/record.js";
import { DOCUMENT_STORED, type StoredPayload } from "./rules.js";
import type { DocumentMeta } from "./types.js";

export type DocumentIndex = {
  get(hash: `0x${string}`): Promise<DocumentMeta | undefined>;
  /** Appends `document.stored` and keeps the document's metadata in the same write; returns the metadata. */
  record(payload: StoredPayload, at: number): Promise<DocumentMeta>;
};

/** The metadata, keyed by hash, in the indexer's store next to the journal (the service's read model). */
export function journalIndex(store: Store, lock: Lock, chainId: number): DocumentIndex {
  const metas = store.db.sublevel<string, DocumentMeta>("svc:documents", { valueEncoding: "json" }) as unknown as Sublevel;

  /** The record id of `document.stored` for `hash`, from the journal itself. */
  async function findRecordId(hash: string): Promise<string> {
    for await (const entry of readJournal(store)) {
      const r = entry.record;
      if (r.schema === OFFCHAIN_SCHEMA && r.kind === DOCUMENT_STORED && r.id === hash) return String(r.recordId);
    }
    throw new Error(`Document ${hash} has metadata but no document.stored record in the journal; the data directory is damaged.`);
  }

  return {
    async get(hash) {
      const meta = (await metas.get(hash)) as DocumentMeta | undefined;
      // The record id is filled in just after the atomic write; a crash in between leaves it to be found.
      if (meta && meta.recordId === "") {
        const repaired = { ...meta, recordId: await findRecordId(hash) };
        await metas.put(hash, repaired);
        return repaired;
      }
      return meta;
    },
    async record(payload, at) {
      const { uploader, ...facts } = payload;
      const stored = { ...payload, storedAt: at };
      // The record's id is given in the write itself, so the metadata goes in with an empty one and gets it after.
      const [appended] = await appendOffchain(
        store,
        lock,
        chainId,
        [{ kind: DOCUMENT_STORED, id: payload.hash, at, actor: { address: uploader }, payload: facts }],
        [{ type: "put", sublevel: metas, key: payload.hash, value: { ...stored, recordId: "" } }],
      );
      const meta: DocumentMeta = { ...stored, recordId: String(appended!.recordId) };
      await metas.put(payload.hash, meta);
      return meta;
    },
  };
}
