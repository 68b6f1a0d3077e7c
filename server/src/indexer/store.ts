// The indexer's LevelDB: one sublevel per entity. Everything a block range changes — records, receipt-log
// entries, read models, undo information and the checkpoint — is written in one atomic batch.
import { Level } from "level";
import type { Hex } from "viem";

import type { AbstractBatchOperation, AbstractSublevel } from "abstract-level";

type Db = Level<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type BatchOp = AbstractBatchOperation<any, string, unknown>;
export type Sublevel = AbstractSublevel<Db, string | Buffer | Uint8Array, string, unknown>;

/** Where the indexer stands: the last block whose events are all stored, and the next log sequence number. */
export type Checkpoint = { blockNumber: number; blockHash: Hex };

/** What this data directory indexes; a restart with another chain or deployment is refused. */
export type Identity = { chainId: number; contracts: Record<string, { address: string; blockNumber: number }> };

/** The previous value of a read-model key before a block changed it (`null`: it did not exist). */
export type UndoEntry = [model: string, key: string, previous: unknown];
export type BlockUndo = { entries: UndoEntry[]; firstSeq: number | null };

export type Store = {
  db: Db;
  meta: Sublevel;
  /** Block number → hash, for the blocks of the reorg window that the indexer saw. */
  blocks: Sublevel;
  /** Block number → BlockUndo, for the blocks of the reorg window. */
  undo: Sublevel;
  /** The receipt log: sequence number → LogEntry. */
  log: Sublevel;
  models: Map<string, Sublevel>;
  /** Write-through cache of read-model values (null: known absent); cleared on rollback. */
  cache: Map<string, unknown>;
  /** The next log sequence number, including a batch still being written. */
  nextSeq: number;
  /** The batch being written while the indexer builds the next one (see writeBehind). */
  inflight: Promise<void> | undefined;
  failed: Error | undefined;
};

const CACHE_LIMIT = 400_000;

/** Fixed-width decimal keys sort numerically. */
export function numKey(n: number): string {
  return String(n).padStart(16, "0");
}

export async function openStore(dir: string, modelNames: string[]): Promise<Store> {
  // A large write buffer: a backfill writes tens of MB per second, and LevelDB's default 4 MB buffer would stall
  // writes on level-0 compactions.
  const db: Db = new Level<string, unknown>(dir, { valueEncoding: "json", writeBufferSize: 64 * 1024 * 1024, cacheSize: 32 * 1024 * 1024 });
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
  for (const name of modelNames) models.set(name, sub(`m:${name}`));
  const meta = sub("meta");
  const nextSeq = ((await meta.get("nextSeq")) as number | undefined) ?? 0;
  return { db, meta, blocks: sub("blocks"), undo: sub("undo"), log: sub("log"), models, cache: new Map(), nextSeq, inflight: undefined, failed: undefined };
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
 * (the cache already holds the batch's values). Batches are written in order, so a crash leaves a prefix.
 */
export function writeBehind(store: Store, ops: BatchOp[]): void {
  const previous = store.inflight ?? Promise.resolve();
  store.inflight = previous.then(() =>
    store.failed
      ? undefined
      : store.db.batch(ops).catch((err: Error) => {
          store.failed = err;
          store.cache.clear();
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

export function cacheKey(model: string, key: string): string {
  return `${model}\u0000${key}`;
}

/** Reads a read-model value through the cache. */
export async function readModel<T>(store: Store, model: string, key: string): Promise<T | undefined> {
  const ck = cacheKey(model, key);
  const cached = store.cache.get(ck);
  if (cached !== undefined) return cached === null ? undefined : (cached as T);
  // getSync: LevelDB answers from its memtable and block cache in microseconds; an async get per key would
  // spend most of a backfill waiting on the thread pool.
  const value = modelSublevel(store, model).getSync(key) as T | undefined;
  rememberValue(store, ck, value ?? null);
  return value;
}

export function rememberValue(store: Store, ck: string, value: unknown): void {
  store.cache.set(ck, value);
}

/** Bounds the cache; only safe when no batch is being written (its values may exist only in the cache). */
export function trimCache(store: Store): void {
  if (store.cache.size >= CACHE_LIMIT) store.cache.clear();
}

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
