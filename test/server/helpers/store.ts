// Store inspection for tests: a digest of the whole LevelDB (every key and value, in key order).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { Level } from "level";

/**
 * Digest of every entry except the sublevels named in `exclude` (e.g. "blocks": the hashes of range ends,
 * which depend on where adaptive ranges happened to stop, not on the chain).
 */
export async function digestStore(dir: string, exclude: string[] = []): Promise<{ digest: string; entries: number }> {
  const db = new Level<string, string>(dir, { valueEncoding: "utf8" });
  await db.open();
  const hash = createHash("sha256");
  let entries = 0;
  try {
    for await (const [key, value] of db.iterator()) {
      if (exclude.some((name) => key.startsWith(`!${name}!`))) continue;
      hash.update(key).update("\u0000").update(value).update("\u0001");
      entries++;
    }
  } finally {
    await db.close();
  }
  return { digest: hash.digest("hex"), entries };
}

/** The block of a closed store's checkpoint (−1: nothing indexed yet, or no store). */
export async function storedCheckpoint(dir: string): Promise<number> {
  return (await storedMeta(dir)).checkpoint;
}

/** A closed store's checkpoint block and log length (nextSeq), read without opening it as the indexer does. */
export async function storedMeta(dir: string): Promise<{ checkpoint: number; checkpointHash?: string; nextSeq: number }> {
  if (!existsSync(path.join(dir, "CURRENT"))) return { checkpoint: -1, nextSeq: 0 };
  const db = new Level<string, string>(dir, { valueEncoding: "utf8" });
  await db.open();
  try {
    const raw = await db.get("!meta!checkpoint");
    const seq = await db.get("!meta!nextSeq");
    const cp = raw ? (JSON.parse(raw) as { blockNumber: number; blockHash: string }) : undefined;
    return { checkpoint: cp?.blockNumber ?? -1, checkpointHash: cp?.blockHash, nextSeq: seq ? Number(seq) : 0 };
  } finally {
    await db.close();
  }
}
