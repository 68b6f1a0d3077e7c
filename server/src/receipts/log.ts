// The receipt log: every record gets the next sequence number and its leaf. On-chain records are appended by
// the indexer inside its block-range batch; off-chain records by `appendOffchain`, under the same lock, which
// also keeps the off-chain journal's index (record id → seq) in the same batch, so journal and log cannot differ.
import { bytesToHex, hexToBytes, type Hex } from "viem";
import type { DecodedEvent, RpcLog } from "../chain/logs.js";
import type { Lock } from "../store/lock.js";
import { numKey, readNextSeq, settled, type BatchOp, type Store } from "../store/store.js";
import { actorText, type Actor } from "./actor.js";
import { leafOf } from "./keccak.js";
import { decodeLogEntry, OnchainEntryWriter, storedLeaf, type LogEntry } from "./log-format.js";
import { canonicalJson, encodeRecord, OFFCHAIN_SCHEMA, type OffchainRecord, type Record_ } from "./record.js";

export { logEntryEncoding, OnchainEntryWriter, storedLeaf, type LogEntry } from "./log-format.js";

export function leafOfRecord(record: Record_): Hex {
  const encoded = record.schema === OFFCHAIN_SCHEMA ? encodeOffchain(record) : Buffer.from(hexToBytes(encodeRecord(record)));
  return bytesToHex(leafOf(encoded));
}

/**
 * encodeRecord of an off-chain record without viem's general encoder (a tenth of a command's time under load):
 * the ABI head of nine words (offsets of the five dynamic fields, the three numbers), then each dynamic field as
 * its length and its bytes padded to a word. Checked against encodeRecord in test/server/receipts-tree.test.ts.
 */
export function encodeOffchain(r: OffchainRecord): Buffer {
  const dynamic = [r.schema, r.kind, r.id, r.actor, r.payload].map((text) => Buffer.from(text, "utf8"));
  const padded = (n: number) => Math.ceil(n / 32) * 32;
  const size = 9 * 32 + dynamic.reduce((sum, d) => sum + 32 + padded(d.length), 0);
  const out = Buffer.alloc(size);
  const word = (slot: number, value: number) => out.writeBigUInt64BE(BigInt(value), slot * 32 + 24);
  let tail = 9 * 32;
  const slots = [0, 4, 5, 7, 8]; // schema, kind, id, actor, payload
  dynamic.forEach((d, i) => {
    word(slots[i]!, tail);
    out.writeBigUInt64BE(BigInt(d.length), tail + 24);
    d.copy(out, tail + 32);
    tail += 32 + padded(d.length);
  });
  word(1, r.seq);
  word(2, r.chainId);
  word(3, r.recordId);
  word(6, r.at);
  return out;
}

/** The log entry of a decoded on-chain log (the object form; the indexer writes OnchainEntryWriter's bytes). */
export function onchainEntry(seq: number, chainId: number, event: DecodedEvent, log: RpcLog): LogEntry {
  return decodeLogEntry(new OnchainEntryWriter(chainId).value(seq, event, log));
}

export type OffchainInput = { kind: string; id: string; at: number; actor: Actor; payload: unknown };
/** Where an appended record went: its stable journal number, its current place in the log, and its leaf. */
export type Appended = { recordId: number; seq: number; leaf: Hex };

/** An off-chain entry; `actor` and `payload` are already canonical JSON text (see actorText, canonicalJson). */
export function offchainEntry(
  seq: number,
  chainId: number,
  fields: Pick<OffchainRecord, "recordId" | "kind" | "id" | "at" | "actor" | "payload">,
): LogEntry {
  const record: OffchainRecord = {
    schema: OFFCHAIN_SCHEMA,
    seq,
    chainId,
    recordId: fields.recordId,
    kind: fields.kind,
    id: fields.id,
    at: fields.at,
    actor: fields.actor,
    payload: fields.payload,
  };
  return { seq, leaf: leafOfRecord(record), record };
}

