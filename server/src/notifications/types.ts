// What the notifications outbox holds: who must be told what, by which channel, because of which record, and
// where each delivery stands. Ids, template keys, amounts and labels only: a person is named by their directory
// id (or an address), and the phone number is looked up in the vault at the moment of sending, never stored here.
import type { Address } from "viem";

/** The channels a message can go out on, in the order a recipient prefers them. */
export const CHANNELS = ["wechat", "sms"] as const;
export type Channel = (typeof CHANNELS)[number];

/** The languages messages are rendered in (the same tags as the API's messages). */
export type Language = "zh-CN" | "en";

/** Who is told: a person of the directory (their opaque id), or an address that the directory maps to a person. */
export type Recipient = { personId: string } | { address: Address };

/** The record that caused the notification: its kind and id, and its journal recordId when known. */
export type Cause = { kind: string; id: string; recordId?: number };

/** A template parameter: an id, an amount in fen, a count, a time (ms since the epoch) or a short label. */
export type ParamValue = string | number;

/** What a service asks for: validated against the template catalogue when enqueued. */
export type NotificationRequest = {
  to: Recipient;
  template: string;
  params: Record<string, ParamValue>;
  /** Preferred channels, first choice first (default: WeChat, then SMS). */
  channels?: Channel[];
  /** The recipient's language when the caller knows it; otherwise the worker asks the directory, then uses zh-CN. */
  language?: Language;
  cause: Cause;
  /** Not before this time (ms); default: at once. */
  notBefore?: number;
};

/**
 *   pending   waiting for its first attempt (or for a retry after an attempt a crash interrupted)
 *   sending   an attempt is under way (if the process dies now, it is pending again after restart)
 *   sent      the sender accepted it
 *   failed    the last attempt failed in a way worth retrying; the next one is at `nextAttemptAt`
 *   dead      dead-lettered: refused for good by the sender, or out of attempts; waits for a human
 *   skipped   not to be sent: no consent to notifications, the person was erased, or has no contact
 */
export const OUTBOX_STATES = ["pending", "sending", "sent", "failed", "dead", "skipped"] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** Why an entry was skipped (never retried). */
export type SkipReason = "no_consent" | "subject_erased" | "no_contact" | "unknown_recipient";
/** Why an entry was dead-lettered. */
export type DeadReason = "permanent_failure" | "max_attempts" | "no_channel";

/** One attempt's outcome, by codes only (a provider's own message could echo the phone number). */
export type AttemptOutcome = {
  attempt: number;
  at: number;
  outcome: "sent" | "retry" | "permanent" | "skipped" | "interrupted";
  code?: string;
  channel?: Channel;
};

export type OutboxEntry = {
  /** Random 128-bit id: the same for every attempt, so a sender (and the provider) can drop a repeat. */
  deliveryId: string;
  createdAt: number;
  to: Recipient;
  template: string;
  params: Record<string, ParamValue>;
  channels: Channel[];
  language?: Language;
  cause: Cause;
  /**
   * keccak256(abi.encode(salt, "person:<id>" or "address:<lowercase address>")): how the outcome's anchored
   * record names the recipient; the salt, kept here, lets the person be shown the record was theirs.
   */
  recipientCommitment: `0x${string}`;
  recipientSalt: `0x${string}`;
  state: OutboxState;
  /** Attempts started so far (an attempt a crash interrupted counts). */
  attempts: number;
  /** When it is next due (pending and failed only). */
  nextAttemptAt?: number;
  updatedAt: number;
  reason?: SkipReason | DeadReason;
  /** The code of the last failure (a sender's error code, or a vault error code). */
  lastError?: string;
  sentAt?: number;
  channel?: Channel;
  /** The provider's id for the message, when it gives one. */
  providerMessageId?: string;
  /** The recordId of the anchored record of the final outcome (when the outbox writes to the journal). */
  outcomeRecordId?: number;
  history: AttemptOutcome[];
};

export type OutboxCounts = Record<OutboxState, number> & {
  /** Seconds since the oldest entry waiting to be sent became due (pending or failed); absent when none waits. */
  oldestDueSeconds?: number;
};

/** The outbox's own errors: bad requests from a service's code, and bad cursors from the ops route. */
export class OutboxError extends Error {
  constructor(
    readonly code: "invalid_notification" | "invalid_cursor" | "unknown_delivery" | "not_dead",
    message: string,
  ) {
    super(message);
    this.name = "OutboxError";
  }
}
