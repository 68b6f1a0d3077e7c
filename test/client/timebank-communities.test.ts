// Time-bank credits across communities (通存通兑, issue 17) in real headless Chromium against the demo stack: the
// volunteer whose credits moved with her to the neighbouring community sees where they went and the move in her
// history, marked as done by staff; staff move another member there from the page under that member's written
// authorisation; the page passes the layout audit in both languages at desktop and phone widths.
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { auditLayouts, buildClient, eventually, launchChromium, screenshot, signInAs, startStack } from "./browser.js";

type Authorisation = { id: string; status: string; scopes: string[] };
type MemberView = { member: boolean; balance: number; movedTo: string | null };

describe("time bank across communities (Chromium, demo stack)", function () {
  this.timeout(600_000);
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;
  let base: string;

  const api = async <T>(route: string): Promise<T> => {
    const res = await fetch(`${stack.apiUrl}${route}`);
    if (!res.ok) throw new Error(`${route}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };

  before(async function () {
    await buildClient();
    stack = await startStack();
    base = stack.apiUrl;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
  });

  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("shows the volunteer who moved where her credits went, the move marked as done by staff, and the clearing balance", async function () {
    const { moved, timebank } = stack.neighbour;
    await signInAs(page, base, moved.address);
    await page.goto(`${base}/#/timebank`);
    await page.waitForSelector("[data-testid=tb-communities]");
    const card = page.locator("[data-testid=tb-communities]");
    expect(await card.innerText()).to.contain("你已迁往");
    const row = card.locator(`[data-community="${timebank}"]`);
    expect(await row.innerText()).to.contain("已认可");
    const { communities } = await api<{ communities: { address: string; clearing: number }[] }>("/api/timebank/communities");
    expect(await row.getAttribute("data-clearing")).to.equal(String(communities.find((c) => c.address === timebank)!.clearing));
    const history = page.locator("[data-testid=tb-history] li", { hasText: "随迁转出" });
    expect(await history.count()).to.equal(1);
    expect(await history.locator("[data-testid=proxy-mark]").count(), "the move was made by staff for her").to.equal(1);
    expect(await page.locator("[data-testid=tb-history] li", { hasText: "在友邻社区兑换" }).count()).to.equal(1);
    // No raw address where she reads: the neighbour is named in words.
    expect(await card.innerText()).to.not.match(/0x[0-9a-fA-F]{6}/);
  });

  it("lets staff move a member with their balance to the neighbouring community under the member's authorisation", async function () {
    // A member who signed an authorisation covering redemptions (the demo's elderly member without a phone).
    const { items: members } = await api<{ items: { address: string }[] }>("/api/timebank/members?limit=500");
    let mover: { address: string; auth: Authorisation } | undefined;
    for (const m of members) {
      const { items } = await api<{ items: Authorisation[] }>(`/api/proxy-authorizations?resident=${m.address}`);
      const auth = items.find((a) => a.status === "active" && a.scopes.includes("redemptions"));
      if (auth) mover = { address: m.address, auth };
    }
    expect(mover, "a member with an authorisation covering redemptions").to.not.equal(undefined);
    const before = await api<MemberView>(`/api/timebank/members/${mover!.address}`);
    expect(before.member).to.equal(true);

    await signInAs(page, base, stack.plan.staff[0]!.account.address);
    await page.goto(`${base}/#/timebank`);
    await page.waitForSelector("[data-testid=tbc-move-form]");
    await page.selectOption("[data-testid=tbc-member]", mover!.address);
    await page.waitForSelector(`[data-testid=tbc-auth] option[value="${mover!.auth.id}"]`, { state: "attached" });
    await page.selectOption("[data-testid=tbc-destination]", stack.neighbour.timebank);
    await page.click("[data-testid=tbc-move]");
    const after = await eventually(
      async () => {
        const m = await api<MemberView>(`/api/timebank/members/${mover!.address}`);
        return m.movedTo ? m : undefined;
      },
      60_000,
      "the member moved",
    ).catch(async (error: unknown) => {
      await screenshot(page, "timebank-communities-move");
      throw error;
    });
    expect([after.member, after.balance, after.movedTo]).to.deep.equal([false, 0, stack.neighbour.timebank]);
    const { history } = await api<{ history: { kind: string; minutes: number; by?: string; authorizationId?: string }[] }>(`/api/timebank/members/${mover!.address}`);
    const out = history.find((h) => h.kind === "moved-out")!;
    expect([out.minutes, out.by, out.authorizationId]).to.deep.equal([before.balance, stack.plan.staff[0]!.account.address, mover!.auth.id]);
  });

  it("passes the layout audit (axe-core, no overflow) in both languages at desktop and phone widths, for the moved volunteer and for staff", async function () {
    const as = (address: string) => (p: Page) => signInAs(p, base, address);
    const problems = (
      await Promise.all([
        auditLayouts(browser, base, "#/timebank", "[data-testid=tb-communities]", "timebank-moved", undefined, as(stack.neighbour.moved.address)),
        auditLayouts(browser, base, "#/timebank", "[data-testid=tbc-move-form]", "timebank-staff-move", undefined, as(stack.plan.staff[0]!.account.address)),
      ])
    ).flat();
    expect(problems).to.deep.equal([]);
  });
});
