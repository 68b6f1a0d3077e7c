// The delivery worker: takes due entries from the outbox, looks up the recipient's contact through the vault's
// audited read (purpose "notifications", which needs the person's consent), renders the message in their
// language and hands it to the sender. Each attempt is recorded as started before anything is sent, and as
// settled after; what happens between a crash and a restart is sent again with the same delivery id.
import { actorText } from "../receipts/actor.js";
import { isVaultError, type VaultErrorCode } from "../vault/errors.js";
import type { Vault } from "../vault/vault.js";
import type { Logger } from "../common/logger.js";
import type { Outbox } from "./outbox.js";
import { PermanentSendError, RetryableSendError, type Sender } from "./senders.js";
import { renderTemplate } from "./templates.js";
import type { Channel, DeadReason, Language, OutboxEntry, SkipReason } from "./types.js";

/**
 * Who reads contacts for notifications, as the vault's access log names it: the text form of the journal's
 * Actor (the server's vault turns it back into the anchored access record's actor, and refuses anything else).
 */
export const NOTIFICATIONS_ACTOR = actorText({ system: "notifications" });

export type RetryPolicy = {
  /** Attempts in all, the first included; then the entry is dead-lettered. */
  maxAttempts: number;
  /** The ceiling of the first retry's delay; it doubles with each attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
};

/** Eight attempts over about two hours: a provider's outage of an hour or so is ridden out. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 3_600_000 };

/**
 * The delay before the next attempt, after `attempts` attempts: exponential, with "equal jitter" (half fixed,
 * half random), so entries that failed together (a provider's outage) do not all retry at the same instant.
 */
export function retryDelay(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** What one attempt came to. */
export type AttemptResult =
  | { kind: "sent"; channel: Channel; providerMessageId?: string }
  | { kind: "skipped"; reason: SkipReason; code?: string }
  | { kind: "retryable"; code: string; channel?: Channel; retryAfterMs?: number }
  | { kind: "permanent"; code: string; channel?: Channel; reason?: DeadReason };

/** The entry after an attempt (a pure decision: state, next attempt time or final reason, history). */
export function settleAttempt(entry: OutboxEntry, result: AttemptResult, policy: RetryPolicy, now: number, random: () => number = Math.random): OutboxEntry {
  const { nextAttemptAt: _, ...base } = entry;
  const at = { attempt: entry.attempts, at: now };
  switch (result.kind) {
    case "sent":
      return {
        ...base,
        state: "sent",
        updatedAt: now,
        sentAt: now,
        channel: result.channel,
        ...(result.providerMessageId ? { providerMessageId: result.providerMessageId } : {}),
        history: [...entry.history, { ...at, outcome: "sent", channel: result.channel }],
      };
    case "skipped":
      return { ...base, state: "skipped", reason: result.reason, updatedAt: now, ...(result.code ? { lastError: result.code } : {}), history: [...entry.history, { ...at, outcome: "skipped", code: result.reason }] };
    case "permanent":
      return {
        ...base,
        state: "dead",
        reason: result.reason ?? "permanent_failure",
        lastError: result.code,
        updatedAt: now,
        history: [...entry.history, { ...at, outcome: "permanent", code: result.code, ...(result.channel ? { channel: result.channel } : {}) }],
      };
    case "retryable": {
      const history = [...entry.history, { ...at, outcome: "retry" as const, code: result.code, ...(result.channel ? { channel: result.channel } : {}) }];
      if (entry.attempts >= policy.maxAttempts) return { ...base, state: "dead", reason: "max_attempts", lastError: result.code, updatedAt: now, history };
      const delay = Math.max(retryDelay(entry.attempts, policy, random), Math.min(result.retryAfterMs ?? 0, policy.maxDelayMs));
      return { ...base, state: "failed", lastError: result.code, nextAttemptAt: now + delay, updatedAt: now, history };
    }
  }
}

/** How a vault refusal bears on a notification: skipped for good, a bug of ours, or worth another try. */
export function classifyVaultError(code: VaultErrorCode): AttemptResult {
  switch (code) {
    case "consent_required":
      return { kind: "skipped", reason: "no_consent", code };
    case "subject_erased":
      return { kind: "skipped", reason: "subject_erased", code };
    case "person_not_found":
    case "value_not_found":
      return { kind: "skipped", reason: "no_contact", code };
    case "invalid_person_id":
    case "invalid_field":
    case "invalid_purpose":
    case "invalid_actor":
      return { kind: "permanent", code };
    default:
      // The access log unwritable, a master key not configured yet: an operator can fix these.
      return { kind: "retryable", code };
  }
}

export type WorkerOptions = {
  outbox: Outbox;
  vault: Pick<Vault, "read">;
  sender: Sender;
  /** The directory's person for an address; without it (or when it answers undefined) the entry is skipped. */
  personOf?: (address: `0x${string}`) => Promise<string | undefined>;
  /** The directory's language of a person, for entries enqueued without one (zh-CN when unknown). */
  languageOf?: (personId: string) => Promise<Language | undefined>;
  retry?: Partial<RetryPolicy>;
  /** Entries taken per round (20), and sent at once at most (4). */
  batchSize?: number;
  concurrency?: number;
  /** How often the loop looks for due entries when nothing wakes it (1 s). */
  pollMs?: number;
  /** An attempt the sender has not answered within this long counts as a retryable failure (30 s). */
  sendTimeoutMs?: number;
  /** Sent and skipped entries are deleted this long after they settled (180 days, as a phone number is kept). */
  keepMs?: number;
  clock?: () => number;
  random?: () => number;
  logger?: Logger;
};

export type DeliveryWorker = {
  /** Makes one attempt for each entry due now (up to the batch size); resolves with how many were attempted. */
  runOnce(): Promise<number>;
  /** Starts the loop (runs until stop()). */
  start(): void;
  /** Looks for due entries at once (e.g. after an enqueue). */
  wake(): void;
  /** Stops the loop after the attempts under way are settled. */
  stop(): Promise<void>;
};

class SendTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new SendTimeout()), ms);
    timer.unref(); // a send's timeout alone never keeps the process alive
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createDeliveryWorker(options: WorkerOptions): DeliveryWorker {
  const { outbox, vault, sender } = options;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const batchSize = options.batchSize ?? 20;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const pollMs = options.pollMs ?? 1000;
  const sendTimeoutMs = options.sendTimeoutMs ?? 30_000;
  const logger = options.logger;
  const keepMs = options.keepMs ?? 180 * 86_400_000;
  let prunedAt = -Infinity;

  async function attempt(entry: OutboxEntry): Promise<AttemptResult> {
    let personId: string | undefined;
    if ("personId" in entry.to) personId = entry.to.personId;
    else personId = await options.personOf?.(entry.to.address);
    if (personId === undefined) return { kind: "skipped", reason: "unknown_recipient" };

    const channel = entry.channels.find((c) => sender.channels.includes(c));
    if (!channel) return { kind: "permanent", code: "no_channel", reason: "no_channel" };

    let contact: string;
    try {
      contact = await vault.read({ actor: NOTIFICATIONS_ACTOR, purpose: "notifications", personId, field: "phone", now: clock() });
    } catch (error) {
      if (isVaultError(error)) return classifyVaultError(error.code);
      throw error;
    }
    const language = entry.language ?? (await options.languageOf?.(personId)) ?? "zh-CN";
    const text = renderTemplate(entry.template, entry.params, language);
    try {
      const result = await withTimeout(
        sender.send({ deliveryId: entry.deliveryId, attempt: entry.attempts, channel, to: contact, text, template: entry.template, language }),
        sendTimeoutMs,
      );
      return { kind: "sent", channel, ...(result.providerMessageId ? { providerMessageId: result.providerMessageId } : {}) };
    } catch (error) {
      if (error instanceof PermanentSendError) return { kind: "permanent", code: error.code, channel };
      if (error instanceof RetryableSendError) return { kind: "retryable", code: error.code, channel, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) };
      if (error instanceof SendTimeout) return { kind: "retryable", code: "send_timeout", channel };
      // An error the sender did not classify (a network error, a bug): worth retrying, within the limit.
      return { kind: "retryable", code: error instanceof Error && /^[A-Za-z]\w{0,40}$/.test(error.name) ? `sender_${error.name}` : "sender_error", channel };
    }
  }

  async function deliver(due: OutboxEntry): Promise<boolean> {
    const claimed = await outbox.claim(due.deliveryId, clock());
    if (!claimed) return false;
    let result: AttemptResult;
    try {
      result = await attempt(claimed);
    } catch (error) {
      // Our own failure (a directory lookup, a template): retried within the limit, and logged with its stack.
      logger?.error({ deliveryId: claimed.deliveryId, err: error }, "notification attempt failed unexpectedly");
      result = { kind: "retryable", code: "internal" };
    }
    const settled = settleAttempt(claimed, result, policy, clock(), random);
    await outbox.settle(settled);
    const log = { deliveryId: settled.deliveryId, template: settled.template, state: settled.state, attempt: settled.attempts, code: settled.lastError ?? settled.reason };
    if (settled.state === "dead") logger?.warn(log, "notification dead-lettered");
    else logger?.info(log, "notification attempt settled");
    return true;
  }

  async function runOnce(): Promise<number> {
    const due = await outbox.due(clock(), batchSize);
    let attempted = 0;
    for (let i = 0; i < due.length; i += concurrency) {
      const done = await Promise.all(due.slice(i, i + concurrency).map(deliver));
      attempted += done.filter(Boolean).length;
    }
    return attempted;
  }

  let running: Promise<void> | undefined;
  let stopping = false;
  let wakeUp: (() => void) | undefined;

  async function loop(): Promise<void> {
    while (!stopping) {
      let attempted = 0;
      try {
        attempted = await runOnce();
      } catch (error) {
        logger?.error({ err: error }, "the notification worker's round failed; it tries again");
      }
      if (stopping) break;
      if (attempted >= batchSize) continue;
      // Old settled entries are pruned once an hour, when there is nothing to send.
      if (clock() - prunedAt > 3_600_000) {
        prunedAt = clock();
        await outbox.prune(prunedAt - keepMs).catch((error: unknown) => logger?.error({ err: error }, "pruning the outbox failed; it tries again in an hour"));
      }
      const next = await outbox.nextDueAt().catch(() => undefined);
      const wait = next === undefined ? pollMs : Math.min(pollMs, Math.max(50, next - clock()));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  }

  return {
    runOnce,
    start() {
      if (running) return;
      stopping = false;
      running = loop();
    },
    wake() {
      wakeUp?.();
    },
    async stop() {
      stopping = true;
      wakeUp?.();
      await running;
      running = undefined;
    },
  };
}
