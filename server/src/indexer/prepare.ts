// Turns a range's raw logs into what applyChunk stores: receipt-log entries (canonical encoding, leaf, stored form)
// for sequence numbers from `firstSeq`; the indexer decodes each event for the read models from its entry's bytes
// as it reduces it (decode.ts, makeStoredDecoder). This is most of the CPU of a backfill that does not touch the
// database, so it runs in a worker thread (prepare-worker.ts) that also reads and parses the node's answers, in
// parallel with the storing of earlier ranges; in this thread when a worker cannot be had (a transport without a
// URL, or a runtime without workers).
import { Worker } from "node:worker_threads";
import type { Hex, PublicClient } from "viem";
import { entryAt, EntryPacker, OnchainEntryWriter, reseqStoredEntry, type PackedEntries } from "../receipts/log-format.js";
import { makeDecoder, type IndexedContract, type RpcLog } from "./decode.js";

export type PreparedLogs = {
  count: number;
  /** The receipt-log entries' stored form (receipts/log-format.ts), one per log, numbered from `firstSeq`. */
  entries: PackedEntries;
  firstSeq: number;
  /** Some log was marked removed (the node saw a reorg while answering). */
  removed: boolean;
  /** The block hashes the logs give for blocks `from` and `to` (checked against the headers). */
  hashesAt: (block: number) => string[];
};

/**
 * Reads and prepares the logs of blocks [from, to], numbering the entries from `firstSeq`, or (null) right after
 * those of the previous request that succeeded (requests are answered in order). Numbers can come out wrong
 * (after a failed request, or an off-chain append): the indexer checks `firstSeq` and renumbers.
 */
export type LogReader = (from: number, to: number, firstSeq: number | null) => Promise<PreparedLogs>;

/** Chains requests' sequence numbers: each one's base is the end of the one before it, unless given. */
export function sequencer(): (firstSeq: number | null, prepared: (base: number) => Promise<PreparedLogs>) => Promise<PreparedLogs> {
  let lastEnd: Promise<number> = Promise.resolve(0);
  return (firstSeq, prepare) => {
    const previous = lastEnd;
    const result = (firstSeq === null ? previous : Promise.resolve(firstSeq)).then(prepare);
    lastEnd = result.then(
      (r) => r.firstSeq + r.count,
      () => previous, // a failed request takes no numbers
    );
    return result;
  };
}

export type PrepareSetup = { chainId: number; contracts: IndexedContract[]; addresses: Hex[] };

const toHex = (n: number) => `0x${n.toString(16)}`;

export function getLogsParams(addresses: Hex[], from: number, to: number) {
  return [{ address: addresses, fromBlock: toHex(from), toBlock: toHex(to) }];
}

/**
 * The preparation itself, the same in the worker and in this thread. Only the events' names are decoded here:
 * the arguments are decoded from the entries' bytes when the range is stored.
 */
export function makePreparer(setup: PrepareSetup): (logs: RpcLog[], firstSeq: number, from: number, to: number) => PreparedLogs {
  const named = makeDecoder(setup.contracts, { args: false });
  const writer = new OnchainEntryWriter(setup.chainId);
  return (logs, firstSeq, from, to) => {
    const packer = new EntryPacker(logs.length);
    const edges = new Map<number, Set<string>>([
      [from, new Set()],
      [to, new Set()],
    ]);
    let removed = false;
    for (let i = 0; i < logs.length; i++) {
      const log = logs[i];
      const event = named(log);
      writer.append(packer, firstSeq + i, event, log);
      edges.get(event.blockNumber)?.add(event.blockHash);
      if (log.removed) removed = true;
    }
    const edgeHashes = new Map([...edges].map(([n, set]) => [n, [...set]]));
    return { count: logs.length, entries: packer.finish(), firstSeq, removed, hashesAt: (block) => edgeHashes.get(block) ?? [] };
  };
}

/** Gives prepared logs new sequence numbers (an off-chain append took the ones they were made for). */
export function reseq(prepared: PreparedLogs, firstSeq: number): PreparedLogs {
  const packer = new EntryPacker(prepared.count, prepared.entries.offsets[prepared.count]);
  for (let i = 0; i < prepared.count; i++) packer.push(reseqStoredEntry(entryAt(prepared.entries, i), firstSeq + i));
  return { ...prepared, entries: packer.finish(), firstSeq };
}

function inThreadReader(client: PublicClient, setup: PrepareSetup): { read: LogReader; end: () => Promise<number> } {
  const prepare = makePreparer(setup);
  const numbered = sequencer();
  let last: Promise<PreparedLogs> | undefined;
  const read: LogReader = (from, to, firstSeq) => {
    const logs = client.request({ method: "eth_getLogs", params: getLogsParams(setup.addresses, from, to) as never }) as Promise<RpcLog[]>;
    last = numbered(firstSeq, async (base) => prepare(await logs, base, from, to));
    return last;
  };
  // Where the last request's numbers end (for a switch to the worker in the middle of a sync).
  const end = async () => (last ? last.then((r) => r.firstSeq + r.count) : 0);
  return { read, end };
}

export type WorkerRequest = { id: number; from: number; to: number; firstSeq: number | null };

export type WorkerReply =
  | {
      id: number;
      ok: true;
      count: number;
      buffer: ArrayBuffer;
      offsets: Uint32Array;
      firstSeq: number;
      removed: boolean;
      /** Block number → the block hashes its logs give, for the first and last block of the range. */
      edgeHashes: [number, string[]][];
    }
  | { id: number; ok: false; message: string };
