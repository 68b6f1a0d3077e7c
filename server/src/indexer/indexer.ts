// Follows the deployed contracts' events: backfills from their deployment blocks in adaptive ranges (the next
// range is fetched while the current one is stored), then follows new blocks. Each range is committed in one
// atomic batch with its checkpoint; a reorg inside the window is rolled back to the common ancestor.
import type { Hex, PublicClient } from "viem";
import type { Logger } from "../common/logger.js";
import { entryAt } from "../receipts/log-format.js";
import { offchainEntry, type LogEntry } from "../receipts/log.js";
import { beginChanges, trackBlock, writeChanges, type PendingUndo } from "./changes.js";
import { makeStoredDecoder, type IndexedContract, type StoredDecoder } from "./decode.js";
import { isChainUnavailable, shortChainError } from "../chain/errors.js";
import { blockHeader, ChainMovedError, fetchChunk, findBlockHeader, headNumber, type Chunk, type RangeState } from "./fetch.js";
import type { Lock } from "../store/lock.js";
import { makeLogReader, reseq, type LogReader } from "./prepare.js";
import type { ReadModel, Reducer } from "./models/types.js";
import {
  modelSublevel,
  numKey,
  readCheckpoint,
  readNextSeq,
  settled,
  writeBehind,
  type BatchOp,
  type BlockUndo,
  type ChainedBatch,
  type Checkpoint,
  type Store,
} from "../store/store.js";

export type { Logger } from "../common/logger.js";

export type IndexerConfig = {
  client: PublicClient;
  chainId: number;
  contracts: (IndexedContract & { startBlock: number })[];
  readModels: ReadModel[];
  store: Store;
  lock: Lock;
  /** Blocks behind the head that the indexer waits for (0 on a QBFT chain: blocks are final at once). */
  confirmations: number;
  /** How many recent blocks keep undo information; a deeper reorg stops the indexer. */
  reorgWindow: number;
  range: RangeState;
  logger?: Logger;
  /** Called before a rollback drops the log entries from `cut` on; throws to refuse (e.g. they are anchored). */
  beforeTruncate?: (cut: number) => Promise<void>;
};

export type Indexer = {
  config: IndexerConfig;
  /** Decodes the events of a range from its receipt-log entries. */
  decode: StoredDecoder;
  /** Reducers by contract, then event. */
  reducers: Map<string, Map<string, Reducer>>;
  /** Reads, decodes and makes the log entries of a block range (in a worker thread where it can). */
  read: LogReader;
  /** Where `read` prepares logs now: in the worker thread, or in this one. */
  preparing: () => "worker" | "thread";
  addresses: Hex[];
  startBlock: number;
  checkpoint: Checkpoint;
  nextSeq: number;
  /** How the following goes, for /api/health and the read routes' lag headers. */
  status: FollowStatus;
};

export type FollowStatus = {
  /** The chain's head block when the indexer last read it, and when (ms since epoch). */
  head?: number;
  headAt?: number;
  /** When the indexer last caught up with that head. */
  syncedAt?: number;
  /** Set while rounds fail: since when, the last error's first line, and whether the node was unreachable. */
  failing?: { since: number; error: string; unreachable: boolean };
};

/** A reorg deeper than the window: the store cannot be rolled back; a human must decide. */
export class ReorgTooDeepError extends Error {}

const ZERO_HASH = `0x${"0".repeat(64)}` as Hex;

/** Ranges fetched ahead of the one being stored. */
const PREFETCH_RANGES = 3;
/** applyChunk lets the event loop run every this many events, so that prefetched answers are read meanwhile. */
const YIELD_EVERY = 1000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function createIndexer(config: IndexerConfig): Promise<Indexer> {
  if (config.contracts.length === 0) throw new Error("The deployment lists no contracts to index; deploy first.");
  const reducers = new Map<string, Map<string, Reducer>>();
  for (const model of config.readModels) {
    const byEvent = reducers.get(model.contract) ?? new Map<string, Reducer>();
    reducers.set(model.contract, byEvent);
    for (const [event, reducer] of Object.entries(model.reducers)) byEvent.set(event, reducer);
  }
  const startBlock = Math.min(...config.contracts.map((c) => c.startBlock));
  let checkpoint = await readCheckpoint(config.store);
  if (!checkpoint) {
    // Nothing indexed yet: start just before the first deployment block.
    const blockHash = startBlock === 0 ? ZERO_HASH : (await blockHeader(config.client, startBlock - 1)).hash;
    checkpoint = { blockNumber: startBlock - 1, blockHash };
  }
  const addresses = config.contracts.map((c) => c.address.toLowerCase() as Hex);
  const reader = makeLogReader(config.client, {
    chainId: config.chainId,
    contracts: config.contracts.map(({ name, address, abi }) => ({ name, address, abi })),
    addresses,
  });
  await reader.started;
  return {
    config,
    decode: makeStoredDecoder(config.contracts),
    reducers,
    read: reader.read,
    preparing: reader.where,
    addresses,
    startBlock,
    checkpoint,
    nextSeq: await readNextSeq(config.store),
    status: {},
  };
}

