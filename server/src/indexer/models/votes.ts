// Read models of OwnersVote: every vote as it was opened (scope, matter, window, snapshot totals, rule), its
// live tally (summed from BallotCast and ProxyBallotReplaced, so it equals `tallyOf` at every block, proxy counts
// included), its outcome once finalized, each ballot (by vote in cast order, and by holder; a proxy ballot names
// its staff member and authorisation, and is marked replaced when the holder's own ballot took its place), and
// the estates' rule overrides.
import { MATTERS, type MatterName } from "../../chain/matters.js";
import { numKey } from "../../store/store.js";
import { recordRef, type RecordRef } from "./refs.js";
import type { EventRecord, ModelTx, ReadModel } from "./types.js";

export { MATTERS, type MatterName };
export const OUTCOMES = ["Pending", "QuorumNotMet", "Passed", "Rejected"] as const;
export type OutcomeName = (typeof OUTCOMES)[number];
/** Choice 0 (None) never appears in a counted ballot. */
export const CHOICES = ["none", "for", "against", "abstain"] as const;
export type ChoiceName = Exclude<(typeof CHOICES)[number], "none">;

export type Threshold = { numerator: number; denominator: number; strict: boolean; ofTotal: boolean };
export type Rule = { quorum: Threshold; approval: Threshold };

/**
 * Areas (0.01 m²) as decimal strings, heads as numbers, as OwnersVote.Tally. `proxyArea`/`proxyHeads`: the part
 * of the counted ballots that staff cast for residents under an authorisation.
 */
export type TallyView = {
  areaFor: string;
  areaAgainst: string;
  areaAbstain: string;
  totalArea: string;
  headsFor: number;
  headsAgainst: number;
  headsAbstain: number;
  totalHeads: number;
  proxyArea: string;
  proxyHeads: number;
};

export type VoteView = {
  voteId: string;
  estateId: number;
  buildingId: number;
  scopeKey: string;
  matter: MatterName;
  contentHash: string;
  /** Ballot window in block time (seconds): from `start` inclusive to `end` exclusive. */
  start: number;
  end: number;
  snapshot: number;
  budget: string;
  rule: Rule;
  openedBy: string;
  opened: RecordRef;
  outcome: OutcomeName;
  finalized?: RecordRef;
};

export type BallotView = {
  voteId: string;
  holder: string;
  choice: ChoiceName;
  area: string;
  /** The holder, or the staff member who cast it for them. */
  enteredBy: string;
  /** The authorisation a proxy ballot was cast under ("0" for the holder's own ballot). */
  authorizationId: string;
  /** A proxy ballot that the holder's own ballot replaced: no longer counted. */
  replaced?: RecordRef;
} & RecordRef;

export type RuleOverrideView = { estateId: number; matter: MatterName; rule: Rule } & RecordRef;

export const voteKey = (voteId: string | number) => numKey(Number(voteId));

export function matterName(value: number): MatterName {
  const name = MATTERS[value];
  if (!name) throw new Error(`Unknown Matter ${value}; the OwnersVote ABI has changed: update MATTERS.`);
  return name;
}

function ruleOf(value: unknown): Rule {
  const r = value as { quorum: Threshold; approval: Threshold };
  const t = (x: Threshold): Threshold => ({ numerator: x.numerator, denominator: x.denominator, strict: x.strict, ofTotal: x.ofTotal });
  return { quorum: t(r.quorum), approval: t(r.approval) };
}

function requireVote(tx: ModelTx, voteId: string): VoteView {
  const vote = tx.get<VoteView>("votes", voteKey(voteId));
  if (!vote) throw new Error(`Vote ${voteId} has events before its VoteOpened; the events arrived out of order.`);
  return vote;
}

const voteOpened = (e: EventRecord, tx: ModelTx) => {
  const a = e.args;
  const voteId = a.voteId as string;
  const vote: VoteView = {
    voteId,
    estateId: a.estateId as number,
    buildingId: a.buildingId as number,
    scopeKey: a.scopeKey as string,
    matter: matterName(a.matter as number),
    contentHash: a.contentHash as string,
    start: a.start as number,
    end: a.end as number,
    snapshot: a.snapshot as number,
    budget: a.budget as string,
    rule: ruleOf(a.rule),
    openedBy: a.openedBy as string,
    opened: recordRef(e),
    outcome: "Pending",
  };
  const tally: TallyView = {
    areaFor: "0",
    areaAgainst: "0",
    areaAbstain: "0",
    totalArea: a.totalArea as string,
    headsFor: 0,
    headsAgainst: 0,
    headsAbstain: 0,
    totalHeads: a.totalHeads as number,
    proxyArea: "0",
    proxyHeads: 0,
  };
  tx.put("votes", voteKey(voteId), vote);
  tx.put("voteTallies", voteKey(voteId), tally);
  tx.put("votesByEstate", `${numKey(vote.estateId)}:${voteKey(voteId)}`, voteId);
};

