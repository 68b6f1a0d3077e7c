// docs/receipts.md's worked example is what the code computes: every value in it (the commitment, the canonical
// payload and actor, the record's encoding word by word, the leaves, the two-leaf root and the proofs, the
// selectors) is read from the document and recomputed here with the server's own functions, so the example
// cannot drift from the code. The independent verifier (receipts-independent.test.ts) checks the other way:
// that the document alone is enough to verify real receipts.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { bytesToHex, concat, keccak256, toEventSelector, toFunctionSelector, type Hex } from "viem";
import { noteCommitment } from "../../server/src/chain/commitment.js";
import { verifyCommitment } from "../../server/src/vault/commitment.js";
import { actorText, parseActor } from "../../server/src/receipts/actor.js";
import { leafOfRecord } from "../../server/src/receipts/log.js";
import { canonicalJson, encodeRecord, OFFCHAIN_SCHEMA, type OffchainRecord } from "../../server/src/receipts/record.js";
import { buildTree, proofOf, rootOf } from "../../server/src/receipts/tree.js";
import { expectedProofLength, parseReceipt } from "../../server/src/receipts/verify.js";
import { repoRoot } from "./helpers/chain.js";

const doc = readFileSync(path.join(repoRoot, "docs/receipts.md"), "utf8");

