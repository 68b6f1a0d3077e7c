// The vault's errors carry a machine-readable code (the API maps them to HTTP answers with zh/en messages) and
// details made of ids only: never a personal value, so an error can be logged as it is.

export type VaultErrorCode =
  | "invalid_person_id"
  | "invalid_field"
  | "invalid_purpose"
  | "invalid_actor"
  | "value_too_large"
  | "value_not_found"
  | "person_not_found"
  | "consent_required"
  | "separate_consent_evidence_required"
  | "subject_erased"
  | "access_log_failed"
  | "journal_failed"
  | "invalid_master_key"
  | "master_key_mismatch"
  | "master_key_retired"
  | "master_key_missing"
  | "data_key_unwrap_failed"
  | "value_decrypt_failed";

export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
    readonly details: Record<string, string | number | string[]> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "VaultError";
  }
}

export function isVaultError(error: unknown, code?: VaultErrorCode): error is VaultError {
  return error instanceof VaultError && (code === undefined || error.code === code);
}
