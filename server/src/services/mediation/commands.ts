// What may happen to a dispute, and when: pure decisions over its state. What they need from elsewhere (whom the
// acting address stands for, the people of a flat, the ranked mediators, the kept texts) comes as facts, looked up
// in the command's check (index.ts).
import { z } from "zod/v4";
import { count, defineCommand, hashRef, personRef, refuse, unixSeconds, addressRef, type DecideContext, type Emitted, type Refusal } from "../framework/index.js";
import type { Conflict, MediatorCandidate, Ranked } from "./matching.js";
import {
  AgreementRecorded,
  Answered,
  Assigned,
  category,
  Closed,
  ConfirmationApplied,
  ConfirmationDecided,
  ESCALATION_REASONS,
  Escalated,
  EXTENSION_REASONS,
  Extended,
  Filed,
  FOLLOW_UP_RESULTS,
  FollowedUp,
  Invited,
  language,
  LEVELS,
  OVERRIDE_REASONS,
  PARTICIPANT_ROLES,
  place,
  REOPEN_REASONS,
  Reopened,
  SESSION_PLACES,
  SessionHeld,
  SessionScheduled,
  type Level,
} from "./records.js";
import { partiesOf, respondentPeople, type DisputeState, type DisputeStatus } from "./state.js";

/** Settings a community may change (days). */
export type MediationSettings = {
  /** The respondent must answer within this many days; silence then escalates one level. */
  answerDays: number;
  /** The time limit of a mediation (one month by default), which extensions move on. */
  timeLimitDays: number;
  /** The parties may apply jointly for judicial confirmation within this many days of the agreement (art. 33: 30). */
  confirmationDays: number;
  /** The follow-up visit (回访) is due this many days after an agreement's case closes. */
  followUpDays: number;
  /** A party may reopen a closed case within this many days. */
  reopenDays: number;
};

export const DEFAULT_MEDIATION_SETTINGS: MediationSettings = { answerDays: 7, timeLimitDays: 30, confirmationDays: 30, followUpDays: 30, reopenDays: 90 };

const DAY = 86_400;

/** The free-text fields a command may carry, each kept in the vault as a note. */
export const TEXT_FIELDS = ["account", "wish", "text", "summary", "terms"] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

export const MAX_TEXT_CHARS = 2000;
const textInput = z.string().trim().min(1, "empty").max(MAX_TEXT_CHARS).describe(`free text, at most ${MAX_TEXT_CHARS} characters: kept in the vault, the record holds only a salted commitment`);

/** What the decisions know besides the dispute: set by the service's lookups (index.ts). */
export type MediationFacts = {
  /** The person ids the acting address stands for (for staff acting for a resident: the resident's). */
  actorPersons: readonly string[];
  /** Commitments to the input's texts, once kept in the vault. */
  notes: Partial<Record<TextField, `0x${string}`>>;
  /** file, against a flat: the people linked to it now. */
  flatPeople?: string[];
  /** assign: the candidates without conflict, best first, and the one the office named (with its conflict, if any). */
  matching?: { ranked: Ranked[]; named?: (MediatorCandidate & { conflict: Conflict | null }) | null };
};

const NO_FACTS: MediationFacts = { actorPersons: [], notes: {} };
const facts = (context: DecideContext): MediationFacts => (context.facts as MediationFacts | undefined) ?? NO_FACTS;

function inStatus(context: DecideContext, state: DisputeState, allowed: DisputeStatus[]): Refusal | undefined {
  return allowed.includes(state.status) ? undefined : refuse(409, "mediation_wrong_status", { id: context.id, status: state.status, allowed: allowed.join(" / ") });
}

/** The case's own mediator, or the office (staff). */
function asMediator(context: DecideContext, state: DisputeState): Refusal | undefined {
  if (context.roles.includes("staff")) return undefined;
  const m = state.mediator;
  const address = "address" in context.actor ? context.actor.address.toLowerCase() : undefined;
  if (m && ((m.address !== undefined && m.address === address) || facts(context).actorPersons.includes(m.person))) return undefined;
  return refuse(403, "mediation_not_mediator", { id: context.id });
}

/** The party the actor stands for (a person id), among `people`. */
function partyAmong(context: DecideContext, people: readonly string[]): string | undefined {
  return facts(context).actorPersons.find((p) => people.includes(p));
}

