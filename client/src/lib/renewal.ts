// The micro-renewal fund (issue 16): the shapes the API returns and the widgets its pages share (a project's
// status badge, the funding bar with its minimum and optimum marks, the ledger table with a receipt per entry,
// the use-after figure with its source, an amount field in yuan read exactly into fen).
import { get, post } from "./api.js";
import { h, type Child } from "./dom.js";
import { errorText } from "./errors.js";
import { calendarDate, money, parseHundredths } from "./format.js";
import { t, type TextKey } from "./i18n.js";
import { offchainReceiptButton } from "./offchain-receipt.js";
import { dataTable } from "./table.js";

export const STATUSES = ["proposed", "refused", "eligible", "funding", "funded", "failed", "delivered"] as const;
export const REFUSAL_REASONS = ["notPublicSpace", "notSmall", "duplicate", "unsafe", "otherFunding", "other"] as const;

export type Summary = {
  id: string;
  estateId: number;
  title: string;
  place: string;
  status: (typeof STATUSES)[number];
  proposedAt: number;
  by: "resident" | "staffForResident";
  minimumFen: number;
  optimumFen: number;
  supports: number;
  needsVote: boolean;
  voteId: number | null;
  deadline: number | null;
  raisedFen: number;
  residentFen: number;
  partnerFen: number;
  matchFen: number;
  outcome: "funded" | "belowMinimum" | "residentShare" | null;
  percentComplete: number;
};
export type Entry = { recordId: number; at: number; kind: "pledged" | "matched" | "released" | "matchReleased" | "spent"; amountFen: number; source: "resident" | "partner" | "subsidy" | "payment"; partnerId: string | null; pledge: number | null; milestone: number | null; invoice: string | null; why: "withdrawn" | "notFunded" | null; proxy: boolean };
export type Use = { completedMonth: string; before: { months: number; visits: number; perMonth: number }; after: { months: number; visits: number; perMonth: number }; risePercent: number | null; sources: string[] };
export type Project = Summary & {
  description: string | null;
  photos: string[];
  refusal: { reason: string; text: string | null } | null;
  rule: { numerator: number; denominator: number; capFen: number } | null;
  residentShareBp: number;
  ledger: { pledgedFen: number; matchedFen: number; releasedFen: number; spentFen: number; remainingFen: number };
  entries: Entry[];
  pledges: { pledge: number; source: "resident" | "partner"; partnerId: string | null; amountFen: number; released: boolean; proxy: boolean; at: number }[];
  milestones: { milestone: number; title: string; percent: number; evidence: string[]; accepted: boolean; acceptedAt: number | null; spentFen: number }[];
  visits: { month: string; visits: number; source: string }[];
  use: Use | null;
  completedAt: number | null;
};
export type Settings = { matchNumerator: number; matchDenominator: number; matchCapFen: number; residentShareBp: number; voteAboveFen: number; supportsToOpen: number; maxFundingDays: number };

