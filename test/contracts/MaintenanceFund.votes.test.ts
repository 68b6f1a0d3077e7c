import { expect } from "chai";
import { network } from "hardhat";
import { ZeroHash } from "ethers";
import type { ContractTransactionReceipt } from "ethers";
import type { MaintenanceFund } from "../../types/ethers-contracts/index.js";
import { registerUnits } from "../helpers/estate.js";
import {
  apportion,
  buildEstate,
  cast,
  depositAll,
  Disclosure,
  doc,
  expectBooksBalance,
  PlanKind,
  PlanStatus,
  planIdOf,
  Stage,
} from "../helpers/fund.js";
import { decide } from "../helpers/fundVotes.js";
import { Choice, Matter, Outcome } from "../helpers/rules.js";
import { deployVoting } from "../helpers/votes.js";

/** Spend plans opened against real votes of OwnersVote, read by the fund only through IOwnersVote. */
const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DEPOSIT = 1_000_000n;
const AREAS_A = [8_000n, 9_000n, 10_000n];
const AREAS_B = [7_000n, 5_000n];
const VOTE_BUDGET = 2_000_000n;

async function fixture() {
  const { registry, vote } = await deployVoting(connection);
  const signers = await ethers.getSigners();
  // Five units, each held by a different owner (owners[0..4]): five heads.
  const owners = signers.slice(13, 20);
  const e = await buildEstate(registry, signers[1].address, [AREAS_A, AREAS_B], owners.slice(0, 5).map((o) => o.address));
  const people = await cast(connection, registry, e.estateId);
  const fund = await ethers.deployContract("MaintenanceFund", [await registry.getAddress(), await vote.getAddress()]);
  const units = e.unitIds.flat();
  await depositAll(fund, people.custodian, units, () => DEPOSIT);
  return { registry, vote, fund, ...e, ...people, units };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

const everyoneFor = (f: Fixture) => f.owners.slice(0, 5).map((o) => [o, Choice.For] as [typeof o, typeof Choice.For]);

async function passedUseFund(f: Fixture, budget = VOTE_BUDGET, buildingId = 0n): Promise<bigint> {
  const ballots = buildingId === 0n ? everyoneFor(f) : everyoneFor(f).slice(3);
  return decide(connection, f.vote, f.committee[0], { estateId: f.estateId, buildingId, matter: Matter.UseFund, budget }, ballots);
}

function charges(fund: MaintenanceFund, receipt: ContractTransactionReceipt) {
  return receipt.logs
    .map((l) => fund.interface.parseLog(l))
    .filter((l) => l?.name === "UnitCharged")
    .map((l) => ({ unitId: l!.args.unitId as bigint, amount: l!.args.amount as bigint }));
}

describe("MaintenanceFund with OwnersVote", function () {
  it("opens a plan against a passed UseFund vote, apportioning over the vote's scope and snapshot", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const voteId = await passedUseFund(f);
    const auth = await f.vote.authorization(voteId);
    expect(auth.outcome).to.equal(BigInt(Outcome.Passed));
    // A unit registered after the vote's snapshot is not charged, even if it has money.
    const [late] = await registerUnits(f.registry, f.buildingIds[0], [{ area: 50_000n, holder: f.owners[5].address }]);
    await f.fund.connect(f.custodian).deposit(late, DEPOSIT, doc("late"));

    const budget = 1_234_567n;
    const planHash = doc("replace the roof membrane of building A and B");
    const open = f.fund.connect(f.committee[1]).openPlan(voteId, budget, planHash);
    await expect(open)
      .to.emit(f.fund, "PlanOpened")
      .withArgs(1n, f.estateId, PlanKind.Vote, voteId, 0n, auth.snapshot, budget, planHash, f.committee[1].address);
    const receipt = (await (await open).wait())!;
    const shares = apportion(budget, [...AREAS_A, ...AREAS_B]);
    expect(charges(f.fund, receipt)).to.deep.equal(f.units.map((unitId, i) => ({ unitId, amount: shares[i] })));
    expect((await f.fund.account(late)).charged).to.equal(0n);
    expect(await f.fund.planOfVote(voteId)).to.equal(1n);

    const [p, v, payments] = await f.fund.planAudit(1n);
    expect([p.kind, p.status, p.voteId, p.budget, p.disbursed, p.snapshot, p.openedBy]).to.deep.equal([
      PlanKind.Vote,
      PlanStatus.Open,
      voteId,
      budget,
      0n,
      auth.snapshot,
      f.committee[1].address,
    ]);
    expect([v.estateId, v.outcome, v.matter, v.budget]).to.deep.equal([
      f.estateId,
      BigInt(Outcome.Passed),
      BigInt(Matter.UseFund),
      VOTE_BUDGET,
    ]);
    expect(payments).to.deep.equal([]);
    expect(await f.fund.disclosureStatus(1n)).to.equal(Disclosure.NotRequired);
    await expect(f.fund.connect(f.committee[0]).discloseEmergency(1n, doc("d")))
      .to.be.revertedWithCustomError(f.fund, "NotEmergency")
      .withArgs(1n);
    await expectBooksBalance(f.fund, f.registry, f.estateId);
  });

  it("charges only the building of a building-scoped vote", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const voteId = await passedUseFund(f, 600_000n, f.buildingIds[1]);
    const receipt = (await (await f.fund.connect(f.committee[0]).openPlan(voteId, 600_000n, doc("lift B"))).wait())!;
    const shares = apportion(600_000n, AREAS_B);
    expect(charges(f.fund, receipt)).to.deep.equal(f.unitIds[1].map((unitId, i) => ({ unitId, amount: shares[i] })));
    for (const u of f.unitIds[0]) expect((await f.fund.account(u)).balance).to.equal(DEPOSIT);
    expect((await f.fund.plan(1n)).buildingId).to.equal(f.buildingIds[1]);
    await expectBooksBalance(f.fund, f.registry, f.estateId);
  });

  it("refuses votes that did not pass, are still pending, or decided another matter", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const [o0, o1, o2, o3] = f.owners;
    const rejected = await decide(
      connection,
      f.vote,
      f.committee[0],
      { estateId: f.estateId, matter: Matter.UseFund, budget: VOTE_BUDGET },
      [
        [o0, Choice.For],
        [o1, Choice.Against],
        [o2, Choice.Against],
        [o3, Choice.Against],
      ],
    );
    const noQuorum = await decide(
      connection,
      f.vote,
      f.committee[0],
      { estateId: f.estateId, matter: Matter.UseFund, budget: VOTE_BUDGET },
      [[o0, Choice.For]],
    );
    const pending = await decide(
      connection,
      f.vote,
      f.committee[0],
      { estateId: f.estateId, matter: Matter.UseFund, budget: VOTE_BUDGET },
      everyoneFor(f),
      false,
    );
    const raise = await decide(
      connection,
      f.vote,
      f.committee[0],
      { estateId: f.estateId, matter: Matter.RaiseFund, budget: VOTE_BUDGET },
      everyoneFor(f),
    );
    const hire = await decide(connection, f.vote, f.committee[0], { estateId: f.estateId, matter: Matter.HirePropertyManager }, everyoneFor(f));
    const cases: [bigint, string, unknown[]][] = [
      [rejected, "VoteNotPassed", [rejected, Outcome.Rejected]],
      [noQuorum, "VoteNotPassed", [noQuorum, Outcome.QuorumNotMet]],
      [pending, "VoteNotPassed", [pending, Outcome.Pending]],
      [raise, "WrongMatter", [raise, Matter.RaiseFund]],
      [hire, "WrongMatter", [hire, Matter.HirePropertyManager]],
    ];
    for (const [voteId, error, args] of cases) {
      await expect(f.fund.connect(f.committee[0]).openPlan(voteId, 1n, doc("p")))
        .to.be.revertedWithCustomError(f.fund, error)
        .withArgs(...args);
    }
    await expect(f.fund.connect(f.committee[0]).openPlan(999n, 1n, doc("p")))
      .to.be.revertedWithCustomError(f.vote, "UnknownVote")
      .withArgs(999n);
    expect(await f.fund.planCount()).to.equal(0n);
  });

  it("holds the plan to the vote's budget, one plan per vote, opened by the vote's committee", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const voteId = await passedUseFund(f);
    await expect(f.fund.connect(f.committee[0]).openPlan(voteId, VOTE_BUDGET + 1n, doc("p")))
      .to.be.revertedWithCustomError(f.fund, "BudgetExceedsVote")
      .withArgs(voteId, VOTE_BUDGET + 1n, VOTE_BUDGET);
    await expect(f.fund.connect(f.committee[0]).openPlan(voteId, 0n, doc("p"))).to.be.revertedWithCustomError(f.fund, "ZeroAmount");
    await expect(f.fund.connect(f.committee[0]).openPlan(voteId, 1n, ZeroHash)).to.be.revertedWithCustomError(f.fund, "ZeroHash");
    for (const who of [f.custodian, f.owners[0], f.admin, f.auditor]) {
      await expect(f.fund.connect(who).openPlan(voteId, 1n, doc("p")))
        .to.be.revertedWithCustomError(f.fund, "NotCommitteeMember")
        .withArgs(who.address, f.estateId);
    }
    // A committee member of another estate cannot open a plan on this estate's vote.
    const other = await buildEstate(f.registry, f.developer.address, [[4_000n]], [f.owners[6].address]);
    await f.registry.grantRole(await f.registry.estateRole(await f.registry.COMMITTEE_ROLE(), other.estateId), f.outsider.address);
    await expect(f.fund.connect(f.outsider).openPlan(voteId, 1n, doc("p")))
      .to.be.revertedWithCustomError(f.fund, "NotCommitteeMember")
      .withArgs(f.outsider.address, f.estateId);

    await f.fund.connect(f.committee[0]).openPlan(voteId, VOTE_BUDGET, doc("exactly the vote's budget"));
    await expect(f.fund.connect(f.committee[1]).openPlan(voteId, 1n, doc("again")))
      .to.be.revertedWithCustomError(f.fund, "PlanExistsForVote")
      .withArgs(voteId, 1n);
  });

  it("blocks the plan when a unit cannot cover its share", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const voteId = await passedUseFund(f, 10_000_000n);
    // 6,000,000 fen over areas 8,9,10,7,5 (thousands; T = 39,000): the first unit's share is 1,230,769.
    const share = apportion(6_000_000n, [...AREAS_A, ...AREAS_B])[0];
    await expect(f.fund.connect(f.committee[0]).openPlan(voteId, 6_000_000n, doc("façade")))
      .to.be.revertedWithCustomError(f.fund, "InsufficientUnitBalance")
      .withArgs(f.units[0], DEPOSIT, share);
    expect(await f.fund.planOfVote(voteId)).to.equal(0n);
    await expectBooksBalance(f.fund, f.registry, f.estateId);
  });

  it("runs a voted spend to the end: staged payments, separation of duties, closing with refunds", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const voteId = await passedUseFund(f);
    const planId = await planIdOf(f.fund, f.fund.connect(f.committee[2]).openPlan(voteId, VOTE_BUDGET, doc("lift")));
    const contractor = f.owners[6].address;
    await f.fund.connect(f.custodian).disburse(planId, contractor, 800_000n, Stage.Start, doc("contract"));
    await f.fund.connect(f.custodian).disburse(planId, contractor, 900_000n, Stage.Acceptance, doc("acceptance"));
    // The committee member who opened the plan leaves the committee and becomes a custodian: still cannot pay it.
    await f.registry.revokeRole(await f.registry.estateRole(await f.registry.COMMITTEE_ROLE(), f.estateId), f.committee[2].address);
    await f.registry.grantRole(await f.registry.CUSTODIAN_ROLE(), f.committee[2].address);
    await expect(f.fund.connect(f.committee[2]).disburse(planId, contractor, 1n, Stage.Warranty, doc("w")))
      .to.be.revertedWithCustomError(f.fund, "SeparationOfDuties")
      .withArgs(f.committee[2].address, planId);
    await expect(f.fund.connect(f.custodian).disburse(planId, contractor, 300_001n, Stage.Warranty, doc("w")))
      .to.be.revertedWithCustomError(f.fund, "DisbursementExceedsBudget")
      .withArgs(planId, VOTE_BUDGET, 1_700_000n, 300_001n);
    await f.fund.connect(f.custodian2).disburse(planId, contractor, 250_000n, Stage.Warranty, doc("warranty"));

    const close = f.fund.connect(f.custodian).closePlan(planId, doc("final acceptance"));
    await expect(close).to.emit(f.fund, "PlanClosed").withArgs(planId, f.custodian.address, 1_950_000n, 50_000n, doc("final acceptance"));
    const [p, v, payments] = await f.fund.planAudit(planId);
    expect([p.status, p.disbursed, v.outcome]).to.deep.equal([PlanStatus.Closed, 1_950_000n, BigInt(Outcome.Passed)]);
    expect(payments.map((d) => [d.amount, d.stage, d.documentHash])).to.deep.equal([
      [800_000n, Stage.Start, doc("contract")],
      [900_000n, Stage.Acceptance, doc("acceptance")],
      [250_000n, Stage.Warranty, doc("warranty")],
    ]);
    const charged = apportion(VOTE_BUDGET, [...AREAS_A, ...AREAS_B]);
    const refunded = apportion(50_000n, [...AREAS_A, ...AREAS_B]);
    for (let i = 0; i < f.units.length; i++) {
      const a = await f.fund.account(f.units[i]);
      expect([a.charged, a.refunded, a.balance]).to.deep.equal([charged[i], refunded[i], DEPOSIT - charged[i] + refunded[i]]);
    }
    const ledger = await f.fund.estateLedger(f.estateId);
    expect([ledger.committed, ledger.disbursed]).to.deep.equal([0n, 1_950_000n]);
    await expectBooksBalance(f.fund, f.registry, f.estateId);
  });
});
