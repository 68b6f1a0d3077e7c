// The pet three-colour code (issue 17). The rules as pure functions (points per year, colours, the course) with a
// fast-check property over random histories; then the service through the real server over a real Hardhat node,
// LevelDB, the vault, the directory and the document store (one server for the file): a household registers its
// pet (name and licence in the vault), staff register one for a resident on a recorded authorisation (marked);
// the public collar page shows the colour and the registration status only (no owner name, phone, flat label,
// owner id, pet name or licence anywhere in it); a resident reports with a photo and a place only with a separate
// consent; staff or a grid worker confirm once; the owner is told and appeals, the office decides once; a red code's
// course gives points back; a new year starts from twelve; the statistics count by month and building. Every
// refusal: not the household's flat, a document not uploaded, no consent, the own pet, an unknown collar, double
// deduction, an appeal by a non-owner or of an unconfirmed report, a second appeal, an appeal decided twice, the
// course for a code that is not red.
import { expect } from "chai";
import fc from "fast-check";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pino } from "pino";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { colourOf, DEFAULT_PET_SETTINGS, petCommands, pointsIn, yearOf, type PointsEntry } from "../../server/src/services/pets/index.js";
import { OUTBOX_STATES } from "../../server/src/notifications/types.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient } from "./helpers/siwe-http.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";

const DAY = 86_400;
const S = DEFAULT_PET_SETTINGS;

