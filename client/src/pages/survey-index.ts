// 居民满意度指数 (#/surveys/index, issue 16): public. The latest closed survey's index per dimension and overall on
// 0–100 with n and the 95 % interval, the formula and weights, the trend by quarter, the heat map of buildings ×
// dimensions (cells of fewer than 10 hidden), and the improvement tasks with their before and after.
import { get } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { dimensionName, formula, heatmap, statText, type Results, type Task } from "../lib/svy.js";
import { tasksTable } from "../lib/svy-tasks.js";
import { dataTable } from "../lib/table.js";

type TrendItem = { id: string; quarter: string; results: Results };

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const estate = Number(new URLSearchParams(location.hash.split("?")[1] ?? "").get("estate") ?? 1) || 1;
  const [{ items: trend }, { items: tasks }] = await Promise.all([
    get<{ items: TrendItem[] }>(`/api/surveys/trend?estateId=${estate}`, ctx.signal),
    get<{ items: Task[] }>(`/api/surveys/tasks?estateId=${estate}`, ctx.signal),
  ]);
  const head = [h("h1", {}, t("svy.indexTitle")), h("p", { class: "lead" }, t("svy.indexLead")), h("p", {}, h("a", { href: "#/surveys" }, t("svy.answerLink")))];
  const latest = trend.at(-1);
  if (!latest) return replace(root, ...head, h("p", { class: "muted", "data-testid": "svy-no-results" }, t("svy.noResults")));
  const r = latest.results;
  const dims = r.dimensions.map((d) => d.code);
  replace(
    root,
    ...head,
    h(
      "section",
      { class: "card", "aria-labelledby": "svy-latest-h", "data-testid": "svy-latest" },
      h("h2", { id: "svy-latest-h" }, t("svy.latest", { quarter: latest.quarter })),
      h("p", { class: "svy-big", "data-testid": "svy-overall" }, h("strong", {}, r.overall ? r.overall.mean.toFixed(1) : t("svy.hidden")), " ", h("span", { class: "muted" }, r.overall ? statText(r.overall) : t("svy.tooFew", { n: r.k }))),
      dataTable(
        [
          { label: t("svy.dimension"), cell: (d: Results["dimensions"][number]) => dimensionName(d.code) },
          { label: t("svy.index"), cell: (d: Results["dimensions"][number]) => (d.stat ? d.stat.mean.toFixed(1) : t("svy.hidden")), num: true },
          { label: t("svy.ciCol"), cell: (d: Results["dimensions"][number]) => (d.stat?.ci ? `${d.stat.ci[0].toFixed(1)}–${d.stat.ci[1].toFixed(1)}` : "—"), num: true },
          { label: t("svy.responses"), cell: (d: Results["dimensions"][number]) => String(d.stat?.n ?? "—"), num: true },
          { label: t("svy.weight"), cell: (d: Results["dimensions"][number]) => String(d.weight), num: true },
        ],
        r.dimensions,
        { rowHeader: true, caption: t("svy.byDimension"), attrs: { "data-testid": "svy-dimensions" } },
      ),
    ),
    h("section", { "aria-labelledby": "svy-heat-h" }, h("h2", { id: "svy-heat-h" }, t("svy.heatmapTitle", { quarter: latest.quarter })), h("p", { class: "muted" }, t("svy.heatmapLead")), heatmap(r)),
    h(
      "section",
      { "aria-labelledby": "svy-trend-h" },
      h("h2", { id: "svy-trend-h" }, t("svy.trend")),
      dataTable<TrendItem>(
        [
          { label: t("svy.quarter"), cell: (i) => i.quarter },
          { label: t("svy.overall"), cell: (i) => (i.results.overall ? i.results.overall.mean.toFixed(1) : t("svy.hidden")), num: true },
          ...dims.map((code) => ({ label: dimensionName(code), cell: (i: TrendItem) => i.results.dimensions.find((d) => d.code === code)?.stat?.mean.toFixed(1) ?? "—", num: true })),
          { label: t("svy.responses"), cell: (i) => String(i.results.n), num: true },
        ],
        trend,
        { rowHeader: true, caption: t("svy.trendCaption"), attrs: { "data-testid": "svy-trend" } },
      ),
    ),
    h("section", { "aria-labelledby": "svy-itasks-h" }, h("h2", { id: "svy-itasks-h" }, t("svy.task.title")), tasks.length === 0 ? h("p", { class: "muted" }, t("svy.task.none")) : tasksTable(tasks)),
    formula(r.dimensions),
  );
}
