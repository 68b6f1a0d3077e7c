import type { Logger } from "pino";
import type { Address, Hex } from "viem";
import type { SignedBallot } from "./ballot.js";
import type { RelayerChain } from "./chain.js";
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

/**
 * Sends pending ballots in batches, one vote per transaction. Nothing is lost or doubled: ballots leave the
 * pending list only once their batch is mined, and a ballot that the chain already holds (a batch mined just
 * before a crash, then sent again) comes back as `AlreadyVoted`, which is settled as counted at its original
 * `BallotCast` — the contract itself refuses a second ballot, so no ballot can count twice.
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

  async function submitVote(voteId: bigint, ballots: QueuedBallot[]): Promise<void> {
    const window = await chain.vote(voteId);
    if (window && (await chain.now()) >= window.end) {
      await queue.settle(ballots.map((b) => ({ ...b, status: "skipped", reason: "VoteClosed" })));
      return;
    }
    const result = await chain.submitBatch(voteId, ballots.map(toSigned));
    const settled: QueuedBallot[] = [];
    for (const ballot of ballots) {
      const holder = ballot.holder.toLowerCase() as Address;
      const counted = [...result.counted].find(([h]) => h.toLowerCase() === holder)?.[1];
      const reason = [...result.skipped].find(([h]) => h.toLowerCase() === holder)?.[1];
      if (counted) {
        settled.push({
          ...ballot,
          status: "counted",
          txHash: counted.txHash,
          blockNumber: counted.blockNumber.toString(),
          logIndex: counted.logIndex,
        });
      } else if (reason === "AlreadyVoted" || reason === "DuplicateInBatch") {
        settled.push(await settleAlreadyVoted(ballot));
      } else {
        settled.push({ ...ballot, status: "skipped", reason: reason ?? "NotInBatchResult", txHash: result.txHash as Hex });
      }
    }
    await queue.settle(settled);
    logger.info({ voteId: voteId.toString(), sent: ballots.length, tx: result.txHash }, "ballot batch mined");
  }

  async function submitPending(): Promise<void> {
    for (;;) {
      const pending = await queue.pending(batchSize);
      if (pending.length === 0) return;
      const byVote = new Map<string, QueuedBallot[]>();
      for (const ballot of pending) byVote.set(ballot.voteId, [...(byVote.get(ballot.voteId) ?? []), ballot]);
      for (const [voteId, ballots] of byVote) await submitVote(BigInt(voteId), ballots);
      if (pending.length < batchSize) return;
    }
  }

  // At most one run waits behind the current one: it will see every ballot accepted meanwhile.
  function schedule(): Promise<void> {
    if (queued) return running;
    queued = true;
    running = running
      .then(() => {
        queued = false;
        return submitPending();
      })
      .catch((error: unknown) => {
      // Ballots stay pending and are retried on the next tick; only the error's text is logged.
        logger.error({ err: error instanceof Error ? error.message : String(error) }, "ballot batch failed; will retry");
      });
    return running;
  }

  const timer = setInterval(() => {
    if (!stopped) void schedule();
  }, options.intervalMs);

  return {
    notify() {
      void queue.pendingCount().then((count) => {
        if (!stopped && count >= batchSize) void schedule();
      });
    },
    flush: schedule,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
