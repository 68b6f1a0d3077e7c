// Work orders through the real server over a real Hardhat node and LevelDB: a resident's report is dispatched,
// duplicates at the same place join it (even sent at once), the water party works it and the reporter closes and
// rates it; the public sees it without personal data; a repeated Idempotency-Key answers as the first time.
import { expect } from "chai";
import path from "node:path";
import { pino } from "pino";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { signDeviceRequest } from "../../server/src/services/devices/index.js";
import { CHAIN_ID, clients, deployAll, DEV_KEYS, anyFreePort, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient } from "./helpers/siwe-http.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";

describe("work orders over HTTP (real server, node and LevelDB)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const plumberKey: Hex = generatePrivateKey();
  const plumber = privateKeyToAccount(plumberKey);
  const { call, signIn } = httpClient(() => server.url, CHAIN_ID);
  /** How far the services' clock runs ahead of the real one (seconds); the last test moves it. */
  let ahead = 0;
  const servicesNow = () => Date.now() + ahead * 1000;

   
  const report = (place: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ channel: "resident", serviceCode: "burst-pipe", place: { estateId: 1, ...place }, ...extra });

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("workorders");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    await rpc(node.url, "hardhat_setBalance", [plumber.address, "0x56BC75E2D63100000"]);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 16, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "silent", workOrderSweepMs: 200 },
      {},
    );
    server = await startServer(settings, pino({ level: "silent" }), serverRoutes, { clock: servicesNow });
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    await signIn("staff", history.staff.key);
    await signIn("plumber", plumberKey);
    await signIn("r1", history.members.r1.key);
    await signIn("r2", history.members.rc.key);
    await signIn("admin", DEV_KEYS[0]!);
    expect((await call("staff", "POST", "/api/workorders/parties/assign", { member: plumber.address.toLowerCase(), party: "water" })).status).to.equal(201);
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("a report is dispatched to the water party; a duplicate joins it; the party works it; the reporter confirms and rates", async function () {
    const first = await call("r1", "POST", "/api/workorders/report", report({ building: 3 }));
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.body.records.map((r: { kind: string }) => r.kind)).to.deep.equal(["workorder.reported", "workorder.dispatched"]);
    const id = first.body.id as string;
    const dup = await call("r2", "POST", "/api/workorders/report", report({ building: 3 }));
    expect(dup.status).to.equal(201);
    expect(dup.body).to.include({ id });
    expect(dup.body.records.map((r: { kind: string }) => r.kind)).to.deep.equal(["workorder.joined"]);

    const view = await call(undefined, "GET", `/api/workorders/${id}`);
    expect(view.body).to.include({ status: "dispatched", party: "water", duplicates: 1, serviceCode: "burst-pipe" });
    expect(view.body.category).to.deep.equal({ "zh-CN": "水管爆裂", en: "Burst pipe" });
    expect(view.body.clocks.deadline - view.body.receivedAt).to.equal(30 * 60);
    expect(JSON.stringify(view.body)).to.not.match(/0x[0-9a-f]{40}/i);
    const open = await call(undefined, "GET", "/api/workorders/open?estate=1");
    expect(open.body.items.map((o: { id: string }) => o.id)).to.include(id);
    expect((await call("r2", "GET", "/api/workorders/mine")).body.items.map((o: { id: string }) => o.id)).to.deep.equal([id]);
    expect((await call("plumber", "GET", "/api/workorders/queue")).body).to.deep.include({ party: "water" });
    expect((await call("r1", "GET", "/api/workorders/queue")).body.error.code).to.equal("workorder_no_party");

    const refused = await call("r1", "POST", `/api/workorders/${id}/accept`, {});
    expect([refused.status, refused.body.error.code]).to.deep.equal([403, "workorder_wrong_party"]);
    for (const step of ["accept", "start"]) expect((await call("plumber", "POST", `/api/workorders/${id}/${step}`, {})).status).to.equal(201);
    expect((await call("plumber", "POST", `/api/workorders/${id}/resolve`, { photos: [] })).status).to.equal(201);
    const early = await call("r1", "POST", `/api/workorders/${id}/confirm`, {});
    expect([early.status, early.body.error.code]).to.deep.equal([409, "workorder_check_needed"]);
    expect((await call("staff", "POST", `/api/workorders/${id}/checkOnSite`, { passed: true })).status).to.equal(201);
    expect((await call("r2", "POST", `/api/workorders/${id}/confirm`, {})).status, "the joined reporter may confirm too").to.equal(201);
    expect((await call("r1", "POST", `/api/workorders/${id}/rate`, { level: 5 })).status).to.equal(201);
    const closed = await call(undefined, "GET", `/api/workorders/${id}`);
    expect(closed.body).to.include({ status: "closed", rating: 5, checkedOnSite: true });
    expect((await call(undefined, "GET", "/api/workorders/open?estate=1")).body.items.map((o: { id: string }) => o.id)).to.not.include(id);
    // Closed: the next report at that place opens a new order.
    const again = await call("r1", "POST", "/api/workorders/report", report({ building: 3 }));
    expect(again.body.id).to.not.equal(id);
    expect(again.body.records.map((r: { kind: string }) => r.kind)).to.deep.equal(["workorder.reported", "workorder.dispatched"]);
  });

  it("an order's history lists each step with its record id, whose receipt is that record; no personal data; a hotline call staff typed for a resident is marked", async function () {
    const r1 = history.members.r1.address;
    const recordIds: number[] = [];
    const step = async (who: string, p: string, body: unknown) => {
      const res = await call(who, "POST", p, body);
      expect(res.status, `${p}: ${JSON.stringify(res.body)}`).to.equal(201);
      recordIds.push(...(res.body.recordIds as number[]));
      return res;
    };
    // The 12345 call, typed by staff for r1 under r1's written authorisation (services).
    const hotline = { channel: "hotline", serviceCode: "no-water", place: { estateId: 1, building: 7 }, reporter: r1.toLowerCase(), onBehalfOf: r1, authorisation: history.authorizations.r1 };
    const id = (await step("staff", "/api/workorders/report", hotline)).body.id as string;
    expect((await call("r1", "GET", "/api/workorders/mine")).body.items.map((o: { id: string }) => o.id), "r1 sees the call among their reports").to.include(id);
    await step("plumber", `/api/workorders/${id}/accept`, {});
    await step("plumber", `/api/workorders/${id}/start`, {});
    await step("plumber", `/api/workorders/${id}/pause`, { reason: "noAccess" });
    await step("plumber", `/api/workorders/${id}/resolve`, { photos: [] });
    await step("r1", `/api/workorders/${id}/confirm`, {});
    await step("r1", `/api/workorders/${id}/rate`, { level: 4 });

    const all = await call(undefined, "GET", `/api/workorders/${id}/history`);
    expect(all.status, JSON.stringify(all.body)).to.equal(200);
    const steps = all.body.items as { version: number; event: string; recordId: number; by: string; [k: string]: unknown }[];
    expect(steps.map((s) => s.event)).to.deep.equal(["reported", "dispatched", "accepted", "started", "paused", "resumed", "resolved", "confirmed", "rated"]);
    expect(steps.map((s) => s.version)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(steps.map((s) => s.recordId), "each step's record id is the one its command answered").to.deep.equal(recordIds);
    expect(steps.map((s) => s.by)).to.deep.equal(["staffForResident", "staffForResident", "person", "person", "person", "person", "person", "person", "person"]);
    expect(steps[0]).to.include({ channel: "hotline" });
    expect(steps[1]).to.include({ party: "water" });
    expect(steps[4]).to.include({ reason: "noAccess" });
    expect(steps[8]).to.include({ level: 4 });
    expect(all.body.nextFrom).to.equal(undefined);
    const text = JSON.stringify(all.body);
    expect(text, "no address, no person id, no commitment").to.not.match(/0x[0-9a-f]{40}|p_\d|"reporter"|"description"/i);

    // Pages: from a version, as many as asked, and where the next starts.
    const page = await call(undefined, "GET", `/api/workorders/${id}/history?from=5&limit=2`);
    expect(page.body.items.map((s: { event: string }) => s.event)).to.deep.equal(["paused", "resumed"]);
    expect(page.body.nextFrom).to.equal(7);
    expect((await call(undefined, "GET", `/api/workorders/${id}/history?from=10`)).body.items).to.deep.equal([]);
    const unknown = await call(undefined, "GET", "/api/workorders/nosuchorder/history");
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, "unknown_record"]);

    // "Reported at …" and "fixed at …": each step's record id names that very record in the receipt log (this
    // server anchors nothing, so its receipt waits: 409, not 404).
    for (const s of [steps[0]!, steps[6]!]) {
      const logged = await call(undefined, "GET", `/api/records?event=workorder.${s.event}&limit=500`);
      expect(logged.body.items.map((r: { offchainRecordId?: number }) => r.offchainRecordId)).to.include(s.recordId);
      const receipt = await call(undefined, "GET", `/api/receipts/offchain/${s.recordId}`);
      expect([receipt.status, receipt.body.error.code]).to.deep.equal([409, "not_anchored_elsewhere"]);
    }
  });

  it("five reports of one place sent at once open one order and join four; another place is not held up", async function () {
    const answers = await Promise.all([
      ...["r1", "r2", "r1", "r2", "r1"].map((who) => call(who, "POST", "/api/workorders/report", report({ area: "north-gate" }, { serviceCode: "rubbish" }))),
      call("r2", "POST", "/api/workorders/report", report({ area: "south-gate" }, { serviceCode: "rubbish" })),
    ]);
    expect(answers.map((a) => a.status)).to.deep.equal([201, 201, 201, 201, 201, 201]);
    const north = answers.slice(0, 5);
    expect(new Set(north.map((a) => a.body.id)).size).to.equal(1);
    expect(north.map((a) => a.body.records[0].kind).sort()).to.deep.equal(["workorder.joined", "workorder.joined", "workorder.joined", "workorder.joined", "workorder.reported"]);
    expect(answers[5]!.body.id).to.not.equal(north[0]!.body.id);
    expect((await call(undefined, "GET", `/api/workorders/${north[0]!.body.id}`)).body).to.include({ duplicates: 4, party: "sanitation" });
  });

  it("a repeated Idempotency-Key answers as the first time, even once the order it opened would take a join", async function () {
    const body = report({ building: 5 }, { serviceCode: "lift-fault" });
    const first = await call("r1", "POST", "/api/workorders/report", body, { "idempotency-key": "lift-5-once" });
    const repeat = await call("r1", "POST", "/api/workorders/report", body, { "idempotency-key": "lift-5-once" });
    expect([first.status, repeat.status]).to.deep.equal([201, 201]);
    expect(repeat.headers.get("idempotency-replayed")).to.equal("true");
    expect(repeat.body).to.deep.equal(first.body);
    expect((await call(undefined, "GET", `/api/workorders/${first.body.id}`)).body.duplicates).to.equal(0);
  });

  it("refuses what is not allowed, recording nothing: an unknown category, a hotline call by a resident, a non-staff party change", async function () {
    const cases: [string, string, unknown, number, string][] = [
      ["r1", "/api/workorders/report", report({ building: 1 }, { serviceCode: "dragon" }), 400, "workorder_unknown_category"],
      ["r1", "/api/workorders/report", report({ building: 1 }, { channel: "hotline", reporter: "p_1" }), 403, "forbidden"],
      ["r1", "/api/workorders/parties/assign", { member: plumber.address.toLowerCase(), party: "gas" }, 403, "forbidden"],
    ];
    const before = (await call("staff", "GET", "/api/workorders/all?limit=100")).body.items.length;
    for (const [who, p, body, status, code] of cases) {
      const res = await call(who, "POST", p, body);
      expect([res.status, res.body.error?.code], JSON.stringify(res.body)).to.deep.equal([status, code]);
    }
    expect((await call("staff", "GET", "/api/workorders/all?limit=100")).body.items.length).to.equal(before);
  });

  it("the server's sweep timer and the device webhook read the services' clock, not the wall clock", async function () {
    // Rubbish at the playground (15 minutes); then the services' clock runs 20 minutes ahead: the order is overdue
    // by that clock, and the sweep timer (every 200 ms here) escalates it without anyone asking.
    const late = await call("r1", "POST", "/api/workorders/report", { channel: "resident", serviceCode: "rubbish", place: { estateId: 1, area: "playground" } });
    expect(late.status, JSON.stringify(late.body)).to.equal(201);
    ahead = 20 * 60;
    await waitFor("the sweep timer to escalate the order", async () => (await call(undefined, "GET", `/api/workorders/${late.body.id}`)).body.escalated === true, 10_000);
    const steps = (await call(undefined, "GET", `/api/workorders/${late.body.id}/history`)).body.items as { event: string; at: number; by: string }[];
    const escalated = steps.find((s) => s.event === "escalated")!;
    expect(escalated.by).to.equal("system");
    expect(escalated.at, "dated by the services' clock").to.be.at.least(Math.floor(Date.now() / 1000) + 19 * 60);
    // A camera signs its event with the time it keeps, the services' clock: taken in, within the replay window.
    const registered = await call("admin", "POST", "/api/devices/register", { device: "cam-clock-1", kind: "camera", place: { estateId: 1, area: "garden" } });
    expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
    const bytes = Buffer.from(JSON.stringify({ eventId: "clock-1" }), "utf8");
    const timestamp = Math.floor(servicesNow() / 1000);
    const res = await fetch(`${server.url}/api/workorders/alarms`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-gongzhi-device": "cam-clock-1", "x-gongzhi-timestamp": String(timestamp), "x-gongzhi-signature": signDeviceRequest(Buffer.from(registered.body.secret as string, "hex"), timestamp, bytes) },
      body: new Uint8Array(bytes),
    });
    expect(res.status, JSON.stringify(await res.clone().json())).to.equal(201);
    ahead = 0;
  });
});
