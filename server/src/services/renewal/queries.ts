// What people see of the fund. Projects are public (residents pledge on them): the list, one project with its
// funding bar's figures, its ledger (every entry a record with its receipt), its milestones and its use after
// completion. A resident's own pledges are shown by address only to that resident (`/mine`); the public view
// names a partner by its id and a resident pledge only as a resident's.
import { z } from "zod/v4";
import { cursorKey } from "../../store/paging.js";
import type { Vault } from "../../vault/index.js";
import { defineQuery, objectId, refuse, type ModelReader, type QueryDef } from "../framework/index.js";
import { remainingOf } from "./funding.js";
import { MODELS, type ProjectRow } from "./projections.js";
import { REFUSAL_REASONS, SERVICE } from "./records.js";
import { heldFen, residentHeldFen, type ProjectState } from "./state.js";
import { publicNote } from "./texts.js";
import type { RenewalSettings } from "./commands.js";

const STATUSES = ["proposed", "refused", "eligible", "funding", "funded", "failed", "delivered"] as const;
const NOUN = { "zh-CN": "微更新项目", en: "micro-renewal project" };
const OFFSET = 8 * 3600;

/** "2026-05": the month (UTC+8) of Unix seconds `at`. */
export const monthOf = (at: number): string => new Date((at + OFFSET) * 1000).toISOString().slice(0, 7);

export const useView = z.object({
  completedMonth: z.string(),
  before: z.object({ months: z.number(), visits: z.number(), perMonth: z.number() }),
  after: z.object({ months: z.number(), visits: z.number(), perMonth: z.number() }),
  risePercent: z.number().nullable().describe("(after per month − before per month) / before per month × 100, rounded to a whole percent; null without a count before"),
  sources: z.array(z.string()).describe("where the counts come from, as the office entered them"),
});

/**
 * Use after completion: the mean visits per month before the month of completion against the mean after it (the
 * month itself is partial and left out of both). The rise in percent is computed in integers and rounded once.
 */
export function useOf(s: Pick<ProjectState, "visits" | "completedAt">): z.infer<typeof useView> | null {
  if (s.completedAt === null) return null;
  const done = monthOf(s.completedAt);
  const before = s.visits.filter((v) => v.month < done);
  const after = s.visits.filter((v) => v.month > done);
  const sum = (vs: typeof before) => vs.reduce((n, v) => n + v.visits, 0);
  const [sb, nb, sa, na] = [sum(before), before.length, sum(after), after.length];
  const risePercent = sb === 0 || na === 0 ? null : Math.round(((sa * nb - sb * na) * 100) / (sb * na));
  return {
    completedMonth: done,
    before: { months: nb, visits: sb, perMonth: nb === 0 ? 0 : sb / nb },
    after: { months: na, visits: sa, perMonth: na === 0 ? 0 : sa / na },
    risePercent,
    sources: [...new Set([...before, ...after].map((v) => v.source))],
  };
}

export const summaryView = z.object({
  id: z.string(),
  estateId: z.number(),
  title: z.string(),
  place: z.string(),
  status: z.enum(STATUSES),
  proposedAt: z.number(),
  by: z.enum(["resident", "staffForResident"]),
  minimumFen: z.number(),
  optimumFen: z.number(),
  supports: z.number(),
  needsVote: z.boolean(),
  voteId: z.number().nullable(),
  deadline: z.number().nullable(),
  raisedFen: z.number().describe("pledges held plus the match"),
  residentFen: z.number().describe("residents' pledges held"),
  partnerFen: z.number().describe("partners' pledges held"),
  matchFen: z.number().describe("the subsidy's match committed now"),
  outcome: z.enum(["funded", "belowMinimum", "residentShare"]).nullable(),
  percentComplete: z.number().describe("the mean of the milestones' percent complete; 0 without milestones"),
});
export type SummaryView = z.infer<typeof summaryView>;

