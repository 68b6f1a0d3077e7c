// What the read routes read: the indexer's store (read models and receipt log), the deployment it follows, and
// the chain's clock. The API runs in the indexer's process, since LevelDB admits one process per directory.
import type { PublicClient } from "viem";
import type { Deployment } from "../../chain/deployment.js";
import { modelSublevel, readModel, type Store, type Sublevel } from "../../store/store.js";
import { createTreeCache, type TreeCache } from "../../receipts/receipt.js";

export type ResourceDeps = {
  store: Store;
  deployment: Deployment;
  /** Chain time (Unix seconds): whether a vote is open and a disclosure overdue is decided by block time. */
  now: () => Promise<number>;
  /** Merkle trees of recently asked batches, shared by all receipt requests. */
  treeCache: TreeCache;
  /** When this process anchors: when it closes a batch (so a 409 can say when to ask again). */
  anchoring?: { batchLeaves: number; batchSeconds: number };
};

/** The latest block's timestamp, asked at most once per `maxAgeMs`. */
export function chainClock(client: PublicClient, maxAgeMs = 1000): () => Promise<number> {
  let cached: { at: number; value: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.value;
    const block = await client.getBlock({ blockTag: "latest" });
    cached = { at: Date.now(), value: Number(block.timestamp) };
    return cached.value;
  };
}

/** Deps from a running indexer (`setupIndexer(...)` gives `store`, and `anchorer` with a key), its deployment file and a public client. */
export function resourceDeps(
  service: { store: Store; anchorer?: { config: { batchLeaves: number; batchSeconds: number } } },
  deployment: Deployment,
  client: PublicClient,
): ResourceDeps {
  const anchoring = service.anchorer && { batchLeaves: service.anchorer.config.batchLeaves, batchSeconds: service.anchorer.config.batchSeconds };
  return { store: service.store, deployment, now: chainClock(client), treeCache: createTreeCache(), anchoring };
}

export const get = <T>(deps: ResourceDeps, model: string, key: string): Promise<T | undefined> => readModel<T>(deps.store, model, key);
export const sub = (deps: ResourceDeps, model: string): Sublevel => modelSublevel(deps.store, model);
