// A unit's maintenance-fund statement: deposits, charges apportioned by area, refunds, balance.
import { allOf, get } from "../lib/api.js";
import { field, h, replace } from "../lib/dom.js";
import { area, money, short } from "../lib/format.js";
import { loadNames, nameOf, unitName } from "../lib/names.js";
import { t } from "../lib/i18n.js";
import { label } from "../lib/labels.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import type { Holder, Statement, UnitDetail } from "../lib/types.js";

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const id = ctx.params.id;
  const who = signedIn();
  // The unit's data does not wait for the holder's: all requested at once.
  const unitData = id ? Promise.all([get<UnitDetail>(`/api/units/${id}`, ctx.signal), allOf<Statement, "entries">(`/api/fund/units/${id}/statement`, "entries", 5000, ctx.signal)]) : null;
  unitData?.catch(() => undefined); // awaited (and reported) below
  const holder = who ? await get<Holder>(`/api/holders/${who.address}`, ctx.signal).catch(() => null) : null;
  const input = h("input", { type: "number", min: 1, inputmode: "numeric", value: id ?? "", "data-testid": "unit-id" }) as HTMLInputElement;
  const form = h("form", { class: "inline-form" }, field(t("statement.unitId"), input), h("button", { type: "submit" }, t("statement.show")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (input.value) window.location.hash = `#/fund/units/${input.value}`;
  });
  const mine = holder && holder.units.length > 0 ? h("p", {}, t("statement.yourUnits"), " ", holder.units.map((u) => [h("a", { href: `#/fund/units/${u.id}` }, `#${u.id}`), " "])) : null;

  const body = h("div");
  replace(root, h("p", {}, h("a", { href: "#/fund" }, `← ${t("fund.title")}`)), h("h1", {}, t("statement.title")), h("section", { class: "card" }, form, mine), body);
  if (!unitData) return;

  const [unit, statement] = await unitData;
  await loadNames([unit.holder], ctx.signal);
  replace(
    body,
    h(
      "section",
      { class: "card" },
      h("h2", {}, t("statement.unit", { label: unitName(unit.id, unit.holder), id: String(unit.id), building: String(unit.buildingId) })),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t("tally.area")), h("dd", {}, area(unit.area)),
        h("dt", {}, t("vote.holder")), h("dd", {}, nameOf(unit.holder) ? h("div", {}, nameOf(unit.holder)) : null, h("div", { class: "mono break" }, unit.holder)),
        h("dt", {}, t("fund.balance")), h("dd", { "data-testid": "unit-balance" }, h("strong", {}, money(statement.balance))),
      ),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, t("statement.entries")),
      statement.entries.length === 0
        ? h("p", { class: "muted" }, t("statement.none"))
        : h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              {},
              h("thead", {}, h("tr", {}, [t("statement.kind"), t("plan.amount"), t("statement.plan"), t("statement.after"), t("vote.tx")].map((c) => h("th", { scope: "col" }, c)))),
              h(
                "tbody",
                {},
                statement.entries.map((e) =>
                  h(
                    "tr",
                    {},
                    h("td", {}, label("entry", e.kind)),
                    h("td", { class: `num ${e.kind === "charge" ? "neg" : ""}` }, `${e.kind === "charge" ? "−" : "+"}${money(e.amount)}`),
                    h("td", {}, e.planId !== undefined && e.planId !== null ? h("a", { href: `#/fund/plans/${e.planId}` }, `#${e.planId}`) : "—"),
                    h("td", { class: "num" }, e.balanceAfter !== undefined ? money(e.balanceAfter) : "—"),
                    h("td", { class: "mono" }, short(e.txHash)),
                  ),
                ),
              ),
            ),
          ),
    ),
  );
}
