// One work order (#/workorders/{id}, issue 14): its status, category, place, deadline and both clocks, whether it
// was escalated, returned or reopened and how many reports joined it, and what happened step by step, each step
// with the receipt of its record to check on the Verify page ("reported at …", "fixed at …"). For its reporter:
// confirm the fix, reopen it with a reason, and rate it (非常满意 … 非常不满意). Public data (no reporter), and for its
// reporters, its party and staff what was written on it (GET /api/workorders/{id}/texts); whether the signed-in
// person reported it comes from their own list (GET /api/workorders/mine).
import { get, post } from "../lib/api.js";
import { field, h, notice, replace, type Child } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { dateTime } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { orderTexts, textsView, type Written } from "../lib/wo-texts.js";
import { allOrders, categoryName, clocksView, codeText, deadlineText, loadUnitLabels, placeText, receiptButton, statusBadge, type OrderView, type Step } from "../lib/workorders.js";

const REOPEN_REASONS = ["notFixed", "brokeAgain", "poorWork"] as const;
const LEVELS = [5, 4, 3, 2, 1] as const;

/** A step in words: "派单给自来水公司", "暂停计时：家中无人，进不了门". */
function stepText(s: Step): string {
  const party = codeText("wo.party", s.party);
  const reason = codeText("wo.reason", s.reason);
  switch (s.event) {
    case "dispatched":
    case "accepted":
    case "returned":
      return t(`wo.step.${s.event}`, { party, reason });
    case "paused":
    case "reopened":
      return t(`wo.step.${s.event}`, { reason });
    case "checkedOnSite":
      return t("wo.step.checkedOnSite", { result: t(s.passed ? "wo.step.passed" : "wo.step.failed") });
    case "confirmed":
      return t(s.auto ? "wo.step.autoConfirmed" : "wo.step.confirmed");
    case "rated":
      return t("wo.step.rated", { level: codeText("wo.level", String(s.level)) });
    default:
      return codeText("wo.step", s.event);
  }
}

function historyView(steps: Step[]): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-labelledby": "wo-history-h" },
    h("h2", { id: "wo-history-h" }, t("wo.detail.history")),
    h("p", { class: "muted" }, t("wo.detail.historyNote"), " ", h("a", { href: "#/verify" }, t("wo.howToVerify"))),
    h(
      "ol",
      { class: "plain-list wo-steps", "data-testid": "wo-history" },
      steps.map((s) =>
        h(
          "li",
          { "data-event": s.event, "data-record": String(s.recordId) },
          h("strong", {}, stepText(s)),
          " ",
          h("span", { class: "muted" }, dateTime(s.at)),
          s.photos ? h("span", { class: "muted" }, ` · ${t("wo.photos", { n: s.photos })}`) : null,
          " ",
          s.by === "staffForResident" ? h("span", { class: "badge proxy-mark", "data-testid": "proxy-mark" }, t("wo.detail.byStaff")) : null,
          s.by === "system" ? h("span", { class: "badge" }, t("wo.detail.bySystem")) : null,
          h("div", {}, receiptButton(s.recordId)),
        ),
      ),
    ),
  );
}

/** A form of the reporter's: its controls, one button, and the server's refusal in words right above the button. */
function action(testId: string, title: string, lead: Child, controls: Child, label: string, send: () => Promise<unknown>, ctx: PageContext): HTMLElement {
  const error = h("div", { "aria-live": "assertive" });
  const button = h("button", { type: "submit", class: "primary big-button", "data-testid": `${testId}-submit` }, label) as HTMLButtonElement;
  const form = h("form", { class: "card", "data-testid": testId }, h("h2", {}, title), lead, controls, error, h("div", { class: "actions" }, button));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    replace(error);
    button.disabled = true;
    send()
      .then(() => ctx.rerender())
      .catch((err: unknown) => {
        if ((err as Error).name !== "AbortError") replace(error, notice("error", errorText(err)));
      })
      .finally(() => (button.disabled = false));
  });
  return form;
}

