// A pet's state, folded from its records. Pure. Its reports stay in the state (a pet has a handful a year), so a
// decision on one report sees every other and the points of each year.
import type { JournalRecord } from "../framework/index.js";
import { AppealDecided, Appealed, CourseCompleted, Registered, ReportConfirmed, ReportDismissed, Reported, VaccinationRenewed, type Species, type Violation } from "./records.js";
import type { PointsEntry } from "./rules.js";

export type AppealState = { status: "pending" | "upheld" | "rejected"; at: number; decidedAt: number | null; decision: string | null; proxy: boolean; /** The commitment of its reason (a note in the vault). */ reason: string };
export type ReportState = {
  reportId: string;
  violation: Violation;
  /** The reporter (address, or for staff under an authorisation, the resident they act for). */
  reporter: string;
  photo: string | null;
  place: string | null;
  month: string;
  at: number;
  status: "pending" | "confirmed" | "dismissed";
  decidedAt: number | null;
  /** Who confirmed or dismissed it. */
  decidedBy: string | null;
  reason: string | null;
  year: number | null;
  deducted: number;
  appeal: AppealState | null;
};

export type PetState = {
  registered: boolean;
  /** The household member who registered it (address, or a vault person id when staff registered it for them). */
  owner: string;
  /** Registered by staff on a recorded authorisation (代录). */
  proxy: boolean;
  unitId: number;
  estateId: number;
  buildingId: number;
  species: Species | null;
  breed: string;
  name: string | null;
  licence: string | null;
  photo: string | null;
  certificate: string | null;
  vaccinatedUntil: number;
  registeredAt: number;
  reports: ReportState[];
  points: PointsEntry[];
  courses: { at: number; year: number; restored: number }[];
};

export const INITIAL_PET: PetState = {
  registered: false,
  owner: "",
  proxy: false,
  unitId: 0,
  estateId: 0,
  buildingId: 0,
  species: null,
  breed: "",
  name: null,
  licence: null,
  photo: null,
  certificate: null,
  vaccinatedUntil: 0,
  registeredAt: 0,
  reports: [],
  points: [],
  courses: [],
};

/** The resident a record was made by (for staff under an authorisation, the resident). */
export function residentOf(actor: JournalRecord["actor"]): string {
  if ("onBehalfOf" in actor) return actor.onBehalfOf.toLowerCase();
  return "system" in actor ? `system:${actor.system}` : "address" in actor ? actor.address.toLowerCase() : `sealed:${actor.sealed}`;
}

/** Who actually acted (the staff member themself when acting for someone). */
export function actingOf(actor: JournalRecord["actor"]): string {
  return "system" in actor ? `system:${actor.system}` : "address" in actor ? actor.address.toLowerCase() : `sealed:${actor.sealed}`;
}

const withReport = (state: PetState, reportId: string, change: (r: ReportState) => ReportState): ReportState[] => state.reports.map((r) => (r.reportId === reportId ? change(r) : r));

export function evolvePet(state: PetState, record: JournalRecord): PetState {
  if (Registered.is(record)) {
    const p = record.payload;
    return {
      ...state,
      registered: true,
      owner: residentOf(record.actor),
      proxy: "onBehalfOf" in record.actor,
      unitId: p.unitId,
      estateId: p.estateId,
      buildingId: p.buildingId,
      species: p.species,
      breed: p.breed,
      name: p.name,
      licence: p.licence,
      photo: p.photo,
      certificate: p.certificate,
      vaccinatedUntil: p.vaccinatedUntil,
      registeredAt: record.at,
    };
  }
  if (VaccinationRenewed.is(record)) return { ...state, certificate: record.payload.certificate, vaccinatedUntil: record.payload.vaccinatedUntil };
  if (Reported.is(record)) {
    const p = record.payload;
    const report: ReportState = { reportId: p.reportId, violation: p.violation, reporter: residentOf(record.actor), photo: p.photo, place: p.place, month: p.month, at: record.at, status: "pending", decidedAt: null, decidedBy: null, reason: null, year: null, deducted: 0, appeal: null };
    return { ...state, reports: [...state.reports, report] };
  }
  if (ReportConfirmed.is(record)) {
    const { reportId, year, deducted } = record.payload;
    return {
      ...state,
      reports: withReport(state, reportId, (r) => ({ ...r, status: "confirmed", decidedAt: record.at, decidedBy: actingOf(record.actor), year, deducted })),
      points: [...state.points, { year, delta: -deducted }],
    };
  }
  if (ReportDismissed.is(record)) {
    return { ...state, reports: withReport(state, record.payload.reportId, (r) => ({ ...r, status: "dismissed", decidedAt: record.at, decidedBy: actingOf(record.actor), reason: record.payload.reason })) };
  }
  if (Appealed.is(record)) {
    const appeal: AppealState = { status: "pending", at: record.at, decidedAt: null, decision: null, proxy: "onBehalfOf" in record.actor, reason: record.payload.reason };
    return { ...state, reports: withReport(state, record.payload.reportId, (r) => ({ ...r, appeal })) };
  }
  if (AppealDecided.is(record)) {
    const { reportId, upheld, decision, restored } = record.payload;
    const report = state.reports.find((r) => r.reportId === reportId);
    return {
      ...state,
      reports: withReport(state, reportId, (r) => ({ ...r, appeal: r.appeal && { ...r.appeal, status: upheld ? "upheld" : "rejected", decidedAt: record.at, decision } })),
      points: upheld && report?.year !== null && report?.year !== undefined ? [...state.points, { year: report.year, delta: restored }] : state.points,
    };
  }
  if (CourseCompleted.is(record)) {
    const { year, restored } = record.payload;
    return { ...state, points: [...state.points, { year, delta: restored }], courses: [...state.courses, { at: record.at, year, restored }] };
  }
  return state;
}
