// The pool as mediation's matching sees it: every member who consents to be contacted, with their skills and
// languages, and where the directory knows it their building and household (for conflicts of interest). A
// member who withdrew their consent is not in it.
import { modelName, type ServiceStorage } from "../framework/index.js";
import { MODELS, type MemberRow } from "./projections.js";
import { SERVICE } from "./records.js";
import type { Language, Skill } from "./skills.js";

export type TalentCandidate = {
  person: string;
  address?: string;
  source: "talentPool";
  skills: readonly Skill[];
  languages: readonly Language[];
  building?: string;
  household?: string;
};

/** Where a person lives, as the directory knows it (undefined fields: not known). */
export type TalentPlaces = (person: string) => Promise<{ building?: string; household?: string; address?: string }>;

/** What the directory offers that the places need (services/directory's Directory fits). */
export type DirectoryPlaces = {
  state: { people: Map<string, { units: Set<number>; addresses: Set<string> }> };
  unit: (unitId: number) => Promise<{ unitId: number; buildingId: number; estateId: number }>;
};

/** A person's building (`<estate>-<building>`), household (the unit id) and first address, from the directory. */
export function placesFromDirectory(directory: DirectoryPlaces): TalentPlaces {
  return async (person) => {
    const p = directory.state.people.get(person);
    if (!p) return {};
    const unitId = [...p.units].sort((a, b) => a - b)[0];
    const address = [...p.addresses].sort()[0];
    const out: { building?: string; household?: string; address?: string } = address ? { address } : {};
    if (unitId === undefined) return out;
    const unit = await directory.unit(unitId).catch(() => undefined);
    return unit ? { ...out, building: `${unit.estateId}-${unit.buildingId}`, household: String(unit.unitId) } : out;
  };
}

/** Every consenting member as a mediation candidate. */
export async function talentCandidates(storage: Pick<ServiceStorage, "get" | "list">, places?: TalentPlaces): Promise<TalentCandidate[]> {
  const out: TalentCandidate[] = [];
  for await (const [person] of storage.list(modelName(SERVICE, MODELS.consenting))) {
    const row = await storage.get<MemberRow>(modelName(SERVICE, MODELS.members), person);
    if (!row?.registered || !row.consent || !row.offer) continue;
    const where = (await places?.(person)) ?? {};
    const address = row.address ?? where.address;
    out.push({
      person,
      ...(address ? { address } : {}),
      source: "talentPool",
      skills: row.offer.skills,
      languages: row.offer.languages,
      ...(where.building !== undefined ? { building: where.building } : {}),
      ...(where.household !== undefined ? { household: where.household } : {}),
    });
  }
  return out;
}