const KIND = /^[a-z][a-z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/;
const OBJECT_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Effects written with the records: fixed ops, or a function of where the records went, for effects that name
 * a record by its recordId (known only inside the batch). The function must not throw: if it does, only its own
 * call is refused (and nothing of it written); the other calls of the group are written as usual. So is a call
 * with an operation LevelDB would refuse (a put of null or undefined), which would otherwise fail the whole batch.
 */
export type AppendOps = BatchOp[] | ((appended: Appended[]) => BatchOp[]);

type Pending = { entries: { input: OffchainInput; actor: string; payload: string }[]; ops: AppendOps; done: (result: Appended[] | Error) => void };
type Committer = { queue: Pending[]; running: boolean };
const committers = new WeakMap<Store, Committer>();

/**
 * Appends off-chain service records (payloads hold ids, hashes, enums and amounts; a personal value only as a
 * vault reference or a salted commitment) together with `ops` (read models, outbox entries…) in one atomic,
 * synced LevelDB batch: when it resolves, the records and their effects are on disk, or none of them is.
 * Calls that arrive while a batch is being written are committed together in the next one (group commit), so
 * durable appends cost one disk sync per batch, not per record. Refuses malformed input before writing.
 */
export function appendOffchain(store: Store, lock: Lock, chainId: number, inputs: OffchainInput[], ops: AppendOps = []): Promise<Appended[]> {
  let entries: Pending["entries"];
  try {
    entries = inputs.map((input) => {
      if (!KIND.test(input.kind)) throw new Error(`A record kind is "<service>.<event>" in lowercase letters and digits (e.g. "workorder.dispatched"); got ${JSON.stringify(input.kind)}.`);
      if (!OBJECT_ID.test(input.id)) throw new Error(`A record's object id is 1–128 printable ASCII characters without spaces; got ${JSON.stringify(input.id)}.`);
      if (!Number.isSafeInteger(input.at) || input.at < 0) throw new Error(`A record's time is Unix seconds (a non-negative integer); got ${input.at}.`);
      return { input, actor: actorText(input.actor), payload: canonicalJson(input.payload) };
    });
  } catch (error) {
    return Promise.reject(error as Error);
  }
  if (entries.length === 0 && Array.isArray(ops) && ops.length === 0) return Promise.resolve([]);
  let committer = committers.get(store);
  if (!committer) committers.set(store, (committer = { queue: [], running: false }));
  const c = committer;
  return new Promise<Appended[]>((resolve, reject) => {
    c.queue.push({ entries, ops, done: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
    if (!c.running) void drain(store, lock, chainId, c);
  });
}

async function drain(store: Store, lock: Lock, chainId: number, c: Committer): Promise<void> {
  c.running = true;
  try {
    while (c.queue.length > 0) {
      const group = c.queue.splice(0, c.queue.length);
      try {
        const results = await lock(() => writeGroup(store, chainId, group));
        group.forEach((p, i) => p.done(results[i]));
      } catch (error) {
        for (const p of group) p.done(error instanceof Error ? error : new Error(String(error)));
      }
    }
  } finally {
    c.running = false;
  }
}

async function writeGroup(store: Store, chainId: number, group: Pending[]): Promise<(Appended[] | Error)[]> {
  let seq = await readNextSeq(store);
  let recordId = store.nextRecordId;
  const batch: BatchOp[] = [];
  const results = group.map((p): Appended[] | Error => {
    const appended: Appended[] = [];
    const own: BatchOp[] = [];
    let s = seq;
    let r = recordId;
    for (const e of p.entries) {
      const entry = offchainEntry(s, chainId, { recordId: r, kind: e.input.kind, id: e.input.id, at: e.input.at, actor: e.actor, payload: e.payload });
      own.push({ type: "put", sublevel: store.log, key: numKey(s), value: entry });
      own.push({ type: "put", sublevel: store.offchain, key: numKey(r), value: s });
      appended.push({ recordId: r, seq: s, leaf: entry.leaf });
      s++;
      r++;
    }
    try {
      for (const op of typeof p.ops === "function" ? p.ops(appended) : p.ops) {
        // As LevelDB's own check, but refusing this call alone rather than every call of the group.
        if (op.type === "put" && (op.value === undefined || op.value === null)) throw new Error(`A batch operation's value cannot be null or undefined (key ${String(op.key)}).`);
        own.push(op);
      }
    } catch (error) {
      // Refused alone: its numbers are given to the next call, as if it had never come.
      return error instanceof Error ? error : new Error(String(error));
    }
    batch.push(...own);
    seq = s;
    recordId = r;
    return appended;
  });
  batch.push({ type: "put", sublevel: store.meta, key: "nextSeq", value: seq });
  batch.push({ type: "put", sublevel: store.meta, key: "nextRecordId", value: recordId });
  await store.db.batch(batch, { sync: true });
  store.nextSeq = seq;
  store.nextRecordId = recordId;
  return results;
}

/** An off-chain record by its journal number, wherever it now stands in the log. */
export async function readOffchain(store: Store, recordId: number): Promise<LogEntry | undefined> {
  await settled(store);
  const seq = (await store.offchain.get(numKey(recordId))) as number | undefined;
  return seq === undefined ? undefined : readEntry(store, seq);
}

/** Off-chain records in journal order from `fromRecordId` (for replaying read models). */
export async function* readJournal(store: Store, fromRecordId = 0): AsyncGenerator<LogEntry> {
  await settled(store);
  for await (const seq of store.offchain.values({ gte: numKey(fromRecordId) })) {
    const entry = await readEntry(store, seq as number);
    if (!entry) throw new Error(`The journal names log entry ${String(seq)}, which the receipt log lacks; the data directory is damaged.`);
    yield entry;
  }
}

export async function readEntry(store: Store, seq: number): Promise<LogEntry | undefined> {
  await settled(store);
  return (await store.log.get(numKey(seq))) as LogEntry | undefined;
}

/** The leaves of [first, first + count) concatenated, in log order. */
export async function readLeaves(store: Store, first: number, count: number): Promise<Buffer> {
  await settled(store);
  const out = Buffer.allocUnsafe(count * 32);
  let i = 0;
  // The stored bytes, not decoded entries: the leaf is at a fixed place.
  for await (const value of store.log.values({ gte: numKey(first), lt: numKey(first + count), valueEncoding: "buffer" })) {
    out.set(storedLeaf(value as Buffer), i * 32);
    i++;
  }
  if (i !== count) throw new Error(`The receipt log has ${i} of the leaves ${first}..${first + count - 1}; the data directory is incomplete.`);
  return out;
}
