// Read models of MaintenanceFund: each estate's ledger (balance, committed, deposited, disbursed), each unit's
// sub-account and statement (deposits, charges, refunds with the balance after each), spend plans with their
// emergency approvals, confirmation and disclosure, disbursements, and the estates' emergency policies.
// Amounts are fen as decimal strings (uint64). The contract emits a plan's UnitCharged events before its
// PlanOpened, so charges touch only the units and PlanOpened moves the budget in the estate's ledger.
import { numKey } from "../../store/store.js";
import { addDec, recordRef, subDec, type RecordRef } from "./refs.js";
import type { EventRecord, ModelTx, ReadModel } from "./types.js";

export const PLAN_KINDS = ["vote", "emergency"] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];
export type PlanStatus = "proposed" | "open" | "closed";
export const STAGES = ["Start", "Progress", "Acceptance", "Warranty"] as const;
export type StageName = (typeof STAGES)[number];

export type LedgerView = { estateId: number; balance: string; committed: string; deposited: string; disbursed: string };
export type AccountView = { unitId: number; balance: string; deposited: string; charged: string; refunded: string };
/** An estate's emergency policy: cap per spend and rolling limit (fen), the limit's period and the disclosure window (days). */
export type PolicyView = { estateId: number; cap: string; periodLimit: string; periodDays: number; disclosureDays: number } & RecordRef;

export type StatementEntry = {
  unitId: number;
  kind: "deposit" | "charge" | "refund";
  amount: string;
  planId?: string;
  receiptHash?: string;
  balanceAfter: string;
} & RecordRef;

export type ApprovalView = { member: string; approvals: number } & RecordRef;

export type PlanView = {
  planId: string;
  estateId: number;
  buildingId: number;
  kind: PlanKind;
  /** The authorising vote ("0" for an emergency plan). */
  voteId: string;
  status: PlanStatus;
  budget: string;
  disbursed: string;
  released: string;
  planHash: string;
  /** The committee member who opened (vote) or proposed (emergency) the plan. */
  openedBy: string;
  snapshot?: number;
  /** Block of PlanOpened; absent while an emergency proposal waits for confirmation. */
  openedAt?: number;
  opened?: RecordRef;
  proposed?: RecordRef;
  approvals: ApprovalView[];
  confirmation?: { custodian: string; approvals: number; disclosureDue: number } & RecordRef;
  disclosure?: { member: string; documentHash: string; late: boolean } & RecordRef;
  closing?: { closedBy: string; disbursed: string; released: string; closingHash: string } & RecordRef;
};

export type DisbursementView = {
  planId: string;
  index: number;
  payee: string;
  amount: string;
  stage: StageName;
  docHash: string;
} & RecordRef;

export const planKey = (planId: string | number) => numKey(Number(planId));

const ZERO_LEDGER = (estateId: number): LedgerView => ({ estateId, balance: "0", committed: "0", deposited: "0", disbursed: "0" });
const ZERO_ACCOUNT = (unitId: number): AccountView => ({ unitId, balance: "0", deposited: "0", charged: "0", refunded: "0" });

function ledger(tx: ModelTx, estateId: number): LedgerView {
  return tx.get<LedgerView>("fundEstates", numKey(estateId)) ?? ZERO_LEDGER(estateId);
}

function requirePlan(tx: ModelTx, planId: string): PlanView {
  const plan = tx.get<PlanView>("plans", planKey(planId));
  if (!plan) throw new Error(`Plan ${planId} has events before it was opened or proposed; the events arrived out of order.`);
  return plan;
}

/** Applies one movement to a unit's sub-account and appends it to the unit's statement. */
function unitEntry(
  e: EventRecord,
  tx: ModelTx,
  kind: StatementEntry["kind"],
  fields: { unitId: number; amount: string; planId?: string; receiptHash?: string },
): void {
  const account = tx.get<AccountView>("fundAccounts", numKey(fields.unitId)) ?? ZERO_ACCOUNT(fields.unitId);
  const next: AccountView = { ...account };
  if (kind === "deposit") [next.balance, next.deposited] = [addDec(account.balance, fields.amount), addDec(account.deposited, fields.amount)];
  if (kind === "charge") [next.balance, next.charged] = [subDec(account.balance, fields.amount), addDec(account.charged, fields.amount)];
  if (kind === "refund") [next.balance, next.refunded] = [addDec(account.balance, fields.amount), addDec(account.refunded, fields.amount)];
  tx.put("fundAccounts", numKey(fields.unitId), next);
  const entry: StatementEntry = { ...fields, kind, balanceAfter: next.balance, ...recordRef(e) };
  tx.put("fundEntries", `${numKey(fields.unitId)}:${numKey(e.seq)}`, entry);
}

const deposited = (e: EventRecord, tx: ModelTx) => {
  const estateId = e.args.estateId as number;
  const amount = e.args.amount as string;
  unitEntry(e, tx, "deposit", { unitId: e.args.unitId as number, amount, receiptHash: e.args.receiptHash as string });
  const l = ledger(tx, estateId);
  tx.put("fundEstates", numKey(estateId), { ...l, balance: addDec(l.balance, amount), deposited: addDec(l.deposited, amount) });
};

