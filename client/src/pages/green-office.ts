// The office's green account (#/green/office, issue 17): the statistics by building and month (public: each rate
// with its numerator and denominator, points issued and spent, the bins' weights), and for staff the catalogue
// (goods of partners' offers that accept green points, stock) and the rules (points per kind, daily cap, a bin's
// minimum interval, expiry, sample rate, volunteers).
import { get, post } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { count } from "../lib/format.js";
import { KINDS, kindName, rateText, type Item, type Settings, type StatsRow } from "../lib/grn.js";
import { lang, t } from "../lib/i18n.js";
import { buildingName } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { dataTable } from "../lib/table.js";

function sendButton(label: string, testId: string, ctx: PageContext, result: HTMLElement, request: () => [string, Record<string, unknown>] | string): HTMLButtonElement {
  const button = h("button", { type: "button", class: "primary", "data-testid": testId }, label) as HTMLButtonElement;
  button.addEventListener("click", () => {
    const r = request();
    if (typeof r === "string") return void result.replaceChildren(notice("error", r));
    button.disabled = true;
    void post(r[0], r[1], ctx.signal)
      .then(() => ctx.rerender())
      .catch((err: unknown) => ((button.disabled = false), result.replaceChildren(notice("error", errorText(err)))));
  });
  return button;
}

const num = (value: number, testId: string) => h("input", { type: "number", min: 0, value: String(value), inputmode: "numeric", "data-testid": testId }) as HTMLInputElement;

function settingsForm(s: Settings, ctx: PageContext): HTMLElement {
  const points = KINDS.map((k) => num(s.pointsByKind[k] ?? 0, `grn-set-${k}`));
  const cap = num(s.dailyCap, "grn-set-cap");
  const interval = num(s.minIntervalSeconds, "grn-set-interval");
  const expiry = num(s.expiryDays, "grn-set-expiry");
  const sample = num(s.sampleRatePercent, "grn-set-sample");
  const volunteers = h("textarea", { rows: 3, class: "mono", spellcheck: "false", "data-testid": "grn-set-volunteers" }, s.volunteers.join("\n")) as HTMLTextAreaElement;
  const result = h("div", { "aria-live": "polite" });
  const save = sendButton(t("grn.save"), "grn-set-save", ctx, result, () => [
    "/api/green/setSettings",
    {
      pointsByKind: Object.fromEntries(KINDS.map((k, i) => [k, Number(points[i]!.value)])),
      dailyCap: Number(cap.value),
      minIntervalSeconds: Number(interval.value),
      expiryDays: Number(expiry.value),
      sampleRatePercent: Number(sample.value),
      volunteers: volunteers.value.split(/\s+/).filter(Boolean).map((a) => a.toLowerCase()),
    },
  ]);
  return h(
    "section",
    { class: "card", "data-testid": "grn-settings" },
    h("h2", {}, t("grn.settingsTitle")),
    ...KINDS.map((k, i) => field(t("grn.pointsFor", { kind: kindName(k) }), points[i]!)),
    field(t("grn.dailyCap"), cap),
    field(t("grn.minInterval"), interval, t("grn.minIntervalHint")),
    field(t("grn.expiryDays"), expiry),
    field(t("grn.sampleRate"), sample, t("grn.sampleRateHint")),
    field(t("grn.volunteers"), volunteers, t("grn.volunteersHint")),
    h("div", { class: "actions" }, save),
    result,
  );
}

