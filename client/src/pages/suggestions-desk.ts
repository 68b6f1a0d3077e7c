// The answering desk (#/suggestions/desk, issue 15, staff): suggestions waiting for an answer, the soonest due (or
// longest overdue) first, each with its answer box; answered ones to adopt (with a plan) or decline (with a
// reason); adopted ones to mark implemented (cost and date); and the form to write suggestions down at an open day.
import { get, post } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { t, type TextKey } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { allSuggestions, day, DECLINE_REASONS, suggestionCard, topicName, TOPICS, type OpenDay, type Suggestion } from "../lib/sug.js";

/** A small form on a card: its fields, a button, the command it posts. */
function action(s: Suggestion, command: string, label: string, fields: HTMLElement[], body: () => Record<string, unknown> | string, ctx: PageContext): HTMLElement {
  const result = h("div", { "aria-live": "polite", "data-testid": "sug-desk-result" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": `sug-${command}` }, label);
  const form = h("form", { class: "inline-form", novalidate: true, "data-command": command }, ...fields, h("div", { class: "actions" }, button), result);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const made = body();
    if (typeof made === "string") return void result.replaceChildren(notice("error", made));
    button.disabled = true;
    void post(`/api/suggestions/${s.id}/${command}`, made, ctx.signal)
      .then(() => ctx.rerender())
      .catch((err: unknown) => {
        button.disabled = false;
        result.replaceChildren(notice("error", errorText(err)));
      });
  });
  return form;
}

function actionsFor(s: Suggestion, ctx: PageContext): HTMLElement[] {
  if (s.status === "received") {
    const text = h("textarea", { rows: 3, maxlength: 2000, "data-testid": "sug-answer-text" });
    return [action(s, "answer", t("sug.desk.answer"), [field(t("sug.desk.answerText"), text, t("sug.desk.answerHint"))], () => (text.value.trim() ? { text: text.value.trim() } : t("sug.desk.textNeeded")), ctx)];
  }
  if (s.status === "answered") {
    const plan = h("textarea", { rows: 2, maxlength: 2000, "data-testid": "sug-plan-text" });
    const reason = h("select", { "data-testid": "sug-decline-reason" }, ...DECLINE_REASONS.map((r) => h("option", { value: r }, t(`sug.reason.${r}` as TextKey))));
    const why = h("textarea", { rows: 2, maxlength: 2000, "data-testid": "sug-decline-text" });
    return [
      action(s, "adopt", t("sug.desk.adopt"), [field(t("sug.desk.plan"), plan)], () => (plan.value.trim() ? { plan: plan.value.trim() } : {}), ctx),
      action(s, "decline", t("sug.desk.decline"), [field(t("sug.desk.reason"), reason), field(t("sug.desk.reasonText"), why)], () => (why.value.trim() ? { reason: reason.value, text: why.value.trim() } : t("sug.desk.textNeeded")), ctx),
    ];
  }
  if (s.status === "adopted") {
    const cost = h("input", { type: "number", min: 0, step: "0.01", inputmode: "decimal", "data-testid": "sug-cost-input" });
    const done = h("input", { type: "date", "data-testid": "sug-done-input" });
    return [
      action(s, "implement", t("sug.desk.implement"), [field(t("sug.desk.cost"), cost), field(t("sug.desk.doneOn"), done)], () => {
        const fen = Math.round(Number(cost.value) * 100);
        const end = done.value ? Math.floor(new Date(`${done.value}T23:59:59+08:00`).getTime() / 1000) : NaN;
        if (!cost.value || !Number.isSafeInteger(fen) || fen < 0 || !Number.isFinite(end)) return t("sug.desk.costNeeded");
        // A time on the day chosen (China time) that the server accepts: not after now, not before the receipt
        // when it is the day of the receipt. A day before the receipt is sent as it is, and refused with the reason.
        const doneOn = end < s.receivedAt ? end - 12 * 3600 : Math.max(s.receivedAt, Math.min(end, Math.floor(Date.now() / 1000)));
        return { costFen: fen, doneOn };
      }, ctx),
    ];
  }
  return [];
}

