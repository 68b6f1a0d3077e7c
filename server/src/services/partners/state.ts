// A partner's state, folded from its records. Pure. Bookings are kept in the state only while they have not
// ended: a new booking starts in the future, so an ended one can never overlap it, and the state stays small
// however many bookings a partner has had (the read models keep them all).
import type { z } from "zod/v4";
import type { JournalRecord } from "../framework/index.js";
import { Applied, Approved, Booked, BookingCancelled, ContactChanged, Given, OfferAdded, OfferWithdrawn, Registered, Rejected, TimebankLinked, type OfferInput, type PartnerKind } from "./records.js";

export type PartnerStatus = "none" | "pending" | "approved" | "rejected";
export type Offer = OfferInput & { offerId: string; withdrawn: boolean; addedAt: number };
export type ActiveBooking = { bookingId: string; offerId: string; start: number; end: number; booker: string };

export type PartnerState = {
  status: PartnerStatus;
  kind: PartnerKind | null;
  name: string;
  nameEn: string;
  account: string | null;
  contactName: string | null;
  contactPhone: string | null;
  /** Self-registration (applied, then approved) or registered by the office. */
  selfRegistered: boolean;
  timebankPartner: string | null;
  offers: Offer[];
  /** Bookings not cancelled that had not ended at the partner's last record. */
  bookings: ActiveBooking[];
  /** How many bookings were ever made (the next id is b<count + 1>). */
  bookingCount: number;
  registeredAt: number;
  decidedAt: number | null;
};

export const INITIAL_PARTNER: PartnerState = {
  status: "none",
  kind: null,
  name: "",
  nameEn: "",
  account: null,
  contactName: null,
  contactPhone: null,
  selfRegistered: false,
  timebankPartner: null,
  offers: [],
  bookings: [],
  bookingCount: 0,
  registeredAt: 0,
  decidedAt: null,
};

/** The resident or staff member a record was made by (for staff under an authorisation, the resident). */
export function actorOf(record: Pick<JournalRecord, "actor">): string {
  const actor = record.actor;
  if ("onBehalfOf" in actor) return actor.onBehalfOf.toLowerCase();
  return "system" in actor ? `system:${actor.system}` : "address" in actor ? actor.address.toLowerCase() : `sealed:${actor.sealed}`;
}

export function evolvePartner(state: PartnerState, record: JournalRecord): PartnerState {
  const live = state.bookings.filter((b) => b.end > record.at);
  const s = live.length === state.bookings.length ? state : { ...state, bookings: live };
  if (record.kind === Registered.kind || record.kind === Applied.kind) {
    const p = (record as JournalRecord<z.infer<typeof Registered.schema>>).payload;
    const self = record.kind === Applied.kind;
    return { ...s, status: self ? "pending" : "approved", kind: p.kind, name: p.name, nameEn: p.nameEn, account: p.account, contactName: p.contactName, contactPhone: p.contactPhone, selfRegistered: self, registeredAt: record.at, decidedAt: self ? null : record.at };
  }
  if (Approved.is(record)) return { ...s, status: "approved", decidedAt: record.at };
  if (Rejected.is(record)) return { ...s, status: "rejected", decidedAt: record.at };
  if (ContactChanged.is(record)) return { ...s, contactName: record.payload.contactName, contactPhone: record.payload.contactPhone };
  if (TimebankLinked.is(record)) return { ...s, timebankPartner: record.payload.timebankPartner };
  if (OfferAdded.is(record)) return { ...s, offers: [...s.offers, { ...record.payload, withdrawn: false, addedAt: record.at }] };
  if (OfferWithdrawn.is(record)) return { ...s, offers: s.offers.map((o) => (o.offerId === record.payload.offerId ? { ...o, withdrawn: true } : o)) };
  if (Booked.is(record)) {
    const { bookingId, offerId, start, end } = record.payload;
    return { ...s, bookingCount: s.bookingCount + 1, bookings: [...s.bookings, { bookingId, offerId, start, end, booker: actorOf(record) }] };
  }
  if (BookingCancelled.is(record)) return { ...s, bookings: s.bookings.filter((b) => b.bookingId !== record.payload.bookingId) };
  if (Given.is(record)) return s;
  return s;
}
