// The demo's community partners (社区合伙人, issue 16), through the API as their people: the office registers the
// canteen and the corner shop (the time bank's two partners, whose accounts are their on-chain partner addresses,
// so their pages show the credits the demo's history redeemed with them), a pharmacy, a hardware shop and a
// kindergarten; a café applies itself with its owner's account and the office approves it. They publish offers
// (the café's back room, the kindergarten's hall, discounts for the elderly, free small repairs, goods), residents
// book the rooms over two weeks, the partners record what they gave; a few bookings are left for the coming days.
import type { DemoPlan } from "./plan.js";
import { apiCall, sessions } from "./api.js";

export type PartnerDeps = { apiUrl: string; chainId: number; plan: DemoPlan; /** Moves the services' clock forward to Unix seconds. */ at: (seconds: number) => void; start: number };
export type PartnersPlayed = { partners: number; offers: number; bookings: number; given: number; linked: number; /** The partners' ids by the keys the renewal fund's demo pledges name (renewal.ts). */ ids: Record<string, string> };
export type Upcoming = { bookings: number };

const DAY = 86_400;
const HOUR = 3600;
/** The partners' days, played before the month of work orders. */
export const PARTNER_DAYS = 14;

const WEEKDAYS = [1, 2, 3, 4, 5];
const slots = (days: number[], from: string, to: string) => days.map((day) => ({ day, from: minutes(from), to: minutes(to) }));
function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
}

type OfferSpec = { kind: string; title: string; titleEn: string; audiences: string[]; accepts: string[]; hours: { day: number; from: number; to: number }[]; capacity?: number; discountPercent?: number };
type PartnerSpec = { kind: string; name: string; nameEn: string; contactName: string; contactPhone: string; offers: OfferSpec[]; account?: "canteen" | "shop" | "cafe"; given?: { offer: string; quantity: number; valueFen: number }[] };

// Contact people are invented, as the directory's people are; they go to the vault only.
const PARTNERS: PartnerSpec[] = [
  {
    kind: "catering", name: "和睦社区食堂", nameEn: "Hemu community canteen", contactName: "陈师傅", contactPhone: "13800000101", account: "canteen",
    offers: [{ kind: "service", title: "老人助餐（可用时间银行积分）", titleEn: "Meals for the elderly (time-bank credits accepted)", audiences: ["elderly"], accepts: ["timebank"], hours: slots(WEEKDAYS, "11:00", "13:00") }],
    given: [{ offer: "o1", quantity: 120, valueFen: 120 * 1200 }],
  },
  {
    kind: "retail", name: "和睦便民超市", nameEn: "Hemu corner shop", contactName: "刘店长", contactPhone: "13800000102", account: "shop",
    offers: [{ kind: "goods", title: "米面粮油兑换", titleEn: "Rice, flour and oil for credits", audiences: ["allResidents"], accepts: ["timebank", "greenPoints"], hours: slots([1, 2, 3, 4, 5, 6, 7], "08:00", "21:00") }],
    given: [{ offer: "o1", quantity: 18, valueFen: 18 * 4500 }],
  },
  {
    kind: "catering", name: "邻里咖啡馆", nameEn: "Neighbours' Café", contactName: "周女士", contactPhone: "13800000103", account: "cafe",
    offers: [
      { kind: "space", title: "咖啡馆后厅（居民议事、读书会）", titleEn: "Café back room (residents' meetings, book club)", audiences: ["allResidents"], accepts: [], hours: [...slots(WEEKDAYS, "09:00", "18:00"), ...slots([6], "10:00", "16:00")], capacity: 12 },
      { kind: "discount", title: "志愿者咖啡八折", titleEn: "20 % off coffee for volunteers", audiences: ["volunteers"], accepts: ["timebank"], hours: [], discountPercent: 20 },
    ],
  },
  {
    kind: "health", name: "仁心大药房", nameEn: "Renxin Pharmacy", contactName: "吴药师", contactPhone: "13800000104",
    offers: [
      { kind: "discount", title: "老人药品九折", titleEn: "10 % off medicines for the elderly", audiences: ["elderly"], accepts: ["timebank", "greenPoints"], hours: [], discountPercent: 10 },
      { kind: "service", title: "免费量血压", titleEn: "Free blood-pressure checks", audiences: ["elderly", "allResidents"], accepts: [], hours: slots([2, 4], "08:30", "11:30") },
    ],
    given: [{ offer: "o2", quantity: 36, valueFen: 0 }],
  },
  {
    kind: "retail", name: "老王五金店", nameEn: "Wang's Hardware", contactName: "王师傅", contactPhone: "13800000105",
    offers: [
      { kind: "service", title: "老人家小修小补免费上门", titleEn: "Free small repairs at home for the elderly", audiences: ["elderly", "disabled"], accepts: [], hours: slots([6], "09:00", "12:00") },
      { kind: "goods", title: "工具免费借用", titleEn: "Tools to borrow, free", audiences: ["allResidents"], accepts: [], hours: slots(WEEKDAYS, "08:00", "18:00") },
    ],
    given: [{ offer: "o1", quantity: 9, valueFen: 9 * 3000 }, { offer: "o2", quantity: 14, valueFen: 0 }],
  },
  {
    kind: "education", name: "小星星幼儿园", nameEn: "Little Star Kindergarten", contactName: "郑园长", contactPhone: "13800000106",
    offers: [{ kind: "space", title: "周末活动大厅（亲子活动）", titleEn: "Weekend hall (parent-and-child activities)", audiences: ["children", "families"], accepts: [], hours: slots([6, 7], "09:00", "17:00"), capacity: 40 }],
  },
];

