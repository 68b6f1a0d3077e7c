// The personal-data vault (issue 12 §4): values encrypted per person (envelope encryption), read only through
// one audited function that needs an actor and a purpose and logs every read before answering, consent by
// purpose, a person's rights (export, correction, erasure by crypto-shredding), retention with a purge, and
// master key rotation. Plain values exist only in memory, only on their way to an authorised reader.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { AccessLogEntry, AccessLogSink } from "./accessLog.js";
import { aad, open, randomKey, seal, sealedHash, type Sealed } from "./crypto.js";
import { VaultError } from "./errors.js";
import {
  DEFAULT_RETENTION,
  PURPOSES,
  SENSITIVE_CATEGORIES,
  categoryOf,
  isFieldName,
  isPersonId,
  isPurpose,
  type Category,
  type ConsentPurpose,
  type FieldName,
  type Purpose,
  type RetentionRule,
} from "./fields.js";
import type { MasterKey } from "./masterKey.js";
import type { ConsentEvent, ErasureFacts, PersonRecord, StoredValue, VaultStore, WrappedDataKey } from "./store.js";

/** The longest value kept (UTF-8 bytes): names, numbers, addresses and notes; documents go to the document store. */
export const MAX_VALUE_BYTES = 16 * 1024;
const DAY_MS = 86_400_000;
// An actor names who acts; the server writes the canonical JSON of a structured actor (staff for a person, under
// an authorisation), which may run to a few hundred characters.
const ACTOR = /^[\x20-\x7e]{1,400}$/;
const EVIDENCE = /^[\x21-\x7e]{1,200}$/;
/** Unwrapped data keys kept in memory at most (the oldest is dropped first). */
const KEY_CACHE = 10_000;

export type VaultOptions = {
  store: VaultStore;
  /** The key new data keys are wrapped under. */
  masterKey: MasterKey;
  /** Keys being rotated away from: still unwrap until `rotateMasterKey()` rewraps everything and retires them. */
  previousMasterKeys?: MasterKey[];
  accessLog: AccessLogSink;
  retention?: Record<Category, RetentionRule>;
  clock?: () => number;
  /** Where failures of event listeners are reported (ids only). */
  logger?: Pick<Logger, "error">;
  /**
   * Records each change before it is stored (the server appends an anchored journal record). If it rejects, the
   * change is refused with `journal_failed` and nothing is stored: no change goes unrecorded.
   */
  journal?: VaultJournal;
};

/** A change of the vault, as the journal records it: ids, field names, times and hashes only. */
export type JournalEvent =
  | { type: "written"; actor: string; facts: WriteFacts }
  | { type: "corrected"; actor: string; facts: WriteFacts }
  | { type: "consent"; facts: { personId: string } & ConsentEvent }
  | { type: "erased"; facts: ErasureFacts }
  | { type: "purged"; facts: PurgeFacts };

export type VaultJournal = (event: JournalEvent) => Promise<void>;

/** What the journal records about a write: ids and hashes only. */
export type WriteFacts = { personId: string; field: FieldName; category: Category; writtenAt: string; ciphertextHash: string; previousCiphertextHash?: string };
export type PurgeFacts = { purgedAt: string; values: { personId: string; field: FieldName; category: Category }[] };
export type PersonExport = {
  personId: string;
  exportedAt: string;
  createdAt: string;
  relationshipEndedAt: string | null;
  values: { field: FieldName; category: Category; value: string; writtenAt: string; retention: RetentionRule }[];
  consents: { purpose: ConsentPurpose; granted: boolean; at: string; actor: string; evidence?: string }[];
  accessLog: AccessLogEntry[];
};

export type VaultEvents = {
  access: [AccessLogEntry];
  written: [WriteFacts];
  corrected: [WriteFacts];
  consent: [{ personId: string } & ConsentEvent];
  erased: [ErasureFacts];
  purged: [PurgeFacts];
};

export type ReadRequest = { actor: string; purpose: Purpose; personId: string; field: FieldName; now?: number };

