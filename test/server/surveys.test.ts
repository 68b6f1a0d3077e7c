// Satisfaction surveys' rules on plain data: the index formula and its 95 % interval against hand computation,
// the heat map's k-anonymity (cells of fewer than 10 hidden, and never derivable from the totals minus the shown
// cells: complementary suppression, checked on random tallies), the buildings a release may name, the ballot
// box's releases (threshold pool mix, holding back, sealing), and every decision as given/when/then.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import type { Hex } from "viem";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore, type Store } from "../../server/src/store/store.js";
import { anyProxyCheck, createEngine, given, levelServiceStorage, Refusal, submit, type Engine, type StoredRecord } from "../../server/src/services/framework/index.js";
import {
  addBallot,
  Ballot,
  ballotBox,
  buildingsToName,
  Closed,
  Defined,
  emptyTally,
  mergeTallies,
  levelBoxStorage,
  Participated,
  Released,
  releaseRecords,
  scoreBallot,
  statOf,
  surveyResults,
  surveyServices,
  TaskCompleted,
  TaskLinked,
  TaskOpened,
  triggers,
  type BoxStorage,
  type PendingBallot,
  type SurveyDef,
  type Tally,
} from "../../server/src/services/surveys/index.js";
import { CHAIN_ID, tempDir } from "./helpers/chain.js";

const DEF: SurveyDef = {
  estateId: 1,
  quarter: "2026Q1",
  opensAt: 1_000,
  closesAt: 2_000,
  dimensions: [
    { code: "safety", weight: 2, questions: ["nightLighting", "security"] },
    { code: "environment", weight: 1, questions: ["cleanliness"] },
  ],
  lowBelow: 60,
  fallBy: 5,
};

const tallyOf = (ballots: number[][]) => ballots.reduce((t, answers) => addBallot(t, DEF.dimensions, answers), emptyTally());

/** A tally of n ballots all answering `level` (for heat-map shapes). */
const uniform = (n: number, level = 4): Tally => tallyOf(Array.from({ length: n }, () => [level, level, level]));

describe("surveys: the index and its confidence interval, by hand", function () {
  it("levels map 1→0 … 5→100; dimension = mean of its answers; overall = weighted mean of dimensions", function () {
    // A: safety (100+50)/2 = 75, environment 75, overall (2·75 + 75)/3 = 75.
    expect(scoreBallot(DEF.dimensions, [5, 3, 4])).to.deep.equal({ dims: { safety: 75, environment: 75 }, overall: 75 });
    // B: safety 0, environment 25, overall 25/3.
    const b = scoreBallot(DEF.dimensions, [1, 1, 2]);
    expect(b.dims).to.deep.equal({ safety: 0, environment: 25 });
    expect(b.overall).to.be.closeTo(25 / 3, 1e-9);
  });

  it("three households: means, n and mean ± 1.96·s/√n as computed by hand", function () {
    const results = surveyResults(DEF, new Map([["1", tallyOf([[5, 3, 4], [1, 1, 2], [4, 4, 5]])]]), 1);
    expect(results.n).to.equal(3);
    // safety scores 75, 0, 75: mean 50, s² = (625 + 2500 + 625)/2 = 1875, s/√3 = 25, half-width 1.96·25 = 49.
    expect(results.dimensions[0]).to.deep.equal({ code: "safety", weight: 2, stat: { n: 3, mean: 50, ci: [1, 99] } });
    // environment 75, 25, 100: mean 66.7; s² = ((8.33)² + (41.67)² + (33.33)²)/2 = 1458.3, s/√3 = 22.05, ± 43.2: 23.5 to 109.9, clipped to 100.
    const env = results.dimensions[1]!.stat!;
    expect(env.mean).to.equal(66.7);
    expect(env.ci).to.deep.equal([23.5, 100]);
    // overall 75, 8.33, 83.33: mean 55.6.
    expect(results.overall!.mean).to.equal(55.6);
  });

  it("the interval is clipped to 0–100, absent below two ballots, and zero-width when all agree", function () {
    expect(statOf(1, 80, 6400)).to.deep.equal({ n: 1, mean: 80, ci: null });
    expect(statOf(4, 400, 40_000)).to.deep.equal({ n: 4, mean: 100, ci: [100, 100] });
    expect(statOf(2, 100, 10_000).ci).to.deep.equal([0, 100]);
  });

  it("merged tallies equal one tally of all the ballots", function () {
    const a = [[5, 3, 4], [1, 1, 2]];
    const b = [[4, 4, 5]];
    expect(mergeTallies([tallyOf(a), tallyOf(b)])).to.deep.equal(tallyOf([...a, ...b]));
  });

  it("a low dimension and a falling one open tasks; a steady good one does not", function () {
    const before = surveyResults(DEF, new Map([["1", tallyOf(Array.from({ length: 10 }, () => [5, 5, 5]))]]));
    const now = surveyResults(DEF, new Map([["1", tallyOf(Array.from({ length: 10 }, () => [2, 3, 4]))]]));
    // safety (25 + 50)/2 = 37.5 < 60: low; environment 75 < 100 − 5: falling.
    expect(triggers(DEF, now, before)).to.deep.equal([
      { dimension: "safety", reason: "low", score: 37.5, previous: 100 },
      { dimension: "environment", reason: "falling", score: 75, previous: 100 },
    ]);
    expect(triggers(DEF, before, before)).to.deep.equal([]);
  });
});

