// The vault's storage behind a narrow interface, so a PostgreSQL implementation can take over later. Two
// stores, kept apart on purpose: the key store (wrapped data keys and master key states: small, its backups kept
// briefly) and the data store (ciphertexts, people's status, consents: backed up for long). Erasure deletes a
// data key from the key store and makes its bytes unrecoverable from the store's files (compaction), so the
// ciphertexts left in any copy of the data store no longer lead to anyone.
import path from "node:path";
import { Level } from "level";
import type { Sealed } from "./crypto.js";
import type { Category, ConsentPurpose, FieldName } from "./fields.js";

export type WrappedDataKey = Sealed & { keyId: string; createdAt: number };
export type MasterKeyState = { state: "active" | "retired"; since: number };
export type StoredValue = Sealed & { field: FieldName; category: Category; writtenAt: number };
export type PersonRecord = { createdAt: number; relationshipEndedAt?: number; erasedAt?: number; erasure?: ErasureFacts };
export type ConsentEvent = { purpose: ConsentPurpose; granted: boolean; at: number; actor: string; evidence?: string };

/** What the journal needs for its anchored "subject erased" record: ids and hashes only. */
export type ErasureFacts = {
  personId: string;
  erasedAt: string;
  actor: string;
  /** The fields whose values were destroyed (names, not values). */
  fields: FieldName[];
  /** sha256 of the destroyed wrapped data key (hex): which key was destroyed, with nothing left to unwrap. */
  dataKeyHash: string | null;
  masterKeyId: string | null;
};

export interface VaultStore {
  // --- key store
  getDataKey(personId: string): Promise<WrappedDataKey | undefined>;
  putDataKey(personId: string, key: WrappedDataKey): Promise<void>;
  /** Deletes the data key and compacts, so its bytes are in none of the key store's files afterwards. */
  destroyDataKey(personId: string): Promise<void>;
  dataKeys(): AsyncIterable<[string, WrappedDataKey]>;
  masterKeys(): Promise<Map<string, MasterKeyState>>;
  putMasterKeyState(keyId: string, state: MasterKeyState): Promise<void>;
  /** Rotation in one atomic write: the rewrapped data keys and the master key states that change. */
  commitRotation(rewrapped: [string, WrappedDataKey][], states: [string, MasterKeyState][]): Promise<void>;
  // --- data store
  getPerson(personId: string): Promise<PersonRecord | undefined>;
  putPerson(personId: string, person: PersonRecord): Promise<void>;
  getValue(personId: string, field: FieldName): Promise<StoredValue | undefined>;
  /** Writes a value (and the person's record, when given) atomically. */
  putValue(personId: string, value: StoredValue, person?: PersonRecord): Promise<void>;
  /** Replaces a value and compacts, so the old ciphertext is in none of the data store's files afterwards. */
  replaceValue(personId: string, value: StoredValue): Promise<void>;
  values(personId: string): Promise<StoredValue[]>;
  allValues(): AsyncIterable<[string, StoredValue]>;
  deleteValues(entries: [string, FieldName][]): Promise<void>;
  appendConsent(personId: string, event: ConsentEvent): Promise<void>;
  consents(personId: string): Promise<ConsentEvent[]>;
  /** Marks the person erased and deletes their values in one write; the erasure stays pending until finished. */
  markErased(personId: string, person: PersonRecord): Promise<void>;
  /** Erasures marked but not yet finished (a crash between marking and destroying the key). */
  pendingErasures(): Promise<string[]>;
  finishErasure(personId: string): Promise<void>;
  /** Every person marked erased (for re-shredding a key store restored from a backup older than the erasure). */
  erasedPeople(): Promise<string[]>;
  close(): Promise<void>;
}

type Db = Level<string, string>;

/** `level` in Node is classic-level, which compacts; its type does not say so. */
function compactRange(db: Db, start: string, end: string): Promise<void> {
  const compactable = db as unknown as { compactRange?: (start: string, end: string) => Promise<void> };
  if (typeof compactable.compactRange !== "function") throw new Error("This LevelDB binding cannot compact; the vault needs classic-level (Node).");
  return compactable.compactRange(start, end);
}

// Ciphertext does not compress, so the stores are kept uncompressed: nothing is gained, and it keeps the raw
// files scannable by the tests that show no plain value and no destroyed key is left in them.
const OPTIONS = { compression: false } as const;

