// Read models of OwnersVote: every vote as it was opened (scope, matter, window, snapshot totals, rule), its
// live tally (summed from BallotCast, so it equals `tallyOf` at every block), its outcome once finalized, each
// counted ballot (by vote in cast order, and by holder), and the estates' rule overrides.
import { numKey } from "../../store/store.js";
import { recordRef, type RecordRef } from "./refs.js";
import type { EventRecord, ModelTx, ReadModel } from "./types.js";

/** OwnersVote's Matter enum, in order. */
export const MATTERS = [
  "RulesOfProcedure",
  "ManagementStatute",
  "ElectCommittee",
  "HirePropertyManager",
  "UseFund",
  "RaiseFund",
  "Rebuild",
  "ChangeCommonUse",
  "OtherMajorMatter",
] as const;
export type MatterName = (typeof MATTERS)[number];
export const OUTCOMES = ["Pending", "QuorumNotMet", "Passed", "Rejected"] as const;
export type OutcomeName = (typeof OUTCOMES)[number];
/** Choice 0 (None) never appears in a counted ballot. */
export const CHOICES = ["none", "for", "against", "abstain"] as const;
export type ChoiceName = Exclude<(typeof CHOICES)[number], "none">;

export type Threshold = { numerator: number; denominator: number; strict: boolean; ofTotal: boolean };
export type Rule = { quorum: Threshold; approval: Threshold };

/** Areas (0.01 m²) as decimal strings, heads as numbers, as OwnersVote.Tally. */
export type TallyView = {
  areaFor: string;
  areaAgainst: string;
  areaAbstain: string;
  totalArea: string;
  headsFor: number;
  headsAgainst: number;
  headsAbstain: number;
  totalHeads: number;
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
  enteredBy: string;
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
  };
  tx.put("votes", voteKey(voteId), vote);
  tx.put("voteTallies", voteKey(voteId), tally);
  tx.put("votesByEstate", `${numKey(vote.estateId)}:${voteKey(voteId)}`, voteId);
};

const ballotCast = (e: EventRecord, tx: ModelTx) => {
  const voteId = e.args.voteId as string;
  requireVote(tx, voteId);
  const choice = CHOICES[e.args.choice as number];
  if (!choice || choice === "none") throw new Error(`Vote ${voteId} counted a ballot with choice ${e.args.choice}; the ABI has changed.`);
  const area = BigInt(e.args.area as string);
  const t = tx.get<TallyView>("voteTallies", voteKey(voteId));
  if (!t) throw new Error(`Vote ${voteId} has no tally; the read model is corrupt: re-index into a fresh --data-dir.`);
  const next: TallyView = { ...t };
  if (choice === "for") [next.areaFor, next.headsFor] = [(BigInt(t.areaFor) + area).toString(), t.headsFor + 1];
  if (choice === "against") [next.areaAgainst, next.headsAgainst] = [(BigInt(t.areaAgainst) + area).toString(), t.headsAgainst + 1];
  if (choice === "abstain") [next.areaAbstain, next.headsAbstain] = [(BigInt(t.areaAbstain) + area).toString(), t.headsAbstain + 1];
  tx.put("voteTallies", voteKey(voteId), next);
  const ballot: BallotView = {
    voteId,
    holder: e.args.holder as string,
    choice,
    area: area.toString(),
    enteredBy: e.args.enteredBy as string,
    ...recordRef(e),
  };
  // Cast order within a vote; a holder's ballots by vote.
  const key = `${voteKey(voteId)}:${numKey(e.seq)}`;
  tx.put("ballots", key, ballot);
  tx.put("holderBallots", `${ballot.holder}:${voteKey(voteId)}`, key);
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
