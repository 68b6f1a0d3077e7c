// The community office's routing table (issue 14): every work-order category with its party, deadlines, on-site
// check and duplicate window; staff edit one (POST /api/workorders/routing/set) or retire it, each change an
// anchored record naming who made it; and the Open311 client applications' keys, issued (the key shown once)
// and revoked. A refusal is the server's own message, next to the form.
import { ApiError, get, post } from "../lib/api.js";
import { clearFieldErrors, field, h, notice, replace } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { lang, t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { partyName, type Party } from "../lib/wo-orders.js";
import { span } from "../lib/workorders.js";
import { signedIn } from "../lib/session.js";

type Row = {
  code: string;
  name: { "zh-CN": string; en: string };
  group: string;
  party: string;
  minutes: number;
  urgentMinutes: number;
  onSiteCheck: boolean;
  duplicateWindowMinutes: number;
  retired: boolean;
  edited: boolean;
  changedAt: number | null;
  version: number;
};
type Table = { items: Row[]; parties: string[]; maxMinutes: number };
type Key = { keyId: string; app: string; status: "active" | "revoked"; issuedAt: number; revokedAt: number | null };

const message = (error: unknown) => (error instanceof ApiError ? error.message : t("woRouting.unreachable"));

function number(value: number, max: number, min = 1): HTMLInputElement {
  return h("input", { type: "number", inputmode: "numeric", min, max, step: 1, value, required: true }) as HTMLInputElement;
}

function editor(row: Row, table: Table, ctx: PageContext): HTMLElement {
  const party = h("select", { "data-testid": "wo-party" }, table.parties.map((p) => h("option", { value: p, selected: p === row.party }, partyName(p as Party)))) as HTMLSelectElement;
  const minutes = number(row.minutes, table.maxMinutes);
  const urgent = number(row.urgentMinutes, table.maxMinutes);
  const dupWindow = number(row.duplicateWindowMinutes, table.maxMinutes, 0);
  const check = h("input", { type: "checkbox", checked: row.onSiteCheck }) as HTMLInputElement;
  minutes.dataset.testid = "wo-minutes";
  urgent.dataset.testid = "wo-urgent";
  const status = h("div", { "aria-live": "polite", "data-testid": "wo-status" });
  const save = h("button", { type: "submit", class: "primary", "data-testid": "wo-save" }, t("woRouting.save"));
  const retire = h("button", { type: "button", "data-testid": "wo-retire" }, t("woRouting.retire"));
  const form = h(
    "form",
    { class: "stack", novalidate: true, "data-testid": "wo-editor" },
    field(t("woRouting.party"), party),
    field(t("woRouting.normal"), minutes, t("woRouting.minutesHint")),
    field(t("woRouting.urgent"), urgent),
    field(t("woRouting.window"), dupWindow),
    h("div", { class: "field" }, h("label", { class: "choice" }, check, h("span", {}, t("woRouting.onSite")))),
    status,
    h("div", { class: "actions" }, save, retire),
  );
  const send = async (path: string, body: unknown) => {
    clearFieldErrors(form);
    status.replaceChildren();
    save.disabled = retire.disabled = true;
    try {
      await post(path, body);
      ctx.rerender();
    } catch (error) {
      status.replaceChildren(notice("error", message(error)));
      save.disabled = retire.disabled = false;
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = {
      code: row.code,
      party: party.value,
      minutes: Number(minutes.value),
      urgentMinutes: Number(urgent.value),
      duplicateWindowMinutes: Number(dupWindow.value),
      onSiteCheck: check.checked,
      expectedVersion: row.version,
    };
    void send("/api/workorders/routing/set", body);
  });
  // Retiring cannot be undone: the first press asks, the second retires.
  retire.addEventListener("click", () => {
    if (retire.dataset.armed !== "1") {
      retire.dataset.armed = "1";
      retire.textContent = t("woRouting.retireConfirm", { name: row.name[lang()] });
      return;
    }
    void send("/api/workorders/routing/retire", { code: row.code, expectedVersion: row.version });
  });
  return form;
}

function category(row: Row, table: Table, ctx: PageContext): HTMLElement {
  const details = h("details", { "data-testid": "wo-edit" }, h("summary", {}, t("woRouting.edit")));
  details.addEventListener("toggle", () => {
    if (details.open && details.children.length === 1) details.append(editor(row, table, ctx));
  });
  return h(
    "li",
    { class: "card-row", "data-code": row.code, "data-testid": "wo-category" },
    h("p", {}, h("strong", {}, row.name[lang()]), " ", h("code", {}, row.code), row.retired ? [" ", h("span", { class: "badge warn" }, t("woRouting.retired"))] : null),
    h(
      "p",
      { "data-testid": "wo-line" },
      t("woRouting.line", { party: partyName(row.party as Party), normal: span(row.minutes * 60), urgent: span(row.urgentMinutes * 60) }),
      row.onSiteCheck ? ` · ${t("woRouting.onSite")}` : null,
    ),
    h("p", { class: "muted" }, row.edited && row.changedAt !== null ? t("woRouting.changed", { date: dateTime(row.changedAt) }) : t("woRouting.default")),
    row.retired ? null : details,
  );
}

function keys(list: Key[], ctx: PageContext): HTMLElement {
  const app = h("input", { type: "text", maxlength: 60, autocomplete: "off", "data-testid": "key-app" }) as HTMLInputElement;
  const out = h("div", { "aria-live": "polite", "data-testid": "key-result" });
  const form = h("form", { novalidate: true, "data-testid": "key-form" }, field(t("woRouting.app"), app, t("woRouting.appHint")), out, h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "key-issue" }, t("woRouting.issue"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    out.replaceChildren();
    void post<{ key: string }>("/api/open311/keys/issue", { app: app.value.trim() })
      .then((answer) => {
        // Shown this once: the page does not keep it, and the server holds only its hash.
        out.replaceChildren(notice("ok", t("woRouting.keyOnce"), h("p", {}, h("code", { class: "key", "data-testid": "key-value" }, answer.key))));
        app.value = "";
      })
      .catch((error) => out.replaceChildren(notice("error", message(error))));
  });
  const rows = list.map((k) => {
    const revoke = h("button", { type: "button", "data-testid": "key-revoke" }, t("woRouting.revoke"));
    revoke.addEventListener("click", () => {
      revoke.disabled = true;
      void post(`/api/open311/keys/${k.keyId}/revoke`, {}).then(() => ctx.rerender(), (error) => {
        revoke.disabled = false;
        revoke.after(notice("error", message(error)));
      });
    });
    return h(
      "li",
      { class: "card-row", "data-testid": "key-row", "data-state": k.status },
      h("p", {}, h("strong", {}, k.app), " ", h("code", {}, k.keyId)),
      h("p", {}, k.status === "active" ? t("woRouting.keyActive", { date: dateTime(k.issuedAt) }) : t("woRouting.keyRevoked", { date: dateTime(k.revokedAt) })),
      k.status === "active" ? h("div", { class: "actions" }, revoke) : null,
    );
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": "keys-h" },
    h("h2", { id: "keys-h" }, t("woRouting.keysTitle")),
    h("p", {}, t("woRouting.keysIntro")),
    form,
    rows.length ? h("ul", { class: "plain-list cards", "data-testid": "key-list" }, rows) : h("p", { class: "muted" }, t("woRouting.noKeys")),
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  if (!who || !who.session.roles.includes("staff")) {
    return replace(
      root,
      h("h1", {}, t("woRouting.title")),
      notice("warn", t("woRouting.staffOnly")),
      who ? null : h("p", {}, h("a", { href: "#/account?next=workorders/routing", class: "button primary" }, t("woRouting.signIn"))),
    );
  }
  const [table, list] = await Promise.all([get<Table>("/api/workorders/routing/table", ctx.signal), get<{ items: Key[] }>("/api/open311/keys", ctx.signal)]);
  replace(
    root,
    h("h1", {}, t("woRouting.title")),
    h("p", { class: "lead" }, t("woRouting.intro")),
    h(
      "section",
      { class: "card", "aria-labelledby": "cats-h" },
      h("h2", { id: "cats-h" }, t("woRouting.tableTitle", { n: table.items.filter((r) => !r.retired).length })),
      h("ul", { class: "plain-list cards", "data-testid": "wo-categories" }, table.items.map((row) => category(row, table, ctx))),
    ),
    keys(list.items, ctx),
  );
}
