// Community staff acting for residents without a phone, in headless Chromium against the demo stack (a real
// Hardhat node, the server with its indexer, documents and directory): the demo's staff member finds a resident
// by name, records a written authorisation from an uploaded scan (its hash checked in the browser), casts a ballot
// for the resident under it, and the ballot reads "由社区工作者 … 代为办理" on the vote page and in the resident's
// own views; a refusal of the contract (an authorisation without the votes scope) and the lack of any
// authorisation are told in words next to the control, in English at phone width; a stack of paper ballots is
// entered keyboard only, each counted on chain, one refused in words; the staff pages pass the layout audit.
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { demoLabel } from "../../scripts/demo/directory.js";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { auditLayouts, buildClient, eventually, LAYOUTS, launchChromium, pageProblems, screenshot, signInAs, startStack } from "./browser.js";

type Ballot = { holder: string; byStaff: boolean; replaced: boolean; enteredBy: string; authorizationId: string | null; choice: string };
type Authorization = { id: string; resident: string; scopes: string[]; voteId: string | null; status: string; documentHash: string };

/** A small but real one-page PDF: the scan of a signed paper. */
function pdf(text: string): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${text} ${Math.random()}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`, "latin1");
}

// scripts/demo/directory.ts names the n-th person it registers (owners first, n from 1) like this.
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"];
const GIVEN = ["秀英", "建国", "桂兰", "志强", "丽华", "伟", "敏", "静", "海燕", "国庆", "淑珍", "晓东", "玉梅", "立新", "春花", "军", "芳", "文博", "雪梅", "德明", "子涵", "浩然", "雅婷", "宇轩"];
const ownerName = (i: number) => `${SURNAMES[(i + 1) % SURNAMES.length]}${GIVEN[((i + 1) * 7) % GIVEN.length]}`;

describe("staff acting for residents (Chromium, demo stack)", function () {
  this.timeout(300_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  let staff: string;
  let voteId: number;
  let otherVoteId: number;
  /** Owners (by index) with their flats as staff type them ("1-101"), not yet voted in `voteId`. */
  let free: { index: number; address: string; flat: string; label: string }[];
  let resident: { index: number; address: string; flat: string; label: string };
  let authorizationId: string;

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${stack.apiUrl}${path}`);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const ballotsOf = async (id: number) => (await api<{ items: Ballot[] }>(`/api/votes/${id}/ballots?limit=500`)).items;
  const hexOnPage = (page: Page) => page.evaluate(() => (document.querySelector("main")?.innerText ?? "").match(/0x[0-9a-fA-F]{6,}/g) ?? []);

  async function staffPage(width: number, lang: "zh-CN" | "en"): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addInitScript((l) => localStorage.setItem("gongzhi.lang", l), lang);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await signInAs(page, base, staff);
    return page;
  }

  before(async function () {
    await buildClient();
    stack = await startStack();
    base = stack.apiUrl;
    staff = stack.plan.staff[0]!.account.address;
    browser = await launchChromium();
    const open = stack.votes.filter((v) => v.open);
    [voteId, otherVoteId] = [open[0]!.id, open[1]!.id];
    const voted = new Set([...(await ballotsOf(voteId)), ...(await ballotsOf(otherVoteId))].map((b) => b.holder.toLowerCase()));
    const firstFlat = new Map<number, { flat: string; label: string }>();
    const counts = new Map<number, number>();
    stack.plan.buildings.slice(0, 2).forEach((b, bi) =>
      b.units.forEach((u) => {
        if (u.holder === "developer") return;
        const l = demoLabel(bi, u.room);
        if (!firstFlat.has(u.holder)) firstFlat.set(u.holder, { flat: `${l.building}-${l.room}`, label: `${l.building}号楼 ${l.entrance}单元 ${l.room}` });
      }),
    );
    stack.plan.buildings.forEach((b) => b.units.forEach((u) => u.holder !== "developer" && counts.set(u.holder, (counts.get(u.holder) ?? 0) + 1)));
    free = [...firstFlat.entries()]
      .filter(([i]) => counts.get(i) === 1 && !voted.has(stack.plan.owners[i]!.account.address.toLowerCase()))
      .map(([i, f]) => ({ index: i, address: stack.plan.owners[i]!.account.address, ...f }));
    // The demo's invented names repeat (20 surnames): staff pick the resident among those of that name by flat.
    [resident] = free.splice(0, 1) as [typeof resident];
    expect(free.length).to.be.greaterThan(4);
  });

  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("staff find a resident by name, record a scanned authorisation and cast a ballot for them, marked everywhere (zh-CN, 1280 px)", async function () {
    const page = await staffPage(1280, "zh-CN");
    // Only staff have the entry in the navigation.
    await page.click("[data-nav=staff]");
    await page.waitForSelector("[data-testid=staff-find]");
    expect(await page.locator("[data-nav=staff]").innerText()).to.equal("社区代办");
    await page.fill("[data-testid=staff-find]", ownerName(resident.index));
    await page.keyboard.press("Enter");
    const link = page.locator(`[data-testid=staff-resident][data-address="${resident.address.toLowerCase()}"]`);
    await link.waitFor();
    expect(await link.innerText()).to.contain(ownerName(resident.index)).and.to.contain(resident.label);
    await link.click();
    await page.waitForSelector("[data-testid=auth-form]");
    expect(await page.locator("[data-testid=staff-resident-name]").innerText()).to.contain(ownerName(resident.index));
    expect(await page.locator("[data-testid=staff-authorisations]").innerText()).to.contain("还没有登记过授权书");

    // The signed paper, scanned: uploaded, its hash recorded on chain for every scope, for a year.
    const scan = pdf("授权书：社区工作者可代我投票、确认服务、兑换积分");
    await page.setInputFiles("[data-testid=auth-scan-input]", { name: "授权书.pdf", mimeType: "application/pdf", buffer: scan });
    await page.waitForFunction(() => !!(document.querySelector("[data-testid=auth-expiry]") as HTMLInputElement | null)?.value);
    await page.click("[data-testid=auth-submit]");
    const recorded = page.locator("[data-testid=staff-authorisations] li[data-status=active]");
    await recorded.waitFor({ timeout: 60_000 });
    authorizationId = (await recorded.getAttribute("data-authorization"))!;
    const auth = await api<Authorization>(`/api/proxy-authorizations/${authorizationId}`);
    const { keccak256 } = await import("viem");
    expect(auth).to.deep.include({ resident: resident.address, status: "active", voteId: null, documentHash: keccak256(scan) });
    expect(auth.scopes).to.have.members(["votes", "services", "redemptions"]);
    expect(await recorded.innerText()).to.contain(`授权书 ${authorizationId} 号`).and.to.contain("代为投票").and.to.match(/有效期至\d{4}年\d{1,2}月\d{1,2}日/);
    // The scan is fetched back and checked against the hash on chain, in the browser.
    await page.click(`[data-testid=scan-${authorizationId}]`);
    await page.waitForSelector(`[data-testid=scan-ok-${authorizationId}]`);

    // A ballot for the resident under it.
    await page.selectOption("[data-testid=proxy-vote]", String(voteId));
    await page.selectOption("[data-testid=proxy-auth]", authorizationId);
    await page.check("[data-testid=proxy-choice-for]");
    await page.click("[data-testid=proxy-cast]");
    const result = page.locator("[data-testid=proxy-result] .notice");
    await result.waitFor({ timeout: 60_000 });
    expect(await result.innerText()).to.match(/由社区工作者 .+ 代为办理（授权书 \d+ 号）/);
    const ballot = (await ballotsOf(voteId)).find((b) => b.holder === resident.address)!;
    expect(ballot).to.deep.include({ byStaff: true, replaced: false, enteredBy: staff, authorizationId, choice: "for" });
    expect(await hexOnPage(page), "no hex address on the Chinese staff page").to.deep.equal([]);
    await screenshot(page, "staff-resident-zh-1280");

    // The vote page marks it, for anyone, without an address.
    await page.goto(`${base}/#/votes/${voteId}`);
    const row = page.locator(`[data-proxy="${authorizationId}"] [data-testid=proxy-mark]`);
    await row.waitFor();
    const mark = await row.innerText();
    expect(mark).to.match(/^由社区工作者.*代为办理（授权书 \d+ 号）$/);
    expect(mark).not.to.match(/0x/);

    // The resident sees it on their account page (under which authorisation) and on the vote page.
    await signInAs(page, base, resident.address);
    const mine = page.locator(`[data-testid=my-authorisations] li[data-authorization="${authorizationId}"]`);
    await mine.waitFor();
    const done = mine.locator("[data-testid=proxy-done]");
    await done.waitFor();
    // The demo's staff act under a public work name ("李社工"), so the resident sees who it was.
    expect(await done.innerText()).to.contain(`在第 ${voteId} 号投票中代您投了“同意”`).and.to.match(/由社区工作者 \S+社工 代为办理（授权书 \d+ 号）/);
    expect(await mine.innerText()).to.contain("代为投票").and.to.contain("代为兑换积分");
    await screenshot(page, "staff-resident-account-zh");
    await page.goto(`${base}/#/votes/${voteId}`);
    await page.waitForSelector("[data-testid=ballot-form]");
    expect(await page.locator("#ballot-h + .notice").innerText()).to.match(/由社区工作者.*代为办理/).and.to.contain(`授权书（${authorizationId} 号）`);
    await page.context().close();
  });

  it("a refusal is told in words next to the control: an authorisation without the votes scope, and none at all (en, 390 px)", async function () {
    const page = await staffPage(390, "en");
    await page.goto(`${base}/#/staff/residents/${resident.address.toLowerCase()}`);
    await page.waitForSelector("[data-testid=auth-form]");
    // A second paper: services only.
    await page.setInputFiles("[data-testid=auth-scan-input]", { name: "services.pdf", mimeType: "application/pdf", buffer: pdf("services only") });
    await page.uncheck("[data-testid=auth-scope-votes]");
    await page.uncheck("[data-testid=auth-scope-redemptions]");
    await page.waitForFunction(() => !!(document.querySelector("[data-testid=auth-expiry]") as HTMLInputElement | null)?.value);
    await page.click("[data-testid=auth-submit]");
    await page.waitForFunction((n) => document.querySelectorAll("[data-testid=staff-authorisations] li[data-status=active]").length === n, 2, { timeout: 60_000 });
    const servicesOnly = (await page.locator("[data-testid=staff-authorisations] li[data-status=active]").first().getAttribute("data-authorization"))!;
    expect(servicesOnly).not.to.equal(authorizationId);
    await page.selectOption("[data-testid=proxy-vote]", String(otherVoteId));
    await page.selectOption("[data-testid=proxy-auth]", servicesOnly);
    await page.check("[data-testid=proxy-choice-against]");
    const before = (await ballotsOf(otherVoteId)).length;
    await page.click("[data-testid=proxy-cast]");
    const error = page.locator("#proxy-auth-error [role=alert]");
    await error.waitFor({ timeout: 30_000 });
    expect(await error.innerText()).to.equal(`Authorisation no. ${servicesOnly} does not cover "cast ballots". Choose one that does, or record a new one.`);
    expect(await page.locator("[data-testid=proxy-auth]").getAttribute("aria-describedby")).to.contain("proxy-auth-error");
    expect((await ballotsOf(otherVoteId)).length, "nothing was cast").to.equal(before);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).to.be.at.most(0);
    await screenshot(page, "staff-refusal-en-390");

    // A resident with no authorisation at all: nothing to act under, said next to the control.
    const nobody = free[0]!;
    await page.goto(`${base}/#/staff/residents/${nobody.address.toLowerCase()}`);
    await page.waitForSelector("[data-testid=proxy-ballot-form]");
    await page.check("[data-testid=proxy-choice-for]");
    await page.click("[data-testid=proxy-cast]");
    expect(await page.locator("#proxy-auth-error [role=alert]").innerText()).to.contain("has no valid authorisation");
    await page.context().close();
  });

  it("staff enter a stack of paper ballots keyboard only, each counted on chain, a refused one in words (zh-CN, 390 px)", async function () {
    const page = await staffPage(390, "zh-CN");
    await page.goto(`${base}/#/staff/paper-ballots`);
    await page.waitForSelector("[data-testid=pb-form]");
    await page.selectOption("[data-testid=pb-vote]", String(voteId));
    await page.focus("[data-testid=pb-flat]");
    const stackOf = [
      { ...free[1]!, key: "1", choice: "for" },
      { ...free[2]!, key: "2", choice: "against" },
      { ...free[3]!, key: "3", choice: "abstain" },
      // Already voted (staff cast the resident's ballot above): refused by the contract.
      { ...resident, key: "1", choice: "for" },
    ];
    for (const [i, b] of stackOf.entries()) {
      expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid), "the cursor is back on the flat").to.equal("pb-flat");
      await page.keyboard.type(b.flat);
      await page.keyboard.press("Tab");
      await page.keyboard.type(b.key);
      expect(await page.locator("[data-testid=pb-choice-word]").innerText()).to.equal({ for: "同意", against: "反对", abstain: "弃权" }[b.choice]!);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).to.equal("pb-scan");
      await page.setInputFiles("[data-testid=pb-scan]", { name: `ballot-${i}.pdf`, mimeType: "application/pdf", buffer: pdf(`paper ballot ${b.flat} ${b.choice}`) });
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await page.waitForFunction((n) => document.querySelectorAll("[data-testid=pb-row]").length === n, i + 1);
    }
    // A flat that does not exist is refused at once, next to the flat control.
    await page.keyboard.type("9-101");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#pb-flat-error [role=alert]");
    expect(await page.locator("#pb-flat-error").innerText()).to.contain("没有房号为“9-101”的房屋");

    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>("[data-testid=pb-row]")].every((r) => r.dataset.status === "counted" || r.dataset.status === "refused"), undefined, { timeout: 120_000 });
    const rows = await page.locator("[data-testid=pb-row]").evaluateAll((els) => els.map((e) => ({ status: (e as HTMLElement).dataset.status, text: (e as HTMLElement).innerText })));
    // Newest first.
    expect(rows.map((r) => r.status)).to.deep.equal(["refused", "counted", "counted", "counted"]);
    expect(rows[0]!.text).to.contain(`这户业主在第 ${voteId} 号投票中已经投过票`);
    // ... before its paper was recorded: no authorisation for that vote was made for the resident.
    const residentAuths = (await api<{ items: Authorization[] }>(`/api/proxy-authorizations?resident=${resident.address}&limit=100`)).items;
    expect(residentAuths.filter((x) => x.voteId === String(voteId))).to.deep.equal([]);
    const ballots = await eventually(async () => {
      const all = await ballotsOf(voteId);
      const ours = stackOf.slice(0, 3).map((b) => all.find((x) => x.holder === b.address));
      return ours.every(Boolean) ? (ours as Ballot[]) : undefined;
    });
    expect(ballots.map((b) => [b.choice, b.byStaff, b.enteredBy])).to.deep.equal(stackOf.slice(0, 3).map((b) => [b.choice, true, staff]));
    for (const b of ballots) {
      const auth = await api<Authorization>(`/api/proxy-authorizations/${b.authorizationId}`);
      expect(auth, "each paper ballot is its own authorisation for this vote").to.deep.include({ resident: b.holder, voteId: String(voteId), scopes: ["votes"] });
    }
    expect(await hexOnPage(page)).to.deep.equal([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).to.be.at.most(0);
    await screenshot(page, "staff-paper-ballots-zh-390");
    await page.context().close();
  });

  it("the staff pages pass the layout audit (axe-core, overflow) at every width and language", async function () {
    // Signed out, the page says who it is for: auditLayouts' fresh context per layout.
    const problems = await auditLayouts(browser, base, "#/staff", "#main .notice", "staff-signed-out");
    // Signed in: the session lives in memory (a new context or a reload signs out), so one signed-in page goes
    // through the same layouts, switching language and text size with the header's own buttons, and is checked by
    // the same pageProblems (axe-core serious/critical, horizontal overflow) on each staff page.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    try {
      const page = await context.newPage();
      await signInAs(page, base, staff);
      const pages = [
        { hash: `#/staff?q=${encodeURIComponent(ownerName(resident.index))}`, ready: "[data-testid=staff-resident]", name: "staff-find" },
        { hash: `#/staff/residents/${resident.address.toLowerCase()}`, ready: "[data-testid=staff-authorisations] li", name: "staff-resident" },
        { hash: "#/staff/paper-ballots", ready: "[data-testid=pb-form]", name: "staff-paper" },
      ];
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
          await screenshot(page, tag);
          for (const problem of await pageProblems(page)) problems.push(`${tag}: ${problem}`);
        }
      }
    } finally {
      await context.close();
    }
    expect(problems).to.deep.equal([]);
  });
});
