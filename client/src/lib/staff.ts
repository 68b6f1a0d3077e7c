// Shared by the staff pages (pages/staff.ts, pages/paper-ballots.ts): who may use them, residents' names as staff
// may see them (service.arrangement: the directory's table allows staff the name for arranging services), a flat
// typed as people write it resolved to its holder, open votes, and the upload of a scanned signed paper to the
// document store (its keccak256 computed here and checked against the store's answer).
import { all, ApiError, get, post } from "./api.js";
import { uploadDocument } from "./upload-document.js";
import { h, notice } from "./dom.js";
import { lang, t } from "./i18n.js";
import { matterName } from "./labels.js";
import { unitText, type NameView } from "./names.js";
import { proposalTitle } from "./proposal.js";
import { rememberStaffName } from "./proxy.js";
import { signedIn, type SignedIn } from "./session.js";
import { sleep } from "./page.js";
import type { BallotRow, VoteSummary } from "./types.js";

/** The signed-in staff member, or a notice saying what to do instead (sign in, or this page is for staff). */
export function staffOrNotice(next: string): { who: SignedIn } | { notice: HTMLElement } {
  const who = signedIn();
  if (!who) return { notice: notice("info", t("staff.signInFirst"), " ", h("a", { href: `#/account?next=${next}`, class: "button primary" }, t("nav.signIn"))) };
  if (!who.session.roles.includes("staff")) return { notice: notice("warn", t("staff.onlyStaff")) };
  return { who };
}

/** Names and flats of `addresses`, as staff may see them for arranging services (every read is logged). */
export async function staffNames(addresses: string[], signal?: AbortSignal): Promise<Map<string, NameView>> {
  const out = new Map<string, NameView>();
  const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
  for (let i = 0; i < wanted.length; i += 200) {
    const { items } = await post<{ items: NameView[] }>("/api/directory/names", { addresses: wanted.slice(i, i + 200), purpose: "service.arrangement" }, signal);
    for (const item of items) {
      out.set(item.address.toLowerCase(), item);
      // Staff acting are named by these too, on the staff pages (proxy.ts forgets them at sign-out).
      if (item.name) rememberStaffName(item.address, item.name);
    }
  }
  return out;
}

/** "王秀英 · 1号楼 101" (name, then flats), or the flats alone, or the role when nothing is known. */
export function residentText(view: NameView | undefined): string {
  if (!view) return t("staff.unknownResident");
  const flats = view.units.map(unitText).join(t("names.and"));
  return [view.name ?? view.displayName, flats].filter(Boolean).join(" · ") || t("staff.unknownResident");
}

export type Flat = { unitId: number; label: string; labelEn: string; holder: string };

/** A flat typed as people write it ("1-101", "3号楼2单元301"), resolved to its holder; a refusal in words otherwise. */
export async function resolveFlat(text: string, signal?: AbortSignal): Promise<Flat> {
  let items: { unitId: number; label: string; labelEn: string }[];
  try {
    ({ items } = await get<{ items: { unitId: number; label: string; labelEn: string }[] }>(`/api/directory/units?q=${encodeURIComponent(text.trim())}&limit=5`, signal));
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) throw new Error(t("staff.flatUnreadable", { text: text.trim() }), { cause: err });
    throw err;
  }
  if (items.length === 0) throw new Error(t("staff.flatNotFound", { text: text.trim() }));
  if (items.length > 1) throw new Error(t("staff.flatAmbiguous", { text: text.trim(), n: items.length, examples: items.slice(0, 2).map((u) => (lang() === "en" ? u.labelEn : u.label)).join(t("names.and")) }));
  const unit = items[0]!;
  const { holder } = await get<{ holder: string }>(`/api/units/${unit.unitId}`, signal);
  return { ...unit, holder };
}

/** The flat's label in the page's language. */
export function flatText(f: { label: string; labelEn: string }): string {
  return lang() === "en" ? f.labelEn : f.label;
}

/** Votes open now (by chain time, as the API decides). */
export async function openVotes(signal?: AbortSignal): Promise<VoteSummary[]> {
  return all<VoteSummary>("/api/votes", { status: "open" }, 500, signal);
}

/** "#5 选举或更换业主委员会：增补一名委员" */
export function voteText(v: VoteSummary): string {
  return `#${v.id} ${matterName(v.matter)}${v.title ? `${lang() === "en" ? ": " : "："}${proposalTitle(v.title)}` : ""}`;
}

export type StoredScan = { hash: `0x${string}`; created: boolean };

/**
 * Stores a scanned signed paper (class `authorisation` or `paper-ballot`: sealed, for staff and the auditor only)
 * and returns its keccak256, computed here and checked against the store's. The store's refusal is thrown in its
 * own words (in the reader's language).
 */
export function uploadScan(cls: "authorisation" | "paper-ballot", file: File, signal?: AbortSignal): Promise<StoredScan> {
  return uploadDocument(cls, file, signal);
}

/**
 * Fetches a stored scan (staff and the auditor only) and checks its bytes against the hash on chain: the URL to
 * open it, or the reason it cannot be shown.
 */
export async function checkedScan(hash: string, signal?: AbortSignal): Promise<{ ok: true; url: string } | { ok: false; reason: string }> {
  const token = signedIn()?.session.token;
  const headers: Record<string, string> = { "Accept-Language": lang() === "en" ? "en" : "zh-CN" };
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    const res = await fetch(new URL(`/api/documents/${hash}`, window.location.origin), { headers, signal });
    if (!res.ok) {
      const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
      return { ok: false, reason: body?.error?.message ?? t("staff.scanMissing") };
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const { keccak256 } = await import("./keccak.js");
    if (keccak256(bytes).toLowerCase() !== hash.toLowerCase()) return { ok: false, reason: t("staff.scanMismatch") };
    return { ok: true, url: URL.createObjectURL(new Blob([bytes as BlobPart], { type: res.headers.get("content-type") ?? "application/octet-stream" })) };
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    return { ok: false, reason: t("upload.network", { reason: (err as Error).message }) };
  }
}

/** An error slot next to a control: announced, and tied to the control with aria-describedby. */
export function errorSlot(control: HTMLElement, id: string): { slot: HTMLElement; show: (text: string) => void; clear: () => void } {
  const slot = h("div", { id, class: "field-error", "aria-live": "assertive" });
  // Added when shown too: field() sets the control's hint as its description after this slot was made.
  const describe = () => {
    const ids = (control.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
    if (!ids.includes(id)) control.setAttribute("aria-describedby", [...ids, id].join(" "));
  };
  describe();
  return {
    slot,
    show: (text: string) => {
      describe();
      slot.replaceChildren(h("p", { class: "notice error", role: "alert", "data-testid": `${id}-text` }, text));
      control.setAttribute("aria-invalid", "true");
    },
    clear: () => {
      slot.replaceChildren();
      control.removeAttribute("aria-invalid");
    },
  };
}

/** Waits until the ledger lists the ballot of `holder` sent in `txHash` (the indexer follows the chain). */
export async function waitForBallot(voteId: string, holder: string, txHash: string, signal: AbortSignal): Promise<BallotRow | undefined> {
  for (let i = 0; i < 120; i++) {
    const ballots = await all<BallotRow>(`/api/votes/${voteId}/ballots`, {}, 5000, signal);
    const row = ballots.find((b) => b.holder.toLowerCase() === holder.toLowerCase() && b.txHash.toLowerCase() === txHash.toLowerCase());
    if (row) return row;
    await sleep(500, signal);
  }
  return undefined;
}

