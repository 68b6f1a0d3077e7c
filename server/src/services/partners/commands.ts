// What may happen to a partner: pure decisions over its state. What they need from elsewhere (the contact's
// commitments, kept in the vault just before; whether an account or an on-chain partner address is taken by
// another partner; whether the address is a partner on chain) comes as facts, looked up under the partner's
// lock (index.ts).
import { z } from "zod/v4";
import { addressRef, amountFen, count, defineCommand, refuse, unixSeconds, type DecideContext, type Refusal } from "../framework/index.js";
import { chinaTime, hhmm, openingOf, slotOf } from "./hours.js";
import { Applied, Approved, Booked, BookingCancelled, ContactChanged, Given, OfferAdded, OfferWithdrawn, PARTNER_KINDS, publicName, Registered, Rejected, REJECT_REASONS, TimebankLinked, offerInput } from "./records.js";
import { actorOf, type Offer, type PartnerState, type PartnerStatus } from "./state.js";

export type PartnerFacts = {
  /** Commitments of the contact's name and phone, kept in the vault for this command. */
  contact?: { contactName: `0x${string}`; contactPhone: `0x${string}` };
  /** The partner already using the account the input names (or the actor's, for an application). */
  accountTakenBy?: string;
  /** For a link: whether the address is a partner on chain (TimeBank), and the partner already linked to it. */
  onchainPartner?: boolean;
  timebankTakenBy?: string;
};

const factsOf = (context: DecideContext): PartnerFacts => (context.facts as PartnerFacts | undefined) ?? {};

/** Contact person: personal data, kept in the vault; the record holds commitments only. */
export const contactInput = {
  contactName: z.string().trim().min(1, "empty").max(40).describe("the contact person's name: kept in the vault, the record holds a salted commitment"),
  contactPhone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 -]{5,19}$/, "a phone number")
    .describe("the contact person's phone: kept in the vault, the record holds a salted commitment"),
};

const partnerInput = z.object({ kind: z.enum(PARTNER_KINDS), name: publicName, nameEn: publicName, ...contactInput });

/** The longest booking, and how far ahead one may book. */
export const MAX_BOOKING_MINUTES = 720;
export const BOOK_AHEAD_DAYS = 90;

function inStatus(context: DecideContext, state: PartnerState, allowed: PartnerStatus[]): Refusal | undefined {
  return allowed.includes(state.status) ? undefined : refuse(409, "partner_wrong_status", { id: context.id, status: state.status, allowed: allowed.join(" / ") });
}

/** The partner's own account, or staff (the office acts for a partner that keeps no account). */
function ownOrOffice(state: PartnerState, context: DecideContext): Refusal | undefined {
  if (context.roles.includes("staff")) return undefined;
  const me = "address" in context.actor ? context.actor.address.toLowerCase() : "";
  return state.account !== null && me === state.account ? undefined : refuse(403, "partner_not_yours", { id: context.id });
}

function contactOf(context: DecideContext): NonNullable<PartnerFacts["contact"]> | Refusal {
  return factsOf(context).contact ?? refuse(400, "partner_contact_not_kept", {});
}

function offerOf(state: PartnerState, context: DecideContext, offerId: string): Offer | Refusal {
  const offer = state.offers.find((o) => o.offerId === offerId);
  if (!offer) return refuse(404, "partner_unknown_offer", { id: context.id, offerId });
  if (offer.withdrawn) return refuse(409, "partner_offer_withdrawn", { id: context.id, offerId });
  return offer;
}