export function summaryOf(row: ProjectRow): SummaryView {
  const residentFen = residentHeldFen(row);
  const held = heldFen(row);
  const ms = row.milestones;
  return {
    id: row.id,
    estateId: row.estateId,
    title: row.title,
    place: row.place,
    status: row.status as SummaryView["status"],
    proposedAt: row.proposedAt,
    by: row.proxy ? "staffForResident" : "resident",
    minimumFen: row.minimumFen,
    optimumFen: row.optimumFen,
    supports: row.supporters.length,
    needsVote: row.needsVote,
    voteId: row.voteId,
    deadline: row.deadline,
    raisedFen: held + row.matchFen,
    residentFen,
    partnerFen: held - residentFen,
    matchFen: row.matchFen,
    outcome: row.outcome,
    percentComplete: ms.length === 0 ? 0 : Math.floor(ms.reduce((n, m) => n + m.percent, 0) / ms.length),
  };
}

const ENTRY_KINDS = ["pledged", "matched", "released", "matchReleased", "spent"] as const;
export const ledgerEntry = z.object({
  recordId: z.number().describe("GET /api/receipts/offchain/{recordId}: the entry's receipt once anchored"),
  version: z.number(),
  at: z.number(),
  kind: z.enum(ENTRY_KINDS),
  amountFen: z.number(),
  source: z.enum(["resident", "partner", "subsidy", "payment"]),
  partnerId: z.string().nullable(),
  pledge: z.number().nullable(),
  milestone: z.number().nullable(),
  invoice: z.string().nullable(),
  why: z.enum(["withdrawn", "notFunded"]).nullable(),
  proxy: z.boolean().describe("entered by staff for a resident under an authorisation"),
});
export type LedgerEntry = z.infer<typeof ledgerEntry>;

export const projectView = summaryView.extend({
  description: z.string().nullable().describe("null: erased"),
  photos: z.array(z.string()).describe("documents of class renewal: GET /api/documents/{hash}"),
  refusal: z.object({ reason: z.enum(REFUSAL_REASONS), text: z.string().nullable() }).nullable(),
  rule: z.object({ numerator: z.number(), denominator: z.number(), capFen: z.number() }).nullable(),
  residentShareBp: z.number(),
  ledger: z.object({
    pledgedFen: z.number(),
    matchedFen: z.number(),
    releasedFen: z.number(),
    spentFen: z.number(),
    remainingFen: z.number(),
    identity: z.string().describe("pledged + matched = released + spent + remaining"),
  }),
  entries: z.array(ledgerEntry),
  pledges: z.array(z.object({ pledge: z.number(), source: z.enum(["resident", "partner"]), partnerId: z.string().nullable(), amountFen: z.number(), released: z.boolean(), proxy: z.boolean(), at: z.number() })),
  milestones: z.array(z.object({ milestone: z.number(), title: z.string(), percent: z.number(), evidence: z.array(z.string()), accepted: z.boolean(), acceptedAt: z.number().nullable(), spentFen: z.number() })),
  visits: z.array(z.object({ month: z.string(), visits: z.number(), source: z.string() })),
  use: useView.nullable(),
  completedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
});
export type ProjectView = z.infer<typeof projectView>;

/** The ledger's entries: every record that moves money, with its record id (for its receipt). */
async function entriesOf(read: ModelReader, row: ProjectRow): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for (let from = 1; ; from += 100) {
    const records = await read.history(row.id, from, 100);
    for (const r of records) {
      const event = r.kind.slice(SERVICE.length + 1) as (typeof ENTRY_KINDS)[number];
      if (!ENTRY_KINDS.includes(event)) continue;
      const p = r.payload as { amountFen: number; pledge?: number; source?: "resident" | "partner"; partnerId?: string; milestone?: number; invoice?: string; why?: "withdrawn" | "notFunded" };
      const pledge = p.pledge ?? null;
      const source = event === "matched" || event === "matchReleased" ? "subsidy" : event === "spent" ? "payment" : (p.source ?? row.pledges[pledge ?? -1]?.source ?? "resident");
      out.push({
        recordId: r.recordId,
        version: r.version,
        at: r.at,
        kind: event,
        amountFen: p.amountFen,
        source,
        partnerId: p.partnerId ?? (pledge !== null && row.pledges[pledge]?.source === "partner" ? row.pledges[pledge]!.pledger : null),
        pledge,
        milestone: p.milestone ?? null,
        invoice: p.invoice ?? null,
        why: p.why ?? null,
        proxy: "onBehalfOf" in r.actor,
      });
    }
    if (records.length < 100) return out;
  }
}

