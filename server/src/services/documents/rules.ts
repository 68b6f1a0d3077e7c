// The document store's rules as pure decisions: given what is stored under a hash (if anything) and a validated
// command, the record to append, the document already there, or the refusal. No I/O here: service.ts does it.
import { ApiError } from "../../api/errors.js";
import { DOCUMENT_CLASSES, DOCUMENT_TYPES, isUploadType, sizeText, typesText, type DocumentClassName, type DocumentMeta, type DocumentType, type UploadRole } from "./types.js";

/** The record kind of a stored document. */
export const DOCUMENT_STORED = "document.stored";

/** `document.stored`'s payload: what the document is, never what it says. */
export type StoredPayload = { hash: `0x${string}`; type: DocumentType; size: number; class: DocumentClassName; uploader: `0x${string}` };

export type UploadCommand = {
  /** keccak256 of the bytes received. */
  hash: `0x${string}`;
  /** The type recognised from the bytes (sniff.ts), or undefined. */
  detected: DocumentType | undefined;
  /** The Content-Type the client declared (without parameters), lowercase. */
  declared: string;
  size: number;
  class: DocumentClassName;
  uploader: `0x${string}`;
  /** The uploader's roles now (api/auth/roles.ts names). */
  roles: readonly string[];
  /** The hash the client computed, if it sent one: a mismatch means the bytes were damaged on the way. */
  expectedHash?: `0x${string}`;
};

export type UploadDecision =
  | { kind: "refused"; error: ApiError }
  | { kind: "exists"; meta: DocumentMeta }
  | { kind: "store"; record: { kind: typeof DOCUMENT_STORED; id: string; payload: StoredPayload } };

const ROLE_NAMES: Record<UploadRole, { "zh-CN": string; en: string }> = {
  committee: { "zh-CN": "业主委员会委员", en: "an owners' committee member" },
  registrar: { "zh-CN": "登记员", en: "the registrar" },
  custodian: { "zh-CN": "资金托管银行", en: "the custodian bank" },
  staff: { "zh-CN": "社区工作者", en: "community staff" },
  auditor: { "zh-CN": "审计员", en: "the auditor" },
  signedIn: { "zh-CN": "登录的用户", en: "anyone signed in" },
};

const CLASS_NAMES: Record<DocumentClassName, { "zh-CN": string; en: string }> = {
  proposal: { "zh-CN": "表决提案", en: "vote proposal" },
  plan: { "zh-CN": "维修资金使用方案", en: "fund plan" },
  attachment: { "zh-CN": "提案附件", en: "attachment" },
  payment: { "zh-CN": "合同、发票或验收报告", en: "contract, invoice or acceptance report" },
  "paper-ballot": { "zh-CN": "纸质选票扫描件", en: "scanned paper ballot" },
  authorisation: { "zh-CN": "书面授权扫描件", en: "scanned written authorisation" },
  "workorder-photo": { "zh-CN": "报修照片", en: "work-order photo" },
  "mediation-agreement": { "zh-CN": "调解协议", en: "mediation agreement" },
  renewal: { "zh-CN": "微更新项目材料", en: "micro-renewal document" },
  "pet-photo": { "zh-CN": "宠物或举报照片", en: "pet or report photo" },
  "pet-document": { "zh-CN": "宠物疫苗证明", en: "pet vaccination certificate" },
};

/** A class's name in each language, for messages. */
export const classText = (cls: DocumentClassName): { "zh-CN": string; en: string } => CLASS_NAMES[cls];

/** "committee member or registrar" in each language. */
export function rolesText(roles: readonly UploadRole[]): { "zh-CN": string; en: string } {
  return {
    "zh-CN": roles.map((r) => ROLE_NAMES[r]["zh-CN"]).join("或"),
    en: roles.map((r) => ROLE_NAMES[r].en).join(" or "),
  };
}

/** Whether on-chain roles include one of `wanted` (`committee` = a seat on any estate's committee). */
export function holdsOneOf(roles: readonly string[], wanted: readonly UploadRole[]): boolean {
  // The upload route runs behind sign-in, so `signedIn` holds for every caller it asks about.
  return wanted.some((w) => w === "signedIn" || (w === "committee" ? roles.some((r) => r.startsWith("committee:")) : roles.includes(w)));
}

