// Dispute mediation (调解, issue 15) as its pages show it: the API's shapes, a case's category, level, stage and
// deadlines in words, its steps (filed, answered, sessions, agreement, follow-up, closed), each with the receipt of
// its record, and the forms the pages share. The public views carry codes, times and counts only; what people wrote
// is read from the vault by the server for the parties, the mediator and staff alone.
import { post } from "./api.js";
import { h, notice, replace, type Child } from "./dom.js";
import { errorText } from "./errors.js";
import { dateTime, span } from "./format.js";
import { label } from "./labels.js";
import { t } from "./i18n.js";
import { offchainReceiptButton } from "./offchain-receipt.js";
import type { PageContext } from "./page.js";
import { staffMark } from "./proxy.js";

// The codes, as server/src/services/mediation/records.ts names them.
export const CATEGORIES = ["noise", "parking", "leakBetweenFloors", "liftCostSharing", "propertyFees", "pets", "renovation", "neighbourConduct", "other"] as const;
export const LEVELS = ["building", "community", "street", "court"] as const;
export const OUTCOMES = ["resolved", "partlyResolved", "failed", "withdrawn", "escalated"] as const;
export const STATUSES = ["awaitingAnswer", "mediating", "closed"] as const;
export const ROLES = ["judicialOffice", "police", "lawyer"] as const;
export const ESCALATION_REASONS = ["silence", "declined", "failed", "complex", "partyRequest"] as const;
export const OVERRIDE_REASONS = ["partiesRequest", "language", "expertise", "availability", "conflictOfInterest", "other"] as const;
export const EXTENSION_REASONS = ["partiesRequest", "expertAssessment", "moreSessions", "partyUnavailable", "other"] as const;
export const REOPEN_REASONS = ["agreementNotKept", "newFacts", "partyRequest", "other"] as const;
export const SESSION_PLACES = ["mediationRoom", "online", "onSite", "other"] as const;
export const FOLLOW_UP_RESULTS = ["kept", "partlyKept", "notKept"] as const;
/** Languages and dialects (server/src/services/talent/skills.ts), the usual ones first. */
export const LANGUAGES = ["cmn", "wuu", "yue", "nan", "hak", "cjy", "sichuan", "dongbei", "eng"] as const;

export type Level = (typeof LEVELS)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type Role = (typeof ROLES)[number];

export type Place = { estateId: number; building?: number; unitId?: number };
export type Session = { session: number; at: number; place: string; held: boolean | null; attendees: string[] };
export type Agreement = { document: `0x${string}`; signedBy: string[]; performBy: number; at: number; confirmationDueAt: number };

export type Respondent = { person: string } | { unitId: number; people: string[] };

/** Where the service's routes live (its commands are `${BASE}/{command}` and `${BASE}/{id}/{command}`). */
export const BASE = "/api/mediation/disputes";

/** How the signed-in reader stands to a case. */
export type ViewerRole = "claimant" | "respondent" | "mediator" | "participant" | "office";

/** GET /api/mediation/disputes/{id}, and each item of the lists (server/src/services/mediation/queries.ts). */
export type Dispute = {
  id: string;
  category: string;
  name: { "zh-CN": string; en: string };
  status: "awaitingAnswer" | "mediating" | "closed";
  level: Level;
  outcome: Outcome | null;
  place: Place;
  /** Person ids (names come from the directory, for the purpose `mediation`). */
  claimant: string;
  respondent: Respondent;
  languages: string[];
  filedAt: number;
  answerDueAt: number;
  answer: { at: number; accepts: boolean } | null;
  /** The time limit (one month by default), moved on by extensions and reopenings. */
  dueAt: number;
  overdue: boolean;
  extensions: number;
  mediator: { person: string; source: "peoplesMediator" | "talentPool"; by: "matching" | "office" } | null;
  participants: { person: string; role: string }[];
  sessions: Session[];
  agreement: Agreement | null;
  confirmation: "none" | "applied" | "confirmed" | "refused";
  closedAt: number | null;
  followUpDueAt: number | null;
  followUp: { at: number; result: string } | null;
  escalations: { from: string; to: string; bySilence: boolean; at: number }[];
  reopens: number;
  yourRoles: ViewerRole[];
};

