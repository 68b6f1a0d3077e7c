// What people see of the green account: a household's card, points by state and history (the household, or staff
// for it); a scanned card's points (a partner or staff); the catalogue and settings (public); a bin's queue (the
// volunteers, staff); a partner's redemptions; and the statistics by building and month, each rate with its
// numerator and denominator (public: counts only, no household).
import { z } from "zod/v4";
import { defineQuery, refuse, type ModelReader, type QueryContext, type QueryDef } from "../framework/index.js";
import { cardUri, parseCard } from "./card.js";
import { balancesOf, binDay, expiresAt, statusOf } from "./ledger.js";
import { MODELS, NO_MONTH, samplePassed, type ItemRow, type MonthRow, type QueueRow, type RedemptionRow, type SampleRow } from "./projections.js";
import { DEFAULT_SETTINGS, householdId, settingsInput, type GreenSettings } from "./records.js";
import type { GreenState } from "./state.js";

export type GreenQueryDeps = {
  cardKey: Buffer;
  /** The unit ids of the flats an address holds or is linked to. */
  householdsOf: (address: string) => Promise<number[]>;
  /** Households (flats) per building of the estate: the participation rate's denominators. */
  buildings: () => Promise<{ building: number; households: number }[]>;
  /** The partner ids an address is the account of (an approved partner's). */
  partnersOf: (address: string) => Promise<readonly string[]>;
  /** A partner's public names. */
  partnerName: (partner: string) => Promise<{ name: string; nameEn: string } | undefined>;
  /** The services' clock, Unix seconds. */
  now: () => number;
};

export const settingsOf = async (read: Pick<ModelReader, "get">): Promise<GreenSettings> => (await read.get<GreenSettings>(MODELS.settings, "settings")) ?? DEFAULT_SETTINGS;

/** The bin-days whose sample passed, among the household's entries that wait on one. */
export async function passedOf(read: Pick<ModelReader, "get">, state: GreenState): Promise<Set<string>> {
  const keys = new Set(state.entries.filter((e) => e.status === "pending" && !e.sampled).map((e) => binDay(e.device, e.day)));
  const passed = new Set<string>();
  for (const key of keys) if (samplePassed(await read.get<SampleRow>(MODELS.samples, key))) passed.add(key);
  return passed;
}

const balances = z.object({ pending: z.number(), active: z.number(), spent: z.number(), expired: z.number(), rejected: z.number() });
const entryView = z.object({ entry: z.number(), kind: z.string(), points: z.number(), left: z.number(), status: z.enum(["pending", "active", "spent", "expired", "rejected"]), at: z.number(), expiresAt: z.number(), device: z.string(), sampled: z.boolean() });
const redemptionView = z.object({ household: z.string(), partner: z.string(), partnerName: z.string(), partnerNameEn: z.string(), item: z.string(), title: z.string(), titleEn: z.string(), quantity: z.number(), points: z.number(), at: z.number(), proxy: z.boolean() });
const householdView = z.object({
  household: z.string(),
  unitId: z.number(),
  building: z.number().nullable(),
  card: z.string().nullable().describe("the card's QR text; null until a card is issued"),
  balances,
  entries: z.array(entryView).describe("newest first, the last 200"),
  redemptions: z.array(redemptionView).describe("newest first, the last 50"),
});
const itemView = z.object({ item: z.string(), partner: z.string(), partnerName: z.string(), partnerNameEn: z.string(), offerId: z.string(), title: z.string(), titleEn: z.string(), points: z.number(), stock: z.number(), redeemed: z.number(), left: z.number() });
const rate = z.object({ numerator: z.number(), denominator: z.number(), value: z.number().nullable() });
const statsRow = z.object({
  building: z.number().describe("0: bins at a common area"),
  month: z.string(),
  households: z.number(),
  participation: rate.describe("households with an event a volunteer confirmed correct / households of the building"),
  confirmation: rate.describe("events confirmed correct / events checked by a volunteer"),
  checked: rate.describe("events checked / events in the sample"),
  events: z.number(),
  correct: z.number(),
  pointsIssued: z.number(),
  pointsSpent: z.number(),
  redemptions: z.number(),
  weightKg: z.number(),
  weighed: z.number(),
});

const rateOf = (numerator: number, denominator: number) => ({ numerator, denominator, value: denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 1000 });

