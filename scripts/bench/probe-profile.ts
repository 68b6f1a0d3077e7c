// Probe (not a benchmark): a V8 CPU profile of one throttled load until the page is ready; prints the functions with
// the most self time (and their script), to see what a page's own code spends before its content is drawn.
// npx tsx scripts/bench/probe-profile.ts <url> [top]
import { launchChromium } from "../../test/client/browser.js";
import { PROBE, SLOW } from "./client.bench.js";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] };
const [url, top] = process.argv.slice(2);
const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
const page = await context.newPage();
await page.addInitScript(PROBE);
const cdp = await context.newCDPSession(page);
await cdp.send("Emulation.setCPUThrottlingRate", { rate: SLOW.cpuRate });
await cdp.send("Network.enable");
await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: SLOW.latency, downloadThroughput: SLOW.down, uploadThroughput: SLOW.up });
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
await cdp.send("Profiler.start");
const finished = page.waitForEvent("console", { predicate: (m) => m.text() === "gongzhi-bench:ready", timeout: 90_000 });
await page.goto(url!, { waitUntil: "commit" });
await finished;
const { profile } = (await cdp.send("Profiler.stop")) as { profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] } };
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byFn = new Map<string, number>();
for (const n of profile.nodes) {
  const key = `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\//, "")}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
  byFn.set(key, (byFn.get(key) ?? 0) + (self.get(n.id) ?? 0));
}
for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(top ?? 25))) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`);
await browser.close();