export async function viewOf(read: ModelReader, row: ProjectRow, vault: Vault | undefined): Promise<ProjectView> {
  const l = row.ledger;
  return {
    ...summaryOf(row),
    description: await publicNote(vault, row.description),
    photos: row.photos,
    refusal: row.refusal ? { reason: row.refusal.reason, text: await publicNote(vault, row.refusal.text) } : null,
    rule: row.rule,
    residentShareBp: row.residentShareBp,
    ledger: { pledgedFen: l.pledgedFen, matchedFen: l.matchedFen, releasedFen: l.releasedFen, spentFen: l.spentFen, remainingFen: remainingOf(l), identity: "pledged + matched = released + spent + remaining" },
    entries: await entriesOf(read, row),
    pledges: row.pledges.map((p, pledge) => ({ pledge, source: p.source, partnerId: p.source === "partner" ? p.pledger : null, amountFen: p.amountFen, released: p.released, proxy: p.proxy, at: p.at })),
    milestones: row.milestones.map((m, milestone) => ({ milestone, title: m.title, percent: m.percent, evidence: m.evidence, accepted: m.acceptedAt !== null, acceptedAt: m.acceptedAt, spentFen: m.spentFen })),
    visits: row.visits.map(({ month, visits, source }) => ({ month, visits, source })),
    use: useOf(row),
    completedAt: row.completedAt,
    closedAt: row.closedAt,
  };
}

const idParams = z.object({ id: objectId });

export function renewalQueries(deps: { vault?: Vault; settings: RenewalSettings }): QueryDef[] {
  const one = async (read: ModelReader, id: string): Promise<ProjectRow> => {
    const row = await read.get<ProjectRow>(MODELS.projects, id);
    if (!row || row.status === "none") throw refuse(404, "unknown_record", { kind: NOUN, id });
    return row;
  };
  return [
    defineQuery({
      path: "/api/renewal/list",
      summary: "Micro-renewal projects, the newest first, with their funding figures (public); `status` filters",
      who: "public",
      query: z.object({ status: z.enum(STATUSES).optional(), limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(400).optional() }),
      response: z.object({ items: z.array(summaryView), nextCursor: z.string().optional() }),
      handler: async ({ query }, read) => {
        if (query.cursor !== undefined && cursorKey(query.cursor, "") === null) throw refuse(400, "invalid_cursor", {});
        return read.page(MODELS.newest, {
          limit: query.limit,
          cursor: query.cursor,
          map: async (_value, key) => {
            const row = await read.get<ProjectRow>(MODELS.projects, key.slice(key.lastIndexOf(":") + 1));
            return row && row.status !== "none" && (query.status === undefined || row.status === query.status) ? summaryOf(row) : undefined;
          },
        });
      },
    }),
    defineQuery({
      path: "/api/renewal/settings",
      summary: "The fund's rules in force: match ratio and cap, residents' share, the amount above which an owners' vote decides, supports needed (public)",
      who: "public",
      response: z.object({ matchNumerator: z.number(), matchDenominator: z.number(), matchCapFen: z.number(), residentShareBp: z.number(), voteAboveFen: z.number(), supportsToOpen: z.number(), maxFundingDays: z.number() }),
      handler: () => deps.settings,
    }),
    defineQuery({
      path: "/api/renewal/:id",
      summary: "One project (public): description, photos, funding figures, the ledger with every entry's record id (for its receipt), milestones, use after completion",
      who: "public",
      params: idParams,
      response: projectView,
      handler: async ({ params }, read) => viewOf(read, await one(read, params.id), deps.vault),
    }),
    defineQuery({
      path: "/api/renewal/:id/mine",
      summary: "The signed-in resident's own part in a project: whether they support it, their pledges (to withdraw one)",
      who: "signedIn",
      params: idParams,
      response: z.object({ supported: z.boolean(), pledges: z.array(z.object({ pledge: z.number(), amountFen: z.number(), released: z.boolean(), proxy: z.boolean() })) }),
      handler: async ({ params }, read, context) => {
        const row = await one(read, params.id);
        const me = context.address!.toLowerCase();
        return {
          supported: row.supporters.includes(me),
          pledges: row.pledges.flatMap((p, pledge) => (p.source === "resident" && p.pledger === me ? [{ pledge, amountFen: p.amountFen, released: p.released, proxy: p.proxy }] : [])),
        };
      },
    }),
  ];
}
