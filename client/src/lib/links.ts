// Links between a vote and the spend plan it approved. A plan names its vote (`voteId`); the vote does not name
// its plan, so the vote page looks the plan up in the plans list. The plan page links back with `voteHref`.
import { all } from "./api.js";
import type { PlanSummary } from "./types.js";

/** The vote page of a vote id. */
export function voteHref(voteId: string | number): string {
  return `#/votes/${voteId}`;
}

/** The plan page of a plan id. */
export function planHref(planId: string | number): string {
  return `#/fund/plans/${planId}`;
}

/** The plans opened against `voteId` (a vote approves at most one in practice; a list in case of more). */
export async function plansOfVote(voteId: string | number, estateId: string | number, signal?: AbortSignal): Promise<PlanSummary[]> {
  const plans = await all<PlanSummary>("/api/fund/plans", { estateId: String(estateId), kind: "vote" }, 5000, signal);
  return plans.filter((p) => p.voteId !== null && String(p.voteId) === String(voteId));
}