/** Plays the partners over PARTNER_DAYS from `start`; answers how many, and a function that books the coming days (after the clock caught up). */
export async function playPartners(deps: PartnerDeps): Promise<PartnersPlayed & { upcoming: () => Promise<Upcoming> }> {
  const { apiUrl: api, plan } = deps;
  const tokenOf = sessions(api, deps.chainId);
  const office = await tokenOf(plan.staff[0]!.account);
  const cafeOwner = plan.owners[60 % plan.owners.length]!;
  const accounts = { canteen: plan.partners[0]!, shop: plan.partners[1]!, cafe: cafeOwner };
  const ids: string[] = [];
  let offers = 0;
  let linked = 0;
  for (const [i, p] of PARTNERS.entries()) {
    deps.at(deps.start + i * 4 * HOUR);
    const body = { kind: p.kind, name: p.name, nameEn: p.nameEn, contactName: p.contactName, contactPhone: p.contactPhone };
    let id: string;
    let token = office;
    if (p.account === "cafe") {
      token = await tokenOf(cafeOwner.account);
      id = ((await apiCall(api, token, "POST", "/api/partners/apply", body)) as { id: string }).id;
      deps.at(deps.start + i * 4 * HOUR + 2 * HOUR);
      await apiCall(api, office, "POST", `/api/partners/${id}/approve`, {});
    } else {
      const account = p.account ? accounts[p.account].account.address.toLowerCase() : undefined;
      id = ((await apiCall(api, office, "POST", "/api/partners/register", { ...body, ...(account ? { account } : {}) })) as { id: string }).id;
      if (p.account) {
        token = await tokenOf(accounts[p.account].account);
        // The canteen and the shop are the time bank's partners on chain: their redemptions show on their pages.
        await apiCall(api, office, "POST", `/api/partners/${id}/linkTimebank`, { timebankPartner: account });
        linked++;
      }
    }
    for (const offer of p.offers) {
      await apiCall(api, token, "POST", `/api/partners/${id}/addOffer`, offer);
      offers++;
    }
    ids.push(id);
  }
  // Residents book the café's room and the kindergarten's hall over the two weeks, each a few days ahead.
  const residents = [5, 17, 29, 41, 53, 77].map((n) => plan.owners[n % plan.owners.length]!);
  const cafe = ids[2]!;
  const kindergarten = ids[5]!;
  let bookings = 0;
  const book = async (at: number, partner: string, start: number, minutes: number, people: number, who: number) => {
    deps.at(at);
    await apiCall(api, await tokenOf(residents[who % residents.length]!.account), "POST", `/api/partners/${partner}/book`, { offerId: "o1", start, minutes, people });
    bookings++;
  };
  const dayStart = (seconds: number) => seconds - ((seconds + 8 * HOUR) % DAY); // midnight, China time
  const weekday = (seconds: number) => ((Math.floor((seconds + 8 * HOUR) / DAY) + 3) % 7) + 1;
  const monday = dayStart(deps.start + 2 * DAY) + ((8 - weekday(deps.start + 2 * DAY)) % 7) * DAY;
  await book(deps.start + DAY, cafe, monday + 10 * HOUR, 90, 8, 0); // residents' meeting
  await book(deps.start + DAY + HOUR, cafe, monday + 2 * DAY + 14 * HOUR, 120, 10, 1); // book club
  await book(deps.start + 2 * DAY, kindergarten, monday + 5 * DAY + 9 * HOUR, 180, 30, 2); // Saturday parent-and-child morning
  await book(deps.start + 3 * DAY, cafe, monday + 4 * DAY + 15 * HOUR, 60, 6, 3);
  await book(deps.start + 8 * DAY, cafe, monday + 7 * DAY + 10 * HOUR, 90, 8, 0);
  await book(deps.start + 9 * DAY, cafe, monday + 9 * DAY + 14 * HOUR, 120, 11, 1);
  // Goods and services given, recorded by each partner (or the office for those without an account) at the end.
  let given = 0;
  deps.at(deps.start + 13 * DAY);
  for (const [i, p] of PARTNERS.entries()) {
    const token = p.account ? await tokenOf(accounts[p.account].account) : office;
    for (const g of p.given ?? []) {
      await apiCall(api, token, "POST", `/api/partners/${ids[i]}/recordGiven`, { offerId: g.offer, quantity: g.quantity, valueFen: g.valueFen, on: deps.start });
      given++;
    }
  }
  return {
    partners: ids.length,
    offers,
    bookings,
    given,
    linked,
    // The café gives to the basement children's room, the pharmacy to the stairwell's handrails, the kindergarten
    // to the rooftop garden (renewal.ts).
    ids: { "xingfu-bakery": ids[2]!, "kangjian-pharmacy": ids[3]!, "lvyuan-nursery": ids[5]!, /* green account (issue 17) */ "hemu-shop": ids[1]! },
    // Bookings for the coming days, made on the wall clock once the demo's past is played.
    upcoming: async () => {
      const now = Math.floor(Date.now() / 1000);
      const nextSaturday = dayStart(now + DAY) + ((6 - weekday(now + DAY) + 7) % 7) * DAY;
      await apiCall(api, await tokenOf(residents[4]!.account), "POST", `/api/partners/${kindergarten}/book`, { offerId: "o1", start: nextSaturday + 9 * HOUR, minutes: 120, people: 25 });
      await apiCall(api, await tokenOf(residents[5]!.account), "POST", `/api/partners/${cafe}/book`, { offerId: "o1", start: nextSaturday + 10 * HOUR, minutes: 60, people: 6 });
      return { bookings: 2 };
    },
  };
}
