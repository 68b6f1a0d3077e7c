// The directory's records in the off-chain journal: appended in one atomic write (so anchored with the next
// batch, each with a receipt) and read back at start to rebuild the directory's state.
import { appendOffchain, readJournal, type OffchainInput } from "../../receipts/log.js";
import type { Lock } from "../../store/lock.js";
import type { Store } from "../../store/store.js";
import type { DirectoryJournal } from "./directory.js";
import { isDirectoryKind, type DirectoryRecord } from "./state.js";

/** The object a record is about, as its journal id. */
function objectId(record: DirectoryRecord): string {
  switch (record.kind) {
    case "directory.unit.labelled":
      return `unit-${record.payload.unitId}`;
    case "directory.role.granted":
    case "directory.role.revoked":
      return record.payload.address;
    case "directory.organisation.registered":
      return record.payload.organisationId;
    default:
      return record.payload.personId;
  }
}

export function journalOf(store: Store, lock: Lock, chainId: number): DirectoryJournal {
  return {
    async append(actor, records, at) {
      const inputs: OffchainInput[] = records.map((r) => ({ kind: r.kind, id: objectId(r), at, actor: { address: actor }, payload: r.payload }));
      return (await appendOffchain(store, lock, chainId, inputs)).map((a) => a.recordId);
    },
    async *replay() {
      for await (const entry of readJournal(store)) {
        const record = entry.record;
        if (record.schema !== "gongzhi/offchain-record/v1" || !isDirectoryKind(record.kind)) continue;
        yield { record: { kind: record.kind, payload: JSON.parse(record.payload) } as DirectoryRecord, at: record.at };
      }
    },
  };
}
