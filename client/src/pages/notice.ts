// The public notice (公示) of a spend plan or of an emergency spend, laid out like the notice the committee pins
// on the estate's board: what is done and why (the approving vote's result, or the emergency basis), the amounts
// in yuan, how the cost falls on the flats, the dates, every document with its hash, a QR code that opens the
// plan online where each document is checked, and the period of display. `@media print` (styles.css) leaves
// only the notice on the paper.
import { allOf, get } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { area, big, calendarDate, count, money, percent } from "../lib/format.js";
import { planName, recordedDocuments } from "../lib/fund-view.js";
import { t } from "../lib/i18n.js";
import { label, matterName, scopeName } from "../lib/labels.js";
import type { PageContext } from "../lib/page.js";
import { checkProposal, proposalTitle } from "../lib/proposal.js";
import type { Apportionment, FundEstate, PlanDetail } from "../lib/types.js";

/** How long the notice stays on the board: the committee's rule for spends of the maintenance fund (7 days). */
export const DISPLAY_DAYS = 7;
const DAY = 86_400;

function facts(...pairs: [string, ...(Node | string | null)[]][]): HTMLElement {
  return h("dl", { class: "notice-facts" }, pairs.map(([term, ...desc]) => [h("dt", {}, term), h("dd", {}, ...desc)]));
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const plan = await get<PlanDetail>(`/api/fund/plans/${ctx.params.id}`, ctx.signal);
  const [rows, estate, check] = await Promise.all([
    allOf<Apportionment, "items">(`/api/fund/plans/${plan.id}/apportionment`, "items", 100_000, ctx.signal).then((a) => a.items).catch(() => null),
    get<FundEstate>(`/api/fund/estates/${plan.estateId}`, ctx.signal).catch(() => null),
    checkProposal(plan.planHash, ctx.signal).catch(() => null),
  ]);
  // The name is the document's own title only when its bytes match the hash on chain.
  const name = check?.status === "verified" ? planName(plan, check.proposal.title) : check?.status === "mismatch" ? t("fund.planTitle", { id: String(plan.id) }) : planName(plan);
  const link = new URL(`#/fund/plans/${plan.id}`, window.location.href).toString();
  const qr = h("img", { class: "notice-qr", alt: t("notice.qrAlt"), width: 132, height: 132, "data-testid": "notice-qr" }) as HTMLImageElement;
  void import("qrcode").then(async (QR) => (qr.src = await QR.toDataURL(link, { margin: 1, width: 264, errorCorrectionLevel: "M" }))).catch(() => qr.remove());

  const today = Math.floor(Date.now() / 1000);
  const emergency = plan.kind === "emergency";
  const vote = plan.vote;
  const tally = vote?.tally;
  const votedArea = tally ? big(tally.areaFor) + big(tally.areaAgainst) + big(tally.areaAbstain) : 0n;
  const votedHeads = tally ? big(tally.headsFor) + big(tally.headsAgainst) + big(tally.headsAbstain) : 0n;

  const charged = rows ?? [];
  const totalCharged = charged.reduce((s, r) => s + big(r.amount), 0n);
  const totalArea = charged.reduce((s, r) => s + big(r.area), 0n);
  const amounts = charged.map((r) => big(r.amount)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  replace(
    root,
    h(
      "p",
      { class: "no-print notice-tools" },
      h("a", { href: `#/fund/plans/${plan.id}` }, `← ${t("notice.back")}`),
      " ",
      h("button", { type: "button", "data-testid": "notice-print", onclick: () => window.print() }, t("notice.print")),
    ),
    h(
      "article",
      { class: "public-notice", "data-testid": "public-notice", "data-kind": plan.kind },
      h("p", { class: "notice-estate", "data-testid": "notice-estate" }, scopeName(plan.estateId, null), plan.buildingId && String(plan.buildingId) !== "0" ? ` · ${scopeName(plan.estateId, plan.buildingId)}` : ""),
      h("h1", { class: "notice-title" }, emergency ? t("notice.titleEmergency") : t("notice.title")),
      h("h2", { class: "notice-plan", "data-testid": "notice-plan" }, name),
      h("p", { class: "notice-lead" }, emergency ? t("notice.leadEmergency", { scope: scopeName(plan.estateId, plan.buildingId) }) : t("notice.lead", { scope: scopeName(plan.estateId, plan.buildingId) })),
      h("h3", {}, emergency ? t("notice.basisEmergency") : t("notice.basisVote")),
      emergency
        ? facts(
            [t("notice.approvals"), t("notice.approvalsText", { n: (plan.approvals ?? []).length, date: calendarDate(plan.approvals?.at(-1)?.time) })],
            [t("plan.confirmedBy"), plan.confirmation ? t("notice.confirmedText", { date: calendarDate(plan.confirmation.time) }) : t("plan.notConfirmed")],
            [t("fund.emergencyCap"), estate && estate.emergencyPolicy.cap !== "0" ? t("fund.emergencyPolicy", { cap: money(estate.emergencyPolicy.cap), limit: money(estate.emergencyPolicy.periodLimit), period: estate.emergencyPolicy.periodDays, days: estate.emergencyPolicy.disclosureDays }) : "—"],
            [t("plan.disclosureDue"), calendarDate(plan.disclosureDue)],
            [t("notice.disclosure"), h("span", { "data-testid": "notice-disclosure" }, label("disclosure", plan.disclosure), plan.disclosureRecord ? ` · ${calendarDate(plan.disclosureRecord.time)}` : "")],
          )
        : vote && tally
          ? facts(
              [t("notice.vote"), h("span", { "data-testid": "notice-vote" }, `${vote.title ? proposalTitle(vote.title) : matterName(vote.matter)} (#${vote.id})`)],
              [t("notice.votePeriod"), `${calendarDate(vote.start)} – ${calendarDate(vote.end)}`],
              [t("notice.turnout"), t("notice.turnoutText", { area: area(votedArea), areaPct: percent(votedArea, tally.totalArea), heads: count(votedHeads), headsPct: percent(votedHeads, tally.totalHeads) })],
              [t("tally.for"), t("notice.forText", { area: area(tally.areaFor), areaPct: percent(tally.areaFor, votedArea), heads: count(tally.headsFor), headsPct: percent(tally.headsFor, votedHeads) })],
              [t("tally.against"), t("notice.countText", { area: area(tally.areaAgainst), heads: count(tally.headsAgainst) })],
              [t("tally.abstain"), t("notice.countText", { area: area(tally.areaAbstain), heads: count(tally.headsAbstain) })],
              [t("notice.result"), h("strong", { "data-testid": "notice-outcome" }, label("outcome", vote.outcome))],
            )
          : h("p", {}, `#${plan.voteId}`),
      h("h3", {}, t("notice.amounts")),
      facts(
        [emergency ? t("notice.amountEmergency") : t("notice.budget"), h("strong", { "data-testid": "notice-budget" }, money(plan.budget))],
        [t("fund.disbursed"), money(plan.disbursed)],
        ...(plan.closing ? [[t("notice.released"), money(plan.closing.released)] as [string, string]] : []),
        ...plan.disbursements.map((d): [string, string] => [t("plan.stageN", { n: d.index + 1, stage: label("stage", d.stage) }), `${money(d.amount)} · ${calendarDate(d.time)}`]),
      ),
      h("h3", {}, t("notice.apportionment")),
      rows === null
        ? h("p", {}, t("app.unavailable"))
        : h(
            "p",
            { "data-testid": "notice-apportionment" },
            t("notice.apportionmentText", {
              n: charged.length,
              total: money(totalCharged),
              area: area(totalArea),
              perM2: totalArea > 0n ? money((totalCharged * 100n + totalArea / 2n) / totalArea) : "—",
              min: money(amounts[0] ?? 0n),
              max: money(amounts.at(-1) ?? 0n),
            }),
          ),
      h("h3", {}, t("notice.dates")),
      facts(
        [emergency ? t("notice.proposedAt") : t("plan.openedAt"), calendarDate(plan.time)],
        ...(plan.closing ? [[t("plan.closedAt"), calendarDate(plan.closing.time)] as [string, string]] : []),
      ),
      h("h3", {}, t("plan.documents")),
      h(
        "ol",
        { class: "notice-docs", "data-testid": "notice-docs" },
        recordedDocuments(plan).map((d) => h("li", {}, h("span", {}, d.what), " ", h("span", { class: "mono break" }, d.hash))),
      ),
      h(
        "div",
        { class: "notice-verify" },
        qr,
        h("div", {}, h("p", {}, t("notice.verify")), h("p", { class: "mono break", "data-testid": "notice-link" }, link)),
      ),
      h(
        "p",
        { class: "notice-period", "data-testid": "notice-period" },
        t("notice.period", { from: calendarDate(today), to: calendarDate(today + (DISPLAY_DAYS - 1) * DAY), days: DISPLAY_DAYS }),
      ),
      h("p", { class: "notice-signature" }, t("notice.signature"), h("br"), calendarDate(today)),
    ),
  );
}
