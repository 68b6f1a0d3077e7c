// What may happen to a micro-renewal project: pure decisions over its state. What they need from elsewhere (the
// notes kept in the vault, the owners' vote as the indexer shows it, the partner a pledge names) comes as facts,
// looked up under the project's lock just before the decision (index.ts).
import { z } from "zod/v4";
import { amountFen, count, defineCommand, hashRef, objectId, refuse, unixSeconds, type DecideContext, type Emitted, type Refusal } from "../framework/index.js";
import { matchFor, outcomeOf, remainingOf } from "./funding.js";
import {
  Accepted,
  Completed,
  documents,
  FundingClosed,
  FundingOpened,
  Matched,
  MatchReleased,
  MilestoneAccepted,
  MilestoneAdded,
  monthInput,
  Pledged,
  ProgressReported,
  Proposed,
  publicLine,
  REFUSAL_REASONS,
  Refused,
  Released,
  Spent,
  Supported,
  VisitsRecorded,
  VoteLinked,
} from "./records.js";
import { heldFen, residentHeldFen, type ProjectState, type ProjectStatus } from "./state.js";
import { textInput } from "./texts.js";

/** What a community sets (docs/renewal.md). */
export type RenewalSettings = {
  /** The subsidy gives numerator/denominator fen per fen residents pledge… */
  matchNumerator: number;
  matchDenominator: number;
  /** …at most this much per project. */
  matchCapFen: number;
  /** Residents' pledges must be at least this share of what is raised (basis points: 1000 = 10 %). */
  residentShareBp: number;
  /** A project whose optimum budget is above this goes to an owners' vote before funding opens. */
  voteAboveFen: number;
  /** Residents who must support a project before funding opens. */
  supportsToOpen: number;
  /** The longest funding period. */
  maxFundingDays: number;
};

export const DEFAULT_RENEWAL_SETTINGS: RenewalSettings = {
  matchNumerator: 1,
  matchDenominator: 1,
  matchCapFen: 2_000_000,
  residentShareBp: 1000,
  voteAboveFen: 5_000_000,
  supportsToOpen: 3,
  maxFundingDays: 90,
};

/** What the decisions know besides the project (index.ts looks them up). */
export type RenewalFacts = {
  /** Commitments of the notes kept for the input's texts. */
  note?: `0x${string}`;
  /** The owners' vote the input or the project names, as the indexer shows it; null: no such vote. */
  vote?: { estateId: number; outcome: string } | null;
  /** The partner a pledge names: whether the partners' service knows it, and whether the actor acts for it (absent: no partners' service). */
  partner?: { exists: boolean; member: boolean };
};

const DAY = 86_400;
const factsOf = (context: DecideContext): RenewalFacts => (context.facts as RenewalFacts | undefined) ?? {};

function inStatus(context: DecideContext, state: ProjectState, allowed: ProjectStatus[]): Refusal | undefined {
  return allowed.includes(state.status) ? undefined : refuse(409, "renewal_wrong_status", { id: context.id, status: state.status, allowed: allowed.join(" / ") });
}

/** The resident acting: the address, or for staff under an authorisation, the resident they act for. */
export function residentOf(context: Pick<DecideContext, "actor">): string | undefined {
  const actor = context.actor;
  if ("onBehalfOf" in actor) return actor.onBehalfOf.toLowerCase();
  return "address" in actor ? actor.address.toLowerCase() : undefined;
}

const fen = amountFen.describe("an amount in fen (0.01 yuan), a whole number");

/** Open for pledges: in funding and before its deadline. */
function openForPledges(state: ProjectState, context: DecideContext): Refusal | undefined {
  const refused = inStatus(context, state, ["funding"]);
  if (refused) return refused;
  if (state.deadline !== null && context.now >= state.deadline) return refuse(409, "renewal_deadline_passed", { id: context.id, deadline: state.deadline });
  return undefined;
}

function milestoneOf(state: ProjectState, context: DecideContext, milestone: number): Refusal | undefined {
  if (!state.milestones[milestone]) return refuse(404, "renewal_unknown_milestone", { id: context.id, milestone, count: state.milestones.length });
  return undefined;
}

