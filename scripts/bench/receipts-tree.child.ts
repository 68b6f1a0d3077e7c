// Child process of receipts.bench.ts: builds one tree of N leaves and answers proofs, so that its peak RSS
// (getrusage maxRSS) measures the tree alone. Prints one JSON line.
import { bytesToHex } from "viem";
import { keccak256 } from "../../server/src/receipts/keccak.js";
import { buildTree, proofOf } from "../../server/src/receipts/tree.js";

const n = Number(process.argv[2]);
const proofs = Number(process.argv[3] ?? 0);
const leaves = Buffer.allocUnsafe(n * 32);
const seed = Buffer.alloc(8);
for (let i = 0; i < n; i++) {
  seed.writeDoubleBE(i);
  keccak256(seed).copy(leaves, i * 32);
}
// The raw rate in this same process, just before the build: same runtime, same warm-up, same machine load.
const input = Buffer.alloc(64, 7);
const rawStart = performance.now();
for (let i = 0; i < 300_000; i++) {
  input[i & 63] = i & 255;
  keccak256(input);
}
const rawPerSec = 300_000 / ((performance.now() - rawStart) / 1000);
const started = performance.now();
const tree = buildTree(leaves);
const buildMs = performance.now() - started;
let proofsPerSec = 0;
if (proofs > 0) {
  let x = 12345;
  const t = performance.now();
  for (let i = 0; i < proofs; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    proofOf(tree, x % n).map((p) => bytesToHex(p)); // a receipt needs the proof as hex
  }
  proofsPerSec = proofs / ((performance.now() - t) / 1000);
}
console.log(JSON.stringify({ n, rawPerSec, buildMs, proofsPerSec, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
