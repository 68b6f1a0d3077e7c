// Keyset pagination over a LevelDB sublevel: the cursor is the last key of the page (base64url, opaque to
// clients), so pages stay stable while the indexer appends, and a filter skips entries without breaking it.
import { ApiError } from "../errors.js";
import { settled, type Store, type Sublevel } from "../../store/store.js";

export type Page<T> = { items: T[]; nextCursor?: string };

export type PageOptions<T> = {
  /** Only keys starting with this (e.g. `<estate>:`); all keys when empty. */
  prefix?: string;
  limit: number;
  cursor?: string;
  /** Turns a stored value into an item, or skips it (undefined) when a filter does not match. */
  map: (value: unknown, key: string) => T | undefined | Promise<T | undefined>;
};

function decodeCursor(cursor: string, prefix: string): string {
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  // Keys are printable ASCII; anything else, or a key of another list, was not made by us.
  if (!/^[\x20-\x7e]+$/.test(key) || !key.startsWith(prefix)) throw new ApiError(400, "invalid_cursor");
  return key;
}

export async function readPage<T>(store: Store, sublevel: Sublevel, options: PageOptions<T>): Promise<Page<T>> {
  const prefix = options.prefix ?? "";
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, prefix);
  await settled(store);
  const range = {
    ...(after === undefined ? { gte: prefix } : { gt: after }),
    ...(prefix ? { lt: `${prefix}\uffff` } : {}),
  };
  const items: T[] = [];
  let lastKey = "";
  for await (const [key, value] of sublevel.iterator(range)) {
    const item = await options.map(value, key);
    if (item === undefined) continue;
    if (items.length === options.limit) return { items, nextCursor: Buffer.from(lastKey, "utf8").toString("base64url") };
    items.push(item);
    lastKey = key;
  }
  return { items };
}

/** Every value under a prefix (for short lists inside one resource: a building's units, a plan's payments). */
export async function readAll<T>(store: Store, sublevel: Sublevel, prefix: string): Promise<T[]> {
  await settled(store);
  const out: T[] = [];
  for await (const value of sublevel.values({ gte: prefix, lt: `${prefix}\uffff` })) out.push(value as T);
  return out;
}
