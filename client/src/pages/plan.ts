// One spend plan for the auditor and every owner: its name (from its document, hash-checked here), the vote that
// approved it (or the emergency approvals), calendar dates, the stages paid (numbered from 1, as in the CSV) and
// every recorded document, viewable and checked in this browser; what each flat was charged (by label, area,
// share, amount), searchable by flat and paged; a CSV for a spreadsheet and a printable public notice.
import type { Hex } from "viem";
import { allOf, get, query } from "../lib/api.js";
import { budgetBar } from "../lib/budget.js";
import { csv, isoDate, squareMetres, yuan, type Cell } from "../lib/csv.js";
import { documentItem } from "../lib/documents.js";
import { download, dropZone, field, fileBytes, h, notice, replace } from "../lib/dom.js";
import { area, calendarDate, money, short } from "../lib/format.js";
import { cardTable, planName, recordedDocuments, share, sharePlain } from "../lib/fund-view.js";
import { t } from "../lib/i18n.js";
import { label, matterName, scopeName } from "../lib/labels.js";
import { loadNames, nameOf, unitName, whoIs, type UnitLabelView } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { checkProposal, proposalTitle, proposalView } from "../lib/proposal.js";
import type { Apportionment, ApportionmentRow, PlanDetail } from "../lib/types.js";
import { disclosureFlag } from "./fund.js";

const PAGE_SIZE = 20;

/** A date in words, or the block when the node could not say when it was. */
function when(time: number | null | undefined, block: string | number | null | undefined): string {
  return time ? calendarDate(time) : block !== null && block !== undefined ? t("ballot.block", { n: String(block) }) : "—";
}

const party = (address: string | null | undefined) => (address ? [nameOf(address), address].filter(Boolean).join(" ") : "");

/**
 * The plan's audit trail and apportionment for a spreadsheet, headed in the page's language: amounts in yuan,
 * calendar dates, stages numbered from 1 as on the page, flats by their labels.
 */
export function auditRows(plan: PlanDetail, rows: ApportionmentRow[] = []): Cell[][] {
  const out: Cell[][] = [
    ["plan", "step", "stage", "detail", "date", "amountYuan", "flat", "areaM2", "sharePct", "party", "documentHash", "txHash", "block", "recordId"].map((k) => t(`csv.${k}` as Parameters<typeof t>[0])),
  ];
  const id = String(plan.id);
  const name = planName(plan);
  out.push([id, t("csv.step.opened"), "", `${name}; ${plan.kind === "emergency" ? t("fund.emergency") : t("csv.budget")}`, isoDate(plan.openedTime ?? plan.time), yuan(plan.budget), "", "", "", party(plan.openedBy), plan.planHash, "", plan.openedAt ?? "", ""]);
  if (plan.vote) out.push([id, t("csv.step.vote"), "", `#${plan.vote.id} ${plan.vote.title ? proposalTitle(plan.vote.title) : matterName(plan.vote.matter)}: ${label("outcome", plan.vote.outcome)}`, "", plan.vote.budget ? yuan(plan.vote.budget) : "", "", "", "", "", plan.vote.contentHash, "", "", ""]);
  for (const a of plan.approvals ?? []) out.push([id, t("csv.step.approval"), "", t("plan.approvalN", { n: a.approvals ?? "" }), isoDate(a.time), "", "", "", "", party(a.member), "", a.txHash, a.blockNumber, a.recordId]);
  const c = plan.confirmation;
  if (c) out.push([id, t("csv.step.confirmed"), "", t("csv.disclosureDue", { date: isoDate(c.disclosureDue) }), isoDate(c.time), "", "", "", "", party(c.custodian), "", c.txHash, c.blockNumber, c.recordId]);
  for (const d of plan.disbursements) out.push([id, t("csv.step.disbursement"), d.index + 1, label("stage", d.stage), isoDate(d.time), yuan(d.amount), "", "", "", party(d.payee), d.docHash, d.txHash, d.blockNumber, d.recordId]);
  const dr = plan.disclosureRecord;
  if (plan.kind === "emergency") out.push([id, t("csv.step.disclosure"), "", label("disclosure", plan.disclosure), isoDate(dr?.time), "", "", "", "", party(dr?.member), dr?.documentHash ?? "", dr?.txHash ?? "", dr?.blockNumber ?? "", dr?.recordId ?? ""]);
  const cl = plan.closing;
  if (cl) out.push([id, t("csv.step.closed"), "", t("plan.closed", { disbursed: money(cl.disbursed), released: money(cl.released) }), isoDate(cl.time), yuan(cl.disbursed), "", "", "", party(cl.closedBy), cl.closingHash, cl.txHash ?? "", cl.blockNumber ?? "", cl.recordId ?? ""]);
  for (const r of rows) out.push([id, t("csv.step.charge"), "", "", isoDate(r.time), yuan(r.amount), unitName(r.unitId, r.holder ?? undefined), squareMetres(r.area), sharePlain(r.amount, plan.budget), party(r.holder), "", r.txHash, r.blockNumber, r.recordId]);
  return out;
}

