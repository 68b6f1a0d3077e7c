// One vote: what is decided, the live tally against quorum and approval, and — signed in — casting a ballot
// (EIP-712 signature, sent to the relayer), following it to the chain and downloading its receipt.
import type { Address, Hex } from "viem";
import { all, ApiError, get, post } from "../lib/api.js";
import { ballotList } from "../lib/ballot-list.js";
import { countdown } from "../lib/countdown.js";
import { download, h, notice, replace } from "../lib/dom.js";
import { area, dateTime, money, short } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import { label, matterName, scopeName } from "../lib/labels.js";
import { planHref, plansOfVote } from "../lib/links.js";
import { youVoted } from "../lib/my-ballots.js";
import { sleep, type PageContext } from "../lib/page.js";
import { staffMark } from "../lib/proxy.js";
import { checkProposal, proposalTitle, proposalView } from "../lib/proposal.js";
import { signedIn } from "../lib/session.js";
import { tallyView } from "../lib/tally.js";
import type { BallotRow, Choice, Eip712, PlanDetail, RelayedBallot, VoteDetail } from "../lib/types.js";

const CHOICES: Choice[] = ["for", "against", "abstain"];

/** Downloads the receipt of a record (404 unknown, 409 while its batch is not anchored yet). */
export async function fetchReceipt(recordId: string | number): Promise<unknown> {
  return get<unknown>(`/api/receipts/${recordId}`);
}

function receiptButton(recordId: string | number, testId: string): HTMLElement {
  const status = h("span", { class: "muted", "aria-live": "polite" });
  const button = h("button", { type: "button", "data-testid": testId }, t("receipt.download")) as HTMLButtonElement;
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "";
    try {
      const receipt = await fetchReceipt(recordId);
      download(`gongzhi-receipt-${recordId}.json`, `${JSON.stringify(receipt, null, 2)}\n`, "application/json");
      status.textContent = t("receipt.downloaded");
    } catch (err) {
      // A 409 says why this record is not anchored yet and when to ask again (the server knows its schedule, and
      // that the record of an anchoring itself waits for the next record); our own text only if it says nothing.
      status.textContent = err instanceof ApiError && err.status === 409 ? err.message || t("receipt.notAnchored") : (err as Error).message;
    } finally {
      button.disabled = false;
    }
  });
  return h("span", { class: "receipt-action" }, button, " ", status);
}

