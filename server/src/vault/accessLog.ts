// The access log: one entry per read of a plain value, by ids and hashes only. The vault appends through an
// `AccessLogSink`; the off-chain journal will implement it so each entry becomes an anchored record. Until
// then the LevelDB sink below keeps them. A read is answered only after its entry is appended.
import type { Level } from "level";
import type { FieldName, Purpose } from "./fields.js";

export type AccessLogEntry = {
  /** Random id of this entry (hex), so the journal can deduplicate a retried append. */
  id: string;
  /** When the value was read (ISO 8601, UTC). */
  at: string;
  /** Who read it: an address, or "staff X for resident Y" as the caller's authorisation names it. */
  actor: string;
  purpose: Purpose;
  personId: string;
  field: FieldName;
  /** sha256 of the ciphertext that was read: which version, never the value. */
  ciphertextHash: string;
};

export interface AccessLogSink {
  /** Appends durably; rejects if the entry is not kept (the vault then refuses the read). */
  append(entry: AccessLogEntry): Promise<void>;
  /** The entries about one person, oldest first (for the person's export). */
  entriesFor(personId: string): Promise<AccessLogEntry[]>;
}

function seqKey(seq: number): string {
  return seq.toString().padStart(16, "0");
}

/** The default sink: entries in their own sublevels of a LevelDB, in order, and indexed by person. */
export async function levelAccessLog(db: Level<string, string>): Promise<AccessLogSink> {
  const all = db.sublevel<string, string>("access", {});
  const byPerson = db.sublevel<string, string>("accessByPerson", {});
  let next = 0;
  for await (const key of all.keys({ reverse: true, limit: 1 })) next = Number(key) + 1;
  return {
    async append(entry) {
      const seq = next++;
      const value = JSON.stringify(entry);
      await db.batch([
        { type: "put", sublevel: all, key: seqKey(seq), value },
        { type: "put", sublevel: byPerson, key: `${entry.personId}/${seqKey(seq)}`, value },
      ]);
    },
    async entriesFor(personId) {
      const out: AccessLogEntry[] = [];
      for await (const value of byPerson.values({ gt: `${personId}/`, lt: `${personId}0` })) out.push(JSON.parse(value) as AccessLogEntry);
      return out;
    },
  };
}
