import { isAddressEqual, type Address } from "viem";
import { ApiError } from "../api/errors.js";
import { recoverBallotSigner, type SignedBallot } from "./ballot.js";
import type { RelayerChain } from "./chain.js";

/**
 * Checks a signed ballot against the chain before the relayer accepts it, so that a refusal is immediate
 * and precise instead of a silent skip in a later batch. Returns the signer: the holder (OwnersVote counts no
 * other signature; staff act for a resident only under a written authorisation, through castBallotOnBehalf).
 */
export async function checkBallot(chain: RelayerChain, ballot: SignedBallot): Promise<Address> {
  const params = { voteId: ballot.voteId.toString(), holder: ballot.holder };
  const vote = await chain.vote(ballot.voteId);
  if (!vote) throw new ApiError(404, "unknown_vote", params);
  const now = await chain.now();
  // Same window as OwnersVote: start ≤ block time < end.
  if (now < vote.start || now >= vote.end) {
    throw new ApiError(409, "vote_not_open", { ...params, start: vote.start, end: vote.end, now });
  }
  // The three checks are independent: run them at once, then report the first failure in a fixed order.
  const [signer, weight, onChain] = await Promise.all([
    chain
      .domain()
      .then((domain) => recoverBallotSigner(domain, ballot))
      .catch(() => undefined),
    chain.weight(vote, ballot.holder),
    chain.ballotOf(ballot.voteId, ballot.holder),
  ]);
  if (!signer) throw new ApiError(400, "bad_ballot_signature", { ...params, signer: "(unrecoverable)" });
  if (!isAddressEqual(signer, ballot.holder)) throw new ApiError(400, "bad_ballot_signature", { ...params, signer });
  if (weight === 0n) throw new ApiError(403, "not_eligible", params);
  // The holder's own ballot replaces a proxy ballot staff cast for them; any other ballot on chain is final.
  if (onChain !== 0 && !(await chain.isProxyBallot(ballot.voteId, ballot.holder))) throw new ApiError(409, "already_voted", params);
  return signer;
}
