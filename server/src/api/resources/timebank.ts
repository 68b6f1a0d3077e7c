// The time bank: a member's balance, family links and history; service records with their decision; partners.
import { z } from "zod/v4";
import { numKey } from "../../store/store.js";
import { voucherCode, normaliseVoucher } from "../../chain/voucher.js";
import { CATEGORIES, NO_CLEARING, REDEMPTION_KINDS, serviceKey, type ClearingTotals, type CommunityView, type RedemptionView, type FamilyView, type HistoryEntry, type MemberView, type PartnerView, type ServiceView } from "../../indexer/models/timebank.js";
import { ApiError } from "../errors.js";
import { defineRoute, type RouteSpec } from "../routes.js";
import { get, sub, type ResourceDeps } from "./context.js";
import { readAll, readPage } from "./paging.js";
import { address, addressInput, bigId, checksum, hash, pageOf, pageQuery, recordRefFields } from "./schemas.js";

const STATUSES = ["recorded", "confirmed", "rejected"] as const;

const serviceSchema = z.object({
  id: z.string(),
  volunteer: address,
  recipient: address,
  minutes: z.number(),
  category: z.enum(CATEGORIES),
  servedAt: z.number().describe("Unix seconds"),
  noteHash: hash.describe("salted commitment keccak256(abi.encode(salt, note)); the note and its salt stay off chain"),
  status: z.enum(STATUSES).describe("recorded: waiting for the recipient's (or staff's) decision"),
  decidedBy: address.nullable(),
  byProxy: z.boolean().describe("decided by staff on the recipient's behalf"),
  authorizationId: z.string().nullable().describe("the recipient's written authorisation a proxy decision was made under"),
  txHash: hash,
  recordId: z.string(),
});

function serviceOut(s: ServiceView): z.infer<typeof serviceSchema> {
  return {
    id: s.serviceId,
    volunteer: checksum(s.volunteer),
    recipient: checksum(s.recipient),
    minutes: s.minutes,
    category: s.category,
    servedAt: s.servedAt,
    noteHash: s.noteHash,
    status: s.status,
    decidedBy: s.decidedBy ? checksum(s.decidedBy) : null,
    byProxy: s.byProxy,
    authorizationId: s.byProxy && s.authorizationId ? s.authorizationId : null,
    txHash: s.recorded.txHash,
    recordId: s.recorded.recordId,
  };
}

const honouredSchema = z
  .object({ at: z.number().describe("Unix seconds"), by: address })
  .nullable()
  .describe("the partner's off-chain record that it handed over what was redeemed; null while not yet");

const redemptionSchema = z.object({
  member: address,
  partner: address,
  minutes: z.number(),
  kind: z.enum(REDEMPTION_KINDS),
  noteHash: hash.describe("salted commitment to the note; the note itself is not stored"),
  by: address.describe("the member, or staff acting under the member's authorisation"),
  authorizationId: z.string().nullable(),
  community: address.nullable().describe("a visitor's redemption: the TimeBank of the community whose member spent here; null for this community's members"),
  voucher: z.string().describe("the code the member shows at the partner, derived from txHash and logIndex (server/src/chain/voucher.ts)"),
  honoured: honouredSchema,
  ...recordRefFields,
});

async function redemptionOut(deps: ResourceDeps, r: RedemptionView): Promise<z.infer<typeof redemptionSchema>> {
  const voucher = voucherCode(r.txHash, r.logIndex);
  const honoured = await deps.honoured?.(voucher);
  return {
    member: checksum(r.member),
    partner: checksum(r.partner),
    minutes: r.minutes,
    kind: r.kind,
    noteHash: r.noteHash,
    by: checksum(r.by),
    authorizationId: r.authorizationId !== "0" ? r.authorizationId : null,
    community: r.community ? checksum(r.community) : null,
    voucher,
    honoured: honoured ? { at: honoured.at, by: checksum(honoured.by) } : null,
    txHash: r.txHash,
    blockNumber: r.blockNumber,
    logIndex: r.logIndex,
    recordId: r.recordId,
  };
}

