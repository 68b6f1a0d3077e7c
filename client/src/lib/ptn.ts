// Community partners (issue 16): the API's shapes, the codes the server's services/partners/records.ts holds, and
// the widgets the partner pages share: an offer's card (what, to whom, when, which currencies), the contribution
// summary, opening times in China time, and sending a command with its error shown next to the button.
import { post } from "./api.js";
import { h, notice, type Child } from "./dom.js";
import { dataTable } from "./table.js";
import { errorText } from "./errors.js";
import { lang, t, type TextKey } from "./i18n.js";
import { count, minutes, money } from "./format.js";
import type { PageContext } from "./page.js";

export const PARTNER_KINDS = ["catering", "retail", "health", "education", "socialOrganisation", "services", "other"] as const;
export const OFFER_KINDS = ["space", "goods", "service", "discount"] as const;
export const AUDIENCES = ["allResidents", "elderly", "volunteers", "children", "families", "disabled"] as const;
export const CURRENCIES = ["timebank", "greenPoints"] as const;
export const REJECT_REASONS = ["notInCommunity", "incomplete", "duplicate", "notSuitable"] as const;
export const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export type Slot = { day: number; from: number; to: number };
export type Offer = { offerId: string; kind: string; title: string; titleEn: string; audiences: string[]; accepts: string[]; hours: Slot[]; capacity?: number; discountPercent?: number; withdrawn: boolean };
export type Partner = { id: string; kind: string; name: string; nameEn: string; status: "pending" | "approved" | "rejected"; selfRegistered: boolean; timebankPartner: string | null; registeredAt: number; offers: Offer[] };
export type Booking = { partner: string; bookingId: string; offerId: string; start: number; end: number; people: number; status: "booked" | "cancelled"; proxy: boolean };
export type Given = { offerId: string; quantity: number; valueFen: number; on: number; proxy: boolean };
export type Currency = { currency: string; ledger: boolean; unit: string | null; count: number; amount: number };
export type Credit = { currency: string; amount: number; kind: string; recordId: string; txHash: string | null; blockNumber: number | null; voucher: string | null; honoured: boolean };
export type Pledge = { project: string; title: string; amountFen: number; status: string; at: number };
export type Summary = { offers: number; bookings: number; bookedMinutes: number; cancelled: number; given: number; givenQuantity: number; givenValueFen: number; timebankRedemptions: number; timebankMinutes: number; pledges: number | null; pledgedFen: number | null };
export type Contributions = { partner: Partner; summary: Summary; currencies: Currency[]; bookings: Booking[]; given: Given[]; credits: Credit[]; pledges: Pledge[] | null };

export const code = (group: string, value: string | number): string => t(`ptn.${group}.${value}` as TextKey);
export const partnerName = (p: Pick<Partner, "name" | "nameEn">): string => (lang() === "en" ? p.nameEn : p.name);
export const offerTitle = (o: Pick<Offer, "title" | "titleEn">): string => (lang() === "en" ? o.titleEn : o.title);

const CHINA = 8 * 3600;
/** `HH:MM` of minutes from midnight. */
export const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
/** Minutes from midnight of `HH:MM` (null if not a time). */
export function minuteOf(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return Number(m[1]) <= 24 && Number(m[2]) < 60 && v <= 1440 ? v : null;
}
/** A date (YYYY-MM-DD) and time (HH:MM) in China time → Unix seconds (null if either is malformed). */
export function chinaUnix(date: string, time: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const m = minuteOf(time);
  if (!d || m === null) return null;
  return Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])) / 1000 + m * 60 - CHINA;
}
/** Unix seconds → `YYYY-MM-DD HH:MM` in China time (the partners' opening times are China time). */
export function chinaText(unix: number): string {
  const d = new Date((unix + CHINA) * 1000);
  return `${d.toISOString().slice(0, 10)} ${hhmm(d.getUTCHours() * 60 + d.getUTCMinutes())}`;
}

/** Opening times grouped by day: "周一 09:00–18:00" / "Mon 09:00–18:00". */
export function hoursText(hours: readonly Slot[]): string[] {
  return DAYS.filter((d) => hours.some((s) => s.day === d)).map(
    (d) =>
      `${code("day", d)} ${hours
        .filter((s) => s.day === d)
        .sort((a, b) => a.from - b.from)
        .map((s) => `${hhmm(s.from)}–${hhmm(s.to)}`)
        .join(", ")}`,
  );
}

