import { isAddressEqual, type Address } from "viem";
import { NonCanonicalSignatureError, normaliseSignature } from "../chain/signatures.js";
import { ApiError } from "../api/errors.js";
import { recoverBallotSigner, type SignedBallot } from "./ballot.js";
import type { RelayerChain } from "./chain.js";

function unrecoverable(ballot: SignedBallot): ApiError {
  return new ApiError(400, "bad_ballot_signature", {
    voteId: ballot.voteId.toString(),
    holder: ballot.holder,
    signer: "(unrecoverable)",
  });
}

/**
 * The ballot with its signature in canonical (low-`s`) form, and the address that signed it. A high-`s`
 * signature is the malleated twin of a valid one: it is stored as its twin, so the chain, the compact encoding
 * and every later comparison see one signature per ballot. Throws 400 for what is not a signature at all.
 */
export async function canonicalBallot(
  chain: RelayerChain,
  ballot: SignedBallot,
): Promise<{ ballot: SignedBallot; signer: Address }> {
  let canonical: SignedBallot;
  try {
    canonical = { ...ballot, signature: normaliseSignature(ballot.signature) };
  } catch (error) {
    if (error instanceof NonCanonicalSignatureError) throw unrecoverable(ballot);
    throw error;
  }
  const domain = await chain.domain();
  let signer: Address;
  try {
    signer = await recoverBallotSigner(domain, canonical);
  } catch {
    throw unrecoverable(ballot);
  }
  return { ballot: canonical, signer };
}

/**
 * Checks a signed ballot against the chain before the relayer accepts it, so that a refusal is immediate
 * and precise instead of a silent skip in a later batch. `signer` is the one `canonicalBallot` recovered: it must
 * be the holder (OwnersVote counts no other signature; staff act for a resident only under a written
 * authorisation, through castBallotOnBehalf).
 */
export async function checkBallot(chain: RelayerChain, ballot: SignedBallot, signer: Address): Promise<void> {
  const params = { voteId: ballot.voteId.toString(), holder: ballot.holder };
  if (!isAddressEqual(signer, ballot.holder)) throw new ApiError(400, "bad_ballot_signature", { ...params, signer });
  const vote = await chain.vote(ballot.voteId);
  if (!vote) throw new ApiError(404, "unknown_vote", params);
  const now = await chain.now();
  // Same window as OwnersVote: start ≤ block time < end.
  if (now < vote.start || now >= vote.end) {
    throw new ApiError(409, "vote_not_open", { ...params, start: vote.start, end: vote.end, now });
  }
  // The two reads are independent: run them at once, then report the first failure in a fixed order.
  const [weight, onChain] = await Promise.all([
    chain.weight(vote, ballot.holder),
    chain.ballotOf(ballot.voteId, ballot.holder),
  ]);
  if (weight === 0n) throw new ApiError(403, "not_eligible", params);
  // The holder's own ballot replaces a proxy ballot staff cast for them; any other ballot on chain is final.
  if (onChain !== 0 && !(await chain.isProxyBallot(ballot.voteId, ballot.holder))) throw new ApiError(409, "already_voted", params);
}
