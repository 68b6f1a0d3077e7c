// A work order as the party's queue and the office's desk show it (issue 14): category, place, status, both clocks,
// the deadline and whether it is overdue, and the counts of returns and reopenings. The API's order view carries no
// personal data (server/src/services/workorders/queries.ts), so neither does this.
import { post } from "./api.js";
import { h, notice, type Child } from "./dom.js";
import { errorText } from "./errors.js";
import { dateTime } from "./format.js";
import { lang, t, type TextKey } from "./i18n.js";
import { placeText, span, type OrderView } from "./workorders.js";

export type Party = "property" | "water" | "power" | "gas" | "sanitation" | "committee" | "office";
export const PARTIES: Party[] = ["property", "water", "power", "gas", "sanitation", "committee", "office"];
export const STATUSES = ["received", "dispatched", "accepted", "inProgress", "resolved", "closed"] as const;

/** An order as the API shows it (lib/workorders.ts), its party one of ours. */
export type WorkOrder = OrderView & { party: Party | null };
export type OrderPage = { items: WorkOrder[]; nextCursor?: string };

export const partyName = (p: Party | null): string => (p ? t(`woOffice.party.${p}` as TextKey) : "—");
export const statusName = (s: string): string => {
  const key = `woOffice.status.${s}` as TextKey;
  const text = t(key);
  return text === key ? s : text;
};

/** The clocks, the deadline and the flags of an order, as lines of a card. */
export function orderFacts(o: WorkOrder, now: number): Child[] {
  const c = o.clocks;
  const badges = [
    o.priority === "urgent" ? h("span", { class: "badge warn" }, t("woOffice.urgent")) : null,
    c.overdue ? h("span", { class: "badge danger", "data-testid": "wo-overdue" }, t("woOffice.overdue", { t: span(c.lateBy) })) : null,
    o.paused ? h("span", { class: "badge warn", "data-testid": "wo-paused" }, t("woOffice.pausedNow")) : null,
    o.escalated ? h("span", { class: "badge danger" }, t("woOffice.escalated")) : null,
    o.returns > 0 ? h("span", { class: "badge warn", "data-testid": "wo-returns" }, t("woOffice.returns", { n: o.returns })) : null,
    o.reopens > 0 ? h("span", { class: "badge warn", "data-testid": "wo-reopens" }, t("woOffice.reopens", { n: o.reopens })) : null,
    o.onSiteCheck ? h("span", { class: `badge${o.checkedOnSite ? " ok" : ""}` }, t(o.checkedOnSite ? "woOffice.checked" : "woOffice.checkNeeded")) : null,
  ].filter(Boolean);
  const open = ["received", "dispatched", "accepted", "inProgress"].includes(o.status);
  // The server's time when it answered (its clocks run to then while the order is open), not this device's.
  const serverNow = open ? o.receivedAt + c.sinceReceipt + c.paused : now;
  const deadline = c.deadline === null ? null : [t("woOffice.deadline", { when: dateTime(c.deadline) }), open && !c.overdue && !o.paused ? ` · ${t("woOffice.left", { t: span(c.deadline - serverNow) })}` : ""];
  return [
    h("p", { class: "wo-clocks", "data-testid": "wo-clocks" }, [t("woOffice.sinceReceipt", { t: span(c.sinceReceipt) }), c.sinceDispatch !== null ? ` · ${t("woOffice.sinceDispatch", { t: span(c.sinceDispatch) })}` : "", c.paused > 0 ? ` · ${t("woOffice.pausedFor", { t: span(c.paused) })}` : ""].join("")),
    deadline ? h("p", { "data-testid": "wo-deadline" }, deadline) : null,
    badges.length ? h("p", { class: "wo-badges" }, badges) : null,
  ];
}

/** An order's card: what and where, its status and party, then `facts`, `extra` (e.g. what was written) and `actions`. */
export function orderCard(o: WorkOrder, now: number, actions: Child[], result: HTMLElement, extra: Child = null): HTMLElement {
  return h(
    "li",
    { class: `card-row wo-card${o.clocks.overdue ? " wo-late" : ""}`, "data-order": o.id, "data-status": o.status, "data-overdue": o.clocks.overdue ? "true" : "false", "data-testid": "wo-order" },
    h("p", {}, h("strong", {}, o.category[lang()]), " · ", placeText(o.place)),
    h("p", { class: "muted" }, statusName(o.status), o.party ? ` · ${partyName(o.party)}` : "", ` · ${t("woOffice.received", { when: dateTime(o.receivedAt) })}`),
    orderFacts(o, now),
    extra,
    actions.length ? h("div", { class: "actions" }, actions) : null,
    result,
  );
}

/** A button that posts `body` to the order's `command`, then calls `done`; a refusal is told in `result`. */
export function actionButton(o: WorkOrder, command: string, label: string, body: () => Record<string, unknown>, result: HTMLElement, done: () => void, primary = false): HTMLButtonElement {
  const button = h("button", { type: "button", class: primary ? "primary" : null, "data-action": command }, label);
  button.addEventListener("click", () => {
    button.disabled = true;
    result.replaceChildren();
    void post(`/api/workorders/${encodeURIComponent(o.id)}/${command}`, body())
      .then(() => done())
      .catch((err: unknown) => {
        button.disabled = false;
        result.replaceChildren(notice("error", errorText(err)));
      });
  });
  return button;
}

/** A select of `values` labelled by `prefix.<value>` texts. */
export function choice(values: readonly string[], prefix: string, testId: string, extra: [string, string][] = []): HTMLSelectElement {
  return h(
    "select",
    { "data-testid": testId },
    extra.map(([v, text]) => h("option", { value: v }, text)),
    values.map((v) => h("option", { value: v }, t(`${prefix}.${v}` as TextKey))),
  );
}
