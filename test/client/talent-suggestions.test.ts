// Suggestions, open days and the talent pool in headless Chromium against the demo stack (a real Hardhat node, the
// server with its LevelDB and vault, the built client). A resident sends a suggestion with the name they choose to
// show and joins the talent pool with their consent; the office answers, adopts and implements the suggestion on
// its desk, schedules an open day, writes a suggestion down at it and records its head count, finds the resident in
// the pool and invites them to a mediation case; the resident accepts and then withdraws their consent, which takes
// them out of the pool. The public pages (the funnel with its denominators, the list, an open day) and the signed-in
// ones, in zh-CN and en at 1280 and 390 px: no horizontal overflow, no serious accessibility finding.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { createWalletClient, http, keccak256, toBytes } from "viem";
import { chainFor, makePublicClient } from "../../server/src/chain/clients.js";
import { demoContracts, privateKeyOf } from "../../scripts/demo/seed.js";
import { makeWriter } from "../../scripts/demo/tx.js";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { httpClient } from "../server/helpers/siwe-http.js";
import { auditLayouts, buildClient, eventually, horizontalOverflow, LAYOUTS, launchChromium, screenshot, signInAs, startStack } from "./browser.js";

describe("suggestions, open days and the talent pool: resident, office and public pages (Chromium, demo stack)", function () {
  this.timeout(600_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  let resident: string;
  let staff: string;
  let person: string;
  let suggestionId: string;
  let openDayId: string;
  const TEXT = "建议在2号楼北侧加装一排自行车棚";
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
    const holder = stack.plan.buildings[1]!.units.find((u) => u.holder !== "developer")!.holder as number;
    resident = stack.plan.owners[holder]!.account.address;
    staff = stack.plan.staff[0]!.account.address;
    await signIn("staff", privateKeyOf(stack.plan.staff[0]!));
    await signIn("resident", privateKeyOf(stack.plan.owners[holder]!));
    person = ((await call("resident", "GET", "/api/talent/me")).body.persons as string[])[0]!;
    expect(person, "the demo's directory links the resident to a person").to.be.a("string");
  });
  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("a resident sends a suggestion showing their chosen name, and joins the talent pool with their consent (zh-CN, 390 px)", async function () {
    const page = await pageAs(390, "zh-CN", resident);
    await page.goto(`${base}/#/suggestions`);
    await page.waitForSelector("[data-testid=sug-form]");
    // Sending nothing is told, and sends nothing.
    await page.click("[data-testid=sug-send]");
    expect(await page.locator("[data-testid=sug-result]").innerText()).to.equal("请先写下建议内容。");
    await page.selectOption("[data-testid=sug-topic]", "facilities");
    await page.fill("[data-testid=sug-text-input]", TEXT);
    await page.fill("[data-testid=sug-name-input]", "周阿姨");
    await page.click("[data-testid=sug-send]");
    const mine = page.locator("[data-testid=sug-mine] > li").first();
    await mine.waitFor({ timeout: 30_000 });
    suggestionId = (await mine.getAttribute("data-suggestion"))!;
    expect(await mine.innerText()).to.contain(TEXT).and.to.contain("周阿姨").and.to.contain("待答复").and.to.contain("公共设施");
    const listed = page.locator(`[data-testid=sug-list] [data-suggestion="${suggestionId}"]`);
    expect(await listed.innerText()).to.contain("周阿姨");
    // The funnel: one received, every rate over it.
    expect(await page.locator("[data-testid=sug-funnel] tr[data-cohort=all]").innerText()).to.contain("0.0%").and.to.contain("(0/1)");
    // The public answer names no one but the name chosen.
    const publicJson = JSON.stringify((await call(undefined, "GET", `/api/suggestions/${suggestionId}`)).body);
    expect(publicJson).to.not.contain(resident.slice(2).toLowerCase()).and.to.not.contain(person);
    await fits(page, "suggestions-resident-zh-390");

    await page.goto(`${base}/#/talent`);
    await page.waitForSelector("[data-testid=talent-form]");
    await page.check("[data-testid=talent-skills] input[data-code=law]");
    await page.check("[data-testid=talent-skills] input[data-code=mediation]");
    await page.check("[data-testid=talent-languages] input[data-code=wuu]");
    await page.check("[data-testid=talent-slots] input[data-code=weekends]");
    await page.fill("[data-testid=talent-hours]", "6");
    const licence = Buffer.from("%PDF-1.4 lawyer's licence");
    await page.setInputFiles("[data-testid=talent-proof]", { name: "licence.pdf", mimeType: "application/pdf", buffer: licence });
    // Without the consent ticked: told, nothing sent.
    await page.click("[data-testid=talent-save]");
    expect(await page.locator("[data-testid=talent-result]").innerText()).to.contain("需要勾选同意");
    await page.check("[data-testid=talent-consent]");
    await page.click("[data-testid=talent-save]");
    await page.waitForSelector("[data-testid=talent-consent-state][data-consent=true]", { timeout: 30_000 });
    const me = (await call("resident", "GET", "/api/talent/me")).body;
    expect(me.members[0]).to.deep.include({ person, consent: true, proxy: false });
    expect(me.members[0].offer).to.deep.include({ skills: ["law", "mediation"], languages: ["cmn", "wuu"], availability: { slots: ["weekends"], hoursPerMonth: 6 } });
    // Only the document's keccak256 left the browser: the licence itself stays with the resident.
    expect(me.members[0].offer.proofs).to.deep.equal([keccak256(new Uint8Array(licence))]);
    await fits(page, "talent-resident-zh-390");
    await page.context().close();
  });

  it("the office answers, adopts and implements it; schedules an open day, writes a suggestion down there and counts heads; invites the resident from the pool (en, 1280 px)", async function () {
    const page = await pageAs(1280, "en", staff);
    await page.goto(`${base}/#/suggestions/desk`);
    const card = page.locator(`[data-testid=sug-waiting] [data-suggestion="${suggestionId}"]`);
    await card.waitFor();
    await card.locator("[data-testid=sug-answer-text]").fill("Agreed: the shed goes up in spring.");
    await card.locator("[data-testid=sug-answer]").click();
    const answered = page.locator(`[data-testid=sug-answered] [data-suggestion="${suggestionId}"]`);
    await answered.waitFor();
    await answered.locator("[data-testid=sug-plan-text]").fill("12 racks, north side of building 2");
    await answered.locator("[data-testid=sug-adopt]").click();
    const adopted = page.locator(`[data-testid=sug-adopted] [data-suggestion="${suggestionId}"]`);
    await adopted.waitFor();
    await adopted.locator("[data-testid=sug-cost-input]").fill("4500.50");
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await adopted.locator("[data-testid=sug-done-input]").fill(today);
    await adopted.locator("[data-testid=sug-implement]").click();
    await page.waitForSelector(`[data-testid=sug-adopted] [data-suggestion="${suggestionId}"]`, { state: "detached" });
    const view = (await call(undefined, "GET", `/api/suggestions/${suggestionId}`)).body;
    expect(view).to.deep.include({ status: "implemented", costFen: 450_050, answer: "Agreed: the shed goes up in spring.", late: false });

    await page.goto(`${base}/#/opendays`);
    await page.waitForSelector("[data-testid=od-schedule]");
    await page.fill("[data-testid=od-date]", today);
    await page.fill("[data-testid=od-place]", "Community service centre");
    await page.fill("[data-testid=od-theme]", "Lifts for old buildings");
    await page.click("[data-testid=od-save]");
    const link = page.locator("[data-testid=od-list] [data-testid=od-link]").first();
    await link.waitFor();
    await link.click();
    await page.waitForSelector("[data-testid=od-count-form]");
    openDayId = page.url().split("/").pop()!;
    await page.fill("[data-testid=od-count]", "38");
    await page.click("[data-testid=od-count-save]");
    await page.waitForFunction(() => document.querySelector("[data-testid=od-attendance]")?.textContent?.startsWith("38 came"));

    await page.goto(`${base}/#/suggestions/desk`);
    await page.waitForSelector("[data-testid=sug-od-form]");
    await page.selectOption("[data-testid=sug-od-day]", openDayId);
    await page.selectOption("[data-testid=sug-od-topic]", "elderly");
    await page.fill("[data-testid=sug-od-text]", "Handrails in every stairwell of building 1");
    await page.click("[data-testid=sug-od-save]");
    await page.waitForSelector("[data-testid=sug-waiting] [data-testid=sug-by]");
    expect(await page.locator("[data-testid=sug-waiting] [data-testid=sug-by]").first().innerText()).to.equal("written down at an open day");
    await page.goto(`${base}/#/opendays/${openDayId}`);
    await page.waitForSelector("[data-testid=od-suggestions] li");
    expect(await page.locator("[data-testid=od-funnel]").innerText()).to.contain("(0/1)");
    await fits(page, "openday-office-en-1280");

    await page.goto(`${base}/#/talent/pool`);
    await page.waitForSelector("[data-testid=pool-search]");
    await page.selectOption("[data-testid=pool-skill]", "law");
    await page.selectOption("[data-testid=pool-language]", "wuu");
    await page.click("[data-testid=pool-search-go]");
    await page.waitForURL(/skill=law/);
    const member = page.locator(`[data-testid=pool-list] [data-person="${person}"]`);
    await member.waitFor();
    // Staff see the member's name beside the id, read from the directory for arranging a service.
    const name = (await call("staff", "GET", `/api/directory/people/${person}?purpose=service.arrangement&fields=name`)).body.fields.name as string;
    expect(name).to.be.a("string").and.not.equal("");
    expect(await member.locator("[data-testid=pool-name]").innerText(), "the member's name").to.equal(name);
    expect(await member.innerText()).to.contain("Law (lawyer)").and.to.contain("Wu (Shanghainese)").and.to.contain("6 h a month");
    await member.locator("[data-testid=pool-kind]").selectOption("mediation");
    await member.locator("[data-testid=pool-target]").fill("case-7");
    await member.locator("[data-testid=pool-invite-send]").click();
    await page.waitForSelector("[data-testid=pool-sent] li");
    expect(await page.locator("[data-testid=pool-sent] li").first().innerText()).to.contain("Mediation case case-7").and.to.contain("awaiting answer");
    await fits(page, "talent-pool-en-1280");
    await page.context().close();
  });

  it("the resident accepts the invitation, then withdraws their consent: out of the pool (en, 390 px)", async function () {
    const page = await pageAs(390, "en", resident);
    await page.goto(`${base}/#/talent`);
    const invitation = page.locator("[data-testid=talent-invitations] li[data-status=invited]");
    await invitation.waitFor();
    expect(await invitation.innerText()).to.contain("Mediation case").and.to.contain("case-7");
    await invitation.locator("[data-testid=talent-accept]").click();
    await page.waitForSelector("[data-testid=talent-invitations] li[data-status=accepted]");
    await page.click("[data-testid=talent-withdraw]");
    await page.waitForSelector("[data-testid=talent-consent-state][data-consent=false]");
    expect(await page.locator("[data-testid=talent-consent-state]").innerText()).to.contain("not matched, shown or invited");
    expect((await call("staff", "GET", "/api/talent/pool")).body.items.map((m: { person: string }) => m.person)).to.not.include(person);
    await fits(page, "talent-withdrawn-en-390");
    await page.context().close();
  });

  it("the public pages and the signed-in ones fit and pass the audit in zh-CN and en at 1280 and 390 px", async function () {
    const four = LAYOUTS.filter((l) => !l.largeText);
    const as = (who: string) => (page: Page) => signInAs(page, base, who);
    const problems = [
      ...(await auditLayouts(browser, base, "#/suggestions", `[data-testid=sug-list] [data-suggestion="${suggestionId}"]`, "suggestions-public", LAYOUTS)),
      ...(await auditLayouts(browser, base, `#/opendays/${openDayId}`, "[data-testid=od-suggestions] li", "openday-public", four)),
      ...(await auditLayouts(browser, base, "#/opendays", "[data-testid=od-list]", "opendays-public", four)),
      ...(await auditLayouts(browser, base, "#/suggestions/desk", "[data-testid=sug-od-form]", "suggestions-desk", four, as(staff))),
      ...(await auditLayouts(browser, base, "#/talent", "[data-testid=talent-form]", "talent-member", four, as(resident))),
      ...(await auditLayouts(browser, base, "#/talent/pool", "[data-testid=pool-search]", "talent-pool", four, as(staff))),
    ];
    expect(problems).to.deep.equal([]);
  });

  it("staff, from a resident's page on the staff desk, send a suggestion and join the talent pool for them under their written authorisation; both are marked as done by staff (zh-CN, 1280 px)", async function () {
    // Fresh API sessions: the pages above signed staff and the resident in often enough to evict those of `before` (one address
    // keeps a few sessions at most).
    await signIn("staff", privateKeyOf(stack.plan.staff[0]!));
    await signIn("resident", privateKeyOf(stack.plan.owners[stack.plan.buildings[1]!.units.find((u) => u.holder !== "developer")!.holder as number]!));
    // Another owner, linked to a person in the directory and not in the pool (read as staff for them: `?for=`).
    const owners = [...new Set(stack.plan.buildings.flatMap((b) => b.units.map((u) => u.holder)).filter((h): h is number => h !== "developer"))]
      .map((i) => stack.plan.owners[i]!.account.address)
      .filter((a) => a.toLowerCase() !== resident.toLowerCase());
    let other: string | undefined;
    let otherPerson: string | undefined;
    for (const a of owners) {
      const answer = await call("staff", "GET", `/api/talent/me?for=${a}`);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      const me = answer.body as { persons: string[]; members: unknown[] };
      if (me.persons.length > 0 && me.members.length === 0) [other, otherPerson] = [a, me.persons[0]];
      if (other) break;
    }
    expect(other, "an owner linked to a person, not yet in the pool").to.be.a("string");
    // Only staff read another resident's offer.
    expect((await call("resident", "GET", `/api/talent/me?for=${other}`)).status).to.equal(403);
    // Their signed paper, its scan's hash recorded on chain by staff: staff may act in their services.
    const publicClient = makePublicClient(stack.rpcUrl, 31337);
    const write = makeWriter(publicClient, createWalletClient({ chain: chainFor(31337, stack.rpcUrl), transport: http(stack.rpcUrl) }));
    const now = Number((await publicClient.getBlock()).timestamp);
    await write(stack.plan.staff[0]!.account, demoContracts(stack.deployment).proxies, "record", [other!, 2, 0, now + 30 * 86_400, keccak256(toBytes(`authorisation of ${other}`))]);
    const auth = await eventually(async () => {
      const items = (await call(undefined, "GET", `/api/proxy-authorizations?resident=${other}`)).body.items as { id: string; scopes: string[]; status: string }[];
      return items.find((a) => a.status === "active" && a.scopes.includes("services"));
    }, 30_000, "the authorisation to be indexed");

    const page = await pageAs(1280, "zh-CN", staff);
    await page.goto(`${base}/#/staff/residents/${other!.toLowerCase()}`);
    await page.click("[data-testid=staff-suggestion]");
    await page.waitForSelector(`[data-testid=sug-for][data-resident="${other!.toLowerCase()}"]`);
    expect(await page.locator("[data-testid=sug-mine]").count(), "not the staff member's own list").to.equal(0);
    await page.selectOption("[data-testid=sug-auth]", auth.id);
    await page.fill("[data-testid=sug-text-input]", "建议在小区门口加装一个无障碍坡道");
    await page.click("[data-testid=sug-send]");
    const sent = page.locator("[data-testid=sug-list] > li", { hasText: "无障碍坡道" });
    await sent.waitFor({ timeout: 30_000 });
    expect(await sent.locator("[data-testid=sug-by]").innerText()).to.equal("工作人员代为提交");
    // Its records, each with a receipt: the step is marked as done by staff, and the receipt names staff, never the resident.
    await sent.locator("[data-testid=sug-history-open]").click();
    const step = sent.locator("[data-testid=sug-history] li[data-event=received]");
    await step.waitFor();
    expect(await step.innerText()).to.contain("已收到").and.contain("工作人员代为提交");
    const recordId = await step.getAttribute("data-record");
    // A receipt exists once its batch is anchored.
    await eventually(async () => ((await call(undefined, "GET", `/api/receipts/offchain/${recordId}`)).status === 200 ? true : undefined), 30_000, "the receipt to be anchored");
    const [download] = await Promise.all([page.waitForEvent("download"), step.locator("[data-testid=sug-receipt]").click()]);
    const receipt = JSON.parse(readFileSync((await download.path())!, "utf8")) as { record: { kind: string; actor: string } };
    expect(receipt.record.kind).to.equal("suggestion.received");
    expect(JSON.parse(receipt.record.actor)).to.have.keys(["sealed", "staff"]);
    expect(JSON.stringify(receipt).toLowerCase()).to.not.include(other!.toLowerCase().slice(2));

    await page.goto(`${base}/#/staff/residents/${other!.toLowerCase()}`);
    await page.click("[data-testid=staff-talent]");
    await page.waitForSelector("[data-testid=talent-for] [data-testid=talent-auth]");
    await page.selectOption("[data-testid=talent-auth]", auth.id);
    await page.check("[data-testid=talent-skills] input[data-code=teaching]");
    await page.check("[data-testid=talent-slots] input[data-code=weekdays]");
    await page.check("[data-testid=talent-consent]");
    await page.click("[data-testid=talent-save]");
    await page.waitForSelector("[data-testid=talent-consent-state][data-consent=true]", { timeout: 30_000 });
    expect(await page.locator("[data-testid=talent-consent-state]").innerText()).to.contain("由工作人员代为登记");
    const member = ((await call("staff", "GET", `/api/talent/me?for=${other}`)).body.members as { person: string; proxy: boolean; consent: boolean }[])[0];
    expect(member).to.deep.include({ person: otherPerson, proxy: true, consent: true });
    await fits(page, "talent-staff-for-resident-zh-1280");
    await page.context().close();
  });
});
