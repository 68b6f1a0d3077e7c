// Store inspection for tests: a digest of the whole LevelDB (every key and value, in key order).
import { createHash } from "node:crypto";
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
