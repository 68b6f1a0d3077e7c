// The maintenance fund: an estate's ledger and emergency policy, spend plans (with the vote that authorised
// them, or the emergency approvals, confirmation and disclosure), their disbursements and closing, and each
// unit's statement. Amounts in fen as decimal strings.
import { z } from "zod/v4";
import { numKey } from "../../store/store.js";
import {
  planKey,
  type AccountView,
  type DisbursementView,
  type LedgerView,
  type PlanView,
  type PolicyView,
  type StatementEntry,
} from "../../indexer/models/fund.js";
import type { RecordRef } from "../../indexer/models/refs.js";
import type { EstateView, UnitView } from "../../indexer/models/registry.js";
import type { VoteView } from "../../indexer/models/votes.js";
import { ApiError } from "../errors.js";
import { proposalOf, proposalSchema, titleOf } from "./proposals.js";
import { defineRoute, type RouteSpec } from "../routes.js";
import { get, sub, timeOf, type ResourceDeps } from "./context.js";
import { readAll, readPage } from "./paging.js";
import { requireEstate, requireUnit } from "./registry.js";
import { address, bigId, checksum, decimal, hash, pageOf, pageQuery, recordRefFields, uint32Id } from "./schemas.js";
import { summaryOf, voteSummary } from "./votes.js";

/** MaintenanceFund's default disclosure window, when an estate has set no policy. */
const DEFAULT_DISCLOSURE_DAYS = 30;
const DISCLOSURES = ["NotRequired", "Pending", "Overdue", "Disclosed", "DisclosedLate"] as const;

const planSummary = z.object({
  id: z.string(),
  estateId: z.number(),
  buildingId: z.number().describe("0 for the whole estate"),
  kind: z.enum(["vote", "emergency"]),
  voteId: z.string().nullable().describe("the authorising vote; null for an emergency spend"),
  status: z.enum(["proposed", "open", "closed"]),
  budget: decimal,
  disbursed: decimal,
  released: decimal.describe("unused budget returned to the units at closing"),
  planHash: hash.describe("hash of the repair plan, or of the emergency report"),
  openedBy: address.describe("the committee member who opened (vote) or proposed (emergency) it"),
  openedAt: z.number().nullable().describe("block of the opening; null while an emergency proposal waits"),
  time: z.number().nullable().describe("block time (Unix seconds) of the plan's first record (its opening, or the emergency proposal); null while the node cannot say"),
  openedTime: z.number().nullable().describe("block time of the opening; null while an emergency proposal waits, or while the node cannot say"),
  title: z.object({ zh: z.string(), en: z.string().optional() }).optional().describe("the plan document's title, when this server stores it (pages check the text themselves)"),
  disclosure: z.enum(DISCLOSURES),
  disclosureDue: z.number().nullable().describe("block time by which an emergency spend must be disclosed"),
  txHash: hash,
  recordId: z.string(),
});

function disclosureOf(p: PlanView, now: number): (typeof DISCLOSURES)[number] {
  if (p.kind !== "emergency" || p.status === "proposed" || !p.confirmation) return "NotRequired";
  if (p.disclosure) return p.disclosure.late ? "DisclosedLate" : "Disclosed";
  return now > p.confirmation.disclosureDue ? "Overdue" : "Pending";
}

async function summaryOfPlan(deps: ResourceDeps, p: PlanView, now: number): Promise<z.infer<typeof planSummary>> {
  // The plan's first record: the emergency proposal, or the opening of a vote-backed plan.
  const origin = (p.proposed ?? p.opened)!;
  const [time, openedTime, title] = await Promise.all([timeOf(deps, origin.blockNumber), timeOf(deps, p.openedAt), titleOf(deps, p.planHash)]);
  return {
    id: p.planId,
    estateId: p.estateId,
    buildingId: p.buildingId,
    kind: p.kind,
    voteId: p.kind === "vote" ? p.voteId : null,
    status: p.status,
    budget: p.budget,
    disbursed: p.disbursed,
    released: p.released,
    planHash: p.planHash,
    openedBy: checksum(p.openedBy),
    openedAt: p.openedAt ?? null,
    time,
    openedTime,
    ...(title ? { title: title.title } : {}),
    disclosure: disclosureOf(p, now),
    disclosureDue: p.confirmation?.disclosureDue ?? null,
    txHash: origin.txHash,
    recordId: origin.recordId,
  };
}

