// A project's state, folded from its records. Pure.
import type { JournalRecord } from "../framework/index.js";
import { EMPTY_LEDGER, type Ledger, type MatchRule } from "./funding.js";
import {
  Accepted,
  Completed,
  FundingClosed,
  FundingOpened,
  Matched,
  MatchReleased,
  MilestoneAccepted,
  MilestoneAdded,
  Pledged,
  ProgressReported,
  Proposed,
  Refused,
  Released,
  Spent,
  Supported,
  VisitsRecorded,
  VoteLinked,
  type RefusalReason,
} from "./records.js";

/** proposed → eligible → funding → funded → delivered; proposed → refused; funding → failed (every pledge released). */
export type ProjectStatus = "none" | "proposed" | "refused" | "eligible" | "funding" | "funded" | "failed" | "delivered";

export type Pledge = {
  source: "resident" | "partner";
  /** The resident's address (lowercase) or the partner's id. */
  pledger: string;
  amountFen: number;
  /** Entered by staff for the resident, under an authorisation. */
  proxy: boolean;
  at: number;
  /** Given back (withdrawn, or released when the project failed). */
  released: boolean;
};

export type Milestone = { title: string; percent: number; evidence: string[]; acceptedAt: number | null; spentFen: number };
export type Visits = { month: string; visits: number; source: string; at: number };

export type ProjectState = {
  status: ProjectStatus;
  estateId: number;
  title: string;
  place: string;
  description: string;
  photos: string[];
  minimumFen: number;
  optimumFen: number;
  proposer: string | null;
  proxy: boolean;
  proposedAt: number;
  needsVote: boolean;
  refusal: { reason: RefusalReason; text: string } | null;
  supporters: string[];
  voteId: number | null;
  deadline: number | null;
  rule: MatchRule | null;
  residentShareBp: number;
  pledges: Pledge[];
  /** The match the subsidy commits now (the running total of Matched less MatchReleased). */
  matchFen: number;
  ledger: Ledger;
  outcome: "funded" | "belowMinimum" | "residentShare" | null;
  closedAt: number | null;
  milestones: Milestone[];
  visits: Visits[];
  completedAt: number | null;
};

export const INITIAL_PROJECT: ProjectState = {
  status: "none",
  estateId: 0,
  title: "",
  place: "",
  description: "",
  photos: [],
  minimumFen: 0,
  optimumFen: 0,
  proposer: null,
  proxy: false,
  proposedAt: 0,
  needsVote: false,
  refusal: null,
  supporters: [],
  voteId: null,
  deadline: null,
  rule: null,
  residentShareBp: 0,
  pledges: [],
  matchFen: 0,
  ledger: EMPTY_LEDGER,
  outcome: null,
  closedAt: null,
  milestones: [],
  visits: [],
  completedAt: null,
};

/** The resident a record speaks for: the acting address, or for staff under an authorisation, the resident. */
export function residentOfActor(actor: JournalRecord["actor"]): string | null {
  if ("onBehalfOf" in actor) return actor.onBehalfOf.toLowerCase();
  return "address" in actor ? actor.address.toLowerCase() : null;
}

/** Residents' pledges still held (not withdrawn or released). */
export const residentHeldFen = (s: ProjectState): number => s.pledges.reduce((sum, p) => sum + (p.source === "resident" && !p.released ? p.amountFen : 0), 0);
/** Every pledge still held. */
export const heldFen = (s: ProjectState): number => s.pledges.reduce((sum, p) => sum + (p.released ? 0 : p.amountFen), 0);

const setMilestone = (s: ProjectState, i: number, change: Partial<Milestone>): Milestone[] => s.milestones.map((m, j) => (j === i ? { ...m, ...change } : m));

