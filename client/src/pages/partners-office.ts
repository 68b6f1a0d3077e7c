// The office's partners page (#/partners/office, issue 16, staff): applications to approve or reject with a
// reason; registering a partner directly (its account optional, its contact person kept in the vault); linking a
// partner to its on-chain time-bank partner address; and reading a contact person, each read an audited vault read
// for arranging the partner's offers.
import { get } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { code, partnerName, pick, REJECT_REASONS, send, type Partner } from "../lib/ptn.js";
import { signedIn } from "../lib/session.js";
import { contactReader, partnerFields } from "../lib/ptn-view.js";

function pendingCard(p: Partner, ctx: PageContext): HTMLElement {
  const result = h("div", { "aria-live": "polite" });
  const approve = h("button", { type: "button", class: "primary", "data-testid": "ptn-approve" }, t("ptn.approve"));
  approve.addEventListener("click", () => send(`/api/partners/${p.id}/approve`, {}, result, ctx, approve));
  const reason = pick(REJECT_REASONS, (c) => code("reject", c), "ptn-reject-reason");
  const reject = h("button", { type: "button", "data-testid": "ptn-reject" }, t("ptn.reject"));
  reject.addEventListener("click", () => send(`/api/partners/${p.id}/reject`, { reason: reason.value }, result, ctx, reject));
  return h("li", { class: "card", "data-partner": p.id }, h("h3", {}, partnerName(p), " ", h("span", { class: "badge" }, code("partnerKind", p.kind))), contactReader(p.id, ctx), h("div", { class: "actions" }, approve), field(t("ptn.rejectReason"), reason), h("div", { class: "actions" }, reject), result);
}

function partnerRow(p: Partner, ctx: PageContext): HTMLElement {
  const address = h("input", { maxlength: 42, class: "mono", spellcheck: "false", autocomplete: "off", value: p.timebankPartner ?? "", "data-testid": "ptn-link-address" });
  const result = h("div", { "aria-live": "polite" });
  const link = h("button", { type: "button", "data-testid": "ptn-link" }, t("ptn.link"));
  link.addEventListener("click", () => send(`/api/partners/${p.id}/linkTimebank`, { timebankPartner: address.value.trim().toLowerCase() }, result, ctx, link));
  return h(
    "li",
    { class: "card", "data-partner": p.id, "data-status": p.status },
    h("h3", {}, p.status === "approved" ? h("a", { href: `#/partners/${p.id}` }, partnerName(p)) : partnerName(p), " ", h("span", { class: "badge" }, code("status", p.status))),
    h("p", { class: "muted" }, p.selfRegistered ? t("ptn.selfRegistered") : t("ptn.officeRegistered")),
    p.status === "approved" ? [field(t("ptn.f.timebank"), address, t("ptn.f.timebankHint")), h("div", { class: "actions" }, link), result] : null,
    contactReader(p.id, ctx),
  );
}

function registerForm(ctx: PageContext): HTMLElement {
  const { fields, body } = partnerFields(true);
  const result = h("div", { "aria-live": "polite", "data-testid": "ptn-register-result" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "ptn-register" }, t("ptn.register"));
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "ptn-reg-h" }, h("h2", { id: "ptn-reg-h" }, t("ptn.registerTitle")), ...fields, h("div", { class: "actions" }, button), result);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const b = body();
    if (typeof b === "string") return void result.replaceChildren(notice("error", b));
    send("/api/partners/register", b, result, ctx, button);
  });
  return form;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("ptn.officeTitle"));
  if (!signedIn()?.session.roles.includes("staff")) return replace(root, title, notice("info", t("ptn.staffOnly")));
  const list = await get<{ pending: Partner[]; items: Partner[] }>("/api/partners/office?limit=100", ctx.signal);
  replace(
    root,
    title,
    h("p", {}, h("a", { href: "#/partners" }, t("ptn.back"))),
    h("section", { "aria-labelledby": "ptn-pending-h" }, h("h2", { id: "ptn-pending-h" }, t("ptn.applications")), list.pending.length === 0 ? h("p", { class: "muted", "data-testid": "ptn-no-pending" }, t("ptn.noApplications")) : h("ul", { class: "cards", "data-testid": "ptn-pending" }, list.pending.map((p) => pendingCard(p, ctx)))),
    registerForm(ctx),
    h("section", { "aria-labelledby": "ptn-all-h" }, h("h2", { id: "ptn-all-h" }, t("ptn.allPartners")), h("ul", { class: "cards", "data-testid": "ptn-all" }, list.items.map((p) => partnerRow(p, ctx)))),
  );
}
