// The API's read routes over HTTP, against a Hardhat node process, the indexer (with anchoring) at its head and
// the scripted history: every route with good input (shapes and figures), bad input (ids, addresses, query
// values, cursors → 400 invalid_request / invalid_cursor) and unknown resources (404 with the right code),
// never a 500; receipts served by the API verify on chain.
import { expect } from "chai";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import path from "node:path";
import { pino } from "pino";
import { getAddress, type Abi } from "viem";
import { createApp } from "../../server/src/api/app.js";
import { resourceDeps, resourceRoutes } from "../../server/src/api/resources/index.js";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import type { Deployment } from "../../server/src/chain/deployment.js";
import { voucherCode } from "../../server/src/chain/voucher.js";
import { artifactAbiOf } from "../../server/src/receipts/abis.js";
import { pinOf, verifyReceipt } from "../../server/src/receipts/verify.js";
import { ANCHORER_KEY, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { doc, playHistory, type History } from "./helpers/history.js";
import { settingsFor, startIndexer, waitFor, type Running } from "./helpers/indexer.js";

type Json = Record<string, unknown> & { items?: Record<string, unknown>[]; nextCursor?: string };
type ErrorJson = { error: { code: string; message: string; details?: unknown } };

describe("API read routes over HTTP", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let deployment: Deployment;
  let history: History;
  let running: Running;
  let server: Server;
  let base: string;

  async function get(path_: string, lang = "en"): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${base}${path_}`, { headers: { "accept-language": lang } });
    return { status: res.status, body: (await res.json()) as Json };
  }
  async function ok(path_: string): Promise<Json> {
    const { status, body } = await get(path_);
    expect(status, `${path_}: ${JSON.stringify(body)}`).to.equal(200);
    return body;
  }
  async function fails(path_: string, status: number, code: string): Promise<ErrorJson> {
    const res = await get(path_);
    expect(res.status, `${path_}: ${JSON.stringify(res.body)}`).to.equal(status);
    const body = res.body as unknown as ErrorJson;
    expect(body.error.code, path_).to.equal(code);
    expect(body.error.message).to.be.a("string").and.not.match(/\{\w+\}/);
    return body;
  }
  /** Follows nextCursor through every page. */
  async function all(path_: string, limit: number): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    const sep = path_.includes("?") ? "&" : "?";
    for (let i = 0; i < 100; i++) {
      const page = await ok(`${path_}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
      out.push(...page.items!);
      expect(page.items!.length).to.be.at.most(limit);
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
    throw new Error("more than 100 pages");
  }

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("api-resources");
    let file: string;
    ({ deployment, file } = await deployAll(node.url, tmp.dir));
    running = await startIndexer(settingsFor(node.url, file, path.join(tmp.dir, "db"), { anchorerKey: ANCHORER_KEY, batchLeaves: 16, batchSeconds: 0 }));
    history = await playHistory(node.url, deployment);
    const { publicClient } = clients(node.url);
    const app = createApp({
      routes: resourceRoutes(resourceDeps(running.service, deployment, publicClient)),
      logger: pino({ level: "silent" }),
      corsOrigins: [],
      rateLimit: { windowMs: 60_000, limit: 100_000 },
      bodyLimit: "16kb",
      version: "test",
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Everything the history did is indexed and anchored (only the anchor's own last records may wait).
    await running.waitForHead();
    await waitFor("the history to be anchored", async () => {
      const redeemed = await ok("/api/records?event=CreditsRedeemed");
      return redeemed.items!.length === 2 && redeemed.items!.every((r) => r.anchored);
    }, 60_000);
  });
  after(async function () {
    server?.close();
    await running?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("lists estates and shows one with its buildings, totals and committee", async function () {
    const estates = await ok("/api/estates");
    expect(estates.items).to.deep.equal([
      { id: history.estateId, developer: getAddress(history.developer), buildingIds: history.buildings, totals: { area: "57500", heads: 5 } },
    ]);
    const estate = await ok(`/api/estates/${history.estateId}`);
    expect(estate.buildings).to.deep.equal([
      { id: history.buildings[0], totals: { area: "30000", heads: 3 }, unitCount: 4 },
      { id: history.buildings[1], totals: { area: "27500", heads: 4 }, unitCount: 4 },
    ]);
    expect(estate.committee).to.have.members(history.committee.map((c) => c.address));
    await fails("/api/estates/99", 404, "unknown_estate");
    await fails("/api/estates/abc", 400, "invalid_request");
    await fails("/api/estates/-1", 400, "invalid_request");
    await fails("/api/estates/4294967296", 400, "invalid_request");
    await fails("/api/estates?limit=0", 400, "invalid_request");
    await fails("/api/estates?limit=501", 400, "invalid_request");
    await fails("/api/estates?limit=ten", 400, "invalid_request");
  });

  it("shows buildings, units (filtered and paged) and holders", async function () {
    expect(await ok(`/api/buildings/${history.buildings[1]}`)).to.deep.equal({ id: history.buildings[1], estateId: history.estateId, totals: { area: "27500", heads: 4 }, unitCount: 4 });
    await fails("/api/buildings/77", 404, "unknown_building");
    await fails("/api/buildings/1.5", 400, "invalid_request");

    const units = await all("/api/units", 3);
    expect(units.map((u) => u.id)).to.deep.equal(history.units);
    expect(units[3]).to.deep.equal({ id: history.units[3], buildingId: history.buildings[0], estateId: history.estateId, area: "6000", holder: getAddress(history.developer) });
    expect((await all(`/api/units?buildingId=${history.buildings[1]}`, 2)).map((u) => u.id)).to.deep.equal(history.units.slice(4));
    const multi = history.holders.multi.address;
    expect((await all(`/api/units?holder=${multi.toLowerCase()}`, 1)).map((u) => u.id)).to.deep.equal([history.units[0], history.units[1], history.units[4]]);
    expect((await ok(`/api/units?holder=${multi}&buildingId=${history.buildings[1]}`)).items!.map((u) => u.id)).to.deep.equal([history.units[4]]);
    expect((await ok(`/api/units?estateId=${history.estateId + 1}`)).items).to.deep.equal([]);
    await fails("/api/units?holder=0x123", 400, "invalid_request");
    await fails("/api/units?buildingId=x&estateId=y", 400, "invalid_request");
    await fails("/api/units?cursor=bm90LWEta2V5LQ&holder=" + multi, 400, "invalid_cursor");
    await fails("/api/units?cursor=%E2%9C%93", 400, "invalid_cursor");

    const unit = await ok(`/api/units/${history.units[0]}`);
    expect(unit.holder).to.equal(multi);
    expect(unit.fund).to.have.keys(["balance", "deposited", "charged", "refunded"]);
    expect((unit.fund as Record<string, string>).deposited).to.equal("1250000");
    await fails("/api/units/999", 404, "unknown_unit");

    const holder = await ok(`/api/holders/${multi.toLowerCase()}`);
    expect(holder.address).to.equal(multi);
    expect((holder.units as unknown[]).length).to.equal(3);
    expect(holder.areaByScope).to.deep.equal([
      { scope: `estate:${history.estateId}`, area: "22000" },
      { scope: `building:${history.buildings[0]}`, area: "17000" },
      { scope: `building:${history.buildings[1]}`, area: "5000" },
    ]);
    const nobody = await ok("/api/holders/0x000000000000000000000000000000000000dEaD");
    expect(nobody).to.deep.equal({ address: "0x000000000000000000000000000000000000dEaD", units: [], areaByScope: [] });
    await fails("/api/holders/not-an-address", 400, "invalid_request");
  });

  it("lists votes by estate and status, shows one with its rule, tally and progress, and its ballots", async function () {
    const votes = await ok(`/api/votes?estateId=${history.estateId}`);
    expect(votes.items!.map((v) => [v.id, v.matter, v.outcome, v.status, v.major])).to.deep.equal([
      [history.passedVote, "UseFund", "Passed", "finalized", false],
      [history.openVote, "ElectCommittee", "Pending", "open", false],
    ]);
    expect((await ok("/api/votes?status=open")).items!.map((v) => v.id)).to.deep.equal([history.openVote]);
    expect((await ok("/api/votes?status=closed")).items).to.deep.equal([]);
    await fails("/api/votes?status=maybe", 400, "invalid_request");
    await fails("/api/votes?estateId=0x1", 400, "invalid_request");

    const vote = await ok(`/api/votes/${history.passedVote}`);
    expect(vote.budget).to.equal("2000000");
    expect(vote.contentHash).to.equal(doc("lift repair plan"));
    expect(vote.rule).to.deep.equal({
      quorum: { numerator: 2, denominator: 3, strict: false, ofTotal: true },
      approval: { numerator: 1, denominator: 2, strict: true, ofTotal: false },
    });
    // h3's paper ballot entered by staff is counted apart; h2's was replaced by h2's own ballot.
    expect(vote.tally).to.deep.equal({
      areaFor: "35500",
      areaAgainst: "10000",
      areaAbstain: "0",
      headsFor: 3,
      headsAgainst: 1,
      headsAbstain: 0,
      totalArea: "57500",
      totalHeads: 5,
      proxyArea: "10000",
      proxyHeads: 1,
    });
    // 2/3 of 57,500 = 38,333.3 → 38,334; 2/3 of 5 heads → 4; more than half of 45,500 → 22,751; of 4 heads → 3.
    expect(vote.progress).to.deep.equal({
      participatingArea: "45500",
      participatingHeads: 4,
      quorumArea: "38334",
      quorumHeads: 4,
      quorumMet: true,
      approvalAreaNeeded: "22751",
      approvalHeadsNeeded: 3,
      approvalMet: true,
      projectedOutcome: "Passed",
    });
    const open = await ok(`/api/votes/${history.openVote}`);
    expect((open.progress as Record<string, unknown>).projectedOutcome).to.equal("QuorumNotMet");
    await fails("/api/votes/42", 404, "unknown_vote");
    await fails("/api/votes/0", 404, "unknown_vote");
    await fails("/api/votes/123456789012345678901234567890", 404, "unknown_vote");
    await fails("/api/votes/1e3", 400, "invalid_request");

    const ballots = await ok(`/api/votes/${history.passedVote}/ballots`);
    const { multi, h2, h3, h4 } = history.holders;
    const { h2Ballot, h3Ballot } = history.authorizations;
    expect(ballots.items!.map((b) => [b.holder, b.choice, b.area, b.enteredBy, b.byStaff, b.authorizationId, b.replaced])).to.deep.equal([
      [multi.address, "for", "22000", multi.address, false, null, false],
      [h2.address, "against", "7000", history.staff.address, true, h2Ballot, true],
      [h3.address, "against", "10000", history.staff.address, true, h3Ballot, false],
      [h2.address, "for", "7000", h2.address, false, null, false],
      [h4.address, "for", "6500", h4.address, false, null, false],
    ]);
    expect(ballots.items![0]).to.include.keys(["txHash", "blockNumber", "logIndex", "recordId"]);
    // The replaced proxy ballot names the transaction of the holder's own ballot that replaced it.
    expect(ballots.items![1]!.replacedTxHash).to.equal(ballots.items![3]!.txHash);
    expect((await ok(`/api/votes/${history.passedVote}/ballots?choice=against`)).items!.map((b) => b.holder)).to.deep.equal([h2.address, h3.address]);
    expect((await all(`/api/votes/${history.passedVote}/ballots`, 3)).length).to.equal(5);
    await fails(`/api/votes/${history.passedVote}/ballots?choice=yes`, 400, "invalid_request");
    await fails("/api/votes/42/ballots", 404, "unknown_vote");
  });

  it("shows the fund ledger, plans (vote-backed and emergency) with their payments, and unit statements", async function () {
    const ledger = await ok(`/api/fund/estates/${history.estateId}`);
    // 8 × 1,000,000 + 250,000 deposited; the vote plan paid 1,500,000 and released 300,000; the emergency plan
    // committed 200,000 and paid 150,000 of it.
    expect(ledger).to.deep.equal({
      estateId: history.estateId,
      balance: String(8_250_000 - 1_500_000 - 200_000),
      committed: "50000",
      deposited: "8250000",
      disbursed: "1650000",
      emergencyPolicy: { cap: "500000", periodLimit: "1000000", periodDays: 365, disclosureDays: 15 },
    });
    await fails("/api/fund/estates/5", 404, "unknown_estate");

    const plans = await ok(`/api/fund/plans?estateId=${history.estateId}`);
    expect(plans.items!.map((p) => [p.id, p.kind, p.voteId, p.status, p.budget, p.disbursed, p.released, p.disclosure])).to.deep.equal([
      [history.votePlan, "vote", history.passedVote, "closed", "1800000", "1500000", "300000", "NotRequired"],
      [history.emergencyPlan, "emergency", null, "open", "200000", "150000", "0", "Disclosed"],
    ]);
    expect((await ok("/api/fund/plans?kind=emergency")).items!.map((p) => p.id)).to.deep.equal([history.emergencyPlan]);
    expect((await ok("/api/fund/plans?status=closed&kind=vote")).items!.map((p) => p.id)).to.deep.equal([history.votePlan]);
    expect((await ok("/api/fund/plans?status=proposed")).items).to.deep.equal([]);
    await fails("/api/fund/plans?kind=loan", 400, "invalid_request");
    await fails("/api/fund/plans?status=done", 400, "invalid_request");

    const plan = await ok(`/api/fund/plans/${history.votePlan}`);
    expect((plan.vote as Record<string, unknown>).outcome).to.equal("Passed");
    expect(plan.approvals).to.deep.equal([]);
    expect((plan.disbursements as Record<string, unknown>[]).map((d) => [d.index, d.payee, d.amount, d.stage, d.docHash])).to.deep.equal([
      [0, getAddress(history.payee), "600000", "Start", doc("invoice 1")],
      [1, getAddress(history.payee), "900000", "Acceptance", doc("acceptance report")],
    ]);
    expect(plan.closing).to.include({ closedBy: history.custodian.address, disbursed: "1500000", released: "300000", closingHash: doc("acceptance report") });
    const emergency = await ok(`/api/fund/plans/${history.emergencyPlan}`);
    expect(emergency.vote).to.equal(null);
    expect((emergency.approvals as Record<string, unknown>[]).map((a) => [a.member, a.approvals])).to.deep.equal([
      [history.committee[1].address, 1],
      [history.committee[2].address, 2],
    ]);
    expect(emergency.confirmation).to.include({ custodian: history.custodian.address, approvals: 2 });
    expect(emergency.disclosureRecord).to.include({ member: history.committee[0].address, documentHash: doc("notice to owners"), late: false });
    expect(emergency.closing).to.equal(null);
    expect(emergency.disclosureDue).to.be.a("number");
    await fails("/api/fund/plans/9", 404, "unknown_plan");
    await fails("/api/fund/plans/plan-1", 400, "invalid_request");

    const statement = await ok(`/api/fund/units/${history.units[0]}/statement`);
    const entries = statement.entries as Record<string, unknown>[];
    expect(entries.map((e) => e.kind)).to.deep.equal(["deposit", "deposit", "charge", "refund"]);
    expect(entries[0].receiptHash).to.equal(doc("bank receipt 0"));
    expect(entries[2].planId).to.equal(history.votePlan);
    expect(entries.at(-1)!.balanceAfter).to.equal(statement.balance);
    const unit = await ok(`/api/units/${history.units[0]}`);
    expect((unit.fund as Record<string, string>).balance).to.equal(statement.balance);
    const paged = await ok(`/api/fund/units/${history.units[0]}/statement?limit=3`);
    expect((paged.entries as unknown[]).length).to.equal(3);
    const rest = await ok(`/api/fund/units/${history.units[0]}/statement?limit=3&cursor=${paged.nextCursor}`);
    expect((rest.entries as Record<string, unknown>[]).map((e) => e.kind)).to.deep.equal(["refund"]);
    expect(rest.nextCursor).to.equal(undefined);
    await fails("/api/fund/units/999/statement", 404, "unknown_unit");
    // A cursor of another unit's statement is refused, not followed into that unit's entries.
    await fails(`/api/fund/units/${history.units[2]}/statement?cursor=${paged.nextCursor}`, 400, "invalid_cursor");
  });

  it("answers a list page in one request: votes with their rule, progress and chain time; plans with their vote; every estate's fund (issue 19)", async function () {
    // The votes page draws each vote's threshold lines and countdown from the list: each item as the vote's own route.
    const votes = await ok("/api/votes");
    expect(votes.items!.map((v) => v.id)).to.include.members([history.passedVote, history.openVote]);
    for (const item of votes.items!) {
      const one = await ok(`/api/votes/${item.id as string}`);
      expect(item.rule, `vote ${item.id as string}`).to.deep.equal(one.rule);
      expect(item.progress, `vote ${item.id as string}`).to.deep.equal(one.progress);
      expect(item.chainTime).to.be.a("number").and.equal(one.chainTime);
    }
    expect((await ok("/api/votes?status=open")).items![0]!.progress).to.include({ projectedOutcome: "QuorumNotMet" });
    // The fund page names each plan's vote and its outcome from the plans list, as the plan's own page does.
    const plans = await ok("/api/fund/plans");
    for (const item of plans.items!) expect(item.vote, `plan ${item.id as string}`).to.deep.equal((await ok(`/api/fund/plans/${item.id as string}`)).vote);
    expect(plans.items!.map((p) => [p.id, (p.vote as Record<string, unknown> | null)?.id ?? null, (p.vote as Record<string, unknown> | null)?.outcome ?? null])).to.deep.equal([
      [history.votePlan, history.passedVote, "Passed"],
      [history.emergencyPlan, null, null],
    ]);
    // Every estate's ledger and policy, each as GET /api/fund/estates/{id} gives it, paged like any list.
    const estates = (await ok("/api/estates")).items!.map((e) => e.id);
    const ledgers = await ok("/api/fund/estates");
    expect(ledgers.items!.map((l) => l.estateId)).to.deep.equal(estates);
    for (const l of ledgers.items!) expect(l).to.deep.equal(await ok(`/api/fund/estates/${l.estateId as number}`));
    expect(await all("/api/fund/estates", 1)).to.deep.equal(ledgers.items);
    await fails("/api/fund/estates?limit=0", 400, "invalid_request");
    await fails("/api/fund/estates?cursor=%E2%9C%93", 400, "invalid_cursor");
  });

  it("lists what a plan charged each unit (apportionment by area), paged and by unit, with block times", async function () {
    type Row = { unitId: number; buildingId: number; area: string; amount: string; holder: string | null; time: number | null; blockNumber: number; recordId: string };
    const { publicClient } = clients(node.url);
    const plan = await ok(`/api/fund/plans/${history.votePlan}`);
    const rows = (await all(`/api/fund/plans/${history.votePlan}/apportionment`, 2)) as unknown as Row[];
    // Every unit of the plan's scope, once, in unit id order; the charges add up to the budget exactly.
    expect(rows.length).to.be.greaterThan(2);
    expect(rows.map((r) => r.unitId)).to.deep.equal([...new Set(rows.map((r) => r.unitId))].sort((a, b) => a - b));
    expect(rows.reduce((sum, r) => sum + BigInt(r.amount), 0n)).to.equal(BigInt(plan.budget as string));
    for (const r of rows) {
      const unit = await ok(`/api/units/${r.unitId}`);
      expect([r.buildingId, r.area, r.holder]).to.deep.equal([unit.buildingId, unit.area, unit.holder]);
      const statement = await ok(`/api/fund/units/${r.unitId}/statement`);
      const charge = (statement.entries as Record<string, unknown>[]).find((e) => e.kind === "charge" && e.planId === history.votePlan)!;
      expect(r.amount).to.equal(charge.amount);
      // Calendar dates come from the block's own timestamp.
      expect(r.time).to.equal(Number((await publicClient.getBlock({ blockNumber: BigInt(r.blockNumber) })).timestamp));
      expect(charge.time).to.equal(r.time);
    }
    expect(plan.time).to.equal(rows[0]!.time);
    expect((plan.disbursements as Record<string, unknown>[]).every((d) => typeof d.time === "number")).to.equal(true);
    // The units a search by label found, in any order and repeated: each row once.
    const picked = await ok(`/api/fund/plans/${history.votePlan}/apportionment?units=${rows[2]!.unitId},${rows[0]!.unitId},${rows[2]!.unitId}`);
    expect((picked.items as unknown as Row[]).map((r) => r.unitId)).to.deep.equal([rows[0]!.unitId, rows[2]!.unitId]);
    expect(picked.nextCursor).to.equal(undefined);
    // A unit outside the plan's scope, or unknown, has no row.
    expect((await ok(`/api/fund/plans/${history.votePlan}/apportionment?units=999`)).items).to.deep.equal([]);
    // The emergency plan charged its own scope, its own amount.
    const emergency = (await all(`/api/fund/plans/${history.emergencyPlan}/apportionment`, 500)) as unknown as Row[];
    expect(emergency.reduce((sum, r) => sum + BigInt(r.amount), 0n)).to.equal(200_000n);
    await fails(`/api/fund/plans/9/apportionment`, 404, "unknown_plan");
    await fails(`/api/fund/plans/${history.votePlan}/apportionment?units=1,x`, 400, "invalid_request");
    await fails(`/api/fund/plans/${history.votePlan}/apportionment?units=0`, 400, "invalid_request");
    await fails(`/api/fund/plans/${history.votePlan}/apportionment?units=${Array.from({ length: 201 }, (_, i) => i + 1).join(",")}`, 400, "invalid_request");
    // A search by units is one answer: a cursor there is refused, not ignored.
    const first = await ok(`/api/fund/plans/${history.votePlan}/apportionment?limit=1`);
    await fails(`/api/fund/plans/${history.votePlan}/apportionment?units=1&cursor=${first.nextCursor}`, 400, "invalid_cursor");
    await fails(`/api/fund/plans/${history.votePlan}/apportionment?cursor=AQ`, 400, "invalid_cursor");
  });

  it("shows time-bank members with family and history, services with filters, and partners", async function () {
    const { v1, v2, r1, rc } = history.members;
    const member = await ok(`/api/timebank/members/${v1.address.toLowerCase()}`);
    expect(member).to.include({ address: v1.address, member: true, balance: 130 });
    expect(member.family).to.deep.equal([{ address: r1.address, relation: "parent" }]);
    expect((member.history as Record<string, unknown>[]).map((h) => [h.kind, h.minutes, h.counterparty, h.balanceAfter])).to.deep.equal([
      ["credited", 90, r1.address, 90],
      ["credited", 120, rc.address, 210],
      ["gift-out", 60, r1.address, 150],
      ["redeemed", 20, getAddress(history.partner), 130],
    ]);
    // The redemption staff made for v1 names the staff member and v1's written authorisation.
    expect((member.history as Record<string, unknown>[]).map((h) => [h.by, h.authorizationId])).to.deep.equal([
      [undefined, undefined],
      [undefined, undefined],
      [undefined, undefined],
      [history.staff.address, history.authorizations.v1],
    ]);
    const r1View = await ok(`/api/timebank/members/${r1.address}`);
    expect(r1View.balance).to.equal(30);
    expect((r1View.family as { relation: string }[]).map((f) => f.relation)).to.deep.equal(["child", "child"]);
    expect((r1View.history as Record<string, unknown>[]).map((h) => [h.kind, h.minutes])).to.deep.equal([
      ["given", 90],
      ["gift-in", 60],
      ["redeemed", 30],
    ]);
    expect(await ok("/api/timebank/members/0x000000000000000000000000000000000000dEaD")).to.deep.equal({
      address: "0x000000000000000000000000000000000000dEaD",
      member: false,
      balance: 0,
      movedTo: null,
      movedFrom: null,
      family: [],
      history: [],
    });
    await fails("/api/timebank/members/0xZZ", 400, "invalid_request");
    // No other community recognised nor dealt with in this history: nothing to clear.
    expect(await ok("/api/timebank/communities")).to.deep.equal({
      totals: { movedIn: 0, movedOut: 0, spentAbroad: 0, spentByVisitors: 0, clearing: 0 },
      communities: [],
    });

    const services = await ok("/api/timebank/services");
    expect(services.items!.map((s) => [s.id, s.status, s.byProxy, s.decidedBy, s.authorizationId])).to.deep.equal([
      [history.services.confirmed, "confirmed", false, r1.address, null],
      [history.services.rejected, "rejected", true, history.staff.address, history.authorizations.r1],
      [history.services.byProxy, "confirmed", true, history.staff.address, history.authorizations.rc],
      [history.services.pending, "recorded", false, null, null],
    ]);
    expect((await ok(`/api/timebank/services?volunteer=${v2.address}`)).items!.map((s) => s.id)).to.deep.equal([history.services.rejected, history.services.pending]);
    expect((await ok(`/api/timebank/services?recipient=${r1.address}&status=confirmed`)).items!.map((s) => s.id)).to.deep.equal([history.services.confirmed]);
    expect((await all(`/api/timebank/services?status=confirmed`, 1)).map((s) => s.id)).to.deep.equal([history.services.confirmed, history.services.byProxy]);
    await fails("/api/timebank/services?status=pending", 400, "invalid_request");
    await fails("/api/timebank/services?volunteer=bob", 400, "invalid_request");

    const service = await ok(`/api/timebank/services/${history.services.byProxy}`);
    expect(service).to.include({ category: "Cleaning", minutes: 120, volunteer: v1.address, recipient: rc.address, noteHash: history.notes.cleaning });
    expect(service.decision).to.include.keys(["txHash", "recordId"]);
    expect((await ok(`/api/timebank/services/${history.services.pending}`)).decision).to.equal(null);
    await fails("/api/timebank/services/99", 404, "unknown_service");
    await fails("/api/timebank/services/abc", 400, "invalid_request");

    expect((await ok("/api/timebank/partners")).items).to.deep.equal([{ address: getAddress(history.partner), profileHash: doc("partner profile: corner shop") }]);
    await fails("/api/timebank/partners?limit=-5", 400, "invalid_request");
  });

  it("lists the time bank's members, and redemptions with their voucher codes; a code, however typed, finds its redemption", async function () {
    const { v1, v2, r1, rc } = history.members;
    expect((await all("/api/timebank/members", 1)).map((m) => m.address)).to.have.members([v1.address, v2.address, r1.address, rc.address]);
    const redemptions = (await ok(`/api/timebank/redemptions?partner=${history.partner}`)).items!;
    expect(redemptions.map((r) => [r.member, r.minutes, r.kind, r.by, r.authorizationId, r.honoured])).to.deep.equal([
      [r1.address, 30, "goods", r1.address, null, null],
      [v1.address, 20, "service", history.staff.address, history.authorizations.v1, null],
    ]);
    // The code is derived from where the redemption sits on chain, so anyone can derive it again.
    for (const r of redemptions) expect(r.voucher).to.equal(voucherCode(r.txHash as string, r.logIndex as number));
    expect(new Set(redemptions.map((r) => r.voucher)).size).to.equal(2);
    expect((await ok(`/api/timebank/redemptions?member=${r1.address}`)).items!.map((r) => r.voucher)).to.deep.equal([redemptions[0]!.voucher]);
    expect((await ok(`/api/timebank/redemptions?member=${v2.address}`)).items).to.deep.equal([]);
    const code = redemptions[1]!.voucher as string;
    const loose = code.replace("-", " ").toLowerCase().replaceAll("0", "o").replaceAll("1", "l");
    expect(await ok(`/api/timebank/vouchers/${encodeURIComponent(loose)}`)).to.deep.equal(redemptions[1]);
    // A code one character off, and one that cannot be a code, are unknown (never a 500, never another's).
    const last = code.at(-1) === "0" ? "1" : "0";
    const body = await fails(`/api/timebank/vouchers/${code.slice(0, -1)}${last}`, 404, "unknown_voucher");
    expect(body.error.message).to.contain("voucher");
    await fails("/api/timebank/vouchers/not-a-code", 404, "unknown_voucher");
  });

  it("shows staff's written authorisations by id and by resident", async function () {
    const { h3Ballot, r1 } = history.authorizations;
    const ballot = await ok(`/api/proxy-authorizations/${h3Ballot}`);
    expect(ballot).to.include({
      id: h3Ballot,
      resident: history.holders.h3.address,
      voteId: history.passedVote,
      documentHash: doc("scan: paper ballot of h3"),
      recordedBy: history.staff.address,
      status: "active",
      revokedBy: null,
    });
    expect(ballot.scopes).to.deep.equal(["votes"]);
    const ofR1 = await ok(`/api/proxy-authorizations?resident=${history.members.r1.address.toLowerCase()}`);
    expect(ofR1.items!.map((a) => [a.id, a.scopes, a.voteId])).to.deep.equal([[r1, ["services"], null]]);
    expect((await ok("/api/proxy-authorizations?resident=0x000000000000000000000000000000000000dEaD")).items).to.deep.equal([]);
    await fails("/api/proxy-authorizations/999", 404, "unknown_proxy_authorization");
    await fails("/api/proxy-authorizations/x1", 400, "invalid_request");
    await fails("/api/proxy-authorizations", 400, "invalid_request");
  });

  it("lists records with their anchoring and serves receipts that verify on chain", async function () {
    const records = await all("/api/records", 100);
    expect(records.map((r) => r.seq)).to.deep.equal(records.map((_, i) => i));
    expect(new Set(records.map((r) => r.contract))).to.have.keys(["CommunityRegistry", "RecordAnchor", "ProxyAuthorizations", "OwnersVote", "MaintenanceFund", "TimeBank"]);
    const ballots = await ok("/api/records?contract=OwnersVote&event=BallotCast");
    expect(ballots.items!.length).to.equal(6);
    expect(ballots.items![0]).to.include({ kind: "onchain", contract: "OwnersVote", event: "BallotCast", anchored: true });
    await fails("/api/records?contract=Nope", 400, "invalid_request");
    await fails("/api/records?event=<script>", 400, "invalid_request");

    const { publicClient } = clients(node.url);
    const abi = loadArtifact("RecordAnchor").abi as Abi;
    for (const event of ["BallotCast", "Disbursed", "EmergencyDisclosed", "ServiceConfirmed", "CreditsGifted"]) {
      const record = (await ok(`/api/records?event=${event}`)).items![0];
      const receipt = await ok(`/api/receipts/${record.recordId}`);
      expect(receipt.format).to.equal("gongzhi-receipt/1");
      expect(receipt.batchId).to.equal(record.batchId);
      const onChain = await publicClient.readContract({ address: deployment.contracts.RecordAnchor.address, abi, functionName: "verify", args: [BigInt(receipt.batchId as number), receipt.leaf, receipt.proof] });
      expect(onChain, `RecordAnchor.verify of ${event}`).to.equal(true);
      const report = await verifyReceipt(receipt, publicClient, { pin: pinOf(deployment), abiOf: artifactAbiOf(deployment) });
      expect(report.ok, `${event}: ${JSON.stringify(report.steps.at(-1))}`).to.equal(true);
    }
    // The anchor's own latest BatchAnchored record waits for the next record (it never starts a batch): a 409 that
    // says so, not "every few tens of seconds", and not a 500.
    const waiting = records.filter((r) => !r.anchored);
    expect(waiting.length).to.be.greaterThan(0);
    expect(waiting.map((r) => r.event)).to.deep.equal(waiting.map(() => "BatchAnchored"));
    const body = await fails(`/api/receipts/${waiting[0].recordId}`, 409, "anchoring_record_waits");
    expect(body.error.message).to.contain(`Record ${waiting[0].recordId} is the chain's record of an anchoring itself`).and.contain("waits until some other record");
    const zh = await get(`/api/receipts/${waiting[0].recordId}`, "zh-CN");
    expect((zh.body as unknown as ErrorJson).error.message).to.contain("要等到有别的记录").and.contain(`记录 ${waiting[0].recordId} 是一次锚定操作`);
    const unknown = await fails("/api/receipts/100000", 404, "unknown_record");
    expect(unknown.error.message).to.equal("There is no record with id 100000.");
    expect(((await get("/api/receipts/100000", "zh")).body as unknown as ErrorJson).error.message).to.equal("没有编号为 100000 的记录。");
    await fails("/api/receipts/-3", 400, "invalid_request");
    await fails("/api/receipts/0x10", 400, "invalid_request");
  });

  it("documents every route in the OpenAPI document and never answers bad input with a 500", async function () {
    const doc_ = (await ok("/api/openapi.json")) as { paths: Record<string, Record<string, { parameters: { name: string }[] }>> };
    for (const p of [
      "/api/estates",
      "/api/estates/{estateId}",
      "/api/buildings/{buildingId}",
      "/api/units",
      "/api/units/{unitId}",
      "/api/holders/{address}",
      "/api/votes",
      "/api/votes/{voteId}",
      "/api/votes/{voteId}/ballots",
      "/api/fund/estates/{estateId}",
      "/api/fund/plans",
      "/api/fund/plans/{planId}",
      "/api/fund/units/{unitId}/statement",
      "/api/fund/plans/{planId}/apportionment",
      "/api/timebank/members/{address}",
      "/api/timebank/services",
      "/api/timebank/services/{serviceId}",
      "/api/timebank/partners",
      "/api/timebank/members",
      "/api/timebank/redemptions",
      "/api/timebank/vouchers/{code}",
      "/api/timebank/communities",
      "/api/records",
      "/api/receipts/{recordId}",
    ]) {
      expect(doc_.paths[p]?.get, p).to.not.equal(undefined);
    }
    expect(doc_.paths["/api/units"].get.parameters.map((x) => x.name)).to.include.members(["estateId", "buildingId", "holder", "limit", "cursor"]);
    const nasty = ["%00", "%FF", "..%2F..", "9".repeat(200), "null", "undefined", "[]", "{}", " 1", "1 ", "+1", "0x", "💥"];
    const templates = [
      "/api/estates/X",
      "/api/buildings/X",
      "/api/units/X",
      "/api/units?holder=X",
      "/api/units?estateId=X&limit=X",
      "/api/holders/X",
      "/api/votes/X",
      "/api/votes?status=X&cursor=X",
      "/api/votes/X/ballots?choice=X",
      "/api/fund/estates/X",
      "/api/fund/plans/X",
      "/api/fund/plans?cursor=X",
      "/api/fund/units/X/statement",
      "/api/fund/plans/X/apportionment?units=X&cursor=X",
      "/api/timebank/members/X",
      "/api/timebank/services/X",
      "/api/timebank/services?recipient=X",
      "/api/timebank/partners?cursor=X",
      "/api/timebank/members?cursor=X",
      "/api/timebank/redemptions?partner=X&member=X",
      "/api/timebank/vouchers/X",
      "/api/records?cursor=X",
      "/api/receipts/X",
    ];
    for (const t of templates) {
      for (const value of nasty) {
        const url = t.replaceAll("X", encodeURIComponent(value));
        const res = await fetch(`${base}${url}`);
        expect(res.status, `${url}`).to.be.within(200, 499);
        if (res.status >= 400) expect(((await res.json()) as ErrorJson).error.code, url).to.be.a("string");
        else await res.arrayBuffer();
      }
    }
    // Repeated query parameters arrive as arrays: still a 400.
    await fails("/api/votes?status=open&status=closed", 400, "invalid_request");
    await fails("/api/units?limit=1&limit=2", 400, "invalid_request");
  });
});
