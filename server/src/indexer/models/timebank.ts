// Read models of TimeBank: members with their balances and lifetime totals (minutes), family links (both
// directions, as the contract stores them), partners, service records with their decision, gifts,
// redemptions, and each member's history (every credit and debit, plus the services they received).
import { voucherCode } from "../../chain/voucher.js";
import { numKey } from "../../store/store.js";
import { recordRef, type RecordRef } from "./refs.js";
import type { EventRecord, ModelTx, ReadModel } from "./types.js";

export const CATEGORIES = ["MealDelivery", "Companionship", "Cleaning", "HospitalEscort", "Tutoring", "Other"] as const;
export type CategoryName = (typeof CATEGORIES)[number];
/** TimeBank.Relation without None: what the relative is to the member. */
export const RELATIONS = ["none", "parent", "spouse", "child"] as const;
export type RelationName = Exclude<(typeof RELATIONS)[number], "none">;
export const REDEMPTION_KINDS = ["service", "goods"] as const;
export type ServiceStatusName = "recorded" | "confirmed" | "rejected";

/** balance = earned + giftsReceived − giftsGiven − redeemed, as TimeBank.Member (minutes fit in a number). */
export type MemberView = {
  address: string;
  member: boolean;
  balance: number;
  earned: number;
  giftsReceived: number;
  giftsGiven: number;
  redeemed: number;
  registered?: RecordRef;
  removed?: RecordRef;
};

export type FamilyView = { member: string; relative: string; relation: RelationName } & RecordRef;
export type PartnerView = { address: string; profileHash: string; staff: string } & RecordRef;

export type ServiceView = {
  serviceId: string;
  volunteer: string;
  recipient: string;
  minutes: number;
  category: CategoryName;
  servedAt: number;
  noteHash: string;
  status: ServiceStatusName;
  decidedBy?: string;
  byProxy: boolean;
  /** The recipient's authorisation a proxy decision was made under ("0" when the recipient decided). */
  authorizationId?: string;
  recorded: RecordRef;
  decided?: RecordRef;
};

export type GiftView = { from: string; to: string; minutes: number; relation: RelationName } & RecordRef;
/** `by` is the member, or staff acting under the member's authorisation `authorizationId` ("0" otherwise). */
export type RedemptionView = {
  member: string;
  partner: string;
  minutes: number;
  kind: (typeof REDEMPTION_KINDS)[number];
  noteHash: string;
  by: string;
  authorizationId: string;
} & RecordRef;

/**
 * One line of a member's history: `credited` (a confirmed service they gave), `given` (a confirmed service
 * given to them; no balance change), `gift-in`, `gift-out`, `redeemed`. `minutes` is always positive.
 */
export type HistoryEntry = {
  kind: "credited" | "given" | "gift-in" | "gift-out" | "redeemed";
  minutes: number;
  serviceId?: string;
  counterparty: string;
  balanceAfter: number;
  /** A redemption staff made for the member: the staff member and the member's authorisation. */
  by?: string;
  authorizationId?: string;
} & RecordRef;

export const serviceKey = (serviceId: string | number) => numKey(Number(serviceId));

const NEW_MEMBER = (address: string): MemberView => ({ address, member: false, balance: 0, earned: 0, giftsReceived: 0, giftsGiven: 0, redeemed: 0 });

function memberOf(tx: ModelTx, address: string): MemberView {
  return tx.get<MemberView>("tbMembers", address) ?? NEW_MEMBER(address);
}

function relationName(value: number): RelationName {
  const name = RELATIONS[value];
  if (!name || name === "none") throw new Error(`Relation ${value} in a family event; the TimeBank ABI has changed: update RELATIONS.`);
  return name;
}

const INVERSE: Record<RelationName, RelationName> = { parent: "child", child: "parent", spouse: "spouse" };

function history(e: EventRecord, tx: ModelTx, address: string, entry: Omit<HistoryEntry, keyof RecordRef>): void {
  tx.put("tbHistory", `${address}:${numKey(e.seq)}`, { ...entry, ...recordRef(e) });
}

/** Changes a member's balance and one lifetime total by `delta` minutes. */
function move(tx: ModelTx, address: string, delta: number, total: "earned" | "giftsReceived" | "giftsGiven" | "redeemed"): MemberView {
  const m = memberOf(tx, address);
  const next: MemberView = { ...m, balance: m.balance + delta, [total]: m[total] + Math.abs(delta) };
  if (next.balance < 0) throw new Error(`Member ${address}'s balance went below zero; the events arrived out of order.`);
  tx.put("tbMembers", address, next);
  return next;
}

function requireService(tx: ModelTx, serviceId: string): ServiceView {
  const s = tx.get<ServiceView>("tbServices", serviceKey(serviceId));
  if (!s) throw new Error(`Service ${serviceId} was decided before it was recorded; the events arrived out of order.`);
  return s;
}

const serviceRecorded = (e: EventRecord, tx: ModelTx) => {
  const a = e.args;
  const category = CATEGORIES[a.category as number];
  if (!category) throw new Error(`Service category ${a.category}; the TimeBank ABI has changed: update CATEGORIES.`);
  const s: ServiceView = {
    serviceId: a.serviceId as string,
    volunteer: a.volunteer as string,
    recipient: a.recipient as string,
    minutes: a.minutes_ as number,
    category,
    servedAt: a.servedAt as number,
    noteHash: a.noteHash as string,
    status: "recorded",
    byProxy: false,
    recorded: recordRef(e),
  };
  tx.put("tbServices", serviceKey(s.serviceId), s);
  // Filter indexes for ?volunteer= and ?recipient=.
  tx.put("tbServicesBy", `v:${s.volunteer}:${serviceKey(s.serviceId)}`, s.serviceId);
  tx.put("tbServicesBy", `r:${s.recipient}:${serviceKey(s.serviceId)}`, s.serviceId);
};