describe("surveys: the heat map's k-anonymity", function () {
  it("a building of fewer than 10 is hidden, without its count; so is the next smallest, or the totals would give it away", function () {
    const results = surveyResults(DEF, new Map([["1", uniform(30)], ["2", uniform(12, 2)], ["3", uniform(4, 1)]]));
    const rows = Object.fromEntries(results.heatmap.rows.map((r) => [r.building, r]));
    expect(rows[3]).to.deep.equal({ building: 3, hidden: "fewerThanK", n: null, overall: null, cells: null });
    expect(rows[2]).to.deep.equal({ building: 2, hidden: "complementary", n: null, overall: null, cells: null });
    expect(rows[1]!.hidden).to.equal(null);
    expect(rows[1]!.n).to.equal(30);
    // The estate's figures are shown: minus building 1 they give buildings 2 and 3 together, 16 ballots, not 4.
    expect(results.n - rows[1]!.n!).to.equal(16);
  });

  it("two small buildings holding 10 together need no third hidden; under 10 in all, nothing is shown", function () {
    const two = surveyResults(DEF, new Map([["1", uniform(30)], ["2", uniform(12)], ["3", uniform(4)], ["4", uniform(9)]]));
    expect(two.heatmap.rows.map((r) => r.hidden)).to.deep.equal([null, null, "fewerThanK", "fewerThanK"]);
    const tiny = surveyResults(DEF, new Map([["1", uniform(5)], ["2", uniform(4)]]));
    expect(tiny.overall).to.equal(null);
    expect(tiny.dimensions.every((d) => d.stat === null)).to.equal(true);
    expect(tiny.heatmap.rows.every((r) => r.hidden !== null && r.n === null)).to.equal(true);
  });

  it("other buildings (withheld in their release) are a row like any other", function () {
    const results = surveyResults(DEF, new Map([["1", uniform(20)], ["-", uniform(3)]]));
    expect(results.heatmap.rows.map((r) => [r.building, r.hidden])).to.deep.equal([
      [1, "complementary"],
      [null, "fewerThanK"],
    ]);
  });

  it("on 500 random estates: every shown cell has 10 or more; the hidden ones together have none or 10 or more", function () {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 500; trial++) {
      const byBuilding = new Map<string, Tally>();
      const buildings = 1 + Math.floor(random() * 8);
      for (let b = 1; b <= buildings; b++) byBuilding.set(String(b), uniform(1 + Math.floor(random() * 25), 1 + Math.floor(random() * 5)));
      const results = surveyResults(DEF, byBuilding);
      const hidden = results.heatmap.rows.filter((r) => r.hidden !== null);
      for (const row of results.heatmap.rows) {
        if (row.hidden === null) expect(row.n).to.be.at.least(10);
        else expect([row.n, row.overall, row.cells]).to.deep.equal([null, null, null]);
      }
      const hiddenTotal = hidden.reduce((sum, r) => sum + byBuilding.get(String(r.building))!.n, 0);
      // What differencing yields: the published total minus the shown rows = the hidden rows together.
      if (results.overall) {
        const shown = results.heatmap.rows.filter((r) => r.hidden === null).reduce((sum, r) => sum + r.n!, 0);
        expect(results.n - shown).to.equal(hiddenTotal);
        expect(hiddenTotal === 0 || hiddenTotal >= 10, `hidden ${hiddenTotal}`).to.equal(true);
      } else {
        expect(hidden.length).to.equal(results.heatmap.rows.length);
      }
    }
  });
});

