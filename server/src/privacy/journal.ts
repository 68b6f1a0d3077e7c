// The vault's facts as anchored off-chain records (issue 12 §4): every read of a plain value (`vault.accessed`)
// and every change (`vault.written`, `vault.corrected`, `vault.consentGranted`, `vault.consentWithdrawn`,
// `person.erased`, `vault.purged`) is appended to the journal, and so to the receipt log, before the read is
// answered or the change stored. Payloads hold ids, field names, enums, times and sha256 hashes of ciphertexts:
// never a plain value. Appends go through `appendRecords` only, the one place that calls the journal.
import type { AbstractSublevel } from "abstract-level";
import { appendOffchain, type Appended, type OffchainInput } from "../receipts/log.js";
import { actorText, parseActor, type Actor } from "../receipts/actor.js";
import type { BatchOp, Store } from "../store/store.js";
import type { Lock } from "../store/lock.js";
import type { AccessLogEntry, AccessLogSink } from "../vault/accessLog.js";
import type { JournalEvent } from "../vault/vault.js";

export const RECORD_KINDS = {
  accessed: "vault.accessed",
  written: "vault.written",
  corrected: "vault.corrected",
  consentGranted: "vault.consentGranted",
  consentWithdrawn: "vault.consentWithdrawn",
  erased: "person.erased",
  purged: "vault.purged",
} as const;

/** The vault's text form of an actor: the canonical JSON of the journal's Actor, so it converts back exactly. */
export { actorText };

/** The Actor a vault actor text names; throws (and so refuses the read or change) on anything else. */
export function actorOf(text: string): Actor {
  try {
    return parseActor(text);
  } catch (error) {
    throw new Error(
      "The vault's actor is not the canonical JSON of an Actor; open the vault through server/src/privacy and pass actorText(actor).",
      { cause: error },
    );
  }
}

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

type Db = Store["db"];
type Index = AbstractSublevel<Db, string | Buffer | Uint8Array, string, unknown>;

export type PrivacyJournal = {
  /** The access log kept as anchored records (the vault's sink). */
  accessLog: AccessLogSink;
  /** The vault's journal hook: appends the record of a change before the vault stores it. */
  record: (event: JournalEvent) => Promise<void>;
  /** The people a `person.erased` record names, with the erasure's time (for the replay at start). */
  erasures: () => Promise<{ personId: string; erasedAt: string }[]>;
  /** Whether a `person.erased` record of `personId` is in the journal. */
  erasureRecorded: (personId: string) => Promise<boolean>;
};

export type JournalDeps = { store: Store; lock: Lock; chainId: number };

/**
 * The vault's journal in the indexer's store. Besides the records, two small indexes are written in the same
 * atomic batch: the access-log entries by person (for the person's export) and the erased people (for the replay
 * of erasures when a vault is restored from a backup older than them). Both hold ids and hashes only.
 */
export function privacyJournal(deps: JournalDeps): PrivacyJournal {
  const sub = (name: string): Index => deps.store.db.sublevel<string, unknown>(name, { valueEncoding: "json" }) as unknown as Index;
  const access = sub("privacy:access");
  const erased = sub("privacy:erased");

  /** The one call into the journal: the records and the index ops in one durable atomic batch. */
  function appendRecords(inputs: OffchainInput[], ops: BatchOp[]): Promise<Appended[]> {
    return appendOffchain(deps.store, deps.lock, deps.chainId, inputs, ops);
  }

  const accessLog: AccessLogSink = {
    async append(entry) {
      const input: OffchainInput = {
        kind: RECORD_KINDS.accessed,
        id: entry.id,
        at: seconds(entry.at),
        actor: actorOf(entry.actor),
        payload: { entryId: entry.id, personId: entry.personId, field: entry.field, purpose: entry.purpose, ciphertextHash: entry.ciphertextHash },
      };
      // `at` and the id sort the entries of a person oldest first.
      await appendRecords([input], [{ type: "put", sublevel: access, key: `${entry.personId}/${entry.at}/${entry.id}`, value: entry }]);
    },
    async entriesFor(personId) {
      const out: AccessLogEntry[] = [];
      for await (const value of access.values({ gt: `${personId}/`, lt: `${personId}0` })) out.push(value as AccessLogEntry);
      return out;
    },
  };

  async function record(event: JournalEvent): Promise<void> {
    switch (event.type) {
      case "written":
      case "corrected": {
        const f = event.facts;
        await appendRecords(
          [
            {
              kind: event.type === "written" ? RECORD_KINDS.written : RECORD_KINDS.corrected,
              id: f.personId,
              at: seconds(f.writtenAt),
              actor: actorOf(event.actor),
              payload: { personId: f.personId, field: f.field, category: f.category, ciphertextHash: f.ciphertextHash, previousCiphertextHash: f.previousCiphertextHash },
            },
          ],
          [],
        );
        return;
      }
      case "consent": {
        const f = event.facts;
        await appendRecords(
          [
            {
              kind: f.granted ? RECORD_KINDS.consentGranted : RECORD_KINDS.consentWithdrawn,
              id: f.personId,
              at: Math.floor(f.at / 1000),
              actor: actorOf(f.actor),
              // The evidence of a separate consent is the id or hash of the signed form, never its content.
              payload: { personId: f.personId, purpose: f.purpose, evidence: f.evidence },
            },
          ],
          [],
        );
        return;
      }
      case "erased": {
        const f = event.facts;
        await appendRecords(
          [
            {
              kind: RECORD_KINDS.erased,
              id: f.personId,
              at: seconds(f.erasedAt),
              actor: actorOf(f.actor),
              payload: { personId: f.personId, subject: "erased", fields: f.fields, dataKeyHash: f.dataKeyHash, masterKeyId: f.masterKeyId },
            },
          ],
          [{ type: "put", sublevel: erased, key: f.personId, value: { erasedAt: f.erasedAt } }],
        );
        return;
      }
      case "purged": {
        const f = event.facts;
        await appendRecords(
          [
            {
              kind: RECORD_KINDS.purged,
              id: `purge-${f.purgedAt}`,
              at: seconds(f.purgedAt),
              actor: { system: "retention" },
              payload: { values: f.values },
            },
          ],
          [],
        );
        return;
      }
    }
  }

  return {
    accessLog,
    record,
    async erasures() {
      const out: { personId: string; erasedAt: string }[] = [];
      for await (const [personId, value] of erased.iterator()) out.push({ personId, erasedAt: (value as { erasedAt: string }).erasedAt });
      return out;
    },
    async erasureRecorded(personId) {
      return (await erased.get(personId)) !== undefined;
    },
  };
}
