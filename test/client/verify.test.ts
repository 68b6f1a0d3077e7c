// The verify page as a resident, an auditor or anyone uses it (issue 13, verification), in real headless Chromium
// against the demo stack (a Hardhat node, the server with its indexer, anchorer and directory, the built client):
// - a genuine receipt is told in words — the ballot's date, flat, vote, choice and area; a fund payment's amount
//   and payee; a time-bank redemption's minutes and partner; an off-chain record's filing — with the names marked
//   as coming from this site's directory, and every step in the page's language;
// - a node that is down or never answers is "could not reach", never "does not match"; a JSON that is not a
//   receipt is "not a receipt"; a tampered receipt "does not match" at the right step, said in words;
// - the page served as static files by a plain file server (no API behind it) verifies against the node
//   directly, says it is doing so, and shows which anchor it is pinned to and where that came from;
// - no axe-core serious/critical violation and no horizontal overflow, before and after a result.
import { expect } from "chai";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { decodeEventLog, type Abi, type Hex } from "viem";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { anyFreePort } from "../server/helpers/chain.js";
import { auditLayouts, buildClient, clientDist, eventually, horizontalOverflow, launchChromium, LAYOUTS, pageProblems, repoRoot, screenshot, startStack } from "./browser.js";

type Json = Record<string, unknown>;
type Receipt = Json & { anchor: string; record: Json & { topics?: Hex[]; data?: Hex; payload?: string } };

const RESULTS = "[data-testid=verify-results]";
const SENTENCE = "[data-testid=verify-sentence]:not([hidden])";

function abiOf(contract: string): Abi {
  const dir = { OwnersVote: "votes", MaintenanceFund: "fund", TimeBank: "timebank" }[contract]!;
  return (JSON.parse(readFileSync(path.join(repoRoot, `artifacts/contracts/${dir}/${contract}.sol/${contract}.json`), "utf8")) as { abi: Abi }).abi;
}

/** The receipt's log decoded with the contract's ABI (what the sentence must say). */
function argsOf(receipt: Receipt): Record<string, unknown> {
  const contract = String(receipt.record.event).split(".")[0]!;
  return decodeEventLog({ abi: abiOf(contract), topics: receipt.record.topics as [Hex, ...Hex[]], data: receipt.record.data! }).args as unknown as Record<string, unknown>;
}

/** Changes one hex digit of a 0x string (keeping it lowercase hex). */
function flipHex(value: string): string {
  const i = value.length - 1;
  return value.slice(0, i) + (value[i] === "0" ? "1" : "0");
}

/** Text as a resident sees it: what is shown, without hex (addresses, hashes) and the closed technical disclosures. */
async function visibleWords(page: Page, selector: string): Promise<string> {
  return page.locator(selector).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll("details, .walk").forEach((d) => d.remove());
    return copy.innerText.replace(/0x[0-9a-fA-F…]+/g, "");
  });
}

