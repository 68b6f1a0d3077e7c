// The time bank in real headless Chromium against the demo stack: a volunteer records a service for a recipient
// found by flat and for one chosen by scanning a QR code photo, the daily cap is refused in the form before
// anything is sent, the recipient confirms, the volunteer downloads a certificate whose receipts verify against
// the chain; a member redeems and the partner honours the voucher once (a wrong or used code is refused); every
// page is audited at desktop and phone widths in both languages (axe-core and horizontal overflow).
import { expect } from "chai";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import QRCode from "qrcode";
import { makePublicClient } from "../../server/src/chain/clients.js";
import { artifactAbiOf } from "../../server/src/receipts/abis.js";
import { pinOf, verifyReceipt } from "../../server/src/receipts/verify.js";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { artifactsDir, auditLayouts, buildClient, eventually, launchChromium, screenshot, signInAs, startStack } from "./browser.js";

type Service = { id: string; volunteer: string; recipient: string; minutes: number; status: string; txHash: string };
type Redemption = { member: string; partner: string; minutes: number; voucher: string; honoured: unknown; txHash: string };

describe("time bank (Chromium, demo stack)", function () {
  this.timeout(600_000);
  let stack: DemoStack;
  let browser: Browser;
  let page: Page;
  let base: string;
  let volunteer: string;
  let recipients: string[];
  let newService: Service;

  const api = async <T>(route: string): Promise<T> => {
    const res = await fetch(`${stack.apiUrl}${route}`);
    if (!res.ok) throw new Error(`${route}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const servicesOf = async (v: string) => (await api<{ items: Service[] }>(`/api/timebank/services?volunteer=${v}&limit=500`)).items;

  before(async function () {
    await buildClient();
    stack = await startStack();
    base = stack.apiUrl;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
    page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    volunteer = stack.plan.volunteers[0]!.account.address;
    recipients = [...new Set((await servicesOf(volunteer)).map((s) => s.recipient))];
    expect(recipients.length).to.be.at.least(2);
  });

  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("records a service for a recipient found by flat, refuses one over the daily cap in the form, and one for a recipient chosen by scanning a QR code", async function () {
    const [byFlat, byQr] = recipients as [string, string];
    const names = await fetch(`${base}/api/directory/names`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ addresses: [byFlat] }) }).then(
      (r) => r.json() as Promise<{ items: { units: { label: string }[] }[] }>,
    );
    const label = names.items[0]!.units[0]!.label;
    await signInAs(page, base, volunteer);
    await page.goto(`${base}/#/timebank`);
    await page.waitForSelector("[data-testid=svc-search]");
    await page.waitForSelector("[data-testid=svc-cap][data-left]");
    const before = new Set((await servicesOf(volunteer)).map((s) => s.id));

    // Found by flat: typed as the label reads, picked from the list by its name (no address typed).
    await page.fill("[data-testid=svc-search]", label);
    await page.click(`[data-testid=svc-pick][data-address="${byFlat}"]`);
    expect(await page.getAttribute("[data-testid=svc-chosen-name]", "data-address")).to.equal(byFlat);
    expect(await page.textContent("[data-testid=svc-chosen-name]")).to.contain(label);

    // Over the daily cap (720 minutes): refused next to the field, with the minutes left, and nothing sent. What
    // the page sends to the chain is watched from here: the next service it records must be its only transaction.
    const sent: string[] = [];
    const watch = (request: { method: () => string; postData: () => string | null }) => {
      if (request.method() === "POST" && request.postData()?.includes("eth_sendRawTransaction")) sent.push(request.postData()!);
    };
    page.on("request", watch);
    const left = Number(await page.getAttribute("[data-testid=svc-cap]", "data-left"));
    await page.fill("[data-testid=svc-minutes]", String(left + 1));
    await page.click("[data-testid=record-service]");
    await page.waitForSelector("[data-testid=svc-minutes-error] [role=alert]");
    const refusal = await page.textContent("[data-testid=svc-minutes-error]");
    expect(refusal).to.contain("每天上限").and.to.contain(`${Math.floor(left / 60)} 小时`);
    await screenshot(page, "timebank-over-cap");

    await page.fill("[data-testid=svc-minutes]", "20");
    await page.click("[data-testid=record-service]");
    newService = await eventually(async () => (await servicesOf(volunteer)).find((s) => !before.has(s.id)), 60_000, "the service recorded");
    expect(newService.recipient).to.equal(byFlat);
    expect(newService.minutes).to.equal(20);
    // Waited for the recorded service (not for a while): the refused one was never sent, and is nowhere on chain.
    page.off("request", watch);
    expect(sent, "one transaction: the 20 minutes, none for the refused minutes").to.have.length(1);
    expect((await servicesOf(volunteer)).filter((s) => !before.has(s.id)).map((s) => s.minutes)).to.deep.equal([20]);

    // The page shows it once it has re-rendered (and its form is the new one).
    await page.waitForSelector(`[data-testid=given] [data-service="${newService.id}"]`, { timeout: 60_000 });

    // Chosen by a photo of the recipient's QR code (the code their own page shows).
    mkdirSync(artifactsDir, { recursive: true });
    const png = path.join(artifactsDir, "member-qr.png");
    writeFileSync(png, await QRCode.toBuffer(`gongzhi:member:${byQr}`, { width: 300 }));
    await page.setInputFiles("[data-testid=svc-scan-photo]", png);
    await page.waitForSelector(`[data-testid=svc-chosen-name][data-address="${byQr}"]`);
    // A picture of something else is refused in words.
    const other = path.join(artifactsDir, "other-qr.png");
    writeFileSync(other, await QRCode.toBuffer("https://example.com/pay", { width: 300 }));
    await page.setInputFiles("[data-testid=svc-scan-photo]", other);
    await page.waitForSelector("[data-testid=svc-recipient-error] [role=alert]");
    await page.setInputFiles("[data-testid=svc-scan-photo]", png);
    await page.waitForSelector(`[data-testid=svc-chosen-name][data-address="${byQr}"]`);
    const known = new Set((await servicesOf(volunteer)).map((s) => s.id));
    await page.fill("[data-testid=svc-minutes]", "15");
    await page.click("[data-testid=record-service]");
    const scanned = await eventually(async () => (await servicesOf(volunteer)).find((s) => !known.has(s.id)), 60_000, "the scanned service recorded");
    expect(scanned.recipient).to.equal(byQr);
    await page.waitForSelector(`[data-testid=given] [data-service="${scanned.id}"]`, { timeout: 60_000 });
    // The history shows calendar dates.
    await page.waitForSelector("[data-testid=history-date]");
    expect(await page.textContent("[data-testid=history-date]")).to.match(/\d{4}年\d{1,2}月\d{1,2}日/);
  });

  it("the recipient confirms, and the volunteer's certificate lists it with receipts that verify against the chain", async function () {
    await signInAs(page, base, newService.recipient);
    await page.goto(`${base}/#/timebank`);
    await page.click(`[data-testid=confirm-${newService.id}]`);
    await page.waitForSelector("[data-testid=tx-progress][data-stage=recorded]", { timeout: 60_000 });

    await signInAs(page, base, volunteer);
    await page.goto(`${base}/#/timebank/certificate`);
    await page.waitForSelector("[data-testid=cert-services]");
    const confirmed = (await servicesOf(volunteer)).filter((s) => s.status === "confirmed");
    expect(Number(await page.getAttribute("[data-testid=cert-total]", "data-minutes"))).to.equal(confirmed.reduce((sum, s) => sum + s.minutes, 0));
    expect(await page.textContent("[data-testid=certificate]")).to.contain("怎样核对");
    await screenshot(page, "timebank-certificate");
    // The new confirmation's receipt exists once its batch is anchored (every 2 s in the demo).
    const detail = await api<{ decision: { recordId: string } }>(`/api/timebank/services/${newService.id}`);
    await eventually(async () => ((await fetch(`${base}/api/receipts/${detail.decision.recordId}`)).ok ? true : undefined), 60_000, "the receipt anchored");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=cert-download]")]);
    const bundle = JSON.parse(readFileSync((await download.path())!, "utf8")) as { totalMinutes: number; services: { recordId: string }[]; receipts: { record: { seq?: number } }[] };
    expect(bundle.services.map((s) => s.recordId)).to.include(detail.decision.recordId);
    expect(bundle.receipts.length).to.equal(confirmed.length);
    // Each receipt of the bundle is checked as verify-receipt does, against the chain and the pinned anchor.
    const client = makePublicClient(stack.rpcUrl, stack.deployment.chainId);
    const abiOf = artifactAbiOf(stack.deployment);
    for (const [i, receipt] of bundle.receipts.entries()) {
      const report = await verifyReceipt(receipt, client, { pin: pinOf(stack.deployment), abiOf, recordId: bundle.services[i]!.recordId });
      expect(report.outcome, JSON.stringify(report.steps.filter((s) => !s.ok))).to.equal("verified");
    }
  });

  it("a member redeems, and the partner honours the voucher once; a wrong or used code is refused", async function () {
    const partner = stack.plan.partners[0]!.account.address;
    await page.goto(`${base}/#/timebank`);
    await page.waitForSelector("[data-testid=redeem-submit]");
    const mine = async () => (await api<{ items: Redemption[] }>(`/api/timebank/redemptions?member=${volunteer}`)).items;
    const known = new Set((await mine()).map((r) => r.txHash));
    await page.selectOption("[data-testid=redeem-partner]", partner);
    await page.fill("[data-testid=redeem-minutes]", "15");
    await page.click("[data-testid=redeem-submit]");
    const redemption = await eventually(async () => (await mine()).find((r) => !known.has(r.txHash)), 60_000, "the redemption");
    await page.waitForSelector(`[data-testid=my-vouchers] [data-voucher="${redemption.voucher}"]`, { timeout: 30_000 });
    expect(redemption.voucher).to.match(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

    await signInAs(page, base, partner);
    await page.goto(`${base}/#/timebank/partner`);
    await page.waitForSelector(`[data-testid=partner-open] [data-voucher="${redemption.voucher}"]`);
    // A wrong code: refused next to the field, in words.
    await page.fill("[data-testid=voucher-code]", "ZZZZ-ZZZZ");
    await page.click("[data-testid=voucher-check]");
    await page.waitForSelector("[data-testid=voucher-error] [role=alert]");
    expect(await page.textContent("[data-testid=voucher-error]")).to.contain("不存在");
    // The right one, typed loosely (lower case, no dash): valid, for 15 minutes; honoured.
    await page.fill("[data-testid=voucher-code]", redemption.voucher.replace("-", "").toLowerCase());
    await page.click("[data-testid=voucher-check]");
    await page.waitForSelector("[data-testid=voucher-found][data-state=valid]");
    expect(await page.textContent("[data-testid=voucher-found]")).to.contain("15 分钟");
    await screenshot(page, "timebank-partner-valid");
    // Meanwhile the same voucher is honoured at another counter of the shop (a second tab, signed in too)...
    const counter = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const other = await counter.newPage();
      await signInAs(other, base, partner);
      await other.goto(`${base}/#/timebank/partner`);
      await other.fill("[data-testid=voucher-code]", redemption.voucher);
      await other.click("[data-testid=voucher-check]");
      await other.click("[data-testid=voucher-found][data-state=valid] [data-testid=voucher-honour]");
      await other.waitForSelector(`[data-testid=partner-done] [data-voucher="${redemption.voucher}"]`);
    } finally {
      await counter.close();
    }
    // ...so honouring it here is refused by the server, next to the code, in words.
    await page.click("[data-testid=voucher-honour]");
    await page.waitForSelector("[data-testid=voucher-error] [role=alert]");
    expect(await page.textContent("[data-testid=voucher-error]")).to.contain("已经核销过");
    // Used: checking it again says so, and it is listed as honoured.
    await page.goto(`${base}/#/timebank`);
    await page.goto(`${base}/#/timebank/partner`);
    await page.waitForSelector(`[data-testid=partner-done] [data-voucher="${redemption.voucher}"]`);
    await page.fill("[data-testid=voucher-code]", redemption.voucher);
    await page.click("[data-testid=voucher-check]");
    await page.waitForSelector("[data-testid=voucher-found][data-state=honoured]");
    const honoured = (await mine()).find((r) => r.txHash === redemption.txHash)!;
    expect(honoured.honoured).to.not.equal(null);
  });

  it("the time-bank page, the certificate and the partner page pass the layout audit (axe-core, no overflow) in both languages at desktop and phone widths", async function () {
    const partner = stack.plan.partners[0]!.account.address;
    const as = (address: string) => (p: Page) => signInAs(p, base, address);
    // The three pages side by side (each layout signs in afresh, which is most of the time taken).
    const problems = (
      await Promise.all([
        auditLayouts(browser, base, "#/timebank", "[data-testid=my-qr]", "timebank", undefined, as(volunteer)),
        auditLayouts(browser, base, "#/timebank/certificate", "[data-testid=cert-services]", "timebank-certificate", undefined, as(volunteer)),
        auditLayouts(browser, base, "#/timebank/partner", "[data-testid=partner-done]", "timebank-partner", undefined, as(partner)),
      ])
    ).flat();
    expect(problems).to.deep.equal([]);
  });
});
