// Satisfaction surveys in headless Chromium against the demo stack with its year of surveys (a real Hardhat node,
// the server with LevelDB and the vault, the built client). The public index: the overall score with its interval
// and n, the dimensions, the formula, the trend of four quarters, the heat map and the improvement task's before and
// after. The office defines this quarter's survey on its page; a resident answers with the big buttons (nothing
// sent until every question has an answer; once only); staff enter a paper form for the elderly resident who has a
// written authorisation, marked as entered by staff; the office closes the survey, and with fewer than 10
// households the index hides every figure, the heat map saying "fewer than 10". Every page in zh-CN and en at
// 1280 and 390 px: no horizontal overflow, no serious accessibility finding.
import { expect } from "chai";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { privateKeyOf } from "../../scripts/demo/seed.js";
import { startDemoStack, type DemoStack } from "../../scripts/demo/stack.js";
import { anyFreePort } from "../server/helpers/chain.js";
import { httpClient } from "../server/helpers/siwe-http.js";
import { auditLayouts, buildClient, clientDist, horizontalOverflow, LAYOUTS, launchChromium, screenshot, signInAs } from "./browser.js";

describe("satisfaction surveys: resident, staff, office and the public index with its heat map (Chromium, demo stack)", function () {
  this.timeout(900_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  let resident: string;
  let staff: string;
  let elderly: { address: string; authorisation: string } | undefined;
  const dataDir = path.join(tmpdir(), `gongzhi-surveys-${process.pid}`);
  const { call, signIn } = httpClient(() => stack.apiUrl, 31337);
  const four = LAYOUTS.filter((l) => !l.largeText);

  async function pageAs(width: number, lang: "zh-CN" | "en", who?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addInitScript((l) => localStorage.setItem("gongzhi.lang", l), lang);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    if (who) await signInAs(page, base, who);
    return page;
  }
  async function fits(page: Page, name: string) {
    expect(await horizontalOverflow(page), name).to.equal(null);
    await screenshot(page, name);
  }

  before(async function () {
    await buildClient();
    stack = await startDemoStack({ rpcPort: await anyFreePort(), apiPort: 0, dataDir, staticDir: clientDist, surveyYear: true });
    base = stack.apiUrl;
    browser = await launchChromium();
    resident = stack.plan.owners[3]!.account.address;
    staff = stack.plan.staff[0]!.account.address;
    await signIn("staff", privateKeyOf(stack.plan.staff[0]!));
    // The demo's elderly member without a phone signed a written authorisation (services) at the office.
    for (let id = 1; id < 50 && !elderly; id++) {
      const a = await call(undefined, "GET", `/api/proxy-authorizations/${id}`);
      if (a.status === 404) break;
      if ((a.body.scopes as string[]).includes("services") && a.body.status === "active") elderly = { address: a.body.resident as string, authorisation: String(a.body.id) };
    }
    expect(elderly, "the demo has a services authorisation").to.not.equal(undefined);
  });
  after(async function () {
    await browser?.close();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("the public index: overall with CI and n, dimensions, formula, four quarters' trend, heat map, before and after (en, 1280)", async function () {
    const page = await pageAs(1280, "en");
    await page.goto(`${base}/#/surveys/index`);
    await page.waitForSelector("[data-testid=svy-heatmap]");
    expect(await page.locator("[data-testid=svy-overall]").innerText()).to.match(/\d+\.\d .*95 % CI \d+\.\d–\d+\.\d.* n = 60/);
    expect(await page.locator("[data-testid=svy-dimensions] [role=row]").count()).to.equal(6);
    expect(await page.locator("[data-testid=svy-trend] [role=row]").count()).to.equal(5);
    const heat = page.locator("[data-testid=svy-heatmap] [role=row][data-hidden=no]");
    expect(await heat.count()).to.equal(3);
    expect(await heat.first().innerText()).to.contain("Building");
    expect(await page.locator("[data-testid=svy-heatmap] .svy-heat-3, [data-testid=svy-heatmap] .svy-heat-2").count()).to.be.greaterThan(0);
    expect(await page.locator("[data-testid=svy-formula]").innerText()).to.contain("Σ weight × score ÷ Σ weight").and.to.contain("1.96").and.to.contain("fewer than 10");
    const task = await page.locator("[data-testid=svy-before-after]").first().innerText();
    expect(task).to.match(/→ \d{4}Q\d \d+\.\d \(\+\d+\.\d; \+\d+ %\)/);
    // The safety task is linked to the micro-renewal fund's proposal for the solar street lamps (a real project).
    const tasks = (await (await fetch(`${stack.apiUrl}/api/surveys/tasks?estateId=1`)).json()) as { items: { dimension: string; link: { kind: string; ref: string; validated: boolean } | null }[] };
    const lamps = tasks.items.find((t) => t.dimension === "safety" && t.link)?.link;
    expect(lamps).to.deep.include({ kind: "renewal", validated: true });
    expect(await page.locator("[data-testid=svy-tasks]").innerText()).to.contain(lamps!.ref).and.to.contain("Done");
    await fits(page, "surveys-index-en-1280");
    await page.context().close();
  });

  it("the office defines this quarter's survey on its page (en, 1280)", async function () {
    const page = await pageAs(1280, "en", staff);
    await page.goto(`${base}/#/surveys/office`);
    await page.waitForSelector("[data-testid=svy-define]");
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    await page.fill("[data-testid=svy-quarter]", "2026Q4");
    await page.fill("[data-testid=svy-opens]", day(0));
    await page.fill("[data-testid=svy-closes]", day(7));
    await page.fill("[data-testid=svy-weight-safety]", "2");
    await page.click("[data-testid=svy-define-save]");
    await page.waitForSelector("[data-testid=svy-close]");
    expect(await page.locator("[data-testid=svy-list]").innerText()).to.contain("2026Q4").and.to.contain("Open");
    expect(await page.locator("[data-testid=svy-tasks]").innerText()).to.contain("Safety");
    await fits(page, "surveys-office-en-1280");
    await page.context().close();
  });

  it("a resident answers once with the big buttons (zh-CN, 390 px)", async function () {
    const page = await pageAs(390, "zh-CN", resident);
    await page.goto(`${base}/#/surveys`);
    await page.waitForSelector("form[data-testid^=svy-form-]");
    expect(await page.locator("[data-testid=svy-anonymous]").innerText()).to.contain("不记名");
    await page.click("[data-testid=svy-send]");
    expect(await page.locator("[data-testid=svy-result]").innerText()).to.contain("还有问题没选");
    const radios = page.locator("form[data-testid^=svy-form-] input[type=radio][value='4']");
    expect(await radios.count()).to.equal(14);
    for (const radio of await radios.all()) await radio.check();
    await fits(page, "survey-resident-zh-390");
    await page.click("[data-testid=svy-send]");
    await page.waitForSelector("[data-testid=svy-answered]");
    expect(await page.locator("[data-testid=svy-answered]").innerText()).to.contain("已经答过了");
    await page.context().close();
  });

  it("staff enter a paper form for the elderly resident, marked as entered by staff (en, 390 px)", async function () {
    const page = await pageAs(390, "en", staff);
    await page.goto(`${base}/#/surveys/paper`);
    await page.waitForSelector("[data-testid=svy-paper-form]");
    await page.fill("[data-testid=svy-resident]", elderly!.address);
    await page.fill("[data-testid=svy-authorisation]", elderly!.authorisation);
    for (const radio of await page.locator("[data-testid=svy-paper-form] input[type=radio][value='5']").all()) await radio.check();
    await page.click("[data-testid=svy-send]");
    await page.waitForSelector("[data-testid=svy-proxy-mark]");
    expect(await page.locator("[data-testid=svy-result]").innerText()).to.contain("Entered by staff").and.to.contain("paper form");
    // Once only: the same household again is refused.
    for (const radio of await page.locator("[data-testid=svy-paper-form] input[type=radio][value='3']").all()) await radio.check();
    await page.click("[data-testid=svy-send]");
    await page.waitForFunction(() => document.querySelector("[data-testid=svy-result]")?.textContent?.includes("already answered"));
    await fits(page, "survey-paper-en-390");
    await page.context().close();
  });

  it("every page fits and passes the audit in zh-CN and en at 1280 and 390 px", async function () {
    const as = (who: string) => (page: Page) => signInAs(page, base, who);
    const problems = [
      ...(await auditLayouts(browser, base, "#/surveys/index", "[data-testid=svy-heatmap]", "surveys-index", LAYOUTS)),
      ...(await auditLayouts(browser, base, "#/surveys", "form[data-testid^=svy-form-]", "survey-resident", four, as(stack.plan.owners[7]!.account.address))),
      ...(await auditLayouts(browser, base, "#/surveys/paper", "[data-testid=svy-paper-form]", "survey-paper", four, as(staff))),
      ...(await auditLayouts(browser, base, "#/surveys/office", "[data-testid=svy-list]", "survey-office", four, as(staff))),
    ];
    expect(problems).to.deep.equal([]);
  });

  it("the office closes it; with fewer than 10 households every figure is hidden, the heat map says so (zh-CN, 390 px)", async function () {
    const office = await pageAs(1280, "en", staff);
    await office.goto(`${base}/#/surveys/office`);
    await office.click("[data-testid=svy-close]");
    await office.waitForFunction(() => !document.querySelector("[data-testid=svy-close]"));
    expect(await office.locator("[data-testid=svy-list]").innerText()).to.contain("2 (1 online, 1 on paper)");
    await office.context().close();
    const page = await pageAs(390, "zh-CN");
    await page.goto(`${base}/#/surveys/index`);
    await page.waitForSelector("[data-testid=svy-heatmap]");
    expect(await page.locator("[data-testid=svy-overall]").innerText()).to.contain("不足 10 户");
    const rows = page.locator("[data-testid=svy-heatmap] [role=row][data-hidden=fewerThanK]");
    expect(await rows.count()).to.be.greaterThan(0);
    expect(await rows.first().innerText()).to.contain("不足 10 户");
    expect(await page.locator("[data-testid=svy-heatmap] [role=row][data-hidden=no]").count()).to.equal(0);
    await fits(page, "surveys-index-hidden-zh-390");
    await page.context().close();
  });
});
