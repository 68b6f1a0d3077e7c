// The indexer's LevelDB: one sublevel per entity. Everything a block range changes — records, receipt-log
// entries, read models, undo information and the checkpoint — is written in one atomic batch. The indexer writes
// it and the receipts read it, so it sits below both; the receipt log's stored form is the opener's to give.
import { Level } from "level";
import type { Hex } from "viem";

import type { AbstractBatchOperation, AbstractChainedBatch, AbstractSublevel } from "abstract-level";

type Db = Level<string, unknown>;
export type ChainedBatch = AbstractChainedBatch<Db, string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type BatchOp = AbstractBatchOperation<any, string, unknown>;
export type Sublevel = AbstractSublevel<Db, string | Buffer | Uint8Array, string, unknown>;

/** Where the indexer stands: the last block whose events are all stored, and the next log sequence number. */
export type Checkpoint = { blockNumber: number; blockHash: Hex };

/** What this data directory indexes; a restart with another chain or deployment is refused. */
export type Identity = { chainId: number; contracts: Record<string, { address: string; blockNumber: number }> };

/**
 * What a block changed, in the order it changed it: flat triples model, key, previous value (`null`: the key did
 * not exist), one array rather than one per change (a backfill records hundreds of thousands). `firstSeq`: the
 * block's first log entry, if it has any.
 */
export type BlockUndo = { changes: unknown[]; firstSeq: number | null };

export type Store = {
  db: Db;
  meta: Sublevel;
  /** Block number → hash, for the blocks of the reorg window that the indexer saw. */
  blocks: Sublevel;
  /** Block number → BlockUndo, for the blocks of the reorg window. */
  undo: Sublevel;
  /** The receipt log: sequence number → LogEntry (stored in the binary form of receipts/log-format.ts). */
  log: Sublevel;
  /** The off-chain journal's index: record id → its current sequence number in the receipt log. */
  offchain: Sublevel;
  models: Map<string, Sublevel>;
  /** Each model sublevel's key prefix in the root database, for writes that skip the sublevel machinery. */
  modelPrefixes: Map<string, string>;
  /**
   * The read-model values of the batch being written (by model, then key; null: deleted), which reads must see
   * before LevelDB has them. Replaced by the next range's once the batch is on disk; cleared on rollback.
   */
  writing: ModelValues | undefined;
  /** The next log sequence number, including a batch still being written. */
  nextSeq: number;
  /** The next off-chain record id (the journal's own numbering, which a reorg never changes). */
  nextRecordId: number;
  /** The batch being written while the indexer builds the next one (see writeBehind). */
  inflight: Promise<void> | undefined;
  failed: Error | undefined;
};

/**
 * The store's layout version, in meta: 4 = off-chain records carry a record id and an actor, indexed in
 * `offchain`; 3 = a holder's areas in one record per holder (`holderAreas`); 2 had one
 * record per scope and holder; 2 and 3 keep binary receipt-log entries without the decoded arguments (1, the
 * JSON entries of the first indexer, had no marker). A directory of another layout is refused, not misread.
 */
export const STORE_FORMAT = 4;

/** Fixed-width decimal keys sort numerically (safe integers have at most 16 digits). */
export function numKey(n: number): string {
  const digits = String(n);
  return ZEROS[digits.length] + digits; // a backfill makes several per event: no padStart's intermediate strings
}
const ZEROS = Array.from({ length: 17 }, (_, length) => "0".repeat(16 - length));

/** How the receipt log's entries are stored (receipts/log-format.ts gives the real one). */
export type LogEncoding = { name: string; format: "buffer"; encode: (entry: unknown) => Buffer; decode: (value: Buffer) => unknown };

export async function openStore(dir: string, modelNames: string[], logEncoding: LogEncoding): Promise<Store> {
  // A large write buffer: a backfill writes tens of MB per second, and LevelDB's default 4 MB buffer would stall
  // writes on level-0 compactions. No Snappy compression: most bytes are hashes and hex, which it barely shrinks,
  // and compressing them cost a backfill about a tenth of its time (docs/benchmarks.md).
  const db: Db = new Level<string, unknown>(dir, {
    valueEncoding: "json",
    writeBufferSize: 64 * 1024 * 1024,
    cacheSize: 32 * 1024 * 1024,
    compression: false,
  });
  try {
    await db.open();
  } catch (err) {
    throw new Error(
      `Cannot open the LevelDB data directory ${dir} (${(err as Error).message}); ` +
        "is another indexer using it? Stop it or pass another --data-dir.",
      { cause: err },
    );
  }
  const sub = (name: string) => db.sublevel<string, unknown>(name, { valueEncoding: "json" });
  const models = new Map<string, Sublevel>();
  const modelPrefixes = new Map<string, string>();
  for (const name of modelNames) {
    const sublevel = sub(`m:${name}`);
    models.set(name, sublevel);
    modelPrefixes.set(name, sublevel.prefix);
  }
  const meta = sub("meta");
  const log = db.sublevel<string, unknown>("log", { valueEncoding: logEncoding });
  const nextSeq = ((await meta.get("nextSeq")) as number | undefined) ?? 0;
  const nextRecordId = ((await meta.get("nextRecordId")) as number | undefined) ?? 0;
  const format = (await meta.get("format")) as number | undefined;
  if (format === undefined) {
    const empty = nextSeq === 0 && (await meta.get("checkpoint")) === undefined;
    if (!empty) await failOpen(db, `${dir} holds an index of an older layout (receipt log as JSON)`);
    await meta.put("format", STORE_FORMAT);
  } else if (format !== STORE_FORMAT) {
    await failOpen(db, `${dir} holds an index of layout ${format}, not ${STORE_FORMAT}`);
  }
  return {
    db,
    meta,
    blocks: sub("blocks"),
    undo: sub("undo"),
    log,
    offchain: sub("offchain"),
    models,
    modelPrefixes,
    writing: undefined,
    nextSeq,
    nextRecordId,
    inflight: undefined,
    failed: undefined,
  };
}