function openDayForm(days: OpenDay[], ctx: PageContext): HTMLElement {
  if (days.length === 0) return h("p", { class: "muted" }, t("sug.desk.noOpenDay"), " ", h("a", { href: "#/opendays" }, t("sug.openDays")));
  const which = h("select", { "data-testid": "sug-od-day" }, ...days.map((d) => h("option", { value: d.id }, `${day(d.date)} ${d.theme}`)));
  const topic = h("select", { "data-testid": "sug-od-topic" }, ...TOPICS.map((code) => h("option", { value: code }, topicName(code))));
  const text = h("textarea", { rows: 3, maxlength: 2000, "data-testid": "sug-od-text" });
  const name = h("input", { maxlength: 40, autocomplete: "off", "data-testid": "sug-od-name" });
  const result = h("div", { "aria-live": "polite", "data-testid": "sug-od-result" });
  const form = h(
    "form",
    { class: "card", novalidate: true, "data-testid": "sug-od-form", "aria-labelledby": "sug-od-h" },
    h("h2", { id: "sug-od-h" }, t("sug.desk.atOpenDay")),
    field(t("sug.openDay"), which),
    field(t("sug.topic"), topic),
    field(t("sug.text"), text),
    field(t("sug.name"), name, t("sug.desk.nameHint")),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "sug-od-save" }, t("sug.desk.write"))),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!text.value.trim()) return void result.replaceChildren(notice("error", t("sug.textNeeded")));
    const body = { channel: "openDay", openDay: which.value, topic: topic.value, text: text.value.trim(), ...(name.value.trim() ? { shownName: name.value.trim() } : {}) };
    void post("/api/suggestions/submit", body, ctx.signal)
      .then(() => ctx.rerender())
      .catch((err: unknown) => result.replaceChildren(notice("error", errorText(err))));
  });
  return form;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("sug.desk"));
  const who = signedIn();
  if (!who) return replace(root, title, notice("info", t("sug.desk.signIn"), " ", h("a", { href: "#/account?next=suggestions/desk", class: "button primary" }, t("nav.signIn"))));
  if (!who.session.roles.includes("staff")) return replace(root, title, notice("warn", t("sug.desk.onlyStaff")));
  const [waiting, answered, adopted, days] = await Promise.all([
    allSuggestions("/api/suggestions/desk", ctx.signal),
    allSuggestions("/api/suggestions/list?status=answered", ctx.signal),
    allSuggestions("/api/suggestions/list?status=adopted", ctx.signal),
    get<{ items: OpenDay[] }>("/api/opendays/list?limit=100", ctx.signal),
  ]);
  const list = (items: Suggestion[], testId: string) =>
    items.length === 0 ? h("p", { class: "muted", "data-testid": `${testId}-empty` }, t("sug.desk.none")) : h("ul", { class: "cards", "data-testid": testId }, items.map((s) => suggestionCard(s, ...actionsFor(s, ctx))));
  replace(
    root,
    title,
    h("p", { class: "lead" }, t("sug.desk.intro")),
    h("section", { "aria-labelledby": "sug-waiting-h" }, h("h2", { id: "sug-waiting-h" }, t("sug.desk.waiting", { n: waiting.length })), list(waiting, "sug-waiting")),
    h("section", { "aria-labelledby": "sug-answered-h" }, h("h2", { id: "sug-answered-h" }, t("sug.desk.answered", { n: answered.length })), list(answered, "sug-answered")),
    h("section", { "aria-labelledby": "sug-adopted-h" }, h("h2", { id: "sug-adopted-h" }, t("sug.desk.adopted", { n: adopted.length })), list(adopted, "sug-adopted")),
    openDayForm(days.items, ctx),
  );
}
