// The mediator's cases (#/mediation/cases, issue 15): the cases they mediate, or were invited into as the judicial
// office, the police or a lawyer (GET /api/mediation/disputes/assigned), the open ones first by their time limit,
// each with its stage, level, the next session and the deadline that matters now, and the way into its workspace.
import { get } from "../lib/api.js";
import { h, notice, replace } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import { BASE, categoryName, deadlineText, levelName, roleName, statusBadge, type Dispute } from "../lib/mediation.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { dataTable } from "../lib/table.js";

/** The next planned session, or what is waited for. */
function next(d: Dispute): string {
  const planned = d.sessions.filter((s) => s.held === null).sort((a, b) => a.at - b.at)[0];
  if (planned) return t("med.cases.nextSession", { n: planned.session, when: dateTime(planned.at) });
  if (d.status === "awaitingAnswer") return t("med.cases.waitingAnswer");
  if (d.status === "closed") return d.followUpDueAt !== null && d.followUp === null ? t("med.cases.followUpDue", { when: dateTime(d.followUpDueAt) }) : "—";
  return d.agreement ? t("med.cases.toClose") : t("med.cases.toSchedule");
}

export function casesTable(items: Dispute[], testId: string): HTMLElement {
  return dataTable<Dispute>(
    [
      { label: t("med.col.category"), cell: (d) => h("a", { href: `#/mediation/${d.id}/work`, "data-testid": "med-work-link" }, categoryName(d.category)) },
      { label: t("med.col.level"), cell: (d) => levelName(d.level) },
      { label: t("med.col.status"), cell: (d) => statusBadge(d) },
      { label: t("med.cases.col.next"), cell: (d) => next(d) },
      { label: t("med.col.deadline"), cell: (d) => h("span", { "data-testid": "med-deadline", class: d.overdue ? "neg" : undefined }, deadlineText(d)) },
      { label: t("med.cases.col.as"), cell: (d) => (d.yourRoles.includes("mediator") ? t("med.part.mediator") : d.participants.length ? d.participants.map((p) => roleName(p.role)).join(t("names.and")) : "—") },
    ],
    items,
    { rowHeader: true, rowAttrs: (d) => ({ "data-dispute": d.id, "data-status": d.status }), attrs: { "data-testid": testId } },
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("med.cases.title"));
  const who = signedIn();
  if (!who) return replace(root, title, notice("info", t("med.signInToWork"), " ", h("a", { href: "#/account?next=mediation/cases", class: "button primary" }, t("med.signIn"))));
  const { items } = await get<{ items: Dispute[] }>(`${BASE}/assigned?limit=200`, ctx.signal);
  const open = items.filter((d) => d.status !== "closed").sort((a, b) => a.dueAt - b.dueAt);
  const closed = items.filter((d) => d.status === "closed");
  const followUps = closed.filter((d) => d.followUpDueAt !== null && d.followUp === null);
  replace(
    root,
    h("p", {}, h("a", { href: "#/mediation" }, `← ${t("med.back")}`)),
    title,
    h("p", { class: "lead" }, t("med.cases.lead")),
    h(
      "section",
      { class: "card", "aria-labelledby": "med-open-h" },
      h("h2", { id: "med-open-h" }, t("med.cases.open", { n: open.length })),
      open.length === 0 ? h("p", { class: "muted", "data-testid": "med-cases-none" }, t("med.cases.none")) : casesTable(open, "med-cases-open"),
    ),
    followUps.length === 0
      ? null
      : h("section", { class: "card", "aria-labelledby": "med-fu-h" }, h("h2", { id: "med-fu-h" }, t("med.cases.followUps", { n: followUps.length })), casesTable(followUps, "med-cases-follow-up")),
    closed.length === 0
      ? null
      : h("section", { class: "card", "aria-labelledby": "med-closed-h" }, h("h2", { id: "med-closed-h" }, t("med.cases.closed", { n: closed.length })), casesTable(closed, "med-cases-closed")),
  );
}
