// Proposing a mediator (pure): from the people's mediators and the talent pool, leave out anyone with a conflict of
// interest (a party, someone of a party's household, or, where the category is about neighbours in one building,
// someone living in it), then rank by the category's skills, a shared language or dialect, and the open cases
// each already carries. The office may choose another, with a recorded reason (commands.ts).
import type { Language, Skill } from "../talent/skills.js";
import { BUILDING_CATEGORIES, CATEGORY_SKILLS, type Category } from "./records.js";

export type MediatorCandidate = {
  person: string;
  address?: string;
  source: "peoplesMediator" | "talentPool";
  skills: readonly Skill[];
  languages: readonly Language[];
  building?: string;
  household?: string;
};

/** A building as matching compares it: `<estate>-<building>` (the registry's ids), as the talent pool writes it too. */
export const buildingKey = (estateId: number, buildingId: number): string => `${estateId}-${buildingId}`;

/** What matching needs of a dispute. Households are flat (unit) ids as strings; buildings are buildingKey's. */
export type MatchingDispute = {
  category: Category;
  building?: string;
  /** Every party's person id. */
  parties: readonly string[];
  /** The households (flats) of every party. */
  households: readonly string[];
  /** Languages or dialects the parties asked for (none: any). */
  languages: readonly Language[];
};

export type Conflict = "party" | "household" | "building";

/** Why a candidate may not mediate this dispute, or null. */
export function conflictOf(dispute: MatchingDispute, candidate: MediatorCandidate): Conflict | null {
  if (dispute.parties.includes(candidate.person)) return "party";
  if (candidate.household !== undefined && dispute.households.includes(candidate.household)) return "household";
  if (candidate.building !== undefined && dispute.building !== undefined && candidate.building === dispute.building && BUILDING_CATEGORIES.includes(dispute.category)) return "building";
  return null;
}

export type Ranked = {
  person: string;
  address?: string;
  source: MediatorCandidate["source"];
  score: number;
  /** The category's skills the candidate has, the most useful first. */
  skills: Skill[];
  /** Languages shared with what the parties asked for. */
  languages: Language[];
  /** Open cases the candidate carries now. */
  load: number;
};

/** Weights: a skill the category needs first, then a shared language, then one open case less; a people's mediator breaks ties. */
const SKILL_WEIGHT = 10;
const FIRST_SKILL_BONUS = 5;
const LANGUAGE_WEIGHT = 8;
const LOAD_WEIGHT = 3;
const PEOPLES_MEDIATOR_BONUS = 1;

/** The candidates without a conflict, best first (ties by person id, so the proposal is the same every time). */
export function rankMediators(dispute: MatchingDispute, candidates: readonly MediatorCandidate[], loadOf: (person: string) => number): Ranked[] {
  const wanted = CATEGORY_SKILLS[dispute.category];
  const out: Ranked[] = [];
  for (const candidate of mergeCandidates(candidates)) {
    if (conflictOf(dispute, candidate) !== null) continue;
    const skills = wanted.filter((s) => candidate.skills.includes(s));
    const languages = dispute.languages.filter((l) => candidate.languages.includes(l));
    const load = loadOf(candidate.person);
    const score =
      skills.length * SKILL_WEIGHT +
      (skills[0] === wanted[0] ? FIRST_SKILL_BONUS : 0) +
      (dispute.languages.length === 0 || languages.length > 0 ? LANGUAGE_WEIGHT : 0) -
      load * LOAD_WEIGHT +
      (candidate.source === "peoplesMediator" ? PEOPLES_MEDIATOR_BONUS : 0);
    out.push({ person: candidate.person, ...(candidate.address ? { address: candidate.address } : {}), source: candidate.source, score, skills, languages, load });
  }
  return out.sort((a, b) => b.score - a.score || (a.person < b.person ? -1 : a.person > b.person ? 1 : 0));
}

/**
 * One entry per person: someone who is both a people's mediator and in the talent pool counts once, as a people's
 * mediator, with the skills and languages of both.
 */
export function mergeCandidates(candidates: readonly MediatorCandidate[]): MediatorCandidate[] {
  const byPerson = new Map<string, MediatorCandidate>();
  for (const c of candidates) {
    const seen = byPerson.get(c.person);
    if (!seen) {
      byPerson.set(c.person, c);
      continue;
    }
    byPerson.set(c.person, {
      ...seen,
      ...(seen.address ? {} : c.address ? { address: c.address } : {}),
      source: seen.source === "peoplesMediator" || c.source === "peoplesMediator" ? "peoplesMediator" : "talentPool",
      skills: [...new Set([...seen.skills, ...c.skills])],
      languages: [...new Set([...seen.languages, ...c.languages])],
      ...(seen.building === undefined && c.building !== undefined ? { building: c.building } : {}),
      ...(seen.household === undefined && c.household !== undefined ? { household: c.household } : {}),
    });
  }
  return [...byPerson.values()];
}

/** The proposal: the best-ranked candidate, or null when nobody is free of conflict. */
export function proposeMediator(dispute: MatchingDispute, candidates: readonly MediatorCandidate[], loadOf: (person: string) => number): Ranked | null {
  return rankMediators(dispute, candidates, loadOf)[0] ?? null;
}
