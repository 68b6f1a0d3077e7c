// Asking for mediation (#/mediation/new, issue 15): what the dispute is about (large tiles), the other party found
// by their flat (never an address to type), what happened and what the resident wants (both kept in the vault: the
// parties, the mediator and staff read them, nobody else). Staff filing for a resident who came to the office open
// it as `#/mediation/new?for=<address>` (from the staff desk): the filing is then a proxy action under one of the
// resident's written authorisations and is marked "由社区工作者 X 代为办理" everywhere. Refusals are the server's words.
import { actingFor } from "../lib/acting-for.js";
import { get, post } from "../lib/api.js";
import { clearFieldErrors, field, fieldError, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { flatPicker } from "../lib/flat-picker.js";
import { t } from "../lib/i18n.js";
import { label } from "../lib/labels.js";
import { BASE, CATEGORIES, categoryName, LANGUAGES } from "../lib/mediation.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";

const text = (testId: string, rows: number) => h("textarea", { rows, maxlength: 2000, "data-testid": testId }) as HTMLTextAreaElement;

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  if (!who) {
    replace(root, h("h1", {}, t("med.new.title")), notice("info", t("med.signInToFile"), " ", h("a", { href: "#/account?next=mediation/new", class: "button primary" }, t("med.signIn"))));
    return;
  }
  const proxy = await actingFor("med", ctx.signal);
  const resident = proxy?.resident;
  const applicant = (resident ?? who.address).toLowerCase();
  // The claimant is named by their person id in the directory (the one of this address, or of the resident).
  const { persons } = await get<{ persons: string[] }>(`/api/directory/persons/${applicant}`, ctx.signal);

  const categories = h(
    "fieldset",
    { class: "choices wo-tiles", "data-testid": "med-category", tabindex: -1, id: "med-category" },
    h("legend", {}, t("med.new.category")),
    CATEGORIES.map((c) => h("label", { class: "choice" }, h("input", { type: "radio", name: "category", value: c, "data-testid": `med-category-${c}` }), categoryName(c))),
  );
  const other = flatPicker(
    {
      legend: t("med.new.other"),
      search: t("med.new.otherSearch"),
      hint: t("med.new.otherHint"),
      noneChosen: t("med.new.otherNone"),
      chosen: t("med.new.otherChosen"),
      noMatch: t("med.new.otherNoMatch"),
      refused: t("med.new.otherSelf"),
    },
    "med-other",
    (flat) => flat.holder === applicant,
    ctx.signal,
  );
  // Languages or dialects to mediate in (matching prefers a mediator who speaks one); none: any.
  const languages = h(
    "fieldset",
    { class: "choices med-people", "data-testid": "med-languages" },
    h("legend", {}, t("med.new.languages")),
    LANGUAGES.map((l) => h("label", { class: "choice" }, h("input", { type: "checkbox", name: "language", value: l, "data-testid": `med-language-${l}` }), label("medOffice.language", l))),
  );
  const community = h("input", { type: "checkbox", "data-testid": "med-community" }) as HTMLInputElement;
  const facts = text("med-facts", 5);
  const wants = text("med-wants", 3);
  const submit = h("button", { type: "submit", class: "primary big-button", "data-testid": "med-submit" }, t("med.new.submit")) as HTMLButtonElement;
  const errorBox = h("div", { "aria-live": "assertive" });
  const result = h("div", { "aria-live": "polite", "data-testid": "med-result" });

  const form = h(
    "form",
    { class: "card", "data-testid": "med-form", novalidate: true },
    proxy?.element ?? null,
    persons.length === 0 ? notice("warn", t(resident ? "med.new.notRegisteredFor" : "med.new.notRegistered")) : null,
    categories,
    other.element,
    field(t("med.new.facts"), facts, t("med.new.factsHint")),
    field(t("med.new.wants"), wants, t("med.new.wantsHint")),
    languages,
    h("div", { class: "field" }, h("label", { class: "choice" }, community, t("med.new.community")), h("small", { class: "hint" }, t("med.new.communityHint"))),
    h("p", { class: "muted" }, t("med.new.private")),
    errorBox,
    h("div", { class: "actions" }, submit),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    replace(errorBox);
    const category = form.querySelector<HTMLInputElement>("input[name=category]:checked")?.value;
    if (!category) return fieldError(categories, t("med.new.pickCategory"), { focus: true });
    const flat = other.value();
    if (!flat) return fieldError(other.element, t("med.new.pickOther"), { focus: true });
    if (!facts.value.trim()) return fieldError(facts, t("med.new.needFacts"), { focus: true });
    if (!wants.value.trim()) return fieldError(wants, t("med.new.wantsNeeded"), { focus: true });
    const body: Record<string, unknown> = {
      category,
      claimant: persons[0] ?? "",
      // Where it is: the other side's flat (its building decides who may mediate without a conflict of interest).
      place: { estateId: flat.estateId, building: flat.buildingId, unitId: flat.unitId },
      level: community.checked ? "community" : "building",
      respondent: { unitId: flat.unitId },
      languages: [...languages.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value),
      account: facts.value.trim(),
      wish: wants.value.trim(),
    };
    if (proxy) Object.assign(body, proxy.fields());
    submit.disabled = true;
    void post<{ id: string }>(`${BASE}/file`, body, ctx.signal)
      .then((answer) => {
        replace(result, notice("ok", t("med.new.done"), " ", h("a", { href: `#/mediation/${answer.id}`, "data-testid": "med-created", "data-dispute": answer.id }, t("med.new.see"))));
        form.querySelectorAll<HTMLInputElement>("input[name=category]").forEach((i) => (i.checked = false));
        facts.value = "";
        wants.value = "";
        languages.querySelectorAll<HTMLInputElement>("input").forEach((i) => (i.checked = false));
        community.checked = false;
        other.clear();
      })
      .catch((err: unknown) => {
        if ((err as Error).name !== "AbortError") replace(errorBox, notice("error", errorText(err)));
      })
      .finally(() => (submit.disabled = false));
  });

  replace(
    root,
    h("p", {}, h("a", { href: "#/mediation" }, `← ${t("med.back")}`)),
    h("h1", {}, resident ? t("med.new.titleFor") : t("med.new.title")),
    h("p", { class: "lead" }, t("med.new.lead")),
    form,
  );
}
