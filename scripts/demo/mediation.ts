// Five months of dispute mediation (issue 15) played through the real server's HTTP API by the demo's people,
// signed in with their keys (SIWE): residents file disputes with neighbours (noise, leaks between floors, parking,
// pets, renovation…), the other side answers (or stays silent, and the server's sweep takes the case up a level),
// the office assigns the mediator matching proposes: the demo's people's mediator, and three residents the office
// makes building mediators (楼栋调解员; one of them is never proposed for a neighbours' dispute in their own
// building); mediators hold sessions, record the signed agreements (a PDF uploaded to the document store) and close
// with anonymised summaries; some cases go up to the community and the street, one is referred to the court; some
// are withdrawn, fail, are judicially confirmed, followed up (回访) or reopened; a few are still being mediated, and
// three are filed today. Seeded: every run is the same.
//
// Time: the services' clock starts MEDIATION_HISTORY_SECONDS back (stack.ts); `play` moves it forward step by
// step, to a month back at most (where the month of work orders begins), so every record is dated in the past and
// in order; `today` files the day's disputes once the clock is at the real time. Each step waits for the one before
// (the history is a few hundred requests: a second or two).
import { createSiweMessage } from "viem/siwe";
import type { HDAccount } from "viem/accounts";
import type { Directory, Viewer } from "../../server/src/services/directory/index.js";
import type { MediationSweepResult } from "../../server/src/services/mediation/index.js";
import { simplePdf } from "./documents.js";
import { prng, type DemoPerson, type DemoPlan } from "./plan.js";
import type { SeededEstate } from "./seed.js";
import { WORKORDER_MONTH_SECONDS, type DemoClock } from "./workorders.js";

const HOUR = 3600;
const DAY = 86_400;
/** How far back the disputes begin: five months before the month of work orders. */
export const MEDIATION_HISTORY_SECONDS = 180 * DAY;
/** How long the history lasts from the clock's time when it is played: to a day before the month of work orders. */
export const MEDIATION_SPAN_SECONDS = MEDIATION_HISTORY_SECONDS - WORKORDER_MONTH_SECONDS - DAY;

export type MediationHistory = {
  disputes: number;
  byOutcome: Record<string, number>;
  byLevel: Record<string, number>;
  bySilence: number;
  reopened: number;
  confirmed: number;
  followedUp: number;
  open: number;
  mediators: number;
};

