// A vote's proposal (or a plan's description) as the chain names it: fetched as bytes from the document store,
// its keccak256 recomputed here in the browser, and shown only when it equals the hash on chain. The server is
// not trusted with the text: bytes that do not match are never shown, a warning is. keccak is loaded only when
// a proposal is (it is a chunk of its own, out of the pages' startup code).
import type { Hex } from "viem";
import { h, notice } from "./dom.js";
import { lang, t } from "./i18n.js";

export type ProposalDocument = {
  schema: string;
  kind: "vote" | "plan" | "election";
  matter?: string;
  title: { zh: string; en?: string };
  text: string;
  attachments: { hash: Hex; name: string }[];
  candidates?: { displayName?: string; personId?: string }[];
  /** A candidate's vote in a committee election: the hash of the election's document (its ballot paper). */
  election?: Hex;
};

export type ProposalCheck =
  | { status: "verified"; proposal: ProposalDocument }
  | { status: "mismatch"; actual: Hex }
  /** Not stored on this server (404), or not a proposal document. */
  | { status: "missing" }
  | { status: "unavailable"; message: string };

const isProposal = (v: unknown): v is ProposalDocument => {
  const p = v as ProposalDocument;
  return !!p && typeof p === "object" && p.schema === "gongzhi/proposal/v1" && typeof p.title?.zh === "string" && typeof p.text === "string" && Array.isArray(p.attachments);
};

/** Fetches the document named `expected` and checks its bytes against that hash. */
export async function checkProposal(expected: Hex, signal?: AbortSignal): Promise<ProposalCheck> {
  let res: Response;
  try {
    res = await fetch(new URL(`/api/documents/${expected}`, window.location.origin), { signal });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    return { status: "unavailable", message: (err as Error).message };
  }
  if (res.status === 404) return { status: "missing" };
  if (!res.ok) return { status: "unavailable", message: `HTTP ${res.status}` };
  const [{ keccak256 }, bytes] = await Promise.all([import("./keccak.js"), res.arrayBuffer().then((b) => new Uint8Array(b))]);
  const actual = keccak256(bytes);
  if (actual.toLowerCase() !== expected.toLowerCase()) return { status: "mismatch", actual };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return { status: "missing" };
  }
  return isProposal(json) ? { status: "verified", proposal: json } : { status: "missing" };
}

/**
 * The proposal named `hash` as the server gives it, without checking its hash: for lists, which show the server's
 * titles as they do a vote's (the vote and election pages check the bytes). Keeps keccak out of the list page.
 */
export async function proposalUnchecked(hash: Hex, signal?: AbortSignal): Promise<ProposalDocument | undefined> {
  const res = await fetch(new URL(`/api/documents/${hash}`, window.location.origin), { signal });
  if (!res.ok) return undefined;
  const json: unknown = await res.json().catch(() => undefined);
  return isProposal(json) ? json : undefined;
}

/** The title in the reader's language: English when chosen and given, the Chinese otherwise. */
export function proposalTitle(title: { zh: string; en?: string }): string {
  return lang() === "en" && title.en ? title.en : title.zh;
}

/** The proposal's card: title (both languages), the full text, attachments as links, candidates; or the warning. */
export function proposalView(check: ProposalCheck, expected: Hex, heading: "proposal.heading" | "plan.document" = "proposal.heading"): HTMLElement {
  const section = (...children: (HTMLElement | null)[]) => h("section", { class: "card proposal", "aria-labelledby": "proposal-h", "data-testid": "proposal", "data-status": check.status }, ...children);
  if (check.status === "mismatch") {
    return section(
      h("h2", { id: "proposal-h" }, t(heading)),
      notice("error", h("strong", {}, t("proposal.mismatch")), " ", t("proposal.mismatchNote")),
      h("p", { class: "mono muted break" }, t("proposal.hashes", { expected, actual: check.actual })),
    );
  }
  if (check.status !== "verified") {
    return section(h("h2", { id: "proposal-h" }, t(heading)), h("p", { class: "muted" }, check.status === "missing" ? t("proposal.notStored") : t("proposal.unavailable", { reason: check.message })));
  }
  const p = check.proposal;
  const other = lang() === "en" ? p.title.zh : p.title.en;
  return section(
    h("h2", { id: "proposal-h", "data-testid": "proposal-title" }, proposalTitle(p.title)),
    other && other !== proposalTitle(p.title) ? h("p", { class: "muted", lang: lang() === "en" ? "zh-CN" : "en" }, other) : null,
    notice("ok", t("proposal.verified")),
    lang() === "en" ? h("p", { class: "muted" }, t("proposal.inChinese")) : null,
    h("div", { class: "proposal-text", lang: "zh-CN", "data-testid": "proposal-text" }, p.text),
    p.candidates && p.candidates.length > 0
      ? h("div", {}, h("h3", {}, t("proposal.candidates")), h("ul", { class: "plain-list", "data-testid": "proposal-candidates" }, p.candidates.map((c) => h("li", {}, c.displayName ?? c.personId ?? ""))))
      : null,
    p.attachments.length > 0
      ? h(
          "div",
          {},
          h("h3", {}, t("proposal.attachments")),
          h(
            "ul",
            { class: "plain-list", "data-testid": "proposal-attachments" },
            p.attachments.map((a) => h("li", {}, h("a", { href: `/api/documents/${a.hash}`, target: "_blank", rel: "noopener" }, a.name), " ", h("span", { class: "mono muted break" }, a.hash))),
          ),
          h("p", { class: "muted" }, t("proposal.attachmentsNote")),
        )
      : null,
  );
}
