// CSV for spreadsheets (RFC 4180): a UTF-8 byte-order mark so Excel reads Chinese text as UTF-8, CRLF line ends,
// a cell quoted when it holds a comma, quote or line break (quotes doubled). Amounts are written in yuan as
// plain numbers ("1234.56", no grouping or currency sign, so a spreadsheet sums them) and dates as ISO calendar
// dates. A text cell that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe: a
// document name or label typed by someone else must not become a formula on the auditor's machine.
import { big, type IntLike } from "./format.js";

export type Cell = string | number | bigint | boolean | null | undefined;

const NUMBER = /^-?\d+(\.\d+)?$/;
const FORMULA = /^[=+\-@\t\r]/;

function cell(value: Cell): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (typeof value === "string" && !NUMBER.test(text) && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csv(rows: Cell[][]): string {
  return `\uFEFF${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}

/** fen → yuan as a plain decimal: 123456 → "1234.56", -5 → "-0.05". */
export function yuan(fen: IntLike): string {
  const v = big(fen);
  const abs = v < 0n ? -v : v;
  return `${v < 0n ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** 0.01 m² → square metres as a plain decimal: 8913 → "89.13". */
export const squareMetres = yuan;

/** Unix seconds → the local calendar date "2026-12-01" (empty when unknown). */
export function isoDate(seconds: IntLike | null | undefined): string {
  if (seconds === null || seconds === undefined) return "";
  const d = new Date(Number(big(seconds)) * 1000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
