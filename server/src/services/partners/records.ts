// Community partners' (社区合伙人) records, issue 16: a business or organisation registered by the office, or
// applying itself and approved by the office; what it offers (space, goods, services, discounts), when and to
// whom, and which currencies each offer accepts; its link to its on-chain time-bank partner address; bookings of
// its space; the goods and services it gave. Its public name and offers are public (like the directory's
// organisation names); its contact person's name and phone are personal: kept in the vault as notes, the record
// carrying only their salted commitments.
import { z } from "zod/v4";
import { addressRef, amountFen, commitmentRef, count, defineRecord, unixSeconds } from "../framework/index.js";

export const SERVICE = "partner";

/** What kind of business or organisation a partner is. */
export const PARTNER_KINDS = ["catering", "retail", "health", "education", "socialOrganisation", "services", "other"] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

/** What an offer gives: a room for meetings (booked by slot), goods, a service, a discount. */
export const OFFER_KINDS = ["space", "goods", "service", "discount"] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];

/** To whom an offer is made. */
export const AUDIENCES = ["allResidents", "elderly", "volunteers", "children", "families", "disabled"] as const;
export type Audience = (typeof AUDIENCES)[number];

/**
 * What an offer may be paid with besides nothing: time-bank minutes (the TimeBank contract's partner redemptions)
 * and green points (issue 17's ledger, not built yet: an offer can already declare it; docs/partners.md).
 */
export const CURRENCIES = ["timebank", "greenPoints"] as const;
export type Currency = (typeof CURRENCIES)[number];

export const REJECT_REASONS = ["notInCommunity", "incomplete", "duplicate", "notSuitable"] as const;

const unique = <T>(a: readonly T[]) => new Set(a).size === a.length;

/** A public name: shown on public pages as written (a business's name, never a person's). */
export const publicName = z.string().trim().min(1, "empty").max(40);
/** An offer's public title. */
export const publicTitle = z.string().trim().min(1, "empty").max(60);

/**
 * An opening slot: an ISO weekday (1 Monday … 7 Sunday) and minutes from midnight, China time (UTC+8, no daylight
 * saving), from < to, within one day.
 */
export const slot = z
  .object({ day: z.number().int().min(1).max(7), from: z.number().int().min(0).max(1439), to: z.number().int().min(1).max(1440) })
  .refine((s) => s.from < s.to, "from before to");
export type Slot = z.infer<typeof slot>;

export const offerInput = z.object({
  kind: z.enum(OFFER_KINDS),
  title: publicTitle,
  titleEn: publicTitle,
  audiences: z.array(z.enum(AUDIENCES)).min(1).max(AUDIENCES.length).refine(unique, "each audience once"),
  accepts: z.array(z.enum(CURRENCIES)).max(CURRENCIES.length).refine(unique, "each currency once").describe("currencies the offer accepts; empty: given free"),
  hours: z.array(slot).max(21).describe("opening times; a space is booked within them"),
  capacity: count.min(1).max(1000).optional().describe("people a space holds"),
  discountPercent: z.number().int().min(1).max(100).optional().describe("for a discount"),
});
export type OfferInput = z.infer<typeof offerInput>;

const partnerFields = {
  kind: z.enum(PARTNER_KINDS),
  name: publicName,
  nameEn: publicName,
  /** The partner's account: the address it signs in with to its desk (null: the office keeps it for them). */
  account: addressRef.nullable(),
  /** Commitments to the contact person's name and phone (notes in the vault). */
  contactName: commitmentRef,
  contactPhone: commitmentRef,
};

export const Registered = defineRecord(SERVICE, "registered", z.object(partnerFields));
export const Applied = defineRecord(SERVICE, "applied", z.object(partnerFields));
export const Approved = defineRecord(SERVICE, "approved", z.object({}));
export const Rejected = defineRecord(SERVICE, "rejected", z.object({ reason: z.enum(REJECT_REASONS) }));
export const ContactChanged = defineRecord(SERVICE, "contactChanged", z.object({ contactName: commitmentRef, contactPhone: commitmentRef }));
export const TimebankLinked = defineRecord(SERVICE, "timebankLinked", z.object({ timebankPartner: addressRef }));
export const OfferAdded = defineRecord(SERVICE, "offerAdded", offerInput.extend({ offerId: z.string().regex(/^o[0-9]{1,4}$/) }));
export const OfferWithdrawn = defineRecord(SERVICE, "offerWithdrawn", z.object({ offerId: z.string() }));
/** A space booked: a slot [start, end) of one offer, for `people`; the booker is the record's actor. */
export const Booked = defineRecord(SERVICE, "booked", z.object({ bookingId: z.string().regex(/^b[0-9]{1,9}$/), offerId: z.string(), start: unixSeconds, end: unixSeconds, people: count }));
export const BookingCancelled = defineRecord(SERVICE, "bookingCancelled", z.object({ bookingId: z.string() }));
/** Goods or a service given under an offer: how many, their value in fen as the partner states it, and when. */
export const Given = defineRecord(SERVICE, "given", z.object({ offerId: z.string(), quantity: count.min(1), valueFen: amountFen, on: unixSeconds }));

export const RECORDS = [Registered, Applied, Approved, Rejected, ContactChanged, TimebankLinked, OfferAdded, OfferWithdrawn, Booked, BookingCancelled, Given];
