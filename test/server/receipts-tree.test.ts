// The compact tree and the canonical encoding against independent implementations: merkletreejs, OpenZeppelin's
// MerkleProof (through RecordAnchor.verify on an in-process Hardhat network) and ethers' ABI coder.
import { expect } from "chai";
import { network } from "hardhat";
import { AbiCoder, keccak256 as ethersKeccak, toUtf8Bytes } from "ethers";
import fc from "fast-check";
import { MerkleTree as MerkleTreeJs } from "merkletreejs";
import createKeccakHash from "keccak";
import { bytesToHex, toEventSelector, toFunctionSelector, type AbiFunction, type AbiEvent } from "viem";
import { buildTree, leafAt, processProof, proofOf, rootOf } from "../../server/src/receipts/tree.js";
import { keccak256 } from "../../server/src/receipts/keccak.js";
import { canonicalJson, encodeRecord, OFFCHAIN_SCHEMA, ONCHAIN_SCHEMA, type OnchainRecord } from "../../server/src/receipts/record.js";
import { leafOfRecord } from "../../server/src/receipts/log.js";
import { expectedProofLength, RECORD_ANCHOR_VERIFY_ABI } from "../../server/src/receipts/verify.js";
import { loadArtifact } from "../../server/src/chain/artifacts.js";

const jsKeccak = (data: Buffer) => createKeccakHash("keccak256").update(data).digest();

function randomLeaves(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n * 32);
  for (let i = 0; i < n; i++) keccak256(Buffer.from(`${seed}:${i}`)).copy(out, i * 32);
  return out;
}

describe("receipt tree", function () {
  it("has the root and proofs of merkletreejs (sortPairs) for 1–70 and some larger leaf counts", function () {
    for (const n of [...Array.from({ length: 70 }, (_, i) => i + 1), 127, 128, 129, 1000, 1023]) {
      const leaves = randomLeaves(n, n);
      const ours = buildTree(leaves);
      const leafList = Array.from({ length: n }, (_, i) => leaves.subarray(i * 32, i * 32 + 32));
      const theirs = new MerkleTreeJs(leafList, jsKeccak, { sortPairs: true });
      expect(bytesToHex(rootOf(ours)), `root of ${n}`).to.equal(theirs.getHexRoot());
      for (const i of [0, Math.floor(n / 2), n - 1]) {
        expect(proofOf(ours, i).map((p) => bytesToHex(p)), `proof ${i} of ${n}`).to.deep.equal(theirs.getHexProof(leafList[i], i));
        expect(processProof(leafAt(ours, i), proofOf(ours, i)).equals(rootOf(ours))).to.equal(true);
      }
    }
  });

  it("gives every leaf a proof of exactly the length the verifier expects from its position (1–300 leaves)", function () {
    for (let n = 1; n <= 300; n++) {
      const tree = buildTree(Buffer.alloc(32 * n, 7));
      for (let i = 0; i < n; i++) expect(expectedProofLength(i, n), `leaf ${i} of ${n}`).to.equal(proofOf(tree, i).length);
    }
  });

  it("gives proofs that OpenZeppelin's MerkleProof accepts through RecordAnchor.verify", async function () {
    const connection = await network.create();
    const [admin] = await connection.ethers.getSigners();
    const registry = await connection.ethers.deployContract("CommunityRegistry", [admin.address]);
    const anchor = await connection.ethers.deployContract("RecordAnchor", [await registry.getAddress()]);
    await (await registry.grantRole(await registry.ANCHORER_ROLE(), admin.address)).wait();
    let first = 0;
    for (const [batchId, n] of [1, 2, 3, 7, 33].entries()) {
      const tree = buildTree(randomLeaves(n, 100 + n));
      await (await anchor.anchor(bytesToHex(rootOf(tree)), first, n)).wait();
      for (let i = 0; i < n; i++) {
        const proof = proofOf(tree, i).map((p) => bytesToHex(p));
        expect(await anchor.verify(batchId, bytesToHex(leafAt(tree, i)), proof), `batch of ${n}, leaf ${i}`).to.equal(true);
      }
      const wrong = keccak256(Buffer.from("not a leaf"));
      expect(await anchor.verify(batchId, bytesToHex(wrong), proofOf(tree, 0).map((p) => bytesToHex(p)))).to.equal(false);
      first += n;
    }
  });
});

