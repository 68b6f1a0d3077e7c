// Suggestions and open days: every decision as given/when/then on plain data (each transition, each refusal:
// wrong role, answering twice, a late answer, the sweep before the deadline), then over the real engine, a real
// LevelDB store and a real vault with an injected clock: the overdue sweep marks once, the funnel of a cohort of
// suggestions in every state matches counts made by hand (denominator: every one received), texts are kept in the
// vault and never in a record, and a rebuild of the read models from the journal gives the same models.
import { expect } from "chai";
import path from "node:path";
import type { Hex } from "viem";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { readJournal } from "../../server/src/receipts/log.js";
import { createEngine, given, levelServiceStorage, readPage, rebuildReadModels, snapshotModels, submit, type Engine, type ModelReader } from "../../server/src/services/framework/index.js";
import {
  Adopted,
  Answered,
  Declined,
  Implemented,
  NameHidden,
  Overdue,
  Received,
  Registered,
  Scheduled,
  AttendanceRecorded,
  suggestionServices,
  sweepSuggestions,
  type FunnelRow,
} from "../../server/src/services/suggestions/index.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore, type Store } from "../../server/src/store/store.js";
import { tempDir } from "./helpers/chain.js";
import { newMasterKey, openTestVault, type TestVault } from "./helpers/vault.js";

const T = 1_780_000_000;
const DAY = 86_400;
const C1 = `0x${"11".repeat(32)}` as const;
const C2 = `0x${"22".repeat(32)}` as const;
/** Author tags (texts.ts authorTag: the vault's keyed pseudonym of the author for one suggestion). */
const TAG = `0x${"a1".repeat(32)}` as const;
const OTHER_TAG = `0x${"b2".repeat(32)}` as const;
const RESIDENT = "0x00000000000000000000000000000000000000aa" as Hex;
const OTHER = "0x00000000000000000000000000000000000000bb" as Hex;
const STAFF = "0x00000000000000000000000000000000000000dd" as Hex;

const { services } = suggestionServices({});
const [suggestion, openDay] = services as [(typeof services)[0], (typeof services)[0]];
const received = (extra: Record<string, unknown> = {}) => Received({ channel: "online", topic: "greening", text: C1, answerBy: T + 15 * DAY, ...extra });
const staff = { roles: ["staff"], actor: { address: STAFF }, now: T + DAY };