/** "This vote approved spend plan #3: 1号楼屋面防水维修实施方案", linking to the plan (whose page links back). */
async function planLinks(box: HTMLElement, voteId: string, estateId: string | number, signal: AbortSignal): Promise<void> {
  try {
    const plans = await plansOfVote(voteId, estateId, signal);
    const details = await Promise.all(plans.map((p) => get<PlanDetail & { document?: { stored: boolean; title?: { zh: string; en?: string } } }>(`/api/fund/plans/${p.id}`, signal).catch(() => null)));
    replace(
      box,
      plans.map((p, i) => {
        const doc = details[i]?.document;
        const name = doc?.stored && doc.title ? proposalTitle(doc.title) : t("vote.planNumber", { id: String(p.id) });
        return notice("info", t("vote.approvedPlan"), " ", h("a", { href: planHref(p.id), "data-testid": "vote-plan-link" }, name));
      }),
    );
  } catch {
    // The link is a convenience: the plan page names its vote in any case.
  }
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const id = ctx.params.id!;
  // The vote and its ballots do not depend on each other: both are requested at once.
  let ballotsRequest: Promise<BallotRow[]> | null = all<BallotRow>(`/api/votes/${id}/ballots`, {}, 20_000, ctx.signal);
  ballotsRequest.catch(() => undefined); // if the vote fails, its ballots' failure is not news
  let vote = await get<VoteDetail>(`/api/votes/${id}`, ctx.signal);
  const who = signedIn();
  // The proposal's bytes are fetched and checked against the chain's contentHash beside everything else.
  const proposalBox = h("div", { "data-testid": "proposal-slot" });
  void checkProposal(vote.contentHash, ctx.signal)
    .then((check) => replace(proposalBox, proposalView(check, vote.contentHash)))
    .catch(() => undefined);

  const tallyBox = h("div", { "aria-live": "off" }, tallyView(vote.tally, vote.progress, vote));
  const ballotBox = h("section", { class: "card", "aria-labelledby": "ballot-h" });
  const ballotsBox = h("section", { class: "card", "aria-labelledby": "ballots-h" });
  const nowSec = vote.chainTime ?? Math.floor(Date.now() / 1000);
  // The API decides "open" by chain time (the demo chain runs ahead of the wall clock).
  const isOpen = vote.status ? vote.status === "open" : vote.outcome === "Pending" && Number(vote.end) > nowSec;
  const votedBox = h("p", { class: "voted-line" });
  const planBox = h("div", { "data-testid": "vote-plan-slot" });
  if (vote.matter === "UseFund") void planLinks(planBox, id, vote.estateId, ctx.signal);

  const facts = h(
    "dl",
    { class: "facts" },
    h("dt", {}, t("vote.scope")), h("dd", {}, scopeName(vote.estateId, vote.buildingId)),
    h("dt", {}, t("vote.kind")), h("dd", {}, vote.major ? t("vote.major") : t("vote.ordinary")),
    h("dt", {}, t("vote.window")), h("dd", {}, `${dateTime(vote.start)} – ${dateTime(vote.end)}`),
    vote.budget && vote.budget !== "0" ? [h("dt", {}, t("vote.budget")), h("dd", {}, money(vote.budget))] : null,
    h("dt", {}, t("vote.outcome")), h("dd", { "data-testid": "vote-outcome" }, label("outcome", vote.outcome)),
  );
  // The hash is for checking, not for reading: behind "details".
  const hashDetails = h("details", { class: "tech" }, h("summary", {}, t("vote.details")), h("p", { class: "mono muted break" }, `${t("vote.contentHash")}: ${vote.contentHash}`));

  replace(
    root,
    h("p", {}, h("a", { href: "#/votes" }, `← ${t("votes.title")}`)),
    h("h1", { "data-testid": "vote-title" }, vote.title ? proposalTitle(vote.title) : `${matterName(vote.matter)} · #${vote.id}`),
    h("p", { class: "meta" }, h("span", { class: "badge" }, `${matterName(vote.matter)} · #${vote.id}`), " ", h("span", { class: "badge" }, scopeName(vote.estateId, vote.buildingId))),
    votedBox,
    vote.election
      ? notice("info", t("vote.partOfElection"), " ", h("a", { href: `#/elections/${vote.election}`, "data-testid": "vote-election-link" }, t("vote.toElection")))
      : null,
    isOpen ? countdown(Number(vote.end), vote.chainTime, ctx.signal) : null,
    planBox,
    proposalBox,
    h("section", { class: "card" }, facts, hashDetails),
    h("section", { class: "card", "aria-labelledby": "tally-h" }, h("h2", { id: "tally-h" }, t("vote.tally")), tallyBox),
    ballotBox,
    ballotsBox,
  );

  // Ballots already on chain (with their receipt record ids).
  let ballots: BallotRow[] = [];
  const loadBallots = async () => {
    ballots = await (ballotsRequest ?? all<BallotRow>(`/api/votes/${id}/ballots`, {}, 20_000, ctx.signal));
    ballotsRequest = null;
    const counted = ballots.filter((b) => !b.replaced).length;
    replace(
      ballotsBox,
      // A proxy ballot the holder replaced stays listed (marked) but is not counted.
      h("h2", { id: "ballots-h" }, t("vote.ballots", { n: counted })),
      ballots.length === 0 ? h("p", { class: "muted" }, t("vote.noBallots")) : await ballotList(ballots, ctx.signal),
    );
    const counting = ballots.find((b) => ofMine(b));
    replace(votedBox, youVoted(counting));
  };

  const ofMine = (b: BallotRow) => !!who && b.holder.toLowerCase() === who.address.toLowerCase() && !b.replaced;
  // The holder's own ballot is final; a ballot staff entered for them stands only until they vote themselves.
  const mine = (): BallotRow | undefined => ballots.find((b) => ofMine(b) && !b.byStaff);
  const proxyForMe = (): BallotRow | undefined => ballots.find((b) => ofMine(b) && b.byStaff);

  const progressList = h("ol", { class: "progress-steps", "data-testid": "ballot-progress" });
  const setProgress = (stage: "signed" | "pending" | "counted" | "recorded", detail?: string) => {
    const order = ["signed", "pending", "counted", "recorded"];
    const reached = order.indexOf(stage);
    replace(
      progressList,
      order.map((s, i) =>
        h("li", { class: i <= reached ? "done" : "", "data-stage": s, "aria-current": i === reached ? "step" : undefined }, t(`ballot.stage.${s}` as Parameters<typeof t>[0]), i === reached && detail ? h("span", { class: "mono muted" }, ` ${detail}`) : null),
      ),
    );
    progressList.dataset.stage = stage;
  };

  const showMine = (row: BallotRow) => {
    replace(
      ballotBox,
      h("h2", { id: "ballot-h" }, t("ballot.title")),
      notice("ok", t("ballot.yours", { choice: t(`tally.${row.choice}`), area: area(row.area) })),
      progressList,
      h("details", { class: "tech" }, h("summary", {}, t("vote.details")), h("p", { class: "mono muted break" }, `${t("vote.tx")}: ${row.txHash} · ${t("ballot.block", { n: String(row.blockNumber) })}`)),
      h("p", {}, receiptButton(row.recordId, "ballot-receipt"), " ", h("a", { href: "#/verify" }, t("receipt.howToVerify"))),
    );
    setProgress("recorded", t("ballot.recordId", { id: String(row.recordId) }));
  };

  /** Follows a relayed ballot: pending → counted (tx) → in the ballots list (record id, receipt). */
  const follow = async (relayedId: Hex) => {
    for (;;) {
      const b = await get<RelayedBallot>(`/api/ballots/${relayedId}`, ctx.signal);
      if (b.status === "skipped") {
        ballotBox.append(notice("error", t("ballot.skipped", { reason: b.reason ?? "" })));
        return;
      }
      if (b.status === "counted") {
        setProgress("counted", short(b.txHash));
        await loadBallots();
        vote = await get<VoteDetail>(`/api/votes/${id}`, ctx.signal);
        replace(tallyBox, tallyView(vote.tally, vote.progress, vote));
        const row = mine();
        if (row) return showMine(row);
      } else {
        setProgress("pending");
      }
      await sleep(1000, ctx.signal);
    }
  };

  const ballotForm = () => {
    if (!who) {
      replace(ballotBox, h("h2", { id: "ballot-h" }, t("ballot.title")), h("p", {}, h("a", { href: `#/account?next=votes/${id}`, class: "button primary" }, t("ballot.signInToVote"))));
      return;
    }
    if (!isOpen) {
      replace(ballotBox, h("h2", { id: "ballot-h" }, t("ballot.title")), h("p", {}, t("ballot.closed")));
      return;
    }
    const status = h("div", { "aria-live": "polite" });
    const form = h(
      "form",
      { "data-testid": "ballot-form" },
      h(
        "fieldset",
        { class: "choices" },
        h("legend", {}, t("ballot.choose")),
        CHOICES.map((c) => h("label", { class: `choice ${c}` }, h("input", { type: "radio", name: "choice", value: c, required: true, "data-testid": `choice-${c}` }), h("span", {}, t(`tally.${c}`)))),
      ),
      h("p", { class: "muted" }, t("ballot.explain")),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "cast-ballot" }, t("ballot.sign"))),
      status,
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const choice = new FormData(form as HTMLFormElement).get("choice") as Choice | null;
      if (!choice) return;
      void (async () => {
        const button = form.querySelector("button[type=submit]") as HTMLButtonElement;
        button.disabled = true;
        replace(status, notice("info", t("ballot.signing")));
        try {
          const eip = await get<Eip712>("/api/eip712");
          const message = { voteId: BigInt(id), holder: who.address as Address, choice: eip.choices[choice]! };
          // The signing code is loaded already (a signer exists only once it has run): no request here.
          const { signBallot } = await import("../lib/signing.js");
          const signature = await signBallot(who, eip, message);
          const relayed = await post<RelayedBallot>("/api/ballots", { voteId: id, holder: who.address, choice, signature });
          replace(ballotBox, h("h2", { id: "ballot-h" }, t("ballot.title")), notice("info", t("ballot.sent", { choice: t(`tally.${choice}`) })), progressList);
          setProgress("pending");
          await follow(relayed.id);
        } catch (err) {
          if ((err as Error).name === "AbortError") return;
          replace(status, notice("error", (err as Error).message.split("\n")[0]!));
          button.disabled = false;
        }
      })();
    });
    const proxy = proxyForMe();
    replace(
      ballotBox,
      h("h2", { id: "ballot-h" }, t("ballot.title")),
      proxy ? notice("info", staffMark(proxy.enteredBy, proxy.authorizationId), " ", t("ballot.proxyCast", { choice: t(`tally.${proxy.choice}`), authorization: proxy.authorizationId ?? "?" })) : null,
      form,
    );
  };

  await loadBallots().catch(() => undefined);
  const row = mine();
  if (row) showMine(row);
  else if (who && isOpen) {
    // A ballot sent earlier may still be on its way.
    // The ballot's id is a keccak hash: that code only for a signed-in owner of an open vote.
    const { ballotId } = await import("../../../server/src/relayer/ballot.js");
    const relayedId = ballotId(BigInt(id), who.address);
    const known = await get<RelayedBallot>(`/api/ballots/${relayedId}`).catch(() => null);
    if (known && known.status !== "skipped") {
      replace(ballotBox, h("h2", { id: "ballot-h" }, t("ballot.title")), progressList);
      void follow(relayedId).catch(() => undefined);
    } else ballotForm();
  } else ballotForm();

  // Keep the tally live while the vote is open.
  if (isOpen) {
    void (async () => {
      for (;;) {
        await sleep(5000, ctx.signal);
        vote = await get<VoteDetail>(`/api/votes/${id}`, ctx.signal);
        replace(tallyBox, tallyView(vote.tally, vote.progress, vote));
      }
    })().catch(() => undefined);
  }
}
