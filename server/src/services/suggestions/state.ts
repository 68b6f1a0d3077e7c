// A suggestion's state and an open day's state, folded from their records. Pure.
import { byStaffForResident } from "../../receipts/actor.js";
import type { JournalRecord } from "../framework/index.js";
import {
  Adopted,
  Answered,
  AttendanceRecorded,
  Declined,
  Implemented,
  NameHidden,
  Overdue,
  Received,
  Registered,
  Scheduled,
  type Channel,
  type DeclineReason,
  type Topic,
} from "./records.js";

/** received → answered → adopted → implemented, or answered → declined. */
export type SuggestionStatus = "none" | "received" | "answered" | "adopted" | "implemented" | "declined";

export type SuggestionState = {
  status: SuggestionStatus;
  channel: Channel;
  openDay: string | null;
  topic: Topic;
  text: string;
  /** The author's keyed pseudonym for this suggestion (texts.ts `authorTag`); null: not known (an open-day note without a name). */
  authorTag: string | null;
  /** The commitment to the name shown, while the author shows it. */
  shownName: string | null;
  /** Sent by staff for the resident, under an authorisation (shown as such). */
  proxy: boolean;
  receivedAt: number;
  answerBy: number;
  answeredAt: number | null;
  answer: string | null;
  late: boolean;
  overdue: boolean;
  adoptedAt: number | null;
  plan: string | null;
  implementedAt: number | null;
  costFen: number | null;
  doneOn: number | null;
  declinedAt: number | null;
  declineReason: DeclineReason | null;
  declineText: string | null;
};

export const INITIAL_SUGGESTION: SuggestionState = {
  status: "none",
  channel: "online",
  openDay: null,
  topic: "other",
  text: "",
  authorTag: null,
  shownName: null,
  proxy: false,
  receivedAt: 0,
  answerBy: 0,
  answeredAt: null,
  answer: null,
  late: false,
  overdue: false,
  adoptedAt: null,
  plan: null,
  implementedAt: null,
  costFen: null,
  doneOn: null,
  declinedAt: null,
  declineReason: null,
  declineText: null,
};

export function evolveSuggestion(state: SuggestionState, record: JournalRecord): SuggestionState {
  const at = record.at;
  if (Received.is(record)) {
    const p = record.payload;
    return {
      ...state,
      status: "received",
      channel: p.channel,
      openDay: p.openDay ?? null,
      topic: p.topic,
      text: p.text,
      authorTag: p.authorTag ?? null,
      shownName: p.shownName ?? null,
      proxy: byStaffForResident(record.actor),
      receivedAt: at,
      answerBy: p.answerBy,
    };
  }
  if (Answered.is(record)) return { ...state, status: "answered", answeredAt: at, answer: record.payload.text, late: record.payload.late };
  if (Adopted.is(record)) return { ...state, status: "adopted", adoptedAt: at, plan: record.payload.plan ?? null };
  if (Declined.is(record)) return { ...state, status: "declined", declinedAt: at, declineReason: record.payload.reason, declineText: record.payload.text };
  if (Implemented.is(record)) return { ...state, status: "implemented", implementedAt: at, costFen: record.payload.costFen, doneOn: record.payload.doneOn };
  if (Overdue.is(record)) return { ...state, overdue: true };
  if (NameHidden.is(record)) return { ...state, shownName: null };
  return state;
}

export type OpenDayState = {
  scheduled: boolean;
  date: number;
  estateId: number;
  place: string;
  theme: string;
  /** The head count recorded at the door; null until recorded. */
  attendance: number | null;
  /** Registered attendees (addresses or vault person ids). */
  attendees: string[];
};

export const INITIAL_OPEN_DAY: OpenDayState = { scheduled: false, date: 0, estateId: 0, place: "", theme: "", attendance: null, attendees: [] };

export function evolveOpenDay(state: OpenDayState, record: JournalRecord): OpenDayState {
  if (Scheduled.is(record)) return { ...state, scheduled: true, ...record.payload };
  if (AttendanceRecorded.is(record)) return { ...state, attendance: record.payload.count };
  if (Registered.is(record)) return state.attendees.includes(record.payload.attendee) ? state : { ...state, attendees: [...state.attendees, record.payload.attendee] };
  return state;
}
