// The service framework (server/src/services/framework): decisions as given/when/then on plain data; the engine
// over a real LevelDB store (per-object serialisation, group commit across objects, idempotency, expected
// versions, staff proxies, projections in the records' atomic write, read models rebuilt by replaying the
// journal); and real HTTP round trips against a whole server on a Hardhat node.
import { expect } from "chai";
import { keccak256, toHex, type Hex } from "viem";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { readJournal } from "../../server/src/receipts/log.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore, type Store } from "../../server/src/store/store.js";
import {
  createEngine,
  given,
  levelServiceStorage,
  rebuildReadModels,
  Refusal,
  snapshotModels,
  type Engine,
  type Principal,
  type ProxyCheck,
} from "../../server/src/services/framework/index.js";
import { Assigned, Closed, errandService, Opened } from "./helpers/errand-service.js";
import { tempDir } from "./helpers/chain.js";

const CHAIN_ID = 31337;
const STAFF = "0x00000000000000000000000000000000000000aa" as Hex;
const RESIDENT = "0x00000000000000000000000000000000000000bb" as Hex;
const WHAT = keccak256(toHex("a commitment stands here"));

async function refusalOf(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error("expected a refusal, but the command was accepted");
}

describe("service framework: decisions (given/when/then)", function () {
  it("opens, assigns and closes; refuses closing an errand that is not assigned, with the offending state", function () {
    given(errandService)
      .when("open", { estateId: 1, what: WHAT })
      .then([Opened({ estateId: 1, what: WHAT, urgent: false })]);
    given(errandService, [Opened({ estateId: 1, what: WHAT, urgent: true })])
      .when("assign", { worker: "p_12" }, { roles: ["gridWorker"] })
      .then([Assigned({ worker: "p_12" })]);
    given(errandService, [Opened({ estateId: 1, what: WHAT, urgent: true })], { id: "e1" })
      .when("close", {}, { roles: ["staff"] })
      .thenRefused("wrong_state", undefined, 409);
    given(errandService, [Opened({ estateId: 1, what: WHAT, urgent: true }), Assigned({ worker: "p_12" })])
      .when("close", {}, { roles: ["staff"] })
      .then([Closed({})]);
  });

  it("refuses by role, by unknown object and by a payload that is not a vault reference", function () {
    given(errandService, [Opened({ estateId: 1, what: WHAT, urgent: true })])
      .when("assign", { worker: "p_12" }, { roles: ["partner"] })
      .thenRefused("forbidden", { role: "staff / gridWorker" }, 403);
    given(errandService).when("note", {}).thenRefused("unknown_record", undefined, 404);
    // A name is not a person id: the input schema (personRef) refuses it before any record exists.
    given(errandService, [Opened({ estateId: 1, what: WHAT, urgent: true })])
      .when("assign", { worker: "王 阿姨" }, { roles: ["staff"] })
      .thenRefused("invalid_request");
    // A plain value is not a salted commitment.
    given(errandService).when("open", { estateId: 1, what: "needs a new light bulb" }).thenRefused("invalid_request");
  });

  it("the helper itself fails when the decision differs from what the test expects", function () {
    const outcome = given(errandService).when("open", { estateId: 1, what: WHAT });
    expect(() => outcome.then([Opened({ estateId: 2, what: WHAT, urgent: false })])).to.throw();
    expect(() => outcome.thenRefused("wrong_state")).to.throw(/expected refusal/);
  });
});

