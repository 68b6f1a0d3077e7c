// Closes receipt batches and anchors their roots with RecordAnchor.anchor(root, firstLeaf, leafCount).
// The chain is the only record of what is anchored: each round starts from RecordAnchor.nextLeaf(), so a
// transaction that went through before a crash is adopted, and one sent twice fails on chain with LeafGap
// instead of anchoring a leaf twice.
import { bytesToHex, type Abi, type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from "viem";
import type { Logger } from "../common/logger.js";
import type { Lock } from "../store/lock.js";
import { numKey, readNextSeq, type Store } from "../store/store.js";
import { readLeaves, type LogEntry } from "./log.js";
import { buildTree, rootOf } from "./tree.js";

export type AnchorContract = { address: Address; abi: Abi };

export type AnchorerConfig = {
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, Account>;
  anchor: AnchorContract;
  store: Store;
  lock: Lock;
  batchLeaves: number;
  batchSeconds: number;
  logger?: Logger;
};

export type AnchorerState = {
  config: AnchorerConfig;
  pendingSince: number | undefined;
  /** For /api/health: when the last round succeeded, and since when rounds fail (with the last error's first line). */
  lastOkAt?: number;
  failing?: { since: number; error: string };
};

/**
 * Whether a log entry is the anchor's own BatchAnchored record. Such records ride along in the next batch but
 * never start its timer, or every anchoring would cause another one forever: so the latest one waits until some
 * other record is logged (and then for that record's batch), however long that takes.
 */
export function isAnchoringRecord(entry: Pick<LogEntry, "decoded">): boolean {
  return entry.decoded?.contract === "RecordAnchor" && entry.decoded.event === "BatchAnchored";
}

function startsTimer(entry: LogEntry): boolean {
  return !isAnchoringRecord(entry);
}

export async function chainNextLeaf(client: PublicClient, anchor: AnchorContract): Promise<number> {
  return Number(await client.readContract({ address: anchor.address, abi: anchor.abi, functionName: "nextLeaf" }));
}

/**
 * Anchoring transactions in flight, by store. The anchorer holds the lock only while it reads the leaves: sending
 * and mining happen outside it, so appends never wait on the chain. A rollback waits for the one in flight
 * before it asks the chain what is anchored, so it cannot drop leaves whose root is about to be mined.
 */
const inFlight = new WeakMap<Store, Promise<unknown>>();

/** Refuses a rollback that would drop log entries the chain has already anchored (or is anchoring). */
export function truncateGuard(client: PublicClient, anchor: AnchorContract, store?: Store): (cut: number) => Promise<void> {
  return async (cut) => {
    if (store) await inFlight.get(store)?.catch(() => undefined);
    const anchored = await chainNextLeaf(client, anchor);
    if (cut < anchored) {
      throw new Error(
        `A reorg would drop log entries from ${cut} on, but the chain has anchored them up to ${anchored - 1}. ` +
          "Stop, raise --confirmations so that only final blocks are indexed, and re-index into a fresh --data-dir.",
      );
    }
  };
}

export function createAnchorer(config: AnchorerConfig): AnchorerState {
  return { config, pendingSince: undefined };
}

async function hasTimerRecord(store: Store, from: number, to: number): Promise<boolean> {
  for await (const value of store.log.values({ gte: numKey(from), lt: numKey(to) })) {
    if (startsTimer(value as LogEntry)) return true;
  }
  return false;
}

/** Checks that the chain's last batch is a batch of this log (not of another server's data directory). */
export async function checkLastBatch(config: AnchorerConfig): Promise<void> {
  const { publicClient, anchor, store } = config;
  const count = Number(await publicClient.readContract({ address: anchor.address, abi: anchor.abi, functionName: "batchCount" }));
  if (count === 0) return;
  const b = (await publicClient.readContract({
    address: anchor.address,
    abi: anchor.abi,
    functionName: "batch",
    args: [BigInt(count - 1)],
  })) as { root: Hex; firstLeaf: bigint; leafCount: bigint };
  const end = Number(b.firstLeaf + b.leafCount);
  if ((await readNextSeq(store)) < end) return; // not indexed that far yet; checked on a later start
  const root = bytesToHex(rootOf(buildTree(await readLeaves(store, Number(b.firstLeaf), Number(b.leafCount)))));
  if (root !== b.root.toLowerCase()) {
    throw new Error(
      `RecordAnchor batch ${count - 1} has root ${b.root} but this data directory's leaves give ${root}: the anchor ` +
        "contract serves another log. Use the data directory that anchored it, or deploy a new RecordAnchor.",
    );
  }
}

export type AnchorResult = { anchored: false; pending: number } | { anchored: true; firstLeaf: number; leafCount: number; txHash: Hex };

/** One round: anchors a batch if N records are pending, or T seconds passed since the first of them. */
export async function anchorOnce(state: AnchorerState, now = Date.now()): Promise<AnchorResult> {
  const { publicClient, walletClient, anchor, store, lock, batchLeaves, batchSeconds, logger } = state.config;
  const first = await chainNextLeaf(publicClient, anchor);
  // Under the lock only to read a stable log and to register the transaction before a rollback can run.
  const planned = await lock(async (): Promise<AnchorResult | { root: Hex; leafCount: number; sent: Promise<Hex> }> => {
    const logLength = await readNextSeq(store);
    if (logLength < first) {
      logger?.warn({ logLength, anchored: first }, "the chain has anchored more records than are indexed; waiting");
      return { anchored: false, pending: 0 };
    }
    const pending = logLength - first;
    if (pending < batchLeaves) {
      if (pending === 0 || !(await hasTimerRecord(store, first, logLength))) {
        state.pendingSince = undefined;
        return { anchored: false, pending };
      }
      state.pendingSince ??= now;
      if (now - state.pendingSince < batchSeconds * 1000) return { anchored: false, pending };
    }
    const leafCount = Math.min(pending, batchLeaves);
    const root = bytesToHex(rootOf(buildTree(await readLeaves(store, first, leafCount))));
    const sent = (async () => {
      const txHash = await walletClient.writeContract({
        address: anchor.address,
        abi: anchor.abi,
        functionName: "anchor",
        args: [root, BigInt(first), BigInt(leafCount)],
      });
      const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash, timeout: 120_000 });
      if (receipt.status !== "success") throw new Error(`Anchoring transaction ${txHash} reverted; will reconcile and retry.`);
      logger?.info({ firstLeaf: first, leafCount, txHash, block: Number(receipt.blockNumber) }, "batch anchored");
      return txHash;
    })();
    inFlight.set(store, sent);
    return { root, leafCount, sent };
  });
  if ("anchored" in planned) return planned;
  try {
    const txHash = await planned.sent;
    state.pendingSince = undefined;
    return { anchored: true, firstLeaf: first, leafCount: planned.leafCount, txHash };
  } finally {
    if (inFlight.get(store) === planned.sent) inFlight.delete(store);
  }
}

/** Runs anchoring rounds every `tickMs` until aborted; failures are logged and retried after reconciling. */
export async function runAnchorer(state: AnchorerState, tickMs: number, signal?: AbortSignal): Promise<void> {
  let delay = tickMs;
  while (!signal?.aborted) {
    try {
      const r = await anchorOnce(state);
      state.lastOkAt = Date.now();
      state.failing = undefined;
      delay = r.anchored ? 0 : tickMs;
    } catch (err) {
      // viem's first line is generic ("Missing or invalid parameters."); its `details` say what the node said.
      const { message, details } = err as Error & { details?: string };
      state.config.logger?.error({ err: message.split("\n")[0], details }, "anchoring failed; retrying");
      state.failing = { since: state.failing?.since ?? Date.now(), error: `${message.split("\n")[0]}${details ? ` (${details})` : ""}` };
      // Capped at a few seconds, so anchoring resumes soon after the node returns.
      delay = Math.min(Math.max(delay * 2, tickMs), Math.max(tickMs, 5_000));
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, delay);
      signal?.addEventListener("abort", () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
