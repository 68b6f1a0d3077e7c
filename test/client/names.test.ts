// Flats and names in place of addresses, in real headless Chromium against the demo stack (its directory of
// 300 labelled flats and invented people in the vault): a vote's ballots show "3号楼 1单元 203"-style labels with
// the address kept as title and small text, in both languages, on a 390 px phone without sideways scrolling; a
// statement shows the display name its owner chose to show, and a visitor never sees a name from the vault.
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { demoLabel } from "../../scripts/demo/directory.js";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { buildClient, launchChromium, screenshot, startStack } from "./browser.js";

describe("web client: flats and names in place of addresses (Chromium, demo stack)", function () {
  this.timeout(300_000);
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;

  before(async function () {
    await buildClient();
    stack = await startStack();
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
  });
  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  /** The demo's labels (zh, en) of the flats an address holds, in unit id order. */
  function labelsOf(address: string): { zh: string; en: string; unitId: number }[] {
    const { plan } = stack;
    const out: { zh: string; en: string; unitId: number }[] = [];
    let unitId = 0;
    plan.buildings.forEach((b, bi) =>
      b.units.forEach((u) => {
        unitId++;
        const holder = u.holder === "developer" ? plan.developer.account.address : plan.owners[u.holder]!.account.address;
        if (holder.toLowerCase() !== address.toLowerCase()) return;
        const l = demoLabel(bi, u.room);
        out.push({ zh: `${l.building}号楼 ${l.entrance}单元 ${l.room}`, en: `Bldg ${l.building}, Entrance ${l.entrance}, Room ${l.room}`, unitId });
      }),
    );
    return out;
  }

  it("a vote's ballots show the voters' flats, the address kept for checking, in Chinese and English at 390 px", async function () {
    const lift = stack.votes.find((v) => !v.open)!;
    await page.goto(`${stack.apiUrl}/#/votes/${lift.id}`);
    const cell = page.locator("[data-testid=ballot-holder]").first();
    await cell.locator(".who").waitFor({ timeout: 30_000 });
    const address = (await cell.locator(".who").getAttribute("title"))!;
    expect(address).to.match(/^0x[0-9a-fA-F]{40}$/);
    const [first] = labelsOf(address);
    expect(first, "the voter holds a flat").to.not.equal(undefined);
    const text = await cell.innerText();
    expect(text).to.contain(first!.zh).and.to.match(/\d+号楼 \d+单元 \d+/);
    expect(text, "the address is still shown, shortened").to.contain(address.slice(0, 6));
    expect(text).to.not.contain("房屋 #");
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).to.be.at.most(0);
    await screenshot(page, "vote-ballots-flats-zh-390");

    await page.click("[data-testid=lang-switch]");
    await page.waitForFunction(() => document.documentElement.lang === "en");
    await page.locator("[data-testid=ballot-holder] .who").first().waitFor();
    await page.waitForFunction((en) => document.querySelector("[data-testid=ballot-holder]")?.textContent?.includes(en), first!.en, { timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).to.be.at.most(0);
    await screenshot(page, "vote-ballots-flats-en-390");
    await page.click("[data-testid=lang-switch]");
    await page.waitForFunction(() => document.documentElement.lang === "zh-CN");
  });

  it("a visitor sees the display name an owner chose to show, and no name from the vault", async function () {
    const chosen = stack.directory.displayNames[0]!;
    const [flat] = labelsOf(chosen.address);
    await page.goto(`${stack.apiUrl}/#/fund/units/${flat!.unitId}`);
    await page.waitForSelector("[data-testid=unit-balance]");
    const main = await page.locator("main").innerText();
    expect(main).to.contain(chosen.displayName).and.to.contain(flat!.zh).and.to.contain(chosen.address);
    // A person who did not opt in is shown by flat only: no vault value reaches a visitor.
    const names = await (await fetch(`${stack.apiUrl}/api/directory/names`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ addresses: stack.plan.owners.slice(0, 50).map((o) => o.account.address) }) })).json() as { items: { displayName?: string; name?: string }[] };
    expect(names.items.some((i) => i.name !== undefined)).to.equal(false);
    const shown = names.items.filter((i) => i.displayName).map((i) => i.displayName);
    const chosenIn = stack.directory.displayNames.filter((d) => stack.plan.owners.slice(0, 50).some((o) => o.account.address === d.address)).map((d) => d.displayName);
    expect(shown).to.deep.equal(chosenIn);
  });
});
