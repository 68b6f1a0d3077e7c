// 开放日 (#/opendays and #/opendays/<id>, issue 15): the open days with their attendance (the head count and the
// registered) and, for one day, its suggestions and their funnel; a resident registers to attend; staff schedule a
// day and record its head count. Public.
import { get, post } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { dataTable } from "../lib/table.js";
import { allSuggestions, day, funnelTable, suggestionCard, type OpenDay } from "../lib/sug.js";

function post1(path: string, body: Record<string, unknown>, result: HTMLElement, ctx: PageContext): void {
  void post(path, body, ctx.signal)
    .then(() => ctx.rerender())
    .catch((err: unknown) => result.replaceChildren(notice("error", errorText(err))));
}

function scheduleForm(ctx: PageContext): HTMLElement {
  const date = h("input", { type: "date", "data-testid": "od-date" });
  const place = h("input", { maxlength: 80, "data-testid": "od-place" });
  const theme = h("input", { maxlength: 80, "data-testid": "od-theme" });
  const estate = h("input", { type: "number", min: 1, value: "1", inputmode: "numeric", "data-testid": "od-estate" });
  const result = h("div", { "aria-live": "polite", "data-testid": "od-result" });
  const form = h(
    "form",
    { class: "card", novalidate: true, "data-testid": "od-schedule", "aria-labelledby": "od-new-h" },
    h("h2", { id: "od-new-h" }, t("sug.od.schedule")),
    field(t("sug.od.date"), date),
    field(t("sug.od.place"), place),
    field(t("sug.od.theme"), theme),
    field(t("sug.od.estate"), estate),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "od-save" }, t("sug.od.save"))),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!date.value || !place.value.trim() || !theme.value.trim()) return void result.replaceChildren(notice("error", t("sug.od.fillAll")));
    const at = Math.floor(new Date(`${date.value}T09:00:00+08:00`).getTime() / 1000);
    post1("/api/opendays/schedule", { date: at, estateId: Number(estate.value) || 1, place: place.value.trim(), theme: theme.value.trim() }, result, ctx);
  });
  return form;
}

async function renderList(root: HTMLElement, ctx: PageContext): Promise<void> {
  const staff = signedIn()?.session.roles.includes("staff") ?? false;
  const { items } = await get<{ items: OpenDay[] }>("/api/opendays/list?limit=100", ctx.signal);
  replace(
    root,
    h("h1", {}, t("sug.openDays")),
    h("p", { class: "lead" }, t("sug.od.lead")),
    h("p", {}, h("a", { href: "#/suggestions" }, t("sug.backToSuggestions"))),
    items.length === 0
      ? h("p", { class: "muted", "data-testid": "od-none" }, t("sug.od.none"))
      : dataTable<OpenDay>(
          [
            { label: t("sug.od.date"), cell: (d) => h("a", { href: `#/opendays/${d.id}`, "data-testid": "od-link" }, day(d.date)) },
            { label: t("sug.od.theme"), cell: (d) => d.theme },
            { label: t("sug.od.place"), cell: (d) => d.place },
            { label: t("sug.od.attendance"), cell: (d) => (d.attendance === null ? "—" : String(d.attendance)), num: true },
            { label: t("sug.received"), cell: (d) => String(d.funnel.received), num: true },
          ],
          items,
          { rowHeader: true, attrs: { "data-testid": "od-list" } },
        ),
    staff ? scheduleForm(ctx) : null,
  );
}

async function renderDay(root: HTMLElement, ctx: PageContext, id: string): Promise<void> {
  const who = signedIn();
  const staff = who?.session.roles.includes("staff") ?? false;
  const [d, items] = await Promise.all([get<OpenDay>(`/api/opendays/${id}`, ctx.signal), allSuggestions(`/api/suggestions/list?openDay=${id}`, ctx.signal)]);
  const result = h("div", { "aria-live": "polite", "data-testid": "od-day-result" });
  const register = who ? h("button", { type: "button", "data-testid": "od-register" }, t("sug.od.register")) : null;
  register?.addEventListener("click", () => post1(`/api/opendays/${id}/register`, {}, result, ctx));
  const count = h("input", { type: "number", min: 0, inputmode: "numeric", value: d.attendance ?? "", "data-testid": "od-count" });
  const countForm = h("form", { class: "inline-form", novalidate: true, "data-testid": "od-count-form" }, field(t("sug.od.headCount"), count), h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "od-count-save" }, t("sug.od.saveCount"))));
  countForm.addEventListener("submit", (e) => {
    e.preventDefault();
    post1(`/api/opendays/${id}/recordAttendance`, { count: Number(count.value) || 0 }, result, ctx);
  });
  replace(
    root,
    h("h1", {}, `${t("sug.openDay")} · ${d.theme}`),
    h("p", {}, h("a", { href: "#/opendays" }, t("sug.openDays"))),
    h(
      "section",
      { class: "card", "data-testid": "od-facts" },
      h("p", {}, h("strong", {}, t("sug.od.date")), " ", day(d.date), " · ", h("strong", {}, t("sug.od.place")), " ", d.place),
      h("p", { "data-testid": "od-attendance" }, t("sug.od.attended", { count: d.attendance === null ? "—" : d.attendance, registered: d.registered })),
      register ? h("div", { class: "actions" }, register) : null,
      staff ? countForm : null,
      result,
    ),
    h("section", { class: "card", "aria-labelledby": "od-funnel-h" }, h("h2", { id: "od-funnel-h" }, t("sug.funnel")), h("p", { class: "muted" }, t("sug.funnelNote")), funnelTable([d.funnel], () => t("sug.od.thisDay"), "od-funnel")),
    h(
      "section",
      { "aria-labelledby": "od-sugs-h" },
      h("h2", { id: "od-sugs-h" }, t("sug.od.suggestions", { n: items.length })),
      items.length === 0 ? h("p", { class: "muted" }, t("sug.none")) : h("ul", { class: "cards", "data-testid": "od-suggestions" }, items.map((s) => suggestionCard(s))),
    ),
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const id = ctx.params.id;
  return id ? renderDay(root, ctx, id) : renderList(root, ctx);
}
