// A committee election on one ballot paper: the paper (its document, hash-checked in the browser) lists the
// candidates; each candidate is a vote of its own on chain. The owner marks 同意/反对/弃权 for every candidate and
// signs once per candidate, all sent together; each candidate's tally and verdict are shown side by side.
import type { Address, Hex } from "viem";
import { all, get, post } from "../lib/api.js";
import { countdown } from "../lib/countdown.js";
import { h, notice, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { myBallots, youVoted, type MyBallot } from "../lib/my-ballots.js";
import { sleep, type PageContext } from "../lib/page.js";
import { checkProposal, proposalTitle, proposalView, type ProposalCheck } from "../lib/proposal.js";
import { signedIn } from "../lib/session.js";
import { tallyView } from "../lib/tally.js";
import type { Choice, Eip712, RelayedBallot, VoteDetail, VoteSummary } from "../lib/types.js";

const CHOICES: Choice[] = ["for", "against", "abstain"];

type Candidate = { vote: VoteDetail; name: string };

/**
 * The candidates' votes whose own proposal (hash-checked) names this election and one candidate, in the paper's
 * order. A vote the server lists whose proposal does not check out is left off the paper (and said so).
 */
async function candidatesOf(paper: ProposalCheck, hash: string, votes: VoteDetail[], signal: AbortSignal): Promise<{ candidates: Candidate[]; dropped: number }> {
  const checks = await Promise.all(votes.map((v) => checkProposal(v.contentHash, signal)));
  const order = paper.status === "verified" ? (paper.proposal.candidates ?? []).map((c) => c.displayName ?? c.personId ?? "") : [];
  const candidates: Candidate[] = [];
  votes.forEach((vote, i) => {
    const check = checks[i]!;
    if (check.status !== "verified" || check.proposal.election?.toLowerCase() !== hash || check.proposal.candidates?.length !== 1) return;
    const c = check.proposal.candidates[0]!;
    candidates.push({ vote, name: c.displayName ?? c.personId ?? "" });
  });
  const rank = (c: Candidate) => (order.indexOf(c.name) < 0 ? order.length : order.indexOf(c.name));
  candidates.sort((a, b) => rank(a) - rank(b) || Number(a.vote.id) - Number(b.vote.id));
  return { candidates, dropped: votes.length - candidates.length };
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const hash = ctx.params.hash!.toLowerCase();
  const who = signedIn();
  const [paper, summaries] = await Promise.all([
    checkProposal(hash as Hex, ctx.signal),
    all<VoteSummary>("/api/votes", { election: hash }, 200, ctx.signal),
  ]);
  const load = () => Promise.all(summaries.map((v) => get<VoteDetail>(`/api/votes/${v.id}`, ctx.signal)));
  const { candidates, dropped } = await candidatesOf(paper, hash, await load(), ctx.signal);
  let mine = who ? await myBallots(who.address, ctx.signal).catch(() => new Map<string, MyBallot>()) : new Map<string, MyBallot>();

  const first = candidates[0]?.vote;
  const isOpen = !!first && first.status === "open";
  const paperBox = h("section", { class: "card", "aria-labelledby": "paper-h", "data-testid": "election-paper" });
  const talliesBox = h("section", { class: "card", "aria-labelledby": "tallies-h" });

  const drawTallies = () =>
    replace(
      talliesBox,
      h("h2", { id: "tallies-h" }, t("election.tallies")),
      h(
        "ul",
        { class: "cards election-tallies" },
        candidates.map((c) =>
          h(
            "li",
            { class: "card", "data-testid": "candidate-tally", "data-vote": String(c.vote.id) },
            h("h3", {}, h("a", { href: `#/votes/${c.vote.id}` }, c.name), " ", youVoted(mine.get(String(c.vote.id)))),
            tallyView(c.vote.tally, c.vote.progress, c.vote),
          ),
        ),
      ),
    );

  /** The paper: one group of 同意/反对/弃权 per candidate not yet voted on; those voted on show the choice. */
  const drawPaper = (status?: HTMLElement) => {
    const heading = h("h2", { id: "paper-h" }, t("election.paper"));
    if (!who) return replace(paperBox, heading, h("p", {}, h("a", { href: `#/account?next=elections/${hash}`, class: "button primary" }, t("ballot.signInToVote"))));
    if (!isOpen) return replace(paperBox, heading, h("p", {}, t("ballot.closed")));
    const open = candidates.filter((c) => !mine.has(String(c.vote.id)) || mine.get(String(c.vote.id))!.byStaff);
    const done = candidates.filter((c) => !open.includes(c));
    const doneList =
      done.length > 0 ? h("ul", { class: "plain-list" }, done.map((c) => h("li", { "data-vote": String(c.vote.id) }, h("strong", {}, c.name), " ", youVoted(mine.get(String(c.vote.id)))))) : null;
    if (open.length === 0) return replace(paperBox, heading, notice("ok", t("election.votedAll")), doneList, status ?? null);
    const form = h(
      "form",
      { "data-testid": "election-form" },
      open.map((c) =>
        h(
          "fieldset",
          { class: "choices candidate", "data-vote": String(c.vote.id) },
          h("legend", {}, c.name),
          mine.get(String(c.vote.id))?.byStaff ? h("p", { class: "muted" }, youVoted(mine.get(String(c.vote.id)))) : null,
          CHOICES.map((choice) =>
            h(
              "label",
              { class: `choice ${choice}` },
              h("input", { type: "radio", name: `vote-${c.vote.id}`, value: choice, required: true, "data-testid": `election-${c.vote.id}-${choice}` }),
              h("span", {}, t(`tally.${choice}`)),
            ),
          ),
        ),
      ),
      h("p", { class: "muted" }, t("election.explain", { n: open.length })),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "cast-election" }, t("election.sign"))),
    );
    const formStatus = h("div", { "aria-live": "polite", "data-testid": "election-status" }, status ?? null);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const data = new FormData(form as HTMLFormElement);
      const picks = open.map((c) => ({ c, choice: data.get(`vote-${c.vote.id}`) as Choice | null }));
      if (picks.some((p) => !p.choice)) {
        replace(formStatus, notice("error", t("election.missing")));
        return;
      }
      void cast(picks as { c: Candidate; choice: Choice }[], form.querySelector("button[type=submit]") as HTMLButtonElement, formStatus);
    });
    replace(paperBox, heading, doneList, form, formStatus);
  };

  /** Signs one ballot per candidate, sends them all, then follows them until each is counted on chain. */
  const cast = async (picks: { c: Candidate; choice: Choice }[], button: HTMLButtonElement, status: HTMLElement) => {
    if (!who) return;
    button.disabled = true;
    replace(status, notice("info", t("ballot.signing")));
    try {
      const eip = await get<Eip712>("/api/eip712", ctx.signal);
      const { signBallot } = await import("../lib/signing.js");
      const relayed: Hex[] = [];
      for (const { c, choice } of picks) {
        const message = { voteId: BigInt(c.vote.id), holder: who.address as Address, choice: eip.choices[choice]! };
        const signature = await signBallot(who, eip, message);
        relayed.push((await post<RelayedBallot>("/api/ballots", { voteId: String(c.vote.id), holder: who.address, choice, signature }, ctx.signal)).id);
      }
      replace(status, notice("info", t("election.sent", { n: relayed.length })));
      for (;;) {
        const states = await Promise.all(relayed.map((id) => get<RelayedBallot>(`/api/ballots/${id}`, ctx.signal)));
        const skipped = states.find((s) => s.status === "skipped");
        if (skipped) throw new Error(t("ballot.skipped", { reason: skipped.reason ?? "" }));
        if (states.every((s) => s.status === "counted")) break;
        await sleep(1000, ctx.signal);
      }
      // The indexer may be a block behind the relayer: wait until the ballots are in the read models.
      for (;;) {
        mine = await myBallots(who.address, ctx.signal);
        if (picks.every(({ c }) => mine.get(String(c.vote.id)) && !mine.get(String(c.vote.id))!.byStaff)) break;
        await sleep(1000, ctx.signal);
      }
      const fresh = await load();
      for (const c of candidates) c.vote = fresh.find((v) => String(v.id) === String(c.vote.id)) ?? c.vote;
      drawTallies();
      drawPaper(notice("ok", t("election.recorded")));
    } catch (err) {
      if ((err as Error).name === "AbortError") return;
      replace(status, notice("error", (err as Error).message.split("\n")[0]!));
      button.disabled = false;
    }
  };

  replace(
    root,
    h("p", {}, h("a", { href: "#/votes" }, `← ${t("votes.title")}`)),
    h("h1", { "data-testid": "election-title" }, paper.status === "verified" ? proposalTitle(paper.proposal.title) : t("election.title")),
    first && isOpen ? countdown(Number(first.end), first.chainTime, ctx.signal) : null,
    dropped > 0 ? notice("warn", t("election.dropped", { n: dropped })) : null,
    candidates.length === 0 ? notice("info", t("election.none")) : null,
    paperBox,
    talliesBox,
    proposalView(paper, hash as Hex, "proposal.heading"),
  );
  drawPaper();
  drawTallies();
}