/** Opens (creating) the LevelDB key store in `<dir>/keys` and data store in `<dir>/data`. */
export async function openLevelVaultStore(dir: string): Promise<VaultStore & { dataDb: Db; keyDb: Db }> {
  const keyDb = new Level<string, string>(path.join(dir, "keys"), OPTIONS);
  const dataDb = new Level<string, string>(path.join(dir, "data"), OPTIONS);
  await keyDb.open();
  await dataDb.open();
  const dataKeys = keyDb.sublevel<string, string>("dataKeys", {});
  const masters = keyDb.sublevel<string, string>("masters", {});
  const people = dataDb.sublevel<string, string>("people", {});
  const values = dataDb.sublevel<string, string>("values", {});
  const consents = dataDb.sublevel<string, string>("consents", {});
  const erasing = dataDb.sublevel<string, string>("erasing", {});
  let consentSeq = Date.now() * 1000;

  const valueKey = (personId: string, field: string) => `${personId}/${field}`;
  const personRange = (personId: string) => ({ gt: `${personId}/`, lt: `${personId}0` });
  // Compaction of a sublevel's range (keys are stored as `!<name>!<key>`): LevelDB drops deleted and
  // overwritten entries from its files only when it compacts them.
  const compact = (db: Db, sublevel: string, from: string, to: string) => compactRange(db, `!${sublevel}!${from}`, `!${sublevel}!${to}`);

  return {
    keyDb,
    dataDb,
    async getDataKey(personId) {
      const raw = await dataKeys.get(personId);
      return raw === undefined ? undefined : (JSON.parse(raw) as WrappedDataKey);
    },
    async putDataKey(personId, key) {
      await dataKeys.put(personId, JSON.stringify(key));
    },
    async destroyDataKey(personId) {
      await dataKeys.del(personId);
      await compact(keyDb, "dataKeys", personId, `${personId}\uffff`);
    },
    async *dataKeys() {
      for await (const [personId, raw] of dataKeys.iterator()) yield [personId, JSON.parse(raw) as WrappedDataKey];
    },
    async masterKeys() {
      const out = new Map<string, MasterKeyState>();
      for await (const [id, raw] of masters.iterator()) out.set(id, JSON.parse(raw) as MasterKeyState);
      return out;
    },
    async putMasterKeyState(keyId, state) {
      await masters.put(keyId, JSON.stringify(state));
    },
    async commitRotation(rewrapped, states) {
      await keyDb.batch([
        ...rewrapped.map(([personId, key]) => ({ type: "put" as const, sublevel: dataKeys, key: personId, value: JSON.stringify(key) })),
        ...states.map(([keyId, state]) => ({ type: "put" as const, sublevel: masters, key: keyId, value: JSON.stringify(state) })),
      ]);
      // The data keys wrapped under the retired key are gone from the files too.
      await compact(keyDb, "dataKeys", "", "\uffff");
    },
    async getPerson(personId) {
      const raw = await people.get(personId);
      return raw === undefined ? undefined : (JSON.parse(raw) as PersonRecord);
    },
    async putPerson(personId, person) {
      await people.put(personId, JSON.stringify(person));
    },
    async getValue(personId, field) {
      const raw = await values.get(valueKey(personId, field));
      return raw === undefined ? undefined : (JSON.parse(raw) as StoredValue);
    },
    async putValue(personId, value, person) {
      await dataDb.batch([
        { type: "put", sublevel: values, key: valueKey(personId, value.field), value: JSON.stringify(value) },
        ...(person ? [{ type: "put" as const, sublevel: people, key: personId, value: JSON.stringify(person) }] : []),
      ]);
    },
    async replaceValue(personId, value) {
      const key = valueKey(personId, value.field);
      await values.put(key, JSON.stringify(value));
      await compact(dataDb, "values", key, `${key}\u0000`);
    },
    async values(personId) {
      const out: StoredValue[] = [];
      for await (const raw of values.values(personRange(personId))) out.push(JSON.parse(raw) as StoredValue);
      return out;
    },
    async *allValues() {
      for await (const [key, raw] of values.iterator()) yield [key.slice(0, key.indexOf("/")), JSON.parse(raw) as StoredValue];
    },
    async deleteValues(entries) {
      if (entries.length === 0) return;
      await dataDb.batch(entries.map(([personId, field]) => ({ type: "del" as const, sublevel: values, key: valueKey(personId, field) })));
      await compact(dataDb, "values", "", "\uffff");
    },
    async appendConsent(personId, event) {
      // Keys ordered by time of writing; a counter above the clock in microseconds keeps them unique.
      consentSeq = Math.max(consentSeq + 1, Date.now() * 1000);
      await consents.put(`${personId}/${consentSeq.toString().padStart(20, "0")}`, JSON.stringify(event));
    },
    async consents(personId) {
      const out: ConsentEvent[] = [];
      for await (const raw of consents.values(personRange(personId))) out.push(JSON.parse(raw) as ConsentEvent);
      return out;
    },
    async markErased(personId, person) {
      const keys: string[] = [];
      for await (const key of values.keys(personRange(personId))) keys.push(key);
      await dataDb.batch([
        { type: "put", sublevel: people, key: personId, value: JSON.stringify(person) },
        { type: "put", sublevel: erasing, key: personId, value: "" },
        ...keys.map((key) => ({ type: "del" as const, sublevel: values, key })),
      ]);
    },
    async pendingErasures() {
      const out: string[] = [];
      for await (const key of erasing.keys()) out.push(key);
      return out;
    },
    async finishErasure(personId) {
      await erasing.del(personId);
      await compact(dataDb, "values", `${personId}/`, `${personId}0`);
    },
    async erasedPeople() {
      const out: string[] = [];
      for await (const [personId, raw] of people.iterator()) if ((JSON.parse(raw) as PersonRecord).erasedAt !== undefined) out.push(personId);
      return out;
    },
    async close() {
      await Promise.all([keyDb.close(), dataDb.close()]);
    },
  };
}