/** A plan's summary with its authorising vote's (null for an emergency spend), as the list and the plan's page give it. */
const planWithVote = planSummary.extend({ vote: voteSummary.nullable().describe("the authorising vote's summary; null for an emergency spend") });

async function withVote(deps: ResourceDeps, p: PlanView, now: number): Promise<z.infer<typeof planWithVote>> {
  const vote = p.kind === "vote" ? await get<VoteView>(deps, "votes", numKey(Number(p.voteId))) : undefined;
  const [summary, voteOut] = await Promise.all([summaryOfPlan(deps, p, now), vote ? summaryOf(deps, vote, now) : null]);
  return { ...summary, vote: voteOut };
}

/** An estate's fund ledger and emergency policy (zeros before its first deposit). */
const fundEstate = z.object({
  estateId: z.number(),
  balance: decimal,
  committed: decimal,
  deposited: decimal,
  disbursed: decimal,
  emergencyPolicy: z.object({
    cap: decimal.describe("largest emergency spend; 0: the emergency path is off"),
    periodLimit: decimal.describe("most the emergency path may spend within any periodDays days"),
    periodDays: z.number().describe("length of the rolling period of periodLimit; 0: no policy set"),
    disclosureDays: z.number(),
  }),
});

async function fundEstateOf(deps: ResourceDeps, estateId: number): Promise<z.infer<typeof fundEstate>> {
  const [l, policy] = await Promise.all([get<LedgerView>(deps, "fundEstates", numKey(estateId)), get<PolicyView>(deps, "fundPolicies", numKey(estateId))]);
  return {
    estateId,
    balance: l?.balance ?? "0",
    committed: l?.committed ?? "0",
    deposited: l?.deposited ?? "0",
    disbursed: l?.disbursed ?? "0",
    emergencyPolicy: {
      cap: policy?.cap ?? "0",
      periodLimit: policy?.periodLimit ?? "0",
      periodDays: policy?.periodDays ?? 0,
      disclosureDays: policy?.disclosureDays || DEFAULT_DISCLOSURE_DAYS,
    },
  };
}

async function requirePlan(deps: ResourceDeps, planId: string): Promise<PlanView> {
  const n = Number(planId);
  const p = Number.isSafeInteger(n) && n > 0 ? await get<PlanView>(deps, "plans", planKey(n)) : undefined;
  if (!p) throw new ApiError(404, "unknown_plan", { planId });
  return p;
}

const refOut = (r: RecordRef) => ({ txHash: r.txHash, blockNumber: r.blockNumber, logIndex: r.logIndex, recordId: r.recordId });
/** A record's reference with its block time (null while the node cannot say), so pages show calendar dates. */
const refTimed = async (deps: ResourceDeps, r: RecordRef) => ({ ...refOut(r), time: await timeOf(deps, r.blockNumber) });
const timedFields = { ...recordRefFields, time: z.number().nullable().describe("block time (Unix seconds); null while the node cannot say") };

/** Unit ids as a comma-separated list ("3,17,42"): the flats a search by label found. */
const unitList = z
  .string()
  .regex(/^[1-9]\d{0,9}(,[1-9]\d{0,9}){0,199}$/, "unit ids separated by commas, at most 200")
  .transform((v) => [...new Set(v.split(",").map(Number))].sort((a, b) => a - b))
  .refine((ids) => ids.every((id) => id <= 4_294_967_295), "unit ids are uint32");

const apportionmentRow = z.object({
  unitId: z.number(),
  buildingId: z.number(),
  area: decimal.describe("the unit's registered area now (0.01 m²); the charge used the areas of the plan's snapshot"),
  amount: decimal.describe("what the plan charged the unit (fen)"),
  holder: address.nullable().describe("the unit's holder now (public on chain): its flat's label comes from the directory's names"),
  ...timedFields,
});

