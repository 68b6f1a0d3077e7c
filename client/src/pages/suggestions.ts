// 意见建议 (#/suggestions, issue 15): the published funnel (each step's count, rate and denominator: every
// suggestion received in the cohort), the public list with the office's answers (no author unless they chose to
// show a name; entries by staff marked as such), and for a signed-in resident the form to send one and their own.
// Staff open it as `#/suggestions?for=<address>` from the staff desk to send one for a resident, under one of the
// resident's written authorisations (marked "staff for the resident" wherever it is shown).
import { actingFor, type ActingFor } from "../lib/acting-for.js";
import { get, post } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { allSuggestions, cohortName, funnelTable, suggestionCard, topicName, TOPICS, type Funnel, type OpenDay, type Suggestion } from "../lib/sug.js";

function submitForm(ctx: PageContext, proxy: ActingFor | undefined): HTMLElement {
  const topic = h("select", { name: "topic", "data-testid": "sug-topic" }, ...TOPICS.map((code) => h("option", { value: code }, topicName(code))));
  const text = h("textarea", { name: "text", rows: 4, maxlength: 2000, "data-testid": "sug-text-input" });
  const name = h("input", { name: "shownName", maxlength: 40, autocomplete: "off", "data-testid": "sug-name-input" });
  const result = h("div", { "aria-live": "polite", "data-testid": "sug-result" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "sug-send" }, t("sug.send"));
  const form = h(
    "form",
    { class: "card", "data-testid": "sug-form", novalidate: true, "aria-labelledby": "sug-new-h" },
    h("h2", { id: "sug-new-h" }, t("sug.new")),
    proxy?.element ?? null,
    field(t("sug.topic"), topic),
    field(t("sug.text"), text, t("sug.textHint")),
    field(t("sug.name"), name, t("sug.nameHint")),
    h("div", { class: "actions" }, button),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (proxy && !proxy.usable) return void result.replaceChildren(notice("error", t("proxy.for.none")));
    if (!text.value.trim()) return void result.replaceChildren(notice("error", t("sug.textNeeded")));
    button.disabled = true;
    const body = { topic: topic.value, text: text.value.trim(), ...(name.value.trim() ? { shownName: name.value.trim() } : {}), ...proxy?.fields() };
    void post("/api/suggestions/submit", body, ctx.signal)
      .then(() => ctx.rerender())
      .catch((err: unknown) => {
        button.disabled = false;
        result.replaceChildren(notice("error", errorText(err)));
      });
  });
  return form;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  const [funnel, items, days, mine, proxy] = await Promise.all([
    get<Funnel>("/api/suggestions/funnel", ctx.signal),
    allSuggestions("/api/suggestions/list", ctx.signal, 200),
    get<{ items: OpenDay[] }>("/api/opendays/list?limit=100", ctx.signal),
    who ? get<{ items: Suggestion[] }>("/api/suggestions/mine?limit=100", ctx.signal) : Promise.resolve(null),
    actingFor("sug", ctx.signal),
  ]);
  const byId = new Map(days.items.map((d) => [d.id, d]));
  const staff = who?.session.roles.includes("staff") ?? false;
  replace(
    root,
    h("h1", {}, t("sug.title")),
    h("p", { class: "lead" }, t("sug.lead")),
    h(
      "p",
      { class: "actions" },
      h("a", { href: "#/opendays", class: "button", "data-testid": "sug-opendays-link" }, t("sug.openDays")),
      staff ? h("a", { href: "#/suggestions/desk", class: "button", "data-testid": "sug-desk-link" }, t("sug.desk")) : null,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "sug-funnel-h" },
      h("h2", { id: "sug-funnel-h" }, t("sug.funnel")),
      h("p", { class: "muted" }, t("sug.funnelNote")),
      funnelTable([funnel.all, ...funnel.byChannel, ...funnel.byMonth, ...funnel.byOpenDay], (c) => cohortName(c, byId)),
    ),
    who ? submitForm(ctx, proxy) : notice("info", t("sug.signIn"), " ", h("a", { href: "#/account?next=suggestions", class: "button primary" }, t("nav.signIn"))),
    mine && !proxy
      ? h(
          "section",
          { "aria-labelledby": "sug-mine-h" },
          h("h2", { id: "sug-mine-h" }, t("sug.mine")),
          mine.items.length === 0 ? h("p", { class: "muted" }, t("sug.mineNone")) : h("ul", { class: "cards", "data-testid": "sug-mine" }, mine.items.map((s) => suggestionCard(s, hideName(s, ctx)))),
        )
      : null,
    h(
      "section",
      { "aria-labelledby": "sug-list-h" },
      h("h2", { id: "sug-list-h" }, t("sug.list")),
      items.length === 0 ? h("p", { class: "muted" }, t("sug.none")) : h("ul", { class: "cards", "data-testid": "sug-list" }, items.map((s) => suggestionCard(s))),
    ),
  );
}

/** The author's own card: hide the name they chose to show. */
function hideName(s: Suggestion, ctx: PageContext): HTMLElement | null {
  if (s.shownName === null) return null;
  const result = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", "data-testid": "sug-hide-name" }, t("sug.hideName"));
  button.addEventListener("click", () => {
    button.disabled = true;
    void post(`/api/suggestions/${s.id}/hideName`, {}, ctx.signal)
      .then(() => ctx.rerender())
      .catch((err: unknown) => result.replaceChildren(notice("error", errorText(err))));
  });
  return h("div", { class: "actions" }, button, result);
}
