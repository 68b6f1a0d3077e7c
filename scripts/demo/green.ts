// The demo's green account (绿色账户, issue 17): a quarter (13 weeks) of smart-bin sorting through the API. The
// office sets the rules and registers two smart bins per building as devices, issues cards to 90 households, and
// puts goods of the corner shop and the pharmacy (offers that accept green points) in the catalogue. Each week
// more carded households sort (from about 60 % to 95 %), each event signed by its bin at the services' clock;
// volunteers at the bins confirm each evening (a few found wrongly sorted); from the seventh week the office checks
// a 30 % sample only, and the rest of a bin's day counts once its sample passed; households redeem at the shop.
// Points expire after 60 days, so the first weeks' unspent points have expired by the end; the last day's events
// still wait for the volunteer.
import { signDeviceRequest } from "../../server/src/services/devices/index.js";
import { apiCall, sessions } from "./api.js";
import type { DemoPlan } from "./plan.js";
import type { SeededEstate } from "./seed.js";

const DAY = 86_400;
const HOUR = 3600;
export const GREEN_WEEKS = 13;
export const GREEN_SPAN_SECONDS = GREEN_WEEKS * 7 * DAY + DAY;
/** How many households the office gives a card. */
const CARDS = 90;

export type GreenDeps = { apiUrl: string; chainId: number; plan: DemoPlan; estate: SeededEstate; at: (seconds: number) => void; start: number; partners: Record<string, string> };
export type GreenPlayed = { cards: number; bins: number; events: number; confirmed: number; rejected: number; redemptions: number; pending: number };

/** A seeded generator, so the demo plays the same quarter every time. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The carded households: sold flats, every third, across the three buildings (owner index, unit id, building index). */
export function greenHouseholds(plan: DemoPlan, estate: SeededEstate): { owner: number; unitId: number; building: number }[] {
  const out: { owner: number; unitId: number; building: number }[] = [];
  plan.buildings.forEach((b, bi) =>
    b.units.forEach((u, ui) => {
      if (u.holder !== "developer" && ui % 3 === 0) out.push({ owner: u.holder, unitId: estate.unitIds[bi]![ui]!, building: bi });
    }),
  );
  return out.slice(0, CARDS);
}