/** An offer's card: what, to whom, when, and which currencies it accepts (green points: accepted, no ledger yet). */
export function offerCard(o: Offer, extra?: HTMLElement | null): HTMLElement {
  return h(
    "li",
    { class: "card", "data-offer": o.offerId, "data-kind": o.kind },
    h("h3", {}, offerTitle(o), " ", h("span", { class: "badge" }, code("offerKind", o.kind))),
    h("p", {}, t("ptn.forWhom"), " ", o.audiences.map((a) => code("audience", a)).join(t("ptn.listSep"))),
    o.discountPercent !== undefined ? h("p", {}, t("ptn.discount", { n: o.discountPercent })) : null,
    o.capacity !== undefined ? h("p", {}, t("ptn.capacity", { n: o.capacity })) : null,
    o.hours.length > 0 ? h("p", { class: "muted" }, t("ptn.hours"), " ", hoursText(o.hours).join("; ")) : null,
    h(
      "p",
      { "data-testid": "offer-accepts" },
      o.accepts.length === 0 ? t("ptn.free") : [t("ptn.accepts"), " ", o.accepts.map((c) => h("span", { class: "badge", "data-currency": c }, code("currency", c)))],
    ),
    o.withdrawn ? notice("warn", t("ptn.withdrawn")) : null,
    extra ?? null,
  );
}

/** The contribution summary: counts, minutes, fen. */
export function summaryList(s: Summary, currencies: readonly Currency[]): HTMLElement {
  const row = (label: string, value: string, testId: string) => [h("dt", {}, label), h("dd", { "data-testid": testId }, value)];
  const green = currencies.find((c) => c.currency === "greenPoints");
  return h(
    "dl",
    { class: "facts", "data-testid": "ptn-summary" },
    row(t("ptn.sum.offers"), count(s.offers), "sum-offers"),
    row(t("ptn.sum.bookings"), `${count(s.bookings)} · ${minutes(s.bookedMinutes)}`, "sum-bookings"),
    row(t("ptn.sum.given"), `${count(s.given)} · ${t("ptn.items", { n: s.givenQuantity })} · ${money(s.givenValueFen)}`, "sum-given"),
    row(t("ptn.sum.timebank"), `${count(s.timebankRedemptions)} · ${minutes(s.timebankMinutes)}`, "sum-timebank"),
    green ? row(t("ptn.sum.green"), green.ledger ? count(green.amount) : t("ptn.greenNoLedger"), "sum-green") : null,
    row(t("ptn.sum.pledges"), s.pledges === null ? t("ptn.pledgesNotRunning") : `${count(s.pledges)} · ${money(s.pledgedFen ?? 0)}`, "sum-pledges"),
  );
}

/** Sends a command; on success re-renders the page, on refusal shows the server's message in `result`. */
export function send(path: string, body: Record<string, unknown>, result: HTMLElement, ctx: PageContext, button?: HTMLButtonElement, done?: () => void): void {
  if (button) button.disabled = true;
  void post(path, body, ctx.signal)
    .then(() => (done ? done() : ctx.rerender()))
    .catch((err: unknown) => {
      if (button) button.disabled = false;
      result.replaceChildren(notice("error", errorText(err)));
    });
}

/** A fieldset of checkboxes, one per code; `values()` reads the ticked ones. */
export function checks(legend: string, codes: readonly (string | number)[], name: (c: string | number) => string, ticked: readonly (string | number)[], testId: string): { element: HTMLElement; values: () => string[] } {
  const boxes = codes.map((c) => h("input", { type: "checkbox", value: String(c), checked: ticked.includes(c), "data-code": String(c) }));
  return {
    element: h("fieldset", { class: "checks", "data-testid": testId }, h("legend", {}, legend), ...boxes.map((b, i) => h("label", { class: "check" }, b, " ", name(codes[i]!)))),
    values: () => boxes.filter((b) => b.checked).map((b) => b.value),
  };
}

/** A select of codes with their names. */
export function pick(codes: readonly string[], name: (c: string) => string, testId: string, any?: string): HTMLSelectElement {
  return h("select", { "data-testid": testId }, any !== undefined ? h("option", { value: "" }, any) : null, ...codes.map((c) => h("option", { value: c }, name(c))));
}

/** A table of rows of cells under `labels` (lib/table.ts: cards on a phone). */
export function rowsTable(labels: string[], rows: Child[][], testId: string, labelledBy: string): HTMLElement {
  return dataTable<Child[]>(
    labels.map((label, i) => ({ label, cell: (row) => row[i] })),
    rows,
    { rowHeader: true, labelledBy, attrs: { "data-testid": testId } },
  );
}
