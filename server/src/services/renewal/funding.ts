// The funding arithmetic of a micro-renewal project, exact to the fen: the subsidy's match on residents' pledges,
// the all-or-nothing outcome at the deadline, and the ledger's totals. Plain integers (fen) throughout; products
// are taken in BigInt so that no amount is ever rounded by a float.

/** The subsidy's rule, fixed when funding opens: `numerator`/`denominator` fen per fen pledged by residents, at most `capFen`. */
export type MatchRule = { numerator: number; denominator: number; capFen: number };

/**
 * The subsidy owed on residents' pledges totalling `residentFen`: floor(residentFen × numerator / denominator),
 * at most the cap. Rounding rule: down to the whole fen, so the match never exceeds the ratio; it is recomputed
 * on the running total (not per pledge), so fractions of a fen never add up across pledges.
 */
export function matchFor(residentFen: number, rule: MatchRule): number {
  const byRatio = (BigInt(residentFen) * BigInt(rule.numerator)) / BigInt(rule.denominator);
  const cap = BigInt(rule.capFen);
  return Number(byRatio < cap ? byRatio : cap);
}

/** Residents' pledges are at least `shareBp` basis points (1000 = 10 %) of everything raised (pledges + match). */
export function residentShareMet(residentFen: number, raisedFen: number, shareBp: number): boolean {
  return BigInt(residentFen) * 10_000n >= BigInt(shareBp) * BigInt(raisedFen);
}

export type Outcome = "funded" | "belowMinimum" | "residentShare";

/**
 * All or nothing, at the deadline: funded when what is raised (pledges + match) reaches the minimum and residents
 * gave at least the set share of it; otherwise every pledge and the match are released. Reaching the minimum
 * without the residents' share is not funded (reason `residentShare`).
 */
export function outcomeOf(totals: { residentFen: number; raisedFen: number }, minimumFen: number, shareBp: number): Outcome {
  if (totals.raisedFen < minimumFen) return "belowMinimum";
  if (!residentShareMet(totals.residentFen, totals.raisedFen, shareBp)) return "residentShare";
  return "funded";
}

/**
 * A project's ledger totals. The identity kept at every record:
 *   pledgedFen + matchedFen = releasedFen + spentFen + remainingFen
 * where pledgedFen is every pledge ever made (residents' and partners'), matchedFen every fen the subsidy ever
 * committed, releasedFen every fen given back (a withdrawn pledge, the match it no longer earns, and at a failed
 * deadline every pledge and the whole match), spentFen what was paid against invoices, remainingFen what is held.
 */
export type Ledger = {
  pledgedFen: number;
  /** Of pledgedFen, the residents' (withdrawn or released ones included). */
  residentPledgedFen: number;
  matchedFen: number;
  releasedFen: number;
  spentFen: number;
};

export const EMPTY_LEDGER: Ledger = { pledgedFen: 0, residentPledgedFen: 0, matchedFen: 0, releasedFen: 0, spentFen: 0 };

export const remainingOf = (l: Ledger): number => l.pledgedFen + l.matchedFen - l.releasedFen - l.spentFen;

