// Keys kept in this browser: a private key registered for a resident by community staff (or a demo key),
// encrypted with the resident's passphrase (WebCrypto PBKDF2-SHA-256 → AES-256-GCM) and stored in localStorage.
// The plain key exists only in memory while signed in.
import { bytesToHex, hexToBytes, isHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export const PBKDF2_ITERATIONS = 310_000;
const STORAGE_KEY = "gongzhi.keys.v1";

export type StoredKey = {
  address: Address;
  label: string;
  /** PBKDF2 salt, AES-GCM nonce and ciphertext (key + tag), hex. */
  salt: Hex;
  iv: Hex;
  ciphertext: Hex;
  iterations: number;
  demo: boolean;
};

export class WrongPassphrase extends Error {}

export function storedKeys(): StoredKey[] {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]") as StoredKey[];
  } catch {
    return [];
  }
}

function save(keys: StoredKey[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(keys));
}

async function aesKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(passphrase), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Encrypts `privateKey` with `passphrase` and stores it (replacing a stored key of the same address). */
export async function importKey(privateKey: Hex, passphrase: string, label: string, demo = false): Promise<StoredKey> {
  if (!isHex(privateKey) || privateKey.length !== 66) throw new Error("bad_key");
  const address = privateKeyToAccount(privateKey).address;
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await aesKey(passphrase, salt, PBKDF2_ITERATIONS);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv as BufferSource, additionalData: hexToBytes(address) as BufferSource }, key, hexToBytes(privateKey) as BufferSource),
  );
  const stored: StoredKey = {
    address,
    label,
    salt: bytesToHex(salt),
    iv: bytesToHex(iv),
    ciphertext: bytesToHex(ciphertext),
    iterations: PBKDF2_ITERATIONS,
    demo,
  };
  save([...storedKeys().filter((k) => k.address !== address), stored]);
  return stored;
}

/** Decrypts a stored key; throws WrongPassphrase if the passphrase (or the stored data) is wrong. */
export async function unlockKey(stored: StoredKey, passphrase: string): Promise<Hex> {
  const key = await aesKey(passphrase, hexToBytes(stored.salt), stored.iterations);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: hexToBytes(stored.iv) as BufferSource, additionalData: hexToBytes(stored.address) as BufferSource },
      key,
      hexToBytes(stored.ciphertext) as BufferSource,
    );
    return bytesToHex(new Uint8Array(plain));
  } catch {
    throw new WrongPassphrase();
  }
}

export function forgetKey(address: Address): void {
  save(storedKeys().filter((k) => k.address !== address));
}
