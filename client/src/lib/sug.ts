// Suggestions and open days (issue 15): the shapes the API returns, and the widgets the suggestion pages share
// (a suggestion's card, the funnel table with its denominators, a list read page by page).
import { get } from "./api.js";
import { h, type Child } from "./dom.js";
import { dateFormat } from "./format.js";
import { lang, t, type TextKey } from "./i18n.js";
import { offchainReceiptButton } from "./offchain-receipt.js";
import { dataTable } from "./table.js";

export const TOPICS = ["environment", "greening", "parking", "safety", "elderly", "children", "facilities", "property", "culture", "other"] as const;
export const DECLINE_REASONS = ["notFeasible", "outOfScope", "duplicate", "noBudget", "othersObject", "other"] as const;

export type Step = { count: number; rate: number | null; denominator: number };
export type FunnelRow = {
  cohort: string;
  received: number;
  answeredInTime: Step;
  answered: Step;
  adopted: Step;
  implemented: Step;
  declined: Step;
  awaiting: number;
  overdue: number;
  answeredLate: number;
  costFen: number;
};
export type Funnel = { all: FunnelRow; byChannel: FunnelRow[]; byMonth: FunnelRow[]; byOpenDay: FunnelRow[] };
export type Suggestion = {
  id: string;
  channel: "online" | "openDay";
  openDay: string | null;
  topic: string;
  status: "received" | "answered" | "adopted" | "implemented" | "declined";
  by: "resident" | "staffForResident" | "staffAtOpenDay";
  receivedAt: number;
  answerBy: number;
  answeredAt: number | null;
  late: boolean;
  overdue: boolean;
  costFen: number | null;
  doneOn: number | null;
  declineReason: string | null;
  text: string | null;
  answer: string | null;
  plan: string | null;
  declineText: string | null;
  shownName: string | null;
};
export type OpenDay = { id: string; date: number; estateId: number; place: string; theme: string; attendance: number | null; registered: number; funnel: FunnelRow };

const SHANGHAI_DAY: Intl.DateTimeFormatOptions = { timeZone: "Asia/Shanghai" };
export const day = (at: number): string => dateFormat(lang() === "en" ? "en-GB" : "zh-CN", SHANGHAI_DAY).format(new Date(at * 1000));
export const yuan = (fen: number): string => (fen / 100).toFixed(2);
const percent = (s: Step) => (s.rate === null ? "—" : `${(s.rate * 100).toFixed(1)}%`);
export const topicName = (code: string): string => t(`sug.topic.${code}` as TextKey);

