// Keyset pagination over a sublevel of the indexer's store (store/paging.ts says how the cursor works).
import { ApiError } from "../errors.js";
import { collectPage, cursorKey, keyRange, type Page, type PageOptions } from "../../store/paging.js";
import { settled, type Store, type Sublevel } from "../../store/store.js";

export type { Page, PageOptions } from "../../store/paging.js";

export async function readPage<T>(store: Store, sublevel: Sublevel, options: PageOptions<T>): Promise<Page<T>> {
  const prefix = options.prefix ?? "";
  const after = options.cursor === undefined ? undefined : (cursorKey(options.cursor, prefix) ?? invalidCursor());
  await settled(store);
  return collectPage(sublevel.iterator(keyRange(prefix, after)) as AsyncIterable<[string, unknown]>, options);
}

function invalidCursor(): never {
  throw new ApiError(400, "invalid_cursor");
}

/** Every value under a prefix (for short lists inside one resource: a building's units, a plan's payments). */
export async function readAll<T>(store: Store, sublevel: Sublevel, prefix: string): Promise<T[]> {
  await settled(store);
  const out: T[] = [];
  for await (const value of sublevel.values({ gte: prefix, lt: `${prefix}\uffff` })) out.push(value as T);
  return out;
}
