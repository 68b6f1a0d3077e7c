// Keyset pagination, shared by the API's read routes and the services' queries: the cursor is the last key of
// the page (base64url, opaque to clients), so pages stay stable while entries are appended, and a filter skips
// entries without breaking it. Each caller turns an invalid cursor into its own 400.

export type Page<T> = { items: T[]; nextCursor?: string };

export type PageOptions<T> = {
  /** Only keys starting with this (e.g. `<estate>:`); all keys when empty. */
  prefix?: string;
  limit: number;
  cursor?: string;
  /** Turns a stored value into an item, or skips it (undefined) when a filter does not match. */
  map: (value: unknown, key: string) => T | undefined | Promise<T | undefined>;
};

/** The key a cursor stands for, or null when it was not made by us for this list. */
export function cursorKey(cursor: string, prefix: string): string | null {
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  // Keys are printable ASCII; anything else, or a key of another list, was not made by us.
  return /^[\x20-\x7e]+$/.test(key) && key.startsWith(prefix) ? key : null;
}

/** The LevelDB range of keys under `prefix`, after `after` when given. */
export function keyRange(prefix: string, after: string | undefined): { gte?: string; gt?: string; lt?: string } {
  return { ...(after === undefined ? { gte: prefix } : { gt: after }), ...(prefix ? { lt: `${prefix}\uffff` } : {}) };
}

/** One page of `limit` mapped items from entries in key order, with the cursor of the next page if any. */
export async function collectPage<T>(entries: AsyncIterable<[string, unknown]>, options: PageOptions<T>): Promise<Page<T>> {
  const items: T[] = [];
  let lastKey = "";
  for await (const [key, value] of entries) {
    const item = await options.map(value, key);
    if (item === undefined) continue;
    if (items.length === options.limit) return { items, nextCursor: Buffer.from(lastKey, "utf8").toString("base64url") };
    items.push(item);
    lastKey = key;
  }
  return { items };
}