/** Drops the undo information and block hashes that fell below the reorg window. */
async function prune(store: Store, floor: number, batch: ChainedBatch): Promise<void> {
  for (const sublevel of [store.undo, store.blocks]) {
    for await (const key of sublevel.keys({ lte: numKey(floor) })) batch.del(key, { sublevel });
  }
}

const BUFFER = { valueEncoding: "buffer" } as const;

/**
 * Stores one range: records, log entries, read models, undo information and checkpoint, in one batch. Returns
 * whether its entries had to be made again for other sequence numbers.
 */
async function applyChunk(ix: Indexer, chunk: Chunk, windowFloor: number): Promise<boolean> {
  const { store } = ix.config;
  const cs = beginChanges(store);
  const hashes = new Map<number, Hex>();
  if (store.failed) await settled(store);
  // One native WriteBatch, filled as the range is processed and written atomically at the end.
  const batch = store.db.batch();
  let renumbered: boolean;
  try {
    // From the store, not the indexer: off-chain appends advance the log between ranges, and the entries were
    // made for the sequence numbers expected when the range was fetched.
    let seq = store.nextSeq;
    renumbered = chunk.prepared.firstSeq !== seq;
    const prepared = renumbered ? reseq(chunk.prepared, seq) : chunk.prepared;
    const logPrefix = store.log.prefix;
    let block = -1;
    let undo: PendingUndo | undefined;
    let sinceYield = 0;
    const decode = ix.decode();
    for (let i = 0; i < prepared.count; i++) {
      const value = entryAt(prepared.entries, i);
      const event = decode(value);
      if (event.blockNumber !== block) {
        block = event.blockNumber;
        undo = block > windowFloor ? trackBlock(cs, block) : undefined;
        if (undo) hashes.set(block, event.blockHash);
      }
      if (undo && undo.firstSeq === null) undo.firstSeq = seq;
      batch.put(logPrefix + numKey(seq), value, BUFFER);
      const reducer = ix.reducers.get(event.contract)?.get(event.event);
      if (reducer) {
        cs.current = undo;
        reducer(event, cs.tx);
      }
      seq++;
      if (++sinceYield === YIELD_EVERY) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
    }
    if (chunk.to > windowFloor) hashes.set(chunk.to, chunk.toHash);
    for (const [n, hash] of hashes) batch.put(numKey(n), hash, { sublevel: store.blocks });
    await writeChanges(cs, batch);
    await prune(store, windowFloor, batch);
    const checkpoint: Checkpoint = { blockNumber: chunk.to, blockHash: chunk.toHash };
    batch.put("checkpoint", checkpoint, { sublevel: store.meta });
    batch.put("nextSeq", seq, { sublevel: store.meta });
    // The previous range must be on disk before its values may leave store.writing for this range's.
    await settled(store);
    store.writing = cs.overlay;
    writeBehind(store, batch);
    store.nextSeq = seq;
    ix.checkpoint = checkpoint;
    ix.nextSeq = seq;
  } catch (err) {
    await batch.close();
    throw err;
  }
  return renumbered;
}

/** The highest stored block whose hash the chain still has. */
async function findAncestor(ix: Indexer, head: number): Promise<Checkpoint> {
  const floor = head - ix.config.reorgWindow;
  for await (const [key, hash] of ix.config.store.blocks.iterator({ lte: numKey(ix.checkpoint.blockNumber), reverse: true })) {
    const n = Number(key);
    if (n < floor) break;
    if ((await findBlockHeader(ix.config.client, n))?.hash === hash) return { blockNumber: n, blockHash: hash as Hex };
  }
  if (ix.startBlock - 1 >= floor) {
    const blockHash = ix.startBlock === 0 ? ZERO_HASH : (await blockHeader(ix.config.client, ix.startBlock - 1)).hash;
    return { blockNumber: ix.startBlock - 1, blockHash };
  }
  throw new ReorgTooDeepError(
    `The chain changed below the reorg window (${ix.config.reorgWindow} blocks under head ${head}); the store cannot be ` +
      "rolled back. Stop, raise --reorg-window or --confirmations, and re-index into a fresh --data-dir.",
  );
}

