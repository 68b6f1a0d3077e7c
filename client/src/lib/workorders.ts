// Work orders (工单, issue 14) as the resident's pages show them: the API's shapes, a place, a status and the two
// clocks in words, and the receipt of one step. No personal data reaches these views: the API's public answers
// carry codes, times and counts only (server/src/services/workorders/queries.ts).
import { get } from "./api.js";
import { h } from "./dom.js";
import { dateTime, span } from "./format.js";
import { lang, t, type TextKey } from "./i18n.js";
import { loadUnitLabels as loadLabels, unitName } from "./names.js";
import { offchainReceiptButton } from "./offchain-receipt.js";

// `span` moved to format.ts (mediation shows spans too); kept here for the pages that import it from here.
export { span };

export type Place = { estateId: number; building?: number; unitId?: number; area?: string };
export type Clocks = { sinceReceipt: number; sinceDispatch: number | null; paused: number; deadline: number | null; lateBy: number; overdue: boolean };

/** GET /api/workorders/{id}, and each item of the lists. */
export type OrderView = {
  id: string;
  serviceCode: string;
  category: { "zh-CN": string; en: string };
  party: string | null;
  status: "received" | "dispatched" | "accepted" | "inProgress" | "resolved" | "closed";
  channel: string;
  priority: string;
  place: Place | null;
  receivedAt: number;
  dispatchedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  clocks: Clocks;
  paused: boolean;
  escalated: boolean;
  returns: number;
  reopens: number;
  duplicates: number;
  rating: number | null;
  onSiteCheck: boolean;
  checkedOnSite: boolean;
};

/** GET /api/workorders/categories. */
export type Category = { code: string; name: { "zh-CN": string; en: string }; group: string; party: string; minutes: number; urgentMinutes: number; onSiteCheck: boolean };

/** GET /api/workorders/{id}/history: one step. */
export type Step = {
  version: number;
  event: string;
  at: number;
  recordId: number;
  by: "person" | "staffForResident" | "system";
  channel?: string;
  party?: string;
  reason?: string;
  level?: number;
  auto?: boolean;
  passed?: boolean;
  /** How many photos the step attached (documents; their hashes are in the record). */
  photos?: number;
};

/** Every order of a list route (its pages hold at most 100), following `nextCursor` up to `max` orders. */
export async function allOrders(path: string, signal?: AbortSignal, max = 1000): Promise<OrderView[]> {
  const items: OrderView[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<{ items: OrderView[]; nextCursor?: string }>(`${path}${path.includes("?") ? "&" : "?"}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, signal);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/** The estate's common areas a report can name (codes as the API takes them; the directory has no list of them yet). */
export const AREAS = ["north-gate", "south-gate", "car-park", "garden", "bike-shed", "rubbish-point", "playground"] as const;

/** A text of a code under `prefix` (`wo.party.water`), or the code itself when the client does not know it. */
export function codeText(prefix: string, code: string | null | undefined): string {
  if (!code) return "—";
  const key = `${prefix}.${code}` as TextKey;
  const text = t(key);
  return text === key ? code : text;
}

export const categoryName = (o: { category: { "zh-CN": string; en: string } } | Category): string => {
  const name = "category" in o ? o.category : o.name;
  return lang() === "en" ? name.en : name["zh-CN"];
};

/** Loads the directory's labels of the units `places` name (each unit once; a failure leaves "房屋 #id"). */
export async function loadUnitLabels(places: (Place | null)[], signal?: AbortSignal): Promise<void> {
  await loadLabels(places.map((p) => p?.unitId), signal);
}

export function placeText(place: Place | null): string {
  if (!place) return "—";
  if (place.unitId !== undefined) return unitName(place.unitId);
  if (place.area !== undefined) return codeText("wo.place.area", place.area);
  return t("wo.place.building", { id: place.building ?? "—" });
}

/** The deadline line: "12-02 10:30 前处理好", or how late it is. */
export function deadlineText(o: OrderView): string {
  if (o.clocks.overdue) return t("wo.overdue", { late: span(o.clocks.lateBy) });
  return o.clocks.deadline === null ? t("wo.noDeadline") : t("wo.deadline", { when: dateTime(o.clocks.deadline) });
}

/** Both clocks, and the resident's waiting time (paused) when there was any. */
export function clocksView(c: Clocks): HTMLElement {
  return h(
    "span",
    { class: "wo-clocks", "data-testid": "wo-clocks" },
    h("span", {}, t("wo.sinceReceipt", { time: span(c.sinceReceipt) })),
    c.sinceDispatch === null ? null : h("span", {}, t("wo.sinceDispatch", { time: span(c.sinceDispatch) })),
    c.paused > 0 ? h("span", { class: "muted", "data-testid": "wo-paused" }, t("wo.paused", { time: span(c.paused) })) : null,
  );
}

/** The status as a badge (overdue in red, waiting for the resident's confirmation in amber, closed in green). */
export function statusBadge(o: OrderView): HTMLElement {
  const cls = o.clocks.overdue ? "danger" : o.status === "resolved" ? "warn" : o.status === "closed" ? "ok" : "";
  return h("span", { class: `badge ${cls}`, "data-testid": "wo-status", "data-status": o.status }, codeText("wo.status", o.status));
}

/** The receipt of one step's off-chain record (lib/offchain-receipt.ts), in the work orders' words. */
export function receiptButton(recordId: number): HTMLElement {
  return offchainReceiptButton(recordId, { label: t("wo.receipt"), saved: t("wo.receiptSaved"), testId: "wo-receipt" });
}
