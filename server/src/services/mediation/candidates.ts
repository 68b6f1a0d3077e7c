// The people's mediators as matching's candidates: every person linked to an address that holds the directory's
// `mediator` role, with the households (flats) and buildings they live in, for the conflict-of-interest rules.
// The directory keeps no skills or languages for them: a people's mediator offers mediation, in Mandarin, unless
// the talent pool says more of the same person (matching merges the two: matching.ts).
import type { Directory } from "../directory/index.js";
import { buildingKey, type MediatorCandidate } from "./matching.js";

export async function directoryMediators(directory: Directory): Promise<MediatorCandidate[]> {
  const out: MediatorCandidate[] = [];
  const roles = [...directory.state.roles].filter(([, held]) => held.has("mediator")).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [address] of roles) {
    for (const personId of [...(directory.state.byAddress.get(address) ?? [])].sort()) {
      const units = [...(directory.state.people.get(personId)?.units ?? [])].sort((a, b) => a - b);
      const home = units[0];
      const building = home === undefined ? undefined : await directory.unit(home).then((u) => buildingKey(u.estateId, u.buildingId), () => undefined);
      out.push({
        person: personId,
        address,
        source: "peoplesMediator",
        skills: ["mediation"],
        languages: ["cmn"],
        ...(home === undefined ? {} : { household: String(home) }),
        ...(building === undefined ? {} : { building }),
      });
    }
  }
  return out;
}

/** The flats (as strings) the given people are linked to in the directory. */
export function householdsIn(directory: Directory, persons: readonly string[]): string[] {
  return [...new Set(persons.flatMap((p) => [...(directory.state.people.get(p)?.units ?? [])].map(String)))];
}

/** The people linked to a flat now. */
export function peopleOfUnitIn(directory: Directory, unitId: number): string[] {
  return [...(directory.state.byUnit.get(unitId) ?? [])].sort();
}
