// Budget against disbursed (and released back) as a small SVG bar.
import { h, s } from "./dom.js";
import { big, money, percent, type IntLike } from "./format.js";
import { t } from "./i18n.js";

export function budgetBar(budget: IntLike, disbursed: IntLike, released: IntLike = 0): HTMLElement {
  const b = big(budget);
  const frac = (v: IntLike) => (b > 0n ? Math.min(1, Number((big(v) * 10000n) / b) / 10000) : 0);
  const d = frac(disbursed) * 1000;
  const r = frac(released) * 1000;
  return h(
    "div",
    { class: "budget" },
    s(
      "svg",
      { viewBox: "0 0 1000 24", preserveAspectRatio: "none", class: "budget-bar", "aria-hidden": "true" },
      s("rect", { x: 0, y: 0, width: 1000, height: 24, class: "seg-rest", rx: 4 }),
      s("rect", { x: 0, y: 0, width: d, height: 24, class: "seg-disbursed" }),
      s("rect", { x: d, y: 0, width: r, height: 24, class: "seg-released" }),
    ),
    h("p", { class: "muted" }, t("fund.budgetLine", { disbursed: money(disbursed), budget: money(budget), pct: percent(disbursed, budget) }), big(released) > 0n ? ` · ${t("fund.released", { amount: money(released) })}` : ""),
  );
}
