// The maintenance fund as an auditor and a resident use it, in headless Chromium against the demo stack (its
// 300 labelled flats, the roof plan approved by vote and the emergency repairs): from a plan to the vote that
// approved it and back; the stages numbered from 1; each recorded document opened and checked in the browser
// (and a file that is not the recorded one, as a server or proxy that swapped it would hand out, flagged); what
// each flat pays, by flat label, searched and paged; the CSV a spreadsheet opens (BOM, yuan, dates, labels, the
// same stage numbers); a resident finding their flat by building and room; the printable public notice of a
// plan and of an emergency spend; and every fund page audited for overflow and axe-core at phone and desktop
// widths in both languages.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { artifactsDir, auditLayouts, buildClient, launchChromium, repoRoot, screenshot, startStack } from "./browser.js";

type PlanJson = {
  id: string;
  kind: "vote" | "emergency";
  voteId: string | null;
  budget: string;
  title?: { zh: string; en?: string };
  disclosure: string;
  time: number | null;
  disbursements: { index: number; stage: string; amount: string; docHash: string; time: number | null }[];
};
type Row = { unitId: number; amount: string; area: string };
type LabelView = { unitId: number; label: string; labelEn: string; building: number; entrance: number; room: string };

/** RFC 4180 records (CRLF; quoted cells may hold commas, quotes doubled, and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return records;
}

describe("web client: the maintenance fund, legible (Chromium, demo stack)", function () {
  this.timeout(420_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  let roof: PlanJson;
  let pipe: PlanJson;
  let rows: Row[];

  async function api<T>(route: string): Promise<T> {
    const res = await fetch(`${stack.apiUrl}${route}`);
    if (!res.ok) throw new Error(`${route}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }
  /** `bypassCSP` only where the test injects a script of its own (jsQR, to read the printed QR code). */
  async function tab(lang: "zh-CN" | "en", width: number, bypassCSP = false): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true, bypassCSP });
    await context.addInitScript((l) => localStorage.setItem("gongzhi.lang", l), lang);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    return page;
  }
  const yuan = (fen: string | bigint) => `${BigInt(fen) / 100n}.${(BigInt(fen) % 100n).toString().padStart(2, "0")}`;
  /** The calendar date the browser (same machine, same time zone) shows for a block time. */
  const isoDate = (seconds: number) => {
    const d = new Date(seconds * 1000);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  };

  before(async function () {
    await buildClient();
    stack = await startStack();
    base = stack.apiUrl;
    browser = await launchChromium();
    const plans = (await api<{ items: PlanJson[] }>("/api/fund/plans?limit=500")).items;
    roof = await api<PlanJson>(`/api/fund/plans/${plans.find((p) => p.kind === "vote")!.id}`);
    pipe = await api<PlanJson>(`/api/fund/plans/${plans.find((p) => p.kind === "emergency" && p.disclosure === "Disclosed")!.id}`);
    const all: Row[] = [];
    let cursor: string | undefined;
    do {
      const page = await api<{ items: Row[]; nextCursor?: string }>(`/api/fund/plans/${roof.id}/apportionment?limit=500${cursor ? `&cursor=${cursor}` : ""}`);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    rows = all;
  });
  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("an auditor goes from a plan to its vote and back, checks its documents, searches and pages its apportionment, and exports the CSV", async function () {
    expect(roof.title?.zh, "the demo stores the roof plan's document").to.be.a("string");
    expect(rows.length, "the roof plan is charged to more flats than one page").to.be.greaterThan(20);
    const page = await tab("zh-CN", 1280);

    // The fund page names the plan and dates it.
    await page.goto(`${base}/#/fund`);
    const card = page.locator(`[data-plan="${roof.id}"]`);
    await card.waitFor();
    expect(await card.locator("h3").innerText()).to.equal(roof.title!.zh);
    expect(await card.innerText()).to.match(/立项日期 \d{4}年\d{1,2}月\d{1,2}日/);

    // The plan: its name (its document checked against the hash on chain), dated, and the approving vote.
    await page.goto(`${base}/#/fund/plans/${roof.id}`);
    await page.waitForSelector("[data-testid=proposal][data-status=verified]");
    expect(await page.locator("[data-testid=plan-name]").innerText()).to.equal(roof.title!.zh);
    expect(await page.locator("[data-testid=plan-opened]").innerText()).to.match(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    expect(await page.locator("[data-testid=plan-vote-outcome]").innerText()).to.equal("通过");
    await page.click("[data-testid=plan-vote-link]");
    await page.waitForSelector("[data-testid=vote-outcome]");
    expect(page.url()).to.match(new RegExp(`#/votes/${roof.voteId}$`));
    await page.goBack();
    await page.waitForSelector("[data-testid=disbursements]");
    expect(page.url()).to.match(new RegExp(`#/fund/plans/${roof.id}$`));

    // Stages numbered from 1, dated.
    const stages = await page.locator("[data-testid=stage-label]").allInnerTexts();
    expect(stages).to.deep.equal(["第 1 期 开工款", "第 2 期 验收款"]);
    const stageDates = await page.locator("[data-testid=disbursements] tbody tr td:nth-child(2)").allInnerTexts();
    expect(stageDates.every((d) => /^\d{4}年\d{1,2}月\d{1,2}日$/.test(d)), stageDates.join()).to.equal(true);

    // Each recorded document opens and is checked in the browser against its hash on chain.
    const invoice = stack.documents.find((d) => d.name === "roof-invoice-acceptance")!;
    const item = page.locator(`[data-testid=documents] li[data-hash="${invoice.hash}"]`);
    expect(await item.locator("[data-testid=doc-open]").getAttribute("href")).to.equal(`/api/documents/${invoice.hash}`);
    const served = await fetch(`${base}/api/documents/${invoice.hash}`);
    expect(Buffer.from(await served.arrayBuffer()).equals(readFileSync(invoice.file))).to.equal(true);
    await item.locator("[data-testid=doc-verify]").click();
    await page.waitForSelector(`[data-testid=documents] li[data-hash="${invoice.hash}"][data-check=match]`);
    expect(await item.locator("[data-testid=doc-result]").innerText()).to.equal("与链上记录一致");
    // A server (or anything between) that hands out other bytes under the recorded hash is caught here.
    const contract = stack.documents.find((d) => d.name === "roof-contract")!;
    await page.route(`**/api/documents/${contract.hash}`, async (route) => {
      const bytes = readFileSync(contract.file);
      bytes[bytes.length - 8] ^= 0x01;
      await route.fulfill({ status: 200, contentType: "application/pdf", body: bytes });
    });
    const swapped = page.locator(`[data-testid=documents] li[data-hash="${contract.hash}"]`);
    await swapped.locator("[data-testid=doc-verify]").click();
    await page.waitForSelector(`[data-testid=documents] li[data-hash="${contract.hash}"][data-check=mismatch]`);
    expect(await swapped.locator("[role=alert]").innerText()).to.contain("不一致");
    await page.unroute(`**/api/documents/${contract.hash}`);
    await screenshot(page, "fund-plan-documents");

    // The apportionment: 20 flats a page, by label, area, share and amount; the next page continues in order.
    const table = page.locator("[data-testid=apportionment-table]");
    await table.waitFor();
    const firstPage = await table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.unit)));
    expect(firstPage).to.deep.equal(rows.slice(0, 20).map((r) => r.unitId));
    const firstLabel = await api<{ label?: LabelView }>(`/api/directory/units/${rows[0]!.unitId}`);
    expect(await table.locator("tbody tr").first().locator("td").first().innerText()).to.equal(firstLabel.label!.label);
    await page.click("[data-testid=apportionment-next]");
    await page.waitForFunction((id) => document.querySelector("[data-testid=apportionment-table] tbody tr")?.getAttribute("data-unit") === String(id), rows[20]!.unitId);
    expect(await page.locator("[data-testid=apportionment-page]").innerText()).to.equal("第 2 页");
    await page.click("[data-testid=apportionment-prev]");
    await page.waitForFunction((id) => document.querySelector("[data-testid=apportionment-table] tbody tr")?.getAttribute("data-unit") === String(id), rows[0]!.unitId);

    // Searched by flat, as people write it.
    const target = rows[37]!;
    const label = (await api<{ label?: LabelView }>(`/api/directory/units/${target.unitId}`)).label!;
    await page.fill("[data-testid=apportionment-search]", `${label.building}-${label.entrance}-${label.room}`);
    await page.press("[data-testid=apportionment-search]", "Enter");
    await page.waitForFunction((id) => {
      const trs = document.querySelectorAll("[data-testid=apportionment-table] tbody tr");
      return trs.length === 1 && trs[0]!.getAttribute("data-unit") === String(id);
    }, target.unitId);
    const cells = await table.locator("tbody tr td").allInnerTexts();
    const budget = BigInt(roof.budget);
    const sharePct = Number((BigInt(target.amount) * 1_000_000n + budget / 2n) / budget) / 10_000;
    expect(cells).to.deep.equal([
      label.label,
      `${(Number(target.area) / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2 })} m²`,
      `${sharePct.toFixed(2)}%`,
      `¥${(BigInt(target.amount) / 100n).toLocaleString("zh-CN")}.${(BigInt(target.amount) % 100n).toString().padStart(2, "0")}`,
    ]);
    // Something that is not a flat is said next to the box, not as a dead end.
    await page.fill("[data-testid=apportionment-search]", "屋顶");
    await page.press("[data-testid=apportionment-search]", "Enter");
    await page.waitForSelector("[data-testid=apportionment-error]:not(:empty)");
    expect(await page.locator("[data-testid=apportionment-error]").getAttribute("role")).to.equal("alert");
    expect(await page.locator("[data-testid=apportionment-error]").innerText()).to.contain("3号楼 502");
    await screenshot(page, "fund-plan-apportionment");

    // The CSV: a spreadsheet's UTF-8 with BOM, CRLF, headed in Chinese; yuan, dates, labels, stages as on the page.
    const waiting = page.waitForEvent("download");
    await page.click("[data-testid=export-csv]");
    const file = path.join(artifactsDir, "fund-plan.csv");
    await (await waiting).saveAs(file);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString("utf8");
    expect(text.endsWith("\r\n")).to.equal(true);
    expect(text.replace(/"[^"]*"/g, "").split("\n").every((l) => l === "" || l.endsWith("\r"))).to.equal(true);
    const lines = parseCsv(text);
    const header = lines[0]!;
    expect(header.slice(0, 6)).to.deep.equal(["项目编号", "事项", "期数", "说明", "日期", "金额（元）"]);
    const col = (name: string) => header.indexOf(name);
    const payments = lines.filter((l) => l[col("事项")] === "拨付");
    expect(payments.map((l) => [l[col("期数")], l[col("说明")], l[col("金额（元）")], l[col("日期")]])).to.deep.equal(
      roof.disbursements.map((d) => [String(d.index + 1), d.stage === "Start" ? "开工款" : "验收款", yuan(d.amount), isoDate(d.time!)]),
    );
    expect(payments.map((l) => `第 ${l[col("期数")]} 期 ${l[col("说明")]}`)).to.deep.equal(stages);
    const charges = lines.filter((l) => l[col("事项")] === "分摊");
    expect(charges).to.have.length(rows.length);
    expect(charges.map((l) => l[col("金额（元）")])).to.deep.equal(rows.map((r) => yuan(r.amount)));
    expect(charges.find((l) => l[col("房屋")] === label.label)?.[col("金额（元）")]).to.equal(yuan(target.amount));
    const total = charges.reduce((s, l) => s + BigInt(l[col("金额（元）")]!.replace(".", "")), 0n);
    expect(total).to.equal(budget);
    await page.context().close();
  });

  it("in English on a 390 px phone, the plan's stages and flats read as cards, searched by an English label", async function () {
    const page = await tab("en", 390);
    await page.goto(`${base}/#/fund/plans/${roof.id}`);
    await page.waitForSelector("[data-testid=apportionment-table]");
    await page.waitForSelector("[data-testid=proposal][data-status=verified]");
    expect(await page.locator("[data-testid=plan-name]").innerText()).to.equal(roof.title!.en);
    expect(await page.locator("[data-testid=stage-label]").allInnerTexts()).to.deep.equal(["Stage 1: start", "Stage 2: acceptance"]);
    const target = rows[5]!;
    const label = (await api<{ label?: LabelView }>(`/api/directory/units/${target.unitId}`)).label!;
    await page.fill("[data-testid=apportionment-search]", label.labelEn);
    await page.press("[data-testid=apportionment-search]", "Enter");
    await page.waitForFunction((id) => {
      const trs = document.querySelectorAll("[data-testid=apportionment-table] tbody tr");
      return trs.length === 1 && trs[0]!.getAttribute("data-unit") === String(id);
    }, target.unitId);
    // A card: each cell on its own line with its column's name, the amount whole, nothing wider than the screen.
    const card = await page.locator("[data-testid=apportionment-table] tbody tr").evaluate((tr) => {
      const tds = [...tr.querySelectorAll("td")];
      return {
        display: getComputedStyle(tds[0]!).display,
        labels: tds.map((td) => getComputedStyle(td, "::before").content),
        right: Math.max(...tds.map((td) => td.getBoundingClientRect().right)),
        amount: tds[3]!.scrollWidth <= tds[3]!.clientWidth + 1,
        text: tds.map((td) => td.textContent),
      };
    });
    expect(card.display).to.equal("flex");
    expect(card.labels).to.deep.equal(['"Flat"', '"Exclusive area"', '"Share"', '"Charged"']);
    expect(card.text[0]).to.equal(label.labelEn);
    expect(card.right).to.be.at.most(390);
    expect(card.amount).to.equal(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    await screenshot(page, "fund-plan-390-en");
    await page.context().close();
  });

  it("a resident finds their flat by building and room and reads its statement, dated, in yuan", async function () {
    const target = rows[41]!;
    const label = (await api<{ label?: LabelView }>(`/api/directory/units/${target.unitId}`)).label!;
    for (const [lang, width, typed, heading] of [
      ["zh-CN", 390, `${label.building}号楼 ${label.room}`, label.label],
      ["en", 1280, `Bldg ${label.building}, Room ${label.room}`, label.labelEn],
    ] as const) {
      const page = await tab(lang, width);
      await page.goto(`${base}/#/fund/units`);
      await page.fill("[data-testid=flat-search]", typed);
      await page.press("[data-testid=flat-search]", "Enter");
      // One flat of that building and room opens at once; several (one per entrance) are offered by label.
      await page.waitForFunction(() => location.hash !== "#/fund/units" || document.querySelector("[data-testid=flat-results] a") || document.querySelector("[data-testid=flat-search-error]:not(:empty)"));
      if (!/#\/fund\/units\/\d+$/.test(page.url())) {
        const choice = page.locator(`[data-testid=flat-results] a[data-unit="${target.unitId}"]`);
        expect(await choice.innerText()).to.equal(heading);
        await choice.click();
      }
      await page.waitForSelector("[data-testid=unit-balance]");
      expect(page.url()).to.match(new RegExp(`#/fund/units/${target.unitId}$`));
      expect(await page.locator("[data-testid=statement-flat]").innerText()).to.equal(heading);
      const statement = await api<{ balance: string; entries: { kind: string; planId?: string; amount: string; time: number }[] }>(`/api/fund/units/${target.unitId}/statement?limit=500`);
      const charge = statement.entries.find((e) => e.kind === "charge" && e.planId === roof.id)!;
      expect(charge.amount).to.equal(target.amount);
      const entryRows = await page.locator("[data-testid=statement-entries] tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
      expect(entryRows).to.have.length(statement.entries.length);
      const dated = lang === "zh-CN" ? /^\d{4}年\d{1,2}月\d{1,2}日$/ : /^\d{1,2} [A-Z][a-z]+ \d{4}$/;
      expect(entryRows.every((r) => dated.test(r[0]!)), JSON.stringify(entryRows)).to.equal(true);
      expect(entryRows.some((r) => r[2]!.includes(yuan(target.amount).replace(/\B(?=(\d{3})+\.)/g, ",")))).to.equal(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(width);
      await screenshot(page, `fund-statement-${width}-${lang}`);
      // Not a flat: the box says so, next to it.
      await page.fill("[data-testid=flat-search]", "x");
      await page.press("[data-testid=flat-search]", "Enter");
      await page.waitForSelector("[data-testid=flat-search-error]:not(:empty)");
      await page.context().close();
    }
  });

  it("prints the public notice of a plan and of an emergency spend", async function () {
    const page = await tab("zh-CN", 1280, true);
    await page.goto(`${base}/#/fund/plans/${roof.id}`);
    await page.click("[data-testid=notice-link]");
    await page.waitForSelector("[data-testid=public-notice]");
    await page.waitForFunction(() => (document.querySelector("[data-testid=notice-qr]") as HTMLImageElement | null)?.complete && (document.querySelector("[data-testid=notice-qr]") as HTMLImageElement).naturalWidth > 0);
    await page.emulateMedia({ media: "print" });
    const notice = page.locator("[data-testid=public-notice]");
    const text = await notice.innerText();
    expect(text).to.contain("维修资金使用公示");
    expect(await page.locator("[data-testid=notice-plan]").innerText()).to.equal(roof.title!.zh);
    expect(await page.locator("[data-testid=notice-estate]").innerText()).to.contain("小区");
    expect(await page.locator("[data-testid=notice-outcome]").innerText()).to.equal("通过");
    expect(await page.locator("[data-testid=notice-budget]").innerText()).to.equal("¥186,500.00");
    expect(await page.locator("[data-testid=notice-apportionment]").innerText()).to.contain(`共 ${rows.length} 户按面积分摊，合计 ¥186,500.00`);
    for (const d of roof.disbursements) expect(text).to.contain(d.docHash);
    expect(await page.locator("[data-testid=notice-period]").innerText()).to.match(/^公示期：\d{4}年\d{1,2}月\d{1,2}日 至 \d{4}年\d{1,2}月\d{1,2}日（7 日）$/);
    // The QR code says where to check it online: the plan's page on this site.
    await page.addScriptTag({ path: path.join(repoRoot, "node_modules/jsqr/dist/jsQR.js") });
    const decoded = await page.evaluate(() => {
      const img = document.querySelector("[data-testid=notice-qr]") as HTMLImageElement;
      const canvas = document.createElement("canvas");
      [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
      const ctx = canvas.getContext("2d")!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
      return (window as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }).jsQR(data.data, data.width, data.height)?.data;
    });
    expect(decoded).to.equal(`${base}/#/fund/plans/${roof.id}`);
    expect(await page.locator("[data-testid=notice-link]").innerText()).to.equal(decoded);
    // On paper only the notice: no navigation, header, footer or buttons.
    const hidden = await page.evaluate(() => ["header", "nav", "footer", ".notice-tools"].map((s) => getComputedStyle(document.querySelector(s)!).display));
    expect(hidden).to.deep.equal(["none", "none", "none", "none"]);
    await page.pdf({ path: path.join(artifactsDir, "fund-notice.pdf"), format: "A4" });
    await screenshot(page, "fund-notice-print");

    // The emergency spend: its basis is the emergency procedure and its disclosure, not a vote.
    await page.goto(`${base}/#/fund/plans/${pipe.id}/notice`);
    await page.waitForSelector("[data-testid=public-notice][data-kind=emergency]");
    const emergency = await page.locator("[data-testid=public-notice]").innerText();
    expect(emergency).to.contain("紧急动用维修资金公示").and.contain("紧急程序依据").and.contain("托管银行已于");
    expect(await page.locator("[data-testid=notice-disclosure]").innerText()).to.match(/^已公示/);
    expect(await page.locator("[data-testid=notice-budget]").innerText()).to.equal("¥23,800.00");
    expect(await page.locator("[data-testid=notice-outcome]").count()).to.equal(0);
    await screenshot(page, "fund-notice-emergency-print");
    await page.context().close();
  });

  it("passes the layout audit (no overflow, no serious axe violations) on the fund, plan, statement and notice pages", async function () {
    const problems = [
      ...(await auditLayouts(browser, base, "#/fund", "[data-testid=plans]", "audit-fund")),
      ...(await auditLayouts(browser, base, `#/fund/plans/${roof.id}`, "[data-testid=apportionment-table]", "audit-plan")),
      ...(await auditLayouts(browser, base, `#/fund/units/${rows[3]!.unitId}`, "[data-testid=statement-entries]", "audit-statement")),
      ...(await auditLayouts(browser, base, `#/fund/plans/${pipe.id}/notice`, "[data-testid=notice-apportionment]", "audit-notice")),
    ];
    expect(problems).to.deep.equal([]);
  });
});
