// The personal-data vault: what the journal, the documents and the directory plug into.
export { levelAccessLog, type AccessLogEntry, type AccessLogSink } from "./accessLog.js";
export { commit, verifyCommitment, type ValueCommitment } from "./commitment.js";
export { VaultError, isVaultError, type VaultErrorCode } from "./errors.js";
export * from "./fields.js";
export { DEVELOPMENT_KEY_FILE, ensureDevelopmentMasterKey, parseMasterKey, readMasterKeyFile, type MasterKey } from "./masterKey.js";
export { openLevelVaultStore, type ConsentEvent, type ErasureFacts, type VaultStore } from "./store.js";
export { MAX_VALUE_BYTES, openVault, type PersonExport, type PurgeFacts, type ReadRequest, type Vault, type JournalEvent, type VaultEvents, type VaultJournal, type VaultOptions, type WriteFacts } from "./vault.js";
export { erasingOnFailure, keepNote, NOTE_FIELD, noteHolder, readNote } from "./notes.js";
