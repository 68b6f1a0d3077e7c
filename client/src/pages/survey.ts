// 满意度调查 (#/surveys, issue 16): the signed-in resident answers the open survey for each of their households,
// with five big buttons per question; a household answers once. Their answers are counted without their name
// (docs/surveys.md): the page says so, and after sending shows only that the household has answered.
import { get, post } from "../lib/api.js";
import { h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { calendarDate } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { answerForm, type Survey } from "../lib/svy.js";

type Mine = Survey & { households: { unitId: number; buildingId: number; answered: "online" | "paper" | null }[] };

function householdForm(survey: Mine, unitId: number, several: boolean, ctx: PageContext): HTMLElement {
  const form = answerForm(survey, `u${unitId}`);
  const result = h("div", { "aria-live": "polite", "data-testid": "svy-result" });
  const button = h("button", { type: "submit", class: "primary svy-send", "data-testid": "svy-send" }, t("svy.send"));
  const el = h(
    "form",
    { novalidate: true, "data-testid": `svy-form-${unitId}`, "aria-label": several ? t("svy.forFlat", { unit: unitId }) : t("svy.yourAnswers") },
    several ? h("h2", {}, t("svy.forFlat", { unit: unitId })) : null,
    form.el,
    h("div", { class: "actions" }, button),
    result,
  );
  el.addEventListener("submit", (e) => {
    e.preventDefault();
    const answers = form.answers();
    if (!answers) {
      result.replaceChildren(notice("error", t("svy.answerAll")));
      form.firstMissing()?.querySelector("input")?.focus();
      return;
    }
    button.disabled = true;
    void post(`/api/surveys/${survey.id}/answer`, { answers, unitId }, ctx.signal)
      .then(() => ctx.rerender())
      .catch((err: unknown) => {
        button.disabled = false;
        result.replaceChildren(notice("error", errorText(err)));
      });
  });
  return el;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const intro = [h("h1", {}, t("svy.title")), h("p", { class: "lead" }, t("svy.lead")), h("p", { class: "muted", "data-testid": "svy-anonymous" }, t("svy.anonymous"))];
  const links = h("p", {}, h("a", { href: "#/surveys/index" }, t("svy.seeIndex")));
  if (!signedIn()) return replace(root, ...intro, notice("info", t("svy.signInFirst"), " ", h("a", { href: "#/account" }, t("nav.signIn"))), links);
  const { items } = await get<{ items: Mine[] }>("/api/surveys/mine", ctx.signal);
  if (items.length === 0) return replace(root, ...intro, h("p", { class: "muted", "data-testid": "svy-none" }, t("svy.noneOpen")), links);
  replace(
    root,
    ...intro,
    items.map((survey) =>
      h(
        "section",
        { "data-testid": "svy-open", "aria-label": t("svy.quarterSurvey", { quarter: survey.quarter }) },
        h("p", { class: "card" }, h("strong", {}, t("svy.quarterSurvey", { quarter: survey.quarter })), " · ", t("svy.closesOn", { date: calendarDate(survey.closesAt) })),
        survey.households.map((home) =>
          home.answered
            ? notice("ok", h("span", { "data-testid": "svy-answered" }, t(home.answered === "paper" ? "svy.answeredPaper" : "svy.answeredOnline", { unit: home.unitId })))
            : householdForm(survey, home.unitId, survey.households.length > 1, ctx),
        ),
      ),
    ),
    links,
  );
}
