// Shared by the fund's pages (plan, notice, statement): a plan's name, its recorded documents, a share as a
// percentage, and tables that become labelled cards on a phone.
import type { Hex } from "viem";
import { h, type Child } from "./dom.js";
import { big, numberFormat, type IntLike } from "./format.js";
import { locale, t } from "./i18n.js";
import { label } from "./labels.js";
import { proposalTitle } from "./proposal.js";
import type { PlanDetail, PlanSummary } from "./types.js";

/** The plan's name: its document's title (when the server stores it), else "维修项目 #3". */
export function planName(plan: PlanSummary, verifiedTitle?: { zh: string; en?: string }): string {
  const title = verifiedTitle ?? plan.title;
  return title ? proposalTitle(title) : t("fund.planTitle", { id: String(plan.id) });
}

/** part / whole as a percentage with `digits` decimals ("0.33%"); "—" when whole is 0. */
export function share(part: IntLike, whole: IntLike, digits = 2): string {
  const w = big(whole);
  if (w === 0n) return "—";
  const scale = 10n ** BigInt(digits);
  const scaled = (big(part) * 100n * scale * 2n + w) / (2n * w); // rounded half up
  return `${numberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Number(scaled) / Number(scale))}%`;
}

/** The same, as a plain number for a spreadsheet ("0.33"). */
export function sharePlain(part: IntLike, whole: IntLike, digits = 4): string {
  const w = big(whole);
  if (w === 0n) return "";
  const scale = 10n ** BigInt(digits);
  const scaled = (big(part) * 100n * scale * 2n + w) / (2n * w);
  return `${scaled / scale}.${(scaled % scale).toString().padStart(digits, "0")}`;
}

export type RecordedDocument = { what: string; hash: Hex; stage?: number };

/** Every document hash the plan records: plan, disbursements (numbered from 1, as on the page), closing, disclosure. */
export function recordedDocuments(plan: PlanDetail): RecordedDocument[] {
  const list: RecordedDocument[] = [];
  if (plan.planHash) list.push({ what: plan.kind === "emergency" ? t("plan.doc.report") : t("plan.doc.plan"), hash: plan.planHash });
  for (const d of plan.disbursements) list.push({ what: t("plan.doc.disbursement", { index: d.index + 1, stage: label("stage", d.stage) }), hash: d.docHash, stage: d.index + 1 });
  if (plan.closing?.closingHash) list.push({ what: t("plan.doc.closing"), hash: plan.closing.closingHash });
  if (plan.disclosureRecord?.documentHash) list.push({ what: t("plan.doc.disclosure"), hash: plan.disclosureRecord.documentHash });
  return list.filter((d) => d.hash && !/^0x0{64}$/.test(d.hash));
}

/**
 * A table that is a table on a wide screen and a stack of labelled cards on a phone (CSS `.fund-table`): each
 * cell carries its column's name, shown before it when the row becomes a card. Nothing scrolls sideways.
 */
export type Column = { name: string; num?: boolean };
export function cardTable(columns: Column[], rows: Child[][], attrs: Record<string, string> = {}, rowAttrs: (i: number) => Record<string, string> = () => ({})): HTMLElement {
  return h(
    "table",
    { class: "fund-table", ...attrs },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : undefined }, c.name)))),
    h("tbody", {}, rows.map((r, i) => h("tr", rowAttrs(i), r.map((cell, j) => h("td", { "data-label": columns[j]?.name ?? "", class: columns[j]?.num ? "num" : undefined }, cell))))),
  );
}
