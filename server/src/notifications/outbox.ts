// The outbox in the indexer's LevelDB, behind a narrow interface (a PostgreSQL outbox would be a table written
// in the command's transaction). Entries are created only as batch operations that the caller writes in the SAME
// atomic batch as the records that cause them: a command acknowledged is a notification never lost, and a
// command refused leaves no notification behind. Afterwards only the delivery worker changes an entry, one
// transition at a time, each transition one atomic batch of the entry and its indexes.
import { randomBytes } from "node:crypto";
import { isAddress } from "viem";
import { isPersonId } from "../vault/fields.js";
import { appendOffchain, type Appended, type OffchainInput } from "../receipts/log.js";
import type { Lock } from "../store/lock.js";
import { numKey, type BatchOp, type Store, type Sublevel } from "../store/store.js";
import { commit } from "../vault/commitment.js";
import { checkTemplateParams } from "./templates.js";
import {
  CHANNELS,
  OUTBOX_STATES,
  OutboxError,
  type Channel,
  type NotificationRequest,
  type OutboxCounts,
  type OutboxEntry,
  type OutboxState,
} from "./types.js";

export type Page<T> = { items: T[]; nextCursor?: string };

export interface Outbox {
  /**
   * The batch operations that enqueue these notifications, for the caller to write in the same atomic batch as
   * the records that cause them. Validates every request first (template, parameters, recipient): a bad one
   * throws an OutboxError and nothing is returned.
   */
  enqueueOps(requests: NotificationRequest[], now?: number): { ops: BatchOp[]; entries: OutboxEntry[] };
  /** Enqueues on its own, for a notification that no record causes. */
  enqueue(requests: NotificationRequest[], now?: number): Promise<OutboxEntry[]>;
  get(deliveryId: string): Promise<OutboxEntry | undefined>;
  /** Entries due at `now` (pending or failed, `nextAttemptAt` ≤ now), the longest waiting first. */
  due(now: number, limit: number): Promise<OutboxEntry[]>;
  /** When the next entry is due, if any waits. */
  nextDueAt(): Promise<number | undefined>;
  /** Starts an attempt: the entry becomes `sending` with one more attempt, durably, before anything is sent. */
  claim(deliveryId: string, now: number): Promise<OutboxEntry | undefined>;
  /** Records the outcome of an attempt (`next` is the entry as the worker settled it). */
  settle(next: OutboxEntry): Promise<void>;
  /** Puts a dead or skipped entry back in the queue (an operator's decision), with its attempts reset. */
  requeue(deliveryId: string, now: number): Promise<OutboxEntry>;
  /** Entries in one state, oldest first, by keyset pages (the cursor is opaque). */
  list(state: OutboxState, options: { limit: number; cursor?: string }): Promise<Page<OutboxEntry>>;
  counts(now?: number): Promise<OutboxCounts>;
  /**
   * Deletes sent and skipped entries settled before `before` (ms): they name a person and what they were told,
   * and are kept only as long as that is useful. Dead letters stay until an operator handles them. Their
   * anchored outcome records remain, naming the recipient by a commitment whose salt goes with the entry.
   */
  prune(before: number): Promise<number>;
}

const TERMINAL: OutboxState[] = ["sent", "dead", "skipped"];
const WAITING: OutboxState[] = ["pending", "failed"];
const DEFAULT_CHANNELS: Channel[] = ["wechat", "sms"];

/** A state index key: entries of a state in the order they were created. */
function stateKey(e: Pick<OutboxEntry, "state" | "createdAt" | "deliveryId">): string {
  return `${e.state}/${numKey(e.createdAt)}:${e.deliveryId}`;
}

/** A due index key: waiting entries in the order they fall due. */
function dueKey(e: Pick<OutboxEntry, "nextAttemptAt" | "deliveryId">): string {
  return `${numKey(e.nextAttemptAt ?? 0)}:${e.deliveryId}`;
}

