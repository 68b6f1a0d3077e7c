// A partner's contributions as its public page and its desk show them (issue 16): the summary, bookings of its
// space (times only), goods and services given, time-bank credits redeemed with it (each with its record id),
// green points accepted before their ledger exists, and pledges to micro-renewal projects. And the forms the
// desk and the office share: a partner's name, kind and contact person; reading the contact (an audited read).
import { get } from "./api.js";
import { field, h, notice } from "./dom.js";
import { errorText } from "./errors.js";
import type { PageContext } from "./page.js";
import { count, minutes, money } from "./format.js";
import { t } from "./i18n.js";
import { chinaText, code, offerTitle, PARTNER_KINDS, pick, rowsTable, summaryList, type Contributions } from "./ptn.js";

export function contributionSections(c: Contributions): HTMLElement[] {
  const offerName = (offerId: string) => {
    const o = c.partner.offers.find((x) => x.offerId === offerId);
    return o ? offerTitle(o) : offerId;
  };
  return [
    h("section", { "aria-labelledby": "ptn-sum-h" }, h("h2", { id: "ptn-sum-h" }, t("ptn.summary")), summaryList(c.summary, c.currencies)),
    h(
      "section",
      { "aria-labelledby": "ptn-bookings-h" },
      h("h2", { id: "ptn-bookings-h" }, t("ptn.bookings")),
      c.bookings.length === 0
        ? h("p", { class: "muted" }, t("ptn.noBookings"))
        : rowsTable([t("ptn.col.offer"), t("ptn.col.when"), t("ptn.col.people"), t("ptn.col.status")], c.bookings.map((b) => [offerName(b.offerId), `${chinaText(b.start)}–${chinaText(b.end).slice(11)}`, count(b.people), code("bookingStatus", b.status) + (b.proxy ? ` · ${t("ptn.byStaff")}` : "")]), "ptn-bookings", "ptn-bookings-h"),
    ),
    h(
      "section",
      { "aria-labelledby": "ptn-given-h" },
      h("h2", { id: "ptn-given-h" }, t("ptn.given")),
      c.given.length === 0
        ? h("p", { class: "muted" }, t("ptn.noGiven"))
        : rowsTable([t("ptn.col.offer"), t("ptn.col.date"), t("ptn.col.quantity"), t("ptn.col.value")], c.given.map((g) => [offerName(g.offerId), chinaText(g.on).slice(0, 10), count(g.quantity), money(g.valueFen)]), "ptn-given", "ptn-given-h"),
    ),
    h(
      "section",
      { "aria-labelledby": "ptn-credits-h" },
      h("h2", { id: "ptn-credits-h" }, t("ptn.credits")),
      c.partner.timebankPartner === null ? h("p", { class: "muted" }, t("ptn.notLinked")) : null,
      c.credits.length === 0
        ? h("p", { class: "muted" }, t("ptn.noCredits"))
        : rowsTable(
            [t("ptn.col.currency"), t("ptn.col.amount"), t("ptn.col.kind"), t("ptn.col.record")],
            c.credits.map((r) => [code("currency", r.currency), minutes(r.amount), code("redemptionKind", r.kind), h("span", { class: "mono" }, `#${r.recordId}`)]),
            "ptn-credits",
            "ptn-credits-h",
          ),
      c.currencies.some((x) => !x.ledger) ? notice("info", t("ptn.greenExplained")) : null,
    ),
    h(
      "section",
      { "aria-labelledby": "ptn-pledges-h" },
      h("h2", { id: "ptn-pledges-h" }, t("ptn.pledges")),
      c.pledges === null
        ? h("p", { class: "muted", "data-testid": "ptn-pledges-off" }, t("ptn.pledgesNotRunning"))
        : c.pledges.length === 0
          ? h("p", { class: "muted" }, t("ptn.noPledges"))
          : rowsTable([t("ptn.col.project"), t("ptn.col.amount"), t("ptn.col.status")], c.pledges.map((p) => [p.title, money(p.amountFen), code("pledgeStatus", p.status)]), "ptn-pledges", "ptn-pledges-h"),
    ),
  ];
}


/** The partner's public name, kind and contact person: the apply form here, the register form on the office's page. */
export function partnerFields(withAccount: boolean): { fields: HTMLElement[]; body: () => Record<string, unknown> | string } {
  const kind = pick(PARTNER_KINDS, (c) => code("partnerKind", c), "ptn-kind");
  const name = h("input", { maxlength: 40, required: true, autocomplete: "organization", "data-testid": "ptn-name-zh" });
  const nameEn = h("input", { maxlength: 40, required: true, "data-testid": "ptn-name-en" });
  const account = h("input", { maxlength: 42, class: "mono", spellcheck: "false", autocomplete: "off", "data-testid": "ptn-account" });
  const contactName = h("input", { maxlength: 40, required: true, autocomplete: "name", "data-testid": "ptn-contact-name" });
  const contactPhone = h("input", { type: "tel", maxlength: 20, required: true, autocomplete: "tel", inputmode: "tel", "data-testid": "ptn-contact-phone" });
  const fields = [
    field(t("ptn.f.kind"), kind),
    field(t("ptn.f.name"), name),
    field(t("ptn.f.nameEn"), nameEn),
    withAccount ? field(t("ptn.f.account"), account, t("ptn.f.accountHint")) : null,
    field(t("ptn.f.contactName"), contactName, t("ptn.f.contactHint")),
    field(t("ptn.f.contactPhone"), contactPhone),
  ].filter((x): x is HTMLElement => x !== null);
  return {
    fields,
    body: () => {
      if (!name.value.trim() || !nameEn.value.trim() || !contactName.value.trim() || !contactPhone.value.trim()) return t("ptn.f.fillAll");
      const a = account.value.trim().toLowerCase();
      if (withAccount && a && !/^0x[0-9a-f]{40}$/.test(a)) return t("ptn.f.accountBad");
      return { kind: kind.value, name: name.value.trim(), nameEn: nameEn.value.trim(), contactName: contactName.value.trim(), contactPhone: contactPhone.value.trim(), ...(withAccount && a ? { account: a } : {}) };
    },
  };
}

/** A button reading the partner's contact person: an audited vault read (the office's, or the partner's own). */
export function contactReader(id: string, ctx: PageContext): HTMLElement {
  const out = h("div", { "aria-live": "polite", "data-testid": "ptn-contact" });
  const b = h("button", { type: "button", "data-testid": "ptn-contact-show" }, t("ptn.showContact"));
  b.addEventListener("click", () => {
    void get<{ contactName: string | null; contactPhone: string | null }>(`/api/partners/${id}/contact`, ctx.signal)
      .then((c) => out.replaceChildren(h("p", {}, `${c.contactName ?? "—"} · ${c.contactPhone ?? "—"}`), h("p", { class: "muted" }, t("ptn.contactAudited"))))
      .catch((err: unknown) => out.replaceChildren(notice("error", errorText(err))));
  });
  return h("div", { class: "card" }, h("h3", {}, t("ptn.contact")), h("div", { class: "actions" }, b), out);
}
