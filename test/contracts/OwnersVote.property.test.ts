// Property test: random estates, matters, scopes, local rules and ballots (direct, signed, batched, and proxy
// ballots by staff under an authorisation, which the holder's own later ballot replaces); the contract's tally
// (proxy counts included) and outcome must equal those of the plain reference rules in test/helpers/rules.ts.
import { expect } from "chai";
import { network } from "hardhat";
import fc from "fast-check";
import { ZeroAddress } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { addBuilding, createEstate, registerUnits } from "../helpers/estate.js";
import { authorize, Scope } from "../helpers/proxies.js";
import { Choice, MATTER_COUNT, Matter, Outcome, atLeast, countBallots, decide, defaultRule, meetsFloor, scopeWeights } from "../helpers/rules.js";
import type { ChoiceValue, MatterValue, Rule, UnitRecord } from "../helpers/rules.js";
import {
  asTally,
  ballotDomain,
  deployVoting,
  grantCommittee,
  openVote,
  signBallot,
  signCompact,
} from "../helpers/votes.js";
import type { SignedBallot } from "../helpers/votes.js";

const connection = await network.create();
const { networkHelpers } = connection;
const { time } = networkHelpers;

const RUNS = 60;
const HOLDERS = 10;
const MAX_BUILDINGS = 3;
const MAX_UNITS = 14;
const MAX_EXTRA_BALLOTS = 6;
const MAX_DENOMINATOR = 6;
const MAX_AREA = 20_000;
/** fast-check's `freq`: one option in `freq` is absent (a position that does not vote; no local rule). */
const TURNOUT_FREQ = 6;
const OVERRIDE_FREQ = 2;
/** Voter positions: DEVELOPER is the estate's developer, OUTSIDER an address that never held a unit. */
const DEVELOPER = -1;
const OUTSIDER = HOLDERS;
const POSITIONS = OUTSIDER - DEVELOPER + 1;

type Channel = "direct" | "bySig" | "staff" | "batch";
type Ballot = { voter: number; choice: ChoiceValue; channel: Channel };
type Scenario = {
  buildings: number;
  units: { building: number; area: number; holder: number }[];
  matter: MatterValue;
  scope: number;
  override: Rule | undefined;
  ballots: Ballot[];
  saleAfterOpening: number | undefined;
};

const fractionArb = (ofTotal: fc.Arbitrary<boolean>) =>
  fc
    .record({ d: fc.integer({ min: 1, max: MAX_DENOMINATOR }), n: fc.nat(), strict: fc.boolean(), ofTotal })
    .map(({ d, n, strict, ofTotal: t }) => ({
      numerator: BigInt(n % (d + 1)),
      denominator: BigInt(d),
      strict,
      ofTotal: t,
    }));

const choiceArb: fc.Arbitrary<ChoiceValue> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(Choice.None) },
  { weight: 4, arbitrary: fc.constant(Choice.For) },
  { weight: 2, arbitrary: fc.constant(Choice.Against) },
  { weight: 1, arbitrary: fc.constant(Choice.Abstain) },
);

const castArb = fc.record({
  choice: choiceArb,
  channel: fc.constantFrom<Channel>("direct", "bySig", "staff", "batch"),
  order: fc.nat(),
});

const ballotsArb: fc.Arbitrary<Ballot[]> = fc
  .record({
    // Most positions vote, so that quorums are often met…
    turnout: fc.array(fc.option(castArb, { nil: undefined, freq: TURNOUT_FREQ }), {
      minLength: POSITIONS,
      maxLength: POSITIONS,
    }),
    // …and a few vote again.
    extra: fc.array(fc.record({ voter: fc.integer({ min: DEVELOPER, max: OUTSIDER }), cast: castArb }), {
      maxLength: MAX_EXTRA_BALLOTS,
    }),
  })
  .map(({ turnout, extra }) =>
    [...turnout.flatMap((cast, i) => (cast ? [{ voter: i + DEVELOPER, cast }] : [])), ...extra]
      .sort((a, b) => a.cast.order - b.cast.order)
      .map(({ voter, cast }) => ({ voter, choice: cast.choice, channel: cast.channel })),
  );

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  buildings: fc.integer({ min: 1, max: MAX_BUILDINGS }),
  units: fc.array(
    fc.record({
      building: fc.nat({ max: MAX_BUILDINGS - 1 }),
      area: fc.integer({ min: 1, max: MAX_AREA }),
      holder: fc.integer({ min: DEVELOPER, max: HOLDERS - 1 }),
    }),
    { minLength: 1, maxLength: MAX_UNITS },
  ),
  matter: fc.integer({ min: 0, max: MATTER_COUNT - 1 }).map((m) => m as MatterValue),
  scope: fc.nat({ max: MAX_BUILDINGS }),
  override: fc.option(fc.record({ quorum: fractionArb(fc.constant(true)), approval: fractionArb(fc.boolean()) }), {
    nil: undefined,
    freq: OVERRIDE_FREQ,
  }),
  ballots: ballotsArb,
  saleAfterOpening: fc.option(fc.nat({ max: MAX_UNITS - 1 }), { nil: undefined }),
});