/** Every project (up to `max`), newest first; `status` filters. */
export async function allProjects(signal: AbortSignal, status?: string, max = 300): Promise<Summary[]> {
  const items: Summary[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<{ items: Summary[]; nextCursor?: string }>(`/api/renewal/list?limit=100${status ? `&status=${status}` : ""}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, signal);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

export const statusBadge = (s: Summary["status"]): HTMLElement =>
  h("span", { class: `badge ${s === "failed" || s === "refused" ? "warn" : s === "funded" || s === "delivered" ? "ok" : "info"}`, "data-testid": "rn-status", "data-status": s }, t(`rn.status.${s}` as TextKey));

/** "1:1 up to ¥20,000; at least 10 % from residents". */
export function ruleText(rule: { numerator: number; denominator: number; capFen: number }, shareBp: number): string {
  return t("rn.rule", { ratio: `${rule.numerator}:${rule.denominator}`, cap: money(rule.capFen), share: `${shareBp / 100}` });
}

/** Percent of `whole` as a CSS width (0–100), exact enough for a bar. */
const width = (part: number, whole: number) => `${whole <= 0 ? 0 : Math.min(100, (part / whole) * 100).toFixed(2)}%`;

/**
 * The funding bar: residents', partners' and the match's parts of what is raised, against the optimum, with the
 * minimum marked; the residents' share and the deadline below it, every figure also in words.
 */
export function fundingBar(p: Summary, shareBp?: number): HTMLElement {
  const scale = Math.max(p.optimumFen, p.raisedFen);
  const share = p.raisedFen === 0 ? 0 : Math.floor((p.residentFen * 1000) / p.raisedFen) / 10;
  return h(
    "div",
    { class: "rn-funding", "data-testid": "rn-funding" },
    h(
      "div",
      { class: "rn-bar", role: "img", "aria-label": t("rn.barLabel", { raised: money(p.raisedFen), minimum: money(p.minimumFen), optimum: money(p.optimumFen) }) },
      h("span", { class: "rn-part rn-resident", style: `width:${width(p.residentFen, scale)}` }),
      h("span", { class: "rn-part rn-partner", style: `width:${width(p.partnerFen, scale)}` }),
      h("span", { class: "rn-part rn-match", style: `width:${width(p.matchFen, scale)}` }),
      h("span", { class: "rn-mark", style: `left:${width(p.minimumFen, scale)}`, title: t("rn.minimum") }),
    ),
    h(
      "p",
      { class: "rn-figures" },
      h("strong", { "data-testid": "rn-raised" }, money(p.raisedFen)),
      ` ${t("rn.of")} `,
      t("rn.minOpt", { minimum: money(p.minimumFen), optimum: money(p.optimumFen) }),
    ),
    h(
      "ul",
      { class: "rn-legend" },
      h("li", {}, h("span", { class: "rn-key rn-resident" }), t("rn.residents"), " ", money(p.residentFen), " ", h("span", { "data-testid": "rn-share" }, t("rn.share", { share: String(share) })), shareBp !== undefined ? h("span", { class: "muted" }, ` ${t("rn.shareNeeded", { share: String(shareBp / 100) })}`) : null),
      h("li", {}, h("span", { class: "rn-key rn-partner" }), t("rn.partners"), " ", money(p.partnerFen)),
      h("li", {}, h("span", { class: "rn-key rn-match" }), t("rn.match"), " ", h("span", { "data-testid": "rn-match" }, money(p.matchFen))),
      h("li", {}, h("span", { class: "rn-key rn-mark-key" }), t("rn.minimum"), " ", money(p.minimumFen)),
    ),
    p.deadline !== null ? h("p", { class: "muted", "data-testid": "rn-deadline" }, t(p.status === "funding" ? "rn.deadline" : "rn.deadlineWas", { date: calendarDate(p.deadline) })) : null,
    p.outcome && p.outcome !== "funded" ? h("p", { class: "notice warn", "data-testid": "rn-outcome" }, t(`rn.outcome.${p.outcome}` as TextKey)) : null,
  );
}

/** One project in a list: title, place, status, the funding bar once funding opened, its link. */
export function projectCard(p: Summary, ...extra: Child[]): HTMLElement {
  return h(
    "li",
    { class: "card rn-card", "data-project": p.id, "data-status": p.status },
    h("h3", {}, h("a", { href: `#/renewal/${p.id}` }, p.title)),
    h("p", { class: "muted" }, p.place, " · ", statusBadge(p.status), " · ", t("rn.supports", { n: String(p.supports) }), p.by === "staffForResident" ? [" · ", h("span", { class: "badge" }, t("rn.byStaff"))] : null),
    p.status === "proposed" || p.status === "eligible" || p.status === "refused" ? h("p", {}, t("rn.minOpt", { minimum: money(p.minimumFen), optimum: money(p.optimumFen) })) : fundingBar(p),
    p.status === "funded" || p.status === "delivered" ? h("p", {}, t("rn.complete", { percent: String(p.percentComplete) })) : null,
    ...extra,
  );
}

const entryWho = (e: Entry): string =>
  e.source === "partner" ? t("rn.src.partner", { id: e.partnerId ?? "" }) : e.source === "resident" ? t("rn.src.resident") : e.source === "subsidy" ? t("rn.src.subsidy") : t("rn.src.payment");

/** The ledger: every entry with its sign, who and its receipt; the identity's totals in the caption. */
export function ledgerTable(p: Project): HTMLElement {
  const l = p.ledger;
  const sign = (e: Entry) => (e.kind === "pledged" || e.kind === "matched" ? "+" : "−");
  return h(
    "section",
    { class: "card", "aria-labelledby": "rn-ledger-h" },
    h("h2", { id: "rn-ledger-h" }, t("rn.ledger")),
    h(
      "p",
      { "data-testid": "rn-identity" },
      t("rn.identity", { pledged: money(l.pledgedFen), matched: money(l.matchedFen), released: money(l.releasedFen), spent: money(l.spentFen), remaining: money(l.remainingFen) }),
    ),
    p.entries.length === 0
      ? h("p", { class: "muted" }, t("rn.noEntries"))
      : dataTable<Entry>(
          [
            { label: t("rn.when"), cell: (e) => calendarDate(e.at) },
            { label: t("rn.entry"), cell: (e) => [t(`rn.kind.${e.kind}` as TextKey), e.why ? ` (${t(`rn.why.${e.why}` as TextKey)})` : "", e.milestone !== null ? ` · ${t("rn.milestoneN", { n: String(e.milestone + 1) })}` : ""] },
            { label: t("rn.who"), cell: (e) => [entryWho(e), e.proxy ? [" ", h("span", { class: "badge", "data-testid": "rn-proxy" }, t("rn.byStaff"))] : null] },
            { label: t("rn.amount"), cell: (e) => `${sign(e)}${money(e.amountFen)}`, num: true },
            { label: t("rn.receipt"), cell: (e) => [e.invoice ? [h("a", { href: `/api/documents/${e.invoice}`, target: "_blank", rel: "noopener" }, t("rn.invoice")), " "] : null, offchainReceiptButton(e.recordId, { label: t("rn.receiptButton"), saved: t("rn.receiptSaved"), testId: "rn-receipt" })] },
          ],
          p.entries,
          { caption: t("rn.ledger"), rowAttrs: (e) => ({ "data-kind": e.kind }), attrs: { "data-testid": "rn-ledger" } },
        ),
  );
}

/** Evidence and photos: links to the public documents. */
export const documentLinks = (hashes: readonly string[], label: string): Child =>
  hashes.length === 0 ? null : h("ul", { class: "rn-docs" }, hashes.map((hash, i) => h("li", {}, h("a", { href: `/api/documents/${hash}`, target: "_blank", rel: "noopener" }, `${label} ${i + 1}`))));

/** The milestones with percent complete, evidence, acceptance and what was spent on each. */
export function milestoneList(p: Project, extra?: (m: Project["milestones"][number]) => Child): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-labelledby": "rn-ms-h" },
    h("h2", { id: "rn-ms-h" }, t("rn.milestones"), " ", h("span", { class: "muted" }, t("rn.complete", { percent: String(p.percentComplete) }))),
    p.milestones.length === 0
      ? h("p", { class: "muted" }, t("rn.noMilestones"))
      : h(
          "ol",
          { class: "rn-milestones", "data-testid": "rn-milestones" },
          p.milestones.map((m) =>
            h(
              "li",
              { "data-milestone": String(m.milestone) },
              h("strong", {}, m.title),
              " ",
              m.accepted ? h("span", { class: "badge ok", "data-testid": "rn-accepted" }, t("rn.accepted", { date: calendarDate(m.acceptedAt) })) : h("span", { class: "badge info" }, `${m.percent}%`),
              h("progress", { max: 100, value: m.percent, "aria-label": t("rn.percentOf", { title: m.title, percent: String(m.percent) }) }),
              m.spentFen > 0 ? h("p", { class: "muted" }, t("rn.spentOn", { amount: money(m.spentFen) })) : null,
              documentLinks(m.evidence, t("rn.evidence")),
              extra?.(m) ?? null,
            ),
          ),
        ),
  );
}

