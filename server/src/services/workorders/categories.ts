// What kind of thing is broken decides who fixes it and by when. Categories are Open311 service codes; the
// parties are those the article names (the property company, the utilities, sanitation, the owners' committee,
// the community office); the deadlines follow Beijing's 12345 rules (接诉即办: 2 h for emergencies, 24 h for
// utilities, 7 days ordinary, 15 days complex) with the article's two fast lanes (a burst pipe in 30 minutes,
// rubbish in 15). The community office edits the table (the routing service); these are its defaults.

export const PARTIES = ["property", "water", "power", "gas", "sanitation", "committee", "office"] as const;
/** Who is responsible for an order. */
export type Party = (typeof PARTIES)[number];

/** The parties' names, as the client's pages also call them (client/src/i18n: woOffice.party.*). */
export const PARTY_NAMES: Record<Party, { "zh-CN": string; en: string }> = {
  property: { "zh-CN": "物业公司", en: "Property company" },
  water: { "zh-CN": "自来水公司", en: "Water company" },
  power: { "zh-CN": "供电公司", en: "Power company" },
  gas: { "zh-CN": "燃气公司", en: "Gas company" },
  sanitation: { "zh-CN": "环卫部门", en: "Sanitation" },
  committee: { "zh-CN": "业主委员会", en: "Owners' committee" },
  office: { "zh-CN": "社区居委会", en: "Community office" },
};

/** The 12345 tiers, in minutes. */
export const TIER_MINUTES = {
  emergency: 2 * 60,
  utility: 24 * 60,
  ordinary: 7 * 24 * 60,
  complex: 15 * 24 * 60,
} as const;
export type Tier = keyof typeof TIER_MINUTES;

export type Priority = "normal" | "urgent";

export type CategoryRoute = {
  /** Open311 `service_code`. */
  code: string;
  name: { "zh-CN": string; en: string };
  /** Open311 `group`. */
  group: string;
  party: Party;
  /** Minutes from receipt for a normal report. */
  minutes: number;
  /** Minutes from receipt for an urgent one (at most `minutes`). */
  urgentMinutes: number;
  /** Whether staff or a grid worker must check the fix on site before it can close. */
  onSiteCheck: boolean;
  /** Reports of this code at the same place within this many minutes join the open order. */
  duplicateWindowMinutes: number;
  /** Retired by the community office: no new reports; orders already made keep its name (routing.ts). */
  retired?: boolean;
};

const route = (
  code: string,
  zh: string,
  en: string,
  group: string,
  party: Party,
  minutes: number,
  urgentMinutes: number,
  onSiteCheck: boolean,
  duplicateWindowMinutes = 24 * 60,
): CategoryRoute => ({ code, name: { "zh-CN": zh, en }, group, party, minutes, urgentMinutes: Math.min(minutes, urgentMinutes), onSiteCheck, duplicateWindowMinutes });

/** The default routing table. */
export const DEFAULT_CATEGORIES: readonly CategoryRoute[] = [
  route("burst-pipe", "水管爆裂", "Burst pipe", "water", "water", 30, 30, true, 6 * 60),
  route("water-leak", "漏水渗水", "Water leak", "water", "property", TIER_MINUTES.utility, TIER_MINUTES.emergency, true),
  route("no-water", "停水", "No water supply", "water", "water", TIER_MINUTES.utility, TIER_MINUTES.emergency, false, 6 * 60),
  route("power-outage", "停电", "Power outage", "power", "power", TIER_MINUTES.utility, TIER_MINUTES.emergency, false, 6 * 60),
  route("gas-smell", "燃气异味", "Smell of gas", "gas", "gas", TIER_MINUTES.emergency, TIER_MINUTES.emergency, true, 6 * 60),
  route("smoke-alarm", "烟感报警", "Smoke alarm", "safety", "property", TIER_MINUTES.emergency, 30, true, 60),
  route("lift-fault", "电梯故障", "Lift out of order", "building", "property", TIER_MINUTES.utility, TIER_MINUTES.emergency, true),
  route("access-control", "门禁故障", "Door entry fault", "building", "property", TIER_MINUTES.utility, TIER_MINUTES.utility, false),
  route("street-light", "路灯不亮", "Street light out", "common-areas", "property", TIER_MINUTES.ordinary, TIER_MINUTES.utility, false),
  route("rubbish", "垃圾未清", "Rubbish not cleared", "sanitation", "sanitation", 15, 15, false, 2 * 60),
  route("greenery", "绿化养护", "Greenery upkeep", "common-areas", "property", TIER_MINUTES.ordinary, TIER_MINUTES.ordinary, false),
  route("parking", "停车秩序", "Parking", "order", "property", TIER_MINUTES.ordinary, TIER_MINUTES.utility, false),
  route("noise", "噪音扰民", "Noise", "order", "office", TIER_MINUTES.ordinary, TIER_MINUTES.utility, false),
  route("facade-roof", "外墙屋面", "Facade or roof", "building", "committee", TIER_MINUTES.complex, TIER_MINUTES.ordinary, true),
  route("other", "其他问题", "Something else", "other", "office", TIER_MINUTES.ordinary, TIER_MINUTES.utility, false),
];

/** Minutes from receipt to the deadline of an order of `route` with `priority`. */
export function deadlineMinutes(route: CategoryRoute, priority: Priority): number {
  return priority === "urgent" ? route.urgentMinutes : route.minutes;
}
