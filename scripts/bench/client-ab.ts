// A/B comparison of builds of the web client on the bench's slow phone, on a busy machine: one demo stack, the
// builds served side by side by one small server (each at /v/<name>/, the API passed through to the stack), and
// loads interleaved (every page of every build, and a trivial Chinese page, in each round, the builds' order
// alternating) so that the machine's changing load falls on all alike. Prints each page's medians per build and the
// median over the pages, with the load average.
//   npx tsx scripts/bench/client-ab.ts serve                       (starts the demo stack, prints its URL, runs until stopped)
//   npx tsx scripts/bench/client-ab.ts proxy <stack URL> a=<dist dir> ...   (only serves the builds, for probe-trace.ts)
//   npx tsx scripts/bench/client-ab.ts <stack URL> <rounds> a=<dist dir> b=<dist dir> ...
import { request as httpRequest, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import path from "node:path";
import express from "express";
import type { Browser } from "playwright-core";
import { serveClient } from "../../server/src/api/delivery.js";
import { launchChromium, startStack } from "../../test/client/browser.js";
import { BASELINE_HTML, PROBE, SLOW } from "./client.bench.js";


type Load = { fcp: number; ready: number };

async function load(browser: Browser, url: string, paintOnly: boolean): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await page.addInitScript(PROBE);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: SLOW.cpuRate });
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: SLOW.latency, downloadThroughput: SLOW.down, uploadThroughput: SLOW.up });
    const signal = `gongzhi-bench:${paintOnly ? "paint" : "ready"}`;
    const finished = page.waitForEvent("console", { predicate: (m) => m.text() === signal, timeout: 90_000 });
    await page.goto(url, { waitUntil: "commit" });
    await finished;
    return await page.evaluate(() => {
      const w = window as unknown as { __ready?: number; __fcp: number };
      return { fcp: w.__fcp, ready: w.__ready ?? w.__fcp };
    });
  } finally {
    await context.close();
  }
}

/** PAINT_ONLY=1: the first paint only (for builds whose pages never get ready, e.g. without their scripts). */
const paintOnly = process.env.PAINT_ONLY === "1";

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function serve(): Promise<void> {
  const stack = await startStack();
  console.log(stack.apiUrl);
  const stop = () => void stack.stop().finally(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** The builds at /v/<name>/ and the stack's API at /api, from one server on a free port; its base URL. */
async function serveBuilds(stackUrl: string, builds: [string, string][]): Promise<{ base: string; close: () => void }> {
  const target = new URL(stackUrl);
  const app = express();
  app.get("/baseline.html", (_req, res) => void res.type("html").send(BASELINE_HTML));
  for (const [name, dir] of builds) app.use(`/v/${name}`, serveClient(path.resolve(dir)));
  // The API as the stack answers it, byte for byte (compressed as it was).
  app.use("/api", (req, res) => {
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.originalUrl, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  const server = createServer(app).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function compare(stackUrl: string, rounds: number, builds: [string, string][]): Promise<void> {
  const { base, close } = await serveBuilds(stackUrl, builds);
  const api = async <T>(route: string): Promise<T> => (await (await fetch(`${stackUrl}${route}`)).json()) as T;
  const plan = (await api<{ items: { id: number | string }[] }>("/api/fund/plans?limit=1")).items[0]!;
  const unit = (await api<{ items: { id: number | string }[] }>("/api/units?limit=1")).items[0]!;
  const vote = (await api<{ items: { id: number | string }[] }>("/api/votes?status=open&limit=1")).items[0]!;
  const only = process.env.PAGES?.split(",");
  const pages: [string, string][] = (
    [
      ["home", "#/"],
      ["votes", "#/votes"],
      ["vote", `#/votes/${vote.id}`],
      ["fund", "#/fund"],
      ["plan", `#/fund/plans/${plan.id}`],
      ["statement", `#/fund/units/${unit.id}`],
      ["timebank", "#/timebank"],
      ["verify", "#/verify"],
    ] as [string, string][]
  ).filter(([n]) => !only || only.includes(n));
  const browser = await launchChromium();
  const results = new Map<string, Load[]>();
  const add = (k: string, l: Load) => results.set(k, [...(results.get(k) ?? []), l]);
  const load0 = loadavg()[0]!;
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [page, hash] of pages) {
        add("baseline", await load(browser, `${base}/baseline.html`, true));
        const order = r % 2 === 0 ? builds : [...builds].reverse();
        for (const [name] of order) add(`${name} ${page}`, await load(browser, `${base}/v/${name}/${hash}`, paintOnly));
      }
      process.stderr.write(`round ${r + 1}/${rounds} (load ${loadavg()[0]!.toFixed(1)})\n`);
    }
  } finally {
    await browser.close();
    close();
  }
  const b = median(results.get("baseline")!.map((l) => l.fcp));
  console.log(`load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}; ${rounds} rounds; baseline first paint ${b.toFixed(0)} ms`);
  for (const [name] of builds) {
    const fcps: number[] = [];
    const readys: number[] = [];
    for (const [page] of pages) {
      const ls = results.get(`${name} ${page}`)!;
      const f = median(ls.map((l) => l.fcp));
      const rd = median(ls.map((l) => l.ready));
      fcps.push(f);
      readys.push(rd);
      console.log(`${name.padEnd(6)} ${page.padEnd(10)} first paint ${f.toFixed(0).padStart(5)} (×${(f / b).toFixed(2)})  ready ${rd.toFixed(0).padStart(5)}   all fcp ${ls.map((l) => l.fcp.toFixed(0)).join(",")} ready ${ls.map((l) => l.ready.toFixed(0)).join(",")}`);
    }
    console.log(`${name.padEnd(6)} MEDIAN     first paint ${median(fcps).toFixed(0).padStart(5)} (×${(median(fcps) / b).toFixed(2)})  ready ${median(readys).toFixed(0).padStart(5)}  max ready ${Math.max(...readys).toFixed(0)}`);
  }
}

const [mode, rounds, ...rest] = process.argv.slice(2);
if (mode === "serve") await serve();
else if (mode === "proxy") console.log((await serveBuilds(rounds!, rest.map((s) => s.split("=") as [string, string]))).base);
else if (mode && rounds) await compare(mode, Number(rounds), rest.map((s) => s.split("=") as [string, string]));
else console.error("usage: client-ab.ts serve | client-ab.ts <stack URL> <rounds> a=<dir> b=<dir> ...");