describe("canonical record encoding", function () {
  const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b));
  const onchain = fc.record({
    seq: fc.nat(),
    chainId: fc.integer({ min: 1, max: 2 ** 40 }),
    emitter: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => bytesToHex(b)),
    blockNumber: fc.nat(),
    blockHash: hex32,
    txHash: hex32,
    logIndex: fc.nat({ max: 100000 }),
    event: fc.string(),
    topics: fc.array(hex32, { maxLength: 4 }),
    data: fc.uint8Array({ maxLength: 200 }).map((b) => bytesToHex(b)),
  });

  it("is abi.encode of the documented on-chain tuple (checked with ethers' coder)", function () {
    fc.assert(
      fc.property(onchain, (fields) => {
        const record: OnchainRecord = { schema: ONCHAIN_SCHEMA, ...fields };
        const expected = AbiCoder.defaultAbiCoder().encode(
          ["string", "uint64", "uint64", "address", "uint64", "bytes32", "bytes32", "uint64", "string", "bytes32[]", "bytes"],
          [record.schema, record.seq, record.chainId, record.emitter, record.blockNumber, record.blockHash, record.txHash, record.logIndex, record.event, record.topics, record.data],
        );
        expect(encodeRecord(record)).to.equal(expected);
        expect(leafOfRecord(record)).to.equal(ethersKeccak(ethersKeccak(expected)));
      }),
      { numRuns: 200 },
    );
  });

  it("is abi.encode of the documented off-chain tuple, with canonical JSON payloads", function () {
    const payload = canonicalJson({ b: [2, { z: null, a: "工单" }], a: true });
    expect(payload).to.equal('{"a":true,"b":[2,{"a":"工单","z":null}]}');
    const actor = '{"address":"0x00000000000000000000000000000000000000aa","authorisation":"7","onBehalfOf":"p_12"}';
    const record = { schema: OFFCHAIN_SCHEMA, seq: 7, chainId: 31337, recordId: 3, kind: "workorder.created", id: "wo-1", at: 1700000000, actor, payload } as const;
    const expected = AbiCoder.defaultAbiCoder().encode(
      ["string", "uint64", "uint64", "uint64", "string", "string", "uint64", "string", "bytes"],
      [record.schema, record.seq, record.chainId, record.recordId, record.kind, record.id, record.at, record.actor, toUtf8Bytes(payload)],
    );
    expect(encodeRecord(record)).to.equal(expected);
    expect(() => canonicalJson({ x: 1.5 })).to.throw(/safe integers/);
  });

  it("verifier's RecordAnchor ABI matches the compiled artifact", function () {
    const abi = loadArtifact("RecordAnchor").abi;
    const selectors = new Set(
      abi.flatMap((i) => (i.type === "function" ? [toFunctionSelector(i as AbiFunction)] : i.type === "event" ? [toEventSelector(i as AbiEvent)] : [])),
    );
    for (const item of RECORD_ANCHOR_VERIFY_ABI) {
      const selector = item.type === "function" ? toFunctionSelector(item) : toEventSelector(item as AbiEvent);
      expect(selectors.has(selector), `${item.type} ${"name" in item ? item.name : ""}`).to.equal(true);
    }
  });
});

