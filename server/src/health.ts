// How the server is doing, for operators and monitors: GET /api/health says `ok`, or `degraded` with the
// reasons (chain node unreachable, indexer behind or failing, relayer out of gas or stuck, anchorer failing),
// and the figures behind them. The read routes carry the indexer's position in headers, so a client can tell
// how far behind the chain an answer is.
import type { RequestHandler } from "express";
import type { Address, PublicClient } from "viem";
import { z } from "zod/v4";
import { defineRoute, type RouteSpec } from "./api/routes.js";
import { shortChainError } from "./chain/errors.js";
import type { Indexer } from "./indexer/indexer.js";
import type { OutboxCounts } from "./notifications/types.js";
import type { AnchorerState } from "./receipts/anchorer.js";
import type { SubmissionState } from "./relayer/health.js";
import type { BallotQueue } from "./relayer/queue.js";

export type RelayerHealthSource = {
  queue: BallotQueue;
  submissions: SubmissionState;
  account: Address;
  batchSize: number;
  intervalMs: number;
};

export type HealthSources = {
  version: string;
  /** A client whose requests time out within HEALTH_RPC_MS: health must answer even when the node is frozen. */
  client: PublicClient;
  indexer: Indexer;
  /** Degraded when the indexer is more than this many blocks behind the head (less confirmations). */
  maxLagBlocks: number;
  relayer?: RelayerHealthSource;
  anchorer?: AnchorerState;
  /** The notifications outbox's counts by state. */
  notifications?: { counts: () => Promise<OutboxCounts> };
};

/** The longest a health check waits for the node. */
export const HEALTH_RPC_MS = 2000;
/** Chain reads are shared by the health checks of this long, so polling health cannot flood the node. */
const PROBE_REUSE_MS = 1000;
/**
 * Gas a full batch of relayed ballots may need, to tell when the relayer account runs low: OwnersVote's
 * castBallotBatch used 83,166 gas for a batch of two on Hardhat; this allows about twice that.
 */
const GAS_PER_BATCH = (ballots: number) => 60_000n + 60_000n * BigInt(ballots);

type Reason = { code: string; detail: string };

const reasonSchema = z.object({ code: z.string(), detail: z.string() });
const failingSchema = z.object({ since: z.number(), error: z.string() });
/** A notification waiting this long past its due time means the sender (or the worker) is stuck. */
export const NOTIFICATIONS_BACKLOG_SECONDS = 600;

const notificationsSchema = z.object({
  enabled: z.boolean(),
  pending: z.number().optional(),
  sending: z.number().optional(),
  failed: z.number().optional().describe("failed once or more, to be retried"),
  sent: z.number().optional(),
  dead: z.number().optional().describe("dead letters: listed at /api/notifications/outbox?state=dead for staff"),
  skipped: z.number().optional().describe("not sent: no consent, erased, or no contact"),
  oldestDueSeconds: z.number().optional().describe("how long the longest-waiting notification has been due"),
});

/** The notifications part of the health report, and the reason to call the server degraded, if any. */
export function notificationsHealth(counts: OutboxCounts | undefined): { view: z.infer<typeof notificationsSchema>; reason?: Reason } {
  if (!counts) return { view: { enabled: false } };
  const view = { enabled: true, ...counts };
  const waited = counts.oldestDueSeconds;
  if (waited === undefined || waited <= NOTIFICATIONS_BACKLOG_SECONDS) return { view };
  const waiting = counts.pending + counts.failed;
  return { view, reason: { code: "notifications_backlog", detail: `${waiting} notifications wait to be sent, the oldest due ${waited} s ago: check the sender` } };
}

const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  version: z.string(),
  reasons: z.array(reasonSchema).describe("why the server is degraded; empty when ok"),
  chain: z.object({ reachable: z.boolean(), head: z.number().optional(), error: z.string().optional() }),
  indexer: z.object({
    indexedBlock: z.number(),
    head: z.number().optional().describe("the chain's head as last read"),
    lagBlocks: z.number().optional(),
    headSeenSecondsAgo: z.number().optional(),
    syncedSecondsAgo: z.number().optional().describe("since the indexer last caught up with the head"),
    failing: failingSchema.optional(),
  }),
  relayer: z.object({
    enabled: z.boolean(),
    account: z.string().optional(),
    pending: z.number().optional(),
    oldestPendingSeconds: z.number().optional(),
    balanceWei: z.string().optional(),
    batchCostWei: z.string().optional().describe("what a full batch may cost at the current gas price"),
    failing: failingSchema.optional(),
  }),
  anchorer: z.object({
    enabled: z.boolean(),
    lastOkSecondsAgo: z.number().optional(),
    failing: failingSchema.optional(),
  }),
  notifications: notificationsSchema,
});
export type HealthReport = z.infer<typeof healthSchema>;

type Probe = { at: number; head?: number; balance?: bigint; gasPrice?: bigint; error?: string };

const secondsSince = (at: number | undefined, now: number) => (at === undefined ? undefined : Math.floor((now - at) / 1000));

