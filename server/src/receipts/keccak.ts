// keccak256 for the server: the native `keccak` addon's state object, used directly, is the fastest hash the
// Node runtime has (about 2× its stream API and 3–4× @noble/hashes for 64-byte inputs). The browser-safe
// verifier does not use this module.
import { createRequire } from "node:module";
import path from "node:path";
import { keccak_256 } from "@noble/hashes/sha3.js";

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

const NativeState = loadNativeState();
const state = NativeState ? new NativeState() : undefined;

/** Which implementation `keccak256` uses here, for benchmark labels. */
export const keccakImplementation = state ? "keccak (native addon)" : "@noble/hashes";

/** keccak256 of `data` (Ethereum's Keccak, not SHA3-256). Returns a fresh 32-byte Buffer. */
export const keccak256: (data: Buffer) => Buffer = state
  ? (data) => {
      state.initialize(1088, 512);
      state.absorb(data);
      return state.squeeze(32);
    }
  : (data) => Buffer.from(keccak_256(data));

/** The OpenZeppelin leaf of an encoded record: keccak256(keccak256(encoded)). */
export function leafOf(encoded: Buffer): Buffer {
  return keccak256(keccak256(encoded));
}
