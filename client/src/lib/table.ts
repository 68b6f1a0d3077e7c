// One table pattern for every page: a real <table> on wide screens that, in a narrow box (a phone, or large
// text), lays each row out as a card whose cells carry their column's name as a label. Nothing scrolls sideways
// (a scrolling region must be focusable and is hard to use with one thumb), and amounts are never cut: a cell's
// value wraps under its label when the two do not fit on one line. The switch is a container query on the
// table's own box (styles.css, "issue 13: everywhere"), so it follows the room the table has, text size included.
import { h, type Attrs, type Child } from "./dom.js";

export type Column<R> = {
  /** The column's header, and the label of the cell in the card layout. */
  label: string;
  /** What the cell shows for `row`. */
  cell: (row: R) => Child;
  /** An amount, count or date: right-aligned in the table, kept on one line, never cut. */
  num?: boolean;
  /** Extra classes of the cell (e.g. "neg" for a charge, "mono" for a transaction hash). */
  cellClass?: (row: R) => string | undefined;
  /** Attributes of the cell (e.g. a data-testid). */
  cellAttrs?: (row: R) => Attrs;
};

export type TableOptions<R> = {
  /** The table's accessible name (a visible caption, or the id of a heading that names it). */
  caption?: string;
  labelledBy?: string;
  /** The first column names the row: in the card layout it is the card's title, without a label. */
  rowHeader?: boolean;
  /** Attributes of each row (class, data-*). */
  rowAttrs?: (row: R) => Attrs;
  /** Attributes of the outer box (e.g. data-testid). */
  attrs?: Attrs;
};

/**
 * A table of `rows` with `columns`, which becomes one card per row in a narrow box. Explicit ARIA roles keep it
 * a table for screen readers even when the card layout changes the cells' CSS display (some browsers then drop
 * the table semantics).
 */
export function dataTable<R>(columns: Column<R>[], rows: readonly R[], options: TableOptions<R> = {}): HTMLElement {
  const { caption, labelledBy, rowHeader = false, rowAttrs, attrs = {} } = options;
  const headerCells = columns.map((c) => h("th", { scope: "col", role: "columnheader", class: c.num ? "num" : null }, c.label));
  const bodyRows = rows.map((row) =>
    h(
      "tr",
      { role: "row", ...(rowAttrs?.(row) ?? {}) },
      columns.map((c, i) => {
        const classes = [c.num ? "num" : "", c.cellClass?.(row) ?? ""].filter(Boolean).join(" ") || null;
        const value = h("span", { class: "cell-value" }, c.cell(row));
        return i === 0 && rowHeader
          ? h("th", { scope: "row", role: "rowheader", class: classes, "data-label": c.label, ...(c.cellAttrs?.(row) ?? {}) }, value)
          : h("td", { role: "cell", class: classes, "data-label": c.label, ...(c.cellAttrs?.(row) ?? {}) }, value);
      }),
    ),
  );
  return h(
    "div",
    { class: "data-table", ...attrs },
    h(
      "table",
      { role: "table", "aria-labelledby": labelledBy ?? null },
      caption ? h("caption", {}, caption) : null,
      h("thead", { role: "rowgroup" }, h("tr", { role: "row" }, headerCells)),
      h("tbody", { role: "rowgroup" }, bodyRows),
    ),
  );
}
