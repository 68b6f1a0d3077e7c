// The demo's micro-renewal fund (微更新基金, issue 16), played through the API by the demo's people as the services'
// clock moves forward: a basement that became a children's room (funded by residents, a partner and the matched
// subsidy, delivered by three milestones with evidence and invoices, its visits counted before and after: use rose
// 300 %), a stairwell of handrails and sensor lights funded and still in progress, and a rooftop garden that fell
// short of its minimum at the deadline, every pledge and the match released by the server's sweep. Evidence and
// invoices are small text documents (class renewal). Seeded; quick (a few dozen calls).
import { apiCall, sessions } from "./api.js";
import type { DemoPerson, DemoPlan } from "./plan.js";

const DAY = 86_400;
/** How long the fund's story lasts on the services' clock. */
export const RENEWAL_SPAN_SECONDS = 150 * DAY;

export type RenewalDeps = {
  apiUrl: string;
  chainId: number;
  plan: DemoPlan;
  /** Moves the services' clock forward to Unix seconds. */
  at: (seconds: number) => void;
  /** Unix seconds of the services' clock where the story begins. */
  start: number;
  /** One pass of the server's deadline sweep at the services' clock. */
  sweep: () => Promise<unknown>;
  estateId: number;
  /** The partners' ids (scripts/demo/partners.ts) by the keys the pledges below name (community partners, issue 16). */
  partners?: Record<string, string>;
};

export type RenewalPlayed = { projects: number; funded: number; failed: number; delivered: number; risePercent: number | null; pledges: number };

const OFFSET = 8 * 3600;
const monthOf = (at: number) => new Date((at + OFFSET) * 1000).toISOString().slice(0, 7);