export type WorkerSetup = PrepareSetup & { url: string; timeoutMs: number };

/** Unpacks a worker's reply: the entries as one buffer with offsets. */
function unpack(reply: Extract<WorkerReply, { ok: true }>): PreparedLogs {
  const edges = new Map(reply.edgeHashes);
  return {
    count: reply.count,
    entries: { count: reply.count, bytes: Buffer.from(reply.buffer), offsets: reply.offsets },
    firstSeq: reply.firstSeq,
    removed: reply.removed,
    hashesAt: (block) => edges.get(block) ?? [],
  };
}

const WORKER_URL = new URL(import.meta.url.endsWith(".ts") ? "./prepare-worker.ts" : "./prepare-worker.js", import.meta.url);

/**
 * The worker's execArgv (undefined: it inherits the parent's). Run from TypeScript sources, the worker needs a
 * TypeScript loader: tsx's own command passes one in execArgv, which workers inherit; Hardhat's (tests,
 * benchmarks) registers its loader in-process, which workers do not inherit: there the worker gets tsx's. An
 * explicit execArgv carries the parent's module hooks only, because a worker refuses process-wide flags in it
 * (`node --trace-gc …` would otherwise stop the indexer from starting).
 */
export function workerExecArgv(parentArgv: readonly string[], fromSources: boolean): string[] | undefined {
  if (!fromSources || parentArgv.some((arg) => arg.includes("tsx"))) return undefined;
  const hooks: string[] = [];
  for (let i = 0; i < parentArgv.length; i++) {
    const flag = parentArgv[i];
    if (HOOK_WITH_VALUE.test(flag)) hooks.push(flag);
    else if (HOOK.test(flag) && i + 1 < parentArgv.length) hooks.push(flag, parentArgv[++i]);
  }
  return [...hooks, "--import", "tsx"];
}
const HOOK = /^(--import|--require|-r|--loader|--experimental-loader|--conditions|-C)$/;
const HOOK_WITH_VALUE = /^--(import|require|loader|experimental-loader|conditions)=/;

/** How long startup waits for the worker to load before it starts in this thread anyway. */
const WORKER_START_MS = 15_000;

/**
 * A reader whose requests go to a worker thread (which reads eth_getLogs over HTTP itself) once it has started;
 * in this thread before that, and if the worker dies. `started` resolves once the worker has loaded (or failed,
 * or after WORKER_START_MS): the indexer awaits it at startup, so that a backfill does not begin on the main
 * thread, which stores ranges. The worker does not keep the process alive while no answer is awaited.
 */
export type LogReaderHandle = {
  read: LogReader;
  started: Promise<void>;
  /** Where requests go now: the worker thread, or this thread (before it started, if it died, or by choice). */
  where: () => "worker" | "thread";
};

export function makeLogReader(client: PublicClient, setup: PrepareSetup): LogReaderHandle {
  const inThread = inThreadReader(client, setup);
  const url = (client.transport as { url?: string }).url;
  if (!url || process.env.GONGZHI_PREPARE_IN_THREAD === "1") return { read: inThread.read, started: Promise.resolve(), where: () => "thread" };
  let ready = false;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
    setTimeout(resolve, WORKER_START_MS).unref();
  });
  let broken = false;
  let onWorker = false;
  let nextId = 0;
  type Pending = { resolve: (p: PreparedLogs) => void; reject: (e: Error) => void };
  const pending = new Map<number, Pending>();
  // The worker's own requests time out like the client's, so a frozen node stops it as soon as the main thread.
  const timeoutMs = (client.transport as { timeout?: number }).timeout ?? 60_000;
  const workerSetup: WorkerSetup = { ...setup, url, timeoutMs };
  let worker: Worker;
  try {
    const execArgv = workerExecArgv(process.execArgv, WORKER_URL.pathname.endsWith(".ts"));
    worker = new Worker(WORKER_URL, { workerData: workerSetup, execArgv });
  } catch {
    // A runtime that cannot start this worker still indexes, in this thread.
    return { read: inThread.read, started: Promise.resolve(), where: () => "thread" };
  }
  const fail = (err: Error) => {
    broken = true;
    markStarted();
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on("message", (reply: WorkerReply | { ready: true }) => {
    if ("ready" in reply) {
      ready = true;
      markStarted();
      if (pending.size === 0) worker.unref(); // idle: the worker alone does not keep the process alive
      return;
    }
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref(); // idle: the worker alone does not keep the process alive
    if (reply.ok) p.resolve(unpack(reply));
    else p.reject(Object.assign(new Error(reply.message), { details: reply.message }));
  });
  worker.on("error", (err) => fail(err));
  worker.on("exit", (code) => fail(new Error(`The log-preparing worker exited (${code}).`)));
  const send = (from: number, to: number, firstSeq: number | null) =>
    new Promise<PreparedLogs>((resolve, reject) => {
      if (pending.size === 0) worker.ref(); // an answer is awaited
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, from, to, firstSeq } satisfies WorkerRequest);
    });
  const read: LogReader = (from, to, firstSeq) => {
    if (broken || !ready) return inThread.read(from, to, firstSeq);
    if (onWorker) return send(from, to, firstSeq);
    onWorker = true;
    // The first request on the worker continues the numbers of the last one made here.
    return firstSeq !== null ? send(from, to, firstSeq) : inThread.end().then((base) => send(from, to, base), () => send(from, to, null));
  };
  return { read, started, where: () => (ready && !broken ? "worker" : "thread") };
}