/** One step of a case (GET …/{id} answers them as `history`): its record's codes, times and person ids. */
export type Step = {
  version: number;
  event: string;
  at: number;
  recordId: number;
  by: "person" | "staffForResident" | "system";
  proxy: boolean;
  fields: Record<string, unknown>;
};

/** A case with its steps (GET /api/mediation/disputes/{id}). */
export type DisputeWithHistory = Dispute & { history: Step[]; nextFrom?: number };

export const categoryName = (code: string): string => label("med.category", code);
export const levelName = (code: string): string => label("med.level", code);
export const outcomeName = (code: string): string => label("med.outcome", code);
export const statusName = (code: string): string => label("med.status", code);
export const roleName = (code: string): string => label("med.role", code);
export const reasonName = (code: string): string => label("med.reason", code);

const now = () => Math.floor(Date.now() / 1000);

/** The status as a badge: closed in green (amber when partly, plain otherwise), awaiting an answer in amber, late in red. */
export function statusBadge(d: Dispute): HTMLElement {
  const late = d.overdue;
  const cls = d.status === "closed" ? (d.outcome === "resolved" ? "ok" : d.outcome === "partlyResolved" ? "warn" : "") : late ? "danger" : d.status === "awaitingAnswer" ? "warn" : "";
  const text = d.status === "closed" && d.outcome ? `${statusName("closed")} · ${outcomeName(d.outcome)}` : statusName(d.status);
  return h("span", { class: `badge ${cls}`, "data-testid": "med-status", "data-status": d.status }, text);
}

/** The deadline that matters now: the answer's while it is awaited, then the case's time limit; when it closed. */
export function deadlineText(d: Dispute): string {
  if (d.status === "closed") return t("med.closedAt", { when: dateTime(d.closedAt) });
  if (d.status === "awaitingAnswer") {
    return d.answerDueAt < now() ? t("med.answerLate", { late: span(now() - d.answerDueAt) }) : t("med.answerBy", { when: dateTime(d.answerDueAt) });
  }
  return d.overdue || d.dueAt < now() ? t("med.late", { late: span(now() - d.dueAt) }) : t("med.deadline", { when: dateTime(d.dueAt), left: span(d.dueAt - now()) });
}

/** A step in words: "第 1 次调解：已安排", "升级到街道（对方逾期未答复）", "期限延长 15 天（双方同意）". */
export function stepText(s: Step): string {
  const f = s.fields;
  const str = (k: string) => (typeof f[k] === "string" ? (f[k] as string) : "");
  const num = (k: string) => (typeof f[k] === "number" ? (f[k] as number) : 0);
  const reason = str("reason") ? reasonName(str("reason")) : "";
  switch (s.event) {
    case "answered":
      return t(f.accepts === false ? "med.step.declined" : "med.step.accepted");
    case "escalated":
      return t(f.bySilence ? "med.step.escalatedBySilence" : "med.step.escalated", { level: levelName(str("to")), reason });
    case "assigned":
      return f.by === "office" ? t("med.step.assignedByOffice", { reason: reason || "—" }) : t("med.step.assigned");
    case "invited":
      return t("med.step.invited", { role: roleName(str("role")) });
    case "sessionScheduled":
      return t("med.step.sessionScheduled", { n: num("session"), when: dateTime(num("at")), place: label("med.place", str("place")) });
    case "sessionHeld":
      return t(f.held === false ? "med.step.sessionMissed" : "med.step.sessionHeld", { n: num("session"), count: Array.isArray(f.attendees) ? f.attendees.length : 0 });
    case "extended":
      return t("med.step.extended", { days: num("days"), reason });
    case "confirmationDecided":
      return t(f.confirmed ? "med.step.confirmed" : "med.step.confirmationRefused");
    case "closed":
      return t("med.step.closed", { outcome: outcomeName(str("outcome")) });
    case "followedUp":
      return t("med.step.followedUp", { result: label("med.followUp", str("result")) });
    case "reopened":
      return t("med.step.reopened", { reason });
    default:
      return label("med.step", s.event);
  }
}

