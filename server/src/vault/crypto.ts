// AES-256-GCM for the vault, from node:crypto. Values are encrypted under the person's data key with the person
// id and the field name as additional authenticated data, so a ciphertext moved to another person or field
// does not decrypt; data keys are wrapped the same way under a master key, bound to the person and the key id.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A ciphertext as stored: base64 of the IV and of ciphertext‖tag. */
export type Sealed = { iv: string; ct: string };

export function randomKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Unambiguous AAD: a JSON array of the context's parts (ids and names never hold quotes or commas unescaped). */
export function aad(...parts: string[]): Buffer {
  return Buffer.from(JSON.stringify(parts), "utf8");
}

export function seal(key: Buffer, plaintext: Buffer, additional: Buffer): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(additional);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString("base64"), ct: ct.toString("base64") };
}

/** The plaintext, or undefined when the key, the AAD or the bytes are not those it was sealed with. */
export function open(key: Buffer, sealed: Sealed, additional: Buffer): Buffer | undefined {
  const iv = Buffer.from(sealed.iv, "base64");
  const all = Buffer.from(sealed.ct, "base64");
  if (iv.length !== IV_BYTES || all.length < TAG_BYTES) return undefined;
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(additional);
  decipher.setAuthTag(all.subarray(all.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(all.subarray(0, all.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** sha256 of a sealed value (hex): names one version of a ciphertext in the access log without revealing it. */
export function sealedHash(sealed: Sealed): string {
  return createHash("sha256").update(sealed.iv).update(".").update(sealed.ct).digest("hex");
}

/** A master key's id: the first 8 bytes of HMAC-SHA256(key, label), hex. Says which key, reveals nothing of it. */
export function keyIdOf(key: Buffer): string {
  return createHmac("sha256", key).update("gongzhi vault master key id").digest("hex").slice(0, 16);
}
