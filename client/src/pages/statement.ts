// A flat's maintenance-fund statement: deposits, charges apportioned by area, refunds, each dated, and the
// balance. A resident finds their flat by building and room ("3号楼 502", as they would say it), never by the
// registry's internal number; a signed-in owner sees their own flats at once.
import { allOf, get, query } from "../lib/api.js";
import { field, h, replace } from "../lib/dom.js";
import { area, calendarDate, money } from "../lib/format.js";
import { cardTable } from "../lib/fund-view.js";
import { loadNames, nameOf, unitName, unitText, type UnitLabelView } from "../lib/names.js";
import { t } from "../lib/i18n.js";
import { label, scopeName } from "../lib/labels.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import type { Holder, Statement, UnitDetail } from "../lib/types.js";

/** The search for a flat by its label: one match opens its statement, several are listed to choose from. */
function finder(signal: AbortSignal): HTMLElement {
  const input = h("input", { type: "search", autocomplete: "off", placeholder: t("fund.flatPlaceholder"), "data-testid": "flat-search" }) as HTMLInputElement;
  const error = h("div", { class: "field-error", role: "alert", "data-testid": "flat-search-error" });
  const results = h("div", { "aria-live": "polite", "data-testid": "flat-results" });
  const form = h("form", { class: "inline-form", role: "search", "data-testid": "flat-finder" }, field(t("statement.findFlat"), input, t("fund.findFlatHint")), h("button", { type: "submit" }, t("statement.show")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    replace(error);
    replace(results);
    const text = input.value.trim();
    if (!text) return void replace(error, t("statement.typeFlat"));
    void get<{ items: UnitLabelView[] }>(`/api/directory/units${query({ q: text, limit: 60 })}`, signal)
      .then(({ items }) => {
        if (items.length === 1) window.location.hash = `#/fund/units/${items[0]!.unitId}`;
        else if (items.length === 0) replace(error, t("statement.noFlat", { text }));
        else
          replace(
            results,
            h("p", {}, t("statement.manyFlats", { n: items.length })),
            h("ul", { class: "flat-choices" }, items.map((u) => h("li", {}, h("a", { href: `#/fund/units/${u.unitId}`, "data-unit": String(u.unitId) }, unitText(u))))),
          );
      })
      .catch((err: Error) => {
        if (err.name !== "AbortError") replace(error, t("fund.flatNotUnderstood", { text }));
      });
  });
  return h("div", {}, form, error, results);
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const id = ctx.params.id;
  const who = signedIn();
  // The unit's data does not wait for the holder's: all requested at once.
  const unitData = id
    ? Promise.all([
        get<UnitDetail>(`/api/units/${id}`, ctx.signal),
        allOf<Statement, "entries">(`/api/fund/units/${id}/statement`, "entries", 5000, ctx.signal),
        get<{ label?: UnitLabelView }>(`/api/directory/units/${id}`, ctx.signal).catch(() => ({ label: undefined })),
      ])
    : null;
  unitData?.catch(() => undefined); // awaited (and reported) below
  const holder = who ? await get<Holder>(`/api/holders/${who.address}`, ctx.signal).catch(() => null) : null;
  if (holder) await loadNames([holder.address], ctx.signal);
  const mine =
    holder && holder.units.length > 0
      ? h("p", { "data-testid": "my-flats" }, t("statement.yourUnits"), " ", holder.units.map((u) => [h("a", { href: `#/fund/units/${u.id}` }, unitName(u.id, holder.address)), " "]))
      : null;

  const body = h("div");
  replace(
    root,
    h("p", {}, h("a", { href: "#/fund" }, `← ${t("fund.title")}`)),
    h("h1", {}, t("statement.title")),
    h("section", { class: "card" }, mine, finder(ctx.signal)),
    body,
  );
  if (!unitData) return;

  const [unit, statement, directory] = await unitData;
  await loadNames([unit.holder], ctx.signal);
  const flat = directory.label ? unitText(directory.label) : unitName(unit.id, unit.holder);
  replace(
    body,
    h(
      "section",
      { class: "card" },
      h("h2", { "data-testid": "statement-flat" }, flat),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t("statement.building")), h("dd", {}, scopeName(unit.estateId, unit.buildingId)),
        h("dt", {}, t("tally.area")), h("dd", {}, area(unit.area)),
        // The holder as people know them (a display name they chose to show, their flats), and the address itself
        // small, so anyone can check it against the chain.
        h("dt", {}, t("vote.holder")), h("dd", {}, nameOf(unit.holder) ? h("div", {}, nameOf(unit.holder)) : null, h("div", { class: "mono break muted" }, unit.holder)),
        h("dt", {}, t("fund.balance")), h("dd", { "data-testid": "unit-balance" }, h("strong", {}, money(statement.balance))),
      ),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, t("statement.entries")),
      statement.entries.length === 0
        ? h("p", { class: "muted" }, t("statement.none"))
        : cardTable(
            [{ name: t("plan.date") }, { name: t("statement.kind") }, { name: t("plan.amount"), num: true }, { name: t("statement.plan") }, { name: t("statement.after"), num: true }],
            statement.entries.map((e) => [
              e.time ? calendarDate(e.time) : t("ballot.block", { n: String(e.blockNumber) }),
              label("entry", e.kind),
              h("strong", { class: e.kind === "charge" ? "neg" : "" }, `${e.kind === "charge" ? "−" : "+"}${money(e.amount)}`),
              e.planId !== undefined && e.planId !== null ? h("a", { href: `#/fund/plans/${e.planId}` }, t("fund.planTitle", { id: String(e.planId) })) : "—",
              e.balanceAfter !== undefined ? money(e.balanceAfter) : "—",
            ]),
            { "data-testid": "statement-entries" },
          ),
    ),
  );
}
