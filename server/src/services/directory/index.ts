// The directory (issue 12 §3): unit labels, people and organisations, off-chain roles, and the role × purpose
// table of who may see which personal field. The one export the server composes.
import type { Lock } from "../../store/lock.js";
import type { Store } from "../../store/store.js";
import type { Vault } from "../../vault/index.js";
import { openDirectory, type Directory } from "./directory.js";
import { journalOf } from "./journal.js";
import { storeUnits } from "./units.js";

export { ACCESS_TABLE, allowedFields, PERSON_FIELDS, VIEWER_ROLES, type PersonField, type ViewerRole } from "./access.js";
export { type Directory, type Viewer } from "./directory.js";
export { isValidIdNumber, idCheckCharacter } from "./idNumber.js";
export { labelEn, labelZh, parseLabelQuery, type UnitLabel } from "./labels.js";
export { directoryRoutes, type DirectoryRouteDeps } from "./routes.js";
export { OFFCHAIN_ROLES, PERSON_KINDS, type OffchainRole, type PersonKind } from "./state.js";

/** Opens the directory over the indexer's store (journal and registry read models) and the vault. */
export function startDirectory(deps: { store: Store; lock: Lock; chainId: number; vault: Vault; clock?: () => number }): Promise<Directory> {
  return openDirectory({
    vault: deps.vault,
    journal: journalOf(deps.store, deps.lock, deps.chainId),
    units: storeUnits(deps.store),
    clock: deps.clock ?? (() => Math.floor(Date.now() / 1000)),
  });
}

let running: Directory | undefined;
/** The framework's hook: the off-chain roles of an address in the running server's directory (none before it opens). */
export function offchainRolesOf(address: string): Promise<string[]> {
  return running ? running.offchainRolesOf(address) : Promise.resolve([]);
}
/** Makes `directory` the one offchainRolesOf answers for (the server calls it once it opened the directory). */
export function useDirectory(directory: Directory | undefined): void {
  running = directory;
}
