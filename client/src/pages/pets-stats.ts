// The pet code's statistics (#/pets/stats, issue 17, public): reports, confirmed violations, dismissed reports and
// appeals by month (of the report) and building, each beside its denominator (the pets registered by the month's
// end), and the change of reports per 100 registered pets from the first month to the last: "complaints down 70 %"
// as a figure with its source (docs/pets.md gives the formulas). Figures only, nothing personal.
import { get } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { count } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import { buildingName } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { dataTable, type Column } from "../lib/table.js";

type Row = { month: string; buildingId: number; pets: number; reports: number; confirmed: number; dismissed: number; pending: number; appeals: number; upheld: number };
type MonthRow = Omit<Row, "buildingId"> & { reportsPer100Pets: number | null };
type Stats = { estateId: number; rows: Row[]; months: MonthRow[]; change: { from: string; to: string; reportsPer100PetsFrom: number; reportsPer100PetsTo: number; percent: number } | null };

const ratio = (part: number, whole: number) => `${count(part)}（${whole === 0 ? "—" : `${Math.round((part / whole) * 1000) / 10}%`}）`;

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const estate = Number(new URLSearchParams(location.hash.split("?")[1] ?? "").get("estate") ?? "1") || 1;
  const stats = await get<Stats>(`/api/pets/stats?estateId=${estate}`, ctx.signal);
  const common = <R extends Omit<Row, "buildingId">>(): Column<R>[] => [
    { label: t("pet.s.pets"), num: true, cell: (r) => count(r.pets) },
    { label: t("pet.s.reports"), num: true, cell: (r) => count(r.reports) },
    { label: t("pet.s.confirmed"), num: true, cell: (r) => ratio(r.confirmed, r.reports) },
    { label: t("pet.s.dismissed"), num: true, cell: (r) => ratio(r.dismissed, r.reports) },
    { label: t("pet.s.appeals"), num: true, cell: (r) => ratio(r.appeals, r.confirmed + r.upheld) },
    { label: t("pet.s.upheld"), num: true, cell: (r) => ratio(r.upheld, r.appeals) },
  ];
  const monthColumns: Column<MonthRow>[] = [{ label: t("pet.s.month"), cell: (r) => r.month }, ...common<MonthRow>(), { label: t("pet.s.per100"), num: true, cell: (r) => (r.reportsPer100Pets === null ? "—" : String(r.reportsPer100Pets)) }];
  const buildingColumns: Column<Row>[] = [{ label: t("pet.s.month"), cell: (r) => r.month }, { label: t("pet.s.building"), cell: (r) => buildingName(r.buildingId) }, ...common<Row>()];
  const c = stats.change;
  replace(
    root,
    h("h1", {}, t("pet.statsTitle")),
    h("p", { class: "lead" }, t("pet.statsLead")),
    c
      ? h("p", { class: "card", "data-testid": "pet-change" }, t("pet.change", { from: c.from, to: c.to, a: c.reportsPer100PetsFrom, b: c.reportsPer100PetsTo, pct: `${c.percent > 0 ? "+" : ""}${c.percent}` }))
      : h("p", { class: "muted", "data-testid": "pet-change" }, t("pet.noChange")),
    h("p", { class: "muted" }, t("pet.formula")),
    h("h2", { id: "pet-sm-h" }, t("pet.byMonth")),
    dataTable(monthColumns, stats.months, { labelledBy: "pet-sm-h", attrs: { "data-testid": "pet-stats-months" } }),
    h("h2", { id: "pet-sb-h" }, t("pet.byBuilding")),
    dataTable(buildingColumns, stats.rows, { labelledBy: "pet-sb-h", attrs: { "data-testid": "pet-stats-buildings" } }),
    h("p", {}, h("a", { href: "#/pets" }, t("pet.back"))),
  );
}
