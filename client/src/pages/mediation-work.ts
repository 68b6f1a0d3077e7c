// The mediator's workspace of one case (#/mediation/{id}/work, issue 15; the case's mediator and community staff):
// the facts and what the parties wrote; schedule a session and record whether it took place and who came; record
// the signed agreement (its scan uploaded as a document, then named by its hash, with who signed and the deadline
// to perform it) and the joint application for judicial confirmation within its 30 days; extend the time limit
// with a reason; escalate a level with a reason; invite the judicial office, the police or a lawyer (三所联动);
// close with an outcome, an anonymised summary and the terms (they feed the similar cases); the follow-up visit
// (回访) once due; and the closed cases most like this one. Every step is the server's to refuse, in its words.
import { ApiError, get } from "../lib/api.js";
import { field, h, notice, replace, type Child } from "../lib/dom.js";
import { fileInput } from "../lib/file-input.js";
import { dateTime } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import { agreementView, caseTexts, factsView, inviteForm, sessionsView, writtenView } from "../lib/med-case.js";
import {
  actionForm,
  BASE,
  casePeople,
  categoryName,
  choice,
  command,
  ESCALATION_REASONS,
  EXTENSION_REASONS,
  FOLLOW_UP_RESULTS,
  levelName,
  outcomeName,
  secondsOf,
  SESSION_PLACES,
  statusBadge,
  stepsView,
  type Dispute,
  type DisputeWithHistory,
} from "../lib/mediation.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";

/** A closed case like this one (GET …/{id}/similar): anonymised, with its outcome and the terms agreed. */
type Similar = { id: string; category: string; level: string; outcome: string; closedAt: number; summary: string; terms: string | null; score?: number };

const textArea = (testId: string, rows = 3) => h("textarea", { rows, maxlength: 2000, "data-testid": testId }) as HTMLTextAreaElement;
const optional = (text: HTMLTextAreaElement) => (text.value.trim() ? { text: text.value.trim() } : {});
const dateInput = (testId: string, type: "datetime-local" | "date" = "datetime-local") => h("input", { type, "data-testid": testId }) as HTMLInputElement;

/** Ticks for the people of the case (by their part in it): who attended, who signed. */
function peopleBoxes(d: Dispute, legend: string, name: string, partiesOnly: boolean): HTMLFieldSetElement {
  return h(
    "fieldset",
    { class: "choices med-people", "data-testid": `med-${name}` },
    h("legend", {}, legend),
    casePeople(d)
      .filter((p) => !partiesOnly || p.party)
      .map((p) => h("label", { class: "choice" }, h("input", { type: "checkbox", name, value: p.person, checked: true, "data-testid": `med-${name}-${p.person}` }), p.part)),
  ) as HTMLFieldSetElement;
}
const ticked = (box: HTMLElement) => [...box.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value);

async function similarView(id: string, signal: AbortSignal): Promise<HTMLElement> {
  let items: Similar[] = [];
  let failed = false;
  try {
    items = (await get<{ items: Similar[] }>(`${BASE}/${encodeURIComponent(id)}/similar?k=5`, signal)).items;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    failed = true;
  }
  return h(
    "section",
    { class: "card", "aria-labelledby": "med-similar-h" },
    h("h2", { id: "med-similar-h" }, t("med.similar.title")),
    h("p", { class: "muted" }, t("med.similar.note")),
    failed
      ? h("p", { class: "muted" }, t("med.similar.unavailable"))
      : items.length === 0
        ? h("p", { class: "muted", "data-testid": "med-similar-none" }, t("med.similar.none"))
        : h(
            "ol",
            { class: "plain-list cards", "data-testid": "med-similar" },
            items.map((s) =>
              h(
                "li",
                { class: "card-row", "data-similar": s.id, "data-outcome": s.outcome },
                h("p", {}, h("strong", {}, categoryName(s.category)), ` · ${levelName(s.level)} · ${outcomeName(s.outcome)} · ${dateTime(s.closedAt)}`),
                h("p", {}, s.summary),
                s.terms ? h("p", { class: "muted" }, `${t("med.similar.terms")}${s.terms}`) : null,
              ),
            ),
          ),
  );
}

