// The routing table the community office edits, through the real server over a real Hardhat node and LevelDB:
// an edit is an anchored record naming who made it, seen at once by the categories route and by the next report
// (its party and deadline); bad values and people who are not staff are refused and change nothing; a new
// category takes reports; a retired one refuses them while its old orders keep its name.
import { expect } from "chai";
import path from "node:path";
import { pino } from "pino";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient } from "./helpers/siwe-http.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";

describe("work orders: the routing table the community office edits (real server, node and LevelDB)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const { call, signIn } = httpClient(() => server.url, CHAIN_ID);
  const report = (serviceCode: string, place: Record<string, unknown>) => ({ channel: "resident", serviceCode, place: { estateId: 1, ...place } });
  const table = async () => (await call("staff", "GET", "/api/workorders/routing/table")).body;
  const category = async (code: string) => (await call(undefined, "GET", "/api/workorders/categories")).body.items.find((c: { code: string }) => c.code === code);

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("wo-routing");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 16, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "silent" },
      {},
    );
    server = await startServer(settings, pino({ level: "silent" }), serverRoutes);
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    await signIn("staff", history.staff.key);
    await signIn("r1", history.members.r1.key);
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("the defaults are in force until edited; an edit names who made it and the next report goes to the new party with the new deadline", async function () {
    const before = await call("r1", "POST", "/api/workorders/report", report("burst-pipe", { building: 2 }));
    expect((await call(undefined, "GET", `/api/workorders/${before.body.id}`)).body).to.include({ party: "water" });
    expect(await category("burst-pipe")).to.include({ party: "water", minutes: 30, urgentMinutes: 30 });

    const edit = await call("staff", "POST", "/api/workorders/routing/set", { code: "burst-pipe", party: "property", minutes: 45, urgentMinutes: 20, onSiteCheck: false, duplicateWindowMinutes: 90 });
    expect(edit.status, JSON.stringify(edit.body)).to.equal(201);
    expect(edit.body.records.map((r: { kind: string }) => r.kind)).to.deep.equal(["worouting.categorySet"]);
    expect(edit.body.actor).to.deep.equal({ address: history.staff.address.toLowerCase() });
    const receipt = await call(undefined, "GET", `/api/receipts/offchain/${edit.body.recordIds[0]}`);
    expect([200, 409], "the change is a record of the receipt log (409: not yet anchored)").to.include(receipt.status);

    // Seen at once, by the public list and by the intake.
    expect(await category("burst-pipe")).to.include({ party: "property", minutes: 45, urgentMinutes: 20, onSiteCheck: false, duplicateWindowMinutes: 90 });
    const row = (await table()).items.find((c: { code: string }) => c.code === "burst-pipe");
    expect(row).to.include({ edited: true, changedBy: history.staff.address.toLowerCase(), version: 1, party: "property" });
    const normal = await call("r1", "POST", "/api/workorders/report", report("burst-pipe", { building: 4 }));
    const view = (await call(undefined, "GET", `/api/workorders/${normal.body.id}`)).body;
    expect(view).to.include({ party: "property", onSiteCheck: false });
    expect(view.clocks.deadline - view.receivedAt).to.equal(45 * 60);
    const urgent = await call("r1", "POST", "/api/workorders/report", { ...report("burst-pipe", { building: 6 }), priority: "urgent" });
    const urgentView = (await call(undefined, "GET", `/api/workorders/${urgent.body.id}`)).body;
    expect(urgentView.clocks.deadline - urgentView.receivedAt).to.equal(20 * 60);
    // The order made before the edit keeps its party.
    expect((await call(undefined, "GET", `/api/workorders/${before.body.id}`)).body).to.include({ party: "water" });
    // A field left out keeps its value; a second edit counts on from the first.
    const second = await call("staff", "POST", "/api/workorders/routing/set", { code: "burst-pipe", minutes: 60, expectedVersion: 1 });
    expect(second.status, JSON.stringify(second.body)).to.equal(201);
    expect(await category("burst-pipe")).to.include({ party: "property", minutes: 60, urgentMinutes: 20 });
  });

  it("refuses bad values and people who are not staff with a code and a message in both languages, changing nothing", async function () {
    const before = await table();
    const reportsBefore = (await call("staff", "GET", "/api/workorders/all?limit=100")).body.items.length;
    const cases: [string, Record<string, unknown>, number, string][] = [
      ["r1", { code: "rubbish", minutes: 10 }, 403, "forbidden"],
      ["staff", { code: "rubbish", minutes: 0 }, 400, "workorder_bad_minutes"],
      ["staff", { code: "rubbish", minutes: -5 }, 400, "workorder_bad_minutes"],
      ["staff", { code: "rubbish", minutes: 60 * 24 * 61 }, 400, "workorder_bad_minutes"],
      ["staff", { code: "rubbish", duplicateWindowMinutes: -1 }, 400, "workorder_bad_minutes"],
      ["staff", { code: "rubbish", minutes: 10, urgentMinutes: 15 }, 400, "workorder_urgent_longer"],
      ["staff", { code: "rubbish", party: "dragons" }, 400, "workorder_unknown_party"],
      ["staff", { code: "rubbish", minutes: 1.5 }, 400, "invalid_request"],
      ["staff", { code: "rubbish", minutes: 15 }, 409, "workorder_routing_unchanged"],
      ["staff", { code: "hedgehog", minutes: 15 }, 400, "workorder_category_name_needed"],
      ["staff", { code: "rubbish", minutes: 20, expectedVersion: 3 }, 409, "version_conflict"],
    ];
    for (const [who, body, status, code] of cases) {
      const en = await call(who, "POST", "/api/workorders/routing/set", body);
      expect([en.status, en.body.error?.code], `${JSON.stringify(body)} → ${JSON.stringify(en.body)}`).to.deep.equal([status, code]);
      const zh = await call(who, "POST", "/api/workorders/routing/set", body, { "accept-language": "zh-CN" });
      expect(zh.body.error.message, "a Chinese message").to.match(/[\u4e00-\u9fff]/);
      expect(en.body.error.message, "an English message").to.match(/^[\x20-\x7e]+$/);
    }
    const bad = await call("staff", "POST", "/api/workorders/routing/set", { code: "rubbish", party: "dragons" });
    expect(bad.body.error.message).to.include("dragons").and.to.include("sanitation");
    expect((await call("r1", "GET", "/api/workorders/routing/table")).status, "the table with its editors is the office's").to.equal(403);
    expect(await table()).to.deep.equal(before);
    expect(await category("rubbish")).to.include({ party: "sanitation", minutes: 15 });
    expect((await call("staff", "GET", "/api/workorders/all?limit=100")).body.items.length).to.equal(reportsBefore);
  });

  it("a new category takes reports; once retired it refuses them, its old orders keep its name, and it cannot be edited again", async function () {
    const added = await call("staff", "POST", "/api/workorders/routing/set", {
      code: "pest-control",
      name: { "zh-CN": "虫害防治", en: "Pest control" },
      group: "sanitation",
      party: "sanitation",
      minutes: 3 * 24 * 60,
      urgentMinutes: 24 * 60,
      onSiteCheck: true,
      duplicateWindowMinutes: 24 * 60,
    });
    expect(added.status, JSON.stringify(added.body)).to.equal(201);
    expect(await category("pest-control")).to.include({ party: "sanitation", minutes: 4320, onSiteCheck: true });
    const order = await call("r1", "POST", "/api/workorders/report", report("pest-control", { building: 1 }));
    expect(order.status, JSON.stringify(order.body)).to.equal(201);
    const view = (await call(undefined, "GET", `/api/workorders/${order.body.id}`)).body;
    expect(view).to.include({ party: "sanitation", onSiteCheck: true });
    expect(view.clocks.deadline - view.receivedAt).to.equal(4320 * 60);

    const retired = await call("staff", "POST", "/api/workorders/routing/retire", { code: "pest-control" });
    expect(retired.status, JSON.stringify(retired.body)).to.equal(201);
    expect(await category("pest-control"), "left out of the categories a resident picks from").to.equal(undefined);
    const refused = await call("r1", "POST", "/api/workorders/report", report("pest-control", { building: 5 }));
    expect([refused.status, refused.body.error?.code]).to.deep.equal([400, "workorder_category_retired"]);
    // A report at the open order's own place is refused too, not joined to it.
    const again = await call("r1", "POST", "/api/workorders/report", report("pest-control", { building: 1 }));
    expect([again.status, again.body.error?.code]).to.deep.equal([400, "workorder_category_retired"]);
    expect((await call(undefined, "GET", `/api/workorders/${order.body.id}`)).body).to.deep.include({ category: { "zh-CN": "虫害防治", en: "Pest control" }, duplicates: 0 });
    const row = (await table()).items.find((c: { code: string }) => c.code === "pest-control");
    expect(row).to.include({ retired: true, version: 2 });
    expect((await call("staff", "POST", "/api/workorders/routing/set", { code: "pest-control", minutes: 60 })).body.error.code).to.equal("workorder_category_retired");
    expect((await call("staff", "POST", "/api/workorders/routing/retire", { code: "pest-control" })).body.error.code).to.equal("workorder_category_retired");
    expect((await call("staff", "POST", "/api/workorders/routing/retire", { code: "no-such-thing" })).status).to.equal(404);
  });
});
