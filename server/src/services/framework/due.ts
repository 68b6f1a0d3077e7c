// The ids a sweep takes: a read model keyed `<numKey(time)>:<id>` (a deadline index), read in key order up to a
// bound, page by page so that a long backlog is never held in one listing.
import { numKey } from "../../store/store.js";
import type { ServiceStorage } from "./storage.js";

/** Ids of `model`'s entries whose time is below `before` (seconds), oldest first. */
export async function dueIds(storage: ServiceStorage, model: string, before: number, batch = 500): Promise<string[]> {
  const bound = numKey(before);
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page: string[] = [];
    for await (const [key] of storage.list(model, { after, limit: batch })) page.push(key);
    for (const key of page) {
      const colon = key.indexOf(":");
      if (key.slice(0, colon) >= bound) return ids;
      ids.push(key.slice(colon + 1));
    }
    if (page.length < batch) return ids;
    after = page[page.length - 1];
  }
}
