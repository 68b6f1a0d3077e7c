// What the read routes read: the indexer's store (read models and receipt log), the deployment it follows, and
// the chain's clock. The API runs in the indexer's process, since LevelDB admits one process per directory.
import type { PublicClient } from "viem";
import type { Deployment } from "../../chain/deployment.js";
import { modelSublevel, readModel, type Store, type Sublevel } from "../../store/store.js";
import { createTreeCache, type TreeCache } from "../../receipts/receipt.js";
import type { ProposalReader } from "./proposals.js";

export type ResourceDeps = {
  store: Store;
  deployment: Deployment;
  /** Chain time (Unix seconds): whether a vote is open and a disclosure overdue is decided by block time. */
  now: () => Promise<number>;
  /** Merkle trees of recently asked batches, shared by all receipt requests. */
  treeCache: TreeCache;
  /** Proposal documents (a vote's contentHash, a plan's planHash) this server stores, if it has a document store. */
  proposals?: ProposalReader;
  /** When this process anchors: when it closes a batch (so a 409 can say when to ask again). */
  anchoring?: { batchLeaves: number; batchSeconds: number };
  /** A block's timestamp (Unix seconds), so pages show calendar dates; null while the node cannot say. */
  blockTime?: (blockNumber: number) => Promise<number | null>;
  /**
   * When and by whom a partner honoured a voucher (the partners' voucher service, an off-chain service the
   * composition passes in, so the API does not depend on it); without it every voucher reads as not yet honoured.
   */
  honoured?: (voucher: string) => Promise<{ at: number; by: string } | undefined>;
};

/**
 * Block timestamps, read from the node and remembered (a block's time never changes once it is indexed: the
 * chain is final, QBFT). A failed or slow read answers null and is not remembered, so the next request asks
 * again; read routes keep answering while the node is down.
 */
export function blockTimes(client: PublicClient, waitMs = 1000, max = 50_000): (blockNumber: number) => Promise<number | null> {
  const known = new Map<number, number>();
  const reading = new Map<number, Promise<number | null>>();
  return async (blockNumber) => {
    const hit = known.get(blockNumber);
    if (hit !== undefined) return hit;
    let read = reading.get(blockNumber);
    if (!read) {
      read = client
        .getBlock({ blockNumber: BigInt(blockNumber) })
        .then((block) => {
          if (known.size >= max) known.delete(known.keys().next().value!);
          known.set(blockNumber, Number(block.timestamp));
          return Number(block.timestamp);
        })
        .catch(() => null)
        .finally(() => reading.delete(blockNumber));
      reading.set(blockNumber, read);
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
    try {
      return await Promise.race([read, late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * The latest block's timestamp, asked at most once per `maxAgeMs`. Read routes are served from the store and
 * must keep answering while the node is down or frozen: a read that fails or takes longer than `waitMs` gives
 * the last block time read plus the seconds since, or, if none was ever read, this server's clock (block time
 * follows the clock on a QBFT chain). The answer's lag headers say how stale the store may be.
 */
export function chainClock(client: PublicClient, maxAgeMs = 1000, waitMs = 1000): () => Promise<number> {
  let known: { at: number; value: number } | undefined;
  let reading: Promise<number> | undefined;
  const read = () =>
    (reading ??= client
      .getBlock({ blockTag: "latest" })
      .then((block) => {
        known = { at: Date.now(), value: Number(block.timestamp) };
        return known.value;
      })
      .finally(() => (reading = undefined)));
  const estimate = () => (known ? known.value + Math.floor((Date.now() - known.at) / 1000) : Math.floor(Date.now() / 1000));
  return async () => {
    if (known && Date.now() - known.at < maxAgeMs) return known.value;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(estimate()), waitMs)));
    try {
      return await Promise.race([read().catch(estimate), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Deps from a running indexer (`setupIndexer(...)` gives `store`, and `anchorer` with a key), its deployment file and a public client. */
export function resourceDeps(
  service: { store: Store; anchorer?: { config: { batchLeaves: number; batchSeconds: number } } },
  deployment: Deployment,
  client: PublicClient,
): ResourceDeps {
  const now = chainClock(client);
  void now().catch(() => undefined); // read once now, so that a node lost later leaves a time to go on
  const anchoring = service.anchorer && { batchLeaves: service.anchorer.config.batchLeaves, batchSeconds: service.anchorer.config.batchSeconds };
  return { store: service.store, deployment, now, treeCache: createTreeCache(), anchoring, blockTime: blockTimes(client) };
}

export const get = <T>(deps: ResourceDeps, model: string, key: string): Promise<T | undefined> => readModel<T>(deps.store, model, key);
/** The timestamp of a block, or null when unknown (no node, or it does not answer in time). */
export const timeOf = (deps: ResourceDeps, blockNumber: number | undefined | null): Promise<number | null> =>
  blockNumber === undefined || blockNumber === null || !deps.blockTime ? Promise.resolve(null) : deps.blockTime(blockNumber);
export const sub = (deps: ResourceDeps, model: string): Sublevel => modelSublevel(deps.store, model);
