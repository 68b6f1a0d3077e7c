// One dispute (#/mediation/{id}, issue 15) as its parties see it: its category, level (and each step up), stage, the
// deadline that matters now (the answer's, then the time limit and its extensions), the mediator and who else was
// invited, what each side wrote, the sessions, the agreement with its signed scan (checked in this browser against
// the hash on record), the judicial confirmation and the follow-up visit; then every step with the receipt of its
// record. The other side answers here (takes part, or declines); the claimant may withdraw; a party may reopen a
// closed case. Staff do these for a resident under a written authorisation, opening it as `?for=<address>` from
// the staff desk: the step is then marked "由社区工作者 X 代为办理" everywhere.
import { get } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import { flatPicker } from "../lib/flat-picker.js";
import { loadNames, nameOf } from "../lib/names.js";
import { agreementView, caseTexts, factsView, sessionsView, writtenView } from "../lib/med-case.js";
import { actionForm, BASE, categoryName, choice, command, REOPEN_REASONS, respondentPeople, statusBadge, stepsView, type DisputeWithHistory } from "../lib/mediation.js";
import type { PageContext } from "../lib/page.js";
import { authorisationsOf, scopeText, statusText, type ProxyAuthorization } from "../lib/proxy.js";
import { signedIn } from "../lib/session.js";

/** `?for=0x…` of the location hash: the resident staff act for. */
function forResident(): string | undefined {
  const q = location.hash.indexOf("?");
  const value = q < 0 ? null : new URLSearchParams(location.hash.slice(q + 1)).get("for");
  return value && /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : undefined;
}

