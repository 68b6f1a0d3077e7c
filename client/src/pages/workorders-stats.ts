// Work-order statistics (`#/workorders/stats`, issue 14, public): by month of receipt and category, and summed by
// category, the orders received and still open, the median time to fix, the share fixed on time, the returned and
// reopened rates and the residents' ratings; then orders by building as a heat map (a CSS grid: darker is more).
// Figures only (GET /api/workorders/stats holds no personal data). A table becomes cards on a phone (lib/table.ts).
import { get, query } from "../lib/api.js";
import { field, h, replace } from "../lib/dom.js";
import { count, percent } from "../lib/format.js";
import { lang, locale, t, type TextKey } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { dataTable, type Column } from "../lib/table.js";
import { span } from "../lib/workorders.js";

type Figures = {
  received: number;
  open: number;
  resolved: number;
  withinDeadline: number;
  returned: number;
  reopened: number;
  escalated: number;
  medianResolveSeconds: number | null;
  ratings: number[];
  rated: number;
  meanRating: number | null;
};
type Category = { serviceCode: string; category: { "zh-CN": string; en: string } };
type Stats = {
  estate: number;
  rows: (Figures & Category & { month: string })[];
  byCategory: (Figures & Category)[];
  total: Figures;
  buildings: { building: number | null; total: number; open: number }[];
};

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function params(): { estate: number; from?: string; to?: string } {
  const q = new URLSearchParams(window.location.hash.split("?")[1] ?? "");
  const estate = Number(q.get("estate") ?? "1");
  const month = (name: string) => {
    const v = q.get(name) ?? "";
    return MONTH.test(v) ? v : undefined;
  };
  return { estate: Number.isInteger(estate) && estate > 0 ? estate : 1, from: month("from"), to: month("to") };
}

const share = (part: number, whole: number) => (whole === 0 ? "—" : t("woStats.share", { pct: percent(part, whole), part: count(part), whole: count(whole) }));

function ratingCell(f: Figures): HTMLElement {
  if (f.rated === 0 || f.meanRating === null) return h("span", { class: "muted" }, t("woStats.noRating"));
  const spread = f.ratings
    .map((n, i) => (n > 0 ? `${t(`woStats.level.${i + 1}` as TextKey)} ${n}` : null))
    .filter(Boolean)
    .reverse()
    .join(" · ");
  return h("span", {}, t("woStats.rating", { mean: f.meanRating.toFixed(1), n: f.rated }), h("br"), h("small", { class: "muted" }, spread));
}

function figureColumns<R extends Figures>(): Column<R>[] {
  return [
    { label: t("woStats.col.received"), num: true, cell: (r) => count(r.received), cellAttrs: () => ({ "data-col": "received" }) },
    { label: t("woStats.col.open"), num: true, cell: (r) => count(r.open) },
    { label: t("woStats.col.median"), num: true, cell: (r) => (r.medianResolveSeconds === null ? "—" : span(r.medianResolveSeconds)), cellAttrs: () => ({ "data-col": "median" }) },
    { label: t("woStats.col.within"), num: true, cell: (r) => share(r.withinDeadline, r.resolved), cellAttrs: () => ({ "data-col": "within" }) },
    { label: t("woStats.col.returned"), num: true, cell: (r) => share(r.returned, r.received), cellAttrs: () => ({ "data-col": "returned" }) },
    { label: t("woStats.col.reopened"), num: true, cell: (r) => share(r.reopened, r.received), cellAttrs: () => ({ "data-col": "reopened" }) },
    { label: t("woStats.col.rating"), cell: (r) => ratingCell(r), cellAttrs: () => ({ "data-col": "rating" }) },
  ];
}

/** "2026年5月" / "May 2026". */
const monthText = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1, 15)).toLocaleDateString(locale(), { year: "numeric", month: "short", timeZone: "UTC" });

/** Orders by building: one tile each, shaded in five steps by its share of the busiest building's count. */
function heatMap(buildings: Stats["buildings"]): HTMLElement {
  const most = Math.max(1, ...buildings.map((b) => b.total));
  return h(
    "ul",
    { class: "wo-heat", "data-testid": "wo-heat" },
    buildings.map((b) => {
      const level = Math.min(4, Math.floor((b.total / most) * 4));
      const name = b.building === null ? t("woStats.heatElsewhere") : t("woStats.heatBuilding", { b: b.building });
      return h(
        "li",
        { class: `wo-heat-cell heat-${level}`, "data-building": b.building ?? "", "data-total": b.total, "data-open": b.open },
        h("strong", {}, name),
        h("span", {}, t("woStats.heatCell", { total: count(b.total), open: count(b.open) })),
      );
    }),
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const p = params();
  const stats = await get<Stats>(`/api/workorders/stats${query(p)}`, ctx.signal);
  const estate = h("input", { type: "number", min: 1, step: 1, value: p.estate, inputmode: "numeric", "data-testid": "wo-stats-estate" }) as HTMLInputElement;
  const from = h("input", { type: "month", value: p.from ?? "", "data-testid": "wo-stats-from" }) as HTMLInputElement;
  const to = h("input", { type: "month", value: p.to ?? "", "data-testid": "wo-stats-to" }) as HTMLInputElement;
  const form = h(
    "form",
    { class: "inline-form wo-stats-form", "data-testid": "wo-stats-form" },
    field(t("woStats.estate"), estate),
    field(t("woStats.from"), from),
    field(t("woStats.to"), to),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("woStats.show"))),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    window.location.hash = `#/workorders/stats${query({ estate: estate.value, from: from.value, to: to.value })}`;
  });
  const name = (r: Category) => r.category[lang()];
  const empty = stats.total.received === 0;
  replace(
    root,
    h("h1", {}, t("woStats.title")),
    h("p", { class: "lead" }, t("woStats.intro")),
    form,
    empty
      ? h("p", { class: "muted", "data-testid": "wo-stats-empty" }, t("woStats.empty"))
      : [
          h(
            "section",
            { class: "card", "aria-labelledby": "wo-cat-h" },
            h("h2", { id: "wo-cat-h" }, t("woStats.byCategory")),
            dataTable(
              [{ label: t("woStats.col.category"), cell: (r) => name(r) }, ...figureColumns<Figures & Category>()],
              [...stats.byCategory, { ...stats.total, serviceCode: "", category: { "zh-CN": t("woStats.total"), en: t("woStats.total") } }],
              { labelledBy: "wo-cat-h", rowHeader: true, rowAttrs: (r) => ({ "data-code": r.serviceCode || "total" }), attrs: { "data-testid": "wo-stats-categories" } },
            ),
          ),
          h(
            "section",
            { class: "card", "aria-labelledby": "wo-heat-h" },
            h("h2", { id: "wo-heat-h" }, t("woStats.heatTitle")),
            h("p", { class: "muted" }, t("woStats.heatIntro")),
            heatMap(stats.buildings),
          ),
          h(
            "section",
            { class: "card", "aria-labelledby": "wo-month-h" },
            h("h2", { id: "wo-month-h" }, t("woStats.byMonth")),
            dataTable(
              [{ label: t("woStats.col.month"), cell: (r) => monthText(r.month), cellClass: () => "wo-nowrap" }, { label: t("woStats.col.category"), cell: (r) => name(r) }, ...figureColumns<Figures & Category & { month: string }>()],
              stats.rows,
              { labelledBy: "wo-month-h", rowHeader: true, rowAttrs: (r) => ({ "data-month": r.month, "data-code": r.serviceCode }), attrs: { "data-testid": "wo-stats-months" } },
            ),
          ),
        ],
  );
}
