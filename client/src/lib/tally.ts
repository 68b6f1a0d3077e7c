// The live tally of a vote drawn against its thresholds: for each of area and heads, one bar of the scope's
// total with for / against / abstain stacked, the quorum line (participation needed) and the approval line
// (ballots "for" needed at the current participation). One sees at a glance how far the vote is from passing.
import { h, s } from "./dom.js";
import { area, big, count, percent, type IntLike } from "./format.js";
import { t } from "./i18n.js";
import type { Progress, Tally } from "./types.js";
import { verdictOf, type VoteState } from "./verdict.js";

type Row = { label: string; for: IntLike; against: IntLike; abstain: IntLike; total: IntLike; quorum: IntLike; approval: IntLike; fmt: (v: IntLike) => string; quorumMet: boolean; approvalMet: boolean };

const W = 1000;
const BAR_H = 36;

/** part / total as a fraction of the bar, 0 to 1 (a line beyond the scope's total is drawn at its end). */
function frac(part: IntLike, total: IntLike): number {
  const tot = big(total);
  if (tot <= 0n) return 0;
  const f = Number((big(part) * 100000n) / tot) / 100000;
  return Math.min(1, Math.max(0, f));
}

/** Where a row's segments end and its lines stand, as fractions of the bar (exact integer division first). */
export function barGeometry(row: Pick<Row, "for" | "against" | "abstain" | "total" | "quorum" | "approval">): Record<"for" | "against" | "abstain" | "quorum" | "approval", number> {
  return {
    for: frac(row.for, row.total),
    against: frac(row.against, row.total),
    abstain: frac(row.abstain, row.total),
    quorum: frac(row.quorum, row.total),
    approval: frac(row.approval, row.total),
  };
}

function bar(row: Row, key: string): SVGElement {
  const g = barGeometry(row);
  const xs = { for: g.for * W, against: g.against * W, abstain: g.abstain * W };
  const q = g.quorum * W;
  const a = g.approval * W;
  const top = 14;
  const svg = s(
    "svg",
    { viewBox: `0 0 ${W} ${top + BAR_H + 8}`, preserveAspectRatio: "none", class: "tally-bar", "aria-hidden": "true", "data-bar": key },
    s("rect", { x: 0, y: top, width: W, height: BAR_H, class: "seg-rest", rx: 4 }),
    s("rect", { x: 0, y: top, width: xs.for, height: BAR_H, class: "seg-for" }),
    s("rect", { x: xs.for, y: top, width: xs.against, height: BAR_H, class: "seg-against" }),
    s("rect", { x: xs.for + xs.against, y: top, width: xs.abstain, height: BAR_H, class: "seg-abstain" }),
    s("line", { x1: q, x2: q, y1: 2, y2: top + BAR_H + 6, class: "line-quorum", "data-line": "quorum" }),
    s("line", { x1: a, x2: a, y1: 2, y2: top + BAR_H + 6, class: "line-approval", "data-line": "approval" }),
  );
  return svg;
}

function rowView(row: Row, key: string): HTMLElement {
  const participating = big(row.for) + big(row.against) + big(row.abstain);
  return h(
    "div",
    { class: "tally-row", "data-testid": `tally-${key}` },
    h("div", { class: "tally-head" }, h("strong", {}, row.label), h("span", { class: "muted" }, t("tally.total", { total: row.fmt(row.total) }))),
    bar(row, key),
    h(
      "ul",
      { class: "tally-legend" },
      h("li", { class: "for" }, h("span", { class: "swatch" }), t("tally.for"), " ", h("b", { "data-value": `${key}-for` }, row.fmt(row.for)), ` (${percent(row.for, row.total)})`),
      h("li", { class: "against" }, h("span", { class: "swatch" }), t("tally.against"), " ", h("b", { "data-value": `${key}-against` }, row.fmt(row.against))),
      h("li", { class: "abstain" }, h("span", { class: "swatch" }), t("tally.abstain"), " ", h("b", { "data-value": `${key}-abstain` }, row.fmt(row.abstain))),
    ),
    h(
      "ul",
      { class: "tally-lines" },
      h("li", { class: `quorum ${row.quorumMet ? "met" : ""}` }, h("span", { class: "line-key" }), t("tally.quorumLine", { have: row.fmt(participating), need: row.fmt(row.quorum), status: row.quorumMet ? t("tally.met") : t("tally.notMet") })),
      // "Reached" in green only when it decides something: with too few owners taking part, nothing passes.
      h(
        "li",
        { class: `approval ${row.approvalMet && row.quorumMet ? "met" : ""}` },
        h("span", { class: "line-key" }),
        t("tally.approvalLine", { have: row.fmt(row.for), need: row.fmt(row.approval), status: row.approvalMet ? (row.quorumMet ? t("tally.met") : t("tally.metButQuorum")) : t("tally.notMet") }),
      ),
    ),
  );
}

/** The one verdict line (see verdict.ts), or nothing when the progress is not known (a list's summary). */
export function verdictLine(state: VoteState, progress: Progress | undefined): HTMLElement | null {
  if (!progress) return null;
  const v = verdictOf(state, progress);
  return h("p", { class: `verdict ${v.tone}`, "data-testid": "verdict", "data-verdict": v.key }, t(v.key));
}

/** The tally figure with a text summary for screen readers and anyone who prefers words. */
export function tallyView(tally: Tally, progress: Progress | undefined, state: VoteState = { outcome: "Pending", status: "open" }): HTMLElement {
  const p: Progress = progress ?? {
    participatingArea: String(big(tally.areaFor) + big(tally.areaAgainst) + big(tally.areaAbstain)),
    participatingHeads: String(big(tally.headsFor) + big(tally.headsAgainst) + big(tally.headsAbstain)),
    quorumArea: "0",
    quorumHeads: "0",
    quorumMet: false,
    approvalAreaNeeded: "0",
    approvalHeadsNeeded: "0",
    approvalMet: false,
    projectedOutcome: "Pending",
  };
  const areaRow: Row = {
    label: t("tally.area"),
    for: tally.areaFor,
    against: tally.areaAgainst,
    abstain: tally.areaAbstain,
    total: tally.totalArea,
    quorum: p.quorumArea,
    approval: p.approvalAreaNeeded,
    fmt: area,
    quorumMet: p.quorumMet,
    approvalMet: p.approvalMet,
  };
  const headsRow: Row = {
    label: t("tally.heads"),
    for: tally.headsFor,
    against: tally.headsAgainst,
    abstain: tally.headsAbstain,
    total: tally.totalHeads,
    quorum: p.quorumHeads,
    approval: p.approvalHeadsNeeded,
    fmt: (v) => t("tally.people", { n: count(v) }),
    quorumMet: p.quorumMet,
    approvalMet: p.approvalMet,
  };
  return h(
    "figure",
    { class: "tally", "data-testid": "tally" },
    rowView(areaRow, "area"),
    rowView(headsRow, "heads"),
    // One line, agreeing with the bars and the lines above it (never "approval reached" beside "not decided").
    h("figcaption", {}, verdictLine(state, progress)),
    // Ballots staff entered for residents are shown apart, so nobody mistakes them for the holders' own.
    tally.proxyHeads !== undefined && big(tally.proxyHeads) > 0n
      ? h("p", { class: "muted", "data-testid": "tally-proxy" }, t("tally.proxy", { heads: t("tally.people", { n: count(tally.proxyHeads) }), area: area(tally.proxyArea ?? "0") }))
      : null,
  );
}