export async function playGreen(deps: GreenDeps): Promise<GreenPlayed> {
  const { apiUrl: api, plan, estate } = deps;
  const tokenOf = sessions(api, deps.chainId);
  const office = await tokenOf(plan.staff[0]!.account);
  const volunteers = plan.volunteers.slice(0, 3);
  const shop = await tokenOf(plan.partners[1]!.account);
  const random = seeded(1717);
  deps.at(deps.start);
  const rules = { pointsByKind: { kitchen: 2, recyclable: 2, hazardous: 3, other: 1 }, dailyCap: 10, minIntervalSeconds: 30, expiryDays: 60, sampleRatePercent: 100, volunteers: volunteers.map((v) => v.account.address.toLowerCase()) };
  await apiCall(api, office, "POST", "/api/green/setSettings", rules);
  const bins = estate.buildingIds.flatMap((building, b) => [0, 1].map((k) => ({ device: `bin-b${b + 1}-${k === 0 ? "east" : "west"}`, building, b })));
  const secrets = new Map<string, Buffer>();
  for (const bin of bins) {
    const answer = await apiCall(api, office, "POST", "/api/devices/register", { device: bin.device, kind: "smartBin", place: { estateId: estate.estateId, building: bin.building } });
    secrets.set(bin.device, Buffer.from(answer.secret as string, "hex"));
  }
  // The shop (its goods offer accepts green points) and the pharmacy (its discount does).
  const shopId = deps.partners["hemu-shop"];
  const pharmacyId = deps.partners["kangjian-pharmacy"];
  if (shopId) {
    await apiCall(api, office, "POST", "/api/green/addItem", { partner: shopId, offerId: "o1", title: "环保洗衣液一瓶", titleEn: "A bottle of eco detergent", points: 20, stock: 30 });
    await apiCall(api, office, "POST", "/api/green/addItem", { partner: shopId, offerId: "o1", title: "可降解垃圾袋一卷", titleEn: "A roll of compostable bin bags", points: 8, stock: 60 });
  }
  if (pharmacyId) await apiCall(api, office, "POST", "/api/green/addItem", { partner: pharmacyId, offerId: "o1", title: "口罩一盒（老人）", titleEn: "A box of masks (for the elderly)", points: 12, stock: 2 });
  const households = greenHouseholds(plan, estate);
  const cards = new Map<number, string>();
  for (const h of households) {
    await apiCall(api, office, "POST", "/api/green/issueCard", { unitId: h.unitId });
    cards.set(h.unitId, "");
  }
  for (const h of households) {
    const mine = await apiCall(api, office, "GET", `/api/green/households?for=${plan.owners[h.owner]!.account.address}`);
    for (const item of mine.items as { unitId: number; card: string | null }[]) if (item.card && cards.has(item.unitId)) cards.set(item.unitId, item.card);
  }

  let events = 0;
  let confirmed = 0;
  let rejected = 0;
  let redemptions = 0;
  let n = 0;
  const send = async (device: string, at: number, body: Record<string, unknown>) => {
    deps.at(at);
    const bytes = Buffer.from(JSON.stringify({ eventId: `${device}-${++n}`, ...body }), "utf8");
    const res = await fetch(`${api}/api/green/sorting`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-gongzhi-device": device, "x-gongzhi-timestamp": String(at), "x-gongzhi-signature": signDeviceRequest(secrets.get(device)!, at, bytes) },
      body: new Uint8Array(bytes),
    });
    if (res.status === 201) events++;
    else if (res.status !== 409) throw new Error(`The demo's bin event was refused (${res.status}): ${await res.text()}`);
  };
  const confirmAll = async (at: number, last: boolean) => {
    deps.at(at);
    for (const [i, bin] of bins.entries()) {
      const volunteer = await tokenOf(volunteers[i % volunteers.length]!.account);
      const queue = await apiCall(api, volunteer, "GET", `/api/green/bins/${bin.device}/queue`);
      for (const row of queue.items as { household: string; entry: number; sampled: boolean }[]) {
        if (!row.sampled || last) continue;
        const correct = random() > 0.05;
        await apiCall(api, volunteer, "POST", `/api/green/${row.household}/confirm`, { entry: row.entry, correct });
        if (correct) confirmed++;
        else rejected++;
      }
    }
  };
  const left = new Map([["i1", 30], ["i2", 60]]);
  const KINDS = ["kitchen", "kitchen", "recyclable", "other", "hazardous"] as const;
  for (let week = 0; week < GREEN_WEEKS; week++) {
    if (week === 6) {
      deps.at(deps.start + week * 7 * DAY + HOUR);
      await apiCall(api, office, "POST", "/api/green/setSettings", { ...rules, sampleRatePercent: 30 });
    }
    const share = 0.6 + (0.35 * week) / (GREEN_WEEKS - 1);
    for (const d of [1, 4]) {
      const day = deps.start + (week * 7 + d) * DAY + DAY;
      const last = week === GREEN_WEEKS - 1 && d === 4;
      const perBin = new Map<string, number>();
      for (const [i, h] of households.entries()) {
        // The first household always sorts (its page is the demo's example); the others as the week's share goes.
        if (i !== 0 && random() > share / 2) continue;
        const bin = bins[h.building * 2 + (random() < 0.5 ? 0 : 1)]!;
        // One clock for the estate: events 40 s apart in order (a bin's at least that far apart, past its minimum).
        const k = perBin.get("all") ?? 0;
        perBin.set("all", k + 1);
        const kind = KINDS[Math.floor(random() * KINDS.length)]!;
        const correct = random() > 0.08 - 0.05 * (week / GREEN_WEEKS);
        await send(bin.device, day + 7 * HOUR + k * 40, { card: cards.get(h.unitId), kind, correct, weightGrams: kind === "kitchen" ? 400 + Math.floor(random() * 2000) : 100 + Math.floor(random() * 900) });
      }
      await confirmAll(day + 20 * HOUR, last);
      // From the fifth week, households spend at the shop: bin bags, or the detergent when they have enough.
      if (shopId && week >= 4 && !last) {
        deps.at(day + 21 * HOUR);
        for (const [i, h] of households.entries()) {
          if (i !== 0 && random() > 0.12) continue;
          const card = cards.get(h.unitId)!;
          const scanned = await apiCall(api, shop, "GET", `/api/green/card?code=${encodeURIComponent(card)}`);
          const item = scanned.balances.active >= 20 ? "i1" : scanned.balances.active >= 8 ? "i2" : undefined;
          if (!item) continue;
          // The office restocks what runs out (the shop gives more).
          if ((left.get(item) ?? 0) === 0) {
            await apiCall(api, office, "POST", "/api/green/restock", { item, quantity: 30 });
            left.set(item, 30);
          }
          left.set(item, left.get(item)! - 1);
          await apiCall(api, shop, "POST", `/api/green/h-${h.unitId}/redeem`, { card, item, quantity: 1 });
          redemptions++;
        }
      }
    }
  }
  let pending = 0;
  for (const bin of bins) pending += ((await apiCall(api, office, "GET", `/api/green/bins/${bin.device}/queue`)).items as unknown[]).length;
  return { cards: households.length, bins: bins.length, events, confirmed, rejected, redemptions, pending };
}
