// Owners' votes: summaries with the live tally (with the part staff cast for residents by proxy), one vote with
// its rule and progress against the thresholds, and its ballots (with who entered each: the holder, or staff on
// the holder's behalf under a written authorisation; a proxy ballot the holder later replaced is listed as such).
import { z } from "zod/v4";
import { numKey } from "../../store/store.js";
import { MATTERS, OUTCOMES, voteKey, type BallotView, type TallyView, type VoteView } from "../../indexer/models/votes.js";
import { ApiError } from "../errors.js";
import { defineRoute, type RouteSpec } from "../routes.js";
import { get, sub, type ResourceDeps } from "./context.js";
import { readPage } from "./paging.js";
import { progressOf } from "./progress.js";
import { proposalOf, proposalSchema, titleOf } from "./proposals.js";
import { address, addressInput, bigId, checksum, decimal, hash, pageOf, pageQuery, recordRefFields, uint32Id } from "./schemas.js";

const MAJOR = new Set(["RaiseFund", "Rebuild", "ChangeCommonUse"]);
export const VOTE_STATUSES = ["upcoming", "open", "closed", "finalized"] as const;
export type VoteStatus = (typeof VOTE_STATUSES)[number];

const tallySchema = z.object({
  areaFor: decimal,
  areaAgainst: decimal,
  areaAbstain: decimal,
  headsFor: z.number(),
  headsAgainst: z.number(),
  headsAbstain: z.number(),
  totalArea: decimal,
  totalHeads: z.number(),
  proxyArea: decimal.describe("0.01 m²: the part of the counted area whose ballots staff cast for residents"),
  proxyHeads: z.number().describe("the counted ballots staff cast for residents under a written authorisation"),
});
const threshold = z.object({ numerator: z.number(), denominator: z.number(), strict: z.boolean(), ofTotal: z.boolean() });

export const voteSummary = z.object({
  id: z.string(),
  estateId: z.number(),
  buildingId: z.number().describe("0 for the whole estate"),
  matter: z.enum(MATTERS),
  major: z.boolean(),
  contentHash: hash.describe("keccak256 of the proposal document (GET /api/documents/{contentHash})"),
  title: z.object({ zh: z.string(), en: z.string().optional() }).optional().describe("the proposal's title, when this server stores the proposal"),
  election: hash.optional().describe("a candidate's vote in a committee election: the hash of the election's document, shared by all its candidates' votes"),
  start: z.number().describe("block time (Unix seconds) from which ballots count"),
  end: z.number().describe("block time at which ballots stop"),
  snapshot: z.number().describe("registry block whose areas and heads the vote uses"),
  budget: decimal.describe("fen; 0 unless the matter uses or raises the fund"),
  outcome: z.enum(OUTCOMES),
  status: z.enum(VOTE_STATUSES).describe("upcoming → open → closed (awaiting finalize) → finalized, by block time"),
  tally: tallySchema,
  openedBy: address,
  txHash: hash,
  recordId: z.string(),
});
export type VoteSummary = z.infer<typeof voteSummary>;

/** A vote's summary with what judging it needs: its rule, its progress against the thresholds, the chain's time. */
const voteStanding = voteSummary.extend({
  rule: z.object({ quorum: threshold, approval: threshold }),
  progress: z.object({
    participatingArea: decimal,
    participatingHeads: z.number(),
    quorumArea: decimal.describe("participating area the quorum needs"),
    quorumHeads: z.number(),
    quorumMet: z.boolean(),
    approvalAreaNeeded: decimal.describe("area in favour needed, against the current participation"),
    approvalHeadsNeeded: z.number(),
    approvalMet: z.boolean(),
    projectedOutcome: z.enum(["QuorumNotMet", "Passed", "Rejected"]),
  }),
  chainTime: z.number().describe("the chain's time (Unix seconds) this answer's status was judged by: count down to end from it, not from a wall clock"),
});

