import { chromium, type Browser } from "playwright-core";
import { buildClient, startStack, LAYOUTS, CHROMIUM_ARGS, auditLayouts, pageProblems, signInAs } from "../test/client/browser.js";
async function oldAudit(browser: Browser, base: string, hash: string, ready: string, prepare?: (p: any) => Promise<void>) {
  const problems: string[] = [];
  for (const layout of LAYOUTS) {
    const context = await browser.newContext({ viewport: { width: layout.width, height: layout.height }, bypassCSP: true });
    await context.addInitScript(([l, g]) => { localStorage.setItem("gongzhi.lang", l as string); localStorage.setItem("gongzhi.largeText", g ? "1" : "0"); }, [layout.lang, layout.largeText ?? false] as const);
    const page = await context.newPage();
    if (prepare) await prepare(page);
    await page.goto(`${base}/${hash}`); await page.waitForSelector(ready);
    await page.waitForLoadState("networkidle").catch(() => undefined);
    problems.push(...(await pageProblems(page)));
    await context.close();
  }
  return problems;
}
await buildClient();
const stack = await startStack();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
const base = stack.apiUrl;
const staff = stack.plan.staff[0]!.account.address;
const pages: [string, string, ((p: any) => Promise<void>) | undefined][] = [["#/votes", "[data-testid=open-votes] [data-testid=verdict]", undefined], ["#/fund", "[data-testid=plans]", undefined], ["#/staff", "main h1", (p) => signInAs(p, base, staff)]];
const t = { old: 0, new: 0 };
for (let round = 0; round < 2; round++) for (const [hash, ready, prep] of pages) {
  let t0 = Date.now(); const a = await oldAudit(browser, base, hash, ready, prep); t.old += Date.now() - t0;
  t0 = Date.now(); const b = await auditLayouts(browser, base, hash, ready, "ab", LAYOUTS, prep); t.new += Date.now() - t0;
  console.log(hash, "old", a.length, "new", b.length, b.slice(0, 2));
}
console.log(t);
await browser.close(); await stack.stop();