const serviceConfirmed = (e: EventRecord, tx: ModelTx) => {
  const s = requireService(tx, e.args.serviceId as string);
  tx.put("tbServices", serviceKey(s.serviceId), {
    ...s,
    status: "confirmed",
    decidedBy: e.args.confirmer as string,
    byProxy: e.args.byProxy as boolean,
    authorizationId: e.args.authorizationId as string,
    decided: recordRef(e),
  });
  const volunteer = move(tx, s.volunteer, s.minutes, "earned");
  history(e, tx, s.volunteer, { kind: "credited", minutes: s.minutes, serviceId: s.serviceId, counterparty: s.recipient, balanceAfter: volunteer.balance });
  const recipient = memberOf(tx, s.recipient);
  history(e, tx, s.recipient, { kind: "given", minutes: s.minutes, serviceId: s.serviceId, counterparty: s.volunteer, balanceAfter: recipient.balance });
};

export const timebankModel: ReadModel = {
  contract: "TimeBank",
  models: ["tbMembers", "tbFamily", "tbPartners", "tbServices", "tbServicesBy", "tbGifts", "tbRedemptions", "tbVouchers", "tbHistory", "tbSettings"],
  reducers: {
    MemberRegistered: (e, tx) => {
      const address = e.args.member as string;
      const m = memberOf(tx, address);
      tx.put("tbMembers", address, { ...m, member: true, registered: recordRef(e), removed: undefined });
    },
    MemberRemoved: (e, tx) => {
      const address = e.args.member as string;
      const m = memberOf(tx, address);
      tx.put("tbMembers", address, { ...m, member: false, removed: recordRef(e) });
    },
    FamilyLinked: (e, tx) => {
      const member = e.args.member as string;
      const relative = e.args.relative as string;
      const relation = relationName(e.args.relation as number);
      const ref = recordRef(e);
      tx.put("tbFamily", `${member}:${relative}`, { member, relative, relation, ...ref });
      tx.put("tbFamily", `${relative}:${member}`, { member: relative, relative: member, relation: INVERSE[relation], ...ref });
    },
    FamilyUnlinked: (e, tx) => {
      const member = e.args.member as string;
      const relative = e.args.relative as string;
      tx.del("tbFamily", `${member}:${relative}`);
      tx.del("tbFamily", `${relative}:${member}`);
    },
    PartnerRegistered: (e, tx) => {
      const view: PartnerView = { address: e.args.partner as string, profileHash: e.args.profileHash as string, staff: e.args.staff as string, ...recordRef(e) };
      tx.put("tbPartners", view.address, view);
    },
    PartnerRemoved: (e, tx) => tx.del("tbPartners", e.args.partner as string),
    DailyCapSet: (e, tx) => tx.put("tbSettings", "dailyCap", e.args.minutes_ as number),
    ServiceRecorded: serviceRecorded,
    ServiceConfirmed: serviceConfirmed,
    ServiceRejected: (e, tx) => {
      const s = requireService(tx, e.args.serviceId as string);
      tx.put("tbServices", serviceKey(s.serviceId), {
        ...s,
        status: "rejected",
        decidedBy: e.args.rejecter as string,
        byProxy: e.args.byProxy as boolean,
        authorizationId: e.args.authorizationId as string,
        decided: recordRef(e),
      });
    },
    CreditsGifted: (e, tx) => {
      const from = e.args.from as string;
      const to = e.args.to as string;
      const minutes = e.args.minutes_ as number;
      const gift: GiftView = { from, to, minutes, relation: relationName(e.args.relation as number), ...recordRef(e) };
      tx.put("tbGifts", numKey(e.seq), gift);
      const giver = move(tx, from, -minutes, "giftsGiven");
      history(e, tx, from, { kind: "gift-out", minutes, counterparty: to, balanceAfter: giver.balance });
      const receiver = move(tx, to, minutes, "giftsReceived");
      history(e, tx, to, { kind: "gift-in", minutes, counterparty: from, balanceAfter: receiver.balance });
    },
    CreditsRedeemed: (e, tx) => {
      const member = e.args.member as string;
      const minutes = e.args.minutes_ as number;
      const kind = REDEMPTION_KINDS[e.args.kind as number];
      if (!kind) throw new Error(`Redemption kind ${e.args.kind}; the TimeBank ABI has changed: update REDEMPTION_KINDS.`);
      const view: RedemptionView = {
        member,
        partner: e.args.partner as string,
        minutes,
        kind,
        noteHash: e.args.noteHash as string,
        by: e.args.by as string,
        authorizationId: e.args.authorizationId as string,
        ...recordRef(e),
      };
      tx.put("tbRedemptions", numKey(e.seq), view);
      // The voucher the member shows at the partner's counter leads back to this redemption.
      tx.put("tbVouchers", voucherCode(view.txHash, view.logIndex), numKey(e.seq));
      const m = move(tx, member, -minutes, "redeemed");
      const proxy = view.authorizationId !== "0" ? { by: view.by, authorizationId: view.authorizationId } : {};
      history(e, tx, member, { kind: "redeemed", minutes, counterparty: view.partner, balanceAfter: m.balance, ...proxy });
    },
  },
};
