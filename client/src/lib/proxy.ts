// What community staff did for a resident under a written authorisation (ProxyAuthorizations), as people read
// it wherever it is shown: "由社区工作者 王芳 代为办理（授权书 3 号）". The staff member is named by what the
// directory lets this viewer see (a display name, their flats, or for staff looking at staff their name),
// otherwise by the role alone: never by an address. Also the authorisations on record, in words (scopes, the
// calendar date they end), for the staff pages and the resident's own account page. No signing code here.
import { all, allOf } from "./api.js";
import { h } from "./dom.js";
import { calendarDate } from "./format.js";
import { lang, t } from "./i18n.js";
import { loadNames, nameOf } from "./names.js";
import type { BallotRow, Member, ServiceRow, VoteSummary } from "./types.js";
import { onSessionChange } from "./session.js";

/** An authorisation as GET /api/proxy-authorizations answers it. */
export type ProxyAuthorization = {
  id: string;
  resident: string;
  scopes: ("votes" | "services" | "redemptions")[];
  voteId: string | null;
  expiresAt: number;
  documentHash: `0x${string}`;
  recordedBy: string;
  status: "active" | "expired" | "revoked";
  revokedBy: string | null;
  txHash: `0x${string}`;
  recordId: string;
};

/** ProxyAuthorizations' scope bits. */
export const SCOPE_BITS = { votes: 1, services: 2, redemptions: 4 } as const;
export type ScopeName = keyof typeof SCOPE_BITS;

/** Names the staff pages learnt beyond what names.ts holds (staff may see names for service.arrangement). */
const staffNames = new Map<string, string>();
// What one viewer was allowed to see is not shown to the next.
onSessionChange(() => staffNames.clear());
export function rememberStaffName(address: string, name: string): void {
  staffNames.set(address.toLowerCase(), name);
}

/** The words naming the staff member who acted: a name if this viewer may see one, else nothing (the role says it). */
export function staffName(address: string | null | undefined): string | undefined {
  if (!address) return undefined;
  return staffNames.get(address.toLowerCase()) ?? nameOf(address);
}

/** "由社区工作者 王芳 代为办理（授权书 3 号）", or without a name "由社区工作者代为办理（授权书 3 号）". */
export function staffMarkText(enteredBy: string | null | undefined, authorizationId: string | number | null | undefined): string {
  const name = staffName(enteredBy);
  const authorization = authorizationId === null || authorizationId === undefined ? "" : String(authorizationId);
  const mark = name ? t("proxy.markNamed", { staff: name }) : t("proxy.markRole");
  return authorization ? `${mark}${t("proxy.underAuthorization", { id: authorization })}` : mark;
}

/** "由社区工作者 王芳 登记" (or by role alone), for an authorisation's recording. */
export function recordedByText(recordedBy: string): string {
  const name = staffName(recordedBy);
  return name ? t("proxy.recordedByNamed", { staff: name }) : t("proxy.recordedByRole");
}

/** The mark as a badge (the address is kept as data for anyone checking, never shown). */
export function staffMark(enteredBy: string | null | undefined, authorizationId: string | number | null | undefined): HTMLElement {
  return h("span", { class: "badge proxy-mark", "data-testid": "proxy-mark", "data-staff": enteredBy ?? undefined }, staffMarkText(enteredBy, authorizationId));
}

/** What an authorisation covers, in words: "投票（仅限第 4 号投票）、确认服务". */
export function scopeText(a: Pick<ProxyAuthorization, "scopes" | "voteId">): string {
  return a.scopes
    .map((s) => (s === "votes" && a.voteId ? t("proxy.scope.oneVote", { id: a.voteId }) : t(`proxy.scope.${s}`)))
    .join(lang() === "en" ? ", " : "、");
}

export function statusText(a: Pick<ProxyAuthorization, "status" | "expiresAt">): string {
  if (a.status === "active") return t("proxy.status.active", { date: calendarDate(a.expiresAt) });
  if (a.status === "expired") return t("proxy.status.expired", { date: calendarDate(a.expiresAt) });
  return t("proxy.status.revoked");
}

/** Every authorisation recorded for `resident`, newest first. */
export async function authorisationsOf(resident: string, signal?: AbortSignal): Promise<ProxyAuthorization[]> {
  const items = await all<ProxyAuthorization>("/api/proxy-authorizations", { resident }, 500, signal);
  return items.sort((a, b) => Number(b.id) - Number(a.id));
}

