// Verifies a receipt against the chain, step by step, without our server: viem only and no Node APIs, so the
// web client can run it in a browser. Every field of the receipt is checked by some step, so a receipt with
// any byte changed fails, and the failing step says which part is wrong.
import {
  concat,
  encodeAbiParameters,
  keccak256,
  parseAbi,
  toEventSelector,
  type Hex,
  type PublicClient,
} from "viem";
import { RECEIPT_FORMAT, type Receipt } from "./format.js";
import { encodeRecord, OFFCHAIN_SCHEMA, ONCHAIN_SCHEMA } from "./record.js";

/** The part of RecordAnchor's ABI a verifier needs (checked against the compiled artifact by a test). */
export const RECORD_ANCHOR_VERIFY_ABI = parseAbi([
  "function batch(uint256 batchId) view returns ((bytes32 root, uint64 firstLeaf, uint64 leafCount, uint48 anchoredAt, uint48 blockNumber))",
  "function verify(uint256 batchId, bytes32 leaf, bytes32[] proof) view returns (bool)",
  "event BatchAnchored(uint256 indexed batchId, bytes32 indexed root, uint64 firstLeaf, uint64 leafCount)",
]);

export type StepName =
  | "format"
  | "encoding"
  | "leaf"
  | "index"
  | "proof"
  | "chain"
  | "anchored-batch"
  | "anchor-verify"
  | "anchoring-tx"
  | "source-log";

export type Step = { step: StepName; ok: boolean; detail: string };
export type VerifyReport = { ok: boolean; steps: Step[] };

const ADDRESS = /^0x[0-9a-f]{40}$/;
const BYTES32 = /^0x[0-9a-f]{64}$/;
const BYTES = /^0x(?:[0-9a-f]{2})*$/;

class Invalid extends Error {}
class Mismatch extends Error {}

function expectKeys(obj: unknown, keys: string[], where: string): Record<string, unknown> {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new Invalid(`${where} must be an object`);
  const actual = Object.keys(obj).sort();
  const wanted = [...keys].sort();
  if (actual.join(",") !== wanted.join(",")) {
    throw new Invalid(`${where} must have exactly the fields ${wanted.join(", ")}; it has ${actual.join(", ")}`);
  }
  return obj as Record<string, unknown>;
}
function expectInt(v: unknown, where: string): void {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new Invalid(`${where} must be a non-negative integer`);
}
function expectHex(v: unknown, re: RegExp, where: string): void {
  if (typeof v !== "string" || !re.test(v)) throw new Invalid(`${where} must be lowercase 0x-hex of the right length`);
}
function expectString(v: unknown, where: string): void {
  if (typeof v !== "string") throw new Invalid(`${where} must be a string`);
}

/** Checks the receipt's structure strictly: known version, exact fields, lowercase hex, integers. */
export function parseReceipt(json: unknown): Receipt {
  const r = expectKeys(
    json,
    ["format", "chainId", "anchor", "batchId", "firstLeaf", "leafCount", "root", "record", "encoded", "leaf", "leafIndex", "proof", "anchoring"],
    "the receipt",
  );
  if (r.format !== RECEIPT_FORMAT) throw new Invalid(`format must be "${RECEIPT_FORMAT}"; got ${JSON.stringify(r.format)}`);
  for (const k of ["chainId", "batchId", "firstLeaf", "leafCount", "leafIndex"]) expectInt(r[k], k);
  expectHex(r.anchor, ADDRESS, "anchor");
  expectHex(r.root, BYTES32, "root");
  expectHex(r.leaf, BYTES32, "leaf");
  expectHex(r.encoded, BYTES, "encoded");
  if (!Array.isArray(r.proof)) throw new Invalid("proof must be an array");
  r.proof.forEach((p, i) => expectHex(p, BYTES32, `proof[${i}]`));
  const a = expectKeys(r.anchoring, ["txHash", "blockNumber"], "anchoring");
  expectHex(a.txHash, BYTES32, "anchoring.txHash");
  expectInt(a.blockNumber, "anchoring.blockNumber");
  const rec = r.record as Record<string, unknown>;
  if (rec?.schema === ONCHAIN_SCHEMA) {
    expectKeys(rec, ["schema", "seq", "chainId", "emitter", "blockNumber", "blockHash", "txHash", "logIndex", "event", "topics", "data"], "record");
    for (const k of ["seq", "chainId", "blockNumber", "logIndex"]) expectInt(rec[k], `record.${k}`);
    expectHex(rec.emitter, ADDRESS, "record.emitter");
    expectHex(rec.blockHash, BYTES32, "record.blockHash");
    expectHex(rec.txHash, BYTES32, "record.txHash");
    expectString(rec.event, "record.event");
    if (!Array.isArray(rec.topics) || rec.topics.length > 4) throw new Invalid("record.topics must be an array of at most 4 topics");
    rec.topics.forEach((t, i) => expectHex(t, BYTES32, `record.topics[${i}]`));
    expectHex(rec.data, BYTES, "record.data");
  } else if (rec?.schema === OFFCHAIN_SCHEMA) {
    expectKeys(rec, ["schema", "seq", "chainId", "kind", "id", "at", "payload"], "record");
    for (const k of ["seq", "chainId", "at"]) expectInt(rec[k], `record.${k}`);
    for (const k of ["kind", "id", "payload"]) expectString(rec[k], `record.${k}`);
  } else {
    throw new Invalid(`record.schema must be "${ONCHAIN_SCHEMA}" or "${OFFCHAIN_SCHEMA}"`);
  }
  return json as Receipt;
}