function reporterActions(o: OrderView, ctx: PageContext): Child[] {
  const path = `/api/workorders/${o.id}`;
  const out: Child[] = [];
  if (o.status === "resolved") {
    const waiting = o.onSiteCheck && !o.checkedOnSite;
    out.push(action("wo-confirm", t("wo.confirmTitle"), h("p", {}, waiting ? t("wo.waitCheck") : t("wo.confirmLead")), null, t("wo.confirm"), () => post(`${path}/confirm`, {}, ctx.signal), ctx));
  }
  if (o.status === "closed" && o.rating === null) {
    const levels = h(
      "fieldset",
      { class: "choices" },
      h("legend", { class: "visually-hidden" }, t("wo.rateTitle")),
      LEVELS.map((l) => h("label", { class: "choice" }, h("input", { type: "radio", name: "level", value: String(l), "data-testid": `wo-level-${l}` }), t(`wo.level.${l}`))),
    );
    out.push(
      action("wo-rate", t("wo.rateTitle"), null, levels, t("wo.rate"), async () => {
        const level = levels.querySelector<HTMLInputElement>("input:checked")?.value;
        if (!level) throw new Error(t("wo.rateTitle"));
        return post(`${path}/rate`, { level: Number(level) }, ctx.signal);
      }, ctx),
    );
  }
  if (o.status === "resolved" || o.status === "closed") {
    const reason = h("select", { "data-testid": "wo-reopen-reason" }, REOPEN_REASONS.map((r) => h("option", { value: r }, codeText("wo.reason", r)))) as HTMLSelectElement;
    out.push(action("wo-reopen", t("wo.reopenTitle"), null, field(t("wo.reopenReason"), reason), t("wo.reopen"), () => post(`${path}/reopen`, { reason: reason.value }, ctx.signal), ctx));
  }
  return out;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const id = ctx.params.id!;
  const who = signedIn();
  const [order, history, mine, texts] = await Promise.all([
    get<OrderView>(`/api/workorders/${id}`, ctx.signal),
    get<{ items: Step[] }>(`/api/workorders/${id}/history?limit=100`, ctx.signal),
    who ? allOrders("/api/workorders/mine", ctx.signal) : Promise.resolve([] as OrderView[]),
    // What was written: only for its writer, the party and staff (the server says whether this viewer may read it).
    who ? orderTexts(id, ctx.signal) : Promise.resolve({ items: [], photos: [] } as Written),
  ]);
  const written = textsView(texts, id);
  await loadUnitLabels([order.place], ctx.signal);
  const yours = mine.some((o) => o.id === id);
  const flags: Child[] = [
    order.priority === "urgent" ? h("span", { class: "badge warn" }, t("wo.urgent")) : null,
    order.escalated ? h("span", { class: "badge danger", "data-testid": "wo-escalated" }, t("wo.escalated")) : null,
    order.paused ? h("span", { class: "badge warn" }, t("wo.pausedNow")) : null,
    order.returns > 0 ? h("span", { class: "badge" }, t("wo.returned", { n: order.returns })) : null,
    order.reopens > 0 ? h("span", { class: "badge" }, t("wo.reopened", { n: order.reopens })) : null,
    order.duplicates > 0 ? h("span", { class: "badge", "data-testid": "wo-joined" }, t("wo.joined", { n: order.duplicates })) : null,
    order.rating !== null ? h("span", { class: "badge ok", "data-testid": "wo-rating" }, t("wo.rated", { level: codeText("wo.level", String(order.rating)) })) : null,
  ];
  const fact = (label: string, value: Child, testId?: string) => [h("dt", {}, label), h("dd", { "data-testid": testId }, value)];
  replace(
    root,
    h("p", {}, h("a", { href: "#/workorders" }, `← ${t("wo.detail.back")}`)),
    h("h1", { "data-testid": "wo-title" }, categoryName(order), " ", statusBadge(order)),
    yours ? notice("info", t("wo.yours")) : null,
    h(
      "section",
      { class: "card", "aria-labelledby": "wo-facts-h" },
      h("h2", { id: "wo-facts-h" }, t("wo.detail.facts")),
      h("p", { class: "wo-flags" }, flags),
      h(
        "dl",
        { class: "facts" },
        fact(t("wo.col.place"), placeText(order.place), "wo-place"),
        fact(t("wo.detail.party"), codeText("wo.party", order.party)),
        fact(t("wo.detail.channel"), codeText("wo.channel", order.channel)),
        fact(t("wo.detail.received"), dateTime(order.receivedAt)),
        fact(t("wo.col.deadline"), deadlineText(order), "wo-deadline"),
        fact(t("wo.detail.clocks"), clocksView(order.clocks)),
      ),
    ),
    written ? h("section", { class: "card", "aria-labelledby": "wo-texts-h" }, h("h2", { id: "wo-texts-h" }, t("wo.text.title")), written) : null,
    yours ? reporterActions(order, ctx) : null,
    historyView(history.items),
  );
}
