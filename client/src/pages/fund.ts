// Auditor's view of the maintenance fund: each estate's ledger, every spend plan with its vote and that vote's
// outcome (or the emergency path), budget against disbursed, and flags for emergency spends and overdue
// disclosures.
import { all } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { calendarDate, money } from "../lib/format.js";
import { planName } from "../lib/fund-view.js";
import { budgetBar } from "../lib/budget.js";
import { t } from "../lib/i18n.js";
import { label, scopeName } from "../lib/labels.js";
import { proposalTitle } from "../lib/proposal.js";
import type { PageContext } from "../lib/page.js";
import type { FundEstate, PlanSummary } from "../lib/types.js";

export function disclosureFlag(plan: PlanSummary): HTMLElement | null {
  if (plan.kind !== "emergency") return null;
  const cls = plan.disclosure === "Overdue" ? "danger" : plan.disclosure === "DisclosedLate" || plan.disclosure === "Pending" ? "warn" : "ok";
  return h("span", { class: `badge ${cls}`, "data-disclosure": plan.disclosure }, label("disclosure", plan.disclosure));
}

export function planTitle(plan: PlanSummary): string {
  return planName(plan);
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  // One round: every estate's ledger in one answer, every plan with its vote's summary in another (index.html's
  // boot script has usually sent both while this page's code was downloading).
  const [ledgers, plans] = await Promise.all([all<FundEstate>("/api/fund/estates", {}, 100, ctx.signal), all<PlanSummary>("/api/fund/plans", {}, 500, ctx.signal)]);
  const flagged = plans.filter((p) => p.kind === "emergency");
  const overdue = plans.filter((p) => p.disclosure === "Overdue");

  replace(
    root,
    h("h1", {}, t("fund.title")),
    h("p", { class: "lead" }, t("fund.intro")),
    h("p", {}, h("a", { href: "#/fund/units", class: "button" }, t("fund.statements"))),
    ledgers.map((l) =>
      h(
        "section",
        { class: "card" },
        h("h2", {}, t("scope.estate", { id: String(l.estateId) })),
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, t("fund.balance")), h("dd", {}, money(l.balance)),
          h("dt", {}, t("fund.committed")), h("dd", {}, money(l.committed)),
          h("dt", {}, t("fund.deposited")), h("dd", {}, money(l.deposited)),
          h("dt", {}, t("fund.disbursed")), h("dd", {}, money(l.disbursed)),
          h("dt", {}, t("fund.emergencyCap")), h("dd", {}, l.emergencyPolicy.cap === "0" ? t("fund.emergencyOff") : t("fund.emergencyPolicy", { cap: money(l.emergencyPolicy.cap), limit: money(l.emergencyPolicy.periodLimit), period: l.emergencyPolicy.periodDays, days: l.emergencyPolicy.disclosureDays })),
        ),
      ),
    ),
    overdue.length > 0
      ? h("div", { class: "notice error", role: "alert" }, t("fund.overdueAlert", { n: overdue.length, ids: overdue.map((p) => `#${p.id}`).join(", ") }))
      : null,
    flagged.length > 0 ? h("p", { class: "notice warn" }, t("fund.emergencyNote", { n: flagged.length })) : null,
    h("h2", {}, t("fund.plans", { n: plans.length })),
    h(
      "ul",
      { class: "cards", "data-testid": "plans" },
      plans.map((p) => {
        const v = p.vote ?? undefined;
        return h(
          "li",
          { class: `card plan-card ${p.kind}`, "data-plan": String(p.id) },
          h("h3", {}, h("a", { href: `#/fund/plans/${p.id}` }, planTitle(p))),
          h("p", { class: "muted" }, t("fund.planLine", { id: String(p.id), date: calendarDate(p.openedTime ?? p.time) })),
          h(
            "p",
            { class: "meta" },
            h("span", { class: "badge" }, scopeName(p.estateId, p.buildingId)),
            p.kind === "emergency" ? h("span", { class: "badge warn" }, t("fund.emergency")) : null,
            h("span", { class: "badge" }, label("planStatus", p.status)),
            disclosureFlag(p),
          ),
          h(
            "p",
            {},
            p.kind === "vote"
              ? [t("fund.byVote"), " ", h("a", { href: `#/votes/${p.voteId}` }, v?.title ? `${proposalTitle(v.title)} (#${p.voteId})` : `#${p.voteId}`), " — ", h("strong", {}, v ? label("outcome", v.outcome) : "…")]
              : t("fund.byEmergency"),
          ),
          budgetBar(p.budget, p.disbursed, p.released),
        );
      }),
    ),
  );
}
