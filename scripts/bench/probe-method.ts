// Probe (not a benchmark): does the way the bench waits change what it measures? The same pages loaded, interleaved,
// (a) waiting with page.waitForFunction from the moment of commit (Playwright evaluates its injected script in the
// page while it loads), (b) waiting for a console message the init script prints (nothing evaluated in the page).
// npx tsx scripts/bench/probe-method.ts <rounds> <url>...
import { loadavg } from "node:os";
import type { Browser } from "playwright-core";
import { launchChromium } from "../../test/client/browser.js";

const PROBE = `(() => { if (!/^http/.test(location.protocol)) return;
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === "first-contentful-paint") { window.__fcp = e.startTime; console.debug("probe:paint"); } }).observe({ type: "paint", buffered: true });
})();`;

async function load(browser: Browser, url: string, method: "poll" | "console"): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await page.addInitScript(PROBE);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 });
    const painted = page.waitForEvent("console", { predicate: (m) => m.text() === "probe:paint", timeout: 60_000 });
    await page.goto(url, { waitUntil: "commit" });
    if (method === "poll") await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, undefined, { timeout: 30_000, polling: 100 });
    await painted;
    return await page.evaluate(() => (window as unknown as { __fcp: number }).__fcp);
  } finally {
    await context.close();
  }
}

const [rounds, ...urls] = process.argv.slice(2);
const browser = await launchChromium();
const res = new Map<string, number[]>();
console.log(`load ${loadavg()[0]!.toFixed(1)}`);
for (let r = 0; r < Number(rounds); r++) {
  for (const url of urls) for (const m of (process.env.METHODS ?? "poll,console").split(",") as ("poll" | "console")[]) {
    const k = `${m.padEnd(8)} ${url}`;
    res.set(k, [...(res.get(k) ?? []), await load(browser, url, m)]);
  }
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const [k, v] of res) console.log(`${k.padEnd(60)} median fcp ${med(v).toFixed(0).padStart(5)}  all ${v.map((x) => x.toFixed(0)).join(",")}`);
console.log(`load ${loadavg()[0]!.toFixed(1)}`);
await browser.close();