async function standingOf(deps: ResourceDeps, v: VoteView, now: number): Promise<z.infer<typeof voteStanding>> {
  const [summary, tally] = await Promise.all([summaryOf(deps, v, now), tallyOf(deps, v.voteId)]);
  return { ...summary, rule: v.rule, progress: progressOf(tally, v.rule), chainTime: now };
}

function statusOf(v: VoteView, now: number): VoteStatus {
  if (v.outcome !== "Pending") return "finalized";
  if (now < v.start) return "upcoming";
  return now < v.end ? "open" : "closed";
}

function tallyOut(t: TallyView): z.infer<typeof tallySchema> {
  return {
    areaFor: t.areaFor,
    areaAgainst: t.areaAgainst,
    areaAbstain: t.areaAbstain,
    headsFor: t.headsFor,
    headsAgainst: t.headsAgainst,
    headsAbstain: t.headsAbstain,
    totalArea: t.totalArea,
    totalHeads: t.totalHeads,
    proxyArea: t.proxyArea,
    proxyHeads: t.proxyHeads,
  };
}

async function tallyOf(deps: ResourceDeps, voteId: string): Promise<TallyView> {
  const t = await get<TallyView>(deps, "voteTallies", voteKey(voteId));
  if (!t) throw new Error(`Vote ${voteId} has no tally in the store; re-index into a fresh data directory.`);
  return t;
}

export async function summaryOf(deps: ResourceDeps, v: VoteView, now: number): Promise<VoteSummary> {
  const found = await titleOf(deps, v.contentHash);
  return {
    id: v.voteId,
    estateId: v.estateId,
    buildingId: v.buildingId,
    matter: v.matter,
    major: MAJOR.has(v.matter),
    contentHash: v.contentHash,
    ...(found ? { title: found.title } : {}),
    ...(found?.election ? { election: found.election } : {}),
    start: v.start,
    end: v.end,
    snapshot: v.snapshot,
    budget: v.budget,
    outcome: v.outcome,
    status: statusOf(v, now),
    tally: tallyOut(await tallyOf(deps, v.voteId)),
    openedBy: checksum(v.openedBy),
    txHash: v.opened.txHash,
    recordId: v.opened.recordId,
  };
}

/** The vote with this id, or a 404; ids beyond 2^53 cannot exist. */
export async function requireVote(deps: ResourceDeps, voteId: string): Promise<VoteView> {
  const n = Number(voteId);
  const v = Number.isSafeInteger(n) && n > 0 ? await get<VoteView>(deps, "votes", voteKey(n)) : undefined;
  if (!v) throw new ApiError(404, "unknown_vote", { voteId });
  return v;
}

const ballotSchema = z.object({
  holder: address,
  choice: z.enum(["for", "against", "abstain"]),
  area: decimal.describe("0.01 m², the holder's area in the scope at the snapshot"),
  enteredBy: address,
  byStaff: z.boolean().describe("entered by community staff on the holder's behalf"),
  authorizationId: z.string().nullable().describe("the written authorisation a proxy ballot was cast under; GET /api/proxy-authorizations/{id}"),
  replaced: z.boolean().describe("a proxy ballot the holder's own ballot replaced before the close: not counted"),
  replacedTxHash: hash.optional(),
  ...recordRefFields,
});

function ballotOut(b: BallotView): z.infer<typeof ballotSchema> {
  return {
    holder: checksum(b.holder),
    choice: b.choice,
    area: b.area,
    enteredBy: checksum(b.enteredBy),
    byStaff: b.enteredBy !== b.holder,
    authorizationId: b.authorizationId !== "0" ? b.authorizationId : null,
    replaced: b.replaced !== undefined,
    ...(b.replaced ? { replacedTxHash: b.replaced.txHash } : {}),
    txHash: b.txHash,
    blockNumber: b.blockNumber,
    logIndex: b.logIndex,
    recordId: b.recordId,
  };
}

const electionHash = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "an election document's hash: 0x + 64 hex digits")
  .transform((v) => v.toLowerCase());