describe("service framework: engine over the indexer's LevelDB store", function () {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let engine: Engine;
  const lock = createLock();
  const authorisations = new Map<string, string>(); // authorisation id → resident
  const proxyCheck: ProxyCheck = async ({ onBehalfOf, authorisation }) => authorisations.get(authorisation) === onBehalfOf;
  const roles: Record<string, string[]> = { [STAFF]: ["staff"], [RESIDENT]: [] };
  const principal = (address: Hex): Principal => ({ address, roles: async () => roles[address] ?? [] });
  const send = (command: string, body: Record<string, unknown>, options: { id?: string; as?: Hex; key?: string } = {}) =>
    engine.execute({ service: "errand", command, id: options.id, body, principal: principal(options.as ?? RESIDENT), idempotencyKey: options.key });

  beforeEach(async () => {
    tmp = tempDir("services");
    store = await openStore(tmp.dir, [], logEntryEncoding);
    engine = createEngine({ services: [errandService], storage: levelServiceStorage(store, lock, CHAIN_ID), proxyCheck });
  });
  afterEach(async () => {
    await closeStore(store);
    tmp.remove();
  });

  const journal = async () => {
    const out = [];
    for await (const entry of readJournal(store)) out.push(entry);
    return out;
  };

  it("writes the records, the object's state and the read models in one append, answering record ids and seqs", async function () {
    const opened = await send("open", { estateId: 3, what: WHAT });
    expect(opened.status).to.equal(201);
    expect(opened.body).to.include({ version: 1 });
    expect(opened.body.recordIds).to.deep.equal([0]);
    expect(opened.body.seqs).to.deep.equal([0]);
    expect(opened.body.proxy).to.equal(null);
    const [entry] = await journal();
    expect(entry!.record).to.include({ kind: "errand.opened", id: opened.body.id, recordId: 0, actor: JSON.stringify({ address: RESIDENT }) });
    expect(JSON.parse((entry!.record as { payload: string }).payload)).to.deep.equal({ estateId: 3, urgent: false, what: WHAT });
    expect(await engine.stateOf("errand", opened.body.id)).to.deep.equal({ version: 1, state: { status: "open", estateId: 3, notes: 0 } });
    expect(await engine.storage.get("errand.counts", "3")).to.deep.equal({ open: 1, closed: 0 });
  });

  it("serialises commands on one object: fifty at once each decide on the state the previous left", async function () {
    const { body } = await send("open", { estateId: 1, what: WHAT });
    const answers = await Promise.all(Array.from({ length: 50 }, () => send("note", {}, { id: body.id })));
    expect(answers.map((a) => a.body.version).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 2));
    const notes = (await journal()).filter((e) => (e.record as { kind: string }).kind === "errand.noted");
    // Every note numbered once, 1..50: no two decisions saw the same state.
    expect(notes.map((e) => JSON.parse((e.record as { payload: string }).payload).n)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("runs commands on different objects concurrently, group-committed, and shared read models stay exact", async function () {
    let batches = 0;
    const batch = store.db.batch.bind(store.db);
    store.db.batch = ((...args: Parameters<typeof batch>) => {
      batches++;
      return batch(...args);
    }) as typeof store.db.batch;
    const answers = await Promise.all(Array.from({ length: 200 }, () => send("open", { estateId: 7, what: WHAT })));
    expect(new Set(answers.map((a) => a.body.id)).size).to.equal(200);
    expect(new Set(answers.flatMap((a) => a.body.recordIds)).size).to.equal(200);
    // Far fewer disk writes than commands: the appends were in flight together.
    expect(batches).to.be.below(100);
    // A count every one of them updated: none lost to a concurrent projection.
    expect(await engine.storage.get("errand.counts", "7")).to.deep.equal({ open: 200, closed: 0 });
  });

  it("refuses with the offending values: a stale expectedVersion (409), a role (403), a state (409)", async function () {
    const { body } = await send("open", { estateId: 1, what: WHAT });
    const stale = await refusalOf(send("note", { expectedVersion: 0 }, { id: body.id }));
    expect(stale).to.include({ status: 409, code: "version_conflict" });
    expect(stale.params).to.deep.equal({ id: body.id, expected: 0, actual: 1 });
    await send("note", { expectedVersion: 1 }, { id: body.id });
    expect((await refusalOf(send("assign", { worker: "p_1" }, { id: body.id })))).to.include({ status: 403, code: "forbidden" });
    expect((await refusalOf(send("close", {}, { id: body.id, as: STAFF })))).to.include({ status: 409, code: "wrong_state" });
    expect((await refusalOf(send("note", {}, { id: "nosuch" })))).to.include({ status: 404, code: "unknown_record" });
    // Refusals wrote nothing.
    expect(await journal()).to.have.length(2);
  });

  it("answers a repeated Idempotency-Key with the first answer and no second record; refusals are not kept", async function () {
    const first = await send("open", { estateId: 1, what: WHAT }, { key: "k-1" });
    const again = await send("open", { estateId: 1, what: WHAT }, { key: "k-1" });
    expect(again.replayed).to.equal(true);
    expect(again.body).to.deep.equal(first.body);
    // Concurrent repeats too: one record.
    const burst = await Promise.all(Array.from({ length: 10 }, () => send("open", { estateId: 2, what: WHAT }, { key: "k-2" })));
    expect(new Set(burst.map((a) => a.body.id)).size).to.equal(1);
    expect(await journal()).to.have.length(2);
    // The same key with another body is another request: refused, not answered with the first.
    const reused = await refusalOf(send("open", { estateId: 9, what: WHAT }, { key: "k-1" }));
    expect(reused).to.include({ status: 422, code: "idempotency_key_reused" });
    // Another sender's key of the same text is theirs.
    const staffs = await send("open", { estateId: 1, what: WHAT }, { key: "k-1", as: STAFF });
    expect(staffs.body.id).to.not.equal(first.body.id);
    // A refusal is not remembered: once the state allows it, the same key succeeds.
    const refused = await refusalOf(send("close", {}, { id: first.body.id, as: STAFF, key: "close-1" }));
    expect(refused.code).to.equal("wrong_state");
    await send("assign", { worker: "p_1" }, { id: first.body.id, as: STAFF });
    const closed = await send("close", {}, { id: first.body.id, as: STAFF, key: "close-1" });
    expect(closed.status).to.equal(201);
    expect(closed.replayed).to.equal(false);
  });

  it("lets staff act for a resident only with an authorisation the check accepts, and marks the answer", async function () {
    authorisations.set("7", RESIDENT);
    const asResident = await refusalOf(send("open", { estateId: 1, what: WHAT, onBehalfOf: STAFF, authorisation: "7" }, { as: RESIDENT }));
    expect(asResident).to.include({ status: 403, code: "proxy_staff_only" });
    const unknown = await refusalOf(send("open", { estateId: 1, what: WHAT, onBehalfOf: RESIDENT, authorisation: "8" }, { as: STAFF }));
    expect(unknown).to.include({ status: 403, code: "proxy_not_authorised" });
    expect(unknown.params).to.deep.equal({ onBehalfOf: RESIDENT, authorisation: "8" });
    expect((await refusalOf(send("open", { estateId: 1, what: WHAT, onBehalfOf: RESIDENT }, { as: STAFF })))).to.include({ code: "proxy_incomplete" });
    const ok = await send("open", { estateId: 1, what: WHAT, onBehalfOf: RESIDENT, authorisation: "7" }, { as: STAFF });
    expect(ok.body.proxy).to.deep.equal({ onBehalfOf: RESIDENT, authorisation: "7" });
    expect(ok.body.actor).to.deep.equal({ address: STAFF, onBehalfOf: RESIDENT, authorisation: "7" });
    // A command not marked proxy-able is refused as a proxy even with a good authorisation.
    const notProxy = await refusalOf(send("note", { onBehalfOf: RESIDENT, authorisation: "7" }, { id: ok.body.id, as: STAFF }));
    expect(notProxy).to.include({ status: 403, code: "proxy_not_allowed" });
    const [entry] = await journal();
    expect(JSON.parse((entry!.record as { actor: string }).actor)).to.deep.equal({ address: STAFF, authorisation: "7", onBehalfOf: RESIDENT });
  });

  it("rebuilds every read model and object state by replaying the journal, to the same values", async function () {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => send("open", { estateId: i % 3, what: WHAT }).then((a) => a.body.id)));
    await Promise.all(ids.slice(0, 20).map((id) => send("assign", { worker: "p_9" }, { id, as: STAFF })));
    await Promise.all(ids.slice(0, 10).map((id) => send("close", {}, { id, as: STAFF })));
    await Promise.all(ids.slice(5, 15).map((id) => send("note", {}, { id })));
    const before = await snapshotModels(engine.storage, [errandService]);
    expect(Object.keys(before["errand.errands"]!)).to.have.length(30);
    // Damage them (a lost or stale read model), then rebuild from the journal alone.
    await engine.storage.write([
      { model: "errand.counts", key: "0", value: { open: 99, closed: 0 } },
      { model: "errand.errands", key: ids[3]!, value: null },
      { model: "framework.state", key: `errand:${ids[4]}`, value: null },
    ]);
    expect(await snapshotModels(engine.storage, [errandService])).to.not.deep.equal(before);
    const { records } = await rebuildReadModels(engine.storage, [errandService], 7);
    expect(records).to.equal(70);
    expect(await snapshotModels(engine.storage, [errandService])).to.deep.equal(before);
  });
});