function choiceName(voteId: string, value: unknown): ChoiceName {
  const choice = CHOICES[value as number];
  if (!choice || choice === "none") throw new Error(`Vote ${voteId} has a ballot with choice ${String(value)}; the ABI has changed: update CHOICES.`);
  return choice;
}

/** Adds `sign` (1 or −1) times one ballot of `area` with `choice` to a vote's tally, and to its proxy counts. */
function count(tx: ModelTx, voteId: string, choice: ChoiceName, area: bigint, sign: 1 | -1, proxy: boolean): void {
  const t = tx.get<TallyView>("voteTallies", voteKey(voteId));
  if (!t) throw new Error(`Vote ${voteId} has no tally; the read model is corrupt: re-index into a fresh --data-dir.`);
  const next: TallyView = { ...t };
  const d = BigInt(sign) * area;
  if (choice === "for") [next.areaFor, next.headsFor] = [(BigInt(t.areaFor) + d).toString(), t.headsFor + sign];
  if (choice === "against") [next.areaAgainst, next.headsAgainst] = [(BigInt(t.areaAgainst) + d).toString(), t.headsAgainst + sign];
  if (choice === "abstain") [next.areaAbstain, next.headsAbstain] = [(BigInt(t.areaAbstain) + d).toString(), t.headsAbstain + sign];
  if (proxy) [next.proxyArea, next.proxyHeads] = [(BigInt(t.proxyArea) + d).toString(), t.proxyHeads + sign];
  tx.put("voteTallies", voteKey(voteId), next);
}

const ballotCast = (e: EventRecord, tx: ModelTx) => {
  const voteId = e.args.voteId as string;
  requireVote(tx, voteId);
  const choice = choiceName(voteId, e.args.choice);
  const area = BigInt(e.args.area as string);
  const authorizationId = e.args.authorizationId as string;
  count(tx, voteId, choice, area, 1, authorizationId !== "0");
  const ballot: BallotView = {
    voteId,
    holder: e.args.holder as string,
    choice,
    area: area.toString(),
    enteredBy: e.args.enteredBy as string,
    authorizationId,
    ...recordRef(e),
  };
  // Cast order within a vote; a holder's ballots by vote.
  const key = `${voteKey(voteId)}:${numKey(e.seq)}`;
  tx.put("ballots", key, ballot);
  tx.put("holderBallots", `${ballot.holder}:${voteKey(voteId)}`, key);
};

/** The holder's own ballot replaces a proxy ballot: out of the tally, and marked replaced in the ballot list. */
const proxyBallotReplaced = (e: EventRecord, tx: ModelTx) => {
  const voteId = e.args.voteId as string;
  requireVote(tx, voteId);
  const holder = e.args.holder as string;
  count(tx, voteId, choiceName(voteId, e.args.previous), BigInt(e.args.area as string), -1, true);
  const key = tx.get<string>("holderBallots", `${holder}:${voteKey(voteId)}`);
  const proxy = key === undefined ? undefined : tx.get<BallotView>("ballots", key);
  if (!key || !proxy) throw new Error(`Vote ${voteId} replaced a proxy ballot of ${holder} it never counted; the events arrived out of order.`);
  tx.put("ballots", key, { ...proxy, replaced: recordRef(e) });
};

const voteFinalized = (e: EventRecord, tx: ModelTx) => {
  const voteId = e.args.voteId as string;
  const vote = requireVote(tx, voteId);
  const outcome = OUTCOMES[e.args.outcome as number];
  if (!outcome) throw new Error(`Vote ${voteId} finalized with outcome ${e.args.outcome}; the ABI has changed: update OUTCOMES.`);
  tx.put("votes", voteKey(voteId), { ...vote, outcome, finalized: recordRef(e) });
};

export const votesModel: ReadModel = {
  contract: "OwnersVote",
  models: ["votes", "voteTallies", "votesByEstate", "ballots", "holderBallots", "voteRules"],
  reducers: {
    VoteOpened: voteOpened,
    BallotCast: ballotCast,
    ProxyBallotReplaced: proxyBallotReplaced,
    VoteFinalized: voteFinalized,
    RuleSet: (e, tx) => {
      const view: RuleOverrideView = {
        estateId: e.args.estateId as number,
        matter: matterName(e.args.matter as number),
        rule: ruleOf(e.args.rule),
        ...recordRef(e),
      };
      tx.put("voteRules", `${numKey(view.estateId)}:${view.matter}`, view);
    },
    RuleCleared: (e, tx) => {
      tx.del("voteRules", `${numKey(e.args.estateId as number)}:${matterName(e.args.matter as number)}`);
    },
  },
};
