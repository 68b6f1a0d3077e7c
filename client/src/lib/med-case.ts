// One dispute's parts as both the parties' page and the mediator's workspace show them (issue 15): the facts
// (category, level, stage, deadlines, mediator, who was invited), what the parties wrote (read from the vault by
// the server, for the parties, the mediator and staff only), the sessions, and the agreement with its signed scan,
// the judicial confirmation and the follow-up visit.
import { ApiError, get } from "./api.js";
import { field, h, type Child } from "./dom.js";
import { documentItem } from "./documents.js";
import { dateTime } from "./format.js";
import { t } from "./i18n.js";
import { label } from "./labels.js";
import { actionForm, BASE, casePeople, categoryName, choice, command, deadlineText, levelName, outcomeName, ROLES, roleName, type Dispute } from "./mediation.js";
import type { PageContext } from "./page.js";
import { personSearch } from "./person-search.js";

/** What was written on a case (GET …/{id}/texts): each text with the field it fills and who wrote it. */
export type Written = { items: { event: string; field: string; at: number; mine: boolean; text: string | null }[] };

/** The texts the signed-in viewer may read, or none when they may read none. */
export async function caseTexts(id: string, signal: AbortSignal): Promise<Written> {
  try {
    return await get<Written>(`${BASE}/${encodeURIComponent(id)}/texts`, signal);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) return { items: [] };
    throw err;
  }
}

const fact = (name: string, value: Child, testId?: string) => [h("dt", {}, name), h("dd", { "data-testid": testId }, value)];

export function factsView(d: Dispute): HTMLElement {
  const up = d.escalations.map((e) => t(e.bySilence ? "med.case.upBySilence" : "med.case.up", { from: levelName(e.from), to: levelName(e.to), when: dateTime(e.at) }));
  return h(
    "section",
    { class: "card", "aria-labelledby": "med-facts-h" },
    h("h2", { id: "med-facts-h" }, t("med.case.facts")),
    h(
      "dl",
      { class: "facts" },
      fact(t("med.col.category"), categoryName(d.category), "med-category"),
      fact(t("med.col.level"), levelName(d.level), "med-level"),
      up.length ? fact(t("med.case.escalations"), h("ul", { class: "plain-list" }, up.map((u) => h("li", {}, u))), "med-escalations") : null,
      fact(t("med.case.filed"), dateTime(d.filedAt)),
      fact(t("med.case.answer"), d.answer ? t(d.answer.accepts ? "med.case.answerYes" : "med.case.answerNo", { when: dateTime(d.answer.at) }) : t("med.case.answerNone", { when: dateTime(d.answerDueAt) }), "med-answer-fact"),
      fact(t("med.col.deadline"), deadlineText(d), "med-deadline"),
      d.extensions > 0 ? fact(t("med.case.extensions"), t("med.case.extended", { n: d.extensions }), "med-extensions") : null,
      fact(t("med.case.mediator"), d.mediator ? t(d.mediator.source === "talentPool" ? "med.case.mediatorPool" : "med.case.mediatorPeoples") : t("med.case.noMediator"), "med-mediator"),
      d.participants.length ? fact(t("med.case.invited"), d.participants.map((p) => roleName(p.role)).join(t("names.and")), "med-invited") : null,
      d.outcome ? fact(t("med.case.outcome"), outcomeName(d.outcome), "med-outcome") : null,
      d.reopens > 0 ? fact(t("med.case.reopens"), String(d.reopens)) : null,
    ),
  );
}

export function writtenView(w: Written): HTMLElement | null {
  if (w.items.length === 0) return null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "med-written-h" },
    h("h2", { id: "med-written-h" }, t("med.case.written")),
    h("p", { class: "muted" }, t("med.case.writtenNote")),
    h(
      "ul",
      { class: "plain-list wo-texts", "data-testid": "med-written" },
      w.items.map((i) =>
        h(
          "li",
          { "data-event": i.event, "data-field": i.field },
          h("span", { class: "muted" }, `${label("med.text", i.field)}${i.mine ? ` · ${t("med.text.mine")}` : ""} · ${dateTime(i.at)}`),
          h("p", { class: "wo-text" }, i.text ?? h("em", { class: "muted" }, t("med.text.erased"))),
        ),
      ),
    ),
  );
}

