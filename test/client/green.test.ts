// The green account in headless Chromium against the demo stack (a real Hardhat node, the server with its LevelDB
// and vault, the built client), with the demo's partners played into it and a bin registered as a device: a
// household has its card issued and sees its QR code and pending points; its bin's signed events wait in the
// volunteer's queue, where the volunteer confirms them; the corner shop scans a photo of the card (the QR code
// decoded in the page from the picture the household's page showed) and redeems goods; the office's page shows the
// statistics with their denominators; staff open the household's page acting for it, marked as such. Every page in
// zh-CN and en at desktop, phone and large text: no overflow, no serious accessibility finding.
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { signDeviceRequest } from "../../server/src/services/devices/index.js";
import { playPartners } from "../../scripts/demo/partners.js";
import { privateKeyOf } from "../../scripts/demo/seed.js";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { httpClient } from "../server/helpers/siwe-http.js";
import { auditLayouts, buildClient, horizontalOverflow, LAYOUTS, launchChromium, screenshot, signInAs, startStack } from "./browser.js";

describe("green account: the household, the volunteer, the partner and the office (Chromium, demo stack)", function () {
  this.timeout(900_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  let staff: string;
  let resident: string;
  let volunteer: string;
  let shopAccount: string;
  let household = "";
  let flat = { label: "", labelEn: "" };
  let unitId = 0;
  let cardPng = "";
  const { call, signIn } = httpClient(() => stack.apiUrl, 31337);

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
    stack = await startStack();
    base = stack.apiUrl;
    browser = await launchChromium();
    const { plan } = stack;
    const played = await playPartners({ apiUrl: stack.apiUrl, chainId: 31337, plan, at: () => undefined, start: Math.floor(Date.now() / 1000) });
    const shop = played.ids["hemu-shop"]!;
    staff = plan.staff[0]!.account.address;
    volunteer = plan.volunteers[0]!.account.address;
    shopAccount = plan.partners[1]!.account.address;
    const owner = plan.owners[3]!;
    resident = owner.account.address;
    await signIn("staff", privateKeyOf(plan.staff[0]!));
    await signIn("resident", privateKeyOf(owner));
    const rules = { pointsByKind: { kitchen: 2, recyclable: 2, hazardous: 3, other: 1 }, dailyCap: 20, minIntervalSeconds: 30, expiryDays: 60, sampleRatePercent: 100, volunteers: [volunteer.toLowerCase()] };
    expect((await call("staff", "POST", "/api/green/setSettings", rules)).status).to.equal(201);
    expect((await call("staff", "POST", "/api/green/addItem", { partner: shop, offerId: "o1", title: "可降解垃圾袋一卷", titleEn: "A roll of compostable bin bags", points: 4, stock: 3 })).status).to.equal(201);
    const reg = await call("staff", "POST", "/api/devices/register", { device: "bin-test-east", kind: "smartBin", place: { estateId: 1, building: 1 } });
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    const secret = Buffer.from(reg.body.secret as string, "hex");
    const mine = await call("resident", "GET", "/api/green/households");
    unitId = mine.body.items[0].unitId as number;
    household = `h-${unitId}`;
    // The flat's label in the directory (public): what the pages must show in place of the unit id.
    flat = (await call(undefined, "GET", `/api/directory/units/${unitId}`)).body.label as { label: string; labelEn: string };
    expect(flat?.label, "the demo labels its flats").to.be.a("string");
    expect((await call("resident", "POST", "/api/green/issueCard", { unitId })).status).to.equal(201);
    const card = (await call("resident", "GET", "/api/green/households")).body.items[0].card as string;
    const now = Math.floor(Date.now() / 1000);
    for (const [i, kind] of ["kitchen", "recyclable", "kitchen"].entries()) {
      const bytes = Buffer.from(JSON.stringify({ eventId: `t-${i}`, card, kind, correct: true, weightGrams: 900 + i * 100 }));
      const at = now - 200 + i * 60;
      const res = await fetch(`${base}/api/green/sorting`, { method: "POST", headers: { "content-type": "application/json", "x-gongzhi-device": "bin-test-east", "x-gongzhi-timestamp": String(at), "x-gongzhi-signature": signDeviceRequest(secret, at, bytes) }, body: new Uint8Array(bytes) });
      expect(res.status, await res.clone().text()).to.equal(201);
    }
  });
  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("the household sees its card's QR code and its points pending (zh-CN, 390 px)", async function () {
    const page = await pageAs(390, "zh-CN", resident);
    await page.goto(`${base}/#/green`);
    await page.waitForSelector("[data-testid=grn-card-qr][src^='data:image/png']");
    // The picture of the card, as a phone would photograph it, for the partner's scan below.
    const src = await page.locator("[data-testid=grn-card-qr]").first().getAttribute("src");
    cardPng = path.join(tmpdir(), `green-card-${process.pid}.png`);
    writeFileSync(cardPng, Buffer.from(src!.split(",")[1]!, "base64"));
    expect(await page.locator("[data-testid=grn-balances-pending]").first().innerText()).to.equal("6");
    expect(await page.locator("[data-testid=grn-entries]").first().innerText()).to.contain("待确认").and.to.contain("可回收物");
    // The flat by its label, never by the unit id ("房屋 5 的绿色账户" before).
    expect(await page.locator("[data-testid=grn-household] h2").first().innerText()).to.equal(`${flat.label} 的绿色账户`);
    expect(await page.locator("main").innerText()).to.not.contain(`房屋 ${unitId}`).and.not.contain(`房屋 #${unitId}`);
    // The points by state as cards with big figures, several to a row on the phone (a bare list before).
    const figures = await page.locator("[data-testid=grn-balances] > div").evaluateAll((els) =>
      els.map((el) => ({ border: getComputedStyle(el).borderTopWidth, top: Math.round(el.getBoundingClientRect().top), size: parseFloat(getComputedStyle(el.querySelector("dd")!).fontSize), body: parseFloat(getComputedStyle(document.body).fontSize) })),
    );
    expect(figures).to.have.length(5);
    const shown = { cards: figures.every((f) => f.border !== "0px"), bigFigures: figures.every((f) => f.size > f.body * 1.5), severalToARow: new Set(figures.map((f) => f.top)).size < figures.length };
    expect(shown, JSON.stringify(figures)).to.deep.equal({ cards: true, bigFigures: true, severalToARow: true });
    await fits(page, "green-household-zh-390");
  });

  it("the volunteer confirms the bin's events; the points become active (en, desktop)", async function () {
    const page = await pageAs(1280, "en", volunteer);
    await page.goto(`${base}/#/green/bins?bin=bin-test-east`);
    await page.waitForSelector("[data-testid=grn-queue]");
    expect(await page.locator("[data-testid=grn-queue-row]").count()).to.equal(3);
    // Whose sorting: the flat's label, not "Flat 5" (the household id less its "h-").
    const row = await page.locator("[data-testid=grn-queue-row]").first().innerText();
    expect(row).to.contain(flat.labelEn).and.not.match(new RegExp(`Flat ${unitId}\\b`));
    for (let left = 3; left > 0; left--) {
      await page.locator("[data-testid=grn-confirm]").first().click();
      await page.waitForFunction((n) => document.querySelectorAll("[data-testid=grn-queue-row]").length === n - 1, left);
    }
    await page.waitForSelector("text=Nothing waits for confirmation at this bin.");
    await fits(page, "green-bins-en-1280");
    const mine = await call("resident", "GET", "/api/green/households");
    expect(mine.body.items[0].balances).to.include({ active: 6, pending: 0 });
  });

  it("the corner shop scans a photo of the card and redeems goods; too many is refused with the reason (zh-CN, 390 px)", async function () {
    const page = await pageAs(390, "zh-CN", shopAccount);
    await page.goto(`${base}/#/green/redeem`);
    await page.waitForSelector("[data-testid=grn-scan-photo]", { state: "attached" });
    await page.setInputFiles("[data-testid=grn-scan-photo]", cardPng);
    await page.waitForSelector("[data-testid=grn-scanned-household]");
    expect(await page.locator("[data-testid=grn-scanned-household]").innerText()).to.equal(`${flat.label} 的卡（有效）`);
    expect(await page.locator("[data-testid=grn-scanned-balances-active]").innerText()).to.equal("6");
    await page.fill("[data-testid=grn-quantity]", "2");
    await page.click("[data-testid=grn-redeem]");
    await page.waitForSelector("[data-testid=grn-redeem-result] .notice.error");
    expect(await page.locator("[data-testid=grn-redeem-result]").innerText()).to.contain("可用积分只有 6 分");
    await page.fill("[data-testid=grn-quantity]", "1");
    await page.click("[data-testid=grn-redeem]");
    await page.waitForSelector("[data-testid=grn-partner-redemptions] tbody tr");
    expect(await page.locator("[data-testid=grn-partner-redemptions]").innerText()).to.contain("可降解垃圾袋").and.contain(flat.label);
    await fits(page, "green-redeem-zh-390");
    const mine = await call("resident", "GET", "/api/green/households");
    expect(mine.body.items[0].balances).to.include({ active: 2, spent: 4 });
    expect(mine.body.items[0].household).to.equal(household);
  });

  it("the office's statistics show each rate with its denominator; staff open the household acting for it, marked (en, desktop)", async function () {
    const page = await pageAs(1280, "en", staff);
    await page.goto(`${base}/#/green/office`);
    await page.waitForSelector("[data-testid=grn-stats]");
    const stats = (await call(undefined, "GET", "/api/green/stats")).body.items as { participation: { numerator: number; denominator: number } }[];
    expect(stats.length).to.be.greaterThan(0);
    const text = await page.locator("[data-testid=grn-stats]").innerText();
    expect(text).to.contain(`(${stats[0]!.participation.numerator} / ${stats[0]!.participation.denominator})`);
    expect(await page.locator("[data-testid=grn-settings]").count()).to.equal(1);
    await fits(page, "green-office-en-1280");
    await page.goto(`${base}/#/green?for=${resident}`);
    await page.waitForSelector("[data-testid=grn-for]");
    expect(await page.locator("[data-testid=grn-for]").innerText()).to.match(/for|代/i);
    await page.waitForSelector("[data-testid=grn-card]");
  });

  it("every green page in zh-CN and en, at desktop, phone and large text: no overflow, no serious accessibility finding", async function () {
    const four = LAYOUTS.filter((l) => !l.largeText);
    const as = (who: string) => (page: Page) => signInAs(page, base, who);
    const problems = [
      ...(await auditLayouts(browser, base, "#/green", "[data-testid=grn-card]", "green-household", LAYOUTS, as(resident))),
      ...(await auditLayouts(browser, base, "#/green/bins?bin=bin-test-east", "[data-testid=grn-bin]", "green-bins", four, as(volunteer))),
      ...(await auditLayouts(browser, base, "#/green/redeem", "[data-testid=grn-scan]", "green-redeem", four, as(shopAccount))),
      ...(await auditLayouts(browser, base, "#/green/office", "[data-testid=grn-stats]", "green-office", LAYOUTS, as(staff))),
    ];
    expect(problems).to.deep.equal([]);
  });
});
