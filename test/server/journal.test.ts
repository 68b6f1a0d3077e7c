// The off-chain journal's core (receipts/log.ts appendOffchain): records and their effects in one synced
// atomic batch, group-committed, numbered by a record id that the log's seq cannot disturb.
import { expect } from "chai";
import { createLock } from "../../server/src/store/lock.js";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { appendOffchain, leafOfRecord, readEntry, readJournal, readOffchain, type OffchainInput } from "../../server/src/receipts/log.js";
import { closeStore, numKey, openStore, type Store } from "../../server/src/store/store.js";
import { tempDir } from "./helpers/chain.js";

const CHAIN_ID = 31337;
const STAFF = "0x00000000000000000000000000000000000000aa";

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a refusal, but the append succeeded");
}

const record = (i: number, extra: Partial<OffchainInput> = {}): OffchainInput => ({
  kind: "example.noted",
  id: `obj-${i % 7}`,
  at: 1_700_000_000 + i,
  actor: { address: STAFF },
  payload: { n: i },
  ...extra,
});

describe("off-chain journal core", function () {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  const lock = createLock();
  const open = async () => (store = await openStore(tmp.dir, ["things"], logEntryEncoding));
  beforeEach(async () => {
    tmp = tempDir("journal");
    await open();
  });
  afterEach(async () => {
    await closeStore(store).catch(() => undefined);
    tmp.remove();
  });

  it("numbers concurrent appends without gaps or repeats, and journal and log agree after a reopen", async function () {
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => appendOffchain(store, lock, CHAIN_ID, [record(i), record(i + 1000)])));
    const ids = answers.flat().map((a) => a.recordId);
    expect([...ids].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 600 }, (_, i) => i));
    // Each call's records are adjacent and in the order given.
    for (const [first, second] of answers) expect([second!.recordId - first!.recordId, second!.seq - first!.seq]).to.deep.equal([1, 1]);
    await closeStore(store);
    await open();
    expect([store.nextSeq, store.nextRecordId]).to.deep.equal([600, 600]);
    let n = 0;
    for await (const entry of readJournal(store)) {
      const r = entry.record;
      if (r.schema !== "gongzhi/offchain-record/v1") throw new Error("an on-chain entry in the journal");
      expect(r.recordId).to.equal(n++);
      expect(entry.leaf).to.equal(leafOfRecord(r));
      expect((await readEntry(store, entry.seq))!.leaf).to.equal(entry.leaf);
    }
    expect(n).to.equal(600);
    const one = answers[17]![1]!;
    const found = await readOffchain(store, one.recordId);
    expect([found!.seq, found!.leaf, JSON.parse((found!.record as { payload: string }).payload)]).to.deep.equal([one.seq, one.leaf, { n: 1017 }]);
    expect(await readOffchain(store, 600)).to.equal(undefined);
  });

  it("writes a record's effects with it, or neither: a failing batch leaves no record, no effect and no number used", async function () {
    const things = store.models.get("things")!;
    const [ok] = await appendOffchain(store, lock, CHAIN_ID, [record(1)], [{ type: "put", sublevel: things, key: "a", value: { v: 1 } }]);
    expect(await things.get("a")).to.deep.equal({ v: 1 });
    // LevelDB refuses the whole batch when one operation is invalid (a put of undefined).
    const failing = appendOffchain(store, lock, CHAIN_ID, [record(2)], [
      { type: "put", sublevel: things, key: "b", value: { v: 2 } },
      { type: "put", sublevel: things, key: "c", value: undefined },
    ]);
    expect((await rejection(failing)).message).to.match(/cannot be null or undefined/);
    expect(await things.get("b")).to.equal(undefined);
    expect([store.nextSeq, store.nextRecordId]).to.deep.equal([1, 1]);
    expect(await store.log.get(numKey(1))).to.equal(undefined);
    const [next] = await appendOffchain(store, lock, CHAIN_ID, [record(3)]);
    expect([next!.recordId, next!.seq]).to.deep.equal([ok!.recordId + 1, ok!.seq + 1]);
  });

  it("refuses one call of a group for a value LevelDB would refuse, and writes the others of the same synced batch", async function () {
    const things = store.models.get("things")!;
    let batches = 0;
    const raw = (store.db as unknown as { _batch: (...args: unknown[]) => Promise<void> })._batch;
    (store.db as unknown as { _batch: typeof raw })._batch = function (this: unknown, ...args: unknown[]) {
      batches++;
      return raw.apply(this, args);
    };
    // The first append is written alone; the next ten, sent while it is in flight, form the next group together.
    const first = appendOffchain(store, lock, CHAIN_ID, [record(0)]);
    const group = Array.from({ length: 10 }, (_, i) =>
      appendOffchain(store, lock, CHAIN_ID, [record(i + 1)], [{ type: "put", sublevel: things, key: `k${i}`, value: i === 4 ? undefined : { v: i } }]),
    );
    await first;
    const settledAll = await Promise.allSettled(group);
    expect(settledAll.map((s) => s.status)).to.deep.equal(Array.from({ length: 10 }, (_, i) => (i === 4 ? "rejected" : "fulfilled")));
    expect(((settledAll[4] as PromiseRejectedResult).reason as Error).message).to.match(/cannot be null or undefined/);
    // Two synced writes: the first append's, and one for the nine.
    expect(batches).to.equal(2);
    // The nine took the numbers 1..9 in order, without a gap where the refused one was.
    const ids = settledAll.flatMap((s) => (s.status === "fulfilled" ? s.value.map((a) => a.recordId) : []));
    expect(ids).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await closeStore(store);
    await open();
    expect([store.nextSeq, store.nextRecordId]).to.deep.equal([10, 10]);
    for (let i = 0; i < 10; i++) expect(await store.models.get("things")!.get(`k${i}`)).to.deep.equal(i === 4 ? undefined : { v: i });
    const payloads: number[] = [];
    for await (const entry of readJournal(store)) payloads.push(JSON.parse((entry.record as { payload: string }).payload).n as number);
    expect(payloads).to.deep.equal([0, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
  });

  it("writes each group in one synced LevelDB batch, a delete and a put of the same call included, read back after a reopen", async function () {
    const things = store.models.get("things")!;
    const calls: unknown[][] = [];
    const raw = (store.db as unknown as { _batch: (...args: unknown[]) => Promise<void> })._batch;
    (store.db as unknown as { _batch: typeof raw })._batch = function (this: unknown, ...args: unknown[]) {
      calls.push(args);
      return raw.apply(this, args);
    };
    await appendOffchain(store, lock, CHAIN_ID, [record(1)], [{ type: "put", sublevel: things, key: "x", value: { v: "值" } }]);
    const [a] = await appendOffchain(store, lock, CHAIN_ID, [record(2)], [
      { type: "del", sublevel: things, key: "x" },
      { type: "put", sublevel: things, key: "y", value: [1, { z: null }] },
    ]);
    // Each group is one synced write reaching LevelDB (classic-level's own batch, under abstract-level's).
    expect(calls).to.have.length(2);
    expect(calls[0]![1]).to.deep.equal({ sync: true });
    expect((calls[0]![0] as { key: string }[]).map((op) => op.key)).to.include(`${things.prefix}x`);
    await closeStore(store);
    await open();
    expect(await store.models.get("things")!.get("x")).to.equal(undefined);
    expect(await store.models.get("things")!.get("y")).to.deep.equal([1, { z: null }]);
    expect(await store.offchain.get(numKey(a!.recordId))).to.equal(a!.seq);
    expect((await readEntry(store, a!.seq))!.leaf).to.equal(a!.leaf);
    expect([await store.meta.get("nextSeq"), await store.meta.get("nextRecordId")]).to.deep.equal([2, 2]);
  });

  it("refuses a malformed kind, object id, time or actor before writing anything", async function () {
    const bad: [Partial<OffchainInput>, RegExp][] = [
      [{ kind: "Noted" }, /<service>\.<event>/],
      [{ id: "has space" }, /printable ASCII/],
      [{ at: -1 }, /Unix seconds/],
      [{ actor: { address: "0xABC" as `0x${string}` } }, /lowercase 0x address/],
      [{ actor: { address: STAFF, onBehalfOf: "p_1" } as never }, /onBehalfOf, authorisation/],
      [{ payload: { x: 0.5 } }, /safe integers/],
    ];
    for (const [extra, message] of bad) expect((await rejection(appendOffchain(store, lock, CHAIN_ID, [record(1, extra)]))).message).to.match(message);
    expect([store.nextSeq, store.nextRecordId]).to.deep.equal([0, 0]);
  });

  it("carries a proxy actor in the record text, canonical", async function () {
    const [a] = await appendOffchain(store, lock, CHAIN_ID, [record(1, { actor: { onBehalfOf: "p_12", authorisation: "auth-3", address: STAFF } })]);
    const entry = await readOffchain(store, a!.recordId);
    expect((entry!.record as { actor: string }).actor).to.equal(`{"address":"${STAFF}","authorisation":"auth-3","onBehalfOf":"p_12"}`);
  });
});