export function timebankRoutes(deps: ResourceDeps): RouteSpec[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/timebank/members",
      summary: "The time bank's current members (addresses; names through /api/directory/names), for choosing whom a service was given to",
      tags: ["timebank"],
      query: z.object(pageQuery),
      response: pageOf(z.object({ address })),
      handler: ({ query }) =>
        readPage(deps.store, sub(deps, "tbMembers"), {
          ...query,
          map: (value) => {
            const m = value as MemberView;
            return m.member ? { address: checksum(m.address) } : undefined;
          },
        }),
    }),
    defineRoute({
      method: "get",
      path: "/api/timebank/redemptions",
      summary: "Redemptions (credits spent at partners), filtered by partner or member, each with its voucher code and whether the partner honoured it",
      tags: ["timebank"],
      query: z.object({ partner: addressInput.optional(), member: addressInput.optional(), ...pageQuery }),
      response: pageOf(redemptionSchema),
      handler: ({ query }) =>
        readPage(deps.store, sub(deps, "tbRedemptions"), {
          limit: query.limit,
          cursor: query.cursor,
          map: (value) => {
            const r = value as RedemptionView;
            return (!query.partner || r.partner === query.partner) && (!query.member || r.member === query.member) ? redemptionOut(deps, r) : undefined;
          },
        }),
    }),
    defineRoute({
      method: "get",
      path: "/api/timebank/vouchers/:code",
      summary: "The redemption a voucher code stands for and whether its partner honoured it (404 unknown_voucher)",
      tags: ["timebank"],
      params: z.object({ code: z.string().max(32) }),
      response: redemptionSchema,
      handler: async ({ params }) => {
        const code = normaliseVoucher(params.code);
        // The indexer keeps each voucher's redemption (tbVouchers: code → its key in tbRedemptions).
        const key = code ? await get<string>(deps, "tbVouchers", code) : undefined;
        const r = key ? await get<RedemptionView>(deps, "tbRedemptions", key) : undefined;
        if (!r) throw new ApiError(404, "unknown_voucher", { code: params.code });
        return redemptionOut(deps, r);
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/timebank/members/:address",
      summary: "A time-bank member: balance (minutes), family links and history (an address never registered answers member: false)",
      tags: ["timebank"],
      params: z.object({ address: addressInput }),
      query: z.object(pageQuery),
      response: z.object({
        address,
        member: z.boolean(),
        balance: z.number().describe("minutes"),
        movedTo: address.nullable().describe("the TimeBank of the community they moved to, taking their balance along (no longer a member here)"),
        movedFrom: address.nullable().describe("the TimeBank of the community they last moved in from"),
        family: z.array(z.object({ address, relation: z.enum(["parent", "spouse", "child"]).describe("what they are to this member") })),
        history: z.array(
          z.object({
            kind: z.enum(["credited", "given", "gift-in", "gift-out", "redeemed", "redeemed-elsewhere", "moved-in", "moved-out"]),
            community: address.optional().describe("for a redemption elsewhere or a move: the other community's TimeBank"),
            minutes: z.number(),
            serviceId: z.string().optional(),
            counterparty: address,
            balanceAfter: z.number(),
            by: address.optional().describe("for a redemption staff made for the member: the staff member"),
            authorizationId: z.string().optional().describe("…and the member's written authorisation it was made under"),
            ...recordRefFields,
          }),
        ),
        nextCursor: z.string().optional(),
      }),
      handler: async ({ params, query }) => {
        const m = await get<MemberView>(deps, "tbMembers", params.address);
        const family = await readAll<FamilyView>(deps.store, sub(deps, "tbFamily"), `${params.address}:`);
        const page = await readPage(deps.store, sub(deps, "tbHistory"), {
          prefix: `${params.address}:`,
          limit: query.limit,
          cursor: query.cursor,
          map: (value) => {
            const h = value as HistoryEntry;
            return {
              kind: h.kind,
              minutes: h.minutes,
              ...(h.serviceId ? { serviceId: h.serviceId } : {}),
              ...(h.community ? { community: checksum(h.community) } : {}),
              counterparty: checksum(h.counterparty),
              balanceAfter: h.balanceAfter,
              ...(h.by ? { by: checksum(h.by), authorizationId: h.authorizationId } : {}),
              txHash: h.txHash,
              blockNumber: h.blockNumber,
              logIndex: h.logIndex,
              recordId: h.recordId,
            };
          },
        });
        return {
          address: checksum(params.address),
          member: m?.member ?? false,
          balance: m?.balance ?? 0,
          movedTo: m?.movedTo ? checksum(m.movedTo) : null,
          movedFrom: m?.movedFrom ? checksum(m.movedFrom) : null,
          family: family.map((f) => ({ address: checksum(f.relative), relation: f.relation })),
          history: page.items,
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/timebank/services",
      summary: "Service records, filtered by volunteer, recipient and status",
      tags: ["timebank"],
      query: z.object({ volunteer: addressInput.optional(), recipient: addressInput.optional(), status: z.enum(STATUSES).optional(), ...pageQuery }),
      response: pageOf(serviceSchema),
      handler: ({ query }) => {
        const keep = (s: ServiceView | undefined) =>
          s &&
          (!query.volunteer || s.volunteer === query.volunteer) &&
          (!query.recipient || s.recipient === query.recipient) &&
          (!query.status || s.status === query.status)
            ? serviceOut(s)
            : undefined;
        // A volunteer's or recipient's services have their own index; the other filters apply on top.
        const by = query.volunteer ? `v:${query.volunteer}:` : query.recipient ? `r:${query.recipient}:` : undefined;
        if (by) {
          return readPage(deps.store, sub(deps, "tbServicesBy"), {
            prefix: by,
            limit: query.limit,
            cursor: query.cursor,
            map: async (serviceId) => keep(await get<ServiceView>(deps, "tbServices", serviceKey(serviceId as string))),
          });
        }
        return readPage(deps.store, sub(deps, "tbServices"), { limit: query.limit, cursor: query.cursor, map: (s) => keep(s as ServiceView) });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/timebank/services/:serviceId",
      summary: "One service record with its decision",
      tags: ["timebank"],
      params: z.object({ serviceId: bigId }),
      response: serviceSchema.extend({ decision: z.object(recordRefFields).nullable() }),
      handler: async ({ params }) => {
        const n = Number(params.serviceId);
        const s = Number.isSafeInteger(n) && n > 0 ? await get<ServiceView>(deps, "tbServices", numKey(n)) : undefined;
        if (!s) throw new ApiError(404, "unknown_service", { serviceId: params.serviceId });
        return { ...serviceOut(s), decision: s.decided ?? null };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/timebank/communities",
      summary:
        "Credits across communities (通存通兑): the other communities' time banks this one recognises or deals with, the clearing balance with each (minutes received from it minus minutes sent to it), and this community's totals",
      tags: ["timebank"],
      response: z.object({
        totals: z.object({
          movedIn: z.number(),
          movedOut: z.number(),
          spentAbroad: z.number().describe("this community's members' credits spent at other communities' partners"),
          spentByVisitors: z.number().describe("other communities' credits spent at partners here"),
          clearing: z.number().describe("net minutes received from other communities: issued + clearing = held + spent"),
        }),
        communities: z.array(
          z.object({
            address,
            recognised: z.boolean().describe("recognised here; credits flow only when the other side recognises this one too"),
            clearing: z.number().describe("minutes received from it minus minutes sent to it"),
            movedIn: z.number(),
            movedOut: z.number(),
            spentHereByItsMembers: z.number(),
            spentThereByOurMembers: z.number(),
          }),
        ),
      }),
      handler: async () => {
        const t: ClearingTotals = (await get<ClearingTotals>(deps, "tbSettings", "clearing")) ?? NO_CLEARING;
        const communities = await readAll<CommunityView>(deps.store, sub(deps, "tbCommunities"), "");
        return {
          totals: { ...t, clearing: t.movedIn + t.spentByVisitors - t.movedOut - t.spentAbroad },
          communities: communities.map((c) => ({
            address: checksum(c.address),
            recognised: c.recognised,
            clearing: c.clearing,
            movedIn: c.movedIn,
            movedOut: c.movedOut,
            spentHereByItsMembers: c.spentHereByItsMembers,
            spentThereByOurMembers: c.spentThereByOurMembers,
          })),
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/timebank/partners",
      summary: "Partners (shops, service providers) where credits are redeemed",
      tags: ["timebank"],
      query: z.object(pageQuery),
      response: pageOf(z.object({ address, profileHash: hash })),
      handler: ({ query }) =>
        readPage(deps.store, sub(deps, "tbPartners"), {
          ...query,
          map: (value) => {
            const p = value as PartnerView;
            return { address: checksum(p.address), profileHash: p.profileHash };
          },
        }),
    }),
  ];
}
