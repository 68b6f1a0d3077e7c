// A partner's own desk (#/partners/desk, issue 16): a business or organisation signs in with its registered
// account (an address, like every account here). Without a partner yet it applies (public name, kind, contact
// person: the contact goes to the vault); while pending it waits for the office; once approved it adds and
// withdraws offers (what, to whom, when, which currencies), records goods and services given, sees its bookings,
// credits and pledges, and reads its own contact person (an audited read of its own data).
import { get } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { contactReader, contributionSections, partnerFields } from "../lib/ptn-view.js";
import { AUDIENCES, checks, code, CURRENCIES, DAYS, minuteOf, OFFER_KINDS, offerCard, offerTitle, partnerName, pick, send, type Contributions } from "../lib/ptn.js";
import { signedIn } from "../lib/session.js";

function applyForm(ctx: PageContext): HTMLElement {
  const { fields, body } = partnerFields(false);
  const result = h("div", { "aria-live": "polite", "data-testid": "ptn-apply-result" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "ptn-apply" }, t("ptn.apply"));
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "ptn-apply-h" }, h("h2", { id: "ptn-apply-h" }, t("ptn.applyTitle")), h("p", { class: "muted" }, t("ptn.applyText")), ...fields, h("div", { class: "actions" }, button), result);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const b = body();
    if (typeof b === "string") return void result.replaceChildren(notice("error", b));
    send("/api/partners/apply", b, result, ctx, button);
  });
  return form;
}

function offerForm(id: string, ctx: PageContext): HTMLElement {
  const kind = pick(OFFER_KINDS, (c) => code("offerKind", c), "offer-kind");
  const title = h("input", { maxlength: 60, required: true, "data-testid": "offer-title" });
  const titleEn = h("input", { maxlength: 60, required: true, "data-testid": "offer-title-en" });
  const audiences = checks(t("ptn.f.audiences"), AUDIENCES, (c) => code("audience", c), ["allResidents"], "offer-audiences");
  const accepts = checks(t("ptn.f.accepts"), CURRENCIES, (c) => code("currency", c), [], "offer-accepts");
  const days = checks(t("ptn.f.days"), DAYS, (d) => code("day", d), [], "offer-days");
  const from = h("input", { type: "time", value: "09:00", "data-testid": "offer-from" });
  const to = h("input", { type: "time", value: "18:00", "data-testid": "offer-to" });
  const capacity = h("input", { type: "number", min: 1, max: 1000, inputmode: "numeric", "data-testid": "offer-capacity" });
  const percent = h("input", { type: "number", min: 1, max: 100, inputmode: "numeric", "data-testid": "offer-percent" });
  const result = h("div", { "aria-live": "polite", "data-testid": "offer-result" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "offer-add" }, t("ptn.addOffer"));
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "ptn-offer-h", "data-testid": "offer-form" },
    h("h2", { id: "ptn-offer-h" }, t("ptn.newOffer")),
    field(t("ptn.f.offerKind"), kind),
    field(t("ptn.f.title"), title),
    field(t("ptn.f.titleEn"), titleEn),
    audiences.element,
    accepts.element,
    days.element,
    field(t("ptn.f.from"), from, t("ptn.book.chinaTime")),
    field(t("ptn.f.to"), to),
    field(t("ptn.f.capacity"), capacity),
    field(t("ptn.f.percent"), percent),
    h("div", { class: "actions" }, button),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const a = minuteOf(from.value);
    const b = minuteOf(to.value);
    if (!title.value.trim() || !titleEn.value.trim()) return void result.replaceChildren(notice("error", t("ptn.f.fillAll")));
    if (audiences.values().length === 0) return void result.replaceChildren(notice("error", t("ptn.f.pickAudience")));
    const picked = days.values().map(Number);
    if (picked.length > 0 && (a === null || b === null || a >= b)) return void result.replaceChildren(notice("error", t("ptn.f.hoursBad")));
    send(
      `/api/partners/${id}/addOffer`,
      {
        kind: kind.value,
        title: title.value.trim(),
        titleEn: titleEn.value.trim(),
        audiences: audiences.values(),
        accepts: accepts.values(),
        hours: picked.map((day) => ({ day, from: a, to: b })),
        ...(capacity.value ? { capacity: Number(capacity.value) } : {}),
        ...(percent.value ? { discountPercent: Number(percent.value) } : {}),
      },
      result,
      ctx,
      button,
    );
  });
  return form;
}