export function partnerCommands() {
  return [
    defineCommand({
      name: "register",
      summary: "The office registers a partner (approved at once): public name, kind, the account it signs in with (optional), its contact person (kept in the vault)",
      target: "new",
      input: partnerInput.extend({ account: addressRef.optional().describe("the address the partner signs in with to its desk") }),
      who: ["staff"],
      decide: (_state: PartnerState, input, context) => {
        const contact = contactOf(context);
        if (contact instanceof Error) return contact;
        const taken = factsOf(context).accountTakenBy;
        if (input.account && taken) return refuse(409, "partner_account_taken", { account: input.account, partner: taken });
        return [Registered({ kind: input.kind, name: input.name, nameEn: input.nameEn, account: input.account ?? null, ...contact })];
      },
    }),
    defineCommand({
      name: "apply",
      summary: "A business or organisation registers itself with the account it signed in with; the office approves or rejects",
      target: "new",
      input: partnerInput,
      who: "signedIn",
      decide: (_state: PartnerState, input, context) => {
        if (!("address" in context.actor) || "onBehalfOf" in context.actor) return refuse(403, "partner_apply_own_account", {});
        const contact = contactOf(context);
        if (contact instanceof Error) return contact;
        const account = context.actor.address.toLowerCase();
        const taken = factsOf(context).accountTakenBy;
        if (taken) return refuse(409, "partner_account_taken", { account, partner: taken });
        return [Applied({ kind: input.kind, name: input.name, nameEn: input.nameEn, account, ...contact })];
      },
    }),
    defineCommand({
      name: "approve",
      summary: "The office approves a partner's application",
      target: "existing",
      input: z.object({}),
      who: ["staff"],
      decide: (state: PartnerState, _input, context) => inStatus(context, state, ["pending"]) ?? [Approved({})],
    }),
    defineCommand({
      name: "reject",
      summary: "The office rejects a partner's application, with a reason",
      target: "existing",
      input: z.object({ reason: z.enum(REJECT_REASONS) }),
      who: ["staff"],
      decide: (state: PartnerState, input, context) => inStatus(context, state, ["pending"]) ?? [Rejected(input)],
    }),
    defineCommand({
      name: "changeContact",
      summary: "The partner (or the office) changes its contact person (kept in the vault)",
      target: "existing",
      input: z.object(contactInput),
      who: "signedIn",
      decide: (state: PartnerState, _input, context) => {
        const refused = ownOrOffice(state, context) ?? inStatus(context, state, ["pending", "approved"]);
        if (refused) return refused;
        const contact = contactOf(context);
        return contact instanceof Error ? contact : [ContactChanged(contact)];
      },
    }),
    defineCommand({
      name: "linkTimebank",
      summary: "The office links the partner to its on-chain time-bank partner address: its page then shows the credits redeemed with it",
      target: "existing",
      input: z.object({ timebankPartner: addressRef }),
      who: ["staff"],
      decide: (state: PartnerState, input, context) => {
        const refused = inStatus(context, state, ["approved"]);
        if (refused) return refused;
        const facts = factsOf(context);
        if (!facts.onchainPartner) return refuse(404, "partner_not_onchain", { address: input.timebankPartner });
        if (facts.timebankTakenBy && facts.timebankTakenBy !== context.id) return refuse(409, "partner_timebank_taken", { address: input.timebankPartner, partner: facts.timebankTakenBy });
        if (state.timebankPartner === input.timebankPartner) return refuse(409, "partner_timebank_taken", { address: input.timebankPartner, partner: context.id });
        return [TimebankLinked(input)];
      },
    }),
    defineCommand({
      name: "addOffer",
      summary: "The partner (or the office) adds an offer: space, goods, a service or a discount; when, to whom, which currencies it accepts",
      target: "existing",
      input: offerInput,
      who: "signedIn",
      decide: (state: PartnerState, input, context) => {
        const refused = ownOrOffice(state, context) ?? inStatus(context, state, ["approved"]);
        if (refused) return refused;
        if (input.kind === "space" && input.hours.length === 0) return refuse(400, "partner_offer_needs_hours", { title: input.title });
        if (input.kind === "discount" && input.discountPercent === undefined) return refuse(400, "partner_offer_needs_discount", { title: input.title });
        return [OfferAdded({ ...input, offerId: `o${state.offers.length + 1}` })];
      },
    }),
    defineCommand({
      name: "withdrawOffer",
      summary: "The partner (or the office) withdraws an offer (bookings already made stay)",
      target: "existing",
      input: z.object({ offerId: z.string().max(8) }),
      who: "signedIn",
      decide: (state: PartnerState, input, context) => {
        const refused = ownOrOffice(state, context);
        if (refused) return refused;
        const offer = offerOf(state, context, input.offerId);
        return offer instanceof Error ? offer : [OfferWithdrawn(input)];
      },
    }),
    defineCommand({
      name: "book",
      summary: "A resident (or staff, or staff for a resident) books a slot of a partner's space: within its opening times, not overlapping another booking",
      target: "existing",
      input: z.object({
        offerId: z.string().max(8),
        start: unixSeconds.describe("Unix seconds"),
        minutes: z.number().int().min(15).max(MAX_BOOKING_MINUTES),
        people: count.min(1).max(1000),
      }),
      who: "signedIn",
      proxy: true,
      decide: (state: PartnerState, input, context) => {
        const refused = inStatus(context, state, ["approved"]);
        if (refused) return refused;
        const offer = offerOf(state, context, input.offerId);
        if (offer instanceof Error) return offer;
        if (offer.kind !== "space") return refuse(409, "partner_offer_not_space", { offerId: input.offerId, kind: offer.kind });
        if (input.start < context.now) return refuse(409, "partner_booking_past", { start: input.start, now: context.now });
        if (input.start > context.now + BOOK_AHEAD_DAYS * 86_400) return refuse(409, "partner_booking_too_far", { days: BOOK_AHEAD_DAYS });
        const end = input.start + input.minutes * 60;
        if (!slotOf(offer.hours, input.start, end)) {
          const at = chinaTime(input.start);
          return refuse(409, "partner_booking_outside_hours", { date: at.date, from: hhmm(at.minute), to: hhmm(at.minute + input.minutes), opening: openingOf(offer.hours, at.day) });
        }
        if (offer.capacity !== undefined && input.people > offer.capacity) return refuse(409, "partner_booking_over_capacity", { people: input.people, capacity: offer.capacity });
        const clash = state.bookings.find((b) => b.offerId === input.offerId && b.start < end && input.start < b.end);
        if (clash) {
          const from = chinaTime(clash.start);
          return refuse(409, "partner_booking_overlap", { bookingId: clash.bookingId, date: from.date, from: hhmm(from.minute), to: hhmm(from.minute + (clash.end - clash.start) / 60) });
        }
        return [Booked({ bookingId: `b${state.bookingCount + 1}`, offerId: input.offerId, start: input.start, end, people: input.people })];
      },
    }),
    defineCommand({
      name: "cancelBooking",
      summary: "The booker (or staff for them), the partner or the office cancels a booking that has not ended",
      target: "existing",
      input: z.object({ bookingId: z.string().max(12) }),
      who: "signedIn",
      proxy: true,
      decide: (state: PartnerState, input, context) => {
        const booking = state.bookings.find((b) => b.bookingId === input.bookingId && b.end > context.now);
        if (!booking) return refuse(404, "partner_booking_not_active", { bookingId: input.bookingId });
        const me = actorOf(context);
        if (booking.booker !== me && ownOrOffice(state, context)) return refuse(403, "partner_booking_not_yours", { bookingId: input.bookingId });
        return [BookingCancelled(input)];
      },
    }),
    defineCommand({
      name: "recordGiven",
      summary: "The partner (or the office) records goods or a service given under an offer: how many, their value in fen, when",
      target: "existing",
      input: z.object({ offerId: z.string().max(8), quantity: count.min(1).max(100_000), valueFen: amountFen.max(100_000_000), on: unixSeconds }),
      who: "signedIn",
      decide: (state: PartnerState, input, context) => {
        const refused = ownOrOffice(state, context) ?? inStatus(context, state, ["approved"]);
        if (refused) return refused;
        const offer = state.offers.find((o) => o.offerId === input.offerId);
        if (!offer) return refuse(404, "partner_unknown_offer", { id: context.id, offerId: input.offerId });
        if (offer.kind === "space") return refuse(409, "partner_given_space", { offerId: input.offerId });
        if (input.on > context.now) return refuse(409, "partner_given_future", { on: input.on, now: context.now });
        return [Given(input)];
      },
    }),
  ];
}
