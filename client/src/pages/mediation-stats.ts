// Mediation statistics (#/mediation/stats, issue 15, public, no sign-in): the success rate, the share settled at
// building and community level (the 枫桥 figure: 小事不出村、大事不出镇) and the time to settle, each rate with its
// denominator beside it ("92.0%（46/50）", never a bare percentage), by category, by level and by month. Figures
// only: GET /api/mediation/stats holds no personal data. A table becomes cards on a phone (lib/table.ts).
import { get, query } from "../lib/api.js";
import { field, h, replace } from "../lib/dom.js";
import { count, percent, span } from "../lib/format.js";
import { locale, t } from "../lib/i18n.js";
import { categoryName, levelName } from "../lib/mediation.js";
import type { PageContext } from "../lib/page.js";
import { dataTable, type Column } from "../lib/table.js";

/** A rate with its numerator and denominator (server/src/services/mediation/stats.ts). */
type Rate = { count: number; of: number; rate: number | null };
type Figures = {
  received: number;
  open: number;
  resolved: number;
  partlyResolved: number;
  failed: number;
  withdrawn: number;
  /** Referred to the court. */
  escalated: number;
  /** Went up at least one level; `bySilence`: because the other side did not answer. */
  raised: number;
  bySilence: number;
  /** Ended other than by withdrawal: the rates' denominator. */
  concluded: number;
  success: Rate;
  settledLocally: Rate;
  medianSettleSeconds: number | null;
};
type Stats = {
  estate: number;
  from: string | null;
  to: string | null;
  total: Figures;
  byCategory: (Figures & { category: string })[];
  byLevel: (Figures & { level: string })[];
  byMonth: (Figures & { month: string })[];
};

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The estate and months of the location hash (`#/mediation/stats?estate=1&from=2026-01`). */
function params(): { estate: number; from?: string; to?: string } {
  const q = new URLSearchParams(window.location.hash.split("?")[1] ?? "");
  const estate = Number(q.get("estate") ?? "1");
  const month = (name: string) => {
    const v = q.get(name) ?? "";
    return MONTH.test(v) ? v : undefined;
  };
  return { estate: Number.isInteger(estate) && estate > 0 ? estate : 1, from: month("from"), to: month("to") };
}

const share = (r: Rate) => (r.of === 0 ? "—" : t("med.stats.share", { pct: percent(r.count, r.of), part: count(r.count), whole: count(r.of) }));

function columns<R extends Figures>(): Column<R>[] {
  return [
    { label: t("med.stats.col.filed"), num: true, cell: (r) => count(r.received), cellAttrs: () => ({ "data-col": "received" }) },
    { label: t("med.stats.col.open"), num: true, cell: (r) => count(r.open), cellAttrs: () => ({ "data-col": "open" }) },
    { label: t("med.stats.col.success"), num: true, cell: (r) => share(r.success), cellAttrs: () => ({ "data-col": "success" }) },
    { label: t("med.stats.col.low"), num: true, cell: (r) => share(r.settledLocally), cellAttrs: () => ({ "data-col": "low" }) },
    { label: t("med.stats.col.median"), num: true, cell: (r) => (r.medianSettleSeconds === null ? "—" : span(r.medianSettleSeconds)), cellAttrs: () => ({ "data-col": "median" }) },
    {
      label: t("med.stats.col.outcomes"),
      cell: (r) => [
        t("med.stats.outcomes", { resolved: count(r.resolved), partly: count(r.partlyResolved), failed: count(r.failed), withdrawn: count(r.withdrawn), escalated: count(r.escalated) }),
        r.raised > 0 ? h("br") : null,
        r.raised > 0 ? h("small", { class: "muted" }, t("med.stats.raised", { n: count(r.raised), silence: count(r.bySilence) })) : null,
      ],
      cellAttrs: () => ({ "data-col": "outcomes" }),
    },
  ];
}

