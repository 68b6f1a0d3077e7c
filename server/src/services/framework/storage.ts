// The narrow storage interface every service goes through: the off-chain journal (append, read) and the
// services' read models (get, put, list). The LevelDB implementation below is the indexer's store, so that a
// record, its receipt-log entry and its read-model writes land in one atomic batch; a PostgreSQL implementation
// can take over later by implementing `ServiceStorage` (one transaction per `append`). No service sees LevelDB.
import type { Actor } from "../../receipts/actor.js";
import { parseActor } from "../../receipts/actor.js";
import { notificationEffects, type CausedRequest, type Outbox } from "../../notifications/outbox.js";
import { appendOffchain, readJournal, readOffchain, type Appended, type OffchainInput } from "../../receipts/log.js";
import type { Lock } from "../../store/lock.js";
import { collectPage, cursorKey, keyRange, type Page, type PageOptions } from "../../store/paging.js";
import { type BatchOp, type Store, type Sublevel } from "../../store/store.js";
import { Refusal } from "./define.js";

/** A read-model write: `value: null` deletes the key. */
export type ModelWrite = { model: string; key: string; value: unknown };

/** A journal record as stored: actor and payload parsed from their canonical JSON. */
export type StoredRecord = { recordId: number; seq: number; kind: string; id: string; at: number; actor: Actor; payload: unknown };

export type ListOptions = { prefix?: string; after?: string; limit?: number };

export interface ServiceStorage {
  /**
   * Appends `records` to the journal and the receipt log and applies `writes` to the read models, all in one
   * durable atomic write; concurrent calls are group-committed. Resolves once it is on disk.
   */
  append(records: OffchainInput[], writes: ModelWrite[], notifications?: CausedRequest[]): Promise<Appended[]>;
  /** A lower bound of the next record id: every record appended after this call has an id at least this. */
  nextRecordId(): number;
  readRecord(recordId: number): Promise<StoredRecord | undefined>;
  /** Records in journal order from `from` (a record id) to the end as it is when called. */
  records(from?: number): AsyncIterable<StoredRecord>;
  /** A read-model value, including writes of an append still under way. */
  get<T>(model: string, key: string): Promise<T | undefined>;
  /** Stored read-model entries in key order. */
  list(model: string, options?: ListOptions): AsyncIterable<[string, unknown]>;
  /** Empties read models (to rebuild them by replaying the journal; never while commands run). */
  clear(models: string[]): Promise<void>;
  /** Writes read-model values directly, outside the journal (rebuilds only). */
  write(writes: ModelWrite[]): Promise<void>;
}

/** Read access for queries and projections. */
export type ModelReader = {
  get<T>(model: string, key: string): Promise<T | undefined>;
  /** One page of a model's entries under `prefix`; `map` turns a value into an item or skips it (a filter). */
  page<T>(model: string, options: PageOptions<T>): Promise<Page<T>>;
  /** Up to `limit` of the service's object `id`'s records from `fromVersion` (from 1), with record ids and versions. */
  history(id: string, fromVersion: number, limit: number): Promise<(StoredRecord & { version: number })[]>;
};

export type ModelTx = {
  get<T>(model: string, key: string): Promise<T | undefined>;
  put(model: string, key: string, value: unknown): void;
  del(model: string, key: string): void;
};

export type QueryContext = { address?: string; roles: readonly string[] };

export type { Page, PageOptions } from "../../store/paging.js";

const UTF8 = { valueEncoding: "utf8" } as const;

