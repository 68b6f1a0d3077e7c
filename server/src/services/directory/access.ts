// Who may see which field of a person, for which purpose: the directory's role × purpose table, decided here
// and nowhere else. Every directory route that shows a personal value asks `allowedFields` and then reads each
// value through `readPersonFields`, which is the vault's audited read (actor, purpose, access-log entry) — so a
// value never leaves the vault by another path. docs/privacy.md §2 is this table in prose.
import type { Purpose, Vault } from "../../vault/index.js";

/** The personal fields the directory keeps in the vault. */
export const PERSON_FIELDS = ["name", "phone", "idNumber", "household", "displayName"] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

/**
 * The roles a viewer acts in. `public`: anyone, signed in or not. `self`: the person themself (their signed-in
 * address is linked to the person). The others are on-chain roles (staff, registrar, admin, auditor) or the
 * directory's off-chain roles (mediator, gridWorker, propertyCompany, utility, partner, auditor).
 */
export const VIEWER_ROLES = [
  "public",
  "self",
  "staff",
  "registrar",
  "admin",
  "mediator",
  "gridWorker",
  "propertyCompany",
  "utility",
  "partner",
  "auditor",
] as const;
export type ViewerRole = (typeof VIEWER_ROLES)[number];

const ALL: readonly PersonField[] = PERSON_FIELDS;

/**
 * The table. A viewer holding several roles gets, for one purpose, the union of what its roles allow; every
 * viewer also holds `public`. A purpose missing from a role's row is refused for that role
 * (`directory_purpose_not_allowed`); a field missing from the purpose's list is refused
 * (`directory_field_not_allowed`). The vault then still checks the person's consent where the purpose rests on
 * it (mediation, time-bank matching, notifications, public display).
 */
export const ACCESS_TABLE: Record<ViewerRole, Partial<Record<Purpose, readonly PersonField[]>>> = {
  // The public sees only display names their owners chose to show (opt-in = consent to public.display).
  public: { "public.display": ["displayName"] },
  // A person sees everything held about them (PIPL art. 45).
  self: { "subject.request": ALL },
  // Community staff arrange services, match time-bank help, send notices, and check identity when the law asks.
  staff: {
    "service.arrangement": ["name", "phone", "household", "displayName"],
    "timebank.matching": ["name", "phone", "displayName"],
    notifications: ["phone"],
    "legal.obligation": ["name", "idNumber", "household"],
  },
  // The registrar (and the admin) keep the register: identity and household, to register and correct it.
  registrar: { "legal.obligation": ["name", "idNumber", "household", "phone"] },
  admin: { "legal.obligation": ["name", "idNumber", "household", "phone"] },
  // A mediator sees the parties' names (and display names) in a mediation they consented to.
  mediator: { mediation: ["name", "displayName"] },
  // A grid worker (网格员) visits households to arrange services.
  gridWorker: { "service.arrangement": ["name", "phone", "household"] },
  // The property company and utilities reach a resident about a repair or a connection they asked for.
  propertyCompany: { "service.arrangement": ["name", "phone"] },
  utility: { "service.arrangement": ["name", "phone"] },
  // A partner shop meets time-bank members by the name they chose.
  partner: { "timebank.matching": ["displayName"] },
  // An auditor checks who signed a paper authorisation: the name, nothing else.
  auditor: { "legal.obligation": ["name"] },
};

/** Why a view is refused, for the 403's code and details. */
export type AccessRefusal =
  | { code: "directory_purpose_not_allowed"; purpose: Purpose; roles: ViewerRole[] }
  | { code: "directory_field_not_allowed"; purpose: Purpose; field: PersonField; roles: ViewerRole[] };

/**
 * The fields `roles` may see for `purpose`, or the refusal. `requested` (if given) must all be allowed; without
 * it every allowed field is meant.
 */
export function allowedFields(
  roles: readonly ViewerRole[],
  purpose: Purpose,
  requested?: readonly PersonField[],
): { fields: PersonField[] } | { refused: AccessRefusal } {
  const all = [...new Set<ViewerRole>(["public", ...roles])];
  const allowed = new Set<PersonField>();
  let any = false;
  for (const role of all) {
    const fields = ACCESS_TABLE[role][purpose];
    if (!fields) continue;
    any = true;
    for (const f of fields) allowed.add(f);
  }
  if (!any) return { refused: { code: "directory_purpose_not_allowed", purpose, roles: all } };
  for (const field of requested ?? []) {
    if (!allowed.has(field)) return { refused: { code: "directory_field_not_allowed", purpose, field, roles: all } };
  }
  return { fields: requested ? [...new Set(requested)] : PERSON_FIELDS.filter((f) => allowed.has(f)) };
}

/**
 * Reads the allowed fields of a person through the vault, logged under `actor` and `purpose`. A field the
 * person does not have is left out; a missing consent or an erased person fails the whole view (the vault's
 * error), so no partial answer pretends consent was there.
 */
export async function readPersonFields(
  vault: Vault,
  request: { actor: string; purpose: Purpose; personId: string; fields: readonly PersonField[] },
): Promise<Partial<Record<PersonField, string>>> {
  const out: Partial<Record<PersonField, string>> = {};
  for (const field of request.fields) {
    try {
      out[field] = await vault.read({ actor: request.actor, purpose: request.purpose, personId: request.personId, field });
    } catch (error) {
      if ((error as { code?: string }).code === "value_not_found") continue;
      throw error;
    }
  }
  return out;
}
