// A plain reference implementation of the owners' joint-decision rules (Civil Code art. 278 and the SPC
// interpretation, restated in docs/domain.md), written from the rules and not from the
// contract, so that the property test can compare the two.

export const Matter = {
  RulesOfProcedure: 0,
  ManagementStatute: 1,
  ElectCommittee: 2,
  HirePropertyManager: 3,
  UseFund: 4,
  RaiseFund: 5,
  Rebuild: 6,
  ChangeCommonUse: 7,
  OtherMajorMatter: 8,
} as const;
export type MatterValue = (typeof Matter)[keyof typeof Matter];
export const MATTER_COUNT = 9;

export const Choice = { None: 0, For: 1, Against: 2, Abstain: 3 } as const;
export type ChoiceValue = (typeof Choice)[keyof typeof Choice];

export const Outcome = { Pending: 0, QuorumNotMet: 1, Passed: 2, Rejected: 3 } as const;
export type OutcomeValue = (typeof Outcome)[keyof typeof Outcome];

/** `numerator/denominator` of the scope's total (`ofTotal`) or of the participation; `strict` means "more than". */
export type Fraction = { numerator: bigint; denominator: bigint; strict: boolean; ofTotal: boolean };
export type Rule = { quorum: Fraction; approval: Fraction };

/** A unit of an estate: the building it stands in, its registered area and its holder's address. */
export type UnitRecord = { buildingId: bigint; area: bigint; holder: string };

export type Tally = {
  areaFor: bigint;
  areaAgainst: bigint;
  areaAbstain: bigint;
  totalArea: bigint;
  headsFor: bigint;
  headsAgainst: bigint;
  headsAbstain: bigint;
  totalHeads: bigint;
  /** The part of the counted ballots that staff cast for residents under an authorisation (any choice). */
  proxyArea: bigint;
  proxyHeads: bigint;
};

const MAJOR_MATTERS: readonly MatterValue[] = [Matter.RaiseFund, Matter.Rebuild, Matter.ChangeCommonUse];

export function isMajor(matter: MatterValue): boolean {
  return MAJOR_MATTERS.includes(matter);
}

/** The legal default: 2/3 of area and heads take part; 3/4 (major) or more than 1/2 of the participants agree. */
export function defaultRule(matter: MatterValue): Rule {
  const quorum: Fraction = { numerator: 2n, denominator: 3n, strict: false, ofTotal: true };
  const approval: Fraction = isMajor(matter)
    ? { numerator: 3n, denominator: 4n, strict: false, ofTotal: false }
    : { numerator: 1n, denominator: 2n, strict: true, ofTotal: false };
  return { quorum, approval };
}

/**
 * Whether fraction `f` asks at least as much as `floor`: a larger fraction, or the same one at least as strict.
 * Whether `f` counts against the scope's total or the participants does not matter here: the participants are
 * never more than the total, so a fraction of the total asks at least that fraction of the participants, while a
 * smaller fraction of the total is looser than the floor when every owner takes part.
 */
export function atLeast(f: Fraction, floor: Fraction): boolean {
  const lhs = f.numerator * floor.denominator;
  const rhs = floor.numerator * f.denominator;
  if (lhs !== rhs) return lhs > rhs;
  return f.strict || !floor.strict;
}

/** A local rule may be stricter than the Civil Code, never looser: both its thresholds reach the default's. */
export function meetsFloor(rule: Rule, matter: MatterValue): boolean {
  const floor = defaultRule(matter);
  return rule.quorum.ofTotal && atLeast(rule.quorum, floor.quorum) && atLeast(rule.approval, floor.approval);
}

/**
 * Each holder's area in a scope (building 0 = whole estate). One holder is one head however many units it
 * holds; the developer holds its unsold units under one address, so it is one head too.
 */
export function scopeWeights(units: readonly UnitRecord[], buildingId: bigint): Map<string, bigint> {
  const weights = new Map<string, bigint>();
  for (const u of units) {
    if (buildingId !== 0n && u.buildingId !== buildingId) continue;
    const key = u.holder.toLowerCase();
    weights.set(key, (weights.get(key) ?? 0n) + u.area);
  }
  return weights;
}

/**
 * Counts the first ballot of each eligible holder; later ballots and ballots of non-holders do not count, except
 * that a holder's own ballot replaces a ballot staff cast for them by proxy (a proxy ballot never replaces
 * anything, and the holder's own ballot is final).
 */
export function countBallots(
  weights: ReadonlyMap<string, bigint>,
  ballots: readonly { holder: string; choice: ChoiceValue; proxy?: boolean }[],
): Tally {
  const tally: Tally = {
    areaFor: 0n,
    areaAgainst: 0n,
    areaAbstain: 0n,
    totalArea: [...weights.values()].reduce((a, b) => a + b, 0n),
    headsFor: 0n,
    headsAgainst: 0n,
    headsAbstain: 0n,
    totalHeads: BigInt(weights.size),
    proxyArea: 0n,
    proxyHeads: 0n,
  };
  // The ballot that stands for each holder so far.
  const standing = new Map<string, { choice: ChoiceValue; proxy: boolean }>();
  for (const b of ballots) {
    const key = b.holder.toLowerCase();
    const area = weights.get(key);
    if (area === undefined || b.choice === Choice.None) continue;
    const proxy = b.proxy ?? false;
    const before = standing.get(key);
    if (before && (proxy || !before.proxy)) continue;
    if (before) add(tally, before.choice, -area, -1n, true);
    standing.set(key, { choice: b.choice, proxy });
    add(tally, b.choice, area, 1n, proxy);
  }
  return tally;
}

function add(tally: Tally, choice: ChoiceValue, area: bigint, heads: bigint, proxy: boolean): void {
  if (choice === Choice.For) {
    tally.areaFor += area;
    tally.headsFor += heads;
  } else if (choice === Choice.Against) {
    tally.areaAgainst += area;
    tally.headsAgainst += heads;
  } else {
    tally.areaAbstain += area;
    tally.headsAbstain += heads;
  }
  if (proxy) {
    tally.proxyArea += area;
    tally.proxyHeads += heads;
  }
}

/** Whether `part/base` reaches the fraction, exactly (no rounding). */
export function reaches(part: bigint, base: bigint, f: Fraction): boolean {
  return f.strict ? part * f.denominator > f.numerator * base : part * f.denominator >= f.numerator * base;
}

/** The decision: quorum first (of the totals), then approval; abstentions take part but do not approve. */
export function decide(t: Tally, rule: Rule): OutcomeValue {
  const areaIn = t.areaFor + t.areaAgainst + t.areaAbstain;
  const headsIn = t.headsFor + t.headsAgainst + t.headsAbstain;
  if (!reaches(areaIn, t.totalArea, rule.quorum) || !reaches(headsIn, t.totalHeads, rule.quorum)) {
    return Outcome.QuorumNotMet;
  }
  const areaBase = rule.approval.ofTotal ? t.totalArea : areaIn;
  const headsBase = rule.approval.ofTotal ? t.totalHeads : headsIn;
  // Nobody in favour never approves anything, even under a local rule with a zero fraction.
  const approved =
    t.headsFor > 0n && reaches(t.areaFor, areaBase, rule.approval) && reaches(t.headsFor, headsBase, rule.approval);
  return approved ? Outcome.Passed : Outcome.Rejected;
}
