// A master-key rotation reaches the sealed documents too: each one's data key is rewrapped under the current key
// before the vault retires the previous one, otherwise destroying the old key (as the rotation tells the operator
// to) would leave every scan sealed under it unreadable. Only the header of each file changes; each file is
// replaced atomically (BlobStorage.put: temporary file, flush, rename); a file already under the current key is
// left alone, so a rotation interrupted half way is finished by the next start.
import { rewrapDocument, type DocumentKeys } from "./sealing.js";
import type { BlobStorage } from "./storage.js";

export const SEALED_SUFFIX = ".sealed";

export type RewrapResult = {
  /** Documents whose data key was rewrapped now. */
  rewrapped: number;
  /** Documents already under the current key. */
  current: number;
  /** Documents that did not open, by hash, with why (never content): the previous key must stay until they are dealt with. */
  failed: { hash: string; reason: string }[];
};

/** Rewraps every sealed document's data key under `keys.current`. */
export async function rewrapSealedDocuments(blobs: BlobStorage, keys: DocumentKeys): Promise<RewrapResult> {
  const result: RewrapResult = { rewrapped: 0, current: 0, failed: [] };
  for (const name of (await blobs.names()).filter((n) => n.endsWith(SEALED_SUFFIX)).sort()) {
    const hash = name.slice(0, -SEALED_SUFFIX.length);
    try {
      const sealed = await blobs.get(name);
      if (!sealed) continue; // removed meanwhile (shredded)
      const rewrapped = rewrapDocument(keys, hash, sealed);
      if (!rewrapped) {
        result.current++;
        continue;
      }
      await blobs.put(name, rewrapped);
      result.rewrapped++;
    } catch (error) {
      result.failed.push({ hash, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
