// The indexer's data directory: a directory written by another store layout, or recorded for another chain or
// deployment, is refused with what to do, and is left as it was.
import { expect } from "chai";
import path from "node:path";
import { Level } from "level";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { checkIdentity, openStore, closeStore, STORE_FORMAT, type Identity } from "../../server/src/store/store.js";
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
    expect(error?.message).to.match(new RegExp(`layout 2, not ${STORE_FORMAT}.*Re-index into a fresh --data-dir`));
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

  describe("what the directory indexes", function () {
    const registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const identity: Identity = { chainId: 31337, contracts: { CommunityRegistry: { address: registry, blockNumber: 1 } } };

    /** Records `identity` in a fresh directory, then checks `other` against it; returns the refusal, if any. */
    async function refusal(other: Identity): Promise<{ error: Error | undefined; stored: unknown }> {
      const dir = path.join(tmp.dir, "identity");
      const first = await openStore(dir, ["units"], logEntryEncoding);
      await checkIdentity(first, identity);
      await closeStore(first);
      const store = await openStore(dir, ["units"], logEntryEncoding);
      let error: Error | undefined;
      try {
        await checkIdentity(store, other);
      } catch (err) {
        error = err as Error;
      } finally {
        await closeStore(store);
      }
      return { error, stored: await readMeta(dir, "identity") };
    }

    it("refuses another chain id with the same addresses, and keeps the recorded identity", async function () {
      const { error, stored } = await refusal({ ...identity, chainId: 1337 });
      expect(error?.message).to.equal(
        `The data directory indexes another chain or deployment (CommunityRegistry at ${registry} on chain 31337); ` +
          "pass a fresh --data-dir for this deployment.",
      );
      expect(stored).to.deep.equal(identity);
    });

    it("refuses a deployment that lists a contract the directory has not indexed from its deployment block", async function () {
      const more = { ...identity.contracts, RecordAnchor: { address: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", blockNumber: 2 } };
      const { error, stored } = await refusal({ ...identity, contracts: more });
      expect(error?.message).to.match(/lists contracts this data directory has not indexed.*re-index into a fresh --data-dir/);
      expect(stored).to.deep.equal(identity);
    });

    it("accepts the same deployment again, whatever the addresses' letter case", async function () {
      const { error } = await refusal({ ...identity, contracts: { CommunityRegistry: { address: registry.toLowerCase(), blockNumber: 1 } } });
      expect(error).to.equal(undefined);
    });
  });
});