describe("surveys: what a release names", function () {
  it("a building is named only with 10 of its ballots in the release; the withheld ones hold 10 together", function () {
    expect([...buildingsToName(new Map([[1, 12], [2, 30], [3, 3]]))].sort()).to.deep.equal([2]);
    expect([...buildingsToName(new Map([[1, 12], [2, 30], [3, 3], [4, 8]]))].sort()).to.deep.equal([1, 2]);
    expect([...buildingsToName(new Map([[1, 5]]))]).to.deep.equal([]);
  });

  it("ballots are sorted by their content, so the journal's order says nothing of who answered first", function () {
    const arrivals = Array.from({ length: 12 }, (_, i) => ({ building: 1, answers: [5 - (i % 5), 3, 1 + (i % 3)] }));
    const released = releaseRecords(arrivals);
    const texts = released.map((b) => b.answers.join(""));
    expect(texts).to.deep.equal([...texts].sort());
    expect(releaseRecords([...arrivals].reverse())).to.deep.equal(released);
    expect(released.every((b) => b.building === 1)).to.equal(true);
    expect(releaseRecords(arrivals.slice(0, 9)).every((b) => b.building === null)).to.equal(true);
  });
});

describe("surveys: the ballot box", function () {
  const make = (releaseAt: number, holdBack: number) => {
    const releases: PendingBallot[][] = [];
    const box = ballotBox({ releaseAt, holdBack, release: async (_s, ballots) => void releases.push(ballots), failed: () => undefined });
    return { box, releases };
  };
  const ballot = (i: number): PendingBallot => ({ building: 1, answers: [1 + (i % 5)] });

  it("releases all but the held-back ballots once enough wait, and the rest at the seal", async function () {
    const { box, releases } = make(5, 3);
    for (let i = 0; i < 7; i++) await box.cast("s", ballot(i));
    await Promise.resolve();
    expect(releases).to.have.length(0);
    await box.cast("s", ballot(7));
    await new Promise((resolve) => setImmediate(resolve));
    expect(releases.map((r) => r.length)).to.deep.equal([5]);
    expect(box.waiting("s")).to.equal(3);
    await box.seal("s");
    expect(releases.map((r) => r.length)).to.deep.equal([5, 3]);
    expect(releases.flat().map((b) => b.answers[0]).sort()).to.deep.equal([1, 1, 2, 2, 3, 3, 4, 5]);
    expect(box.enter("s")).to.equal(false);
  });

  it("the seal waits for an answer under way, whose ballot goes out with the last release", async function () {
    const { box, releases } = make(100, 10);
    expect(box.enter("s")).to.equal(true);
    const sealed = box.seal("s");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(releases).to.have.length(0);
    await box.cast("s", ballot(1));
    box.leave("s");
    await sealed;
    expect(releases.map((r) => r.length)).to.deep.equal([1]);
  });

  it("a failed release puts its ballots back, and says only how many", async function () {
    const told: [string, number][] = [];
    let fail = true;
    const out: PendingBallot[][] = [];
    const box = ballotBox({
      releaseAt: 1,
      holdBack: 0,
      release: async (_s, ballots) => {
        if (fail) throw new Error("disk full");
        out.push(ballots);
      },
      failed: (survey, count) => void told.push([survey, count]),
    });
    await box.cast("s", ballot(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).to.deep.equal([["s", 1]]);
    expect(box.waiting("s")).to.equal(1);
    fail = false;
    await box.seal("s");
    expect(out).to.have.length(1);
  });
});

describe("surveys: the ballot box on disk, across crashes (real LevelDB, real engine)", function () {
  this.timeout(60_000);
  const NOW = 1_500;
  const STAFF = { address: `0x${"d1".repeat(20)}` as Hex, roles: async () => ["staff"] };
  const resident = (unitId: number) => ({ address: `0x${unitId.toString(16).padStart(40, "0")}` as Hex, roles: async () => [] });
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir("surveys-box")));
  afterEach(() => tmp.remove());

  type Booted = { store: Store; engine: Engine; made: ReturnType<typeof surveyServices>; restored: { restored: number; deleted: number; stranded: number } };
  /** A server's surveys on the store in `tmp`: the box restored from disk before anything else, as server.ts does. */
  const boot = async (storage?: (level: BoxStorage) => BoxStorage): Promise<Booted> => {
    const store = await openStore(tmp.dir, [], logEntryEncoding);
    const level = levelBoxStorage(store.db);
    const made = surveyServices({ householdsOf: async () => [], releaseAt: 3, holdBack: 2, boxStorage: storage ? storage(level) : level });
    const engine = createEngine({ services: made.services, storage: levelServiceStorage(store, createLock(), CHAIN_ID), proxyCheck: anyProxyCheck(), clock: () => NOW * 1000 });
    made.useEngine(engine);
    return { store, engine, made, restored: await made.restoreBox() };
  };
  /** What the answer route does: the turnout record, then the ballot kept; resolved = acknowledged. */
  const answer = async ({ engine, made }: Booted, survey: string, unitId: number, answers: number[]) => {
    await engine.execute({ service: "surveyturnout", command: "participate", body: { survey, estateId: 1, unitId }, principal: resident(unitId) });
    await made.box.cast(survey, { building: 1 + (unitId % 2), answers });
  };
  const journalOf = async (engine: Engine) => {
    const out: StoredRecord[] = [];
    for await (const r of engine.storage.records(0)) out.push(r);
    return out;
  };
  const settle = async (engine: Engine, ballots: number) => {
    for (let i = 0; i < 200 && (await journalOf(engine)).filter((r) => r.kind === "survey.ballot").length < ballots; i++) await new Promise((r) => setTimeout(r, 10));
  };
  const boxEntries = async (store: Store) => {
    const out: string[] = [];
    for await (const [key] of levelBoxStorage(store.db).entries()) out.push(key);
    return out;
  };
  const answersOf = (unitId: number) => [1 + (unitId % 5), 1 + ((unitId * 3) % 5), 1 + ((unitId * 7) % 5)];

  it("a crash loses no acknowledged ballot: the next start puts the waiting ones back, and the close counts each once", async function () {
    const first = await boot();
    const defined = await first.engine.execute({ service: "survey", command: "define", body: { ...DEF, dimensions: DEF.dimensions.map((d) => ({ code: d.code, weight: d.weight, questions: d.questions })) }, principal: STAFF });
    const survey = defined.body.id;
    for (let unit = 1; unit <= 7; unit++) await answer(first, survey, unit, answersOf(unit));
    // The fifth ballot made a release of three (two held back); four wait, on disk only in their own entries.
    await settle(first.engine, 3);
    expect(first.made.box.waiting(survey)).to.equal(4);
    const waiting = await boxEntries(first.store);
    expect(waiting).to.have.length(4);
    for (const key of waiting) expect(key).to.match(new RegExp(`^${survey}:[0-9a-f]{32}$`));
    // The crash: the store closed with the box never flushed.
    await closeStore(first.store);

    const second = await boot();
    expect(second.restored).to.deep.equal({ restored: 4, deleted: 0, stranded: 0 });
    expect(second.made.box.waiting(survey)).to.equal(4);
    await submit(second.engine, { service: "survey", command: "close", id: survey, body: {}, principal: STAFF });
    const journal = await journalOf(second.engine);
    const ballots = journal.filter((r) => r.kind === "survey.ballot").map((r) => (r.payload as { answers: number[] }).answers.join(""));
    expect(ballots.sort()).to.deep.equal([1, 2, 3, 4, 5, 6, 7].map((u) => answersOf(u).join("")).sort());
    expect(journal.find((r) => r.kind === "survey.closed")!.payload).to.deep.equal({ participants: 7, ballots: 7 });
    // Every released id once; their entries gone.
    const released = journal.filter((r) => r.kind === "survey.released").flatMap((r) => (r.payload as { boxIds: string[] }).boxIds);
    expect(new Set(released).size).to.equal(7);
    expect(await boxEntries(second.store)).to.deep.equal([]);
    await closeStore(second.store);
  });

  it("a crash between a release and the deletion of its entries counts no ballot twice", async function () {
    // The first server dies right after its release is appended: its entries are never deleted.
    const first = await boot((level) => ({ ...level, del: async () => Promise.reject(new Error("killed before deleting")) }));
    const defined = await first.engine.execute({ service: "survey", command: "define", body: { ...DEF, dimensions: DEF.dimensions.map((d) => ({ code: d.code, weight: d.weight, questions: d.questions })) }, principal: STAFF });
    const survey = defined.body.id;
    for (let unit = 1; unit <= 5; unit++) await answer(first, survey, unit, answersOf(unit));
    await settle(first.engine, 3);
    await new Promise((r) => setTimeout(r, 20));
    expect(await boxEntries(first.store)).to.have.length(5);
    await closeStore(first.store);

    const second = await boot();
    // The three released entries are deleted, the two waiting put back.
    expect(second.restored).to.deep.equal({ restored: 2, deleted: 3, stranded: 0 });
    expect(await boxEntries(second.store)).to.have.length(2);
    await submit(second.engine, { service: "survey", command: "close", id: survey, body: {}, principal: STAFF });
    const journal = await journalOf(second.engine);
    const ballots = journal.filter((r) => r.kind === "survey.ballot").map((r) => (r.payload as { answers: number[] }).answers.join(""));
    expect(ballots.sort()).to.deep.equal([1, 2, 3, 4, 5].map((u) => answersOf(u).join("")).sort());
    expect((journal.find((r) => r.kind === "survey.closed")!.payload as { ballots: number }).ballots).to.equal(5);
    expect(await boxEntries(second.store)).to.deep.equal([]);
    await closeStore(second.store);
  });

  it("a release that names a box id already released is refused by the engine, so a restored copy cannot count twice", async function () {
    const booted = await boot();
    const defined = await booted.engine.execute({ service: "survey", command: "define", body: { ...DEF, dimensions: DEF.dimensions.map((d) => ({ code: d.code, weight: d.weight, questions: d.questions })) }, principal: STAFF });
    const id = randomBytes(16).toString("hex");
    const release = () => booted.engine.execute({ service: "survey", command: "release", id: defined.body.id, body: { ballots: [{ building: 1, answers: [5, 5, 5] }], boxIds: [id] }, principal: { system: "surveys.ballotbox" } });
    await release();
    const again = await release().catch((error: unknown) => error);
    expect(again).to.be.instanceOf(Refusal);
    expect((again as Refusal).code).to.equal("survey_box_ids");
    await closeStore(booted.store);
  });
});

