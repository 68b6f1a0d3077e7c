// A member's state and an invitation's state, folded from their records. Pure.
import type { JournalRecord } from "../framework/index.js";
import { ConsentGiven, ConsentWithdrawn, InvitationAccepted, InvitationDeclined, Invited, Registered, Updated, type Offer, type TargetKind } from "./records.js";

export type MemberState = {
  registered: boolean;
  person: string;
  offer: Offer | null;
  consent: boolean;
  /** The address that registered (the member's own, or the resident staff acted for), when it was an address. */
  address: string | null;
  /** Registered or last changed by staff for the member, under an authorisation. */
  proxy: boolean;
  registeredAt: number;
  updatedAt: number;
  consentChangedAt: number;
};

export const INITIAL_MEMBER: MemberState = { registered: false, person: "", offer: null, consent: false, address: null, proxy: false, registeredAt: 0, updatedAt: 0, consentChangedAt: 0 };

const residentAddress = (record: JournalRecord): string | null => {
  const actor = record.actor;
  const who = "onBehalfOf" in actor ? actor.onBehalfOf : "address" in actor ? actor.address : null;
  return who && /^0x[0-9a-fA-F]{40}$/.test(who) ? who.toLowerCase() : null;
};

export function evolveMember(state: MemberState, record: JournalRecord): MemberState {
  const proxy = "onBehalfOf" in record.actor;
  if (Registered.is(record)) {
    const { person, consent: _consent, ...offer } = record.payload;
    return { ...state, registered: true, person, offer, consent: true, address: residentAddress(record), proxy, registeredAt: record.at, updatedAt: record.at, consentChangedAt: record.at };
  }
  if (Updated.is(record)) return { ...state, offer: record.payload, proxy, updatedAt: record.at };
  if (ConsentWithdrawn.is(record)) return { ...state, consent: false, consentChangedAt: record.at };
  if (ConsentGiven.is(record)) return { ...state, consent: true, consentChangedAt: record.at };
  return state;
}

export type InvitationStatus = "none" | "invited" | "accepted" | "declined";
export type InvitationState = { status: InvitationStatus; member: string; target: { kind: TargetKind; id: string } | null; invitedAt: number; answeredAt: number | null; proxy: boolean };
export const INITIAL_INVITATION: InvitationState = { status: "none", member: "", target: null, invitedAt: 0, answeredAt: null, proxy: false };

export function evolveInvitation(state: InvitationState, record: JournalRecord): InvitationState {
  if (Invited.is(record)) return { ...state, status: "invited", member: record.payload.member, target: record.payload.target, invitedAt: record.at };
  if (InvitationAccepted.is(record)) return { ...state, status: "accepted", answeredAt: record.at, proxy: "onBehalfOf" in record.actor };
  if (InvitationDeclined.is(record)) return { ...state, status: "declined", answeredAt: record.at, proxy: "onBehalfOf" in record.actor };
  return state;
}