/** "Use rose 300 %": the computed figure with its months, means and sources. */
export function useFigure(p: Project): HTMLElement | null {
  if (!p.use) return p.visits.length > 0 ? h("p", { class: "muted" }, t("rn.useLater")) : null;
  const u = p.use;
  const perMonth = (x: number) => (Math.round(x * 10) / 10).toString();
  return h(
    "section",
    { class: "card", "aria-labelledby": "rn-use-h", "data-testid": "rn-use" },
    h("h2", { id: "rn-use-h" }, t("rn.use")),
    u.risePercent !== null ? h("p", { class: "rn-figure", "data-testid": "rn-rise" }, t(u.risePercent >= 0 ? "rn.rose" : "rn.fell", { percent: String(Math.abs(u.risePercent)) })) : h("p", { class: "muted" }, t("rn.noBaseline")),
    h("p", {}, t("rn.useDetail", { before: perMonth(u.before.perMonth), nb: String(u.before.months), after: perMonth(u.after.perMonth), na: String(u.after.months), month: u.completedMonth })),
    h("p", { class: "muted", "data-testid": "rn-sources" }, t("rn.sources", { sources: u.sources.join("、") })),
    h("p", { class: "muted" }, t("rn.formula")),
  );
}

/** Reads "12.34" (yuan) into fen exactly; null if it is not such an amount. */
export function fenOf(text: string): number | null {
  const v = parseHundredths(text);
  return v === null || v > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(v);
}

/**
 * A small form that posts one command of the fund and renders the page again; `body` reads the controls and
 * answers the body, or a message saying what to fix (shown, nothing sent). The server's refusal is shown in its words.
 */
export function commandForm(options: { legend: string; testId: string; controls: Child[]; submit: string; path: string; body: () => Record<string, unknown> | string | Promise<Record<string, unknown> | string>; signal: AbortSignal; done: () => void }): HTMLElement {
  const result = h("div", { "aria-live": "polite", "data-testid": `${options.testId}-result` });
  const button = h("button", { type: "submit", "data-testid": `${options.testId}-send` }, options.submit) as HTMLButtonElement;
  const form = h("form", { class: "rn-action", novalidate: true, "data-testid": options.testId }, h("fieldset", {}, h("legend", {}, options.legend), ...options.controls, h("div", { class: "actions" }, button)), result);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    button.disabled = true;
    result.replaceChildren();
    void (async () => {
      try {
        const body = await options.body();
        if (typeof body === "string") {
          result.replaceChildren(h("p", { class: "notice error", role: "alert" }, body));
          return;
        }
        await post(options.path, body, options.signal);
        options.done();
      } catch (err) {
        result.replaceChildren(h("p", { class: "notice error", role: "alert" }, errorText(err)));
      } finally {
        button.disabled = false;
      }
    })();
  });
  return form;
}
