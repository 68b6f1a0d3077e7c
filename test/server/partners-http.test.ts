// Community partners through the real server over a real Hardhat node, LevelDB and the vault: the office
// registers a partner and links it to its on-chain time-bank partner address, so its page shows the credits
// redeemed with it as the indexer has them; a business applies with its own account and the office approves it;
// the partner adds offers from its desk; a resident books its room, a double booking and an out-of-hours booking
// are refused with their messages in both languages; the directory filters by currency; and the contact person's
// name and phone appear in no record, no receipt, no log line and no public answer, only on the audited path.
import { expect } from "chai";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient } from "./helpers/siwe-http.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";

const CONTACT = { contactName: "钱小梅", contactPhone: "13912345678" };
const APPLICANT = { contactName: "孙大伟", contactPhone: "13787654321" };

describe("community partners over HTTP (real server, node, LevelDB and vault)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const logs: string[] = [];
  const { call, signIn } = httpClient(() => server.url, CHAIN_ID);
  const servicesNow = () => Date.now();
  let id = "";

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("partners-http");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 4, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "debug", workOrderSweepMs: 60_000 },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    // Every log line the server writes, at debug level, to look for personal values in them.
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString("utf8")), done()) });
    server = await startServer(settings, pino({ level: "debug" }, sink), serverRoutes, { clock: servicesNow });
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    await signIn("staff", history.staff.key);
    await signIn("shop", history.members.v2.key);
    await signIn("r1", history.members.r1.key);
    await signIn("rc", history.members.rc.key);
    await signIn("applicant", history.members.v1.key);
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("the office registers a partner and links its time-bank address: the page shows the credits redeemed with it, from the chain", async function () {
    const shop = history.members.v2.address.toLowerCase();
    expect((await call("r1", "POST", "/api/partners/register", { kind: "retail", name: "街角便利店", nameEn: "Corner shop", account: shop, ...CONTACT })).status).to.equal(403);
    const reg = await call("staff", "POST", "/api/partners/register", { kind: "retail", name: "街角便利店", nameEn: "Corner shop", account: shop, ...CONTACT });
    expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
    id = reg.body.id as string;
    const notOnChain = await call("staff", "POST", `/api/partners/${id}/linkTimebank`, { timebankPartner: shop });
    expect(notOnChain.status).to.equal(404);
    expect(notOnChain.body.error.code).to.equal("partner_not_onchain");
    const linked = await call("staff", "POST", `/api/partners/${id}/linkTimebank`, { timebankPartner: history.partner.toLowerCase() });
    expect(linked.status, JSON.stringify(linked.body)).to.equal(201);
    // From its desk (signed in with its account), the partner adds offers; nobody else may.
    const room = { kind: "space", title: "店后活动室", titleEn: "Back room", audiences: ["allResidents"], accepts: [], hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, from: 0, to: 1440 })), capacity: 10 };
    expect((await call("r1", "POST", `/api/partners/${id}/addOffer`, room)).body.error.code).to.equal("partner_not_yours");
    expect((await call("shop", "POST", `/api/partners/${id}/addOffer`, room)).status).to.equal(201);
    const goods = { kind: "goods", title: "米面粮油", titleEn: "Rice and oil", audiences: ["elderly"], accepts: ["timebank", "greenPoints"], hours: [] };
    expect((await call("shop", "POST", `/api/partners/${id}/addOffer`, goods)).status).to.equal(201);
    const desk = await call("shop", "GET", "/api/partners/mine");
    expect(desk.body.contributions.partner.id).to.equal(id);
    expect((await call("r1", "GET", "/api/partners/mine")).body.contributions).to.equal(null);

    const page = await call(undefined, "GET", `/api/partners/${id}`);
    expect(page.status).to.equal(200);
    const onChain = (await call(undefined, "GET", `/api/timebank/redemptions?partner=${history.partner}`)).body.items as { minutes: number; recordId: string }[];
    expect(onChain.length).to.be.greaterThan(0);
    expect(page.body.summary.timebankRedemptions).to.equal(onChain.length);
    expect(page.body.summary.timebankMinutes).to.equal(onChain.reduce((s, r) => s + r.minutes, 0));
    expect(page.body.credits.map((c: { recordId: string }) => c.recordId).sort()).to.deep.equal(onChain.map((r) => r.recordId).sort());
    // Green points have their ledger (issue 17: services/green); nothing was spent with this partner yet.
    expect(page.body.currencies).to.deep.include({ currency: "greenPoints", ledger: true, unit: "points", count: 0, amount: 0 });
    const green = await call(undefined, "GET", "/api/partners/directory?currency=greenPoints");
    expect(green.body.items.map((p: { id: string; offers: unknown[] }) => [p.id, p.offers.length])).to.deep.equal([[id, 1]]);
  });

  it("a resident books the room; a double booking (in both languages), too many people and a goods offer are refused; cancelling frees the slot", async function () {
    const now = Math.floor(servicesNow() / 1000);
    const start = now + 86_400 - (now % 3600);
    const booked = await call("r1", "POST", `/api/partners/${id}/book`, { offerId: "o1", start, minutes: 60, people: 4 });
    expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
    const twice = await call("rc", "POST", `/api/partners/${id}/book`, { offerId: "o1", start: start + 1800, minutes: 60, people: 2 }, { "accept-language": "zh-CN" });
    expect(twice.status).to.equal(409);
    expect(twice.body.error.code).to.equal("partner_booking_overlap");
    expect(twice.body.error.message).to.include("重叠");
    expect(twice.body.error.details.values).to.include({ bookingId: "b1" });
    const en = await call("rc", "POST", `/api/partners/${id}/book`, { offerId: "o1", start: start + 1800, minutes: 60, people: 2 });
    expect(en.body.error.message).to.include("overlaps booking b1");
    const tooMany = await call("rc", "POST", `/api/partners/${id}/book`, { offerId: "o1", start: start + 7200, minutes: 60, people: 11 });
    expect(tooMany.body.error.code).to.equal("partner_booking_over_capacity");
    const notSpace = await call("rc", "POST", `/api/partners/${id}/book`, { offerId: "o2", start: start + 7200, minutes: 60, people: 1 });
    expect(notSpace.body.error.code).to.equal("partner_offer_not_space");
    expect((await call("rc", "POST", `/api/partners/${id}/cancelBooking`, { bookingId: "b1" })).body.error.code).to.equal("partner_booking_not_yours");
    expect((await call("r1", "GET", "/api/partners/bookings/mine")).body.items.map((b: { bookingId: string }) => b.bookingId)).to.deep.equal(["b1"]);
    expect((await call("r1", "POST", `/api/partners/${id}/cancelBooking`, { bookingId: "b1" })).status).to.equal(201);
    expect((await call("rc", "POST", `/api/partners/${id}/book`, { offerId: "o1", start: start + 1800, minutes: 60, people: 2 })).status).to.equal(201);
    const page = await call(undefined, "GET", `/api/partners/${id}`);
    expect(page.body.summary).to.include({ bookings: 1, bookedMinutes: 60, cancelled: 1 });
    const slots = await call(undefined, "GET", `/api/partners/${id}/bookings?from=${now}`);
    expect(slots.body.items).to.deep.equal([{ offerId: "o1", start: start + 1800, end: start + 5400 }]);
    expect((await call("shop", "POST", `/api/partners/${id}/recordGiven`, { offerId: "o2", quantity: 20, valueFen: 6000, on: now - 60 })).status).to.equal(201);
  });

  it("the partner pledges to a micro-renewal project from its account; its page shows the pledge; others may not pledge for it", async function () {
    const renewal = async (who: string, path: string, body: unknown) => call(who, "POST", `/api/renewal${path}`, body);
    const proposed = await renewal("r1", "/propose", { estateId: history.estateId, title: "地下室改儿童室", place: "3号楼地下室", description: "把闲置的地下室改成儿童活动室", minimumFen: 1_000_000, optimumFen: 1_500_000 });
    expect(proposed.status, JSON.stringify(proposed.body)).to.equal(201);
    const project = proposed.body.id as string;
    expect((await renewal("staff", `/${project}/accept`, {})).status).to.equal(201);
    for (const who of ["r1", "rc", "applicant"]) await renewal(who, `/${project}/support`, {});
    const opened = await renewal("staff", `/${project}/openFunding`, { deadline: Math.floor(servicesNow() / 1000) + 20 * 86_400 });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    // A resident is no partner; the partner pledges from its own account (the off-chain partner role its account holds).
    expect((await renewal("r1", `/${project}/pledge`, { amountFen: 50_000, partnerId: id })).body.error.code).to.equal("forbidden");
    const pledged = await renewal("shop", `/${project}/pledge`, { amountFen: 80_000, partnerId: id });
    expect(pledged.status, JSON.stringify(pledged.body)).to.equal(201);
    const page = await call(undefined, "GET", `/api/partners/${id}`);
    expect(page.body.pledges).to.deep.equal([{ project, title: "地下室改儿童室", amountFen: 80_000, status: "held", at: page.body.pledges[0].at }]);
    expect(page.body.summary).to.include({ pledges: 1, pledgedFen: 80_000 });
    const fund = await call(undefined, "GET", `/api/renewal/${project}`);
    expect(fund.body.partnerFen).to.equal(80_000);
  });

  it("a business applies; the office approves; its contact only on the audited path; contacts in no record, receipt, log or public answer", async function () {
    const applied = await call("applicant", "POST", "/api/partners/apply", { kind: "education", name: "小星星幼儿园", nameEn: "Little Star Kindergarten", ...APPLICANT });
    expect(applied.status, JSON.stringify(applied.body)).to.equal(201);
    const other = applied.body.id as string;
    expect((await call("applicant", "POST", "/api/partners/apply", { kind: "education", name: "又一个", nameEn: "Another", ...APPLICANT })).body.error.code).to.equal("partner_account_taken");
    expect((await call(undefined, "GET", `/api/partners/${other}`)).status).to.equal(404);
    const office = await call("staff", "GET", "/api/partners/office");
    expect(office.body.pending.map((p: { id: string }) => p.id)).to.deep.equal([other]);
    expect((await call("applicant", "GET", "/api/partners/office")).status).to.equal(403);
    expect((await call("staff", "POST", `/api/partners/${other}/approve`, {})).status).to.equal(201);
    expect((await call(undefined, "GET", "/api/partners/directory")).body.items.map((p: { id: string }) => p.id).sort()).to.deep.equal([id, other].sort());

    expect((await call("staff", "GET", `/api/partners/${id}/contact`)).body).to.deep.equal({ ...CONTACT, purpose: "service.arrangement" });
    expect((await call("applicant", "GET", `/api/partners/${other}/contact`)).body).to.deep.equal({ ...APPLICANT, purpose: "subject.request" });
    expect((await call("r1", "GET", `/api/partners/${id}/contact`)).body.error.code).to.equal("partner_contact_forbidden");

    const values = [...Object.values(CONTACT), ...Object.values(APPLICANT)];
    const publicAnswers = JSON.stringify([
      (await call(undefined, "GET", "/api/partners/directory")).body,
      (await call(undefined, "GET", `/api/partners/${id}`)).body,
      (await call(undefined, "GET", `/api/partners/${other}`)).body,
      (await call("shop", "GET", "/api/partners/mine")).body,
      (await call("staff", "GET", "/api/partners/office")).body,
    ]);
    const records: string[] = [];
    for await (const record of server.engine.storage.records(0)) records.push(JSON.stringify(record));
    expect(records.length).to.be.greaterThan(8);
    const receipts: string[] = [];
    for (const r of records.slice(0, 3)) {
      const recordId = (JSON.parse(r) as { recordId: number }).recordId;
      receipts.push(JSON.stringify((await call(undefined, "GET", `/api/receipts/offchain/${recordId}`)).body));
    }
    for (const value of values) {
      expect(publicAnswers, "public answers").to.not.include(value);
      expect(records.join("\n"), "records").to.not.include(value);
      expect(receipts.join("\n"), "receipts").to.not.include(value);
      expect(logs.join(""), "logs").to.not.include(value);
    }
    expect(logs.length).to.be.greaterThan(10);
  });
});
