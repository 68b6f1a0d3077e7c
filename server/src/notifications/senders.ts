// How a message leaves the server. A Sender is the one thing an SMS gateway or a WeChat service account has to
// implement; the worker does the rest (who, consent, language, retries). A sender tells a failure worth retrying
// from a final refusal by the error it throws, and drops a repeat of a delivery id it has already accepted:
// delivery is at-least-once (a crash between the provider's answer and our record of it sends again).
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Channel, Language } from "./types.js";

export type OutgoingMessage = {
  /** The same for every attempt of one notification: pass it to the provider as its idempotency key. */
  deliveryId: string;
  attempt: number;
  channel: Channel;
  /** The contact as the vault holds it (a mobile number): use it for this call only, never log or keep it. */
  to: string;
  text: string;
  template: string;
  language: Language;
};

export type SendResult = {
  /** The provider's id for the message, if it gives one (kept with the entry). */
  providerMessageId?: string;
  /** True when the sender recognised the delivery id as already sent and sent nothing now. */
  duplicate?: boolean;
};

/**
 * What every sender implements. A real one (e.g. an SMS gateway) must:
 *   - send `text` to `to` on `channel`, passing `deliveryId` as the provider's idempotency key (or keep the ids
 *     it has sent and answer `{ duplicate: true }` for a repeat);
 *   - throw `RetryableSendError` for what may pass later (timeouts, 5xx, 429 with `retryAfterMs`, the provider's
 *     rate limits), `PermanentSendError` for what never will (an invalid or unreachable number, a template the
 *     provider rejected, a recipient who unsubscribed); any other error counts as retryable;
 *   - never log `to` or `text`, and put no personal value in its errors' messages (only codes reach the outbox).
 * See docs/notifications.md for an SMS gateway worked through.
 */
export interface Sender {
  readonly name: string;
  readonly channels: readonly Channel[];
  send(message: OutgoingMessage): Promise<SendResult>;
}

/** A failure that may pass: the worker retries with backoff. `code` is kept; `message` is not. */
export class RetryableSendError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "RetryableSendError";
  }
}

/** A final refusal: the worker dead-letters the entry at once. */
export class PermanentSendError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "PermanentSendError";
  }
}

/** "13800000001" → "138****0001": enough to tell numbers apart in a development log, not enough to call one. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  if (digits.length < 7) return "*".repeat(digits.length);
  return `${digits.slice(0, 3)}${"*".repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** The development sink's file name, in the data directory. */
export const DEVELOPMENT_OUTBOX_FILE = "notifications-dev.jsonl";

export type FileSenderLine = {
  deliveryId: string;
  attempt: number;
  channel: Channel;
  /** The number masked (138****0001): the file is a development sink, not a place to keep contacts. */
  to: string;
  template: string;
  language: Language;
  text: string;
  at: string;
};

/**
 * The development sender: appends one JSON line per message to a file (development only: it stands where an
 * SMS gateway would). It speaks every channel, writes the phone number masked, and drops a delivery id it has
 * already written, as a real provider's idempotency key would, so a resent attempt after a crash is one line.
 */
export function fileSender(file: string, options: { clock?: () => number } = {}): Sender {
  const clock = options.clock ?? Date.now;
  mkdirSync(path.dirname(file), { recursive: true });
  const written = new Set<string>();
  if (existsSync(file)) {
    const text = readFileSync(file, "utf8");
    // A crash may have cut the last line short: end it, so the next line starts on its own.
    if (text.length > 0 && !text.endsWith("\n")) appendFileSync(file, "\n");
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        written.add((JSON.parse(line) as FileSenderLine).deliveryId);
      } catch {
        // A line cut short by a crash: its delivery was not acknowledged, so it will be written again.
      }
    }
  }
  return {
    name: "development-file",
    channels: ["wechat", "sms"],
    async send(message) {
      if (written.has(message.deliveryId)) return { duplicate: true };
      const line: FileSenderLine = {
        deliveryId: message.deliveryId,
        attempt: message.attempt,
        channel: message.channel,
        to: maskPhone(message.to),
        template: message.template,
        language: message.language,
        text: message.text,
        at: new Date(clock()).toISOString(),
      };
      // Synchronous append: the line is in the file before the worker records the delivery as sent.
      appendFileSync(file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
      written.add(message.deliveryId);
      return { providerMessageId: `file:${message.deliveryId}` };
    },
  };
}
