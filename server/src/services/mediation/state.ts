// A dispute's state, folded from its records. Pure: times come from the records.
import type { Language } from "../talent/skills.js";
import type { JournalRecord } from "../framework/index.js";
import {
  AgreementRecorded,
  Answered,
  Assigned,
  Closed,
  ConfirmationApplied,
  ConfirmationDecided,
  Escalated,
  Extended,
  Filed,
  FollowedUp,
  Invited,
  Reopened,
  SessionHeld,
  SessionScheduled,
  type Category,
  type Level,
  type Outcome,
  type ParticipantRole,
  type Place,
  type Respondent,
} from "./records.js";

/** awaitingAnswer → mediating → closed; a reopening goes back to mediating. */
export type DisputeStatus = "none" | "awaitingAnswer" | "mediating" | "closed";

export type Session = { session: number; at: number; place: string; held: boolean | null; attendees: string[] };

export type DisputeState = {
  status: DisputeStatus;
  category: Category;
  place: Place | null;
  level: Level;
  claimant: string;
  respondent: Respondent | null;
  languages: Language[];
  filedAt: number;
  answerDueAt: number;
  /** null: not answered; the answer's time and whether the respondent agreed to mediate. */
  answer: { at: number; accepts: boolean } | null;
  /** The time limit (one month by default), moved on by extensions and reopenings. */
  dueAt: number;
  extensions: number;
  mediator: { person: string; address?: string; source: "peoplesMediator" | "talentPool"; by: "matching" | "office" } | null;
  participants: { person: string; address?: string; role: ParticipantRole }[];
  sessions: Session[];
  agreement: { document: string; signedBy: string[]; performBy: number; at: number; confirmationDueAt: number } | null;
  confirmation: "none" | "applied" | "confirmed" | "refused";
  outcome: Outcome | null;
  closedAt: number | null;
  /** When the follow-up visit (回访) is due, for an agreement; null when none is due. */
  followUpDueAt: number | null;
  followUp: { at: number; result: string } | null;
  escalations: { from: Level; to: Level; bySilence: boolean; at: number }[];
  reopens: number;
  /** Whether the case's closing wrote an anonymised summary (the similar cases index it). */
  summarised: boolean;
};

export const INITIAL_DISPUTE: DisputeState = {
  status: "none",
  category: "other",
  place: null,
  level: "building",
  claimant: "",
  respondent: null,
  languages: [],
  filedAt: 0,
  answerDueAt: 0,
  answer: null,
  dueAt: 0,
  extensions: 0,
  mediator: null,
  participants: [],
  sessions: [],
  agreement: null,
  confirmation: "none",
  outcome: null,
  closedAt: null,
  followUpDueAt: null,
  followUp: null,
  escalations: [],
  reopens: 0,
  summarised: false,
};

/** The person ids of the other side: the person, or the people of the flat known at filing. */
export function respondentPeople(state: Pick<DisputeState, "respondent">): string[] {
  const r = state.respondent;
  if (!r) return [];
  return "person" in r ? [r.person] : r.people;
}

/** Every party's person id (the claimant first). */
export function partiesOf(state: Pick<DisputeState, "claimant" | "respondent">): string[] {
  return [state.claimant, ...respondentPeople(state)].filter((p) => p !== "");
}

export function isOpen(state: Pick<DisputeState, "status">): boolean {
  return state.status === "awaitingAnswer" || state.status === "mediating";
}

export function evolveDispute(state: DisputeState, record: JournalRecord): DisputeState {
  const at = record.at;
  if (Filed.is(record)) {
    const p = record.payload;
    return { ...INITIAL_DISPUTE, status: "awaitingAnswer", category: p.category, place: p.place, level: p.level, claimant: p.claimant, respondent: p.respondent, languages: p.languages, filedAt: at, answerDueAt: p.answerDueAt, dueAt: p.dueAt };
  }
  if (Answered.is(record)) return { ...state, status: state.status === "awaitingAnswer" ? "mediating" : state.status, answer: { at, accepts: record.payload.accepts } };
  if (Escalated.is(record)) {
    const p = record.payload;
    // A new level's office takes the case up afresh: the mediator of the level below steps back.
    return { ...state, status: state.status === "awaitingAnswer" ? "mediating" : state.status, level: p.to, mediator: null, escalations: [...state.escalations, { from: p.from, to: p.to, bySilence: p.bySilence, at }] };
  }
  if (Assigned.is(record)) {
    const p = record.payload;
    return { ...state, mediator: { person: p.mediator, ...(p.address ? { address: p.address } : {}), source: p.source, by: p.by } };
  }
  if (Invited.is(record)) {
    const p = record.payload;
    return { ...state, participants: [...state.participants, { person: p.person, ...(p.address ? { address: p.address } : {}), role: p.role }] };
  }
  if (SessionScheduled.is(record)) {
    const p = record.payload;
    return { ...state, sessions: [...state.sessions, { session: p.session, at: p.at, place: p.place, held: null, attendees: [] }] };
  }
  if (SessionHeld.is(record)) {
    const p = record.payload;
    return { ...state, sessions: state.sessions.map((s) => (s.session === p.session ? { ...s, held: p.held, attendees: p.attendees } : s)) };
  }
  if (Extended.is(record)) return { ...state, dueAt: record.payload.dueAt, extensions: state.extensions + 1 };
  if (AgreementRecorded.is(record)) {
    const p = record.payload;
    return { ...state, agreement: { document: p.document, signedBy: p.signedBy, performBy: p.performBy, at, confirmationDueAt: p.confirmationDueAt }, confirmation: "none" };
  }
  if (ConfirmationApplied.is(record)) return { ...state, confirmation: "applied" };
  if (ConfirmationDecided.is(record)) return { ...state, confirmation: record.payload.confirmed ? "confirmed" : "refused" };
  if (Closed.is(record)) {
    const p = record.payload;
    return { ...state, status: "closed", outcome: p.outcome, level: p.level, closedAt: at, followUpDueAt: p.followUpDueAt, followUp: null, summarised: p.summary !== undefined };
  }
  if (FollowedUp.is(record)) return { ...state, followUp: { at, result: record.payload.result } };
  if (Reopened.is(record)) {
    return { ...state, status: "mediating", outcome: null, closedAt: null, followUpDueAt: null, followUp: null, dueAt: record.payload.dueAt, reopens: state.reopens + 1, summarised: false };
  }
  return state;
}
