// Suggestions, open days and the talent pool through the real server over a real Hardhat node, LevelDB and the
// vault: a resident's suggestion is public with its text and the name they chose to show, never their address;
// the office answers it (once), adopts and implements it; staff write suggestions down at an open day; the funnel
// and the open day's page are public; the sweep marks an unanswered one overdue; a receipt of a suggestion's
// record verifies. A resident linked to a person joins the talent pool; staff find, invite; the member accepts;
// withdrawn consent takes them out of the pool, out of mediation's candidates, and refuses an invitation.
import { expect } from "chai";
import path from "node:path";
import { pino } from "pino";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { placesFromDirectory, talentCandidates } from "../../server/src/services/talent/index.js";
import { readNote } from "../../server/src/vault/index.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient } from "./helpers/siwe-http.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";

describe("suggestions, open days and the talent pool over HTTP (real server, node, LevelDB and vault)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const { call, signIn } = httpClient(() => server.url, CHAIN_ID);
  let ahead = 0;
  const servicesNow = () => Date.now() + ahead * 1000;
  let person = "";

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("suggestions-http");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 4, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "silent", workOrderSweepMs: 60_000 },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    server = await startServer(settings, pino({ level: "silent" }), serverRoutes, { clock: servicesNow });
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    await signIn("staff", history.staff.key);
    await signIn("r1", history.members.r1.key);
    await signIn("r2", history.members.rc.key);
    const staffViewer = { address: history.staff.address.toLowerCase() as `0x${string}`, roles: ["staff"] };
    person = (await server.directory.registerPerson(staffViewer, { kind: "resident", values: { name: "林律师" }, addresses: [history.members.r1.address.toLowerCase() as `0x${string}`], units: [] })).personId;
  });
  const receiptOf = async (recordId: number) => {
    for (let i = 0; i < 200; i++) {
      const r = await call(undefined, "GET", `/api/receipts/offchain/${recordId}`);
      if (r.status === 200) return r.body as { record: { kind: string; payload: string; actor: string } };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no receipt of record ${recordId} within 20 s`);
  };
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("a suggestion: public with its text and chosen name, never its author; answered once; adopted and implemented; its receipt", async function () {
    const sent = await call("r1", "POST", "/api/suggestions/submit", { topic: "greening", text: "在3号楼前多种几棵树", shownName: "林先生" });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    const id = sent.body.id as string;
    const view = await call(undefined, "GET", `/api/suggestions/${id}`);
    expect(view.body).to.include({ status: "received", text: "在3号楼前多种几棵树", shownName: "林先生", by: "resident", channel: "online" });
    expect(JSON.stringify(view.body)).to.not.match(/0x[0-9a-f]{40}/i);
    expect(JSON.stringify(view.body)).to.not.include(person);
    expect((await call("r1", "GET", "/api/suggestions/mine")).body.items.map((s: { id: string }) => s.id)).to.deep.equal([id]);
    expect((await call("r2", "GET", "/api/suggestions/mine")).body.items).to.deep.equal([]);

    const byResident = await call("r2", "POST", `/api/suggestions/${id}/answer`, { text: "好" });
    expect(byResident.status).to.equal(403);
    expect(byResident.body.error.code).to.equal("forbidden");
    expect((await call("staff", "GET", "/api/suggestions/desk")).body.items.map((s: { id: string }) => s.id)).to.include(id);
    expect((await call("r1", "GET", "/api/suggestions/desk")).status).to.equal(403);
    expect((await call("staff", "POST", `/api/suggestions/${id}/answer`, { text: "同意，春季种植" })).status).to.equal(201);
    const twice = await call("staff", "POST", `/api/suggestions/${id}/answer`, { text: "again" });
    expect(twice.status).to.equal(409);
    expect(twice.body.error.code).to.equal("suggestion_already_answered");
    expect(twice.body.error.details.values).to.deep.include({ id, status: "answered" });
    expect((await call("staff", "POST", `/api/suggestions/${id}/implement`, { costFen: 1, doneOn: 1 })).body.error.code).to.equal("suggestion_wrong_status");
    expect((await call("staff", "POST", `/api/suggestions/${id}/adopt`, { plan: "种10棵银杏" })).status).to.equal(201);
    const done = await call("staff", "POST", `/api/suggestions/${id}/implement`, { costFen: 380_000, doneOn: Math.floor(servicesNow() / 1000) });
    expect(done.status, JSON.stringify(done.body)).to.equal(201);
    const after = await call(undefined, "GET", `/api/suggestions/${id}`, undefined, { "accept-language": "en" });
    expect(after.body).to.include({ status: "implemented", answer: "同意，春季种植", plan: "种10棵银杏", costFen: 380_000, late: false });
    // The author hides their name: no longer shown.
    expect((await call("r2", "POST", `/api/suggestions/${id}/hideName`, {})).body.error.code).to.equal("suggestion_not_author");
    expect((await call("r1", "POST", `/api/suggestions/${id}/hideName`, {})).status).to.equal(201);
    expect((await call(undefined, "GET", `/api/suggestions/${id}`)).body.shownName).to.equal(null);

    const steps = (await call(undefined, "GET", `/api/suggestions/${id}/history`)).body.items as { event: string; recordId: number }[];
    expect(steps.map((s) => s.event)).to.deep.equal(["received", "answered", "adopted", "implemented", "nameHidden"]);
    const receipt = await receiptOf(steps[0]!.recordId);
    expect(receipt.record.kind).to.equal("suggestion.received");
    expect(receipt.record.payload).to.not.include("种");
    // Receipts are public: neither the received record nor the author's own nameHidden names them (no address, no
    // person id); each names a sealed actor that only the vault opens, to the author.
    const r1 = history.members.r1.address.toLowerCase();
    for (const step of [steps[0]!, steps[4]!]) {
      const { record } = await receiptOf(step.recordId);
      expect(JSON.stringify(record), `${record.kind}'s receipt names no author`).to.not.match(new RegExp(`${r1.slice(2)}|${person}`, "i"));
      const actor = JSON.parse(record.actor) as { sealed: string };
      expect(Object.keys(actor)).to.deep.equal(["sealed"]);
      const opened = await readNote(server.privacy.vault, { commitment: actor.sealed, actor: '{"system":"audit"}', purpose: "legal.obligation" });
      expect(JSON.parse(opened!)).to.deep.equal({ address: r1 });
    }
  });

  it("an open day: staff schedule it and write suggestions down; residents may not; attendance and funnel are public; the sweep marks late ones", async function () {
    const date = Math.floor(servicesNow() / 1000);
    expect((await call("r1", "POST", "/api/opendays/schedule", { date, estateId: 1, place: "社区党群服务中心", theme: "加装电梯" })).status).to.equal(403);
    const day = await call("staff", "POST", "/api/opendays/schedule", { date, estateId: 1, place: "社区党群服务中心", theme: "加装电梯" });
    expect(day.status).to.equal(201);
    const dayId = day.body.id as string;
    expect((await call("r2", "POST", `/api/opendays/${dayId}/register`, {})).status).to.equal(201);
    expect((await call("r2", "POST", `/api/opendays/${dayId}/register`, {})).body.error.code).to.equal("openday_already_registered");
    expect((await call("staff", "POST", `/api/opendays/${dayId}/recordAttendance`, { count: 0 })).body.error.code).to.equal("openday_count_below_registered");
    expect((await call("staff", "POST", `/api/opendays/${dayId}/recordAttendance`, { count: 46 })).status).to.equal(201);
    const notStaff = await call("r1", "POST", "/api/suggestions/submit", { channel: "openDay", openDay: dayId, topic: "elderly", text: "x" });
    expect(notStaff.status).to.equal(403);
    const unknown = await call("staff", "POST", "/api/suggestions/submit", { channel: "openDay", openDay: "nope", topic: "elderly", text: "x" });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal("suggestion_unknown_open_day");
    const ids: string[] = [];
    for (const text of ["1号楼加装电梯", "楼道加扶手", "增加休息椅"]) {
      const r = await call("staff", "POST", "/api/suggestions/submit", { channel: "openDay", openDay: dayId, topic: "elderly", text });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      ids.push(r.body.id as string);
    }
    expect((await call("staff", "POST", `/api/suggestions/${ids[0]}/answer`, { text: "已列入计划" })).status).to.equal(201);
    const page = await call(undefined, "GET", `/api/opendays/${dayId}`);
    expect(page.body).to.deep.include({ attendance: 46, registered: 1, place: "社区党群服务中心", theme: "加装电梯" });
    expect(page.body.funnel).to.deep.include({ received: 3, awaiting: 2 });
    expect(page.body.funnel.answeredInTime).to.deep.equal({ count: 1, rate: 1 / 3, denominator: 3 });
    const list = await call(undefined, "GET", `/api/suggestions/list?openDay=${dayId}`);
    // Written down within the same second: the order among them is the ids'.
    expect(list.body.items.map((s: { text: string; by: string }) => `${s.text} ${s.by}`).sort()).to.deep.equal(["1号楼加装电梯 staffAtOpenDay", "增加休息椅 staffAtOpenDay", "楼道加扶手 staffAtOpenDay"].sort());
    const funnel = await call(undefined, "GET", "/api/suggestions/funnel");
    expect(funnel.body.all.received).to.equal(4);
    expect(funnel.body.all.implemented).to.deep.equal({ count: 1, rate: 0.25, denominator: 4 });
    expect(funnel.body.byOpenDay.map((r: { cohort: string }) => r.cohort)).to.deep.equal([`d:${dayId}`]);

    // Sixteen days on: the two unanswered ones are marked overdue by the server's sweep, once.
    ahead = 16 * 86_400;
    const swept = await server.sweepSuggestions();
    expect(swept.marked.sort()).to.deep.equal([ids[1], ids[2]].sort());
    expect((await server.sweepSuggestions()).marked).to.deep.equal([]);
    expect((await call(undefined, "GET", `/api/suggestions/${ids[1]}`)).body).to.include({ overdue: true, status: "received" });
    const late = await call("staff", "POST", `/api/suggestions/${ids[1]}/answer`, { text: "抱歉答复晚了" });
    expect(late.status).to.equal(201);
    expect((await call(undefined, "GET", `/api/suggestions/${ids[1]}`)).body).to.include({ late: true, overdue: true, status: "answered" });
    const again = (await call(undefined, "GET", "/api/suggestions/funnel")).body;
    expect(again.all).to.deep.include({ overdue: 2, answeredLate: 1 });
    expect(again.all.answeredInTime).to.deep.equal({ count: 2, rate: 0.5, denominator: 4 });
    ahead = 0;
  });

  it("the talent pool: register with consent, searched by staff, invited, accepted; withdrawn consent leaves the pool and mediation's candidates", async function () {
    const offer = { skills: ["law", "mediation"], languages: ["cmn", "wuu"], availability: { slots: ["weekends", "evenings"], hoursPerMonth: 10 }, proofs: [`0x${"cd".repeat(32)}`] };
    expect((await call("r1", "GET", "/api/talent/me")).body).to.deep.equal({ persons: [person], members: [] });
    const noConsent = await call("r1", "POST", "/api/talent/register", { ...offer, person, consent: false });
    expect(noConsent.body.error.code).to.equal("talent_consent_required");
    const notMine = await call("r2", "POST", "/api/talent/register", { ...offer, person, consent: true });
    expect(notMine.status).to.equal(403);
    expect(notMine.body.error.code).to.equal("talent_not_you");
    const joined = await call("r1", "POST", "/api/talent/register", { ...offer, person, consent: true });
    expect(joined.status, JSON.stringify(joined.body)).to.equal(201);
    expect(joined.body.id).to.equal(person);
    expect((await call("r1", "POST", "/api/talent/register", { ...offer, person, consent: true })).body.error.code).to.equal("talent_already_registered");

    expect((await call("r2", "GET", "/api/talent/pool")).status).to.equal(403);
    const found = await call("staff", "GET", "/api/talent/pool?skills=law&languages=wuu&slots=weekends&minHours=8");
    expect(found.body.items.map((m: { person: string }) => m.person)).to.deep.equal([person]);
    expect((await call("staff", "GET", "/api/talent/pool?skills=medicine")).body.items).to.deep.equal([]);
    expect((await call("staff", "GET", "/api/talent/pool?minHours=20")).body.items).to.deep.equal([]);
    expect(await talentCandidates(server.engine.storage, placesFromDirectory(server.directory))).to.deep.equal([
      { person, address: history.members.r1.address.toLowerCase(), source: "talentPool", skills: ["law", "mediation"], languages: ["cmn", "wuu"] },
    ]);

    expect((await call("r2", "POST", "/api/talent/invitations/invite", { member: person, target: { kind: "mediation", id: "case-1" } })).status).to.equal(403);
    const invited = await call("staff", "POST", "/api/talent/invitations/invite", { member: person, target: { kind: "mediation", id: "case-1" } });
    expect(invited.status).to.equal(201);
    const mine = await call("r1", "GET", "/api/talent/invitations/mine");
    expect(mine.body.items).to.have.length(1);
    expect(mine.body.items[0]).to.deep.include({ status: "invited", target: { kind: "mediation", id: "case-1" } });
    expect((await call("r2", "POST", `/api/talent/invitations/${invited.body.id}/accept`, {})).body.error.code).to.equal("talent_not_invitee");
    expect((await call("r1", "POST", `/api/talent/invitations/${invited.body.id}/accept`, {})).status).to.equal(201);
    expect((await call("r1", "POST", `/api/talent/invitations/${invited.body.id}/decline`, {})).body.error.code).to.equal("talent_invitation_wrong_status");
    expect((await call("staff", "GET", "/api/talent/invitations/sent")).body.items[0]).to.deep.include({ status: "accepted" });

    expect((await call("r1", "POST", `/api/talent/${person}/withdrawConsent`, {})).status).to.equal(201);
    expect((await call("staff", "GET", "/api/talent/pool")).body.items).to.deep.equal([]);
    expect(await talentCandidates(server.engine.storage)).to.deep.equal([]);
    const refused = await call("staff", "POST", "/api/talent/invitations/invite", { member: person, target: { kind: "workorder", id: "wo-1" } });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal("talent_no_consent");
    expect((await call("r1", "GET", "/api/talent/me")).body.members[0]).to.deep.include({ consent: false });
    expect((await call("r1", "POST", `/api/talent/${person}/giveConsent`, {})).status).to.equal(201);
    expect((await call("staff", "GET", "/api/talent/pool")).body.items).to.have.length(1);

    // The server gives mediation's matching the pool's consenting members: filing a dispute as this member, the
    // office's proposal names them among the candidates, left out as a party to it.
    const staffViewer = { address: history.staff.address.toLowerCase() as `0x${string}`, roles: ["staff"] };
    const other = (await server.directory.registerPerson(staffViewer, { kind: "resident", values: { name: "邻居乙" }, addresses: [history.members.rc.address.toLowerCase() as `0x${string}`], units: [] })).personId;
    const filed = await call("r1", "POST", "/api/mediation/disputes/file", { category: "noise", place: { estateId: history.estateId, building: history.buildings[0] }, claimant: person, respondent: { person: other }, languages: ["cmn"], account: "楼上夜里有噪音", wish: "晚上十点后安静" });
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    const proposal = await call("staff", "GET", `/api/mediation/disputes/${filed.body.id}/proposal`);
    expect(proposal.status, JSON.stringify(proposal.body)).to.equal(200);
    expect(proposal.body.excluded).to.deep.include({ person, source: "talentPool", conflict: "party" });
  });

  it("written down at an open day for a known resident: public without them, with a name only if they chose one, which they may hide", async function () {
    const day = (await call("staff", "POST", "/api/opendays/schedule", { date: Math.floor(servicesNow() / 1000), estateId: 1, place: "活动室", theme: "停车" })).body.id as string;
    const write = async (extra: Record<string, unknown>) => {
      const r = await call("staff", "POST", "/api/suggestions/submit", { channel: "openDay", openDay: day, topic: "parking", text: "地库加装充电桩", author: person, ...extra });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return r.body.id as string;
    };
    const unnamed = await write({});
    const named = await write({ shownName: "林女士" });
    const publicViews = [
      (await call(undefined, "GET", `/api/suggestions/${unnamed}`)).body,
      (await call(undefined, "GET", `/api/suggestions/${named}`)).body,
      (await call(undefined, "GET", `/api/suggestions/list?openDay=${day}`)).body,
      (await call(undefined, "GET", `/api/suggestions/${unnamed}/history`)).body,
    ];
    expect(publicViews[0]).to.include({ shownName: null, by: "staffAtOpenDay", text: "地库加装充电桩" });
    expect(publicViews[1]).to.include({ shownName: "林女士" });
    expect(JSON.stringify(publicViews), "no author: neither their person id nor an address").to.not.match(new RegExp(`${person}|0x[0-9a-f]{40}`, "i"));
    // Theirs all the same: among their own, and theirs to hide the name of.
    expect((await call("r1", "GET", "/api/suggestions/mine")).body.items.map((s: { id: string }) => s.id)).to.include.members([unnamed, named]);
    expect((await call("r2", "POST", `/api/suggestions/${named}/hideName`, {})).body.error.code).to.equal("suggestion_not_author");
    expect((await call("r1", "POST", `/api/suggestions/${named}/hideName`, {})).status).to.equal(201);
    expect((await call(undefined, "GET", `/api/suggestions/${named}`)).body.shownName).to.equal(null);
  });

  it("sent by staff for a resident under their written authorisation: marked as such everywhere, the resident named nowhere public", async function () {
    const r1 = history.members.r1.address.toLowerCase();
    const proxy = { onBehalfOf: r1, authorisation: history.authorizations.r1 };
    const sent = await call("staff", "POST", "/api/suggestions/submit", { topic: "elderly", text: "楼道加装扶手", ...proxy });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    expect(sent.body.proxy).to.deep.equal(proxy);
    const id = sent.body.id as string;
    // Not linkable to the resident's other suggestions by their records either: each has its own author tag.
    const first = (await call("r1", "GET", "/api/suggestions/mine")).body.items.at(-1) as { id: string };
    const firstReceived = ((await call(undefined, "GET", `/api/suggestions/${first.id}/history`)).body.items as { recordId: number }[])[0]!.recordId;
    const tags = await Promise.all([firstReceived, sent.body.recordIds[0] as number].map(async (recordId) => JSON.parse((await receiptOf(recordId)).record.payload).authorTag as string));
    expect(tags[0]).to.match(/^0x[0-9a-f]{64}$/);
    expect(tags[1]).to.match(/^0x[0-9a-f]{64}$/).and.not.equal(tags[0]);
    expect((await call(undefined, "GET", `/api/suggestions/${id}`)).body).to.include({ by: "staffForResident" });
    const steps = (await call(undefined, "GET", `/api/suggestions/${id}/history`)).body.items as { by: string; recordId: number }[];
    expect(steps[0]!.by).to.equal("staffForResident");
    const { record } = await receiptOf(steps[0]!.recordId);
    const actor = JSON.parse(record.actor) as { sealed: string; staff: string };
    expect(actor.staff, "the staff member is named: a proxy action is marked as one").to.equal(history.staff.address.toLowerCase());
    expect(JSON.stringify(record)).to.not.include(r1.slice(2));
    // The sealed actor holds what the proxy rests on: the staff member, the resident and the authorisation.
    const opened = await readNote(server.privacy.vault, { commitment: actor.sealed, actor: '{"system":"audit"}', purpose: "legal.obligation" });
    expect(JSON.parse(opened!)).to.deep.equal({ address: history.staff.address.toLowerCase(), ...proxy });
    // Theirs: in their own list, and theirs to hide the name of.
    expect((await call("r1", "GET", "/api/suggestions/mine")).body.items.map((s: { id: string }) => s.id)).to.include(id);
    expect((await call("r2", "GET", "/api/suggestions/mine")).body.items.map((s: { id: string }) => s.id)).to.not.include(id);
  });
});
