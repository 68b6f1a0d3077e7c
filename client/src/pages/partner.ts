// A partner's page (#/partners/<id>, issue 16, public): what it offers, and its contributions: bookings of its
// space (times only, never who booked), goods and services given, time-bank credits redeemed with it (read from
// the chain's read models, each with its record), pledges to micro-renewal projects, and a summary. A signed-in
// resident (or staff) books a free slot of its space here; the server refuses a taken or closed slot and says why.
import { get } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { minutes } from "../lib/format.js";
import type { PageContext } from "../lib/page.js";
import { chinaText, chinaUnix, code, offerCard, offerTitle, partnerName, send, type Contributions, type Offer } from "../lib/ptn.js";
import { contributionSections } from "../lib/ptn-view.js";
import { signedIn } from "../lib/session.js";

function bookingForm(id: string, spaces: Offer[], ctx: PageContext): HTMLElement {
  const offer = h("select", { "data-testid": "book-offer" }, ...spaces.map((o) => h("option", { value: o.offerId }, offerTitle(o))));
  const date = h("input", { type: "date", required: true, "data-testid": "book-date" });
  const time = h("input", { type: "time", required: true, step: 900, value: "10:00", "data-testid": "book-time" });
  const length = h("select", { "data-testid": "book-minutes" }, ...[30, 60, 90, 120, 180, 240].map((m) => h("option", { value: m, selected: m === 60 }, minutes(m))));
  const people = h("input", { type: "number", min: 1, max: 1000, value: 4, inputmode: "numeric", "data-testid": "book-people" });
  const result = h("div", { "aria-live": "polite", "data-testid": "book-result" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "book-send" }, t("ptn.book.send"));
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "ptn-book-h", "data-testid": "book-form" },
    h("h2", { id: "ptn-book-h" }, t("ptn.book.title")),
    h("p", { class: "muted" }, t("ptn.book.chinaTime")),
    field(t("ptn.book.offer"), offer),
    field(t("ptn.book.date"), date),
    field(t("ptn.book.time"), time),
    field(t("ptn.book.minutes"), length),
    field(t("ptn.book.people"), people),
    h("div", { class: "actions" }, button),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const start = chinaUnix(date.value, time.value);
    if (start === null) return void result.replaceChildren(notice("error", t("ptn.book.pickTime")));
    send(`/api/partners/${id}/book`, { offerId: offer.value, start, minutes: Number(length.value), people: Number(people.value) || 1 }, result, ctx, button, () => {
      result.replaceChildren(notice("ok", t("ptn.book.done", { when: chinaText(start) })));
      button.disabled = false;
      window.setTimeout(() => ctx.rerender(), 1200);
    });
  });
  return form;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const id = ctx.params.id!;
  const c = await get<Contributions>(`/api/partners/${id}`, ctx.signal);
  const active = c.partner.offers.filter((o) => !o.withdrawn);
  const spaces = active.filter((o) => o.kind === "space");
  const who = signedIn();
  replace(
    root,
    h("p", {}, h("a", { href: "#/partners" }, t("ptn.back"))),
    h("h1", { "data-testid": "ptn-name" }, partnerName(c.partner), " ", h("span", { class: "badge" }, code("partnerKind", c.partner.kind))),
    h("section", { "aria-labelledby": "ptn-offers-h" }, h("h2", { id: "ptn-offers-h" }, t("ptn.offers")), active.length === 0 ? h("p", { class: "muted" }, t("ptn.noOffers")) : h("ul", { class: "cards", "data-testid": "ptn-offers" }, active.map((o) => offerCard(o)))),
    spaces.length === 0 ? null : who ? bookingForm(id, spaces, ctx) : notice("info", t("ptn.book.signIn"), " ", h("a", { href: `#/account?next=partners/${id}`, class: "button primary" }, t("nav.signIn"))),
    ...contributionSections(c),
  );
}
