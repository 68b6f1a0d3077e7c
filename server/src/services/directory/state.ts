// The directory's state, folded from its own records (rebuilt by replaying the journal at start): unit labels,
// people by opaque id with the names of the fields the vault holds for them (never the values), the links
// person ↔ address ↔ unit, public organisations, and the off-chain roles of addresses. Records carry ids,
// labels, enums and ciphertext hashes only: every personal value stays in the vault.
import { labelKey, type UnitLabel } from "./labels.js";
import type { PersonField } from "./access.js";

export const PERSON_KINDS = ["resident", "volunteer", "staff", "mediator", "partnerContact"] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

/** Roles kept off chain (the chain keeps admin, registrar, staff, custodian, auditor, committee seats). */
export const OFFCHAIN_ROLES = ["mediator", "gridWorker", "propertyCompany", "utility", "partner", "auditor"] as const;
export type OffchainRole = (typeof OFFCHAIN_ROLES)[number];

export const ORGANISATION_KINDS = ["partner", "propertyCompany", "utility", "socialOrganisation"] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Lowercase 0x address. */
export type Addr = `0x${string}`;

export type PersonState = {
  personId: string;
  kind: PersonKind;
  organisationId?: string;
  /** The fields the vault holds for the person (names only). */
  fields: Set<PersonField>;
  addresses: Set<Addr>;
  units: Set<number>;
  /** The person chose to show their display name on public pages (the vault holds the consent). */
  displayOptIn: boolean;
  registeredAt: number;
};

export type Organisation = { organisationId: string; kind: OrganisationKind; name: string; nameEn: string; addresses: Set<Addr> };

export type DirectoryState = {
  labels: Map<number, UnitLabel>;
  /** labelKey → unit ids carrying that label (one, unless a mistake labelled two flats alike). */
  byLabel: Map<string, Set<number>>;
  people: Map<string, PersonState>;
  byAddress: Map<Addr, Set<string>>;
  byUnit: Map<number, Set<string>>;
  organisations: Map<string, Organisation>;
  orgByAddress: Map<Addr, string>;
  roles: Map<Addr, Set<OffchainRole>>;
};

/** The directory's record kinds and their payloads (ids, labels, enums, hashes). */
export type DirectoryRecord =
  | { kind: "directory.unit.labelled"; payload: { unitId: number } & UnitLabel }
  | {
      kind: "directory.person.registered";
      payload: { personId: string; personKind: PersonKind; organisationId?: string; fields: Partial<Record<PersonField, string>> };
    }
  | { kind: "directory.person.updated"; payload: { personId: string; fields: Partial<Record<PersonField, string>> } }
  | { kind: "directory.person.linked" | "directory.person.unlinked"; payload: { personId: string; address?: Addr; unitId?: number } }
  | { kind: "directory.person.display"; payload: { personId: string; optIn: boolean } }
  | { kind: "directory.role.granted" | "directory.role.revoked"; payload: { address: Addr; role: OffchainRole } }
  | {
      kind: "directory.organisation.registered";
      payload: { organisationId: string; organisationKind: OrganisationKind; name: string; nameEn: string; addresses: Addr[] };
    };

export type DirectoryKind = DirectoryRecord["kind"];

export function initialState(): DirectoryState {
  return {
    labels: new Map(),
    byLabel: new Map(),
    people: new Map(),
    byAddress: new Map(),
    byUnit: new Map(),
    organisations: new Map(),
    orgByAddress: new Map(),
    roles: new Map(),
  };
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/** Folds one record into the state (in place: the state is the directory's own, rebuilt at each start). */
export function evolve(state: DirectoryState, record: DirectoryRecord, at: number): void {
  switch (record.kind) {
    case "directory.unit.labelled": {
      const { unitId, building, entrance, room } = record.payload;
      const old = state.labels.get(unitId);
      if (old) removeFrom(state.byLabel, labelKey(old), unitId);
      const label = { building, entrance, room };
      state.labels.set(unitId, label);
      addTo(state.byLabel, labelKey(label), unitId);
      return;
    }
    case "directory.person.registered": {
      const p = record.payload;
      state.people.set(p.personId, {
        personId: p.personId,
        kind: p.personKind,
        ...(p.organisationId ? { organisationId: p.organisationId } : {}),
        fields: new Set(Object.keys(p.fields) as PersonField[]),
        addresses: new Set(),
        units: new Set(),
        displayOptIn: false,
        registeredAt: at,
      });
      return;
    }
    case "directory.person.updated": {
      const person = state.people.get(record.payload.personId);
      for (const f of Object.keys(record.payload.fields) as PersonField[]) person?.fields.add(f);
      return;
    }
    case "directory.person.linked":
    case "directory.person.unlinked": {
      const { personId, address, unitId } = record.payload;
      const person = state.people.get(personId);
      if (!person) return;
      const link = record.kind === "directory.person.linked";
      if (address) {
        if (link) person.addresses.add(address);
        else person.addresses.delete(address);
        (link ? addTo : removeFrom)(state.byAddress, address, personId);
      }
      if (unitId !== undefined) {
        if (link) person.units.add(unitId);
        else person.units.delete(unitId);
        (link ? addTo : removeFrom)(state.byUnit, unitId, personId);
      }
      return;
    }
    case "directory.person.display": {
      const person = state.people.get(record.payload.personId);
      if (person) person.displayOptIn = record.payload.optIn;
      return;
    }
    case "directory.role.granted":
      addTo(state.roles, record.payload.address, record.payload.role);
      return;
    case "directory.role.revoked":
      removeFrom(state.roles, record.payload.address, record.payload.role);
      return;
    case "directory.organisation.registered": {
      const p = record.payload;
      state.organisations.set(p.organisationId, { organisationId: p.organisationId, kind: p.organisationKind, name: p.name, nameEn: p.nameEn, addresses: new Set(p.addresses) });
      for (const a of p.addresses) state.orgByAddress.set(a, p.organisationId);
      return;
    }
  }
}

export function isDirectoryKind(kind: string): kind is DirectoryKind {
  return kind.startsWith("directory.");
}
