// The one place the document store meets the journal: `document.stored` is appended to the off-chain journal
// (and so to the receipt log, anchored with the next batch) together with the document's metadata.
import type { Lock } from "../../store/lock.js";
import type { Store, Sublevel } from "../../store/store.js";
import { appendOffchain } from "../../receipts/log.js";
import type { StoredPayload } from "./rules.js";
import type { DocumentMeta } from "./types.js";

export type DocumentIndex = {
  get(hash: `0x${string}`): Promise<DocumentMeta | undefined>;
  /** Appends `document.stored` and keeps the document's metadata; returns the metadata with its record id. */
  record(payload: StoredPayload, at: number): Promise<DocumentMeta>;
};

/** The metadata, keyed by hash, in the indexer's store next to the journal. */
export function journalIndex(store: Store, lock: Lock, chainId: number): DocumentIndex {
  const metas = store.db.sublevel<string, DocumentMeta>("svc:documents", { valueEncoding: "json" }) as unknown as Sublevel;
  return {
    async get(hash) {
      return (await metas.get(hash)) as DocumentMeta | undefined;
    },
    async record(payload, at) {
      const seq = await appendOffchain(store, lock, chainId, { kind: "document.stored", id: payload.hash, at, payload });
      const meta: DocumentMeta = { ...payload, storedAt: at, recordId: String(seq) };
      await metas.put(payload.hash, meta);
      return meta;
    },
  };
}