function checkRequest(request: NotificationRequest): void {
  const bad = (what: string) => new OutboxError("invalid_notification", what);
  const to = request.to as Record<string, unknown>;
  if ("personId" in to) {
    if (typeof to.personId !== "string" || !isPersonId(to.personId)) throw bad("A recipient's personId is the directory's opaque id (1–64 letters, digits, - or _), never a name or phone.");
  } else if (!("address" in to) || typeof to.address !== "string" || !isAddress(to.address)) {
    throw bad("A recipient is { personId } or { address } (a 0x address).");
  }
  checkTemplateParams(request.template, request.params);
  const channels = request.channels ?? DEFAULT_CHANNELS;
  if (!Array.isArray(channels) || channels.length === 0 || channels.some((c) => !CHANNELS.includes(c))) {
    throw bad(`Channels are a non-empty list of ${CHANNELS.join(", ")}.`);
  }
  if (request.language !== undefined && request.language !== "zh-CN" && request.language !== "en") throw bad("A language is zh-CN or en.");
  const cause = request.cause as Record<string, unknown> | undefined;
  if (!cause || typeof cause.kind !== "string" || !/^[a-z][a-zA-Z0-9]*\.[a-zA-Z0-9.]+$/.test(cause.kind) || typeof cause.id !== "string" || cause.id.length === 0 || cause.id.length > 200) {
    throw bad("A notification names the record that caused it: cause { kind: '<service>.<event>', id, recordId? }.");
  }
  if (cause.recordId !== undefined && (!Number.isSafeInteger(cause.recordId) || (cause.recordId as number) < 0)) throw bad("A cause's recordId is an integer ≥ 0.");
  if (request.notBefore !== undefined && (!Number.isSafeInteger(request.notBefore) || request.notBefore < 0)) throw bad("notBefore is a time in ms since the epoch.");
}

export type OpenOutboxOptions = {
  clock?: () => number;
  /**
   * With the journal: each final outcome (sent, dead-lettered, skipped) is also an anchored off-chain record,
   * written in the same batch as the entry's transition, so a resident can be shown a receipt that they were told.
   */
  journal?: { lock: Lock; chainId: number };
};

/** The journal's actor for the outbox's records. */
export const OUTBOX_ACTOR = { system: "notifications" } as const;

/** The record kind of each final outcome. */
const OUTCOME_KINDS: Partial<Record<OutboxState, string>> = { sent: "notification.sent", dead: "notification.deadLettered", skipped: "notification.skipped" };

/**
 * The anchored record of a final outcome: ids, codes and counts only. The recipient is a salted commitment to
 * their person id or address (the salt stays in the outbox entry), so a public record links no one to the
 * record that caused the notification, while the person can still be shown the record was theirs.
 */
export function outcomeRecord(entry: OutboxEntry, now: number): OffchainInput {
  return {
    kind: OUTCOME_KINDS[entry.state]!,
    id: entry.deliveryId,
    at: Math.floor(now / 1000),
    actor: OUTBOX_ACTOR,
    payload: {
      deliveryId: entry.deliveryId,
      recipient: entry.recipientCommitment,
      cause: entry.cause,
      template: entry.template,
      attempts: entry.attempts,
      channel: entry.channel,
      reason: entry.reason,
      lastError: entry.lastError,
    },
  };
}

/**
 * Opens the outbox in the indexer's store. An entry left `sending` by a process that died mid-attempt is made
 * pending again, due at once: its attempt may or may not have reached the provider, so it goes again with the
 * same delivery id (at-least-once; the sender drops the repeat).
 */