/** The case's steps, each with when, who acted for whom, and its receipt. */
export function stepsView(steps: Step[]): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-labelledby": "med-steps-h" },
    h("h2", { id: "med-steps-h" }, t("med.case.steps")),
    h("p", { class: "muted" }, t("med.case.stepsNote"), " ", h("a", { href: "#/verify" }, t("med.howToVerify"))),
    h(
      "ol",
      { class: "plain-list wo-steps", "data-testid": "med-steps" },
      steps.map((s) =>
        h(
          "li",
          { "data-event": s.event, "data-record": String(s.recordId) },
          h("strong", {}, stepText(s)),
          " ",
          h("span", { class: "muted" }, dateTime(s.at)),
          " ",
          // The step names no staff member or authorisation: the role says who acted.
          s.by === "staffForResident" ? staffMark(null, null) : null,
          s.by === "system" ? h("span", { class: "badge" }, t("med.bySystem")) : null,
          h("div", {}, offchainReceiptButton(s.recordId, { label: t("med.receipt"), saved: t("med.receiptSaved"), testId: "med-receipt" })),
        ),
      ),
    ),
  );
}

/**
 * A form of one action: its controls, one button, and the server's refusal in words right above the button;
 * `send` returns the request, after which the page is drawn again.
 */
export function actionForm(testId: string, title: string, lead: Child, controls: Child, buttonLabel: string, send: () => Promise<unknown>, ctx: PageContext): HTMLFormElement {
  const error = h("div", { "aria-live": "assertive" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": `${testId}-submit` }, buttonLabel) as HTMLButtonElement;
  const form = h("form", { class: "card med-action", "data-testid": testId, novalidate: true }, h("h2", {}, title), lead, controls, error, h("div", { class: "actions" }, button)) as HTMLFormElement;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    replace(error);
    button.disabled = true;
    send()
      .then(() => ctx.rerender())
      .catch((err: unknown) => {
        if ((err as Error).name !== "AbortError") replace(error, notice("error", errorText(err)));
      })
      .finally(() => (button.disabled = false));
  });
  return form;
}

/** POSTs `body` to the dispute's `command` (`/api/mediation/disputes/{id}/{command}`). */
export function command(id: string, name: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
  return post(`${BASE}/${encodeURIComponent(id)}/${name}`, body, signal);
}

/** The respondent's person ids: the person, or the people of the flat known at filing. */
export function respondentPeople(d: Pick<Dispute, "respondent">): string[] {
  const r = d.respondent;
  return !r ? [] : "person" in r ? [r.person] : r.people;
}

/** Everyone in the case by their part in it (person ids, never names: "申请人", "被申请人", "调解员", "司法所"). */
export function casePeople(d: Dispute): { person: string; part: string; party: boolean }[] {
  const respondents = respondentPeople(d);
  return [
    { person: d.claimant, part: t("med.part.claimant"), party: true },
    ...respondents.map((p, i) => ({ person: p, part: respondents.length > 1 ? t("med.part.respondentN", { n: i + 1 }) : t("med.part.respondent"), party: true })),
    ...(d.mediator ? [{ person: d.mediator.person, part: t("med.part.mediator"), party: false }] : []),
    ...d.participants.map((p) => ({ person: p.person, part: roleName(p.role), party: false })),
  ];
}

/** A select of `values` labelled by `prefix.<value>` texts. */
export function choice(values: readonly string[], prefix: string, testId: string, extra: [string, string][] = []): HTMLSelectElement {
  return h("select", { "data-testid": testId }, extra.map(([v, text]) => h("option", { value: v }, text)), values.map((v) => h("option", { value: v }, label(prefix, v))));
}

/** A date-and-time field's value as unix seconds (local time), or undefined when empty or unreadable. */
export function secondsOf(input: HTMLInputElement): number | undefined {
  if (!input.value) return undefined;
  const ms = new Date(input.value).getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}