export type Vault = {
  readonly masterKeyId: string;
  /** In-process events (after the fact), for bridging into the journal. */
  readonly events: EventEmitter<VaultEvents>;
  /** Stores a value (creating the person's data key on first write); sensitive fields need separate consent. */
  write(input: { personId: string; field: FieldName; value: string; actor?: string; now?: number }): Promise<WriteFacts>;
  /** The one way to a plain value: checks erasure and consent, logs the read, then answers. */
  read(request: ReadRequest): Promise<string>;
  /** Replaces an existing value; the old ciphertext is gone from the store's files afterwards. */
  correct(input: { personId: string; field: FieldName; value: string; actor?: string; now?: number }): Promise<WriteFacts>;
  grantConsent(input: { personId: string; purpose: ConsentPurpose; actor: string; evidence?: string; now?: number }): Promise<ConsentEvent>;
  withdrawConsent(input: { personId: string; purpose: ConsentPurpose; actor: string; now?: number }): Promise<ConsentEvent>;
  hasConsent(personId: string, purpose: ConsentPurpose, now?: number): Promise<boolean>;
  /** A person's consent history, oldest first (purposes, times, actors, evidence ids: no personal value; kept after erasure). */
  consents(personId: string): Promise<ConsentEvent[]>;
  /** Whether the vault knows the person, and whether they were erased (and when). Reads no value. */
  status(personId: string): Promise<{ state: "unknown" | "active" } | { state: "erased"; erasedAt: string }>;
  /** Starts (or, with null, stops) the retention clock of values kept "after the relationship ends". */
  setRelationshipEnded(personId: string, endedAt: number | null): Promise<void>;
  /** Everything held about a person, decrypted, with consents and access log; each value read is logged. */
  exportPerson(input: { personId: string; actor: string; now?: number }): Promise<PersonExport>;
  /** Crypto-shredding: destroys the person's data key, so every value of theirs is unreadable everywhere. */
  erase(input: { personId: string; actor: string; now?: number }): Promise<ErasureFacts>;
  /** Deletes values past their category's retention at `now`. */
  purge(now: number): Promise<PurgeFacts>;
  /**
   * A keyed pseudonym of `value` for `purpose` (0x + 64 hex digits): HMAC-SHA256 under a key only the vault holds,
   * so a public record can name someone checkably (the server recognises them) without naming them (nobody without
   * the vault can compute it, guess it back from a list of addresses, or link it to the same value under another
   * purpose). The key is a data key of its own, so a master-key rotation keeps it.
   */
  pseudonym(purpose: string, value: string): Promise<`0x${string}`>;
  /** Rewraps every data key under the current master key (values untouched) and retires the previous keys. */
  rotateMasterKey(now?: number): Promise<{ rewrapped: number; retired: string[] }>;
  close(): Promise<void>;
};

const VALUE_AAD = "gongzhi-vault/value/v1";
/** The holder of the pseudonym key: not a person id (it has a colon), so never exported, erased or purged as one. */
const PSEUDONYM_HOLDER = "vault:pseudonyms";
const PSEUDONYM_PURPOSE = /^[a-z0-9][a-z0-9.-]{0,63}$/;
const DATA_KEY_AAD = "gongzhi-vault/data-key/v1";

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function wrappedHash(wrapped: Sealed): string {
  return createHash("sha256").update(wrapped.iv).update(".").update(wrapped.ct).digest("hex");
}

function checkPerson(personId: string): void {
  if (typeof personId !== "string" || !isPersonId(personId)) {
    throw new VaultError("invalid_person_id", "A person id is 1–64 letters, digits, '-' or '_' (an opaque id from the directory, never a name).");
  }
}

function checkField(field: string): asserts field is FieldName {
  if (typeof field !== "string" || !isFieldName(field)) {
    throw new VaultError("invalid_field", `Unknown field "${String(field).slice(0, 80)}": use name, idNumber, phone, household, displayName, or note:<key>, photo:<key>, location:<key>.`);
  }
}

function checkActor(actor: string): void {
  if (typeof actor !== "string" || !ACTOR.test(actor)) {
    throw new VaultError("invalid_actor", "The actor is 1–400 printable ASCII characters naming who acts (an address, or staff X for resident Y).");
  }
}

