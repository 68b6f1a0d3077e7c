// An independent verifier of off-chain receipts, written from docs/receipts.md alone (the section "Off-chain
// records", "Tree", "The document" and "Verifying a receipt"): it imports nothing of server/src/receipts (or of
// server/src at all), encodes the record by hand as the document spells out abi.encode, uses viem's keccak256
// as its only hash, and reads the chain with raw JSON-RPC requests. Against a real server (startServer: indexer,
// anchorer and API over a Hardhat node and LevelDB), it accepts the receipts of off-chain records that the
// server hands out at GET /api/receipts/offchain/{recordId}, and refuses them with the payload, the actor, the
// record id or the proof changed, or anchored anywhere but the pinned RecordAnchor. The same receipts go through
// `npm run verify-receipt` with the documented exit statuses. The server side (a service appending records,
// the server anchoring and answering) is the real code; the verifier below the line shares none of it.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pino } from "pino";
import { keccak256, type Abi, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { deployContracts, DEPLOY_PLAN } from "../../server/src/chain/deploy.js";
import type { Deployment } from "../../server/src/chain/deployment.js";
import { loadServerSettings } from "../../server/src/config/server.js";
// The server side only: a service appends its records through the journal, as every service does.
import { appendOffchain, type OffchainInput } from "../../server/src/receipts/log.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { commit } from "../../server/src/vault/commitment.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, holderAddress, registryWriter, repoRoot, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { waitFor } from "./helpers/indexer.js";

// ---------------------------------------------------------------------------------------------------------
// The independent verifier, written from docs/receipts.md alone. It imports nothing of server/src: its only
// cryptographic primitive is viem's keccak256, it encodes the record by hand (the ABI layout the document
// spells out), and it reads the chain with raw JSON-RPC requests (fetch). It accepts a receipt only when every
// check of "Verifying a receipt" holds for an off-chain record against the pinned RecordAnchor.
// ---------------------------------------------------------------------------------------------------------
const OFFCHAIN = "gongzhi/offchain-record/v1";
const RECORD_FIELDS = ["schema", "seq", "chainId", "recordId", "kind", "id", "at", "actor", "payload"];
const RECEIPT_FIELDS = ["format", "chainId", "anchor", "batchId", "firstLeaf", "leafCount", "root", "record", "encoded", "leaf", "leafIndex", "proof", "anchoring"];

type Trust = { rpc: string; anchor: string; chainId: number };
type Verdict = { ok: true } | { ok: false; why: string };

class Refused extends Error {}
const refuse = (why: string): never => {
  throw new Refused(why);
};

const hexOfBytes = (b: Uint8Array): string => `0x${Buffer.from(b).toString("hex")}`;
const bytesOfHex = (h: string): Buffer => Buffer.from(h.slice(2), "hex");
const kec = (data: Uint8Array): Buffer => bytesOfHex(keccak256(data));

/** Canonical JSON (docs/receipts.md): sorted keys by UTF-16 code units, no whitespace, safe integers only. */
function canon(v: unknown): string {
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) refuse(`${v} is not a safe integer`);
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(canon).join(",")}]`;
  if (typeof v === "object") {
    const keys = Object.keys(v as object).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return refuse(`cannot be canonical JSON: ${typeof v}`);
}

function isCanonical(text: string): boolean {
  try {
    return canon(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

/** One of the three actor forms, exactly. */
function checkActor(text: string): void {
  if (!isCanonical(text)) refuse("actor is not canonical JSON");
  const a = JSON.parse(text) as Record<string, unknown>;
  const keys = a && typeof a === "object" && !Array.isArray(a) ? Object.keys(a).join(",") : "";
  const address = (x: unknown) => typeof x === "string" && /^0x[0-9a-f]{40}$/.test(x);
  const text_ = (x: unknown) => typeof x === "string" && x.length > 0;
  if (keys === "address" && address(a.address)) return;
  if (keys === "address,authorisation,onBehalfOf" && address(a.address) && text_(a.authorisation) && text_(a.onBehalfOf)) return;
  if (keys === "system" && text_(a.system)) return;
  refuse(`actor ${text} is none of the three actor forms`);
}

/** A uint as one 32-byte big-endian word. */
function word(n: number | bigint): Buffer {
  const w = Buffer.alloc(32);
  let v = BigInt(n);
  for (let i = 31; i >= 0 && v > 0n; i--, v >>= 8n) w[i] = Number(v & 0xffn);
  return w;
}
/** The tail of a dynamic value (string or bytes): length word, then the bytes padded right to 32. */
function tail(bytes: Buffer): Buffer {
  return Buffer.concat([word(bytes.length), bytes, Buffer.alloc((32 - (bytes.length % 32)) % 32)]);
}

/** abi.encode(string schema, uint64 seq, uint64 chainId, uint64 recordId, string kind, string id, uint64 at, string actor, bytes payload). */
function encodeOffchain(r: Record<string, unknown>): Buffer {
  const fields: [("uint" | "dyn"), unknown][] = [
    ["dyn", r.schema], ["uint", r.seq], ["uint", r.chainId], ["uint", r.recordId],
    ["dyn", r.kind], ["dyn", r.id], ["uint", r.at], ["dyn", r.actor], ["dyn", r.payload],
  ];
  const heads: Buffer[] = [];
  const tails: Buffer[] = [];
  let offset = 32 * fields.length;
  for (const [type, value] of fields) {
    if (type === "uint") {
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value >= 2 ** 64) refuse("a uint64 field is not a non-negative integer");
      heads.push(word(value as number));
    } else {
      const t = tail(Buffer.from(value as string, "utf8"));
      heads.push(word(offset));
      tails.push(t);
      offset += t.length;
    }
  }
  return Buffer.concat([...heads, ...tails]);
}

/** Sorted-pair fold (OpenZeppelin MerkleProof.processProof). */
function fold(leaf: Buffer, proof: Buffer[]): Buffer {
  let node = leaf;
  for (const s of proof) node = kec(Buffer.compare(node, s) <= 0 ? Buffer.concat([node, s]) : Buffer.concat([s, node]));
  return node;
}
function proofLength(position: number, count: number): number {
  let n = 0;
  for (let width = count, p = position; width > 1; width = Math.ceil(width / 2), p = Math.floor(p / 2)) if ((p ^ 1) < width) n++;
  return n;
}

async function jsonRpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) refuse(`${method}: ${body.error.message}`);
  return body.result as T;
}
const selector = (signature: string) => keccak256(Buffer.from(signature, "utf8")).slice(0, 10);

async function independentVerify(json: unknown, trust: Trust, askedRecordId?: number): Promise<Verdict> {
  try {
    const r = json as Record<string, unknown> & { record: Record<string, unknown>; proof: string[]; anchoring: { txHash: string; blockNumber: number } };
    // format
    if (typeof r !== "object" || r === null || Object.keys(r).sort().join() !== [...RECEIPT_FIELDS].sort().join()) refuse("receipt fields");
    if (r.format !== "gongzhi-receipt/1") refuse("format");
    const rec = r.record;
    if (typeof rec !== "object" || rec === null || Object.keys(rec).sort().join() !== [...RECORD_FIELDS].sort().join()) refuse("record fields");
    if (rec.schema !== OFFCHAIN) refuse("not an off-chain record");
    for (const k of ["kind", "id", "actor", "payload"]) if (typeof rec[k] !== "string") refuse(`record.${k} is not a string`);
    for (const k of ["chainId", "batchId", "firstLeaf", "leafCount", "leafIndex"]) if (!Number.isSafeInteger(r[k]) || (r[k] as number) < 0) refuse(k);
    const hex32 = /^0x[0-9a-f]{64}$/;
    for (const h of [r.root, r.leaf, r.anchoring?.txHash, ...(Array.isArray(r.proof) ? r.proof : [0])]) if (typeof h !== "string" || !hex32.test(h)) refuse("a hash is not 32 lowercase bytes");
    if (typeof r.encoded !== "string" || !/^0x(?:[0-9a-f]{2})*$/.test(r.encoded)) refuse("encoded");
    checkActor(rec.actor as string);
    if (!isCanonical(rec.payload as string)) refuse("payload is not canonical JSON");
    // pinned anchor and chain
    if (r.anchor !== trust.anchor.toLowerCase()) refuse(`anchored by ${String(r.anchor)}, not the pinned RecordAnchor`);
    if (r.chainId !== trust.chainId || rec.chainId !== r.chainId) refuse("chain id");
    // the record asked about
    if (askedRecordId !== undefined && rec.recordId !== askedRecordId) refuse(`receipt of record ${String(rec.recordId)}, not ${askedRecordId}`);
    // encoding, leaf
    const encoded = encodeOffchain(rec);
    if (hexOfBytes(encoded) !== r.encoded) refuse("the record does not encode to `encoded`");
    const leaf = kec(kec(encoded));
    if (hexOfBytes(leaf) !== r.leaf) refuse("leaf");
    // index and proof
    const first = r.firstLeaf as number;
    const count = r.leafCount as number;
    if (rec.seq !== r.leafIndex || (r.leafIndex as number) < first || (r.leafIndex as number) >= first + count) refuse("index");
    if (r.proof.length !== proofLength((r.leafIndex as number) - first, count)) refuse("proof length");
    const root = fold(leaf, r.proof.map(bytesOfHex));
    if (hexOfBytes(root) !== r.root) refuse("the proof does not lead to the root");
    // the chain
    if (Number(await jsonRpc<string>(trust.rpc, "eth_chainId", [])) !== trust.chainId) refuse("the node serves another chain");
    const call = (data: string) => jsonRpc<string>(trust.rpc, "eth_call", [{ to: trust.anchor, data }, "latest"]);
    const batch = bytesOfHex(await call(selector("batch(uint256)") + word(r.batchId as number).toString("hex")));
    if (batch.length !== 5 * 32) refuse("batch() answered no batch");
    const at = (i: number) => BigInt(hexOfBytes(batch.subarray(32 * i, 32 * i + 32)));
    if (hexOfBytes(batch.subarray(0, 32)) !== r.root) refuse("the anchored root differs");
    if (at(1) !== BigInt(first) || at(2) !== BigInt(count)) refuse("the anchored leaf range differs");
    if (at(4) !== BigInt(r.anchoring.blockNumber)) refuse("the anchoring block differs");
    const proofWords = r.proof.map((p) => p.slice(2)).join("");
    const verified = await call(selector("verify(uint256,bytes32,bytes32[])") + word(r.batchId as number).toString("hex") + (r.leaf as string).slice(2) + word(96).toString("hex") + word(r.proof.length).toString("hex") + proofWords);
    if (BigInt(verified) !== 1n) refuse("RecordAnchor.verify is false");
    const tx = await jsonRpc<{ status: string; blockNumber: string; logs: { address: string; topics: string[]; data: string }[] } | null>(trust.rpc, "eth_getTransactionReceipt", [r.anchoring.txHash]);
    if (!tx || tx.status !== "0x1" || Number(tx.blockNumber) !== r.anchoring.blockNumber) refuse("no such anchoring transaction in that block");
    const topic0 = keccak256(Buffer.from("BatchAnchored(uint256,bytes32,uint64,uint64)", "utf8"));
    const data = `0x${word(first).toString("hex")}${word(count).toString("hex")}`;
    const emitted = tx!.logs.some(
      (l) => l.address.toLowerCase() === trust.anchor.toLowerCase() && l.topics[0] === topic0 && l.topics[1] === hexOfBytes(word(r.batchId as number)) && l.topics[2]?.toLowerCase() === r.root && l.data.toLowerCase() === data,
    );
    if (!emitted) refuse("the anchoring transaction did not emit this batch's BatchAnchored");
    return { ok: true };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, why: err.message };
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The tests: a real server hands out receipts; the independent verifier judges them.
// ---------------------------------------------------------------------------------------------------------

type Receipt = Record<string, unknown> & { record: Record<string, unknown>; proof: string[]; anchoring: { txHash: string; blockNumber: number }; anchor: string };

/** Runs `npm run verify-receipt -- ...args` (the CLI, as a user runs it). */
function cli(...args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, "server/src/receipts/cli.ts"), ...args], {
    encoding: "utf8",
    cwd: repoRoot,
    env: { ...process.env, GONGZHI_RPC_URL: "" },
  });
}

describe("off-chain receipts, checked by an independent verifier written from docs/receipts.md", function () {
  this.timeout(180_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let deployment: Deployment;
  let deploymentFile: string;
  let trust: Trust;
  const inputs: OffchainInput[] = [];
  const receipts = new Map<number, Receipt>();
  const staff = privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Hex;
  const resident = privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Hex;

  const get = async (route: string) => {
    const res = await fetch(`${server.url}${route}`, { headers: { "Accept-Language": "en" } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("receipts-independent");
    ({ deployment, file: deploymentFile } = await deployAll(node.url, tmp.dir));
    trust = { rpc: node.url, anchor: deployment.contracts.RecordAnchor!.address, chainId: CHAIN_ID };
    const settings = loadServerSettings(
      {
        rpcUrl: node.url,
        chainId: CHAIN_ID,
        deployment: deploymentFile,
        dataDir: path.join(tmp.dir, "server"),
        port: 0,
        mode: "development",
        pollMs: 50,
        batchLeaves: 16,
        batchSeconds: 0,
        logLevel: "silent",
      },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    server = await startServer(settings, pino({ level: "silent" }), serverRoutes);
    // Some chain activity first, so the off-chain records share their batch with events.
    const reg = registryWriter(node.url, deployment.contracts.CommunityRegistry!.address);
    const estate = await reg.createEstate(holderAddress(900));
    await reg.registerUnits(await reg.addBuilding(estate), [{ area: 8000, holder: holderAddress(1) }]);
    await waitFor("the indexer to reach the head", async () => server.service.indexer.checkpoint.blockNumber >= Number(await clients(node.url).publicClient.getBlockNumber()), 60_000);
    // A work order's life, as a service records it: dispatched by staff for a resident (a proxy), accepted by
    // the worker, closed by the resident, and a retention purge by the system. The resident's phone is in the
    // payload only as a salted commitment.
    const phone = commit("13800138000");
    inputs.push(
      { kind: "workorder.dispatched", id: "wo-0042", at: 1_767_254_400, actor: { address: staff, onBehalfOf: resident, authorisation: "7" }, payload: { unit: 1, category: "lift", summary: "电梯门关不上", contactPhone: phone.commitment, priority: 2 } },
      { kind: "workorder.accepted", id: "wo-0042", at: 1_767_256_200, actor: { address: staff }, payload: { assignee: "p_31" } },
      { kind: "workorder.closed", id: "wo-0042", at: 1_767_261_600, actor: { address: resident }, payload: { outcome: "repaired", costFen: 35_000, photos: [] } },
      { kind: "retention.purged", id: "p_99", at: 1_767_300_000, actor: { system: "retention" }, payload: { category: "contact", count: 1 } },
    );
    const appended = await appendOffchain(server.service.store, server.service.lock, CHAIN_ID, inputs);
    expect(appended.map((a) => a.recordId)).to.deep.equal([0, 1, 2, 3]);
    for (const { recordId } of appended) {
      const answer = await (async () => {
        let last: { status: number; body: Record<string, unknown> } | undefined;
        await waitFor(`the receipt of off-chain record ${recordId}`, async () => (last = await get(`/api/receipts/offchain/${recordId}`)).status === 200, 30_000);
        return last!;
      })();
      receipts.set(recordId, answer.body as Receipt);
    }
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("accepts every off-chain receipt the server hands out, each for the record id asked", async function () {
    for (const [recordId, receipt] of receipts) {
      expect(await independentVerify(receipt, trust, recordId), `record ${recordId}`).to.deep.equal({ ok: true });
      const input = inputs[recordId]!;
      expect(receipt.record).to.include({ recordId, kind: input.kind, id: input.id, at: input.at });
    }
    // The receipts share a batch of several leaves, so their proofs have hashes to fold.
    expect(Math.max(...[...receipts.values()].map((r) => r.proof.length))).to.be.greaterThan(1);
    // The proxy is named in the record: staff, the resident and the authorisation.
    expect(JSON.parse(receipts.get(0)!.record.actor as string)).to.deep.equal({ address: staff, authorisation: "7", onBehalfOf: resident });
    // The phone number is nowhere in the receipt; its commitment is.
    expect(JSON.stringify(receipts.get(0))).to.not.contain("13800138000");
  });

  it("refuses a receipt with the payload, actor, record id or proof changed", async function () {
    const base = receipts.get(0)!;
    expect(base.proof.length, "a proof of several hashes, so that reordering it changes it").to.be.greaterThan(1);
    const encodeAgain = (r: Receipt): Receipt => {
      // A forger who also recomputes `encoded` and `leaf` from the changed record (by the document's rules):
      // the proof no longer leads to the anchored root.
      const encoded = encodeOffchain(r.record);
      return { ...r, encoded: hexOfBytes(encoded), leaf: hexOfBytes(kec(kec(encoded))) };
    };
    const changed = (change: (r: Receipt) => void): Receipt => {
      const r = structuredClone(base);
      change(r);
      return r;
    };
    const cases: [string, Receipt, RegExp][] = [
      ["payload", changed((r) => (r.record.payload = (r.record.payload as string).replace('"lift"', '"roof"'))), /does not encode/],
      ["payload, re-encoded", encodeAgain(changed((r) => (r.record.payload = (r.record.payload as string).replace('"priority":2', '"priority":1')))), /proof does not lead to the root/],
      ["payload not canonical", changed((r) => (r.record.payload = JSON.stringify(JSON.parse(r.record.payload as string), null, 1))), /payload is not canonical/],
      ["actor: the proxy hidden", changed((r) => (r.record.actor = JSON.stringify({ address: resident }))), /does not encode/],
      ["actor: the proxy hidden, re-encoded", encodeAgain(changed((r) => (r.record.actor = JSON.stringify({ address: resident })))), /proof does not lead to the root/],
      ["actor: another authorisation, re-encoded", encodeAgain(changed((r) => (r.record.actor = (r.record.actor as string).replace('"7"', '"8"')))), /proof does not lead to the root/],
      ["recordId", changed((r) => (r.record.recordId = 1)), /does not encode/],
      ["recordId, re-encoded", encodeAgain(changed((r) => (r.record.recordId = 1))), /proof does not lead to the root/],
      ["proof[0]", changed((r) => (r.proof[0] = `0x${r.proof[0]!.slice(2, 65)}${r.proof[0]!.endsWith("0") ? "1" : "0"}`)), /proof does not lead to the root/],
      ["proof shortened", changed((r) => r.proof.pop()), /proof length/],
      ["proof reordered", changed((r) => r.proof.reverse()), /proof does not lead to the root/],
    ];
    for (const [name, tampered, why] of cases) {
      const verdict = await independentVerify(tampered, trust);
      expect(verdict.ok, `${name} must be refused`).to.equal(false);
      expect((verdict as { why: string }).why, name).to.match(why);
    }
    // Asked for record 1, the genuine receipt of record 0 is refused.
    expect(await independentVerify(base, trust, 1)).to.deep.equal({ ok: false, why: "receipt of record 0, not 1" });
  });

  it("refuses a receipt anchored anywhere but the pinned RecordAnchor, even when the outsider's anchoring is genuine", async function () {
    const base = receipts.get(0)!;
    // The receipt relabelled to another anchor, or checked against another pin.
    const refusal = async (r: Receipt, t: Trust) => ((await independentVerify(r, t)) as { why?: string }).why;
    expect(await refusal({ ...base, anchor: `0x${"12".repeat(20)}` }, trust)).to.match(/not the pinned RecordAnchor/);
    expect(await refusal(base, { ...trust, anchor: `0x${"12".repeat(20)}` })).to.match(/not the pinned RecordAnchor/);
    expect(await refusal(base, { ...trust, chainId: 1 })).to.equal("chain id");
    // An outsider deploys their own registry and RecordAnchor, and anchors a record that says the proxy was the
    // resident: the receipt is consistent with the outsider's anchor, and refused against ours.
    const forged = await forgeInOutsiderAnchor({ ...base.record, actor: JSON.stringify({ address: resident }) });
    expect(await independentVerify(forged, { ...trust, anchor: forged.anchor })).to.deep.equal({ ok: true });
    expect(await refusal(forged, trust)).to.match(/not the pinned RecordAnchor/);
    // Claiming our anchor instead: our anchor's batch at that place has another root.
    expect(await refusal({ ...forged, anchor: trust.anchor.toLowerCase() }, trust)).to.match(/the anchored root differs/);
  });

  it("verify-receipt CLI: 0 verified, 1 tampered (step named), 2 not canonical, 3 unpinned, and --offchain-record", function () {
    const base = receipts.get(0)!;
    const save = (name: string, receipt: unknown) => {
      const file = path.join(tmp.dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(receipt, null, 2));
      return file;
    };
    const genuine = save("offchain-genuine", base);
    const ok = cli(genuine, "--rpc", node.url, "--deployment", deploymentFile, "--offchain-record", "0");
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/✔ record: the receipt is for off-chain record 0/).and.match(/✔ anchoring-tx:/).and.match(/receipt verified/);
    const another = cli(genuine, "--rpc", node.url, "--deployment", deploymentFile, "--offchain-record", "1");
    expect(another.status, another.stdout).to.equal(1);
    expect(another.stdout).to.match(/failed at step "record"/);
    const actor = cli(save("offchain-actor", { ...base, record: { ...base.record, actor: JSON.stringify({ address: resident }) } }), "--rpc", node.url, "--anchor", trust.anchor);
    expect(actor.status, actor.stdout).to.equal(1);
    expect(actor.stdout).to.match(/failed at step "encoding"/);
    const spaced = cli(save("offchain-spaced", { ...base, record: { ...base.record, payload: JSON.stringify(JSON.parse(base.record.payload as string), null, 1) } }), "--rpc", node.url, "--anchor", trust.anchor);
    expect(spaced.status, spaced.stdout).to.equal(2);
    expect(spaced.stdout).to.match(/record\.payload must be canonical JSON/);
    const unpinned = cli(genuine, "--rpc", node.url);
    expect(unpinned.status, unpinned.stdout).to.equal(3);
    const both = cli(genuine, "--rpc", node.url, "--anchor", trust.anchor, "--record", "0", "--offchain-record", "0");
    expect(both.status, both.stderr).to.equal(2);
  });

  it("GET /api/receipts/offchain/{recordId}: 404 for an unknown record, 400 for a malformed id, listed in /api/records and the OpenAPI document", async function () {
    const unknown = await get("/api/receipts/offchain/99");
    expect(unknown.status).to.equal(404);
    expect((unknown.body.error as { code: string; message: string }).code).to.equal("unknown_record");
    expect((unknown.body.error as { message: string }).message).to.contain("off-chain record");
    for (const bad of ["abc", "01", "-1"]) expect((await get(`/api/receipts/offchain/${bad}`)).status, bad).to.equal(400);
    const listed = (await get("/api/records?event=workorder.dispatched")).body as { items: { seq: number; offchainRecordId?: number }[] };
    expect(listed.items.map((i) => i.offchainRecordId)).to.deep.equal([0]);
    expect(listed.items[0]!.seq).to.equal(receipts.get(0)!.record.seq);
    const openapi = (await get("/api/openapi.json")).body as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).to.include("/api/receipts/offchain/{recordId}");
  });

  /** Anchors `record` (seq as given) in an outsider's own RecordAnchor, as anyone with a funded account can. */
  async function forgeInOutsiderAnchor(record: Record<string, unknown>): Promise<Receipt> {
    const outsider = generatePrivateKey();
    const admin = clients(node.url);
    await admin.publicClient.waitForTransactionReceipt({ hash: await admin.walletClient.sendTransaction({ to: privateKeyToAccount(outsider).address, value: 10n ** 18n }) });
    const { publicClient, walletClient, account } = clients(node.url, outsider);
    const own = await deployContracts({ publicClient, walletClient, plan: DEPLOY_PLAN.filter((s) => s.name === "CommunityRegistry" || s.name === "RecordAnchor"), anchorers: [account.address] });
    const address = own.contracts.RecordAnchor!.address.toLowerCase() as Address;
    const abi = loadArtifact("RecordAnchor").abi as Abi;
    const anchor = async (root: Hex, first: number, count: number) =>
      publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract({ address, abi, functionName: "anchor", args: [root, BigInt(first), BigInt(count)] }) });
    const seq = record.seq as number;
    let batchId = 0;
    if (seq > 0) {
      await anchor(keccak256("0x01"), 0, seq);
      batchId = 1;
    }
    const encoded = encodeOffchain(record);
    const leaf = kec(kec(encoded));
    const sibling = kec(Buffer.from("filler"));
    const root = kec(Buffer.compare(leaf, sibling) <= 0 ? Buffer.concat([leaf, sibling]) : Buffer.concat([sibling, leaf]));
    const tx = await anchor(hexOfBytes(root) as Hex, seq, 2);
    return {
      format: "gongzhi-receipt/1",
      chainId: CHAIN_ID,
      anchor: address,
      batchId,
      firstLeaf: seq,
      leafCount: 2,
      root: hexOfBytes(root),
      record,
      encoded: hexOfBytes(encoded),
      leaf: hexOfBytes(leaf),
      leafIndex: seq,
      proof: [hexOfBytes(sibling)],
      anchoring: { txHash: tx.transactionHash, blockNumber: Number(tx.blockNumber) },
    };
  }
});