export function renewalCommands(settings: RenewalSettings = DEFAULT_RENEWAL_SETTINGS) {
  return [
    defineCommand({
      name: "propose",
      summary: "A resident proposes a small project (or staff for a resident, under an authorisation): title, place, description (kept in the vault), photos, minimum and optimum budgets in fen",
      target: "new",
      input: z.object({
        estateId: count.min(1),
        title: publicLine,
        place: publicLine,
        description: textInput,
        photos: documents.default([]).describe("keccak256 hashes of documents of class renewal, uploaded by the one who proposes"),
        minimumFen: fen.min(1),
        optimumFen: fen.min(1),
      }),
      who: "signedIn",
      proxy: true,
      decide: (_state: ProjectState, input, context) => {
        if (input.optimumFen < input.minimumFen) return refuse(400, "renewal_optimum_below_minimum", { minimumFen: input.minimumFen, optimumFen: input.optimumFen });
        const description = factsOf(context).note;
        if (!description) return refuse(400, "renewal_text_not_kept", {});
        const { estateId, title, place, photos, minimumFen, optimumFen } = input;
        return [Proposed({ estateId, title, place, description, photos, minimumFen, optimumFen })];
      },
    }),
    defineCommand({
      name: "accept",
      summary: "The office finds a proposal eligible; one above the set amount must then go to an owners' vote",
      target: "existing",
      input: z.object({}),
      who: ["staff"],
      decide: (state: ProjectState, _input, context) => inStatus(context, state, ["proposed"]) ?? [Accepted({ needsVote: state.optimumFen > settings.voteAboveFen })],
    }),
    defineCommand({
      name: "refuse",
      summary: "The office finds a proposal not eligible, with its reason",
      target: "existing",
      input: z.object({ reason: z.enum(REFUSAL_REASONS), text: textInput }),
      who: ["staff"],
      decide: (state: ProjectState, input, context) => {
        const refused = inStatus(context, state, ["proposed"]);
        if (refused) return refused;
        const text = factsOf(context).note;
        if (!text) return refuse(400, "renewal_text_not_kept", {});
        return [Refused({ reason: input.reason, text })];
      },
    }),
    defineCommand({
      name: "support",
      summary: "A resident supports a proposal (once per resident; staff may record it for a resident under an authorisation)",
      target: "existing",
      input: z.object({}),
      who: "signedIn",
      proxy: true,
      decide: (state: ProjectState, _input, context) => {
        const refused = inStatus(context, state, ["proposed", "eligible", "funding"]);
        if (refused) return refused;
        const me = residentOf(context);
        if (!me) return refuse(403, "forbidden", { role: "signedIn" });
        if (state.supporters.includes(me)) return refuse(409, "renewal_already_supported", { id: context.id });
        return [Supported({})];
      },
    }),
    defineCommand({
      name: "linkVote",
      summary: "The office links a large project to the owners' vote (OwnersVote id) that decides it",
      target: "existing",
      input: z.object({ voteId: count.min(1) }),
      who: ["staff"],
      decide: (state: ProjectState, input, context) => {
        const refused = inStatus(context, state, ["eligible"]);
        if (refused) return refused;
        if (!state.needsVote) return refuse(409, "renewal_vote_not_needed", { id: context.id, optimumFen: state.optimumFen, voteAboveFen: settings.voteAboveFen });
        const vote = factsOf(context).vote;
        if (!vote) return refuse(404, "renewal_unknown_vote", { voteId: input.voteId });
        if (vote.estateId !== state.estateId) return refuse(409, "renewal_vote_other_estate", { voteId: input.voteId, voteEstate: vote.estateId, estateId: state.estateId });
        return [VoteLinked({ voteId: input.voteId })];
      },
    }),
    defineCommand({
      name: "openFunding",
      summary: "The office opens funding until a deadline, under the match and residents' share in force; a large project only once its owners' vote passed (read from the indexer)",
      target: "existing",
      input: z.object({ deadline: unixSeconds }),
      who: ["staff"],
      decide: (state: ProjectState, input, context) => {
        const refused = inStatus(context, state, ["eligible"]);
        if (refused) return refused;
        if (state.supporters.length < settings.supportsToOpen) return refuse(409, "renewal_needs_support", { id: context.id, supports: state.supporters.length, needed: settings.supportsToOpen });
        const latest = context.now + settings.maxFundingDays * DAY;
        if (input.deadline <= context.now || input.deadline > latest) return refuse(400, "renewal_bad_deadline", { deadline: input.deadline, from: context.now, to: latest });
        if (state.needsVote) {
          if (state.voteId === null) return refuse(409, "renewal_vote_needed", { id: context.id, optimumFen: state.optimumFen, voteAboveFen: settings.voteAboveFen });
          const outcome = factsOf(context).vote?.outcome ?? "unknown";
          if (outcome !== "Passed") return refuse(409, "renewal_vote_not_passed", { voteId: state.voteId, outcome });
        }
        return [
          FundingOpened({
            deadline: input.deadline,
            matchNumerator: settings.matchNumerator,
            matchDenominator: settings.matchDenominator,
            matchCapFen: settings.matchCapFen,
            residentShareBp: settings.residentShareBp,
            ...(state.voteId !== null ? { voteId: state.voteId } : {}),
          }),
        ];
      },
    }),
    defineCommand({
      name: "pledge",
      summary: "A pledge before the deadline: a resident's (or staff's for a resident, under an authorisation), matched by the subsidy; or a partner's (partnerId; by the partner's member or staff)",
      target: "existing",
      input: z.object({
        amountFen: fen.min(1),
        partnerId: objectId.optional().describe("the partner (社区合伙人) pledging, by its id in the partners' service"),
      }),
      who: (input) => (input.partnerId !== undefined ? ["staff", "partner"] : "signedIn"),
      proxy: true,
      decide: (state: ProjectState, input, context) => {
        const refused = openForPledges(state, context);
        if (refused) return refused;
        const partner = input.partnerId !== undefined;
        if (partner) {
          if ("onBehalfOf" in context.actor) return refuse(400, "renewal_partner_no_proxy", {});
          const known = factsOf(context).partner;
          if (known && !known.exists) return refuse(404, "renewal_unknown_partner", { partnerId: input.partnerId! });
          if (known && !known.member && !context.roles.includes("staff")) return refuse(403, "renewal_not_partner_member", { partnerId: input.partnerId! });
        }
        const rule = state.rule!;
        const residentAfter = residentHeldFen(state) + (partner ? 0 : input.amountFen);
        const matchAfter = matchFor(residentAfter, rule);
        const raisedNow = heldFen(state) + state.matchFen;
        if (heldFen(state) + input.amountFen + matchAfter > state.optimumFen) {
          return refuse(409, "renewal_over_optimum", { amountFen: input.amountFen, optimumFen: state.optimumFen, raisedFen: raisedNow });
        }
        const out: Emitted[] = [
          Pledged({ pledge: state.pledges.length, source: partner ? "partner" : "resident", ...(partner ? { partnerId: input.partnerId! } : {}), amountFen: input.amountFen }),
        ];
        if (matchAfter > state.matchFen) out.push(Matched({ amountFen: matchAfter - state.matchFen, totalFen: matchAfter }));
        return out;
      },
    }),
    defineCommand({
      name: "withdraw",
      summary: "A pledger takes a pledge back before the deadline (the match it earned is released with it)",
      target: "existing",
      input: z.object({ pledge: count }),
      who: "signedIn",
      proxy: true,
      decide: (state: ProjectState, input, context) => {
        const refused = openForPledges(state, context);
        if (refused) return refused;
        const p = state.pledges[input.pledge];
        if (!p || p.released) return refuse(404, "renewal_unknown_pledge", { id: context.id, pledge: input.pledge });
        // A partner's pledge is taken back by staff (on the partner's written word), a resident's by the resident.
        const mine = p.source === "resident" ? p.pledger === residentOf(context) : context.roles.includes("staff");
        if (!mine) return refuse(403, "renewal_not_pledger", { id: context.id, pledge: input.pledge });
        const out: Emitted[] = [Released({ pledge: input.pledge, amountFen: p.amountFen, why: "withdrawn" })];
        if (p.source === "resident") {
          const matchAfter = matchFor(residentHeldFen(state) - p.amountFen, state.rule!);
          if (matchAfter < state.matchFen) out.push(MatchReleased({ amountFen: state.matchFen - matchAfter, totalFen: matchAfter, why: "withdrawn" }));
        }
        return out;
      },
    }),
    defineCommand({
      name: "close",
      summary: "At the deadline (the server's sweep): funded, or all or nothing, every pledge and the match released",
      target: "existing",
      input: z.object({}),
      who: ["system"],
      decide: (state: ProjectState, _input, context) => closeDecision(state, context),
    }),
    defineCommand({
      name: "addMilestone",
      summary: "The office adds a milestone to a funded project",
      target: "existing",
      input: z.object({ title: publicLine }),
      who: ["staff"],
      decide: (state: ProjectState, input, context) => inStatus(context, state, ["funded"]) ?? [MilestoneAdded({ milestone: state.milestones.length, title: input.title })],
    }),
    defineCommand({
      name: "reportProgress",
      summary: "Progress on a milestone (percent complete), with its evidence: photos and reports as documents",
      target: "existing",
      input: z.object({ milestone: count, percent: count.max(100), evidence: documents.default([]).describe("keccak256 hashes of documents of class renewal, uploaded by the one who reports") }),
      who: ["staff"],
      decide: (state: ProjectState, input, context) => {
        const refused = inStatus(context, state, ["funded"]) ?? milestoneOf(state, context, input.milestone);
        if (refused) return refused;
        if (state.milestones[input.milestone]!.acceptedAt !== null) return refuse(409, "renewal_milestone_accepted", { id: context.id, milestone: input.milestone });
        return [ProgressReported(input)];
      },
    }),
    defineCommand({
      name: "acceptMilestone",
      summary: "The office accepts a milestone that is complete (100 %) with evidence",
      target: "existing",
      input: z.object({ milestone: count }),
      who: ["staff"],
      decide: (state: ProjectState, input, context) => {
        const refused = inStatus(context, state, ["funded"]) ?? milestoneOf(state, context, input.milestone);
        if (refused) return refused;
        const m = state.milestones[input.milestone]!;
        if (m.acceptedAt !== null) return refuse(409, "renewal_milestone_accepted", { id: context.id, milestone: input.milestone });
        if (m.percent < 100 || m.evidence.length === 0) return refuse(409, "renewal_milestone_not_ready", { milestone: input.milestone, percent: m.percent, evidence: m.evidence.length });
        return [MilestoneAccepted(input)];
      },
    }),
    defineCommand({
      name: "spend",
      summary: "A payment against an invoice (a document), charged to a milestone; never more than the ledger holds",
      target: "existing",
      input: z.object({ milestone: count, amountFen: fen.min(1), invoice: hashRef.describe("keccak256 of the invoice, a document of class renewal uploaded by the one who pays") }),
      who: ["staff"],
      decide: (state: ProjectState, input, context) => {
        const refused = inStatus(context, state, ["funded"]) ?? milestoneOf(state, context, input.milestone);
        if (refused) return refused;
        const remainingFen = remainingOf(state.ledger);
        if (input.amountFen > remainingFen) return refuse(409, "renewal_overspend", { amountFen: input.amountFen, remainingFen });
        return [Spent(input)];
      },
    }),
    defineCommand({
      name: "complete",
      summary: "Every milestone accepted: the project is delivered",
      target: "existing",
      input: z.object({}),
      who: ["staff"],
      decide: (state: ProjectState, _input, context) => {
        const refused = inStatus(context, state, ["funded"]);
        if (refused) return refused;
        const open = state.milestones.filter((m) => m.acceptedAt === null).length;
        if (state.milestones.length === 0 || open > 0) return refuse(409, "renewal_milestones_open", { id: context.id, open, count: state.milestones.length });
        return [Completed({})];
      },
    }),
    defineCommand({
      name: "recordVisits",
      summary: "The office records a month's visits (UTC+8 month) with where the count comes from; a month recorded again replaces the earlier count",
      target: "existing",
      input: z.object({ month: monthInput, visits: count, source: publicLine.describe("where the count comes from, e.g. 'door counter' or 'sign-in sheet'") }),
      who: ["staff"],
      decide: (state: ProjectState, input, context) => inStatus(context, state, ["funded", "delivered"]) ?? [VisitsRecorded(input)],
    }),
  ];
}

/** The deadline's decision: funded, or the outcome's reason and every held pledge and the match released. */
export function closeDecision(state: ProjectState, context: Pick<DecideContext, "id" | "now">): Emitted[] | Refusal {
  if (state.status !== "funding") return refuse(409, "renewal_wrong_status", { id: context.id, status: state.status, allowed: "funding" });
  if (state.deadline === null || context.now < state.deadline) return refuse(409, "renewal_not_due", { id: context.id, deadline: state.deadline ?? 0 });
  const residentFen = residentHeldFen(state);
  const raisedFen = heldFen(state) + state.matchFen;
  const outcome = outcomeOf({ residentFen, raisedFen }, state.minimumFen, state.residentShareBp);
  const out: Emitted[] = [FundingClosed({ outcome, raisedFen, residentFen })];
  if (outcome === "funded") return out;
  state.pledges.forEach((p, pledge) => {
    if (!p.released) out.push(Released({ pledge, amountFen: p.amountFen, why: "notFunded" }));
  });
  if (state.matchFen > 0) out.push(MatchReleased({ amountFen: state.matchFen, totalFen: 0, why: "notFunded" }));
  return out;
}
