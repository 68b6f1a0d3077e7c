// The household's green account (#/green, issue 17): each of its flats' card (a QR code shown to the bin and the
// shop), its points by state (pending, active, spent, expired) and the history of sorting events and redemptions.
// Staff open it for a resident (`?for=0x…`, from the staff desk) under a recorded authorisation, marked as such,
// and may issue a card for them.
import { actingFor } from "../lib/acting-for.js";
import { get, post } from "../lib/api.js";
import { h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { count, dateTime } from "../lib/format.js";
import { balanceBoxes, kindName, stateName, type Household } from "../lib/grn.js";
import { lang, t } from "../lib/i18n.js";
import { loadUnitLabels, unitName } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { dataTable } from "../lib/table.js";

function cardBox(hh: Household, ctx: PageContext, proxy: (() => Record<string, string>) | undefined): HTMLElement {
  const result = h("div", { "aria-live": "polite" });
  const issue = h("button", { type: "button", class: hh.card ? "" : "primary", "data-testid": "grn-issue" }, hh.card ? t("grn.reissue") : t("grn.issue"));
  issue.addEventListener("click", () => {
    issue.disabled = true;
    void post("/api/green/issueCard", { unitId: hh.unitId, ...(proxy?.() ?? {}) }, ctx.signal)
      .then(() => ctx.rerender())
      .catch((err: unknown) => ((issue.disabled = false), result.replaceChildren(notice("error", errorText(err)))));
  });
  const img = h("img", { class: "qr", alt: t("grn.cardAlt"), width: 240, height: 240, "data-testid": "grn-card-qr" }) as HTMLImageElement;
  if (hh.card) void import("../lib/member-qr.js").then((q) => q.greenCardQrDataUrl(hh.card!)).then((url) => (img.src = url));
  return h("div", { class: "card", "data-testid": "grn-card", "data-household": hh.household }, h("h3", {}, t("grn.cardTitle")), hh.card ? [img, h("p", { class: "muted" }, t("grn.cardHint"))] : h("p", {}, t("grn.noCard")), h("div", { class: "actions" }, issue), result);
}

function householdSection(hh: Household, ctx: PageContext, proxy: (() => Record<string, string>) | undefined): HTMLElement {
  const entries = dataTable(
    [
      { label: t("grn.col.when"), cell: (e) => dateTime(e.at) },
      { label: t("grn.col.kind"), cell: (e) => kindName(e.kind) },
      { label: t("grn.col.points"), cell: (e) => count(e.points) },
      { label: t("grn.col.state"), cell: (e) => h("span", { class: "badge", "data-state": e.status }, stateName(e.status)) },
      { label: t("grn.col.expires"), cell: (e) => dateTime(e.expiresAt) },
    ],
    hh.entries,
    { caption: t("grn.history"), attrs: { "data-testid": "grn-entries" } },
  );
  const redemptions = dataTable(
    [
      { label: t("grn.col.when"), cell: (r) => dateTime(r.at) },
      { label: t("grn.col.partner"), cell: (r) => (lang() === "en" ? r.partnerNameEn : r.partnerName) },
      { label: t("grn.col.item"), cell: (r) => `${lang() === "en" ? r.titleEn : r.title} × ${r.quantity}` },
      { label: t("grn.col.points"), cell: (r) => count(r.points) },
      { label: t("grn.col.by"), cell: (r) => (r.proxy ? t("grn.byStaff") : "") },
    ],
    hh.redemptions,
    { caption: t("grn.redemptions"), attrs: { "data-testid": "grn-redemptions" } },
  );
  return h("section", { class: "stack", "data-testid": "grn-household", "aria-label": t("grn.household", { unit: unitName(hh.unitId) }) }, h("h2", {}, t("grn.household", { unit: unitName(hh.unitId) })), cardBox(hh, ctx, proxy), balanceBoxes(hh.balances, "grn-balances"), entries, redemptions);
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("grn.title"));
  const links = h("p", { class: "actions" }, h("a", { href: "#/green/bins" }, t("grn.binsLink")), h("a", { href: "#/green/redeem" }, t("grn.redeemLink")), h("a", { href: "#/green/office" }, t("grn.officeLink")));
  if (!signedIn()) return replace(root, title, h("p", {}, t("grn.lead")), links, notice("info", t("grn.signIn")));
  const acting = await actingFor("grn", ctx.signal);
  const path = acting ? `/api/green/households?for=${acting.resident}` : "/api/green/households";
  const data = await get<{ items: Household[] }>(path, ctx.signal);
  const proxy = acting ? acting.fields : undefined;
  await loadUnitLabels(data.items.map((hh) => hh.unitId), ctx.signal);
  replace(
    root,
    title,
    h("p", {}, t("grn.lead")),
    links,
    acting?.element ?? null,
    data.items.length === 0 ? notice("info", t("grn.noHousehold")) : data.items.map((hh) => householdSection(hh, ctx, proxy)),
  );
}