export function voteRoutes(deps: ResourceDeps): RouteSpec[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/votes",
      summary: "Owners' votes with their live tally, filtered by estate, status and committee election",
      tags: ["votes"],
      query: z.object({
        estateId: uint32Id.optional(),
        status: z.enum(VOTE_STATUSES).optional(),
        election: electionHash.optional().describe("only the candidates' votes of this committee election (the hash of its document)"),
        ...pageQuery,
      }),
      // Each item with its rule, progress and the chain's time, as GET /api/votes/{voteId} gives them: a list page
      // draws every vote's threshold lines and countdown from this one answer (one round trip, not one per vote).
      response: pageOf(voteStanding),
      handler: async ({ query }) => {
        const now = await deps.now();
        const keep = async (v: VoteView | undefined) => {
          if (!v || (query.status && statusOf(v, now) !== query.status)) return undefined;
          const summary = await standingOf(deps, v, now);
          return !query.election || summary.election === query.election ? summary : undefined;
        };
        if (query.estateId !== undefined) {
          return readPage(deps.store, sub(deps, "votesByEstate"), {
            prefix: `${numKey(query.estateId)}:`,
            limit: query.limit,
            cursor: query.cursor,
            map: async (voteId) => keep(await get<VoteView>(deps, "votes", voteKey(voteId as string))),
          });
        }
        return readPage(deps.store, sub(deps, "votes"), { limit: query.limit, cursor: query.cursor, map: (v) => keep(v as VoteView) });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/votes/:voteId",
      summary: "One vote: summary, the rule it opened with, its tally and progress against the thresholds",
      tags: ["votes"],
      params: z.object({ voteId: bigId }),
      response: voteStanding.extend({
        scopeKey: decimal,
        finalizedTxHash: hash.optional(),
        proposal: proposalSchema.describe("the proposal document behind contentHash: title, text, attachments (and candidates of an election), or a note that this server does not store it"),
      }),
      handler: async ({ params, req }) => {
        const v = await requireVote(deps, params.voteId);
        const now = await deps.now();
        return {
          ...(await standingOf(deps, v, now)),
          scopeKey: v.scopeKey,
          ...(v.finalized ? { finalizedTxHash: v.finalized.txHash } : {}),
          proposal: await proposalOf(deps, v.contentHash, req),
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/votes/:voteId/ballots",
      summary: "The ballots of a vote, in the order they were cast (a replaced proxy ballot is marked and not counted)",
      tags: ["votes"],
      params: z.object({ voteId: bigId }),
      query: z.object({ choice: z.enum(["for", "against", "abstain"]).optional(), ...pageQuery }),
      response: pageOf(ballotSchema),
      handler: async ({ params, query }) => {
        const v = await requireVote(deps, params.voteId);
        return readPage(deps.store, sub(deps, "ballots"), {
          prefix: `${voteKey(v.voteId)}:`,
          limit: query.limit,
          cursor: query.cursor,
          map: (value) => {
            const b = value as BallotView;
            if (query.choice && b.choice !== query.choice) return undefined;
            return ballotOut(b);
          },
        });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/holders/:address/ballots",
      summary: "The ballots that count for a holder, one per vote (their own, or a proxy ballot staff entered for them), by vote",
      tags: ["votes"],
      params: z.object({ address: addressInput }),
      query: z.object({ ...pageQuery }),
      response: pageOf(ballotSchema.extend({ voteId: z.string() })),
      handler: async ({ params, query }) => {
        // holderBallots points at the holder's latest ballot in each vote: their own once they voted themselves.
        return readPage(deps.store, sub(deps, "holderBallots"), {
          prefix: `${params.address}:`,
          limit: query.limit,
          cursor: query.cursor,
          map: async (key) => {
            const b = await get<BallotView>(deps, "ballots", key as string);
            return b && { voteId: b.voteId, ...ballotOut(b) };
          },
        });
      },
    }),
  ];
}