/**
 * Before any byte is read: the declared type must be one the store takes and the declared length within its
 * limit, so a too-large upload is refused without reading it. `contentLength` undefined: sent chunked.
 */
export function decideBeforeReading(declared: string, contentLength: number | undefined, cls: DocumentClassName, roles: readonly string[]): ApiError | undefined {
  const klass = DOCUMENT_CLASSES[cls];
  if (!holdsOneOf(roles, klass.uploaders)) return new ApiError(403, "document_forbidden", { roles: rolesText(klass.uploaders), class: classText(cls) }, { class: cls, uploaders: klass.uploaders });
  if (!isUploadType(declared)) return new ApiError(415, "document_type_unsupported", { declared: declared || "(none)", types: typesText() }, { declared, types: typesText() });
  const types: readonly string[] = klass.types;
  if (!types.includes(declared)) return new ApiError(415, "document_type_not_for_class", { type: declared, class: classText(cls), types: types.join(", ") }, { class: cls, types });
  const limit = DOCUMENT_TYPES[declared].maxBytes;
  if (contentLength !== undefined && contentLength > limit) return tooLarge(declared, limit);
  return undefined;
}

export function tooLarge(type: DocumentType, limit: number): ApiError {
  return new ApiError(413, "document_too_large", { type, limit: sizeText(limit), types: typesText() }, { type, limitBytes: limit });
}

/** Once the bytes are read and hashed: store them, or they are already stored, or the refusal. */
export function decideUpload(existing: DocumentMeta | undefined, cmd: UploadCommand): UploadDecision {
  const early = decideBeforeReading(cmd.declared, cmd.size, cmd.class, cmd.roles);
  if (early) return { kind: "refused", error: early };
  if (cmd.size === 0) return { kind: "refused", error: new ApiError(400, "document_empty") };
  if (cmd.detected !== cmd.declared) {
    const detected = cmd.detected ?? "unrecognised";
    return { kind: "refused", error: new ApiError(415, "document_type_mismatch", { declared: cmd.declared, detected, types: typesText() }, { declared: cmd.declared, detected }) };
  }
  if (cmd.expectedHash !== undefined && cmd.expectedHash !== cmd.hash) {
    return { kind: "refused", error: new ApiError(422, "document_hash_mismatch", { expected: cmd.expectedHash, actual: cmd.hash }, { expected: cmd.expectedHash, actual: cmd.hash }) };
  }
  return decideStore(existing, { hash: cmd.hash, type: cmd.detected, size: cmd.size, class: cmd.class, uploader: cmd.uploader });
}

/** The same bytes twice are one document and one record; the same bytes under another class are refused. */
export function decideStore(existing: DocumentMeta | undefined, payload: StoredPayload): UploadDecision {
  if (existing) {
    if (existing.class === payload.class) return { kind: "exists", meta: existing };
    return { kind: "refused", error: new ApiError(409, "document_class_conflict", { hash: payload.hash, class: classText(existing.class), requested: classText(payload.class) }, { hash: payload.hash, class: existing.class }) };
  }
  return { kind: "store", record: { kind: DOCUMENT_STORED, id: payload.hash, payload } };
}

/**
 * Who may read a stored document: anyone, if its class is public; otherwise a signed-in reader of its class
 * (`roles` undefined: not signed in). A restricted document is refused the same way whether or not the caller
 * is signed in, and a hash nobody stored is 404.
 */
export function decideRead(meta: DocumentMeta | undefined, hash: string, roles: readonly string[] | undefined): ApiError | undefined {
  if (!meta) return new ApiError(404, "document_not_found", { hash });
  const klass = DOCUMENT_CLASSES[meta.class];
  if (klass.public) return undefined;
  if (roles && holdsOneOf(roles, klass.readers)) return undefined;
  return new ApiError(403, "document_restricted", { roles: rolesText(klass.readers) }, { class: meta.class, readers: klass.readers });
}
