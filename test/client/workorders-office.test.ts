// The work-order pages of the party and the office (issue 14), in headless Chromium against the demo stack (a real
// Hardhat node, the server with its LevelDB, the built client). Orders are made through the HTTP API; the services'
// clock is moved 20 minutes on after the first, so that one is overdue. The office sees the overdue one first and
// dispatches one a party returned; a member of the water company accepts, pauses (no access) and resumes, starts
// and resolves one from a phone, and returns another with a reason, which shows back in the office, counted; the
// statistics page shows the server's figures and the heat map by building. In zh-CN and en, at 1280 and 390 px,
// with no horizontal overflow and no serious accessibility finding.
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { privateKeyOf } from "../../scripts/demo/seed.js";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { httpClient } from "../server/helpers/siwe-http.js";
import { buildClient, launchChromium, pageProblems, screenshot, signInAs, startStack } from "./browser.js";

type Order = { id: string; status: string; party: string | null; returns: number; clocks: { paused: number; overdue: boolean } };

describe("work orders: the party's queue, the office's desk and the statistics (Chromium, demo stack)", function () {
  this.timeout(600_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  /** How far the services' clock runs ahead of the real one (seconds). */
  let ahead = 0;
  const client = httpClient(() => stack.apiUrl, 31337);
  const ids = { late: "", fix: "", giveBack: "", returned: "" };
  let staff: string;
  let member: string;

  const order = async (id: string) => (await client.call(undefined, "GET", `/api/workorders/${id}`)).body as Order;
  const report = async (who: string, serviceCode: string, place: Record<string, unknown>) => {
    const res = await client.call(who, "POST", "/api/workorders/report", { channel: "resident", serviceCode, place: { estateId: 1, ...place } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id as string;
  };

  async function open(width: number, lang: "zh-CN" | "en", who: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    await context.addInitScript((l) => localStorage.setItem("gongzhi.lang", l), lang);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await signInAs(page, base, who);
    return page;
  }
  const idsIn = (page: Page, list: string) => page.locator(`[data-testid=${list}] > li`).evaluateAll((els) => els.map((e) => e.getAttribute("data-order")));
  async function problems(page: Page, name: string) {
    await screenshot(page, name);
    expect(await pageProblems(page), name).to.deep.equal([]);
  }

  before(async function () {
    await buildClient();
    // The server's sweep reads the moved clock too, and would escalate the late order by itself: here the office
    // escalates it by hand, so the sweep waits an hour.
    stack = await startStack(undefined, undefined, {}, { servicesClock: () => Date.now() + ahead * 1000, workOrderSweepMs: 3_600_000 });
    base = stack.apiUrl;
    browser = await launchChromium();
    const plan = stack.plan;
    staff = plan.staff[0]!.account.address;
    member = plan.volunteers[1]!.account.address;
    await client.signIn("staff", privateKeyOf(plan.staff[0]!));
    await client.signIn("member", privateKeyOf(plan.volunteers[1]!));
    await client.signIn("r1", privateKeyOf(plan.owners[0]!));
    await client.signIn("r2", privateKeyOf(plan.owners[1]!));
    expect((await client.call("staff", "POST", "/api/workorders/parties/assign", { member: member.toLowerCase(), party: "water" })).status).to.equal(201);

    // Rubbish at the north gate (15 minutes), then the clock 20 minutes on: it is overdue by 5.
    ids.late = await report("r1", "rubbish", { area: "north-gate" });
    ahead = 20 * 60;
    ids.fix = await report("r1", "burst-pipe", { building: 1 });
    ids.giveBack = await report("r2", "no-water", { building: 2 });
    ids.returned = await report("r2", "burst-pipe", { building: 3 });
    // The water company gives one back (退单): it waits in the office for another dispatch.
    expect((await client.call("member", "POST", `/api/workorders/${ids.returned}/return`, { reason: "notOurs" })).status).to.equal(201);
    expect(await order(ids.late)).to.deep.include({ status: "dispatched", party: "sanitation" });
    expect((await order(ids.late)).clocks.overdue).to.equal(true);
    expect(await order(ids.returned)).to.deep.include({ status: "received", party: null, returns: 1 });
  });

  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("the office sees the overdue order first and dispatches the returned one to another party (zh-CN, 1280 px)", async function () {
    const page = await open(1280, "zh-CN", staff);
    await page.goto(`${base}/#/staff`);
    await page.waitForSelector("[data-testid=to-wo-office]");
    await problems(page, "wo-staff-1280-zh");
    await page.click("[data-testid=to-wo-office]");
    await page.waitForSelector("[data-testid=wo-overdue-list]");
    expect((await idsIn(page, "wo-overdue-list"))[0]).to.equal(ids.late);
    const late = page.locator(`[data-testid=wo-overdue-list] [data-order="${ids.late}"]`);
    expect(await late.innerText()).to.contain("垃圾未清").and.to.contain("已超时").and.to.contain("环卫");
    const back = page.locator(`[data-testid=wo-all-list] [data-order="${ids.returned}"]`);
    expect(await back.getAttribute("data-status")).to.equal("received");
    expect(await back.innerText()).to.contain("待派单").and.to.contain("退单 1 次");
    expect(await page.locator("[data-testid=wo-summary]").innerText()).to.contain("被退过单 1 张");
    await problems(page, "wo-office-1280-zh");

    await back.locator("[data-testid=wo-dispatch-party]").selectOption("property");
    await back.locator("[data-action=dispatch]").click();
    await page.waitForSelector(`[data-testid=wo-all-list] [data-order="${ids.returned}"][data-status=dispatched]`);
    expect(await order(ids.returned)).to.deep.include({ status: "dispatched", party: "property", returns: 1 });
    expect(await page.locator(`[data-order="${ids.returned}"]`).innerText()).to.contain("物业公司");

    // Escalated to the street office, the late order stays first among the overdue (the sweep's index drops it).
    await late.locator("[data-action=escalate]").click();
    await page.waitForFunction((id) => document.querySelector(`[data-testid=wo-overdue-list] [data-order="${id}"]`)?.textContent?.includes("已上报街道"), ids.late);
    expect((await idsIn(page, "wo-overdue-list"))[0]).to.equal(ids.late);
    expect(await late.locator("[data-action=escalate]").count()).to.equal(0);
    await page.context().close();
  });

  it("a water-company member works the queue on a phone: accept, pause and resume, start, resolve; returns another with a reason (en, 390 px)", async function () {
    const page = await open(390, "en", member);
    await page.goto(`${base}/#/`);
    await page.waitForSelector("ul.doors a[href='#/workorders/queue']");
    await problems(page, "wo-home-390-en");
    await page.click("a[href='#/workorders/queue']");
    await page.waitForSelector("[data-testid=wo-queue]");
    expect(await page.locator("[data-testid=wo-party]").innerText()).to.contain("Water company");
    // Soonest deadline first: the burst pipe (30 min) before the supply cut (24 h); the returned one is gone.
    expect(await idsIn(page, "wo-queue")).to.deep.equal([ids.fix, ids.giveBack]);
    const card = () => page.locator(`[data-testid=wo-queue] [data-order="${ids.fix}"]`);
    expect(await card().innerText()).to.contain("since received").and.to.contain("Due");
    // Time left by the server's clock (20 minutes ahead of this browser's here): a day's deadline, just reported.
    expect(await page.locator(`[data-order="${ids.giveBack}"] [data-testid=wo-deadline]`).innerText()).to.match(/· 23 h 5\d min left$/);
    await problems(page, "wo-queue-390-en");
    // A narrow phone in large text too, then back.
    await page.setViewportSize({ width: 360, height: 780 });
    await page.click("[data-testid=large-text]");
    await page.waitForSelector("html.large-text [data-testid=wo-queue]");
    await problems(page, "wo-queue-360-en-large");
    await page.click("[data-testid=large-text]");
    await page.setViewportSize({ width: 390, height: 900 });
    await page.waitForSelector("[data-testid=wo-queue]");

    await card().locator("[data-action=accept]").click();
    await page.waitForSelector(`[data-order="${ids.fix}"][data-status=accepted]`);
    await card().locator("[data-testid=wo-pause] summary").click();
    await card().locator("[data-testid=wo-pause-reason]").selectOption("noAccess");
    await card().locator("[data-action=pause]").click();
    await card().locator("[data-testid=wo-paused]").waitFor();
    expect(await card().innerText()).to.contain("Clock paused");
    await problems(page, "wo-queue-paused-390-en");
    await new Promise((r) => setTimeout(r, 1_500));
    await card().locator("[data-action=resume]").click();
    await page.waitForFunction((id) => !document.querySelector(`[data-order="${id}"] [data-testid=wo-paused]`) && !!document.querySelector(`[data-order="${id}"] [data-action=start]`), ids.fix);
    await card().locator("[data-action=start]").click();
    await page.waitForSelector(`[data-order="${ids.fix}"][data-status=inProgress]`);
    // The fix with a photo from the phone's camera and a note (both for the reporter, the party and staff only).
    await card().locator("[data-testid=wo-fix-note]").fill("Replaced the joint");
    await card().locator("[data-testid=wo-fix-photo]").setInputFiles({ name: "fix.png", mimeType: "image/png", buffer: Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from("the fix, photographed")]) });
    await card().locator("[data-action=resolve]").click();
    await page.waitForFunction((id) => !document.querySelector(`[data-testid=wo-queue] [data-order="${id}"]`), ids.fix);
    const fixed = await order(ids.fix);
    expect(fixed.status).to.equal("resolved");
    const resolvedStep = (await client.call(undefined, "GET", `/api/workorders/${ids.fix}/history`)).body.items.find((s: { event: string }) => s.event === "resolved");
    expect(resolvedStep.photos, "the fix's photo is on the record").to.equal(1);
    expect(fixed.clocks.paused, "the resident's wait was recorded").to.be.at.least(1);

    const other = page.locator(`[data-order="${ids.giveBack}"]`);
    await other.locator("[data-testid=wo-return] summary").click();
    await other.locator("[data-testid=wo-return-reason]").selectOption("needsOtherParty");
    expect(await other.innerText()).to.contain("goes back to the community office");
    await other.locator("[data-action=return]").click();
    await page.waitForSelector("[data-testid=wo-queue-empty]");
    expect(await order(ids.giveBack)).to.deep.include({ status: "received", party: null, returns: 1 });
    await page.context().close();
  });

  it("the returned order shows back in the office, counted, and a refusal is told in words (en, 390 px)", async function () {
    const page = await open(390, "en", staff);
    await page.goto(`${base}/#/workorders/office`);
    const back = page.locator(`[data-testid=wo-all-list] [data-order="${ids.giveBack}"]`);
    await back.waitFor();
    expect(await back.innerText()).to.contain("Waiting for dispatch").and.to.contain("Returned 1×");
    expect(await page.locator("[data-testid=wo-summary]").innerText()).to.contain("1 waiting for dispatch").and.to.contain("2 returned at least once");
    await problems(page, "wo-office-390-en");
    // Listing a new member under a party: a mistyped address is refused here, a good one is saved.
    const newcomer = stack.plan.volunteers[2]!.account.address.toLowerCase();
    await page.fill("[data-testid=wo-member-address]", "0x1234");
    await page.click("[data-testid=wo-member-save]");
    expect(await page.locator("[data-testid=wo-member-result]").innerText()).to.contain("not an address");
    await page.fill("[data-testid=wo-member-address]", newcomer);
    await page.selectOption("[data-testid=wo-member-party]", "gas");
    await page.click("[data-testid=wo-member-save]");
    await page.waitForSelector(`[data-testid=wo-members] [data-member="${newcomer}"]`);
    expect(await page.locator(`[data-member="${newcomer}"]`).innerText()).to.contain("Gas company");
    const members = (await client.call("staff", "GET", "/api/workorders/parties/members")).body.items;
    expect(members).to.deep.include({ member: newcomer, party: "gas" });
    // The status filter: only the resolved one, whose on-site check is then recorded.
    await page.selectOption("[data-testid=wo-filter]", "resolved");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=wo-all-list] > li").length === 1);
    expect(await idsIn(page, "wo-all-list")).to.deep.equal([ids.fix]);
    const fixed = page.locator(`[data-order="${ids.fix}"]`);
    await fixed.locator("[data-action=checkOnSite]").first().click();
    await page.waitForFunction((id) => document.querySelector(`[data-order="${id}"]`)?.textContent?.includes("Checked on site"), ids.fix);
    // Checked twice (another desk was quicker): the server's words, next to the order.
    const again = await client.call("staff", "POST", `/api/workorders/${ids.fix}/checkOnSite`, { passed: true });
    expect(again.body.error.code).to.equal("workorder_already_checked");
    await page.context().close();
  });

  it("the statistics page shows the server's figures and the heat map by building (zh-CN 390 px, en 1280 px, zh-CN 360 px large text)", async function () {
    const stats = (await client.call(undefined, "GET", "/api/workorders/stats?estate=1")).body;
    const pipes = stats.byCategory.find((c: { serviceCode: string }) => c.serviceCode === "burst-pipe");
    expect(pipes).to.deep.include({ received: 2, open: 1, resolved: 1, withinDeadline: 1, returned: 1 });
    expect(stats.total).to.deep.include({ received: 4, open: 3, resolved: 1, returned: 2, reopened: 0 });
    expect(stats.buildings).to.deep.equal([
      { building: 1, total: 1, open: 0 },
      { building: 2, total: 1, open: 1 },
      { building: 3, total: 1, open: 1 },
      { building: null, total: 1, open: 1 },
    ]);
    for (const [width, lang, large] of [[390, "zh-CN", false], [1280, "en", false], [360, "zh-CN", true]] as const) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      await context.addInitScript(
        ([l, big]) => {
          localStorage.setItem("gongzhi.lang", l as string);
          localStorage.setItem("gongzhi.largeText", big ? "1" : "0");
        },
        [lang, large] as const,
      );
      const page = await context.newPage();
      await page.goto(`${base}/#/workorders/stats?estate=1`);
      await page.waitForSelector("[data-testid=wo-heat]");
      const row = page.locator("[data-testid=wo-stats-categories] tr[data-code=burst-pipe]");
      const zh = lang === "zh-CN";
      expect(await row.locator("[data-col=received]").innerText()).to.equal("2");
      expect(await row.locator("[data-col=within]").innerText()).to.equal(zh ? "100.0%（1/1）" : "100.0% (1 of 1)");
      expect(await row.locator("[data-col=returned]").innerText()).to.equal(zh ? "50.0%（1/2）" : "50.0% (1 of 2)");
      expect(await page.locator("[data-testid=wo-stats-categories] tr[data-code=total] [data-col=received]").innerText()).to.equal("4");
      const tiles = await page.locator("[data-testid=wo-heat] li").evaluateAll((els) => els.map((e) => [e.getAttribute("data-building"), e.getAttribute("data-total"), e.getAttribute("data-open")]));
      expect(tiles).to.deep.equal([["1", "1", "0"], ["2", "1", "1"], ["3", "1", "1"], ["", "1", "1"]]);
      expect(await page.locator("[data-testid=wo-heat]").innerText()).to.contain(zh ? "3号楼" : "Building 3").and.to.contain(zh ? "公共区域等" : "Common areas");
      await problems(page, `wo-stats-${width}-${lang}${large ? "-large" : ""}`);
      await context.close();
    }
  });
});
