// 代录纸质问卷 (#/surveys/paper, issue 16): community staff enter a household's paper form for a resident, under the
// authorisation recorded for them (ProxyAuthorizations, scope "services"); the household's turnout is marked as
// entered by staff (代录), the answers go into the ballot box like any other. Staff only.
import { get, post } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { answerForm, type Survey } from "../lib/svy.js";

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  if (!who?.session.roles.includes("staff")) return replace(root, h("h1", {}, t("svy.paperTitle")), notice("info", t("svy.staffOnly")));
  const estate = Number(new URLSearchParams(location.hash.split("?")[1] ?? "").get("estate") ?? 1) || 1;
  const { items } = await get<{ items: Survey[] }>(`/api/surveys?estateId=${estate}`, ctx.signal);
  const open = items.filter((s) => s.status === "open");
  if (open.length === 0) return replace(root, h("h1", {}, t("svy.paperTitle")), h("p", { class: "muted", "data-testid": "svy-none" }, t("svy.noneOpen")));
  const survey = open[0]!;
  const resident = h("input", { autocomplete: "off", maxlength: 100, "data-testid": "svy-resident" });
  const authorisation = h("input", { inputmode: "numeric", maxlength: 20, "data-testid": "svy-authorisation" });
  const unit = h("input", { type: "number", min: 1, inputmode: "numeric", "data-testid": "svy-unit" });
  const form = answerForm(survey, "paper");
  const result = h("div", { "aria-live": "polite", "data-testid": "svy-result" });
  const button = h("button", { type: "submit", class: "primary svy-send", "data-testid": "svy-send" }, t("svy.paperSend"));
  const el = h(
    "form",
    { novalidate: true, "data-testid": "svy-paper-form", "aria-labelledby": "svy-paper-h" },
    h("section", { class: "card" }, h("h2", { id: "svy-paper-h" }, t("svy.quarterSurvey", { quarter: survey.quarter })), field(t("svy.resident"), resident, t("svy.residentHint")), field(t("svy.authorisation"), authorisation, t("svy.authorisationHint")), field(t("svy.unitOptional"), unit)),
    form.el,
    h("div", { class: "actions" }, button),
    result,
  );
  el.addEventListener("submit", (e) => {
    e.preventDefault();
    const answers = form.answers();
    if (!resident.value.trim() || !authorisation.value.trim()) return void result.replaceChildren(notice("error", t("svy.paperNeedsWho")));
    if (!answers) return void result.replaceChildren(notice("error", t("svy.answerAll")));
    button.disabled = true;
    const body = { answers, onBehalfOf: resident.value.trim(), authorisation: authorisation.value.trim(), ...(unit.value ? { unitId: Number(unit.value) } : {}) };
    void post<{ unitId: number; channel: string }>(`/api/surveys/${survey.id}/answer`, body, ctx.signal)
      .then((answer) => {
        button.disabled = false;
        result.replaceChildren(notice("ok", h("span", { class: "badge proxy-mark", "data-testid": "svy-proxy-mark" }, t("svy.proxyMark")), " ", t("svy.paperDone", { unit: answer.unitId })));
        el.querySelectorAll<HTMLInputElement>("input[type=radio]").forEach((i) => (i.checked = false));
      })
      .catch((err: unknown) => {
        button.disabled = false;
        result.replaceChildren(notice("error", errorText(err)));
      });
  });
  replace(root, h("h1", {}, t("svy.paperTitle")), h("p", { class: "lead" }, t("svy.paperLead")), el);
}
