// Read models of TimeBank: members with their balances and lifetime totals (minutes), family links (both
// directions, as the contract stores them), partners, service records with their decision, gifts,
// redemptions, and each member's history (every credit and debit, plus the services they received). Across
// communities (通存通兑): the communities this one recognises, the clearing balance with each (minutes received
// from it minus minutes sent to it), the totals, and members who moved in or out with their balance.
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

/**
 * balance = earned + giftsReceived − giftsGiven − redeemed + movedIn − movedOut, as TimeBank.Member and movesOf
 * (minutes fit in a number). `movedTo`: the community's TimeBank they moved to (and are no longer a member here).
 */
export type MemberView = {
  address: string;
  member: boolean;
  balance: number;
  earned: number;
  giftsReceived: number;
  giftsGiven: number;
  redeemed: number;
  movedIn?: number;
  movedOut?: number;
  movedTo?: string;
  movedFrom?: string;
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

/**
 * Another community's TimeBank as this one sees it: whether it is recognised here, and the clearing balance with
 * it (minutes received from it — its members' spending here and members moving in — minus minutes sent to it).
 */
export type CommunityView = {
  address: string;
  recognised: boolean;
  clearing: number;
  movedIn: number;
  movedOut: number;
  spentHereByItsMembers: number;
  spentThereByOurMembers: number;
  recognisedBy?: string;
  changed?: RecordRef;
};
/** This community's cross-community totals (minutes), as TimeBank.clearing. */
export type ClearingTotals = { movedIn: number; movedOut: number; spentAbroad: number; spentByVisitors: number };
export const NO_CLEARING: ClearingTotals = { movedIn: 0, movedOut: 0, spentAbroad: 0, spentByVisitors: 0 };

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
  /** A visitor's redemption: the community whose member spent here. */
  community?: string;
} & RecordRef;

/**
 * One line of a member's history: `credited` (a confirmed service they gave), `given` (a confirmed service
 * given to them; no balance change), `gift-in`, `gift-out`, `redeemed`. `minutes` is always positive.
 */