/** OpenZeppelin's MerkleProof.processProof: fold sibling hashes with sorted-pair keccak256. */
export function processProofHex(leaf: Hex, proof: Hex[]): Hex {
  let node = leaf;
  for (const sibling of proof) node = keccak256(node <= sibling ? concat([node, sibling]) : concat([sibling, node]));
  return node;
}

const BATCH_ANCHORED = toEventSelector(
  "BatchAnchored(uint256 indexed batchId, bytes32 indexed root, uint64 firstLeaf, uint64 leafCount)",
);
const uint256Topic = (n: number) => encodeAbiParameters([{ type: "uint256" }], [BigInt(n)]);

/**
 * Verifies a receipt; `client` reads the chain (never our server). Stops at the first failing step.
 * `onStep`, if given, hears each step as soon as it is decided (the web client shows them one by one).
 */
export async function verifyReceipt(json: unknown, client: PublicClient, onStep?: (step: Step) => void): Promise<VerifyReport> {
  const steps: Step[] = [];
  let receipt: Receipt | undefined;
  const run = async (step: StepName, check: () => Promise<string> | string): Promise<boolean> => {
    let decided: Step;
    try {
      decided = { step, ok: true, detail: await check() };
    } catch (err) {
      const message = err instanceof Invalid || err instanceof Mismatch ? err.message : `${(err as Error).message.split("\n")[0]}`;
      decided = { step, ok: false, detail: message };
    }
    steps.push(decided);
    onStep?.(decided);
    return decided.ok;
  };
  const all = async (): Promise<boolean> => {
    if (!(await run("format", () => {
      receipt = parseReceipt(json);
      return `${RECEIPT_FORMAT}, ${receipt.record.schema}`;
    }))) return false;
    const r = receipt!;
    if (!(await run("encoding", () => {
      const encoded = encodeRecord(r.record);
      if (encoded !== r.encoded) throw new Mismatch("the record's fields do not encode to `encoded`");
      return `record encodes to the ${(encoded.length - 2) / 2} canonical bytes`;
    }))) return false;
    if (!(await run("leaf", () => {
      const leaf = keccak256(keccak256(r.encoded));
      if (leaf !== r.leaf) throw new Mismatch(`keccak256(keccak256(encoded)) is ${leaf}, not the receipt's leaf`);
      return `leaf ${leaf}`;
    }))) return false;
    if (!(await run("index", () => {
      if (r.record.seq !== r.leafIndex) throw new Mismatch(`record.seq ${r.record.seq} differs from leafIndex ${r.leafIndex}`);
      if (r.record.chainId !== r.chainId) throw new Mismatch(`record.chainId ${r.record.chainId} differs from chainId ${r.chainId}`);
      if (r.leafIndex < r.firstLeaf || r.leafIndex >= r.firstLeaf + r.leafCount) {
        throw new Mismatch(`leaf ${r.leafIndex} is outside the batch's leaves ${r.firstLeaf}..${r.firstLeaf + r.leafCount - 1}`);
      }
      if (r.proof.length > Math.ceil(Math.log2(Math.max(1, r.leafCount)))) throw new Mismatch("the proof is longer than the batch's tree is deep");
      return `log entry ${r.leafIndex} in leaves ${r.firstLeaf}..${r.firstLeaf + r.leafCount - 1}`;
    }))) return false;
    if (!(await run("proof", () => {
      const root = processProofHex(r.leaf, r.proof);
      if (root !== r.root) throw new Mismatch(`the proof leads to ${root}, not to the receipt's root`);
      return `${r.proof.length} sibling hashes lead to root ${root}`;
    }))) return false;
    if (!(await run("chain", async () => {
      const id = await client.getChainId();
      if (id !== r.chainId) throw new Mismatch(`the RPC endpoint serves chain ${id}, the receipt is for chain ${r.chainId}`);
      return `RPC endpoint serves chain ${id}`;
    }))) return false;
    if (!(await run("anchored-batch", async () => {
      const b = await client.readContract({ address: r.anchor, abi: RECORD_ANCHOR_VERIFY_ABI, functionName: "batch", args: [BigInt(r.batchId)] });
      if (b.root.toLowerCase() !== r.root) throw new Mismatch(`RecordAnchor ${r.anchor} batch ${r.batchId} has root ${b.root}, not the receipt's root`);
      if (Number(b.firstLeaf) !== r.firstLeaf || Number(b.leafCount) !== r.leafCount) {
        throw new Mismatch(`batch ${r.batchId} covers leaves ${b.firstLeaf}+${b.leafCount}, not ${r.firstLeaf}+${r.leafCount}`);
      }
      if (b.blockNumber !== r.anchoring.blockNumber) throw new Mismatch(`batch ${r.batchId} was anchored in block ${b.blockNumber}, not ${r.anchoring.blockNumber}`);
      return `RecordAnchor ${r.anchor} batch ${r.batchId}: root matches, anchored in block ${b.blockNumber}`;
    }))) return false;
    if (!(await run("anchor-verify", async () => {
      const ok = await client.readContract({ address: r.anchor, abi: RECORD_ANCHOR_VERIFY_ABI, functionName: "verify", args: [BigInt(r.batchId), r.leaf, r.proof] });
      if (!ok) throw new Mismatch("RecordAnchor.verify returned false");
      return "RecordAnchor.verify(batchId, leaf, proof) = true";
    }))) return false;
    if (!(await run("anchoring-tx", async () => {
      const tx = await client.getTransactionReceipt({ hash: r.anchoring.txHash });
      if (tx.status !== "success") throw new Mismatch(`anchoring transaction ${r.anchoring.txHash} did not succeed`);
      if (Number(tx.blockNumber) !== r.anchoring.blockNumber) throw new Mismatch(`anchoring transaction is in block ${tx.blockNumber}, not ${r.anchoring.blockNumber}`);
      const data = encodeAbiParameters([{ type: "uint64" }, { type: "uint64" }], [BigInt(r.firstLeaf), BigInt(r.leafCount)]);
      const found = tx.logs.some(
        (l) =>
          l.address.toLowerCase() === r.anchor &&
          l.topics[0] === BATCH_ANCHORED &&
          l.topics[1] === uint256Topic(r.batchId) &&
          l.topics[2]?.toLowerCase() === r.root &&
          l.data.toLowerCase() === data,
      );
      if (!found) throw new Mismatch(`transaction ${r.anchoring.txHash} did not emit BatchAnchored(${r.batchId}, root, ${r.firstLeaf}, ${r.leafCount})`);
      return `transaction ${r.anchoring.txHash} emitted BatchAnchored in block ${tx.blockNumber}`;
    }))) return false;
    const rec = r.record;
    if (rec.schema === ONCHAIN_SCHEMA) {
      if (!(await run("source-log", async () => {
        const tx = await client.getTransactionReceipt({ hash: rec.txHash });
        if (Number(tx.blockNumber) !== rec.blockNumber || tx.blockHash.toLowerCase() !== rec.blockHash) {
          throw new Mismatch(`transaction ${rec.txHash} is in block ${tx.blockNumber} (${tx.blockHash}), not the record's block`);
        }
        const log = tx.logs.find((l) => l.logIndex === rec.logIndex);
        if (!log) throw new Mismatch(`transaction ${rec.txHash} has no log with index ${rec.logIndex}`);
        if (log.address.toLowerCase() !== rec.emitter) throw new Mismatch(`log ${rec.logIndex} was emitted by ${log.address}, not ${rec.emitter}`);
        const topics = log.topics.map((t) => t.toLowerCase());
        if (topics.join() !== rec.topics.join()) throw new Mismatch(`log ${rec.logIndex}'s topics differ from the record's`);
        if (log.data.toLowerCase() !== rec.data) throw new Mismatch(`log ${rec.logIndex}'s data differs from the record's`);
        return `transaction ${rec.txHash} emitted this log (${rec.event}) in block ${rec.blockNumber}`;
      }))) return false;
    }
    return true;
  };
  const ok = await all();
  return { ok, steps };
}

