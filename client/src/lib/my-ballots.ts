// The signed-in owner's own ballots, by vote: "您已投：同意" on the votes list, a vote's page and an election's
// ballot paper. One request for all votes (GET /api/holders/{address}/ballots), not one per vote.
import { all } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import type { BallotRow } from "./types.js";

export type MyBallot = BallotRow & { voteId: string };

/** The ballot that counts for `address` in each vote (its own, else a proxy ballot staff entered), by vote id. */
export async function myBallots(address: string, signal?: AbortSignal): Promise<Map<string, MyBallot>> {
  const rows = await all<MyBallot>(`/api/holders/${address}/ballots`, {}, 5000, signal);
  return new Map(rows.filter((b) => !b.replaced).map((b) => [String(b.voteId), b]));
}

/** "您已投：同意" (or "社区工作者已代您投：弃权" for a proxy ballot), as a badge. */
export function youVoted(ballot: MyBallot | BallotRow | undefined): HTMLElement | null {
  if (!ballot) return null;
  const choice = t(`tally.${ballot.choice}`);
  return h("span", { class: `badge voted ${ballot.choice}`, "data-testid": "you-voted", "data-choice": ballot.choice }, ballot.byStaff ? t("votes.proxyVoted", { choice }) : t("votes.youVoted", { choice }));
}
