// A partner's redemption (#/green/redeem, issue 17; a partner's account, or staff): scan the household's card (a
// photo of it, or the camera), see its points, choose goods of the catalogue the partner gives and redeem them.
// The partner's redemptions below.
import { get, post } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { count, dateTime } from "../lib/format.js";
import { balanceBoxes, cardScanner, unitIdOf, type Balances, type Item, type Redemption } from "../lib/grn.js";
import { lang, t } from "../lib/i18n.js";
import { loadUnitLabels, unitName } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { dataTable } from "../lib/table.js";

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("grn.redeemTitle"));
  const me = signedIn();
  if (!me) return replace(root, title, notice("info", t("grn.signIn")));
  const staff = me.session.roles.includes("staff");
  const [catalogue, mine] = await Promise.all([get<{ items: Item[] }>("/api/green/catalogue", ctx.signal), get<{ partner: string | null; items: Redemption[] }>("/api/green/partner/redemptions", ctx.signal)]);
  if (!mine.partner && !staff) return replace(root, title, notice("info", t("grn.partnerOnly")));
  await loadUnitLabels(mine.items.slice(0, 30).map((r) => unitIdOf(r.household)), ctx.signal);
  const items = catalogue.items.filter((i) => staff || i.partner === mine.partner);
  const scanned = h("div", { "aria-live": "polite", "data-testid": "grn-scanned" });
  let card: string | undefined;
  const show = (text: string | undefined) => {
    card = undefined;
    if (!text) return void scanned.replaceChildren(notice("error", t("grn.scanNothing")));
    void get<{ household: string; balances: Balances }>(`/api/green/card?code=${encodeURIComponent(text)}`, ctx.signal)
      .then(async (c) => {
        await loadUnitLabels([unitIdOf(c.household)], ctx.signal);
        card = text;
        scanned.replaceChildren(h("p", { "data-testid": "grn-scanned-household" }, t("grn.scannedHousehold", { unit: unitName(unitIdOf(c.household)) })), balanceBoxes(c.balances, "grn-scanned-balances"));
      })
      .catch((err: unknown) => scanned.replaceChildren(notice("error", errorText(err))));
  };
  const select = h("select", { "data-testid": "grn-item" }, items.map((i) => h("option", { value: i.item }, `${lang() === "en" ? i.titleEn : i.title} · ${t("grn.pointsN", { n: count(i.points) })} · ${t("grn.left", { n: count(i.left) })}`))) as HTMLSelectElement;
  const quantity = h("input", { type: "number", min: 1, max: 100, value: "1", inputmode: "numeric", "data-testid": "grn-quantity" }) as HTMLInputElement;
  const result = h("div", { "aria-live": "polite", "data-testid": "grn-redeem-result" });
  const redeem = h("button", { type: "button", class: "primary", "data-testid": "grn-redeem" }, t("grn.redeem"));
  redeem.addEventListener("click", () => {
    const household = card ? /^gongzhi:green:(h-\d+)\./.exec(card)?.[1] : undefined;
    if (!card || !household) return void result.replaceChildren(notice("error", t("grn.scanFirst")));
    redeem.disabled = true;
    void post(`/api/green/${household}/redeem`, { card, item: select.value, quantity: Number(quantity.value) }, ctx.signal)
      .then(() => ctx.rerender())
      .catch((err: unknown) => ((redeem.disabled = false), result.replaceChildren(notice("error", errorText(err)))));
  });
  replace(
    root,
    title,
    h("p", {}, t("grn.redeemLead")),
    h("p", {}, h("a", { href: "#/green" }, t("grn.back"))),
    h("section", { class: "card" }, h("h2", {}, t("grn.scanTitle")), cardScanner(ctx, show, "grn-scan"), scanned),
    h("section", { class: "card" }, h("h2", {}, t("grn.chooseTitle")), items.length === 0 ? notice("info", t("grn.noItems")) : [field(t("grn.item"), select), field(t("grn.quantity"), quantity), h("div", { class: "actions" }, redeem)], result),
    dataTable(
      [
        { label: t("grn.col.when"), cell: (r: Redemption) => dateTime(r.at) },
        { label: t("grn.col.household"), cell: (r: Redemption) => unitName(unitIdOf(r.household)) },
        { label: t("grn.col.item"), cell: (r: Redemption) => `${lang() === "en" ? r.titleEn : r.title} × ${r.quantity}` },
        { label: t("grn.col.points"), cell: (r: Redemption) => count(r.points), num: true },
      ],
      mine.items.slice(0, 30),
      { caption: t("grn.partnerRedemptions"), attrs: { "data-testid": "grn-partner-redemptions" } },
    ),
  );
}
