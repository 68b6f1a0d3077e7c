// The read-model changes of one block range: an overlay that reducers read and write, plus the undo
// information of the blocks inside the reorg window (each key's value before the block first changed it).
import { modelSublevel, numKey, readModelSync, type BlockUndo, type ChainedBatch, type Store } from "../store/store.js";
import type { ModelTx } from "./models/types.js";

// Marks an undo entry whose previous value is the stored one, read once at the end of the range (the database
// does not change while a range is being built).
const STORED = Symbol("stored");

/**
 * A key's value in the range (null: absent or deleted); whether the range changed it (or only read it); and the
 * last block whose undo information has its previous value.
 */
type Slot = { value: unknown; dirty: boolean; undo: PendingUndo | undefined };
/** A block's changes so far, as BlockUndo's flat triples (a previous value may still be STORED). */
export type PendingUndo = { changes: unknown[]; firstSeq: number | null };

export type ChangeSet = {
  store: Store;
  /** By model, then key. */
  overlay: Map<string, Map<string, Slot>>;
  undo: Map<number, PendingUndo>;
  /** The block of the event being reduced, when it is inside the reorg window (its writes must be undoable). */
  current: PendingUndo | undefined;
  /** The one transaction that every reducer of the range gets (it writes for `current`). */
  tx: ModelTx;
};

/** Values go to LevelDB as JSON text under the model sublevel's prefix (what the sublevel itself would write). */
const UTF8 = { valueEncoding: "utf8" } as const;

export function beginChanges(store: Store): ChangeSet {
  const cs: ChangeSet = { store, overlay: new Map(), undo: new Map(), current: undefined, tx: undefined as unknown as ModelTx };
  const slots = (model: string): Map<string, Slot> => {
    let m = cs.overlay.get(model);
    if (!m) {
      modelSublevel(store, model); // fails early for an undeclared model
      cs.overlay.set(model, (m = new Map()));
    }
    return m;
  };
  // `known`: the key did not exist before the range (create), so its undo entry needs no lookup.
  const write = (model: string, key: string, value: unknown, known: boolean) => {
    const m = slots(model);
    const slot = m.get(key);
    const undo = cs.current;
    if (!slot) {
      if (undo) undo.changes.push(model, key, known ? null : STORED);
      m.set(key, { value, dirty: true, undo });
      return;
    }
    // Blocks only grow within a range: a slot last recorded for another block is new to this one.
    if (undo && slot.undo !== undo) {
      undo.changes.push(model, key, slot.value);
      slot.undo = undo;
    }
    slot.value = value;
    slot.dirty = true;
  };
  cs.tx = {
    get<T>(model: string, key: string): T | undefined {
      const m = slots(model);
      let slot = m.get(key);
      if (!slot) {
        // Kept as a clean slot: later reads in the range, and the undo entry of a later write, need no lookup.
        slot = { value: readModelSync<T>(store, model, key) ?? null, dirty: false, undo: undefined };
        m.set(key, slot);
      }
      return slot.value === null ? undefined : (slot.value as T);
    },
    put: (model, key, value) => write(model, key, value, false),
    create: (model, key, value) => write(model, key, value, true),
    del: (model, key) => write(model, key, null, false),
  };
  return cs;
}

/** Notes that `blockNumber` is inside the reorg window, so its changes must be undoable. */
export function trackBlock(cs: ChangeSet, blockNumber: number): PendingUndo {
  let u = cs.undo.get(blockNumber);
  if (!u) {
    u = { changes: [], firstSeq: null };
    cs.undo.set(blockNumber, u);
  }
  return u;
}

/**
 * Adds the range's read-model changes and undo information to its batch. The previous values of keys first
 * changed in this range come from the batch being written, or else from LevelDB in one getMany (on LevelDB's
 * thread, while the range's values are serialised here).
 */
export async function writeChanges(cs: ChangeSet, batch: ChainedBatch): Promise<void> {
  const { store } = cs;
  const lookups: string[] = [];
  // Where each looked-up previous value goes: a block's changes, and the index of the value in them.
  const lookedIn: unknown[][] = [];
  const lookedAt: number[] = [];
  for (const u of cs.undo.values()) {
    const changes = u.changes;
    for (let i = 2; i < changes.length; i += 3) {
      if (changes[i] !== STORED) continue;
      const model = changes[i - 2] as string;
      const key = changes[i - 1] as string;
      const slot = store.writing?.get(model)?.get(key);
      changes[i] = slot ? slot.value : null;
      if (!slot) {
        lookups.push(store.modelPrefixes.get(model)! + key);
        lookedIn.push(changes);
        lookedAt.push(i);
      }
    }
  }
  const stored = lookups.length > 0 ? store.db.getMany(lookups, UTF8) : undefined;
  stored?.catch(() => undefined); // awaited below
  for (const [model, slots] of cs.overlay) {
    const prefix = store.modelPrefixes.get(model)!;
    for (const [key, slot] of slots) {
      if (!slot.dirty) continue;
      if (slot.value === null) batch.del(prefix + key);
      else batch.put(prefix + key, JSON.stringify(slot.value), UTF8);
    }
  }
  if (stored) {
    const texts = (await stored) as (string | undefined)[];
    for (let i = 0; i < texts.length; i++) if (texts[i] !== undefined) lookedIn[i][lookedAt[i]] = JSON.parse(texts[i]!);
  }
  for (const [blockNumber, u] of cs.undo) {
    const value: BlockUndo = { changes: u.changes, firstSeq: u.firstSeq };
    batch.put(numKey(blockNumber), value, { sublevel: store.undo });
  }
}