/** A plain static file server for the built client: what any static host does (no API, no CSP of ours). */
function staticServer(dir: string, port: number): Promise<Server> {
  const types: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml" };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const file = path.join(dir, url.pathname === "/" ? "index.html" : decodeURIComponent(url.pathname));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": types[path.extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

describe("verify page: receipts in words, node down, server down (Chromium)", function () {
  this.timeout(300_000);
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;
  let base: string;
  const receipts: Record<string, Receipt> = {};

  async function api<T>(route: string, init?: RequestInit): Promise<T> {
    const res = await fetch(`${stack.apiUrl}${route}`, init);
    if (!res.ok) throw new Error(`${route}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }
  /** The receipt of the first record of `contract`/`event` (on chain) or of off-chain kind `event`, once anchored. */
  async function receiptOf(event: string, contract?: string): Promise<Receipt> {
    const { items } = await api<{ items: { recordId: string }[] }>(`/api/records?${contract ? `contract=${contract}&` : ""}event=${event}&limit=1`);
    expect(items, `the demo history has a ${contract ?? ""} ${event} record`).to.have.length(1);
    return eventually(async () => {
      const res = await fetch(`${stack.apiUrl}/api/receipts/${items[0]!.recordId}`);
      return res.ok ? ((await res.json()) as Receipt) : undefined;
    }, 60_000, `the receipt of ${event}`);
  }
  async function flatsOf(address: string): Promise<{ label: string; labelEn: string }[]> {
    const { items } = await api<{ items: { units: { label: string; labelEn: string }[] }[] }>("/api/directory/names", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ addresses: [address] }),
    });
    return items[0]?.units ?? [];
  }
  async function open(url: string, lang: "zh-CN" | "en", width: number): Promise<void> {
    await page.setViewportSize({ width, height: width > 800 ? 900 : 844 });
    await page.goto(`${url.split("#")[0]}#/`);
    await page.evaluate((l) => localStorage.setItem("gongzhi.lang", l), lang);
    await page.goto(url);
    await page.reload();
    await page.waitForSelector("[data-testid=verify-button]");
  }
  async function verify(receipt: unknown, outcome: string): Promise<string | null> {
    await page.fill("[data-testid=receipt-text]", typeof receipt === "string" ? receipt : JSON.stringify(receipt, null, 2));
    await page.click("[data-testid=verify-button]");
    await page.waitForSelector(`${RESULTS}[data-outcome=${outcome}]`, { timeout: 40_000 });
    return page.getAttribute(RESULTS, "data-failed-step");
  }
  async function sentence(): Promise<string> {
    await page.waitForSelector(SENTENCE, { timeout: 20_000 });
    return page.locator("[data-testid=sentence-text]").innerText();
  }

  before(async function () {
    await buildClient();
    stack = await startStack();
    base = stack.apiUrl;
    receipts.ballot = await receiptOf("BallotCast", "OwnersVote");
    receipts.disbursed = await receiptOf("Disbursed", "MaintenanceFund");
    receipts.redeemed = await receiptOf("CreditsRedeemed", "TimeBank");
    receipts.document = await receiptOf("document.stored");
    receipts.label = await receiptOf("directory.unit.labelled");
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
  });
  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("says a ballot in words, in Chinese at 1280 px: date, flat from the directory, vote, choice and area", async function () {
    const r = receipts.ballot!;
    const a = argsOf(r);
    const vote = await api<{ matter: string }>(`/api/votes/${String(a.voteId)}`);
    const flats = await flatsOf(String(a.holder));
    expect(flats.length, "the demo's voter has a labelled flat").to.be.greaterThan(0);
    await open(`${base}/#/verify`, "zh-CN", 1280);
    expect(await page.getAttribute("[data-testid=verify-mode]", "data-mode")).to.equal("server");
    expect(await verify(r, "ok")).to.equal(null);
    const text = await sentence();
    const choice = { 1: "同意", 2: "反对", 3: "弃权" }[Number(a.choice)]!;
    const area = (Number(a.area) / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(text).to.match(/^已核验：\d{4}年\d{1,2}月\d{1,2}日，/);
    expect(text).to.contain(flats[0]!.label).and.contain(`#${String(a.voteId)}`).and.contain(`投了${choice}`).and.contain(`面积 ${area} m²`);
    if (vote.matter === "UseFund") expect(text).to.contain("使用维修资金");
    expect(await page.locator("[data-testid=names-note]").innerText()).to.contain("名称来自本站目录，未经链上验证");
    // Every step in Chinese words; the verifier's English is only behind the "technical detail" disclosures.
    const steps = await page.locator("[data-testid=step-words]").allInnerTexts();
    expect(steps).to.have.length(12);
    for (const s of steps) expect(s.replace(/0x[0-9a-f]+/g, "")).to.match(/[\u4e00-\u9fff]/).and.not.match(/[A-Za-z]{4,}/);
    expect(await visibleWords(page, RESULTS)).to.not.match(/keccak|RPC|chain|receipt|anchor|topics/i);
    await screenshot(page, "verify-words-ballot-zh");
  });

  it("says a fund payment in English at 390 px, and a time-bank redemption in Chinese at 390 px", async function () {
    const d = argsOf(receipts.disbursed!);
    await open(`${base}/#/verify`, "en", 390);
    expect(await verify(receipts.disbursed, "ok")).to.equal(null);
    let text = await sentence();
    const yuan = (Number(d.amount) / 100).toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(text).to.match(/^Verified: On \d{1,2} \w+ \d{4}, payment no\. \d+ \(/);
    expect(text).to.contain(`fund plan #${String(d.planId)}`).and.contain(`¥${yuan}`).and.contain("was paid to");
    expect(await page.locator("[data-testid=step-words]").first().innerText()).to.equal("The receipt is complete and well formed.");
    expect(await horizontalOverflow(page), "the English sentence fits 390 px").to.equal(null);
    await screenshot(page, "verify-words-fund-en-390");

    const c = argsOf(receipts.redeemed!);
    await open(`${base}/#/verify`, "zh-CN", 390);
    expect(await verify(receipts.redeemed, "ok")).to.equal(null);
    text = await sentence();
    expect(text).to.match(/^已核验：\d{4}年\d{1,2}月\d{1,2}日，/).and.match(/在 .+ 用 .+ 的时间兑换了(服务|物品)/);
    const mins = Number(c.minutes_);
    expect(text).to.contain(mins % 60 === 0 ? `${mins / 60} 小时` : `${mins % 60} 分钟`);
    expect(text, "the partner is named from the directory, not shown as an address").to.not.contain(String(c.partner).slice(0, 8));
    expect(await horizontalOverflow(page), "the Chinese sentence fits 390 px").to.equal(null);
  });

  it("says off-chain records in words: a document filed (date, class, fingerprint) and a directory change", async function () {
    const r = receipts.document!;
    const p = JSON.parse(r.record.payload!) as { hash: string; class: string; type: string };
    await open(`${base}/#/verify`, "zh-CN", 1280);
    expect(await verify(r, "ok")).to.equal(null);
    const text = await sentence();
    const cls = { attachment: "附件", payment: "付款凭证", "paper-ballot": "纸质选票扫描件", authorisation: "书面委托书扫描件" }[p.class]!;
    expect(text).to.match(/^已核验：\d{4}年\d{1,2}月\d{1,2}日，/).and.contain(`存档了一份${cls}`).and.contain(p.type.toUpperCase()).and.contain(p.hash.slice(0, 8));
    await screenshot(page, "verify-words-document-zh");

    const l = JSON.parse(receipts.label!.record.payload!) as { unitId: number; building: number; entrance: number; room: string };
    expect(await verify(receipts.label, "ok")).to.equal(null);
    expect(await sentence()).to.match(/^已核验：\d{4}年\d{1,2}月\d{1,2}日，/).and.contain(`把房屋 #${l.unitId} 登记为 ${l.building}号楼 ${l.entrance}单元 ${l.room}`);
    await open(`${base}/#/verify`, "en", 390);
    expect(await verify(receipts.label, "ok")).to.equal(null);
    expect(await sentence()).to.contain(`labelled Unit #${l.unitId} as Bldg ${l.building}, Entrance ${l.entrance}, Room ${l.room}`);
  });

  it("a node that is down, or never answers, is 'could not reach' (what to do), never 'does not match'", async function () {
    this.timeout(120_000);
    await open(`${base}/#/verify`, "zh-CN", 1280);
    const closed = `http://127.0.0.1:${await anyFreePort()}`;
    await page.fill("[data-testid=rpc-url]", closed);
    expect(await verify(receipts.ballot, "unreachable")).to.equal("chain");
    let alert = await page.locator(`${RESULTS} [role=alert]`).innerText();
    expect(alert).to.contain("无法连接区块链节点").and.contain(closed).and.contain("请检查网络和节点地址").and.not.contain("核验失败");
    expect(await page.locator('[data-step="chain"]').getAttribute("data-state")).to.equal("unchecked");
    expect(await page.locator('[data-step="chain"] [data-testid=step-words]').innerText()).to.contain("这不说明回执有问题");
    expect(await page.locator(`${RESULTS} [data-testid=sentence-text]`).innerText()).to.match(/^回执上写的是（未通过核验，不能当真）：/);

    // A node that accepts the connection and never answers: after the time-out, the same "could not reach".
    const sockets: Socket[] = [];
    const silent: TcpServer = createTcpServer((s) => sockets.push(s));
    const port = await anyFreePort();
    await new Promise<void>((resolve) => silent.listen(port, "127.0.0.1", resolve));
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.fill("[data-testid=rpc-url]", `http://127.0.0.1:${port}`);
      expect(await verify(receipts.ballot, "unreachable")).to.equal("chain");
      alert = await page.locator(`${RESULTS} [role=alert]`).innerText();
      expect(alert).to.contain("无法连接区块链节点").and.not.contain("核验失败");
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
    expect(await horizontalOverflow(page), "the node's silence is told within 390 px").to.equal(null);
    await screenshot(page, "verify-node-timeout-390");
  });

  it("a JSON that is not a receipt is 'not a receipt'; a tampered receipt 'does not match' at the right step, in words", async function () {
    await open(`${base}/#/verify`, "en", 1280);
    for (const doc of [{ hello: "world" }, { ...receipts.ballot, proof: undefined }, "{not json"]) {
      expect(await verify(doc, "invalid")).to.equal("format");
      const alert = await page.locator(`${RESULTS} [role=alert]`).innerText();
      expect(alert).to.contain("This is not a Gongzhi receipt.").and.not.contain("Failed at");
    }
    await open(`${base}/#/verify`, "zh-CN", 390);
    for (const doc of [{ hello: "world" }, "{not json"]) {
      expect(await verify(doc, "invalid")).to.equal("format");
      expect(await visibleWords(page, `${RESULTS} [role=alert]`)).to.contain("这不是共治的回执").and.not.match(/[A-Za-z]{4,}/);
    }
    const tampered = structuredClone(receipts.ballot!);
    tampered.record.data = flipHex(tampered.record.data!) as Hex;
    expect(await verify(tampered, "fail")).to.equal("encoding");
    const alert = await page.locator(`${RESULTS} [role=alert]`).innerText();
    expect(alert).to.contain("核验失败：记录编码").and.contain("记录被改动过");
    expect(await page.locator('[data-step="encoding"] [data-testid=step-words]').innerText()).to.equal("记录的内容与回执上的编码对不上：记录被改动过。");
    expect(await page.locator("[data-testid=sentence-text]").innerText()).to.match(/^回执上写的是（未通过核验，不能当真）：/);
    const rerooted = { ...receipts.ballot!, root: flipHex(receipts.ballot!.root as string) };
    expect(await verify(rerooted, "fail")).to.equal("proof");
    expect(await page.locator('[data-step="proof"] [data-testid=step-words]').innerText()).to.equal("沿证明计算得到的根与回执上的根不同。");
  });

  it("served as static files with no API server, verifies against the node directly and says so", async function () {
    const dir = clientDist;
    const port = await anyFreePort();
    const server = await staticServer(dir, port);
    const anchor = stack.deployment.contracts.RecordAnchor!.address.toLowerCase();
    try {
      const site = `http://127.0.0.1:${port}`;
      // Nothing of ours answers here: no /api at all.
      expect((await fetch(`${site}/api/config`)).status).to.equal(404);
      // The node and anchor typed by the user (the link could carry them too; see below).
      await open(`${site}/#/verify`, "zh-CN", 1280);
      expect(await page.getAttribute("[data-testid=verify-mode]", "data-mode")).to.equal("static");
      expect(await page.locator("[data-testid=verify-mode]").innerText()).to.contain("不经过我们的服务器");
      expect(await page.getAttribute("[data-testid=anchor-source]", "data-source")).to.equal("none");
      await page.fill("[data-testid=rpc-url]", stack.rpcUrl);
      await page.fill("[data-testid=anchor-address]", anchor);
      expect(await page.getAttribute("[data-testid=anchor-source]", "data-source")).to.equal("typed");
      expect(await page.locator("[data-testid=anchor-source]").innerText()).to.contain(anchor).and.contain("您填写的地址");
      expect(await verify(receipts.ballot, "ok")).to.equal(null);
      const text = await sentence();
      expect(text).to.match(/^已核验：\d{4}年\d{1,2}月\d{1,2}日，/).and.contain(`#${String(argsOf(receipts.ballot!).voteId)}`);
      expect(await page.locator("[data-testid=names-note]").innerText()).to.contain("连不上本站目录");
      await screenshot(page, "verify-static-zh");

      // The same from a link that carries the node and the anchor (an estate can print it as a QR code).
      await open(`${site}/#/verify?rpc=${encodeURIComponent(stack.rpcUrl)}&anchor=${anchor}`, "en", 390);
      expect(await page.getAttribute("[data-testid=anchor-source]", "data-source")).to.equal("link");
      expect(await page.inputValue("[data-testid=rpc-url]")).to.equal(stack.rpcUrl);
      expect(await verify(receipts.disbursed, "ok")).to.equal(null);
      expect(await sentence()).to.match(/^Verified: On /);
      // A tampered receipt still fails there: the checks do not depend on our server.
      const tampered = { ...receipts.ballot!, leaf: flipHex(receipts.ballot!.leaf as string) };
      expect(await verify(tampered, "fail")).to.equal("leaf");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("the page shows the pinned anchor and where it came from (this site's configuration)", async function () {
    await open(`${base}/#/verify`, "zh-CN", 1280);
    const anchor = stack.deployment.contracts.RecordAnchor!.address.toLowerCase();
    expect(await page.getAttribute("[data-testid=anchor-source]", "data-source")).to.equal("site");
    expect(await page.locator("[data-testid=anchor-source]").innerText()).to.contain(anchor).and.contain("来源：本站配置");
  });

  it("under this site's Content-Security-Policy a node the user types (another origin) can be asked; scripts stay restricted", async function () {
    const csp = (await fetch(`${base}/`)).headers.get("content-security-policy") ?? "";
    expect(csp).to.match(/connect-src 'self' http: https:/);
    const scripts = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
    expect(scripts).to.contain("'self'").and.not.contain("unsafe-inline").and.not.contain("unsafe-eval").and.not.contain("http:");
    await open(`${base}/#/verify`, "en", 1280);
    const typed = stack.rpcUrl.replace("127.0.0.1", "localhost");
    expect(typed).to.not.equal(stack.rpcUrl);
    await page.fill("[data-testid=rpc-url]", typed);
    expect(await verify(receipts.ballot, "ok")).to.equal(null);
    // For information (the bench measures client.verifyMs on a quiet machine): warm verifications in one page.
    const warm: number[] = [];
    for (let i = 0; i < 7; i++) {
      expect(await verify(receipts.ballot, "ok")).to.equal(null);
      warm.push(Number(await page.getAttribute(RESULTS, "data-compute-ms")));
    }
    warm.sort((x, y) => x - y);
    console.log(`      warm verifications computed in the browser: median ${warm[3]!.toFixed(1)} ms (${warm.map((m) => m.toFixed(1)).join(", ")})`);
  });

  it("has no axe-core serious/critical violation nor horizontal overflow, before and after a result", async function () {
    this.timeout(240_000);
    const before = await auditLayouts(browser, base, "#/verify", "[data-testid=verify-button]", "verify");
    expect(before).to.deep.equal([]);
    const after: string[] = [];
    const computeMs: number[] = [];
    for (const layout of LAYOUTS) {
      const context = await browser.newContext({ viewport: { width: layout.width, height: layout.height }, bypassCSP: true });
      try {
        await context.addInitScript(([l, large]) => {
          localStorage.setItem("gongzhi.lang", l as string);
          localStorage.setItem("gongzhi.largeText", large ? "1" : "0");
        }, [layout.lang, layout.largeText ?? false] as const);
        const tab = await context.newPage();
        await tab.goto(`${base}/#/verify`);
        await tab.waitForSelector("[data-testid=verify-button]");
        await tab.fill("[data-testid=receipt-text]", JSON.stringify(receipts.ballot));
        await tab.click("[data-testid=verify-button]");
        await tab.waitForSelector(`${RESULTS}[data-outcome=ok]`, { timeout: 40_000 });
        await tab.waitForSelector(SENTENCE);
        computeMs.push(Number(await tab.getAttribute(RESULTS, "data-compute-ms")));
        const tag = `verify-result-${layout.width}-${layout.lang}${layout.largeText ? "-large" : ""}`;
        await screenshot(tab, tag);
        for (const p of await pageProblems(tab)) after.push(`${tag}: ${p}`);
      } finally {
        await context.close();
      }
    }
    expect(after).to.deep.equal([]);
    // For information (the bench measures client.verifyMs properly): each a fresh page's first verification.
    console.log(`      verification computed in the browser: ${computeMs.map((m) => m.toFixed(1)).join(", ")} ms`);
  });
});