describe("suggestions: decisions", function () {
  it("submit online: anyone signed in; due in the set days; the text's commitment (from the vault) in the record", function () {
    given(suggestion)
      .when("submit", { topic: "greening", text: "more trees" }, { now: T, facts: { notes: { text: C1 }, authorTag: TAG, ownTags: [] } })
      .then([Received({ channel: "online", topic: "greening", text: C1, authorTag: TAG, answerBy: T + 15 * DAY })]);
    given(suggestion)
      .when("submit", { topic: "greening", text: "more trees", shownName: "老王" }, { now: T, facts: { notes: { text: C1, shownName: C2 }, authorTag: TAG, ownTags: [] } })
      .then([Received({ channel: "online", topic: "greening", text: C1, authorTag: TAG, shownName: C2, answerBy: T + 15 * DAY })]);
    // Online the author's pseudonym is needed as much as the text: without the vault neither is kept.
    given(suggestion)
      .when("submit", { topic: "greening", text: "more trees" }, { now: T, facts: { notes: { text: C1 }, ownTags: [] } })
      .thenRefused("suggestion_text_not_kept", undefined, 400);
  });
  it("submit at an open day: staff only, naming an open day that exists, never under a proxy; online may not name one", function () {
    const input = { channel: "openDay", openDay: "d1", topic: "parking", text: "x" };
    const day = { scheduled: true, date: T, estateId: 1, place: "p", theme: "t", attendance: null, attendees: [] };
    given(suggestion).when("submit", input, { now: T, facts: { notes: { text: C1 }, ownTags: [], openDay: day } }).thenRefused("forbidden", undefined, 403);
    given(suggestion)
      .when("submit", input, { roles: ["staff"], now: T, facts: { notes: { text: C1 }, ownTags: [], openDay: day } })
      .then([Received({ channel: "openDay", openDay: "d1", topic: "parking", text: C1, answerBy: T + 15 * DAY })]);
    given(suggestion).when("submit", input, { roles: ["staff"], now: T, facts: { notes: { text: C1 }, ownTags: [] } }).thenRefused("suggestion_unknown_open_day", { openDay: "d1" }, 404);
    given(suggestion).when("submit", { ...input, openDay: undefined }, { roles: ["staff"], facts: { notes: { text: C1 }, ownTags: [] } }).thenRefused("suggestion_open_day_needed", undefined, 400);
    given(suggestion)
      .when("submit", input, { roles: ["staff"], actor: { address: STAFF, onBehalfOf: RESIDENT, authorisation: "1" }, facts: { notes: { text: C1 }, ownTags: [], openDay: day } })
      .thenRefused("suggestion_open_day_no_proxy", undefined, 400);
    given(suggestion).when("submit", { topic: "parking", text: "x", openDay: "d1" }, { facts: { notes: { text: C1 }, ownTags: [] } }).thenRefused("suggestion_online_fields", { field: "openDay" }, 400);
    given(suggestion).when("submit", { topic: "parking", text: "x" }, { facts: { notes: {}, ownTags: [] } }).thenRefused("suggestion_text_not_kept", undefined, 400);
  });
  it("answer: staff only, once; after the deadline it is recorded as late", function () {
    given(suggestion, [received()]).when("answer", { text: "yes" }, { now: T + DAY, facts: { notes: { text: C2 }, ownTags: [] } }).thenRefused("forbidden", undefined, 403);
    given(suggestion, [received()]).when("answer", { text: "yes" }, { ...staff, facts: { notes: { text: C2 }, ownTags: [] } }).then([Answered({ text: C2, late: false })]);
    given(suggestion, [received()]).when("answer", { text: "yes" }, { ...staff, now: T + 16 * DAY, facts: { notes: { text: C2 }, ownTags: [] } }).then([Answered({ text: C2, late: true })]);
    given(suggestion, [received(), Answered({ text: C2, late: false })])
      .when("answer", { text: "again" }, { ...staff, facts: { notes: { text: C2 }, ownTags: [] } })
      .thenRefused("suggestion_already_answered", { id: "x1", status: "answered" }, 409);
  });
  it("adopt, decline, implement: staff, in order; a done date in the future or before receipt is refused", function () {
    const answered = [received(), Answered({ text: C2, late: false })];
    given(suggestion, [received()]).when("adopt", {}, staff).thenRefused("suggestion_wrong_status", undefined, 409);
    given(suggestion, answered).when("adopt", {}, { ...staff, facts: { notes: { plan: C1 }, ownTags: [] } }).then([Adopted({ plan: C1 })]);
    given(suggestion, answered).when("adopt", {}, { now: T }).thenRefused("forbidden", undefined, 403);
    given(suggestion, answered).when("decline", { reason: "noBudget", text: "no" }, { ...staff, facts: { notes: { text: C1 }, ownTags: [] } }).then([Declined({ reason: "noBudget", text: C1 })]);
    given(suggestion, [received()]).when("decline", { reason: "noBudget", text: "no" }, { ...staff, facts: { notes: { text: C1 }, ownTags: [] } }).thenRefused("suggestion_wrong_status", undefined, 409);
    const adopted = [...answered, Adopted({})];
    given(suggestion, answered).when("implement", { costFen: 100, doneOn: T }, staff).thenRefused("suggestion_wrong_status", undefined, 409);
    given(suggestion, adopted, { at: T }).when("implement", { costFen: 120_000, doneOn: T + DAY }, { ...staff, now: T + 2 * DAY }).then([Implemented({ costFen: 120_000, doneOn: T + DAY })]);
    given(suggestion, adopted, { at: T }).when("implement", { costFen: 1, doneOn: T + 3 * DAY }, { ...staff, now: T + 2 * DAY }).thenRefused("suggestion_bad_done_date", undefined, 400);
    given(suggestion, adopted, { at: T }).when("implement", { costFen: 1, doneOn: T - 1 }, { ...staff, now: T + 2 * DAY }).thenRefused("suggestion_bad_done_date", undefined, 400);
    given(suggestion, [...adopted, Implemented({ costFen: 1, doneOn: T })]).when("decline", { reason: "other", text: "x" }, staff).thenRefused("suggestion_wrong_status", undefined, 409);
  });
  it("markOverdue: the system only, after the deadline, once, only while unanswered", function () {
    const system = { roles: ["system"], actor: { system: "suggestion.sweep" } };
    given(suggestion, [received()]).when("markOverdue", {}, { ...system, now: T + 15 * DAY }).thenRefused("suggestion_not_overdue", undefined, 409);
    given(suggestion, [received()]).when("markOverdue", {}, { ...system, now: T + 15 * DAY + 1 }).then([Overdue({ answerBy: T + 15 * DAY })]);
    given(suggestion, [received()]).when("markOverdue", {}, { ...staff, now: T + 20 * DAY }).thenRefused("forbidden", undefined, 403);
    given(suggestion, [received(), Overdue({ answerBy: T + 15 * DAY })]).when("markOverdue", {}, { ...system, now: T + 20 * DAY }).thenRefused("suggestion_wrong_status", undefined, 409);
    given(suggestion, [received(), Answered({ text: C2, late: false })]).when("markOverdue", {}, { ...system, now: T + 20 * DAY }).thenRefused("suggestion_wrong_status", undefined, 409);
  });
  it("hideName: the author only (or for them), only while shown", function () {
    // The record names no author: the author is whoever's own tag for this suggestion (looked up in check) is its tag.
    const shown = [received({ authorTag: TAG, shownName: C2 })];
    given(suggestion, shown).when("hideName", {}, { actor: { address: RESIDENT }, facts: { notes: {}, ownTags: [TAG] } }).then([NameHidden({})]);
    given(suggestion, shown).when("hideName", {}, { actor: { address: OTHER }, facts: { notes: {}, ownTags: [OTHER_TAG] } }).thenRefused("suggestion_not_author", undefined, 403);
    given(suggestion, [received({ shownName: C2 })]).when("hideName", {}, { actor: { address: RESIDENT }, facts: { notes: {}, ownTags: [TAG] } }).thenRefused("suggestion_not_author", undefined, 403);
    given(suggestion, [received({ authorTag: TAG })]).when("hideName", {}, { actor: { address: RESIDENT }, facts: { notes: {}, ownTags: [TAG] } }).thenRefused("suggestion_name_not_shown", undefined, 409);
    given(suggestion, [received({ channel: "openDay", openDay: "d1", authorTag: TAG, shownName: C2 })], { actor: { address: STAFF } })
      .when("hideName", {}, { actor: { address: STAFF, onBehalfOf: "p_author", authorisation: "1" }, roles: ["staff"], facts: { notes: {}, ownTags: [OTHER_TAG, TAG] } })
      .then([NameHidden({})]);
  });
  it("open days: staff schedule and count; residents register once; a count below the registered is refused", function () {
    const sched = { date: T, estateId: 1, place: "社区党群服务中心", theme: "加装电梯" };
    given(openDay).when("schedule", sched, { now: T }).thenRefused("forbidden", undefined, 403);
    given(openDay).when("schedule", sched, staff).then([Scheduled(sched)]);
    given(openDay, [Scheduled(sched)]).when("register", {}, { actor: { address: RESIDENT } }).then([Registered({ attendee: RESIDENT })]);
    given(openDay, [Scheduled(sched), Registered({ attendee: RESIDENT })]).when("register", {}, { actor: { address: RESIDENT } }).thenRefused("openday_already_registered", undefined, 409);
    given(openDay, [Scheduled(sched)]).when("register", { attendee: "p_x" }, { actor: { address: RESIDENT } }).thenRefused("forbidden", undefined, 403);
    given(openDay, [Scheduled(sched)]).when("register", { attendee: "p_x" }, staff).then([Registered({ attendee: "p_x" })]);
    given(openDay, [Scheduled(sched), Registered({ attendee: RESIDENT })]).when("recordAttendance", { count: 0 }, staff).thenRefused("openday_count_below_registered", { count: 0, registered: 1 }, 400);
    given(openDay, [Scheduled(sched), Registered({ attendee: RESIDENT })]).when("recordAttendance", { count: 40 }, staff).then([AttendanceRecorded({ count: 40 })]);
    given(openDay, [Scheduled(sched)]).when("recordAttendance", { count: 40 }, { now: T }).thenRefused("forbidden", undefined, 403);
  });
});

