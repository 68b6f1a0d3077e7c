// What the document store takes: the types (recognised from the bytes, each with its size limit) and the classes
// of document (who may upload each, who may read it, whether it is public and whether it is encrypted at rest).
// Plain data, no Node modules: the rules (rules.ts) and the API read it, and the messages quote the limits.

export const KIB = 1024;
export const MIB = 1024 * KIB;

/** The types a document may have, by media type; `ext` names the file a browser saves. */
export const DOCUMENT_TYPES = {
  "application/pdf": { ext: "pdf", maxBytes: 10 * MIB },
  "image/png": { ext: "png", maxBytes: 5 * MIB },
  "image/jpeg": { ext: "jpg", maxBytes: 5 * MIB },
  "image/webp": { ext: "webp", maxBytes: 5 * MIB },
  "text/plain": { ext: "txt", maxBytes: 512 * KIB },
  /** A proposal or plan description (proposal.ts): canonical JSON, stored through POST /api/documents/proposals only. */
  "application/json": { ext: "json", maxBytes: 256 * KIB },
} as const;

export type DocumentType = keyof typeof DOCUMENT_TYPES;
/** The types POST /api/documents takes as raw bytes (a proposal goes through its own route, which builds it). */
export const UPLOAD_TYPES = ["application/pdf", "image/png", "image/jpeg", "image/webp", "text/plain"] as const satisfies readonly DocumentType[];
export type UploadType = (typeof UPLOAD_TYPES)[number];
/** The largest body the upload route reads at all. */
export const MAX_UPLOAD_BYTES = Math.max(...UPLOAD_TYPES.map((t) => DOCUMENT_TYPES[t].maxBytes));

export function isDocumentType(value: string): value is DocumentType {
  return Object.hasOwn(DOCUMENT_TYPES, value);
}

export function isUploadType(value: string): value is UploadType {
  return (UPLOAD_TYPES as readonly string[]).includes(value);
}

