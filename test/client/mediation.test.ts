// Dispute mediation's pages (issue 15), in headless Chromium against the demo stack (a real Hardhat node, the
// server with its LevelDB and vault, the built client), end to end through the pages: a resident asks for mediation
// about noise from a neighbour found by their flat; the neighbour sees it waiting for their answer and agrees; the
// office sees the mediator matching proposes and chooses another, a reason refused first and then given, and
// invites a lawyer; the mediator schedules a session, records who came (the services' clock moved past it), records
// the signed agreement with its scan, the application for judicial confirmation and the closing with an anonymised
// summary and terms, and a month later the follow-up visit; the claimant reads every step with its receipt; the
// public statistics show the rates with their denominators, as counted by hand. zh-CN and en, 390 and 1280 px
// (large text too), no sideways scrolling and no serious accessibility finding.
import { expect } from "chai";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { createWalletClient, getAddress, http, keccak256, toBytes } from "viem";
import { chainFor, makePublicClient } from "../../server/src/chain/clients.js";
import { demoContracts, privateKeyOf } from "../../scripts/demo/seed.js";
import { makeWriter } from "../../scripts/demo/tx.js";
import { startDemoStack, type DemoStack } from "../../scripts/demo/stack.js";
import { anyFreePort } from "../server/helpers/chain.js";
import { httpClient } from "../server/helpers/siwe-http.js";
import { auditLayouts, buildClient, clientDist, eventually, horizontalOverflow, LAYOUTS, launchChromium, pageProblems, screenshot, signInAs } from "./browser.js";

type Dispute = {
  id: string;
  status: string;
  level: string;
  outcome: string | null;
  claimant: string;
  respondent: { unitId: number; people: string[] };
  answer: { accepts: boolean } | null;
  mediator: { person: string; by: string } | null;
  participants: { person: string; role: string }[];
  sessions: { session: number; held: boolean | null; attendees: string[] }[];
  agreement: { document: string; signedBy: string[] } | null;
  confirmation: string;
  followUp: { result: string } | null;
  history: { event: string; recordId: number; by: string }[];
};

const DAY = 86_400;
const ACCOUNT = "楼上每天晚上十一点以后还在拖椅子、跳绳，已经持续两个月";
const WISH = "晚上十点以后保持安静";
const ANSWER = "我们家孩子在练跳绳，愿意调整时间";
/** The mediator's anonymised summary and the terms: what the similar cases show. */
const SUMMARY = "楼上晚间跳绳噪音，双方约定晚九点后不跳绳";
const TERMS = "晚九点后不在室内跳绳；铺设隔音垫";

