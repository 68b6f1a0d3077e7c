import { expect } from "chai";
import { network } from "hardhat";
import { Signature, TypedDataEncoder, ZeroAddress, toBeHex } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { OwnersVote } from "../../types/ethers-contracts/index.js";
import { addBuilding, createEstate, registerUnits } from "../helpers/estate.js";
import { authorize, Scope } from "../helpers/proxies.js";
import { Choice, Matter, Outcome } from "../helpers/rules.js";
import type { ChoiceValue, MatterValue, OutcomeValue } from "../helpers/rules.js";
import {
  BALLOT_TYPES,
  ballotDomain,
  deployVoting,
  grantCommittee,
  openVote,
  recoverBallotSigner,
  signBallot,
  signCompact,
} from "../helpers/votes.js";
import type { OpenedVote } from "../helpers/votes.js";

const connection = await network.create();
const { networkHelpers } = connection;
const { time } = networkHelpers;

const SkipReason = { InvalidChoice: 0, InvalidSignature: 1, NotEligible: 2, AlreadyVoted: 3, DuplicateInBatch: 4 };
const BUDGET = 1_500_000n; // fen
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function votingFixture() {
  const { registry, proxies, vote, roles, admin, signers } = await deployVoting(connection);
  const [, developer, committee, relayer, staff, outsider, ...holders] = signers;
  const estateId = await createEstate(registry, developer.address);
  const b1 = await addBuilding(registry, estateId);
  const b2 = await addBuilding(registry, estateId);
  await grantCommittee(registry, estateId, committee.address);
  await (await registry.grantRole(roles.relayer, relayer.address)).wait();
  await (await registry.grantRole(roles.staff, staff.address)).wait();
  return { registry, proxies, vote, roles, admin, developer, committee, relayer, staff, outsider, holders, estateId, b1, b2 };
}

type Fixture = Awaited<ReturnType<typeof votingFixture>>;

/** Registers one unit per area in building b1, the i-th held by holders[i]. */
async function holdersWithAreas(f: Fixture, areas: number[]): Promise<HardhatEthersSigner[]> {
  const holders = f.holders.slice(0, areas.length);
  await registerUnits(
    f.registry,
    f.b1,
    areas.map((area, i) => ({ area, holder: holders[i].address })),
  );
  return holders;
}

/** Opens a vote and moves time to its start. */
async function openAndStart(
  f: Fixture,
  matter: MatterValue,
  options: { buildingId?: bigint; budget?: bigint } = {},
): Promise<OpenedVote> {
  const budget = options.budget ?? (matter === Matter.UseFund || matter === Matter.RaiseFund ? BUDGET : 0n);
  const opened = await openVote(f.vote, f.committee, await time.latest(), {
    estateId: f.estateId,
    buildingId: options.buildingId,
    matter,
    budget,
  });
  await time.increaseTo(opened.start);
  return opened;
}

async function castAll(vote: OwnersVote, voteId: bigint, ballots: [HardhatEthersSigner, ChoiceValue][]): Promise<void> {
  for (const [holder, choice] of ballots) await (await vote.connect(holder).castBallot(voteId, choice)).wait();
}

async function finalizeAfterEnd(vote: OwnersVote, opened: OpenedVote): Promise<OutcomeValue> {
  await time.increaseTo(opened.end);
  await (await vote.finalize(opened.voteId)).wait();
  return Number((await vote.voteOf(opened.voteId)).outcome) as OutcomeValue;
}

/** Registers `areas`, opens a vote on `matter`, casts `choices` (by position) and finalizes. */
async function decideWith(
  f: Fixture,
  matter: MatterValue,
  areas: number[],
  choices: ChoiceValue[],
): Promise<OutcomeValue> {
  const holders = await holdersWithAreas(f, areas);
  const opened = await openAndStart(f, matter);
  await castAll(
    f.vote,
    opened.voteId,
    choices.map((c, i): [HardhatEthersSigner, ChoiceValue] => [holders[i], c]),
  );
  return finalizeAfterEnd(f.vote, opened);
}

const { For, Against, Abstain } = Choice;