function checkPurpose(purpose: string): asserts purpose is Purpose {
  if (typeof purpose !== "string" || !isPurpose(purpose)) {
    throw new VaultError("invalid_purpose", `Unknown purpose "${String(purpose).slice(0, 80)}"; use one of ${Object.keys(PURPOSES).join(", ")}.`);
  }
}

function checkValue(field: FieldName, value: string): Buffer {
  if (typeof value !== "string") throw new VaultError("invalid_field", `The value of ${field} must be text.`);
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > MAX_VALUE_BYTES) {
    throw new VaultError("value_too_large", `The value of ${field} is ${bytes.length} bytes; the limit is ${MAX_VALUE_BYTES}. Keep long texts in the document store.`, { field, limit: MAX_VALUE_BYTES });
  }
  return bytes;
}

/** The consents a read (or a write) for `purpose` of `field` needs. The person's own request needs none. */
function consentsNeeded(purpose: Purpose | undefined, field: FieldName): ConsentPurpose[] {
  if (purpose === "subject.request") return [];
  const needed = new Set<ConsentPurpose>();
  if (purpose && PURPOSES[purpose].consent !== "none") needed.add(purpose as ConsentPurpose);
  const sensitive = SENSITIVE_CATEGORIES[categoryOf(field)];
  if (sensitive) needed.add(sensitive as ConsentPurpose);
  return [...needed];
}

function consentState(events: ConsentEvent[], purpose: ConsentPurpose, now: number): boolean {
  let state = false;
  let at = -Infinity;
  for (const e of events) {
    if (e.purpose === purpose && e.at <= now && e.at >= at) {
      state = e.granted;
      at = e.at;
    }
  }
  return state;
}

/**
 * Opens the vault over a store. Refuses a retired master key, and a master key that is not the one the store's
 * data keys are wrapped under (unless that one is given as a previous key, for rotation). Finishes any erasure a
 * crash interrupted before anything is read.
 */
