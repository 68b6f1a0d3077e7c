// The office's pet desk (#/pets/office, issue 17, staff and grid workers): reports to check, confirmed (the
// violation's points deducted, once) or dismissed with a reason; appeals to decide, upheld or not, with a reason
// (staff); red codes whose owner completed the education course (staff record it, points come back). A report's
// place is read from the vault to arrange the check; its photo is sealed (staff open it from the document store).
import { ApiError, get } from "../lib/api.js";
import { h, notice, replace } from "../lib/dom.js";
import { calendarDate } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import { buildingName } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { APPEAL_DECISIONS, code, colourBadge, DISMISS_REASONS, type Colour, send } from "../lib/pet.js";
import { signedIn } from "../lib/session.js";

type Pending = { petId: string; reportId: string; violation: string; at: number; species: string; breed: string; buildingId: number; colour: Colour; points: number; photo: string | null; place: string | null };
type Appeal = { petId: string; reportId: string; violation: string; deducted: number; at: number; reason: string | null; proxy: boolean };
type Red = { petId: string; species: string; breed: string; buildingId: number; points: number; courses: number };
type Office = { reports: Pending[]; appeals: Appeal[]; red: Red[] };

const select = (codes: readonly string[], group: string, testId: string) => h("select", { "data-testid": testId }, codes.map((c) => h("option", { value: c }, code(group, c)))) as HTMLSelectElement;

function reportCard(r: Pending, ctx: PageContext): HTMLElement {
  const result = h("div", { "aria-live": "polite" });
  const confirm = h("button", { type: "button", class: "primary", "data-testid": "pet-confirm" }, t("pet.confirm"));
  confirm.addEventListener("click", () => send(`/api/pets/${r.petId}/confirmReport`, { reportId: r.reportId }, result, ctx, confirm));
  const reason = select(DISMISS_REASONS, "dismiss", "pet-dismiss-reason");
  const dismiss = h("button", { type: "button", "data-testid": "pet-dismiss" }, t("pet.dismiss"));
  dismiss.addEventListener("click", () => send(`/api/pets/${r.petId}/dismissReport`, { reportId: r.reportId, reason: reason.value }, result, ctx, dismiss));
  return h(
    "li",
    { class: "card", "data-pet": r.petId, "data-report": r.reportId },
    h("h3", {}, code("violation", r.violation), " ", colourBadge(r.colour)),
    h("p", {}, `${calendarDate(r.at)} · ${buildingName(r.buildingId)} · ${code("species", r.species)} · ${r.breed}`),
    h("p", {}, t("pet.placeIs"), " ", h("span", { "data-testid": "pet-office-place" }, r.place ?? t("pet.noPlace")), " · ", r.photo ? h("a", { href: `/api/documents/${r.photo}`, target: "_blank", rel: "noopener" }, t("pet.photoAttached")) : t("pet.noPhoto")),
    h("p", { class: "muted" }, t("pet.deductWould", { n: r.points })),
    h("div", { class: "actions" }, confirm),
    h("label", {}, t("pet.dismissReason"), " ", reason),
    h("div", { class: "actions" }, dismiss),
    result,
  );
}

function appealCard(a: Appeal, ctx: PageContext): HTMLElement {
  const result = h("div", { "aria-live": "polite" });
  const decision = select(APPEAL_DECISIONS, "decision", "pet-decision");
  const uphold = h("button", { type: "button", class: "primary", "data-testid": "pet-uphold" }, t("pet.uphold"));
  const reject = h("button", { type: "button", "data-testid": "pet-reject" }, t("pet.rejectAppeal"));
  uphold.addEventListener("click", () => send(`/api/pets/${a.petId}/decideAppeal`, { reportId: a.reportId, upheld: true, decision: decision.value }, result, ctx, uphold));
  reject.addEventListener("click", () => send(`/api/pets/${a.petId}/decideAppeal`, { reportId: a.reportId, upheld: false, decision: decision.value }, result, ctx, reject));
  return h(
    "li",
    { class: "card", "data-pet": a.petId, "data-report": a.reportId },
    h("h3", {}, code("violation", a.violation), " · ", t("pet.deducted", { n: a.deducted }), a.proxy ? h("span", { class: "badge warn" }, t("pet.byStaff")) : null),
    h("p", {}, calendarDate(a.at)),
    h("blockquote", { "data-testid": "pet-appeal-text" }, a.reason ?? t("pet.reasonErased")),
    h("label", {}, t("pet.decisionReason"), " ", decision),
    h("div", { class: "actions" }, uphold, reject),
    result,
  );
}

function redCard(r: Red, ctx: PageContext): HTMLElement {
  const result = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", "data-testid": "pet-course" }, t("pet.recordCourse"));
  button.addEventListener("click", () => send(`/api/pets/${r.petId}/recordCourse`, {}, result, ctx, button));
  return h("li", { class: "card", "data-pet": r.petId }, h("h3", {}, colourBadge("red"), " ", `${code("species", r.species)} · ${r.breed}`), h("p", {}, buildingName(r.buildingId), " · ", t("pet.coursesDone", { n: r.courses })), h("div", { class: "actions" }, button), result);
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("pet.officeTitle"));
  if (!signedIn()) return replace(root, title, notice("info", t("pet.staffOnly")));
  let office: Office;
  try {
    office = await get<Office>("/api/pets/office", ctx.signal);
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return replace(root, title, notice("info", t("pet.staffOnly")));
    throw err;
  }
  const isStaff = signedIn()?.session.roles.includes("staff") ?? false;
  replace(
    root,
    title,
    h("p", { class: "actions" }, h("a", { href: "#/pets/stats" }, t("pet.toStats"))),
    h("section", { "aria-labelledby": "pet-q-h" }, h("h2", { id: "pet-q-h" }, t("pet.queue"), " ", h("span", { class: "badge" }, String(office.reports.length))), office.reports.length === 0 ? h("p", { class: "muted" }, t("pet.queueEmpty")) : h("ul", { class: "cards", "data-testid": "pet-queue" }, office.reports.map((r) => reportCard(r, ctx)))),
    isStaff ? h("section", { "aria-labelledby": "pet-a-h" }, h("h2", { id: "pet-a-h" }, t("pet.appeals")), office.appeals.length === 0 ? h("p", { class: "muted" }, t("pet.appealsEmpty")) : h("ul", { class: "cards", "data-testid": "pet-appeals" }, office.appeals.map((a) => appealCard(a, ctx)))) : null,
    isStaff ? h("section", { "aria-labelledby": "pet-r-h" }, h("h2", { id: "pet-r-h" }, t("pet.redCodes")), office.red.length === 0 ? h("p", { class: "muted" }, t("pet.redEmpty")) : h("ul", { class: "cards", "data-testid": "pet-red" }, office.red.map((r) => redCard(r, ctx)))) : null,
  );
}
