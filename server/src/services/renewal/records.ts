// The records of the micro-renewal fund (微更新基金): one object per project, from its proposal through its
// funding (every pledge, every fen of match, every release and every payment a record of its own, so the ledger
// is the journal) to its delivery (milestones with evidence, acceptance, use after completion). The description
// and the office's reasons are vault notes (texts.ts): the records carry their salted commitments. Title and place
// are the project's public words (a shared place, never a home); photos, evidence and invoices are documents named
// by their keccak256. A resident appears only as the record's actor (their address, or staff acting for them).
import { z } from "zod/v4";
import { amountFen, commitmentRef, count, defineRecord, hashRef, objectId, unixSeconds } from "../framework/index.js";

export const SERVICE = "renewal";

/** Public words of a project (its title, its place, a milestone's name, the source of a count): a short line. */
export const publicLine = z.string().trim().min(1).max(80);
/** Photos or evidence attached at once. */
export const documents = z.array(hashRef).max(8);
/** A month, "2026-05" (UTC+8). */
export const monthInput = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month, YYYY-MM");

export const REFUSAL_REASONS = ["notPublicSpace", "notSmall", "duplicate", "unsafe", "otherFunding", "other"] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export const Proposed = defineRecord(
  SERVICE,
  "proposed",
  z.object({
    estateId: count.min(1),
    title: publicLine,
    place: publicLine,
    description: commitmentRef,
    photos: documents,
    minimumFen: amountFen.min(1),
    optimumFen: amountFen.min(1),
  }),
);
/** The office found it eligible for the fund. */
export const Accepted = defineRecord(SERVICE, "accepted", z.object({ needsVote: z.boolean() }));
/** The office found it not eligible, with its reason (a vault note). */
export const Refused = defineRecord(SERVICE, "refused", z.object({ reason: z.enum(REFUSAL_REASONS), text: commitmentRef }));
/** One resident supports it (the actor, or the resident staff act for); once per resident. */
export const Supported = defineRecord(SERVICE, "supported", z.object({}));
/** The owners' vote (OwnersVote id) that decides a large project. */
export const VoteLinked = defineRecord(SERVICE, "voteLinked", z.object({ voteId: count.min(1) }));
/** Funding opens until `deadline`, under the rules in force then (the match and the residents' share). */
export const FundingOpened = defineRecord(
  SERVICE,
  "fundingOpened",
  z.object({
    deadline: unixSeconds,
    matchNumerator: count.min(1),
    matchDenominator: count.min(1),
    matchCapFen: amountFen,
    residentShareBp: count.max(10_000),
    /** The vote that passed, for a large project. */
    voteId: count.min(1).optional(),
  }),
);
/**
 * A pledge: a resident's (the actor, or the resident staff act for) or a partner's (社区合伙人, by its id in the
 * partners' service). `pledge` numbers it within the project (0, 1, …).
 */
export const Pledged = defineRecord(
  SERVICE,
  "pledged",
  z.object({ pledge: count, source: z.enum(["resident", "partner"]), partnerId: objectId.optional(), amountFen: amountFen.min(1) }),
);
/** The subsidy's match grows by `amountFen` (the match on residents' pledges, recomputed on their total). */
export const Matched = defineRecord(SERVICE, "matched", z.object({ amountFen: amountFen.min(1), totalFen: amountFen }));
/** A pledge given back: withdrawn by its pledger before the deadline, or released when the project failed to fund. */
export const Released = defineRecord(SERVICE, "released", z.object({ pledge: count, amountFen: amountFen.min(1), why: z.enum(["withdrawn", "notFunded"]) }));
/** Match given back: residents' pledges fell (a withdrawal), or the project failed to fund. */
export const MatchReleased = defineRecord(SERVICE, "matchReleased", z.object({ amountFen: amountFen.min(1), totalFen: amountFen, why: z.enum(["withdrawn", "notFunded"]) }));
/** The deadline passed: funded, or not (below the minimum, or residents gave less than their share). */
export const FundingClosed = defineRecord(
  SERVICE,
  "fundingClosed",
  z.object({ outcome: z.enum(["funded", "belowMinimum", "residentShare"]), raisedFen: amountFen, residentFen: amountFen }),
);
export const MilestoneAdded = defineRecord(SERVICE, "milestoneAdded", z.object({ milestone: count, title: publicLine }));
/** Progress on a milestone, with its evidence (photos, reports: documents). */
export const ProgressReported = defineRecord(SERVICE, "progressReported", z.object({ milestone: count, percent: count.max(100), evidence: documents }));
export const MilestoneAccepted = defineRecord(SERVICE, "milestoneAccepted", z.object({ milestone: count }));
/** A payment against an invoice (a document), charged to a milestone; never more than the ledger holds. */
export const Spent = defineRecord(SERVICE, "spent", z.object({ milestone: count, amountFen: amountFen.min(1), invoice: hashRef }));
/** Every milestone accepted: the project is delivered. */
export const Completed = defineRecord(SERVICE, "completed", z.object({}));
/** Visits in a month (UTC+8, "2026-05"), counted by the office, with where the count comes from. */
export const VisitsRecorded = defineRecord(
  SERVICE,
  "visitsRecorded",
  z.object({ month: monthInput, visits: count, source: publicLine }),
);

export const RECORDS = [
  Proposed,
  Accepted,
  Refused,
  Supported,
  VoteLinked,
  FundingOpened,
  Pledged,
  Matched,
  Released,
  MatchReleased,
  FundingClosed,
  MilestoneAdded,
  ProgressReported,
  MilestoneAccepted,
  Spent,
  Completed,
  VisitsRecorded,
];
