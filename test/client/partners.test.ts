// Community partners in headless Chromium against the demo stack (a real Hardhat node, the server with its LevelDB
// and vault, the built client), with the demo's partners played into it (scripts/demo/partners.ts). The public
// directory filters by currency; the canteen's page shows the time-bank credits redeemed with it as the chain's
// read models have them; a resident books the café's room, and a taken slot and a closed hour are refused with the
// server's message; the café signs in to its desk, publishes an offer and records goods given; a business applies
// from the desk and the office approves it on its page, reading its contact (an audited read). No contact value is
// in the public pages' HTML. Every page in zh-CN and en at 1280 and 390 px: no overflow, no serious axe finding.
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { playPartners } from "../../scripts/demo/partners.js";
import { privateKeyOf } from "../../scripts/demo/seed.js";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { httpClient } from "../server/helpers/siwe-http.js";
import { auditLayouts, buildClient, horizontalOverflow, LAYOUTS, launchChromium, screenshot, signInAs, startStack } from "./browser.js";

type Listed = { id: string; name: string; offers: { offerId: string; kind: string }[] };

describe("community partners: directory, a partner's page, the partner's desk and the office (Chromium, demo stack)", function () {
  this.timeout(600_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  let staff: string;
  let resident: string;
  let applicant: string;
  let cafeOwner: string;
  let cafe = "";
  let canteen = "";
  const { call, signIn } = httpClient(() => stack.apiUrl, 31337);
  const CONTACTS = ["周女士", "13800000103", "陈师傅", "13800000101", "吴药师"];

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
    // The demo's partners, played now on the services' own clock (no travel: every booking is in the coming days).
    const played = await playPartners({ apiUrl: stack.apiUrl, chainId: 31337, plan, at: () => undefined, start: Math.floor(Date.now() / 1000) });
    expect(played).to.include({ partners: 6, linked: 2, bookings: 6 });
    await played.upcoming();
    staff = plan.staff[0]!.account.address;
    cafeOwner = plan.owners[60 % plan.owners.length]!.account.address;
    resident = plan.owners[5]!.account.address;
    applicant = plan.owners[99]!.account.address;
    await signIn("staff", privateKeyOf(plan.staff[0]!));
    const list = (await call(undefined, "GET", "/api/partners/directory?limit=100")).body.items as Listed[];
    cafe = list.find((p) => p.name === "邻里咖啡馆")!.id;
    canteen = list.find((p) => p.name === "和睦社区食堂")!.id;
  });
  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("the public directory filters by currency; the canteen's page shows the credits redeemed with it on chain (zh-CN, 390 px)", async function () {
    const page = await pageAs(390, "zh-CN");
    await page.goto(`${base}/#/partners`);
    await page.waitForSelector("[data-testid=ptn-directory]");
    expect(await page.locator("[data-testid=ptn-directory] > li").count()).to.equal(6);
    await page.selectOption("[data-testid=ptn-filter-currency]", "greenPoints");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=ptn-directory] > li").length === 2);
    const green = await page.locator("[data-testid=ptn-directory]").innerText();
    expect(green).to.contain("和睦便民超市").and.to.contain("仁心大药房").and.to.contain("绿色积分");
    await fits(page, "partners-directory-zh-390");
    expect(await page.content()).to.not.contain("13800000");

    await page.goto(`${base}/#/partners/${canteen}`);
    await page.waitForSelector("[data-testid=ptn-credits]");
    const onChain = (await call(undefined, "GET", `/api/timebank/redemptions?partner=${stack.plan.partners[0]!.account.address}`)).body.items as { minutes: number; recordId: string }[];
    expect(onChain.length).to.be.greaterThan(0);
    const rows = page.locator("[data-testid=ptn-credits] tbody tr");
    expect(await rows.count()).to.equal(onChain.length);
    for (const r of onChain) expect(await page.locator("[data-testid=ptn-credits]").innerText()).to.contain(`#${r.recordId}`);
    const total = onChain.reduce((s, r) => s + r.minutes, 0);
    expect(await page.locator("[data-testid=sum-timebank]").innerText()).to.contain(String(onChain.length));
    expect((await call(undefined, "GET", `/api/partners/${canteen}`)).body.summary.timebankMinutes).to.equal(total);
    await fits(page, "partner-canteen-zh-390");
    const html = await page.content();
    for (const c of CONTACTS) expect(html).to.not.contain(c);
  });

  it("a resident books the café's room: a taken slot and a closed hour are refused with the reason; a free one is booked (en, desktop)", async function () {
    const page = await pageAs(1280, "en", resident);
    await page.goto(`${base}/#/partners/${cafe}`);
    await page.waitForSelector("[data-testid=book-form]");
    // The demo booked next Saturday 10:00–11:00 China time.
    const taken = ((await call(undefined, "GET", `/api/partners/${cafe}/bookings?from=${Math.floor(Date.now() / 1000)}`)).body.items as { start: number }[]).map((b) => b.start);
    // The one on a Saturday at 10:00 (China time): 1970-01-01 was a Thursday.
    const china = (t: number) => ({ day: ((Math.floor((t + 8 * 3600) / 86_400) + 3) % 7) + 1, minute: Math.floor(((t + 8 * 3600) % 86_400) / 60) });
    const slot = taken.find((t) => china(t).day === 6 && china(t).minute === 600)!;
    expect(slot, "the demo's Saturday booking").to.be.a("number");
    const saturday = new Date((slot + 8 * 3600) * 1000).toISOString().slice(0, 10);
    await page.fill("[data-testid=book-date]", saturday);
    await page.fill("[data-testid=book-time]", "10:30");
    await page.click("[data-testid=book-send]");
    await page.waitForSelector("[data-testid=book-result] .notice.error");
    expect(await page.locator("[data-testid=book-result]").innerText()).to.contain("overlaps booking");
    await page.fill("[data-testid=book-time]", "15:30");
    await page.click("[data-testid=book-send]");
    await page.waitForFunction(() => document.querySelector("[data-testid=book-result]")?.textContent?.includes("outside the opening times"));
    expect(await page.locator("[data-testid=book-result]").innerText()).to.contain("10:00–16:00");
    await page.fill("[data-testid=book-time]", "13:00");
    await page.click("[data-testid=book-send]");
    await page.waitForSelector("[data-testid=book-result] .notice.ok");
    const mine = (await (await fetch(`${base}/api/partners/${cafe}`)).json()) as { bookings: { start: number; status: string }[] };
    expect(mine.bookings.map((b) => b.start)).to.include(Date.parse(`${saturday}T13:00:00+08:00`) / 1000);
    await fits(page, "partner-cafe-booked-en-1280");
  });

  it("the café at its desk publishes an offer and records goods given; a business applies and the office approves it (zh-CN and en, 390 px)", async function () {
    const desk = await pageAs(390, "zh-CN", cafeOwner);
    await desk.goto(`${base}/#/partners/desk`);
    await desk.waitForSelector("[data-testid=offer-form]");
    expect(await desk.locator("[data-testid=ptn-desk-name]").innerText()).to.equal("邻里咖啡馆");
    // Nothing typed: told, and nothing sent.
    await desk.click("[data-testid=offer-add]");
    expect(await desk.locator("[data-testid=offer-result]").innerText()).to.equal("请填写所有必填项。");
    await desk.selectOption("[data-testid=offer-kind]", "goods");
    await desk.fill("[data-testid=offer-title]", "每周五免费面包");
    await desk.fill("[data-testid=offer-title-en]", "Free bread on Fridays");
    await desk.check("[data-testid=offer-accepts] input[data-code=greenPoints]");
    await desk.click("[data-testid=offer-add]");
    await desk.waitForSelector("[data-testid=ptn-offers] [data-offer=o3]");
    await desk.waitForSelector("[data-testid=given-form], [data-testid=given-offer]");
    await desk.selectOption("[data-testid=given-offer]", "o3");
    await desk.fill("[data-testid=given-quantity]", "20");
    await desk.fill("[data-testid=given-value]", "60");
    await desk.click("[data-testid=given-send]");
    await desk.waitForFunction(() => document.querySelector("[data-testid=sum-given]")?.textContent?.includes("¥60.00") || document.querySelector("[data-testid=sum-given]")?.textContent?.includes("60.00"));
    await desk.click("[data-testid=ptn-contact-show]");
    await desk.waitForFunction(() => document.querySelector("[data-testid=ptn-contact]")?.textContent?.includes("周女士"));
    await fits(desk, "partner-desk-zh-390");

    const apply = await pageAs(390, "en", applicant);
    await apply.goto(`${base}/#/partners/desk`);
    await apply.waitForSelector("[data-testid=ptn-apply]");
    await apply.selectOption("[data-testid=ptn-kind]", "education");
    await apply.fill("[data-testid=ptn-name-zh]", "阳光书法班");
    await apply.fill("[data-testid=ptn-name-en]", "Sunshine Calligraphy Class");
    await apply.fill("[data-testid=ptn-contact-name]", "冯老师");
    await apply.fill("[data-testid=ptn-contact-phone]", "13911112222");
    await apply.click("[data-testid=ptn-apply]");
    await apply.waitForFunction(() => document.body.textContent?.includes("waiting for the community office"));
    await fits(apply, "partner-applied-en-390");

    const office = await pageAs(390, "en", staff);
    await office.goto(`${base}/#/partners/office`);
    const card = office.locator("[data-testid=ptn-pending] li").first();
    await card.waitFor();
    expect(await card.innerText()).to.contain("Sunshine Calligraphy Class");
    await card.locator("[data-testid=ptn-contact-show]").click();
    await office.waitForFunction(() => document.querySelector("[data-testid=ptn-pending] [data-testid=ptn-contact]")?.textContent?.includes("13911112222"));
    await card.locator("[data-testid=ptn-approve]").click();
    await office.waitForSelector("[data-testid=ptn-no-pending]");
    await fits(office, "partners-office-en-390");
    const listed = (await call(undefined, "GET", "/api/partners/directory?limit=100")).body.items as Listed[];
    expect(listed.map((p) => p.name)).to.include("阳光书法班");
    const publicHtml = JSON.stringify(listed);
    expect(publicHtml).to.not.contain("冯老师").and.to.not.contain("13911112222");
  });

  it("every partner page in zh-CN and en, at desktop, phone and large text: no overflow, no serious accessibility finding", async function () {
    const four = LAYOUTS.filter((l) => !l.largeText);
    const as = (who: string) => (page: Page) => signInAs(page, base, who);
    const problems = [
      ...(await auditLayouts(browser, base, "#/partners", "[data-testid=ptn-directory]", "partners-public", LAYOUTS)),
      ...(await auditLayouts(browser, base, `#/partners/${cafe}`, "[data-testid=ptn-bookings]", "partner-public", LAYOUTS)),
      ...(await auditLayouts(browser, base, `#/partners/${cafe}`, "[data-testid=book-form]", "partner-book", four, as(resident))),
      ...(await auditLayouts(browser, base, "#/partners/desk", "[data-testid=offer-form]", "partner-desk", four, as(cafeOwner))),
      ...(await auditLayouts(browser, base, "#/partners/office", "[data-testid=ptn-all]", "partners-office", four, as(staff))),
    ];
    expect(problems).to.deep.equal([]);
  });
});
