// Work-order statistics (server/src/services/workorders/stats.ts): given known orders worked through the real engine
// on a real LevelDB store, with a clock the test moves, when the statistics are read, then every figure is exactly
// what the orders' histories say: counts by category and month of receipt (UTC+8), the median time to resolve with
// the resident's waiting time left out (a paused clock), the share within deadline, the returned, reopened and
// escalated orders, the standing ratings (a reopening takes one back), and orders by building. The aggregates are
// read models: replaying the journal rebuilds the same figures.
import { expect } from "chai";
import type { Hex } from "viem";
import { openOutbox } from "../../server/src/notifications/outbox.js";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore, type Store } from "../../server/src/store/store.js";
import {
  anyProxyCheck,
  createEngine,
  levelServiceStorage,
  modelName,
  readPage,
  rebuildReadModels,
  snapshotModels,
  type Engine,
  type ModelReader,
  type QueryDef,
} from "../../server/src/services/framework/index.js";
import { Refusal } from "../../server/src/services/framework/index.js";
import { DEFAULT_CATEGORIES, monthOf, SERVICE, STATS_MODELS, workOrderService, type Party, type StatsView } from "../../server/src/services/workorders/index.js";
import { CHAIN_ID, tempDir } from "./helpers/chain.js";

const MIN = 60;
const DAY = 86_400;
/** 2026-05-10 00:00 in Beijing (UTC+8). */
const MAY_10 = Date.UTC(2026, 4, 10) / 1000 - 8 * 3600;

const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Hex;
const RESIDENT = addr(0xa1);
const PLUMBER = addr(0xc1);
const SWEEPER = addr(0xc2);
const CARETAKER = addr(0xc3);
const STAFF = addr(0xd1);
const GRID = addr(0xd2);
const PARTIES: Record<string, Party> = { [PLUMBER]: "water", [SWEEPER]: "sanitation", [CARETAKER]: "property" };
const ROLES: Record<string, string[]> = { [STAFF]: ["staff"], [GRID]: ["gridWorker"] };

