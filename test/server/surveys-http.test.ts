// Satisfaction surveys through the real server (a Hardhat node, LevelDB, the vault, pino's request log): eight
// households of the history's estate answer a survey, one of them on paper entered by staff under an on-chain
// authorisation, one resident for three flats; each counted once. Then the test plays the office with every
// store open before it, and tries to join answers to households: by content (any journal record, receipt-log
// entry, LevelDB key or value of any sublevel, or log line holding both a household and its answers), by order
// (the journal's order of turnout records against that of ballots) and by position (which households had
// answered before each ballot was written). Every attempt fails. Then the index: nothing of fewer than 10 shown;
// an improvement task linked and completed.
import { expect } from "chai";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { generatePrivateKey } from "viem/accounts";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { type StoredRecord } from "../../server/src/services/framework/index.js";
import { levelBoxStorage, turnoutId } from "../../server/src/services/surveys/index.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient } from "./helpers/siwe-http.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";

describe("surveys over HTTP: answers unlinkable from households (real server, node, LevelDB, vault and log)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const { call, signIn } = httpClient(() => server.url, CHAIN_ID);
  const logLines: string[] = [];
  const now = () => Math.floor(Date.now() / 1000);
  let surveyId = "";
  /** Each household: who answers, how, and the answers (14 questions, all different across households). */
  type Household = { unitId: number; who: string; address: string; person?: string; paper?: boolean; answers: number[] };
  const households: Household[] = [];

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("surveys-http");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 4, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "info", workOrderSweepMs: 60_000 },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(...chunk.toString("utf8").split("\n").filter(Boolean)), done()) });
    // The ballot box releases early (2 beyond the 2 it holds back), so this small survey has several releases.
    server = await startServer(settings, pino({ level: "info" }, sink), serverRoutes, { surveys: { releaseAt: 2, holdBack: 2 } });
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    await signIn("staff", history.staff.key);
    const { multi, h2, h3, h4 } = history.holders;
    for (const [name, actor] of Object.entries({ multi, h2, h3, h4, rc: history.members.rc, r1: history.members.r1 })) await signIn(name, actor.key);
    await signIn("outsider", generatePrivateKey());
    // r1 and rc hold no flat on chain: the directory links them to the developer's two unsold flats.
    const staffViewer = { address: history.staff.address.toLowerCase() as `0x${string}`, roles: ["staff"] };
    const u = history.units;
    const r1Person = (await server.directory.registerPerson(staffViewer, { kind: "resident", values: { name: "王阿姨" }, addresses: [history.members.r1.address.toLowerCase() as `0x${string}`], units: [u[3]!] })).personId;
    const rcPerson = (await server.directory.registerPerson(staffViewer, { kind: "resident", values: { name: "小李" }, addresses: [history.members.rc.address.toLowerCase() as `0x${string}`], units: [u[7]!] })).personId;
    const answers = (i: number) => [1 + (i % 5), 1 + (Math.floor(i / 5) % 5), ...Array.from({ length: 12 }, (_, q) => 1 + ((q * (i + 2) + i) % 5))];
    const lower = (a: string) => a.toLowerCase();
    // Arrival order: the multi holder's three flats first, then the others.
    households.push(
      { unitId: u[0]!, who: "multi", address: lower(multi.address), answers: answers(7) },
      { unitId: u[1]!, who: "multi", address: lower(multi.address), answers: answers(6) },
      { unitId: u[4]!, who: "multi", address: lower(multi.address), answers: answers(5) },
      { unitId: u[2]!, who: "h2", address: lower(h2.address), answers: answers(4) },
      { unitId: u[3]!, who: "staff", address: lower(history.members.r1.address), person: r1Person, paper: true, answers: answers(3) },
      { unitId: u[5]!, who: "h3", address: lower(h3.address), answers: answers(2) },
      { unitId: u[6]!, who: "h4", address: lower(h4.address), answers: answers(1) },
      { unitId: u[7]!, who: "rc", address: lower(history.members.rc.address), person: rcPerson, answers: answers(0) },
    );
    expect(new Set(households.map((h) => h.answers.join(""))).size).to.equal(8);
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("the office defines a survey; residents may not; each household answers once, online or on paper", async function () {
    const define = { estateId: history.estateId, quarter: "2026Q4", opensAt: now() - 60, closesAt: now() + 3600 };
    expect((await call("h2", "POST", "/api/surveys/define", define)).status).to.equal(403);
    const made = await call("staff", "POST", "/api/surveys/define", define);
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    surveyId = made.body.id as string;
    const list = await call(undefined, "GET", `/api/surveys?estateId=${history.estateId}`);
    expect(list.body.items.map((s: { id: string; status: string }) => [s.id, s.status])).to.deep.equal([[surveyId, "open"]]);
    expect(list.body.items[0].dimensions.flatMap((d: { questions: string[] }) => d.questions)).to.have.length(14);

    const mine = await call("multi", "GET", "/api/surveys/mine");
    expect(mine.body.items[0].households.map((h: { unitId: number; answered: null }) => [h.unitId, h.answered])).to.deep.equal([history.units[0], history.units[1], history.units[4]].sort((a, b) => a! - b!).map((id) => [id, null]));

    const bad = await call("h2", "POST", `/api/surveys/${surveyId}/answer`, { answers: [5, 5] });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal("survey_bad_answers");
    const stranger = await call("outsider", "POST", `/api/surveys/${surveyId}/answer`, { answers: households[0]!.answers });
    expect(stranger.status).to.equal(403);
    expect(stranger.body.error.code).to.equal("survey_not_household");
    // Staff may not enter a paper form without an authorisation the chain recorded for that resident.
    const unauthorised = await call("staff", "POST", `/api/surveys/${surveyId}/answer`, { answers: households[4]!.answers, onBehalfOf: history.members.r1.address, authorisation: history.authorizations.h2Ballot });
    expect(unauthorised.status).to.equal(403);

    for (const h of households) {
      const body = h.paper
        ? { answers: h.answers, onBehalfOf: h.address, authorisation: history.authorizations.r1 }
        : { answers: h.answers, ...(h.who === "multi" ? { unitId: h.unitId } : {}) };
      // An Idempotency-Key is not kept for an answer (it would hold a fingerprint of the answers beside the sender).
      const r = await call(h.who, "POST", `/api/surveys/${surveyId}/answer`, body, { "idempotency-key": `answer-${h.unitId}` });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body).to.include({ survey: surveyId, unitId: h.unitId, channel: h.paper ? "paper" : "online" });
      if (h.paper) expect(r.body.proxy).to.deep.equal({ onBehalfOf: h.address, authorisation: history.authorizations.r1 });
      expect(JSON.stringify(r.body)).to.not.include(h.answers.join(","));
    }
    const again = await call("h3", "POST", `/api/surveys/${surveyId}/answer`, { answers: households[0]!.answers });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal("survey_already_answered");
    const byPaperToo = await call("r1", "POST", `/api/surveys/${surveyId}/answer`, { answers: households[0]!.answers });
    expect(byPaperToo.body.error.code).to.equal("survey_already_answered");
    const mineAfter = await call("multi", "GET", "/api/surveys/mine");
    expect(mineAfter.body.items[0].households.every((h: { answered: string }) => h.answered === "online")).to.equal(true);

    expect((await call("h2", "POST", `/api/surveys/${surveyId}/close`, {})).status).to.equal(403);
    const closed = await call("staff", "POST", `/api/surveys/${surveyId}/close`, {});
    expect(closed.status, JSON.stringify(closed.body)).to.equal(201);
    const late = await call("outsider", "POST", `/api/surveys/${surveyId}/answer`, { answers: households[0]!.answers });
    expect(late.body.error.code).to.equal("survey_not_open");
    const view = (await call(undefined, "GET", `/api/surveys?estateId=${history.estateId}`)).body.items[0];
    expect(view).to.include({ status: "closed", participants: 8, ballots: 8, online: 7, paper: 1 });
  });

  it("no store, log or order joins an answer to its household", async function () {
    const storage = server.engine.storage;
    const journal: StoredRecord[] = [];
    for await (const record of storage.records(0)) journal.push(record);
    const ballots = journal.filter((r) => r.kind === "survey.ballot");
    const turnouts = journal.filter((r) => r.kind === "surveyturnout.participated");
    // Each household counted once, every answer released once, naming no one.
    expect(turnouts).to.have.length(8);
    expect(ballots.map((b) => (b.payload as { answers: number[] }).answers.join("")).sort()).to.deep.equal(households.map((h) => h.answers.join("")).sort());
    for (const b of ballots) {
      expect(Object.keys(b.payload as object).sort()).to.deep.equal(["answers", "building"]);
      expect((b.payload as { building: number | null }).building, "fewer than 10 per building: withheld").to.equal(null);
      expect(b.actor).to.deep.equal({ system: "surveys.ballotbox" });
      expect(b.id).to.equal(surveyId);
    }

    // Every ballot left the box once (its box id in one release) and its entry is gone: once closed, the box's
    // sublevel is empty, so what remains below holds no waiting ballot to join.
    const boxIds = journal.filter((r) => r.kind === "survey.released").flatMap((r) => (r.payload as { boxIds: string[] }).boxIds);
    expect(new Set(boxIds).size).to.equal(8);
    expect(boxIds).to.have.length(8);
    const boxLeft: string[] = [];
    for await (const [key] of levelBoxStorage(server.service.store.db).entries()) boxLeft.push(key);
    expect(boxLeft).to.deep.equal([]);

    // Every document the office could read: journal records, every LevelDB entry of every sublevel (the receipt
    // log, the read models, object states, versions, the idempotency store, the outbox, the vault's), log lines.
    const documents: { where: string; text: string }[] = journal.map((r) => ({ where: `journal ${r.recordId} ${r.kind}`, text: JSON.stringify(r) }));
    for await (const [key, value] of server.service.store.db.iterator({ keyEncoding: "buffer", valueEncoding: "buffer" }) as AsyncIterable<[Buffer, Buffer]>) {
      documents.push({ where: `leveldb ${key.toString("latin1").slice(0, 60)}`, text: `${key.toString("latin1")} ${value.toString("latin1")}` });
    }
    for (const line of logLines) documents.push({ where: "log", text: line });
    expect(documents.filter((d) => d.where.startsWith("leveldb")).length).to.be.greaterThan(100);
    expect(logLines.some((l) => l.includes("/api/surveys/:id/answer"))).to.equal(true);

    // By content: a document holding both a mark of a household and its answers.
    const marks = (h: Household) => [h.address, h.address.slice(2), turnoutId(surveyId, h.unitId), `"unitId":${h.unitId}`, `|${h.unitId}"`, ...(h.person ? [h.person] : [])];
    const answerForms = (h: Household) => [h.answers.join(","), h.answers.join("")];
    // The search is live: every household's marks are found (its turnout), and so are its answers (its ballot).
    for (const h of households) {
      expect(documents.some((d) => marks(h).some((m) => d.text.includes(m))), `marks of unit ${h.unitId}`).to.equal(true);
      expect(documents.some((d) => answerForms(h).some((a) => d.text.includes(a))), `answers of unit ${h.unitId}`).to.equal(true);
    }
    for (const h of households) {
      for (const d of documents) {
        const hasAnswers = answerForms(h).some((a) => d.text.includes(a));
        if (!hasAnswers) continue;
        expect(marks(h).filter((m) => d.text.includes(m)), `${d.where} joins unit ${h.unitId} to its answers`).to.deep.equal([]);
        expect(d.text, d.where).to.not.match(/surveyturnout|participated/);
      }
    }
    // Answers appear only in ballot records (journal, receipt log, its LevelDB entries), never in a log line,
    // a read model, an object state or the idempotency store.
    for (const d of documents) {
      const holds = households.filter((h) => d.text.includes(h.answers.join(",")));
      if (holds.length === 0) continue;
      expect(d.where, d.text.slice(0, 200)).to.not.equal("log");
      expect(d.text, d.where).to.match(/survey\.ballot/);
    }
    expect(documents.filter((d) => d.text.includes("framework.idempotency") && d.text.includes("answer-"))).to.deep.equal([]);
    for (const line of logLines) {
      for (const h of households) expect(line, "a log line").to.not.include(h.address.slice(2));
    }

    // By order: the i-th turnout taken for the i-th ballot. Each release is sorted by content and drawn at random
    // from the box, so this guesses wrong (all right would need every release to hold one ballot).
    const byOrder = turnouts.map((t, i) => [(t.payload as { unitId: number }).unitId, (ballots[i]!.payload as { answers: number[] }).answers.join("")] as const);
    const right = byOrder.filter(([unitId, answers]) => households.find((h) => h.unitId === unitId)!.answers.join("") === answers).length;
    expect(right).to.be.lessThan(8);
    // By position: the households that had answered before a ballot was written. At least releaseAt + holdBack
    // (4) for every ballot: the first release waits for four and draws two of them.
    for (const b of ballots) expect(turnouts.filter((t) => t.recordId < b.recordId).length).to.be.at.least(4);
    // By time: the ballots of a release share one time, the release's.
    const times = new Map<number, number>();
    for (const b of ballots) times.set(b.at, (times.get(b.at) ?? 0) + 1);
    expect([...times.values()].every((n) => n >= 2)).to.equal(true);
  });

  it("the index: fewer than 10 households, so nothing is shown; an improvement task is linked and completed", async function () {
    const results = await call(undefined, "GET", `/api/surveys/results/${surveyId}`);
    expect(results.status).to.equal(200);
    expect(results.body.results.n).to.equal(8);
    expect(results.body.results.overall).to.equal(null);
    expect(results.body.results.heatmap.rows.every((r: { hidden: string | null; n: number | null }) => r.hidden !== null && r.n === null)).to.equal(true);
    expect(results.body.formula.k).to.equal(10);

    const opened = await call("staff", "POST", "/api/surveys/tasks/open", { survey: surveyId, estateId: history.estateId, quarter: "2026Q4", dimension: "safety", reason: "low", scoreTenths: 452, previousTenths: null });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    const task = opened.body.id as string;
    const unknown = await call("staff", "POST", `/api/surveys/tasks/${task}/link`, { kind: "workorder", ref: "nosuchorder" });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal("survey_task_unknown_link");
    expect((await call("staff", "POST", `/api/surveys/tasks/${task}/complete`, { doneOn: now() })).body.error.code).to.equal("survey_task_not_linked");
    // The micro-renewal fund runs beside it: an unknown proposal is refused, a real one is linked (validated).
    expect((await call("staff", "POST", `/api/surveys/tasks/${task}/link`, { kind: "renewal", ref: "proposal-1" })).status).to.equal(404);
    const proposed = await call("h2", "POST", "/api/renewal/propose", { estateId: history.estateId, title: "步道加装太阳能路灯", place: "2号楼北侧步道", description: "晚上太暗", minimumFen: 100_000, optimumFen: 150_000 });
    expect(proposed.status, JSON.stringify(proposed.body)).to.equal(201);
    const proposal = proposed.body.id as string;
    expect((await call("staff", "POST", `/api/surveys/tasks/${task}/link`, { kind: "renewal", ref: proposal })).status).to.equal(201);
    expect((await call("staff", "POST", `/api/surveys/tasks/${task}/complete`, { doneOn: now() })).status).to.equal(201);
    const tasks = (await call(undefined, "GET", `/api/surveys/tasks?estateId=${history.estateId}`)).body.items;
    expect(tasks).to.have.length(1);
    expect(tasks[0]).to.deep.include({ dimension: "safety", status: "done", before: { quarter: "2026Q4", mean: 45.2, previous: null }, after: null });
    expect(tasks[0].link).to.deep.include({ kind: "renewal", ref: proposal, validated: true });
  });
});
