// What may happen in the green account: pure decisions over an object's state. What they need from elsewhere
// (the settings in force, a bin's last credited event, which bin-days' samples passed, whether the actor is the
// household's, a volunteer, the item's partner; the item's stock left) comes as facts, looked up under the
// object's lock (index.ts).
import { z } from "zod/v4";
import { count, defineCommand, refuse, unixSeconds, type DecideContext } from "../framework/index.js";
import { balancesOf, chinaDay, creditedOn, inSample, takeFrom } from "./ledger.js";
import { CardIssued, Confirmed, DEFAULT_SETTINGS, ItemAdded, Redeemed, Restocked, settingsInput, SettingsChanged, Sorted, WASTE_KINDS, type GreenSettings } from "./records.js";
import type { GreenState, Item } from "./state.js";

export type GreenFacts = {
  settings?: GreenSettings;
  /** sort: the bin's last credited event (its signed time), if any. */
  binLast?: number;
  /** The bin-days whose sample passed, among the household's entries waiting on one. */
  passed?: string[];
  /** issueCard: the flat (from the chain's units) and whether the actor (or whom staff act for) holds or lives in it. */
  unit?: { estateId: number; building: number };
  own?: boolean;
  /** confirm: the actor is a volunteer of the settings (staff may confirm too). */
  volunteer?: boolean;
  /** redeem: the item with its stock left, whether the actor is its partner's account, and the card matched. */
  item?: Item & { left: number };
  itemPartner?: boolean;
  cardMatches?: boolean;
  /** addItem: the partner is approved and its offer accepts green points. */
  offerAccepts?: boolean;
};

const factsOf = (context: DecideContext): GreenFacts => (context.facts as GreenFacts | undefined) ?? {};
const settingsOf = (context: DecideContext): GreenSettings => factsOf(context).settings ?? DEFAULT_SETTINGS;

/** The sorting event as the webhook hands it over (the bin's kind, place and the card already checked). */
export const sortInput = z.object({
  device: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  eventId: z.string().regex(/^[\x21-\x7e]{1,100}$/),
  kind: z.enum(WASTE_KINDS),
  correct: z.boolean(),
  weightGrams: count.max(1_000_000).nullable(),
  at: unixSeconds,
  binBuilding: count.nullable(),
});

