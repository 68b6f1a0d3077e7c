// "Acknowledged means kept" for off-chain service records: a server process acknowledges commands with 201 and
// is killed with SIGKILL right after the first 201 arrives, while others are in flight. After a restart every
// acknowledged record is there, appended once (a repeat with its Idempotency-Key answers the same record ids),
// anchored once when the anchorer runs, with a receipt that verifies; and the off-chain journal and the receipt
// log agree entry for entry.
import { expect } from "chai";
import path from "node:path";
import { keccak256, toHex, type Abi, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { artifactAbiOf } from "../../server/src/receipts/abis.js";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { leafOfRecord, type LogEntry } from "../../server/src/receipts/log.js";
import { OFFCHAIN_SCHEMA } from "../../server/src/receipts/record.js";
import { pinOf, verifyReceipt } from "../../server/src/receipts/verify.js";
import { closeStore, numKey, openStore } from "../../server/src/store/store.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { waitFor } from "./helpers/indexer.js";
import { signInTo, startServiceProcess, type ServiceProcess } from "./helpers/service-process.js";

const WHAT = keccak256(toHex("errand text, kept in the vault"));
const COMMANDS = 60;

type Answer = { id: string; recordIds: number[]; seqs: number[] };

describe("service framework: kill -9 right after a 201", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: ServiceProcess | undefined;

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("services-crash");
  });
  after(async function () {
    server?.child.kill("SIGKILL");
    await server?.exited;
    await node?.stop();
    tmp?.remove();
  });

  it("keeps every acknowledged record, once, anchored once, with journal and log in agreement", async function () {
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    const dataDir = path.join(tmp.dir, "server");
    const env = {
      GONGZHI_RPC_URL: node.url,
      GONGZHI_CHAIN_ID: String(CHAIN_ID),
      GONGZHI_DEPLOYMENT: file,
      GONGZHI_DATA_DIR: dataDir,
      GONGZHI_PORT: "0",
      GONGZHI_ANCHORER_KEY: ANCHORER_KEY,
      GONGZHI_POLL_MS: "100",
      GONGZHI_LOG_LEVEL: "error",
      GONGZHI_MODE: "development",
      GONGZHI_RATE_LIMIT_PER_MINUTE: "100000",
    };
    const resident = privateKeyToAccount(generatePrivateKey());
    const post = (base: string, token: string, i: number) =>
      fetch(`${base}/api/errands/open`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": `crash-${i}` },
        body: JSON.stringify({ estateId: 1, what: WHAT, urgent: i % 2 === 0 }),
      });

    // 1. No batch is due for an hour: the records are unanchored when the process dies.
    server = await startServiceProcess({ ...env, GONGZHI_BATCH_SECONDS: "3600" });
    let token = await signInTo(server.url, resident);
    const acknowledged = new Map<number, Answer>();
    let killed = false;
    let next = 0;
    const child = server.child;
    // Ten clients send commands one after another; the process dies right after the 20th 201 (and its body)
    // arrives, while other commands are in flight.
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (!killed && next < COMMANDS) {
          const i = next++;
          try {
            const res = await post(server!.url, token, i);
            if (res.status !== 201) throw new Error(`command ${i}: ${res.status} ${await res.text()}`);
            const body = (await res.json()) as Answer;
            if (killed) continue; // arrived after the kill was ordered: count it as not acknowledged
            acknowledged.set(i, body);
            if (acknowledged.size === 20) {
              killed = true;
              child.kill("SIGKILL");
            }
          } catch (error) {
            if (!killed) throw error;
            // in flight when the process died: not acknowledged, so nothing is owed
          }
        }
      }),
    );
    await server.exited;
    expect(acknowledged.size).to.be.at.least(1);
    console.log(`      acknowledged ${acknowledged.size} of ${COMMANDS} before the kill`);

    // 2. Restarted with anchoring on: every acknowledged command answers the same record, once.
    server = await startServiceProcess({ ...env, GONGZHI_BATCH_SECONDS: "1" });
    const base = server.url;
    token = await signInTo(base, resident);
    for (const [i, first] of acknowledged) {
      const res = await post(base, token, i);
      expect(res.status, `repeat of ${i}`).to.equal(201);
      expect(res.headers.get("idempotency-replayed")).to.equal("true");
      expect(await res.json()).to.deep.include({ id: first.id, recordIds: first.recordIds, seqs: first.seqs });
    }
    // The commands that were never acknowledged may have been kept (stored, answer lost) or not: sent again
    // with their keys, each ends with exactly one record.
    for (let i = 0; i < COMMANDS; i++) if (!acknowledged.has(i)) expect((await post(base, token, i)).status).to.equal(201);
    const opened: { recordId: string; seq: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = (await (await fetch(`${base}/api/records?event=errand.opened&limit=500${cursor ? `&cursor=${cursor}` : ""}`)).json()) as {
        items: { recordId: string; seq: number }[];
        nextCursor?: string;
      };
      opened.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(opened).to.have.length(COMMANDS);

    // 3. Anchored: each acknowledged record's receipt verifies against the chain, in exactly one batch.
    const { publicClient } = clients(node.url);
    for (const first of acknowledged.values()) {
      const seq = first.seqs[0]!;
      let receipt: unknown;
      await waitFor(`the receipt of seq ${seq}`, async () => {
        const res = await fetch(`${base}/api/receipts/${seq}`);
        if (res.status !== 200) return false;
        receipt = await res.json();
        return true;
      }, 60_000);
      const report = await verifyReceipt(receipt, publicClient, { pin: pinOf(deployment), abiOf: artifactAbiOf(deployment) });
      expect(report.ok, JSON.stringify(report.steps.at(-1))).to.equal(true);
    }
    const batches = (await publicClient.getContractEvents({
      address: deployment.contracts.RecordAnchor!.address,
      abi: loadArtifact("RecordAnchor").abi as Abi,
      eventName: "BatchAnchored",
      fromBlock: 0n,
    })) as unknown as { args: { firstLeaf: bigint; leafCount: bigint } }[];
    for (const first of acknowledged.values()) {
      const seq = BigInt(first.seqs[0]!);
      const covering = batches.filter((b) => b.args.firstLeaf <= seq && seq < b.args.firstLeaf + b.args.leafCount);
      expect(covering, `batches holding seq ${seq}`).to.have.length(1);
    }

    // 4. Stopped: the journal index and the receipt log agree, both ways.
    server.child.kill("SIGTERM");
    await server.exited;
    server = undefined;
    const store = await openStore(path.join(dataDir, "indexer"), [], logEntryEncoding);
    try {
      const journal = new Map<number, number>();
      for await (const [key, seq] of store.offchain.iterator()) journal.set(Number(key), seq as number);
      expect([...journal.keys()]).to.deep.equal(Array.from({ length: journal.size }, (_, i) => i));
      expect(store.nextRecordId).to.equal(journal.size);
      for (const [recordId, seq] of journal) {
        const entry = (await store.log.get(numKey(seq))) as LogEntry | undefined;
        expect(entry?.record.schema, `log entry ${seq} of record ${recordId}`).to.equal(OFFCHAIN_SCHEMA);
        expect((entry!.record as { recordId: number }).recordId).to.equal(recordId);
        expect(entry!.leaf).to.equal(leafOfRecord(entry!.record) as Hex);
      }
      let offchainEntries = 0;
      for await (const value of store.log.values()) {
        const entry = value as LogEntry;
        if (entry.record.schema !== OFFCHAIN_SCHEMA) continue;
        offchainEntries++;
        expect(journal.get(entry.record.recordId), `journal index of log entry ${entry.seq}`).to.equal(entry.seq);
      }
      expect(offchainEntries).to.equal(journal.size);
      expect(journal.size).to.equal(COMMANDS);
    } finally {
      await closeStore(store);
    }
  });
});
