import type { Logger } from "pino";
import { BaseError, ContractFunctionRevertedError, isAddress, type Hex } from "viem";
import { shortChainError } from "../chain/errors.js";
import { normaliseSignature } from "../chain/signatures.js";
import { compactSignature, type SignedBallot } from "./ballot.js";
import type { BatchResult, RelayerChain } from "./chain.js";
import type { BallotQueue, QueuedBallot } from "./queue.js";

export type SubmitterOptions = {
  queue: BallotQueue;
  chain: RelayerChain;
  /** Submit as soon as this many ballots are pending… */
  batchSize: number;
  /** …or this often, whichever comes first. */
  intervalMs: number;
  logger: Logger;
};

export type Submitter = {
  /** Call after accepting a ballot: submits at once when a full batch is pending. */
  notify: () => void;
  /** Submits everything pending now (used by tests and on shutdown). */
  flush: () => Promise<void>;
  stop: () => Promise<void>;
};

function toSigned(ballot: QueuedBallot): SignedBallot {
  return { voteId: BigInt(ballot.voteId), holder: ballot.holder, choice: ballot.choice, signature: ballot.signature };
}

/** Reverts of `castBallotBatch` about the vote itself: every ballot of it is settled with this reason. */
const VOTE_LEVEL_REVERTS: Record<string, string> = {
  BallotAfterClosing: "VoteClosed",
  AlreadyFinalized: "VoteClosed",
  UnknownVote: "UnknownVote",
};

/** Reverts that are about the relayer or the batch, never a ballot: the ballots wait and are sent again. */
const NOT_A_BALLOT_FAULT = new Set(["MissingRole", "EmptyBatch"]);
/** Reverts about one vote that may pass (its ballots wait; other votes go on). */
const VOTE_WAITS = new Set(["BallotBeforeOpening"]);

/** This vote's ballots cannot go out now, for a reason that is neither one ballot's nor every vote's. */
class VoteStuckError extends Error {}

/**
 * The name of the contract error that refused a transaction, or undefined when the failure is not a revert
 * the contract chose (node unreachable or timing out, insufficient funds, nonce too low, a revert without
 * data): those are passing, and ballots must wait for them rather than be skipped.
 */
export function revertReason(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(revert instanceof ContractFunctionRevertedError)) return undefined;
  const name = revert.data?.errorName;
  if (name === "Panic") return `Panic(0x${BigInt((revert.data?.args?.[0] as bigint | undefined) ?? 0n).toString(16)})`;
  if (name === "Error") return `Error(${String(revert.data?.args?.[0] ?? "").slice(0, 80)})`;
  if (name) return name;
  // Data the ABI does not know (a library's or another contract's error): named by its selector.
  if (revert.raw && revert.raw.length >= 10) return `Reverted(${revert.raw.slice(0, 10)})`;
  return undefined;
}

/**
 * Sends pending ballots in batches, one vote per transaction. Nothing is lost or doubled: ballots leave the
 * pending list only once their batch is mined, and a ballot that the chain already holds (a batch mined just
 * before a crash, then sent again) comes back as `AlreadyVoted`, which is settled as counted at its original
 * `BallotCast` — the contract itself refuses a second ballot, so no ballot can count twice.
 *
 * One ballot never holds up the others: a ballot that cannot be encoded is skipped alone before sending; a
 * ballot the contract skips is settled with the contract's reason; a transaction the chain refuses for a
 * reason that may be one ballot's is sent again in halves, down to the culprit, which is skipped with the
 * revert's name. Failures that are no ballot's (node down, relayer without funds or role) skip nothing.
 */
