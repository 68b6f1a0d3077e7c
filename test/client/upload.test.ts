// The upload page in real headless Chromium against a real server (startServer over a Hardhat node, with the
// scripted history's roles, serving the built client): a committee member uploads a small PDF, and the browser's
// keccak256 and the server's answer are the same hash (the file's); a file of the wrong type or over the limit is
// refused with the API's message; a resident is refused with the API's wrong-role message under the file control,
// in Chinese and in English; the page fits a 390 px screen; keccak is not in the page's own chunk.
// Screenshots go to test-artifacts/client/.
import { expect } from "chai";
import path from "node:path";
import { pino } from "pino";
import type { Browser, Page } from "playwright-core";
import { keccak256, type Hex } from "viem";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "../server/helpers/chain.js";
import { playHistory, type History } from "../server/helpers/history.js";
import { waitFor } from "../server/helpers/indexer.js";
import { buildClient, clientDist, launchChromium, screenshot, type BuiltChunk } from "./browser.js";

/** A small but real one-page PDF. */
function pdf(text: string): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${text}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`, "latin1");
}

describe("upload page (Chromium)", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  let browser: Browser;
  let chunks: BuiltChunk[];

  before(async function () {
    chunks = await buildClient();
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("upload-page");
    const { file, deployment } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, staticDir: clientDist, mode: "development", pollMs: 50, batchSeconds: 0, rateLimitPerMinute: 1_000_000, logLevel: "silent" },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    server = await startServer(settings, pino({ level: "silent" }), serverRoutes);
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  /** A fresh phone-sized browser signed in with `key` through the account page's "import a key" form. */
  async function signedInPage(key: Hex, label: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(`${server.url}/#/account`);
    const form = page.locator("details form");
    await form.locator('input[placeholder="0x…"]').fill(key);
    await form.locator('input[type="text"]').fill(label);
    await form.locator('input[autocomplete="new-password"]').nth(0).fill("upload-test-passphrase");
    await form.locator('input[autocomplete="new-password"]').nth(1).fill("upload-test-passphrase");
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector("[data-testid=signed-in-address]", { timeout: 30_000 });
    return page;
  }
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  it("keeps keccak out of the page's own chunk (it is loaded when a file is chosen)", function () {
    const page = chunks.find((c) => c.facadeModuleId?.endsWith(path.join("client", "src", "pages", "upload.ts")));
    expect(page, "the upload page is a chunk of its own").to.not.equal(undefined);
    expect(page!.moduleIds.filter((id) => /sha3|keccak/.test(id))).to.deep.equal([]);
    // ... and it is what a dynamic import of the page brings (that chunk, or the chunks it imports in turn).
    const reach = (file: string, seen = new Set<string>()): string[] => {
      if (seen.has(file)) return [];
      seen.add(file);
      const chunk = chunks.find((c) => c.fileName === file);
      return chunk ? [...chunk.moduleIds, ...chunk.imports.flatMap((f) => reach(f, seen))] : [];
    };
    const statically = new Set(page!.imports.flatMap((f) => reach(f)));
    expect([...statically].filter((id) => /sha3/.test(id))).to.deep.equal([]);
    expect(page!.dynamicImports.flatMap((f) => reach(f)).some((id) => /sha3/.test(id))).to.equal(true);
  });

  it("a committee member uploads a PDF: the hash computed in the browser is the one the server answers", async function () {
    const page = await signedInPage(history.committee[0]!.key, "委员会");
    // The navigation offers the page to a role that owns documents.
    await page.click("[data-nav=upload]");
    await page.waitForSelector("[data-testid=upload-form]");
    expect(await page.locator("[data-testid=upload-class]").inputValue()).to.equal("attachment");
    const file = pdf("1号楼屋面防水维修 报价单 / roof repair quote");
    const hash = keccak256(file);
    await page.setInputFiles("[data-testid=upload-drop-input]", { name: "报价单.pdf", mimeType: "application/pdf", buffer: file });
    await page.waitForFunction((h) => document.querySelector("[data-testid=upload-computed]")?.textContent?.includes(h), hash);
    await page.click("[data-testid=upload-button]");
    const result = page.locator("[data-testid=upload-result]");
    await result.waitFor();
    expect(await result.getAttribute("data-match")).to.equal("yes");
    expect(await page.locator("[data-testid=upload-server-hash]").innerText()).to.equal(hash);
    expect(await page.locator("[data-testid=upload-error]").count()).to.equal(0);
    // The server really holds those bytes under that hash.
    const stored = await fetch(`${server.url}/api/documents/${hash}`);
    expect(Buffer.from(await stored.arrayBuffer()).equals(file)).to.equal(true);
    expect(await overflow(page), "upload page at 390 px").to.be.at.most(0);
    await screenshot(page, "upload-committee");

    // Refusals of the bytes are the API's, shown in the same place: a PNG called .pdf, and a PDF over 10 MiB.
    const refusedWith = async (name: string, buffer: Buffer) => {
      await page.setInputFiles("[data-testid=upload-drop-input]", { name, mimeType: "application/pdf", buffer });
      await page.waitForFunction((h) => document.querySelector("[data-testid=upload-computed]")?.textContent?.includes(h), keccak256(buffer));
      await page.click("[data-testid=upload-button]");
      await page.locator("[data-testid=upload-error]").waitFor({ timeout: 60_000 });
      return { code: await page.locator("[data-testid=upload-error]").getAttribute("data-code"), text: await page.locator("[data-testid=upload-error]").innerText() };
    };
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    expect(await refusedWith("扫描.pdf", png)).to.deep.include({ code: "document_type_mismatch" });
    const big = Buffer.concat([pdf("big"), Buffer.alloc(10 * 1024 * 1024, 0x20)]);
    const tooLarge = await refusedWith("大文件.pdf", big);
    expect(tooLarge.code).to.equal("document_too_large");
    expect(tooLarge.text).to.contain("10 MiB");
    await page.context().close();
  });

  it("a resident is refused with the API's wrong-role message next to the file control, in Chinese and in English", async function () {
    const page = await signedInPage(history.holders.h2.key, "业主");
    await page.goto(`${server.url}/#/documents/upload`);
    await page.waitForSelector("[data-testid=upload-form]");
    expect(await page.locator("[data-nav=upload]").count(), "no upload link for a role that owns no documents").to.equal(0);
    const file = pdf("a resident's file");
    await page.setInputFiles("[data-testid=upload-drop-input]", { name: "x.pdf", mimeType: "application/pdf", buffer: file });
    await page.waitForFunction((h) => document.querySelector("[data-testid=upload-computed]")?.textContent?.includes(h), keccak256(file));
    await page.click("[data-testid=upload-button]");
    const error = page.locator("[data-testid=upload-error]");
    await error.waitFor();
    expect(await error.getAttribute("data-code")).to.equal("document_forbidden");
    expect(await error.getAttribute("role")).to.equal("alert");
    expect(await error.innerText()).to.match(/^只有业主委员会委员或登记员可以上传/);
    // It sits under the file control, before the button.
    const underTheControl = await page.evaluate(() => {
      const drop = document.querySelector("[data-testid=upload-drop]")!;
      const shown = document.querySelector("[data-testid=upload-error]")!;
      const button = document.querySelector("[data-testid=upload-button]")!;
      return !!(drop.compareDocumentPosition(shown) & Node.DOCUMENT_POSITION_FOLLOWING) && !!(shown.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    expect(underTheControl).to.equal(true);
    expect(await page.locator("[data-testid=upload-result]").count()).to.equal(0);
    expect(await overflow(page), "refusal at 390 px").to.be.at.most(0);
    await screenshot(page, "upload-refused-zh");

    await page.click("[data-testid=lang-switch]");
    await page.waitForFunction(() => document.documentElement.lang === "en");
    await page.waitForSelector("[data-testid=upload-form]");
    await page.selectOption("[data-testid=upload-class]", "payment");
    await page.setInputFiles("[data-testid=upload-drop-input]", { name: "x.pdf", mimeType: "application/pdf", buffer: file });
    await page.waitForFunction((h) => document.querySelector("[data-testid=upload-computed]")?.textContent?.includes(h), keccak256(file));
    await page.click("[data-testid=upload-button]");
    await page.waitForFunction(() => document.querySelector("[data-testid=upload-error]")?.textContent?.startsWith("Only the custodian bank"));
    expect(await error.innerText()).to.equal("Only the custodian bank or an owners' committee member may store documents of class contract, invoice or acceptance report; sign in with an account that holds that role and upload again.");
    expect((await fetch(`${server.url}/api/documents/${keccak256(file)}`)).status).to.equal(404);
    await screenshot(page, "upload-refused-en");
    await page.context().close();
  });
});