/** The fenced block after `<!-- example:name -->`. */
function block(name: string): string {
  const m = new RegExp(`<!-- example:${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
  if (!m) throw new Error(`docs/receipts.md has no block <!-- example:${name} -->`);
  return m[1]!;
}

/** `name = value` lines of a block (continuation lines, indented, append to the value before them). */
function values(name: string): Map<string, string> {
  const out = new Map<string, string>();
  let last = "";
  for (const line of block(name).split("\n")) {
    const m = /^(\S.*\S)\s+=\s+(\S+)$/.exec(line);
    if (m) out.set((last = m[1]!), m[2]!);
    else if (/^\s+\S/.test(line) && last) out.set(last, `${out.get(last)!} ${line.trim()}`);
  }
  return out;
}

const value = (map: Map<string, string>, key: string): string => {
  const v = map.get(key);
  if (v === undefined) throw new Error(`the worked example has no "${key} = …"`);
  return v;
};

describe("docs/receipts.md worked example", function () {
  const recordA = JSON.parse(block("record")) as OffchainRecord;
  const recordB = JSON.parse(block("record-b")) as OffchainRecord;

  it("the commitment is keccak256(abi.encode(salt, value)), by both commitment modules", function () {
    const c = values("commitment");
    const salt = value(c, "salt") as Hex;
    const phone = value(c, "value");
    const words = value(c, "encoding").split(/\s+/);
    expect(words, "four 32-byte words").to.have.length(4);
    const encoding = `0x${words.join("")}` as Hex;
    expect(keccak256(encoding)).to.equal(value(c, "commitment"));
    expect(noteCommitment(salt, phone), "chain/commitment.ts").to.equal(value(c, "commitment"));
    expect(verifyCommitment(phone, salt, value(c, "commitment") as Hex), "vault/commitment.ts").to.equal(true);
    // Not a plain hash of the value, which anyone could recompute from a guess.
    expect(value(c, "commitment")).to.not.equal(keccak256(new TextEncoder().encode(phone)));
  });

  it("the payload and actor texts are the canonical JSON of the values shown, and the record carries them", function () {
    const payloadValue = JSON.parse(block("payload-value")) as Record<string, unknown>;
    expect(canonicalJson(payloadValue)).to.equal(block("payload"));
    expect(Buffer.byteLength(block("payload"), "utf8")).to.equal(175);
    // The payload holds the commitment, not the phone number.
    expect(payloadValue.contactPhone).to.equal(value(values("commitment"), "commitment"));
    expect(block("payload")).to.not.contain(value(values("commitment"), "value"));
    const actor = parseActor(block("actor"));
    expect(actorText(actor)).to.equal(block("actor"));
    expect(actor).to.have.property("onBehalfOf", "p_12");
    expect(recordA.payload).to.equal(block("payload"));
    expect(recordA.actor).to.equal(block("actor"));
    expect(Object.keys(recordA)).to.deep.equal(["schema", "seq", "chainId", "recordId", "kind", "id", "at", "actor", "payload"]);
    expect(recordA.schema).to.equal(OFFCHAIN_SCHEMA);
  });

  it("the encoding table is encodeRecord's output word by word, at the offsets shown", function () {
    const rows = block("encoded")
      .split("\n")
      .map((line) => /^0x([0-9a-f]{3}) {2}([0-9a-f]{64}) {2}\S/.exec(line));
    expect(rows.every(Boolean), "every line is `offset  word  comment`").to.equal(true);
    rows.forEach((m, i) => expect(parseInt(m![1]!, 16), `offset of word ${i}`).to.equal(32 * i));
    const encoded = `0x${rows.map((m) => m![2]).join("")}`;
    expect(encoded).to.equal(encodeRecord(recordA));
    // The head words the table explains: the first tail offset is 9 × 32.
    expect(rows[0]![2]).to.equal((0x120).toString(16).padStart(64, "0"));
  });

  it("the leaves, the two-leaf root and both proofs are what the log and the tree compute", function () {
    const leaf = values("leaf");
    const encodedA = encodeRecord(recordA);
    expect(value(leaf, "keccak256(encoded)")).to.equal(keccak256(encodedA));
    expect(value(leaf, "leaf = keccak256(that hash)")).to.equal(keccak256(keccak256(encodedA)));
    expect(value(leaf, "leaf = keccak256(that hash)")).to.equal(leafOfRecord(recordA));

    const tree = values("tree");
    expect(value(tree, "keccak256(encoded B)")).to.equal(keccak256(encodeRecord(recordB)));
    expect(value(tree, "leaf B")).to.equal(leafOfRecord(recordB));
    expect([recordA.seq, recordB.seq]).to.deep.equal([7, 8]);
    const leaves = Buffer.concat([leafOfRecord(recordA), leafOfRecord(recordB)].map((l) => Buffer.from(l.slice(2), "hex")));
    const built = buildTree(leaves);
    expect(value(tree, "root = keccak256(leaf B ‖ leaf A)")).to.equal(bytesToHex(rootOf(built)));
    expect(value(tree, "root = keccak256(leaf B ‖ leaf A)")).to.equal(keccak256(concat([leafOfRecord(recordB), leafOfRecord(recordA)])));
    expect(value(tree, "proof of record A")).to.equal(`[${proofOf(built, 0).map((p) => bytesToHex(p)).join(", ")}]`);
    expect(value(tree, "proof of record B")).to.equal(`[${proofOf(built, 1).map((p) => bytesToHex(p)).join(", ")}]`);
    expect(expectedProofLength(0, 2)).to.equal(1);
    expect(leafOfRecord(recordB) < leafOfRecord(recordA), "leaf B sorts first, as the text says").to.equal(true);
  });

  it("a receipt built from the example passes the verifier's format checks, and a non-canonical payload does not", function () {
    const receipt = {
      format: "gongzhi-receipt/1",
      chainId: 31337,
      anchor: `0x${"ab".repeat(20)}`,
      batchId: 0,
      firstLeaf: 7,
      leafCount: 2,
      root: value(values("tree"), "root = keccak256(leaf B ‖ leaf A)"),
      record: recordA,
      encoded: encodeRecord(recordA),
      leaf: leafOfRecord(recordA),
      leafIndex: 7,
      proof: [leafOfRecord(recordB)],
      anchoring: { txHash: `0x${"cd".repeat(32)}`, blockNumber: 9 },
    };
    expect(() => parseReceipt(receipt)).to.not.throw();
    const spaced = JSON.stringify(JSON.parse(recordA.payload), null, 1);
    expect(() => parseReceipt({ ...receipt, record: { ...recordA, payload: spaced } })).to.throw(/record\.payload must be canonical JSON/);
    const unsorted = '{"onBehalfOf":"p_12","address":"0x70997970c51812dc3a010c7d01b50e0d17dc79c8","authorisation":"7"}';
    expect(() => parseReceipt({ ...receipt, record: { ...recordA, actor: unsorted } })).to.throw(/record\.actor must be canonical JSON/);
    expect(() => parseReceipt({ ...receipt, record: { ...recordA, actor: '{"name":"王阿姨"}' } })).to.throw(/record\.actor must be the canonical JSON of an actor/);
  });

  it("the selectors are those of RecordAnchor's batch, verify and BatchAnchored", function () {
    const s = values("selectors");
    expect(value(s, "batch(uint256)")).to.equal(toFunctionSelector("batch(uint256)"));
    expect(value(s, "verify(uint256,bytes32,bytes32[])")).to.equal(toFunctionSelector("verify(uint256,bytes32,bytes32[])"));
    expect(value(s, "BatchAnchored(uint256,bytes32,uint64,uint64)")).to.equal(toEventSelector("BatchAnchored(uint256,bytes32,uint64,uint64)"));
  });
});
