// Probe (not a benchmark): the renderer main thread's CPU time (trace `tdur`, which a busy machine inflates far less
// than wall time) before the first contentful paint, per URL, over interleaved throttled loads; split into the
// first paint's layout, script (parse, compile, evaluate, microtasks) and the rest. Median per URL.
// With READY=1 also the CPU until the page is ready (the bench's PROBE signal; a trivial page: its first paint).
// npx tsx scripts/bench/probe-cpu.ts <rounds> <url>...
import { loadavg } from "node:os";
import { launchChromium } from "../../test/client/browser.js";
import { PROBE } from "./client.bench.js";

type Ev = { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number };
const SCRIPT = new Set(["EvaluateScript", "v8.compileModule", "v8.evaluateModule", "RunMicrotasks", "v8.compile", "FunctionCall", "TimerFire", "FireAnimationFrame"]);

const [rounds, ...urls] = process.argv.slice(2);
const browser = await launchChromium();
const res = new Map<string, { fcp: number; cpu: number; layout: number; script: number; parse: number; readyCpu: number; readyLayout: number; readyScript: number }[]>();
const ready = process.env.READY === "1";
console.log(`load ${loadavg()[0]!.toFixed(1)}`);
for (let r = 0; r < Number(rounds); r++) {
  for (const url of urls) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    if (ready) await page.addInitScript(PROBE);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 });
    await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "loading"] });
    const signal = ready ? page.waitForEvent("console", { predicate: (m) => m.text() === (url!.endsWith(".html") ? "gongzhi-bench:paint" : "gongzhi-bench:ready"), timeout: 90_000 }) : undefined;
    await page.goto(url!, { waitUntil: ready ? "commit" : "load" });
    if (signal) await signal;
    else await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, undefined, { timeout: 60_000 });
    const marks = ready ? await page.evaluate(() => { const w = window as unknown as { __fcp: number; __ready?: number }; return { fcp: w.__fcp, ready: w.__ready ?? w.__fcp }; }) : undefined;
    await page.waitForTimeout(300);
    const events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: Ev[] }).traceEvents;
    await context.close();
    // The page's renderer main thread: the one that marked the first contentful paint.
    const fcpEv = events.find((e) => e.name === "firstContentfulPaint")!;
    const main = `${fcpEv.pid}:${fcpEv.tid}`;
    const t0 = events.filter((e) => `${e.pid}:${e.tid}` === main && e.name === "ParseHTML")[0]!.ts;
    const before = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === "X" && e.ts < fcpEv.ts);
    const sum = (f: (e: Ev) => boolean) => before.filter(f).reduce((s, e) => s + (e.tdur ?? 0), 0) / 1000;
    // The ready moment on the trace's clock: the first paint's trace time less its performance.now().
    const readyTs = marks ? fcpEv.ts + (marks.ready - marks.fcp) * 1000 : fcpEv.ts;
    const untilReady = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === "X" && e.ts < readyTs);
    const sumReady = (f: (e: Ev) => boolean) => untilReady.filter(f).reduce((s, e) => s + (e.tdur ?? 0), 0) / 1000;
    const entry = {
      fcp: (fcpEv.ts - t0) / 1000,
      cpu: sum((e) => e.name === "RunTask"),
      layout: sum((e) => e.name === "Layout"),
      script: sum((e) => SCRIPT.has(e.name)),
      parse: sum((e) => e.name === "ParseHTML"),
      readyCpu: sumReady((e) => e.name === "RunTask"),
      readyLayout: sumReady((e) => e.name === "Layout"),
      readyScript: sumReady((e) => SCRIPT.has(e.name)),
    };
    res.set(url!, [...(res.get(url!) ?? []), entry]);
  }
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const [url, v] of res) {
  const f = (k: keyof (typeof v)[0]) => med(v.map((x) => x[k])).toFixed(0).padStart(5);
  console.log(`${url.replace(/^https?:\/\/[^/]+/, "").padEnd(40)} main-thread CPU before FCP ${f("cpu")} ms (layout ${f("layout")}, script ${f("script")}, parse ${f("parse")}; parse includes inline script)  FCP from parse start ${f("fcp")}${ready ? `; until ready ${f("readyCpu")} ms (layout ${f("readyLayout")}, script ${f("readyScript")})` : ""}`);
}
console.log(`load ${loadavg()[0]!.toFixed(1)}`);
await browser.close();
