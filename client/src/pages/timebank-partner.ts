// A partner shop's page (signed in as the partner's address): check a voucher code a resident shows (typed, or
// scanned from the resident's screen), see whether it is valid, for how many minutes and whether already
// honoured, and honour it (an off-chain record voucher.honoured through POST /api/vouchers/honour, once per
// voucher); below, the redemptions made here still to honour and those honoured, with dates.
import { all, ApiError, get, post } from "../lib/api.js";
import { config } from "../lib/config.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { calendarDate, minutes } from "../lib/format.js";
import { lang, t } from "../lib/i18n.js";
import { loadNames, nameOf } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import { loadBlockTimes, type Redemption } from "../lib/timebank-view.js";
import type { Partner } from "../lib/types.js";

/** The server's message for a refusal, in the page's language, without its code. */
function refusal(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return t("partner.unreachable");
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  if (!who) {
    return replace(root, h("h1", {}, t("partner.title")), h("p", {}, h("a", { href: "#/account?next=timebank/partner", class: "button primary" }, t("timebank.signIn"))));
  }
  const me = who.address;
  const [partners, redemptions, cfg] = await Promise.all([
    all<Partner>("/api/timebank/partners", {}, 100, ctx.signal),
    all<Redemption>("/api/timebank/redemptions", { partner: me }, 2000, ctx.signal),
    config(),
  ]);
  if (!partners.some((p) => p.address.toLowerCase() === me.toLowerCase())) {
    return replace(root, h("h1", {}, t("partner.title")), notice("warn", t("partner.notPartner")), h("p", {}, h("a", { href: "#/timebank", class: "button" }, t("cert.back"))));
  }
  const { blockTime, publicClientFor } = await import("../lib/chain.js");
  const client = publicClientFor(cfg.rpcUrl, cfg.chainId);
  const times = await loadBlockTimes((n) => blockTime(client, n), redemptions.map((r) => r.blockNumber));
  await loadNames([me, ...redemptions.map((r) => r.member)], ctx.signal);
  const named = (a: string) => nameOf(a) ?? a;
  const dateOf = (r: Redemption) => calendarDate(times.get(String(r.blockNumber)));

  // Check a code, then honour it.
  const code = h("input", { type: "text", autocomplete: "off", autocapitalize: "characters", spellcheck: "false", class: "voucher-input", "data-testid": "voucher-code" }) as HTMLInputElement;
  const result = h("div", { "aria-live": "polite", "data-testid": "voucher-result" });
  const codeError = h("div", { class: "field-error", role: "alert", "data-testid": "voucher-error" });
  const show = (r: Redemption) => {
    const honour = h("button", { type: "button", class: "primary", "data-testid": "voucher-honour" }, t("partner.honour"));
    honour.addEventListener("click", () => {
      honour.disabled = true;
      void post("/api/vouchers/honour", { code: r.voucher })
        .then(() => ctx.rerender())
        .catch((error) => {
          honour.disabled = false;
          codeError.replaceChildren(notice("error", refusal(error)));
        });
    });
    result.replaceChildren(
      h(
        "div",
        { class: "card-row", "data-testid": "voucher-found", "data-state": r.honoured ? "honoured" : "valid" },
        h("p", {}, h("strong", { class: "voucher-code" }, r.voucher)),
        h("p", {}, t("partner.voucherLine", { member: named(r.member), minutes: minutes(r.minutes), date: dateOf(r), kind: t(r.kind === "goods" ? "timebank.kindGoods" : "timebank.kindService") })),
        r.honoured
          ? notice("warn", t("partner.alreadyHonoured", { date: calendarDate(r.honoured.at) }))
          : r.partner.toLowerCase() !== me.toLowerCase()
            ? notice("error", t("partner.otherPartner"))
            : [notice("ok", t("partner.valid", { minutes: minutes(r.minutes) })), h("div", { class: "actions" }, honour)],
      ),
    );
  };
  const check = async (text: string) => {
    codeError.replaceChildren();
    result.replaceChildren();
    const plain = text.trim();
    if (!plain) return void codeError.replaceChildren(notice("error", t("partner.enterCode")));
    try {
      show(await get<Redemption>(`/api/timebank/vouchers/${encodeURIComponent(plain)}`));
    } catch (error) {
      code.setAttribute("aria-invalid", "true");
      codeError.replaceChildren(notice("error", refusal(error)));
    }
  };
  const form = h(
    "form",
    { "data-testid": "voucher-form", novalidate: true },
    field(t("partner.code"), code, t("partner.codeHint")),
    codeError,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "voucher-check" }, t("partner.check"))),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    code.removeAttribute("aria-invalid");
    void check(code.value);
  });

  const list = (items: Redemption[], testId: string, empty: string) =>
    items.length === 0
      ? h("p", { class: "muted" }, empty)
      : h(
          "ul",
          { class: "plain-list cards", "data-testid": testId },
          items.map((r) =>
            h(
              "li",
              { class: "card-row", "data-voucher": r.voucher },
              h("p", {}, h("strong", { class: "voucher-code" }, r.voucher), " · ", dateOf(r)),
              h("p", {}, t("partner.voucherLine", { member: named(r.member), minutes: minutes(r.minutes), date: dateOf(r), kind: t(r.kind === "goods" ? "timebank.kindGoods" : "timebank.kindService") })),
              r.honoured ? h("p", {}, h("span", { class: "badge ok" }, t("timebank.honouredOn", { date: calendarDate(r.honoured.at) }))) : null,
            ),
          ),
        );
  const newest = [...redemptions].reverse();
  const open = newest.filter((r) => !r.honoured);
  const done = newest.filter((r) => r.honoured);
  const total = done.reduce((sum, r) => sum + r.minutes, 0);

  replace(
    root,
    h("h1", {}, t("partner.title")),
    h("p", { class: "lead" }, t("partner.intro", { name: nameOf(me) ?? me })),
    h("section", { class: "card", "aria-labelledby": "check-h" }, h("h2", { id: "check-h" }, t("partner.checkTitle")), form, result),
    h("section", { class: "card", "aria-labelledby": "open-h" }, h("h2", { id: "open-h" }, t("partner.toHonour", { n: open.length })), list(open, "partner-open", t("partner.noneOpen"))),
    h(
      "section",
      { class: "card", "aria-labelledby": "done-h" },
      h("h2", { id: "done-h" }, t("partner.history", { n: done.length })),
      h("p", {}, t("partner.totalHonoured", { total: minutes(total) })),
      list(done, "partner-done", t("partner.noneDone")),
    ),
    h("p", { class: "hint", lang: lang() }, t("partner.howItWorks")),
  );
}
