// Shared by the browser tests and the client benchmark: build the client, start the demo stack, drive Chromium.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { build, type Rollup } from "vite";
import { startDemoStack, type DemoStack } from "../../scripts/demo/stack.js";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const artifactsDir = path.join(repoRoot, "test-artifacts/client");

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** `npm run build:client`, in process; the bundle's chunks (with the modules in each) for tests to inspect. */
export async function buildClient(): Promise<Rollup.OutputChunk[]> {
  const out = await build({ configFile: path.join(repoRoot, "client/vite.config.ts"), logLevel: "warn" });
  const first = Array.isArray(out) ? out[0] : out;
  if (!first || !("output" in first)) throw new Error("vite build returned no bundle");
  return first.output.filter((o): o is Rollup.OutputChunk => o.type === "chunk");
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
export function filesWith(chunks: Rollup.OutputChunk[], patterns: RegExp[]): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const chunk of chunks) {
    const hits = chunk.moduleIds.filter((id) => patterns.some((p) => p.test(id)));
    if (hits.length > 0) files.set(chunk.fileName, hits);
  }
  return files;
}

/** The demo stack on ports of our range, with the freshly built client. */
export async function startStack(rpcPort: number, apiPort: number): Promise<DemoStack> {
  const dataDir = path.join(tmpdir(), `gongzhi-client-${apiPort}-${process.pid}`);
  return startDemoStack({ rpcPort, apiPort, dataDir });
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
  await page.selectOption("[data-testid=demo-account]", address);
  await page.fill("[data-testid=demo-passphrase]", "demo-passphrase");
  await page.click("[data-testid=demo-sign-in]");
  await page.waitForFunction(
    (a) => document.querySelector("[data-testid=signed-in-address]")?.textContent?.toLowerCase() === a.toLowerCase(),
    address,
    { timeout: 30_000 },
  );
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