/** Every page of a suggestions list (up to `max`). */
export async function allSuggestions(path: string, signal: AbortSignal, max = 500): Promise<Suggestion[]> {
  const items: Suggestion[] = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await get<{ items: Suggestion[]; nextCursor?: string }>(`${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, signal);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/** The funnel: each step's rate with its count and denominator (every suggestion received in the cohort). */
export function funnelTable(rows: FunnelRow[], names: (cohort: string) => string, testId = "sug-funnel"): HTMLElement {
  const step = (s: Step) => [percent(s), " ", h("small", { class: "muted" }, `(${s.count}/${s.denominator})`)];
  return dataTable<FunnelRow>(
    [
      { label: t("sug.cohort"), cell: (r) => names(r.cohort) },
      { label: t("sug.received"), cell: (r) => String(r.received), num: true },
      { label: t("sug.inTime"), cell: (r) => step(r.answeredInTime), num: true },
      { label: t("sug.adopted"), cell: (r) => step(r.adopted), num: true },
      { label: t("sug.implemented"), cell: (r) => step(r.implemented), num: true },
      { label: t("sug.declined"), cell: (r) => step(r.declined), num: true },
      { label: t("sug.awaiting"), cell: (r) => String(r.awaiting), num: true },
    ],
    rows,
    { rowHeader: true, caption: t("sug.funnel"), rowAttrs: (r) => ({ "data-cohort": r.cohort }), attrs: { "data-testid": testId } },
  );
}

/** A cohort's name: all, a channel, a month, an open day (its theme when known). */
export function cohortName(cohort: string, days: ReadonlyMap<string, OpenDay> = new Map()): string {
  if (cohort === "all") return t("sug.all");
  if (cohort.startsWith("c:")) return t(`sug.channel.${cohort.slice(2)}` as TextKey);
  if (cohort.startsWith("m:")) return cohort.slice(2);
  const d = days.get(cohort.slice(2));
  return d ? `${t("sug.openDay")} ${day(d.date)} ${d.theme}` : t("sug.openDay");
}

/** One suggestion as everyone sees it: topic, state, text, who (a chosen name or anonymous; proxies marked), the answer. */
export function suggestionCard(s: Suggestion, ...extra: Child[]): HTMLElement {
  return h(
    "li",
    { class: "card sug-card", "data-suggestion": s.id, "data-status": s.status },
    h(
      "p",
      { class: "sug-badges" },
      h("span", { class: "badge" }, topicName(s.topic)),
      " ",
      h("span", { class: `badge ${s.status === "declined" ? "" : s.status === "received" ? "info" : "ok"}`, "data-testid": "sug-status" }, t(`sug.status.${s.status}` as TextKey)),
      s.overdue && s.status === "received" ? [" ", h("span", { class: "badge warn", "data-testid": "sug-overdue" }, t("sug.overdue"))] : null,
    ),
    h("p", { class: "sug-text", "data-testid": "sug-text" }, s.text ?? t("sug.erased")),
    h(
      "p",
      { class: "muted" },
      day(s.receivedAt),
      " · ",
      h("span", { "data-testid": "sug-author" }, s.shownName ?? t("sug.anonymous")),
      s.by !== "resident" ? [" · ", h("span", { class: "badge", "data-testid": "sug-by" }, t(`sug.by.${s.by}` as TextKey))] : null,
      s.status === "received" ? ` · ${t("sug.dueBy", { date: day(s.answerBy) })}` : null,
    ),
    s.answer ? h("p", { "data-testid": "sug-answer" }, h("strong", {}, t("sug.answer")), " ", s.answer, s.late ? h("span", { class: "badge warn" }, t("sug.late")) : null) : null,
    s.plan ? h("p", {}, h("strong", {}, t("sug.plan")), " ", s.plan) : null,
    s.declineReason ? h("p", {}, h("strong", {}, t("sug.declinedBecause")), " ", t(`sug.reason.${s.declineReason}` as TextKey), s.declineText ? `: ${s.declineText}` : "") : null,
    s.costFen !== null ? h("p", { "data-testid": "sug-cost" }, t("sug.cost", { yuan: yuan(s.costFen), date: s.doneOn !== null ? day(s.doneOn) : "" })) : null,
    ...extra,
    historyDetails(s.id),
  );
}

type HistoryStep = { event: string; at: number; recordId: number; by: "system" | "staffForResident" | "person" };
const STEP_EVENTS = ["received", "answered", "adopted", "declined", "implemented", "overdue", "nameHidden"];

/**
 * A suggestion's records, each with its receipt to download and check on the verify page, loaded when opened (a
 * list of many cards asks nothing until then; a failed load is tried again on the next opening).
 */
function historyDetails(id: string): HTMLElement {
  const list = h("ol", { class: "plain-list", "data-testid": "sug-history" });
  const details = h(
    "details",
    { class: "sug-history" },
    h("summary", { "data-testid": "sug-history-open" }, t("sug.history")),
    list,
    h("p", { class: "muted" }, t("sug.historyNote"), " ", h("a", { href: "#/verify" }, t("sug.howToVerify"))),
  ) as HTMLDetailsElement;
  let loaded = false;
  details.addEventListener("toggle", () => {
    if (!details.open || loaded) return;
    loaded = true;
    list.replaceChildren(h("li", { class: "muted" }, t("app.loading")));
    get<{ items: HistoryStep[] }>(`/api/suggestions/${encodeURIComponent(id)}/history`)
      .then(({ items }) =>
        list.replaceChildren(
          ...items.map((step) =>
            h(
              "li",
              { "data-event": step.event, "data-record": String(step.recordId) },
              h("strong", {}, STEP_EVENTS.includes(step.event) ? t(`sug.step.${step.event}` as TextKey) : step.event),
              " ",
              h("span", { class: "muted" }, day(step.at)),
              step.by === "staffForResident" ? [" ", h("span", { class: "badge", "data-testid": "sug-step-proxy" }, t("sug.by.staffForResident"))] : null,
              " ",
              offchainReceiptButton(step.recordId, { label: t("sug.receipt"), saved: t("sug.receiptSaved"), testId: "sug-receipt" }),
            ),
          ),
        ),
      )
      .catch((err: unknown) => {
        loaded = false;
        list.replaceChildren(h("li", { class: "error", role: "alert" }, err instanceof Error ? err.message : String(err)));
      });
  });
  return details;
}