describe("the pet code's rules (pure)", function () {
  it("twelve points a year, never below 0 nor above 12; green above 6, yellow 1–6, red at 0; each year starts afresh", function () {
    expect(pointsIn([], 2026, S)).to.equal(12);
    const entries: PointsEntry[] = [{ year: 2026, delta: -4 }, { year: 2026, delta: -3 }, { year: 2025, delta: -12 }];
    expect(pointsIn(entries, 2026, S)).to.equal(5);
    expect(pointsIn(entries, 2025, S)).to.equal(0);
    expect(pointsIn(entries, 2027, S)).to.equal(12);
    expect(pointsIn([{ year: 2026, delta: -20 }, { year: 2026, delta: 6 }], 2026, S)).to.equal(6);
    expect(pointsIn([{ year: 2026, delta: 5 }], 2026, S)).to.equal(12);
    expect([12, 7, 6, 1, 0].map((p) => colourOf(p, S))).to.deep.equal(["green", "green", "yellow", "yellow", "red"]);
    expect(colourOf(7, { ...S, greenAbove: 8 })).to.equal("yellow");
    // The year is China's: 2026-12-31 16:00 UTC is already 2027 in Beijing.
    expect(yearOf(Date.UTC(2026, 11, 31, 15, 59) / 1000)).to.equal(2026);
    expect(yearOf(Date.UTC(2026, 11, 31, 16, 0) / 1000)).to.equal(2027);
  });

  it("property: whatever violations are confirmed, each deducts its configured points or what is left, and points stay within 0–12", function () {
    const commands = petCommands(S);
    const confirm = commands.find((c) => c.name === "confirmReport")!;
    fc.assert(
      fc.property(fc.array(fc.constantFrom("fouling", "noLeash", "noise") as fc.Arbitrary<"fouling" | "noLeash" | "noise">, { minLength: 1, maxLength: 8 }), (violations) => {
        let points: PointsEntry[] = [];
        const now = Date.UTC(2026, 5, 1) / 1000;
        for (const [i, violation] of violations.entries()) {
          const state = { registered: true, points, reports: [{ reportId: `r${i + 1}`, violation, status: "pending" }] } as never;
          const out = confirm.decide(state, { reportId: `r${i + 1}` } as never, { actor: { address: "0x0000000000000000000000000000000000000001" }, now, id: "p", roles: ["staff"] });
          if (out instanceof Error) throw out;
          const payload = out[0]!.payload as { deducted: number; pointsAfter: number };
          const before = pointsIn(points, 2026, S);
          expect(payload.deducted).to.equal(Math.min(before, S.deductions[violation]));
          points = [...points, { year: 2026, delta: -payload.deducted }];
          expect(pointsIn(points, 2026, S)).to.equal(payload.pointsAfter).and.to.be.within(0, 12);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("the pet three-colour code over HTTP (real server, node, LevelDB, vault, directory, documents)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const { call, signIn, token } = httpClient(() => server.url, CHAIN_ID);
  let ahead = 0;
  const servicesNow = () => Date.now() + ahead * 1000;
  const now = () => Math.floor(servicesNow() / 1000);
  // The tenant rc (a person of the directory, linked to the developer's unsold flat) and what must never show.
  const RC = { name: "测试宠主周晓梅", phone: "+86 170 0000 0777" };
  const FLAT = { building: 2, entrance: 1, room: "301" };
  const FLAT_LABEL = "2号楼 1单元 301";
  let rcPerson = "";
  let rcFlat = 0;

  const post = async (who: string, p: string, body: unknown) => {
    const res = await call(who, "POST", `/api/pets${p}`, body);
    expect(res.status, `${p}: ${JSON.stringify(res.body)}`).to.equal(201);
    return res.body;
  };
  const refused = async (who: string | undefined, p: string, body: unknown, status: number, code: string, lang = "en") => {
    const res = await call(who, "POST", `/api/pets${p}`, body, { "accept-language": lang });
    expect([res.status, res.body.error?.code], `${p}: ${JSON.stringify(res.body)}`).to.deep.equal([status, code]);
    return res.body.error as { message: string; details: { values: Record<string, unknown> } };
  };
  const upload = async (who: string, cls: "pet-photo" | "pet-document") => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(48)]);
    const res = await fetch(`${server.url}/api/documents?class=${cls}`, { method: "POST", headers: { "content-type": "image/png", authorization: `Bearer ${token(who)}` }, body: new Uint8Array(png) });
    expect(res.status, await res.clone().text()).to.be.oneOf([200, 201]);
    return ((await res.json()) as { hash: string }).hash;
  };
  const collar = async (id: string) => (await call(undefined, "GET", `/api/pets/collar/${id}`)).body;
  /** Every outbox entry, once: the delivery worker may move one to the next state between two of the state queries. */
  const outboxEntries = async () => {
    const byDelivery = new Map<string, { deliveryId: string; template: string; params: Record<string, unknown> }>();
    for (const state of OUTBOX_STATES) {
      const items = ((await call("staff", "GET", `/api/notifications/outbox?state=${state}&limit=100`)).body.items ?? []) as { deliveryId: string; template: string; params: Record<string, unknown> }[];
      for (const item of items) byDelivery.set(item.deliveryId, item);
    }
    return [...byDelivery.values()];
  };
  const mine = async (who: string, query = "") => (await call(who, "GET", `/api/pets/mine${query}`)).body.items as { id: string; name: string; licence: string; points: number; colour: string; proxy: boolean; reports: { reportId: string; status: string; deducted: number; appeal: { status: string } | null }[] }[];
  /** The payloads of an object's last `n` records (a command's answer names its records' kinds and ids only). */
  const payloads = async (id: string, n = 1) => (await server.engine.historyOf("pet", id, 1, 1000)).slice(-n).map((r) => r.payload as Record<string, unknown>);
  const version = async (id: string) => (await server.engine.historyOf("pet", id, 1, 1000)).length;
  const registration = async (who: string, unitId: number, extra: Record<string, unknown> = {}) => ({
    unitId,
    species: "dog",
    breed: "柯基",
    name: "豆豆",
    licence: "HZ-2026-000123",
    certificate: await upload(who, "pet-document"),
    vaccinatedUntil: now() + 200 * DAY,
    ...extra,
  });

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("pets-http");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 4, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "silent", workOrderSweepMs: 3_600_000 },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    server = await startServer(settings, pino({ level: "silent" }), serverRoutes, { clock: servicesNow });
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    await signIn("staff", history.staff.key);
    await signIn("h2", history.holders.h2.key);
    await signIn("h3", history.holders.h3.key);
    for (const m of ["r1", "rc"] as const) await signIn(m, history.members[m].key);
    // rc rents the developer's unsold flat in building 2: a person of the directory, linked to it and to rc's address.
    rcFlat = history.units[7]!;
    expect((await call("staff", "POST", `/api/directory/units/${rcFlat}/label`, FLAT)).body).to.include({ label: FLAT_LABEL });
    const person = await call("staff", "POST", "/api/directory/people", { kind: "resident", values: RC, addresses: [history.members.rc.address], units: [rcFlat] });
    expect(person.status, JSON.stringify(person.body)).to.equal(201);
    rcPerson = person.body.personId as string;
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  let doudou = "";
  let wangcai = "";

  it("a household registers its pet (name and licence in the vault); another's flat, a document not uploaded or of the wrong class are refused, nothing written", async function () {
    const h2Flat = history.units[2]!;
    const h3Flat = history.units[5]!;
    const notTheirs = await refused("h2", "/register", await registration("h2", h3Flat), 403, "pet_not_your_household");
    expect(notTheirs.details.values).to.deep.equal({ unitId: h3Flat });
    const missing = `0x${"cd".repeat(32)}`;
    expect((await refused("h2", "/register", await registration("h2", h2Flat, { certificate: missing }), 400, "pet_document_unknown")).details.values).to.deep.equal({ hash: missing, class: "pet-document" });
    // A photo uploaded as a certificate, and someone else's upload, are refused too.
    await refused("h2", "/register", await registration("h2", h2Flat, { certificate: await upload("h2", "pet-photo") }), 400, "pet_document_unknown");
    await refused("h2", "/register", await registration("h2", h2Flat, { certificate: await upload("h3", "pet-document") }), 400, "pet_document_unknown");
    const zh = await refused("h2", "/register", await registration("h2", h3Flat), 403, "pet_not_your_household", "zh-CN");
    expect(zh.message).to.include(String(h3Flat)).and.include("房屋");
    const created = await post("h2", "/register", await registration("h2", h2Flat, { photo: await upload("h2", "pet-photo") }));
    doudou = created.id as string;
    const records = await server.engine.historyOf("pet", doudou, 1, 10);
    expect(records.map((r) => r.kind)).to.deep.equal(["pet.registered"]);
    expect(JSON.stringify(records)).to.not.include("豆豆").and.not.include("HZ-2026-000123");
    const [pet] = await mine("h2");
    expect(pet).to.include({ id: doudou, name: "豆豆", licence: "HZ-2026-000123", points: 12, colour: "green", proxy: false });
    expect(await mine("h3")).to.deep.equal([]);
  });

  it("staff register a pet for a resident on a recorded authorisation (marked); only staff may list another resident's pets", async function () {
    const certificate = await upload("staff", "pet-document");
    const body = { unitId: rcFlat, species: "dog", breed: "中华田园犬", name: "旺财", licence: "HZ-2026-000456", certificate, vaccinatedUntil: now() - DAY };
    // Without the authorisation staff act for themselves, and the flat is not theirs.
    await refused("staff", "/register", body, 403, "pet_not_your_household");
    const created = await post("staff", "/register", { ...body, onBehalfOf: history.members.rc.address, authorisation: history.authorizations.rc });
    expect(created.proxy).to.deep.equal({ onBehalfOf: history.members.rc.address.toLowerCase(), authorisation: history.authorizations.rc });
    wangcai = created.id as string;
    const [pet] = await mine("rc");
    expect(pet).to.include({ id: wangcai, name: "旺财", proxy: true, colour: "green" });
    expect((await mine("staff", `?for=${history.members.rc.address}`)).map((p) => p.id)).to.deep.equal([wangcai]);
    expect((await call("h2", "GET", `/api/pets/mine?for=${history.members.rc.address}`)).status).to.equal(403);
  });

  it("the collar page shows the colour and the registration status only: no owner name, phone, flat label, owner id, pet name or licence", async function () {
    const page = await collar(wangcai);
    expect(page).to.deep.equal({ id: wangcai, registered: true, colour: "green", vaccination: "expired", course: false });
    expect(await collar(doudou)).to.include({ colour: "green", vaccination: "valid" });
    const text = JSON.stringify(page);
    for (const value of [RC.name, RC.phone, "0777", FLAT_LABEL, "301", rcPerson, history.members.rc.address.toLowerCase(), history.members.rc.address.slice(2, 12), "旺财", "HZ-2026-000456", "中华田园犬", "unitId", "owner"]) expect(text).to.not.include(value);
    const unknown = await call(undefined, "GET", "/api/pets/collar/no-such-collar", undefined, { "accept-language": "en" });
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, "pet_unknown_collar"]);
  });

  it("a report with a photo or a place needs the separate consent (nothing kept without it); the own pet and an unknown collar are refused", async function () {
    const photo = await upload("r1", "pet-photo");
    const before = await version(doudou);
    const noConsent = await refused("r1", `/${doudou}/report`, { violation: "fouling", photo, place: "3号楼东侧草坪" }, 400, "pet_consent_required");
    expect(noConsent.details.values).to.deep.equal({ fields: "photo, place" });
    await refused("r1", `/${doudou}/report`, { violation: "fouling", place: "3号楼东侧草坪", sensitiveConsent: false }, 400, "pet_consent_required");
    expect(await version(doudou)).to.equal(before);
    await refused("h2", `/${doudou}/report`, { violation: "noise" }, 409, "pet_report_own");
    await refused("r1", "/no-such-collar/report", { violation: "noise" }, 404, "unknown_record");
    await refused("r1", `/${doudou}/report`, { violation: "fouling", photo: await upload("h3", "pet-photo"), sensitiveConsent: true }, 400, "pet_document_unknown");
    const reported = await post("r1", `/${doudou}/report`, { violation: "fouling", photo, place: "3号楼东侧草坪", sensitiveConsent: true });
    expect(reported.records.map((r: { kind: string }) => r.kind)).to.deep.equal(["pet.consentGiven", "pet.reported"]);
    expect((await payloads(doudou, 2))[0]).to.deep.equal({ reportId: "r1", scope: ["photo", "place"], basis: "pipl-art29-separate" });
    expect(JSON.stringify(reported)).to.not.include("草坪");
    // A report without photo or place needs no consent.
    const plain = await post("r1", `/${doudou}/report`, { violation: "noLeash" });
    expect(plain.records.map((r: { kind: string }) => r.kind)).to.deep.equal(["pet.reported"]);
    const office = (await call("staff", "GET", "/api/pets/office")).body;
    expect(office.reports.find((r: { reportId: string; petId: string }) => r.petId === doudou && r.reportId === "r1")).to.include({ place: "3号楼东侧草坪", photo });
    expect((await call("r1", "GET", "/api/pets/office")).status).to.equal(403);
    expect((await call("r1", "GET", "/api/pets/reports/mine")).body.items).to.have.length(2);
  });

  it("staff confirm once (no double deduction); the owner is told; a dismissed report deducts nothing", async function () {
    await refused("r1", `/${doudou}/confirmReport`, { reportId: "r1" }, 403, "forbidden");
    await refused("staff", `/${doudou}/confirmReport`, { reportId: "r9" }, 404, "pet_unknown_report");
    await post("staff", `/${doudou}/confirmReport`, { reportId: "r1" });
    expect((await payloads(doudou))[0]).to.include({ deducted: 4, pointsAfter: 8 });
    const twice = await refused("staff", `/${doudou}/confirmReport`, { reportId: "r1" }, 409, "pet_report_decided");
    expect(twice.details.values).to.deep.equal({ reportId: "r1", status: "confirmed" });
    await refused("staff", `/${doudou}/dismissReport`, { reportId: "r1", reason: "duplicate" }, 409, "pet_report_decided");
    await post("staff", `/${doudou}/confirmReport`, { reportId: "r2" });
    expect(await collar(doudou)).to.include({ colour: "yellow" });
    expect((await mine("h2"))[0]).to.include({ points: 5, colour: "yellow" });
    await post("r1", `/${doudou}/report`, { violation: "noise" });
    expect((await payloads(doudou))[0]!.reportId).to.equal("r3");
    await post("staff", `/${doudou}/dismissReport`, { reportId: "r3", reason: "insufficientEvidence" });
    expect((await mine("h2"))[0]).to.include({ points: 5 });
    // The owner was told of each confirmed report: the outbox holds the messages, naming the pet, never a name.
    const templates = await outboxEntries();
    const told = templates.filter((e) => e.template === "pet.reportConfirmed" && e.params.petId === doudou);
    expect(told.map((e) => e.params.points).sort()).to.deep.equal([5, 8]);
  });

  it("the owner appeals once (a non-owner, an unconfirmed report, a second appeal refused); the office decides once, with a reason; upheld gives the points back", async function () {
    await refused("r1", `/${doudou}/appeal`, { reportId: "r2", reason: "那天狗在家" }, 403, "pet_not_owner");
    await refused("h2", `/${doudou}/appeal`, { reportId: "r3", reason: "不是我家的狗" }, 409, "pet_appeal_not_confirmed");
    const appealed = await post("h2", `/${doudou}/appeal`, { reportId: "r2", reason: "那天狗一直拴着绳，邻居可作证" });
    expect(JSON.stringify(appealed)).to.not.include("邻居");
    await refused("h2", `/${doudou}/appeal`, { reportId: "r2", reason: "再申诉一次" }, 409, "pet_appeal_exists");
    const office = (await call("staff", "GET", "/api/pets/office")).body;
    expect(office.appeals.find((a: { petId: string }) => a.petId === doudou)).to.include({ reportId: "r2", reason: "那天狗一直拴着绳，邻居可作证", deducted: 3 });
    await refused("h2", `/${doudou}/decideAppeal`, { reportId: "r2", upheld: true, decision: "ownerNotAtFault" }, 403, "forbidden");
    await refused("staff", `/${doudou}/decideAppeal`, { reportId: "r1", upheld: true, decision: "ownerNotAtFault" }, 404, "pet_no_appeal");
    await post("staff", `/${doudou}/decideAppeal`, { reportId: "r2", upheld: true, decision: "evidenceInsufficient" });
    expect((await payloads(doudou))[0]).to.deep.equal({ reportId: "r2", upheld: true, decision: "evidenceInsufficient", restored: 3, pointsAfter: 8 });
    const again = await refused("staff", `/${doudou}/decideAppeal`, { reportId: "r2", upheld: false, decision: "reportConfirmed" }, 409, "pet_appeal_decided");
    expect(again.details.values).to.deep.equal({ reportId: "r2", status: "upheld" });
    const [pet] = await mine("h2");
    expect(pet).to.include({ points: 8, colour: "green" });
    expect(pet!.reports.find((r) => r.reportId === "r2")!.appeal).to.include({ status: "upheld" });
  });

  it("three confirmed fouling reports make a code red (the owner reminded); the course, recorded by staff, gives six back; only a red code takes it; a new year starts from twelve", async function () {
    for (let i = 1; i <= 3; i++) {
      await post("h3", `/${wangcai}/report`, { violation: "fouling" });
      await post("staff", `/${wangcai}/confirmReport`, { reportId: `r${i}` });
    }
    expect(await collar(wangcai)).to.deep.equal({ id: wangcai, registered: true, colour: "red", vaccination: "expired", course: true });
    expect((await call("staff", "GET", "/api/pets/office")).body.red.map((p: { petId: string }) => p.petId)).to.include(wangcai);
    // The owner's appeal through staff, on the resident's authorisation (marked), refused by the office.
    const byProxy = await post("staff", `/${wangcai}/appeal`, { reportId: "r3", reason: "请求复核", onBehalfOf: history.members.rc.address, authorisation: history.authorizations.rc });
    expect(byProxy.proxy.onBehalfOf).to.equal(history.members.rc.address.toLowerCase());
    expect((await call("staff", "GET", "/api/pets/office")).body.appeals.find((a: { petId: string }) => a.petId === wangcai)).to.include({ proxy: true });
    await post("staff", `/${wangcai}/decideAppeal`, { reportId: "r3", upheld: false, decision: "reportConfirmed" });
    const notRed = await refused("staff", `/${doudou}/recordCourse`, {}, 409, "pet_not_red");
    expect(notRed.details.values).to.deep.equal({ id: doudou, points: 8, colour: "green" });
    await refused("rc", `/${wangcai}/recordCourse`, {}, 403, "forbidden");
    await post("staff", `/${wangcai}/recordCourse`, {});
    expect((await payloads(wangcai))[0]).to.include({ restored: 6, pointsAfter: 6 });
    expect(await collar(wangcai)).to.include({ colour: "yellow", course: false });
    await refused("staff", `/${wangcai}/recordCourse`, {}, 409, "pet_not_red");
    const outbox = await outboxEntries();
    expect(outbox.some((e) => e.template === "pet.red" && e.params.petId === wangcai)).to.equal(true);
    expect(outbox.some((e) => e.template === "pet.appealRejected" && e.params.petId === wangcai)).to.equal(true);
    expect(outbox.some((e) => e.template === "pet.courseCompleted" && e.params.petId === wangcai)).to.equal(true);
    // A year on, the points start again from twelve.
    const year = yearOf(now());
    ahead += 370 * DAY;
    expect(yearOf(now())).to.equal(year + 1);
    expect(await collar(wangcai)).to.include({ colour: "green" });
    expect((await mine("rc"))[0]).to.include({ points: 12 });
  });

  it("the statistics count reports, confirmed violations and appeals by month and building, over the registered pets", async function () {
    const stats = (await call(undefined, "GET", `/api/pets/stats?estateId=${history.estateId}`)).body as { rows: { buildingId: number; pets: number; reports: number; confirmed: number; dismissed: number; appeals: number; upheld: number; pending: number }[]; months: { pets: number; reports: number; reportsPer100Pets: number }[] };
    const [b1, b2] = history.buildings;
    const byBuilding = (b: number) => stats.rows.filter((r) => r.buildingId === b);
    // Doudou (building 1): three reports, one confirmed and kept, one confirmed then upheld on appeal, one dismissed.
    expect(byBuilding(b1)).to.have.length(1);
    expect(byBuilding(b1)[0]).to.include({ pets: 1, reports: 3, confirmed: 1, dismissed: 1, appeals: 1, upheld: 1, pending: 0 });
    // Wangcai (building 2): three reports confirmed, one appeal refused.
    expect(byBuilding(b2)[0]).to.include({ pets: 1, reports: 3, confirmed: 3, dismissed: 0, appeals: 1, upheld: 0 });
    expect(stats.months[0]).to.include({ pets: 2, reports: 6, reportsPer100Pets: 300 });
    expect((await call(undefined, "GET", "/api/pets/stats")).status).to.equal(400);
    expect((await call(undefined, "GET", "/api/pets/settings")).body).to.include({ pointsPerYear: 12, greenAbove: 6, courseRestores: 6 });
  });
});