export type MediationDemoDeps = {
  apiUrl: string;
  chainId: number;
  plan: DemoPlan;
  estate: SeededEstate;
  /** The directory (seeded): the office makes three residents people's mediators, and registers the partners' people. */
  directory: Directory;
  clock: DemoClock;
  /** One pass of the server's silence sweep at the clock's time (RunningServer.sweepMediation). */
  sweep: () => Promise<MediationSweepResult>;
  /**
   * How long the history lasts from the clock's time when `play` starts (MEDIATION_SPAN_SECONDS unless said; at
   * least 90 days): it ends there, so another part of the demo may play after it on the same clock.
   */
  spanSeconds?: number;
  seed?: number;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each caller reads the answer in its own shape
type Json = any;

async function call(api: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<Json> {
  const h: Record<string, string> = {};
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h["content-type"] = "application/json";
  const res = await fetch(`${api}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = (await res.json()) as Json;
  if (res.status >= 300) throw new Error(`The demo's mediation: ${method} ${path} was refused (${res.status}): ${JSON.stringify(answer)}`);
  return answer;
}

async function signIn(api: string, chainId: number, account: HDAccount): Promise<string> {
  const { nonce, domain } = (await call(api, undefined, "POST", "/api/auth/nonce")) as { nonce: string; domain: string };
  const message = createSiweMessage({ address: account.address, chainId, domain, nonce, uri: api, version: "1" });
  return ((await call(api, undefined, "POST", "/api/auth/sign-in", { message, signature: await account.signMessage({ message }) })) as { token: string }).token;
}

type Category = "noise" | "parking" | "leakBetweenFloors" | "liftCostSharing" | "propertyFees" | "pets" | "renovation" | "neighbourConduct" | "other";

/** What residents write (invented) and what mediators sum up (anonymised), by category. */
const TEXTS: Record<Category, { account: string[]; wish: string; summary: string; terms: string }> = {
  noise: {
    account: ["楼上每天晚上十一点以后还在拖动桌椅，家里老人睡不着。", "隔壁周末一早就开始练钢琴，孩子上网课受影响。", "楼上小孩晚上在地板上跑跳拍球，声音很大。"],
    wish: "晚上十点以后保持安静，白天也注意一些。",
    summary: "相邻住户之间的生活噪音纠纷：夜间拖动家具、跑跳，影响休息。调解员组织双方当面沟通，约定作息时间。",
    terms: "晚十点至早七点不拖动家具、不跑跳；椅脚加装脚垫；有问题先当面沟通。",
  },
  parking: {
    account: ["我买的固定车位经常被同一辆车占用，打电话也不挪。", "地库里有人长期在通道上停车，挡住我家车位出入。"],
    wish: "对方不再占用车位，物业加强管理。",
    summary: "固定车位被他人长期占用引发纠纷，双方对车位使用各执一词。物业出具车位归属记录后协商。",
    terms: "占用方一周内将车辆移出，今后不再停放；物业在车位加装地锁。",
  },
  leakBetweenFloors: {
    account: ["楼上卫生间漏水，我家天花板发霉掉皮，找了几次楼上都说不是他家的问题。", "楼上装修后我家厨房顶上一直渗水。"],
    wish: "楼上修好防水，赔偿我家墙面的修复费用。",
    summary: "楼上卫生间防水层老化导致楼下天花板渗水发霉，经物业闭水试验确认渗漏点。",
    terms: "楼上一个月内重做防水；楼下墙面修复费用双方各承担一半。",
  },
  liftCostSharing: {
    account: ["加装电梯的费用分摊方案对低楼层不公平，我们一楼根本用不上电梯。", "单元加装电梯，有一户不肯出钱也不同意施工。"],
    wish: "重新商量分摊比例，按楼层合理分摊。",
    summary: "老旧小区加装电梯的费用分摊纠纷，低楼层住户对分摊比例有异议。",
    terms: "按楼层系数重新分摊，一楼不出资，二楼减半；施工期间注意采光和噪音。",
  },
  propertyFees: {
    account: ["物业服务不到位，楼道卫生没人打扫，物业却催缴全额物业费。", "物业费涨价没有经过业主大会。"],
    wish: "物业改进服务，涨价要经过业主同意。",
    summary: "业主以服务不到位为由拒缴物业费，物业要求补缴，双方对服务标准有分歧。",
    terms: "物业一个月内整改楼道保洁并公示服务标准；业主分期补缴欠费。",
  },
  pets: {
    account: ["邻居家的狗每天晚上叫，还在楼道里随地大小便。", "楼下遛狗不拴绳，吓到了我家孩子。"],
    wish: "看管好宠物，出门拴绳，清理粪便。",
    summary: "邻居饲养的犬只夜间吠叫、楼道便溺，出门未拴绳，引起相邻住户不满。",
    terms: "饲养人出门遛狗拴绳并清理粪便；夜间将狗关在室内；三个月内完成犬只登记。",
  },
  renovation: {
    account: ["隔壁装修周末也施工，电钻声从早到晚。", "楼上装修把建筑垃圾堆在楼道里，一个多月没清走。"],
    wish: "按规定时间施工，及时清运垃圾。",
    summary: "住户装修施工时间超出规定，建筑垃圾堆放在楼道，影响邻居生活和通行。",
    terms: "只在工作日八点至十八点施工；建筑垃圾当天清运；损坏的公共部位由装修方修复。",
  },
  neighbourConduct: {
    account: ["对门在公共走廊堆放杂物，还装了鞋柜，消防通道都堵了。", "邻居在楼道里抽烟，烟味飘进我家。"],
    wish: "清理公共区域，不再占用。",
    summary: "相邻住户占用公共走廊堆放杂物，存在消防隐患，双方多次争吵。",
    terms: "一周内清理走廊杂物；鞋柜移入户内；社区网格员回访检查。",
  },
  other: {
    account: ["楼上空调外机滴水，正好滴在我家窗台上。"],
    wish: "对方处理好空调排水。",
    summary: "空调外机冷凝水滴落到楼下窗台引起纠纷。",
    terms: "上家一周内加装排水管，接到雨水管。",
  },
};

/**
 * The agreement's own fields (人民调解协议书: facts, each side's responsibility, terms), in English: the demo's
 * stand-in for the signed scan is a one-page PDF in a standard font, which has no Chinese glyphs.
 */
const AGREEMENT: Record<Category, { facts: string; responsibilities: string; terms: string }> = {
  noise: { facts: "Furniture dragged and children running upstairs after 23:00 kept the flat below awake.", responsibilities: "The upper flat caused the noise; the lower flat agreed to raise problems in person first.", terms: "No dragging or running from 22:00 to 07:00; felt pads on chair legs." },
  parking: { facts: "A car was parked for months in a private space bought by the claimant.", responsibilities: "The respondent used a space not theirs; the property manager did not act on complaints.", terms: "The car leaves the space within a week and is not parked there again; a lock is fitted." },
  leakBetweenFloors: { facts: "Water from the upper bathroom soaked the ceiling below; a water test found the leak.", responsibilities: "The upper flat's worn waterproofing caused the leak.", terms: "The upper flat redoes its waterproofing within a month; the repair below is paid half each." },
  liftCostSharing: { facts: "Ground-floor owners objected to paying the same share of a new lift as top floors.", responsibilities: "The sharing plan did not weigh how much each floor uses the lift.", terms: "Shares by floor: ground floor pays nothing, first floor half; works keep light and quiet hours." },
  propertyFees: { facts: "An owner withheld fees over unswept stairs; the manager demanded full payment.", responsibilities: "The manager fell short of its service; the owner owes the fees.", terms: "The manager cleans and posts its service standard within a month; the owner pays in instalments." },
  pets: { facts: "A dog barked at night and soiled the stairwell; it was walked without a lead.", responsibilities: "The owner did not keep the dog under control.", terms: "Lead outdoors, droppings cleaned, the dog indoors at night, licence within three months." },
  renovation: { facts: "Building works ran at weekends and rubble was left in the stairwell for a month.", responsibilities: "The renovating flat broke the estate's working hours and blocked the way.", terms: "Works on weekdays 08:00-18:00 only; rubble removed the same day; damage repaired." },
  neighbourConduct: { facts: "A neighbour stored goods and a shoe cabinet in the shared corridor, blocking the fire exit.", responsibilities: "The respondent occupied shared space; both sides quarrelled instead of talking.", terms: "The corridor is cleared within a week; the cabinet moves indoors; the grid worker checks." },
  other: { facts: "Condensate from an air-conditioner unit dripped onto the sill below.", responsibilities: "The upper flat's unit had no drain pipe.", terms: "A drain pipe to the rain pipe is fitted within a week." },
};

/** A line cut at spaces into lines of at most `width` characters (the PDF does not wrap). */
function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    if (current !== "" && current.length + 1 + word.length > width) {
      out.push(current);
      current = `  ${word}`;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  out.push(current);
  return out;
}

/** What happens to a dispute after it is filed. */
type Fate = "resolved" | "partly" | "silence" | "failed" | "failedUp" | "street" | "court" | "withdrawn" | "confirmed" | "reopened" | "open";
const FATES: Fate[] = ["resolved", "resolved", "resolved", "partly", "silence", "failed", "failedUp", "street", "court", "withdrawn", "confirmed", "reopened", "resolved", "partly"];
const CATEGORIES: Category[] = ["noise", "noise", "leakBetweenFloors", "parking", "pets", "renovation", "neighbourConduct", "liftCostSharing", "propertyFees", "other"];

/** A resident as a party: their person id is the directory's, known once it is seeded (play). */
type Party = { person: DemoPerson; personId: string; unitId: number; building: number };
type Dispute = { n: number; category: Category; fate: Fate; claimant: Party; respondent: Party; againstFlat: boolean; at: number; id?: string; mediator?: DemoPerson };
/** One step of a dispute at a moment of the history (seconds from its start). */
type Step = { at: number; dispute: Dispute; run: (d: Dispute) => Promise<void> };

export function prepareMediation(deps: MediationDemoDeps): { play: () => Promise<MediationHistory>; today: () => Promise<number> } {
  const { apiUrl: api, plan, estate, directory, clock } = deps;
  const random = prng(deps.seed ?? 20261215);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  /** The last moment of the history, from its start. */
  const LAST = deps.spanSeconds ?? MEDIATION_SPAN_SECONDS;
  if (LAST < 90 * DAY) throw new Error(`The demo's mediation needs at least 90 days of history; got ${LAST / DAY}.`);
  const registrar: Viewer = { address: plan.admin.account.address.toLowerCase() as `0x${string}`, roles: ["admin", "registrar"] };
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (p: DemoPerson): Promise<string> => {
    let token = tokens.get(p.account.address);
    if (!token) tokens.set(p.account.address, (token = signIn(api, deps.chainId, p.account)));
    return token;
  };
  const office = plan.staff[0]!;
  const post = async (who: DemoPerson, path: string, body: unknown) => call(api, await tokenOf(who), "POST", `/api/mediation/disputes${path}`, body);

  // Every owner once, with their first flat, by building; the last of each building's list is not a party (the
  // first three buildings' last owners become building mediators).
  const byBuilding: Party[][] = plan.buildings.map(() => []);
  const seen = new Set<number>();
  for (const [bi, b] of plan.buildings.entries()) {
    for (const [ui, u] of b.units.entries()) {
      if (u.holder === "developer" || seen.has(u.holder)) continue;
      seen.add(u.holder);
      byBuilding[bi]!.push({ person: plan.owners[u.holder]!, personId: "", unitId: estate.unitIds[bi]![ui]!, building: estate.buildingIds[bi]! });
    }
  }
  const buildings = byBuilding.filter((list) => list.length >= 3);
  const residentMediators = byBuilding.slice(0, 3).flatMap((list) => (list.length > 0 ? [list[list.length - 1]!.person] : []));
  const mediators: DemoPerson[] = [plan.mediator, ...residentMediators];

  // About forty disputes over five months, each between two residents of one building (a leak or noise between
  // neighbours), a few against the other side's flat.
  const disputes: Dispute[] = [];
  for (let n = 0; n < 40; n++) {
    const list = pick(buildings).slice(0, -1);
    const claimant = pick(list);
    let respondent = pick(list);
    while (respondent === claimant) respondent = pick(list);
    const fate: Fate = n >= 36 ? "open" : pick(FATES);
    // Spread over the history; the open ones in its last three weeks.
    const at = fate === "open" ? LAST - (n - 35) * 4 * DAY : Math.floor((n / 36) * (LAST - 40 * DAY)) + Math.floor(random() * 2 * DAY);
    disputes.push({ n, category: pick(CATEGORIES), fate, claimant, respondent, againstFlat: n % 7 === 3, at });
  }
  // Everyone who acts signs in now, while the stack seeds the directory (sessions are real-time).
  for (const p of [office, ...mediators, ...disputes.flatMap((d) => [d.claimant.person, d.respondent.person])]) void tokenOf(p).catch(() => undefined);

  /** The directory's person id of each party (every owner is registered by seedDirectory). */
  const resolvePersons = async (parties: Party[]) => {
    for (const party of parties) {
      if (party.personId) continue;
      const [personId] = await directory.personsOf(party.person.account.address);
      if (!personId) throw new Error(`The demo's mediation: ${party.person.label} has no person in the directory; seed it first.`);
      party.personId = personId;
    }
  };

  async function play(): Promise<MediationHistory> {
    const start = Math.floor(clock.now() / 1000);
    await resolvePersons(disputes.flatMap((d) => [d.claimant, d.respondent]));
    // The office makes a resident of each of three buildings a building mediator (楼栋调解员).
    for (const m of residentMediators) await directory.setRole(registrar, m.account.address.toLowerCase() as `0x${string}`, "mediator", true);
    const mediatorByPerson = new Map<string, DemoPerson>();
    for (const m of mediators) for (const p of await directory.personsOf(m.account.address)) mediatorByPerson.set(p, m);
    // 三所联动: the judicial office, the police station and a law firm each have a contact person in the directory.
    const partners: Record<"judicialOffice" | "police" | "lawyer", string> = {
      judicialOffice: (await directory.registerPerson(registrar, { kind: "partnerContact", values: { name: "司法所 周干事" }, addresses: [], units: [] })).personId,
      police: (await directory.registerPerson(registrar, { kind: "partnerContact", values: { name: "派出所 吴警官" }, addresses: [], units: [] })).personId,
      lawyer: (await directory.registerPerson(registrar, { kind: "partnerContact", values: { name: "律所 郑律师" }, addresses: [], units: [] })).personId,
    };

    const steps: Step[] = [];

    const step = (dispute: Dispute, at: number, run: (d: Dispute) => Promise<void>) => steps.push({ at: dispute.at + at, dispute, run });
    const file = (d: Dispute) => step(d, 0, async () => {
      const texts = TEXTS[d.category];
      const body = {
        category: d.category,
        place: { estateId: estate.estateId, building: d.claimant.building },
        claimant: d.claimant.personId,
        respondent: d.againstFlat ? { unitId: d.respondent.unitId } : { person: d.respondent.personId },
        languages: d.n % 5 === 0 ? ["wuu"] : [],
        account: texts.account[d.n % texts.account.length]!,
        wish: texts.wish,
      };
      d.id = (await post(d.claimant.person, "/file", body)).id;
    });
    const answer = (d: Dispute, at: number) => step(d, at, async () => void (await post(d.respondent.person, `/${d.id}/respond`, { accepts: true })));
    const assign = (d: Dispute, at: number) =>
      step(d, at, async () => {
        await post(office, `/${d.id}/assign`, {});
        const view = await call(api, await tokenOf(office), "GET", `/api/mediation/disputes/${d.id}`);
        d.mediator = mediatorByPerson.get(view.mediator.person as string) ?? plan.mediator;
      });
    const as = (d: Dispute) => d.mediator ?? office;
    const session = (d: Dispute, at: number, attendees: () => string[] = () => [d.claimant.personId, d.respondent.personId]) => {
      step(d, at, async () => void (await post(as(d), `/${d.id}/scheduleSession`, { at: start + d.at + at + DAY, place: d.n % 4 === 0 ? "onSite" : "mediationRoom" })));
      step(d, at + DAY + HOUR, async () => {
        const view = await call(api, await tokenOf(office), "GET", `/api/mediation/disputes/${d.id}`);
        const session = (view.sessions as { session: number; held: boolean | null }[]).find((s) => s.held === null)!;
        await post(as(d), `/${d.id}/recordSession`, { session: session.session, held: true, attendees: attendees() });
      });
    };
    const agree = (d: Dispute, at: number) =>
      step(d, at, async () => {
        const fields = AGREEMENT[d.category];
        const performBy = start + d.at + at + 30 * DAY;
        const pdf = simplePdf(
          [
            `People's mediation agreement - case ${d.id}`,
            "",
            "Parties: the claimant and the respondent of the case (names on the copy on file).",
            `Facts: ${fields.facts}`,
            `Responsibilities: ${fields.responsibilities}`,
            `Terms: ${fields.terms}`,
            `To be performed by: ${new Date((performBy + 8 * HOUR) * 1000).toISOString().slice(0, 10)}`,
            "Signed by both parties and the mediator; seal of the mediation committee.",
            "The parties may apply jointly for judicial confirmation within 30 days.",
            "",
            "Gongzhi demo document",
          ].flatMap((line) => wrap(line, 80)),
        );
        const res = await fetch(`${api}/api/documents?class=mediation-agreement`, { method: "POST", headers: { "content-type": "application/pdf", authorization: `Bearer ${await tokenOf(as(d))}` }, body: new Uint8Array(pdf) });
        if (res.status >= 300) throw new Error(`The demo's mediation: uploading an agreement was refused (${res.status}): ${await res.text()}`);
        const { hash } = (await res.json()) as { hash: string };
        await post(as(d), `/${d.id}/recordAgreement`, { document: hash, signedBy: [d.claimant.personId, d.respondent.personId], performBy });
      });
    const close = (d: Dispute, at: number, outcome: "resolved" | "partlyResolved" | "failed") =>
      step(d, at, async () => {
        const texts = TEXTS[d.category];
        await post(as(d), `/${d.id}/close`, { outcome, summary: outcome === "failed" ? `${texts.summary}多次调解未能达成一致。` : texts.summary, ...(outcome === "failed" ? {} : { terms: outcome === "partlyResolved" ? `部分达成：${texts.terms}` : texts.terms }) });
      });
    const escalate = (d: Dispute, at: number, reason: string, by: "mediator" | "office" = "mediator") =>
      step(d, at, async () => {
        await post(by === "office" ? office : as(d), `/${d.id}/escalate`, { reason });
        d.mediator = undefined;
      });
    const followUp = (d: Dispute, at: number) => {
      if (d.at + at <= LAST) step(d, at, async () => void (await post(as(d), `/${d.id}/followUp`, { result: d.n % 3 === 0 ? "partlyKept" : "kept" })));
    };
    const invite = (d: Dispute, at: number, role: keyof typeof partners) => step(d, at, async () => void (await post(as(d), `/${d.id}/invite`, { person: partners[role], role })));
    /** A week and an hour after filing: the answer was due; the server's sweep takes the case up. */
    const silence = (d: Dispute) => step(d, 7 * DAY + HOUR, async () => void (await deps.sweep()));

    for (const d of disputes) {
      file(d);
      switch (d.fate) {
        case "resolved":
        case "partly":
        case "confirmed":
          answer(d, DAY);
          assign(d, DAY + 2 * HOUR);
          session(d, 2 * DAY);
          agree(d, 5 * DAY);
          close(d, 5 * DAY + HOUR, d.fate === "partly" ? "partlyResolved" : "resolved");
          if (d.fate === "confirmed") {
            step(d, 8 * DAY, async () => void (await post(as(d), `/${d.id}/applyConfirmation`, {})));
            step(d, 20 * DAY, async () => void (await post(office, `/${d.id}/decideConfirmation`, { confirmed: true })));
          }
          followUp(d, 36 * DAY);
          break;
        case "silence":
          silence(d);
          answer(d, 9 * DAY);
          assign(d, 9 * DAY + HOUR);
          session(d, 10 * DAY);
          agree(d, 14 * DAY);
          close(d, 14 * DAY + HOUR, "resolved");
          followUp(d, 45 * DAY);
          break;
        case "failed":
          answer(d, 2 * DAY);
          assign(d, 2 * DAY + HOUR);
          session(d, 3 * DAY);
          close(d, 12 * DAY, "failed");
          break;
        case "failedUp":
          answer(d, DAY);
          assign(d, DAY + HOUR);
          session(d, 2 * DAY);
          escalate(d, 6 * DAY, "failed");
          assign(d, 6 * DAY + HOUR);
          invite(d, 6 * DAY + 2 * HOUR, "judicialOffice");
          session(d, 8 * DAY, () => [d.claimant.personId, d.respondent.personId, partners.judicialOffice]);
          agree(d, 12 * DAY);
          close(d, 12 * DAY + HOUR, "resolved");
          followUp(d, 43 * DAY);
          break;
        case "street":
          answer(d, DAY);
          assign(d, DAY + HOUR);
          escalate(d, 4 * DAY, "complex");
          assign(d, 4 * DAY + HOUR);
          escalate(d, 10 * DAY, "complex", "office");
          assign(d, 10 * DAY + HOUR);
          invite(d, 10 * DAY + 2 * HOUR, "lawyer");
          session(d, 12 * DAY, () => [d.claimant.personId, d.respondent.personId, partners.lawyer]);
          step(d, 25 * DAY, async () => void (await post(as(d), `/${d.id}/extend`, { days: 15, reason: "expertAssessment" })));
          agree(d, 35 * DAY);
          close(d, 35 * DAY + HOUR, "partlyResolved");
          break;
        case "court":
          silence(d);
          assign(d, 8 * DAY);
          invite(d, 8 * DAY + HOUR, "police");
          escalate(d, 15 * DAY, "declined", "office");
          escalate(d, 25 * DAY, "failed", "office");
          break;
        case "withdrawn":
          answer(d, DAY);
          step(d, 3 * DAY, async () => void (await post(d.claimant.person, `/${d.id}/withdraw`, {})));
          break;
        case "reopened":
          answer(d, DAY);
          assign(d, DAY + HOUR);
          session(d, 2 * DAY);
          agree(d, 5 * DAY);
          close(d, 5 * DAY + HOUR, "resolved");
          step(d, 20 * DAY, async () => void (await post(d.claimant.person, `/${d.id}/reopen`, { reason: "agreementNotKept" })));
          session(d, 22 * DAY);
          agree(d, 26 * DAY);
          close(d, 26 * DAY + HOUR, "resolved");
          break;
        case "open":
          answer(d, DAY);
          assign(d, DAY + HOUR);
          session(d, 2 * DAY);
          // Still being mediated at the real time: the limit extended, with its reason.
          step(d, 3 * DAY, async () => void (await post(as(d), `/${d.id}/extend`, { days: 45, reason: "partiesRequest" })));
          break;
      }
    }

    // Play in time order (a dispute's steps follow each other; two disputes' steps at one moment in filing order).
    steps.sort((a, b) => a.at - b.at || a.dispute.n - b.dispute.n);
    for (const s of steps) {
      if (s.at > LAST) throw new Error(`The demo's mediation: a step of dispute ${s.dispute.n} falls after the history's end; shorten it.`);
      clock.travelTo((start + s.at) * 1000);
      await s.run(s.dispute);
    }
    clock.travelTo((start + LAST) * 1000);
    return summarise(disputes.map((d) => d.id!), mediators.length);
  }

  /** Three disputes filed today (the clock at the real time), waiting for the other side's answer. */
  async function today(): Promise<number> {
    for (let n = 0; n < 3; n++) {
      const list = buildings[n % buildings.length]!;
      const [claimant, respondent] = [list[n % (list.length - 1)]!, list[(n + 1) % (list.length - 1)]!];
      await resolvePersons([claimant, respondent]);
      const category = (["noise", "pets", "renovation"] as const)[n]!;
      await post(claimant.person, "/file", {
        category,
        place: { estateId: estate.estateId, building: claimant.building },
        claimant: claimant.personId,
        respondent: n === 1 ? { unitId: respondent.unitId } : { person: respondent.personId },
        account: TEXTS[category].account[0]!,
        wish: TEXTS[category].wish,
      });
    }
    return 3;
  }

  async function summarise(ids: string[], mediators: number): Promise<MediationHistory> {
    const history: MediationHistory = { disputes: 0, byOutcome: {}, byLevel: {}, bySilence: 0, reopened: 0, confirmed: 0, followedUp: 0, open: 0, mediators };
    const token = await tokenOf(office);
    for (const id of ids) {
      const v = (await call(api, token, "GET", `/api/mediation/disputes/${id}`)) as { outcome: string | null; level: string; status: string; escalations: { bySilence: boolean }[]; reopens: number; confirmation: string; followUp: unknown };
      history.disputes++;
      if (v.outcome) history.byOutcome[v.outcome] = (history.byOutcome[v.outcome] ?? 0) + 1;
      else history.open++;
      history.byLevel[v.level] = (history.byLevel[v.level] ?? 0) + 1;
      if (v.escalations.some((e) => e.bySilence)) history.bySilence++;
      if (v.reopens > 0) history.reopened++;
      if (v.confirmation === "confirmed") history.confirmed++;
      if (v.followUp) history.followedUp++;
    }
    return history;
  }

  return { play, today };
}
