// Green account (issue 17): the API's shapes and the widgets its pages share: the points by state, an entry's
// state badge, the waste kinds' names, and the card scanner (a photo or the camera) of the partner and volunteer.
import { h } from "./dom.js";
import { fileControl, fileInput } from "./file-input.js";
import { t, type TextKey } from "./i18n.js";
import { count } from "./format.js";
import type { PageContext } from "./page.js";

export type Balances = { pending: number; active: number; spent: number; expired: number; rejected: number };
export type Entry = { entry: number; kind: string; points: number; left: number; status: keyof Balances; at: number; expiresAt: number; device: string; sampled: boolean };
export type Redemption = { household: string; partner: string; partnerName: string; partnerNameEn: string; item: string; title: string; titleEn: string; quantity: number; points: number; at: number; proxy: boolean };
export type Household = { household: string; unitId: number; building: number | null; card: string | null; balances: Balances; entries: Entry[]; redemptions: Redemption[] };
export type Item = { item: string; partner: string; partnerName: string; partnerNameEn: string; offerId: string; title: string; titleEn: string; points: number; stock: number; redeemed: number; left: number };
export type Settings = { pointsByKind: Record<string, number>; dailyCap: number; minIntervalSeconds: number; expiryDays: number; sampleRatePercent: number; volunteers: string[] };
export type Rate = { numerator: number; denominator: number; value: number | null };
export type StatsRow = { building: number; month: string; households: number; participation: Rate; confirmation: Rate; checked: Rate; events: number; correct: number; pointsIssued: number; pointsSpent: number; redemptions: number; weightKg: number; weighed: number };

export const KINDS = ["kitchen", "recyclable", "hazardous", "other"] as const;
export const STATES = ["pending", "active", "spent", "expired", "rejected"] as const;

/** The unit id of a green household id ("h-<unitId>", the server's form). */
export const unitIdOf = (household: string): number => Number(/^h-(\d+)$/.exec(household)?.[1] ?? NaN);

export const kindName = (kind: string): string => t(`grn.kind.${kind}` as TextKey);
export const stateName = (state: string): string => t(`grn.state.${state}` as TextKey);

/** The points by state, as five large figures on cards (the time bank's balance: a card, its number big). */
export function balanceBoxes(b: Balances, testId: string): HTMLElement {
  return h(
    "dl",
    { class: "figures", "data-testid": testId },
    STATES.map((s) => h("div", { class: "card figure", "data-state": s }, h("dt", { class: "muted" }, stateName(s)), h("dd", { class: "big", "data-testid": `${testId}-${s}` }, count(b[s])))),
  );
}

/** A rate with its numerator and denominator ("3 / 4 · 75 %"), or a dash when there is no denominator. */
export function rateText(r: Rate): string {
  return r.value === null ? `— (${r.numerator} / ${r.denominator})` : `${Math.round(r.value * 1000) / 10} % (${r.numerator} / ${r.denominator})`;
}

/**
 * The card scanner: a photo of the card (or a picture file), or the camera where the browser allows it; calls
 * `found` with the card's text. qrcode and jsqr are loaded only here.
 */
export function cardScanner(ctx: PageContext, found: (card: string | undefined) => void, testId: string): HTMLElement {
  const qr = import("./member-qr.js");
  const photo = fileInput({ accept: "image/*", capture: "environment", button: t("grn.scanPhoto"), showName: false, id: `${testId}-photo`, testId: `${testId}-photo` });
  photo.addEventListener("change", () => {
    const file = photo.files?.[0];
    photo.value = "";
    if (file) void qr.then(async (q) => found(q.greenCardOfUri((await q.decodeImageFile(file)) ?? "")?.card));
  });
  const video = h("video", { class: "scanner", hidden: true, "aria-label": t("grn.cameraView") }) as HTMLVideoElement;
  let scanning: AbortController | null = null;
  const camera = h("button", { type: "button", "data-testid": `${testId}-camera` }, t("grn.scanCamera"));
  camera.addEventListener("click", () => {
    if (scanning) return scanning.abort();
    scanning = new AbortController();
    ctx.signal.addEventListener("abort", () => scanning?.abort(), { once: true });
    video.hidden = false;
    void qr
      .then((q) => q.scanGreenCardWithCamera(video, scanning!.signal))
      .then((card) => card && found(card))
      .catch(() => found(undefined))
      .finally(() => ((video.hidden = true), (scanning = null)));
  });
  const box = h("div", { class: "actions" }, fileControl(photo));
  void qr.then((q) => q.cameraAvailable() && box.append(camera));
  return h("div", { "data-testid": testId }, box, video);
}
