// The production bundle's shape where it decides how many round trips a phone waits before a page shows.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { bytesToHex } from "viem";
import { demoPlan } from "../../scripts/demo/plan.js";
import { en } from "../../client/src/i18n/en.js";
import { groupTexts, TEXT_GROUP_NAMES } from "../../client/src/i18n/groups.js";
import { zhCN } from "../../client/src/i18n/zh-CN.js";
import { buildClient, clientDist, filesWith, SIGNING_MODULES, type BuiltChunk } from "./browser.js";

describe("client bundle (vite build)", function () {
  this.timeout(300_000);
  let chunks: BuiltChunk[];

  before(async function () {
    chunks = await buildClient();
  });

  it("the entry script is one file: it imports no other chunk statically (one request, not three, before it runs)", function () {
    const entry = chunks.find((c) => c.isEntry)!;
    // On HTTP/1.1 a browser opens six connections per host: with the texts, the page's code and its early data
    // requests, every extra startup file pushes one request into a second 150 ms round trip on a slow phone.
    expect(entry.imports, `chunks the entry imports statically: ${entry.imports.join(", ")}`).to.deep.equal([]);
    expect(entry.moduleIds.some((id) => /client[\\/]src[\\/]lib[\\/]dom\.ts$/.test(id)), "dom.ts is in the entry").to.equal(true);
    expect([...filesWith([entry], SIGNING_MODULES).values()].flat()).to.deep.equal([]);
  });

  it("each language's texts are one chunk per page group, holding exactly that group's texts; the entry holds none (issue 19)", async function () {
    const texts = chunks.filter((c) => c.facadeModuleId?.startsWith("\0virtual:texts/"));
    expect(texts).to.have.length(2 * TEXT_GROUP_NAMES.length);
    for (const [lang, dictionary] of [["zh-CN", zhCN], ["en", en]] as const) {
      for (const group of TEXT_GROUP_NAMES) {
        const chunk = texts.find((c) => c.facadeModuleId === `\0virtual:texts/${lang}/${group}`)!;
        expect(chunk.fileName).to.match(new RegExp(`^assets/texts-${lang}-${group}-[\\w-]+\\.js$`));
        expect(chunk.imports, `${lang}/${group} imports nothing`).to.deep.equal([]);
        const module = (await import(`data:text/javascript,${encodeURIComponent(chunk.code)}`)) as { default: Record<string, string> };
        expect(module.default, `${lang}/${group}`).to.deep.equal(groupTexts(dictionary, group));
      }
    }
    // No text of a page group in the entry (every page would download it, in both languages).
    const entry = chunks.find((c) => c.isEntry)!;
    for (const key of ["verify.title", "fund.title", "timebank.balance"] as const) {
      expect(entry.code).to.not.contain(JSON.stringify(zhCN[key]).slice(1, -1)).and.not.contain(JSON.stringify(en[key]).slice(1, -1));
    }
  });

  it("index.html's boot script preloads the shell's and the route's texts in the saved language only", function () {
    const html = readFileSync(path.join(clientDist, "index.html"), "utf8");
    const file = (lang: string, group: string) => chunks.find((c) => c.facadeModuleId === `\0virtual:texts/${lang}/${group}`)!.fileName;
    // The boot script run as a browser would, on a route and with a saved language; the texts' links it adds.
    const script = /<script>(\(function\(\)\{var d=document.documentElement[\s\S]*?)<\/script>/.exec(html)![1]!;
    const preloaded = (hash: string, saved: string | null): string[] => {
      const links: string[] = [];
      const documentElement = { lang: "", classList: { add() {} }, setAttribute() {} };
      const document = { documentElement, head: { appendChild: (l: { href: string }) => links.push(l.href) }, createElement: () => ({}) as { href: string }, addEventListener() {} };
      const window = { localStorage: { getItem: (k: string) => (k === "gongzhi.lang" ? saved : null) }, __gongzhiEarly: {} };
      new Function("document", "window", "location", "fetch", script)(document, window, { hash }, () => ({ catch() {} }));
      return links.filter((l) => l.includes("texts-")).map((l) => l.replace(/^\.\//, "")).sort();
    };
    expect(preloaded("#/fund", "en")).to.deep.equal([file("en", "shell"), file("en", "fund")].sort());
    expect(preloaded("#/votes/3", null)).to.deep.equal([file("zh-CN", "shell"), file("zh-CN", "votes")].sort());
    expect(preloaded("#/no-such-page", null)).to.deep.equal([file("zh-CN", "shell")]);
  });

  it("a signed-out page's first requests fit the six connections HTTP/1.1 gives a host: entry, page code, texts and early data (issue 19)", function () {
    const html = readFileSync(path.join(clientDist, "index.html"), "utf8");
    const script = /<script>(\(function\(\)\{var d=document.documentElement[\s\S]*?)<\/script>/.exec(html)![1]!;
    const firstRequests = (hash: string): string[] => {
      const requests: string[] = [];
      const documentElement = { lang: "", classList: { add() {} }, setAttribute() {} };
      const document = { documentElement, head: { appendChild: (l: { href: string }) => requests.push(l.href) }, createElement: () => ({}) as { href: string }, addEventListener() {} };
      const window = { localStorage: { getItem: () => null }, __gongzhiEarly: {} };
      const fetch = (url: string) => {
        requests.push(url);
        return { catch() {} };
      };
      new Function("document", "window", "location", "fetch", script)(document, window, { hash }, fetch);
      return requests;
    };
    // A seventh request waits for a free connection: one more round trip (150 ms and more on a slow phone).
    const entry = chunks.find((c) => c.isEntry)!.fileName;
    for (const hash of ["#/", "#/votes", "#/votes/3", "#/fund", "#/fund/plans/1", "#/timebank"]) {
      expect(firstRequests(hash), hash).to.include(`./${entry}`).and.have.length.at.most(6);
    }
  });

  it("index.html starts the entry only once its shell has been drawn (the frame after DOMContentLoaded), preloaded at once (issue 19)", function () {
    const html = readFileSync(path.join(clientDist, "index.html"), "utf8");
    const entry = chunks.find((c) => c.isEntry)!.fileName;
    // No <script src> of its own: a module script that arrives before the first frame runs before it.
    expect(html).to.not.match(/<script[^>]*\bsrc=/);
    const script = /<script>(\(function\(\)\{var d=document\.documentElement[\s\S]*?)<\/script>/.exec(html)![1]!;
    const run = (hidden: boolean) => {
      const log: string[] = [];
      const listeners: Record<string, () => void> = {};
      const frames: (() => void)[] = [];
      const timers: (() => void)[] = [];
      const documentElement = { lang: "", classList: { add() {} }, setAttribute() {} };
      const document = {
        documentElement,
        visibilityState: hidden ? "hidden" : "visible",
        head: { appendChild: (el: { rel?: string; type?: string; href?: string; src?: string }) => log.push(el.type === "module" ? `run ${el.src}` : `${el.rel} ${el.href}`) },
        createElement: () => ({}),
        addEventListener: (name: string, f: () => void) => (listeners[name] = f),
      };
      const window = { localStorage: { getItem: () => null }, __gongzhiEarly: {} };
      new Function("document", "window", "location", "fetch", "requestAnimationFrame", "setTimeout", script)(
        document,
        window,
        { hash: "#/votes" },
        () => ({ catch() {} }),
        (f: () => void) => frames.push(f),
        (f: () => void) => timers.push(f),
      );
      return { log, listeners, frames, timers };
    };
    const shown = run(false);
    expect(shown.log[0], "the entry preloaded first").to.equal(`modulepreload ./${entry}`);
    expect(shown.log.filter((l) => l.startsWith("run"))).to.deep.equal([]);
    shown.listeners.DOMContentLoaded!();
    expect(shown.log.filter((l) => l.startsWith("run")), "not before the frame").to.deep.equal([]);
    shown.frames.forEach((f) => f());
    shown.timers.forEach((f) => f());
    expect(shown.log.filter((l) => l.startsWith("run"))).to.deep.equal([`run ./${entry}`]);
    // A hidden tab draws no frame: the entry runs at once there.
    const hidden = run(true);
    hidden.listeners.DOMContentLoaded!();
    expect(hidden.log.filter((l) => l.startsWith("run"))).to.deep.equal([`run ./${entry}`]);
  });

  it("index.html carries only the first paint's styles (shell.css) and links no stylesheet; the others come in the entry (issue 19)", function () {
    const html = readFileSync(path.join(clientDist, "index.html"), "utf8");
    // A <link rel="stylesheet"> would hold the first paint for one more round trip on a slow phone.
    expect(html).to.not.match(/<link[^>]*rel="?stylesheet/i);
    const inline = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join("");
    expect(inline, "the header, navigation and language rules are inline").to.include("--accent:").and.match(/\[data-l="?en"?\]/).and.include("nav a");
    // Page styles (cards, tables, ballots) are not: they were more than half of the HTML, parsed before the first paint.
    expect(inline).to.not.include(".card{").and.not.include(".data-table");
    expect(Buffer.byteLength(inline), "inline styles (bytes)").to.be.lessThan(8_000);
    expect(Buffer.byteLength(html), "index.html (bytes)").to.be.lessThan(24_000);
    const entry = chunks.find((c) => c.isEntry)!;
    expect(entry.code, "the page styles ride in the entry").to.include(".card{").and.include(".data-table");
  });

  it("carries no key and no list of people: the demo picker's accounts come from the demo stack's server only", function () {
    const plan = demoPlan();
    const keys = [plan.committee[0]!, plan.staff[0]!, plan.owners[0]!].map((p) => bytesToHex(p.account.getHdKey().privateKey!).slice(2));
    for (const chunk of chunks) {
      for (const key of keys) expect(chunk.code.toLowerCase().includes(key), `${chunk.fileName} holds a demo key`).to.equal(false);
      expect(chunk.code.includes(plan.owners[0]!.label), `${chunk.fileName} names a demo owner`).to.equal(false);
    }
  });

  it("jsQR comes without its Shift-JIS table (36 kB gzipped; member codes are byte mode), and still decodes (test/client/timebank.test.ts scans one)", function () {
    const qr = chunks.find((c) => c.moduleIds.some((id) => /[\\/]jsqr[\\/]/.test(id)));
    expect(qr, "a chunk holds jsQR").to.not.equal(undefined);
    expect(qr!.code).to.include("shiftJISTable");
    // One of the table's 7,000 entries (0x8140 → U+3000, the ideographic space).
    expect(/33088\s*:\s*12288|0x8140\s*:\s*0x3000/i.test(qr!.code), "the table's entries are gone").to.equal(false);
  });
});