/** Not after the time limit: extend it (with a reason) or close the case. */
function withinLimit(context: DecideContext, state: DisputeState): Refusal | undefined {
  return context.now > state.dueAt ? refuse(409, "mediation_time_limit_passed", { id: context.id, dueAt: state.dueAt }) : undefined;
}

const note = (context: DecideContext, field: TextField = "text") => {
  const commitment = facts(context).notes[field];
  return commitment ? { note: commitment } : {};
};

export const nextLevel = (level: Level): Level => LEVELS[Math.min(LEVELS.indexOf(level) + 1, LEVELS.length - 1)]!;

/** One level up; from the street, a referral to the court, which ends the case here (outcome escalated). */
function escalation(state: DisputeState, reason: (typeof ESCALATION_REASONS)[number], bySilence: boolean, extra: { note?: `0x${string}` }): Emitted[] {
  const to = nextLevel(state.level);
  const out = [Escalated({ from: state.level, to, reason, bySilence, ...extra })];
  if (to === "court") out.push(Closed({ outcome: "escalated", level: "court", followUpDueAt: null }));
  return out;
}

export const fileInput = z.object({
  category,
  place,
  level: z.enum(["building", "community"]).default("building").describe("where it starts: the building's mediators (楼栋) unless the claimant asks for the community's"),
  claimant: personRef.describe("the claimant's person id (the signed-in resident's own, or the resident staff act for)"),
  respondent: z.union([z.object({ person: personRef }), z.object({ unitId: count.min(1) })]).describe("the other side: a person, or a flat"),
  languages: z.array(language).max(4).default([]).describe("languages or dialects the parties would mediate in"),
  account: textInput.describe("what happened"),
  wish: textInput.describe("what the claimant wants"),
});