/** "2026年5月" / "May 2026". */
const monthText = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1, 15)).toLocaleDateString(locale(), { year: "numeric", month: "short", timeZone: "UTC" });

/** One headline figure: the rate large, its denominator in words under it. */
function headline(testId: string, title: string, r: Rate, note: string): HTMLElement {
  return h(
    "div",
    { class: "med-headline", "data-testid": testId, "data-part": r.count, "data-whole": r.of },
    h("p", { class: "med-headline-title" }, title),
    h("p", { class: "med-headline-figure" }, r.of === 0 ? "—" : percent(r.count, r.of)),
    h("p", { class: "muted" }, t("med.stats.of", { part: count(r.count), whole: count(r.of) }), " ", note),
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const p = params();
  const stats = await get<Stats>(`/api/mediation/disputes/stats${query(p)}`, ctx.signal);
  const estate = h("input", { type: "number", min: 1, step: 1, value: p.estate, inputmode: "numeric", "data-testid": "med-stats-estate" }) as HTMLInputElement;
  const from = h("input", { type: "month", value: p.from ?? "", "data-testid": "med-stats-from" }) as HTMLInputElement;
  const to = h("input", { type: "month", value: p.to ?? "", "data-testid": "med-stats-to" }) as HTMLInputElement;
  const form = h(
    "form",
    { class: "inline-form wo-stats-form", "data-testid": "med-stats-form" },
    field(t("med.stats.estate"), estate),
    field(t("med.stats.from"), from),
    field(t("med.stats.to"), to),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("med.stats.show"))),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    window.location.hash = `#/mediation/stats${query({ estate: estate.value, from: from.value, to: to.value })}`;
  });
  const total = stats.total;
  const table = <R extends Figures>(id: string, title: string, first: Column<R>, rows: R[], attr: (r: R) => Record<string, string>) =>
    h(
      "section",
      { class: "card", "aria-labelledby": `${id}-h` },
      h("h2", { id: `${id}-h` }, title),
      dataTable<R>([first, ...columns<R>()], rows, { labelledBy: `${id}-h`, rowHeader: true, rowAttrs: attr, attrs: { "data-testid": id } }),
    );
  replace(
    root,
    h("h1", {}, t("med.stats.title")),
    h("p", { class: "lead" }, t("med.stats.intro")),
    form,
    total.received === 0
      ? h("p", { class: "muted", "data-testid": "med-stats-empty" }, t("med.stats.empty"))
      : [
          h(
            "section",
            { class: "card med-headlines", "aria-label": t("med.stats.headlines") },
            headline("med-success", t("med.stats.success"), total.success, t("med.stats.successNote")),
            headline("med-low", t("med.stats.low"), total.settledLocally, t("med.stats.lowNote")),
            h(
              "div",
              { class: "med-headline", "data-testid": "med-median" },
              h("p", { class: "med-headline-title" }, t("med.stats.median")),
              h("p", { class: "med-headline-figure" }, total.medianSettleSeconds === null ? "—" : span(total.medianSettleSeconds)),
              h("p", { class: "muted" }, t("med.stats.medianNote", { n: count(total.resolved + total.partlyResolved), open: count(total.open) })),
            ),
          ),
          table("med-cat", t("med.stats.byCategory"), { label: t("med.col.category"), cell: (r: Figures & { category: string }) => categoryName(r.category) }, stats.byCategory, (r) => ({ "data-category": r.category })),
          table("med-lvl", t("med.stats.byLevel"), { label: t("med.col.level"), cell: (r: Figures & { level: string }) => levelName(r.level) }, stats.byLevel, (r) => ({ "data-level": r.level })),
          table("med-month", t("med.stats.byMonth"), { label: t("med.stats.col.month"), cell: (r: Figures & { month: string }) => monthText(r.month), cellClass: () => "wo-nowrap" }, stats.byMonth, (r) => ({ "data-month": r.month })),
        ],
  );
}
