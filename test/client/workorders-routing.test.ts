// The community office's routing page (#/workorders/routing) in headless Chromium against the demo stack (a real
// Hardhat node, the server with its indexer and directory): staff see every category with its party and
// deadlines, change one (a refusal is the server's message next to the form and changes nothing; a good change is
// what the next report gets), retire one in two presses, issue an Open311 key (shown once) and revoke it; a
// resident is told the page is the office's; the page passes the layout audit at 390 and 1280 px in both languages.
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { buildClient, LAYOUTS, launchChromium, pageProblems, screenshot, signInAs, startStack } from "./browser.js";

type Category = { code: string; party: string; minutes: number; urgentMinutes: number };

describe("the office's work-order routing page (Chromium, demo stack)", function () {
  this.timeout(300_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  let staff: string;

  const categories = async (): Promise<Category[]> => ((await (await fetch(`${base}/api/workorders/categories`)).json()) as { items: Category[] }).items;
  const row = (page: Page, code: string) => page.locator(`[data-testid=wo-category][data-code="${code}"]`);

  async function open(width: number, lang: "zh-CN" | "en", who = staff): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addInitScript((l) => localStorage.setItem("gongzhi.lang", l), lang);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await signInAs(page, base, who);
    await page.goto(`${base}/#/workorders/routing`);
    return page;
  }

  before(async function () {
    await buildClient();
    stack = await startStack();
    base = stack.apiUrl;
    staff = stack.plan.staff[0]!.account.address;
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("in Chinese on a desktop: a bad value is refused in words and changes nothing; a good change is in force at once", async function () {
    const page = await open(1280, "zh-CN");
    await page.waitForSelector("[data-testid=wo-categories]");
    expect(await row(page, "burst-pipe").locator("[data-testid=wo-line]").innerText()).to.include("自来水公司").and.include("30 分钟");
    await row(page, "burst-pipe").locator("summary").click();
    const editor = row(page, "burst-pipe").locator("[data-testid=wo-editor]");
    await editor.locator("[data-testid=wo-minutes]").fill("0");
    await editor.locator("[data-testid=wo-save]").click();
    const refusal = editor.locator("[data-testid=wo-status] .notice.error");
    await refusal.waitFor();
    expect(await refusal.innerText()).to.include("分钟").and.match(/[\u4e00-\u9fff]/);
    expect((await categories()).find((c) => c.code === "burst-pipe")).to.include({ party: "water", minutes: 30 });

    await editor.locator("[data-testid=wo-party]").selectOption("property");
    await editor.locator("[data-testid=wo-minutes]").fill("45");
    await editor.locator("[data-testid=wo-urgent]").fill("20");
    await editor.locator("[data-testid=wo-save]").click();
    await page.waitForFunction(() => document.querySelector('[data-code="burst-pipe"] [data-testid=wo-line]')?.textContent?.includes("物业公司"));
    expect(await row(page, "burst-pipe").locator("[data-testid=wo-line]").innerText()).to.include("45 分钟").and.include("20 分钟");
    expect(await row(page, "burst-pipe").innerText()).to.include("最近修改");
    expect((await categories()).find((c) => c.code === "burst-pipe")).to.include({ party: "property", minutes: 45, urgentMinutes: 20 });
    await screenshot(page, "wo-routing-edited-1280-zh-CN");
    await page.context().close();
  });

  it("in English on a phone: retire a category in two presses; issue an Open311 key, shown once, and revoke it", async function () {
    const page = await open(390, "en");
    await page.waitForSelector("[data-testid=wo-categories]");
    expect(await row(page, "rubbish").locator("[data-testid=wo-line]").innerText()).to.equal("Sanitation: normal within 15 min, urgent within 15 min");
    await row(page, "greenery").locator("summary").click();
    const retire = row(page, "greenery").locator("[data-testid=wo-retire]");
    await retire.click();
    expect(await retire.innerText()).to.include("Press again");
    expect((await categories()).map((c) => c.code), "the first press asks only").to.include("greenery");
    await retire.click();
    await row(page, "greenery").locator(".badge", { hasText: "Retired" }).waitFor();
    expect((await categories()).map((c) => c.code)).to.not.include("greenery");

    await page.fill("[data-testid=key-app]", "Street 12345 platform");
    await page.click("[data-testid=key-issue]");
    const key = await page.locator("[data-testid=key-value]").innerText();
    expect(key).to.match(/^o311_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    // The key works for Open311 until it is revoked.
    const post = (apiKey: string) =>
      fetch(`${base}/open311/v2/requests.json`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ api_key: apiKey, service_code: "street-light", address_id: "e1.a.north-gate" }).toString() });
    expect((await post(key)).status).to.equal(201);
    await page.goto(`${base}/#/`);
    await page.goto(`${base}/#/workorders/routing`);
    const active = page.locator('[data-testid=key-row][data-state=active]', { hasText: "Street 12345 platform" });
    await active.waitFor();
    expect(await page.locator("main").innerText(), "the key is shown once only").to.not.include(key);
    await active.locator("[data-testid=key-revoke]").click();
    await page.locator('[data-testid=key-row][data-state=revoked]', { hasText: "Street 12345 platform" }).waitFor();
    expect((await post(key)).status).to.equal(403);
    await screenshot(page, "wo-routing-keys-390-en");
    await page.context().close();
  });

  it("a resident is told the page is the office's", async function () {
    const page = await open(390, "zh-CN", stack.plan.owners[0]!.account.address);
    const warn = page.locator("#main .notice.warn");
    await warn.waitFor();
    expect(await warn.innerText()).to.include("社区工作人员");
    expect(await page.locator("[data-testid=wo-categories]").count()).to.equal(0);
    await page.context().close();
  });

  it("passes the layout audit (axe-core, overflow) at 390 and 1280 px in Chinese and English", async function () {
    const problems: string[] = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    try {
      const page = await context.newPage();
      await signInAs(page, base, staff);
      for (const layout of LAYOUTS.filter((l) => (l.width === 390 || l.width === 1280) && !l.largeText)) {
        await page.setViewportSize({ width: layout.width, height: layout.height });
        if ((await page.evaluate(() => document.documentElement.lang)) !== layout.lang) {
          await page.click("[data-testid=lang-switch]");
          await page.waitForFunction((l) => document.documentElement.lang === l, layout.lang);
        }
        await page.goto(`${base}/#/`);
        await page.goto(`${base}/#/workorders/routing`);
        await page.waitForSelector("[data-testid=wo-categories]", { timeout: 30_000 });
        // The editor open too: its fields are part of what staff use.
        await row(page, "lift-fault").locator("summary").click();
        await page.waitForLoadState("networkidle").catch(() => undefined);
        const tag = `wo-routing-${layout.width}-${layout.lang}`;
        await screenshot(page, tag);
        for (const problem of await pageProblems(page)) problems.push(`${tag}: ${problem}`);
      }
    } finally {
      await context.close();
    }
    expect(problems).to.deep.equal([]);
  });
});
