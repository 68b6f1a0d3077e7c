// The read-model changes of one block range: an overlay that reducers read and write, plus the undo
// information of the blocks inside the reorg window (each key's value before the block first changed it).
import { cacheKey, modelSublevel, type BatchOp, numKey, readModel, rememberValue, type BlockUndo, type Store, type UndoEntry } from "./store.js";
import type { ModelTx } from "./models/types.js";

// Marks an undo entry whose previous value is the stored one, read once at the end of the range (the database
// does not change while a range is being built).
const STORED = Symbol("stored");

type Slot = { model: string; key: string; value: unknown };
type PendingUndo = { entries: [string, string, unknown][]; firstSeq: number | null; touched: Set<string> };

export type ChangeSet = {
  store: Store;
  overlay: Map<string, Slot>;
  undo: Map<number, PendingUndo>;
};

export type { BatchOp };

export function beginChanges(store: Store): ChangeSet {
  return { store, overlay: new Map(), undo: new Map() };
}

/** Notes that `blockNumber` is inside the reorg window, so its changes must be undoable. */
export function trackBlock(cs: ChangeSet, blockNumber: number): PendingUndo {
  let u = cs.undo.get(blockNumber);
  if (!u) {
    u = { entries: [], firstSeq: null, touched: new Set() };
    cs.undo.set(blockNumber, u);
  }
  return u;
}

/** The transaction a reducer sees for one event; `undo` is set when the event's block is in the reorg window. */
export function modelTx(cs: ChangeSet, undo: PendingUndo | undefined): ModelTx {
  const write = (model: string, key: string, value: unknown) => {
    modelSublevel(cs.store, model); // fails early for an undeclared model
    const ck = cacheKey(model, key);
    if (undo && !undo.touched.has(ck)) {
      undo.touched.add(ck);
      const slot = cs.overlay.get(ck);
      undo.entries.push([model, key, slot ? slot.value : STORED]);
    }
    cs.overlay.set(ck, { model, key, value });
  };
  return {
    async get<T>(model: string, key: string) {
      const slot = cs.overlay.get(cacheKey(model, key));
      if (slot) return slot.value === null ? undefined : (slot.value as T);
      return readModel<T>(cs.store, model, key);
    },
    put: (model, key, value) => write(model, key, value),
    del: (model, key) => write(model, key, null),
  };
}

/** The batch operations of the range's read-model changes and undo information. */
export async function changeOps(cs: ChangeSet): Promise<BatchOp[]> {
  const ops: BatchOp[] = [];
  for (const slot of cs.overlay.values()) {
    const sublevel = modelSublevel(cs.store, slot.model);
    ops.push(slot.value === null ? { type: "del", sublevel, key: slot.key } : { type: "put", sublevel, key: slot.key, value: slot.value });
  }
  for (const [blockNumber, u] of cs.undo) {
    const entries: UndoEntry[] = [];
    for (const [model, key, previous] of u.entries) {
      entries.push([model, key, previous === STORED ? ((await readModel(cs.store, model, key)) ?? null) : previous]);
    }
    const value: BlockUndo = { entries, firstSeq: u.firstSeq };
    ops.push({ type: "put", sublevel: cs.store.undo, key: numKey(blockNumber), value });
  }
  return ops;
}

/** After the batch is written, the cache learns the new values. */
export function applyToCache(cs: ChangeSet): void {
  for (const [ck, slot] of cs.overlay) rememberValue(cs.store, ck, slot.value);
}