export function mediationCommands(settings: MediationSettings = DEFAULT_MEDIATION_SETTINGS) {
  return [
    defineCommand({
      name: "file",
      summary: "A resident files a dispute (or staff for them under an authorisation); the other side is told and must answer within the set days",
      target: "new",
      input: fileInput,
      who: "signedIn",
      proxy: true,
      decide: (_state: DisputeState, input, context) => {
        const f = facts(context);
        if (!f.actorPersons.includes(input.claimant)) return refuse(403, "mediation_not_party", { person: input.claimant });
        const people = "person" in input.respondent ? [input.respondent.person] : (f.flatPeople ?? []);
        if (people.includes(input.claimant)) return refuse(400, "mediation_self", { person: input.claimant });
        if (!f.notes.account || !f.notes.wish) return refuse(400, "mediation_text_not_kept", {});
        const respondent = "person" in input.respondent ? input.respondent : { unitId: input.respondent.unitId, people };
        return [
          Filed({
            category: input.category,
            place: input.place,
            level: input.level,
            claimant: input.claimant,
            respondent,
            languages: input.languages,
            account: f.notes.account,
            wish: f.notes.wish,
            answerDueAt: context.now + settings.answerDays * DAY,
            dueAt: context.now + settings.timeLimitDays * DAY,
          }),
        ];
      },
    }),
    defineCommand({
      name: "respond",
      summary: "The other side answers: agrees to mediate, or declines (mediation is voluntary); an answer after the deadline is still taken",
      target: "existing",
      input: z.object({ accepts: z.boolean(), text: textInput.optional() }),
      who: "signedIn",
      proxy: true,
      decide: (state: DisputeState, input, context) => {
        const refused = inStatus(context, state, ["awaitingAnswer", "mediating"]);
        if (refused) return refused;
        const by = partyAmong(context, respondentPeople(state));
        if (!by) return refuse(403, "mediation_not_respondent", { id: context.id });
        if (state.answer !== null) return refuse(409, "mediation_already_answered", { id: context.id });
        return [Answered({ by, accepts: input.accepts, ...note(context) })];
      },
    }),
    defineCommand({
      name: "escalateBySilence",
      summary: "The other side did not answer in time: one level up, recorded as by silence (the server's sweep)",
      target: "existing",
      input: z.object({}),
      who: ["system"],
      decide: (state: DisputeState, _input, context) => {
        const refused = inStatus(context, state, ["awaitingAnswer"]);
        if (refused) return refused;
        if (context.now < state.answerDueAt) return refuse(409, "mediation_answer_not_due", { id: context.id, due: state.answerDueAt });
        return escalation(state, "silence", true, {});
      },
    }),
    defineCommand({
      name: "escalate",
      summary: "The mediator or the office takes the case one level up (building → community → street → court referral), with its reason",
      target: "existing",
      input: z.object({ reason: z.enum(["declined", "failed", "complex", "partyRequest"]), text: textInput.optional() }),
      who: ["staff", "mediator"],
      decide: (state: DisputeState, input, context) => inStatus(context, state, ["awaitingAnswer", "mediating"]) ?? asMediator(context, state) ?? escalation(state, input.reason, false, note(context)),
    }),
    defineCommand({
      name: "assign",
      summary: "The office assigns the mediator the matching proposes, or another (without conflict of interest) with a recorded reason",
      target: "existing",
      input: z.object({ mediator: personRef.optional().describe("omit to take the proposal"), reason: z.enum(OVERRIDE_REASONS).optional(), text: textInput.optional() }),
      who: ["staff"],
      decide: (state: DisputeState, input, context) => {
        const refused = inStatus(context, state, ["awaitingAnswer", "mediating"]);
        if (refused) return refused;
        const matching = facts(context).matching ?? { ranked: [] };
        const proposal = matching.ranked[0] ?? null;
        let chosen: { person: string; address?: string; source: "peoplesMediator" | "talentPool" };
        if (input.mediator === undefined) {
          if (!proposal) return refuse(409, "mediation_no_candidate", { id: context.id });
          chosen = proposal;
        } else {
          const named = matching.named;
          if (!named) return refuse(404, "mediation_unknown_mediator", { person: input.mediator });
          if (named.conflict) return refuse(409, "mediation_conflict_of_interest", { person: input.mediator, conflict: named.conflict });
          if (input.mediator !== proposal?.person && input.reason === undefined) return refuse(400, "mediation_override_reason", { person: input.mediator, proposed: proposal?.person ?? "-" });
          chosen = named;
        }
        if (state.mediator?.person === chosen.person) return refuse(409, "mediation_same_mediator", { person: chosen.person });
        const byMatching = chosen.person === proposal?.person;
        return [
          Assigned({
            mediator: chosen.person,
            ...(chosen.address ? { address: chosen.address.toLowerCase() } : {}),
            source: chosen.source,
            by: byMatching ? "matching" : "office",
            proposed: proposal?.person ?? null,
            ...(byMatching || input.reason === undefined ? {} : { reason: input.reason }),
            ...note(context),
          }),
        ];
      },
    }),
    defineCommand({
      name: "invite",
      summary: "三所联动: the mediator or the office invites the judicial office, the police or a lawyer into the case in that role",
      target: "existing",
      input: z.object({ person: personRef, address: addressRef.optional(), role: z.enum(PARTICIPANT_ROLES) }),
      who: ["staff", "mediator"],
      decide: (state: DisputeState, input, context) => {
        const refused = inStatus(context, state, ["awaitingAnswer", "mediating"]) ?? asMediator(context, state);
        if (refused) return refused;
        if (partiesOf(state).includes(input.person)) return refuse(409, "mediation_conflict_of_interest", { person: input.person, conflict: "party" });
        if (state.participants.some((p) => p.person === input.person && p.role === input.role)) return refuse(409, "mediation_already_invited", { person: input.person, role: input.role });
        return [Invited(input)];
      },
    }),
    defineCommand({
      name: "scheduleSession",
      summary: "The mediator schedules a session (in the mediation room, online or on site); the parties are told",
      target: "existing",
      input: z.object({ at: unixSeconds, place: z.enum(SESSION_PLACES).default("mediationRoom") }),
      who: ["staff", "mediator"],
      decide: (state: DisputeState, input, context) => {
        const refused = inStatus(context, state, ["mediating"]) ?? asMediator(context, state) ?? withinLimit(context, state);
        if (refused) return refused;
        if (!state.mediator) return refuse(409, "mediation_no_mediator", { id: context.id });
        if (input.at < context.now) return refuse(400, "mediation_session_in_past", { at: input.at });
        return [SessionScheduled({ session: state.sessions.length + 1, at: input.at, place: input.place })];
      },
    }),
    defineCommand({
      name: "recordSession",
      summary: "The mediator records whether a session took place and who attended (parties, mediator, invited participants)",
      target: "existing",
      input: z.object({ session: count.min(1), held: z.boolean(), attendees: z.array(personRef).max(20).default([]) }),
      who: ["staff", "mediator"],
      decide: (state: DisputeState, input, context) => {
        const refused = inStatus(context, state, ["mediating"]) ?? asMediator(context, state);
        if (refused) return refused;
        const session = state.sessions.find((s) => s.session === input.session);
        if (!session) return refuse(404, "mediation_unknown_session", { session: input.session });
        if (session.held !== null) return refuse(409, "mediation_session_recorded", { session: input.session });
        if (input.held && session.at > context.now) return refuse(409, "mediation_session_not_yet", { session: input.session, at: session.at });
        const known = [...partiesOf(state), ...(state.mediator ? [state.mediator.person] : []), ...state.participants.map((p) => p.person)];
        const stranger = input.attendees.find((a) => !known.includes(a));
        if (stranger) return refuse(400, "mediation_unknown_attendee", { person: stranger });
        return [SessionHeld({ session: input.session, held: input.held, attendees: input.held ? [...new Set(input.attendees)] : [] })];
      },
    }),
    defineCommand({
      name: "extend",
      summary: "The mediator or the office extends the time limit by some days, with a recorded reason",
      target: "existing",
      input: z.object({ days: count.min(1).max(60), reason: z.enum(EXTENSION_REASONS), text: textInput.optional() }),
      who: ["staff", "mediator"],
      decide: (state: DisputeState, input, context) =>
        inStatus(context, state, ["awaitingAnswer", "mediating"]) ??
        asMediator(context, state) ?? [Extended({ days: input.days, reason: input.reason, ...note(context), dueAt: Math.max(state.dueAt, context.now) + input.days * DAY })],
    }),
    defineCommand({
      name: "recordAgreement",
      summary:
        "The mediator records the signed agreement (人民调解协议书: facts, responsibilities, terms, deadline, signatures), uploaded first as a document of class mediation-agreement; judicial confirmation may be applied for within 30 days",
      target: "existing",
      input: z.object({ document: hashRef.describe("keccak256 of the uploaded agreement (class mediation-agreement)"), signedBy: z.array(personRef).min(2).max(20), performBy: unixSeconds.describe("the deadline to perform the terms") }),
      who: ["staff", "mediator"],
      decide: (state: DisputeState, input, context) => {
        const refused = inStatus(context, state, ["mediating"]) ?? asMediator(context, state) ?? withinLimit(context, state);
        if (refused) return refused;
        if (!state.mediator) return refuse(409, "mediation_no_mediator", { id: context.id });
        if (state.confirmation === "applied" || state.confirmation === "confirmed") return refuse(409, "mediation_agreement_confirmed", { id: context.id });
        const parties = partiesOf(state);
        const stranger = input.signedBy.find((p) => !parties.includes(p));
        if (stranger) return refuse(400, "mediation_unknown_signatory", { person: stranger });
        const missing = !input.signedBy.includes(state.claimant) ? state.claimant : respondentPeople(state).some((p) => input.signedBy.includes(p)) ? undefined : "respondent";
        if (missing) return refuse(409, "mediation_agreement_unsigned", { missing });
        // The terms are kept "by" this deadline: one already past is a slip of the pen, not an agreement's term.
        if (input.performBy < context.now) return refuse(400, "mediation_perform_by_past", { performBy: input.performBy });
        return [AgreementRecorded({ document: input.document.toLowerCase(), signedBy: [...new Set(input.signedBy)], performBy: input.performBy, confirmationDueAt: context.now + settings.confirmationDays * DAY })];
      },
    }),
    defineCommand({
      name: "applyConfirmation",
      summary: "Records that the parties applied jointly to the court for judicial confirmation of the agreement (within 30 days of it)",
      target: "existing",
      input: z.object({}),
      who: ["staff", "mediator"],
      decide: (state: DisputeState, _input, context) => {
        const refused = inStatus(context, state, ["mediating", "closed"]) ?? asMediator(context, state);
        if (refused) return refused;
        if (!state.agreement) return refuse(409, "mediation_no_agreement", { id: context.id });
        if (state.confirmation !== "none") return refuse(409, "mediation_confirmation_already", { id: context.id, confirmation: state.confirmation });
        if (context.now > state.agreement.confirmationDueAt) return refuse(409, "mediation_confirmation_expired", { id: context.id, dueAt: state.agreement.confirmationDueAt });
        return [ConfirmationApplied({ document: state.agreement.document })];
      },
    }),
    defineCommand({
      name: "decideConfirmation",
      summary: "The office records the court's decision on judicial confirmation",
      target: "existing",
      input: z.object({ confirmed: z.boolean() }),
      who: ["staff"],
      decide: (state: DisputeState, input, context) =>
        state.confirmation === "applied" ? [ConfirmationDecided(input)] : refuse(409, "mediation_confirmation_not_applied", { id: context.id, confirmation: state.confirmation }),
    }),
    defineCommand({
      name: "close",
      summary: "The mediator closes the case: resolved or partly resolved (after an agreement, with its terms) or failed, with an anonymised summary for the similar cases",
      target: "existing",
      input: z.object({
        outcome: z.enum(["resolved", "partlyResolved", "failed"]),
        summary: textInput.describe("anonymised: no names, flats or phone numbers (shown to mediators as a similar case)"),
        terms: textInput.optional().describe("the agreed terms, anonymised (needed for resolved and partlyResolved)"),
      }),
      who: ["staff", "mediator"],
      decide: (state: DisputeState, input, context) => {
        const refused = inStatus(context, state, ["mediating"]) ?? asMediator(context, state);
        if (refused) return refused;
        const agreed = input.outcome !== "failed";
        if (agreed && !state.agreement) return refuse(409, "mediation_no_agreement", { id: context.id });
        if (agreed && input.terms === undefined) return refuse(400, "mediation_terms_needed", { outcome: input.outcome });
        const notes = facts(context).notes;
        if (!notes.summary) return refuse(400, "mediation_text_not_kept", {});
        return [
          Closed({
            outcome: input.outcome,
            level: state.level,
            summary: notes.summary,
            ...(notes.terms ? { terms: notes.terms } : {}),
            followUpDueAt: agreed ? context.now + settings.followUpDays * DAY : null,
          }),
        ];
      },
    }),
    defineCommand({
      name: "withdraw",
      summary: "The claimant withdraws the dispute (or staff for them under an authorisation)",
      target: "existing",
      input: z.object({}),
      who: "signedIn",
      proxy: true,
      decide: (state: DisputeState, _input, context) => {
        const refused = inStatus(context, state, ["awaitingAnswer", "mediating"]);
        if (refused) return refused;
        if (!facts(context).actorPersons.includes(state.claimant)) return refuse(403, "mediation_not_claimant", { id: context.id });
        return [Closed({ outcome: "withdrawn", level: state.level, followUpDueAt: null })];
      },
    }),
    defineCommand({
      name: "followUp",
      summary: "回访: the mediator records, once it is due, whether the agreement is being kept",
      target: "existing",
      input: z.object({ result: z.enum(FOLLOW_UP_RESULTS), text: textInput.optional() }),
      who: ["staff", "mediator"],
      decide: (state: DisputeState, input, context) => {
        const refused = inStatus(context, state, ["closed"]) ?? asMediator(context, state);
        if (refused) return refused;
        if (state.followUpDueAt === null) return refuse(409, "mediation_no_follow_up", { id: context.id });
        if (state.followUp !== null) return refuse(409, "mediation_followed_up", { id: context.id });
        if (context.now < state.followUpDueAt) return refuse(409, "mediation_follow_up_not_due", { id: context.id, due: state.followUpDueAt });
        return [FollowedUp({ result: input.result, ...note(context) })];
      },
    }),
    defineCommand({
      name: "reopen",
      summary: "A party reopens a closed case within the set days (not one referred to the court, nor one whose agreement the court confirmed)",
      target: "existing",
      input: z.object({ reason: z.enum(REOPEN_REASONS), text: textInput.optional() }),
      who: "signedIn",
      proxy: true,
      decide: (state: DisputeState, input, context) => {
        const refused = inStatus(context, state, ["closed"]);
        if (refused) return refused;
        if (!partyAmong(context, partiesOf(state))) return refuse(403, "mediation_not_party", { person: facts(context).actorPersons[0] ?? "-" });
        if (state.outcome === "escalated") return refuse(409, "mediation_reopen_court", { id: context.id });
        if (state.confirmation === "confirmed") return refuse(409, "mediation_reopen_confirmed", { id: context.id });
        if (context.now > (state.closedAt ?? 0) + settings.reopenDays * DAY) return refuse(409, "mediation_reopen_window", { id: context.id, days: settings.reopenDays });
        return [Reopened({ reason: input.reason, ...note(context), dueAt: context.now + settings.timeLimitDays * DAY })];
      },
    }),
  ];
}
