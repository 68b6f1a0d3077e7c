// A work order's state, folded from its records, and its clocks. Pure: the time is always passed in.
import type { JournalRecord } from "../framework/index.js";
import type { Party, Priority } from "./categories.js";
import type { Channel, Place } from "./records.js";
import {
  Accepted,
  CheckedOnSite,
  Confirmed,
  Dispatched,
  Escalated,
  Joined,
  Paused,
  Rated,
  Reopened,
  Reported,
  Resolved,
  Resumed,
  Returned,
  Started,
} from "./records.js";

/** received → dispatched → accepted → inProgress → resolved → closed; a return goes back to received (the office). */
export type OrderStatus = "none" | "received" | "dispatched" | "accepted" | "inProgress" | "resolved" | "closed";

export type OrderState = {
  status: OrderStatus;
  serviceCode: string;
  priority: Priority;
  channel: Channel;
  place: Place | null;
  /** The coordinates a report gave, if any (millionths of a degree). */
  point?: { latE6: number; longE6: number };
  /** Everyone who reported it (addresses or vault person ids): they may confirm, reopen and rate, and are told. */
  reporters: string[];
  party: Party | null;
  receivedAt: number;
  dispatchedAt: number | null;
  /** Counted from receipt, before pauses. */
  deadlineAt: number | null;
  onSiteCheck: boolean;
  checkedOnSite: boolean;
  /** When the current pause began (null: not paused). */
  pausedSince: number | null;
  /** Paused time of the pauses that have ended. */
  pausedSeconds: number;
  /** Paused time when last dispatched (the dispatch clock counts only later pauses). */
  pausedAtDispatch: number;
  /**
   * Paused time that does not move the deadline in force: a reopening's deadline counts from the reopening, so the
   * waits of the first repair are already behind it. Absent in states stored before it existed (read as 0).
   */
  pausedBeforeDeadline?: number;
  resolvedAt: number | null;
  closedAt: number | null;
  returns: number;
  reopens: number;
  escalated: boolean;
  duplicates: number;
  rating: number | null;
  /** Device event ids already taken in (a repeat is answered, not counted twice). */
  deviceEvents: string[];
};

export const INITIAL_ORDER: OrderState = {
  status: "none",
  serviceCode: "",
  priority: "normal",
  channel: "resident",
  place: null,
  reporters: [],
  party: null,
  receivedAt: 0,
  dispatchedAt: null,
  deadlineAt: null,
  onSiteCheck: false,
  checkedOnSite: false,
  pausedSince: null,
  pausedSeconds: 0,
  pausedAtDispatch: 0,
  pausedBeforeDeadline: 0,
  resolvedAt: null,
  closedAt: null,
  returns: 0,
  reopens: 0,
  escalated: false,
  duplicates: 0,
  rating: null,
  deviceEvents: [],
};

/** Who acted as the reporter: the resident (or, for a proxy, the resident staff acted for). */
export function reporterOf(record: JournalRecord, given: string | undefined): string | undefined {
  if (given) return given;
  const actor = record.actor;
  if ("onBehalfOf" in actor) return actor.onBehalfOf.toLowerCase();
  return "address" in actor ? actor.address.toLowerCase() : undefined;
}

const addReporter = (list: string[], who: string | undefined) => (who && !list.includes(who) ? [...list, who] : list);
const addEvent = (list: string[], device: { device: string; event: string } | undefined) => (device ? [...list, `${device.device}/${device.event}`] : list);