export async function playRenewal(deps: RenewalDeps): Promise<RenewalPlayed> {
  const { apiUrl: api, plan, start: S } = deps;
  const tokenOf = sessions(api, deps.chainId);
  const office = plan.staff[0]!.account;
  const owner = (i: number): DemoPerson => plan.owners[(i * 13 + 7) % plan.owners.length]!;
  type Event = { at: number; run: () => Promise<void> };
  const events: Event[] = [];
  const ids: Record<string, string> = {};
  let pledges = 0;
  const call = async (who: DemoPerson["account"], path: string, body: unknown) => apiCall(api, await tokenOf(who), "POST", `/api/renewal${path}`, body);
  const upload = async (who: DemoPerson["account"], text: string): Promise<string> => {
    const res = await fetch(`${api}/api/documents?class=renewal`, { method: "POST", headers: { "content-type": "text/plain", authorization: `Bearer ${await tokenOf(who)}` }, body: text });
    const answer = (await res.json()) as { hash?: string };
    if (res.status >= 300 || !answer.hash) throw new Error(`The demo: a renewal document was refused (${res.status}): ${JSON.stringify(answer)}`);
    return answer.hash;
  };
  const on = (at: number, run: () => Promise<void>) => events.push({ at: S + at, run });

  /** Proposal, eligibility, supports and funding open, from day `d`; pledges [day, owner or partner, fen]. */
  const project = (key: string, d: number, proposer: number, input: Record<string, unknown>, fundingDays: number, gifts: [number, number | string, number][]) => {
    on(d * DAY, async () => {
      ids[key] = ((await call(owner(proposer).account, "/propose", { estateId: deps.estateId, ...input })) as { id: string }).id;
    });
    on((d + 2) * DAY, async () => void (await call(office, `/${ids[key]}/accept`, {})));
    for (let i = 0; i < 5; i++) on((d + 2) * DAY + (i + 1) * 3600, async () => void (await call(owner(proposer + i).account, `/${ids[key]}/support`, {})));
    on((d + 4) * DAY, async () => void (await call(office, `/${ids[key]}/openFunding`, { deadline: S + (d + 4 + fundingDays) * DAY })));
    for (const [day, who, fen] of gifts) {
      on((d + 4 + day) * DAY + 600, async () => {
        if (typeof who === "string") await call(office, `/${ids[key]}/pledge`, { amountFen: fen, partnerId: deps.partners?.[who] ?? who });
        else await call(owner(who).account, `/${ids[key]}/pledge`, { amountFen: fen });
        pledges++;
      });
    }
    on((d + 5 + fundingDays) * DAY, async () => void (await deps.sweep()));
  };
  const milestone = (key: string, day: number, index: number, title: string, steps: [percent: number, evidence: string][], accept: boolean, spendFen: number) => {
    on(day * DAY, async () => void (await call(office, `/${ids[key]}/addMilestone`, { title })));
    steps.forEach(([percent, evidence], i) =>
      on((day + 3 + i * 4) * DAY, async () => void (await call(office, `/${ids[key]}/reportProgress`, { milestone: index, percent, evidence: [await upload(office, evidence)] }))),
    );
    const end = day + 4 + steps.length * 4;
    if (accept) on(end * DAY, async () => void (await call(office, `/${ids[key]}/acceptMilestone`, { milestone: index })));
    if (spendFen > 0) on(end * DAY + 3600, async () => void (await call(office, `/${ids[key]}/spend`, { milestone: index, amountFen: spendFen, invoice: await upload(office, `增值税普通发票 ${title} 金额 ${(spendFen / 100).toFixed(2)} 元`) })));
  };

  // 1. The basement that became a children's room: funded, delivered; its visits rose.
  project(
    "basement",
    1,
    0,
    { title: "3号楼地下室改儿童活动室", place: "3号楼地下室", description: "地下室多年堆放杂物，潮湿无人使用。改成儿童活动室：防潮、照明通风、软装和玩具，周末由志愿者照看。", minimumFen: 3_000_000, optimumFen: 4_500_000 },
    30,
    [[1, 0, 300_000], [2, 1, 200_000], [4, 2, 150_000], [6, "xingfu-bakery", 500_000], [9, 3, 250_000], [12, 4, 100_000], [15, 5, 80_000], [20, 6, 120_000], [22, 7, 100_000]],
  );
  milestone("basement", 38, 0, "清理与防潮", [[50, "现场照片说明：杂物清运完成，墙面防潮层施工中"], [100, "验收记录：防潮层完工，湿度检测合格"]], true, 1_100_000);
  milestone("basement", 40, 1, "照明与通风", [[100, "验收记录：LED照明与新风机安装完成"]], true, 900_000);
  milestone("basement", 45, 2, "软装与玩具", [[100, "验收记录：地垫、书架、玩具到位，消防检查通过"]], true, 1_000_000);
  on(68 * DAY, async () => void (await call(office, `/${ids.basement}/complete`, {})));
  // Visits: counted from the property company's patrol log before, from the sign-in sheet after. Each pair of days
  // lies over 31 days apart, so they always name two months whatever the start date (28 days apart, days 8 and 36
  // fell in one month when the start was near a 31-day month's first: its second count replaced the first).
  for (const [day, visits, source] of [[4, 14, "物业巡查登记"], [36, 16, "物业巡查登记"], [105, 58, "活动室签到表"], [140, 62, "活动室签到表"]] as const) {
    on(Math.max(day, 70) * DAY + day * 60, async () => void (await call(office, `/${ids.basement}/recordVisits`, { month: monthOf(S + day * DAY), visits, source })));
  }

  // 2. Handrails and sensor lights in a stairwell: funded, in progress.
  project(
    "stairwell",
    70,
    20,
    { title: "5号楼楼道扶手与感应灯", place: "5号楼1单元楼道", description: "老人上下楼没有扶手，楼道灯常坏。每层加装不锈钢扶手，照明改为人体感应LED。", minimumFen: 1_200_000, optimumFen: 1_800_000 },
    21,
    [[1, 20, 200_000], [3, 21, 150_000], [5, "kangjian-pharmacy", 200_000], [8, 22, 100_000], [10, 23, 80_000]],
  );
  milestone("stairwell", 100, 0, "感应灯更换", [[100, "验收记录：1–6层感应灯更换完成"]], true, 300_000);
  milestone("stairwell", 112, 1, "扶手安装", [[40, "施工照片说明：1–2层扶手已安装"]], false, 0);

  // 3. A rooftop garden that fell short of its minimum: every pledge released at the deadline.
  project(
    "rooftop",
    20,
    40,
    { title: "7号楼屋顶菜园", place: "7号楼屋顶", description: "在屋顶设置种植箱，居民认领种菜，收成分享给独居老人。", minimumFen: 2_000_000, optimumFen: 2_600_000 },
    25,
    [[2, 40, 100_000], [5, 41, 50_000], [9, "lvyuan-nursery", 150_000], [14, 42, 60_000]],
  );

  events.sort((a, b) => a.at - b.at);
  for (const event of events) {
    deps.at(event.at);
    await event.run();
  }
  deps.at(S + RENEWAL_SPAN_SECONDS);
  const views = (await Promise.all(Object.values(ids).map((id) => apiCall(api, undefined, "GET", `/api/renewal/${id}`)))) as { status: string; use: { risePercent: number | null } | null }[];
  return {
    projects: views.length,
    funded: views.filter((v) => v.status === "funded" || v.status === "delivered").length,
    failed: views.filter((v) => v.status === "failed").length,
    delivered: views.filter((v) => v.status === "delivered").length,
    risePercent: views.find((v) => v.use)?.use?.risePercent ?? null,
    pledges,
  };
}
