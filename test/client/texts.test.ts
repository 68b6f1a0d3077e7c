// Issue 19: a phone downloads only the texts it shows. Each language's texts are one chunk per page group
// (client/src/i18n/groups.ts); a first visit asks for the shell's and its page's group in the saved language only,
// a page draws only once they are there, and a change of language loads the page's groups in the other one.
// Real headless Chromium against the demo stack (on free ports).
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { en } from "../../client/src/i18n/en.js";
import type { TextGroup } from "../../client/src/i18n/groups.js";
import { zhCN } from "../../client/src/i18n/zh-CN.js";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { buildClient, launchChromium, startStack, type BuiltChunk } from "./browser.js";

type Lang = "zh-CN" | "en";
const KEYS = Object.keys(zhCN);

describe("texts per language and page group (Chromium, demo stack)", function () {
  this.timeout(300_000);
  let chunks: BuiltChunk[];
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  /** The built file of each language's group: `assets/texts-en-fund-….js`. */
  const fileOf = (lang: Lang, group: TextGroup): string => {
    const chunk = chunks.find((c) => c.facadeModuleId === `\0virtual:texts/${lang}/${group}`);
    if (!chunk) throw new Error(`no chunk for the ${lang} texts of ${group}`);
    return chunk.fileName;
  };

  before(async function () {
    chunks = await buildClient();
    stack = await startStack();
    base = stack.apiUrl;
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  /** A fresh visitor whose saved language is `lang`, and the texts' files the tab asks for, in order. */
  async function visitor(lang: Lang): Promise<{ context: BrowserContext; page: Page; texts: string[] }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.addInitScript((l) => {
      if (!localStorage.getItem("gongzhi.lang")) localStorage.setItem("gongzhi.lang", l);
    }, lang);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    const texts: string[] = [];
    page.on("request", (r) => {
      const file = new URL(r.url()).pathname.replace(/^\//, "");
      if (file.startsWith("assets/texts-")) texts.push(file);
    });
    return { context, page, texts };
  }

  /** The page has drawn its content (as the client benchmark counts "ready"). */
  const ready = (page: Page) =>
    page.waitForFunction(() => {
      const main = document.getElementById("main");
      return !!main && !main.hasAttribute("aria-busy") && !!main.querySelector(".page h1");
    }, undefined, { timeout: 60_000 });

  /** Text keys shown as they are (their text missing) anywhere on the page. */
  async function keysShown(page: Page): Promise<string[]> {
    const words = new Set((await page.locator("body").innerText()).split(/[\s,，。:：()（）·]+/));
    return KEYS.filter((k) => words.has(k));
  }

  for (const [lang, hash, group] of [
    ["zh-CN", "votes", "votes"],
    ["en", "fund", "fund"],
    ["zh-CN", "verify", "verify"],
  ] as const) {
    it(`a first visit to #/${hash} in ${lang} downloads the shell's and the "${group}" texts in ${lang} only`, async function () {
      const { context, page, texts } = await visitor(lang);
      try {
        await page.goto(`${base}/#/${hash}`);
        await ready(page);
        await page.waitForLoadState("networkidle");
        expect([...texts].sort()).to.deep.equal([fileOf(lang, "shell"), fileOf(lang, group)].sort());
        expect(await page.getAttribute("html", "lang")).to.equal(lang);
        expect(await page.locator("[data-nav=votes]").innerText()).to.equal(lang === "en" ? en["nav.votes"] : zhCN["nav.votes"]);
        expect(await keysShown(page)).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }

  it("a page draws only once its texts are there: with its group's chunk held back, the loading line stays and no key shows", async function () {
    const { context, page } = await visitor("zh-CN");
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let asked = false;
      await page.route(`**/${fileOf("zh-CN", "votes")}`, async (route) => {
        asked = true;
        await held;
        await route.continue();
      });
      await page.goto(`${base}/#/votes`);
      // Everything else (the entry, the page's code, its data, the shell's texts) has arrived meanwhile.
      await page.waitForLoadState("load");
      await new Promise((r) => setTimeout(r, 2_000));
      expect(asked, "the votes texts were asked for").to.equal(true);
      expect(await page.locator("main").innerText()).to.equal(zhCN["app.loading"]);
      expect(await page.locator("main h1").count()).to.equal(0);
      expect(await keysShown(page)).to.deep.equal([]);
      release();
      await ready(page);
      expect(await page.locator("main h1").first().innerText()).to.equal(zhCN["votes.title"]);
      expect(await keysShown(page)).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it("switching language loads the page's texts in the other language; the next page loads its group in that language only", async function () {
    const { context, page, texts } = await visitor("zh-CN");
    try {
      await page.goto(`${base}/#/votes`);
      await ready(page);
      await page.waitForLoadState("networkidle");
      const before = texts.length;
      await page.click("[data-testid=lang-switch]");
      await page.waitForFunction((text) => document.querySelector("[data-nav=votes]")?.textContent === text, en["nav.votes"]);
      await ready(page);
      expect(await page.getAttribute("html", "lang")).to.equal("en");
      expect(await page.locator("main h1").first().innerText()).to.equal(en["votes.title"]);
      expect(texts.slice(before).sort()).to.deep.equal([fileOf("en", "shell"), fileOf("en", "votes")].sort());
      expect(await keysShown(page)).to.deep.equal([]);

      const onVotes = texts.length;
      await page.click("[data-nav=fund]");
      await page.waitForFunction((text) => document.querySelector("main h1")?.textContent === text, en["fund.title"], { timeout: 60_000 });
      await ready(page);
      expect(texts.slice(onVotes)).to.deep.equal([fileOf("en", "fund")]);
      expect(await keysShown(page)).to.deep.equal([]);

      // The choice is kept: a reload asks for the English texts only.
      const onFund = texts.length;
      await page.reload();
      await ready(page);
      await page.waitForLoadState("networkidle");
      expect(texts.slice(onFund).sort()).to.deep.equal([fileOf("en", "shell"), fileOf("en", "fund")].sort());
      expect(await page.locator("main h1").first().innerText()).to.equal(en["fund.title"]);
    } finally {
      await context.close();
    }
  });
});