export function greenQueries(deps: GreenQueryDeps): QueryDef[] {
  const names = async (partner: string) => (await deps.partnerName(partner)) ?? { name: partner, nameEn: partner };
  async function redemptionOf(read: ModelReader, row: RedemptionRow) {
    const item = await read.get<ItemRow>(MODELS.items, row.item);
    const n = await names(row.partner);
    return { household: row.household, partner: row.partner, partnerName: n.name, partnerNameEn: n.nameEn, item: row.item, title: item?.title ?? row.item, titleEn: item?.titleEn ?? row.item, quantity: row.quantity, points: row.points, at: row.at, proxy: row.proxy };
  }
  async function household(read: ModelReader, unitId: number) {
    const id = householdId(unitId);
    const state = await read.get<GreenState>(MODELS.accounts, id);
    const settings = await settingsOf(read);
    const now = deps.now();
    if (!state) return { household: id, unitId, building: null, card: null, balances: { pending: 0, active: 0, spent: 0, expired: 0, rejected: 0 }, entries: [], redemptions: [] };
    const passed = await passedOf(read, state);
    const entries = state.entries
      .slice(-200)
      .reverse()
      .map((e) => ({ entry: e.entry, kind: e.kind, points: e.points, left: e.points - e.spent, status: statusOf(e, now, settings, passed), at: e.at, expiresAt: expiresAt(e, settings), device: e.device, sampled: e.sampled }));
    const rows = await read.page(MODELS.byHousehold, { prefix: `${id}:`, limit: 1000, map: (v) => v as RedemptionRow });
    const redemptions = await Promise.all(rows.items.slice(-50).reverse().map((r) => redemptionOf(read, r)));
    return { household: id, unitId, building: state.building, card: state.serial >= 0 ? cardUri(deps.cardKey, id, state.serial) : null, balances: balancesOf(state.entries, now, settings, passed), entries, redemptions };
  }
  const mayConfirm = async (read: ModelReader, context: QueryContext) => context.roles.includes("staff") || (await settingsOf(read)).volunteers.includes(context.address!.toLowerCase());
  return [
    defineQuery({
      path: "/api/green/households",
      summary: "The signed-in household's cards, points by state and history; staff give ?for=<resident address> (acting for them)",
      who: "signedIn",
      query: z.object({ for: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional() }),
      response: z.object({ items: z.array(householdView), for: z.string().nullable() }),
      handler: async ({ query }, read, context) => {
        if (query.for && !context.roles.includes("staff")) throw refuse(403, "forbidden", { role: "staff" });
        const who = (query.for ?? context.address!).toLowerCase();
        const units = await deps.householdsOf(who);
        return { items: await Promise.all(units.map((u) => household(read, u))), for: query.for ? who : null };
      },
    }),
    defineQuery({
      path: "/api/green/card",
      summary: "A scanned card's household and points (a partner's account, a volunteer or staff): whether it is the card in force",
      who: "signedIn",
      query: z.object({ code: z.string().max(200) }),
      response: z.object({ household: z.string(), valid: z.boolean(), balances }),
      handler: async ({ query }, read, context) => {
        const partner = (await deps.partnersOf(context.address!)).length > 0;
        if (!partner && !(await mayConfirm(read, context))) throw refuse(403, "green_not_partner", { item: "—" });
        const card = parseCard(query.code);
        const state = card ? await read.get<GreenState>(MODELS.accounts, card.household) : undefined;
        if (!card || !state || state.serial < 0 || cardUri(deps.cardKey, card.household, state.serial) !== `gongzhi:green:${card.household}.${card.tag}`) throw refuse(404, "green_unknown_card", {});
        const passed = await passedOf(read, state);
        return { household: card.household, valid: true, balances: balancesOf(state.entries, deps.now(), await settingsOf(read), passed) };
      },
    }),
    defineQuery({
      path: "/api/green/catalogue",
      summary: "The catalogue: goods partners give for green points, points each, stock left (public)",
      who: "public",
      response: z.object({ items: z.array(itemView) }),
      handler: async (_input, read) => {
        const rows = await read.page(MODELS.items, { limit: 1000, map: (v) => v as ItemRow });
        const items = await Promise.all(
          rows.items.map(async (i) => {
            const n = await names(i.partner);
            return { ...i, partnerName: n.name, partnerNameEn: n.nameEn, left: i.stock - i.redeemed };
          }),
        );
        return { items };
      },
    }),
    defineQuery({
      path: "/api/green/settings",
      summary: "The rules in force: points per kind, daily cap, a bin's minimum interval, expiry, sample rate, volunteers (public)",
      who: "public",
      response: settingsInput,
      handler: async (_input, read) => settingsOf(read),
    }),
    defineQuery({
      path: "/api/green/bins",
      summary: "The bins that reported events, with their pending events (the volunteers, staff)",
      who: "signedIn",
      response: z.object({ items: z.array(z.object({ device: z.string(), lastAt: z.number(), pending: z.number() })) }),
      handler: async (_input, read, context) => {
        if (!(await mayConfirm(read, context))) throw refuse(403, "green_not_volunteer", {});
        const bins = await read.page(MODELS.binLast, { limit: 1000, map: (v, k) => ({ device: k, lastAt: v as number }) });
        const items = [];
        for (const b of bins.items) {
          const q = await read.page(MODELS.queue, { prefix: `${b.device}:`, limit: 1000, map: () => 1 });
          items.push({ ...b, pending: q.items.length });
        }
        return { items };
      },
    }),
    defineQuery({
      path: "/api/green/bins/:device/queue",
      summary: "A bin's events waiting for the volunteer, the sample first, oldest first (the volunteers, staff)",
      who: "signedIn",
      params: z.object({ device: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
      response: z.object({ device: z.string(), items: z.array(z.object({ household: z.string(), building: z.number().nullable(), entry: z.number(), kind: z.string(), points: z.number(), at: z.number(), sampled: z.boolean() })) }),
      handler: async ({ params }, read, context) => {
        if (!(await mayConfirm(read, context))) throw refuse(403, "green_not_volunteer", {});
        const rows = await read.page(MODELS.queue, { prefix: `${params.device}:`, limit: 500, map: (v) => v as QueueRow });
        const items = rows.items.sort((a, b) => Number(b.sampled) - Number(a.sampled) || a.at - b.at);
        return { device: params.device, items };
      },
    }),
    defineQuery({
      path: "/api/green/partner/redemptions",
      summary: "The redemptions at the signed-in partner's account, newest first",
      who: "signedIn",
      response: z.object({ partner: z.string().nullable(), items: z.array(redemptionView) }),
      handler: async (_input, read, context) => {
        const [partner] = await deps.partnersOf(context.address!);
        if (!partner) return { partner: null, items: [] };
        const rows = await read.page(MODELS.byPartner, { prefix: `${partner}:`, limit: 1000, map: (v) => v as RedemptionRow });
        return { partner, items: await Promise.all(rows.items.slice(-100).reverse().map((r) => redemptionOf(read, r))) };
      },
    }),
    defineQuery({
      path: "/api/green/stats",
      summary: "By building and month: participation, confirmation and check rates with numerators and denominators, points issued and spent, bins' weights (public)",
      who: "public",
      response: z.object({ items: z.array(statsRow), formulas: z.record(z.string(), z.string()) }),
      handler: async (_input, read) => {
        const counts = new Map((await deps.buildings()).map((b) => [b.building, b.households]));
        const rows = await read.page(MODELS.monthly, { limit: 1000, map: (v, k) => ({ key: k, row: v as MonthRow }) });
        const items = rows.items.map(({ key, row }) => {
          const [b, month] = key.split(":") as [string, string];
          const building = Number(b);
          const households = counts.get(building) ?? 0;
          const m = { ...NO_MONTH, ...row };
          return {
            building,
            month,
            households,
            participation: rateOf(m.participants, households),
            confirmation: rateOf(m.confirmed, m.checked),
            checked: rateOf(m.checked, m.sampled),
            events: m.events,
            correct: m.correct,
            pointsIssued: m.pointsIssued,
            pointsSpent: m.pointsSpent,
            redemptions: m.redemptions,
            weightKg: Math.round(m.weightGrams / 100) / 10,
            weighed: m.weighed,
          };
        });
        items.sort((a, b) => a.month.localeCompare(b.month) || a.building - b.building);
        return {
          items,
          formulas: {
            participation: "households of the building with at least one event a volunteer confirmed correct that month / households (flats) of the building",
            confirmation: "events confirmed correct / events a volunteer checked",
            checked: "events checked / events in the random sample",
          },
        };
      },
    }),
  ];
}
