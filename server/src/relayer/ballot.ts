import {
  encodeAbiParameters,
  keccak256,
  parseSignature,
  recoverTypedDataAddress,
  signatureToCompactSignature,
  type Address,
  type Hex,
} from "viem";
import { normaliseSignature } from "../chain/signatures.js";

/** EIP-712 types of a ballot, as `OwnersVote.BALLOT_TYPEHASH` defines them. */
export const BALLOT_TYPES = {
  Ballot: [
    { name: "voteId", type: "uint256" },
    { name: "holder", type: "address" },
    { name: "choice", type: "uint8" },
  ],
} as const;

/** `Choice` of VoteTypes.sol: 0 (None) is never a ballot. */
export const CHOICES = { for: 1, against: 2, abstain: 3 } as const;
export type ChoiceName = keyof typeof CHOICES;
export type ChoiceValue = (typeof CHOICES)[ChoiceName];

export type BallotDomain = { name: string; version: string; chainId: number; verifyingContract: Address };

export type SignedBallot = { voteId: bigint; holder: Address; choice: ChoiceValue; signature: Hex };

/** One ballot per holder per vote: the id is the same for every signature of it, so a retry is recognised. */
export function ballotId(voteId: bigint, holder: Address): Hex {
  return keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "address" }], [voteId, holder]));
}

/** The address that signed `ballot` under `domain` (the holder, or staff entering it for the holder). */
export function recoverBallotSigner(domain: BallotDomain, ballot: SignedBallot): Promise<Address> {
  return recoverTypedDataAddress({
    domain,
    types: BALLOT_TYPES,
    primaryType: "Ballot",
    message: { voteId: ballot.voteId, holder: ballot.holder, choice: ballot.choice },
    signature: ballot.signature,
  });
}

/**
 * The EIP-2098 compact form `castBallotBatch` takes (64 bytes instead of 65). A high-`s` signature is first
 * turned into its low-`s` twin (EIP-2098 has no room for a high `s`); throws for what is not a signature.
 */
export function compactSignature(signature: Hex): { r: Hex; vs: Hex } {
  const { r, yParityAndS } = signatureToCompactSignature(parseSignature(normaliseSignature(signature)));
  return { r, vs: yParityAndS };
}
