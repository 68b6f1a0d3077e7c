// The demo's suggestions and open day (issue 15): three months of residents' suggestions sent online, and an open
// day (开放日) with its registered attendees, its head count and the suggestions staff wrote down there, played
// through the API by the demo's people as the services' clock moves forward: answered in time or late (after the
// server's sweep marked them overdue), adopted with a plan and implemented with their cost and date, declined with
// a reason, some never answered; a few sent at the present, still waiting. Some authors show a name. Seeded.
import { prng, type DemoPerson, type DemoPlan } from "./plan.js";
import { apiCall, sessions, type Json } from "./api.js";

const DAY = 86_400;
const HOUR = 3600;

/** Invented suggestions by topic (the demo's residents' words). */
const TEXTS: [topic: string, text: string][] = [
  ["greening", "小区南门花坛常年缺水，建议加装滴灌"],
  ["parking", "晚上地面车位不够，建议把北侧闲置场地改成临时车位"],
  ["safety", "3号楼楼道的声控灯坏了很久，老人上下楼不安全"],
  ["elderly", "建议在活动室开设老年人智能手机课程"],
  ["children", "儿童游乐区的滑梯边缘有锈，建议更换"],
  ["facilities", "建议在快递柜旁边加一个遮雨棚"],
  ["environment", "垃圾分类点晚上八点后没人值守，常有混投"],
  ["property", "物业维修电话晚上打不通，建议公布夜间值班电话"],
  ["culture", "希望周末在广场组织一次邻里跳蚤市场"],
  ["greening", "中心花园的树太密，一楼住户采光差，建议修剪"],
  ["parking", "电动自行车充电桩数量不足，建议增加"],
  ["safety", "东门门禁经常常开，建议维修"],
  ["elderly", "希望增加助餐点的送餐服务"],
  ["facilities", "健身器材区缺少休息座椅"],
  ["environment", "雨后地下车库入口积水，建议疏通排水沟"],
  ["other", "建议在公告栏旁设置意见箱"],
];
const OPEN_DAY_TEXTS: [string, string][] = [
  ["elderly", "老旧楼栋加装电梯的费用怎么分摊，希望开专题会"],
  ["elderly", "每个楼道加装扶手"],
  ["facilities", "单元门口加装无障碍坡道"],
  ["safety", "消防通道被电动车占用，建议划线并定期清理"],
  ["parking", "访客车位预约制"],
  ["greening", "屋顶绿化试点"],
  ["culture", "为老人开设书法班"],
  ["children", "暑期托管班"],
  ["environment", "厨余垃圾桶加盖防臭"],
  ["other", "开放日改到周六上午，方便上班族参加"],
  ["facilities", "楼道照明改为感应LED"],
  ["property", "物业费收支每季度公示"],
];
const ANSWERS = ["收到，已交物业评估，将在下次居民议事会讨论。", "感谢建议，社区已现场查看。", "已与物业公司协商，同意实施。"];
const PLANS = ["本月内完成采购和安装。", "下季度列入微更新项目。", "由物业公司负责，社区跟踪。"];
const DECLINES: [string, string][] = [
  ["noBudget", "今年经费已用完，明年优先考虑。"],
  ["outOfScope", "属于市政管理范围，已转交街道。"],
  ["othersObject", "征求意见时多数住户反对。"],
];

type Fate = "implemented" | "adopted" | "declined" | "answered" | "late" | "unanswered";
const FATES: Fate[] = ["implemented", "implemented", "adopted", "declined", "answered", "late", "unanswered", "implemented", "declined", "adopted"];

/** What was played; `funnel` is the server's own count at the end (GET /api/suggestions/funnel, all). */
export type SuggestionMonths = { online: number; atOpenDay: number; attendance: number; registered: number; funnel: { received: number; answeredInTime: number; adopted: number; implemented: number; declined: number; awaiting: number; overdue: number } };

export type SuggestionDeps = {
  apiUrl: string;
  chainId: number;
  plan: DemoPlan;
  /** Moves the services' clock forward to Unix seconds. */
  at: (seconds: number) => void;
  /** Unix seconds of the services' clock where the three months begin. */
  start: number;
  /** One pass of the server's overdue sweep at the services' clock. */
  sweep: () => Promise<unknown>;
  /** The estate the open day is for. */
  estateId: number;
  /** How many days the months last (from `start`); the open day is in their second half. */
  days?: number;
  seed?: number;
};

/** Steps of one suggestion after its receipt (seconds after it). */
function stepsOf(fate: Fate): [after: number, command: string][] {
  switch (fate) {
    case "implemented":
      return [[3 * DAY, "answer"], [5 * DAY, "adopt"], [25 * DAY, "implement"]];
    case "adopted":
      return [[6 * DAY, "answer"], [8 * DAY, "adopt"]];
    case "declined":
      return [[10 * DAY, "answer"], [11 * DAY, "decline"]];
    case "answered":
      return [[12 * DAY, "answer"]];
    case "late":
      // Past the 15 days: the sweep marks it overdue first; the answer is then recorded as late.
      return [[16 * DAY, "sweep"], [19 * DAY, "answer"], [21 * DAY, "adopt"]];
    case "unanswered":
      return [[16 * DAY, "sweep"]];
  }
}