function givenForm(c: Contributions, ctx: PageContext): HTMLElement | null {
  const offers = c.partner.offers.filter((o) => o.kind !== "space");
  if (offers.length === 0) return null;
  const offer = h("select", { "data-testid": "given-offer" }, ...offers.map((o) => h("option", { value: o.offerId }, offerTitle(o))));
  const quantity = h("input", { type: "number", min: 1, value: 1, inputmode: "numeric", "data-testid": "given-quantity" });
  const value = h("input", { inputmode: "decimal", value: "0", "data-testid": "given-value" });
  const date = h("input", { type: "date", value: new Date().toISOString().slice(0, 10), "data-testid": "given-date" });
  const result = h("div", { "aria-live": "polite", "data-testid": "given-result" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "given-send" }, t("ptn.recordGiven"));
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "ptn-givenf-h" }, h("h2", { id: "ptn-givenf-h" }, t("ptn.givenTitle")), field(t("ptn.col.offer"), offer), field(t("ptn.col.quantity"), quantity), field(t("ptn.f.valueYuan"), value), field(t("ptn.col.date"), date), h("div", { class: "actions" }, button), result);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const yuan = Number(value.value);
    const on = Math.min(Math.floor(Date.parse(`${date.value}T00:00:00+08:00`) / 1000), Math.floor(Date.now() / 1000) - 60);
    if (!Number.isFinite(yuan) || yuan < 0 || !Number.isFinite(on)) return void result.replaceChildren(notice("error", t("ptn.f.fillAll")));
    send(`/api/partners/${c.partner.id}/recordGiven`, { offerId: offer.value, quantity: Number(quantity.value) || 1, valueFen: Math.round(yuan * 100), on }, result, ctx, button);
  });
  return form;
}

/** Pledging to a micro-renewal project in funding, through the renewal fund's API (the partner's id as pledger). */
async function pledgeForm(c: Contributions, ctx: PageContext): Promise<HTMLElement | null> {
  const open = await get<{ items: { id: string; title: string; status: string }[] }>("/api/renewal/list?status=funding&limit=100", ctx.signal).catch(() => null);
  if (!open) return null;
  if (open.items.length === 0) return h("p", { class: "muted", "data-testid": "pledge-none" }, t("ptn.pledgeNone"));
  const project = h("select", { "data-testid": "pledge-project" }, ...open.items.map((p) => h("option", { value: p.id }, p.title)));
  const amount = h("input", { inputmode: "decimal", "data-testid": "pledge-yuan" });
  const result = h("div", { "aria-live": "polite", "data-testid": "pledge-result" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "pledge-send" }, t("ptn.pledge"));
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "ptn-pledge-h" }, h("h2", { id: "ptn-pledge-h" }, t("ptn.pledgeTitle")), field(t("ptn.col.project"), project), field(t("ptn.f.pledgeYuan"), amount), h("div", { class: "actions" }, button), result);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const fen = Math.round(Number(amount.value) * 100);
    if (!Number.isSafeInteger(fen) || fen <= 0) return void result.replaceChildren(notice("error", t("ptn.f.fillAll")));
    send(`/api/renewal/${project.value}/pledge`, { amountFen: fen, partnerId: c.partner.id }, result, ctx, button);
  });
  return form;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("ptn.deskTitle"));
  if (!signedIn()) return replace(root, title, h("p", { class: "lead" }, t("ptn.deskLead")), notice("info", t("ptn.deskSignIn"), " ", h("a", { href: "#/account?next=partners/desk", class: "button primary" }, t("nav.signIn"))));
  const { contributions: c } = await get<{ contributions: Contributions | null }>("/api/partners/mine", ctx.signal);
  if (!c) return replace(root, title, h("p", { class: "lead" }, t("ptn.deskLead")), applyForm(ctx));
  if (c.partner.status !== "approved") {
    return replace(root, title, h("h2", {}, partnerName(c.partner)), notice(c.partner.status === "pending" ? "info" : "warn", t(c.partner.status === "pending" ? "ptn.pending" : "ptn.rejected")), contactReader(c.partner.id, ctx));
  }
  const offers = c.partner.offers.map((o) => {
    if (o.withdrawn) return offerCard(o);
    const result = h("div", { "aria-live": "polite" });
    const b = h("button", { type: "button", "data-testid": "offer-withdraw" }, t("ptn.withdraw"));
    b.addEventListener("click", () => send(`/api/partners/${c.partner.id}/withdrawOffer`, { offerId: o.offerId }, result, ctx, b));
    return offerCard(o, h("div", {}, h("div", { class: "actions" }, b), result));
  });
  replace(
    root,
    title,
    h("h2", { "data-testid": "ptn-desk-name" }, partnerName(c.partner)),
    h("p", {}, h("a", { href: `#/partners/${c.partner.id}`, class: "button" }, t("ptn.publicPage"))),
    h("section", { "aria-labelledby": "ptn-my-offers-h" }, h("h2", { id: "ptn-my-offers-h" }, t("ptn.offers")), offers.length === 0 ? h("p", { class: "muted" }, t("ptn.noOffers")) : h("ul", { class: "cards", "data-testid": "ptn-offers" }, offers)),
    offerForm(c.partner.id, ctx),
    givenForm(c, ctx),
    await pledgeForm(c, ctx),
    ...contributionSections(c),
    contactReader(c.partner.id, ctx),
  );
}
