// Verifies a receipt against the chain, step by step, without our server: viem only and no Node APIs, so the
// web client can run it in a browser (the CLI and the verify page share this one module). Every field of the
// receipt is checked by some step, so a receipt with any byte changed fails, and the failing step says which
// part is wrong. A receipt names its own anchor contract, and anyone can deploy a RecordAnchor and anchor an
// invented record in it: only a receipt checked against a pinned anchor (the deployment's) is "verified".
import {
  AbiDecodingDataSizeTooSmallError,
  AbiDecodingZeroDataError,
  BaseError,
  concat,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  encodeAbiParameters,
  keccak256,
  parseAbi,
  toEventSelector,
  TransactionReceiptNotFoundError,
  type Abi,
  type AbiEvent,
  type Address,
  type Hex,
  type Client,
} from "viem";
// The actions as functions, not a PublicClient's methods: the browser's verify page then carries only these three
// (a createPublicClient brings every public action, about 50 kB gzipped more).
import { getChainId, getTransactionReceipt, readContract } from "viem/actions";
import { actorText, parseActor } from "./actor.js";
import { RECEIPT_FORMAT, type Receipt } from "./format.js";
import { canonicalJson, encodeRecord, OFFCHAIN_SCHEMA, ONCHAIN_SCHEMA } from "./record.js";

/** The part of RecordAnchor's ABI a verifier needs (checked against the compiled artifact by a test). */
export const RECORD_ANCHOR_VERIFY_ABI = parseAbi([
  "function batch(uint256 batchId) view returns ((bytes32 root, uint64 firstLeaf, uint64 leafCount, uint48 anchoredAt, uint48 blockNumber))",
  "function verify(uint256 batchId, bytes32 leaf, bytes32[] proof) view returns (bool)",
  "event BatchAnchored(uint256 indexed batchId, bytes32 indexed root, uint64 firstLeaf, uint64 leafCount)",
]);

export type StepName =
  | "format"
  | "pinned-anchor"
  | "record"
  | "encoding"
  | "event"
  | "leaf"
  | "index"
  | "proof"
  | "chain"
  | "anchored-batch"
  | "anchor-verify"
  | "anchoring-tx"
  | "source-log";

/**
 * Why a step failed: `mismatch` — the receipt does not match itself, the pinned deployment or the chain;
 * `invalid` — the document is not a gongzhi-receipt/1 at all; `unreachable` — the chain node could not be asked
 * (nothing is known about the receipt).
 */
export type Failure = "mismatch" | "invalid" | "unreachable";
export type Step = { step: StepName; ok: boolean; detail: string; failure?: Failure };

/**
 * `verified`: every step held against the pinned anchor. `unpinned`: every step held, but against the anchor the
 * receipt names itself, which proves nothing (anyone can deploy a RecordAnchor). Otherwise the failure's kind.
 */
export type Outcome = "verified" | "unpinned" | Failure;
export type VerifyReport = { ok: boolean; outcome: Outcome; steps: Step[] };

/** The deployment a receipt must belong to (what the verifier trusts, never what the receipt says). */
export type Pin = {
  /** The deployment's RecordAnchor. */
  anchor: Address;
  /** The deployment's chain id, if known. */
  chainId?: number;
  /** The deployment's contracts by name: when given, an on-chain record's emitter must be the one it names. */
  contracts?: Record<string, Address>;
};

/** The pin of a deployment (a deployment file, or the configuration a server publishes). */
export function pinOf(deployment: { chainId: number; contracts: Record<string, { address: string }> }): Pin {
  const anchor = deployment.contracts.RecordAnchor?.address;
  if (!anchor || !ADDRESS.test(anchor.toLowerCase())) throw new Error("The deployment has no RecordAnchor address, so it cannot pin receipts.");
  const contracts = Object.fromEntries(Object.entries(deployment.contracts).map(([name, c]) => [name, c.address.toLowerCase() as Address]));
  return { anchor: anchor.toLowerCase() as Address, chainId: deployment.chainId, contracts };
}

