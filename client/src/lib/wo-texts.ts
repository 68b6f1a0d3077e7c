// What was written on a work order (GET /api/workorders/{id}/texts): the report's description, a duplicate's, a
// return's or a fix's note, for its writer, the order's party and staff only (the server reads each from the
// personal-data vault, logged). Never part of the public views; a viewer who may not read them sees nothing.
import { ApiError, get } from "./api.js";
import { h } from "./dom.js";
import { dateTime } from "./format.js";
import { t } from "./i18n.js";

export type TextItem = { version: number; event: "reported" | "joined" | "returned" | "resolved"; at: number; mine: boolean; text: string | null };

/** The texts the signed-in viewer may read, or [] when they may read none. */
export async function orderTexts(id: string, signal?: AbortSignal): Promise<TextItem[]> {
  try {
    return (await get<{ items: TextItem[] }>(`/api/workorders/${encodeURIComponent(id)}/texts`, signal)).items;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return [];
    throw err;
  }
}

/** The texts as a list, each with who wrote it (in words) and when; null when there are none. */
export function textsView(items: TextItem[]): HTMLElement | null {
  if (items.length === 0) return null;
  return h(
    "ul",
    { class: "plain-list wo-texts", "data-testid": "wo-texts" },
    items.map((i) =>
      h(
        "li",
        { "data-event": i.event },
        h("span", { class: "muted" }, `${t(`wo.text.${i.event}`)}${i.mine ? ` · ${t("wo.text.mine")}` : ""} · ${dateTime(i.at)}`),
        h("p", { class: "wo-text" }, i.text ?? h("em", { class: "muted" }, t("wo.text.erased"))),
      ),
    ),
  );
}

/** The optional text box of a form: at most 2000 characters (the server's limit), with a note on who reads it. */
export function textBox(testId: string, rows = 3): HTMLTextAreaElement {
  return h("textarea", { rows, maxlength: 2000, "data-testid": testId }) as HTMLTextAreaElement;
}
