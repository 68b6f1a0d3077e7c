import { chromium } from "playwright-core";
import path from "node:path";
import { buildClient, startStack, LAYOUTS, horizontalOverflow, CHROMIUM_ARGS } from "../test/client/browser.js";
import { repoRoot } from "../test/client/browser.js";
const AXE = path.join(repoRoot, "node_modules/axe-core/axe.min.js");
await buildClient();
let t = Date.now();
const stack = await startStack();
console.log("stack", Date.now() - t);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
const pages = [["#/votes", "[data-testid=vote-card], main h1"], ["#/fund", "main h1"], ["#/partners", "main h1"]];
const sums: Record<string, number> = {};
const add = (k: string, v: number) => (sums[k] = (sums[k] ?? 0) + v);
for (const [hash, ready] of pages) for (const layout of LAYOUTS) {
  let t0 = Date.now();
  const context = await browser.newContext({ viewport: { width: layout.width, height: layout.height }, bypassCSP: true });
  await context.addInitScript(([l, g]) => { localStorage.setItem("gongzhi.lang", l as string); localStorage.setItem("gongzhi.largeText", g ? "1" : "0"); }, [layout.lang, layout.largeText ?? false] as const);
  const page = await context.newPage(); add("context", Date.now() - t0); t0 = Date.now();
  await page.goto(`${stack.apiUrl}/${hash}`); await page.waitForSelector(ready!); add("goto+ready", Date.now() - t0); t0 = Date.now();
  await page.waitForLoadState("networkidle"); add("networkidle", Date.now() - t0); t0 = Date.now();
  await page.waitForFunction(() => document.querySelector("main")?.getAttribute("aria-busy") !== "true"); add("busy", Date.now() - t0); t0 = Date.now();
  await horizontalOverflow(page); add("overflow", Date.now() - t0); t0 = Date.now();
  await page.addScriptTag({ path: AXE }); add("axe-inject", Date.now() - t0); t0 = Date.now();
  await page.evaluate(async () => { const axe = (window as any).axe; await axe.run(document, { resultTypes: ["violations"] }); }); add("axe-run", Date.now() - t0); t0 = Date.now();
  await context.close(); add("close", Date.now() - t0);
}
console.log(sums, "per page-layout:", Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Math.round(v / 18)])));
await browser.close(); await stack.stop();