export function evolveProject(state: ProjectState, record: JournalRecord): ProjectState {
  const at = record.at;
  const ledger = state.ledger;
  if (Proposed.is(record)) {
    return { ...state, ...record.payload, status: "proposed", proposer: residentOfActor(record.actor), proxy: "onBehalfOf" in record.actor, proposedAt: at };
  }
  if (Accepted.is(record)) return { ...state, status: "eligible", needsVote: record.payload.needsVote };
  if (Refused.is(record)) return { ...state, status: "refused", refusal: { reason: record.payload.reason, text: record.payload.text } };
  if (Supported.is(record)) {
    const who = residentOfActor(record.actor);
    return who === null || state.supporters.includes(who) ? state : { ...state, supporters: [...state.supporters, who] };
  }
  if (VoteLinked.is(record)) return { ...state, voteId: record.payload.voteId };
  if (FundingOpened.is(record)) {
    const p = record.payload;
    return { ...state, status: "funding", deadline: p.deadline, rule: { numerator: p.matchNumerator, denominator: p.matchDenominator, capFen: p.matchCapFen }, residentShareBp: p.residentShareBp };
  }
  if (Pledged.is(record)) {
    const p = record.payload;
    const pledger = p.source === "partner" ? (p.partnerId ?? "") : (residentOfActor(record.actor) ?? "");
    const pledge: Pledge = { source: p.source, pledger, amountFen: p.amountFen, proxy: "onBehalfOf" in record.actor, at, released: false };
    return {
      ...state,
      pledges: [...state.pledges, pledge],
      ledger: { ...ledger, pledgedFen: ledger.pledgedFen + p.amountFen, residentPledgedFen: ledger.residentPledgedFen + (p.source === "resident" ? p.amountFen : 0) },
    };
  }
  if (Matched.is(record)) return { ...state, matchFen: state.matchFen + record.payload.amountFen, ledger: { ...ledger, matchedFen: ledger.matchedFen + record.payload.amountFen } };
  if (Released.is(record)) {
    const i = record.payload.pledge;
    return {
      ...state,
      pledges: state.pledges.map((p, j) => (j === i ? { ...p, released: true } : p)),
      ledger: { ...ledger, releasedFen: ledger.releasedFen + record.payload.amountFen },
    };
  }
  if (MatchReleased.is(record)) return { ...state, matchFen: state.matchFen - record.payload.amountFen, ledger: { ...ledger, releasedFen: ledger.releasedFen + record.payload.amountFen } };
  if (FundingClosed.is(record)) return { ...state, status: record.payload.outcome === "funded" ? "funded" : "failed", outcome: record.payload.outcome, closedAt: at };
  if (MilestoneAdded.is(record)) return { ...state, milestones: [...state.milestones, { title: record.payload.title, percent: 0, evidence: [], acceptedAt: null, spentFen: 0 }] };
  if (ProgressReported.is(record)) {
    const m = state.milestones[record.payload.milestone];
    if (!m) return state;
    return { ...state, milestones: setMilestone(state, record.payload.milestone, { percent: record.payload.percent, evidence: [...m.evidence, ...record.payload.evidence] }) };
  }
  if (MilestoneAccepted.is(record)) return { ...state, milestones: setMilestone(state, record.payload.milestone, { acceptedAt: at }) };
  if (Spent.is(record)) {
    const m = state.milestones[record.payload.milestone];
    return {
      ...state,
      milestones: m ? setMilestone(state, record.payload.milestone, { spentFen: m.spentFen + record.payload.amountFen }) : state.milestones,
      ledger: { ...ledger, spentFen: ledger.spentFen + record.payload.amountFen },
    };
  }
  if (Completed.is(record)) return { ...state, status: "delivered", completedAt: at };
  if (VisitsRecorded.is(record)) {
    const v: Visits = { ...record.payload, at };
    // A month counted again replaces its earlier count (the record of both stays in the journal).
    return { ...state, visits: [...state.visits.filter((x) => x.month !== v.month), v].sort((a, b) => a.month.localeCompare(b.month)) };
  }
  return state;
}
