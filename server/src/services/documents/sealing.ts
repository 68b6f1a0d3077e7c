// Documents that show people (scanned paper ballots and authorisations) are encrypted at rest with the vault's
// AES-256-GCM (vault/crypto.ts): each document under its own random data key, bound to its hash as additional
// data (a sealed file moved under another hash does not open); the data key is wrapped under the vault's master
// key, named by its id, so a rotated key is still found among the previous ones and one document can be shredded
// by deleting its file. The stored form: "GZDOC1\n", one line of JSON (key id, wrapped key, IV), ciphertext‖tag.
import { aad, open, randomKey, seal, type Sealed } from "../../vault/crypto.js";
import type { MasterKey } from "../../vault/masterKey.js";

const MAGIC = Buffer.from("GZDOC1\n", "latin1");

export type DocumentKeys = { current: MasterKey; previous?: MasterKey[] };

type Header = { keyId: string; key: Sealed; iv: string };

/** The sealed form of a document's bytes. */
export function sealDocument(keys: DocumentKeys, hash: string, bytes: Uint8Array): Buffer {
  const dataKey = randomKey();
  const body = seal(dataKey, Buffer.from(bytes), aad("gongzhi document", hash));
  const header: Header = { keyId: keys.current.id, key: seal(keys.current.key, dataKey, aad("gongzhi document key", hash, keys.current.id)), iv: body.iv };
  return Buffer.concat([MAGIC, Buffer.from(`${JSON.stringify(header)}\n`, "utf8"), Buffer.from(body.ct, "base64")]);
}

/** The bytes of a sealed document; throws (naming the key id, never the content) when it cannot be opened. */
export function openDocument(keys: DocumentKeys, hash: string, sealed: Buffer): Buffer {
  if (!sealed.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`Document ${hash} is not in the sealed form; its file was replaced.`);
  const end = sealed.indexOf(0x0a, MAGIC.length);
  const header = JSON.parse(sealed.subarray(MAGIC.length, end).toString("utf8")) as Header;
  const master = [keys.current, ...(keys.previous ?? [])].find((k) => k.id === header.keyId);
  if (!master) throw new Error(`Document ${hash} is sealed under vault master key ${header.keyId}, which is not configured; set it as the current or a previous key.`);
  const dataKey = open(master.key, header.key, aad("gongzhi document key", hash, header.keyId));
  if (!dataKey) throw new Error(`The data key of document ${hash} does not open under master key ${header.keyId}: the file was altered.`);
  const bytes = open(dataKey, { iv: header.iv, ct: sealed.subarray(end + 1).toString("base64") }, aad("gongzhi document", hash));
  if (!bytes) throw new Error(`Document ${hash} does not decrypt: the file was altered.`);
  return bytes;
}

/**
 * The sealed form rewrapped under the current master key, or undefined when it already is. Only the header
 * changes (the data key's wrapping and the key id); the ciphertext stays byte for byte the same. The whole
 * document is opened first, so a file that would not open after the rotation is found now, while the previous
 * key still exists; throws as `openDocument` does.
 */
export function rewrapDocument(keys: DocumentKeys, hash: string, sealed: Buffer): Buffer | undefined {
  openDocument(keys, hash, sealed);
  const end = sealed.indexOf(0x0a, MAGIC.length);
  const header = JSON.parse(sealed.subarray(MAGIC.length, end).toString("utf8")) as Header;
  if (header.keyId === keys.current.id) return undefined;
  const master = [keys.current, ...(keys.previous ?? [])].find((k) => k.id === header.keyId)!;
  const dataKey = open(master.key, header.key, aad("gongzhi document key", hash, header.keyId))!;
  const rewrapped: Header = { keyId: keys.current.id, key: seal(keys.current.key, dataKey, aad("gongzhi document key", hash, keys.current.id)), iv: header.iv };
  return Buffer.concat([MAGIC, Buffer.from(`${JSON.stringify(rewrapped)}\n`, "utf8"), sealed.subarray(end + 1)]);
}
