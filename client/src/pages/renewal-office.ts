// The office's desk of the micro-renewal fund (#/renewal/office, issue 16; community staff): eligibility (accept,
// or refuse with a reason), a large project's owners' vote, opening funding to a deadline; for a resident without a
// phone, support and pledges entered under their written authorisation (marked as staff's everywhere); and for a
// funded project its milestones (progress with evidence uploaded as documents, acceptance), payments against
// invoices (never more than the ledger holds), completion, and the visits per month with their source.
import { get } from "../lib/api.js";
import { field, h, replace, type Child } from "../lib/dom.js";
import { fileInput } from "../lib/file-input.js";
import { money } from "../lib/format.js";
import { t, type TextKey } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { allProjects, commandForm, fenOf, fundingBar, milestoneList, REFUSAL_REASONS, statusBadge, useFigure, type Project, type Summary } from "../lib/renewal.js";
import { signedIn } from "../lib/session.js";
import { uploadDocument } from "../lib/upload-document.js";

const input = (testId: string, attrs: Record<string, string | number> = {}) => h("input", { "data-testid": testId, ...attrs }) as HTMLInputElement;
const file = (testId: string) => fileInput({ accept: "image/png,image/jpeg,image/webp,application/pdf,text/plain", testId });

/** What the office may do with a project in its state. */
function actions(p: Summary, full: Project | undefined, ctx: PageContext): Child[] {
  const base = `/api/renewal/${encodeURIComponent(p.id)}`;
  const form = (name: string, legend: TextKey, controls: Child[], body: () => Record<string, unknown> | string | Promise<Record<string, unknown> | string>, testName = name) =>
    commandForm({ legend: t(legend), testId: `rn-${testName}-${p.id}`, submit: t(legend), path: `${base}/${name}`, signal: ctx.signal, controls, body, done: () => ctx.rerender() });
  const out: Child[] = [];
  if (p.status === "proposed") {
    out.push(form("accept", "rn.accept", [], () => ({})));
    const reason = h("select", { "data-testid": `rn-reason-${p.id}` }, REFUSAL_REASONS.map((r) => h("option", { value: r }, t(`rn.reason.${r}` as TextKey)))) as HTMLSelectElement;
    const text = h("textarea", { rows: 2, maxlength: 2000, "data-testid": `rn-refuse-text-${p.id}` }) as HTMLTextAreaElement;
    out.push(form("refuse", "rn.refuse", [field(t("rn.reason"), reason), field(t("rn.reasonText"), text)], () => (text.value.trim() ? { reason: reason.value, text: text.value.trim() } : t("rn.fillAll"))));
  }
  if (p.status === "eligible") {
    if (p.needsVote) {
      const vote = input(`rn-vote-${p.id}`, { inputmode: "numeric" });
      out.push(form("linkVote", "rn.linkVote", [field(t("rn.voteId"), vote, t("rn.voteHint"))], () => (/^\d+$/.test(vote.value.trim()) ? { voteId: Number(vote.value.trim()) } : t("rn.voteIdInvalid"))));
    }
    const deadline = input(`rn-deadline-${p.id}`, { type: "date" });
    out.push(form("openFunding", "rn.openFunding", [field(t("rn.deadlineField"), deadline)], () => (deadline.value ? { deadline: Math.floor(Date.parse(`${deadline.value}T23:59:59+08:00`) / 1000) } : t("rn.deadlineInvalid"))));
  }
  if (["proposed", "eligible", "funding"].includes(p.status)) {
    // For a resident, under their recorded written authorisation: the record names staff and the resident.
    const resident = input(`rn-for-${p.id}`, { maxlength: 42, autocomplete: "off" });
    const authorisation = input(`rn-auth-${p.id}`, { inputmode: "numeric" });
    const amount = input(`rn-for-amount-${p.id}`, { inputmode: "decimal" });
    const proxy = () => (/^0x[0-9a-fA-F]{40}$/.test(resident.value.trim()) && /^\d+$/.test(authorisation.value.trim()) ? { onBehalfOf: resident.value.trim(), authorisation: authorisation.value.trim() } : null);
    out.push(
      h(
        "details",
        { class: "rn-proxy" },
        h("summary", {}, t("rn.forResident")),
        field(t("rn.residentAddress"), resident),
        field(t("rn.authorisation"), authorisation),
        form("support", "rn.supportFor", [], () => proxy() ?? t("rn.proxyInvalid"), "proxy-support"),
        p.status === "funding"
          ? form("pledge", "rn.pledgeFor", [field(t("rn.amountYuan"), amount)], () => {
              const by = proxy();
              const amountFen = fenOf(amount.value);
              return !by ? t("rn.proxyInvalid") : amountFen === null || amountFen < 1 ? t("rn.amountInvalid") : { ...by, amountFen };
            }, "proxy-pledge")
          : null,
      ),
    );
  }
  if (p.status === "funding") {
    const partner = input(`rn-partner-${p.id}`, { maxlength: 64, autocomplete: "off" });
    const amount = input(`rn-partner-amount-${p.id}`, { inputmode: "decimal" });
    out.push(
      form("pledge", "rn.partnerPledge", [field(t("rn.partnerId"), partner), field(t("rn.amountYuan"), amount)], () => {
        const amountFen = fenOf(amount.value);
        return !/^[A-Za-z0-9_-]{1,64}$/.test(partner.value.trim()) ? t("rn.partnerInvalid") : amountFen === null || amountFen < 1 ? t("rn.amountInvalid") : { partnerId: partner.value.trim(), amountFen };
      }),
    );
  }
  if (p.status === "funded" && full) {
    const title = input(`rn-ms-title-${p.id}`, { maxlength: 80 });
    out.push(form("addMilestone", "rn.addMilestone", [field(t("rn.milestoneTitle"), title)], () => (title.value.trim() ? { title: title.value.trim() } : t("rn.fillAll"))));
    const pick = (testId: string) => h("select", { "data-testid": testId }, full.milestones.map((m) => h("option", { value: String(m.milestone) }, `${m.milestone + 1}. ${m.title}`))) as HTMLSelectElement;
    if (full.milestones.length > 0) {
      const which = pick(`rn-progress-ms-${p.id}`);
      const percent = input(`rn-percent-${p.id}`, { type: "number", min: 0, max: 100, inputmode: "numeric" });
      const evidence = file(`rn-evidence-${p.id}`);
      out.push(
        form("reportProgress", "rn.reportProgress", [field(t("rn.milestone"), which), field(t("rn.percent"), percent), field(t("rn.evidenceFile"), evidence, t("rn.evidenceHint"))], async () => {
          const n = Number(percent.value);
          if (!Number.isInteger(n) || n < 0 || n > 100 || percent.value === "") return t("rn.percentInvalid");
          const hashes = evidence.files?.[0] ? [(await uploadDocument("renewal", evidence.files[0], ctx.signal)).hash] : [];
          return { milestone: Number(which.value), percent: n, evidence: hashes };
        }),
      );
      const toAccept = pick(`rn-accept-ms-${p.id}`);
      out.push(form("acceptMilestone", "rn.acceptMilestone", [field(t("rn.milestone"), toAccept)], () => ({ milestone: Number(toAccept.value) })));
      const paid = pick(`rn-spend-ms-${p.id}`);
      const amount = input(`rn-spend-amount-${p.id}`, { inputmode: "decimal" });
      const invoice = file(`rn-invoice-${p.id}`);
      out.push(
        form("spend", "rn.spend", [h("p", { class: "muted" }, t("rn.remaining", { amount: money(full.ledger.remainingFen) })), field(t("rn.milestone"), paid), field(t("rn.amountYuan"), amount), field(t("rn.invoiceFile"), invoice)], async () => {
          const amountFen = fenOf(amount.value);
          if (amountFen === null || amountFen < 1) return t("rn.amountInvalid");
          const f = invoice.files?.[0];
          if (!f) return t("rn.invoiceNeeded");
          return { milestone: Number(paid.value), amountFen, invoice: (await uploadDocument("renewal", f, ctx.signal)).hash };
        }),
      );
      out.push(form("complete", "rn.completeProject", [], () => ({})));
    }
  }
  if ((p.status === "funded" || p.status === "delivered") && full) {
    const month = input(`rn-month-${p.id}`, { type: "month" });
    const visits = input(`rn-visits-${p.id}`, { type: "number", min: 0, inputmode: "numeric" });
    const source = input(`rn-source-${p.id}`, { maxlength: 80 });
    out.push(
      form("recordVisits", "rn.recordVisits", [field(t("rn.month"), month), field(t("rn.visits"), visits), field(t("rn.source"), source, t("rn.sourceHint"))], () => {
        const n = Number(visits.value);
        if (!/^\d{4}-\d{2}$/.test(month.value) || !Number.isInteger(n) || n < 0 || visits.value === "" || !source.value.trim()) return t("rn.fillAll");
        return { month: month.value, visits: n, source: source.value.trim() };
      }),
    );
  }
  return out;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  if (!who?.session.roles.includes("staff")) {
    replace(root, h("h1", {}, t("rn.office")), h("p", { class: "notice warn", "data-testid": "rn-staff-only" }, t("rn.staffOnly")));
    return;
  }
  const items = await allProjects(ctx.signal);
  // Full views for the funded and delivered (their milestones and ledger): a handful at a time.
  const full = new Map<string, Project>();
  await Promise.all(items.filter((p) => p.status === "funded" || p.status === "delivered").map(async (p) => full.set(p.id, await get<Project>(`/api/renewal/${encodeURIComponent(p.id)}`, ctx.signal))));
  const open = items.filter((p) => p.status !== "refused" && p.status !== "failed");
  replace(
    root,
    h("p", {}, h("a", { href: "#/renewal" }, t("rn.back"))),
    h("h1", {}, t("rn.office")),
    h("p", { class: "lead" }, t("rn.officeLead")),
    open.length === 0
      ? h("p", { class: "muted" }, t("rn.none"))
      : h(
          "ul",
          { class: "cards", "data-testid": "rn-office" },
          open.map((p) => {
            const f = full.get(p.id);
            return h(
              "li",
              { class: "card rn-office-item", "data-project": p.id, "data-status": p.status },
              h("h2", {}, h("a", { href: `#/renewal/${p.id}` }, p.title), " ", statusBadge(p.status)),
              h("p", { class: "muted" }, p.place, " · ", t("rn.supports", { n: String(p.supports) }), " · ", t("rn.minOpt", { minimum: money(p.minimumFen), optimum: money(p.optimumFen) })),
              p.status === "funding" ? fundingBar(p) : null,
              f ? milestoneList(f) : null,
              f ? useFigure(f) : null,
              ...actions(p, f, ctx),
            );
          }),
        ),
  );
}
