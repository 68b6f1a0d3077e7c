// Asking for mediation (#/mediation/new, issue 15): what the dispute is about (large tiles), the other party found
// by their flat (never an address to type), what happened and what the resident wants (both kept in the vault: the
// parties, the mediator and staff read them, nobody else). Staff filing for a resident who came to the office open
// it as `#/mediation/new?for=<address>` (from the staff desk): the filing is then a proxy action under one of the
// resident's written authorisations and is marked "由社区工作者 X 代为办理" everywhere. Refusals are the server's words.
import { get, post } from "../lib/api.js";
import { clearFieldErrors, field, fieldError, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { flatPicker } from "../lib/flat-picker.js";
import { t } from "../lib/i18n.js";
import { loadNames, nameOf } from "../lib/names.js";
import { label } from "../lib/labels.js";
import { BASE, CATEGORIES, categoryName, LANGUAGES } from "../lib/mediation.js";
import type { PageContext } from "../lib/page.js";
import { authorisationsOf, scopeText, statusText } from "../lib/proxy.js";
import { signedIn } from "../lib/session.js";

/** `?for=0x…` of the location hash: the resident staff file for. */
function forResident(): string | undefined {
  const q = location.hash.indexOf("?");
  const value = q < 0 ? null : new URLSearchParams(location.hash.slice(q + 1)).get("for");
  return value && /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : undefined;
}

const text = (testId: string, rows: number) => h("textarea", { rows, maxlength: 2000, "data-testid": testId }) as HTMLTextAreaElement;

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  if (!who) {
    replace(root, h("h1", {}, t("med.new.title")), notice("info", t("med.signInToFile"), " ", h("a", { href: "#/account?next=mediation/new", class: "button primary" }, t("med.signIn"))));
    return;
  }
  const resident = who.session.roles.includes("staff") ? forResident() : undefined;
  const applicant = (resident ?? who.address).toLowerCase();
  const [authorisations, { persons }] = await Promise.all([
    resident ? authorisationsOf(resident, ctx.signal) : Promise.resolve([]),
    // The claimant is named by their person id in the directory (the one of this address, or of the resident).
    get<{ persons: string[] }>(`/api/directory/persons/${applicant}`, ctx.signal),
  ]);
  if (resident) await loadNames([resident], ctx.signal);
  const active = authorisations.filter((a) => a.status === "active" && a.scopes.includes("services"));

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
  const authSelect = h(
    "select",
    { "data-testid": "med-auth" },
    active.map((a) => h("option", { value: a.id }, `${t("proxy.number", { id: a.id })} · ${scopeText(a)} · ${statusText(a)}`)),
  ) as HTMLSelectElement;
  const submit = h("button", { type: "submit", class: "primary big-button", "data-testid": "med-submit" }, t("med.new.submit")) as HTMLButtonElement;
  const errorBox = h("div", { "aria-live": "assertive" });
  const result = h("div", { "aria-live": "polite", "data-testid": "med-result" });

  const form = h(
    "form",
    { class: "card", "data-testid": "med-form", novalidate: true },
    resident ? notice("warn", h("strong", {}, t("med.new.forResident", { who: nameOf(resident) ?? t("med.new.theResident") })), " ", t("med.new.forResidentLead")) : null,
    resident ? (active.length === 0 ? notice("error", t("med.new.noAuthorisation")) : field(t("med.new.authorisation"), authSelect)) : null,
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
    if (resident) Object.assign(body, { onBehalfOf: resident, authorisation: authSelect.value });
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