async function failOpen(db: Db, what: string): Promise<never> {
  await db.close();
  throw new Error(`${what}; this indexer cannot read it. Re-index into a fresh --data-dir.`);
}

/** Waits for the batch being written; after a failed write the process state is unknown: refuse to go on. */
export async function settled(store: Store): Promise<void> {
  await store.inflight;
  if (store.failed) {
    throw new Error(`A LevelDB write failed (${store.failed.message}); restart the indexer: it resumes from its last checkpoint.`, {
      cause: store.failed,
    });
  }
}

/**
 * Starts writing one atomic batch after the previous one; the caller goes on building the next batch meanwhile
 * (`store.writing` holds the batch's read-model values). Batches are written in order, so a crash leaves a prefix.
 */
export function writeBehind(store: Store, batch: ChainedBatch): void {
  const previous = store.inflight ?? Promise.resolve();
  store.inflight = previous.then(() =>
    store.failed
      ? batch.close()
      : batch.write().catch((err: Error) => {
          store.failed = err;
          store.writing = undefined;
        }),
  );
}

export async function closeStore(store: Store): Promise<void> {
  await store.db.close();
}

export function modelSublevel(store: Store, model: string): Sublevel {
  const sublevel = store.models.get(model);
  if (!sublevel) throw new Error(`Read model "${model}" is not declared by any reducer; add it to its ReadModel.models.`);
  return sublevel;
}

/** Read-model values by model, then key (null: deleted). */
export type ModelValues = Map<string, Map<string, { value: unknown }>>;

/** Reads a read-model value (including those of the batch being written). */
export async function readModel<T>(store: Store, model: string, key: string): Promise<T | undefined> {
  return readModelSync<T>(store, model, key);
}

/**
 * The same, synchronously: LevelDB answers from its memtable and block cache in microseconds, and an async get
 * per key would spend most of a backfill waiting on the thread pool. No cache of our own: within a range the
 * overlay of changes.ts holds every key read and written, and a JS cache of past ranges cost more in garbage
 * collection than the LevelDB reads it saved.
 */
export function readModelSync<T>(store: Store, model: string, key: string): T | undefined {
  const slot = store.writing?.get(model)?.get(key);
  if (slot) return slot.value === null ? undefined : (slot.value as T);
  const prefix = store.modelPrefixes.get(model);
  if (prefix === undefined) modelSublevel(store, model); // throws: undeclared model
  // The root database with the sublevel's prefix: what the sublevel does, without its per-call machinery.
  const text = store.db.getSync(prefix + key, UTF8) as string | undefined;
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

const UTF8 = { valueEncoding: "utf8" } as const;

export async function readCheckpoint(store: Store): Promise<Checkpoint | undefined> {
  return (await store.meta.get("checkpoint")) as Checkpoint | undefined;
}

/** The log's length once every started batch is written. */
export async function readNextSeq(store: Store): Promise<number> {
  await settled(store);
  return store.nextSeq;
}

/** Records what the directory indexes on first use; refuses another chain or deployment later. */
export async function checkIdentity(store: Store, identity: Identity): Promise<void> {
  const stored = (await store.meta.get("identity")) as Identity | undefined;
  if (!stored) {
    await store.meta.put("identity", identity);
    return;
  }
  for (const [name, c] of Object.entries(stored.contracts)) {
    const now = identity.contracts[name];
    if (stored.chainId !== identity.chainId || !now || now.address.toLowerCase() !== c.address.toLowerCase()) {
      throw new Error(
        `The data directory indexes another chain or deployment (${name} at ${c.address} on chain ${stored.chainId}); ` +
          "pass a fresh --data-dir for this deployment.",
      );
    }
  }
  if (Object.keys(identity.contracts).some((n) => !stored.contracts[n])) {
    throw new Error(
      "The deployment file lists contracts this data directory has not indexed from their deployment block; " +
        "re-index into a fresh --data-dir.",
    );
  }
}
