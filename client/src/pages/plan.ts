// One spend plan for the auditor: its vote and outcome (or emergency approvals), budget against disbursed,
// the stages paid and their documents; drop an invoice PDF to check its hash against the recorded one; export
// the plan's audit trail as CSV.
import type { Hex } from "viem";
import { get } from "../lib/api.js";
import { budgetBar } from "../lib/budget.js";
import { csv } from "../lib/csv.js";
import { download, dropZone, fileBytes, h, notice, replace } from "../lib/dom.js";
import { dateTime, money, short } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import { label, matterName, scopeName } from "../lib/labels.js";
import { loadNames, whoIs } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { checkProposal, proposalView } from "../lib/proposal.js";
import type { PlanDetail } from "../lib/types.js";
import { disclosureFlag, planTitle } from "./fund.js";

type Documented = { what: string; hash: Hex };

/** Every document hash the plan records: plan, disbursements, closing and the emergency disclosure. */
function recordedHashes(plan: PlanDetail): Documented[] {
  const list: Documented[] = [];
  if (plan.planHash) list.push({ what: t("plan.doc.plan"), hash: plan.planHash });
  for (const d of plan.disbursements) list.push({ what: t("plan.doc.disbursement", { index: d.index + 1, stage: label("stage", d.stage) }), hash: d.docHash });
  if (plan.closing?.closingHash) list.push({ what: t("plan.doc.closing"), hash: plan.closing.closingHash });
  if (plan.disclosureRecord?.documentHash) list.push({ what: t("plan.doc.disclosure"), hash: plan.disclosureRecord.documentHash });
  return list.filter((d) => d.hash && !/^0x0{64}$/.test(d.hash));
}