export async function openVault(options: VaultOptions): Promise<Vault> {
  const { store, accessLog } = options;
  const clock = options.clock ?? Date.now;
  const retention = options.retention ?? DEFAULT_RETENTION;
  const current = options.masterKey;
  const keyring = new Map<string, MasterKey>([[current.id, current]]);
  for (const k of options.previousMasterKeys ?? []) if (!keyring.has(k.id)) keyring.set(k.id, k);

  const states = await store.masterKeys();
  for (const id of keyring.keys()) {
    if (states.get(id)?.state === "retired") {
      throw new VaultError(
        "master_key_retired",
        `Master key ${id} was retired by a rotation on ${iso(states.get(id)!.since)} and is refused; configure the current key (GONGZHI_VAULT_MASTER_KEY), and no retired one as previous key.`,
        { keyId: id },
      );
    }
  }
  const active = [...states].filter(([, s]) => s.state === "active").map(([id]) => id);
  if (!states.has(current.id)) {
    const unknown = active.filter((id) => !keyring.has(id));
    if (unknown.length > 0) {
      throw new VaultError(
        "master_key_mismatch",
        `The vault's data keys are wrapped under master key ${unknown.join(", ")}, but the configured key is ${current.id}: it is the wrong key. Set GONGZHI_VAULT_MASTER_KEY to the vault's key; to rotate, set the new key there and the old one in GONGZHI_VAULT_PREVIOUS_MASTER_KEY.`,
        { expected: unknown, configured: current.id },
      );
    }
    await store.putMasterKeyState(current.id, { state: "active", since: clock() });
  }

  const record = async (event: JournalEvent): Promise<void> => {
    if (!options.journal) return;
    try {
      await options.journal(event);
    } catch (error) {
      const personId = "personId" in event.facts ? event.facts.personId : "";
      throw new VaultError("journal_failed", `The ${event.type} change${personId ? ` of ${personId}` : ""} could not be recorded in the journal, so it is refused and nothing was stored; try again when the journal is writable.`, personId ? { personId } : {}, { cause: error });
    }
  };
  /** Who wrote, when the caller does not say: the vault's own (e.g. a test or a migration). */
  const SYSTEM_ACTOR = '{"system":"vault"}';

  const events = new EventEmitter<VaultEvents>();
  const emit = <E extends keyof VaultEvents>(event: E, ...args: VaultEvents[E]): void => {
    try {
      // The union of tuples does not narrow per event here; the signature above keeps callers exact.
      (events.emit as (e: E, ...a: VaultEvents[E]) => boolean)(event, ...args);
    } catch (error) {
      options.logger?.error({ event, err: error }, "a vault event listener failed");
    }
  };

  const keyCache = new Map<string, Buffer>();
  const remember = (personId: string, key: Buffer): Buffer => {
    if (keyCache.size >= KEY_CACHE) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(personId, key);
    return key;
  };

  function unwrap(personId: string, wrapped: WrappedDataKey): Buffer {
    const master = keyring.get(wrapped.keyId);
    if (!master) {
      const retired = states.get(wrapped.keyId)?.state === "retired";
      throw new VaultError(
        retired ? "master_key_retired" : "master_key_missing",
        retired
          ? `The data key of ${personId} is wrapped under retired master key ${wrapped.keyId}, which is refused.`
          : `The data key of ${personId} is wrapped under master key ${wrapped.keyId}, which is not configured; give it as GONGZHI_VAULT_PREVIOUS_MASTER_KEY and rotate.`,
        { personId, keyId: wrapped.keyId },
      );
    }
    const key = open(master.key, wrapped, aad(DATA_KEY_AAD, personId, wrapped.keyId));
    if (!key) throw new VaultError("data_key_unwrap_failed", `The data key of ${personId} does not unwrap under master key ${wrapped.keyId}: the key store was altered or is not this vault's.`, { personId, keyId: wrapped.keyId });
    return key;
  }

  // Looking up (and making) a person's data key is serialised per person: two first writes racing must end up
  // with one key, or the value sealed under the key that lost would never decrypt.
  // Writes, corrections, consents and erasure of one person are serialised too (a lock of their own, as they
  // take the key lock inside), so a write racing an erasure never stores a value after it.
  const keyLocks = new Map<string, Promise<unknown>>();
  const personLocks = new Map<string, Promise<unknown>>();
  function lockIn<T>(locks: Map<string, Promise<unknown>>, personId: string, task: () => Promise<T>): Promise<T> {
    const run = (locks.get(personId) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => undefined);
    locks.set(personId, tail);
    void tail.then(() => {
      if (locks.get(personId) === tail) locks.delete(personId);
    });
    return run;
  }
  const locked = <T>(personId: string, task: () => Promise<T>) => lockIn(keyLocks, personId, task);
  const serially = <T>(personId: string, task: () => Promise<T>) => lockIn(personLocks, personId, task);

  async function dataKey(personId: string, create: boolean): Promise<Buffer> {
    return keyCache.get(personId) ?? locked(personId, async () => {
      const cached = keyCache.get(personId);
      if (cached) return cached;
      const wrapped = await store.getDataKey(personId);
      if (wrapped) return remember(personId, unwrap(personId, wrapped));
      if (!create) {
        const person = await store.getPerson(personId);
        if (person?.erasedAt !== undefined) throw erased(personId, person);
        throw new VaultError("data_key_unwrap_failed", `${personId} has values but no data key in the key store: restore the key store from its backup.`, { personId });
      }
      const person = await store.getPerson(personId);
      if (person?.erasedAt !== undefined) throw erased(personId, person);
      const key = randomKey();
      const sealed = seal(current.key, key, aad(DATA_KEY_AAD, personId, current.id));
      await store.putDataKey(personId, { ...sealed, keyId: current.id, createdAt: clock() });
      return remember(personId, key);
    });
  }

  function erased(personId: string, person: PersonRecord): VaultError {
    return new VaultError("subject_erased", `${personId} was erased on ${iso(person.erasedAt!)}; nothing about them can be read or written.`, { personId, erasedAt: iso(person.erasedAt!) });
  }

  async function livePerson(personId: string): Promise<PersonRecord | undefined> {
    const person = await store.getPerson(personId);
    if (person?.erasedAt !== undefined) throw erased(personId, person);
    return person;
  }

  async function requireConsents(personId: string, needed: ConsentPurpose[], now: number, purpose?: Purpose): Promise<void> {
    if (needed.length === 0) return;
    const history = await store.consents(personId);
    const missing = needed.filter((p) => !consentState(history, p, now));
    if (missing.length > 0) {
      throw new VaultError(
        "consent_required",
        `${personId} has not consented to ${missing.join(" and ")}${purpose ? ` (needed to read for ${purpose})` : ""}; ask for consent first${missing.some((p) => PURPOSES[p].consent === "separate") ? " (sensitive data: its own, separate consent)" : ""}.`,
        { personId, missing, ...(purpose ? { purpose } : {}) },
      );
    }
  }

  /** Decrypts a stored value, appends the access entry, and only then answers (fail closed). */
  async function audited(personId: string, stored: StoredValue, actor: string, purpose: Purpose, now: number): Promise<string> {
    const key = await dataKey(personId, false);
    const plain = open(key, stored, aad(VALUE_AAD, personId, stored.field));
    if (!plain) throw new VaultError("value_decrypt_failed", `The value of ${personId}/${stored.field} does not decrypt with their data key: it was altered or moved from another person or field.`, { personId, field: stored.field });
    const entry: AccessLogEntry = { id: randomBytes(16).toString("hex"), at: iso(now), actor, purpose, personId, field: stored.field, ciphertextHash: sealedHash(stored) };
    try {
      await accessLog.append(entry);
    } catch (error) {
      throw new VaultError("access_log_failed", `The read of ${personId}/${stored.field} could not be logged, so it is refused; try again when the access log is writable.`, { personId, field: stored.field }, { cause: error });
    }
    emit("access", entry);
    return plain.toString("utf8");
  }

  async function sealValue(personId: string, field: FieldName, bytes: Buffer, now: number): Promise<StoredValue> {
    const key = await dataKey(personId, true);
    return { ...seal(key, bytes, aad(VALUE_AAD, personId, field)), field, category: categoryOf(field), writtenAt: now };
  }

  // Erasures a crash interrupted (marked, key not yet destroyed) are finished before anything else, and a key
  // store restored from a backup older than an erasure is shredded again: an erased person's key never returns.
  for (const personId of await store.pendingErasures()) {
    await store.destroyDataKey(personId);
    await store.finishErasure(personId);
  }
  for (const personId of await store.erasedPeople()) {
    if (await store.getDataKey(personId)) await store.destroyDataKey(personId);
  }

  const vault: Vault = {
    masterKeyId: current.id,
    events,

    async write({ personId, field, value, actor = SYSTEM_ACTOR, now = clock() }) {
      checkPerson(personId);
      checkField(field);
      checkActor(actor);
      const bytes = checkValue(field, value);
      return serially(personId, async () => {
        const person = await livePerson(personId);
        await requireConsents(personId, consentsNeeded(undefined, field), now);
        const stored = await sealValue(personId, field, bytes, now);
        const facts: WriteFacts = { personId, field, category: stored.category, writtenAt: iso(now), ciphertextHash: sealedHash(stored) };
        await record({ type: "written", actor, facts });
        await store.putValue(personId, stored, person ? undefined : { createdAt: now });
        emit("written", facts);
        return facts;
      });
    },

    async read({ actor, purpose, personId, field, now = clock() }) {
      checkActor(actor);
      checkPurpose(purpose);
      checkPerson(personId);
      checkField(field);
      const person = await livePerson(personId);
      if (!person) throw new VaultError("person_not_found", `The vault holds nothing about ${personId}.`, { personId });
      await requireConsents(personId, consentsNeeded(purpose, field), now, purpose);
      const stored = await store.getValue(personId, field);
      if (!stored) throw new VaultError("value_not_found", `The vault holds no ${field} for ${personId}.`, { personId, field });
      return audited(personId, stored, actor, purpose, now);
    },

    async correct({ personId, field, value, actor = SYSTEM_ACTOR, now = clock() }) {
      checkPerson(personId);
      checkField(field);
      checkActor(actor);
      const bytes = checkValue(field, value);
      return serially(personId, async () => {
        await livePerson(personId);
        const old = await store.getValue(personId, field);
        if (!old) throw new VaultError("value_not_found", `The vault holds no ${field} for ${personId} to correct; write it instead.`, { personId, field });
        await requireConsents(personId, consentsNeeded(undefined, field), now);
        const stored = await sealValue(personId, field, bytes, now);
        const facts: WriteFacts = { personId, field, category: stored.category, writtenAt: iso(now), ciphertextHash: sealedHash(stored), previousCiphertextHash: sealedHash(old) };
        await record({ type: "corrected", actor, facts });
        await store.replaceValue(personId, stored);
        emit("corrected", facts);
        return facts;
      });
    },

    async grantConsent({ personId, purpose, actor, evidence, now = clock() }) {
      checkPerson(personId);
      checkActor(actor);
      checkPurpose(purpose);
      const basis: string = PURPOSES[purpose].consent; // checked at run time too: callers may be plain JavaScript
      if (basis === "none") throw new VaultError("invalid_purpose", `${purpose} does not rest on consent, so there is nothing to grant.`, { purpose });
      if (basis === "separate" && (typeof evidence !== "string" || !EVIDENCE.test(evidence))) {
        throw new VaultError(
          "separate_consent_evidence_required",
          `${purpose} is sensitive (PIPL art. 28–29): its consent is given on its own, and needs evidence of it (the id or hash of the separate consent form the person signed).`,
          { purpose },
        );
      }
      if (evidence !== undefined && !EVIDENCE.test(evidence)) throw new VaultError("invalid_actor", "Consent evidence is an id or hash: 1–200 printable ASCII characters without spaces.");
      return serially(personId, async () => {
        const person = await livePerson(personId);
        const event: ConsentEvent = { purpose, granted: true, at: now, actor, ...(evidence ? { evidence } : {}) };
        await record({ type: "consent", facts: { personId, ...event } });
        if (!person) await store.putPerson(personId, { createdAt: now });
        await store.appendConsent(personId, event);
        emit("consent", { personId, ...event });
        return event;
      });
    },

    async withdrawConsent({ personId, purpose, actor, now = clock() }) {
      checkPerson(personId);
      checkActor(actor);
      checkPurpose(purpose);
      const basis: string = PURPOSES[purpose].consent;
      if (basis === "none") throw new VaultError("invalid_purpose", `${purpose} does not rest on consent, so there is nothing to withdraw.`, { purpose });
      return serially(personId, async () => {
        await livePerson(personId);
        const event: ConsentEvent = { purpose, granted: false, at: now, actor };
        await record({ type: "consent", facts: { personId, ...event } });
        await store.appendConsent(personId, event);
        emit("consent", { personId, ...event });
        return event;
      });
    },

    async hasConsent(personId, purpose, now = clock()) {
      checkPerson(personId);
      return consentState(await store.consents(personId), purpose, now);
    },

    async consents(personId) {
      checkPerson(personId);
      return store.consents(personId);
    },

    async status(personId) {
      checkPerson(personId);
      const person = await store.getPerson(personId);
      if (person?.erasedAt !== undefined) return { state: "erased", erasedAt: iso(person.erasedAt) };
      return { state: person || (await store.getDataKey(personId)) ? "active" : "unknown" };
    },

    async setRelationshipEnded(personId, endedAt) {
      checkPerson(personId);
      const person = await livePerson(personId);
      if (!person) throw new VaultError("person_not_found", `The vault holds nothing about ${personId}.`, { personId });
      const { relationshipEndedAt: _, ...rest } = person;
      await store.putPerson(personId, endedAt === null ? rest : { ...rest, relationshipEndedAt: endedAt });
    },

    async exportPerson({ personId, actor, now = clock() }) {
      checkPerson(personId);
      checkActor(actor);
      const person = await livePerson(personId);
      if (!person) throw new VaultError("person_not_found", `The vault holds nothing about ${personId}.`, { personId });
      const values: PersonExport["values"] = [];
      for (const stored of await store.values(personId)) {
        const value = await audited(personId, stored, actor, "subject.request", now);
        values.push({ field: stored.field, category: stored.category, value, writtenAt: iso(stored.writtenAt), retention: retention[stored.category] });
      }
      const consents = (await store.consents(personId)).map((c) => ({ ...c, at: iso(c.at) }));
      return {
        personId,
        exportedAt: iso(now),
        createdAt: iso(person.createdAt),
        relationshipEndedAt: person.relationshipEndedAt === undefined ? null : iso(person.relationshipEndedAt),
        values,
        consents,
        accessLog: await accessLog.entriesFor(personId),
      };
    },

    async erase({ personId, actor, now = clock() }) {
      checkPerson(personId);
      checkActor(actor);
      return serially(personId, async () => {
        const person = await store.getPerson(personId);
        if (person?.erasedAt !== undefined && person.erasure) {
          // Asked again (a retry by the journal): make sure it is finished and give the same facts.
          await store.destroyDataKey(personId);
          await store.finishErasure(personId);
          return person.erasure;
        }
        const wrapped = await store.getDataKey(personId);
        if (!person && !wrapped) throw new VaultError("person_not_found", `The vault holds nothing about ${personId}.`, { personId });
        const fields = (await store.values(personId)).map((v) => v.field);
        const facts: ErasureFacts = {
          personId,
          erasedAt: iso(now),
          actor,
          fields,
          dataKeyHash: wrapped ? wrappedHash(wrapped) : null,
          masterKeyId: wrapped?.keyId ?? null,
        };
        // Recorded first: should the process die before the key is gone, the journal's record is replayed at the
        // next start (see docs/privacy.md, "Erasure and backups").
        await record({ type: "erased", facts });
        // Marked first, so reads are refused from this moment even if the process dies before the key is gone.
        await store.markErased(personId, { createdAt: person?.createdAt ?? now, erasedAt: now, erasure: facts });
        // Under the key lock, so a read that was unwrapping the key meanwhile cannot leave it cached.
        await locked(personId, async () => {
          keyCache.delete(personId);
          await store.destroyDataKey(personId);
        });
        await store.finishErasure(personId);
        emit("erased", facts);
        return facts;
      });
    },

    async purge(now) {
      const due: [string, StoredValue][] = [];
      const people = new Map<string, PersonRecord | undefined>();
      for await (const [personId, stored] of store.allValues()) {
        const rule = retention[stored.category];
        let start: number | undefined = stored.writtenAt;
        if (rule.from === "relationshipEnded") {
          if (!people.has(personId)) people.set(personId, await store.getPerson(personId));
          start = people.get(personId)?.relationshipEndedAt;
        }
        if (start !== undefined && start + rule.days * DAY_MS <= now) due.push([personId, stored]);
      }
      const facts: PurgeFacts = { purgedAt: iso(now), values: due.map(([personId, v]) => ({ personId, field: v.field, category: v.category })) };
      if (facts.values.length > 0) await record({ type: "purged", facts });
      await store.deleteValues(due.map(([personId, v]) => [personId, v.field]));
      if (facts.values.length > 0) emit("purged", facts);
      return facts;
    },

    async pseudonym(purpose, value) {
      if (!PSEUDONYM_PURPOSE.test(purpose)) throw new Error(`A pseudonym's purpose is 1–64 lowercase letters, digits, '.' or '-' (e.g. "suggestion.author"); got ${JSON.stringify(purpose).slice(0, 80)}.`);
      if (typeof value !== "string" || value.length === 0) throw new Error("A pseudonym is of a non-empty text (an address or a person id).");
      const key = await dataKey(PSEUDONYM_HOLDER, true);
      return `0x${createHmac("sha256", key).update(purpose).update("\0").update(value, "utf8").digest("hex")}`;
    },

    async rotateMasterKey(now = clock()) {
      const rewrapped: [string, WrappedDataKey][] = [];
      for await (const [personId, wrapped] of store.dataKeys()) {
        if (wrapped.keyId === current.id) continue;
        const key = unwrap(personId, wrapped);
        rewrapped.push([personId, { ...seal(current.key, key, aad(DATA_KEY_AAD, personId, current.id)), keyId: current.id, createdAt: wrapped.createdAt }]);
      }
      const latest = await store.masterKeys();
      const retired = [...latest].filter(([id, s]) => id !== current.id && s.state === "active").map(([id]) => id);
      await store.commitRotation(
        rewrapped,
        retired.map((id) => [id, { state: "retired", since: now }]),
      );
      for (const id of retired) {
        keyring.delete(id);
        states.set(id, { state: "retired", since: now });
      }
      return { rewrapped: rewrapped.length, retired };
    },

    async close() {
      keyCache.clear();
      await store.close();
    },
  };
  return vault;
}