function catalogueSection(items: Item[], ctx: PageContext): HTMLElement {
  const partner = h("input", { type: "text", autocomplete: "off", "data-testid": "grn-add-partner" }) as HTMLInputElement;
  const offer = h("input", { type: "text", autocomplete: "off", value: "o1", "data-testid": "grn-add-offer" }) as HTMLInputElement;
  const title = h("input", { type: "text", maxlength: 60, "data-testid": "grn-add-title" }) as HTMLInputElement;
  const titleEn = h("input", { type: "text", maxlength: 60, "data-testid": "grn-add-title-en" }) as HTMLInputElement;
  const points = num(10, "grn-add-points");
  const stock = num(10, "grn-add-stock");
  const result = h("div", { "aria-live": "polite" });
  const add = sendButton(t("grn.addItem"), "grn-add", ctx, result, () =>
    title.value.trim() && titleEn.value.trim() && partner.value.trim() ? ["/api/green/addItem", { partner: partner.value.trim(), offerId: offer.value.trim(), title: title.value.trim(), titleEn: titleEn.value.trim(), points: Number(points.value), stock: Number(stock.value) }] : t("grn.fillItem"),
  );
  const restock = (i: Item) => {
    const r = h("div", { "aria-live": "polite" });
    const q = num(10, "grn-restock-quantity");
    return h("div", {}, field(t("grn.restockQuantity"), q), h("div", { class: "actions" }, sendButton(t("grn.restock"), "grn-restock", ctx, r, () => ["/api/green/restock", { item: i.item, quantity: Number(q.value) }])), r);
  };
  return h(
    "section",
    { class: "stack", "data-testid": "grn-catalogue" },
    h("h2", {}, t("grn.catalogueTitle")),
    dataTable(
      [
        { label: t("grn.col.item"), cell: (i: Item) => (lang() === "en" ? i.titleEn : i.title) },
        { label: t("grn.col.partner"), cell: (i: Item) => (lang() === "en" ? i.partnerNameEn : i.partnerName) },
        { label: t("grn.col.points"), cell: (i: Item) => count(i.points), num: true },
        { label: t("grn.col.left"), cell: (i: Item) => `${count(i.left)} / ${count(i.stock)}`, num: true },
        { label: t("grn.restock"), cell: (i: Item) => restock(i) },
      ],
      items,
      { caption: t("grn.catalogueTitle"), rowHeader: true },
    ),
    h("div", { class: "card" }, h("h3", {}, t("grn.addItemTitle")), field(t("grn.partnerId"), partner, t("grn.partnerIdHint")), field(t("grn.offerId"), offer), field(t("grn.itemTitle"), title), field(t("grn.itemTitleEn"), titleEn), field(t("grn.itemPoints"), points), field(t("grn.itemStock"), stock), h("div", { class: "actions" }, add), result),
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("grn.officeTitle"));
  const staff = signedIn()?.session.roles.includes("staff") ?? false;
  const [stats, catalogue, settings] = await Promise.all([
    get<{ items: StatsRow[]; formulas: Record<string, string> }>("/api/green/stats", ctx.signal),
    get<{ items: Item[] }>("/api/green/catalogue", ctx.signal),
    get<Settings>("/api/green/settings", ctx.signal),
  ]);
  const table = dataTable(
    [
      { label: t("grn.col.month"), cell: (r: StatsRow) => r.month },
      { label: t("grn.col.building"), cell: (r: StatsRow) => (r.building === 0 ? t("grn.commonArea") : buildingName(r.building)) },
      { label: t("grn.col.participation"), cell: (r: StatsRow) => rateText(r.participation) },
      { label: t("grn.col.confirmation"), cell: (r: StatsRow) => rateText(r.confirmation) },
      { label: t("grn.col.events"), cell: (r: StatsRow) => count(r.events), num: true },
      { label: t("grn.col.issued"), cell: (r: StatsRow) => count(r.pointsIssued), num: true },
      { label: t("grn.col.spent"), cell: (r: StatsRow) => count(r.pointsSpent), num: true },
      { label: t("grn.col.weight"), cell: (r: StatsRow) => `${r.weightKg} kg`, num: true },
    ],
    [...stats.items].reverse(),
    { caption: t("grn.statsTitle"), rowHeader: true, attrs: { "data-testid": "grn-stats" } },
  );
  replace(
    root,
    title,
    h("p", {}, h("a", { href: "#/green" }, t("grn.back"))),
    h("section", { class: "stack" }, h("h2", {}, t("grn.statsTitle")), h("p", { class: "muted" }, t("grn.formulas")), table),
    staff ? [catalogueSection(catalogue.items, ctx), settingsForm(settings, ctx)] : notice("info", t("grn.staffOnly")),
  );
}
