// Probe (not a benchmark): a Chromium trace of one throttled load; prints the renderer main thread's top-level tasks
// longer than 20 ms, with what ran in them (script URL, layout, paint), relative to navigation start.
// npx tsx scripts/bench/probe-trace.ts <url> [out.json]
import { writeFileSync } from "node:fs";
import { launchChromium } from "../../test/client/browser.js";
const [url, out] = process.argv.slice(2);
const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
await cdp.send("Network.enable");
await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 });
await browser.startTracing(page, { categories: (process.env.TRACE_CATS ?? "devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing,loading").split(",") });
await page.goto(url!, { waitUntil: "load" });
await page.waitForTimeout(4000);
const buf = await browser.stopTracing();
if (out) writeFileSync(out, buf);
type Ev = { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { data?: Record<string, unknown>; name?: string } };
const events = (JSON.parse(buf.toString()) as { traceEvents: Ev[] }).traceEvents;
const threadNames = new Map<string, string>();
for (const e of events) if (e.name === "thread_name") threadNames.set(`${e.pid}:${e.tid}`, String(e.args?.name));
const nav = events.find((e) => e.name === "navigationStart" || e.name === "NavigationStart" || e.name === "markAsMainFrame");
const mainKey = [...threadNames].find(([k, n]) => n === "CrRendererMain" && events.some((e) => `${e.pid}:${e.tid}` === k && e.name === "ParseHTML"))?.[0];
const t0 = events.filter((e) => `${e.pid}:${e.tid}` === mainKey && e.name === "ParseHTML")[0]!.ts;
console.log("nav", nav?.name, "t0 = first ParseHTML");
const onMain = events.filter((e) => `${e.pid}:${e.tid}` === mainKey && e.ph === "X");
const tasks = onMain.filter((e) => e.name === "RunTask" && (e.dur ?? 0) > 20_000);
for (const task of tasks) {
  const inner = onMain.filter((e) => e.ts >= task.ts && e.ts < task.ts + task.dur! && e.name !== "RunTask" && (e.dur ?? 0) > 5_000);
  const what = inner.map((e) => `${e.name}${e.args?.data?.url ? "(" + String(e.args.data.url).replace(/^.*\//, "") + ")" : ""}:${(e.dur! / 1000).toFixed(0)}`).slice(0, 8).join(" ");
  console.log(`${((task.ts - t0) / 1000).toFixed(0).padStart(6)} +${(task.dur! / 1000).toFixed(0).padStart(4)}  ${what}`);
}
for (const e of events.filter((e) => /firstContentfulPaint|firstPaint|ResourceSendRequest/.test(e.name) && `${e.pid}:${e.tid}` === mainKey)) console.log(((e.ts - t0) / 1000).toFixed(0), e.name, String(e.args?.data?.url ?? "").replace(/^.*\//, ""));
await browser.close();