async function baseFixture() {
  const { registry, proxies, vote, roles, signers } = await deployVoting(connection);
  const [admin, developer, committee, relayer, staff, ...rest] = signers;
  const holders = rest.slice(0, HOLDERS);
  const outsider = rest[HOLDERS];
  const estateId = await createEstate(registry, developer.address);
  await grantCommittee(registry, estateId, committee.address);
  await (await registry.grantRole(roles.relayer, relayer.address)).wait();
  await (await registry.grantRole(roles.staff, staff.address)).wait();
  const domain = await ballotDomain(vote);
  return { registry, proxies, vote, admin, developer, committee, relayer, staff, holders, outsider, estateId, domain };
}

type Base = Awaited<ReturnType<typeof baseFixture>>;

function voterOf(base: Base, position: number): HardhatEthersSigner {
  if (position === DEVELOPER) return base.developer;
  if (position === OUTSIDER) return base.outsider;
  return base.holders[position];
}

/** Registers the scenario's units; returns them as the reference sees them, their ids and the building ids. */
async function buildEstate(
  base: Base,
  s: Scenario,
): Promise<{ units: UnitRecord[]; ids: bigint[]; buildingIds: bigint[] }> {
  const buildingIds: bigint[] = [];
  for (let b = 0; b < s.buildings; ++b) buildingIds.push(await addBuilding(base.registry, base.estateId));
  const units: UnitRecord[] = [];
  const ids: bigint[] = [];
  for (let b = 0; b < s.buildings; ++b) {
    const here = s.units.filter((u) => u.building % s.buildings === b);
    if (here.length === 0) continue;
    const rows = here.map((u) => ({
      area: u.area,
      holder: u.holder === DEVELOPER ? ZeroAddress : base.holders[u.holder].address,
    }));
    ids.push(...(await registerUnits(base.registry, buildingIds[b], rows)));
    for (const u of here) {
      units.push({ buildingId: buildingIds[b], area: BigInt(u.area), holder: voterOf(base, u.holder).address });
    }
  }
  return { units, ids, buildingIds };
}

