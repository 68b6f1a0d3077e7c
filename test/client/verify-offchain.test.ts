// The verify page in real headless Chromium with receipts of off-chain records from a real server (startServer:
// indexer, anchorer and API over a Hardhat node, serving the built client): a genuine receipt verifies, and the
// page shows what the record says — kind, id, time, who (a staff member acting for a resident marked as such,
// with the authorisation) and the payload's fields; a receipt with the actor or the payload changed fails at the
// encoding step, and one whose payload is not canonical JSON is "not a Gongzhi receipt". Screenshots go to
// test-artifacts/client/.
import { expect } from "chai";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pino } from "pino";
import type { Browser, Page } from "playwright-core";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadServerSettings } from "../../server/src/config/server.js";
import { appendOffchain } from "../../server/src/receipts/log.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { commit } from "../../server/src/vault/commitment.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "../server/helpers/chain.js";
import { waitFor } from "../server/helpers/indexer.js";
import { artifactsDir, buildClient, clientDist, launchChromium, screenshot } from "./browser.js";

type Receipt = Record<string, unknown> & { record: Record<string, unknown> };

describe("verify page: off-chain receipts (Chromium)", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const staff = privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Hex;
  const resident = privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Hex;
  const receipts: Receipt[] = [];
  const SEALED = `0x${"5e".repeat(32)}` as Hex;

  before(async function () {
    await buildClient();
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("verify-offchain");
    const { file } = await deployAll(node.url, tmp.dir);
    const settings = loadServerSettings(
      {
        rpcUrl: node.url,
        chainId: CHAIN_ID,
        deployment: file,
        dataDir: path.join(tmp.dir, "server"),
        port: 0,
        staticDir: clientDist,
        mode: "development",
        pollMs: 50,
        batchSeconds: 0,
        logLevel: "silent",
      },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    server = await startServer(settings, pino({ level: "silent" }), serverRoutes);
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    const appended = await appendOffchain(server.service.store, server.service.lock, CHAIN_ID, [
      {
        kind: "workorder.dispatched",
        id: "wo-0042",
        at: 1_767_254_400,
        actor: { address: staff, onBehalfOf: resident, authorisation: "7" },
        payload: { category: "lift", summary: "电梯门关不上", contactPhone: commit("13800138000").commitment, priority: 2 },
      },
      { kind: "workorder.closed", id: "wo-0042", at: 1_767_261_600, actor: { address: resident }, payload: { outcome: "repaired", costFen: 35_000 } },
      // A suggestion's author is sealed (receipts/actor.ts): by themself, and by staff for them.
      { kind: "suggestion.received", id: "s-1", at: 1_767_261_700, actor: { sealed: SEALED }, payload: { channel: "online", topic: "greening", text: commit("多种树").commitment, authorTag: SEALED, answerBy: 1_768_557_700 } },
      { kind: "suggestion.received", id: "s-2", at: 1_767_261_800, actor: { sealed: SEALED, staff }, payload: { channel: "online", topic: "elderly", text: commit("加扶手").commitment, authorTag: SEALED, answerBy: 1_768_557_800 } },
    ]);
    for (const { recordId } of appended) {
      let body: Receipt | undefined;
      await waitFor(`the receipt of off-chain record ${recordId}`, async () => {
        const res = await fetch(`${server.url}/api/receipts/offchain/${recordId}`);
        if (res.status === 200) body = (await res.json()) as Receipt;
        return body !== undefined;
      }, 30_000);
      receipts.push(body!);
    }
    mkdirSync(artifactsDir, { recursive: true });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
  });
  after(async function () {
    await browser?.close();
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  async function verify(name: string, receipt: unknown, outcome: string): Promise<string | null> {
    const file = path.join(artifactsDir, `offchain-${name}.json`);
    writeFileSync(file, JSON.stringify(receipt, null, 2));
    await page.goto(`${server.url}/#/verify`);
    await page.waitForSelector("[data-testid=verify-button]");
    await page.setInputFiles("[data-testid=receipt-drop-input]", file);
    await page.waitForFunction(() => (document.querySelector("[data-testid=receipt-text]") as HTMLTextAreaElement).value.length > 100);
    await page.click("[data-testid=verify-button]");
    await page.waitForSelector(`[data-testid=verify-results][data-outcome=${outcome}]`, { timeout: 30_000 });
    return page.getAttribute("[data-testid=verify-results]", "data-failed-step");
  }

  it("verifies a staff member's proxy record and shows what it says, the proxy marked", async function () {
    expect(await verify("proxy", receipts[0], "ok")).to.equal(null);
    const states = await page.locator("[data-testid=verify-results] li.step").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.state));
    expect(states).to.deep.equal(Array(10).fill("ok"));
    const card = page.locator("[data-testid=offchain-record]");
    expect(await card.locator("[data-field=kind]").innerText()).to.equal("workorder.dispatched");
    expect(await card.locator("[data-field=id]").innerText()).to.equal("wo-0042");
    expect(await card.locator("[data-field=at]").getAttribute("data-seconds")).to.equal("1767254400");
    expect(await card.locator("[data-field=at]").innerText()).to.match(/2026/);
    expect(await card.locator("[data-field=recordId]").innerText()).to.equal("0");
    const actor = card.locator("[data-field=actor]");
    expect(await actor.getAttribute("data-proxy")).to.equal("true");
    const actorText = await actor.innerText();
    expect(actorText).to.contain("代办").and.contain(staff).and.contain(resident).and.contain("授权书 7 号");
    expect(await card.locator("[data-key=category]").innerText()).to.equal("lift");
    expect(await card.locator("[data-key=summary]").innerText()).to.equal("电梯门关不上");
    expect(await card.locator("[data-key=priority]").innerText()).to.equal("2");
    expect(await card.locator("[data-key=contactPhone]").innerText()).to.match(/^0x[0-9a-f]{64}$/);
    await screenshot(page, "verify-offchain-proxy");
  });

  it("verifies a resident's own record, not marked as a proxy", async function () {
    expect(await verify("self", receipts[1], "ok")).to.equal(null);
    const actor = page.locator("[data-testid=offchain-record] [data-field=actor]");
    expect(await actor.getAttribute("data-proxy")).to.equal("false");
    expect(await actor.innerText()).to.contain(resident).and.contain("本人办理").and.not.contain("代办");
    expect(await page.locator("[data-testid=offchain-record] [data-key=costFen]").innerText()).to.equal("35000");
  });

  it("verifies records whose author is sealed: named by no one, a staff proxy still marked (zh-CN, en)", async function () {
    expect(await verify("sealed", receipts[2], "ok")).to.equal(null);
    const actor = page.locator("[data-testid=offchain-record] [data-field=actor]");
    expect(await actor.getAttribute("data-sealed")).to.equal("true");
    expect(await actor.getAttribute("data-proxy")).to.equal("false");
    expect(await actor.innerText()).to.contain("一位居民").and.contain(SEALED).and.not.contain("代办").and.not.contain("不是已知");
    expect(await verify("sealed-proxy", receipts[3], "ok")).to.equal(null);
    expect(await actor.getAttribute("data-proxy")).to.equal("true");
    expect(await actor.innerText()).to.contain("代办").and.contain(staff).and.contain("代一位居民");
    await page.evaluate(() => localStorage.setItem("gongzhi.lang", "en"));
    await page.reload();
    expect(await verify("sealed-proxy-en", receipts[3], "ok")).to.equal(null);
    expect(await actor.innerText()).to.contain("on behalf of a resident").and.contain(staff).and.not.match(/[\u4e00-\u9fff]/);
    await page.evaluate(() => localStorage.removeItem("gongzhi.lang"));
    await page.reload();
  });

  it("fits a phone screen in large text with the record shown (addresses and hashes wrap)", async function () {
    await page.setViewportSize({ width: 360, height: 780 });
    try {
      await page.goto(`${server.url}/#/verify`);
      await page.click("[data-testid=large-text]");
      await page.waitForFunction(() => document.documentElement.classList.contains("large-text"));
      expect(await verify("phone", receipts[0], "ok")).to.equal(null);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, "the page never scrolls sideways").to.be.at.most(0);
      await screenshot(page, "phone-verify-offchain-large-text");
      await page.click("[data-testid=large-text]");
    } finally {
      await page.setViewportSize({ width: 1100, height: 900 });
    }
  });

  it("refuses the receipt with the actor or the payload changed, and a payload that is not canonical", async function () {
    const base = receipts[0]!;
    // The proxy hidden: the record says the resident acted alone.
    const hidden = { ...base, record: { ...base.record, actor: JSON.stringify({ address: resident }) } };
    expect(await verify("actor-changed", hidden, "fail")).to.equal("encoding");
    expect(await page.locator('[data-step="encoding"]').getAttribute("data-state")).to.equal("fail");
    expect(await page.locator("[data-testid=verify-results] [role=alert]").innerText()).to.contain("核验失败");
    await screenshot(page, "verify-offchain-tampered");
    const payload = { ...base, record: { ...base.record, payload: (base.record.payload as string).replace('"lift"', '"roof"') } };
    expect(await verify("payload-changed", payload, "fail")).to.equal("encoding");
    const spaced = { ...base, record: { ...base.record, payload: JSON.stringify(JSON.parse(base.record.payload as string), null, 1) } };
    expect(await verify("payload-spaced", spaced, "invalid")).to.equal("format");
    expect(await page.locator("[data-testid=verify-results] [role=alert]").innerText()).to.contain("这不是共治的回执");
    expect(await page.locator("[data-testid=offchain-record]").count(), "nothing shown from a document that is not a receipt").to.equal(0);
  });
});
