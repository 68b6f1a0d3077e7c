// What may happen to a member's offer and to an invitation: pure decisions. Who the actor is (the vault person
// ids the directory links to the acting resident) and the invited member's state come as facts (index.ts).
import { z } from "zod/v4";
import { defineCommand, personRef, refuse, type DecideContext, type Refusal } from "../framework/index.js";
import { ConsentGiven, ConsentWithdrawn, InvitationAccepted, InvitationDeclined, Invited, offer, Registered, target, Updated } from "./records.js";
import type { InvitationState, MemberState } from "./state.js";

export type TalentFacts = {
  /** The vault person ids the acting resident is (their address's links; a person id staff act for). */
  persons: string[];
  /** For an invitation: the invited member's state (undefined: not in the pool). */
  member?: MemberState;
};

const factsOf = (context: DecideContext): TalentFacts => (context.facts as TalentFacts | undefined) ?? { persons: [] };

function asPerson(context: DecideContext, person: string): Refusal | undefined {
  return factsOf(context).persons.includes(person) ? undefined : refuse(403, "talent_not_you", { person });
}

export function memberCommands() {
  return [
    defineCommand({
      name: "register",
      summary: "A skilled resident joins the talent pool (or staff register them, under an authorisation): skills, languages, availability, proof hashes, and explicit consent to be contacted",
      target: "new",
      idOf: (input) => input.person,
      input: offer.extend({ person: personRef, consent: z.boolean().describe("must be true: the explicit consent to be contacted") }),
      who: "signedIn",
      proxy: true,
      decide: (state: MemberState, input, context) => {
        const refused = asPerson(context, input.person);
        if (refused) return refused;
        if (state.registered) return refuse(409, "talent_already_registered", { person: input.person });
        if (input.consent !== true) return refuse(400, "talent_consent_required", {});
        return [Registered({ ...input, consent: true })];
      },
    }),
    defineCommand({
      name: "update",
      summary: "The member changes what they offer (or staff for them)",
      target: "existing",
      input: offer,
      who: "signedIn",
      proxy: true,
      decide: (state: MemberState, input, context) => asPerson(context, state.person) ?? [Updated(input)],
    }),
    defineCommand({
      name: "withdrawConsent",
      summary: "The member withdraws their consent to be contacted: no longer matched, invited or shown in the pool",
      target: "existing",
      input: z.object({}),
      who: "signedIn",
      proxy: true,
      decide: (state: MemberState, _input, context) => {
        const refused = asPerson(context, state.person);
        if (refused) return refused;
        if (!state.consent) return refuse(409, "talent_consent_state", { person: state.person, consent: "withdrawn" });
        return [ConsentWithdrawn({})];
      },
    }),
    defineCommand({
      name: "giveConsent",
      summary: "The member gives their consent to be contacted again",
      target: "existing",
      input: z.object({}),
      who: "signedIn",
      proxy: true,
      decide: (state: MemberState, _input, context) => {
        const refused = asPerson(context, state.person);
        if (refused) return refused;
        if (state.consent) return refuse(409, "talent_consent_state", { person: state.person, consent: "given" });
        return [ConsentGiven({})];
      },
    }),
  ];
}

export function invitationCommands() {
  const answer = (accept: boolean) =>
    defineCommand({
      name: accept ? "accept" : "decline",
      summary: accept ? "The member accepts the invitation (or staff for them)" : "The member declines the invitation (or staff for them)",
      target: "existing",
      input: z.object({}),
      who: "signedIn",
      proxy: true,
      decide: (state: InvitationState, _input, context) => {
        if (!factsOf(context).persons.includes(state.member)) return refuse(403, "talent_not_invitee", { id: context.id });
        if (state.status !== "invited") return refuse(409, "talent_invitation_wrong_status", { id: context.id, status: state.status });
        return [accept ? InvitationAccepted({}) : InvitationDeclined({})];
      },
    });
  return [
    defineCommand({
      name: "invite",
      summary: "Staff or a mediator invite a consenting member to a work order, a mediation case or a micro-renewal project",
      target: "new",
      input: z.object({ member: personRef, target }),
      who: ["staff", "mediator"],
      decide: (_state: InvitationState, input, context) => {
        const member = factsOf(context).member;
        if (!member?.registered) return refuse(404, "talent_not_in_pool", { person: input.member });
        if (!member.consent) return refuse(409, "talent_no_consent", { person: input.member });
        return [Invited(input)];
      },
    }),
    answer(true),
    answer(false),
  ];
}
