// The work orders' sweeps and notifications over the real engine, a real LevelDB store and the real outbox, with
// an injected clock: an overdue order is escalated once (not again by a second sweep, nor after a crash and a
// restart); the resident's paused waiting is not counted; a resolved order is confirmed by the system after N
// days and not before; every change is a record of the system (rebuilding the read models from the journal gives
// the same models: nothing changed silently); one failing order does not stop the others; and every reporter of
// an order, those whose duplicates joined it too, is told when it is dispatched, fixed, closed and reopened.
import { expect } from "chai";
import path from "node:path";
import { pino } from "pino";
import type { Hex } from "viem";
import { openOutbox, type Outbox } from "../../server/src/notifications/outbox.js";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { readJournal } from "../../server/src/receipts/log.js";
import { createEngine, levelServiceStorage, rebuildReadModels, snapshotModels, submit, type Engine } from "../../server/src/services/framework/index.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore, type Store } from "../../server/src/store/store.js";
import {
  defaultCategories,
  startWorkOrderSweeps,
  sweepWorkOrders,
  workOrderService,
  type Party,
} from "../../server/src/services/workorders/index.js";
import { tempDir } from "./helpers/chain.js";

const CHAIN_ID = 31337;
const T = 1_780_000_000;
const MIN = 60;
const DAY = 86_400;
const RESIDENT = "0x00000000000000000000000000000000000000aa" as Hex;
const NEIGHBOUR = "0x00000000000000000000000000000000000000bb" as Hex;
const PLUMBER = "0x00000000000000000000000000000000000000cc" as Hex;
const FIXER = "0x00000000000000000000000000000000000000ee" as Hex;
const STAFF = "0x00000000000000000000000000000000000000dd" as Hex;
const PARTIES: Record<string, Party> = { [PLUMBER]: "water", [FIXER]: "property" };