export type VerifyOptions = {
  /** Without a pin every step still runs, and the outcome is at best `unpinned`. */
  pin?: Pin;
  /** The ABI of a contract name as used in `record.event` ("<Contract>.<Event>"), or undefined if there is none. */
  abiOf: (contract: string) => Abi | undefined;
  /** The record id asked about (the API's record id: its `seq`); the receipt must be for this record. */
  recordId?: string;
  /** The off-chain record id asked about (GET /api/receipts/offchain/{id}); the receipt must be for that record. */
  offchainRecordId?: string;
  /** Hears each step as soon as it is decided (the web client shows them one by one). */
  onStep?: (step: Step) => void;
};

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

/** `text` is canonical JSON (docs/receipts.md): parsed and written again, it is the same text. */
function expectCanonicalJson(text: string, where: string): void {
  let again: string;
  try {
    again = canonicalJson(JSON.parse(text));
  } catch (err) {
    throw new Invalid(`${where} must be canonical JSON text (${(err as Error).message})`);
  }
  if (again !== text) throw new Invalid(`${where} must be canonical JSON text (sorted keys, no spaces): it would be ${again}`);
}

/** An off-chain record's actor is the canonical JSON of one of the three actor forms. */
function expectCanonicalActor(text: string): void {
  let again: string;
  try {
    again = actorText(parseActor(text));
  } catch (err) {
    throw new Invalid(`record.actor must be the canonical JSON of an actor: ${(err as Error).message}`);
  }
  if (again !== text) throw new Invalid(`record.actor must be canonical JSON text (sorted keys, no spaces): it would be ${again}`);
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
    expectKeys(rec, ["schema", "seq", "chainId", "recordId", "kind", "id", "at", "actor", "payload"], "record");
    for (const k of ["seq", "chainId", "recordId", "at"]) expectInt(rec[k], `record.${k}`);
    for (const k of ["kind", "id", "actor", "payload"]) expectString(rec[k], `record.${k}`);
    expectCanonicalActor(rec.actor as string);
    expectCanonicalJson(rec.payload as string, "record.payload");
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
 * The exact number of sibling hashes on the path of the leaf at `position` (0-based, in its batch) in a tree of
 * `leafCount` leaves built as tree.ts builds it: one per level where the node has a sibling (an odd last node is
 * promoted without one). A proof of any other length starts from some other node, e.g. an inner node.
 */
export function expectedProofLength(position: number, leafCount: number): number {
  let length = 0;
  for (let width = leafCount, index = position; width > 1; width = Math.ceil(width / 2), index >>= 1) {
    if ((index ^ 1) < width) length++;
  }
  return length;
}

/** The selectors (topics[0]) of the non-anonymous events named `name` in `abi` (several if overloaded). */
function eventSelectors(abi: Abi, name: string): Hex[] {
  return abi
    .filter((item): item is AbiEvent => item.type === "event" && item.name === name && !item.anonymous)
    .map((item) => toEventSelector(item));
}

/**
 * Whether a failed chain read means "the chain says otherwise" (a revert, no contract, no such transaction, data
 * of the wrong shape) rather than "the node could not be asked". Anything else — a refused connection, a time-out,
 * an HTTP or JSON-RPC error — is `unreachable`: it never passes, and never claims the receipt is wrong either.
 */
function chainSaysNo(err: unknown): boolean {
  return (
    err instanceof BaseError &&
    !!err.walk(
      (e) =>
        e instanceof ContractFunctionRevertedError ||
        e instanceof ContractFunctionZeroDataError ||
        e instanceof TransactionReceiptNotFoundError ||
        e instanceof AbiDecodingZeroDataError ||
        e instanceof AbiDecodingDataSizeTooSmallError,
    )
  );
}

/**
 * Verifies a receipt; `client` reads the chain (never our server). Stops at the first failing step.
 * `report.ok` is true only when every step held against a pinned anchor (`outcome` "verified").
 */
export async function verifyReceipt(json: unknown, client: Client, options: VerifyOptions): Promise<VerifyReport> {
  const { pin, abiOf, recordId, offchainRecordId, onStep } = options;
  const steps: Step[] = [];
  let receipt: Receipt | undefined;
  const run = async (step: StepName, check: () => Promise<string> | string): Promise<boolean> => {
    let decided: Step;
    try {
      decided = { step, ok: true, detail: await check() };
    } catch (err) {
      if (err instanceof Invalid) decided = { step, ok: false, detail: err.message, failure: "invalid" };
      else if (err instanceof Mismatch) decided = { step, ok: false, detail: err.message, failure: "mismatch" };
      else {
        // viem's first line is generic for RPC failures; its `shortMessage`/`details` say what the node did.
        const e = err as Error & { shortMessage?: string; details?: string };
        const what = [e.shortMessage ?? e.message.split("\n")[0], e.details].filter(Boolean).join(" — ");
        decided = chainSaysNo(err)
          ? { step, ok: false, detail: `the chain says no: ${what}`, failure: "mismatch" }
          : { step, ok: false, detail: `could not reach the chain node: ${what}`, failure: "unreachable" };
      }
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
    if (!(await run("pinned-anchor", () => {
      if (!pin) {
        return `NOT PINNED: trusting the receipt's own anchor ${r.anchor}, which anyone could have deployed; pin the deployment's RecordAnchor`;
      }
      const anchor = pin.anchor.toLowerCase();
      if (r.anchor !== anchor) throw new Mismatch(`the receipt was anchored by ${r.anchor}, not by the pinned RecordAnchor ${anchor}`);
      if (pin.chainId !== undefined && r.chainId !== pin.chainId) {
        throw new Mismatch(`the receipt is for chain ${r.chainId}, the pinned deployment is on chain ${pin.chainId}`);
      }
      return `anchored by the pinned RecordAnchor ${anchor}`;
    }))) return false;
    if (recordId !== undefined) {
      if (!(await run("record", () => {
        if (String(r.record.seq) !== recordId) throw new Mismatch(`the receipt is for record ${r.record.seq}, not for record ${recordId}`);
        return `the receipt is for record ${recordId}`;
      }))) return false;
    }
    if (offchainRecordId !== undefined) {
      if (!(await run("record", () => {
        if (r.record.schema !== OFFCHAIN_SCHEMA) throw new Mismatch(`the receipt is for an on-chain record, not for off-chain record ${offchainRecordId}`);
        if (String(r.record.recordId) !== offchainRecordId) {
          throw new Mismatch(`the receipt is for off-chain record ${r.record.recordId}, not for off-chain record ${offchainRecordId}`);
        }
        return `the receipt is for off-chain record ${offchainRecordId}`;
      }))) return false;
    }
    if (!(await run("encoding", () => {
      const encoded = encodeRecord(r.record);
      if (encoded !== r.encoded) throw new Mismatch("the record's fields do not encode to `encoded`");
      return `record encodes to the ${(encoded.length - 2) / 2} canonical bytes`;
    }))) return false;
    const onchain = r.record.schema === ONCHAIN_SCHEMA ? r.record : undefined;
    if (onchain) {
      if (!(await run("event", () => {
        const dot = onchain.event.indexOf(".");
        const [contract, event] = [onchain.event.slice(0, dot), onchain.event.slice(dot + 1)];
        if (dot <= 0 || !event) throw new Mismatch(`record.event "${onchain.event}" is not "<Contract>.<Event>"`);
        if (pin?.contracts) {
          const address = pin.contracts[contract];
          if (!address) throw new Mismatch(`the pinned deployment has no contract ${contract}`);
          if (address.toLowerCase() !== onchain.emitter) throw new Mismatch(`${contract} is ${address.toLowerCase()} in the pinned deployment; the log was emitted by ${onchain.emitter}`);
        }
        const abi = abiOf(contract);
        if (!abi) throw new Mismatch(`no ABI is known for contract ${contract}, so its events cannot be named`);
        const selectors = eventSelectors(abi, event);
        if (selectors.length === 0) throw new Mismatch(`${contract}'s ABI has no event ${event}`);
        if (!selectors.includes(onchain.topics[0])) {
          throw new Mismatch(`topics[0] ${onchain.topics[0] ?? "(none)"} is not the selector of ${onchain.event} (${selectors.join(" or ")})`);
        }
        return `topics[0] is the selector of ${onchain.event}`;
      }))) return false;
    }
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
      const position = r.leafIndex - r.firstLeaf;
      const wanted = expectedProofLength(position, r.leafCount);
      if (r.proof.length !== wanted) {
        throw new Mismatch(`the proof has ${r.proof.length} hashes; leaf ${position} of a batch of ${r.leafCount} needs exactly ${wanted}`);
      }
      return `log entry ${r.leafIndex} in leaves ${r.firstLeaf}..${r.firstLeaf + r.leafCount - 1}, proof of ${wanted} hashes`;
    }))) return false;
    if (!(await run("proof", () => {
      const root = processProofHex(r.leaf, r.proof);
      if (root !== r.root) throw new Mismatch(`the proof leads to ${root}, not to the receipt's root`);
      return `${r.proof.length} sibling hashes lead to root ${root}`;
    }))) return false;
    if (!(await run("chain", async () => {
      const id = await getChainId(client);
      if (id !== r.chainId) throw new Mismatch(`the RPC endpoint serves chain ${id}, the receipt is for chain ${r.chainId}`);
      return `RPC endpoint serves chain ${id}`;
    }))) return false;
    if (!(await run("anchored-batch", async () => {
      const b = await readContract(client, { address: r.anchor, abi: RECORD_ANCHOR_VERIFY_ABI, functionName: "batch", args: [BigInt(r.batchId)] });
      if (b.root.toLowerCase() !== r.root) throw new Mismatch(`RecordAnchor ${r.anchor} batch ${r.batchId} has root ${b.root}, not the receipt's root`);
      if (Number(b.firstLeaf) !== r.firstLeaf || Number(b.leafCount) !== r.leafCount) {
        throw new Mismatch(`batch ${r.batchId} covers leaves ${b.firstLeaf}+${b.leafCount}, not ${r.firstLeaf}+${r.leafCount}`);
      }
      if (b.blockNumber !== r.anchoring.blockNumber) throw new Mismatch(`batch ${r.batchId} was anchored in block ${b.blockNumber}, not ${r.anchoring.blockNumber}`);
      return `RecordAnchor ${r.anchor} batch ${r.batchId}: root matches, anchored in block ${b.blockNumber}`;
    }))) return false;
    if (!(await run("anchor-verify", async () => {
      const ok = await readContract(client, { address: r.anchor, abi: RECORD_ANCHOR_VERIFY_ABI, functionName: "verify", args: [BigInt(r.batchId), r.leaf, r.proof] });
      if (!ok) throw new Mismatch("RecordAnchor.verify returned false");
      return "RecordAnchor.verify(batchId, leaf, proof) = true";
    }))) return false;
    if (!(await run("anchoring-tx", async () => {
      const tx = await getTransactionReceipt(client, { hash: r.anchoring.txHash });
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
    const rec = onchain;
    if (rec) {
      if (!(await run("source-log", async () => {
        const tx = await getTransactionReceipt(client, { hash: rec.txHash });
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
  const passed = await all();
  const outcome: Outcome = passed ? (pin ? "verified" : "unpinned") : (steps.at(-1)!.failure ?? "mismatch");
  return { ok: outcome === "verified", outcome, steps };
}

