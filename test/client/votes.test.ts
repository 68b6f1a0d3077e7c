// Votes as an owner meets them, in real headless Chromium against the demo stack: the proposal's title, text and
// attachments (hash-checked in the browser), a countdown on the chain's clock, one verdict line that agrees with
// the bars, casting a ballot and seeing "您已投" on the page and the list; a committee election on one ballot
// paper, cast in one go and shown together; every ballot, paged and searchable by flat; the vote's link to the
// spend plan it approved; zh-CN and en, 1280 and 390 px; axe-core and overflow on the list, a vote and the election.
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { auditLayouts, buildClient, launchChromium, screenshot, signInAs, startStack } from "./browser.js";

type Ballot = { holder: string; choice: string; byStaff: boolean; replaced: boolean };
type Progress = { quorumMet: boolean; approvalMet: boolean };
type Detail = { id: string; end: number; chainTime: number; status: string; election?: string; progress: Progress; tally: { headsFor: number } };

describe("web client: votes, the committee election, ballots by flat (Chromium, demo stack)", function () {
  this.timeout(400_000);
  let stack: DemoStack;
  let base: string;
  let browser: Browser;

  const api = async <T>(route: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${stack.apiUrl}${route}`, init);
    if (!res.ok) throw new Error(`${route}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const ballotsOf = async (voteId: number | string) => (await api<{ items: Ballot[] }>(`/api/votes/${voteId}/ballots?limit=500`)).items;
  /** Owners holding a flat who have no ballot in any of `voteIds`. */
  const freshOwners = async (voteIds: (number | string)[]): Promise<string[]> => {
    const voted = new Set((await Promise.all(voteIds.map(ballotsOf))).flat().map((b) => b.holder.toLowerCase()));
    const out: string[] = [];
    for (const o of stack.plan.owners.slice().reverse()) {
      const a = o.account.address;
      if (voted.has(a.toLowerCase())) continue;
      if ((await api<{ units: unknown[] }>(`/api/holders/${a}`)).units.length > 0) out.push(a);
      if (out.length >= 2) break;
    }
    return out;
  };
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const newPage = async (width: number, lang: "zh-CN" | "en" = "zh-CN"): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addInitScript((l) => localStorage.setItem("gongzhi.lang", l), lang);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    return { context, page };
  };

  before(async function () {
    await buildClient();
    stack = await startStack();
    base = stack.apiUrl;
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("the API: an election's candidate votes by its hash, a holder's ballots, the chain's time, and a clear 400", async function () {
    const [election] = stack.elections;
    expect(election, "the demo opens a committee election").to.not.equal(undefined);
    expect(election!.votes).to.have.length(3);
    const listed = await api<{ items: { id: string; election?: string; title?: { zh: string } }[] }>(`/api/votes?election=${election!.hash.toUpperCase().replace("0X", "0x")}`);
    expect(listed.items.map((v) => Number(v.id))).to.deep.equal(election!.votes.map((v) => v.id));
    expect(listed.items.every((v) => v.election === election!.hash)).to.equal(true);
    expect(listed.items[0]!.title!.zh).to.equal("第二届业主委员会选举：1号楼 王阿姨");
    const other = await api<{ election?: string }>(`/api/votes/${stack.votes[0]!.id}`);
    expect(other.election).to.equal(undefined);

    const detail = await api<Detail>(`/api/votes/${election!.votes[0]!.id}`);
    const block = (await (await fetch(stack.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] }) })).json()) as { result: { timestamp: string } };
    expect(Math.abs(detail.chainTime - Number(block.result.timestamp)), "chainTime is the chain's, not the wall clock's").to.be.at.most(5);

    const voter = (await ballotsOf(election!.votes[0]!.id)).find((b) => !b.byStaff)!;
    const mine = await api<{ items: { voteId: string; choice: string }[] }>(`/api/holders/${voter.holder.toLowerCase()}/ballots`);
    expect(mine.items.map((b) => b.voteId)).to.include.members(election!.votes.map((v) => String(v.id)));
    expect(mine.items.find((b) => b.voteId === String(election!.votes[0]!.id))!.choice).to.equal(voter.choice);

    const bad = await fetch(`${base}/api/votes?election=0x1234`, { headers: { "accept-language": "zh-CN" } });
    expect(bad.status).to.equal(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).to.be.a("string").and.not.equal("");
    expect(body.error.message).to.not.equal("");
  });

  it("an owner reads a proposal, sees the countdown by chain time and one verdict line, votes, and sees 您已投 on the page and the list (zh, 1280)", async function () {
    const pumps = stack.votes.find((v) => v.titleEn.startsWith("Replace the secondary water-supply pumps"))!;
    const [owner] = await freshOwners([pumps.id]);
    const { context, page } = await newPage(1280);
    try {
      await signInAs(page, base, owner!);
      await page.goto(`${base}/#/votes/${pumps.id}`);
      await page.waitForSelector("[data-testid=proposal][data-status=verified]");
      expect(await page.locator("[data-testid=vote-title]").innerText()).to.equal("更换二次供水水泵（预算68,000元）");
      expect(await page.locator("[data-testid=proposal-text]").innerText()).to.contain("变频供水水泵");
      expect(await page.locator("[data-testid=proposal] .notice.ok").innerText()).to.contain("已核对");
      expect(await page.locator("[data-testid=proposal-attachments] a").allInnerTexts()).to.deep.equal(["水泵报价单 / Quote"]);

      // The countdown counts from the chain's time the API reports (the demo's chain runs ahead of this clock).
      const detail = await api<Detail>(`/api/votes/${pumps.id}`);
      const left = detail.end - detail.chainTime;
      const text = await page.locator("[data-testid=countdown]").innerText();
      const m = /还剩 (\d+) 天 (\d+) 小时/.exec(text);
      expect(m, text).to.not.equal(null);
      const shown = Number(m![1]) * 86400 + Number(m![2]) * 3600;
      expect(Math.abs(shown - left), `${text} vs ${left} s left by chain time`).to.be.below(2 * 3600);

      // One verdict line, agreeing with the API's progress.
      expect(await page.locator("[data-testid=verdict]").count()).to.equal(1);
      const verdict = await page.locator("[data-testid=verdict]").innerText();
      const p = detail.progress;
      expect(verdict).to.contain(p.quorumMet ? "参与的业主已经够了" : "参与的业主还不够");
      expect(verdict).to.contain(p.approvalMet ? "已过线" : "没有过线");
      await screenshot(page, "votes-vote-before-1280-zh");

      await page.check("[data-testid=choice-for]");
      await page.click("[data-testid=cast-ballot]");
      await page.waitForSelector("[data-testid=ballot-progress][data-stage=recorded]", { timeout: 60_000 });
      expect(await page.locator("[data-testid=you-voted]").first().innerText()).to.equal("您已投：同意");
      // The transaction hash is behind "details", not in the resident's face.
      expect(await page.locator("#ballot-h ~ details.tech").count()).to.equal(1);
      expect(await page.locator("#ballot-h ~ details.tech p").isVisible()).to.equal(false);
      await screenshot(page, "votes-vote-after-1280-zh");

      await page.goto(`${base}/#/votes`);
      const card = page.locator(`[data-testid=open-votes] [data-vote="${pumps.id}"]`);
      await card.waitFor();
      expect(await card.locator("[data-testid=vote-link]").innerText()).to.equal("更换二次供水水泵（预算68,000元）");
      expect(await card.locator("[data-testid=you-voted]").innerText()).to.equal("您已投：同意");
      expect(await card.locator("[data-testid=verdict]").count()).to.equal(1);
      expect(await card.locator("[data-testid=countdown]").innerText()).to.contain("还剩");
      // Every vote in the list has a title, not only "matter · #id".
      for (const v of stack.votes) expect(await page.locator(`[data-vote="${v.id}"] a`).first().innerText()).to.equal(v.title);

      await page.click("[data-testid=lang-switch]");
      await page.waitForFunction(() => document.documentElement.lang === "en");
      // Wait for the English render itself, not for the Chinese badge still on screen.
      await page.waitForFunction((id) => document.querySelector(`[data-testid=open-votes] [data-vote="${id}"] [data-testid=you-voted]`)?.textContent?.startsWith("You voted"), String(pumps.id));
      expect(await card.locator("[data-testid=you-voted]").innerText()).to.equal("You voted: For");
      expect(await card.locator("[data-testid=vote-link]").innerText()).to.equal("Replace the secondary water-supply pumps (budget CNY 68,000)");
      expect(await overflow(page)).to.be.at.most(0);
      await screenshot(page, "votes-list-voted-1280-en");
    } finally {
      await context.close();
    }
  });

  it("with approval reached but too few owners, the page says exactly that, never a green 'reached' beside 'no decision'", async function () {
    const candidate = stack.elections[0]!.votes[0]!;
    const detail = await api<Detail>(`/api/votes/${candidate.id}`);
    expect(detail.progress, "the demo's first candidate has approval but not the quorum").to.include({ quorumMet: false, approvalMet: true });
    const { context, page } = await newPage(390);
    try {
      await page.goto(`${base}/#/votes/${candidate.id}`);
      await page.waitForSelector("[data-testid=verdict]");
      expect(await page.locator("[data-testid=verdict]").innerText()).to.equal("目前赞成已过线，但参与的业主还不够，若到截止时仍不足则不形成决定。");
      expect(await page.locator(".tally-lines .approval.met").count(), "no green approval while nothing is decided").to.equal(0);
      expect(await page.locator(".tally-lines .approval").first().innerText()).to.contain("赞成已过线，但参与的业主还不够");
      expect(await page.locator("main").innerText()).to.not.contain("参与不足，未形成决定");
      // The candidate's vote leads to its election's ballot paper.
      expect(await page.locator("[data-testid=vote-election-link]").getAttribute("href")).to.equal(`#/elections/${stack.elections[0]!.hash}`);
      expect(await overflow(page)).to.be.at.most(0);
      await screenshot(page, "votes-verdict-390-zh");
    } finally {
      await context.close();
    }
  });

  it("an owner votes on every candidate of the committee election on one ballot paper and sees them together (390 px, zh then en)", async function () {
    const election = stack.elections[0]!;
    const ids = election.votes.map((v) => v.id);
    const [owner] = await freshOwners(ids);
    const before = await Promise.all(ids.map((id) => api<Detail>(`/api/votes/${id}`)));
    const { context, page } = await newPage(390);
    try {
      await signInAs(page, base, owner!);
      await page.goto(`${base}/#/votes`);
      const card = page.locator(`[data-election="${election.hash}"]`);
      await card.waitFor();
      await page.waitForFunction((h) => document.querySelector(`[data-election="${h}"] [data-testid=election-link]`)?.textContent === "第二届业主委员会选举", election.hash);
      expect(await card.locator(".election-candidates li").allInnerTexts()).to.deep.equal(["1号楼 王阿姨", "2号楼 孙先生", "3号楼 周老师"]);
      // The candidates' votes are on the one card, not listed one by one.
      for (const id of ids) expect(await page.locator(`[data-testid=open-votes] > [data-vote="${id}"]`).count()).to.equal(0);
      await card.locator("a.button").click();

      await page.waitForSelector("[data-testid=election-form]");
      expect(await page.locator("[data-testid=election-title]").innerText()).to.equal("第二届业主委员会选举");
      expect(await page.locator("[data-testid=election-form] legend").allInnerTexts()).to.deep.equal(["1号楼 王阿姨", "2号楼 孙先生", "3号楼 周老师"]);
      expect(await page.locator("[data-testid=candidate-tally]").count()).to.equal(3);
      await page.waitForSelector("[data-testid=proposal][data-status=verified]");
      // Casting with a candidate left blank is refused next to the button, and sends nothing.
      await page.check(`[data-testid=election-${ids[0]}-for]`);
      await page.click("[data-testid=cast-election]");
      const blank = await page.evaluate(() => (document.querySelector("[data-testid=election-form] input:invalid") as HTMLInputElement | null)?.name ?? null);
      expect(blank, "the browser asks for the missing choice").to.equal(`vote-${ids[1]}`);
      await page.check(`[data-testid=election-${ids[1]}-against]`);
      await page.check(`[data-testid=election-${ids[2]}-abstain]`);
      expect(await overflow(page)).to.be.at.most(0);
      await screenshot(page, "votes-election-paper-390-zh");
      await page.click("[data-testid=cast-election]");
      await page.waitForFunction(() => document.querySelector("[data-testid=election-paper]")?.textContent?.includes("您已对所有候选人投票"), undefined, { timeout: 90_000 });

      const choices = ["同意", "反对", "弃权"];
      for (const [i, id] of ids.entries()) {
        expect(await page.locator(`[data-testid=candidate-tally][data-vote="${id}"] [data-testid=you-voted]`).innerText()).to.equal(`您已投：${choices[i]}`);
      }
      const mine = await api<{ items: { voteId: string; choice: string; byStaff: boolean }[] }>(`/api/holders/${owner}/ballots`);
      expect(ids.map((id) => mine.items.find((b) => b.voteId === String(id))?.choice)).to.deep.equal(["for", "against", "abstain"]);
      const after = await Promise.all(ids.map((id) => api<Detail>(`/api/votes/${id}`)));
      expect(Number(after[0]!.tally.headsFor)).to.equal(Number(before[0]!.tally.headsFor) + 1);
      expect(await page.locator("[data-value=heads-for]").first().innerText()).to.equal(String(after[0]!.tally.headsFor) + " 人");
      await screenshot(page, "votes-election-voted-390-zh");

      await page.click("[data-testid=lang-switch]");
      await page.waitForFunction(() => document.documentElement.lang === "en");
      // The page re-renders in English once the other language's texts are there: wait for the badges of that
      // render, not for whatever badges the Chinese render still shows.
      await page.waitForFunction(() => {
        const badges = [...document.querySelectorAll("[data-testid=candidate-tally] [data-testid=you-voted]")];
        return badges.length === 3 && badges.every((b) => b.textContent?.startsWith("You voted"));
      });
      expect(await page.locator("[data-testid=candidate-tally] [data-testid=you-voted]").allInnerTexts()).to.deep.equal(["You voted: For", "You voted: Against", "You voted: Abstain"]);
      expect(await page.locator("[data-testid=election-title]").innerText()).to.equal("Election of the second owners' committee");
      expect(await overflow(page)).to.be.at.most(0);
      await screenshot(page, "votes-election-voted-390-en");
    } finally {
      await context.close();
    }
  });

  it("a vote the server slips into an election whose own proposal does not name it is left off the paper, and said so", async function () {
    const election = stack.elections[0]!;
    const pumps = stack.votes.find((v) => v.titleEn.startsWith("Replace the secondary water-supply pumps"))!;
    const foreign = await api<Record<string, unknown>>(`/api/votes/${pumps.id}`);
    const { context, page } = await newPage(1280);
    try {
      // The server (or anyone between) lists the pumps vote among the candidates, claiming it belongs here.
      await page.route(`**/api/votes?election=*`, async (route) => {
        const real = await route.fetch();
        const body = (await real.json()) as { items: Record<string, unknown>[] };
        body.items.push({ ...foreign, election: election.hash });
        await route.fulfill({ response: real, json: body });
      });
      await page.goto(`${base}/#/elections/${election.hash}`);
      await page.waitForSelector("[data-testid=candidate-tally]");
      expect(await page.locator("[data-testid=candidate-tally]").count()).to.equal(3);
      expect(await page.locator(`[data-testid=candidate-tally][data-vote="${pumps.id}"]`).count()).to.equal(0);
      expect(await page.locator(".notice.warn").innerText()).to.equal("有 1 项表决的文件与链上记录核对不上，没有列在选票上。");
    } finally {
      await context.close();
    }
  });

  it("every ballot is listed, twenty to a page, and found by flat in Chinese and English (390 px)", async function () {
    const pumps = stack.votes.find((v) => v.titleEn.startsWith("Replace the secondary water-supply pumps"))!;
    const ballots = await ballotsOf(pumps.id);
    expect(ballots.length).to.be.above(40);
    const { context, page } = await newPage(390);
    try {
      await page.goto(`${base}/#/votes/${pumps.id}`);
      await page.waitForSelector("[data-testid=ballot-list] [data-testid=ballot-card]");
      const pages = Math.ceil(ballots.length / 20);
      expect(await page.locator("[data-testid=ballots-page]").innerText()).to.equal(`第 1 页，共 ${pages} 页`);
      expect(await page.locator("[data-testid=ballot-card]").count()).to.equal(20);
      const firstPage = await page.locator("[data-testid=ballot-holder] .who").first().getAttribute("title");
      // Page through to the last: the oldest ballot is there (not only the latest 10).
      for (let i = 1; i < pages; i++) await page.click("[data-testid=ballots-next]");
      expect(await page.locator("[data-testid=ballots-page]").innerText()).to.equal(`第 ${pages} 页，共 ${pages} 页`);
      expect(await page.locator("[data-testid=ballot-card]").count()).to.equal(ballots.length - 20 * (pages - 1));
      const oldest = ballots[0]!.holder.toLowerCase();
      expect((await page.locator("[data-testid=ballot-holder] .who, [data-testid=ballot-holder] .mono").evaluateAll((els) => els.map((e) => e.getAttribute("title")?.toLowerCase()))).includes(oldest)).to.equal(true);
      expect(firstPage?.toLowerCase()).to.not.equal(oldest);
      expect(await overflow(page)).to.be.at.most(0);

      // Search by the flat label the directory gives this voter: "N号楼 … room", typed as "N号楼 room".
      const target = ballots[Math.floor(ballots.length / 2)]!;
      const names = await api<{ items: { units: { label: string; labelEn: string }[] }[] }>("/api/directory/names", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ addresses: [target.holder] }),
      });
      const label = names.items[0]!.units[0]!;
      const [building, , room] = label.label.split(" ");
      await page.fill("[data-testid=ballot-search]", `${building} ${room}`);
      await page.waitForFunction(() => document.querySelector("[data-testid=ballot-count]")?.textContent?.startsWith("找到"));
      const found = await page.locator("[data-testid=ballot-holder]").allInnerTexts();
      expect(found.length).to.be.at.least(1);
      expect(found.every((t) => t.includes(building!) && t.includes(room!)), found.join(" | ")).to.equal(true);
      expect(await page.locator(`[data-testid=ballot-holder] [title="${target.holder}"]`).count()).to.equal(1);
      await screenshot(page, "votes-ballots-search-390-zh");
      await page.fill("[data-testid=ballot-search]", "9号楼 999");
      await page.waitForFunction(() => document.querySelector("[data-testid=ballot-count]")?.textContent === "没有找到这一户的选票。");
      expect(await page.locator("[data-testid=ballot-card]").count()).to.equal(0);

      await page.click("[data-testid=lang-switch]");
      await page.waitForFunction(() => document.documentElement.lang === "en");
      await page.waitForSelector("[data-testid=ballot-search]");
      const en = label.labelEn.replace(/,/g, "").split(" ");
      await page.fill("[data-testid=ballot-search]", `${en[0]} ${en[1]} ${en.at(-1)}`);
      await page.waitForFunction(() => /found/.test(document.querySelector("[data-testid=ballot-count]")?.textContent ?? ""));
      expect(await page.locator(`[data-testid=ballot-holder] [title="${target.holder}"]`).count()).to.equal(1);
      expect(await overflow(page)).to.be.at.most(0);
      await screenshot(page, "votes-ballots-search-390-en");
    } finally {
      await context.close();
    }
  });

  it("a vote links to the spend plan it approved, by the plan's name (1280, zh and en)", async function () {
    const roof = stack.votes.find((v) => v.titleEn.startsWith("Building 1 roof"))!;
    const plans = await api<{ items: { id: string; voteId: string | null }[] }>("/api/fund/plans?limit=500");
    const plan = plans.items.find((p) => p.voteId === String(roof.id))!;
    expect(plan, "the demo opened the roof plan against its vote").to.not.equal(undefined);
    const { context, page } = await newPage(1280);
    try {
      await page.goto(`${base}/#/votes/${roof.id}`);
      const link = page.locator("[data-testid=vote-plan-link]");
      await link.waitFor();
      expect(await link.getAttribute("href")).to.equal(`#/fund/plans/${plan.id}`);
      expect(await link.innerText()).to.equal("1号楼屋面防水维修实施方案");
      expect(await page.locator("[data-testid=verdict]").innerText()).to.equal("结果：通过。");
      await page.click("[data-testid=lang-switch]");
      await page.waitForFunction(() => document.documentElement.lang === "en");
      await page.locator("[data-testid=vote-plan-link]").waitFor();
      expect(await page.locator("[data-testid=vote-plan-link]").innerText()).to.equal("Building 1 roof waterproofing: works plan");
      await page.locator("[data-testid=vote-plan-link]").click();
      await page.waitForFunction((id) => location.hash === `#/fund/plans/${id}`, plan.id);
      // A vote not about the fund has no plan line.
      await page.goto(`${base}/#/votes/${stack.votes[0]!.id}`);
      await page.waitForSelector("[data-testid=verdict]");
      expect(await page.locator("[data-testid=vote-plan-link]").count()).to.equal(0);
    } finally {
      await context.close();
    }
  });

  it("the votes list, a vote and the election pass axe-core and have no horizontal overflow at every layout", async function () {
    const pumps = stack.votes.find((v) => v.titleEn.startsWith("Replace the secondary water-supply pumps"))!;
    const problems = [
      ...(await auditLayouts(browser, base, "#/votes", "[data-testid=open-votes] [data-testid=verdict]", "votes-audit-list")),
      ...(await auditLayouts(browser, base, `#/votes/${pumps.id}`, "[data-testid=ballot-card]", "votes-audit-vote")),
      ...(await auditLayouts(browser, base, `#/elections/${stack.elections[0]!.hash}`, "[data-testid=candidate-tally] [data-testid=verdict]", "votes-audit-election")),
    ];
    expect(problems).to.deep.equal([]);
  });
});
