// The micro-renewal fund through the real server over a real Hardhat node, LevelDB, the vault and the document
// store (one server for the whole file): a resident proposes with a photo (the description in the vault, never in
// a record); the office accepts; residents support once; funding opens; pledges by residents, by staff for a
// resident (marked), by a partner, matched by the subsidy; the deadline sweep on the services' clock funds one
// project and releases every pledge of another; a large project opens only once the indexer shows its owners'
// vote passed; delivery with evidence, acceptance, spending (never overspent) and visits; every ledger entry's
// receipt; refusals in both languages with their values.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pino } from "pino";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient } from "./helpers/siwe-http.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";

const DAY = 86_400;

describe("the micro-renewal fund over HTTP (real server, node, LevelDB, vault and documents)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const { call, signIn, token } = httpClient(() => server.url, CHAIN_ID);
  let ahead = 0;
  const servicesNow = () => Date.now() + ahead * 1000;
  const now = () => Math.floor(servicesNow() / 1000);

  const post = async (who: string, p: string, body: unknown) => {
    const res = await call(who, "POST", `/api/renewal${p}`, body);
    expect(res.status, `${p}: ${JSON.stringify(res.body)}`).to.equal(201);
    return res.body;
  };
  const refused = async (who: string | undefined, p: string, body: unknown, status: number, code: string) => {
    const res = await call(who, "POST", `/api/renewal${p}`, body, { "accept-language": "en" });
    expect([res.status, res.body.error?.code], `${p}: ${JSON.stringify(res.body)}`).to.deep.equal([status, code]);
    return res.body.error as { message: string; details: { values: Record<string, unknown> } };
  };
  const view = async (id: string) => (await call(undefined, "GET", `/api/renewal/${id}`)).body;
  const upload = async (who: string, type = "image/png") => {
    const bytes = type === "image/png" ? Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(48)]) : Buffer.from(`%PDF-1.4\ninvoice ${randomBytes(8).toString("hex")}\n%%EOF\n`);
    const res = await fetch(`${server.url}/api/documents?class=renewal`, { method: "POST", headers: { "content-type": type, authorization: `Bearer ${token(who)}` }, body: new Uint8Array(bytes) });
    expect(res.status).to.be.oneOf([200, 201]);
    return ((await res.json()) as { hash: string }).hash;
  };
  const proposal = (extra: Record<string, unknown> = {}) => ({ estateId: history.estateId, title: "地下室改儿童室", place: "3号楼地下室", description: "把闲置的地下室改成儿童活动室，王阿姨愿意每周照看", minimumFen: 1_000_000, optimumFen: 1_500_000, ...extra });
  /** Proposed, accepted, supported by three residents. */
  const eligible = async (extra: Record<string, unknown> = {}) => {
    const id = (await post("r1", "/propose", proposal(extra))).id as string;
    await post("staff", `/${id}/accept`, {});
    for (const who of ["r1", "rc", "v1"]) await post(who, `/${id}/support`, {});
    return id;
  };

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("renewal-http");
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
    for (const m of ["r1", "rc", "v1", "v2"] as const) await signIn(m, history.members[m].key);
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("a project proposed with a photo, accepted, supported once each, funded by residents, staff for a resident and a partner; every ledger entry's receipt", async function () {
    const photo = await upload("r1");
    // The pledging partners are the partners' service's (community partners, issue 16): registered by the office.
    const partner = async (name: string, nameEn: string) => {
      const res = await call("staff", "POST", "/api/partners/register", { kind: "retail", name, nameEn, contactName: "联系人", contactPhone: "13800000000" });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.id as string;
    };
    const bakery = await partner("幸福烘焙", "Xingfu Bakery");
    const hardware = await partner("五金店", "Hardware store");
    expect((await refused("r1", "/propose", proposal({ photos: [`0x${"ab".repeat(32)}`] }), 400, "renewal_document_unknown")).details.values).to.deep.equal({ hash: `0x${"ab".repeat(32)}` });
    const low = await refused("r1", "/propose", proposal({ minimumFen: 2000, optimumFen: 1000 }), 400, "renewal_optimum_below_minimum");
    expect(low.message).to.include("1000").and.include("2000");
    const id = (await post("r1", "/propose", proposal({ photos: [photo] }))).id as string;
    const proposed = await view(id);
    expect(proposed).to.include({ status: "proposed", title: "地下室改儿童室", description: "把闲置的地下室改成儿童活动室，王阿姨愿意每周照看", by: "resident" });
    expect(proposed.photos).to.deep.equal([photo]);
    expect(JSON.stringify(proposed)).to.not.match(/0x[0-9a-f]{40}(?![0-9a-f])/i);
    await refused("r1", `/${id}/accept`, {}, 403, "forbidden");
    await post("staff", `/${id}/accept`, {});
    await refused("staff", `/${id}/openFunding`, { deadline: now() + 10 * DAY }, 409, "renewal_needs_support");
    await post("r1", `/${id}/support`, {});
    await refused("r1", `/${id}/support`, {}, 409, "renewal_already_supported");
    // Staff record rc's support under rc's written authorisation: rc cannot support again.
    await post("staff", `/${id}/support`, { onBehalfOf: history.members.rc.address, authorisation: history.authorizations.rc });
    await refused("rc", `/${id}/support`, {}, 409, "renewal_already_supported");
    await post("v1", `/${id}/support`, {});
    expect((await call("rc", "GET", `/api/renewal/${id}/mine`)).body.supported).to.equal(true);
    const deadline = now() + 10 * DAY;
    await post("staff", `/${id}/openFunding`, { deadline });

    await post("r1", `/${id}/pledge`, { amountFen: 400_000 });
    const byProxy = await post("staff", `/${id}/pledge`, { amountFen: 150_001, onBehalfOf: history.members.rc.address, authorisation: history.authorizations.rc });
    expect(byProxy.proxy).to.deep.equal({ onBehalfOf: history.members.rc.address.toLowerCase(), authorisation: history.authorizations.rc });
    await refused("r1", `/${id}/pledge`, { amountFen: 1, partnerId: bakery }, 403, "forbidden");
    await refused("staff", `/${id}/pledge`, { amountFen: 1, partnerId: "no-such-partner" }, 404, "renewal_unknown_partner");
    await post("staff", `/${id}/pledge`, { amountFen: 100_000, partnerId: bakery });
    const over = await refused("v1", `/${id}/pledge`, { amountFen: 1_000_000 }, 409, "renewal_over_optimum");
    expect(over.details.values).to.include({ optimumFen: 1_500_000 });
    // v1 pledges and takes it back: the match it earned goes back too.
    await post("v1", `/${id}/pledge`, { amountFen: 5_000 });
    await refused("r1", `/${id}/withdraw`, { pledge: 3 }, 403, "renewal_not_pledger");
    expect((await call("v1", "GET", `/api/renewal/${id}/mine`)).body.pledges).to.deep.equal([{ pledge: 3, amountFen: 5_000, released: false, proxy: false }]);
    await post("v1", `/${id}/withdraw`, { pledge: 3 });

    const v = await view(id);
    // Match 1:1 on residents' 550,001 fen (the default settings; the cap, 2,000,000 fen, not reached).
    expect(v).to.include({ status: "funding", residentFen: 550_001, partnerFen: 100_000, matchFen: 550_001, raisedFen: 1_200_002, supports: 3 });
    expect(v.ledger).to.include({ pledgedFen: 655_001, matchedFen: 555_001, releasedFen: 10_000, spentFen: 0, remainingFen: 1_200_002 });
    expect(v.ledger.pledgedFen + v.ledger.matchedFen).to.equal(v.ledger.releasedFen + v.ledger.spentFen + v.ledger.remainingFen);
    expect(v.entries.map((e: { kind: string; source: string; proxy: boolean }) => `${e.kind}:${e.source}${e.proxy ? ":proxy" : ""}`)).to.deep.equal([
      "pledged:resident",
      "matched:subsidy",
      "pledged:resident:proxy",
      "matched:subsidy:proxy",
      "pledged:partner",
      "pledged:resident",
      "matched:subsidy",
      "released:resident",
      "matchReleased:subsidy",
    ]);
    // A fourth resident's pledge, matched: 1,400,002 raised of the optimum 1,500,000.
    await post("v2", `/${id}/pledge`, { amountFen: 100_000 });
    await refused("staff", `/${id}/addMilestone`, { title: "施工" }, 409, "renewal_wrong_status");

    // The receipt of the first ledger entry, once anchored: the record names no text and no amount but fen.
    const first = v.entries[0] as { recordId: number };
    const receipt = await (async () => {
      for (let i = 0; i < 200; i++) {
        const r = await call(undefined, "GET", `/api/receipts/offchain/${first.recordId}`);
        if (r.status === 200) return r.body as { record: { kind: string; payload: string } };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error("no receipt within 20 s");
    })();
    expect(receipt.record.kind).to.equal("renewal.pledged");
    expect(receipt.record.payload).to.include("400000").and.not.include("地下室改");

    // A second project, below its minimum at the deadline: every pledge and the match released.
    const poor = await eligible({ title: "楼道扶手", place: "5号楼楼道", minimumFen: 500_000, optimumFen: 600_000 });
    await post("staff", `/${poor}/openFunding`, { deadline: now() + 5 * DAY });
    await post("r1", `/${poor}/pledge`, { amountFen: 30_000 });
    await post("staff", `/${poor}/pledge`, { amountFen: 20_000, partnerId: hardware });

    // The deadlines pass on the services' clock; the sweep closes both, once.
    ahead += 11 * DAY;
    await refused("r1", `/${id}/pledge`, { amountFen: 1 }, 409, "renewal_deadline_passed");
    const swept = await server.sweepRenewal();
    expect(swept.closed.sort()).to.deep.equal([id, poor].sort());
    expect((await server.sweepRenewal()).closed).to.deep.equal([]);
    expect(await view(id)).to.include({ status: "funded", outcome: "funded", raisedFen: 1_400_002 });
    const failed = await view(poor);
    expect(failed).to.include({ status: "failed", outcome: "belowMinimum", raisedFen: 0 });
    expect(failed.ledger).to.include({ pledgedFen: 50_000, matchedFen: 30_000, releasedFen: 80_000, remainingFen: 0 });
    expect(failed.pledges.every((p: { released: boolean }) => p.released)).to.equal(true);
    expect((await call(undefined, "GET", "/api/renewal/list?status=failed")).body.items.map((p: { id: string }) => p.id)).to.deep.equal([poor]);

    // Delivery: a milestone with evidence, accepted; spending against an invoice, never past what remains; visits.
    await post("staff", `/${id}/addMilestone`, { title: "防潮、照明与软装" });
    const evidence = await upload("staff");
    await refused("staff", `/${id}/reportProgress`, { milestone: 0, percent: 100, evidence: [photo] }, 400, "renewal_document_unknown");
    await post("staff", `/${id}/reportProgress`, { milestone: 0, percent: 60, evidence: [evidence] });
    await refused("staff", `/${id}/acceptMilestone`, { milestone: 0 }, 409, "renewal_milestone_not_ready");
    await post("staff", `/${id}/reportProgress`, { milestone: 0, percent: 100 });
    await post("staff", `/${id}/acceptMilestone`, { milestone: 0 });
    const invoice = await upload("staff", "application/pdf");
    const overspend = await refused("staff", `/${id}/spend`, { milestone: 0, amountFen: 1_400_003, invoice }, 409, "renewal_overspend");
    expect(overspend.details.values).to.deep.equal({ amountFen: 1_400_003, remainingFen: 1_400_002 });
    await post("staff", `/${id}/spend`, { milestone: 0, amountFen: 980_000, invoice });
    const month = (offsetDays: number) => new Date((now() + offsetDays * DAY + 8 * 3600) * 1000).toISOString().slice(0, 7);
    await post("staff", `/${id}/recordVisits`, { month: month(-62), visits: 20, source: "社区签到表" });
    await post("staff", `/${id}/complete`, {});
    await post("staff", `/${id}/recordVisits`, { month: month(45), visits: 80, source: "门禁计数器" });
    const done = await view(id);
    expect(done).to.include({ status: "delivered", percentComplete: 100 });
    expect(done.ledger).to.include({ spentFen: 980_000, remainingFen: 420_002 });
    expect(done.use).to.deep.include({ risePercent: 300, sources: ["社区签到表", "门禁计数器"] });
    expect(done.milestones[0]).to.deep.include({ accepted: true, evidence: [evidence], spentFen: 980_000 });
  });

  it("a large project: funding opens only once the indexer shows its owners' vote passed", async function () {
    const id = await eligible({ title: "小广场改造", place: "中心花园", minimumFen: 4_000_000, optimumFen: 6_000_000 });
    expect((await view(id)).needsVote).to.equal(true);
    const deadline = now() + 10 * DAY;
    await refused("staff", `/${id}/openFunding`, { deadline }, 409, "renewal_vote_needed");
    await refused("staff", `/${id}/linkVote`, { voteId: 999 }, 404, "renewal_unknown_vote");
    await post("staff", `/${id}/linkVote`, { voteId: Number(history.openVote) });
    const pending = await refused("staff", `/${id}/openFunding`, { deadline }, 409, "renewal_vote_not_passed");
    expect(pending.details.values).to.deep.equal({ voteId: Number(history.openVote), outcome: "Pending" });
    await post("staff", `/${id}/linkVote`, { voteId: Number(history.passedVote) });
    await post("staff", `/${id}/openFunding`, { deadline });
    expect(await view(id)).to.include({ status: "funding", voteId: Number(history.passedVote) });
    // The rules in force are public.
    expect((await call(undefined, "GET", "/api/renewal/settings")).body).to.include({ matchNumerator: 1, matchDenominator: 1, residentShareBp: 1000 });
  });
});
