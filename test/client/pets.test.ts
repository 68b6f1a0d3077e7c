// The pet three-colour code (issue 17) in headless Chromium against the demo stack (a real Hardhat node, the server
// with its LevelDB, vault and document store, the built client), with the demo's pets played into it
// (scripts/demo/pets.ts). The household sees its pets' codes, colours and collar QR codes and appeals a confirmed
// report; the public collar page shows the colour and registration status and none of the owner's name, phone,
// flat label or address, nor the pet's name (searched in its HTML); a resident scans a collar from a photo of its
// QR code (decoded in the browser by jsqr), is told to give the separate consent before a photo and a place go,
// and reports; the office confirms a report, records a red code's course and decides an appeal; the statistics.
// Every page in zh-CN and en at desktop and phone widths through the layout audit.
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import QRCode from "qrcode";
import { playPets, type PetsPlayed } from "../../scripts/demo/pets.js";
import { privateKeyOf } from "../../scripts/demo/seed.js";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { httpClient } from "../server/helpers/siwe-http.js";
import { auditLayouts, buildClient, LAYOUTS, launchChromium, screenshot, signInAs, startStack } from "./browser.js";

describe("the pet three-colour code: the household, the collar page, scan and report, the office (Chromium, demo stack)", function () {
  this.timeout(600_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  let played: PetsPlayed;
  let staff: string;
  let mongrelOwner: string;
  let poodleOwner: string;
  let reporter: string;
  const { call, signIn } = httpClient(() => stack.apiUrl, 31337);
  const FOUR = LAYOUTS.filter((l) => !l.largeText);

  async function pageAs(width: number, lang: "zh-CN" | "en", who?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addInitScript((l) => localStorage.setItem("gongzhi.lang", l), lang);
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    if (who) await signInAs(page, base, who);
    return page;
  }

  before(async function () {
    await buildClient();
    stack = await startStack();
    base = stack.apiUrl;
    browser = await launchChromium();
    played = await playPets({ apiUrl: stack.apiUrl, chainId: 31337, plan: stack.plan });
    expect(played.colours).to.deep.equal({ green: 2, yellow: 1, red: 1 });
    const { plan } = stack;
    staff = plan.staff[0]!.account.address;
    mongrelOwner = plan.owners[11]!.account.address;
    poodleOwner = plan.owners[12]!.account.address;
    reporter = plan.owners[40]!.account.address;
    await signIn("staff", privateKeyOf(plan.staff[0]!));
  });
  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  it("the household sees its pet's yellow code, points and collar QR code, and appeals a confirmed report (zh-CN, 390 px)", async function () {
    const page = await pageAs(390, "zh-CN", mongrelOwner);
    await page.goto(`${base}/#/pets`);
    await page.waitForSelector(`[data-pet="${played.ids.mongrel}"]`);
    const card = page.locator(`[data-pet="${played.ids.mongrel}"]`);
    expect(await card.getAttribute("data-colour")).to.equal("yellow");
    expect(await card.locator("[data-testid=pet-colour]").innerText()).to.contain("黄码");
    expect(await card.locator("[data-testid=pet-points]").innerText()).to.contain("5 / 12");
    expect(await card.innerText()).to.contain("旺财").and.contain("HM-2026-0102").and.contain("申诉未采纳");
    expect(await card.locator("[data-testid=pet-qr]").getAttribute("src")).to.match(/^data:image\/png;base64,/);
    // r1 (fouling, confirmed by the grid worker) can still be appealed; an empty reason is not sent.
    const r1 = card.locator('[data-report="r1"]');
    // The flat by the directory's label ("1号楼 2单元 406"), never "房屋编号 15"; the register form's choice too.
    const mongrel = (await call("staff", "GET", `/api/pets/mine?for=${mongrelOwner}`)).body.items.find((p: { id: string }) => p.id === played.ids.mongrel) as { unitId: number };
    const flat = (await call(undefined, "GET", `/api/directory/units/${mongrel.unitId}`)).body.label as { label: string };
    expect(await card.innerText()).to.contain(flat.label);
    expect(await card.locator("[data-testid=pet-flat]").innerText()).to.equal(flat.label);
    expect(await page.locator("[data-testid=pet-unit] option").allInnerTexts()).to.include(flat.label);
    expect(await page.locator("main").innerText()).to.not.contain("房屋编号").and.not.contain(`房屋 #${mongrel.unitId}`);
    // The register form's file choosers in Chinese (not Chromium's "Choose File"/"No file chosen"); a chosen
    // file's name shows; the real input is out of sight but still named by its field's label.
    const certificateField = page.locator("[data-testid=pet-certificate]").locator("xpath=ancestor::div[contains(@class, 'field')]");
    expect(await certificateField.innerText()).to.contain("选择文件").and.contain("未选择文件");
    expect(await page.locator("[data-testid=pet-certificate-button]").innerText()).to.equal("选择文件");
    expect(await page.locator("[data-testid=pet-certificate]").boundingBox()).to.satisfy((b: { width: number; height: number } | null) => !!b && b.width <= 1 && b.height <= 1);
    expect(await page.getByLabel("疫苗证明", { exact: true }).getAttribute("data-testid")).to.equal("pet-certificate");
    const certificate = path.join(tmpdir(), `pets-certificate-${process.pid}.png`);
    writeFileSync(certificate, await QRCode.toBuffer("certificate", { type: "png", width: 100 }));
    await page.setInputFiles("[data-testid=pet-certificate]", certificate);
    expect(await page.locator("[data-testid=pet-certificate-name]").innerText()).to.equal(path.basename(certificate));
    expect(await certificateField.innerText()).to.not.contain("未选择文件");
    await r1.locator("summary").click();
    await r1.locator("[data-testid=pet-appeal]").click();
    expect(await r1.locator("[data-testid=pet-appeal-result]").innerText()).to.contain("请写明申诉理由");
    await r1.locator("[data-testid=pet-appeal-reason]").fill("那天我们在外地，不在小区。");
    await r1.locator("[data-testid=pet-appeal]").click();
    await page.waitForFunction((id) => document.querySelector(`[data-pet="${id}"] [data-report="r1"] [data-testid=pet-report-status]`)?.textContent === "申诉中", played.ids.mongrel);
    await screenshot(page, "pets-household-zh-390");
  });

  it("the collar page shows only the colour and the registration status: no owner name, phone, flat label, address or pet name in its HTML", async function () {
    // What must not show: the poodle owner's directory values (read by staff, an audited read) and flat label.
    const persons = (await call("staff", "GET", `/api/directory/persons/${poodleOwner}`)).body.persons as string[];
    const person = (await call("staff", "GET", `/api/directory/people/${persons[0]}?purpose=service.arrangement&fields=name,phone`)).body;
    const values = person.fields as { name?: string; phone?: string };
    expect(values.name, JSON.stringify(person)).to.be.a("string");
    expect(values.phone, JSON.stringify(person)).to.be.a("string");
    const owner = (await call("staff", "GET", `/api/pets/mine?for=${poodleOwner}`)).body.items[0] as { unitId: number; name: string; licence: string };
    const unit = (await call(undefined, "GET", `/api/directory/units/${owner.unitId}`)).body.label as { label: string; labelEn: string };
    expect(unit.label, JSON.stringify(unit)).to.be.a("string");
    const secrets = [values.name!, values.phone!, values.phone!.replace(/\D/g, "").slice(-8), unit.label, unit.labelEn, poodleOwner, poodleOwner.toLowerCase(), persons[0]!, owner.name, owner.licence];
    for (const lang of ["zh-CN", "en"] as const) {
      const page = await pageAs(390, lang);
      await page.goto(`${base}/#/pets/collar/${played.ids.poodle}`);
      await page.waitForSelector("[data-testid=pet-collar]");
      expect(await page.locator("[data-testid=pet-collar]").getAttribute("data-colour")).to.equal("red");
      expect(await page.locator("[data-testid=pet-collar]").innerText()).to.contain(lang === "en" ? "Registered" : "已登记");
      const html = await page.content();
      for (const secret of secrets) expect(html, `${lang}: ${secret}`).to.not.contain(secret);
      await page.context().close();
    }
    const unknown = await pageAs(1280, "en");
    await unknown.goto(`${base}/#/pets/collar/no-such-collar`);
    await unknown.waitForFunction(() => document.body.innerText.includes("There is no collar tag"));
    await unknown.context().close();
  });

  it("a resident scans a collar from a photo of its QR code, is asked for the separate consent for a photo and a place, and reports (en, desktop)", async function () {
    const page = await pageAs(1280, "en", reporter);
    await page.goto(`${base}/#/pets/report`);
    await page.waitForSelector("[data-testid=pet-scan-photo]");
    // Not a collar code: told so.
    const other = path.join(tmpdir(), `pets-other-${process.pid}.png`);
    writeFileSync(other, await QRCode.toBuffer("https://example.com/not-a-collar", { type: "png", width: 300 }));
    await page.setInputFiles("[data-testid=pet-scan-photo]", other);
    await page.waitForFunction(() => document.querySelector("[data-testid=pet-scan-result]")?.textContent?.includes("not a pet collar code"));
    // The corgi's collar, photographed: the page reads it and opens its report form.
    const collar = path.join(tmpdir(), `pets-collar-${process.pid}.png`);
    writeFileSync(collar, await QRCode.toBuffer(`${base}/#/pets/collar/${played.ids.corgi}`, { type: "png", width: 300, margin: 4 }));
    await page.setInputFiles("[data-testid=pet-scan-photo]", collar);
    await page.waitForSelector("[data-testid=pet-report-send]");
    expect(page.url()).to.contain(`#/pets/report/${played.ids.corgi}`);
    await page.selectOption("[data-testid=pet-violation]", "fouling");
    await page.fill("[data-testid=pet-place]", "Lawn east of building 1");
    // The photo's chooser in English, reached with the keyboard (the input itself takes the focus, its button shows
    // the ring), its chosen file's name shown.
    const photoField = page.locator("[data-testid=pet-report-photo]").locator("xpath=ancestor::div[contains(@class, 'field')]");
    expect(await photoField.innerText()).to.contain("Choose a file").and.contain("No file chosen");
    expect(await page.locator("[data-testid=pet-report-photo-button]").innerText()).to.equal("Choose a file");
    await page.focus("[data-testid=pet-place]");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).to.equal("pet-report-photo");
    expect(await page.locator("[data-testid=pet-report-photo-button]").evaluate((el) => getComputedStyle(el).outlineStyle)).to.equal("solid");
    await page.setInputFiles("[data-testid=pet-report-photo]", collar);
    expect(await page.locator("[data-testid=pet-report-photo-name]").innerText()).to.equal(path.basename(collar));
    await page.click("[data-testid=pet-report-send]");
    expect(await page.locator("[data-testid=pet-report-result]").innerText()).to.contain("separate consent");
    const before = (await call("staff", "GET", "/api/pets/office")).body.reports.length as number;
    expect(before).to.equal(1);
    await page.check("[data-testid=pet-consent]");
    await page.click("[data-testid=pet-report-send]");
    await page.waitForSelector("[data-testid=pet-reported]");
    const office = (await call("staff", "GET", "/api/pets/office")).body.reports as { petId: string; place: string; photo: string | null }[];
    expect(office).to.have.length(2);
    expect(office.find((r) => r.place === "Lawn east of building 1")).to.include({ petId: played.ids.corgi }).and.to.have.property("photo").that.is.a("string");
    await screenshot(page, "pets-reported-en-1280");
  });

  it("the office confirms a report, records the red code's course and decides the appeal, with reasons (zh-CN, desktop)", async function () {
    const page = await pageAs(1280, "zh-CN", staff);
    await page.goto(`${base}/#/pets/office`);
    await page.waitForSelector("[data-testid=pet-queue]");
    expect(await page.locator("[data-testid=pet-queue] > li").count()).to.equal(2);
    expect(await page.locator("[data-testid=pet-queue]").innerText()).to.contain("Lawn east of building 1");
    await page.locator(`[data-testid=pet-queue] > li[data-pet="${played.ids.corgi}"][data-report="r2"] [data-testid=pet-confirm]`).click();
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=pet-queue] > li").length === 1);
    // The poodle is red: the course restores six points (yellow); then its owner's appeal is upheld (green).
    await page.locator(`[data-testid=pet-red] > li[data-pet="${played.ids.poodle}"] [data-testid=pet-course]`).click();
    await page.waitForFunction(() => !document.querySelector("[data-testid=pet-red]"));
    const appeal = page.locator(`[data-testid=pet-appeals] > li[data-pet="${played.ids.poodle}"]`);
    expect(await appeal.locator("[data-testid=pet-appeal-text]").innerText()).to.contain("别人家的狗");
    await appeal.locator("[data-testid=pet-decision]").selectOption("wrongPet");
    await appeal.locator("[data-testid=pet-uphold]").click();
    await page.waitForFunction((id) => !document.querySelector(`[data-testid=pet-appeals] > li[data-pet="${id}"]`), played.ids.poodle);
    expect((await call(undefined, "GET", `/api/pets/collar/${played.ids.poodle}`)).body.colour).to.equal("green");
    expect((await call(undefined, "GET", `/api/pets/collar/${played.ids.corgi}`)).body.colour).to.equal("green");
    await screenshot(page, "pets-office-zh-1280");
    await page.goto(`${base}/#/pets/stats`);
    await page.waitForSelector("[data-testid=pet-stats-buildings]");
    expect(await page.locator("[data-testid=pet-stats-months]").innerText()).to.contain("8");
  });

  it("every pet page in zh-CN and en at desktop and phone widths: no overflow, no serious accessibility finding", async function () {
    const as = (who: string) => (page: Page) => signInAs(page, base, who);
    const problems = [
      ...(await auditLayouts(browser, base, "#/pets", "[data-testid=pet-list]", "pets-household", FOUR, as(mongrelOwner))),
      ...(await auditLayouts(browser, base, `#/pets/collar/${played.ids.mongrel}`, "[data-testid=pet-collar]", "pets-collar", LAYOUTS)),
      ...(await auditLayouts(browser, base, "#/pets/report", "[data-testid=pet-scan-photo]", "pets-scan", FOUR, as(reporter))),
      ...(await auditLayouts(browser, base, `#/pets/report/${played.ids.cat}`, "[data-testid=pet-report-send]", "pets-report", FOUR, as(reporter))),
      ...(await auditLayouts(browser, base, "#/pets/office", "[data-testid=pet-appeals], [data-testid=pet-queue]", "pets-office", FOUR, as(staff))),
      ...(await auditLayouts(browser, base, "#/pets/stats", "[data-testid=pet-stats-buildings]", "pets-stats", FOUR)),
    ];
    expect(problems).to.deep.equal([]);
  });
});
