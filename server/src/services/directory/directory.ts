// The directory service: unit labels, people (values in the vault, links by person id), public organisations
// and off-chain roles. Each command is authorised, decided against the current state, written (personal values
// to the vault first, then the records to the journal in one atomic append), and only then folded into the
// state, under one lock so two commands never decide on the same state. Reads of personal values go through
// access.ts.
import { randomBytes } from "node:crypto";
import { ApiError } from "../../api/errors.js";
import { actorText } from "../../receipts/actor.js";
import type { Purpose, Vault } from "../../vault/index.js";
import { allowedFields, readPersonFields, type PersonField, type ViewerRole } from "./access.js";
import { labelEn, labelKey, labelZh, matchesQuery, parseLabelQuery, type UnitLabel } from "./labels.js";
import {
  evolve,
  initialState,
  OFFCHAIN_ROLES,
  type Addr,
  type DirectoryRecord,
  type DirectoryState,
  type OffchainRole,
  type OrganisationKind,
  type PersonKind,
} from "./state.js";

/** Who acts: the signed-in address with its roles (on chain and off chain), or nobody (the public). */
export type Viewer = { address?: Addr; roles: string[] };

/** The journal the directory writes to and rebuilds from (the off-chain journal of the receipts). */
export type DirectoryJournal = {
  append(actor: Addr, records: DirectoryRecord[], at: number): Promise<number[]>;
  replay(): AsyncIterable<{ record: DirectoryRecord; at: number }>;
};

/** What the directory needs of the registry's read model: whether a unit exists, and the units an address holds. */
export type UnitSource = {
  unit(unitId: number): Promise<{ unitId: number; buildingId: number; estateId: number; holder: string } | undefined>;
  unitsOf(address: Addr): Promise<number[]>;
};

export type DirectoryDeps = { vault: Vault; journal: DirectoryJournal; units: UnitSource; clock?: () => number };

export type PersonInput = Partial<Record<PersonField, string>>;

export type UnitLabelView = { unitId: number; label: string; labelEn: string } & UnitLabel;

export type PersonView = {
  personId: string;
  purpose: Purpose;
  fields: Partial<Record<PersonField, string>>;
  /** Shown to those who may see the person's links (themself, and staff-like roles for their purposes). */
  kind?: PersonKind;
  units?: UnitLabelView[] | undefined;
  addresses?: string[];
  organisation?: { organisationId: string; name: string; nameEn: string };
};

export type NameView = {
  address: string;
  units: UnitLabelView[];
  displayName?: string;
  name?: string;
  organisation?: { organisationId: string; name: string; nameEn: string };
};

/** A person found by name (searchPeople): whom staff may then act for, by address. */
export type PersonMatch = { personId: string; name: string; kind: PersonKind; addresses: string[]; units: UnitLabelView[] };

/** A name as compared in a search: NFKC (full-width letters), no spaces, lower case (Latin names). */
function normaliseName(text: string): string {
  return text.normalize("NFKC").replace(/\s+/g, "").toLowerCase();
}

const REGISTRARS = ["registrar", "admin"];
const KEEPERS = ["staff", "registrar", "admin"];
/** Roles that may see a person's links (kind, units, addresses) for a purpose they are allowed. */
const LINK_VIEWERS: ViewerRole[] = ["self", "staff", "registrar", "admin", "gridWorker", "propertyCompany", "utility", "mediator"];

/**
 * Who reads or writes, as the vault (and so its anchored access log) names them: the signed-in address, or for
 * an anonymous visitor the server showing a public page.
 */
function vaultActor(address: Addr | undefined): string {
  return actorText(address ? { address } : { system: "public-page" });
}

function requireAnyRole(viewer: Viewer, roles: string[]): Addr {
  if (!viewer.address) throw new ApiError(401, "unauthenticated");
  if (!roles.some((r) => viewer.roles.includes(r))) throw new ApiError(403, "directory_role_required", { roles: roles.join(", ") }, { roles });
  return viewer.address;
}

/** The roles of the access table a viewer acts in towards `personId`. */
export function viewerRoles(state: DirectoryState, viewer: Viewer, personId?: string): ViewerRole[] {
  const roles = new Set<ViewerRole>(["public"]);
  for (const r of viewer.roles) if ((["staff", "registrar", "admin", "auditor", ...OFFCHAIN_ROLES] as string[]).includes(r)) roles.add(r as ViewerRole);
  if (viewer.address && personId && state.people.get(personId)?.addresses.has(viewer.address)) roles.add("self");
  return [...roles];
}

