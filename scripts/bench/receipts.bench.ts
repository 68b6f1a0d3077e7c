// Receipt trees: build time for 100,000 and 1,000,000 leaves next to the runtime's fastest raw keccak256 rate
// (a tree of n leaves costs n − 1 hashes of 64 bytes), proofs per second, and the peak RSS of a 1M-leaf build
// measured in a child process. Goals: build ≥ 80 % of the raw rate, < 512 MB, ≥ 20,000 proofs/s.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import createKeccakHash from "keccak";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { keccak256, keccakImplementation, nativeKeccak256 } from "../../server/src/receipts/keccak.js";
import { round, type BenchModule, type Figure } from "./figures.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");

function hashRate(hash: (b: Buffer) => unknown, count = 500_000): number {
  const input = Buffer.alloc(64, 7);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    input[i & 63] = i & 255;
    hash(input);
  }
  return count / ((performance.now() - started) / 1000);
}

type ChildResult = { rawPerSec: number; buildMs: number; ratio: number; ratios: number[]; proofsPerSec: number; peakRssMB: number };

/** Builds `reps` trees of n leaves in a child process (medians; see receipts-tree.child.ts). */
function child(n: number, proofs: number, reps: number): ChildResult {
  const out = execFileSync(
    process.execPath,
    [
      "--expose-gc", // the child drops each tree before the next, so that its peak RSS is one tree's
      "--import",
      pathToFileURL(path.join(repo, "node_modules/tsx/dist/loader.mjs")).href,
      path.join(here, "receipts-tree.child.ts"),
      String(n),
      String(proofs),
      String(reps),
    ],
    { cwd: repo, encoding: "utf8" },
  );
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

const bench: BenchModule = {
  title: "Receipts: Merkle trees, proofs and memory",
  async run(): Promise<Figure[]> {
    hashRate(keccak256, 100_000); // warm-up
    const rates = {
      [`${keccakImplementation}, state reused`]: hashRate(keccak256),
      ...(nativeKeccak256 && keccakImplementation !== "keccak (native addon)" ? { "keccak (native addon), state reused": hashRate(nativeKeccak256) } : {}),
      "keccak (native addon), stream API": hashRate((b) => createKeccakHash("keccak256").update(b).digest()),
      "@noble/hashes": hashRate((b) => keccak_256(b)),
    };
    for (const [name, rate] of Object.entries(rates)) console.log(`keccak256 of 64 bytes, ${name}: ${Math.round(rate)}/s`);
    const fastest = Math.max(...Object.values(rates));
    const b100k = child(100_000, 0, 9);
    const b1m = child(1_000_000, 200_000, 3);
    // Each ratio is the median of per-build ratios, each against the raw rate measured just before that build
    // in the same child process, over the same number of hashes.
    console.log(`build/raw ratios, 100k: ${b100k.ratios.join(", ")}; 1M: ${b1m.ratios.join(", ")}`);
    const rate100k = b100k.ratio;
    const rate1m = b1m.ratio;
    return [
      { name: "receipts.keccak.hashesPerSec", value: Math.round(fastest), unit: "hashes/s", description: `fastest raw keccak256 of 64 bytes here (${Object.entries(rates).find(([, r]) => r === fastest)![0]})` },
      { name: "receipts.build100k.ms", value: round(b100k.buildMs, 1), unit: "ms", description: "build a 100,000-leaf tree (sorted pairs, flat buffer), median of 9" },
      { name: "receipts.build100k.ratioToRaw", value: round(rate100k, 3), unit: "×", description: "median of (n − 1) hashes / build time over the raw rate of n − 1 hashes just before, same process (goal ≥ 0.8)" },
      { name: "receipts.build1m.ms", value: round(b1m.buildMs, 1), unit: "ms", description: "build a 1,000,000-leaf tree, median of 3" },
      { name: "receipts.build1m.ratioToRaw", value: round(rate1m, 3), unit: "×", description: "the same ratio for 1M leaves (goal ≥ 0.8)" },
      { name: "receipts.build1m.peakRssMB", value: round(b1m.peakRssMB, 1), unit: "MB", description: "peak RSS of a child process holding 1,000,000 leaves and their tree (goal < 512)" },
      { name: "receipts.proofsPerSec", value: Math.round(b1m.proofsPerSec), unit: "proofs/s", description: "proofs of random leaves of the 1M tree, as hex (goal ≥ 20,000)" },
    ];
  },
};

export default bench;