describe("OwnersVote", function () {
  describe("participation quorum (2/3 of area and of heads)", function () {
    it("is met at exactly 2/3 of the area and exactly 2/3 of the heads", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      expect(await decideWith(f, Matter.ElectCommittee, [100, 100, 100], [For, For])).to.equal(Outcome.Passed);
    });

    it("fails at just under 2/3 of the area with exactly 2/3 of the heads", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      // 200 of 301: 600 < 602.
      expect(await decideWith(f, Matter.ElectCommittee, [100, 100, 101], [For, For])).to.equal(Outcome.QuorumNotMet);
    });

    it("fails at just under 2/3 of the heads with exactly 2/3 of the area", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      // Area 300 of 450 is exactly 2/3; heads 3 of 5 are under.
      expect(await decideWith(f, Matter.ElectCommittee, [100, 100, 100, 75, 75], [For, For, For])).to.equal(
        Outcome.QuorumNotMet,
      );
    });
  });

  describe("major matter (3/4 of participating area and heads)", function () {
    it("passes at exactly 3/4", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      expect(await decideWith(f, Matter.RaiseFund, [100, 100, 100, 100], [For, For, For, Against])).to.equal(
        Outcome.Passed,
      );
    });

    it("fails at just under 3/4 of the area with exactly 3/4 of the heads", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      // 300 of 401: 1200 < 1203.
      expect(await decideWith(f, Matter.RaiseFund, [100, 100, 100, 101], [For, For, For, Against])).to.equal(
        Outcome.Rejected,
      );
    });

    it("fails under 3/4 of the heads with exactly 3/4 of the area", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      expect(await decideWith(f, Matter.Rebuild, [200, 100, 100], [For, For, Against])).to.equal(Outcome.Rejected);
    });
  });

  describe("ordinary matter (more than 1/2 of participating area and heads)", function () {
    it("fails at exactly 1/2 of area and heads", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      expect(
        await decideWith(f, Matter.HirePropertyManager, [100, 100, 100, 100], [For, For, Against, Against]),
      ).to.equal(Outcome.Rejected);
    });

    it("fails at just over 1/2 of the area with exactly 1/2 of the heads", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      expect(await decideWith(f, Matter.UseFund, [100, 100, 100, 101], [For, Against, Against, For])).to.equal(
        Outcome.Rejected,
      );
    });

    it("fails at over 1/2 of the heads with exactly 1/2 of the area", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      expect(
        await decideWith(f, Matter.ManagementStatute, [100, 50, 50, 100, 100], [For, For, For, Against, Against]),
      ).to.equal(Outcome.Rejected);
    });

    it("passes just over 1/2 of both", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      // Area 201 of 401 and heads 3 of 5.
      expect(
        await decideWith(f, Matter.HirePropertyManager, [100, 1, 100, 100, 100], [For, For, Against, Against, For]),
      ).to.equal(Outcome.Passed);
    });

    it("counts abstentions as participating but not approving", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      expect(await decideWith(f, Matter.RulesOfProcedure, [100, 100, 100, 100], [For, For, Against, Abstain])).to.equal(
        Outcome.Rejected,
      );
    });
  });

  describe("weights", function () {
    it("counts a holder of three units as one head and three areas", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      const [alice, bob] = f.holders;
      await registerUnits(f.registry, f.b1, [
        { area: 100, holder: alice.address },
        { area: 200, holder: alice.address },
        { area: 400, holder: bob.address },
      ]);
      await registerUnits(f.registry, f.b2, [{ area: 300, holder: alice.address }]);
      const opened = await openAndStart(f, Matter.ElectCommittee);
      await expect(f.vote.connect(alice).castBallot(opened.voteId, For))
        .to.emit(f.vote, "BallotCast")
        .withArgs(opened.voteId, alice.address, For, 600n, alice.address, 0n);
      const t = await f.vote.tallyOf(opened.voteId);
      expect([t.areaFor, t.headsFor, t.totalArea, t.totalHeads]).to.deep.equal([600n, 1n, 1000n, 2n]);
    });

    it("counts the developer's units as one head", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      const [alice] = f.holders;
      await registerUnits(f.registry, f.b1, [
        { area: 100, holder: ZeroAddress },
        { area: 200, holder: ZeroAddress },
        { area: 300, holder: alice.address },
      ]);
      await registerUnits(f.registry, f.b2, [{ area: 400, holder: ZeroAddress }]);
      const opened = await openAndStart(f, Matter.ElectCommittee);
      await expect(f.vote.connect(f.developer).castBallot(opened.voteId, Against))
        .to.emit(f.vote, "BallotCast")
        .withArgs(opened.voteId, f.developer.address, Against, 700n, f.developer.address, 0n);
      const t = await f.vote.tallyOf(opened.voteId);
      expect([t.areaAgainst, t.headsAgainst, t.totalArea, t.totalHeads]).to.deep.equal([700n, 1n, 1000n, 2n]);
    });

    it("uses a building's own totals for a building-scoped vote", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      const [alice, bob, carol] = f.holders;
      await registerUnits(f.registry, f.b1, [
        { area: 100, holder: alice.address },
        { area: 200, holder: bob.address },
      ]);
      await registerUnits(f.registry, f.b2, [
        { area: 500, holder: carol.address },
        { area: 50, holder: alice.address },
      ]);
      const opened = await openAndStart(f, Matter.Rebuild, { buildingId: f.b1 });
      const t = await f.vote.tallyOf(opened.voteId);
      expect([t.totalArea, t.totalHeads]).to.deep.equal([300n, 2n]);
      await expect(f.vote.connect(alice).castBallot(opened.voteId, For))
        .to.emit(f.vote, "BallotCast")
        .withArgs(opened.voteId, alice.address, For, 100n, alice.address, 0n);
      await expect(f.vote.connect(carol).castBallot(opened.voteId, For))
        .to.be.revertedWithCustomError(f.vote, "NotEligible")
        .withArgs(opened.voteId, carol.address);
      const auth = await f.vote.authorization(opened.voteId);
      expect([auth.estateId, auth.buildingId, auth.scopeKey]).to.deep.equal([
        f.estateId,
        f.b1,
        await f.registry.scopeKey(f.estateId, f.b1),
      ]);
    });

    it("ignores a sale made after the opening", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      const [alice, bob] = f.holders;
      const [aliceUnit] = await registerUnits(f.registry, f.b1, [
        { area: 100, holder: alice.address },
        { area: 200, holder: bob.address },
      ]);
      const opened = await openAndStart(f, Matter.ElectCommittee);
      await (await f.registry.transferUnit(aliceUnit, f.outsider.address)).wait();
      await expect(f.vote.connect(f.outsider).castBallot(opened.voteId, For))
        .to.be.revertedWithCustomError(f.vote, "NotEligible")
        .withArgs(opened.voteId, f.outsider.address);
      await expect(f.vote.connect(alice).castBallot(opened.voteId, For))
        .to.emit(f.vote, "BallotCast")
        .withArgs(opened.voteId, alice.address, For, 100n, alice.address, 0n);
      const t = await f.vote.tallyOf(opened.voteId);
      expect([t.totalArea, t.totalHeads]).to.deep.equal([300n, 2n]);
    });
  });

  describe("local rules", function () {
    // Stricter than the Civil Code's 3/4 of the participants: 3/4 of all the building's owners.
    const liftRule = {
      quorum: { numerator: 2, denominator: 3, strict: false, ofTotal: true },
      approval: { numerator: 3, denominator: 4, strict: false, ofTotal: true },
    };

    it("applies an estate's override (3/4 of the building's owners agree) to votes opened after it only", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      const holders = await holdersWithAreas(f, [100, 100, 100, 100, 100, 100]);
      const options = { buildingId: f.b1 };
      const before = await openVote(f.vote, f.committee, await time.latest(), {
        estateId: f.estateId,
        buildingId: f.b1,
        matter: Matter.Rebuild,
      });
      await expect(f.vote.connect(f.admin).setRule(f.estateId, Matter.Rebuild, liftRule))
        .to.emit(f.vote, "RuleSet")
        .withArgs(f.estateId, Matter.Rebuild, [
          [2n, 3n, false, true],
          [3n, 4n, false, true],
        ]);
      const after = await openAndStart(f, Matter.Rebuild, options);
      const otherMatter = await openAndStart(f, Matter.ChangeCommonUse, options);
      expect((await f.vote.ruleOfVote(before.voteId)).approval).to.deep.equal([3n, 4n, false, false]);
      expect((await f.vote.ruleOfVote(after.voteId)).approval).to.deep.equal([3n, 4n, false, true]);
      // Four of six take part (the quorum), three agree: 3/4 of the participants but only 1/2 of the building.
      const ballots: [HardhatEthersSigner, ChoiceValue][] = [
        [holders[0], For],
        [holders[1], For],
        [holders[2], For],
        [holders[3], Against],
      ];
      for (const v of [before, after, otherMatter]) await castAll(f.vote, v.voteId, ballots);
      expect(await finalizeAfterEnd(f.vote, before)).to.equal(Outcome.Passed);
      expect(await finalizeAfterEnd(f.vote, after)).to.equal(Outcome.Rejected);
      expect(await finalizeAfterEnd(f.vote, otherMatter)).to.equal(Outcome.Passed);
    });

    it("passes under the override once 3/4 of the building agree", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      const holders = await holdersWithAreas(f, [100, 100, 100, 100, 100, 100]);
      await (await f.vote.connect(f.admin).setRule(f.estateId, Matter.Rebuild, liftRule)).wait();
      const opened = await openAndStart(f, Matter.Rebuild, { buildingId: f.b1 });
      await castAll(f.vote, opened.voteId, [
        [holders[0], For],
        [holders[1], For],
        [holders[2], For],
        [holders[3], For],
        [holders[4], For],
        [holders[5], Against],
      ]);
      expect(await finalizeAfterEnd(f.vote, opened)).to.equal(Outcome.Passed);
    });

    it("refuses a local rule looser than the Civil Code, naming the rule and the floor", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      const admin = f.vote.connect(f.admin);
      const t = (numerator: number, denominator: number, strict = false, ofTotal = false) => ({ numerator, denominator, strict, ofTotal });
      const asArgs = (x: ReturnType<typeof t>) => [BigInt(x.numerator), BigInt(x.denominator), x.strict, x.ofTotal];
      const quorumFloor = t(2, 3, false, true);
      const majorFloor = t(3, 4);
      const ordinaryFloor = t(1, 2, true);
      // Quorum below 2/3 of the totals.
      await expect(admin.setRule(f.estateId, Matter.UseFund, { quorum: t(3, 5, true, true), approval: ordinaryFloor }))
        .to.be.revertedWithCustomError(f.vote, "QuorumBelowFloor")
        .withArgs(asArgs(t(3, 5, true, true)), asArgs(quorumFloor));
      // Major matters: below 3/4, of the participants or of the total ("2/3 of the building's owners" is looser
      // than the law when every owner takes part).
      for (const approval of [t(2, 3), t(2, 3, false, true), t(74, 100, true, true)]) {
        await expect(admin.setRule(f.estateId, Matter.Rebuild, { quorum: quorumFloor, approval }))
          .to.be.revertedWithCustomError(f.vote, "ApprovalBelowFloor")
          .withArgs(Matter.Rebuild, asArgs(approval), asArgs(majorFloor));
      }
      // Other matters: exactly 1/2 without "more than", or less.
      for (const approval of [t(1, 2), t(1, 2, false, true), t(0, 1, true), t(499, 1000, true, true)]) {
        await expect(admin.setRule(f.estateId, Matter.ElectCommittee, { quorum: quorumFloor, approval }))
          .to.be.revertedWithCustomError(f.vote, "ApprovalBelowFloor")
          .withArgs(Matter.ElectCommittee, asArgs(approval), asArgs(ordinaryFloor));
      }
      expect(await f.vote.ruleOf(f.estateId, Matter.Rebuild)).to.deep.equal(await f.vote.defaultRule(Matter.Rebuild));
      // At the floor or stricter is accepted: equal fractions in other terms, a strict bound, a share of the total.
      const accepted: [number, { quorum: ReturnType<typeof t>; approval: ReturnType<typeof t> }][] = [
        [Matter.Rebuild, { quorum: t(4, 6, false, true), approval: t(6, 8) }],
        [Matter.RaiseFund, { quorum: t(2, 3, true, true), approval: t(3, 4, true, true) }],
        [Matter.ElectCommittee, { quorum: t(1, 1, false, true), approval: t(2, 4, true, true) }],
        [Matter.UseFund, { quorum: quorumFloor, approval: t(501, 1000) }],
      ];
      for (const [matter, rule] of accepted) {
        await expect(admin.setRule(f.estateId, matter, rule)).to.emit(f.vote, "RuleSet");
      }
    });

    it("validates overrides, restricts them to the admin and can clear them", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      const admin = f.vote.connect(f.admin);
      const fraction = (numerator: number, denominator: number) => ({
        numerator,
        denominator,
        strict: false,
        ofTotal: true,
      });
      await expect(admin.setRule(f.estateId, Matter.UseFund, { ...liftRule, approval: fraction(1, 0) }))
        .to.be.revertedWithCustomError(f.vote, "InvalidThreshold")
        .withArgs(1, 0);
      await expect(admin.setRule(f.estateId, Matter.UseFund, { ...liftRule, quorum: fraction(4, 3) }))
        .to.be.revertedWithCustomError(f.vote, "InvalidThreshold")
        .withArgs(4, 3);
      await expect(
        admin.setRule(f.estateId, Matter.UseFund, { ...liftRule, quorum: { ...fraction(2, 3), ofTotal: false } }),
      ).to.be.revertedWithCustomError(f.vote, "QuorumNotOfTotal");
      await expect(admin.setRule(99, Matter.UseFund, liftRule))
        .to.be.revertedWithCustomError(f.vote, "UnknownEstate")
        .withArgs(99);
      await expect(f.vote.connect(f.committee).setRule(f.estateId, Matter.UseFund, liftRule))
        .to.be.revertedWithCustomError(f.vote, "MissingRole")
        .withArgs(f.committee.address, await f.registry.DEFAULT_ADMIN_ROLE());
      await (await admin.setRule(f.estateId, Matter.UseFund, liftRule)).wait();
      expect((await f.vote.ruleOf(f.estateId, Matter.UseFund)).approval).to.deep.equal([3n, 4n, false, true]);
      await expect(admin.clearRule(f.estateId, Matter.UseFund))
        .to.emit(f.vote, "RuleCleared")
        .withArgs(f.estateId, Matter.UseFund);
      expect(await f.vote.ruleOf(f.estateId, Matter.UseFund)).to.deep.equal(await f.vote.defaultRule(Matter.UseFund));
      await expect(admin.clearRule(f.estateId, Matter.UseFund))
        .to.be.revertedWithCustomError(f.vote, "NoRuleOverride")
        .withArgs(f.estateId, Matter.UseFund);
    });
  });

  describe("opening", function () {
    it("cannot be deployed without the staff authorisations (ZeroProxies)", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      await expect(connection.ethers.deployContract("OwnersVote", [await f.registry.getAddress(), ZeroAddress])).to.be.revertedWithCustomError(f.vote, "ZeroProxies");
    });

    it("lets only the estate's committee open a vote", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      await holdersWithAreas(f, [100]);
      const [alice] = f.holders;
      await expect(
        openVote(f.vote, alice, await time.latest(), { estateId: f.estateId, matter: Matter.ElectCommittee }),
      )
        .to.be.revertedWithCustomError(f.vote, "NotCommitteeMember")
        .withArgs(alice.address, f.estateId);
    });

    it("records everything in VoteOpened with the snapshot of the previous block", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      await holdersWithAreas(f, [100, 250]);
      const start = (await time.latest()) + 50;
      const end = start + 3600;
      const content = `0x${"12".repeat(32)}`;
      const tx = f.vote.connect(f.committee).openVote(f.estateId, 0, Matter.UseFund, content, start, end, BUDGET);
      const openingBlock = BigInt((await connection.ethers.provider.getBlockNumber()) + 1);
      await expect(tx)
        .to.emit(f.vote, "VoteOpened")
        .withArgs(
          1n,
          f.estateId,
          0n,
          await f.registry.scopeKey(f.estateId, 0),
          Matter.UseFund,
          content,
          start,
          end,
          openingBlock - 1n,
          BUDGET,
          350n,
          2n,
          [
            [2n, 3n, false, true],
            [1n, 2n, true, false],
          ],
          f.committee.address,
        );
      const auth = await f.vote.authorization(1n);
      expect([auth.snapshot, auth.matter, auth.outcome, auth.budget]).to.deep.equal([
        openingBlock - 1n,
        BigInt(Matter.UseFund),
        BigInt(Outcome.Pending),
        BUDGET,
      ]);
    });

    it("rejects bad windows, budgets, content and empty scopes with their values", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      await holdersWithAreas(f, [100]);
      const c = f.vote.connect(f.committee);
      const content = `0x${"12".repeat(32)}`;
      const now = await time.latest();
      await time.setNextBlockTimestamp(now + 10);
      await expect(c.openVote(f.estateId, 0, Matter.ElectCommittee, content, now + 5, now + 100, 0))
        .to.be.revertedWithCustomError(f.vote, "InvalidWindow")
        .withArgs(now + 5, now + 100, now + 10);
      await expect(
        c.openVote(f.estateId, 0, Matter.ElectCommittee, content, now + 500, now + 500, 0),
      ).to.be.revertedWithCustomError(f.vote, "InvalidWindow");
      // Opening this very second is allowed (the window's start is not in the past).
      await time.setNextBlockTimestamp(now + 20);
      await expect(c.openVote(f.estateId, 0, Matter.ElectCommittee, content, now + 20, now + 100, 0)).to.emit(f.vote, "VoteOpened");
      await expect(c.openVote(f.estateId, 0, Matter.RaiseFund, content, now + 500, now + 900, 0))
        .to.be.revertedWithCustomError(f.vote, "BudgetRequired")
        .withArgs(Matter.RaiseFund);
      await expect(c.openVote(f.estateId, 0, Matter.ElectCommittee, content, now + 500, now + 900, 7))
        .to.be.revertedWithCustomError(f.vote, "BudgetNotAllowed")
        .withArgs(Matter.ElectCommittee, 7);
      await expect(
        c.openVote(f.estateId, 0, Matter.ElectCommittee, `0x${"00".repeat(32)}`, now + 500, now + 900, 0),
      ).to.be.revertedWithCustomError(f.vote, "EmptyContent");
      await expect(
        c.openVote(f.estateId, f.b2, Matter.Rebuild, content, now + 500, now + 900, 0),
      ).to.be.revertedWithCustomError(f.vote, "EmptyScope");
      const huge = 1n << 48n; // 0.01 m²: beyond what the packed tally holds
      await registerUnits(f.registry, f.b2, [{ area: huge, holder: f.holders[1].address }]);
      await expect(c.openVote(f.estateId, 0, Matter.ElectCommittee, content, now + 500, now + 900, 0))
        .to.be.revertedWithCustomError(f.vote, "ScopeTooLarge")
        .withArgs(await f.registry.scopeKey(f.estateId, 0), huge + 100n, huge - 1n);
    });
  });

  describe("areas near the limits", function () {
    it("counts a scope at the tally's limit exactly, and refuses one beyond it by its exact total", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      const [alice, bob, carol] = f.holders;
      const half = 2n ** 47n; // 0.01 m²
      await registerUnits(f.registry, f.b1, [
        { area: half, holder: alice.address },
        { area: half - 2n, holder: bob.address },
        { area: 1n, holder: carol.address },
      ]);
      const opened = await openAndStart(f, Matter.ElectCommittee);
      await castAll(f.vote, opened.voteId, [
        [alice, For],
        [bob, Against],
        [carol, For],
      ]);
      const t = await f.vote.tallyOf(opened.voteId);
      expect([t.areaFor, t.areaAgainst, t.totalArea, t.headsFor, t.totalHeads]).to.deep.equal([
        half + 1n,
        half - 2n,
        2n ** 48n - 1n,
        2n,
        3n,
      ]);
      expect(await finalizeAfterEnd(f.vote, opened)).to.equal(Outcome.Passed);
      await registerUnits(f.registry, f.b2, [{ area: 1n, holder: bob.address }]);
      await expect(openVote(f.vote, f.committee, await time.latest(), { estateId: f.estateId, matter: Matter.ElectCommittee }))
        .to.be.revertedWithCustomError(f.vote, "ScopeTooLarge")
        .withArgs(await f.registry.scopeKey(f.estateId, 0), 2n ** 48n, 2n ** 48n - 1n);
    });

    it("refuses areas that used to wrap the scope's total (and flip a vote); ScopeTooLarge sees the true total", async function () {
      const f = await networkHelpers.loadFixture(votingFixture);
      const [alice, bob] = f.holders;
      const max = 2n ** 64n - 1n;
      // Registered, these wrapped the total to 50: a vote opened over "0.5 m²" that one owner of 1 m² decided.
      await expect(f.registry.registerUnits(f.b1, [max - 49n, 100n], [alice.address, bob.address]))
        .to.be.revertedWithCustomError(f.registry, "ScopeAreaTooLarge")
        .withArgs(await f.registry.scopeKey(f.estateId, f.b1), 1n, max + 51n, max);
      await registerUnits(f.registry, f.b1, [
        { area: max - 49n, holder: alice.address },
        { area: 49n, holder: bob.address },
      ]);
      await expect(openVote(f.vote, f.committee, await time.latest(), { estateId: f.estateId, matter: Matter.ElectCommittee }))
        .to.be.revertedWithCustomError(f.vote, "ScopeTooLarge")
        .withArgs(await f.registry.scopeKey(f.estateId, 0), max, 2n ** 48n - 1n);
    });
  });

  describe("ballots", function () {
    async function openVoteFixture() {
      const f = await votingFixture();
      const holders = await holdersWithAreas(f, [100, 200, 300, 400, 500]);
      const latest = await time.latest();
      const opened = await openVote(f.vote, f.committee, latest, {
        estateId: f.estateId,
        matter: Matter.ElectCommittee,
      });
      const other = await openVote(f.vote, f.committee, latest + 1, {
        estateId: f.estateId,
        matter: Matter.UseFund,
        budget: BUDGET,
      });
      await time.increaseTo(other.start);
      const domain = await ballotDomain(f.vote);
      return { ...f, holders, opened, other, domain };
    }

    it("rejects a second ballot by the same holder", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      const [alice] = f.holders;
      await (await f.vote.connect(alice).castBallot(f.opened.voteId, For)).wait();
      await expect(f.vote.connect(alice).castBallot(f.opened.voteId, Against))
        .to.be.revertedWithCustomError(f.vote, "AlreadyVoted")
        .withArgs(f.opened.voteId, alice.address);
      expect(await f.vote.ballotOf(f.opened.voteId, alice.address)).to.equal(BigInt(For));
      expect(await f.vote.ballotOf(f.opened.voteId, f.outsider.address)).to.equal(BigInt(Choice.None));
    });

    it("accepts a holder's signature from anyone once, and rejects its replay", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      const [alice] = f.holders;
      const sig = await signBallot(alice, f.domain, f.opened.voteId, alice.address, Against);
      await expect(f.vote.connect(f.outsider).castBallotBySig(f.opened.voteId, alice.address, Against, sig))
        .to.emit(f.vote, "BallotCast")
        .withArgs(f.opened.voteId, alice.address, Against, 100n, alice.address, 0n);
      await expect(f.vote.connect(f.outsider).castBallotBySig(f.opened.voteId, alice.address, Against, sig))
        .to.be.revertedWithCustomError(f.vote, "AlreadyVoted")
        .withArgs(f.opened.voteId, alice.address);
    });

    it("rejects a signature made for another chain id", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      const [alice] = f.holders;
      const elsewhere = await ballotDomain(f.vote, 999n);
      const sig = await signBallot(alice, elsewhere, f.opened.voteId, alice.address, For);
      const recovered = recoverBallotSigner(f.domain, f.opened.voteId, alice.address, For, sig);
      expect(recovered).to.not.equal(alice.address);
      expect(await f.vote.ballotDigest(f.opened.voteId, alice.address, For)).to.equal(
        TypedDataEncoder.hash(f.domain, BALLOT_TYPES, { voteId: f.opened.voteId, holder: alice.address, choice: For }),
      );
      await expect(f.vote.castBallotBySig(f.opened.voteId, alice.address, For, sig))
        .to.be.revertedWithCustomError(f.vote, "InvalidSignature")
        .withArgs(f.opened.voteId, alice.address, recovered);
    });

    it("rejects a signature made for another vote", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      const [alice] = f.holders;
      const sig = await signBallot(alice, f.domain, f.other.voteId, alice.address, For);
      const recovered = recoverBallotSigner(f.domain, f.opened.voteId, alice.address, For, sig);
      await expect(f.vote.castBallotBySig(f.opened.voteId, alice.address, For, sig))
        .to.be.revertedWithCustomError(f.vote, "InvalidSignature")
        .withArgs(f.opened.voteId, alice.address, recovered);
    });

    it("rejects a signature by someone else than the holder (staff included), and a malleable one", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      const [alice, bob] = f.holders;
      const byBob = await signBallot(bob, f.domain, f.opened.voteId, alice.address, For);
      await expect(f.vote.castBallotBySig(f.opened.voteId, alice.address, For, byBob))
        .to.be.revertedWithCustomError(f.vote, "InvalidSignature")
        .withArgs(f.opened.voteId, alice.address, bob.address);
      // Staff act for a resident only under an authorisation, through castBallotOnBehalf: never by signature.
      const byStaff = await signBallot(f.staff, f.domain, f.opened.voteId, alice.address, For);
      await expect(f.vote.connect(f.relayer).castBallotBySig(f.opened.voteId, alice.address, For, byStaff))
        .to.be.revertedWithCustomError(f.vote, "InvalidSignature")
        .withArgs(f.opened.voteId, alice.address, f.staff.address);
      const good = Signature.from(await signBallot(alice, f.domain, f.opened.voteId, alice.address, For));
      const highS = toBeHex(SECP256K1_N - BigInt(good.s), 32);
      const flipped = `${good.r}${highS.slice(2)}${(good.v === 27 ? 28 : 27).toString(16)}`;
      await expect(f.vote.castBallotBySig(f.opened.voteId, alice.address, For, flipped))
        .to.be.revertedWithCustomError(f.vote, "InvalidSignature")
        .withArgs(f.opened.voteId, alice.address, ZeroAddress);
    });

    it("rejects a non-holder, an invalid choice and an unknown vote", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      await expect(f.vote.connect(f.outsider).castBallot(f.opened.voteId, For))
        .to.be.revertedWithCustomError(f.vote, "NotEligible")
        .withArgs(f.opened.voteId, f.outsider.address);
      await expect(f.vote.connect(f.holders[0]).castBallot(f.opened.voteId, Choice.None))
        .to.be.revertedWithCustomError(f.vote, "InvalidChoice")
        .withArgs(f.opened.voteId, Choice.None);
      await expect(f.vote.connect(f.holders[0]).castBallot(99, For))
        .to.be.revertedWithCustomError(f.vote, "UnknownVote")
        .withArgs(99);
      // Nor can a vote that was never opened be finalized (it would be decided "quorum not met" and announced).
      await expect(f.vote.connect(f.outsider).finalize(99))
        .to.be.revertedWithCustomError(f.vote, "UnknownVote")
        .withArgs(99);
    });

    it("rejects a ballot before the opening and after the closing, and finalizing before the closing", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      const [alice, bob] = f.holders;
      const later = await openVote(f.vote, f.committee, await time.latest(), {
        estateId: f.estateId,
        matter: Matter.HirePropertyManager,
      });
      const early = later.start - 1;
      await time.setNextBlockTimestamp(early);
      await expect(f.vote.connect(alice).castBallot(later.voteId, For))
        .to.be.revertedWithCustomError(f.vote, "BallotBeforeOpening")
        .withArgs(later.voteId, early, later.start);
      await time.setNextBlockTimestamp(f.opened.end - 1);
      await expect(f.vote.finalize(f.opened.voteId))
        .to.be.revertedWithCustomError(f.vote, "FinalizeBeforeClosing")
        .withArgs(f.opened.voteId, f.opened.end - 1, f.opened.end);
      await time.setNextBlockTimestamp(f.opened.end);
      await expect(f.vote.connect(bob).castBallot(f.opened.voteId, For))
        .to.be.revertedWithCustomError(f.vote, "BallotAfterClosing")
        .withArgs(f.opened.voteId, f.opened.end, f.opened.end);
      await expect(f.vote.finalize(f.opened.voteId))
        .to.emit(f.vote, "VoteFinalized")
        .withArgs(f.opened.voteId, Outcome.QuorumNotMet, [0n, 0n, 0n, 1500n, 0n, 0n, 0n, 5n, 0n, 0n]);
      await expect(f.vote.finalize(f.opened.voteId))
        .to.be.revertedWithCustomError(f.vote, "AlreadyFinalized")
        .withArgs(f.opened.voteId, Outcome.QuorumNotMet);
    });

    it("casts a proxy ballot only under the resident's authorisation, marked and counted apart", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      const [alice, bob] = f.holders;
      const id = f.opened.voteId;
      const auth = await authorize(f.proxies, f.staff, alice.address, Scope.Votes);
      await expect(f.vote.connect(f.staff).castBallotOnBehalf(id, alice.address, For, auth))
        .to.emit(f.vote, "BallotCast")
        .withArgs(id, alice.address, For, 100n, f.staff.address, auth);
      expect(await f.vote.isProxyBallot(id, alice.address)).to.equal(true);
      expect(await f.vote.isProxyBallot(id, bob.address)).to.equal(false);
      await (await f.vote.connect(bob).castBallot(id, Against)).wait();
      const t = await f.vote.tallyOf(id);
      expect([t.areaFor, t.headsFor, t.areaAgainst, t.headsAgainst, t.proxyArea, t.proxyHeads]).to.deep.equal([100n, 1n, 200n, 1n, 100n, 1n]);
      // Only staff, and never twice for the same holder.
      await expect(f.vote.connect(bob).castBallotOnBehalf(id, alice.address, For, auth))
        .to.be.revertedWithCustomError(f.vote, "MissingRole")
        .withArgs(bob.address, f.roles.staff);
      await expect(f.vote.connect(f.staff).castBallotOnBehalf(id, alice.address, Against, auth))
        .to.be.revertedWithCustomError(f.vote, "AlreadyVoted")
        .withArgs(id, alice.address);
      // A holder who voted themselves cannot be overridden by a proxy ballot.
      const bobs = await authorize(f.proxies, f.staff, bob.address, Scope.Votes);
      await expect(f.vote.connect(f.staff).castBallotOnBehalf(id, bob.address, For, bobs))
        .to.be.revertedWithCustomError(f.vote, "AlreadyVoted")
        .withArgs(id, bob.address);
    });

    it("refuses a proxy ballot without a valid authorisation, naming why", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      const [alice, bob, carol] = f.holders;
      const id = f.opened.voteId;
      const cast = (holder: string, auth: bigint, voteId = id) => f.vote.connect(f.staff).castBallotOnBehalf(voteId, holder, For, auth);
      await expect(cast(alice.address, 99n)).to.be.revertedWithCustomError(f.proxies, "UnknownAuthorization").withArgs(99n);
      const bobs = await authorize(f.proxies, f.staff, bob.address, Scope.Votes);
      await expect(cast(alice.address, bobs)).to.be.revertedWithCustomError(f.proxies, "WrongResident").withArgs(bobs, bob.address, alice.address);
      const services = await authorize(f.proxies, f.staff, alice.address, Scope.Services | Scope.Redemptions);
      await expect(cast(alice.address, services))
        .to.be.revertedWithCustomError(f.proxies, "ScopeNotAuthorized")
        .withArgs(services, Scope.Votes, Scope.Services | Scope.Redemptions);
      const otherVote = await authorize(f.proxies, f.staff, alice.address, Scope.Votes, { voteId: f.other.voteId });
      await expect(cast(alice.address, otherVote))
        .to.be.revertedWithCustomError(f.proxies, "WrongVote")
        .withArgs(otherVote, f.other.voteId, id);
      await expect(cast(alice.address, otherVote, f.other.voteId)).to.emit(f.vote, "BallotCast");
      const revoked = await authorize(f.proxies, f.staff, carol.address, Scope.Votes);
      await (await f.proxies.connect(carol).revoke(revoked)).wait();
      await expect(cast(carol.address, revoked)).to.be.revertedWithCustomError(f.proxies, "RevokedAuthorization").withArgs(revoked);
      const now = BigInt(await time.latest());
      const short = await authorize(f.proxies, f.staff, alice.address, Scope.Votes, { expiresAt: now + 10n });
      await time.setNextBlockTimestamp(now + 10n);
      await expect(cast(alice.address, short))
        .to.be.revertedWithCustomError(f.proxies, "AuthorizationExpired")
        .withArgs(short, now + 10n, now + 10n);
      // A staff member whose role was taken away can no longer use any authorisation; another staff member can.
      await (await f.registry.revokeRole(f.roles.staff, f.staff.address)).wait();
      await expect(cast(bob.address, bobs)).to.be.revertedWithCustomError(f.vote, "MissingRole").withArgs(f.staff.address, f.roles.staff);
      const t = await f.vote.tallyOf(id);
      expect([t.headsFor, t.headsAgainst, t.headsAbstain, t.proxyHeads]).to.deep.equal([0n, 0n, 0n, 0n]);
    });

    it("replaces a proxy ballot by the holder's own before the close, in every path, adjusting the tally exactly", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      const [alice, bob, carol, dave] = f.holders;
      const id = f.opened.voteId;
      for (const [h, choice] of [[alice, For], [bob, For], [carol, Against], [dave, Abstain]] as const) {
        const auth = await authorize(f.proxies, f.staff, h.address, Scope.Votes, { voteId: id });
        await (await f.vote.connect(f.staff).castBallotOnBehalf(id, h.address, choice, auth)).wait();
      }
      let t = await f.vote.tallyOf(id);
      expect([...t]).to.deep.equal([300n, 300n, 400n, 1500n, 2n, 1n, 1n, 5n, 1000n, 4n]);
      // Directly.
      await expect(f.vote.connect(alice).castBallot(id, Against))
        .to.emit(f.vote, "ProxyBallotReplaced")
        .withArgs(id, alice.address, For, 100n)
        .and.to.emit(f.vote, "BallotCast")
        .withArgs(id, alice.address, Against, 100n, alice.address, 0n);
      expect(await f.vote.isProxyBallot(id, alice.address)).to.equal(false);
      t = await f.vote.tallyOf(id);
      expect([...t]).to.deep.equal([200n, 400n, 400n, 1500n, 1n, 2n, 1n, 5n, 900n, 3n]);
      // By signature, with the same choice as the proxy: only the proxy counts change.
      const sig = await signBallot(bob, f.domain, id, bob.address, For);
      await expect(f.vote.connect(f.outsider).castBallotBySig(id, bob.address, For, sig))
        .to.emit(f.vote, "ProxyBallotReplaced")
        .withArgs(id, bob.address, For, 200n);
      t = await f.vote.tallyOf(id);
      expect([...t]).to.deep.equal([200n, 400n, 400n, 1500n, 1n, 2n, 1n, 5n, 700n, 2n]);
      // In a relayed batch, once: the holder's repeat in the same batch is a duplicate.
      const batch = [
        await signCompact(carol, f.domain, id, carol.address, For),
        await signCompact(carol, f.domain, id, carol.address, Abstain),
      ];
      const receipt = await (await f.vote.connect(f.relayer).castBallotBatch(id, batch)).wait();
      const events = receipt!.logs.map((l) => {
        const parsed = f.vote.interface.parseLog(l)!;
        return [parsed.name, ...parsed.args.toArray()];
      });
      expect(events).to.deep.equal([
        ["ProxyBallotReplaced", id, carol.address, BigInt(Against), 300n],
        ["BallotCast", id, carol.address, BigInt(For), 300n, carol.address, 0n],
        ["BallotSkipped", id, carol.address, BigInt(SkipReason.DuplicateInBatch)],
      ]);
      t = await f.vote.tallyOf(id);
      expect([...t]).to.deep.equal([500n, 100n, 400n, 1500n, 2n, 1n, 1n, 5n, 400n, 1n]);
      // The holder's own ballot is final.
      await expect(f.vote.connect(alice).castBallot(id, For)).to.be.revertedWithCustomError(f.vote, "AlreadyVoted").withArgs(id, alice.address);
      // After the close the proxy ballot stands, and the outcome carries the proxy counts.
      await time.setNextBlockTimestamp(f.opened.end);
      await expect(f.vote.connect(dave).castBallot(id, For))
        .to.be.revertedWithCustomError(f.vote, "BallotAfterClosing")
        .withArgs(id, f.opened.end, f.opened.end);
      await expect(f.vote.finalize(id))
        .to.emit(f.vote, "VoteFinalized")
        .withArgs(id, Outcome.Rejected, [500n, 100n, 400n, 1500n, 2n, 1n, 1n, 5n, 400n, 1n]);
    });

    it("counts a batch, skipping each bad ballot with its reason", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      const [alice, bob, carol, dave, erin] = f.holders;
      const id = f.opened.voteId;
      await (await f.vote.connect(dave).castBallot(id, Against)).wait();
      const batch = [
        await signCompact(alice, f.domain, id, alice.address, For),
        await signCompact(f.outsider, f.domain, id, bob.address, For), // not bob's signature
        await signCompact(carol, f.domain, id, carol.address, Against),
        await signCompact(f.outsider, f.domain, id, f.outsider.address, For), // holds nothing
        await signCompact(alice, f.domain, id, alice.address, Against), // alice again in this batch
        await signCompact(dave, f.domain, id, dave.address, For), // voted before the batch
        { ...(await signCompact(bob, f.domain, id, bob.address, For)), choice: Choice.None },
        await signCompact(f.staff, f.domain, id, erin.address, Abstain), // staff for erin: not counted by signature
      ];
      expect(await f.vote.connect(f.relayer).castBallotBatch.staticCall(id, batch)).to.equal(2n);
      const receipt = await (await f.vote.connect(f.relayer).castBallotBatch(id, batch)).wait();
      const events = receipt!.logs.map((l) => {
        const parsed = f.vote.interface.parseLog(l)!;
        return [parsed.name, ...parsed.args.toArray()];
      });
      expect(events).to.deep.equal([
        ["BallotCast", id, alice.address, BigInt(For), 100n, alice.address, 0n],
        ["BallotSkipped", id, bob.address, BigInt(SkipReason.InvalidSignature)],
        ["BallotCast", id, carol.address, BigInt(Against), 300n, carol.address, 0n],
        ["BallotSkipped", id, f.outsider.address, BigInt(SkipReason.NotEligible)],
        ["BallotSkipped", id, alice.address, BigInt(SkipReason.DuplicateInBatch)],
        ["BallotSkipped", id, dave.address, BigInt(SkipReason.AlreadyVoted)],
        ["BallotSkipped", id, bob.address, BigInt(SkipReason.InvalidChoice)],
        ["BallotSkipped", id, erin.address, BigInt(SkipReason.InvalidSignature)],
      ]);
      const t = await f.vote.tallyOf(id);
      expect([...t]).to.deep.equal([100n, 700n, 0n, 1500n, 1n, 2n, 0n, 5n, 0n, 0n]);
      expect(await f.vote.ballotOf(id, alice.address)).to.equal(BigInt(For));
      expect(await f.vote.ballotOf(id, bob.address)).to.equal(BigInt(Choice.None));
    });

    it("lets only a relayer batch, and reverts a whole batch on a closed or unknown vote", async function () {
      const f = await networkHelpers.loadFixture(openVoteFixture);
      const [alice] = f.holders;
      const batch = [await signCompact(alice, f.domain, f.opened.voteId, alice.address, For)];
      await expect(f.vote.connect(alice).castBallotBatch(f.opened.voteId, batch))
        .to.be.revertedWithCustomError(f.vote, "MissingRole")
        .withArgs(alice.address, f.roles.relayer);
      await expect(f.vote.connect(f.relayer).castBallotBatch(f.opened.voteId, []))
        .to.be.revertedWithCustomError(f.vote, "EmptyBatch")
        .withArgs(f.opened.voteId);
      await expect(f.vote.connect(f.relayer).castBallotBatch(77, batch))
        .to.be.revertedWithCustomError(f.vote, "UnknownVote")
        .withArgs(77);
      await time.setNextBlockTimestamp(f.opened.end);
      await expect(f.vote.connect(f.relayer).castBallotBatch(f.opened.voteId, batch))
        .to.be.revertedWithCustomError(f.vote, "BallotAfterClosing")
        .withArgs(f.opened.voteId, f.opened.end, f.opened.end);
    });
  });
});