export function evolveOrder(state: OrderState, record: JournalRecord): OrderState {
  const at = record.at;
  if (Reported.is(record)) {
    const p = record.payload;
    return {
      ...state,
      status: "received",
      serviceCode: p.serviceCode,
      priority: p.priority,
      channel: p.channel,
      place: p.place,
      ...(p.point ? { point: p.point } : {}),
      onSiteCheck: p.onSiteCheck,
      receivedAt: at,
      reporters: p.channel === "device" ? [] : addReporter([], reporterOf(record, p.reporter)),
      deviceEvents: addEvent([], p.device),
    };
  }
  if (Joined.is(record)) {
    const p = record.payload;
    return {
      ...state,
      duplicates: state.duplicates + 1,
      reporters: p.channel === "device" ? state.reporters : addReporter(state.reporters, reporterOf(record, p.reporter)),
      deviceEvents: addEvent(state.deviceEvents, p.device),
    };
  }
  if (Dispatched.is(record)) {
    return { ...state, status: "dispatched", party: record.payload.party, deadlineAt: record.payload.deadlineAt, dispatchedAt: at, pausedAtDispatch: pausedTotal(state, at) };
  }
  if (Accepted.is(record)) return { ...state, status: "accepted" };
  if (Started.is(record)) return { ...state, status: "inProgress" };
  if (Paused.is(record)) return { ...state, pausedSince: at };
  if (Resumed.is(record)) return { ...state, pausedSince: null, pausedSeconds: state.pausedSeconds + record.payload.pausedSeconds };
  if (Returned.is(record)) return { ...state, status: "received", party: null, returns: state.returns + 1, pausedSince: null, pausedSeconds: pausedTotal(state, at) };
  if (Resolved.is(record)) return { ...state, status: "resolved", resolvedAt: at, checkedOnSite: false, pausedSince: null, pausedSeconds: pausedTotal(state, at) };
  if (CheckedOnSite.is(record)) return record.payload.passed ? { ...state, checkedOnSite: true } : { ...state, status: "inProgress", resolvedAt: null };
  if (Confirmed.is(record)) return { ...state, status: "closed", closedAt: at };
  if (Reopened.is(record)) return { ...state, status: "dispatched", party: record.payload.party, deadlineAt: record.payload.deadlineAt, dispatchedAt: at, pausedAtDispatch: state.pausedSeconds, pausedBeforeDeadline: state.pausedSeconds, reopens: state.reopens + 1, resolvedAt: null, closedAt: null, checkedOnSite: false, rating: null };
  if (Rated.is(record)) return { ...state, rating: record.payload.level };
  if (Escalated.is(record)) return { ...state, escalated: true };
  return state;
}

/** Paused seconds up to `now`, the running pause included. */
export function pausedTotal(state: OrderState, now: number): number {
  return state.pausedSeconds + (state.pausedSince === null ? 0 : Math.max(0, now - state.pausedSince));
}

/** Whether the order still waits for its fix (its deadline runs). */
export function isOpen(state: OrderState): boolean {
  return state.status === "received" || state.status === "dispatched" || state.status === "accepted" || state.status === "inProgress";
}

export type Clocks = {
  /** Seconds since receipt (until resolution, or now), the resident's waiting time left out. */
  sinceReceipt: number;
  /** Seconds since the last dispatch, likewise; null before dispatch. */
  sinceDispatch: number | null;
  /** The resident's waiting time so far (paused seconds). */
  paused: number;
  /** The deadline moved on by the paused time; null before dispatch. */
  deadline: number | null;
  /** Seconds past the deadline at resolution, or now while open and not paused (0 when within). */
  lateBy: number;
  /** Open, not paused, and past its deadline. */
  overdue: boolean;
};

/** The two clocks the pages show, and whether the order is past its deadline at `now`. */
export function clocksOf(state: OrderState, now: number): Clocks {
  const end = state.resolvedAt ?? state.closedAt ?? now;
  const paused = pausedTotal(state, end);
  const deadline = state.deadlineAt === null ? null : state.deadlineAt + paused - (state.pausedBeforeDeadline ?? 0);
  const lateBy = deadline === null || state.pausedSince !== null ? 0 : Math.max(0, end - deadline);
  return {
    sinceReceipt: Math.max(0, end - state.receivedAt - paused),
    sinceDispatch: state.dispatchedAt === null ? null : Math.max(0, end - state.dispatchedAt - (paused - state.pausedAtDispatch)),
    paused,
    deadline,
    lateBy,
    overdue: isOpen(state) && lateBy > 0,
  };
}