export function healthRoute(sources: HealthSources): RouteSpec {
  const { client, indexer, relayer, anchorer } = sources;
  let probe: Probe | undefined;
  let probing: Promise<Probe> | undefined;

  async function readChain(): Promise<Probe> {
    try {
      const [head, balance, gasPrice] = await Promise.all([
        client.getBlockNumber({ cacheTime: 0 }),
        relayer ? client.getBalance({ address: relayer.account }) : undefined,
        relayer ? client.getGasPrice() : undefined,
      ]);
      return { at: Date.now(), head: Number(head), balance, gasPrice };
    } catch (error) {
      return { at: Date.now(), error: shortChainError(error) };
    }
  }

  function chainNow(): Promise<Probe> {
    if (probe && Date.now() - probe.at < PROBE_REUSE_MS) return Promise.resolve(probe);
    probing ??= readChain().then((p) => {
      probe = p;
      probing = undefined;
      return p;
    });
    return probing;
  }

  async function report(): Promise<HealthReport> {
    const chain = await chainNow();
    const now = Date.now();
    const reasons: Reason[] = [];
    if (chain.error) reasons.push({ code: "chain_unreachable", detail: `the chain node does not answer: ${chain.error}` });

    const status = indexer.status;
    const head = chain.head ?? status.head;
    const indexedBlock = indexer.checkpoint.blockNumber;
    const lagBlocks = head === undefined ? undefined : Math.max(0, head - indexer.config.confirmations - indexedBlock);
    if (lagBlocks !== undefined && lagBlocks > sources.maxLagBlocks) {
      reasons.push({ code: "indexer_behind", detail: `the indexer is ${lagBlocks} blocks behind the chain's head ${head}` });
    }
    if (status.failing) reasons.push({ code: "indexer_failing", detail: `indexing fails since ${new Date(status.failing.since).toISOString()}: ${status.failing.error}` });

    let relayerView: HealthReport["relayer"] = { enabled: false };
    if (relayer) {
      const pending = await relayer.queue.pendingCount();
      const oldest = pending > 0 ? (await relayer.queue.pending(1))[0]?.acceptedAt : undefined;
      const batchCost = chain.gasPrice === undefined ? undefined : chain.gasPrice * GAS_PER_BATCH(relayer.batchSize);
      const failing = relayer.submissions.failing;
      relayerView = {
        enabled: true,
        account: relayer.account,
        pending,
        oldestPendingSeconds: secondsSince(oldest, now),
        balanceWei: chain.balance?.toString(),
        batchCostWei: batchCost?.toString(),
        failing: failing && pending > 0 ? { since: failing.since, error: failing.error } : undefined,
      };
      if (chain.balance !== undefined && batchCost !== undefined && chain.balance < batchCost) {
        reasons.push({
          code: "relayer_low_balance",
          detail: `the relayer account ${relayer.account} holds ${chain.balance} wei, less than a full batch may cost (${batchCost} wei): fund it`,
        });
      }
      if (failing && pending > 0) {
        reasons.push(
          failing.outOfFunds
            ? { code: "relayer_out_of_funds", detail: `ballots stay pending: the relayer account ${relayer.account} cannot pay for gas (${failing.error}); fund it` }
            : { code: "relayer_failing", detail: `ballots stay pending: sending a batch fails (${failing.error})` },
        );
      }
      // Ballots normally go out within one interval; ten intervals (at least a minute) means they are stuck.
      const backlogSeconds = Math.max(60, (10 * relayer.intervalMs) / 1000);
      if (oldest !== undefined && (now - oldest) / 1000 > backlogSeconds) {
        reasons.push({ code: "relayer_backlog", detail: `${pending} ballots pending, the oldest for ${secondsSince(oldest, now)} s` });
      }
    }

    let anchorerView: HealthReport["anchorer"] = { enabled: false };
    if (anchorer) {
      anchorerView = { enabled: true, lastOkSecondsAgo: secondsSince(anchorer.lastOkAt, now), failing: anchorer.failing };
      if (anchorer.failing) reasons.push({ code: "anchorer_failing", detail: `anchoring fails since ${new Date(anchorer.failing.since).toISOString()}: ${anchorer.failing.error}` });
    }

    const notifications = notificationsHealth(sources.notifications ? await sources.notifications.counts() : undefined);
    if (notifications.reason) reasons.push(notifications.reason);

    return {
      status: reasons.length === 0 ? "ok" : "degraded",
      version: sources.version,
      reasons,
      chain: { reachable: !chain.error, head: chain.head, error: chain.error },
      indexer: {
        indexedBlock,
        head,
        lagBlocks,
        headSeenSecondsAgo: secondsSince(chain.head !== undefined ? chain.at : status.headAt, now),
        syncedSecondsAgo: secondsSince(status.syncedAt, now),
        failing: status.failing ? { since: status.failing.since, error: status.failing.error } : undefined,
      },
      relayer: relayerView,
      anchorer: anchorerView,
      notifications: notifications.view,
    };
  }

  return defineRoute({
    method: "get",
    path: "/api/health",
    summary:
      "ok, or degraded with reasons: chain reachability, indexer lag, relayer queue and balance, anchorer state, notifications outbox " +
      "(HTTP 200 either way: a degraded server still serves what it can)",
    tags: ["health"],
    response: healthSchema,
    handler: report,
  });
}

/**
 * Marks an answer served from the indexer's store with how far behind the chain it may be:
 *   X-Indexed-Block        the last block indexed
 *   X-Chain-Head           the chain's head block, as the indexer last read it
 *   X-Indexer-Lag-Blocks   how many blocks the store is behind that head
 *   X-Chain-Head-Age       seconds since that head was read (grows while the node is unreachable)
 */
export function lagHeaders(indexer: Indexer): RequestHandler {
  return (_req, res, next) => {
    const { head, headAt } = indexer.status;
    const indexed = indexer.checkpoint.blockNumber;
    res.set("X-Indexed-Block", String(indexed));
    if (head !== undefined && headAt !== undefined) {
      res.set("X-Chain-Head", String(head));
      res.set("X-Indexer-Lag-Blocks", String(Math.max(0, head - indexed)));
      res.set("X-Chain-Head-Age", String(Math.floor((Date.now() - headAt) / 1000)));
    }
    next();
  };
}
