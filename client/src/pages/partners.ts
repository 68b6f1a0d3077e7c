// 社区合伙人 (#/partners, issue 16): the public directory of the community's partners (businesses and
// organisations) and what they offer, to whom, when, and for which currencies; filtered by partner kind, offer
// kind, audience and currency. Links to each partner's page, to a partner's own desk and to the office's page.
import { get, query } from "../lib/api.js";
import { field, h, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { AUDIENCES, code, CURRENCIES, OFFER_KINDS, offerCard, PARTNER_KINDS, partnerName, pick, type Partner } from "../lib/ptn.js";
import { signedIn } from "../lib/session.js";

const FILTERS = { kind: PARTNER_KINDS, offerKind: OFFER_KINDS, audience: AUDIENCES, currency: CURRENCIES } as const;
type Filter = keyof typeof FILTERS;
const NAMES: Record<Filter, string> = { kind: "partnerKind", offerKind: "offerKind", audience: "audience", currency: "currency" };

function filtersOf(): Record<Filter, string> {
  const q = new URLSearchParams(window.location.hash.split("?")[1] ?? "");
  const out = {} as Record<Filter, string>;
  for (const key of Object.keys(FILTERS) as Filter[]) out[key] = (FILTERS[key] as readonly string[]).includes(q.get(key) ?? "") ? q.get(key)! : "";
  return out;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const current = filtersOf();
  const list = await get<{ items: Partner[] }>(`/api/partners/directory${query({ ...current, limit: 100 })}`, ctx.signal);
  const selects = (Object.keys(FILTERS) as Filter[]).map((key) => {
    const el = pick(FILTERS[key], (c) => code(NAMES[key], c), `ptn-filter-${key}`, t("ptn.any"));
    el.value = current[key];
    el.addEventListener("change", () => {
      const next = { ...filtersOf(), [key]: el.value };
      window.location.hash = `#/partners${query(next)}`;
    });
    return field(t(`ptn.filter.${key}`), el);
  });
  const who = signedIn();
  replace(
    root,
    h("h1", {}, t("ptn.title")),
    h("p", { class: "lead" }, t("ptn.lead")),
    h(
      "p",
      { class: "actions" },
      h("a", { href: "#/partners/desk", class: "button", "data-testid": "ptn-desk-link" }, t("ptn.deskLink")),
      who?.session.roles.includes("staff") ? h("a", { href: "#/partners/office", class: "button", "data-testid": "ptn-office-link" }, t("ptn.officeLink")) : null,
    ),
    h("form", { class: "inline-form", role: "search", "aria-label": t("ptn.filters"), onsubmit: (e: Event) => e.preventDefault() }, ...selects),
    list.items.length === 0
      ? h("p", { class: "muted", "data-testid": "ptn-none" }, t("ptn.none"))
      : h(
          "ul",
          { class: "cards", "data-testid": "ptn-directory" },
          list.items.map((p) =>
            h(
              "li",
              { class: "card", "data-partner": p.id },
              h("h2", {}, h("a", { href: `#/partners/${p.id}` }, partnerName(p)), " ", h("span", { class: "badge" }, code("partnerKind", p.kind))),
              p.timebankPartner ? h("p", {}, h("span", { class: "badge ok" }, t("ptn.timebankLinked"))) : null,
              h("ul", { class: "cards" }, p.offers.map((o) => offerCard(o))),
            ),
          ),
        ),
  );
}