/**
 * Plays the months; returns what was played and `recent`, which sends a few suggestions at the present (once the
 * clock has caught up), still waiting for their answer.
 */
export async function playSuggestions(deps: SuggestionDeps): Promise<{ months: SuggestionMonths; recent: () => Promise<number> }> {
  const { apiUrl: api, plan } = deps;
  const random = prng(deps.seed ?? 20260915);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const tokenOf = sessions(api, deps.chainId);
  const office = await tokenOf(plan.staff[0]!.account);
  const days = deps.days ?? 90;
  type Event = { at: number; run: () => Promise<void> };
  const events: Event[] = [];

  /** A suggestion's later steps by the office, scheduled from its receipt. */
  const follow = (received: number, fate: Fate, id: () => string) => {
    for (const [after, command] of stepsOf(fate)) {
      events.push({
        at: received + after,
        run: async () => {
          if (command === "sweep") return void (await deps.sweep());
          const body =
            command === "answer" ? { text: pick(ANSWERS) } : command === "adopt" ? { plan: pick(PLANS) } : command === "decline" ? (([reason, text]) => ({ reason, text }))(pick(DECLINES)) : { costFen: Math.round(500 + random() * 30_000) * 100, doneOn: received + after - DAY };
          await apiCall(api, office, "POST", `/api/suggestions/${id()}/${command}`, body);
        },
      });
    }
  };

  // Online: about three a week until two weeks before the end (the rest are the present's).
  let online = 0;
  for (let at = deps.start + DAY; at < deps.start + (days - 14) * DAY; at += Math.round((1.5 + random() * 3) * DAY)) {
    const author: DemoPerson = pick(plan.owners);
    const [topic, text] = pick(TEXTS);
    const fate = FATES[online % FATES.length]!;
    const shownName = random() < 0.3 ? pick(["王阿姨", "老陈", "小杨", "黄老师", "周爷爷"]) : undefined;
    let id = "";
    events.push({
      at,
      run: async () => {
        id = ((await apiCall(api, await tokenOf(author.account), "POST", "/api/suggestions/submit", { topic, text, ...(shownName ? { shownName } : {}) })) as { id: string }).id;
      },
    });
    follow(at, fate, () => id);
    online++;
  }

  // The open day: scheduled two weeks ahead, residents register, and on the day staff write suggestions down.
  const day = deps.start + Math.round(days * 0.6) * DAY + 9 * HOUR;
  let openDay = "";
  const attendees = Array.from({ length: 6 }, (_, i) => plan.owners[(i * 17 + 5) % plan.owners.length]!);
  events.push({
    at: day - 14 * DAY,
    run: async () => {
      openDay = ((await apiCall(api, office, "POST", "/api/opendays/schedule", { date: day, estateId: deps.estateId, place: "社区党群服务中心二楼", theme: "老旧小区加装电梯与适老化改造" })) as { id: string }).id;
    },
  });
  for (const [i, person] of attendees.entries()) {
    events.push({ at: day - (10 - i) * DAY, run: async () => void (await apiCall(api, await tokenOf(person.account), "POST", `/api/opendays/${openDay}/register`, {})) });
  }
  const attendance = 46;
  events.push({ at: day + 3 * HOUR, run: async () => void (await apiCall(api, office, "POST", `/api/opendays/${openDay}/recordAttendance`, { count: attendance })) });
  for (const [i, [topic, text]] of OPEN_DAY_TEXTS.entries()) {
    const at = day + HOUR + i * 10 * 60;
    let id = "";
    events.push({
      at,
      run: async () => {
        id = ((await apiCall(api, office, "POST", "/api/suggestions/submit", { channel: "openDay", openDay, topic, text, ...(i % 4 === 1 ? { shownName: pick(["张奶奶", "李叔叔", "刘大姐"]) } : {}) })) as { id: string }).id;
      },
    });
    follow(at, FATES[(i + 3) % FATES.length]!, () => id);
  }

  events.sort((a, b) => a.at - b.at);
  const end = deps.start + days * DAY;
  for (const event of events) {
    if (event.at >= end) continue; // a step past the months: not yet (its suggestion waits at the present)
    deps.at(event.at);
    await event.run();
  }
  deps.at(end);
  await deps.sweep();

  const recent = async (): Promise<number> => {
    const texts = TEXTS.slice(0, 3);
    for (const [i, [topic, text]] of texts.entries()) await apiCall(api, await tokenOf(plan.owners[i * 29 + 1]!.account), "POST", "/api/suggestions/submit", { topic, text });
    return texts.length;
  };
  const all = ((await apiCall(api, undefined, "GET", "/api/suggestions/funnel")) as { all: Json }).all;
  const funnel = { received: all.received, answeredInTime: all.answeredInTime.count, adopted: all.adopted.count, implemented: all.implemented.count, declined: all.declined.count, awaiting: all.awaiting, overdue: all.overdue };
  return { months: { online, atOpenDay: OPEN_DAY_TEXTS.length, attendance, registered: attendees.length, funnel }, recent };
}
