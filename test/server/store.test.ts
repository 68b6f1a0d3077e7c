// The indexer's data directory: a directory written by another store layout is refused with what to do, and is
// left as it was.
import { expect } from "chai";
import path from "node:path";
import { Level } from "level";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { openStore, closeStore, STORE_FORMAT } from "../../server/src/store/store.js";
import { tempDir } from "./helpers/chain.js";

async function writeMeta(dir: string, entries: Record<string, unknown>): Promise<void> {
  const db = new Level<string, unknown>(dir, { valueEncoding: "json" });
  const meta = db.sublevel<string, unknown>("meta", { valueEncoding: "json" });
  for (const [key, value] of Object.entries(entries)) await meta.put(key, value);
  await db.close();
}

async function readMeta(dir: string, key: string): Promise<unknown> {
  const db = new Level<string, unknown>(dir, { valueEncoding: "json" });
  try {
    return await db.sublevel<string, unknown>("meta", { valueEncoding: "json" }).get(key);
  } finally {
    await db.close();
  }
}

describe("indexer store layout", function () {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir("store")));
  afterEach(() => tmp.remove());

  it("refuses a directory of an earlier layout, says to re-index, and changes nothing", async function () {
    const dir = path.join(tmp.dir, "v2");
    await writeMeta(dir, { format: 2, nextSeq: 7, checkpoint: { blockNumber: 5, blockHash: "0x01" } });
    let error: Error | undefined;
    try {
      await openStore(dir, ["units"], logEntryEncoding);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(/layout 2, not 3.*Re-index into a fresh --data-dir/);
    expect(await readMeta(dir, "format")).to.equal(2);
    expect(await readMeta(dir, "nextSeq")).to.equal(7);
  });

  it("refuses an unmarked directory that already holds an index (the first JSON layout)", async function () {
    const dir = path.join(tmp.dir, "v1");
    await writeMeta(dir, { nextSeq: 3 });
    let error: Error | undefined;
    try {
      await openStore(dir, ["units"], logEntryEncoding);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.match(/older layout.*Re-index into a fresh --data-dir/);
    expect(await readMeta(dir, "format")).to.equal(undefined);
  });

  it("marks a fresh directory with the current layout and opens it again", async function () {
    const dir = path.join(tmp.dir, "fresh");
    await closeStore(await openStore(dir, ["units"], logEntryEncoding));
    await closeStore(await openStore(dir, ["units"], logEntryEncoding));
    expect(await readMeta(dir, "format")).to.equal(STORE_FORMAT);
  });
});
