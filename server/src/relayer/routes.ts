import { getAddress, isAddress, isAddressEqual, type Address, type Hex } from "viem";
import { z } from "zod/v4";
import { ApiError } from "../api/errors.js";
import { formatMessage, pickLanguage, type Language } from "../api/messages.js";
import type { AddressLimiter } from "../api/limits.js";
import { defineRoute, Reply, type RouteSpec } from "../api/routes.js";
import { BALLOT_TYPES, ballotId, CHOICES, type SignedBallot } from "./ballot.js";
import type { RelayerChain } from "./chain.js";
import { canonicalBallot, checkBallot } from "./checks.js";
import type { BallotQueue, QueuedBallot } from "./queue.js";
import type { Submitter } from "./submitter.js";

export type RelayerRouteOptions = {
  chain: RelayerChain;
  queue: BallotQueue;
  submitter: Submitter;
  /** Counts ballot submissions per signing address. */
  ballotLimiter: AddressLimiter;
};

const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), "an Ethereum address (0x + 40 hex digits)")
  // zod runs transforms even after a failed check; leave bad input as it is so every issue is reported.
  .transform((value) => (isAddress(value, { strict: false }) ? getAddress(value) : value));
const signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte signature as 0x + 130 hex digits");

const ballotView = z.object({
  id: z.string(),
  voteId: z.string(),
  holder: z.string(),
  choice: z.enum(["for", "against", "abstain"]),
  status: z.enum(["pending", "counted", "skipped"]),
  enteredByStaff: z.boolean(),
  acceptedAt: z.number(),
  txHash: z.string().optional(),
  blockNumber: z.string().optional(),
  logIndex: z.number().optional(),
  reason: z.string().optional(),
  /** For a skipped ballot: what happened and what the owner can do, in the asker's language. */
  message: z.string().optional(),
});

const choiceNames = Object.fromEntries(Object.entries(CHOICES).map(([name, value]) => [value, name])) as Record<
  number,
  keyof typeof CHOICES
>;

/** What the owner is told about a ballot that was not counted: a closed vote in plain words, else the chain's reason. */
function skippedMessage(ballot: QueuedBallot, language: Language): string {
  return ballot.reason === "VoteClosed"
    ? formatMessage("ballot_skipped_vote_closed", language, { voteId: ballot.voteId })
    : formatMessage("ballot_skipped", language, { reason: ballot.reason ?? "unknown" });
}

function view(ballot: QueuedBallot, language: Language): z.infer<typeof ballotView> {
  return {
    id: ballot.id,
    voteId: ballot.voteId,
    holder: ballot.holder,
    choice: choiceNames[ballot.choice]!,
    status: ballot.status,
    enteredByStaff: ballot.signer.toLowerCase() !== ballot.holder.toLowerCase(),
    acceptedAt: ballot.acceptedAt,
    ...(ballot.txHash ? { txHash: ballot.txHash } : {}),
    ...(ballot.blockNumber ? { blockNumber: ballot.blockNumber } : {}),
    ...(ballot.logIndex !== undefined ? { logIndex: ballot.logIndex } : {}),
    ...(ballot.reason ? { reason: ballot.reason } : {}),
    ...(ballot.status === "skipped" ? { message: skippedMessage(ballot, language) } : {}),
  };
}

/** The ballot relayer: publishes the EIP-712 domain, accepts signed ballots, reports their progress. */
export function relayerRoutes(options: RelayerRouteOptions): RouteSpec[] {
  const { chain, queue, submitter, ballotLimiter } = options;
  return [
    defineRoute({
      method: "get",
      path: "/api/eip712",
      summary: "The EIP-712 domain and types a ballot is signed with",
      tags: ["ballots"],
      response: z.object({
        domain: z.object({ name: z.string(), version: z.string(), chainId: z.number(), verifyingContract: z.string() }),
        types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
        primaryType: z.literal("Ballot"),
        choices: z.record(z.string(), z.number()),
      }),
      handler: async () => ({ domain: await chain.domain(), types: BALLOT_TYPES, primaryType: "Ballot", choices: CHOICES }),
    }),
    defineRoute({
      method: "post",
      path: "/api/ballots",
      summary: "Accepts a signed ballot; it is stored before the answer and sent on chain in the next batch",
      tags: ["ballots"],
      status: 202,
      body: z.object({
        voteId: z
          .union([z.string().regex(/^\d{1,30}$/), z.number().int().positive()])
          .transform((v) => BigInt(/^\d+$/.test(String(v)) ? v : 0)),
        holder: address,
        choice: z.enum(["for", "against", "abstain"]),
        signature,
      }),
      response: ballotView,
      handler: async ({ body, req }) => {
        const language = pickLanguage(req.headers["accept-language"]);
        const { ballot, signer } = await canonicalBallot(chain, {
          voteId: body.voteId,
          holder: body.holder as Address,
          choice: CHOICES[body.choice],
          signature: body.signature as Hex,
        });
        ballotLimiter.take(signer, "ballot");
        // A repeat of a known ballot gets the stored one back: a client may safely retry. A skipped one does
        // not stand in the way of a new ballot, which the checks below judge afresh.
        const known = await queue.get(ballotId(ballot.voteId, ballot.holder));
        if (known && known.status !== "skipped") return repeatOf(known, ballot, signer, language);
        await checkBallot(chain, ballot, signer);
        const { ballot: stored, created } = await queue.accept(ballot, signer);
        if (!created) return repeatOf(stored, ballot, signer, language);
        submitter.notify();
        return view(stored, language);
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/ballots/:id",
      summary: "A ballot's progress: pending, then counted on chain (transaction) or skipped (reason)",
      tags: ["ballots"],
      params: z.object({ id: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a ballot id (0x + 64 hex digits)") }),
      response: ballotView,
      handler: async ({ params, req }) => {
        const ballot = await queue.get(params.id as Hex);
        if (!ballot) throw new ApiError(404, "unknown_ballot", { id: params.id });
        return view(ballot, pickLanguage(req.headers["accept-language"]));
      },
    }),
  ];
}

/**
 * A ballot for a holder already queued is the same ballot when the same address signed the same choice: the
 * signature's bytes are not compared, since one signer may sign one ballot more than once (or send the
 * malleated twin), and none of those may lock the holder out of their own vote.
 */
function repeatOf(known: QueuedBallot, ballot: SignedBallot, signer: Address, language: Language): Reply {
  const same = known.choice === ballot.choice && isAddressEqual(known.signer, signer);
  if (!same) {
    throw new ApiError(409, "ballot_conflict", { voteId: known.voteId, holder: known.holder, id: known.id });
  }
  return new Reply(200, view(known, language));
}