describe("work orders: statistics by category, month and building", function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let engine: Engine;
  let now = MAY_10;
  const service = workOrderService({ categories: async () => DEFAULT_CATEGORIES, partyOf: async (a) => PARTIES[a.toLowerCase()] ?? null, clock: () => now * 1000 });
  const stats = service.queries!.find((q) => q.path === "/api/workorders/stats")! as QueryDef;
  const reader = (): ModelReader => ({
    get: (model, key) => engine.storage.get(modelName(SERVICE, model), key),
    page: (model, options) => readPage(engine.storage, modelName(SERVICE, model), options),
    history: (id, fromVersion, limit) => engine.historyOf(SERVICE, id, fromVersion, limit),
  });
  const read = (query: Record<string, unknown>) => stats.handler({ params: undefined as never, query: { estate: 1, ...query } as never }, reader(), { roles: [] }) as Promise<StatsView>;

  /** Runs a command as `who` at `at` seconds after 2026-05-10 00:00 (Beijing); returns the order's id. */
  async function act(who: Hex, at: number, command: string, body: Record<string, unknown>, id?: string): Promise<string> {
    now = MAY_10 + at;
    const answer = await engine.execute({ service: SERVICE, command, id, body, principal: { address: who, roles: async () => ROLES[who] ?? [] } });
    return answer.body.id;
  }
  const report = (at: number, serviceCode: string, place: Record<string, unknown>) =>
    act(RESIDENT, at, "report", { channel: "resident", serviceCode, place: { estateId: 1, ...place } });

  before(async function () {
    tmp = tempDir("workorder-stats");
    store = await openStore(tmp.dir, [], logEntryEncoding);
    // The real outbox: every reporter is told of their order's progress (issue 14), with the records.
    const outbox = await openOutbox(store, { clock: () => now * 1000 });
    engine = createEngine({ services: [service], storage: levelServiceStorage(store, createLock(), CHAIN_ID, outbox), proxyCheck: anyProxyCheck(), clock: () => now * 1000 });

    // A: a burst pipe (30 min) in building 3, fixed in 40 min: 10 min late. Checked, confirmed, rated 5.
    const a = await report(0, "burst-pipe", { building: 3 });
    await act(PLUMBER, 5 * MIN, "accept", {}, a);
    await act(PLUMBER, 40 * MIN, "resolve", { photos: [] }, a);
    await act(GRID, 50 * MIN, "checkOnSite", { passed: true }, a);
    await act(RESIDENT, 60 * MIN, "confirm", {}, a);
    await act(RESIDENT, 61 * MIN, "rate", { level: 5 }, a);

    // B: a burst pipe in building 1; the resident keeps the plumber out for an hour (the clock paused), fixed 90 min
    // after receipt: 30 min of working time, exactly at the deadline moved on by the pause. Rated 4.
    const b = await report(2 * MIN, "burst-pipe", { building: 1 });
    await act(PLUMBER, 3 * MIN, "accept", {}, b);
    await act(PLUMBER, 10 * MIN, "pause", { reason: "noAccess" }, b);
    await act(PLUMBER, 70 * MIN, "resume", {}, b);
    await act(PLUMBER, 92 * MIN, "resolve", { photos: [] }, b);
    await act(GRID, 100 * MIN, "checkOnSite", { passed: true }, b);
    await act(RESIDENT, 101 * MIN, "confirm", {}, b);
    await act(RESIDENT, 102 * MIN, "rate", { level: 4 }, b);

    // C: a burst pipe in building 2, "fixed" in 20 min, closed and rated 1, then reopened the next day (the rating
    // and the resolution are taken back) and fixed 10 min after the reopening: it counts as fixed in a day and
    // 30 min of receipt, within its new deadline, and as reopened.
    const c = await report(4 * MIN, "burst-pipe", { building: 2 });
    await act(PLUMBER, 6 * MIN, "accept", {}, c);
    await act(PLUMBER, 24 * MIN, "resolve", { photos: [] }, c);
    await act(GRID, 30 * MIN, "checkOnSite", { passed: true }, c);
    await act(RESIDENT, 31 * MIN, "confirm", {}, c);
    await act(RESIDENT, 32 * MIN, "rate", { level: 1 }, c);
    await act(RESIDENT, DAY + 24 * MIN, "reopen", { reason: "notFixed" }, c);
    await act(PLUMBER, DAY + 30 * MIN, "accept", {}, c);
    await act(PLUMBER, DAY + 34 * MIN, "resolve", { photos: [] }, c);

    // D: rubbish (15 min) at the north gate (no building): returned by sanitation (退单), sent to the property
    // company by the office, escalated past its deadline; still open.
    const d = await report(10 * MIN, "rubbish", { area: "north-gate" });
    await act(SWEEPER, 12 * MIN, "return", { reason: "notOurs" }, d);
    await act(STAFF, 14 * MIN, "dispatch", { party: "property" }, d);
    await act(STAFF, 60 * MIN, "escalate", {}, d);

    // E: a water leak in building 3 in June (Beijing time: 2026-06-01 00:30 is still May 31 in UTC), open.
    const june = Date.UTC(2026, 5, 1) / 1000 - 8 * 3600 + 30 * MIN;
    expect([monthOf(june), new Date(june * 1000).toISOString().slice(0, 7)]).to.deep.equal(["2026-06", "2026-05"]);
    await report(june - MAY_10, "water-leak", { building: 3 });
  });

  after(async function () {
    if (store) await closeStore(store);
    tmp?.remove();
  });

  const NONE = { withinDeadline: 0, returned: 0, reopened: 0, escalated: 0, ratings: [0, 0, 0, 0, 0], rated: 0, meanRating: null };

  it("given three burst pipes in May, when read by category and month, then the median, the share within deadline, the reopened rate and the ratings are exact", async function () {
    const all = await read({});
    const pipes = all.rows.find((r) => r.month === "2026-05" && r.serviceCode === "burst-pipe");
    // Resolution times: B 30 min (the hour paused left out), A 40 min, C 1 day 30 min: the median is A's.
    expect(pipes).to.deep.equal({
      month: "2026-05",
      serviceCode: "burst-pipe",
      category: { "zh-CN": "水管爆裂", en: "Burst pipe" },
      received: 3,
      open: 0,
      resolved: 3,
      withinDeadline: 2,
      returned: 0,
      reopened: 1,
      escalated: 0,
      medianResolveSeconds: 40 * MIN,
      withinDeadlineShare: 0.6667,
      returnedRate: 0,
      reopenedRate: 0.3333,
      ratings: [0, 0, 0, 1, 1],
      rated: 2,
      meanRating: 4.5,
    });
  });

  it("given a returned and escalated order and one in June, when read, then they count in their own cells, and the totals and buildings add up", async function () {
    const all = await read({});
    expect(all.rows.map((r) => `${r.month} ${r.serviceCode}`)).to.deep.equal(["2026-05 burst-pipe", "2026-05 rubbish", "2026-06 water-leak"]);
    expect(all.rows[1]).to.deep.include({ ...NONE, received: 1, open: 1, resolved: 0, returned: 1, escalated: 1, returnedRate: 1, reopenedRate: 0, medianResolveSeconds: null, withinDeadlineShare: null });
    expect(all.rows[2]).to.deep.include({ ...NONE, received: 1, open: 1, resolved: 0, returnedRate: 0, reopenedRate: 0, medianResolveSeconds: null });
    expect(all.byCategory.map((c) => c.serviceCode), "in the routing table's order").to.deep.equal(["burst-pipe", "water-leak", "rubbish"]);
    expect(all.total).to.deep.equal({
      received: 5,
      open: 2,
      resolved: 3,
      withinDeadline: 2,
      returned: 1,
      reopened: 1,
      escalated: 1,
      medianResolveSeconds: 40 * MIN,
      withinDeadlineShare: 0.6667,
      returnedRate: 0.2,
      reopenedRate: 0.2,
      ratings: [0, 0, 0, 1, 1],
      rated: 2,
      meanRating: 4.5,
    });
    expect(all.buildings).to.deep.equal([
      { building: 1, total: 1, open: 0 },
      { building: 2, total: 1, open: 0 },
      { building: 3, total: 2, open: 1 },
      { building: null, total: 1, open: 1 },
    ]);
    expect(all).to.include({ estate: 1, from: null, to: null, timeZone: "UTC+8" });
  });

  it("given a month range, when read, then only the orders received in it count; a reversed range is refused; another estate has none", async function () {
    const may = await read({ from: "2026-05", to: "2026-05" });
    expect(may.total).to.include({ received: 4, open: 1 });
    expect(may.buildings.find((b) => b.building === 3)).to.deep.equal({ building: 3, total: 1, open: 0 });
    expect((await read({ from: "2026-06" })).rows.map((r) => r.serviceCode)).to.deep.equal(["water-leak"]);
    const refused = await read({ from: "2026-06", to: "2026-05" }).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(Refusal).and.to.include({ status: 400, code: "workorder_stats_range" });
    const other = await read({ estate: 2 });
    expect([other.rows, other.buildings, other.total.received]).to.deep.equal([[], [], 0]);
  });

  it("given the journal, when the read models are rebuilt by replaying it, then the aggregates are the same", async function () {
    const before = await read({});
    const snapshot = async () => {
      const models = await snapshotModels(engine.storage, [service]);
      return Object.fromEntries(Object.values(STATS_MODELS).map((m) => [m, models[modelName(SERVICE, m)]]));
    };
    const aggregates = await snapshot();
    expect(Object.keys(aggregates[STATS_MODELS.cells]!)).to.have.length(3);
    await rebuildReadModels(engine.storage, [service]);
    expect(await snapshot()).to.deep.equal(aggregates);
    expect(await read({})).to.deep.equal(before);
  });
});
