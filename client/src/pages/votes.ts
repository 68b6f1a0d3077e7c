// Votes: the open votes of the signed-in owner's scope (estate and buildings where they hold units), each with
// its title, countdown, live tally and one verdict line, and "您已投：同意" once the owner voted; a committee
// election's candidates' votes as one card (one ballot paper). Everyone else sees all open votes. Closed below.
import { all, get } from "../lib/api.js";
import { countdown } from "../lib/countdown.js";
import { h, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { label, matterName, scopeName } from "../lib/labels.js";
import { myBallots, youVoted, type MyBallot } from "../lib/my-ballots.js";
import { proposalTitle, proposalUnchecked } from "../lib/proposal.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { tallyView } from "../lib/tally.js";
import type { Holder, VoteDetail, VoteSummary } from "../lib/types.js";

function inScope(vote: VoteSummary, scopes: Set<string>): boolean {
  const building = vote.buildingId !== null && vote.buildingId !== undefined && String(vote.buildingId) !== "0";
  return scopes.has(building ? `building:${vote.buildingId}` : `estate:${vote.estateId}`);
}

/** The title people read: the proposal's, else the matter and number. */
function titleText(vote: VoteSummary): string {
  return vote.title ? proposalTitle(vote.title) : `${matterName(vote.matter)} · #${vote.id}`;
}

function voteCard(vote: VoteSummary | VoteDetail, mine: Map<string, MyBallot>, signal: AbortSignal): HTMLElement {
  return h(
    "li",
    { class: "card vote-card", "data-vote": String(vote.id) },
    h("h3", {}, h("a", { href: `#/votes/${vote.id}`, "data-testid": "vote-link" }, titleText(vote))),
    h(
      "p",
      { class: "meta" },
      h("span", { class: "badge" }, `${matterName(vote.matter)} · #${vote.id}`),
      h("span", { class: "badge" }, scopeName(vote.estateId, vote.buildingId)),
      vote.major ? h("span", { class: "badge warn" }, t("vote.major")) : null,
      youVoted(mine.get(String(vote.id))),
    ),
    countdown(Number(vote.end), "chainTime" in vote ? vote.chainTime : undefined, signal),
    tallyView(vote.tally, "progress" in vote ? vote.progress : undefined, vote),
  );
}

/** One committee election: its ballot paper's title and candidates, and the owner's votes on it. */
function electionCard(hash: string, votes: (VoteSummary | VoteDetail)[], mine: Map<string, MyBallot>, signal: AbortSignal): HTMLElement {
  const heading = h("a", { href: `#/elections/${hash}`, "data-testid": "election-link" }, t("election.title"));
  const candidates = h("ul", { class: "plain-list election-candidates" });
  // The server's text, as for a vote's title in this list: the election's page checks the paper's hash.
  void proposalUnchecked(hash as `0x${string}`, signal)
    .then((paper) => {
      if (!paper) return;
      heading.textContent = proposalTitle(paper.title);
      replace(candidates, (paper.candidates ?? []).map((c) => h("li", {}, c.displayName ?? c.personId ?? "")));
    })
    .catch(() => undefined);
  const voted = votes.map((v) => mine.get(String(v.id))).filter((b): b is MyBallot => !!b);
  const first = votes[0]!;
  return h(
    "li",
    { class: "card vote-card election-card", "data-election": hash },
    h("h3", {}, heading),
    h("p", { class: "meta" }, h("span", { class: "badge" }, matterName(first.matter)), h("span", { class: "badge" }, scopeName(first.estateId, first.buildingId)), h("span", {}, t("election.candidatesCount", { n: votes.length }))),
    candidates,
    countdown(Number(first.end), "chainTime" in first ? first.chainTime : undefined, signal),
    voted.length > 0
      ? h("p", { "data-testid": "election-voted" }, voted.length === votes.length ? t("election.votedAll") : t("election.votedSome", { n: voted.length, of: votes.length }))
      : null,
    h("p", {}, h("a", { href: `#/elections/${hash}`, class: "button primary" }, voted.length === votes.length ? t("election.open") : t("election.fillIn"))),
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  // Every vote in one answer, each with its rule, progress and the chain's time (what the threshold lines and the
  // countdown need): one round trip, which index.html's boot script has usually sent already.
  const [votes, holder, mine] = await Promise.all([
    all<VoteDetail>("/api/votes", {}, 1000, ctx.signal),
    who ? get<Holder>(`/api/holders/${who.address}`, ctx.signal).catch(() => null) : Promise.resolve(null),
    who ? myBallots(who.address, ctx.signal).catch(() => new Map<string, MyBallot>()) : Promise.resolve(new Map<string, MyBallot>()),
  ]);
  const open = votes.filter((v) => v.status === "open");
  const closed = [...votes.filter((v) => v.status === "closed"), ...votes.filter((v) => v.status === "finalized")];
  const scopes = new Set((holder?.areaByScope ?? []).map((s) => s.scope));
  const details = holder ? open.filter((v) => inScope(v, scopes)) : open;
  // A committee election's candidates are one card, where its first candidate's vote stands in the list.
  const cards: HTMLElement[] = [];
  const seen = new Set<string>();
  for (const v of details) {
    if (!v.election) cards.push(voteCard(v, mine, ctx.signal));
    else if (!seen.has(v.election)) {
      seen.add(v.election);
      cards.push(electionCard(v.election, details.filter((d) => d.election === v.election), mine, ctx.signal));
    }
  }

  replace(
    root,
    h("h1", {}, t("votes.title")),
    h("p", { class: "lead" }, who ? (holder && holder.units.length > 0 ? t("votes.yourScope") : t("votes.noUnits")) : t("votes.allOpen")),
    !who ? h("p", {}, h("a", { href: "#/account?next=votes", class: "button primary" }, t("ballot.signInToVote"))) : null,
    h("h2", {}, t("votes.open", { n: cards.length })),
    cards.length === 0 ? h("p", { class: "muted" }, t("votes.none")) : h("ul", { class: "cards", "data-testid": "open-votes" }, cards),
    h("h2", {}, t("votes.closed")),
    closed.length === 0
      ? h("p", { class: "muted" }, t("votes.none"))
      : h(
          "ul",
          { class: "plain-list closed-votes" },
          closed.map((v) =>
            h(
              "li",
              { "data-vote": String(v.id) },
              h("a", { href: `#/votes/${v.id}` }, titleText(v)),
              " — ",
              scopeName(v.estateId, v.buildingId),
              " — ",
              h("strong", {}, label("outcome", v.outcome)),
              " ",
              youVoted(mine.get(String(v.id))),
            ),
          ),
        ),
  );
}
