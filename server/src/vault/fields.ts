// What the vault holds and why it may be read: the typed set of personal fields with their retention
// categories, the purposes of a read with the consent each needs, and the retention periods per category.
// Person ids are opaque (the directory makes them); they are the only thing left of a person after erasure.

/** Fields held once per person, and their retention category. */
export const FIXED_FIELDS = {
  name: "identity",
  idNumber: "identity",
  phone: "contact",
  household: "household",
  displayName: "profile",
} as const;

/**
 * Fields held many times per person, as `<kind>:<key>` (e.g. `note:mediation-12`): free text written about a
 * person, references to photos of them (a document hash, the bytes live in the document store), locations.
 */
export const KEYED_FIELDS = {
  note: "freeText",
  photo: "photo",
  location: "location",
} as const;

export type FixedField = keyof typeof FIXED_FIELDS;
export type KeyedField = `${keyof typeof KEYED_FIELDS}:${string}`;
export type FieldName = FixedField | KeyedField;

export type Category =
  | (typeof FIXED_FIELDS)[FixedField]
  | (typeof KEYED_FIELDS)[keyof typeof KEYED_FIELDS];

export const CATEGORIES: readonly Category[] = ["identity", "contact", "household", "profile", "freeText", "photo", "location"];

/** Sensitive personal information (PIPL art. 28): reading or writing it needs the person's separate consent. */
export const SENSITIVE_CATEGORIES: Partial<Record<Category, Purpose>> = { photo: "photos", location: "locations" };

/**
 * Why a value is read. `consent`: "none" when the processing rests on another basis of PIPL art. 13 (arranging
 * a service the person asked for, a legal duty, the person's own request), "required" when it rests on
 * consent, "separate" for sensitive processing (art. 29), which needs its own consent with its own evidence.
 */
export const PURPOSES = {
  "timebank.matching": { consent: "required" },
  mediation: { consent: "required" },
  notifications: { consent: "required" },
  // Showing the display name a person chose on public pages: their opt-in is this consent (the directory).
  "public.display": { consent: "required" },
  photos: { consent: "separate" },
  locations: { consent: "separate" },
  "service.arrangement": { consent: "none" },
  "legal.obligation": { consent: "none" },
  "subject.request": { consent: "none" },
} as const satisfies Record<string, { consent: "none" | "required" | "separate" }>;

export type Purpose = keyof typeof PURPOSES;
/** Purposes a person can consent to (and withdraw from). */
export type ConsentPurpose = { [P in Purpose]: (typeof PURPOSES)[P]["consent"] extends "none" ? never : P }[Purpose];

/**
 * How long a value is kept. `from: "written"` counts from the value's last write; `from: "relationshipEnded"`
 * counts from the day the person's relationship with the estate ended (moved out, stopped volunteering) and
 * keeps the value while it lasts.
 */
export type RetentionRule = { days: number; from: "written" | "relationshipEnded" };

/**
 * Defaults (docs/privacy.md says why): identity and household records for the three-year limitation period of
 * civil claims (Civil Code art. 188) after the relationship ends; a phone number half a year; a public display
 * name a month; free text (mediation notes, service notes) three years from writing; photos a year; locations
 * thirty days.
 */
export const DEFAULT_RETENTION: Record<Category, RetentionRule> = {
  identity: { days: 1095, from: "relationshipEnded" },
  household: { days: 1095, from: "relationshipEnded" },
  contact: { days: 180, from: "relationshipEnded" },
  profile: { days: 30, from: "relationshipEnded" },
  freeText: { days: 1095, from: "written" },
  photo: { days: 365, from: "written" },
  location: { days: 30, from: "written" },
};

const PERSON_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KEYED = /^(note|photo|location):[A-Za-z0-9_.-]{1,64}$/;

export function isPersonId(value: string): boolean {
  return PERSON_ID.test(value);
}

export function isFieldName(value: string): value is FieldName {
  return Object.hasOwn(FIXED_FIELDS, value) || KEYED.test(value);
}

export function isPurpose(value: string): value is Purpose {
  return Object.hasOwn(PURPOSES, value);
}

export function categoryOf(field: FieldName): Category {
  if (Object.hasOwn(FIXED_FIELDS, field)) return FIXED_FIELDS[field as FixedField];
  return KEYED_FIELDS[field.slice(0, field.indexOf(":")) as keyof typeof KEYED_FIELDS];
}

/**
 * Retention overrides from a setting like "location=14,photo=180" (days; `from` stays the default's).
 * Unknown categories and bad numbers are refused with the list of categories.
 */
export function parseRetention(spec: string | undefined): Record<Category, RetentionRule> {
  const rules = { ...DEFAULT_RETENTION };
  for (const part of (spec ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    const [name, days] = part.split("=").map((s) => s.trim());
    if (!CATEGORIES.includes(name as Category)) {
      throw new Error(`Unknown retention category "${name}"; use one of ${CATEGORIES.join(", ")} (e.g. location=30,photo=365).`);
    }
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1) throw new Error(`Retention of ${name} must be a whole number of days ≥ 1, not "${days}".`);
    rules[name as Category] = { ...rules[name as Category], days: n };
  }
  return rules;
}
