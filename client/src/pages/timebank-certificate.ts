// A volunteer's certificate of hours (服务时长证明): the services the recipients confirmed, with their dates and
// minutes, the total, and each confirmation's receipt number. Printable as it stands (the browser's print), and
// downloadable as a JSON bundle of the receipts (GET /api/receipts/{recordId}); each receipt, saved alone, is what
// the verify page and verify-receipt check against the chain. The page says what this proves and what not.
import { all, get } from "../lib/api.js";
import { download, h, notice, replace } from "../lib/dom.js";
import { calendarDate, minutes } from "../lib/format.js";
import { t, type TextKey } from "../lib/i18n.js";
import { loadNames, nameOf } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";
import type { ServiceRow } from "../lib/types.js";

type Confirmed = ServiceRow & { decision: { recordId: string; txHash: string } | null };
const CATEGORIES = ["MealDelivery", "Companionship", "Cleaning", "HospitalEscort", "Tutoring", "Other"];

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  if (!who) {
    return replace(root, h("h1", {}, t("cert.title")), h("p", {}, h("a", { href: "#/account?next=timebank", class: "button primary" }, t("timebank.signIn"))));
  }
  const me = who.address;
  const rows = await all<ServiceRow>("/api/timebank/services", { volunteer: me, status: "confirmed" }, 2000, ctx.signal);
  // Each service's confirmation record: the receipt that proves the minutes were credited.
  const services = await Promise.all(rows.map((s) => get<Confirmed>(`/api/timebank/services/${s.id}`, ctx.signal)));
  services.sort((a, b) => Number(a.servedAt) - Number(b.servedAt));
  await loadNames([me, ...services.map((s) => s.recipient)], ctx.signal);
  const total = services.reduce((sum, s) => sum + Number(s.minutes), 0);
  const issued = calendarDate(Math.floor(Date.now() / 1000));
  const status = h("div", { "aria-live": "polite", "data-testid": "cert-status" });

  const bundle = async () => {
    status.replaceChildren(notice("info", t("cert.fetching")));
    const receipts: unknown[] = [];
    const missing: string[] = [];
    for (const s of services) {
      const id = s.decision?.recordId;
      if (!id) continue;
      try {
        receipts.push(await get(`/api/receipts/${id}`));
      } catch {
        missing.push(id);
      }
    }
    const doc = {
      kind: "gongzhi.timebank.certificate",
      volunteer: me,
      issuedAt: new Date().toISOString(),
      totalMinutes: total,
      services: services.map((s) => ({ serviceId: String(s.id), servedAt: Number(s.servedAt), minutes: Number(s.minutes), category: String(s.category), recordId: s.decision?.recordId ?? null })),
      howToCheck: t("cert.howToCheckJson"),
      receipts,
    };
    download(`certificate-${me.slice(2, 10).toLowerCase()}.json`, JSON.stringify(doc, null, 2), "application/json");
    status.replaceChildren(missing.length === 0 ? notice("ok", t("cert.downloaded", { n: receipts.length })) : notice("warn", t("cert.someMissing", { ids: missing.join(", ") })));
  };
  const oneReceipt = async (recordId: string) => {
    try {
      const receipt = await get(`/api/receipts/${recordId}`);
      download(`receipt-${recordId}.json`, JSON.stringify(receipt, null, 2), "application/json");
    } catch {
      status.replaceChildren(notice("warn", t("cert.someMissing", { ids: recordId })));
    }
  };

  replace(
    root,
    h(
      "article",
      { class: "certificate", "data-testid": "certificate" },
      h("h1", {}, t("cert.title")),
      h("p", { class: "lead" }, t("cert.holder", { name: nameOf(me) ?? me })),
      h("p", { class: "mono small-print" }, me),
      h("p", { "data-testid": "cert-total", "data-minutes": String(total) }, t("cert.total", { n: services.length, total: minutes(total) })),
      services.length === 0
        ? h("p", { class: "muted" }, t("cert.none"))
        : h(
            "ol",
            { class: "plain-list cards", "data-testid": "cert-services" },
            services.map((s) =>
              h(
                "li",
                { class: "card-row", "data-record": s.decision?.recordId ?? "" },
                h("p", {}, h("strong", {}, calendarDate(s.servedAt)), " · ", t(`category.${CATEGORIES[Number(s.category)] ?? String(s.category)}` as TextKey), " · ", h("strong", {}, minutes(s.minutes))),
                h("p", {}, t("cert.recipient", { name: nameOf(s.recipient) ?? s.recipient })),
                h(
                  "p",
                  {},
                  t("cert.receipt", { id: s.decision?.recordId ?? "—" }),
                  " ",
                  s.decision ? h("button", { type: "button", class: "link no-print", "data-testid": `cert-receipt-${s.decision.recordId}`, onclick: () => void oneReceipt(s.decision!.recordId) }, t("cert.downloadOne")) : null,
                ),
              ),
            ),
          ),
      h("h2", {}, t("cert.whatTitle")),
      h("p", {}, t("cert.what")),
      h("p", {}, t("cert.whatNot")),
      h("h2", {}, t("cert.howTitle")),
      h("p", {}, t("cert.how")),
      h("p", { class: "muted" }, t("cert.issued", { date: issued })),
    ),
    h(
      "div",
      { class: "actions no-print" },
      h("button", { type: "button", class: "primary", "data-testid": "cert-print", onclick: () => window.print() }, t("cert.print")),
      h("button", { type: "button", "data-testid": "cert-download", onclick: () => void bundle() }, t("cert.download")),
      h("a", { href: "#/verify", class: "button" }, t("cert.verifyLink")),
      h("a", { href: "#/timebank", class: "button" }, t("cert.back")),
    ),
    status,
  );
}