/** The indexer's LevelDB store as service storage: service read models live in sublevels `svc:<model>`. */
export function levelServiceStorage(store: Store, lock: Lock, chainId: number, outbox?: Outbox): ServiceStorage {
  const sublevels = new Map<string, Sublevel>();
  const sublevel = (model: string): Sublevel => {
    let found = sublevels.get(model);
    if (!found) {
      found = store.db.sublevel<string, unknown>(`svc:${model}`, { valueEncoding: "json" }) as unknown as Sublevel;
      sublevels.set(model, found);
    }
    return found;
  };
  // Values of appends still being written, so that the next decision or projection sees them; a write is
  // forgotten here once it is on disk (unless a later append wrote the same key again).
  const pending = new Map<string, { value: unknown; append: number }>();
  let appends = 0;
  const slot = (model: string, key: string) => `${model}\u0000${key}`;

  const toOps = (writes: ModelWrite[]): BatchOp[] =>
    writes.map((w) =>
      w.value === null
        ? { type: "del", sublevel: sublevel(w.model), key: w.key }
        : { type: "put", sublevel: sublevel(w.model), key: w.key, value: w.value },
    );

  const parse = (recordId: number, entry: Awaited<ReturnType<typeof readOffchain>>): StoredRecord | undefined => {
    if (!entry) return undefined;
    const record = entry.record;
    if (record.schema !== "gongzhi/offchain-record/v1") throw new Error(`Record ${recordId} is not an off-chain record.`);
    return {
      recordId,
      seq: entry.seq,
      kind: record.kind,
      id: record.id,
      at: record.at,
      actor: parseActor(record.actor),
      payload: JSON.parse(record.payload) as unknown,
    };
  };

  return {
    async append(records, writes, notifications = []) {
      // Checked before anything is written: a bad notification refuses the whole append.
      if (notifications.length > 0 && !outbox) throw new Error("A service asked for notifications, but this storage has no outbox; pass one to levelServiceStorage.");
      const effects = notifications.length > 0 ? notificationEffects(outbox!, records, notifications) : undefined;
      const n = ++appends;
      for (const w of writes) pending.set(slot(w.model, w.key), { value: w.value, append: n });
      try {
        const ops = toOps(writes);
        return await appendOffchain(store, lock, chainId, records, effects ? (appended) => [...ops, ...effects(appended)] : ops);
      } finally {
        for (const w of writes) {
          const key = slot(w.model, w.key);
          if (pending.get(key)?.append === n) pending.delete(key);
        }
      }
    },
    nextRecordId: () => store.nextRecordId,
    async readRecord(recordId) {
      return parse(recordId, await readOffchain(store, recordId));
    },
    async *records(from = 0) {
      for await (const entry of readJournal(store, from)) {
        if (entry.record.schema !== "gongzhi/offchain-record/v1") throw new Error(`The journal names log entry ${entry.seq}, which is not an off-chain record.`);
        yield parse(entry.record.recordId, entry)!;
      }
    },
    async get<T>(model: string, key: string) {
      const waiting = pending.get(slot(model, key));
      if (waiting) return waiting.value === null ? undefined : (waiting.value as T);
      // Synchronously, as the indexer's reads do (store.ts readModelSync): LevelDB answers from its memtable and
      // cache in microseconds, while an async get waits its turn in libuv's thread pool behind the synced
      // writes, and the engine's projection step (serialised across objects) would wait with it.
      const text = store.db.getSync(sublevel(model).prefix + key, UTF8) as string | undefined;
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
    async *list(model, options = {}) {
      const range = { ...keyRange(options.prefix ?? "", options.after), ...(options.limit === undefined ? {} : { limit: options.limit }) };
      for await (const entry of sublevel(model).iterator(range)) yield entry as [string, unknown];
    },
    async clear(models) {
      for (const model of models) await sublevel(model).clear();
    },
    async write(writes) {
      if (writes.length > 0) await store.db.batch(toOps(writes));
    },
  };
}

/** Keyset pages over a read model (store/paging.ts says how the cursor works). */
export async function readPage<T>(storage: ServiceStorage, model: string, options: PageOptions<T>): Promise<Page<T>> {
  const prefix = options.prefix ?? "";
  let after: string | undefined;
  if (options.cursor !== undefined) {
    after = cursorKey(options.cursor, prefix) ?? undefined;
    if (after === undefined) throw new Refusal(400, "invalid_cursor");
  }
  return collectPage(storage.list(model, { prefix, after }), options);
}
