// Shared by the browser tests and the client benchmark: build the client, start the demo stack, drive Chromium.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { build, type Rollup } from "vite";
import { SNAPSHOT_ENV, startDemoStackFromSnapshot } from "../../scripts/demo/snapshot.js";
import { startDemoStack, type DemoStack, type DemoStackOptions } from "../../scripts/demo/stack.js";
import { anyFreePort } from "../server/helpers/chain.js";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const artifactsDir = path.join(repoRoot, "test-artifacts/client");
/**
 * Where the tests' build of the client goes and is served from: not client/dist, so that `npm run demo` (which
 * builds client/dist, and is itself under test) never rewrites files a browser test is being served meanwhile.
 */
export const clientDist = path.join(repoRoot, "test-artifacts/client-dist");
/** The built chunks as JSON, written by every build, read instead of building when the test runner built first. */
const chunksFile = path.join(repoRoot, "test-artifacts/client-chunks.json");
/** Set by `npm test` (scripts/test/run.ts) once it has built the client for all the test processes it starts. */
export const PREBUILT_ENV = "GONGZHI_TEST_CLIENT_PREBUILT";

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** What the tests read of a built chunk (what survives a round trip through JSON). */
export type BuiltChunk = Pick<Rollup.OutputChunk, "fileName" | "code" | "moduleIds" | "imports" | "dynamicImports" | "isEntry" | "facadeModuleId">;

let built: Promise<BuiltChunk[]> | undefined;

/**
 * `npm run build:client`, in process, into `clientDist`; the bundle's chunks (with the modules in each) for tests
 * to inspect. Built once per test process (every browser test file asks; the sources do not change under them),
 * or not at all when `npm test` built it before starting its processes; a failed build is not kept, so the next
 * file tries again.
 */
export function buildClient(): Promise<BuiltChunk[]> {
  built ??= (process.env[PREBUILT_ENV] === "1" ? Promise.resolve(JSON.parse(readFileSync(chunksFile, "utf8")) as BuiltChunk[]) : buildClientNow()).catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}

/** Builds the client into `clientDist` and writes its chunks to the chunks file. */
export async function buildClientNow(): Promise<BuiltChunk[]> {
  const out = await build({ configFile: path.join(repoRoot, "client/vite.config.ts"), logLevel: "warn", build: { outDir: clientDist, emptyOutDir: true } });
  const first = Array.isArray(out) ? out[0] : out;
  if (!first || !("output" in first)) throw new Error("vite build returned no bundle");
  const chunks = first.output
    .filter((o): o is Rollup.OutputChunk => o.type === "chunk")
    .map(({ fileName, code, moduleIds, imports, dynamicImports, isEntry, facadeModuleId }) => ({ fileName, code, moduleIds, imports, dynamicImports, isEntry, facadeModuleId }));
  writeFileSync(chunksFile, JSON.stringify(chunks));
  return chunks;
}

/**
 * Modules needed only to sign or send: secp256k1 (keys, signatures), viem's accounts and SIWE, keccak, and our
 * key store, sign-in, transaction and ballot-id code.
 */
export const SIGNING_MODULES = [
  /[\\/]@noble[\\/]curves[\\/]/,
  /[\\/]viem[\\/]_esm[\\/](accounts|siwe)[\\/]/,
  /[\\/]@noble[\\/]hashes[\\/].*sha3/,
  /client[\\/]src[\\/]lib[\\/](signing|keys|tx)\.ts$/,
  /server[\\/]src[\\/]relayer[\\/]ballot\.ts$/,
];

/** The built files (as requested, e.g. `assets/x-1a2b3c4d.js`) holding any module matching `patterns`. */
export function filesWith(chunks: BuiltChunk[], patterns: RegExp[]): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const chunk of chunks) {
    const hits = chunk.moduleIds.filter((id) => patterns.some((p) => p.test(id)));
    if (hits.length > 0) files.set(chunk.fileName, hits);
  }
  return files;
}

let stacks = 0;

/**
 * The demo stack with the freshly built client. Ports not given are free ones: the API listens on port 0 (the
 * system picks it, no race); the chain node is given a port the system just called free, and if another process
 * took it meanwhile the start is tried again on another. Its data directory is removed when it stops.
 * Under `npm test`, it starts from the run's snapshot of the seeded stack (scripts/demo/snapshot.ts) instead of
 * seeding its own.
 */
