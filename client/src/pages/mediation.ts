// 调解 (#/mediation, issue 15): the signed-in resident's disputes (filed by them or against them) with their stage
// and deadlines, those waiting for their answer first; a big "ask for mediation" button; the way to the published
// statistics for everyone; and, for mediators and community staff, the way to their own desks.
import { get } from "../lib/api.js";
import { h, notice, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { categoryName, deadlineText, levelName, statusBadge, type Dispute } from "../lib/mediation.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { dataTable } from "../lib/table.js";

/** The disputes as a table (cards on a phone): category, my side, level, stage and the deadline that matters now. */
export function disputesTable(items: Dispute[], testId: string): HTMLElement {
  return dataTable<Dispute>(
    [
      { label: t("med.col.category"), cell: (d) => h("a", { href: `#/mediation/${d.id}`, "data-testid": "med-link" }, categoryName(d.category)) },
      { label: t("med.col.side"), cell: (d) => (d.yourRoles.includes("claimant") ? t("med.side.claimant") : d.yourRoles.includes("respondent") ? t("med.side.respondent") : d.yourRoles.includes("mediator") ? t("med.side.mediator") : t("med.side.other")) },
      { label: t("med.col.level"), cell: (d) => levelName(d.level) },
      { label: t("med.col.status"), cell: (d) => statusBadge(d) },
      { label: t("med.col.deadline"), cell: (d) => h("span", { "data-testid": "med-deadline" }, deadlineText(d)) },
    ],
    items,
    { rowHeader: true, rowAttrs: (d) => ({ "data-dispute": d.id, "data-status": d.status }), attrs: { "data-testid": testId } },
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  const title = h("h1", {}, t("med.title"));
  const lead = h("p", { class: "lead" }, t("med.lead"));
  const statsLink = h("p", {}, h("a", { href: "#/mediation/stats", "data-testid": "med-stats-link" }, t("med.statsLink")));
  if (!who) {
    return replace(root, title, lead, notice("info", t("med.signInToFile"), " ", h("a", { href: "#/account?next=mediation", class: "button primary", "data-testid": "med-sign-in" }, t("med.signIn"))), statsLink);
  }
  const me = who.address.toLowerCase();
  const [mine, offchain, assigned] = await Promise.all([
    get<{ items: Dispute[] }>("/api/mediation/disputes/mine?limit=200", ctx.signal).then((r) => r.items),
    get<{ roles: string[] }>(`/api/directory/roles/${me}`, ctx.signal).catch(() => ({ roles: [] as string[] })),
    // Cases the reader mediates or was invited into (the judicial office, the police, a lawyer).
    get<{ items: Dispute[] }>("/api/mediation/disputes/assigned?limit=1", ctx.signal).then((r) => r.items.length > 0).catch(() => false),
  ]);
  const toAnswer = mine.filter((d) => d.yourRoles.includes("respondent") && d.answer === null && d.status !== "closed");
  const rest = mine.filter((d) => !toAnswer.includes(d)).sort((a, b) => b.filedAt - a.filedAt);
  const staff = who.session.roles.includes("staff");
  const mediator = offchain.roles.includes("mediator") || assigned;
  replace(
    root,
    title,
    lead,
    h("p", {}, h("a", { href: "#/mediation/new", class: "button primary big-button", "data-testid": "med-new" }, t("med.file"))),
    toAnswer.length === 0
      ? null
      : h(
          "section",
          { class: "card med-to-answer", "aria-labelledby": "med-answer-h" },
          h("h2", { id: "med-answer-h" }, t("med.toAnswer", { n: toAnswer.length })),
          h("p", {}, t("med.toAnswerLead")),
          disputesTable(toAnswer, "med-to-answer"),
        ),
    h(
      "section",
      { class: "card", "aria-labelledby": "med-mine-h" },
      h("h2", { id: "med-mine-h" }, t("med.mine")),
      rest.length === 0 ? h("p", { class: "muted", "data-testid": "med-mine-none" }, t("med.mineNone")) : disputesTable(rest, "med-mine"),
    ),
    mediator || staff
      ? h(
          "section",
          { class: "card", "aria-labelledby": "med-desks-h" },
          h("h2", { id: "med-desks-h" }, t("med.desks")),
          h(
            "div",
            { class: "actions" },
            mediator ? h("a", { href: "#/mediation/cases", class: "button", "data-testid": "med-to-cases" }, t("med.toCases")) : null,
            staff ? h("a", { href: "#/mediation/office", class: "button", "data-testid": "med-to-office" }, t("med.toOffice")) : null,
          ),
        )
      : null,
    statsLink,
  );
}