/** Casts one ballot through its channel; returns whether the contract accepted it. */
async function castIndividually(base: Base, voteId: bigint, voter: HardhatEthersSigner, b: Ballot): Promise<boolean> {
  const vote = base.vote;
  try {
    if (b.channel === "direct") {
      await (await vote.connect(voter).castBallot(voteId, b.choice)).wait();
    } else if (b.channel === "staff") {
      // The resident's paper authorisation for this vote, recorded first (an outsider's is refused as well:
      // the contract then refuses the ballot as not eligible).
      const auth = await authorize(base.proxies, base.staff, voter.address, Scope.Votes, { voteId });
      await (await vote.connect(base.staff).castBallotOnBehalf(voteId, voter.address, b.choice, auth)).wait();
    } else {
      const sig = await signBallot(voter, base.domain, voteId, voter.address, b.choice);
      await (await vote.connect(base.relayer).castBallotBySig(voteId, voter.address, b.choice, sig)).wait();
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Casts the ballots in order, consecutive batch ballots as one batch, and checks that each is accepted (or
 * counted in its batch) exactly when the reference would count it.
 */
async function castBallots(
  base: Base,
  voteId: bigint,
  ballots: Ballot[],
  weights: ReadonlyMap<string, bigint>,
): Promise<void> {
  // Holder → whether the ballot standing for it is a proxy ballot.
  const voted = new Map<string, boolean>();
  const counts = (address: string, choice: ChoiceValue, proxy: boolean): boolean => {
    const key = address.toLowerCase();
    if (choice === Choice.None || !weights.has(key)) return false;
    const before = voted.get(key);
    return before === undefined || (before && !proxy);
  };
  let pending: SignedBallot[] = [];
  let pendingCounted = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const relayed = base.vote.connect(base.relayer);
    expect(await relayed.castBallotBatch.staticCall(voteId, pending)).to.equal(BigInt(pendingCounted));
    await (await relayed.castBallotBatch(voteId, pending)).wait();
    pending = [];
    pendingCounted = 0;
  };
  for (const b of ballots) {
    const voter = voterOf(base, b.voter);
    const proxy = b.channel === "staff";
    const expected = counts(voter.address, b.choice, proxy);
    if (b.channel === "batch") {
      pending.push(await signCompact(voter, base.domain, voteId, voter.address, b.choice));
      if (expected) ++pendingCounted;
    } else {
      await flush();
      expect(await castIndividually(base, voteId, voter, b)).to.equal(expected);
    }
    if (expected) voted.set(voter.address.toLowerCase(), proxy);
  }
  await flush();
}

describe("OwnersVote (property)", function () {
  this.timeout(120_000);

  it("agrees with the reference rules on random estates, scopes, rules and ballots", async function () {
    let stricter = 0;
    let looser = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const base = await networkHelpers.loadFixture(baseFixture);
        const { units, ids, buildingIds } = await buildEstate(base, s);
        // Scope 0 is the estate; a building without units falls back to the estate (it cannot be voted on).
        const scoped = s.scope === 0 ? undefined : buildingIds[(s.scope - 1) % s.buildings];
        const buildingId = scoped !== undefined && units.some((u) => u.buildingId === scoped) ? scoped : 0n;
        // A local rule below the Civil Code's floors is refused, and the default applies.
        let rule = defaultRule(s.matter);
        if (s.override) {
          const setting = base.vote.connect(base.admin).setRule(base.estateId, s.matter, s.override);
          if (meetsFloor(s.override, s.matter)) {
            await (await setting).wait();
            rule = s.override;
            stricter++;
          } else {
            const floor = defaultRule(s.matter);
            await expect(setting).to.be.revertedWithCustomError(
              base.vote,
              atLeast(s.override.quorum, floor.quorum) ? "ApprovalBelowFloor" : "QuorumBelowFloor",
            );
            looser++;
          }
        }
        const fundMatter = s.matter === Matter.UseFund || s.matter === Matter.RaiseFund;
        const opened = await openVote(base.vote, base.committee, await time.latest(), {
          estateId: base.estateId,
          buildingId,
          matter: s.matter,
          budget: fundMatter ? 1_000n : 0n,
        });
        if (s.saleAfterOpening !== undefined) {
          const unitId = ids[s.saleAfterOpening % ids.length];
          await (await base.registry.transferUnit(unitId, base.outsider.address)).wait();
        }
        await time.increaseTo(opened.start);

        const weights = scopeWeights(units, buildingId);
        await castBallots(base, opened.voteId, s.ballots, weights);
        const ordered = s.ballots.map((b) => ({ holder: voterOf(base, b.voter).address, choice: b.choice, proxy: b.channel === "staff" }));
        const expected = countBallots(weights, ordered);
        expect(asTally(await base.vote.tallyOf(opened.voteId))).to.deep.equal(expected);

        await time.increaseTo(opened.end);
        await (await base.vote.finalize(opened.voteId)).wait();
        const outcome = Number((await base.vote.authorization(opened.voteId)).outcome);
        expect(outcome).to.equal(decide(expected, rule));
        // Stricter, never looser: what passes under an accepted local rule passes under the Civil Code too.
        if (outcome === Outcome.Passed) expect(decide(expected, defaultRule(s.matter))).to.equal(Outcome.Passed);
      }),
      { numRuns: RUNS },
    );
    expect(stricter, "accepted local rules").to.be.greaterThan(0);
    expect(looser, "refused local rules").to.be.greaterThan(0);
  });
});