export async function startStack(
  rpcPort?: number,
  apiPort?: number,
  parts: Pick<DemoStackOptions, "renewal"> = {},
  server: Pick<DemoStackOptions, "servicesClock" | "workOrderSweepMs"> = {},
): Promise<DemoStack> {
  for (let attempt = 1; ; attempt++) {
    const dataDir = path.join(tmpdir(), `gongzhi-client-${process.pid}-${++stacks}`);
    const rpc = rpcPort ?? (await anyFreePort());
    try {
      // The run's snapshot is the default stack: a test asking for more demo `parts` (the micro-renewal fund's,
      // issue 16) seeds its own.
      const snapshot = parts && Object.values(parts).some(Boolean) ? undefined : process.env[SNAPSHOT_ENV];
      const stack = snapshot
        ? await startDemoStackFromSnapshot(snapshot, { rpcPort: rpc, apiPort: apiPort ?? 0, dataDir, staticDir: clientDist, ...server })
        : await startDemoStack({ rpcPort: rpc, apiPort: apiPort ?? 0, dataDir, staticDir: clientDist, ...parts, ...server });
      return { ...stack, stop: () => stack.stop().finally(() => rmSync(dataDir, { recursive: true, force: true })) };
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      const portTaken = /port/i.test(error instanceof Error ? error.message : String(error));
      if (rpcPort !== undefined || !portTaken || attempt >= 3) throw error;
    }
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

/** Signs in through the demo-accounts picker (importing the demo key with a passphrase). */
export async function signInAs(page: Page, base: string, address: string): Promise<void> {
  await page.goto(`${base}/#/account`);
  await page.waitForSelector("[data-testid=demo-account], [data-testid=signed-in-address]");
  if (await page.locator("[data-testid=sign-out]").count()) {
    await page.click("[data-testid=sign-out]");
    await page.waitForSelector("[data-testid=demo-account]");
  }
  // Fill the form once the page has finished loading, as a person would: not one a later render replaces.
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.selectOption("[data-testid=demo-account]", address);
  await page.fill("[data-testid=demo-passphrase]", "demo-passphrase");
  await page.click("[data-testid=demo-sign-in]");
  await page
    .waitForFunction((a) => document.querySelector("[data-testid=signed-in-address]")?.textContent?.toLowerCase() === a.toLowerCase(), address, { timeout: 30_000 })
    .catch(async (error: unknown) => {
      // Say what the page showed instead (an error under the form, a form drawn again), not just that time ran out.
      const shown = await page.locator("#main").innerText().catch(() => "(no #main)");
      throw new Error(`Not signed in as ${address} within 30 s; the page showed:\n${shown.slice(0, 1500)}`, { cause: error });
    });
}

/** Polls `check` until it returns a value (not undefined) or `ms` pass. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 30_000, what = "a condition"): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export type Layout = { width: number; height: number; lang: "zh-CN" | "en"; largeText?: boolean };

/** The layouts every page is checked at: desktop and phone, both languages, and a narrow phone in large text. */
export const LAYOUTS: Layout[] = [
  { width: 1280, height: 900, lang: "zh-CN" },
  { width: 1280, height: 900, lang: "en" },
  { width: 390, height: 844, lang: "zh-CN" },
  { width: 390, height: 844, lang: "en" },
  { width: 360, height: 780, lang: "zh-CN", largeText: true },
  { width: 390, height: 844, lang: "en", largeText: true },
];

const AXE_SCRIPT = path.join(repoRoot, "node_modules/axe-core/axe.min.js");

/**
 * Whether the page scrolls sideways or any element reaches past the viewport's right edge (outside boxes that
 * scroll on purpose): null when it fits, else what sticks out. The layout check behind every phone and
 * large-text screenshot, which is only a picture for people and compared with nothing.
 */
export async function horizontalOverflow(page: Page): Promise<string | null> {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        // Inside a deliberately scrolling box (overflow-x auto) is not page overflow.
        for (let p = el.parentElement; p; p = p.parentElement) if (/(auto|scroll)/.test(getComputedStyle(p).overflowX)) return false;
        return r.width > 0 && r.right > width + 1;
      })
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(" ").join(".")}` : ""} (${Math.round(el.getBoundingClientRect().right)} > ${width}): ${el.textContent?.slice(0, 40)}`);
    return { scroll: document.documentElement.scrollWidth, width, wide };
  });
  return overflow.scroll > overflow.width + 1 || overflow.wide.length > 0 ? `horizontal overflow: page ${overflow.scroll}px in ${overflow.width}px; ${overflow.wide.join("; ")}` : null;
}