/** "10 MiB", "512 KiB": how the messages and docs state a limit. */
export function sizeText(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB} MiB` : bytes % KIB === 0 ? `${bytes / KIB} KiB` : `${bytes} bytes`;
}

/** Every upload type with its limit, e.g. "application/pdf ≤ 10 MiB, image/png ≤ 5 MiB, …". */
export function typesText(): string {
  return UPLOAD_TYPES.map((t) => `${t} ≤ ${sizeText(DOCUMENT_TYPES[t].maxBytes)}`).join(", ");
}

/**
 * A role that may upload: the on-chain role names of api/auth/roles.ts, where `committee` stands for a seat on any
 * estate's committee (`committee:<estateId>`); `signedIn` is anyone signed in (a resident, a party member).
 */
export type UploadRole = "committee" | "registrar" | "custodian" | "staff" | "auditor" | "signedIn";

export type DocumentClass = {
  /** Who may store a document of this class. */
  uploaders: readonly UploadRole[];
  /** Anyone may fetch it by hash; otherwise only `readers`, signed in. */
  public: boolean;
  /** Who may read it when it is not public. */
  readers: readonly UploadRole[];
  /** Encrypted at rest (it shows people). */
  encrypted: boolean;
  /** The types a document of this class may have. */
  types: readonly DocumentType[];
};

const FILES = ["application/pdf", "image/png", "image/jpeg", "image/webp", "text/plain"] as const;
const SCANS = ["application/pdf", "image/png", "image/jpeg", "image/webp"] as const;
const PHOTOS = ["image/png", "image/jpeg", "image/webp"] as const;
const PUBLIC = { public: true, readers: [], encrypted: false } as const;
/** Scans of signed paper show a person's name, unit and signature: staff and the auditor read them, nobody else. */
const PERSONAL = { public: false, readers: ["staff", "auditor"], encrypted: true } as const;

/**
 * The classes of document and who owns each. The committee (or the registrar) publishes what owners decide on;
 * the custodian bank the papers of payments; community staff scan the paper ballots and written authorisations
 * of residents without a phone. The auditor reads everything.
 */
export const DOCUMENT_CLASSES = {
  /** A vote's proposal (proposal.ts): its keccak256 is the vote's on-chain contentHash. */
  proposal: { uploaders: ["committee", "registrar"], types: ["application/json"], ...PUBLIC },
  /** A fund plan's description (proposal.ts): its keccak256 is the plan's planHash. */
  plan: { uploaders: ["committee", "registrar"], types: ["application/json"], ...PUBLIC },
  /** Drawings, quotes, reports attached to a proposal or plan, emergency reports and disclosures. */
  attachment: { uploaders: ["committee", "registrar"], types: FILES, ...PUBLIC },
  /** Contracts, invoices and acceptance reports behind a disbursement. */
  payment: { uploaders: ["custodian", "committee"], types: FILES, ...PUBLIC },
  /** A paper ballot filled in at the community office, scanned by staff. */
  "paper-ballot": { uploaders: ["staff"], types: SCANS, ...PERSONAL },
  /** A resident's signed written authorisation for staff to act for them, scanned by staff. */
  authorisation: { uploaders: ["staff"], types: SCANS, ...PERSONAL },
  /**
   * A photo of a work order (issue 14): a resident's of what is broken, a party member's of the fix, staff's of an
   * on-site check. Homes and people show in them: sealed at rest; through the store, staff only; the work-order
   * service serves each to the order's reporters, its party and staff (services/workorders/photos.ts).
   */
  "workorder-photo": { uploaders: ["signedIn"], types: PHOTOS, public: false, readers: ["staff"], encrypted: true },
  /**
   * A signed mediation agreement (issue 15: 人民调解协议书, with the parties' names and signatures): uploaded by the
   * mediator who records it (anyone signed in; the mediation service takes only the recorder's own upload), sealed
   * at rest; through the store, staff and the auditor only.
   */
  "mediation-agreement": { uploaders: ["signedIn"], types: SCANS, ...PERSONAL },
  /**
   * Micro-renewal fund (issue 16): a project's photos, milestone evidence and invoices. Public (a shared place and
   * the fund's spending are every resident's business; people are not to be photographed); uploaded by anyone
   * signed in, the fund taking only the acting person's own upload (services/renewal/evidence.ts).
   */
  renewal: { uploaders: ["signedIn"], types: FILES, ...PUBLIC },
  /**
   * The pet three-colour code (issue 17): a pet's photo and a report's photo (a sensitive personal datum, taken
   * only with the reporter's separate consent): sealed at rest; through the store, staff only.
   */
  "pet-photo": { uploaders: ["signedIn"], types: PHOTOS, public: false, readers: ["staff"], encrypted: true },
  /** A pet's vaccination certificate (it names the owner): sealed at rest; staff and the auditor read it. */
  "pet-document": { uploaders: ["signedIn"], types: SCANS, ...PERSONAL },
} as const satisfies Record<string, DocumentClass>;

export type DocumentClassName = keyof typeof DOCUMENT_CLASSES;
export const DOCUMENT_CLASS_NAMES = Object.keys(DOCUMENT_CLASSES) as [DocumentClassName, ...DocumentClassName[]];
/** The classes POST /api/documents takes (proposals and plans go through POST /api/documents/proposals). */
export const UPLOAD_CLASS_NAMES = DOCUMENT_CLASS_NAMES.filter((c) => c !== "proposal" && c !== "plan") as [DocumentClassName, ...DocumentClassName[]];

/** What the store keeps about a document besides its bytes (and what `document.stored` records). */
export type DocumentMeta = {
  /** keccak256 of the bytes, 0x + 64 lowercase hex digits. */
  hash: `0x${string}`;
  type: DocumentType;
  size: number;
  class: DocumentClassName;
  /** The signed-in address that stored it, lowercase (the record's actor). */
  uploader: `0x${string}`;
  /** Unix seconds. */
  storedAt: number;
  /** The journal id of the off-chain record `document.stored` that anchors it (never its place in the log, which may move). */
  recordId: string;
};
