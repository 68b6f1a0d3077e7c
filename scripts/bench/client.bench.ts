// The web client: production bundle size (every file of client/dist, gzipped) and the time the browser spends
// verifying a receipt once the chain's answers are in — measured in real headless Chromium on the Verify page
// against the demo stack (the time waiting for the node is measured apart and left out).
// Goals: < 300 kB gzipped, < 50 ms per verification.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { buildClient, launchChromium, repoRoot, startStack } from "../../test/client/browser.js";
import { round, type BenchModule, type Figure } from "./figures.js";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const RUNS = 25;

const bench: BenchModule = {
  title: "Web client: bundle size and in-browser receipt verification",
  async run(): Promise<Figure[]> {
    await buildClient();
    const dist = path.join(repoRoot, "client/dist");
    const sizes = files(dist).map((f) => ({ f: path.relative(dist, f), raw: statSync(f).size, gz: gzipSync(readFileSync(f), { level: 9 }).length }));
    const totalBytes = sizes.reduce((s, x) => s + x.gz, 0);
    const demo = sizes.filter((x) => x.f.includes("demo-accounts")).reduce((s, x) => s + x.gz, 0);
    console.log(`client/dist: ${sizes.length} files, ${(totalBytes / 1024).toFixed(1)} kB gzipped (of which the dev-chain-only demo accounts ${(demo / 1024).toFixed(1)} kB)`);

    const stack = await startStack(8970, 8971);
    const browser = await launchChromium();
    try {
      const records = (await (await fetch(`${stack.apiUrl}/api/records?contract=OwnersVote&event=BallotCast&limit=1`)).json()) as { items: { recordId: string }[] };
      const recordId = records.items[0]!.recordId;
      let receipt = "";
      for (let i = 0; i < 60 && !receipt; i++) {
        const res = await fetch(`${stack.apiUrl}/api/receipts/${recordId}`);
        if (res.ok) receipt = await res.text();
        else await new Promise((r) => setTimeout(r, 500));
      }
      if (!receipt) throw new Error(`No receipt for record ${recordId}`);
      const page = await browser.newPage();
      await page.goto(`${stack.apiUrl}/#/verify`);
      await page.waitForSelector("[data-testid=verify-button]");
      await page.fill("[data-testid=receipt-text]", receipt);
      const compute: number[] = [];
      const total: number[] = [];
      for (let i = 0; i < RUNS + 3; i++) {
        const started = Date.now();
        await page.click("[data-testid=verify-button]");
        await page.waitForSelector("[data-testid=verify-results][data-outcome=ok]");
        const ms = Number(await page.getAttribute("[data-testid=verify-results]", "data-compute-ms"));
        if (i >= 3) {
          compute.push(ms);
          total.push(Date.now() - started);
        }
        await page.evaluate(() => document.querySelector("[data-testid=verify-results]")!.removeAttribute("data-outcome"));
      }
      console.log(`verification in the browser: median ${median(compute).toFixed(2)} ms computing, max ${Math.max(...compute).toFixed(2)} ms; ${median(total)} ms per click with the local node's answers`);
      return [
        { name: "client.bundleGzipKB", value: round(totalBytes / 1024, 1), unit: "kB", description: "every file of client/dist gzipped (level 9), lazy page chunks and the dev-only demo accounts included; goal < 300" },
        { name: "client.verifyMs", value: round(median(compute), 2), unit: "ms", description: `median of ${RUNS} verifications of a BallotCast receipt in headless Chromium (all 10 steps), time waiting for the JSON-RPC node excluded; goal < 50` },
        { name: "client.verifyClickMs", value: round(median(total), 0), unit: "ms", description: "the same, click to result, including the 5 JSON-RPC calls to a local Hardhat node and rendering" },
      ];
    } finally {
      await browser.close();
      await stack.stop();
    }
  },
};

export default bench;
