// The talent pool's (能人库) records: a member's offer (skills, languages, availability, the hashes of proof
// documents) and their consent to be contacted, given and withdrawn; and invitations of a member to a work order, a
// mediation case or a micro-renewal project, accepted or declined. A member is a vault person id (their name,
// phone and flat stay in the directory and the vault); a proof document appears only as its hash.
import { z } from "zod/v4";
import { count, defineRecord, hashRef, objectId, personRef } from "../framework/index.js";
import { LANGUAGES, SKILLS } from "./skills.js";

export const SERVICE = "talent";
export const INVITATION_SERVICE = "talentinvite";

export const SLOTS = ["weekdays", "evenings", "weekends"] as const;
export type Slot = (typeof SLOTS)[number];

export const offer = z.object({
  skills: z.array(z.enum(SKILLS)).min(1).max(SKILLS.length).refine((a) => new Set(a).size === a.length, "each skill once"),
  languages: z.array(z.enum(LANGUAGES)).min(1).max(LANGUAGES.length).refine((a) => new Set(a).size === a.length, "each language once"),
  availability: z.object({
    slots: z.array(z.enum(SLOTS)).min(1).max(SLOTS.length).refine((a) => new Set(a).size === a.length, "each slot once"),
    hoursPerMonth: count.min(1).max(200),
  }),
  /** keccak256 of each proof document (a licence, a certificate); the document stays with the member or the office. */
  proofs: z.array(hashRef).max(6),
});
export type Offer = z.infer<typeof offer>;

export const Registered = defineRecord(SERVICE, "registered", offer.extend({ person: personRef, consent: z.literal(true) }));
export const Updated = defineRecord(SERVICE, "updated", offer);
export const ConsentWithdrawn = defineRecord(SERVICE, "consentWithdrawn", z.object({}));
export const ConsentGiven = defineRecord(SERVICE, "consentGiven", z.object({}));

export const RECORDS = [Registered, Updated, ConsentWithdrawn, ConsentGiven];

export const TARGET_KINDS = ["workorder", "mediation", "renewal"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];
export const target = z.object({ kind: z.enum(TARGET_KINDS), id: objectId });

export const Invited = defineRecord(INVITATION_SERVICE, "invited", z.object({ member: personRef, target }));
export const InvitationAccepted = defineRecord(INVITATION_SERVICE, "accepted", z.object({}));
export const InvitationDeclined = defineRecord(INVITATION_SERVICE, "declined", z.object({}));

export const INVITATION_RECORDS = [Invited, InvitationAccepted, InvitationDeclined];
