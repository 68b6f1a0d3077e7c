// The one line that says where a vote stands, in words that agree with the bars: from the vote's state by chain
// time (open, closed awaiting its count, finalized) and its progress against quorum and approval. Pure: the
// text keys are looked up by the caller, so the rule itself is tested without a browser.
import type { Outcome, Progress } from "./types.js";

export type VerdictKey =
  | "verdict.upcoming"
  | "verdict.open.passing"
  | "verdict.open.rejecting"
  | "verdict.open.approvalButQuorum"
  | "verdict.open.neither"
  | "verdict.closed.Passed"
  | "verdict.closed.Rejected"
  | "verdict.closed.QuorumNotMet"
  | "verdict.final.Passed"
  | "verdict.final.Rejected"
  | "verdict.final.QuorumNotMet";

export type Verdict = { key: VerdictKey; tone: "ok" | "warn" | "info" };

/** The state of a vote as the API reports it (status by chain time), or from its outcome alone. */
export type VoteState = { status?: string; outcome: Outcome };

type Met = Pick<Progress, "quorumMet" | "approvalMet">;

const finalTone = (o: Exclude<Outcome, "Pending">): Verdict["tone"] => (o === "Passed" ? "ok" : o === "Rejected" ? "warn" : "info");

/**
 * Finalized: the outcome on chain. Closed (the end passed, not yet finalized): what the count will be. Open:
 * what stands now and what happens if it still stands at the close; "approval reached" is never said alone
 * while the quorum is not, since then nothing is decided.
 */
export function verdictOf(state: VoteState, progress: Met): Verdict {
  if (state.outcome !== "Pending") return { key: `verdict.final.${state.outcome}`, tone: finalTone(state.outcome) };
  if (state.status === "upcoming") return { key: "verdict.upcoming", tone: "info" };
  const projected: Exclude<Outcome, "Pending"> = !progress.quorumMet ? "QuorumNotMet" : progress.approvalMet ? "Passed" : "Rejected";
  if (state.status === "closed" || state.status === "finalized") return { key: `verdict.closed.${projected}`, tone: finalTone(projected) };
  if (progress.quorumMet) return progress.approvalMet ? { key: "verdict.open.passing", tone: "ok" } : { key: "verdict.open.rejecting", tone: "warn" };
  return progress.approvalMet ? { key: "verdict.open.approvalButQuorum", tone: "info" } : { key: "verdict.open.neither", tone: "info" };
}

/** Seconds left until `end`, by the chain's clock as last reported (`chainTime` at `reportedAtMs` on this machine). */
export function secondsLeft(end: number, chainTime: number, reportedAtMs: number, nowMs: number): number {
  return Math.max(0, end - (chainTime + Math.floor((nowMs - reportedAtMs) / 1000)));
}

/** Days, hours and minutes of a span, for "还剩 2 天 3 小时" (minutes only under a day; at least a minute while open). */
export function spanParts(seconds: number): { days: number; hours: number; minutes: number } {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = days > 0 ? 0 : Math.max(s > 0 ? 1 : 0, Math.ceil((s % 3600) / 60));
  return { days, hours, minutes: minutes === 60 ? 59 : minutes };
}