describe("suggestions over the engine, LevelDB and the vault: the sweep and the funnel against hand counts", function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let vault: TestVault;
  let engine: Engine;
  let now = T;
  const clock = () => now * 1000;
  const lock = createLock();
  const principal = (address: Hex, roles: string[] = []) => ({ address, roles: async () => roles });
  let made: ReturnType<typeof suggestionServices>;

  before(async function () {
    tmp = tempDir("suggestions");
    store = await openStore(path.join(tmp.dir, "store"), [], logEntryEncoding);
    vault = await openTestVault(path.join(tmp.dir, "vault"), newMasterKey());
    made = suggestionServices({ vault: vault.vault, clock });
    engine = createEngine({ services: made.services, storage: levelServiceStorage(store, lock, 31337, undefined), proxyCheck: async () => false, clock });
    made.useEngine(engine);
  });
  after(async function () {
    await vault?.close();
    if (store) await closeStore(store);
    tmp?.remove();
  });

  const send = (command: string, body: Record<string, unknown>, who: Hex = RESIDENT, roles: string[] = [], id?: string) =>
    submit(engine, { service: command === "schedule" || command === "recordAttendance" || command === "register" ? "openday" : "suggestion", command, id, body, principal: principal(who, roles) });
  const funnel = async (): Promise<{ all: FunnelRow; byMonth: FunnelRow[]; byOpenDay: FunnelRow[]; byChannel: FunnelRow[] }> => {
    const query = made.services[0]!.queries!.find((q) => q.path === "/api/suggestions/funnel")!;
    const name = (model: string) => `suggestion.${model}`;
    const read: ModelReader = {
      get: (model, key) => engine.storage.get(name(model), key),
      page: (model, options) => readPage(engine.storage, name(model), options),
      history: (id, from, limit) => engine.historyOf("suggestion", id, from, limit),
    };
    return (await query.handler({ params: undefined as never, query: undefined as never }, read, { roles: [] })) as never;
  };

  it("twelve suggestions in every state over two months and an open day: the funnel matches the hand counts", async function () {
    const day = await send("schedule", { date: T + 2 * DAY, estateId: 1, place: "活动室", theme: "停车" }, STAFF, ["staff"]);
    // Month A (T is 2026-05-28 UTC+8): 5 online; month B (+10 days, June): 3 online and 4 at the open day.
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await send("submit", { topic: "greening", text: `A${i}` })).body.id);
    now = T + 10 * DAY;
    for (let i = 0; i < 3; i++) ids.push((await send("submit", { topic: "parking", text: `B${i}`, ...(i === 0 ? { shownName: "老张" } : {}) })).body.id);
    for (let i = 0; i < 4; i++) ids.push((await send("submit", { channel: "openDay", openDay: day.body.id, topic: "parking", text: `D${i}` }, STAFF, ["staff"])).body.id);
    const act = (command: string, i: number, body: Record<string, unknown> = {}) => send(command, body, STAFF, ["staff"], ids[i]);
    // Month A: 0 answered in time and implemented; 1 answered in time and declined; 2 answered late (after the sweep
    // marked it) and adopted; 3 and 4 never answered (marked overdue).
    now = T + 11 * DAY;
    await act("answer", 0, { text: "will do" });
    await act("adopt", 0, { plan: "plant 20 trees" });
    await act("answer", 1, { text: "looked at it" });
    await act("decline", 1, { reason: "noBudget", text: "no budget this year" });
    now = T + 16 * DAY;
    const swept = await sweepSuggestions({ engine, clock });
    expect(swept.marked.sort()).to.deep.equal([ids[2], ids[3], ids[4]].sort());
    expect((await sweepSuggestions({ engine, clock })).marked, "marked once").to.deep.equal([]);
    await act("answer", 2, { text: "late, sorry" });
    await act("adopt", 2);
    await act("implement", 0, { costFen: 250_000, doneOn: T + 15 * DAY });
    // Month B: 5 answered in time and adopted; 6 and 7 waiting (not due yet); open day: 8 implemented, 9 declined,
    // 10 answered only, 11 waiting.
    await act("answer", 5, { text: "ok" });
    await act("adopt", 5);
    for (const i of [8, 9, 10]) await act("answer", i, { text: "ok" });
    await act("adopt", 8);
    await act("implement", 8, { costFen: 50_000, doneOn: T + 16 * DAY });
    await act("decline", 9, { reason: "outOfScope", text: "the city's" });

    const f = await funnel();
    const step = (count: number, of: number) => ({ count, rate: count / of, denominator: of });
    // All twelve: answered in time 0,1,5,8,9,10 = 6; answered 7 (2 late); adopted 0,2,5,8 = 4; implemented 0,8 = 2; declined 1,9 = 2.
    expect(f.all).to.deep.include({ received: 12, awaiting: 5, overdue: 3, answeredLate: 1, costFen: 300_000 });
    expect(f.all.answeredInTime).to.deep.equal(step(6, 12));
    expect(f.all.answered).to.deep.equal(step(7, 12));
    expect(f.all.adopted).to.deep.equal(step(4, 12));
    expect(f.all.implemented).to.deep.equal(step(2, 12));
    expect(f.all.declined).to.deep.equal(step(2, 12));
    const [may, june] = f.byMonth;
    expect(may!.cohort).to.equal("m:2026-05");
    expect(may).to.deep.include({ received: 5, awaiting: 2, overdue: 3 });
    expect(may!.answeredInTime).to.deep.equal(step(2, 5));
    expect(may!.adopted).to.deep.equal(step(2, 5));
    expect(may!.implemented).to.deep.equal(step(1, 5));
    expect(june!.cohort).to.equal("m:2026-06");
    expect(june).to.deep.include({ received: 7, awaiting: 3 });
    expect(june!.answeredInTime).to.deep.equal(step(4, 7));
    expect(june!.adopted).to.deep.equal(step(2, 7));
    expect(june!.implemented).to.deep.equal(step(1, 7));
    expect(f.byOpenDay).to.have.length(1);
    expect(f.byOpenDay[0]!.cohort).to.equal(`d:${day.body.id}`);
    expect(f.byOpenDay[0]).to.deep.include({ received: 4, awaiting: 1 });
    expect(f.byOpenDay[0]!.answeredInTime).to.deep.equal(step(3, 4));
    expect(f.byOpenDay[0]!.implemented).to.deep.equal(step(1, 4));
    expect(f.byChannel.map((r) => [r.cohort, r.received])).to.deep.equal([["c:online", 8], ["c:openDay", 4]]);

    // No text and no name in any record: only commitments; the texts are in the vault.
    const journal: string[] = [];
    for await (const entry of readJournal(store, 0)) journal.push(JSON.stringify(entry));
    expect(journal.join("\n")).to.not.match(/plant 20 trees|老张|no budget|will do|late, sorry/);

    // Every model is the journal's: a rebuild gives the same.
    const before = await snapshotModels(engine.storage, made.services);
    await rebuildReadModels(engine.storage, made.services);
    expect(await snapshotModels(engine.storage, made.services)).to.deep.equal(before);
  });
});
