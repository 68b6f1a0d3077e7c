// Work orders from the resident's side, in headless Chromium against the demo stack (a real Hardhat node, the
// server with its indexer, anchorer and LevelDB): a resident reports a burst pipe in their flat and finds it in
// their list with its deadline; the public list shows it without personal data; the water company moves it along
// over HTTP, and the resident confirms and rates the fix on the order's page (a refusal of the server told in its
// words first), each step with a receipt of its record; staff type a 12345 call for a resident under a written
// authorisation from the staff desk, and the order says so. zh-CN and en, 390 and 1280 px, no sideways scrolling.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { createWalletClient, http, keccak256, toBytes, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { chainFor, makePublicClient } from "../../server/src/chain/clients.js";
import { demoContracts, privateKeyOf } from "../../scripts/demo/seed.js";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { makeWriter } from "../../scripts/demo/tx.js";
import { httpClient } from "../server/helpers/siwe-http.js";
import { auditLayouts, buildClient, eventually, horizontalOverflow, LAYOUTS, launchChromium, screenshot, signInAs, startStack } from "./browser.js";

type Step = { event: string; recordId: number; by: string };

describe("work orders, the resident's pages (Chromium, demo stack)", function () {
  this.timeout(600_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  let resident: string;
  let orderId: string;
  // What the resident writes (personal data: kept in the vault, shown only to them, the party and staff).
  const REPORT_TEXT = "厨房水槽下面的水管爆了，水流到客厅";
  const plumberKey: Hex = generatePrivateKey();
  const { call, signIn } = httpClient(() => stack.apiUrl, 31337);

  async function pageAs(width: number, lang: "zh-CN" | "en", who?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addInitScript((l) => localStorage.setItem("gongzhi.lang", l), lang);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    if (who) await signInAs(page, base, who);
    return page;
  }

  /** Clicks a step's receipt button until its batch is anchored and the receipt downloads; the receipt's JSON. */
  async function receiptOf(page: Page, event: string): Promise<{ record: { kind: string; id: string; recordId: number } }> {
    const button = page.locator(`[data-testid=wo-history] li[data-event=${event}] [data-testid=wo-receipt]`);
    return eventually(async () => {
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: 3000 }), button.click()]);
      return JSON.parse(readFileSync((await download.path())!, "utf8"));
    }, 60_000, `the receipt of the ${event} step`);
  }

  before(async function () {
    await buildClient();
    stack = await startStack();
    base = stack.apiUrl;
    browser = await launchChromium();
    const holder = stack.plan.buildings[0]!.units.find((u) => u.holder !== "developer")!.holder as number;
    resident = stack.plan.owners[holder]!.account.address;
    await signIn("staff", privateKeyOf(stack.plan.staff[0]!));
    await signIn("plumber", plumberKey);
    const assigned = await call("staff", "POST", "/api/workorders/parties/assign", { member: privateKeyToAccount(plumberKey).address.toLowerCase(), party: "water" });
    expect(assigned.status, JSON.stringify(assigned.body)).to.equal(201);
  });

  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("a resident reports a burst pipe in their flat and sees it in their list with its deadline; the public list shows it without personal data (zh-CN, 390 px)", async function () {
    const page = await pageAs(390, "zh-CN", resident);
    await page.click("[data-nav=workorders]");
    expect(await page.locator("[data-nav=workorders]").innerText()).to.equal("报修");
    await page.click("[data-testid=wo-new]");
    await page.waitForSelector("[data-testid=wo-form]");
    // Sending without a category is told next to the categories, and sends nothing.
    await page.click("[data-testid=wo-submit]");
    expect(await page.locator("[data-testid=field-error]").innerText()).to.equal("请先选一个问题类别。");
    await page.check("[data-testid=wo-cat-water-burst-pipe]");
    // The resident's own flat is the place unless they choose another.
    const place = page.locator("[data-testid=wo-place] label:has(input:checked)");
    const flat = /^我家（(\d+号楼 \d+单元 \d+)）$/.exec(await place.innerText())?.[1];
    expect(flat, "the resident's flat by its label").to.be.a("string");
    // The choices of a building or a common area show only when that is the place chosen.
    expect([await page.locator("[data-testid=wo-building]").isVisible(), await page.locator("[data-testid=wo-area]").isVisible()]).to.deep.equal([false, false]);
    await page.fill("[data-testid=wo-text]", REPORT_TEXT);
    expect(await page.locator("[data-testid=wo-photo]").getAttribute("capture"), "the phone's camera").to.equal("environment");
    // The shared file chooser (lib/file-input.ts) in Chinese, not Chromium's "Choose File"; the chosen photo's name shown.
    const photoField = page.locator("[data-testid=wo-photo]").locator("xpath=ancestor::div[contains(@class, 'field')]");
    expect(await photoField.innerText()).to.contain("拍照或选择照片").and.contain("未选择文件");
    await page.setInputFiles("[data-testid=wo-photo]", { name: "pipe.png", mimeType: "image/png", buffer: Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from("a burst pipe, photographed")]) });
    expect(await photoField.innerText()).to.contain("pipe.png").and.not.contain("未选择文件");
    expect(await horizontalOverflow(page)).to.equal(null);
    await screenshot(page, "workorders-new-zh-390");
    await page.click("[data-testid=wo-submit]");
    const created = page.locator("[data-testid=wo-created]");
    await created.waitFor({ timeout: 30_000 });
    orderId = (await created.getAttribute("data-order"))!;
    const order = (await call(undefined, "GET", `/api/workorders/${orderId}`)).body;
    expect(order).to.deep.include({ serviceCode: "burst-pipe", status: "dispatched", party: "water", channel: "resident", priority: "normal" });
    expect(order.clocks.deadline - order.receivedAt, "a burst pipe: 30 minutes").to.equal(30 * 60);
    expect(order.place.unitId).to.be.a("number");
    const deadline = new Date(order.clocks.deadline * 1000);
    const hhmm = `${String(deadline.getHours()).padStart(2, "0")}:${String(deadline.getMinutes()).padStart(2, "0")}`;
    expect(await page.locator("[data-testid=wo-result]").innerText()).to.contain("已派给自来水公司").and.to.contain(`${hhmm} 前处理好`);

    // In their list, with its progress and deadline.
    await page.click("[data-nav=workorders]");
    const mine = page.locator(`[data-testid=wo-mine] [data-order="${orderId}"]`);
    await mine.waitFor();
    const text = await mine.innerText();
    expect(text).to.contain("水管爆裂").and.to.contain("已派给维修单位").and.to.contain(`${hhmm} 前处理好`).and.to.contain("从报修算起");
    expect(text).to.contain(flat!);
    // The public list shows it too, with no address or name of anyone.
    const open = page.locator(`[data-testid=wo-open] [data-order="${orderId}"]`);
    await open.waitFor();
    expect(await open.innerText()).to.contain("水管爆裂");
    const publicText = await page.locator("#wo-open-h").locator("..").innerText();
    expect(publicText).to.not.match(/0x[0-9a-fA-F]{6,}/);
    const publicJson = JSON.stringify((await call(undefined, "GET", `/api/workorders/open?estate=${order.place.estateId}&limit=100`)).body);
    expect(publicJson).to.contain(orderId).and.not.to.contain(resident.slice(2).toLowerCase()).and.not.to.contain(REPORT_TEXT);
    expect(publicText).to.not.contain(REPORT_TEXT);
    expect(JSON.stringify((await call(undefined, "GET", `/api/workorders/${orderId}`)).body)).to.not.contain(REPORT_TEXT);
    expect(await horizontalOverflow(page)).to.equal(null);
    await screenshot(page, "workorders-mine-zh-390");
    // The order's page shows the reporter what they wrote.
    await page.goto(`${base}/#/workorders/${orderId}`);
    const written = page.locator("[data-testid=wo-texts] li[data-event=reported]");
    await written.waitFor();
    expect(await written.innerText()).to.contain("报修时写的").and.to.contain("您写的").and.to.contain(REPORT_TEXT);
    // Its photo as a thumbnail, fetched with the resident's session (not public: the public API names no photo).
    await page.waitForSelector("[data-testid=wo-photos] img[data-loaded=true]");
    expect((await call(undefined, "GET", `/api/workorders/${orderId}/history`)).body.items[0].photos).to.equal(1);
    expect(await horizontalOverflow(page)).to.equal(null);
    await page.context().close();
  });

  it("signed out, the public list and a prompt to sign in; the pages fit and pass the audit in both languages at 1280 and 390 px", async function () {
    // Every layout: both languages at 1280 and 390 px, and large text on narrow phones.
    const layouts = LAYOUTS;
    const problems = [
      ...(await auditLayouts(browser, base, "#/workorders", `[data-testid=wo-open] [data-order="${orderId}"]`, "workorders-public", layouts)),
      ...(await auditLayouts(browser, base, `#/workorders/${orderId}`, "[data-testid=wo-history] li", "workorder-page", layouts)),
    ];
    expect(problems).to.deep.equal([]);
    const page = await pageAs(1280, "en");
    await page.goto(`${base}/#/workorders`);
    expect(await page.locator("[data-testid=wo-sign-in]").innerText()).to.contain("Sign in to report a problem");
    expect(await page.locator("[data-testid=wo-new]").count()).to.equal(0);
    // The navigation painted from index.html alone, before any script, has the entry too.
    expect(await (await fetch(`${base}/`)).text()).to.contain('data-nav="workorders"');
    await page.context().close();
  });

  it("the water company moves it along; the resident confirms and rates the fix on its page, each step with a receipt (en, 1280 px)", async function () {
    for (const step of ["accept", "start"]) expect((await call("plumber", "POST", `/api/workorders/${orderId}/${step}`, {})).status).to.equal(201);
    // Nobody home: the clock stops, and the wait is shown as the resident's, not counted against the repairer.
    expect((await call("plumber", "POST", `/api/workorders/${orderId}/pause`, { reason: "noAccess" })).status).to.equal(201);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await call("plumber", "POST", `/api/workorders/${orderId}/resolve`, { photos: [] })).status).to.equal(201);
    const page = await pageAs(1280, "en", resident);
    await page.goto(`${base}/#/workorders/${orderId}`);
    await page.waitForSelector("[data-testid=wo-confirm]");
    expect(await page.locator("[data-testid=wo-title]").innerText()).to.contain("Burst pipe").and.to.contain("Fixed: please confirm");
    expect(await page.locator("[data-testid=wo-texts]").innerText()).to.contain("Written with the report").and.to.contain(REPORT_TEXT);
    await page.waitForSelector("[data-testid=wo-photos] img[data-loaded=true]");
    expect(await page.locator("[data-testid=wo-paused]").innerText()).to.match(/^Waiting for you \(e\.g\. nobody home\): \d+ min, not counted$/);
    // Not checked on site yet: the server refuses, in its own words, and nothing changes.
    await page.click("[data-testid=wo-confirm-submit]");
    const refusal = page.locator("[data-testid=wo-confirm] .notice.error");
    await refusal.waitFor();
    expect(await refusal.innerText()).to.equal(`This kind of work must be checked on site by staff or a grid worker before work order ${orderId} can close.`);
    expect((await call(undefined, "GET", `/api/workorders/${orderId}`)).body.status).to.equal("resolved");

    expect((await call("staff", "POST", `/api/workorders/${orderId}/checkOnSite`, { passed: true })).status).to.equal(201);
    await page.reload();
    await page.click("[data-testid=wo-confirm-submit]");
    await page.waitForSelector("[data-testid=wo-rate]");
    expect(await page.locator("[data-testid=wo-rate]").innerText()).to.contain("Very satisfied").and.to.contain("Very dissatisfied");
    await page.check("[data-testid=wo-level-5]");
    await page.click("[data-testid=wo-rate-submit]");
    await page.waitForSelector("[data-testid=wo-rating]");
    expect(await page.locator("[data-testid=wo-rating]").innerText()).to.equal("Rating: Very satisfied");
    expect((await call(undefined, "GET", `/api/workorders/${orderId}`)).body).to.include({ status: "closed", rating: 5 });
    const events = await page.locator("[data-testid=wo-history] li").evaluateAll((lis) => lis.map((li) => li.getAttribute("data-event")));
    expect(events).to.deep.equal(["reported", "dispatched", "accepted", "started", "paused", "resumed", "resolved", "checkedOnSite", "confirmed", "rated"]);
    expect(await page.locator("[data-testid=wo-history]").innerText())
      .to.contain("Sent to the water company")
      .and.to.contain("Clock stopped: nobody home to let them in")
      .and.to.contain("Checked on site: passed");

    // "Reported at …" and "fixed at …": the receipts are of this order's very records.
    const steps = (await call(undefined, "GET", `/api/workorders/${orderId}/history`)).body.items as Step[];
    for (const event of ["reported", "resolved"]) {
      const receipt = await receiptOf(page, event);
      expect(receipt.record).to.include({ kind: `workorder.${event}`, id: orderId, recordId: steps.find((s) => s.event === event)!.recordId });
    }
    expect(await horizontalOverflow(page)).to.equal(null);
    await screenshot(page, "workorder-closed-en-1280");
    await page.context().close();
  });

  it("staff type a 12345 hotline call for a resident from the staff desk, under the resident's written authorisation; the order is marked (zh-CN, 1280 px; en, 390 px)", async function () {
    // The resident's signed paper, its scan's hash recorded on chain by staff: staff may act in their services.
    const publicClient = makePublicClient(stack.rpcUrl, 31337);
    const write = makeWriter(publicClient, createWalletClient({ chain: chainFor(31337, stack.rpcUrl), transport: http(stack.rpcUrl) }));
    const expiresAt = Math.floor(Date.now() / 1000) + 30 * 86_400;
    await write(stack.plan.staff[0]!.account, demoContracts(stack.deployment).proxies, "record", [resident, 2, 0, expiresAt, keccak256(toBytes(`authorisation of ${resident}`))]);
    const auth = await eventually(async () => {
      const items = (await call(undefined, "GET", `/api/proxy-authorizations?resident=${resident}`)).body.items as { id: string; scopes: string[]; status: string }[];
      return items.find((a) => a.status === "active" && a.scopes.includes("services"));
    }, 30_000, "the authorisation to be indexed");
    const page = await pageAs(1280, "zh-CN", stack.plan.staff[0]!.account.address);
    await page.goto(`${base}/#/staff/residents/${resident.toLowerCase()}`);
    await page.click("[data-testid=staff-workorder]");
    await page.waitForSelector("[data-testid=wo-form]");
    expect(await page.locator("h1").innerText()).to.equal("代居民登记 12345 热线来电");
    await page.selectOption("[data-testid=wo-auth]", auth.id);
    await page.check("[data-testid=wo-cat-building-lift-fault]");
    await page.check("[data-testid=wo-place-building]");
    expect([await page.locator("[data-testid=wo-building]").isVisible(), await page.locator("[data-testid=wo-area]").isVisible()]).to.deep.equal([true, false]);
    await page.click("[data-testid=wo-submit]");
    const created = page.locator("[data-testid=wo-created]");
    await created.waitFor({ timeout: 30_000 });
    const id = (await created.getAttribute("data-order"))!;
    expect((await call(undefined, "GET", `/api/workorders/${id}`)).body).to.include({ channel: "hotline", serviceCode: "lift-fault", party: "property" });
    const steps = (await call(undefined, "GET", `/api/workorders/${id}/history`)).body.items as Step[];
    expect(steps.map((s) => s.by)).to.deep.equal(["staffForResident", "staffForResident"]);
    await created.click();
    const mark = page.locator("[data-testid=wo-history] li[data-event=reported] [data-testid=proxy-mark]");
    await mark.waitFor();
    expect(await mark.innerText()).to.equal("由社区工作者代为办理");
    expect(await page.locator("main").innerText()).to.contain("12345 热线");
    await screenshot(page, "workorder-hotline-zh-1280");
    await page.context().close();

    // The resident finds the call among their own reports, and on its page sees that it is theirs.

    const phone = await pageAs(390, "en", resident);
    await phone.goto(`${base}/#/workorders`);
    await phone.waitForSelector(`[data-testid=wo-mine] [data-order="${id}"]`);
    expect(await phone.locator(`[data-testid=wo-mine] [data-order="${id}"]`).innerText()).to.contain("Lift out of order");
    await phone.goto(`${base}/#/workorders/${id}`);
    await phone.waitForSelector("[data-testid=wo-history] [data-testid=proxy-mark]");
    expect(await phone.locator("[data-testid=wo-history] [data-testid=proxy-mark]").first().innerText()).to.equal("Done by community staff for the resident");
    expect(await phone.locator("main").innerText()).to.contain("You reported this problem").and.to.contain("12345 hotline");
    expect(await horizontalOverflow(phone)).to.equal(null);
    await screenshot(phone, "workorder-hotline-en-390");
    await phone.context().close();
  });

  it("a grid worker's report is recorded as found on patrol (zh-CN, 390 px)", async function () {
    const page = await pageAs(390, "zh-CN", stack.plan.gridWorker.account.address);
    await page.goto(`${base}/#/workorders/new`);
    await page.waitForSelector("[data-testid=wo-form]");
    expect(await page.locator("[data-testid=wo-form]").innerText()).to.contain("您是网格员");
    await page.check("[data-testid=wo-cat-sanitation-rubbish]");
    await page.check("[data-testid=wo-place-area]");
    await page.selectOption("[data-testid=wo-area]", "north-gate");
    await page.click("[data-testid=wo-submit]");
    const created = page.locator("[data-testid=wo-created]");
    await created.waitFor({ timeout: 30_000 });
    const order = (await call(undefined, "GET", `/api/workorders/${await created.getAttribute("data-order")}`)).body;
    expect(order).to.deep.include({ channel: "grid", serviceCode: "rubbish", party: "sanitation", place: { estateId: order.place.estateId, area: "north-gate" } });
    expect(order.clocks.deadline - order.receivedAt, "rubbish: 15 minutes").to.equal(15 * 60);
    expect(await horizontalOverflow(page)).to.equal(null);
    await page.context().close();
  });
});