export type HistoryEntry = {
  kind: "credited" | "given" | "gift-in" | "gift-out" | "redeemed" | "redeemed-elsewhere" | "moved-in" | "moved-out";
  /** For a redemption elsewhere or a move: the other community's TimeBank. */
  community?: string;
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
function move(tx: ModelTx, address: string, delta: number, total: "earned" | "giftsReceived" | "giftsGiven" | "redeemed" | "movedIn" | "movedOut"): MemberView {
  const m = memberOf(tx, address);
  const next: MemberView = { ...m, balance: m.balance + delta, [total]: (m[total] ?? 0) + Math.abs(delta) };
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

function communityOf(tx: ModelTx, address: string): CommunityView {
  return (
    tx.get<CommunityView>("tbCommunities", address) ?? { address, recognised: false, clearing: 0, movedIn: 0, movedOut: 0, spentHereByItsMembers: 0, spentThereByOurMembers: 0 }
  );
}

/** Adds to the clearing with `community` (positive: minutes received from it) and to one of its totals. */
function clear(tx: ModelTx, community: string, delta: number, total: "movedIn" | "movedOut" | "spentHereByItsMembers" | "spentThereByOurMembers", own: keyof ClearingTotals): void {
  const c = communityOf(tx, community);
  tx.put("tbCommunities", community, { ...c, clearing: c.clearing + delta, [total]: c[total] + Math.abs(delta) });
  const totals = tx.get<ClearingTotals>("tbSettings", "clearing") ?? NO_CLEARING;
  tx.put("tbSettings", "clearing", { ...totals, [own]: totals[own] + Math.abs(delta) });
}

function redemptionKind(value: unknown): (typeof REDEMPTION_KINDS)[number] {
  const kind = REDEMPTION_KINDS[value as number];
  if (!kind) throw new Error(`Redemption kind ${value}; the TimeBank ABI has changed: update REDEMPTION_KINDS.`);
  return kind;
}

export const timebankModel: ReadModel = {
  contract: "TimeBank",
  models: ["tbMembers", "tbFamily", "tbPartners", "tbServices", "tbServicesBy", "tbGifts", "tbRedemptions", "tbVouchers", "tbHistory", "tbSettings", "tbCommunities"],
  reducers: {
    MemberRegistered: (e, tx) => {
      const address = e.args.member as string;
      const m = memberOf(tx, address);
      tx.put("tbMembers", address, { ...m, member: true, registered: recordRef(e), removed: undefined, movedTo: undefined });
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
      const kind = redemptionKind(e.args.kind);
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
    CommunityRecognised: (e, tx) => {
      const c = communityOf(tx, e.args.community as string);
      tx.put("tbCommunities", c.address, { ...c, recognised: true, recognisedBy: e.args.admin as string, changed: recordRef(e) });
    },
    CommunityRecognitionWithdrawn: (e, tx) => {
      const c = communityOf(tx, e.args.community as string);
      tx.put("tbCommunities", c.address, { ...c, recognised: false, recognisedBy: e.args.admin as string, changed: recordRef(e) });
    },
    CreditsRedeemedElsewhere: (e, tx) => {
      const member = e.args.member as string;
      const community = e.args.community as string;
      const minutes = e.args.minutes_ as number;
      redemptionKind(e.args.kind);
      const m = move(tx, member, -minutes, "redeemed");
      clear(tx, community, -minutes, "spentThereByOurMembers", "spentAbroad");
      const authorizationId = e.args.authorizationId as string;
      const proxy = authorizationId !== "0" ? { by: e.args.by as string, authorizationId } : {};
      history(e, tx, member, { kind: "redeemed-elsewhere", minutes, counterparty: e.args.partner as string, community, balanceAfter: m.balance, ...proxy });
    },
    VisitorCreditsRedeemed: (e, tx) => {
      const community = e.args.community as string;
      const minutes = e.args.minutes_ as number;
      const view: RedemptionView = {
        member: e.args.member as string,
        partner: e.args.partner as string,
        minutes,
        kind: redemptionKind(e.args.kind),
        noteHash: e.args.noteHash as string,
        by: e.args.member as string,
        authorizationId: "0",
        community,
        ...recordRef(e),
      };
      // The partner here honours it like any redemption, with the voucher of this community's record.
      tx.put("tbRedemptions", numKey(e.seq), view);
      tx.put("tbVouchers", voucherCode(view.txHash, view.logIndex), numKey(e.seq));
      clear(tx, community, minutes, "spentHereByItsMembers", "spentByVisitors");
    },
    MemberMovedOut: (e, tx) => {
      const member = e.args.member as string;
      const community = e.args.community as string;
      const minutes = e.args.minutes_ as number;
      const m = move(tx, member, -minutes, "movedOut");
      tx.put("tbMembers", member, { ...m, member: false, movedTo: community, removed: recordRef(e) });
      clear(tx, community, -minutes, "movedOut", "movedOut");
      const authorizationId = e.args.authorizationId as string;
      const proxy = authorizationId !== "0" ? { by: e.args.by as string, authorizationId } : {};
      history(e, tx, member, { kind: "moved-out", minutes, counterparty: member, community, balanceAfter: 0, ...proxy });
    },
    MemberMovedIn: (e, tx) => {
      const member = e.args.member as string;
      const community = e.args.community as string;
      const minutes = e.args.minutes_ as number;
      const m = move(tx, member, minutes, "movedIn");
      tx.put("tbMembers", member, { ...m, member: true, movedTo: undefined, movedFrom: community, registered: m.registered ?? recordRef(e), removed: undefined });
      clear(tx, community, minutes, "movedIn", "movedIn");
      history(e, tx, member, { kind: "moved-in", minutes, counterparty: member, community, balanceAfter: m.balance });
    },
  },
};
