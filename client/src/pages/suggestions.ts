// 意见建议 (#/suggestions, issue 15): the published funnel (each step's count, rate and denominator: every
// suggestion received), the public list of suggestions with their answers (no author unless they chose to show a
// name; a proxy or an open-day entry marked as such), and for a signed-in resident the form to send one.
import { ApiError, get, post } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { lang, t, type TextKey } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";

type Step = { count: number; rate: number | null; denominator: number };
type FunnelRow = { cohort: string; received: number; answeredInTime: Step; adopted: Step; implemented: Step; declined: Step; awaiting: number; overdue: number };
type Suggestion = { id: string; topic: string; status: string; by: string; receivedAt: number; text: string | null; answer: string | null; shownName: string | null; late: boolean; overdue: boolean; costFen: number | null };

const TOPICS = ["environment", "greening", "parking", "safety", "elderly", "children", "facilities", "property", "culture", "other"] as const;
const date = (at: number) => new Date(at * 1000).toLocaleDateString(lang());
const percent = (s: Step) => (s.rate === null ? "—" : `${(s.rate * 100).toFixed(1)}%`);

function funnelTable(rows: FunnelRow[]): HTMLElement {
  const head = ["sug.cohort", "sug.received", "sug.inTime", "sug.adopted", "sug.implemented"] as const;
  const cell = (s: Step) => h("td", {}, `${percent(s)} (${s.count}/${s.denominator})`);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { "data-testid": "sug-funnel" },
      h("thead", {}, h("tr", {}, ...head.map((k) => h("th", { scope: "col" }, t(k))))),
      h(
        "tbody",
        {},
        ...rows.map((r) =>
          h("tr", {}, h("th", { scope: "row" }, r.cohort === "all" ? t("sug.all") : r.cohort.replace(/^[a-z]:/, "")), h("td", {}, String(r.received)), cell(r.answeredInTime), cell(r.adopted), cell(r.implemented)),
        ),
      ),
    ),
  );
}

function item(s: Suggestion): HTMLElement {
  return h(
    "li",
    { class: "card", "data-suggestion": s.id },
    h("p", {}, h("span", { class: "badge" }, t(`sug.topic.${s.topic}` as TextKey)), " ", h("span", { class: "badge" }, t(`sug.status.${s.status}` as TextKey)), s.overdue ? h("span", { class: "badge warn" }, t("sug.overdue")) : null),
    h("p", {}, s.text ?? t("sug.erased")),
    h("p", { class: "muted" }, date(s.receivedAt), " · ", s.shownName ?? t("sug.anonymous"), s.by !== "resident" ? ` · ${t(`sug.by.${s.by}` as TextKey)}` : ""),
    s.answer ? h("p", {}, h("strong", {}, t("sug.answer")), " ", s.answer, s.late ? ` (${t("sug.late")})` : "") : null,
    s.costFen !== null ? h("p", { class: "muted" }, t("sug.cost", { yuan: (s.costFen / 100).toFixed(2) })) : null,
  );
}

function submitForm(onSent: () => void, signal: AbortSignal): HTMLElement {
  const topic = h("select", { id: "sug-topic", name: "topic" }, ...TOPICS.map((code) => h("option", { value: code }, t(`sug.topic.${code}` as TextKey))));
  const text = h("textarea", { id: "sug-text", name: "text", rows: 4, maxlength: 2000, required: true });
  const name = h("input", { id: "sug-name", name: "shownName", maxlength: 40 });
  const status = h("div", { role: "status" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "sug-send" }, t("sug.send"));
  const form = h(
    "form",
    { class: "card", "data-testid": "sug-form" },
    h("h2", {}, t("sug.new")),
    h("label", { for: "sug-topic" }, t("sug.topic")),
    topic,
    h("label", { for: "sug-text" }, t("sug.text")),
    text,
    h("label", { for: "sug-name" }, t("sug.name")),
    name,
    h("p", { class: "muted" }, t("sug.nameHint")),
    h("div", { class: "actions" }, button),
    status,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!text.value.trim()) return;
    button.disabled = true;
    void (async () => {
      try {
        await post("/api/suggestions/submit", { topic: topic.value, text: text.value.trim(), ...(name.value.trim() ? { shownName: name.value.trim() } : {}) }, signal);
        replace(status, h("p", { class: "notice ok" }, t("sug.sent")));
        text.value = "";
        onSent();
      } catch (error) {
        replace(status, h("p", { class: "notice error" }, error instanceof ApiError ? error.message : String(error)));
      } finally {
        button.disabled = false;
      }
    })();
  });
  return form;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const list = h("ul", { class: "plain", "data-testid": "sug-list" });
  const funnelBox = h("div", {});
  const load = async () => {
    const [funnel, page] = await Promise.all([
      get<{ all: FunnelRow; byMonth: FunnelRow[]; byOpenDay: FunnelRow[] }>("/api/suggestions/funnel", ctx.signal),
      get<{ items: Suggestion[] }>("/api/suggestions/list?limit=50", ctx.signal),
    ]);
    replace(funnelBox, funnelTable([funnel.all, ...funnel.byMonth, ...funnel.byOpenDay]));
    replace(list, ...(page.items.length === 0 ? [h("li", { class: "muted" }, t("sug.none"))] : page.items.map(item)));
  };
  await load();
  replace(
    root,
    h("h1", {}, t("sug.title")),
    h("p", { class: "lead" }, t("sug.lead")),
    h("section", { class: "card", "aria-labelledby": "sug-funnel-h" }, h("h2", { id: "sug-funnel-h" }, t("sug.funnel")), h("p", { class: "muted" }, t("sug.funnelNote")), funnelBox),
    signedIn() ? submitForm(() => void load(), ctx.signal) : h("p", { class: "notice info" }, t("sug.signIn"), " ", h("a", { href: "#/account?next=suggestions", class: "button primary" }, t("nav.signIn"))),
    h("section", { "aria-labelledby": "sug-list-h" }, h("h2", { id: "sug-list-h" }, t("sug.list")), list),
  );
}