export type Directory = ReturnType<typeof makeDirectory>;

export async function openDirectory(deps: DirectoryDeps): Promise<Directory> {
  const state = initialState();
  for await (const { record, at } of deps.journal.replay()) evolve(state, record, at);
  return makeDirectory(deps, state);
}

function makeDirectory(deps: DirectoryDeps, state: DirectoryState) {
  const clock = deps.clock ?? Date.now;
  let tail: Promise<unknown> = Promise.resolve();
  /** One command at a time: decide on the state, write, fold; a refusal changes nothing. */
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  }
  async function commit(actor: Addr, records: DirectoryRecord[]): Promise<number[]> {
    const at = clock();
    const ids = await deps.journal.append(actor, records, at);
    for (const r of records) evolve(state, r, at);
    return ids;
  }
  function person(personId: string) {
    const p = state.people.get(personId);
    if (!p) throw new ApiError(404, "directory_unknown_person", { personId });
    return p;
  }
  function labelView(unitId: number): UnitLabelView | undefined {
    const label = state.labels.get(unitId);
    return label && { unitId, label: labelZh(label), labelEn: labelEn(label), ...label };
  }
  async function requireUnit(unitId: number): Promise<void> {
    if (!(await deps.units.unit(unitId))) throw new ApiError(404, "unknown_unit", { unitId });
  }
  async function writeFields(actor: Addr, personId: string, values: PersonInput, correct: boolean): Promise<Partial<Record<PersonField, string>>> {
    const hashes: Partial<Record<PersonField, string>> = {};
    const held = state.people.get(personId)?.fields ?? new Set();
    for (const [field, value] of Object.entries(values) as [PersonField, string | undefined][]) {
      if (value === undefined) continue;
      const input = { personId, field, value, actor: vaultActor(actor) };
      const facts = correct && held.has(field) ? await deps.vault.correct(input) : await deps.vault.write(input);
      hashes[field] = facts.ciphertextHash;
    }
    return hashes;
  }

  return {
    state,

    /** The people a signed-in address is linked to (the privacy routes' "who is this person"). */
    personsOf(address: string): Promise<string[]> {
      return Promise.resolve([...(state.byAddress.get(address.toLowerCase() as Addr) ?? [])].sort());
    },

    /** The off-chain roles an address holds now (for the service framework's authorisation). */
    offchainRolesOf(address: string): Promise<string[]> {
      return Promise.resolve([...(state.roles.get(address.toLowerCase() as Addr) ?? [])].sort());
    },

    unitLabel(unitId: number): UnitLabelView | undefined {
      return labelView(unitId);
    },

    async unit(unitId: number): Promise<{ unitId: number; buildingId: number; estateId: number; label?: UnitLabelView }> {
      const unit = await deps.units.unit(unitId);
      if (!unit) throw new ApiError(404, "unknown_unit", { unitId });
      const label = labelView(unitId);
      return { unitId, buildingId: unit.buildingId, estateId: unit.estateId, ...(label ? { label } : {}) };
    },

    /** Units whose label matches what was typed ("1-2-406", "1号楼2单元406", full-width digits…), by id. */
    searchUnits(text: string, limit: number): UnitLabelView[] {
      const query = parseLabelQuery(text);
      if (!query) throw new ApiError(400, "directory_bad_label_query", { query: text.slice(0, 64) });
      if (query.building !== undefined && query.entrance !== undefined && query.room !== undefined) {
        const ids = [...(state.byLabel.get(labelKey(query as UnitLabel)) ?? [])].sort((a, b) => a - b);
        return ids.slice(0, limit).map((id) => labelView(id)!);
      }
      const out: UnitLabelView[] = [];
      for (const [unitId, label] of [...state.labels].sort((a, b) => a[0] - b[0])) {
        if (out.length >= limit) break;
        if (matchesQuery(label, query)) out.push(labelView(unitId)!);
      }
      return out;
    },

    labelUnit(viewer: Viewer, unitId: number, label: UnitLabel): Promise<UnitLabelView> {
      const actor = requireAnyRole(viewer, KEEPERS);
      return serial(async () => {
        await requireUnit(unitId);
        const taken = [...(state.byLabel.get(labelKey(label)) ?? [])].find((id) => id !== unitId);
        if (taken !== undefined) throw new ApiError(409, "directory_label_taken", { label: labelZh(label), unitId: taken });
        await commit(actor, [{ kind: "directory.unit.labelled", payload: { unitId, ...label } }]);
        return labelView(unitId)!;
      });
    },

    /** Many labels at once (one atomic append), for an estate's registration. */
    labelUnits(viewer: Viewer, labels: { unitId: number; label: UnitLabel }[]): Promise<number> {
      const actor = requireAnyRole(viewer, KEEPERS);
      return serial(async () => {
        const keys = new Map<string, number>();
        for (const { unitId, label } of labels) {
          await requireUnit(unitId);
          const key = labelKey(label);
          const other = keys.get(key) ?? [...(state.byLabel.get(key) ?? [])].find((id) => id !== unitId && !labels.some((l) => l.unitId === id));
          if (other !== undefined && other !== unitId) throw new ApiError(409, "directory_label_taken", { label: labelZh(label), unitId: other });
          keys.set(key, unitId);
        }
        await commit(actor, labels.map(({ unitId, label }) => ({ kind: "directory.unit.labelled" as const, payload: { unitId, ...label } })));
        return labels.length;
      });
    },

    registerOrganisation(viewer: Viewer, input: { kind: OrganisationKind; name: string; nameEn: string; addresses: Addr[] }): Promise<{ organisationId: string }> {
      const actor = requireAnyRole(viewer, KEEPERS);
      return serial(async () => {
        const organisationId = `o_${randomBytes(8).toString("hex")}`;
        await commit(actor, [{ kind: "directory.organisation.registered", payload: { organisationId, organisationKind: input.kind, name: input.name, nameEn: input.nameEn, addresses: input.addresses } }]);
        return { organisationId };
      });
    },

    /**
     * Registers a person: a new opaque id, their values written to the vault, and one atomic append of the
     * registration and its links (person id, addresses, unit ids; hashes of the ciphertexts, never a value).
     */
    registerPerson(
      viewer: Viewer,
      input: { kind: PersonKind; values: PersonInput; addresses: Addr[]; units: number[]; organisationId?: string; displayOptIn?: boolean },
    ): Promise<{ personId: string }> {
      const actor = requireAnyRole(viewer, KEEPERS);
      return serial(async () => {
        for (const unitId of input.units) await requireUnit(unitId);
        if (input.organisationId && !state.organisations.has(input.organisationId)) {
          throw new ApiError(404, "directory_unknown_organisation", { organisationId: input.organisationId });
        }
        if (input.displayOptIn && !input.values.displayName) throw new ApiError(409, "directory_display_name_missing", { personId: "-" });
        const personId = `p_${randomBytes(12).toString("hex")}`;
        const fields = await writeFields(actor, personId, input.values, false);
        if (input.displayOptIn) await deps.vault.grantConsent({ personId, purpose: "public.display", actor: vaultActor(actor) });
        await commit(actor, [
          { kind: "directory.person.registered", payload: { personId, personKind: input.kind, ...(input.organisationId ? { organisationId: input.organisationId } : {}), fields } },
          ...input.addresses.map((address) => ({ kind: "directory.person.linked" as const, payload: { personId, address } })),
          ...input.units.map((unitId) => ({ kind: "directory.person.linked" as const, payload: { personId, unitId } })),
          ...(input.displayOptIn ? [{ kind: "directory.person.display" as const, payload: { personId, optIn: true } }] : []),
        ]);
        return { personId };
      });
    },

    /** Writes or corrects values of a person (a correction replaces the ciphertext; the record keeps hashes). */
    updatePerson(viewer: Viewer, personId: string, values: PersonInput): Promise<{ personId: string; fields: PersonField[] }> {
      const actor = requireAnyRole(viewer, KEEPERS);
      return serial(async () => {
        person(personId);
        const fields = await writeFields(actor, personId, values, true);
        await commit(actor, [{ kind: "directory.person.updated", payload: { personId, fields } }]);
        return { personId, fields: Object.keys(fields) as PersonField[] };
      });
    },

    /** Links (or unlinks) a person to an address or a unit. */
    link(viewer: Viewer, personId: string, target: { address?: Addr; unitId?: number }, unlink: boolean): Promise<{ personId: string; addresses: string[]; units: number[] }> {
      const actor = requireAnyRole(viewer, KEEPERS);
      return serial(async () => {
        const p = person(personId);
        if (target.unitId !== undefined) await requireUnit(target.unitId);
        const has = (target.address === undefined || p.addresses.has(target.address)) && (target.unitId === undefined || p.units.has(target.unitId));
        const hasNone = (target.address === undefined || !p.addresses.has(target.address)) && (target.unitId === undefined || !p.units.has(target.unitId));
        if (unlink && !has) throw new ApiError(409, "directory_not_linked", { personId });
        if (!unlink && !hasNone) throw new ApiError(409, "directory_already_linked", { personId });
        await commit(actor, [{ kind: unlink ? "directory.person.unlinked" : "directory.person.linked", payload: { personId, ...target } }]);
        return { personId, addresses: [...p.addresses], units: [...p.units].sort((a, b) => a - b) };
      });
    },

    /**
     * The person's choice to show (or no longer show) their display name on public pages: the consent to
     * public.display in the vault, and an anchored record of it. By the person themself, or staff at their request.
     */
    setDisplay(viewer: Viewer, personId: string, input: { optIn: boolean; displayName?: string }): Promise<{ personId: string; optIn: boolean }> {
      if (!viewer.address) throw new ApiError(401, "unauthenticated");
      const self = state.people.get(personId)?.addresses.has(viewer.address) ?? false;
      const actor = self ? viewer.address : requireAnyRole(viewer, KEEPERS);
      return serial(async () => {
        const p = person(personId);
        const fields = input.displayName !== undefined ? await writeFields(actor, personId, { displayName: input.displayName }, true) : {};
        if (input.optIn && !p.fields.has("displayName") && !fields.displayName) throw new ApiError(409, "directory_display_name_missing", { personId });
        if (input.optIn) await deps.vault.grantConsent({ personId, purpose: "public.display", actor: vaultActor(actor) });
        else if (await deps.vault.hasConsent(personId, "public.display")) await deps.vault.withdrawConsent({ personId, purpose: "public.display", actor: vaultActor(actor) });
        await commit(actor, [
          ...(fields.displayName ? [{ kind: "directory.person.updated" as const, payload: { personId, fields } }] : []),
          { kind: "directory.person.display", payload: { personId, optIn: input.optIn } },
        ]);
        return { personId, optIn: input.optIn };
      });
    },

    /** Grants or revokes an off-chain role (registrar or admin only). */
    setRole(viewer: Viewer, address: Addr, role: OffchainRole, grant: boolean): Promise<{ address: string; roles: string[] }> {
      const actor = requireAnyRole(viewer, REGISTRARS);
      return serial(async () => {
        const held = state.roles.get(address)?.has(role) ?? false;
        if (grant && held) throw new ApiError(409, "directory_role_already_held", { address, role });
        if (!grant && !held) throw new ApiError(409, "directory_role_not_held", { address, role });
        await commit(actor, [{ kind: grant ? "directory.role.granted" : "directory.role.revoked", payload: { address, role } }]);
        return { address, roles: [...(state.roles.get(address) ?? [])].sort() };
      });
    },

    /**
     * A person as the viewer may see them for `purpose`: the table decides the fields (403 otherwise), the vault
     * reads each one on the audited path (and checks consent).
     */
    async viewPerson(viewer: Viewer, personId: string, purpose: Purpose, requested?: PersonField[]): Promise<PersonView> {
      const p = person(personId);
      const roles = viewerRoles(state, viewer, personId);
      const decision = allowedFields(roles, purpose, requested);
      if ("refused" in decision) {
        const r = decision.refused;
        throw new ApiError(403, r.code, { purpose, roles: r.roles.join(", "), field: "field" in r ? r.field : "" }, r);
      }
      const fields = await readPersonFields(deps.vault, { actor: vaultActor(viewer.address), purpose, personId, fields: decision.fields });
      const seesLinks = roles.some((r) => LINK_VIEWERS.includes(r) && "fields" in allowedFields([r], purpose));
      const org = p.organisationId ? state.organisations.get(p.organisationId) : undefined;
      return {
        personId,
        purpose,
        fields,
        ...(org ? { organisation: { organisationId: org.organisationId, name: org.name, nameEn: org.nameEn } } : {}),
        ...(seesLinks
          ? { kind: p.kind, addresses: [...p.addresses], units: [...p.units].sort((a, b) => a - b).map((id) => labelView(id) ?? { unitId: id, label: `#${id}`, labelEn: `#${id}`, building: 0, entrance: 0, room: "0" }) }
          : {}),
      };
    },

    /**
     * What the viewer may see in place of each address: the labels of the units it holds (public on chain), its
     * organisation's public name, and the display name its person chose to show (read through the vault for
     * public.display, only where they opted in). With `purpose` set (e.g. service.arrangement), roles the table
     * allows also get the name.
     */
    async names(viewer: Viewer, addresses: Addr[], purpose?: Purpose): Promise<NameView[]> {
      let withName = false;
      if (purpose && purpose !== "public.display") {
        const decision = allowedFields(viewerRoles(state, viewer), purpose, ["name"]);
        if ("refused" in decision) {
          const r = decision.refused;
          throw new ApiError(403, r.code, { purpose, roles: r.roles.join(", "), field: "name" }, r);
        }
        withName = true;
      }
      const actor = vaultActor(viewer.address);
      const out: NameView[] = [];
      for (const address of addresses) {
        const units = (await deps.units.unitsOf(address)).map((id) => labelView(id)).filter((l): l is UnitLabelView => l !== undefined);
        const view: NameView = { address, units };
        const orgId = state.orgByAddress.get(address);
        const org = orgId ? state.organisations.get(orgId) : undefined;
        if (org) view.organisation = { organisationId: org.organisationId, name: org.name, nameEn: org.nameEn };
        for (const personId of [...(state.byAddress.get(address) ?? [])].sort()) {
          const p = state.people.get(personId)!;
          if (view.displayName === undefined && p.displayOptIn && p.fields.has("displayName") && (await deps.vault.hasConsent(personId, "public.display"))) {
            const read = await readPersonFields(deps.vault, { actor, purpose: "public.display", personId, fields: ["displayName"] }).catch(skipGone);
            if (read?.displayName) view.displayName = read.displayName;
          }
          if (withName && purpose && view.name === undefined && p.fields.has("name")) {
            const read = await readPersonFields(deps.vault, { actor, purpose, personId, fields: ["name"] }).catch(skipGone);
            if (read?.name) view.name = read.name;
          }
        }
        out.push(view);
      }
      return out;
    },

    /**
     * Residents and volunteers whose name contains `text` (spaces and letter widths ignored), for a purpose whose
     * role may see names (staff finding the resident they act for at the office counter). There is no index of
     * names outside the vault: every candidate's name is read on the vault's audited path, logged under the
     * viewer and the purpose like any other read, and only the matches leave the server.
     */
    async searchPeople(viewer: Viewer, text: string, purpose: Purpose, limit: number): Promise<PersonMatch[]> {
      if (!viewer.address) throw new ApiError(401, "unauthenticated");
      const decision = allowedFields(viewerRoles(state, viewer), purpose, ["name"]);
      if ("refused" in decision) {
        const r = decision.refused;
        throw new ApiError(403, r.code, { purpose, roles: r.roles.join(", "), field: "name" }, r);
      }
      const wanted = normaliseName(text);
      if (!wanted) throw new ApiError(400, "directory_bad_name_query");
      const actor = vaultActor(viewer.address);
      const out: PersonMatch[] = [];
      for (const p of [...state.people.values()].sort((a, b) => a.registeredAt - b.registeredAt || a.personId.localeCompare(b.personId))) {
        if (out.length >= limit) break;
        if ((p.kind !== "resident" && p.kind !== "volunteer") || !p.fields.has("name")) continue;
        const read = await readPersonFields(deps.vault, { actor, purpose, personId: p.personId, fields: ["name"] }).catch(skipGone);
        if (!read?.name || !normaliseName(read.name).includes(wanted)) continue;
        out.push({
          personId: p.personId,
          name: read.name,
          kind: p.kind,
          addresses: [...p.addresses].sort(),
          units: [...p.units].sort((a, b) => a - b).map((id) => labelView(id)).filter((l): l is UnitLabelView => l !== undefined),
        });
      }
      return out;
    },
  };
}

/** In a list, a person who is erased or withdrew consent is simply not named (the others still are). */
function skipGone(error: unknown): undefined {
  const code = (error as { code?: string }).code;
  if (code === "subject_erased" || code === "consent_required" || code === "value_not_found") return undefined;
  throw error;
}