export function fundRoutes(deps: ResourceDeps): RouteSpec[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/fund/estates/:estateId",
      summary: "An estate's fund ledger (balance = Σ unit balances; deposited = balance + committed + disbursed) and emergency policy",
      tags: ["fund"],
      params: z.object({ estateId: uint32Id }),
      response: fundEstate,
      handler: async ({ params }) => fundEstateOf(deps, (await requireEstate(deps, params.estateId)).estateId),
    }),
    defineRoute({
      method: "get",
      path: "/api/fund/estates",
      summary: "Every estate's fund ledger and emergency policy, by estate id (the fund page's overview in one answer)",
      tags: ["fund"],
      query: z.object(pageQuery),
      response: pageOf(fundEstate),
      handler: ({ query }) => readPage(deps.store, sub(deps, "estates"), { ...query, map: (value) => fundEstateOf(deps, (value as EstateView).estateId) }),
    }),
    defineRoute({
      method: "get",
      path: "/api/fund/plans",
      summary: "Spend plans, filtered by estate, kind (vote-backed or emergency) and status",
      tags: ["fund"],
      query: z.object({
        estateId: uint32Id.optional(),
        kind: z.enum(["vote", "emergency"]).optional(),
        status: z.enum(["proposed", "open", "closed"]).optional(),
        ...pageQuery,
      }),
      // Each with its vote's summary (title, outcome), so a list page needs no request per plan.
      response: pageOf(planWithVote),
      handler: async ({ query }) => {
        const now = await deps.now();
        const keep = (p: PlanView | undefined) =>
          p && (!query.kind || p.kind === query.kind) && (!query.status || p.status === query.status) ? withVote(deps, p, now) : undefined;
        if (query.estateId !== undefined) {
          return readPage(deps.store, sub(deps, "plansByEstate"), {
            prefix: `${numKey(query.estateId)}:`,
            limit: query.limit,
            cursor: query.cursor,
            map: async (planId) => keep(await get<PlanView>(deps, "plans", planKey(planId as string))),
          });
        }
        return readPage(deps.store, sub(deps, "plans"), { limit: query.limit, cursor: query.cursor, map: (p) => keep(p as PlanView) });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/fund/plans/:planId",
      summary: "One plan: its vote or emergency approvals, confirmation and disclosure, disbursements, closing",
      tags: ["fund"],
      params: z.object({ planId: bigId }),
      response: planWithVote.extend({
        approvals: z.array(z.object({ member: address, approvals: z.number(), ...timedFields })),
        confirmation: z.object({ custodian: address, approvals: z.number(), disclosureDue: z.number(), ...timedFields }).nullable(),
        disclosureRecord: z.object({ member: address, documentHash: hash, late: z.boolean(), ...timedFields }).nullable(),
        disbursements: z.array(
          z.object({ index: z.number(), payee: address, amount: decimal, stage: z.enum(["Start", "Progress", "Acceptance", "Warranty"]), docHash: hash, ...timedFields }),
        ),
        closing: z.object({ closedBy: address, disbursed: decimal, released: decimal, closingHash: hash, ...timedFields }).nullable(),
        document: proposalSchema.describe("the plan's description behind planHash (the emergency report for an emergency spend), or a note that this server does not store it"),
      }),
      handler: async ({ params, req }) => {
        const p = await requirePlan(deps, params.planId);
        const now = await deps.now();
        const payments = await readAll<DisbursementView>(deps.store, sub(deps, "disbursements"), `${planKey(p.planId)}:`);
        return {
          ...(await withVote(deps, p, now)),
          approvals: await Promise.all(p.approvals.map(async (a) => ({ member: checksum(a.member), approvals: a.approvals, ...(await refTimed(deps, a)) }))),
          confirmation: p.confirmation
            ? { custodian: checksum(p.confirmation.custodian), approvals: p.confirmation.approvals, disclosureDue: p.confirmation.disclosureDue, ...(await refTimed(deps, p.confirmation)) }
            : null,
          disclosureRecord: p.disclosure
            ? { member: checksum(p.disclosure.member), documentHash: p.disclosure.documentHash, late: p.disclosure.late, ...(await refTimed(deps, p.disclosure)) }
            : null,
          disbursements: await Promise.all(
            payments.map(async (d) => ({ index: d.index, payee: checksum(d.payee), amount: d.amount, stage: d.stage, docHash: d.docHash, ...(await refTimed(deps, d)) })),
          ),
          closing: p.closing
            ? { closedBy: checksum(p.closing.closedBy), disbursed: p.closing.disbursed, released: p.closing.released, closingHash: p.closing.closingHash, ...(await refTimed(deps, p.closing)) }
            : null,
          document: await proposalOf(deps, p.planHash, req),
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/fund/plans/:planId/apportionment",
      summary: "What a plan charged each unit of its scope (by area as of its snapshot), in unit id order; `units` keeps only the listed units (the flats a search by label found)",
      tags: ["fund"],
      params: z.object({ planId: bigId }),
      query: z.object({ units: unitList.optional(), ...pageQuery }),
      response: z.object({ planId: z.string(), budget: decimal, items: z.array(apportionmentRow), nextCursor: z.string().optional() }),
      handler: async ({ params, query }) => {
        const p = await requirePlan(deps, params.planId);
        // A unit's statement holds the plan's charge: the statements are keyed by unit, so the charges come in
        // unit id order and a page reads only the statements of its own units (and those between them).
        const row = async (e: StatementEntry) => {
          if (e.kind !== "charge" || e.planId !== p.planId) return undefined;
          const unit = await get<UnitView>(deps, "units", numKey(e.unitId));
          return { unitId: e.unitId, buildingId: unit?.buildingId ?? 0, area: unit?.area ?? "0", amount: e.amount, holder: unit ? checksum(unit.holder) : null, ...(await refTimed(deps, e)) };
        };
        if (query.units) {
          if (query.cursor !== undefined) throw new ApiError(400, "invalid_cursor");
          const items = [];
          for (const unitId of query.units) {
            for (const e of await readAll<StatementEntry>(deps.store, sub(deps, "fundEntries"), `${numKey(unitId)}:`)) {
              const r = await row(e);
              if (r) items.push(r);
            }
          }
          return { planId: p.planId, budget: p.budget, items: items.slice(0, query.limit) };
        }
        const page = await readPage(deps.store, sub(deps, "fundEntries"), { limit: query.limit, cursor: query.cursor, map: (value) => row(value as StatementEntry) });
        return { planId: p.planId, budget: p.budget, items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/fund/units/:unitId/statement",
      summary: "A unit's sub-account statement: deposits, charges and refunds, each with the balance after it",
      tags: ["fund"],
      params: z.object({ unitId: uint32Id }),
      query: z.object(pageQuery),
      response: z.object({
        unitId: z.number(),
        balance: decimal,
        entries: z.array(
          z.object({
            kind: z.enum(["deposit", "charge", "refund"]),
            amount: decimal,
            planId: z.string().optional(),
            receiptHash: hash.optional().describe("hash of the bank receipt of a deposit"),
            balanceAfter: decimal,
            ...timedFields,
          }),
        ),
        nextCursor: z.string().optional(),
      }),
      handler: async ({ params, query }) => {
        const u = await requireUnit(deps, params.unitId);
        const account = await get<AccountView>(deps, "fundAccounts", numKey(u.unitId));
        const page = await readPage(deps.store, sub(deps, "fundEntries"), {
          prefix: `${numKey(u.unitId)}:`,
          limit: query.limit,
          cursor: query.cursor,
          map: async (value) => {
            const e = value as StatementEntry;
            return {
              kind: e.kind,
              amount: e.amount,
              ...(e.planId ? { planId: e.planId } : {}),
              ...(e.receiptHash ? { receiptHash: e.receiptHash } : {}),
              balanceAfter: e.balanceAfter,
              ...(await refTimed(deps, e)),
            };
          },
        });
        return { unitId: u.unitId, balance: account?.balance ?? "0", entries: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
      },
    }),
  ];
}
