// Probe (not a benchmark): when each request of a page starts and ends (Resource Timing) under the bench's
// throttling; per URL over N loads, the median of (start, end) of the page's chunks relative to the document.
// npx tsx scripts/bench/probe-reqs.ts <rounds> <url>...
import { launchChromium } from "../../test/client/browser.js";
const browser = await launchChromium();
const [rounds, ...urls] = process.argv.slice(2);
const out = new Map<string, Map<string, { s: number[]; e: number[] }>>();
for (let r = 0; r < Number(rounds); r++) for (const url of urls) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(3000);
  const rows = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return [["document", nav.responseStart, nav.responseEnd] as [string, number, number], ...(performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((e) => [e.name.replace(/^https?:\/\/[^/]+/, "").replace(/-[\w-]{8}\.js$/, ".js"), e.startTime, e.responseEnd] as [string, number, number])];
  });
  await context.close();
  const m = out.get(url) ?? new Map();
  const d = rows[0]![2];
  for (const [n, s, e] of rows) { const x = m.get(n) ?? { s: [], e: [] }; x.s.push(s - d); x.e.push(e - d); m.set(n, x); }
  out.set(url, m);
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const [url, m] of out) {
  console.log(url);
  for (const [n, { s, e }] of m) console.log(`   start ${med(s).toFixed(0).padStart(5)}  end ${med(e).toFixed(0).padStart(5)}  ${n}`);
}
await browser.close();