describe("surveys: decisions", function () {
  const made = surveyServices({ householdsOf: async () => [] });
  const [survey, turnout, tasks] = made.services as [(typeof made.services)[0], (typeof made.services)[0], (typeof made.services)[0]];
  const staff = { roles: ["staff"] };

  it("the office defines a survey: all dimensions, equal weights and every question by default", function () {
    const outcome = given(survey).when("define", { estateId: 1, quarter: "2026Q1", opensAt: 10, closesAt: 20 }, staff);
    const def = outcome.records![0]!.payload as SurveyDef;
    expect(def.dimensions.map((d) => [d.code, d.weight])).to.deep.equal([["environment", 1], ["safety", 1], ["services", 1], ["facilities", 1], ["neighbourhood", 1]]);
    expect(def.dimensions.find((d) => d.code === "safety")!.questions).to.deep.equal(["nightLighting", "security", "fireSafety"]);
    expect([def.lowBelow, def.fallBy]).to.deep.equal([60, 5]);
    given(survey).when("define", { estateId: 1, quarter: "2026Q1", opensAt: 10, closesAt: 20 }, { roles: [] }).thenRefused("forbidden", undefined, 403);
    given(survey).when("define", { estateId: 1, quarter: "2026Q1", opensAt: 20, closesAt: 20 }, staff).thenRefused("survey_bad_schedule", { opensAt: 20, closesAt: 20 }, 400);
    given(survey).when("define", { estateId: 1, quarter: "2026Q1", opensAt: 1, closesAt: 2, dimensions: [{ code: "safety", questions: ["greenery"] }] }, staff).thenRefused("survey_unknown_question", undefined, 400);
    given(survey).when("define", { estateId: 1, quarter: "2026Q1", opensAt: 1, closesAt: 2, dimensions: [{ code: "safety" }, { code: "safety" }] }, staff).thenRefused("survey_duplicate_dimension", { dimension: "safety" }, 400);
  });

  it("only the server releases ballots, sorted, while open; answers must fit; the close counts participants", function () {
    const open = given(survey, [Defined(DEF)]);
    const [idA, idB] = ["b".repeat(32), "a".repeat(32)];
    open.when("release", { ballots: [{ building: 1, answers: [5, 5, 5] }], boxIds: [idA] }, { roles: ["staff"] }).thenRefused("forbidden", undefined, 403);
    open.when("release", { ballots: [{ building: 1, answers: [5, 5] }], boxIds: [idA] }, { roles: ["system"] }).thenRefused("survey_bad_answers", { problem: "2 answers for 3 questions" }, 400);
    open.when("release", { ballots: [{ building: 1, answers: [5, 5, 5] }, { building: 1, answers: [1, 2, 3] }], boxIds: [idA, idB] }, { roles: ["system"] }).then([
      Released({ boxIds: [idB, idA] }),
      Ballot({ building: null, answers: [1, 2, 3] }),
      Ballot({ building: null, answers: [5, 5, 5] }),
    ]);
    given(survey, [Defined(DEF), Ballot({ building: null, answers: [1, 2, 3] })]).when("close", {}, { roles: ["system"], facts: { participants: 2 } }).then([Closed({ participants: 2, ballots: 1 })]);
    const closed = given(survey, [Defined(DEF), Closed({ participants: 0, ballots: 0 })]);
    closed.when("release", { ballots: [{ building: 1, answers: [5, 5, 5] }], boxIds: [idA] }, { roles: ["system"] }).thenRefused("survey_closed", undefined, 409);
    // A box id released before, or one id for two ballots: refused, so no ballot is counted twice.
    const once = given(survey, [Defined(DEF), Released({ boxIds: [idA] }), Ballot({ building: null, answers: [5, 5, 5] })]);
    once.when("release", { ballots: [{ building: 1, answers: [5, 5, 5] }], boxIds: [idA] }, { roles: ["system"] }).thenRefused("survey_box_ids", { ballots: 1, ids: 1 }, 409);
    open.when("release", { ballots: [{ building: 1, answers: [5, 5, 5] }, { building: 1, answers: [1, 2, 3] }], boxIds: [idA, idA] }, { roles: ["system"] }).thenRefused("survey_box_ids", { ballots: 2, ids: 1 }, 409);
    closed.when("close", {}, staff).thenRefused("survey_closed", undefined, 409);
  });

  it("a household answers once; staff entering a paper form make it channel paper, under the authorisation", function () {
    const input = { survey: "S1", estateId: 1, unitId: 7 };
    given(turnout).when("participate", input, { actor: { address: "0x00000000000000000000000000000000000000aa" } }).then([Participated({ ...input, channel: "online" })]);
    given(turnout)
      .when("participate", input, { actor: { address: "0x00000000000000000000000000000000000000bb", onBehalfOf: "p-1", authorisation: "12" }, roles: ["staff"] })
      .then([Participated({ ...input, channel: "paper" })]);
    given(turnout, [Participated({ ...input, channel: "online" })]).when("participate", input).thenRefused("survey_already_answered", { unitId: 7, channel: "online" }, 409);
  });

  it("an improvement task: opened once, linked, completed only once linked and its work order closed", function () {
    const opened = { survey: "S1", estateId: 1, quarter: "2026Q1", dimension: "safety" as const, reason: "low" as const, scoreTenths: 452, previousTenths: null };
    given(tasks).when("open", opened, { roles: ["system"] }).then([TaskOpened(opened)]);
    given(tasks, [TaskOpened(opened)]).when("open", opened, { roles: ["system"] }).thenRefused("survey_task_exists", undefined, 409);
    given(tasks, [TaskOpened(opened)]).when("complete", { doneOn: 5 }, staff).thenRefused("survey_task_not_linked", undefined, 409);
    given(tasks, [TaskOpened(opened)]).when("link", { kind: "workorder", ref: "wo1" }, { ...staff, facts: { validated: true } }).then([TaskLinked({ kind: "workorder", ref: "wo1", validated: true })]);
    const linked = given(tasks, [TaskOpened(opened), TaskLinked({ kind: "workorder", ref: "wo1", validated: true })]);
    linked.when("complete", { doneOn: 5 }, { ...staff, facts: { linkOpen: true } }).thenRefused("survey_task_link_open", { kind: "workorder", ref: "wo1" }, 409);
    linked.when("complete", { doneOn: 5 }, { ...staff, facts: { linkOpen: false } }).then([TaskCompleted({ doneOn: 5 })]);
    given(tasks, [TaskOpened(opened), TaskLinked({ kind: "renewal", ref: "r1", validated: false }), TaskCompleted({ doneOn: 5 })])
      .when("link", { kind: "workorder", ref: "wo2" }, staff)
      .thenRefused("survey_task_done", undefined, 409);
    expect(new Refusal(409, "survey_task_done").status).to.equal(409);
  });
});