/** Undoes every block above `ancestor`: read models, records, log entries (off-chain ones are re-appended). */
async function rollback(ix: Indexer, ancestor: Checkpoint): Promise<void> {
  const { store } = ix.config;
  await settled(store);
  const ops: BatchOp[] = [];
  const restore = new Map<string, [string, string, unknown]>();
  let cut: number | null = null;
  for await (const [key, value] of store.undo.iterator({ gt: numKey(ancestor.blockNumber), reverse: true })) {
    const undo = value as BlockUndo;
    for (let i = undo.changes.length - 3; i >= 0; i -= 3) {
      const model = undo.changes[i] as string;
      const k = undo.changes[i + 1] as string;
      restore.set(`${model}\u0000${k}`, [model, k, undo.changes[i + 2]]); // the earliest block's value wins
    }
    if (undo.firstSeq !== null) cut = cut === null ? undo.firstSeq : Math.min(cut, undo.firstSeq);
    ops.push({ type: "del", sublevel: store.undo, key });
  }
  for await (const key of store.blocks.keys({ gt: numKey(ancestor.blockNumber) })) ops.push({ type: "del", sublevel: store.blocks, key });
  for (const [model, key, previous] of restore.values()) {
    const sublevel = modelSublevel(store, model);
    ops.push(previous === null ? { type: "del", sublevel, key } : { type: "put", sublevel, key, value: previous });
  }
  let nextSeq = await readNextSeq(store);
  if (cut !== null) {
    await ix.config.beforeTruncate?.(cut);
    nextSeq = cut;
    const offchain: LogEntry[] = [];
    for await (const [key, value] of store.log.iterator({ gte: numKey(cut) })) {
      const entry = value as LogEntry;
      if (entry.record.schema !== "gongzhi/onchain-log/v1") offchain.push(entry);
      ops.push({ type: "del", sublevel: store.log, key });
    }
    // Off-chain records do not depend on the chain: they keep their order and get the next numbers.
    for (const entry of offchain) {
      const { schema: _schema, seq: _seq, chainId: _chainId, ...fields } = entry.record as Extract<LogEntry["record"], { kind: string }>;
      const moved = offchainEntry(nextSeq, ix.config.chainId, fields);
      ops.push({ type: "put", sublevel: store.log, key: numKey(nextSeq), value: moved });
      ops.push({ type: "put", sublevel: store.offchain, key: numKey(fields.recordId), value: nextSeq });
      nextSeq++;
    }
  }
  ops.push({ type: "put", sublevel: store.meta, key: "checkpoint", value: ancestor });
  ops.push({ type: "put", sublevel: store.meta, key: "nextSeq", value: nextSeq });
  // Moved off-chain records exist nowhere else: their new places reach the disk before the rollback returns.
  await store.db.batch(ops, { sync: ops.some((op) => op.sublevel === store.offchain) });
  store.writing = undefined;
  store.nextSeq = nextSeq;
  ix.checkpoint = ancestor;
  ix.nextSeq = nextSeq;
}

export type SyncResult = { head: number; indexedTo: number; events: number; reorgs: number };

/** Indexes up to head − confirmations; returns when caught up. */
export async function syncOnce(ix: Indexer): Promise<SyncResult> {
  const { client, lock, confirmations, reorgWindow, range, logger } = ix.config;
  const head = await headNumber(client);
  ix.status.head = head;
  ix.status.headAt = Date.now();
  const target = head - confirmations;
  const windowFloor = head - reorgWindow;
  let events = 0;
  let reorgs = 0;
  // Ranges are requested ahead while earlier ones are stored, so that the node (and the worker that prepares
  // the logs) always has the next ones to work on. A range starts after the planned end of the one before it
  // and its entries continue that one's sequence numbers; a range that came out otherwise (shrunk after a "too
  // large" answer, or numbered before an off-chain append) is noticed when it is stored, and the ranges behind
  // it are requested again.
  let ahead: Promise<Chunk>[] = [];
  let nextFrom = 0;
  const fill = () => {
    if (ahead.length === 0) nextFrom = ix.checkpoint.blockNumber + 1;
    while (ahead.length < PREFETCH_RANGES && nextFrom <= target) {
      const to = Math.min(target, nextFrom + range.size - 1);
      const next = fetchChunk(client, ix.read, nextFrom, to, range, ahead.length === 0 ? ix.config.store.nextSeq : null);
      next.catch(() => undefined); // awaited later, or dropped after a reorg
      ahead.push(next);
      nextFrom = to + 1;
    }
  };
  while (ix.checkpoint.blockNumber < target) {
    fill();
    let c: Chunk;
    try {
      c = await ahead.shift()!;
    } catch (err) {
      ahead = [];
      if (err instanceof ChainMovedError) continue;
      throw err;
    }
    // Entries made for other sequence numbers (an off-chain append came between) are made again; the ranges
    // fetched after it would be too, so they are fetched again instead.
    let renumbered = false;
    const moved = await lock(async () => {
      if (c.from !== ix.checkpoint.blockNumber + 1) return true; // an off-chain append cannot move it; a rollback can
      if (c.fromParentHash !== ix.checkpoint.blockHash) {
        const ancestor = await findAncestor(ix, head);
        logger?.warn({ from: ix.checkpoint.blockNumber, to: ancestor.blockNumber }, "chain reorganised: rolling back");
        await rollback(ix, ancestor);
        reorgs++;
        return true;
      }
      renumbered = await applyChunk(ix, c, windowFloor);
      events += c.prepared.count;
      // Debug only: where a crash would leave the store (this range's batch is being written, not yet on disk).
      logger?.debug({ from: c.from, to: c.to, events: c.prepared.count }, "range stored");
      return false;
    });
    if (moved || renumbered) ahead = [];
  }
  await settled(ix.config.store);
  return { head, indexedTo: ix.checkpoint.blockNumber, events, reorgs };
}

