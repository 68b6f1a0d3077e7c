// The contract between the indexer and a read model: a reducer per event that reads and writes keys of the
// model's sublevels through a transaction. The indexer records undo information for every write, so reducers
// never handle reorgs themselves. Reads are synchronous (the range's overlay, else LevelDB's memtable and block
// cache): a backfill reduces tens of thousands of events per second, and a promise per read would dominate it.
import type { DecodedEvent } from "../decode.js";

export type ModelTx = {
  get<T>(model: string, key: string): T | undefined;
  put(model: string, key: string, value: unknown): void;
  /**
   * Writes a key that the event brings into being and that cannot have existed (a unit id the registry has just
   * counted up): its undo entry is "delete" without a lookup of a previous value. Anything else uses `put`.
   */
  create(model: string, key: string, value: unknown): void;
  del(model: string, key: string): void;
};

export type EventRecord = DecodedEvent & { seq: number };

export type Reducer = (event: EventRecord, tx: ModelTx) => void;

export type ReadModel = {
  /** The contract name, as in the deployment file. */
  contract: string;
  /** The sublevels this model writes (`m:<name>` in LevelDB). */
  models: string[];
  /** One reducer per event name; events without one are stored in the log only. */
  reducers: Record<string, Reducer>;
};