const planOpened = (e: EventRecord, tx: ModelTx) => {
  const a = e.args;
  const planId = a.planId as string;
  const kind = PLAN_KINDS[a.kind as number];
  if (!kind) throw new Error(`Plan ${planId} has kind ${a.kind}; the MaintenanceFund ABI has changed: update PLAN_KINDS.`);
  const existing = tx.get<PlanView>("plans", planKey(planId)); // an emergency proposal being confirmed
  const plan: PlanView = {
    approvals: [],
    disbursed: "0",
    released: "0",
    ...existing,
    planId,
    estateId: a.estateId as number,
    buildingId: a.buildingId as number,
    kind,
    voteId: a.voteId as string,
    status: "open",
    budget: a.budget as string,
    planHash: a.planHash as string,
    openedBy: a.openedBy as string,
    snapshot: a.snapshot as number,
    openedAt: e.blockNumber,
    opened: recordRef(e),
  };
  tx.put("plans", planKey(planId), plan);
  if (!existing) tx.put("plansByEstate", `${numKey(plan.estateId)}:${planKey(planId)}`, planId);
  if (kind === "vote") tx.put("planOfVote", numKey(Number(plan.voteId)), planId);
  const l = ledger(tx, plan.estateId);
  tx.put("fundEstates", numKey(plan.estateId), { ...l, balance: subDec(l.balance, plan.budget), committed: addDec(l.committed, plan.budget) });
};

const disbursedEvent = (e: EventRecord, tx: ModelTx) => {
  const planId = e.args.planId as string;
  const amount = e.args.amount as string;
  const plan = requirePlan(tx, planId);
  tx.put("plans", planKey(planId), { ...plan, disbursed: addDec(plan.disbursed, amount) });
  const stage = STAGES[e.args.stage as number];
  if (!stage) throw new Error(`Disbursement of plan ${planId} has stage ${e.args.stage}; update STAGES from the ABI.`);
  const view: DisbursementView = {
    planId,
    index: Number(e.args.index),
    payee: e.args.payee as string,
    amount,
    stage,
    docHash: e.args.documentHash as string,
    ...recordRef(e),
  };
  tx.put("disbursements", `${planKey(planId)}:${numKey(view.index)}`, view);
  const l = ledger(tx, plan.estateId);
  tx.put("fundEstates", numKey(plan.estateId), { ...l, committed: subDec(l.committed, amount), disbursed: addDec(l.disbursed, amount) });
};

const planClosed = (e: EventRecord, tx: ModelTx) => {
  const planId = e.args.planId as string;
  const plan = requirePlan(tx, planId);
  const released = e.args.released as string;
  const closing = {
    closedBy: e.args.closedBy as string,
    disbursed: e.args.disbursed as string,
    released,
    closingHash: e.args.closingHash as string,
    ...recordRef(e),
  };
  tx.put("plans", planKey(planId), { ...plan, status: "closed", released, closing });
  const l = ledger(tx, plan.estateId);
  tx.put("fundEstates", numKey(plan.estateId), { ...l, committed: subDec(l.committed, released), balance: addDec(l.balance, released) });
};

const emergencyProposed = (e: EventRecord, tx: ModelTx) => {
  const a = e.args;
  const planId = a.planId as string;
  const plan: PlanView = {
    planId,
    estateId: a.estateId as number,
    buildingId: a.buildingId as number,
    kind: "emergency",
    voteId: "0",
    status: "proposed",
    budget: a.amount as string,
    disbursed: "0",
    released: "0",
    planHash: a.reasonHash as string,
    openedBy: a.proposer as string,
    proposed: recordRef(e),
    approvals: [],
  };
  tx.put("plans", planKey(planId), plan);
  tx.put("plansByEstate", `${numKey(plan.estateId)}:${planKey(planId)}`, planId);
};

export const fundModel: ReadModel = {
  contract: "MaintenanceFund",
  models: ["fundEstates", "fundAccounts", "fundEntries", "fundPolicies", "plans", "plansByEstate", "planOfVote", "disbursements"],
  reducers: {
    Deposited: deposited,
    UnitCharged: (e, tx) =>
      unitEntry(e, tx, "charge", { unitId: e.args.unitId as number, amount: e.args.amount as string, planId: e.args.planId as string }),
    UnitRefunded: (e, tx) =>
      unitEntry(e, tx, "refund", { unitId: e.args.unitId as number, amount: e.args.amount as string, planId: e.args.planId as string }),
    PlanOpened: planOpened,
    Disbursed: disbursedEvent,
    PlanClosed: planClosed,
    EmergencyProposed: emergencyProposed,
    EmergencyApproved: (e, tx) => {
      const planId = e.args.planId as string;
      const plan = requirePlan(tx, planId);
      const approval: ApprovalView = { member: e.args.member as string, approvals: Number(e.args.approvals), ...recordRef(e) };
      tx.put("plans", planKey(planId), { ...plan, approvals: [...plan.approvals, approval] });
    },
    EmergencyConfirmed: (e, tx) => {
      const planId = e.args.planId as string;
      const plan = requirePlan(tx, planId);
      const confirmation = {
        custodian: e.args.custodian as string,
        approvals: Number(e.args.approvals),
        disclosureDue: e.args.disclosureDue as number,
        ...recordRef(e),
      };
      tx.put("plans", planKey(planId), { ...plan, confirmation });
    },
    EmergencyDisclosed: (e, tx) => {
      const planId = e.args.planId as string;
      const plan = requirePlan(tx, planId);
      const disclosure = { member: e.args.member as string, documentHash: e.args.documentHash as string, late: e.args.late as boolean, ...recordRef(e) };
      tx.put("plans", planKey(planId), { ...plan, disclosure });
    },
    EmergencyPolicySet: (e, tx) => {
      const view: PolicyView = {
        estateId: e.args.estateId as number,
        cap: e.args.cap as string,
        periodLimit: e.args.periodLimit as string,
        periodDays: e.args.periodDays as number,
        disclosureDays: e.args.disclosureDays as number,
        ...recordRef(e),
      };
      tx.put("fundPolicies", numKey(view.estateId), view);
    },
  },
};