export function startSubmitter(options: SubmitterOptions): Submitter {
  const { queue, chain, batchSize, logger } = options;
  let running: Promise<void> = Promise.resolve();
  let queued = false;
  let stopped = false;

  async function settleAlreadyVoted(ballot: QueuedBallot): Promise<QueuedBallot> {
    const voteId = BigInt(ballot.voteId);
    const onChain = await chain.ballotOf(voteId, ballot.holder);
    const location = onChain === ballot.choice ? await chain.findBallotCast(voteId, ballot.holder) : undefined;
    if (location) {
      return {
        ...ballot,
        status: "counted",
        txHash: location.txHash,
        blockNumber: location.blockNumber.toString(),
        logIndex: location.logIndex,
      };
    }
    return { ...ballot, status: "skipped", reason: "AlreadyVoted" };
  }

  /** The ballot as it is sent, or why it cannot be put in a transaction at all. */
  function encodable(ballot: QueuedBallot): { ballot: QueuedBallot } | { reason: string } {
    try {
      // Ballots stored before signatures were normalised may hold a high `s`: send its low-`s` twin.
      const signature = normaliseSignature(ballot.signature);
      compactSignature(signature);
      if (!isAddress(ballot.holder, { strict: false })) return { reason: "InvalidHolder" };
      if (!Number.isInteger(ballot.choice) || ballot.choice < 0 || ballot.choice > 255) return { reason: "InvalidChoice" };
      return { ballot: { ...ballot, signature } };
    } catch {
      return { reason: "InvalidSignature" };
    }
  }

  function settleFromResult(ballots: QueuedBallot[], result: BatchResult): Promise<QueuedBallot>[] {
    return ballots.map(async (ballot) => {
      const holder = ballot.holder.toLowerCase();
      const counted = [...result.counted].find(([h]) => h.toLowerCase() === holder)?.[1];
      const reason = [...result.skipped].find(([h]) => h.toLowerCase() === holder)?.[1];
      if (counted) {
        return {
          ...ballot,
          status: "counted" as const,
          txHash: counted.txHash,
          blockNumber: counted.blockNumber.toString(),
          logIndex: counted.logIndex,
        };
      }
      if (reason === "AlreadyVoted" || reason === "DuplicateInBatch") return settleAlreadyVoted(ballot);
      return { ...ballot, status: "skipped" as const, reason: reason ?? "NotInBatchResult", txHash: result.txHash as Hex };
    });
  }

  type Refused = { ballot: QueuedBallot; reason: string };

  /**
   * Sends `ballots` in one transaction; if the chain refuses the whole transaction for a reason that may be
   * one ballot's, sends each half apart, down to single ballots, so the others still go out. Settles what was
   * mined and returns the single ballots the chain refused, unsettled. Throws (ballots stay pending) for a
   * failure that is no ballot's: node unreachable, relayer out of funds or without its role, nonce trouble.
   */
  async function sendIsolating(voteId: bigint, ballots: QueuedBallot[]): Promise<Refused[]> {
    let result: BatchResult;
    try {
      result = await chain.submitBatch(voteId, ballots.map(toSigned));
    } catch (error) {
      const reason = revertReason(error);
      if (reason === undefined || NOT_A_BALLOT_FAULT.has(reason)) throw error;
      if (VOTE_WAITS.has(reason)) throw new VoteStuckError(`vote ${voteId}: ${reason}`);
      const voteLevel = VOTE_LEVEL_REVERTS[reason];
      if (voteLevel) {
        await queue.settle(ballots.map((b) => ({ ...b, status: "skipped", reason: voteLevel })));
        return [];
      }
      if (ballots.length === 1) return [{ ballot: ballots[0]!, reason }];
      logger.warn({ voteId: voteId.toString(), size: ballots.length, reason }, "ballot batch refused; sending it in halves");
      const half = Math.ceil(ballots.length / 2);
      return [
        ...(await sendIsolating(voteId, ballots.slice(0, half))),
        ...(await sendIsolating(voteId, ballots.slice(half))),
      ];
    }
    await queue.settle(await Promise.all(settleFromResult(ballots, result)));
    logger.info({ voteId: voteId.toString(), sent: ballots.length, tx: result.txHash }, "ballot batch mined");
    return [];
  }

  async function submitVote(voteId: bigint, ballots: QueuedBallot[]): Promise<void> {
    const window = await chain.vote(voteId);
    if (window && (await chain.now()) >= window.end) {
      await queue.settle(ballots.map((b) => ({ ...b, status: "skipped", reason: "VoteClosed" })));
      return;
    }
    const sendable: QueuedBallot[] = [];
    const unencodable: QueuedBallot[] = [];
    for (const ballot of ballots) {
      const encoded = encodable(ballot);
      if ("ballot" in encoded) sendable.push(encoded.ballot);
      else unencodable.push({ ...ballot, status: "skipped", reason: encoded.reason });
    }
    if (unencodable.length > 0) {
      logger.warn({ voteId: voteId.toString(), count: unencodable.length }, "ballots that cannot be encoded skipped");
      await queue.settle(unencodable);
    }
    if (sendable.length === 0) return;
    const refused = await sendIsolating(voteId, sendable);
    // When every ballot of a batch is refused alone for one same reason, the reason is not any one ballot's
    // (a contract paused or changed, say): keep them all pending rather than skip the whole queue.
    if (sendable.length > 1 && refused.length === sendable.length && new Set(refused.map((r) => r.reason)).size === 1) {
      throw new VoteStuckError(`every ballot of vote ${voteId} was refused alone with ${refused[0]!.reason}`);
    }
    if (refused.length > 0) {
      logger.warn({ voteId: voteId.toString(), count: refused.length }, "ballots refused by the chain skipped");
      await queue.settle(refused.map(({ ballot, reason }) => ({ ...ballot, status: "skipped", reason })));
    }
  }

  /**
   * Sends pending ballots; with `fullOnly`, only whole batches (the rest waits for the timer). A vote whose
   * ballots cannot go out now is passed over until the next run, so it never holds up another vote's.
   */
  async function submitPending(fullOnly: boolean): Promise<void> {
    const passedOver = new Set<string>();
    let afterSeq: number | undefined;
    for (;;) {
      const pending = await queue.pending(batchSize, afterSeq);
      if (pending.length === 0 || (fullOnly && pending.length < batchSize)) return;
      const byVote = new Map<string, QueuedBallot[]>();
      for (const ballot of pending) {
        if (!passedOver.has(ballot.voteId)) byVote.set(ballot.voteId, [...(byVote.get(ballot.voteId) ?? []), ballot]);
      }
      for (const [voteId, ballots] of byVote) {
        try {
          await submitVote(BigInt(voteId), ballots);
        } catch (error) {
          // A failure of the node or of the relayer's account stops the run: every vote would meet it.
          if (!(error instanceof VoteStuckError)) throw error;
          passedOver.add(voteId);
          logger.warn({ voteId, err: error.message }, "ballots of this vote wait for the next run");
        }
      }
      if (pending.length < batchSize) return;
      afterSeq = pending.at(-1)!.seq;
    }
  }

  // At most one run waits behind the current one: it will see every ballot accepted meanwhile. A run asked
  // for everything (timer, flush) wins over one asked for whole batches only.
  let queuedFullOnly = true;
  function schedule(fullOnly: boolean): Promise<void> {
    queuedFullOnly = queued ? queuedFullOnly && fullOnly : fullOnly;
    if (queued) return running;
    queued = true;
    running = running
      .then(() => {
        queued = false;
        return submitPending(queuedFullOnly);
      })
      .catch((error: unknown) => {
        // Ballots stay pending and are retried on the next tick. Only what went wrong is logged, not viem's
        // full message, which repeats the whole batch's calldata.
        logger.error({ err: shortChainError(error), reason: revertReason(error) }, "ballot batch failed; will retry");
      });
    return running;
  }

  const timer = setInterval(() => {
    if (!stopped) void schedule(false);
  }, options.intervalMs);

  return {
    notify() {
      void queue.pendingCount().then((count) => {
        if (!stopped && count >= batchSize) void schedule(true);
      });
    },
    flush: () => schedule(false),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