const textArea = (testId: string) => h("textarea", { rows: 3, maxlength: 2000, "data-testid": testId }) as HTMLTextAreaElement;

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const id = ctx.params.id!;
  const who = signedIn();
  const staff = who?.session.roles.includes("staff") ?? false;
  const resident = staff ? forResident() : undefined;
  const path = `${BASE}/${encodeURIComponent(id)}`;
  const [d, written, authorisations, persons] = await Promise.all([
    get<DisputeWithHistory>(`${path}?limit=200`, ctx.signal),
    who ? caseTexts(id, ctx.signal) : Promise.resolve({ items: [] }),
    resident ? authorisationsOf(resident, ctx.signal) : Promise.resolve([] as ProxyAuthorization[]),
    resident ? get<{ persons: string[] }>(`/api/directory/persons/${resident}`, ctx.signal).then((r) => r.persons) : Promise.resolve([] as string[]),
  ]);
  if (resident) await loadNames([resident], ctx.signal);
  const roles = d.yourRoles;
  // Staff acting for a resident act as that resident's side of the case (the directory's person ids say which).
  const you = resident
    ? { claimant: persons.includes(d.claimant), respondent: respondentPeople(d).some((p) => persons.includes(p)) }
    : { claimant: roles.includes("claimant"), respondent: roles.includes("respondent") };
  // Staff acting for a resident: the resident's authorisation goes with every step.
  const active = authorisations.filter((a) => a.status === "active" && a.scopes.includes("services"));
  const auth = h("select", { "data-testid": "med-auth" }, active.map((a) => h("option", { value: a.id }, `${t("proxy.number", { id: a.id })} · ${scopeText(a)} · ${statusText(a)}`))) as HTMLSelectElement;
  const proxied = (body: Record<string, unknown>) => (resident ? { ...body, onBehalfOf: resident, authorisation: auth.value } : body);
  const open = d.status === "awaitingAnswer" || d.status === "mediating";

  const forms: HTMLElement[] = [];
  if (you.respondent && d.answer === null && open) {
    const side = textArea("med-answer-text");
    const take = h(
      "fieldset",
      { class: "choices" },
      h("legend", {}, t("med.answer.take")),
      h("label", { class: "choice" }, h("input", { type: "radio", name: "accepts", value: "yes", checked: true, "data-testid": "med-answer-yes" }), t("med.answer.yes")),
      h("label", { class: "choice" }, h("input", { type: "radio", name: "accepts", value: "no", "data-testid": "med-answer-no" }), t("med.answer.no")),
    );
    forms.push(
      actionForm("med-answer", t("med.answer.title"), h("p", {}, t("med.answer.lead", { when: dateTime(d.answerDueAt) })), [take, field(t("med.answer.side"), side, t("med.answer.sideHint"))], t("med.answer.submit"), () => {
        const text = side.value.trim();
        return command(id, "respond", proxied({ accepts: take.querySelector<HTMLInputElement>("input:checked")?.value !== "no", ...(text ? { text } : {}) }), ctx.signal);
      }, ctx),
    );
  }
  if (you.claimant && open) {
    forms.push(actionForm("med-withdraw", t("med.withdraw.title"), h("p", {}, t("med.withdraw.lead")), null, t("med.withdraw.submit"), () => command(id, "withdraw", proxied({}), ctx.signal), ctx));
  }
  if ((you.claimant || you.respondent) && d.status === "closed" && d.outcome !== "escalated" && d.confirmation !== "confirmed") {
    const reason = choice(REOPEN_REASONS, "med.reason", "med-reopen-reason");
    const text = textArea("med-reopen-text");
    forms.push(
      actionForm("med-reopen", t("med.reopen.title"), h("p", {}, t("med.reopen.lead")), [field(t("med.reopen.reason"), reason), field(t("med.reopen.text"), text)], t("med.reopen.submit"), () => {
        const note = text.value.trim();
        return command(id, "reopen", proxied({ reason: reason.value, ...(note ? { text: note } : {}) }), ctx.signal);
      }, ctx),
    );
  }

  // Staff find the resident they act for by their flat: the page then shows that resident's steps to take.
  const actFor =
    staff && !resident
      ? h(
          "section",
          { class: "card", "aria-labelledby": "med-act-for-h", "data-testid": "med-act-for" },
          h("h2", { id: "med-act-for-h" }, t("med.case.actFor")),
          h("p", {}, t("med.case.actForLead")),
          flatPicker(
            { legend: t("med.case.actForFlat"), search: t("med.case.actForSearch"), hint: t("med.new.otherHint"), noneChosen: t("med.new.otherNone"), chosen: t("med.new.otherChosen"), noMatch: t("med.new.otherNoMatch"), refused: "" },
            "med-act-for-flat",
            undefined,
            ctx.signal,
            (flat) => (window.location.hash = `#/mediation/${encodeURIComponent(id)}?for=${flat.holder}`),
          ).element,
        )
      : null;
  replace(
    root,
    h("p", {}, h("a", { href: "#/mediation" }, `← ${t("med.back")}`)),
    h("h1", { "data-testid": "med-title" }, categoryName(d.category), " ", statusBadge(d)),
    resident ? notice("warn", h("strong", {}, t("med.case.forResident", { who: nameOf(resident) ?? t("med.new.theResident") })), " ", t("med.case.forResidentLead")) : null,
    resident && !you.claimant && !you.respondent ? notice("error", t("med.case.notAParty")) : null,
    resident && forms.length > 0 ? (active.length ? h("div", { class: "card" }, field(t("med.new.authorisation"), auth)) : notice("error", t("med.new.noAuthorisation"))) : null,
    you.respondent && d.answer === null && open ? notice("warn", t("med.case.youMustAnswer", { when: dateTime(d.answerDueAt) })) : null,
    roles.includes("mediator") || staff ? h("p", {}, h("a", { href: `#/mediation/${d.id}/work`, class: "button", "data-testid": "med-to-work" }, t("med.case.toWork"))) : null,
    factsView(d),
    forms,
    writtenView(written),
    sessionsView(d),
    agreementView(d, ctx.signal),
    stepsView(d.history),
    actFor,
  );
}