/**
 * Also detects a reorg that happened while no new block arrived (same height, other hash). Only an answer of
 * the node counts as evidence: a header read that fails (node down, timeout) throws and the round is retried,
 * and "no such block" (the chain got shorter) or another hash is checked against the stored blocks first.
 */
async function checkTip(ix: Indexer): Promise<boolean> {
  if (ix.checkpoint.blockNumber < ix.startBlock) return false;
  const header = await findBlockHeader(ix.config.client, ix.checkpoint.blockNumber);
  if (header && header.hash === ix.checkpoint.blockHash) return false;
  const head = await headNumber(ix.config.client);
  return ix.config.lock(async () => {
    const ancestor = await findAncestor(ix, head);
    if (ancestor.blockNumber === ix.checkpoint.blockNumber && ancestor.blockHash === ix.checkpoint.blockHash) return false;
    ix.config.logger?.warn({ from: ix.checkpoint.blockNumber, to: ancestor.blockNumber }, "chain reorganised: rolling back");
    await rollback(ix, ancestor);
    return true;
  });
}

export type FollowOptions = {
  pollMs: number;
  signal?: AbortSignal;
  exitAtHead?: boolean;
  /** The longest wait between failed rounds (2 s unless said): the indexer resumes this soon after the node returns. */
  retryMaxMs?: number;
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

/** Syncs, then polls for new blocks until aborted (or until caught up, with exitAtHead). */
export async function follow(ix: Indexer, options: FollowOptions): Promise<void> {
  const logger = ix.config.logger;
  const retryMaxMs = Math.max(options.retryMaxMs ?? 2000, options.pollMs);
  let delay = options.pollMs;
  while (!options.signal?.aborted) {
    try {
      await checkTip(ix);
      const r = await syncOnce(ix);
      if (r.events > 0 || r.reorgs > 0) logger?.info({ indexedTo: r.indexedTo, head: r.head, events: r.events, nextSeq: ix.nextSeq }, "indexed");
      if (ix.status.failing) logger?.info({ indexedTo: r.indexedTo, failedForMs: Date.now() - ix.status.failing.since }, "indexing resumed");
      ix.status.failing = undefined;
      ix.status.syncedAt = Date.now();
      delay = options.pollMs;
      if (options.exitAtHead) return;
    } catch (err) {
      // A reorg deeper than the window needs a human: stop. Anything else may pass (a node restarting, a
      // timeout, a refused anchoring rollback being fixed): retry, backing off to at most retryMaxMs so that
      // indexing resumes within seconds of the node's return.
      if (err instanceof ReorgTooDeepError) {
        // Health shows it (indexer_failing) for as long as the process keeps serving the store's reads.
        ix.status.failing = { since: ix.status.failing?.since ?? Date.now(), error: err.message, unreachable: false };
        logger?.error({ err: err.message }, "indexer stopped: a reorg deeper than the window needs a human decision");
        throw err;
      }
      const unreachable = isChainUnavailable(err);
      const error = shortChainError(err);
      if (!ix.status.failing || ix.status.failing.error !== error) {
        if (unreachable) logger?.warn({ err: error }, "chain node unreachable; retrying");
        else logger?.error({ err: error }, "indexing failed; retrying");
      }
      ix.status.failing = { since: ix.status.failing?.since ?? Date.now(), error, unreachable };
      delay = Math.min(delay * 2, retryMaxMs);
    }
    await sleep(delay, options.signal);
  }
}
