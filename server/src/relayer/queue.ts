import type { Level } from "level";
import type { Address, Hex } from "viem";
import { ballotId, type ChoiceValue, type SignedBallot } from "./ballot.js";

/**
 * The relayer's durable queue of accepted ballots, in LevelDB. A ballot is written (with its place in the
 * pending list) in one atomic batch before the API acknowledges it, so an acknowledged ballot survives a crash.
 *
 *   pending   accepted, not yet in a transaction that was mined
 *   counted   on chain: `BallotCast` in `txHash`
 *   skipped   refused on chain or no longer countable (vote closed): `reason`
 */
export type BallotStatus = "pending" | "counted" | "skipped";

export type QueuedBallot = {
  id: Hex;
  voteId: string; // decimal, JSON has no bigint
  holder: Address;
  choice: ChoiceValue;
  signature: Hex;
  signer: Address;
  seq: number;
  acceptedAt: number;
  status: BallotStatus;
  txHash?: Hex;
  blockNumber?: string;
  logIndex?: number;
  reason?: string;
};

export type BallotQueue = {
  /**
   * Stores a new ballot, or returns the stored one with `created: false` if this holder's ballot is known. A
   * skipped ballot is replaced: a ballot the chain refused must not keep the holder from sending a good one.
   */
  accept: (ballot: SignedBallot, signer: Address) => Promise<{ ballot: QueuedBallot; created: boolean }>;
  get: (id: Hex) => Promise<QueuedBallot | undefined>;
  /** The oldest pending ballots, up to `limit`, in acceptance order; with `afterSeq`, only those accepted after it. */
  pending: (limit: number, afterSeq?: number) => Promise<QueuedBallot[]>;
  /** Settles ballots (counted or skipped) and drops them from the pending list, atomically. */
  settle: (ballots: QueuedBallot[]) => Promise<void>;
  pendingCount: () => Promise<number>;
};

type Db = Level<string, string>;

function seqKey(seq: number): string {
  return seq.toString().padStart(16, "0");
}

export async function openBallotQueue(db: Db): Promise<BallotQueue> {
  const ballots = db.sublevel<string, string>("ballots", {});
  const pendingList = db.sublevel<string, string>("pending", {});
  const meta = db.sublevel<string, string>("meta", {});
  let nextSeq = Number((await meta.get("nextSeq")) ?? "0");
  let pendingTotal = 0;
  for await (const _ of pendingList.keys()) pendingTotal++;
  // Accepting is read-then-write: serialise it so two copies of one ballot cannot both be created.
  let tail: Promise<unknown> = Promise.resolve();

  async function read(id: Hex): Promise<QueuedBallot | undefined> {
    const raw = await ballots.get(id);
    return raw === undefined ? undefined : (JSON.parse(raw) as QueuedBallot);
  }

  return {
    accept(ballot, signer) {
      const run = tail.then(async () => {
        const id = ballotId(ballot.voteId, ballot.holder);
        const existing = await read(id);
        if (existing && existing.status !== "skipped") return { ballot: existing, created: false };
        const stored: QueuedBallot = {
          id,
          voteId: ballot.voteId.toString(),
          holder: ballot.holder,
          choice: ballot.choice,
          signature: ballot.signature,
          signer,
          seq: nextSeq,
          acceptedAt: Date.now(),
          status: "pending",
        };
        await db.batch([
          { type: "put", sublevel: ballots, key: id, value: JSON.stringify(stored) },
          { type: "put", sublevel: pendingList, key: seqKey(stored.seq), value: id },
          { type: "put", sublevel: meta, key: "nextSeq", value: String(nextSeq + 1) },
        ]);
        nextSeq++;
        pendingTotal++;
        return { ballot: stored, created: true };
      });
      tail = run.catch(() => undefined);
      return run;
    },
    get: read,
    async pending(limit, afterSeq) {
      const out: QueuedBallot[] = [];
      const range = afterSeq === undefined ? { limit } : { limit, gt: seqKey(afterSeq) };
      for await (const id of pendingList.values(range)) {
        const ballot = await read(id as Hex);
        if (ballot) out.push(ballot);
      }
      return out;
    },
    async settle(settled) {
      if (settled.length === 0) return;
      await db.batch(
        settled.flatMap((ballot) => [
          { type: "put" as const, sublevel: ballots, key: ballot.id, value: JSON.stringify(ballot) },
          { type: "del" as const, sublevel: pendingList, key: seqKey(ballot.seq) },
        ]),
      );
      pendingTotal -= settled.length;
    },
    async pendingCount() {
      return pendingTotal;
    },
  };
}