describe("fast paths of the indexer", function () {
  it("encodes off-chain records exactly as encodeRecord (viem), and their leaves with it", async function () {
    const { encodeOffchain } = await import("../../server/src/receipts/log.js");
    const { hexToBytes, keccak256: viemKeccak } = await import("viem");
    const text = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "grapheme", maxLength: 40 }), fc.constant(""));
    const uint = fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(0));
    fc.assert(
      fc.property(uint, uint, uint, text, text, uint, text, text, (seq, chainId, recordId, kind, id, at, actor, payload) => {
        const record = { schema: OFFCHAIN_SCHEMA, seq, chainId, recordId, kind, id, at, actor, payload } as const;
        const expected = encodeRecord(record);
        expect(bytesToHex(encodeOffchain(record))).to.equal(expected);
        expect(leafOfRecord(record)).to.equal(viemKeccak(viemKeccak(hexToBytes(expected))));
      }),
      { numRuns: 300 },
    );
  });

  it("encodes on-chain records exactly as encodeRecord (viem)", async function () {
    const { encodeOnchainRecord } = await import("../../server/src/receipts/fast-encode.js");
    const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b));
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.maxSafeNat(),
          chainId: fc.integer({ min: 1, max: 2 ** 40 }),
          emitter: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => bytesToHex(b)),
          blockNumber: fc.maxSafeNat(),
          blockHash: hex32,
          txHash: hex32,
          logIndex: fc.nat(),
          event: fc.string({ unit: "binary" }),
          topics: fc.array(hex32, { maxLength: 4 }),
          data: fc.uint8Array({ maxLength: 300 }).map((b) => bytesToHex(b)),
        }),
        (fields) => {
          const record: OnchainRecord = { schema: ONCHAIN_SCHEMA, ...fields };
          expect(bytesToHex(encodeOnchainRecord(record))).to.equal(encodeRecord(record));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("stores log entries in a binary form that reads back as the record, with the leaf of encodeRecord", async function () {
    const { logEntryEncoding, OnchainEntryWriter, storedLeaf } = await import("../../server/src/receipts/log-format.js");
    const { offchainEntry } = await import("../../server/src/receipts/log.js");
    const hex = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => bytesToHex(b));
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.maxSafeNat(),
          chainId: fc.integer({ min: 1, max: 2 ** 40 }),
          address: hex(20, 20),
          blockNumber: fc.maxSafeNat(),
          blockHash: hex(32, 32),
          txHash: hex(32, 32),
          logIndex: fc.nat({ max: 2 ** 32 - 1 }),
          contract: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,20}$/),
          event: fc.string({ unit: "binary", maxLength: 20 }).filter((e) => !e.includes(".")),
          topics: fc.array(hex(32, 32), { maxLength: 4 }),
          data: hex(0, 300),
        }),
        (f) => {
          const log = { address: f.address, topics: f.topics, data: f.data, blockNumber: "0x1", blockHash: f.blockHash, transactionHash: f.txHash, logIndex: "0x0" } as never;
          const event = { contract: f.contract, event: f.event, args: {}, address: f.address, blockNumber: f.blockNumber, blockHash: f.blockHash, txHash: f.txHash, logIndex: f.logIndex } as never;
          const value = new OnchainEntryWriter(f.chainId).value(f.seq, event, log);
          const record: OnchainRecord = {
            schema: ONCHAIN_SCHEMA,
            seq: f.seq,
            chainId: f.chainId,
            emitter: f.address,
            blockNumber: f.blockNumber,
            blockHash: f.blockHash,
            txHash: f.txHash,
            logIndex: f.logIndex,
            event: `${f.contract}.${f.event}`,
            topics: f.topics,
            data: f.data,
          };
          const leaf = leafOfRecord(record);
          const entry = logEntryEncoding.decode(value);
          expect(entry).to.deep.equal({ seq: f.seq, leaf, record, decoded: { contract: f.contract, event: f.event } });
          expect(bytesToHex(storedLeaf(value))).to.equal(leaf);
          expect(logEntryEncoding.encode(entry).equals(value)).to.equal(true);
        },
      ),
      { numRuns: 200 },
    );
    const off = offchainEntry(7, 31337, { recordId: 2, kind: "workorder.created", id: "wo-1", at: 1_700_000_000, actor: '{"system":"test"}', payload: canonicalJson({ a: 1 }) });
    expect(logEntryEncoding.decode(logEntryEncoding.encode(off))).to.deep.equal(off);
  });

  it("adds and subtracts decimal amounts exactly as BigInt does, across the safe-integer edge", async function () {
    const { addDec, subDec } = await import("../../server/src/indexer/models/refs.js");
    const edge = 2n ** 53n;
    const amount = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.bigInt({ min: edge - 1000n, max: edge + 1000n }), fc.bigInt({ min: 0n, max: 2n ** 128n }));
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        expect(addDec(a.toString(), b.toString())).to.equal((a + b).toString());
        if (a >= b) expect(subDec(a.toString(), b.toString())).to.equal((a - b).toString());
        else expect(() => subDec(a.toString(), b.toString())).to.throw(/below zero/);
      }),
      { numRuns: 2000 },
    );
  });

  it("packs a range's stored entries into one buffer exactly as written one by one, however it grows", async function () {
    const { makeDecoder } = await import("../../server/src/indexer/decode.js");
    const { entryAt, EntryPacker, OnchainEntryWriter } = await import("../../server/src/receipts/log-format.js");
    const { encodeEventTopics, encodeAbiParameters, parseAbi } = await import("viem");
    const abi = parseAbi(["event E(uint32 indexed a, bytes payload)"]);
    const address = "0x00000000000000000000000000000000000000aa";
    const named = makeDecoder([{ name: "C", address, abi }], { args: false });
    const writer = new OnchainEntryWriter(31337);
    const base = { address, blockNumber: "0x1", blockHash: `0x${"11".repeat(32)}`, transactionHash: `0x${"22".repeat(32)}`, logIndex: "0x0" } as const;
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 }), fc.nat({ max: 5 }), fc.nat({ max: 2000 }), (payloads, expected, size) => {
        const logs = payloads.map((p, i) => ({
          ...base,
          topics: encodeEventTopics({ abi, eventName: "E", args: { a: i } }) as `0x${string}`[],
          data: encodeAbiParameters([{ type: "bytes" }], [bytesToHex(p)]),
        }));
        const packer = new EntryPacker(expected, size); // too small on purpose: it must grow
        logs.forEach((log, i) => writer.append(packer, 7 + i, named(log), log));
        const packed = packer.finish();
        expect(packed.count).to.equal(logs.length);
        logs.forEach((log, i) => expect(entryAt(packed, i).equals(writer.value(7 + i, named(log), log)), `entry ${i}`).to.equal(true));
      }),
      { numRuns: 100 },
    );
  });

  it("renumbers a prepared range exactly as if it had been prepared for the new sequence numbers", async function () {
    const { makePreparer, reseq } = await import("../../server/src/indexer/prepare.js");
    const { encodeEventTopics, encodeAbiParameters, parseAbi } = await import("viem");
    const abi = parseAbi(["event E(uint32 indexed a, bytes payload)"]);
    const address = "0x00000000000000000000000000000000000000aa";
    const prepare = makePreparer({ chainId: 31337, contracts: [{ name: "C", address, abi }], addresses: [address] });
    const base = { address, blockHash: `0x${"11".repeat(32)}`, transactionHash: `0x${"22".repeat(32)}` } as const;
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 30 }), fc.nat({ max: 10_000 }), fc.nat({ max: 10_000 }), (payloads, first, moved) => {
        const logs = payloads.map((p, i) => ({
          ...base,
          blockNumber: `0x${(5 + (i >> 3)).toString(16)}` as const,
          logIndex: `0x${i.toString(16)}` as const,
          topics: encodeEventTopics({ abi, eventName: "E", args: { a: i } }) as `0x${string}`[],
          data: encodeAbiParameters([{ type: "bytes" }], [bytesToHex(p)]),
        }));
        const renumbered = reseq(prepare(logs, first, 5, 9), moved);
        const direct = prepare(logs, moved, 5, 9);
        expect(renumbered.firstSeq).to.equal(moved);
        expect(renumbered.count).to.equal(direct.count);
        const used = (e: typeof direct.entries) => e.bytes.subarray(0, e.offsets[e.count]);
        expect(used(renumbered.entries).equals(used(direct.entries))).to.equal(true);
        expect([...renumbered.entries.offsets.subarray(0, logs.length + 1)]).to.deep.equal([...direct.entries.offsets.subarray(0, logs.length + 1)]);
      }),
      { numRuns: 100 },
    );
  });

  it("decodes simple static event fields exactly as viem's ABI decoder, from the log and from its stored entry", async function () {
    const { makeDecoder, makeStoredDecoder } = await import("../../server/src/indexer/decode.js");
    const { OnchainEntryWriter } = await import("../../server/src/receipts/log-format.js");
    const { encodeEventTopics, encodeAbiParameters, parseAbi } = await import("viem");
    const abi = parseAbi(["event E(uint32 indexed a, address indexed b, bytes32 indexed c, uint64 d, bool e, uint256 f)", "event G(string indexed s, int32 x)"]);
    const address = "0x00000000000000000000000000000000000000aa";
    const decode = makeDecoder([{ name: "C", address, abi }]);
    const fromStored = makeStoredDecoder([{ name: "C", address, abi }]);
    const named = makeDecoder([{ name: "C", address, abi }], { args: false });
    const writer = new OnchainEntryWriter(31337);
    // The indexer's path: the worker names the event and stores the entry; the reducers get it decoded from the bytes.
    const viaStored = (log: Parameters<typeof decode>[0], seq: number) => fromStored()(writer.value(seq, named(log), log));
    const base = { address, blockNumber: "0x1", blockHash: `0x${"11".repeat(32)}`, transactionHash: `0x${"22".repeat(32)}`, logIndex: "0x0" } as const;
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.boolean(), fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), (a, b, d, e, f) => {
        const addr = bytesToHex(b);
        const topics = encodeEventTopics({ abi, eventName: "E", args: { a, b: addr, c: `0x${"ab".repeat(32)}` } });
        const data = encodeAbiParameters([{ type: "uint64" }, { type: "bool" }, { type: "uint256" }], [d, e, f]);
        const log = { ...base, topics: topics as `0x${string}`[], data };
        const ev = decode(log);
        expect(ev.args).to.deep.equal({ a, b: addr, c: `0x${"ab".repeat(32)}`, d: d.toString(), e, f: f.toString() });
        expect(viaStored(log, a)).to.deep.equal({ ...ev, seq: a });
      }),
      { numRuns: 200 },
    );
    const topics = encodeEventTopics({ abi, eventName: "G", args: { s: "x" } });
    const log = { ...base, topics: topics as `0x${string}`[], data: encodeAbiParameters([{ type: "int32" }], [-5]) };
    const ev = decode(log);
    expect(ev.args.x).to.equal(-5);
    expect(viaStored(log, 3)).to.deep.equal({ ...ev, seq: 3 });
    const unknown = { ...base, topics: [`0x${"cd".repeat(32)}`] as `0x${string}`[], data: "0x" as const };
    expect(viaStored(unknown, 4)).to.deep.equal({ ...decode(unknown), seq: 4 });
  });
});