export async function openOutbox(store: Store, options: OpenOutboxOptions = {}): Promise<Outbox> {
  const clock = options.clock ?? Date.now;
  const sub = (name: string): Sublevel => store.db.sublevel<string, unknown>(name, { valueEncoding: "json" });
  const entries = sub("outbox");
  const byState = sub("outbox-state");
  const byDue = sub("outbox-due");
  const meta = sub("outbox-meta");

  // Terminal states only grow and only the worker moves entries there: their counts are kept, not scanned.
  const terminalCounts = new Map<OutboxState, number>();
  for (const state of TERMINAL) terminalCounts.set(state, ((await meta.get(`count:${state}`)) as number | undefined) ?? 0);

  // Transitions of existing entries are read-then-write: one at a time.
  let tail: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };

  const read = async (deliveryId: string) => (await entries.get(deliveryId)) as OutboxEntry | undefined;

  function transitionOps(previous: OutboxEntry, next: OutboxEntry): BatchOp[] {
    const ops: BatchOp[] = [{ type: "put", sublevel: entries, key: next.deliveryId, value: next }];
    if (previous.state !== next.state) {
      ops.push({ type: "del", sublevel: byState, key: stateKey(previous) });
      ops.push({ type: "put", sublevel: byState, key: stateKey(next), value: 1 });
      if (TERMINAL.includes(next.state)) ops.push({ type: "put", sublevel: meta, key: `count:${next.state}`, value: terminalCounts.get(next.state)! + 1 });
      if (TERMINAL.includes(previous.state)) ops.push({ type: "put", sublevel: meta, key: `count:${previous.state}`, value: terminalCounts.get(previous.state)! - 1 });
    }
    if (WAITING.includes(previous.state)) ops.push({ type: "del", sublevel: byDue, key: dueKey(previous) });
    if (WAITING.includes(next.state)) ops.push({ type: "put", sublevel: byDue, key: dueKey(next), value: 1 });
    return ops;
  }

  // Counted only once the batch is on disk, so a failed write leaves the counts as the store has them.
  function countTransition(from: OutboxState, to: OutboxState): void {
    if (from === to) return;
    if (TERMINAL.includes(to)) terminalCounts.set(to, terminalCounts.get(to)! + 1);
    if (TERMINAL.includes(from)) terminalCounts.set(from, terminalCounts.get(from)! - 1);
  }

  async function transition(previous: OutboxEntry, next: OutboxEntry): Promise<void> {
    await store.db.batch(transitionOps(previous, next));
    countTransition(previous.state, next.state);
  }

  const interrupted: OutboxEntry[] = [];
  for await (const key of byState.keys({ gt: "sending/", lt: "sending0" })) {
    const entry = await read(key.slice(key.lastIndexOf(":") + 1));
    if (entry) interrupted.push(entry);
  }
  const now0 = clock();
  for (const entry of interrupted) {
    await transition(entry, {
      ...entry,
      state: "pending",
      nextAttemptAt: now0,
      updatedAt: now0,
      history: [...entry.history, { attempt: entry.attempts, at: now0, outcome: "interrupted" }],
    });
  }

  async function countPrefix(state: OutboxState): Promise<number> {
    let n = 0;
    for await (const _ of byState.keys({ gt: `${state}/`, lt: `${state}0` })) n++;
    return n;
  }

  const outbox: Outbox = {
    enqueueOps(requests, now = clock()) {
      for (const request of requests) checkRequest(request);
      const made = requests.map((request): OutboxEntry => {
        const recipient = commit("personId" in request.to ? `person:${request.to.personId}` : `address:${request.to.address.toLowerCase()}`);
        const entry: OutboxEntry = {
          deliveryId: randomBytes(16).toString("hex"),
          recipientCommitment: recipient.commitment,
          recipientSalt: recipient.salt,
          createdAt: now,
          to: "personId" in request.to ? { personId: request.to.personId } : { address: request.to.address },
          template: request.template,
          params: { ...request.params },
          channels: [...(request.channels ?? DEFAULT_CHANNELS)],
          cause: { kind: request.cause.kind, id: request.cause.id, ...(request.cause.recordId !== undefined ? { recordId: request.cause.recordId } : {}) },
          state: "pending",
          attempts: 0,
          nextAttemptAt: Math.max(now, request.notBefore ?? now),
          updatedAt: now,
          history: [],
        };
        if (request.language) entry.language = request.language;
        return entry;
      });
      const ops: BatchOp[] = made.flatMap((e): BatchOp[] => [
        { type: "put", sublevel: entries, key: e.deliveryId, value: e },
        { type: "put", sublevel: byState, key: stateKey(e), value: 1 },
        { type: "put", sublevel: byDue, key: dueKey(e), value: 1 },
      ]);
      return { ops, entries: made };
    },

    async enqueue(requests, now) {
      const { ops, entries: made } = outbox.enqueueOps(requests, now);
      await store.db.batch(ops);
      return made;
    },

    get: read,

    async due(now, limit) {
      const out: OutboxEntry[] = [];
      for await (const key of byDue.keys({ lte: `${numKey(now)}:\uffff`, limit })) {
        const entry = await read(key.slice(key.indexOf(":") + 1));
        if (entry && WAITING.includes(entry.state)) out.push(entry);
      }
      return out;
    },

    async nextDueAt() {
      for await (const key of byDue.keys({ limit: 1 })) return Number(key.slice(0, key.indexOf(":")));
      return undefined;
    },

    claim(deliveryId, now) {
      return serially(async () => {
        const entry = await read(deliveryId);
        if (!entry || !WAITING.includes(entry.state) || (entry.nextAttemptAt ?? 0) > now) return undefined;
        const { nextAttemptAt: _, ...rest } = entry;
        const next: OutboxEntry = { ...rest, state: "sending", attempts: entry.attempts + 1, updatedAt: now };
        await transition(entry, next);
        return next;
      });
    },

    settle(next) {
      return serially(async () => {
        const entry = await read(next.deliveryId);
        if (!entry || entry.state !== "sending") {
          throw new Error(`Delivery ${next.deliveryId} is ${entry?.state ?? "unknown"}, not sending: only a claimed attempt can be settled.`);
        }
        const journal = options.journal;
        if (!journal || !OUTCOME_KINDS[next.state]) return transition(entry, next);
        await appendOffchain(store, journal.lock, journal.chainId, [outcomeRecord(next, next.updatedAt)], (appended) =>
          transitionOps(entry, { ...next, outcomeRecordId: appended[0]!.recordId }),
        );
        countTransition(entry.state, next.state);
      });
    },

    requeue(deliveryId, now) {
      return serially(async () => {
        const entry = await read(deliveryId);
        if (!entry) throw new OutboxError("unknown_delivery", `No outbox entry has delivery id ${deliveryId.slice(0, 80)}.`);
        if (entry.state !== "dead" && entry.state !== "skipped") {
          throw new OutboxError("not_dead", `Delivery ${deliveryId} is ${entry.state}; only dead or skipped entries are put back in the queue.`);
        }
        const { reason: _r, lastError: _e, outcomeRecordId: _o, ...rest } = entry;
        const next: OutboxEntry = { ...rest, state: "pending", attempts: 0, nextAttemptAt: now, updatedAt: now };
        await transition(entry, next);
        return next;
      });
    },

    async list(state, { limit, cursor }) {
      const prefix = `${state}/`;
      let after: string | undefined;
      if (cursor !== undefined) {
        after = Buffer.from(cursor, "base64url").toString("utf8");
        if (!/^[\x20-\x7e]+$/.test(after) || !after.startsWith(prefix)) throw new OutboxError("invalid_cursor", "This cursor was not given for this list; start again without one.");
      }
      const items: OutboxEntry[] = [];
      let lastKey = "";
      for await (const key of byState.keys({ ...(after === undefined ? { gt: prefix } : { gt: after }), lt: `${state}0` })) {
        if (items.length === limit) return { items, nextCursor: Buffer.from(lastKey, "utf8").toString("base64url") };
        const entry = await read(key.slice(key.lastIndexOf(":") + 1));
        if (!entry) continue;
        items.push(entry);
        lastKey = key;
      }
      return { items };
    },

    prune(before) {
      return serially(async () => {
        let pruned = 0;
        for (const state of ["sent", "skipped"] as const) {
          const gone: OutboxEntry[] = [];
          for await (const key of byState.keys({ gt: `${state}/`, lt: `${state}0` })) {
            const entry = await read(key.slice(key.lastIndexOf(":") + 1));
            if (entry && entry.updatedAt < before) gone.push(entry);
          }
          if (gone.length === 0) continue;
          const ops: BatchOp[] = gone.flatMap((e): BatchOp[] => [
            { type: "del", sublevel: entries, key: e.deliveryId },
            { type: "del", sublevel: byState, key: stateKey(e) },
          ]);
          ops.push({ type: "put", sublevel: meta, key: `count:${state}`, value: terminalCounts.get(state)! - gone.length });
          await store.db.batch(ops);
          terminalCounts.set(state, terminalCounts.get(state)! - gone.length);
          pruned += gone.length;
        }
        return pruned;
      });
    },

    async counts(now = clock()) {
      const counts = Object.fromEntries(OUTBOX_STATES.map((s) => [s, terminalCounts.get(s) ?? 0])) as OutboxCounts;
      for (const state of OUTBOX_STATES) if (!TERMINAL.includes(state)) counts[state] = await countPrefix(state);
      const next = await outbox.nextDueAt();
      if (next !== undefined && next <= now) counts.oldestDueSeconds = Math.floor((now - next) / 1000);
      return counts;
    },
  };
  return outbox;
}

