// Votes: the open votes of the signed-in owner's scope (estate and buildings where they hold units), each with
// its live tally; everyone else sees all open votes. Closed votes below.
import { all, get } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import { label, matterName, scopeName } from "../lib/labels.js";
import { proposalTitle } from "../lib/proposal.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { tallyView } from "../lib/tally.js";
import type { Holder, VoteDetail, VoteSummary } from "../lib/types.js";

function inScope(vote: VoteSummary, scopes: Set<string>): boolean {
  const building = vote.buildingId !== null && vote.buildingId !== undefined && String(vote.buildingId) !== "0";
  return scopes.has(building ? `building:${vote.buildingId}` : `estate:${vote.estateId}`);
}

function voteCard(vote: VoteSummary | VoteDetail): HTMLElement {
  return h(
    "li",
    { class: "card vote-card", "data-vote": String(vote.id) },
    h("h3", {}, h("a", { href: `#/votes/${vote.id}` }, `${matterName(vote.matter)} · #${vote.id}`)),
    vote.title ? h("p", { class: "vote-title" }, proposalTitle(vote.title)) : null,
    h(
      "p",
      { class: "meta" },
      h("span", { class: "badge" }, scopeName(vote.estateId, vote.buildingId)),
      vote.major ? h("span", { class: "badge warn" }, t("vote.major")) : null,
      h("span", {}, t("votes.ends", { when: dateTime(vote.end) })),
    ),
    tallyView(vote.tally, "progress" in vote ? vote.progress : undefined),
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  const [open, closed, holder] = await Promise.all([
    all<VoteSummary>("/api/votes", { status: "open" }, 200, ctx.signal),
    Promise.all(["closed", "finalized"].map((status) => all<VoteSummary>("/api/votes", { status }, 200, ctx.signal).catch(() => [] as VoteSummary[]))).then((lists) => lists.flat()),
    who ? get<Holder>(`/api/holders/${who.address}`, ctx.signal).catch(() => null) : Promise.resolve(null),
  ]);
  const scopes = new Set((holder?.areaByScope ?? []).map((s) => s.scope));
  const mine = holder ? open.filter((v) => inScope(v, scopes)) : open;
  // The list gives summaries; the threshold lines need each vote's progress.
  const details = await Promise.all(mine.map((v) => get<VoteDetail>(`/api/votes/${v.id}`, ctx.signal).catch(() => v)));

  replace(
    root,
    h("h1", {}, t("votes.title")),
    h("p", { class: "lead" }, who ? (holder && holder.units.length > 0 ? t("votes.yourScope") : t("votes.noUnits")) : t("votes.allOpen")),
    !who ? h("p", {}, h("a", { href: "#/account?next=votes", class: "button primary" }, t("ballot.signInToVote"))) : null,
    h("h2", {}, t("votes.open", { n: details.length })),
    details.length === 0 ? h("p", { class: "muted" }, t("votes.none")) : h("ul", { class: "cards", "data-testid": "open-votes" }, details.map(voteCard)),
    h("h2", {}, t("votes.closed")),
    closed.length === 0
      ? h("p", { class: "muted" }, t("votes.none"))
      : h(
          "ul",
          { class: "plain-list" },
          closed.map((v) => h("li", {}, h("a", { href: `#/votes/${v.id}` }, `${matterName(v.matter)} · #${v.id}`), v.title ? ` ${proposalTitle(v.title)}` : "", " — ", scopeName(v.estateId, v.buildingId), " — ", h("strong", {}, label("outcome", v.outcome)))),
        ),
  );
}
