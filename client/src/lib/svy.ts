// Satisfaction surveys' shared widgets (issue 16): the five-level answer buttons (big, one tap each, with their
// words, for older residents), the figures in words (mean, n, interval), the formula, and the heat map as an
// accessible table (colour and number; a hidden cell says "fewer than 10").
import { h, type Child } from "./dom.js";
import { t, type TextKey } from "./i18n.js";
import { dataTable } from "./table.js";

export type Stat = { n: number; mean: number; ci: [number, number] | null };
export type DimensionDef = { code: string; weight: number; questions: string[] };
export type Survey = {
  id: string;
  estateId: number;
  quarter: string;
  opensAt: number;
  closesAt: number;
  status: "scheduled" | "open" | "closed";
  dimensions: DimensionDef[];
  lowBelow: number;
  fallBy: number;
  ballots: number;
  participants: number;
  online: number;
  paper: number;
};
export type HeatRow = { building: number | null; hidden: null | "fewerThanK" | "complementary"; n: number | null; overall: Stat | null; cells: Record<string, Stat> | null };
export type Results = { n: number; overall: Stat | null; dimensions: { code: string; weight: number; stat: Stat | null }[]; heatmap: { dimensions: string[]; rows: HeatRow[] }; k: number };
export type Task = {
  id: string;
  survey: string;
  quarter: string;
  dimension: string;
  reason: "low" | "falling";
  status: "open" | "linked" | "done";
  before: { quarter: string; mean: number; previous: number | null };
  after: { quarter: string; mean: number; n: number } | null;
  link: { kind: "workorder" | "renewal"; ref: string; validated: boolean; status: string | null } | null;
  doneOn: number | null;
};

export const LEVELS = [5, 4, 3, 2, 1] as const;

export const dimensionName = (code: string): string => t(`svy.dim.${code}` as TextKey);
export const questionText = (code: string): string => t(`svy.q.${code}` as TextKey);
export const levelName = (level: number): string => t(`svy.level.${level}` as TextKey);
export const statusName = (status: Survey["status"]): string => t(`svy.status.${status}` as TextKey);

/** "72.5 (68.1–76.9, n = 120)". */
export function statText(stat: Stat | null): string {
  if (!stat) return t("svy.hidden");
  const ci = stat.ci ? t("svy.ci", { lo: stat.ci[0].toFixed(1), hi: stat.ci[1].toFixed(1) }) : "";
  return `${stat.mean.toFixed(1)}${ci ? ` ${ci}` : ""} · n = ${stat.n}`;
}

/**
 * One question's five buttons: radio inputs inside big labels (a radio group: arrow keys move, one tap picks),
 * 非常满意 first. Returns the fieldset and a reader of the chosen level.
 */
export function levelButtons(name: string, legend: string): { el: HTMLElement; value: () => number | null } {
  const inputs = LEVELS.map((level) => h("input", { type: "radio", name, value: level, "data-testid": `svy-${name}-${level}` }));
  const el = h(
    "fieldset",
    { class: "svy-q" },
    h("legend", {}, legend),
    h("div", { class: "svy-levels" }, LEVELS.map((level, i) => h("label", { class: `svy-level svy-level-${level}` }, inputs[i]!, h("span", {}, levelName(level))))),
  );
  return { el, value: () => Number(inputs.find((i) => i.checked)?.value ?? 0) || null };
}

/** Every question of a survey, dimension by dimension; `answers()` is null until each has a level. */
export function answerForm(survey: Survey, prefix: string): { el: HTMLElement; answers: () => number[] | null; firstMissing: () => HTMLElement | null } {
  const all: { el: HTMLElement; value: () => number | null }[] = [];
  const sections = survey.dimensions.map((d) =>
    h(
      "section",
      { class: "card svy-dim", "aria-labelledby": `${prefix}-${d.code}-h` },
      h("h2", { id: `${prefix}-${d.code}-h` }, dimensionName(d.code)),
      d.questions.map((q) => {
        const b = levelButtons(`${prefix}-${q}`, questionText(q));
        all.push(b);
        return b.el;
      }),
    ),
  );
  return {
    el: h("div", { class: "svy-form" }, sections),
    answers: () => {
      const values = all.map((b) => b.value());
      return values.every((v) => v !== null) ? (values as number[]) : null;
    },
    firstMissing: () => all.find((b) => b.value() === null)?.el ?? null,
  };
}

/** The colour band of a score (with its number always beside it: colour is never the only sign). */
const band = (mean: number) => (mean < 40 ? 0 : mean < 60 ? 1 : mean < 75 ? 2 : mean < 90 ? 3 : 4);

function heatCell(stat: Stat | undefined): Child {
  if (!stat) return h("span", { class: "svy-heat svy-heat-hidden" }, t("svy.fewerThanK"));
  return h("span", { class: `svy-heat svy-heat-${band(stat.mean)}`, title: statText(stat) }, stat.mean.toFixed(1));
}

/** Buildings × dimensions, each cell its score on a colour band with the number; hidden rows say why. */
export function heatmap(results: Results, testId = "svy-heatmap"): HTMLElement {
  const rowName = (r: HeatRow) => (r.building === null ? t("svy.otherBuildings") : t("svy.building", { n: r.building }));
  return h(
    "div",
    {},
    dataTable<HeatRow>(
      [
        { label: t("svy.buildingCol"), cell: rowName },
        ...results.heatmap.dimensions.map((code) => ({ label: dimensionName(code), cell: (r: HeatRow) => heatCell(r.cells?.[code]), num: true, cellAttrs: () => ({ "data-dim": code }) })),
        { label: t("svy.overall"), cell: (r: HeatRow) => heatCell(r.overall ?? undefined), num: true },
        { label: t("svy.responses"), cell: (r: HeatRow) => (r.n === null ? t("svy.fewerThanK") : String(r.n)), num: true },
      ],
      results.heatmap.rows,
      { rowHeader: true, caption: t("svy.heatmapCaption"), rowAttrs: (r) => ({ "data-hidden": r.hidden ?? "no", "data-building": r.building ?? "other" }), attrs: { "data-testid": testId } },
    ),
    h(
      "p",
      { class: "muted svy-legend" },
      t("svy.legend"),
      " ",
      [0, 1, 2, 3, 4].map((b) => h("span", { class: `svy-heat svy-heat-${b}` }, t(`svy.band.${b}` as TextKey))),
    ),
    results.heatmap.rows.some((r) => r.hidden === "complementary") ? h("p", { class: "muted", "data-testid": "svy-complementary" }, t("svy.complementaryNote")) : null,
  );
}

/** The formula, in words, with the weights of this survey. */
export function formula(dimensions: readonly { code: string; weight: number }[]): HTMLElement {
  const weights = dimensions.map((d) => `${dimensionName(d.code)} ${d.weight}`).join(" · ");
  return h(
    "section",
    { class: "card", "aria-labelledby": "svy-formula-h", "data-testid": "svy-formula" },
    h("h2", { id: "svy-formula-h" }, t("svy.formulaTitle")),
    h("p", {}, t("svy.formulaLevels")),
    h("p", {}, t("svy.formulaDimension")),
    h("p", {}, t("svy.formulaOverall"), " ", h("strong", {}, weights)),
    h("p", {}, t("svy.formulaCi")),
    h("p", {}, t("svy.formulaK")),
  );
}