/**
 * The effects to pass to `appendOffchain(store, lock, chainId, records, effects)`: the notifications that the
 * records cause, enqueued in the records' own batch, each naming its record's recordId (the request's cause
 * names the record by kind and id). Everything is checked now, before anything is written: a bad request, or a
 * cause that is none of the records, throws an OutboxError and the command is refused as a whole.
 */
export function notificationEffects(
  outbox: Outbox,
  records: { kind: string; id: string }[],
  requests: CausedRequest[],
  now?: number,
): (appended: Appended[]) => BatchOp[] {
  const at = now; // undefined: the outbox's clock
  const index = requests.map(({ recordIndex, ...request }) => {
    const i = recordIndex ?? records.findIndex((r) => r.kind === request.cause?.kind && r.id === request.cause?.id);
    const record = records[i];
    if (!record || record.kind !== request.cause?.kind || record.id !== request.cause?.id) {
      throw new OutboxError("invalid_notification", `A notification's cause must be one of the records appended with it; ${String(request.cause?.kind)} ${String(request.cause?.id).slice(0, 80)} is not.`);
    }
    return i;
  });
  const plain = requests.map(({ recordIndex: _, ...request }) => request);
  outbox.enqueueOps(plain, at); // validates; its ops are dropped
  return (appended) =>
    outbox.enqueueOps(
      plain.map((request, n) => ({ ...request, cause: { kind: request.cause.kind, id: request.cause.id, recordId: appended[index[n]!]!.recordId } })),
      at,
    ).ops;
}

/** A request whose cause is one of the records appended with it: by kind and id, or by its place among them. */
export type CausedRequest = NotificationRequest & { recordIndex?: number };
