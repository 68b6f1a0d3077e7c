// Improvement tasks (issue 16) as a table: the dimension, why it was opened, its score before and in the next
// survey (after), its link (a work order or a micro-renewal proposal) and progress. Shared by the office's page
// (with actions) and the public index.
import { h, type Child } from "./dom.js";
import { calendarDate } from "./format.js";
import { t, type TextKey } from "./i18n.js";
import { dimensionName, type Task } from "./svy.js";
import { dataTable } from "./table.js";

export function linkText(task: Task): Child {
  if (!task.link) return t("svy.task.noLink");
  const what = t(`svy.task.kind.${task.link.kind}` as TextKey);
  const target = task.link.kind === "workorder" ? h("a", { href: `#/workorders/${task.link.ref}` }, task.link.ref) : task.link.ref;
  return [what, " ", target, task.link.status ? ` (${task.link.status})` : task.link.validated ? "" : ` (${t("svy.task.notValidated")})`];
}

export function beforeAfter(task: Task): Child {
  const after = task.after ? `${task.after.quarter} ${task.after.mean.toFixed(1)}` : t("svy.task.afterPending");
  const change = task.after ? task.after.mean - task.before.mean : null;
  return h(
    "span",
    { "data-testid": "svy-before-after" },
    `${task.before.quarter} ${task.before.mean.toFixed(1)} → ${after}`,
    change === null ? null : h("strong", {}, ` (${change >= 0 ? "+" : ""}${change.toFixed(1)}; ${task.before.mean > 0 ? `${change >= 0 ? "+" : ""}${Math.round((change / task.before.mean) * 100)} %` : "—"})`),
  );
}

export function tasksTable(tasks: readonly Task[], actions?: (task: Task) => Child): HTMLElement {
  return dataTable<Task>(
    [
      { label: t("svy.task.dimension"), cell: (task) => dimensionName(task.dimension) },
      { label: t("svy.task.reason"), cell: (task) => t(`svy.task.reason.${task.reason}` as TextKey) },
      { label: t("svy.task.beforeAfter"), cell: beforeAfter },
      { label: t("svy.task.link"), cell: linkText },
      { label: t("svy.task.status"), cell: (task) => [t(`svy.task.status.${task.status}` as TextKey), task.doneOn ? ` ${calendarDate(task.doneOn)}` : ""] },
      ...(actions ? [{ label: t("svy.task.actions"), cell: actions }] : []),
    ],
    tasks,
    { rowHeader: true, caption: t("svy.task.caption"), attrs: { "data-testid": "svy-tasks" } },
  );
}
