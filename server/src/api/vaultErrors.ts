// The vault's errors as API answers: what the caller can act on keeps its code and gets a zh/en message; key and
// storage failures are the server's to fix and answer 500 without details (they are logged by ids only).
import type { VaultError } from "../vault/errors.js";
import { ApiError } from "./errors.js";
import type { MessageParams } from "./messages.js";

function param(value: string | number | string[] | undefined): string | number {
  return Array.isArray(value) ? value.join(", ") : (value ?? "");
}

export function apiErrorFromVault(error: VaultError): ApiError {
  const d = error.details;
  const params: MessageParams = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, param(v)]));
  switch (error.code) {
    case "invalid_person_id":
    case "invalid_field":
    case "invalid_purpose":
    case "invalid_actor":
      return new ApiError(400, "invalid_request", {}, { code: error.code, reason: error.message });
    case "separate_consent_evidence_required":
      return new ApiError(400, "separate_consent_evidence_required", params, d);
    case "value_too_large":
      return new ApiError(413, "value_too_large", params, d);
    case "consent_required":
      return new ApiError(403, "consent_required", { ...params, purpose: params.purpose ?? params.missing ?? "" }, d);
    case "subject_erased":
      return new ApiError(410, "subject_erased", params, { personId: d.personId });
    case "person_not_found":
      return new ApiError(404, "person_not_found", params, d);
    case "value_not_found":
      return new ApiError(404, "value_not_found", params, d);
    case "access_log_failed":
      return new ApiError(503, "access_log_failed", params);
    case "journal_failed":
      return new ApiError(503, "journal_failed", params);
    case "invalid_master_key":
    case "master_key_mismatch":
    case "master_key_retired":
    case "master_key_missing":
    case "data_key_unwrap_failed":
    case "value_decrypt_failed":
      return new ApiError(500, "internal");
  }
}
