// The community office's desk (`#/workorders/office`, issue 14, staff only): every order, the overdue first
// (GET /api/workorders/overdue, then /all), filtered by status; dispatch an order waiting for it (a new one the
// routing table could not place, or one a party returned) or reassign one; escalate an overdue one to the street
// office; record the on-site check of a fix; how many were returned and reopened; and who works for which party.
import { get, post } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { actionButton, choice, orderCard, partyName, PARTIES, STATUSES, type OrderPage, type Party, type WorkOrder } from "../lib/wo-orders.js";

/** Every page of a list of orders (up to `max`). */
async function pages(path: string, signal: AbortSignal, max = 1000): Promise<WorkOrder[]> {
  const items: WorkOrder[] = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await get<OrderPage>(`${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, signal);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

function statusFilter(): string {
  const value = new URLSearchParams(window.location.hash.split("?")[1] ?? "").get("status") ?? "";
  return (STATUSES as readonly string[]).includes(value) ? value : "";
}

function actionsFor(o: WorkOrder, result: HTMLElement, done: () => void): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (o.status === "received" || o.status === "dispatched") {
    const others = PARTIES.filter((p) => p !== o.party);
    const to = choice(others, "woOffice.party", "wo-dispatch-party");
    out.push(h("div", { class: "inline-form wo-dispatch" }, field(t("woOffice.dispatchTo"), to), actionButton(o, "dispatch", t("woOffice.act.dispatch"), () => ({ party: to.value }), result, done, o.status === "received")));
  }
  if (o.clocks.overdue && !o.escalated) out.push(actionButton(o, "escalate", t("woOffice.act.escalate"), () => ({}), result, done));
  if (o.status === "resolved" && o.onSiteCheck && !o.checkedOnSite) {
    out.push(actionButton(o, "checkOnSite", t("woOffice.act.checkPass"), () => ({ passed: true }), result, done, true));
    out.push(actionButton(o, "checkOnSite", t("woOffice.act.checkFail"), () => ({ passed: false }), result, done));
  }
  return out;
}

function list(orders: WorkOrder[], testId: string, now: number, done: () => void): HTMLElement {
  if (orders.length === 0) return h("p", { class: "muted", "data-testid": `${testId}-empty` }, t("woOffice.none"));
  return h(
    "ul",
    { class: "plain-list cards wo-list", "data-testid": testId },
    orders.map((o) => {
      const result = h("div", { "aria-live": "polite", "data-testid": "wo-result" });
      return orderCard(o, now, actionsFor(o, result, done), result);
    }),
  );
}

/** Who works for which party: the list and the form that sets (or clears) an address's party. */
async function membersSection(ctx: PageContext): Promise<HTMLElement> {
  const { items } = await get<{ items: { member: string; party: Party }[] }>("/api/workorders/parties/members", ctx.signal);
  const address = h("input", { type: "text", autocomplete: "off", spellcheck: "false", class: "mono", "data-testid": "wo-member-address" }) as HTMLInputElement;
  const party = choice(PARTIES, "woOffice.party", "wo-member-party", [["", t("woOffice.memberNone")]]);
  party.value = "property";
  const result = h("div", { "aria-live": "polite", "data-testid": "wo-member-result" });
  const form = h(
    "form",
    { class: "inline-form wo-member-form", "data-testid": "wo-member-form", novalidate: true },
    field(t("woOffice.memberAddress"), address, t("woOffice.memberHint")),
    field(t("woOffice.memberParty"), party),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "wo-member-save" }, t("woOffice.memberSave"))),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const member = address.value.trim().toLowerCase();
    if (!/^0x[0-9a-f]{40}$/.test(member)) return void result.replaceChildren(notice("error", t("woOffice.memberBad")));
    void post("/api/workorders/parties/assign", { member, party: party.value || null })
      .then(() => ctx.rerender())
      .catch((err: unknown) => result.replaceChildren(notice("error", errorText(err))));
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": "wo-members-h" },
    h("h2", { id: "wo-members-h" }, t("woOffice.membersTitle")),
    h("p", {}, t("woOffice.membersIntro")),
    items.length === 0
      ? h("p", { class: "muted" }, t("woOffice.membersEmpty"))
      : h("ul", { class: "plain-list", "data-testid": "wo-members" }, items.map((m) => h("li", { "data-member": m.member }, h("span", { class: "mono break" }, m.member), " · ", partyName(m.party)))),
    form,
    result,
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("woOffice.title"));
  const who = signedIn();
  if (!who) return replace(root, title, notice("info", t("woOffice.signIn"), " ", h("a", { href: "#/account?next=workorders/office", class: "button primary" }, t("nav.signIn"))));
  if (!who.session.roles.includes("staff")) return replace(root, title, notice("warn", t("woOffice.onlyStaff")));
  const status = statusFilter();
  const [overdue, everything, members] = await Promise.all([
    pages("/api/workorders/overdue", ctx.signal),
    pages(`/api/workorders/all${status ? `?status=${status}` : ""}`, ctx.signal),
    membersSection(ctx),
  ]);
  // The overdue index leaves out orders already escalated (the sweep is done with them): they are still late.
  const late = new Map(overdue.map((o) => [o.id, o]));
  for (const o of everything) if (o.clocks.overdue && !late.has(o.id)) late.set(o.id, o);
  const shownOverdue = [...late.values()].filter((o) => !status || o.status === status).sort((a, b) => b.clocks.lateBy - a.clocks.lateBy);
  // The rest: waiting for dispatch first, then the newest.
  const rest = everything.filter((o) => !late.has(o.id)).sort((a, b) => Number(b.status === "received") - Number(a.status === "received") || b.receivedAt - a.receivedAt);
  const now = Math.floor(Date.now() / 1000);
  const done = () => ctx.rerender();
  const filter = choice(STATUSES, "woOffice.status", "wo-filter", [["", t("woOffice.filterAll")]]);
  filter.value = status;
  filter.addEventListener("change", () => {
    window.location.hash = filter.value ? `#/workorders/office?status=${filter.value}` : "#/workorders/office";
  });
  const count = (f: (o: WorkOrder) => boolean) => everything.filter(f).length;
  replace(
    root,
    title,
    h("p", { class: "lead" }, t("woOffice.intro")),
    h("p", {}, h("a", { href: "#/workorders/stats", "data-testid": "wo-stats-link" }, t("woOffice.statsLink"))),
    h("p", { class: "wo-summary", "data-testid": "wo-summary" }, t("woOffice.summary", { received: count((o) => o.status === "received"), returned: count((o) => o.returns > 0), reopened: count((o) => o.reopens > 0) })),
    h("div", { class: "wo-filter" }, field(t("woOffice.filter"), filter)),
    h("section", { class: "card", "aria-labelledby": "wo-overdue-h" }, h("h2", { id: "wo-overdue-h" }, t("woOffice.overdueTitle", { n: shownOverdue.length })), shownOverdue.length === 0 ? h("p", { class: "muted", "data-testid": "wo-overdue-none" }, t("woOffice.noOverdue")) : list(shownOverdue, "wo-overdue-list", now, done)),
    h("section", { class: "card", "aria-labelledby": "wo-all-h" }, h("h2", { id: "wo-all-h" }, t("woOffice.allTitle", { n: rest.length })), list(rest, "wo-all-list", now, done)),
    members,
  );
}