/** One thing staff did for the resident, in words, under authorisation `authorizationId`. */
export type DoneForResident = { authorizationId: string; text: string; href: string; staff: string | null };

/**
 * What staff did for `resident` under their authorisations: ballots in the votes each covers (the one vote it
 * names, or the votes open now), services confirmed or rejected, credits redeemed. Read from the ledger's
 * public lists; a list that cannot be read is left out, not guessed.
 */
export async function doneForResident(resident: string, list: ProxyAuthorization[], signal?: AbortSignal): Promise<DoneForResident[]> {
  const me = resident.toLowerCase();
  const ids = new Set(list.map((a) => a.id));
  const out: DoneForResident[] = [];
  const voteIds = new Set(list.filter((a) => a.scopes.includes("votes") && a.voteId).map((a) => a.voteId!));
  if (list.some((a) => a.scopes.includes("votes") && !a.voteId)) {
    for (const v of await all<VoteSummary>("/api/votes", { status: "open" }, 100, signal).catch(() => [])) voteIds.add(String(v.id));
  }
  await Promise.all(
    [...voteIds].map(async (voteId) => {
      const ballots = await all<BallotRow>(`/api/votes/${voteId}/ballots`, {}, 5000, signal).catch(() => [] as BallotRow[]);
      for (const b of ballots) {
        if (b.holder.toLowerCase() !== me || !b.byStaff || !b.authorizationId || !ids.has(b.authorizationId)) continue;
        out.push({ authorizationId: b.authorizationId, staff: b.enteredBy, href: `#/votes/${voteId}`, text: t(b.replaced ? "proxy.done.ballotReplaced" : "proxy.done.ballot", { vote: voteId, choice: t(`tally.${b.choice}`) }) });
      }
    }),
  );
  if (list.some((a) => a.scopes.some((s) => s !== "votes"))) {
    const [services, member] = await Promise.all([
      all<ServiceRow>("/api/timebank/services", { recipient: me }, 500, signal).catch(() => [] as ServiceRow[]),
      allOf<Member, "history">(`/api/timebank/members/${me}`, "history", 2000, signal).catch(() => null),
    ]);
    for (const s of services) {
      if (!s.byProxy || !s.authorizationId || !ids.has(s.authorizationId)) continue;
      out.push({ authorizationId: s.authorizationId, staff: s.decidedBy ?? null, href: "#/timebank", text: t(s.status === "rejected" ? "proxy.done.rejected" : "proxy.done.confirmed", { id: String(s.id) }) });
    }
    for (const e of member?.history ?? []) {
      if (e.kind !== "redeemed" || !e.by || !e.authorizationId || !ids.has(e.authorizationId)) continue;
      out.push({ authorizationId: e.authorizationId, staff: e.by, href: "#/timebank", text: t("proxy.done.redeemed", { minutes: String(e.minutes) }) });
    }
  }
  // The staff who acted or recorded, by the names this viewer may see (a staff member's public work name).
  await loadNames([...out.map((d) => d.staff), ...list.map((a) => a.recordedBy)], signal);
  return out;
}

/**
 * The resident's own view: the authorisations on record for them, each with what it covers, until when, who
 * recorded it, and what staff did under it (each marked "由社区工作者 X 代为办理"). Null when there are none.
 */
export function authorisationsForResident(list: ProxyAuthorization[], done: DoneForResident[]): HTMLElement | null {
  if (list.length === 0) return null;
  return h(
    "section",
    { class: "card", "aria-labelledby": "my-proxies-h", "data-testid": "my-authorisations" },
    h("h2", { id: "my-proxies-h" }, t("proxy.mine.title")),
    h("p", { class: "muted" }, t("proxy.mine.intro")),
    h(
      "ul",
      { class: "plain-list proxy-list" },
      list.map((a) => {
        const mine = done.filter((d) => d.authorizationId === a.id);
        return h(
          "li",
          { "data-authorization": a.id },
          h("p", {}, h("strong", {}, t("proxy.number", { id: a.id })), " · ", scopeText(a), " · ", statusText(a)),
          h("p", { class: "muted" }, recordedByText(a.recordedBy)),
          mine.length === 0
            ? h("p", { class: "muted" }, t("proxy.mine.nothingYet"))
            : h("ul", { class: "proxy-done" }, mine.map((d) => h("li", { "data-testid": "proxy-done" }, h("a", { href: d.href }, d.text), " ", staffMark(d.staff, a.id)))),
        );
      }),
    ),
  );
}