describe("mediation: the resident's, the mediator's, the office's and the public pages (Chromium, demo stack)", function () {
  this.timeout(900_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  let dataDir: string;
  /** How far the services' clock runs ahead of the real one (seconds). */
  let ahead = 0;
  const client = httpClient(() => stack.apiUrl, 31337);
  let claimant: string;
  let respondent: string;
  let respondentFlat: { unitId: number; label: string; labelEn: string };
  let staff: string;
  let second: string;
  /** The address of the mediator the office chose. */
  let mediator: string;
  let id: string;

  const dispute = async () => (await client.call("staff", "GET", `/api/mediation/disputes/${id}?limit=200`)).body as Dispute;

  async function open(width: number, lang: "zh-CN" | "en", who?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    await context.addInitScript((l) => localStorage.setItem("gongzhi.lang", l), lang);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    if (who) await signInAs(page, base, who);
    return page;
  }
  async function problems(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    expect(await pageProblems(page), name).to.deep.equal([]);
  }

  before(async function () {
    await buildClient();
    dataDir = path.join(tmpdir(), `gongzhi-mediation-${process.pid}`);
    // The silence sweep would read the moved clock too: here nothing is left unanswered, so it waits an hour.
    // With the demo's five months of disputes (scripts/demo/mediation.ts): the statistics and lists are not empty.
    stack = await startDemoStack({ rpcPort: await anyFreePort(), apiPort: 0, dataDir, servicesClock: () => Date.now() + ahead * 1000, workOrderSweepMs: 3_600_000, mediationHistory: true, staticDir: clientDist });
    base = stack.apiUrl;
    browser = await launchChromium();
    const plan = stack.plan;
    staff = plan.staff[0]!.account.address;
    // Two owners of the first building: the claimant and the neighbour whose flat the dispute names.
    const holders = [...new Set(plan.buildings[0]!.units.map((u) => u.holder).filter((h): h is number => h !== "developer"))];
    claimant = plan.owners[holders[0]!]!.account.address;
    respondent = plan.owners[holders[1]!]!.account.address;
    await client.signIn("staff", privateKeyOf(plan.staff[0]!));
    await client.signIn("admin", privateKeyOf(plan.admin));
    const flat = (await client.call(undefined, "GET", `/api/holders/${respondent}`)).body.units[0] as { id: number };
    const label = (await client.call(undefined, "GET", `/api/directory/units/${flat.id}`)).body.label as { label: string; labelEn: string };
    respondentFlat = { unitId: flat.id, label: label.label, labelEn: label.labelEn };
    // A second people's mediator, of another building (no conflict of interest in a noise dispute of the first).
    const other = plan.volunteers.find((v) => !plan.buildings[0]!.units.some((u) => u.holder !== "developer" && plan.owners[u.holder]!.account.address === v.account.address))!;
    second = other.account.address;
    // (The demo may have made them a building mediator already.)
    const granted = await client.call("admin", "POST", "/api/directory/roles", { address: second, role: "mediator", action: "grant" });
    expect([200, 409], JSON.stringify(granted.body)).to.include(granted.status);
  });

  after(async function () {
    await browser?.close();
    await stack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("a resident asks for mediation about noise, the neighbour found by their flat; the list shows it waiting for the answer (zh-CN, 390 px)", async function () {
    const page = await open(390, "zh-CN", claimant);
    await page.click("[data-nav=mediation]");
    expect(await page.locator("[data-nav=mediation]").innerText()).to.equal("调解");
    await page.click("[data-testid=med-new]");
    await page.waitForSelector("[data-testid=med-form]");
    // Nothing chosen: told next to the categories, nothing sent.
    await page.click("[data-testid=med-submit]");
    expect(await page.locator("[data-testid=field-error]").innerText()).to.equal("请先选一个纠纷类型。");
    await page.check("[data-testid=med-category-noise]");
    // Their own flat is refused as the other side.
    const own = (await client.call(undefined, "GET", `/api/holders/${claimant}`)).body.units[0].id as number;
    const ownLabel = (await client.call(undefined, "GET", `/api/directory/units/${own}`)).body.label.label as string;
    await page.fill("[data-testid=med-other-search]", ownLabel);
    await page.click(`[data-testid=med-other-pick][data-unit="${own}"]`);
    await page.waitForSelector("[data-testid=med-other] .notice.error");
    expect(await page.locator("[data-testid=med-other] .notice.error").innerText()).to.contain("您自己的房屋");
    await page.fill("[data-testid=med-other-search]", respondentFlat.label);
    await page.click(`[data-testid=med-other-pick][data-unit="${respondentFlat.unitId}"]`);
    expect(await page.locator("[data-testid=med-other-chosen-flat]").innerText()).to.equal(respondentFlat.label);
    await page.fill("[data-testid=med-facts]", ACCOUNT);
    await page.fill("[data-testid=med-wants]", WISH);
    await page.check("[data-testid=med-language-wuu]");
    expect(await horizontalOverflow(page)).to.equal(null);
    await screenshot(page, "mediation-new-zh-390");
    await page.click("[data-testid=med-submit]");
    const created = page.locator("[data-testid=med-created]");
    await created.waitFor({ timeout: 30_000 });
    id = (await created.getAttribute("data-dispute"))!;
    const d = await dispute();
    expect(d).to.deep.include({ status: "awaitingAnswer", level: "building" });
    expect(d.respondent.unitId).to.equal(respondentFlat.unitId);
    expect(d.claimant).to.equal((await client.call("staff", "GET", `/api/directory/persons/${claimant}`)).body.persons[0]);
    // What was written is in no answer but the texts' (the vault's audited path).
    expect(JSON.stringify(d)).to.not.contain(ACCOUNT);

    await page.click("[data-nav=mediation]");
    const row = page.locator(`[data-testid=med-mine] [data-dispute="${id}"]`);
    await row.waitFor();
    expect(await row.innerText()).to.contain("噪音").and.to.contain("申请人").and.to.contain("楼栋").and.to.contain("等待对方答复").and.to.contain("请对方在");
    expect(await horizontalOverflow(page)).to.equal(null);
    await page.context().close();
  });

  it("the neighbour finds it waiting for their answer and agrees to mediate, with their side (en, 390 px)", async function () {
    const page = await open(390, "en", respondent);
    await page.goto(`${base}/#/mediation`);
    const row = page.locator(`[data-testid=med-to-answer] [data-dispute="${id}"]`);
    await row.waitFor();
    expect(await row.innerText()).to.contain("Noise").and.to.contain("The other side");
    await row.locator("[data-testid=med-link]").click();
    await page.waitForSelector("[data-testid=med-answer]");
    expect(await page.locator("main").innerText()).to.contain("A neighbour asked for mediation about this");
    // What the claimant wrote is read to the other side (a party), and to nobody else.
    expect(await page.locator("[data-testid=med-written]").innerText()).to.contain(ACCOUNT).and.to.contain(WISH);
    await page.check("[data-testid=med-answer-yes]");
    await page.fill("[data-testid=med-answer-text]", ANSWER);
    await problems(page, "mediation-answer-en-390");
    await page.click("[data-testid=med-answer-submit]");
    await page.waitForSelector("[data-testid=med-status][data-status=mediating]");
    expect(await page.locator("[data-testid=med-answer]").count()).to.equal(0);
    expect(await page.locator("[data-testid=med-written]").innerText()).to.contain(ANSWER);
    expect((await dispute()).answer?.accepts).to.equal(true);
    await page.context().close();
  });

  it("the office sees the proposed mediator and chooses another, a reason refused and then given, and invites a lawyer (zh-CN, 1280 px)", async function () {
    const page = await open(1280, "zh-CN", staff);
    await page.goto(`${base}/#/staff`);
    await page.click("[data-testid=to-med-office]");
    const card = page.locator(`[data-testid=med-office-case][data-dispute="${id}"]`);
    await card.waitFor();
    expect(await card.innerText()).to.contain("噪音").and.to.contain("楼栋").and.to.contain("还没有调解员");
    // By level: no open case was referred to the court (a referral ends the case here).
    await page.selectOption("[data-testid=med-filter-level]", "court");
    await page.waitForSelector("[data-testid=med-office-none]");
    await page.selectOption("[data-testid=med-filter-level]", "");
    await card.waitFor();
    await card.locator("[data-testid=med-office-actions] > summary").click();
    const proposed = card.locator("[data-testid=med-proposal]");
    await proposed.waitFor();
    const proposal = (await client.call("staff", "GET", `/api/mediation/disputes/${id}/proposal`)).body as { ranked: { person: string }[] };
    expect(await proposed.getAttribute("data-person")).to.equal(proposal.ranked[0]!.person);
    expect(await proposed.innerText()).to.contain("系统推荐").and.to.contain("人民调解员");
    // The one not proposed: without a reason the server refuses, in its words, and nothing changes.
    const chosen = proposal.ranked.find((r) => r.person !== proposal.ranked[0]!.person)!.person;
    // The mediator's address, as staff may read it to arrange the mediation.
    mediator = getAddress(((await client.call("staff", "GET", `/api/directory/people/${chosen}?purpose=service.arrangement`)).body.addresses as string[])[0]!);
    await card.locator("[data-testid=med-assign-mediator]").selectOption(chosen);
    await card.locator("[data-testid=med-assign-submit]").click();
    const refusal = card.locator("[data-testid=med-assign] .notice.error");
    await refusal.waitFor();
    expect((await refusal.innerText()).length).to.be.greaterThan(10);
    expect((await dispute()).mediator).to.equal(null);
    await card.locator("[data-testid=med-assign-reason]").selectOption("language");
    await card.locator("[data-testid=med-assign-submit]").click();
    await page.waitForFunction((d) => document.querySelector(`[data-dispute="${d}"]`)?.textContent?.includes("社区改派"), id);
    expect((await dispute()).mediator).to.deep.include({ person: chosen, by: "office" });

    // 三所联动: a lawyer of the estate, found by name.
    const lawyer = stack.plan.committee[2]!.account.address;
    const lawyerPerson = (await client.call("staff", "GET", `/api/directory/persons/${lawyer}`)).body.persons[0] as string;
    const name = (await client.call("staff", "GET", `/api/directory/people/${lawyerPerson}?purpose=service.arrangement&fields=name`)).body.fields.name as string;
    const again = page.locator(`[data-testid=med-office-case][data-dispute="${id}"]`);
    await again.locator("[data-testid=med-office-actions] > summary").click();
    await again.locator("[data-testid=med-invite-role]").selectOption("lawyer");
    await again.locator("[data-testid=med-invite-person-search]").fill(name);
    await again.locator(`[data-testid=med-invite-person-pick][data-person="${lawyerPerson}"]`).click();
    await again.locator("[data-testid=med-invite-submit]").click();
    await page.waitForFunction((d) => document.querySelector(`[data-dispute="${d}"]`)?.textContent?.includes("另有 1 个单位参加"), id);
    expect((await dispute()).participants).to.deep.equal([{ person: lawyerPerson, role: "lawyer" }]);
    await problems(page, "mediation-office-zh-1280");
    await page.context().close();
  });

  it("the mediator schedules a session, records who came, the agreement with its scan, the application for judicial confirmation, closes it, and a month later the follow-up (en, 1280 px)", async function () {
    const page = await open(1280, "en", mediator);
    await page.goto(`${base}/#/mediation`);
    await page.click("[data-testid=med-to-cases]");
    const row = page.locator(`[data-testid=med-cases-open] [data-dispute="${id}"]`);
    await row.waitFor();
    expect(await row.innerText()).to.contain("Noise").and.to.contain("Schedule a session");
    await row.locator("[data-testid=med-work-link]").click();
    await page.waitForSelector("[data-testid=med-schedule]");
    expect(await page.locator("[data-testid=med-written]").innerText()).to.contain(ACCOUNT).and.to.contain(ANSWER);
    expect(await page.locator("#med-similar-h").isVisible()).to.equal(true);
    // In an hour, in the mediation room (the browser's local time).
    // (A string, not a function: the test's compiler would name a nested function with a helper the page lacks.)
    const inAnHour = await page.evaluate<string>(
      `(() => { const d = new Date(Date.now() + 3600000); const p = (n) => String(n).padStart(2, "0"); return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + "T" + p(d.getHours()) + ":" + p(d.getMinutes()); })()`,
    );
    await page.fill("[data-testid=med-session-at]", inAnHour);
    await page.click("[data-testid=med-schedule-submit]");
    await page.waitForSelector("[data-testid=med-sessions] li[data-session='1']");
    // Not held yet: the server says so, and nothing is recorded.
    await page.click("[data-testid=med-record-1-submit]");
    await page.waitForSelector("[data-testid=med-record-1] .notice.error");
    expect((await dispute()).sessions[0]!.held).to.equal(null);

    // Two hours on: it took place, with everyone.
    ahead = 2 * 3600;
    await page.reload();
    await page.waitForSelector("[data-testid=med-record-1]");
    await page.click("[data-testid=med-record-1-submit]");
    await page.waitForSelector("[data-testid=med-sessions] li[data-held=true]");
    const held = (await dispute()).sessions[0]!;
    expect(held.attendees.length).to.equal(4);

    // The signed agreement: its scan stored first, then recorded by its hash.
    const scan = Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% 调解协议书 ${id}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`, "latin1");
    await page.setInputFiles("[data-testid=med-agreement-scan]", { name: "agreement.pdf", mimeType: "application/pdf", buffer: scan });
    const inAMonth = await page.evaluate(() => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
    await page.fill("[data-testid=med-perform-by]", inAMonth);
    await page.click("[data-testid=med-agreement-form-submit]");
    await page.waitForSelector("[data-testid=med-agreement] .doc-item");
    const agreed = await dispute();
    expect(agreed.agreement!.signedBy.length).to.equal(2);
    expect(agreed.agreement!.document).to.equal(keccak256(scan));
    await page.click("[data-testid=med-apply-submit]");
    await page.waitForFunction(() => document.querySelector("[data-testid=med-confirmation]")?.textContent?.includes("applied"));
    expect((await dispute()).confirmation).to.equal("applied");
    await problems(page, "mediation-work-en-1280");

    await page.selectOption("[data-testid=med-close-outcome]", "resolved");
    await page.fill("[data-testid=med-close-summary]", SUMMARY);
    await page.fill("[data-testid=med-close-terms]", TERMS);
    await page.click("[data-testid=med-close-submit]");
    await page.waitForSelector("[data-testid=med-status][data-status=closed]");
    expect((await dispute()).outcome).to.equal("resolved");

    // A month on, the follow-up visit is due.
    ahead += 31 * DAY;
    await page.reload();
    await page.waitForSelector("[data-testid=med-follow-up-form]");
    await page.selectOption("[data-testid=med-follow-up-result]", "kept");
    await page.click("[data-testid=med-follow-up-form-submit]");
    await page.waitForSelector("[data-testid=med-steps] li[data-event=followedUp]");
    expect((await dispute()).followUp?.result).to.equal("kept");
    await page.context().close();
  });

  it("the claimant reads every step with its receipt, the agreement and the follow-up (zh-CN, 390 px)", async function () {
    const page = await open(390, "zh-CN", claimant);
    await page.goto(`${base}/#/mediation/${id}`);
    await page.waitForSelector("[data-testid=med-steps] li[data-event=followedUp]");
    const events = await page.locator("[data-testid=med-steps] li").evaluateAll((lis) => lis.map((li) => li.getAttribute("data-event")));
    expect(events).to.deep.equal(["filed", "answered", "assigned", "invited", "sessionScheduled", "sessionHeld", "agreementRecorded", "confirmationApplied", "closed", "followedUp"]);
    const steps = await page.locator("[data-testid=med-steps]").innerText();
    expect(steps).to.contain("对方同意调解").and.to.contain("社区改派调解员（语言或方言）").and.to.contain("邀请律师参加调解").and.to.contain("第 1 次调解已进行（4 人到场）").and.to.contain("结案：调解成功").and.to.contain("回访：协议已履行");
    expect(await page.locator("[data-testid=med-confirmation]").innerText()).to.equal("双方已向法院申请司法确认");
    // The signed scan, sealed: served to the parties by the service and checked here against the hash on record.
    await page.click("[data-testid=med-agreement] [data-testid=doc-verify]");
    await page.waitForSelector("[data-testid=med-agreement] .doc-item[data-check=match]");
    expect(await page.locator("[data-testid=med-status]").innerText()).to.equal("已结案 · 调解成功");
    // The receipt of the agreement's record, once its batch is anchored.
    const d = await dispute();
    const button = page.locator("[data-testid=med-steps] li[data-event=agreementRecorded] [data-testid=med-receipt]");
    const receipt = await eventually(async () => {
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: 3000 }), button.click()]);
      return JSON.parse(readFileSync((await download.path())!, "utf8")) as { record: { kind: string; id: string; recordId: number } };
    }, 60_000, "the agreement's receipt");
    expect(receipt.record).to.include({ kind: "mediation.agreementRecorded", id, recordId: d.history.find((s) => s.event === "agreementRecorded")!.recordId });
    expect(await horizontalOverflow(page)).to.equal(null);
    await screenshot(page, "mediation-case-zh-390");
    await page.context().close();
  });

  it("the public statistics show the rates with their denominators, as counted by hand, without signing in (en, 390 px)", async function () {
    const all: Dispute[] = [];
    let cursor: string | undefined;
    do {
      const res = (await client.call("staff", "GET", `/api/mediation/disputes/office?status=all&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)).body as { items: Dispute[]; nextCursor?: string };
      all.push(...res.items);
      cursor = res.nextCursor;
    } while (cursor);
    const ended = all.filter((d) => d.status === "closed" && d.outcome !== "withdrawn");
    const settled = ended.filter((d) => d.outcome === "resolved" || d.outcome === "partlyResolved");
    const local = settled.filter((d) => d.level === "building" || d.level === "community");
    const page = await open(390, "en");
    await page.goto(`${base}/#/mediation`);
    await page.click("[data-testid=med-stats-link]");
    const success = page.locator("[data-testid=med-success]");
    await success.waitFor();
    expect([await success.getAttribute("data-part"), await success.getAttribute("data-whole")]).to.deep.equal([String(settled.length), String(ended.length)]);
    const low = page.locator("[data-testid=med-low]");
    expect([await low.getAttribute("data-part"), await low.getAttribute("data-whole")]).to.deep.equal([String(local.length), String(ended.length)]);
    expect(await success.innerText()).to.contain(`${settled.length} of ${ended.length} cases`);
    const noise = page.locator("[data-testid=med-cat] [data-category=noise]");
    const noiseEnded = ended.filter((d) => (d as Dispute & { category: string }).category === "noise");
    const noiseSettled = noiseEnded.filter((d) => d.outcome === "resolved" || d.outcome === "partlyResolved");
    expect(await noise.locator("[data-col=success]").innerText()).to.contain(`(${noiseSettled.length}/${noiseEnded.length})`);
    expect(await page.locator("[data-testid=med-lvl] [data-level=building]").count()).to.equal(1);
    expect(await horizontalOverflow(page)).to.equal(null);
    await page.context().close();
  });

  it("staff file a dispute for a resident from the staff desk under their written authorisation, then withdraw it for them; each step is marked (zh-CN, 1280 px)", async function () {
    // The resident's signed paper, its scan's hash recorded on chain by staff: staff may act in their services.
    const resident = stack.plan.owners[[...new Set(stack.plan.buildings[1]!.units.map((u) => u.holder).filter((h): h is number => h !== "developer"))][0]!]!.account.address;
    const publicClient = makePublicClient(stack.rpcUrl, 31337);
    const write = makeWriter(publicClient, createWalletClient({ chain: chainFor(31337, stack.rpcUrl), transport: http(stack.rpcUrl) }));
    const expiresAt = Math.floor(Date.now() / 1000) + ahead + 30 * DAY;
    await write(stack.plan.staff[0]!.account, demoContracts(stack.deployment).proxies, "record", [resident, 2, 0, expiresAt, keccak256(toBytes(`authorisation of ${resident}`))]);
    const auth = await eventually(async () => {
      const items = (await client.call(undefined, "GET", `/api/proxy-authorizations?resident=${resident}`)).body.items as { id: string; scopes: string[]; status: string }[];
      return items.find((a) => a.status === "active" && a.scopes.includes("services"));
    }, 30_000, "the authorisation to be indexed");
    const page = await open(1280, "zh-CN", staff);
    await page.goto(`${base}/#/staff/residents/${resident.toLowerCase()}`);
    await page.click("[data-testid=staff-mediation]");
    await page.waitForSelector("[data-testid=med-form]");
    expect(await page.locator("h1").innerText()).to.equal("代居民申请调解");
    await page.selectOption("[data-testid=med-auth]", auth.id);
    await page.check("[data-testid=med-category-noise]");
    await page.fill("[data-testid=med-other-search]", respondentFlat.label);
    await page.click(`[data-testid=med-other-pick][data-unit="${respondentFlat.unitId}"]`);
    await page.fill("[data-testid=med-facts]", "楼上每天晚上跳绳，噪音很大，影响老人休息");
    await page.fill("[data-testid=med-wants]", "晚上不要跳绳");
    await page.click("[data-testid=med-submit]");
    const created = page.locator("[data-testid=med-created]");
    await created.waitFor({ timeout: 30_000 });
    const proxied = (await created.getAttribute("data-dispute"))!;
    const filed = (await client.call("staff", "GET", `/api/mediation/disputes/${proxied}`)).body as Dispute;
    expect(filed.claimant).to.equal((await client.call("staff", "GET", `/api/directory/persons/${resident}`)).body.persons[0]);
    expect(filed.history[0]).to.include({ event: "filed", by: "staffForResident" });
    await created.click();
    const mark = page.locator("[data-testid=med-steps] li[data-event=filed] [data-testid=proxy-mark]");
    await mark.waitFor();
    expect(await mark.innerText()).to.equal("由社区工作者代为办理");

    // In its workspace, the closed case most like it: the first one, by its anonymised summary and terms.
    await page.click("[data-testid=med-to-work]");
    const similar = page.locator(`[data-testid=med-similar] li[data-similar="${id}"]`);
    await similar.waitFor();
    expect(await similar.innerText()).to.contain("噪音").and.to.contain("调解成功").and.to.contain(SUMMARY).and.to.contain(TERMS);
    await page.goBack();
    await page.waitForSelector("[data-testid=med-act-for]");

    // Withdrawn for the resident: staff find them by their flat on the case's page.
    const flat = (await client.call(undefined, "GET", `/api/holders/${resident}`)).body.units[0].id as number;
    const label = (await client.call(undefined, "GET", `/api/directory/units/${flat}`)).body.label.label as string;
    await page.fill("[data-testid=med-act-for-flat-search]", label);
    await page.click(`[data-testid=med-act-for-flat-pick][data-unit="${flat}"]`);
    await page.waitForSelector("[data-testid=med-withdraw]");
    expect(await page.locator("main").innerText()).to.contain("代 ").and.to.contain("办理");
    expect(await page.locator("[data-testid=med-answer]").count(), "the resident is the claimant, not the other side").to.equal(0);
    await page.selectOption("[data-testid=med-auth]", auth.id);
    await page.click("[data-testid=med-withdraw-submit]");
    await page.waitForSelector("[data-testid=med-status][data-status=closed]");
    expect(await page.locator("[data-testid=med-status]").innerText()).to.equal("已结案 · 申请人撤回");
    expect(await page.locator("[data-testid=med-steps] li[data-event=closed] [data-testid=proxy-mark]").innerText()).to.equal("由社区工作者代为办理");
    expect(await horizontalOverflow(page)).to.equal(null);
    await screenshot(page, "mediation-proxy-zh-1280");
    await page.context().close();
  });

  it("the pages pass the layout audit (axe-core, no overflow) in both languages at desktop and phone widths, large text too", async function () {
    const found = [
      ...(await auditLayouts(browser, base, "#/mediation/stats", "[data-testid=med-success]", "mediation-stats", LAYOUTS)),
      ...(await auditLayouts(browser, base, "#/mediation", "[data-testid=med-sign-in]", "mediation-signed-out", LAYOUTS)),
    ];
    // Signed in once per person, then every layout in turn (the header's own switches), each page at each.
    const signedIn = async (who: string, pages: { hash: string; ready: string; name: string }[]) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
      try {
        const page = await context.newPage();
        await signInAs(page, base, who);
        for (const layout of LAYOUTS) {
          await page.setViewportSize({ width: layout.width, height: layout.height });
          if ((await page.evaluate(() => document.documentElement.lang)) !== layout.lang) {
            await page.click("[data-testid=lang-switch]");
            await page.waitForFunction((l) => document.documentElement.lang === l, layout.lang);
          }
          if ((await page.getAttribute("[data-testid=large-text]", "aria-pressed")) !== (layout.largeText ? "true" : "false")) await page.click("[data-testid=large-text]");
          for (const p of pages) {
            await page.goto(`${base}/#/`);
            await page.goto(`${base}/${p.hash}`);
            await page.waitForSelector(p.ready, { timeout: 30_000 });
            await page.waitForLoadState("networkidle").catch(() => undefined);
            const tag = `${p.name}-${layout.width}-${layout.lang}${layout.largeText ? "-large" : ""}`;
            const problems = await pageProblems(page);
            if (problems.length) await screenshot(page, tag);
            for (const problem of problems) found.push(`${tag}: ${problem}`);
          }
        }
      } finally {
        await context.close();
      }
    };
    await signedIn(claimant, [
      { hash: "#/mediation", ready: "[data-testid=med-mine]", name: "mediation-mine" },
      { hash: "#/mediation/new", ready: "[data-testid=med-form]", name: "mediation-new" },
      { hash: `#/mediation/${id}`, ready: "[data-testid=med-steps]", name: "mediation-case" },
    ]);
    await signedIn(mediator, [
      { hash: "#/mediation/cases", ready: "[data-testid=med-cases-closed]", name: "mediation-cases" },
      { hash: `#/mediation/${id}/work`, ready: "[data-testid=med-steps]", name: "mediation-work" },
    ]);
    await signedIn(staff, [{ hash: "#/mediation/office?status=all", ready: "[data-testid=med-office-list]", name: "mediation-office" }]);
    expect(found).to.deep.equal([]);
  });
});
