// Child process of receipts.bench.ts: builds trees of N leaves and answers proofs, so that its peak RSS measures
// the tree alone. Prints one JSON line.
//
// The raw keccak256 rate and the build are measured alternately, several times, with the same number of
// hashes (n − 1) each, after both have been warmed up the same way; the figures are the medians. On a shared
// machine one cold or preempted measurement would otherwise decide the ratio.
import { readFileSync } from "node:fs";
import { bytesToHex } from "viem";
import { keccak256 } from "../../server/src/receipts/keccak.js";
import { buildTree, proofOf, type MerkleTree } from "../../server/src/receipts/tree.js";
import { median } from "./figures.js";

const n = Number(process.argv[2]);
const proofs = Number(process.argv[3] ?? 0);
const reps = Number(process.argv[4] ?? 5);
const gc = (globalThis as { gc?: () => void }).gc;

const leaves = Buffer.allocUnsafe(n * 32);
const seed = Buffer.alloc(8);
for (let i = 0; i < n; i++) {
  seed.writeDoubleBE(i);
  keccak256(seed).copy(leaves, i * 32);
}

/** Hashes per second of the raw loop: keccak256 of one 64-byte input (one byte changed each time). */
function rawRate(count: number): number {
  const input = Buffer.alloc(64, 7);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    input[i & 63] = i & 255;
    keccak256(input);
  }
  return count / ((performance.now() - started) / 1000);
}

/**
 * This process's peak RSS in MB: Linux's VmHWM, the high-water mark of its own address space. Not getrusage's
 * maxRSS, which on Linux also keeps the parent's RSS at the fork before exec (a large bench process would be
 * counted as this child's). Elsewhere, maxRSS.
 */
function peakRssMB(): number {
  try {
    const kB = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kB) return Number(kB) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

// Warm-up of both sides: the same few tens of thousands of hashes through each loop before anything is timed.
rawRate(32_768);
buildTree(leaves.subarray(0, Math.min(n, 32_768) * 32));

const rawRates: number[] = [];
const buildTimes: number[] = [];
const ratios: number[] = [];
const trees: MerkleTree[] = [];
for (let r = 0; r < reps; r++) {
  trees.pop(); // drop the previous tree (collected below), so that the peak RSS is one tree's
  gc?.();
  const raw = rawRate(n - 1);
  const started = performance.now();
  trees.push(buildTree(leaves));
  const ms = performance.now() - started;
  rawRates.push(raw);
  buildTimes.push(ms);
  ratios.push((n - 1) / (ms / 1000) / raw);
}
let proofsPerSec = 0;
if (proofs > 0) {
  let x = 12345;
  const t = performance.now();
  for (let i = 0; i < proofs; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    proofOf(trees[0], x % n).map((p) => bytesToHex(p)); // a receipt needs the proof as hex
  }
  proofsPerSec = proofs / ((performance.now() - t) / 1000);
}
console.log(
  JSON.stringify({
    n,
    reps,
    rawPerSec: median(rawRates),
    buildMs: median(buildTimes),
    ratio: median(ratios),
    ratios: ratios.map((x) => Math.round(x * 1000) / 1000),
    proofsPerSec,
    peakRssMB: peakRssMB(),
  }),
);