/** The plan's audit trail, one row per recorded fact. */
export function auditRows(plan: PlanDetail): (string | number | null | undefined)[][] {
  const rows: (string | number | null | undefined)[][] = [["plan_id", "step", "detail", "amount_fen", "party", "document_hash", "tx_hash", "block", "record_id"]];
  rows.push([plan.id, "plan_opened", `${plan.kind}; budget`, plan.budget, plan.openedBy, plan.planHash, "", plan.openedAt, ""]);
  if (plan.vote) rows.push([plan.id, "vote", `vote #${plan.vote.id} ${plan.vote.matter}: ${plan.vote.outcome}`, plan.vote.budget ?? "", "", plan.vote.contentHash, "", "", ""]);
  for (const a of plan.approvals ?? []) rows.push([plan.id, "emergency_approval", `approval ${a.approvals ?? ""}`, "", a.member, "", a.txHash, a.blockNumber, a.recordId]);
  const c = plan.confirmation;
  if (c) rows.push([plan.id, "custodian_confirmation", `${c.approvals} approvals; disclosure due ${c.disclosureDue}`, "", c.custodian, "", c.txHash, c.blockNumber, c.recordId]);
  for (const d of plan.disbursements) rows.push([plan.id, "disbursement", `#${d.index} ${d.stage}`, d.amount, d.payee, d.docHash, d.txHash, d.blockNumber, d.recordId]);
  const dr = plan.disclosureRecord;
  if (plan.kind === "emergency") {
    rows.push([plan.id, "disclosure", `${plan.disclosure}${dr?.late ? " (late)" : ""}; due ${plan.disclosureDue ?? ""}`, "", dr?.member ?? "", dr?.documentHash ?? "", dr?.txHash ?? "", dr?.blockNumber ?? "", dr?.recordId ?? ""]);
  }
  const cl = plan.closing;
  if (cl) rows.push([plan.id, "plan_closed", `disbursed ${cl.disbursed}; released ${cl.released}`, cl.disbursed, cl.closedBy, cl.closingHash, cl.txHash ?? "", cl.blockNumber ?? "", cl.recordId ?? ""]);
  return rows;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const plan = await get<PlanDetail>(`/api/fund/plans/${ctx.params.id}`, ctx.signal);
  await loadNames([plan.openedBy, plan.confirmation?.custodian, ...(plan.approvals ?? []).map((a) => a.member), ...plan.disbursements.map((d) => d.payee)], ctx.signal);
  // The plan's description (or emergency report), checked against the planHash on chain in this browser.
  const documentBox = h("div", { "data-testid": "plan-document-slot" });
  void checkProposal(plan.planHash, ctx.signal)
    .then((check) => replace(documentBox, proposalView(check, plan.planHash, "plan.document")))
    .catch(() => undefined);
  const hashes = recordedHashes(plan);
  const checkResult = h("div", { "aria-live": "polite", "data-testid": "doc-check-result" });

  const check = async (file: File) => {
    // keccak only when a file is dropped: reading the plan does not need it.
    const [{ keccak256 }, bytes] = await Promise.all([import("../lib/keccak.js"), fileBytes(file)]);
    const hash = keccak256(bytes);
    const matches = hashes.filter((d) => d.hash.toLowerCase() === hash);
    checkResult.dataset.result = matches.length > 0 ? "match" : "mismatch";
    replace(
      checkResult,
      matches.length > 0
        ? notice("ok", h("strong", {}, t("plan.docMatch")), " ", t("plan.docMatchWhat", { what: matches.map((m) => m.what).join("; ") }))
        : notice("error", h("strong", {}, t("plan.docMismatch")), " ", t("plan.docMismatchNote")),
      h("p", { class: "mono break" }, `${file.name}: keccak256 = ${hash}`),
    );
  };

  const vote = plan.vote;
  replace(
    root,
    h("p", {}, h("a", { href: "#/fund" }, `← ${t("fund.title")}`)),
    h("h1", {}, planTitle(plan)),
    documentBox,
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
          {},
          plan.kind === "vote" && vote
            ? [h("a", { href: `#/votes/${vote.id}` }, `${matterName(vote.matter)} #${vote.id}`), " — ", h("strong", { "data-testid": "plan-vote-outcome" }, label("outcome", vote.outcome))]
            : plan.kind === "vote"
              ? `#${plan.voteId}`
              : t("plan.emergencyApprovals", { n: (plan.approvals ?? []).length }),
        ),
        plan.kind === "emergency"
          ? [
              h("dt", {}, t("plan.approvers")),
              h("dd", {}, (plan.approvals ?? []).map((a) => h("span", { class: "badge" }, whoIs(a.member)))),
              h("dt", {}, t("plan.confirmedBy")),
              h("dd", {}, plan.confirmation ? whoIs(plan.confirmation.custodian) : t("plan.notConfirmed")),
            ]
          : null,
        h("dt", {}, t("plan.openedBy")), h("dd", {}, whoIs(plan.openedBy)),
        h("dt", {}, t("plan.openedAt")), h("dd", {}, t("ballot.block", { n: String(plan.openedAt) })),
        plan.kind === "emergency" ? [h("dt", {}, t("plan.disclosureDue")), h("dd", {}, dateTime(plan.disclosureDue))] : null,
        h("dt", {}, t("plan.planHash")), h("dd", { class: "mono break" }, plan.planHash),
      ),
      budgetBar(plan.budget, plan.disbursed, plan.released),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "stages-h" },
      h("h2", { id: "stages-h" }, t("plan.stages")),
      plan.disbursements.length === 0
        ? h("p", { class: "muted" }, t("plan.noDisbursements"))
        : h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { "data-testid": "disbursements" },
              h("thead", {}, h("tr", {}, [t("plan.stage"), t("plan.amount"), t("plan.payee"), t("plan.docHash"), t("vote.tx")].map((c) => h("th", { scope: "col" }, c)))),
              h(
                "tbody",
                {},
                plan.disbursements.map((d) =>
                  h("tr", {}, h("td", {}, `${d.index + 1}. ${label("stage", d.stage)}`), h("td", { class: "num" }, money(d.amount)), h("td", {}, whoIs(d.payee)), h("td", { class: "mono", title: d.docHash }, short(d.docHash, 8)), h("td", { class: "mono" }, short(d.txHash))),
                ),
              ),
            ),
          ),
      plan.closing ? h("p", {}, t("plan.closed", { disbursed: money(plan.closing.disbursed), released: money(plan.closing.released) })) : null,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "doc-h" },
      h("h2", { id: "doc-h" }, t("plan.docCheck")),
      h("p", {}, t("plan.docCheckIntro")),
      dropZone(t("plan.docDrop"), "application/pdf,.pdf,*/*", (f) => void check(f), "doc-drop"),
      checkResult,
    ),
    h(
      "section",
      { class: "card" },
      h("h2", {}, t("plan.export")),
      h("p", { class: "muted" }, t("plan.exportIntro")),
      h("button", { type: "button", "data-testid": "export-csv", onclick: () => download(`gongzhi-plan-${plan.id}-audit.csv`, csv(auditRows(plan)), "text/csv;charset=utf-8") }, t("plan.exportButton")),
    ),
  );
}
