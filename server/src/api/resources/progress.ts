// The live tally against a vote's thresholds, in exact integer arithmetic with the rules of OwnersVote._decide:
// fractions compared by cross-multiplication, quorum on area and heads, approval needing at least one head in
// favour. "Needed" figures are the least integers that meet each threshold.
import type { Rule, TallyView, Threshold } from "../../indexer/models/votes.js";

export type OutcomeName = "Pending" | "QuorumNotMet" | "Passed" | "Rejected";

export type Progress = {
  participatingArea: string;
  participatingHeads: number;
  quorumArea: string;
  quorumHeads: number;
  quorumMet: boolean;
  approvalAreaNeeded: string;
  approvalHeadsNeeded: number;
  approvalMet: boolean;
  /** The outcome if the vote were finalized with this tally. */
  projectedOutcome: Exclude<OutcomeName, "Pending">;
};

/** `part/base` against the threshold, as OwnersVote._meets. */
export function meets(part: bigint, base: bigint, t: Threshold): boolean {
  const lhs = part * BigInt(t.denominator);
  const rhs = base * BigInt(t.numerator);
  return t.strict ? lhs > rhs : lhs >= rhs;
}

/** The least `part` with meets(part, base, t). */
export function needed(base: bigint, t: Threshold): bigint {
  const product = base * BigInt(t.numerator);
  const den = BigInt(t.denominator);
  return t.strict ? product / den + 1n : (product + den - 1n) / den;
}

export function progressOf(t: TallyView, rule: Rule): Progress {
  const areaIn = BigInt(t.areaFor) + BigInt(t.areaAgainst) + BigInt(t.areaAbstain);
  const headsIn = BigInt(t.headsFor + t.headsAgainst + t.headsAbstain);
  const totalArea = BigInt(t.totalArea);
  const totalHeads = BigInt(t.totalHeads);
  // A local rule's quorum is always of the totals (the contract refuses another), but follow the flag anyway.
  const quorumAreaBase = rule.quorum.ofTotal ? totalArea : areaIn;
  const quorumHeadsBase = rule.quorum.ofTotal ? totalHeads : headsIn;
  const quorumMet = meets(areaIn, quorumAreaBase, rule.quorum) && meets(headsIn, quorumHeadsBase, rule.quorum);
  const areaBase = rule.approval.ofTotal ? totalArea : areaIn;
  const headsBase = rule.approval.ofTotal ? totalHeads : headsIn;
  const approvalMet =
    t.headsFor !== 0 && meets(BigInt(t.areaFor), areaBase, rule.approval) && meets(BigInt(t.headsFor), headsBase, rule.approval);
  const headsNeeded = needed(headsBase, rule.approval);
  return {
    participatingArea: areaIn.toString(),
    participatingHeads: Number(headsIn),
    quorumArea: needed(quorumAreaBase, rule.quorum).toString(),
    quorumHeads: Number(needed(quorumHeadsBase, rule.quorum)),
    quorumMet,
    approvalAreaNeeded: needed(areaBase, rule.approval).toString(),
    approvalHeadsNeeded: Number(headsNeeded > 0n ? headsNeeded : 1n),
    approvalMet,
    projectedOutcome: !quorumMet ? "QuorumNotMet" : approvalMet ? "Passed" : "Rejected",
  };
}