export function greenCommands() {
  return [
    defineCommand({
      name: "setSettings",
      summary: "The office sets the points per kind, the daily cap, a bin's minimum interval, the expiry, the sample rate and the volunteers",
      target: "new",
      idOf: () => "settings",
      input: settingsInput,
      who: ["staff"],
      decide: (_state: GreenState, input) => [SettingsChanged(input)],
    }),
    defineCommand({
      name: "addItem",
      summary: "The office adds goods of a partner's offer (one accepting green points) to the catalogue: points each, stock",
      target: "new",
      idOf: () => "catalogue",
      input: z.object({ partner: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), offerId: z.string().max(8), title: z.string().trim().min(1).max(60), titleEn: z.string().trim().min(1).max(60), points: count.min(1).max(100_000), stock: count.max(1_000_000) }),
      who: ["staff"],
      decide: (state: GreenState, input, context) => {
        if (!factsOf(context).offerAccepts) return refuse(409, "green_offer_not_accepting", { partner: input.partner, offerId: input.offerId });
        return [ItemAdded({ item: `i${state.items.length + 1}`, ...input })];
      },
    }),
    defineCommand({
      name: "restock",
      summary: "The office adds stock to an item of the catalogue",
      target: "new",
      idOf: () => "catalogue",
      input: z.object({ item: z.string().max(8), quantity: count.min(1).max(1_000_000) }),
      who: ["staff"],
      decide: (state: GreenState, input) => (state.items.some((i) => i.item === input.item) ? [Restocked(input)] : refuse(404, "green_unknown_item", { item: input.item })),
    }),
    defineCommand({
      name: "issueCard",
      summary: "Issues the household's green-account card (again when lost: the card before stops working); by the household or staff for it",
      target: "new",
      idOf: (input: { unitId: number }) => `h-${input.unitId}`,
      input: z.object({ unitId: count.min(1).max(9_999_999_999) }),
      who: "signedIn",
      proxy: true,
      decide: (state: GreenState, input, context) => {
        const facts = factsOf(context);
        if (!facts.unit) return refuse(404, "green_unknown_household", { unitId: input.unitId });
        if (!facts.own && !(context.roles.includes("staff") && !("onBehalfOf" in context.actor))) return refuse(403, "green_not_your_household", { unitId: input.unitId });
        return [CardIssued({ unitId: input.unitId, estateId: facts.unit.estateId, building: facts.unit.building, serial: state.serial + 1 })];
      },
    }),
    defineCommand({
      name: "sort",
      summary: "A smart bin's sorting event credited to the household (the server itself, from the signed webhook at /api/green/sorting)",
      target: "existing",
      http: false,
      input: sortInput,
      who: ["system"],
      decide: (state: GreenState, input, context) => {
        const settings = settingsOf(context);
        const last = factsOf(context).binLast;
        if (last !== undefined && Math.abs(input.at - last) < settings.minIntervalSeconds) {
          return refuse(429, "green_device_too_fast", { device: input.device, seconds: Math.abs(input.at - last), min: settings.minIntervalSeconds });
        }
        const day = chinaDay(input.at);
        const points = input.correct ? settings.pointsByKind[input.kind] : 0;
        const already = creditedOn(state.entries, day);
        if (points > 0 && already + points > settings.dailyCap) return refuse(409, "green_daily_cap", { household: context.id, day, credited: already, cap: settings.dailyCap });
        const sampled = input.correct && inSample(input.device, input.eventId, settings.sampleRatePercent);
        return [Sorted({ entry: state.entries.length + 1, device: input.device, eventId: input.eventId, kind: input.kind, correct: input.correct, weightGrams: input.weightGrams, points, sampled, at: input.at, day, binBuilding: input.binBuilding })];
      },
    }),
    defineCommand({
      name: "confirm",
      summary: "The volunteer at the bin (or staff) checks a pending event: correctly sorted (its points become active) or not (rejected)",
      target: "existing",
      input: z.object({ entry: count.min(1), correct: z.boolean() }),
      who: "signedIn",
      decide: (state: GreenState, input, context) => {
        if (!factsOf(context).volunteer && !context.roles.includes("staff")) return refuse(403, "green_not_volunteer", {});
        const entry = state.entries.find((e) => e.entry === input.entry);
        if (!entry) return refuse(404, "green_unknown_entry", { household: context.id, entry: input.entry });
        if (entry.status !== "pending") return refuse(409, "green_entry_not_pending", { household: context.id, entry: input.entry, status: entry.status });
        return [Confirmed(input)];
      },
    }),
    defineCommand({
      name: "redeem",
      summary: "A partner (or staff, or staff for the household) spends the household's active points on an item of the catalogue, the card scanned",
      target: "existing",
      input: z.object({ card: z.string().max(200), item: z.string().max(8), quantity: count.min(1).max(100) }),
      who: "signedIn",
      proxy: true,
      decide: (state: GreenState, input, context) => {
        const facts = factsOf(context);
        if (!facts.cardMatches) return refuse(404, "green_unknown_card", {});
        const item = facts.item;
        if (!item) return refuse(404, "green_unknown_item", { item: input.item });
        if (!facts.itemPartner && !context.roles.includes("staff")) return refuse(403, "green_not_partner", { item: input.item });
        if (item.left < input.quantity) return refuse(409, "green_out_of_stock", { item: input.item, left: item.left, quantity: input.quantity });
        const settings = settingsOf(context);
        const passed = new Set(facts.passed ?? []);
        const points = item.points * input.quantity;
        const from = takeFrom(state.entries, points, context.now, settings, passed);
        if (!from) {
          const b = balancesOf(state.entries, context.now, settings, passed);
          // Expired points would have paid: say so (they cannot be used), rather than merely "too few".
          if (b.active + b.expired >= points && b.expired > 0) return refuse(409, "green_points_expired", { needed: points, active: b.active, expired: b.expired });
          return refuse(409, "green_points_insufficient", { needed: points, active: b.active, pending: b.pending });
        }
        return [Redeemed({ redemption: state.redemptions + 1, partner: item.partner, item: item.item, quantity: input.quantity, points, from })];
      },
    }),
  ];
}