describe("work orders: sweeps and telling every reporter", function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let outbox: Outbox;
  let engine: Engine;
  let now = T;
  const lock = createLock();
  const clock = () => now * 1000;
  const service = workOrderService({ categories: defaultCategories, partyOf: async (address) => PARTIES[address] ?? null, clock });
  const principal = (address: Hex, roles: string[] = []) => ({ address, roles: async () => roles });

  async function open(): Promise<void> {
    store = await openStore(path.join(tmp.dir, "store"), [], logEntryEncoding);
    outbox = await openOutbox(store, { clock });
    engine = createEngine({ services: [service], storage: levelServiceStorage(store, lock, CHAIN_ID, outbox), proxyCheck: async () => false, clock });
  }
  async function report(serviceCode: string, place: Record<string, unknown>, who: Hex = RESIDENT): Promise<{ id: string; kinds: string[] }> {
    const answer = await submit(engine, { service: "workorder", command: "report", body: { channel: "resident", serviceCode, place }, principal: principal(who) });
    return { id: answer.body.id, kinds: answer.body.records.map((r) => r.kind) };
  }
  const act = (id: string, command: string, who: Hex, body: Record<string, unknown> = {}, roles: string[] = []) =>
    engine.execute({ service: "workorder", command, id, body, principal: principal(who, roles) });
  async function journal(id?: string): Promise<{ kind: string; id: string; at: number; actor: unknown; payload: Record<string, unknown> }[]> {
    const out = [];
    for await (const entry of readJournal(store)) {
      const r = entry.record as { kind: string; id: string; at: number; actor: string; payload: string };
      if (id === undefined || r.id === id) out.push({ kind: r.kind, id: r.id, at: r.at, actor: JSON.parse(r.actor) as unknown, payload: JSON.parse(r.payload) as Record<string, unknown> });
    }
    return out;
  }
  const sweep = () => sweepWorkOrders({ engine, clock });
  /** Rebuilding every read model from the journal gives what the live ones hold: no change without its record. */
  async function nothingSilent(): Promise<void> {
    const live = await snapshotModels(engine.storage, [service]);
    await rebuildReadModels(engine.storage, [service]);
    expect(await snapshotModels(engine.storage, [service])).to.deep.equal(live);
  }

  beforeEach(async function () {
    tmp = tempDir("wo-sweep");
    now = T;
    await open();
  });
  afterEach(async function () {
    await closeStore(store);
    tmp.remove();
  });

  it("escalates an overdue order once, by the system: not before its deadline, not again on a second sweep", async function () {
    const pipe = await report("burst-pipe", { estateId: 1, building: 3 }); // 30 minutes
    const rubbish = await report("rubbish", { estateId: 1, area: "north-gate" }); // 15 minutes
    const light = await report("street-light", { estateId: 1, area: "south-gate" }); // 7 days
    now = T + 15 * MIN;
    expect((await sweep()).escalated, "at its deadline, not yet past it").to.deep.equal([]);
    now = T + 15 * MIN + 1;
    expect((await sweep()).escalated).to.deep.equal([rubbish.id]);
    now = T + 31 * MIN;
    const result = await sweep();
    expect(result.escalated).to.deep.equal([pipe.id]);
    expect(result.failed).to.deep.equal([]);
    expect((await sweep()).escalated, "a second sweep escalates nothing").to.deep.equal([]);
    const escalations = (await journal()).filter((r) => r.kind === "workorder.escalated");
    expect(escalations.map((r) => r.id)).to.deep.equal([rubbish.id, pipe.id]);
    expect(escalations.map((r) => r.actor)).to.deep.equal([{ system: "workorder.sweep" }, { system: "workorder.sweep" }]);
    expect(escalations[1]!.payload).to.deep.equal({ level: "street", overdueSeconds: MIN });
    expect((await journal(light.id)).map((r) => r.kind)).to.deep.equal(["workorder.reported", "workorder.dispatched"]);
    await nothingSilent();
  });

  it("does not count the resident's paused waiting: escalates only once the deadline moved on by the pause has passed", async function () {
    const pipe = await report("burst-pipe", { estateId: 1, building: 3 });
    now = T + MIN;
    await act(pipe.id, "accept", PLUMBER);
    now = T + 5 * MIN;
    await act(pipe.id, "pause", PLUMBER, { reason: "noAccess" });
    now = T + 2 * 3600;
    expect((await sweep()).escalated, "paused: the clock stands").to.deep.equal([]);
    await act(pipe.id, "resume", PLUMBER); // paused 115 minutes: the deadline is now T + 145 minutes
    now = T + 145 * MIN;
    expect((await sweep()).escalated).to.deep.equal([]);
    now = T + 145 * MIN + 30;
    expect((await sweep()).escalated).to.deep.equal([pipe.id]);
    const escalated = (await journal(pipe.id)).find((r) => r.kind === "workorder.escalated")!;
    expect(escalated.payload).to.deep.equal({ level: "street", overdueSeconds: 30 });
    await nothingSilent();
  });

  it("a sweep stopped halfway (a crash between two orders) loses nothing, and after a restart escalates each order once", async function () {
    const ids: string[] = [];
    for (let b = 1; b <= 10; b++) ids.push((await report("rubbish", { estateId: 1, building: b })).id);
    now = T + 20 * MIN;
    const stop = new AbortController();
    let runs = 0;
    const crashing: Engine = { ...engine, execute: async (request) => (++runs === 4 && stop.abort(), engine.execute(request)) };
    const half = await sweepWorkOrders({ engine: crashing, clock, signal: stop.signal });
    expect(half.escalated).to.have.length(4);
    // The process dies: the store is closed and opened again, with a new engine.
    await closeStore(store);
    await open();
    const rest = await sweep();
    expect(rest.escalated).to.have.length(6);
    expect([...half.escalated, ...rest.escalated].sort()).to.deep.equal([...ids].sort());
    const escalations = (await journal()).filter((r) => r.kind === "workorder.escalated").map((r) => r.id);
    expect(escalations.sort()).to.deep.equal([...ids].sort());
    expect((await sweep()).escalated).to.deep.equal([]);
  });

  it("one order that fails does not stop the others; it is taken again by the next sweep", async function () {
    const ids: string[] = [];
    for (let b = 1; b <= 3; b++) ids.push((await report("rubbish", { estateId: 1, building: b })).id);
    now = T + 20 * MIN;
    const faulty: Engine = { ...engine, execute: async (request) => (request.id === ids[0] ? Promise.reject(new Error("disk full")) : engine.execute(request)) };
    const first = await sweepWorkOrders({ engine: faulty, clock });
    expect(first.failed).to.deep.equal([{ id: ids[0], error: "disk full" }]);
    expect(first.escalated.sort()).to.deep.equal([ids[1], ids[2]].sort());
    expect((await sweep()).escalated).to.deep.equal([ids[0]]);
  });

  it("confirms a resolved order by the system after N days and not before; one that still needs its on-site check stays open", async function () {
    const light = await report("street-light", { estateId: 1, area: "south-gate" }); // no on-site check
    const pipe = await report("burst-pipe", { estateId: 1, building: 3 }); // needs one
    now = T + MIN;
    await act(light.id, "accept", FIXER);
    await act(pipe.id, "accept", PLUMBER);
    now = T + 10 * MIN;
    await act(light.id, "resolve", FIXER);
    await act(pipe.id, "resolve", PLUMBER);
    now = T + 10 * MIN + 7 * DAY - 1;
    const early = await sweep();
    expect(early.confirmed, "a second before the window ends").to.deep.equal([]);
    now = T + 10 * MIN + 7 * DAY;
    const due = await sweep();
    expect(due.confirmed).to.deep.equal([light.id]);
    expect(due.waitingForCheck).to.deep.equal([pipe.id]);
    const closed = (await journal(light.id)).at(-1)!;
    expect(closed).to.deep.include({ kind: "workorder.confirmed", actor: { system: "workorder.sweep" }, payload: { auto: true } });
    expect((await journal(pipe.id)).map((r) => r.kind)).to.not.include("workorder.confirmed");
    // Checked on site, it closes at the next sweep.
    await act(pipe.id, "checkOnSite", STAFF, { passed: true }, ["staff"]);
    expect((await sweep()).confirmed).to.deep.equal([pipe.id]);
    expect((await sweep()).confirmed).to.deep.equal([]);
    await nothingSilent();
  });

  it("the server's timer sweeps at its interval and stops on close", async function () {
    const pipe = await report("rubbish", { estateId: 1, building: 9 });
    now = T + 20 * MIN;
    const timer = startWorkOrderSweeps({ engine, clock, intervalMs: 20, logger: pino({ level: "silent" }) });
    const deadline = Date.now() + 5000;
    while (!(await journal(pipe.id)).some((r) => r.kind === "workorder.escalated") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect((await journal(pipe.id)).map((r) => r.kind)).to.include("workorder.escalated");
    await timer.stop();
    const later = await report("rubbish", { estateId: 1, building: 10 });
    now = T + 40 * MIN;
    await new Promise((r) => setTimeout(r, 100));
    expect((await journal(later.id)).map((r) => r.kind), "stopped: no sweep after close").to.not.include("workorder.escalated");
  });

  it("tells every reporter, the one whose duplicate joined too, when the order is dispatched, fixed, closed and reopened", async function () {
    const first = await report("burst-pipe", { estateId: 1, building: 3 }, RESIDENT);
    const dup = await report("burst-pipe", { estateId: 1, building: 3 }, NEIGHBOUR);
    expect(dup).to.deep.equal({ id: first.id, kinds: ["workorder.joined"] });
    now = T + MIN;
    await act(first.id, "accept", PLUMBER);
    await act(first.id, "resolve", PLUMBER);
    await act(first.id, "checkOnSite", STAFF, { passed: true }, ["staff"]);
    await act(first.id, "confirm", NEIGHBOUR);
    await act(first.id, "reopen", RESIDENT, { reason: "brokeAgain" });
    const entries = (await outbox.list("pending", { limit: 100 })).items;
    const told = (template: string) => entries.filter((e) => e.template === template).map((e) => ("address" in e.to ? e.to.address : e.to.personId)).sort();
    // Dispatched when reported, before the neighbour joined: the first reporter only.
    expect(told("workorder.dispatched")).to.deep.equal([RESIDENT]);
    for (const template of ["workorder.resolved", "workorder.closed", "workorder.reopened"]) expect(told(template), template).to.deep.equal([RESIDENT, NEIGHBOUR]);
    expect(entries).to.have.length(7);
    for (const entry of entries) {
      expect(entry.params).to.deep.equal({ workOrderId: first.id, unit: "3号楼" });
      expect(entry.cause.id).to.equal(first.id);
    }
    // Each message names the record that caused it.
    const causes: Record<string, string> = { "workorder.dispatched": "workorder.dispatched", "workorder.resolved": "workorder.resolved", "workorder.closed": "workorder.confirmed", "workorder.reopened": "workorder.reopened" };
    for (const entry of entries) expect(entry.cause.kind).to.equal(causes[entry.template]);
  });
});
