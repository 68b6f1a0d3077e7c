// keccak256 for the server: hash-wasm's WebAssembly Keccak, one hasher reused, is the fastest hash this Node
// runtime has (about 1.4× the native `keccak` addon's state object used directly, whose three native calls per
// hash cost more than the permutation for short inputs; 3–4× its stream API; 7× @noble/hashes for records).
// The native addon and @noble/hashes remain as fallbacks. The browser-safe verifier does not use this module.
import { createRequire } from "node:module";
import path from "node:path";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { createKeccak } from "hash-wasm";

type KeccakState = {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  squeeze(length: number): Buffer;
};
type KeccakStateClass = new () => KeccakState;

function loadNativeState(): KeccakStateClass | undefined {
  try {
    const require = createRequire(import.meta.url);
    const keccakDir = path.dirname(require.resolve("keccak/package.json"));
    const gypBuild = createRequire(path.join(keccakDir, "package.json"))("node-gyp-build") as (dir: string) => unknown;
    const addon = gypBuild(keccakDir);
    return typeof addon === "function" ? (addon as KeccakStateClass) : undefined;
  } catch {
    return undefined;
  }
}

const wasm = await createKeccak(256).catch(() => undefined);
const NativeState = loadNativeState();
const state = NativeState ? new NativeState() : undefined;

/** The native addon's state object used directly (for the benchmarks' comparison), if the addon loads. */
export const nativeKeccak256: ((data: Buffer) => Buffer) | undefined = state
  ? (data) => {
      state.initialize(1088, 512);
      state.absorb(data);
      return state.squeeze(32);
    }
  : undefined;

/** Which implementation `keccak256` uses here, for benchmark labels. */
export const keccakImplementation = wasm ? "hash-wasm (WebAssembly)" : state ? "keccak (native addon)" : "@noble/hashes";

/** keccak256 of `data` (Ethereum's Keccak, not SHA3-256). Returns a fresh 32-byte Buffer. */
export const keccak256: (data: Buffer) => Buffer = wasm
  ? (data) => {
      wasm.init();
      wasm.update(data);
      const digest = wasm.digest("binary");
      return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength);
    }
  : (nativeKeccak256 ?? ((data) => Buffer.from(keccak_256(data))));

/** The OpenZeppelin leaf of an encoded record: keccak256(keccak256(encoded)). */
export function leafOf(encoded: Buffer): Buffer {
  return keccak256(keccak256(encoded));
}