/** The sessions: when and where, whether each took place and who came (by their part in the case). */
export function sessionsView(d: Dispute): HTMLElement | null {
  if (d.sessions.length === 0) return null;
  const parts = new Map(casePeople(d).map((p) => [p.person, p.part]));
  return h(
    "section",
    { class: "card", "aria-labelledby": "med-sessions-h" },
    h("h2", { id: "med-sessions-h" }, t("med.case.sessions")),
    h(
      "ol",
      { class: "plain-list med-sessions", "data-testid": "med-sessions" },
      d.sessions.map((s) =>
        h(
          "li",
          { "data-session": s.session, "data-held": s.held === null ? "" : String(s.held) },
          h("strong", {}, t("med.case.session", { n: s.session })),
          " ",
          `${dateTime(s.at)} · ${label("med.place", s.place)} · `,
          s.held === null ? t("med.case.sessionPlanned") : s.held ? t("med.case.sessionHeld", { who: s.attendees.map((a) => parts.get(a) ?? t("med.part.other")).join(t("names.and")) || "—" }) : t("med.case.sessionMissed"),
        ),
      ),
    ),
  );
}

/** The agreement: when, the deadline to perform it, the judicial confirmation and the follow-up, and its signed scan. */
export function agreementView(d: Dispute, signal: AbortSignal): HTMLElement | null {
  const a = d.agreement;
  if (!a) return null;
  const confirmation =
    d.confirmation === "none" ? t("med.case.confirmNone", { when: dateTime(a.confirmationDueAt) }) : label("med.confirmation", d.confirmation);
  const followUp = d.followUp ? t("med.case.followUpDone", { result: label("med.followUp", d.followUp.result), when: dateTime(d.followUp.at) }) : d.followUpDueAt ? t("med.case.followUpDue", { when: dateTime(d.followUpDueAt) }) : null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "med-agreement-h", "data-testid": "med-agreement" },
    h("h2", { id: "med-agreement-h" }, t("med.case.agreement")),
    h(
      "dl",
      { class: "facts" },
      fact(t("med.case.agreedAt"), dateTime(a.at)),
      fact(t("med.case.signedBy"), t("med.case.signedByN", { n: a.signedBy.length })),
      fact(t("med.case.performBy"), dateTime(a.performBy), "med-perform-by"),
      fact(t("med.case.confirmation"), confirmation, "med-confirmation"),
      followUp ? fact(t("med.case.followUp"), followUp, "med-follow-up") : null,
    ),
    // Sealed (names and signatures): served to the case's readers by the service, checked here against its hash.
    h("ul", { class: "plain-list doc-list" }, documentItem(t("med.case.signedScan"), a.document, signal, `${BASE}/${encodeURIComponent(d.id)}/agreement`)),
  );
}

/** 三所联动: someone of the judicial office, the police station or a law firm, found by name, into the case. */
export function inviteForm(d: Dispute, ctx: PageContext, purpose: string): HTMLElement {
  const role = choice(ROLES, "med.role", "med-invite-role");
  const who = personSearch(
    { search: t("med.work.invitePerson"), hint: t("med.work.invitePersonHint"), noneChosen: t("medOffice.noneChosen"), chosen: t("medOffice.chosen"), noMatch: t("medOffice.noMatch") },
    "med-invite-person",
    purpose,
    ctx.signal,
  );
  return actionForm("med-invite", t("med.work.invite"), h("p", {}, t("med.work.inviteLead")), [field(t("med.work.inviteRole"), role), who.element], t("med.work.inviteSubmit"), () => {
    const person = who.value();
    if (!person) return Promise.reject(new Error(t("medOffice.pickPerson")));
    return command(d.id, "invite", { role: role.value, person: person.personId }, ctx.signal);
  }, ctx);
}
