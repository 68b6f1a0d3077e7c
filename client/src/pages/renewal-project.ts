// One micro-renewal project (#/renewal/{id}, issue 16; public): its description and photos, the funding bar
// (minimum and optimum marks, the match, the residents' share, the deadline), support and pledge for a signed-in
// resident (and their own pledges, to take one back before the deadline), the ledger with a receipt for every
// entry, the milestones with their evidence, and the use after completion with its source.
import { get } from "../lib/api.js";
import { field, h, replace } from "../lib/dom.js";
import { calendarDate, money } from "../lib/format.js";
import { t, type TextKey } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { commandForm, documentLinks, fenOf, fundingBar, ledgerTable, milestoneList, ruleText, statusBadge, useFigure, type Project } from "../lib/renewal.js";
import { signedIn } from "../lib/session.js";

type Mine = { supported: boolean; pledges: { pledge: number; amountFen: number; released: boolean; proxy: boolean }[] };

function residentActions(p: Project, mine: Mine, ctx: PageContext): HTMLElement | null {
  const base = `/api/renewal/${encodeURIComponent(p.id)}`;
  const parts: HTMLElement[] = [];
  if (["proposed", "eligible", "funding"].includes(p.status)) {
    parts.push(
      mine.supported
        ? h("p", { class: "notice ok", "data-testid": "rn-supported" }, t("rn.youSupport"))
        : commandForm({ legend: t("rn.supportLegend"), testId: "rn-support", submit: t("rn.supportSend"), path: `${base}/support`, signal: ctx.signal, controls: [], body: () => ({}), done: () => ctx.rerender() }),
    );
  }
  if (p.status === "funding") {
    const amount = h("input", { inputmode: "decimal", "data-testid": "rn-pledge-amount" }) as HTMLInputElement;
    parts.push(
      commandForm({
        legend: t("rn.pledgeLegend"),
        testId: "rn-pledge",
        submit: t("rn.pledgeSend"),
        path: `${base}/pledge`,
        signal: ctx.signal,
        controls: [field(t("rn.amountYuan"), amount, t("rn.pledgeHint"))],
        body: () => {
          const amountFen = fenOf(amount.value);
          return amountFen === null || amountFen < 1 ? t("rn.amountInvalid") : { amountFen };
        },
        done: () => ctx.rerender(),
      }),
    );
  }
  const held = mine.pledges.filter((x) => !x.released);
  if (mine.pledges.length > 0) {
    parts.push(
      h(
        "ul",
        { class: "rn-mine", "data-testid": "rn-mine" },
        mine.pledges.map((x) =>
          h(
            "li",
            {},
            money(x.amountFen),
            x.proxy ? [" ", h("span", { class: "badge" }, t("rn.byStaff"))] : null,
            x.released ? [" ", h("span", { class: "badge" }, t("rn.released"))] : null,
            p.status === "funding" && held.includes(x)
              ? commandForm({ legend: t("rn.withdrawLegend", { amount: money(x.amountFen) }), testId: `rn-withdraw-${x.pledge}`, submit: t("rn.withdrawSend"), path: `${base}/withdraw`, signal: ctx.signal, controls: [], body: () => ({ pledge: x.pledge }), done: () => ctx.rerender() })
              : null,
          ),
        ),
      ),
    );
  }
  return parts.length === 0 ? null : h("section", { class: "card", "aria-labelledby": "rn-you-h" }, h("h2", { id: "rn-you-h" }, t("rn.yourPart")), ...parts);
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const id = ctx.params.id!;
  const who = signedIn();
  const [p, mine] = await Promise.all([
    get<Project>(`/api/renewal/${encodeURIComponent(id)}`, ctx.signal),
    who ? get<Mine>(`/api/renewal/${encodeURIComponent(id)}/mine`, ctx.signal) : Promise.resolve(null),
  ]);
  const staff = who?.session.roles.includes("staff") ?? false;
  replace(
    root,
    h("p", {}, h("a", { href: "#/renewal" }, t("rn.back"))),
    h("h1", { "data-testid": "rn-title" }, p.title),
    h("p", { class: "muted" }, p.place, " · ", statusBadge(p.status), " · ", t("rn.proposedOn", { date: calendarDate(p.proposedAt) }), p.by === "staffForResident" ? [" · ", h("span", { class: "badge", "data-testid": "rn-proxy" }, t("rn.byStaff"))] : null, " · ", t("rn.supports", { n: String(p.supports) })),
    h("p", { "data-testid": "rn-description" }, p.description ?? t("rn.erased")),
    documentLinks(p.photos, t("rn.photo")),
    p.refusal ? h("p", { class: "notice warn", "data-testid": "rn-refusal" }, t(`rn.reason.${p.refusal.reason}` as TextKey), p.refusal.text ? `: ${p.refusal.text}` : "") : null,
    p.needsVote ? h("p", { "data-testid": "rn-vote" }, p.voteId !== null ? [t("rn.voteLinked"), " ", h("a", { href: `#/votes/${p.voteId}` }, `#${p.voteId}`)] : t("rn.voteNeeded")) : null,
    h("section", { class: "card", "aria-labelledby": "rn-fund-h" }, h("h2", { id: "rn-fund-h" }, t("rn.funding")), p.rule ? h("p", { class: "muted" }, ruleText(p.rule, p.residentShareBp)) : null, fundingBar(p, p.rule ? p.residentShareBp : undefined)),
    who && mine ? residentActions(p, mine, ctx) : null,
    staff ? h("p", { class: "actions" }, h("a", { href: "#/renewal/office", class: "button" }, t("rn.office"))) : null,
    ledgerTable(p),
    p.status === "funded" || p.status === "delivered" ? milestoneList(p) : null,
    useFigure(p),
  );
}
