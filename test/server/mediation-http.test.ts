// Mediation through the real server over a real Hardhat node, LevelDB, the vault and the document store: one round
// trip per command, by the roles the rules name (a resident, the other side, staff, a people's mediator), with the
// refusals that change nothing; the proposal leaves out the mediator of the parties' building; the silence sweep of
// the server; staff acting for a resident, marked as such; the views, texts, agreement and receipts.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pino } from "pino";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import type { Viewer } from "../../server/src/services/directory/index.js";
import { CHAIN_ID, deployAll, DEV_KEYS, anyFreePort, startNode, tempDir, clients, type NodeProcess } from "./helpers/chain.js";
import { httpClient } from "./helpers/siwe-http.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";

const DAY = 86_400;

describe("mediation over HTTP (real server, node, LevelDB, vault and documents)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const mediatorKey: Hex = generatePrivateKey();
  const mediator = privateKeyToAccount(mediatorKey);
  const neighbourMediatorKey: Hex = generatePrivateKey();
  const neighbourMediator = privateKeyToAccount(neighbourMediatorKey);
  const { call, signIn, token } = httpClient(() => server.url, CHAIN_ID);
  let ahead = 0;
  const servicesNow = () => Date.now() + ahead * 1000;
  const nowSeconds = () => Math.floor(servicesNow() / 1000);
  /** Person ids: the claimant (r1), the other side (rc), two people's mediators, a lawyer. */
  const P = { claimant: "", respondent: "", mediator: "", neighbourMediator: "", lawyer: "" };
  let estateId = 0;
  let building = 0;
  const ACCOUNT = "楼上每晚十一点后拖动家具，我家老人睡不好";
  const WISH = "晚上十点后不要拖动家具";

  const post = async (who: string, p: string, body: unknown, status = 201) => {
    const res = await call(who, "POST", `/api/mediation/disputes${p}`, body);
    expect(res.status, `${p}: ${JSON.stringify(res.body)}`).to.equal(status);
    return res.body;
  };
  const refused = async (who: string, p: string, body: unknown, status: number, code: string) => {
    const res = await call(who, "POST", `/api/mediation/disputes${p}`, body);
    expect([res.status, res.body.error?.code], `${p}: ${JSON.stringify(res.body)}`).to.deep.equal([status, code]);
    return res.body;
  };
  const view = async (who: string | undefined, id: string) => (await call(who, "GET", `/api/mediation/disputes/${id}`)).body;
  const upload = async (who: string, bytes: Buffer) => {
    const res = await fetch(`${server.url}/api/documents?class=mediation-agreement`, { method: "POST", headers: { "content-type": "image/png", authorization: `Bearer ${token(who)}` }, body: new Uint8Array(bytes) });
    expect(res.status).to.be.oneOf([200, 201]);
    return ((await res.json()) as { hash: string }).hash;
  };
  const png = () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(48)]);
  const fileBody = (extra: Record<string, unknown> = {}) => ({ category: "noise", place: { estateId, building }, claimant: P.claimant, respondent: { person: P.respondent }, languages: ["cmn"], account: ACCOUNT, wish: WISH, ...extra });
  /** The holders of the vault notes written so far (one per text). */
  const notesWritten = async () => {
    const out: string[] = [];
    for await (const r of server.engine.storage.records(0)) if (r.kind === "vault.written" && String((r.payload as { personId: string }).personId).startsWith("t_")) out.push((r.payload as { personId: string }).personId);
    return out;
  };

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("mediation");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    estateId = history.estateId;
    building = history.buildings[0];
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 16, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "silent", workOrderSweepMs: 3_600_000 },
      {},
    );
    server = await startServer(settings, pino({ level: "silent" }), serverRoutes, { clock: servicesNow });
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    // The directory: the parties live in building 1 (units 0 and 1), one mediator in building 2, another in building 1.
    const registrar: Viewer = { address: privateKeyToAccount(DEV_KEYS[0]!).address.toLowerCase() as Hex, roles: ["admin", "registrar"] };
    const person = async (name: string, address: string | undefined, units: number[], kind: "resident" | "mediator" | "partnerContact" = "resident") =>
      (await server.directory.registerPerson(registrar, { kind, values: { name }, addresses: address ? [address.toLowerCase() as Hex] : [], units })).personId;
    P.claimant = await person("申请人甲", history.members.r1.address, [history.units[0]!]);
    P.respondent = await person("被申请人乙", history.members.rc.address, [history.units[1]!]);
    P.mediator = await person("调解员丙", mediator.address, [history.units[4]!], "mediator");
    P.neighbourMediator = await person("调解员丁", neighbourMediator.address, [history.units[2]!], "mediator");
    P.lawyer = await person("律师戊", undefined, [], "partnerContact");
    for (const a of [mediator.address, neighbourMediator.address]) await server.directory.setRole(registrar, a.toLowerCase() as Hex, "mediator", true);
    await signIn("staff", history.staff.key);
    await signIn("r1", history.members.r1.key);
    await signIn("rc", history.members.rc.key);
    await signIn("mediator", mediatorKey);
    await signIn("neighbourMediator", neighbourMediatorKey);
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  let id = "";

  it("a resident files; a refused filing writes nothing, not even its texts; the other side sees it and answers", async function () {
    const notes = await notesWritten();
    await refused("rc", "/file", fileBody(), 403, "mediation_not_party");
    await refused("r1", "/file", fileBody({ respondent: { person: P.claimant } }), 400, "mediation_self");
    const refusedNotes = (await notesWritten()).filter((h) => !notes.includes(h));
    expect(refusedNotes).to.have.length(4);
    for (const holder of refusedNotes) expect((await server.privacy.vault.status(holder)).state, "a refused filing's texts are erased again").to.equal("erased");
    const filed = await post("r1", "/file", fileBody());
    id = filed.id;
    expect(filed.records.map((r: { kind: string }) => r.kind)).to.deep.equal(["mediation.filed"]);
    expect((await notesWritten()).length).to.equal(notes.length + 6);
    const payload = JSON.stringify((await server.engine.historyOf("mediation", id, 1, 1))[0]!.payload);
    expect(payload, "the record holds commitments, not the text").to.not.include("家具");
    expect((await call("rc", "GET", "/api/mediation/disputes/mine")).body.items.map((d: { id: string; yourRoles: string[] }) => [d.id, d.yourRoles])).to.deep.equal([[id, ["respondent"]]]);
    expect((await view("r1", id)).yourRoles).to.deep.equal(["claimant"]);
    const stranger = await call("mediator", "GET", `/api/mediation/disputes/${id}`);
    expect([stranger.status, stranger.body.error.code]).to.deep.equal([403, "mediation_not_yours"]);
    await refused("r1", `/${id}/respond`, { accepts: true }, 403, "mediation_not_respondent");
    await post("rc", `/${id}/respond`, { accepts: true, text: "同意调解，但噪音不是我家" });
    await refused("rc", `/${id}/respond`, { accepts: true }, 409, "mediation_already_answered");
    const texts = (await call("r1", "GET", `/api/mediation/disputes/${id}/texts`)).body.items;
    expect(texts.map((t: { field: string; mine: boolean; text: string }) => [t.field, t.mine, t.text])).to.deep.equal([
      ["account", true, ACCOUNT],
      ["wish", true, WISH],
      ["note", false, "同意调解，但噪音不是我家"],
    ]);
  });

  let withdrawn = "";
  it("staff file and withdraw for a resident under an authorisation, marked as such in every step", async function () {
    const r1 = history.members.r1.address;
    const proxy = { onBehalfOf: r1, authorisation: history.authorizations.r1 };
    const filed = await post("staff", "/file", { ...fileBody({ category: "parking" }), ...proxy });
    withdrawn = filed.id;
    expect(filed.proxy).to.deep.equal({ onBehalfOf: r1.toLowerCase(), authorisation: history.authorizations.r1 });
    await refused("staff", `/${filed.id}/withdraw`, {}, 403, "mediation_not_claimant");
    await post("staff", `/${filed.id}/withdraw`, proxy);
    const v = await view("r1", filed.id);
    expect(v.history.map((s: { by: string; proxy: boolean }) => [s.by, s.proxy])).to.deep.equal([["staffForResident", true], ["staffForResident", true]]);
    expect(v.outcome).to.equal("withdrawn");
  });

  it("the office sees the proposal (the mediator of the parties' building left out), assigns it, and cannot override it with a conflicted one", async function () {
    const proposal = (await call("staff", "GET", `/api/mediation/disputes/${id}/proposal`)).body;
    expect(proposal.ranked.map((r: { person: string }) => r.person)).to.deep.equal([P.mediator]);
    expect(proposal.excluded).to.deep.equal([{ person: P.neighbourMediator, source: "peoplesMediator", conflict: "building" }]);
    expect((await call("r1", "GET", `/api/mediation/disputes/${id}/proposal`)).status).to.equal(403);
    await refused("staff", `/${id}/assign`, { mediator: P.neighbourMediator, reason: "language" }, 409, "mediation_conflict_of_interest");
    await refused("mediator", `/${id}/assign`, {}, 403, "forbidden");
    const assigned = await post("staff", `/${id}/assign`, {});
    expect(assigned.records.map((r: { kind: string }) => r.kind)).to.deep.equal(["mediation.assigned"]);
    expect((await call("mediator", "GET", "/api/mediation/disputes/assigned")).body.items.map((d: { id: string }) => d.id)).to.deep.equal([id]);
    expect((await view("mediator", id)).mediator).to.deep.equal({ person: P.mediator, source: "peoplesMediator", by: "matching" });
  });

  it("the mediator invites a lawyer, holds a session, extends the limit, records the signed agreement, and closes; the follow-up when due; a party reopens", async function () {
    await refused("r1", `/${id}/invite`, { person: P.lawyer, role: "lawyer" }, 403, "forbidden");
    await refused("neighbourMediator", `/${id}/invite`, { person: P.lawyer, role: "lawyer" }, 403, "mediation_not_mediator");
    await post("mediator", `/${id}/invite`, { person: P.lawyer, role: "lawyer" });
    await post("mediator", `/${id}/scheduleSession`, { at: nowSeconds() + 3600, place: "mediationRoom" });
    await refused("mediator", `/${id}/recordSession`, { session: 1, held: true, attendees: [P.claimant] }, 409, "mediation_session_not_yet");
    ahead += 2 * 3600;
    await post("mediator", `/${id}/recordSession`, { session: 1, held: true, attendees: [P.claimant, P.respondent, P.mediator, P.lawyer] });
    await post("mediator", `/${id}/extend`, { days: 10, reason: "moreSessions", text: "双方同意再谈一次" });
    const theirs = await upload("r1", png());
    await refused("mediator", `/${id}/recordAgreement`, { document: theirs, signedBy: [P.claimant, P.respondent], performBy: nowSeconds() + 20 * DAY }, 400, "mediation_document_unknown");
    const scan = png();
    const hash = await upload("mediator", scan);
    await refused("mediator", `/${id}/recordAgreement`, { document: hash, signedBy: [P.claimant, P.lawyer], performBy: nowSeconds() + 20 * DAY }, 400, "mediation_unknown_signatory");
    await post("mediator", `/${id}/recordAgreement`, { document: hash, signedBy: [P.claimant, P.respondent], performBy: nowSeconds() + 20 * DAY });
    for (const who of ["r1", "rc", "mediator", "staff"]) {
      const res = await fetch(`${server.url}/api/mediation/disputes/${id}/agreement`, { headers: { authorization: `Bearer ${token(who)}` } });
      expect(res.status, who).to.equal(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(scan)).to.equal(true);
    }
    expect((await fetch(`${server.url}/api/mediation/disputes/${id}/agreement`, { headers: { authorization: `Bearer ${token("neighbourMediator")}` } })).status).to.equal(403);
    await post("mediator", `/${id}/applyConfirmation`, {});
    await refused("mediator", `/${id}/decideConfirmation`, { confirmed: false }, 403, "forbidden");
    await post("staff", `/${id}/decideConfirmation`, { confirmed: false });
    await refused("mediator", `/${id}/close`, { outcome: "resolved", summary: "相邻住户夜间噪音纠纷" }, 400, "mediation_terms_needed");
    await post("mediator", `/${id}/close`, { outcome: "resolved", summary: "相邻住户夜间噪音纠纷，经调解达成协议", terms: "晚十点后不拖动家具，加装桌椅脚垫" });
    await refused("mediator", `/${id}/followUp`, { result: "kept" }, 409, "mediation_follow_up_not_due");
    ahead += 31 * DAY;
    await post("mediator", `/${id}/followUp`, { result: "partlyKept", text: "脚垫已装，偶有噪音" });
    await refused("neighbourMediator", `/${id}/reopen`, { reason: "agreementNotKept" }, 403, "mediation_not_party");
    await post("rc", `/${id}/reopen`, { reason: "agreementNotKept" });
    await post("mediator", `/${id}/close`, { outcome: "failed", summary: "楼上夜间拖动家具的噪音纠纷，重新调解未果" });
    const v = await view("r1", id);
    expect(v).to.deep.include({ status: "closed", outcome: "failed", level: "building", reopens: 1, extensions: 1, confirmation: "refused" });
    expect(v.participants).to.deep.equal([{ person: P.lawyer, role: "lawyer" }]);
    expect(v.sessions[0]).to.deep.include({ held: true, attendees: [P.claimant, P.respondent, P.mediator, P.lawyer] });
    expect(v.history.map((s: { event: string }) => s.event)).to.deep.equal([
      "filed", "answered", "assigned", "invited", "sessionScheduled", "sessionHeld", "extended", "agreementRecorded", "confirmationApplied", "confirmationDecided", "closed", "followedUp", "reopened", "closed",
    ]);
    expect(JSON.stringify(v.history), "steps carry no commitments to texts, no address").to.not.match(/"(account|wish|note|summary|terms)"|0x[0-9a-f]{40}"/);
    // Each step's record id is that record in the receipt log (this server anchors nothing: its receipt waits).
    const logged = await call(undefined, "GET", `/api/records?event=mediation.filed&limit=500`);
    expect(logged.body.items.map((r: { offchainRecordId?: number }) => r.offchainRecordId)).to.include(v.history[0].recordId);
    const receipt = await call(undefined, "GET", `/api/receipts/offchain/${v.history[0].recordId}`);
    expect([receipt.status, receipt.body.error.code]).to.deep.equal([409, "not_anchored_elsewhere"]);
  });

  it("silence: the server's sweep takes an unanswered dispute up a level; the office takes it on to the court, which no one may reopen", async function () {
    const silent = (await post("r1", "/file", fileBody({ category: "renovation", respondent: { unitId: history.units[1] } }))).id;
    expect((await view("r1", silent)).respondent).to.deep.equal({ unitId: history.units[1], people: [P.respondent] });
    expect((await server.sweepMediation()).escalated).to.not.include(silent);
    ahead += 8 * DAY;
    expect((await server.sweepMediation()).escalated).to.include(silent);
    const v = await view("staff", silent);
    expect([v.level, v.status, v.escalations.map((e: { bySilence: boolean }) => e.bySilence)]).to.deep.equal(["community", "mediating", [true]]);
    expect(v.history.at(-1)).to.deep.include({ event: "escalated", by: "system" });
    await refused("r1", `/${silent}/escalate`, { reason: "complex" }, 403, "forbidden");
    await post("staff", `/${silent}/escalate`, { reason: "complex" });
    const court = await post("staff", `/${silent}/escalate`, { reason: "failed" });
    expect(court.records.map((r: { kind: string }) => r.kind)).to.deep.equal(["mediation.escalated", "mediation.closed"]);
    expect(await view("r1", silent)).to.deep.include({ status: "closed", outcome: "escalated", level: "court" });
    await refused("r1", `/${silent}/reopen`, { reason: "newFacts" }, 409, "mediation_reopen_court");
  });

  it("similar past cases: for a new dispute's mediator and the office, searched with its own words; not for its parties", async function () {
    const fresh = (await post("r1", "/file", fileBody({ account: "楼上深夜拖动家具，噪音很大", wish: "晚上不要拖动家具" }))).id;
    const similar = await call("staff", "GET", `/api/mediation/disputes/${fresh}/similar`);
    expect(similar.status, JSON.stringify(similar.body)).to.equal(200);
    expect(similar.body.indexed).to.equal(1);
    expect(similar.body.items.map((h: { id: string; outcome: string; summary: string }) => [h.id, h.outcome, h.summary])).to.deep.equal([[id, "failed", "楼上夜间拖动家具的噪音纠纷，重新调解未果"]]);
    expect((await call("staff", "GET", `/api/mediation/disputes/${fresh}/similar?q=${encodeURIComponent("天花板漏水")}`)).body.items).to.deep.equal([]);
    const party = await call("r1", "GET", `/api/mediation/disputes/${fresh}/similar`);
    expect([party.status, party.body.error.code]).to.deep.equal([403, "mediation_similar_forbidden"]);
  });

  it("the office's list, and the public statistics with their denominators", async function () {
    const office = (await call("staff", "GET", "/api/mediation/disputes/office?status=all&limit=100")).body.items;
    expect(office.map((d: { id: string }) => d.id)).to.include.members([id, withdrawn]);
    expect((await call("r1", "GET", "/api/mediation/disputes/office")).status).to.equal(403);
    const stats = await call(undefined, "GET", `/api/mediation/disputes/stats?estate=${estateId}`);
    expect(stats.status).to.equal(200);
    // Four disputes: failed (after reopening), referred to the court, withdrawn, and one just filed.
    expect(stats.body.total).to.deep.include({ received: 4, open: 1, failed: 1, escalated: 1, withdrawn: 1, concluded: 2, bySilence: 1 });
    expect(stats.body.total.success).to.deep.equal({ count: 0, of: 2, rate: 0 });
  });

  it("三所联动: the judicial office and the police, invited, are in the case in their own roles: they read it, its texts and agreement; they do not mediate it", async function () {
    // After the statistics above: this dispute is one more.
    const registrar: Viewer = { address: privateKeyToAccount(DEV_KEYS[0]!).address.toLowerCase() as Hex, roles: ["admin", "registrar"] };
    const officerKey = generatePrivateKey();
    const officer = privateKeyToAccount(officerKey);
    const police = (await server.directory.registerPerson(registrar, { kind: "partnerContact", values: { name: "派出所民警己" }, addresses: [officer.address.toLowerCase() as Hex], units: [] })).personId;
    const judicial = (await server.directory.registerPerson(registrar, { kind: "partnerContact", values: { name: "司法所庚" }, addresses: [], units: [] })).personId;
    await signIn("police", officerKey);
    const joint = (await post("r1", "/file", fileBody({ category: "neighbourConduct" }))).id;
    await post("rc", `/${joint}/respond`, { accepts: true });
    await post("staff", `/${joint}/assign`, {});
    await refused("r1", `/${joint}/invite`, { person: judicial, role: "judicialOffice" }, 403, "forbidden");
    await post("staff", `/${joint}/invite`, { person: judicial, role: "judicialOffice" });
    await post("mediator", `/${joint}/invite`, { person: police, role: "police" });
    await refused("mediator", `/${joint}/invite`, { person: P.respondent, role: "police" }, 409, "mediation_conflict_of_interest");
    expect((await view("staff", joint)).participants).to.deep.equal([
      { person: judicial, role: "judicialOffice" },
      { person: police, role: "police" },
    ]);
    // The officer finds the case among theirs, as a participant (not its mediator), and reads what was written.
    const theirs = (await call("police", "GET", "/api/mediation/disputes/assigned")).body.items;
    expect(theirs.map((d: { id: string; yourRoles: string[] }) => [d.id, d.yourRoles])).to.deep.equal([[joint, ["participant"]]]);
    expect((await view("police", joint)).yourRoles).to.deep.equal(["participant"]);
    const texts = await call("police", "GET", `/api/mediation/disputes/${joint}/texts`);
    expect(texts.status).to.equal(200);
    expect(texts.body.items.map((t: { field: string; text: string }) => [t.field, t.text])).to.deep.include(["account", ACCOUNT]);
    // Not the mediator's work: no session, no closing, no escalation, no similar cases.
    await refused("police", `/${joint}/scheduleSession`, { at: nowSeconds() + 3600 }, 403, "forbidden");
    await refused("police", `/${joint}/close`, { outcome: "failed", summary: "邻里纠纷" }, 403, "forbidden");
    await refused("police", `/${joint}/escalate`, { reason: "complex" }, 403, "forbidden");
    expect((await call("police", "GET", `/api/mediation/disputes/${joint}/similar`)).body.error.code).to.equal("mediation_similar_forbidden");
    // The signed agreement is theirs to read too; someone outside the case still may not.
    const scan = png();
    await post("mediator", `/${joint}/recordAgreement`, { document: await upload("mediator", scan), signedBy: [P.claimant, P.respondent], performBy: nowSeconds() + 20 * DAY });
    const read = await fetch(`${server.url}/api/mediation/disputes/${joint}/agreement`, { headers: { authorization: `Bearer ${token("police")}` } });
    expect(read.status).to.equal(200);
    expect(Buffer.from(await read.arrayBuffer()).equals(scan)).to.equal(true);
    expect((await fetch(`${server.url}/api/mediation/disputes/${joint}/agreement`, { headers: { authorization: `Bearer ${token("neighbourMediator")}` } })).status).to.equal(403);
  });
});