/** What each flat was charged: a search by flat label, a page of rows at a time (keyset paging, as the API). */
function apportionmentSection(plan: PlanDetail, signal: AbortSignal): HTMLElement {
  const body = h("div", { "data-testid": "apportionment" });
  const error = h("div", { class: "field-error", role: "alert", "data-testid": "apportionment-error" });
  const input = h("input", { type: "search", placeholder: t("fund.flatPlaceholder"), "data-testid": "apportionment-search", autocomplete: "off" }) as HTMLInputElement;
  const cursors: (string | undefined)[] = [undefined];
  let pageIndex = 0;
  let units: number[] | undefined;

  const show = async () => {
    const params = units ? { units: units.join(","), limit: 200 } : { limit: PAGE_SIZE, cursor: cursors[pageIndex] };
    const page = units && units.length === 0 ? { planId: String(plan.id), budget: plan.budget, items: [] } : await get<Apportionment>(`/api/fund/plans/${plan.id}/apportionment${query(params)}`, signal);
    await loadNames(page.items.map((r) => r.holder), signal);
    if (!units && page.nextCursor) cursors[pageIndex + 1] = page.nextCursor;
    const columns = [{ name: t("fund.flat") }, { name: t("tally.area"), num: true }, { name: t("fund.share"), num: true }, { name: t("fund.charged"), num: true }];
    const prev = h("button", { type: "button", class: "secondary", "data-testid": "apportionment-prev", disabled: pageIndex === 0 }, t("fund.prevPage"));
    const next = h("button", { type: "button", class: "secondary", "data-testid": "apportionment-next", disabled: !page.nextCursor }, t("fund.nextPage"));
    prev.addEventListener("click", () => void ((pageIndex -= 1), show()));
    next.addEventListener("click", () => void ((pageIndex += 1), show()));
    replace(
      body,
      page.items.length === 0
        ? h("p", { class: "muted", "data-testid": "apportionment-empty" }, units ? t("fund.flatNotCharged") : t("fund.noApportionment"))
        : cardTable(
            columns,
            page.items.map((r) => [h("a", { href: `#/fund/units/${r.unitId}` }, unitName(r.unitId, r.holder ?? undefined)), area(r.area), share(r.amount, plan.budget), h("strong", {}, money(r.amount))]),
            { "data-testid": "apportionment-table" },
            (i) => ({ "data-unit": String(page.items[i]!.unitId) }),
          ),
      units
        ? null
        : h("p", { class: "pager" }, prev, " ", h("span", { "data-testid": "apportionment-page", "aria-live": "polite" }, t("fund.pageN", { n: pageIndex + 1 })), " ", next),
    );
  };

  const form = h(
    "form",
    { class: "inline-form", role: "search", "data-testid": "apportionment-form" },
    field(t("fund.findFlat"), input, t("fund.findFlatHint")),
    h("button", { type: "submit" }, t("fund.find")),
    h("button", { type: "button", class: "secondary", onclick: () => void ((input.value = ""), (units = undefined), (pageIndex = 0), replace(error), show()) }, t("fund.showAll")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    replace(error);
    const text = input.value.trim();
    if (!text) {
      units = undefined;
      pageIndex = 0;
      void show();
      return;
    }
    void get<{ items: UnitLabelView[] }>(`/api/directory/units${query({ q: text, limit: 200 })}`, signal)
      .then((found) => {
        units = found.items.map((u) => u.unitId);
        return show();
      })
      .catch((err: Error) => {
        if (err.name !== "AbortError") replace(error, t("fund.flatNotUnderstood", { text }));
      });
  });
  void show().catch(() => replace(body, h("p", { class: "muted" }, t("app.unavailable"))));
  return h(
    "section",
    { class: "card", "aria-labelledby": "apportion-h" },
    h("h2", { id: "apportion-h" }, t("fund.apportionment")),
    h("p", { class: "muted" }, t("fund.apportionmentIntro", { budget: money(plan.budget), scope: scopeName(plan.estateId, plan.buildingId) })),
    form,
    error,
    body,
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const plan = await get<PlanDetail>(`/api/fund/plans/${ctx.params.id}`, ctx.signal);
  await loadNames([plan.openedBy, plan.closing?.closedBy, plan.confirmation?.custodian, ...(plan.approvals ?? []).map((a) => a.member), ...plan.disbursements.map((d) => d.payee)], ctx.signal);
  const heading = h("h1", { "data-testid": "plan-name" }, planName(plan));
  // The plan's description (or emergency report), checked against the planHash on chain in this browser: the
  // heading keeps the server's title only when the bytes match.
  const documentBox = h("div", { "data-testid": "plan-document-slot" });
  void checkProposal(plan.planHash, ctx.signal)
    .then((check) => {
      replace(documentBox, proposalView(check, plan.planHash, "plan.document"));
      replace(heading, check.status === "verified" ? planName(plan, check.proposal.title) : check.status === "mismatch" ? t("fund.planTitle", { id: String(plan.id) }) : planName(plan));
    })
    .catch(() => undefined);
  const documents = recordedDocuments(plan);
  const checkResult = h("div", { "aria-live": "polite", "data-testid": "doc-check-result" });

  const check = async (file: File) => {
    // keccak only when a file is dropped: reading the plan does not need it.
    const [{ keccak256 }, bytes] = await Promise.all([import("../lib/keccak.js"), fileBytes(file)]);
    const hash = keccak256(bytes);
    const matches = documents.filter((d) => d.hash.toLowerCase() === hash);
    checkResult.dataset.result = matches.length > 0 ? "match" : "mismatch";
    replace(
      checkResult,
      matches.length > 0
        ? notice("ok", h("strong", {}, t("plan.docMatch")), " ", t("plan.docMatchWhat", { what: matches.map((m) => m.what).join("; ") }))
        : notice("error", h("strong", {}, t("plan.docMismatch")), " ", t("plan.docMismatchNote")),
      h("p", { class: "mono break" }, `${file.name}: keccak256 = ${hash}`),
    );
  };

  const exportCsv = async (button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      const all = await allOf<Apportionment, "items">(`/api/fund/plans/${plan.id}/apportionment`, "items", 100_000, ctx.signal);
      await loadNames(all.items.map((r) => r.holder), ctx.signal);
      download(`gongzhi-plan-${plan.id}.csv`, csv(auditRows(plan, all.items)), "text/csv;charset=utf-8");
    } finally {
      button.disabled = false;
    }
  };

  const vote = plan.vote;
  replace(
    root,
    h("p", { class: "no-print" }, h("a", { href: "#/fund" }, `← ${t("fund.title")}`)),
    heading,
    h(
      "section",
      { class: "card" },
      h(
        "p",
        { class: "meta" },
        h("span", { class: "badge" }, scopeName(plan.estateId, plan.buildingId)),
        plan.kind === "emergency" ? h("span", { class: "badge warn" }, t("fund.emergency")) : null,
        h("span", { class: "badge" }, label("planStatus", plan.status)),
        disclosureFlag(plan),
      ),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t("plan.authorisedBy")),
        h(
          "dd",
          { "data-testid": "plan-authority" },
          plan.kind === "vote" && vote
            ? [
                h("a", { href: `#/votes/${vote.id}`, "data-testid": "plan-vote-link" }, `${vote.title ? proposalTitle(vote.title) : matterName(vote.matter)} (#${vote.id})`),
                " — ",
                h("strong", { "data-testid": "plan-vote-outcome" }, label("outcome", vote.outcome)),
              ]
            : plan.kind === "vote"
              ? h("a", { href: `#/votes/${plan.voteId}`, "data-testid": "plan-vote-link" }, `#${plan.voteId}`)
              : t("plan.emergencyApprovals", { n: (plan.approvals ?? []).length }),
        ),
        plan.kind === "emergency"
          ? [
              h("dt", {}, t("plan.approvers")),
              h("dd", {}, (plan.approvals ?? []).map((a) => h("span", { class: "badge" }, whoIs(a.member)))),
              h("dt", {}, t("plan.confirmedBy")),
              h("dd", {}, plan.confirmation ? [whoIs(plan.confirmation.custodian), " · ", when(plan.confirmation.time, plan.confirmation.blockNumber)] : t("plan.notConfirmed")),
            ]
          : null,
        h("dt", {}, t("plan.openedBy")), h("dd", {}, whoIs(plan.openedBy)),
        h("dt", {}, t("plan.openedAt")), h("dd", { "data-testid": "plan-opened" }, when(plan.openedTime ?? plan.time, plan.openedAt)),
        plan.kind === "emergency" ? [h("dt", {}, t("plan.disclosureDue")), h("dd", {}, calendarDate(plan.disclosureDue))] : null,
        plan.closing ? [h("dt", {}, t("plan.closedAt")), h("dd", {}, when(plan.closing.time, plan.closing.blockNumber))] : null,
      ),
      budgetBar(plan.budget, plan.disbursed, plan.released),
      h("p", { class: "no-print" }, h("a", { href: `#/fund/plans/${plan.id}/notice`, class: "button", "data-testid": "notice-link" }, t("notice.open"))),
    ),
    documentBox,
    h(
      "section",
      { class: "card", "aria-labelledby": "stages-h" },
      h("h2", { id: "stages-h" }, t("plan.stages")),
      plan.disbursements.length === 0
        ? h("p", { class: "muted" }, t("plan.noDisbursements"))
        : cardTable(
            [{ name: t("plan.stage") }, { name: t("plan.date") }, { name: t("plan.amount"), num: true }, { name: t("plan.payee") }, { name: t("plan.docHash") }],
            plan.disbursements.map((d) => [
              h("span", { "data-testid": "stage-label" }, t("plan.stageN", { n: d.index + 1, stage: label("stage", d.stage) })),
              when(d.time, d.blockNumber),
              h("strong", {}, money(d.amount)),
              whoIs(d.payee),
              h("a", { href: `/api/documents/${d.docHash}`, target: "_blank", rel: "noopener", class: "mono", title: d.docHash }, short(d.docHash, 8)),
            ]),
            { "data-testid": "disbursements" },
          ),
      plan.closing ? h("p", {}, t("plan.closed", { disbursed: money(plan.closing.disbursed), released: money(plan.closing.released) })) : null,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "docs-h" },
      h("h2", { id: "docs-h" }, t("plan.documents")),
      h("p", { class: "muted" }, t("plan.documentsIntro")),
      h("ul", { class: "plain-list doc-list", "data-testid": "documents" }, documents.map((d) => documentItem(d.what, d.hash as Hex, ctx.signal))),
    ),
    apportionmentSection(plan, ctx.signal),
    h(
      "section",
      { class: "card no-print", "aria-labelledby": "doc-h" },
      h("h2", { id: "doc-h" }, t("plan.docCheck")),
      h("p", {}, t("plan.docCheckIntro")),
      dropZone(t("plan.docDrop"), "application/pdf,.pdf,*/*", (f) => void check(f), "doc-drop"),
      checkResult,
    ),
    h(
      "section",
      { class: "card no-print" },
      h("h2", {}, t("plan.export")),
      h("p", { class: "muted" }, t("plan.exportIntro")),
      h("button", { type: "button", "data-testid": "export-csv", onclick: (e: Event) => void exportCsv(e.currentTarget as HTMLButtonElement) }, t("plan.exportButton")),
    ),
  );
}