const open = (d: Dispute) => d.status === "awaitingAnswer" || d.status === "mediating";

function actions(d: Dispute, ctx: PageContext): Child[] {
  const id = d.id;
  const send = (name: string, body: Record<string, unknown>) => () => command(id, name, body, ctx.signal);
  const out: Child[] = [];
  if (d.status === "mediating") {
    // Schedule the next session.
    const at = dateInput("med-session-at");
    const place = choice(SESSION_PLACES, "med.place", "med-session-place");
    out.push(
      actionForm("med-schedule", t("med.work.schedule"), null, [field(t("med.work.sessionAt"), at), field(t("med.work.sessionPlace"), place)], t("med.work.scheduleSubmit"), () => {
        const when = secondsOf(at);
        if (when === undefined) return Promise.reject(new Error(t("med.work.pickTime")));
        return send("scheduleSession", { at: when, place: place.value })();
      }, ctx),
    );
    // Record each planned session: held (and who came) or not.
    for (const s of d.sessions.filter((x) => x.held === null)) {
      const attendees = peopleBoxes(d, t("med.work.attendees"), `attendee-${s.session}`, false);
      const held = h("select", { "data-testid": `med-held-${s.session}` }, h("option", { value: "yes" }, t("med.work.heldYes")), h("option", { value: "no" }, t("med.work.heldNo"))) as HTMLSelectElement;
      const form = actionForm(`med-record-${s.session}`, t("med.work.record", { n: s.session, when: dateTime(s.at) }), null, [field(t("med.work.held"), held), attendees], t("med.work.recordSubmit"), () => {
        const yes = held.value === "yes";
        return send("recordSession", { session: s.session, held: yes, attendees: yes ? ticked(attendees) : [] })();
      }, ctx);
      form.dataset.session = String(s.session);
      out.push(form);
    }
    // The agreement: its signed scan first (a document of class mediation-agreement), then the record naming it.
    if (!d.agreement || d.confirmation === "none" || d.confirmation === "refused") {
      const scan = fileInput({ accept: "application/pdf,image/*", testId: "med-agreement-scan" });
      const signed = peopleBoxes(d, t("med.work.signedBy"), "signed", true);
      const performBy = dateInput("med-perform-by", "date");
      out.push(
        actionForm("med-agreement-form", t("med.work.agreement"), h("p", {}, t("med.work.agreementLead")), [field(t("med.work.scan"), scan, t("med.work.scanHint")), signed, field(t("med.work.performBy"), performBy)], t("med.work.agreementSubmit"), async () => {
          const file = scan.files?.[0];
          if (!file) throw new Error(t("med.work.pickScan"));
          const by = secondsOf(performBy);
          if (by === undefined) throw new Error(t("med.work.pickPerformBy"));
          const { uploadDocument } = await import("../lib/upload-document.js");
          const { hash } = await uploadDocument("mediation-agreement", file, ctx.signal);
          // The end of the day chosen: the terms are kept "by" that date.
          return command(id, "recordAgreement", { document: hash, signedBy: ticked(signed), performBy: by + 86_399 }, ctx.signal);
        }, ctx),
      );
    }
  }
  if (d.agreement && d.confirmation === "none") {
    out.push(actionForm("med-apply", t("med.work.apply"), h("p", {}, t("med.work.applyLead", { when: dateTime(d.agreement.confirmationDueAt) })), null, t("med.work.applySubmit"), send("applyConfirmation", {}), ctx));
  }
  if (d.confirmation === "applied" && signedIn()?.session.roles.includes("staff")) {
    const confirmed = h("select", { "data-testid": "med-confirmed" }, h("option", { value: "yes" }, t("med.work.confirmedYes")), h("option", { value: "no" }, t("med.work.confirmedNo"))) as HTMLSelectElement;
    out.push(actionForm("med-decide", t("med.work.decide"), null, field(t("med.work.decision"), confirmed), t("med.work.decideSubmit"), () => send("decideConfirmation", { confirmed: confirmed.value === "yes" })(), ctx));
  }
  if (d.status === "mediating") {
    const outcome = choice(d.agreement ? ["resolved", "partlyResolved", "failed"] : ["failed"], "med.outcome", "med-close-outcome");
    const summary = textArea("med-close-summary", 4);
    const terms = textArea("med-close-terms", 3);
    out.push(
      actionForm("med-close", t("med.work.close"), h("p", {}, t("med.work.closeLead")), [field(t("med.work.outcome"), outcome), field(t("med.work.summary"), summary, t("med.work.summaryHint")), field(t("med.work.terms"), terms, t("med.work.termsHint"))], t("med.work.closeSubmit"), () => {
        const body: Record<string, unknown> = { outcome: outcome.value, summary: summary.value.trim() };
        if (terms.value.trim()) body.terms = terms.value.trim();
        return send("close", body)();
      }, ctx),
    );
  }
  if (d.status === "closed" && d.followUpDueAt !== null && d.followUp === null) {
    const result = choice(FOLLOW_UP_RESULTS, "med.followUp", "med-follow-up-result");
    const text = textArea("med-follow-up-text");
    out.push(
      actionForm("med-follow-up-form", t("med.work.followUp"), h("p", {}, t("med.work.followUpLead", { when: dateTime(d.followUpDueAt) })), [field(t("med.work.followUpResult"), result), field(t("med.work.note"), text)], t("med.work.followUpSubmit"), () => send("followUp", { result: result.value, ...optional(text) })(), ctx),
    );
  }
  if (open(d)) {
    const days = h("input", { type: "number", min: 1, max: 60, value: 15, inputmode: "numeric", "data-testid": "med-extend-days" }) as HTMLInputElement;
    const reason = choice(EXTENSION_REASONS, "med.reason", "med-extend-reason");
    const text = textArea("med-extend-text");
    out.push(
      actionForm("med-extend", t("med.work.extend"), h("p", {}, t("med.work.extendLead", { when: dateTime(d.dueAt) })), [field(t("med.work.days"), days), field(t("med.work.reason"), reason), field(t("med.work.note"), text)], t("med.work.extendSubmit"), () => send("extend", { days: Number(days.value), reason: reason.value, ...optional(text) })(), ctx),
    );
    const why = choice(ESCALATION_REASONS.filter((r) => r !== "silence"), "med.reason", "med-escalate-reason");
    const note = textArea("med-escalate-text");
    out.push(
      actionForm("med-escalate", t("med.work.escalate"), h("p", {}, t("med.work.escalateLead", { level: levelName(d.level) })), [field(t("med.work.reason"), why), field(t("med.work.note"), note)], t("med.work.escalateSubmit"), () => send("escalate", { reason: why.value, ...optional(note) })(), ctx),
    );
  }
  return out;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const id = ctx.params.id!;
  const title = h("h1", {}, t("med.work.title"));
  const who = signedIn();
  if (!who) return replace(root, title, notice("info", t("med.signInToWork"), " ", h("a", { href: `#/account?next=mediation/${id}/work`, class: "button primary" }, t("med.signIn"))));
  const staff = who.session.roles.includes("staff");
  const path = `${BASE}/${encodeURIComponent(id)}`;
  const [d, written, similar] = await Promise.all([
    get<DisputeWithHistory>(`${path}?limit=200`, ctx.signal),
    caseTexts(id, ctx.signal),
    similarView(id, ctx.signal),
  ]);
  const acts = d.yourRoles.includes("mediator") || d.yourRoles.includes("office");
  replace(
    root,
    h("p", {}, h("a", { href: "#/mediation/cases" }, `← ${t("med.work.back")}`), " · ", h("a", { href: `#/mediation/${id}` }, t("med.work.partiesView"))),
    h("h1", { "data-testid": "med-title" }, t("med.work.titleOf", { category: categoryName(d.category) }), " ", statusBadge(d)),
    // An invited judicial officer, police officer or lawyer reads the case; its mediator and the office act on it.
    acts ? null : notice("info", t("med.work.readOnly")),
    h(
      "div",
      { class: "med-work" },
      h("div", { class: "med-work-main" }, factsView(d), writtenView(written), sessionsView(d), agreementView(d, ctx.signal), acts ? actions(d, ctx) : null, acts && open(d) ? inviteForm(d, ctx, staff ? "service.arrangement" : "mediation") : null),
      h("div", { class: "med-work-side" }, similar),
    ),
    stepsView(d.history),
  );
}
