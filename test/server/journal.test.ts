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
