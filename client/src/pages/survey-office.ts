// 满意度调查 · 办公室 (#/surveys/office, issue 16): the community office defines and schedules a quarter's survey
// (dimensions and weights), sees each survey's turnout (online and on paper), closes one early, and follows the
// improvement tasks: links each to a work order or a micro-renewal proposal and marks it done. Staff only.
import { get, post } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { calendarDate } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { dimensionName, statusName, type Survey, type Task } from "../lib/svy.js";
import { tasksTable } from "../lib/svy-tasks.js";
import { dataTable } from "../lib/table.js";

const DIMENSIONS = ["environment", "safety", "services", "facilities", "neighbourhood"];

const dayStart = (date: string) => Math.floor(new Date(`${date}T00:00:00+08:00`).getTime() / 1000);

function act(path: string, body: unknown, result: HTMLElement, ctx: PageContext): void {
  void post(path, body, ctx.signal)
    .then(() => ctx.rerender())
    .catch((err: unknown) => result.replaceChildren(notice("error", errorText(err))));
}

function defineForm(estate: number, ctx: PageContext): HTMLElement {
  const quarter = h("input", { maxlength: 6, placeholder: "2026Q4", "data-testid": "svy-quarter" });
  const opens = h("input", { type: "date", "data-testid": "svy-opens" });
  const closes = h("input", { type: "date", "data-testid": "svy-closes" });
  const rows = DIMENSIONS.map((code) => ({
    code,
    on: h("input", { type: "checkbox", checked: true, "data-testid": `svy-dim-${code}` }),
    weight: h("input", { type: "number", min: 1, max: 100, value: "1", inputmode: "numeric", "aria-label": t("svy.weightOf", { dim: dimensionName(code) }), "data-testid": `svy-weight-${code}` }),
  }));
  const result = h("div", { "aria-live": "polite", "data-testid": "svy-define-result" });
  const form = h(
    "form",
    { class: "card", novalidate: true, "data-testid": "svy-define", "aria-labelledby": "svy-define-h" },
    h("h2", { id: "svy-define-h" }, t("svy.define")),
    field(t("svy.quarter"), quarter),
    field(t("svy.opens"), opens),
    field(t("svy.closes"), closes),
    h("fieldset", {}, h("legend", {}, t("svy.dimensionsWeights")), rows.map((r) => h("div", { class: "svy-weight" }, h("label", {}, r.on, " ", dimensionName(r.code)), r.weight))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "svy-define-save" }, t("svy.defineSave"))),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!/^\d{4}Q[1-4]$/.test(quarter.value.trim()) || !opens.value || !closes.value) return void result.replaceChildren(notice("error", t("svy.defineFill")));
    const dimensions = rows.filter((r) => r.on.checked).map((r) => ({ code: r.code, weight: Number(r.weight.value) || 1 }));
    act("/api/surveys/define", { estateId: estate, quarter: quarter.value.trim(), opensAt: dayStart(opens.value), closesAt: dayStart(closes.value), dimensions }, result, ctx);
  });
  return form;
}

function taskActions(task: Task, ctx: PageContext): HTMLElement | string {
  if (task.status === "done") return "—";
  const result = h("div", { "aria-live": "polite" });
  const kind = h("select", { "aria-label": t("svy.task.kindLabel"), "data-testid": "svy-link-kind" }, h("option", { value: "workorder" }, t("svy.task.kind.workorder")), h("option", { value: "renewal" }, t("svy.task.kind.renewal")));
  const ref = h("input", { maxlength: 64, "aria-label": t("svy.task.refLabel"), "data-testid": "svy-link-ref" });
  const link = h("form", { class: "inline-form", novalidate: true, "data-testid": "svy-link-form" }, kind, ref, h("button", { type: "submit", "data-testid": "svy-link-save" }, t("svy.task.linkSave")));
  link.addEventListener("submit", (e) => {
    e.preventDefault();
    if (ref.value.trim()) act(`/api/surveys/tasks/${task.id}/link`, { kind: kind.value, ref: ref.value.trim() }, result, ctx);
  });
  const done = h("button", { type: "button", "data-testid": "svy-task-done" }, t("svy.task.markDone"));
  done.addEventListener("click", () => act(`/api/surveys/tasks/${task.id}/complete`, { doneOn: Math.floor(Date.now() / 1000) }, result, ctx));
  return h("div", {}, link, task.link ? done : null, result);
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  if (!signedIn()?.session.roles.includes("staff")) return replace(root, h("h1", {}, t("svy.officeTitle")), notice("info", t("svy.staffOnly")));
  const estate = Number(new URLSearchParams(location.hash.split("?")[1] ?? "").get("estate") ?? 1) || 1;
  const [{ items }, { items: tasks }] = await Promise.all([get<{ items: Survey[] }>(`/api/surveys?estateId=${estate}`, ctx.signal), get<{ items: Task[] }>(`/api/surveys/tasks?estateId=${estate}`, ctx.signal)]);
  const result = h("div", { "aria-live": "polite", "data-testid": "svy-office-result" });
  const closeButton = (s: Survey) => {
    if (s.status !== "open") return "—";
    const b = h("button", { type: "button", "data-testid": "svy-close" }, t("svy.closeNow"));
    b.addEventListener("click", () => act(`/api/surveys/${s.id}/close`, {}, result, ctx));
    return b;
  };
  replace(
    root,
    h("h1", {}, t("svy.officeTitle")),
    h("p", { class: "lead" }, t("svy.officeLead")),
    h("p", {}, h("a", { href: "#/surveys/paper" }, t("svy.paperTitle")), " · ", h("a", { href: "#/surveys/index" }, t("svy.seeIndex"))),
    h("section", { "aria-labelledby": "svy-list-h" }, h("h2", { id: "svy-list-h" }, t("svy.surveys")),
      items.length === 0
        ? h("p", { class: "muted" }, t("svy.noSurveys"))
        : dataTable<Survey>(
            [
              { label: t("svy.quarter"), cell: (s) => s.quarter },
              { label: t("svy.schedule"), cell: (s) => `${calendarDate(s.opensAt)} – ${calendarDate(s.closesAt)}` },
              { label: t("svy.statusCol"), cell: (s) => statusName(s.status) },
              { label: t("svy.turnout"), cell: (s) => t("svy.turnoutText", { n: s.participants, online: s.online, paper: s.paper }), num: true },
              { label: t("svy.ballots"), cell: (s) => String(s.ballots), num: true },
              { label: t("svy.task.actions"), cell: closeButton },
            ],
            [...items].reverse(),
            { rowHeader: true, attrs: { "data-testid": "svy-list" } },
          ),
      result,
    ),
    h("section", { "aria-labelledby": "svy-tasks-h" }, h("h2", { id: "svy-tasks-h" }, t("svy.task.title")), h("p", { class: "muted" }, t("svy.task.lead")), tasks.length === 0 ? h("p", { class: "muted" }, t("svy.task.none")) : tasksTable(tasks, (task) => taskActions(task, ctx))),
    defineForm(estate, ctx),
  );
}