/** What is wrong with the page as it stands (its context needs `bypassCSP: true` for axe-core to be injected): horizontal overflow, and axe-core's serious or critical violations. */
export async function pageProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  // Judge the page as drawn: while a render is still under way <main> is aria-busy and dimmed (opacity 0.7), and
  // axe would measure the dimmed text's contrast (a page that draws its content before its last request ends).
  await page.waitForFunction(() => document.querySelector("main")?.getAttribute("aria-busy") !== "true", null, { timeout: 30_000 });
  const overflow = await horizontalOverflow(page);
  if (overflow) problems.push(overflow);
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")})`);
  });
  problems.push(...violations);
  return problems;
}

/**
 * Opens `hash` (e.g. `#/votes/1`) at every layout, each a fresh load whose language and text size come from
 * storage as a returning resident's would, waits for `ready` and collects what is wrong (screenshotting the
 * layouts where something is).
 * `prepare` runs in the page before the first navigation (e.g. to sign in through storage).
 *
 * One context and one page serve all the layouts: a context per layout cost a new renderer process, an empty
 * cache and, for a signed-in page, another sign-in each time, about half of a browser file's time in CI. The
 * layout's language and text size reach the page's storage through a cookie that an init script copies before
 * the client's own boot script reads them (init scripts run first on every load).
 */
export async function auditLayouts(
  browser: Browser,
  base: string,
  hash: string,
  ready: string,
  name: string,
  layouts: Layout[] = LAYOUTS,
  prepare?: (page: Page) => Promise<void>,
): Promise<string[]> {
  const problems: string[] = [];
  const first = layouts[0] ?? LAYOUTS[0]!;
  // bypassCSP: the audit injects axe-core, which our CSP (rightly) refuses as an inline script.
  const context = await browser.newContext({ viewport: { width: first.width, height: first.height }, bypassCSP: true });
  try {
    await context.addInitScript(() => {
      const wanted = /(?:^|; )gongzhi-audit-layout=([^;]*)/.exec(document.cookie)?.[1];
      if (!wanted) return;
      const [lang, large] = decodeURIComponent(wanted).split(",");
      localStorage.setItem("gongzhi.lang", lang!);
      localStorage.setItem("gongzhi.largeText", large === "1" ? "1" : "0");
    });
    const page = await context.newPage();
    for (const [i, layout] of layouts.entries()) {
      await context.addCookies([{ name: "gongzhi-audit-layout", value: encodeURIComponent(`${layout.lang},${layout.largeText ? 1 : 0}`), url: base }]);
      await page.setViewportSize({ width: layout.width, height: layout.height });
      if (i === 0 && prepare) await prepare(page);
      const target = `${base}/${hash}`;
      // The same address with a fragment would be a same-document navigation: reload to load the page afresh.
      if (page.url() === target) await page.reload();
      else await page.goto(target);
      await page.waitForSelector(ready, { timeout: 30_000 });
      await page.waitForLoadState("networkidle").catch(() => undefined);
      const tag = `${name}-${layout.width}-${layout.lang}${layout.largeText ? "-large" : ""}`;
      // The page judged must be the one asked for: its language and text size as the layout says.
      const shown = await page.evaluate(() => ({ lang: document.documentElement.lang, large: document.documentElement.classList.contains("large-text") }));
      if (shown.lang !== layout.lang || shown.large !== (layout.largeText ?? false)) {
        throw new Error(`${tag}: the page loaded in ${shown.lang}${shown.large ? ", large text" : ""}, not in the layout's language and text size`);
      }
      const found = await pageProblems(page);
      // A picture of what is wrong; one of every page at every layout would cost a second each and show nothing.
      if (found.length > 0) await screenshot(page, tag);
      for (const p of found) problems.push(`${tag}: ${p}`);
    }
  } finally {
    await context.close();
  }
  return problems;
}
