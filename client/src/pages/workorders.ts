// 报修 (#/workorders, issue 14): the signed-in resident's own reports with their progress, deadline and both
// clocks, a big "report a problem" button, and below the estate's open issues for everyone, without personal data
// (GET /api/workorders/open). Signed out: the public list and a way to sign in to report.
import { all } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { dataTable } from "../lib/table.js";
import type { EstateSummary } from "../lib/types.js";
import { allOrders, categoryName, clocksView, deadlineText, loadUnitLabels, placeText, statusBadge, type OrderView } from "../lib/workorders.js";

/** One table of orders: a card per order on a phone, each naming its category, place, progress and deadline. */
export function ordersTable(orders: OrderView[], testId: string): HTMLElement {
  return dataTable<OrderView>(
    [
      { label: t("wo.col.category"), cell: (o) => h("a", { href: `#/workorders/${o.id}`, "data-testid": "wo-link" }, categoryName(o)) },
      { label: t("wo.col.place"), cell: (o) => placeText(o.place) },
      { label: t("wo.col.status"), cell: (o) => [statusBadge(o), o.priority === "urgent" ? h("span", { class: "badge warn" }, t("wo.urgent")) : null] },
      { label: t("wo.col.deadline"), cell: (o) => h("span", { "data-testid": "wo-deadline", class: o.clocks.overdue ? "neg" : undefined }, deadlineText(o)) },
      { label: t("wo.col.time"), cell: (o) => clocksView(o.clocks) },
    ],
    orders,
    { rowHeader: true, rowAttrs: (o) => ({ "data-order": o.id }), attrs: { "data-testid": testId } },
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  const [estates, mine] = await Promise.all([
    all<EstateSummary>("/api/estates", {}, 100, ctx.signal),
    who ? allOrders("/api/workorders/mine", ctx.signal) : Promise.resolve(null),
  ]);
  // The estate of the resident's latest report, else the first (a site serves one estate in practice).
  const estate = mine?.at(-1)?.place?.estateId ?? estates[0]?.id;
  const open = estate === undefined ? [] : await allOrders(`/api/workorders/open?estate=${estate}`, ctx.signal, 300);
  await loadUnitLabels([...(mine ?? []), ...open].map((o) => o.place), ctx.signal);
  // Newest first: the report just made is the one looked for.
  const mineNewest = [...(mine ?? [])].sort((a, b) => b.receivedAt - a.receivedAt);

  replace(
    root,
    h("h1", {}, t("wo.title")),
    h("p", { class: "lead" }, t("wo.lead")),
    who
      ? h("p", {}, h("a", { href: "#/workorders/new", class: "button primary big-button", "data-testid": "wo-new" }, t("wo.report")))
      : h("p", { class: "notice info", "data-testid": "wo-sign-in" }, t("wo.signInToReport"), " ", h("a", { href: "#/account?next=workorders", class: "button primary" }, t("wo.signIn"))),
    who
      ? h(
          "section",
          { class: "card", "aria-labelledby": "wo-mine-h" },
          h("h2", { id: "wo-mine-h" }, t("wo.mine")),
          mineNewest.length === 0 ? h("p", { class: "muted" }, t("wo.mineNone")) : ordersTable(mineNewest, "wo-mine"),
        )
      : null,
    h(
      "section",
      { class: "card", "aria-labelledby": "wo-open-h" },
      h("h2", { id: "wo-open-h" }, t("wo.public")),
      h("p", { class: "muted" }, t("wo.publicNote")),
      open.length === 0 ? h("p", { class: "muted", "data-testid": "wo-open-none" }, t("wo.publicNone")) : ordersTable(open, "wo-open"),
    ),
  );
}
