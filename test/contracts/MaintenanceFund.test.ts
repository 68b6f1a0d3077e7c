import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress, ZeroHash } from "ethers";
import type { ContractTransactionReceipt } from "ethers";
import type { MaintenanceFund } from "../../types/ethers-contracts/index.js";
import { addBuilding, deployRegistry } from "../helpers/estate.js";
import { deployProxies } from "../helpers/proxies.js";
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

// The emergency path, deposits, payments, closing and apportionment. Plans opened against real OwnersVote
// decisions are in MaintenanceFund.votes.test.ts.
const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const DAY = 86_400n;
const CAP = 50_000_000n; // 500,000.00 CNY
const DISCLOSURE_DAYS = 15n;
const LIMIT = 4n * CAP; // emergency spends within any PERIOD_DAYS days
const PERIOD_DAYS = 365n;
const DEPOSIT = 1_000_000n; // 10,000.00 CNY per unit
const AREAS_A = [8_000n, 9_000n, 10_000n];
const AREAS_B = [7_000n, 5_000n];


async function fundFixture() {
  const { registry } = await deployRegistry(connection);
  const signers = await ethers.getSigners();
  const owners = signers.slice(13, 20).map((s) => s.address);
  const { estateId, buildingIds, unitIds } = await buildEstate(registry, signers[1].address, [AREAS_A, AREAS_B], owners);
  const people = await cast(connection, registry, estateId);
  const proxies = await deployProxies(connection, registry);
  const ownersVote = await ethers.deployContract("OwnersVote", [await registry.getAddress(), await proxies.getAddress()]);
  const fund = await ethers.deployContract("MaintenanceFund", [await registry.getAddress(), await ownersVote.getAddress()]);
  await fund.setEmergencyPolicy(estateId, CAP, LIMIT, PERIOD_DAYS, DISCLOSURE_DAYS);
  const units = [...unitIds[0], ...unitIds[1]];
  await depositAll(fund, people.custodian, units, () => DEPOSIT);
  const roles = {
    custodian: await registry.CUSTODIAN_ROLE(),
    admin: await registry.DEFAULT_ADMIN_ROLE(),
    seat: await registry.estateRole(await registry.COMMITTEE_ROLE(), estateId),
  };
  return { registry, ownersVote, fund, estateId, buildingIds, unitIds, units, roles, ...people };
}

type Fixture = Awaited<ReturnType<typeof fundFixture>>;

/** Proposes an emergency spend by committee[0], approves it by committee[1..approvals-1], confirms it. */
async function openEmergency(
  f: Fixture,
  amount: bigint,
  buildingId = 0n,
  approvals = 3,
): Promise<{ planId: bigint; receipt: ContractTransactionReceipt }> {
  const planId = await planIdOf(
    f.fund,
    f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, buildingId, amount, doc(`burst pipe ${amount}`)),
  );
  for (let i = 1; i < approvals; i++) await f.fund.connect(f.committee[i]).approveEmergency(planId);
  const receipt = (await (await f.fund.connect(f.custodian).confirmEmergency(planId)).wait())!;
  return { planId, receipt };
}

function unitEvents(fund: MaintenanceFund, receipt: ContractTransactionReceipt, name: "UnitCharged" | "UnitRefunded") {
  return receipt.logs
    .map((l) => fund.interface.parseLog(l))
    .filter((l) => l?.name === name)
    .map((l) => ({ unitId: l!.args.unitId as bigint, amount: l!.args.amount as bigint }));
}

describe("MaintenanceFund", function () {
  describe("deposits", function () {
    it("credits the unit's sub-account and the estate's fund, once per bank receipt", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const unit = f.units[0];
      const receipt = doc("bank receipt 2026-0001");
      await expect(f.fund.connect(f.custodian).deposit(unit, 12_345n, receipt))
        .to.emit(f.fund, "Deposited")
        .withArgs(unit, f.estateId, 12_345n, DEPOSIT + 12_345n, receipt);
      const a = await f.fund.account(unit);
      expect([a.balance, a.deposited, a.charged, a.refunded]).to.deep.equal([DEPOSIT + 12_345n, DEPOSIT + 12_345n, 0n, 0n]);
      expect(await f.fund.fundBalance(f.estateId)).to.equal(DEPOSIT * 5n + 12_345n);
      expect(await f.fund.receiptUsed(receipt)).to.equal(true);
      await expectBooksBalance(f.fund, f.registry, f.estateId);
      await expect(f.fund.connect(f.custodian2).deposit(f.units[1], 1n, receipt))
        .to.be.revertedWithCustomError(f.fund, "DuplicateReceipt")
        .withArgs(receipt);
    });

    it("rejects deposits by anyone but a custodian, of zero, without a receipt, or to an unknown unit", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      for (const who of [f.admin, f.committee[0], f.auditor, f.staff, f.outsider]) {
        await expect(f.fund.connect(who).deposit(f.units[0], 1n, doc("r")))
          .to.be.revertedWithCustomError(f.fund, "MissingRole")
          .withArgs(who.address, f.roles.custodian);
      }
      await expect(f.fund.connect(f.custodian).deposit(f.units[0], 0n, doc("r"))).to.be.revertedWithCustomError(
        f.fund,
        "ZeroAmount",
      );
      await expect(f.fund.connect(f.custodian).deposit(f.units[0], 1n, ZeroHash)).to.be.revertedWithCustomError(
        f.fund,
        "ZeroHash",
      );
      await expect(f.fund.connect(f.custodian).deposit(999n, 1n, doc("r")))
        .to.be.revertedWithCustomError(f.registry, "UnknownUnit")
        .withArgs(999n);
    });

    it("keeps estates apart", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const other = await buildEstate(f.registry, f.developer.address, [[4_000n]], [f.owners[0].address]);
      await f.fund.connect(f.custodian).deposit(other.unitIds[0][0], 777n, doc("other estate"));
      expect(await f.fund.fundBalance(other.estateId)).to.equal(777n);
      expect(await f.fund.fundBalance(f.estateId)).to.equal(DEPOSIT * 5n);
      await expectBooksBalance(f.fund, f.registry, other.estateId);
    });

    it("requires a registry and a vote contract", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      await expect(
        ethers.deployContract("MaintenanceFund", [await f.registry.getAddress(), ZeroAddress]),
      ).to.be.revertedWithCustomError(f.fund, "ZeroVoteContract");
      await expect(ethers.deployContract("MaintenanceFund", [ZeroAddress, await f.ownersVote.getAddress()])).to.be.revertedWithCustomError(
        f.fund,
        "ZeroRegistry",
      );
    });
  });

  describe("emergency path (art. 281)", function () {
    it("opens after more than half the committee approve and the custodian confirms, debiting each unit its share", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const amount = 300_001n;
      const reason = doc("lift cable snapped");
      const proposal = f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, amount, reason);
      await expect(proposal)
        .to.emit(f.fund, "EmergencyProposed")
        .withArgs(1n, f.estateId, 0n, amount, reason, f.committee[0].address);
      await expect(proposal).to.emit(f.fund, "EmergencyApproved").withArgs(1n, f.committee[0].address, 1n);
      expect((await f.fund.plan(1n)).status).to.equal(PlanStatus.Proposed);
      expect(await f.fund.fundBalance(f.estateId)).to.equal(DEPOSIT * 5n); // nothing moves before confirmation
      await expect(f.fund.connect(f.committee[1]).approveEmergency(1n))
        .to.emit(f.fund, "EmergencyApproved")
        .withArgs(1n, f.committee[1].address, 2n);
      await expect(f.fund.connect(f.custodian).confirmEmergency(1n))
        .to.be.revertedWithCustomError(f.fund, "InsufficientApprovals")
        .withArgs(1n, 2n, 3n, 5n);
      await f.fund.connect(f.committee[2]).approveEmergency(1n);

      const confirm = f.fund.connect(f.custodian).confirmEmergency(1n);
      const receipt = (await (await confirm).wait())!;
      const now = BigInt(await time.latest());
      const due = now + DISCLOSURE_DAYS * DAY;
      await expect(confirm).to.emit(f.fund, "EmergencyConfirmed").withArgs(1n, f.custodian.address, 3n, due);
      const snapshot = (await f.fund.plan(1n)).snapshot;
      await expect(confirm)
        .to.emit(f.fund, "PlanOpened")
        .withArgs(1n, f.estateId, PlanKind.Emergency, 0n, 0n, snapshot, amount, reason, f.committee[0].address);

      const shares = apportion(amount, [...AREAS_A, ...AREAS_B]);
      expect(unitEvents(f.fund, receipt, "UnitCharged")).to.deep.equal(
        f.units.map((unitId, i) => ({ unitId, amount: shares[i] })),
      );
      for (let i = 0; i < f.units.length; i++) {
        const a = await f.fund.account(f.units[i]);
        expect([a.balance, a.charged]).to.deep.equal([DEPOSIT - shares[i], shares[i]]);
      }
      const ledger = await f.fund.estateLedger(f.estateId);
      expect([ledger.balance, ledger.committed, ledger.disbursed]).to.deep.equal([DEPOSIT * 5n - amount, amount, 0n]);
      const p = await f.fund.plan(1n);
      expect([p.status, p.kind, p.budget, p.disbursed, p.disclosureDue]).to.deep.equal([
        PlanStatus.Open,
        PlanKind.Emergency,
        amount,
        0n,
        due,
      ]);
      expect(await f.fund.approvers(1n)).to.deep.equal(f.committee.slice(0, 3).map((c) => c.address));
      await expectBooksBalance(f.fund, f.registry, f.estateId);
    });

    it("needs two approvals and more than half of the current seats; approvals of members who left do not count", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      expect(await Promise.all([1n, 2n, 3n, 4n, 5n, 9n].map((n) => f.fund.requiredApprovals(n)))).to.deep.equal([2n, 2n, 2n, 3n, 3n, 5n]);
      // Four seats: two approvals are exactly half, which is not enough; three are.
      await f.registry.revokeRole(f.roles.seat, f.committee[4].address);
      const half = await planIdOf(f.fund, f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, 1_000n, doc("half")));
      await f.fund.connect(f.committee[1]).approveEmergency(half);
      await expect(f.fund.connect(f.custodian).confirmEmergency(half))
        .to.be.revertedWithCustomError(f.fund, "InsufficientApprovals")
        .withArgs(half, 2n, 3n, 4n);
      await f.fund.connect(f.committee[2]).approveEmergency(half);
      await f.fund.connect(f.custodian).confirmEmergency(half);

      const planId = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, 1_000n, doc("second")),
      );
      await f.fund.connect(f.committee[1]).approveEmergency(planId);
      await f.fund.connect(f.committee[2]).approveEmergency(planId);
      await f.registry.revokeRole(f.roles.seat, f.committee[1].address);
      await f.registry.revokeRole(f.roles.seat, f.committee[2].address);
      // Two seats left (committee[0] and [3]); only committee[0]'s approval still counts: 1 is not enough.
      await expect(f.fund.connect(f.custodian).confirmEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "InsufficientApprovals")
        .withArgs(planId, 1n, 2n, 2n);
      await f.fund.connect(f.committee[3]).approveEmergency(planId);
      await f.fund.connect(f.custodian).confirmEmergency(planId);

      // One seat: the emergency path is closed, whoever approves.
      await f.registry.revokeRole(f.roles.seat, f.committee[3].address);
      const alone = await planIdOf(f.fund, f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, 1_000n, doc("alone")));
      await expect(f.fund.connect(f.custodian).confirmEmergency(alone))
        .to.be.revertedWithCustomError(f.fund, "InsufficientApprovals")
        .withArgs(alone, 1n, 2n, 1n);

      const third = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, 1_000n, doc("third")),
      );
      for (const m of [1, 2, 3]) await f.registry.grantRole(f.roles.seat, f.committee[m].address);
      await expect(f.fund.connect(f.custodian).confirmEmergency(third))
        .to.be.revertedWithCustomError(f.fund, "InsufficientApprovals")
        .withArgs(third, 1n, 3n, 4n);
    });

    it("refuses the old exploit: six proposals at the cap with one approver of a two-seat committee", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const cap = 100_000n;
      const limit = 250_000n;
      await f.fund.setEmergencyPolicy(f.estateId, cap, limit, 30n, DISCLOSURE_DAYS);
      for (const m of f.committee.slice(2)) await f.registry.revokeRole(f.roles.seat, m.address);
      expect(await f.registry.committeeSize(f.estateId)).to.equal(2n);
      const six: bigint[] = [];
      for (let i = 0; i < 6; i++) {
        six.push(await planIdOf(f.fund, f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, cap, doc(`leak ${i}`))));
      }
      // One approval of two seats (half) no longer opens anything.
      for (const planId of six) {
        await expect(f.fund.connect(f.custodian).confirmEmergency(planId))
          .to.be.revertedWithCustomError(f.fund, "InsufficientApprovals")
          .withArgs(planId, 1n, 2n, 2n);
      }
      // Both members approve every one: the rolling limit stops the third.
      for (const planId of six) await f.fund.connect(f.committee[1]).approveEmergency(planId);
      await f.fund.connect(f.custodian).confirmEmergency(six[0]);
      await f.fund.connect(f.custodian).confirmEmergency(six[1]);
      expect(await f.fund.emergencySpending(f.estateId)).to.deep.equal([2n * cap, limit - 2n * cap]);
      for (const planId of six.slice(2)) {
        await expect(f.fund.connect(f.custodian).confirmEmergency(planId))
          .to.be.revertedWithCustomError(f.fund, "EmergencyLimitExceeded")
          .withArgs(f.estateId, 2n * cap, cap, limit);
      }
      // A new proposal beyond what is left is refused at once; what is left can still be spent.
      await expect(f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, limit - 2n * cap + 1n, doc("one fen too many")))
        .to.be.revertedWithCustomError(f.fund, "EmergencyLimitExceeded")
        .withArgs(f.estateId, 2n * cap, limit - 2n * cap + 1n, limit);
      const rest = await planIdOf(f.fund, f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, limit - 2n * cap, doc("rest")));
      await f.fund.connect(f.committee[1]).approveEmergency(rest);
      await f.fund.connect(f.custodian).confirmEmergency(rest);
      expect(await f.fund.emergencySpending(f.estateId)).to.deep.equal([limit, 0n]);
      const ledger = await f.fund.estateLedger(f.estateId);
      expect(ledger.committed).to.equal(limit, "only what the limit allows was spent");
      // Closing a plan early does not give its budget back to the limit.
      await f.fund.connect(f.committee[0]).closePlan(six[0], doc("abandoned"));
      expect(await f.fund.emergencySpending(f.estateId)).to.deep.equal([limit, 0n]);
    });

    it("counts emergency spends over a rolling period: each leaves the count when the period has passed", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const cap = 100_000n;
      await f.fund.setEmergencyPolicy(f.estateId, cap, 2n * cap, 30n, DISCLOSURE_DAYS);
      const { receipt: first } = await openEmergency(f, cap);
      const t1 = BigInt((await first.getBlock()).timestamp);
      await time.increaseTo(t1 + 10n * DAY);
      await openEmergency(f, cap);
      await expect(f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, 1n, doc("too soon")))
        .to.be.revertedWithCustomError(f.fund, "EmergencyLimitExceeded")
        .withArgs(f.estateId, 2n * cap, 1n, 2n * cap);
      // A spend counts for 30 days from its confirmation: in the last second of them, it still counts…
      await time.increaseTo(t1 + 30n * DAY - 1n);
      expect(await f.fund.emergencySpending(f.estateId)).to.deep.equal([2n * cap, 0n]);
      // …one second later it has left the count; the second spend still counts.
      await time.increaseTo(t1 + 30n * DAY);
      expect(await f.fund.emergencySpending(f.estateId)).to.deep.equal([cap, cap]);
      const late = await planIdOf(f.fund, f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, 1n, doc("late")));
      await f.fund.connect(f.committee[1]).approveEmergency(late);
      await f.fund.connect(f.committee[2]).approveEmergency(late);
      await f.fund.connect(f.custodian).confirmEmergency(late);
      expect(await f.fund.emergencySpending(f.estateId)).to.deep.equal([cap + 1n, cap - 1n]);
      // A longer period brings the first spend back into the count.
      await f.fund.setEmergencyPolicy(f.estateId, cap, 2n * cap, 60n, DISCLOSURE_DAYS);
      expect(await f.fund.emergencySpending(f.estateId)).to.deep.equal([2n * cap + 1n, 0n]);
    });

    it("keeps proposer and approvers away from confirming and paying", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const planId = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, 1_000n, doc("roof")),
      );
      await f.fund.connect(f.committee[1]).approveEmergency(planId);
      await f.fund.connect(f.committee[2]).approveEmergency(planId);
      // The proposer and an approver give up their seats and become custodians.
      for (const m of [f.committee[0], f.committee[1]]) {
        await f.registry.revokeRole(f.roles.seat, m.address);
        await f.registry.grantRole(f.roles.custodian, m.address);
        await expect(f.fund.connect(m).confirmEmergency(planId))
          .to.be.revertedWithCustomError(f.fund, "SeparationOfDuties")
          .withArgs(m.address, planId);
      }
      // Seats now: committee[2], [3], [4] and a newcomer; of the approvals only committee[2]'s still counts, and
      // three of the four seats must approve.
      await f.registry.grantRole(f.roles.seat, f.outsider.address);
      await f.fund.connect(f.committee[3]).approveEmergency(planId);
      await f.fund.connect(f.committee[4]).approveEmergency(planId);
      await f.fund.connect(f.custodian).confirmEmergency(planId);
      for (const m of [f.committee[0], f.committee[1]]) {
        await expect(f.fund.connect(m).disburse(planId, f.owners[0].address, 1n, Stage.Start, doc("invoice")))
          .to.be.revertedWithCustomError(f.fund, "SeparationOfDuties")
          .withArgs(m.address, planId);
      }
      await f.fund.connect(f.custodian).disburse(planId, f.owners[0].address, 1n, Stage.Start, doc("invoice"));
    });

    it("enforces the estate's cap at proposal and at confirmation, and is off without a policy", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      await expect(f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, CAP + 1n, doc("too much")))
        .to.be.revertedWithCustomError(f.fund, "EmergencyCapExceeded")
        .withArgs(f.estateId, CAP + 1n, CAP);
      const planId = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, CAP, doc("at cap")),
      );
      await f.fund.connect(f.committee[1]).approveEmergency(planId);
      await f.fund.connect(f.committee[2]).approveEmergency(planId);
      await f.fund.setEmergencyPolicy(f.estateId, CAP - 1n, LIMIT, PERIOD_DAYS, DISCLOSURE_DAYS);
      await expect(f.fund.connect(f.custodian).confirmEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "EmergencyCapExceeded")
        .withArgs(f.estateId, CAP, CAP - 1n);

      const other = await buildEstate(f.registry, f.developer.address, [[4_000n]], [f.owners[0].address]);
      await f.registry.grantRole(
        await f.registry.estateRole(await f.registry.COMMITTEE_ROLE(), other.estateId),
        f.committee[0].address,
      );
      expect(await f.fund.emergencyPolicy(other.estateId)).to.deep.equal([0n, 0n, 0n, 30n]);
      await expect(f.fund.connect(f.committee[0]).proposeEmergency(other.estateId, 0n, 1n, doc("x")))
        .to.be.revertedWithCustomError(f.fund, "EmergencyCapExceeded")
        .withArgs(other.estateId, 1n, 0n);
    });

    it("lets a proposal expire after three days", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const planId = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, 1_000n, doc("stale")),
      );
      const expiresAt = (await f.fund.plan(planId)).proposedAt + 3n * DAY;
      await f.fund.connect(f.committee[1]).approveEmergency(planId);
      await time.increaseTo(expiresAt + 1n);
      await expect(f.fund.connect(f.committee[2]).approveEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "ProposalExpired")
        .withArgs(planId, expiresAt);
      await expect(f.fund.connect(f.custodian).confirmEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "ProposalExpired")
        .withArgs(planId, expiresAt);
    });

    it("still takes an approval at the proposal's last second, and refuses it one second later", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const planId = await planIdOf(f.fund, f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, 1_000n, doc("edge")));
      const expiresAt = (await f.fund.plan(planId)).proposedAt + 3n * DAY;
      await time.setNextBlockTimestamp(expiresAt);
      await expect(f.fund.connect(f.committee[1]).approveEmergency(planId)).to.emit(f.fund, "EmergencyApproved").withArgs(planId, f.committee[1].address, 2n);
      await time.setNextBlockTimestamp(expiresAt + 1n);
      await expect(f.fund.connect(f.committee[2]).approveEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "ProposalExpired")
        .withArgs(planId, expiresAt);
    });

    it("rejects bad proposals, approvals and confirmations with their values", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const propose = (who = f.committee[0], building = 0n, amount = 1_000n, reason = doc("r")) =>
        f.fund.connect(who).proposeEmergency(f.estateId, building, amount, reason);
      for (const who of [f.custodian, f.outsider, f.admin]) {
        await expect(propose(who))
          .to.be.revertedWithCustomError(f.fund, "NotCommitteeMember")
          .withArgs(who.address, f.estateId);
      }
      await expect(propose(f.committee[0], 0n, 0n)).to.be.revertedWithCustomError(f.fund, "ZeroAmount");
      await expect(propose(f.committee[0], 0n, 1n, ZeroHash)).to.be.revertedWithCustomError(f.fund, "ZeroHash");
      const foreign = await buildEstate(f.registry, f.developer.address, [[4_000n]], [f.owners[0].address]);
      await expect(propose(f.committee[0], foreign.buildingIds[0]))
        .to.be.revertedWithCustomError(f.registry, "BuildingNotInEstate")
        .withArgs(foreign.buildingIds[0], f.estateId);

      const planId = await planIdOf(f.fund, propose());
      await expect(f.fund.connect(f.committee[0]).approveEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "AlreadyApproved")
        .withArgs(planId, f.committee[0].address);
      await expect(f.fund.connect(f.outsider).approveEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "NotCommitteeMember")
        .withArgs(f.outsider.address, f.estateId);
      await expect(f.fund.connect(f.committee[1]).confirmEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "MissingRole")
        .withArgs(f.committee[1].address, f.roles.custodian);
      await expect(f.fund.connect(f.committee[1]).approveEmergency(99n))
        .to.be.revertedWithCustomError(f.fund, "UnknownPlan")
        .withArgs(99n);
      await f.fund.connect(f.committee[1]).approveEmergency(planId);
      await f.fund.connect(f.committee[2]).approveEmergency(planId);
      await f.fund.connect(f.custodian).confirmEmergency(planId);
      await expect(f.fund.connect(f.custodian2).confirmEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "WrongPlanStatus")
        .withArgs(planId, PlanStatus.Open, PlanStatus.Proposed);
      await expect(f.fund.connect(f.committee[3]).approveEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "WrongPlanStatus")
        .withArgs(planId, PlanStatus.Open, PlanStatus.Proposed);
    });

    it("tracks the disclosure deadline: pending, overdue, disclosed late or on time", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const { planId: late } = await openEmergency(f, 10_000n);
      const due = (await f.fund.plan(late)).disclosureDue;
      expect(await f.fund.disclosureStatus(late)).to.equal(Disclosure.Pending);
      expect(await f.fund.isDisclosureOverdue(late)).to.equal(false);
      await time.increaseTo(due);
      expect(await f.fund.disclosureStatus(late)).to.equal(Disclosure.Pending); // the last second still counts
      await time.increase(1);
      expect(await f.fund.disclosureStatus(late)).to.equal(Disclosure.Overdue);
      expect(await f.fund.isDisclosureOverdue(late)).to.equal(true);
      const notice = doc("notice posted in every lobby");
      await expect(f.fund.connect(f.committee[3]).discloseEmergency(late, notice))
        .to.emit(f.fund, "EmergencyDisclosed")
        .withArgs(late, f.committee[3].address, notice, true);
      expect(await f.fund.disclosureStatus(late)).to.equal(Disclosure.DisclosedLate);
      expect(await f.fund.isDisclosureOverdue(late)).to.equal(false);
      await expect(f.fund.connect(f.committee[0]).discloseEmergency(late, doc("again")))
        .to.be.revertedWithCustomError(f.fund, "AlreadyDisclosed")
        .withArgs(late, notice);

      const { planId: onTime } = await openEmergency(f, 10_000n);
      await expect(f.fund.connect(f.committee[0]).discloseEmergency(onTime, doc("posted")))
        .to.emit(f.fund, "EmergencyDisclosed")
        .withArgs(onTime, f.committee[0].address, doc("posted"), false);
      expect(await f.fund.disclosureStatus(onTime)).to.equal(Disclosure.Disclosed);

      const proposed = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, 1n, doc("p")),
      );
      expect(await f.fund.disclosureStatus(proposed)).to.equal(Disclosure.NotRequired);
      await expect(f.fund.connect(f.committee[0]).discloseEmergency(proposed, doc("d")))
        .to.be.revertedWithCustomError(f.fund, "WrongPlanStatus")
        .withArgs(proposed, PlanStatus.Proposed, PlanStatus.Open);
      await expect(f.fund.connect(f.custodian).discloseEmergency(onTime, doc("d")))
        .to.be.revertedWithCustomError(f.fund, "NotCommitteeMember")
        .withArgs(f.custodian.address, f.estateId);
      const { planId: third } = await openEmergency(f, 10_000n);
      await expect(f.fund.connect(f.committee[0]).discloseEmergency(third, ZeroHash)).to.be.revertedWithCustomError(
        f.fund,
        "ZeroHash",
      );
    });

    it("lets only the registry admin set the policy, within bounds, for a known estate", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      await expect(f.fund.setEmergencyPolicy(f.estateId, 7n, 20n, 90n, 10n))
        .to.emit(f.fund, "EmergencyPolicySet")
        .withArgs(f.estateId, 7n, 20n, 90n, 10n);
      expect(await f.fund.emergencyPolicy(f.estateId)).to.deep.equal([7n, 20n, 90n, 10n]);
      for (const who of [f.committee[0], f.custodian, f.staff]) {
        await expect(f.fund.connect(who).setEmergencyPolicy(f.estateId, 7n, 20n, 90n, 10n))
          .to.be.revertedWithCustomError(f.fund, "MissingRole")
          .withArgs(who.address, f.roles.admin);
      }
      await expect(f.fund.setEmergencyPolicy(99n, 7n, 20n, 90n, 10n)).to.be.revertedWithCustomError(f.fund, "UnknownEstate").withArgs(99n);
      await expect(f.fund.setEmergencyPolicy(f.estateId, 7n, 6n, 90n, 10n))
        .to.be.revertedWithCustomError(f.fund, "InvalidEmergencyLimit")
        .withArgs(7n, 6n, 90n, 366n);
      await expect(f.fund.setEmergencyPolicy(f.estateId, 7n, 20n, 0n, 10n))
        .to.be.revertedWithCustomError(f.fund, "InvalidEmergencyLimit")
        .withArgs(7n, 20n, 0n, 366n);
      await expect(f.fund.setEmergencyPolicy(f.estateId, 7n, 20n, 367n, 10n))
        .to.be.revertedWithCustomError(f.fund, "InvalidEmergencyLimit")
        .withArgs(7n, 20n, 367n, 366n);
      await expect(f.fund.setEmergencyPolicy(f.estateId, 7n, 20n, 90n, 0n))
        .to.be.revertedWithCustomError(f.fund, "InvalidDisclosureWindow")
        .withArgs(0n, 365n);
      await expect(f.fund.setEmergencyPolicy(f.estateId, 7n, 20n, 90n, 366n))
        .to.be.revertedWithCustomError(f.fund, "InvalidDisclosureWindow")
        .withArgs(366n, 365n);
      expect(await f.fund.emergencyPolicy(f.estateId)).to.deep.equal([7n, 20n, 90n, 10n]);
      // The longest period and disclosure window are themselves allowed.
      await expect(f.fund.setEmergencyPolicy(f.estateId, 7n, 20n, 366n, 365n)).to.emit(f.fund, "EmergencyPolicySet").withArgs(f.estateId, 7n, 20n, 366n, 365n);
      await f.fund.setEmergencyPolicy(f.estateId, 7n, 20n, 90n, 10n);
    });

    it("charges only the units of a building-scoped plan, as registered at the proposal's snapshot", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const planId = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, f.buildingIds[1], 1_201n, doc("B roof")),
      );
      // A unit registered in building B after the proposal is not charged.
      const [late] = await (async () => {
        const tx = await f.registry.registerUnits(f.buildingIds[1], [9_999n], [f.owners[1].address]);
        const r = (await tx.wait())!;
        return r.logs.map((l) => f.registry.interface.parseLog(l)).filter((l) => l?.name === "UnitRegistered").map((l) => l!.args.unitId as bigint);
      })();
      await f.fund.connect(f.custodian).deposit(late, DEPOSIT, doc("late unit"));
      await f.fund.connect(f.committee[1]).approveEmergency(planId);
      await f.fund.connect(f.committee[2]).approveEmergency(planId);
      const receipt = (await (await f.fund.connect(f.custodian).confirmEmergency(planId)).wait())!;
      const shares = apportion(1_201n, AREAS_B);
      expect(unitEvents(f.fund, receipt, "UnitCharged")).to.deep.equal(
        f.unitIds[1].map((unitId, i) => ({ unitId, amount: shares[i] })),
      );
      expect((await f.fund.account(late)).charged).to.equal(0n);
      for (const u of f.unitIds[0]) expect((await f.fund.account(u)).charged).to.equal(0n);
      await expectBooksBalance(f.fund, f.registry, f.estateId);
    });

    it("blocks the spend when a unit cannot cover its share, naming the unit, its balance and its share", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const poor = await buildEstate(f.registry, f.developer.address, [[1_000n, 3_000n]], [f.owners[0].address]);
      const [u1, u2] = poor.unitIds[0];
      const poorSeat = await f.registry.estateRole(await f.registry.COMMITTEE_ROLE(), poor.estateId);
      for (const m of f.committee.slice(0, 2)) await f.registry.grantRole(poorSeat, m.address);
      await f.fund.setEmergencyPolicy(poor.estateId, CAP, LIMIT, PERIOD_DAYS, DISCLOSURE_DAYS);
      await f.fund.connect(f.custodian).deposit(u1, 1_000n, doc("u1"));
      await f.fund.connect(f.custodian).deposit(u2, 2_000n, doc("u2"));
      // 4,000 fen by area 1:3 → 1,000 and 3,000; u2 holds only 2,000.
      const planId = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(poor.estateId, 0n, 4_000n, doc("gate")),
      );
      await f.fund.connect(f.committee[1]).approveEmergency(planId);
      await expect(f.fund.connect(f.custodian).confirmEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "InsufficientUnitBalance")
        .withArgs(u2, 2_000n, 3_000n);
      expect((await f.fund.account(u1)).balance).to.equal(1_000n);
      expect((await f.fund.plan(planId)).status).to.equal(PlanStatus.Proposed);
      await f.fund.connect(f.custodian).deposit(u2, 1_000n, doc("u2 top-up"));
      await f.fund.connect(f.custodian).confirmEmergency(planId);
      expect((await f.fund.account(u2)).balance).to.equal(0n);
      await expectBooksBalance(f.fund, f.registry, poor.estateId);
    });

    it("refuses a scope with no units at the snapshot", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const empty = await addBuilding(f.registry, f.estateId);
      const planId = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, empty, 1n, doc("empty")),
      );
      const p = await f.fund.plan(planId);
      await f.fund.connect(f.committee[1]).approveEmergency(planId);
      await f.fund.connect(f.committee[2]).approveEmergency(planId);
      await expect(f.fund.connect(f.custodian).confirmEmergency(planId))
        .to.be.revertedWithCustomError(f.fund, "EmptyScope")
        .withArgs(p.scopeKey, p.snapshot);
    });
  });

  describe("disbursements and closing", function () {
    it("pays in stages up to the budget, each with its document, and lists them for auditors", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const budget = 1_000_000n;
      const { planId } = await openEmergency(f, budget);
      const contractor = f.owners[6].address;
      const stages: [bigint, bigint, string][] = [
        [300_000n, Stage.Start, doc("contract")],
        [600_000n, Stage.Acceptance, doc("acceptance report")],
      ];
      for (const [i, [amount, stage, hash]] of stages.entries()) {
        await expect(f.fund.connect(f.custodian).disburse(planId, contractor, amount, stage, hash))
          .to.emit(f.fund, "Disbursed")
          .withArgs(planId, BigInt(i), contractor, amount, stage, hash);
      }
      await expect(f.fund.connect(f.custodian).disburse(planId, contractor, 100_001n, Stage.Warranty, doc("w")))
        .to.be.revertedWithCustomError(f.fund, "DisbursementExceedsBudget")
        .withArgs(planId, budget, 900_000n, 100_001n);
      await f.fund.connect(f.custodian2).disburse(planId, contractor, 100_000n, Stage.Warranty, doc("warranty"));
      await expect(f.fund.connect(f.custodian).disburse(planId, contractor, 1n, Stage.Warranty, doc("w")))
        .to.be.revertedWithCustomError(f.fund, "DisbursementExceedsBudget")
        .withArgs(planId, budget, budget, 1n);

      const list = await f.fund.disbursements(planId);
      expect(list.map((d) => [d.payee, d.amount, d.stage, d.documentHash])).to.deep.equal([
        [contractor, 300_000n, Stage.Start, doc("contract")],
        [contractor, 600_000n, Stage.Acceptance, doc("acceptance report")],
        [contractor, 100_000n, Stage.Warranty, doc("warranty")],
      ]);
      const [p, vote, payments] = await f.fund.planAudit(planId);
      expect([p.budget, p.disbursed, p.kind]).to.deep.equal([budget, budget, PlanKind.Emergency]);
      expect([vote.estateId, vote.budget, vote.outcome]).to.deep.equal([0n, 0n, 0n]);
      expect(payments.length).to.equal(3);
      const ledger = await f.fund.estateLedger(f.estateId);
      expect([ledger.committed, ledger.disbursed]).to.deep.equal([0n, budget]);
      await expectBooksBalance(f.fund, f.registry, f.estateId);
    });

    it("lets one document justify one disbursement only, in any plan", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const { planId } = await openEmergency(f, 10_000n);
      const { planId: other } = await openEmergency(f, 10_000n);
      const invoice = doc("invoice 2024-117");
      expect(await f.fund.documentUsedBy(invoice)).to.equal(0n);
      await f.fund.connect(f.custodian).disburse(planId, f.owners[6].address, 1_000n, Stage.Progress, invoice);
      expect(await f.fund.documentUsedBy(invoice)).to.equal(planId);
      for (const [plan, stage] of [
        [planId, Stage.Acceptance],
        [other, Stage.Progress],
      ]) {
        await expect(f.fund.connect(f.custodian2).disburse(plan, f.owners[5].address, 1_000n, stage, invoice))
          .to.be.revertedWithCustomError(f.fund, "DocumentAlreadyUsed")
          .withArgs(invoice, planId);
      }
      expect((await f.fund.plan(other)).disbursed).to.equal(0n);
      expect((await f.fund.plan(planId)).disbursed).to.equal(1_000n);
    });

    it("rejects bad disbursements with their values", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const { planId } = await openEmergency(f, 10_000n);
      const pay = (who = f.custodian, payee = f.owners[6].address, amount = 1n, hash = doc("i"), plan = planId) =>
        f.fund.connect(who).disburse(plan, payee, amount, Stage.Progress, hash);
      for (const who of [f.committee[3], f.admin, f.auditor, f.outsider]) {
        await expect(pay(who)).to.be.revertedWithCustomError(f.fund, "MissingRole").withArgs(who.address, f.roles.custodian);
      }
      await expect(pay(f.custodian, ZeroAddress)).to.be.revertedWithCustomError(f.fund, "ZeroPayee");
      await expect(pay(f.custodian, f.owners[6].address, 0n)).to.be.revertedWithCustomError(f.fund, "ZeroAmount");
      await expect(pay(f.custodian, f.owners[6].address, 1n, ZeroHash)).to.be.revertedWithCustomError(f.fund, "ZeroHash");
      await expect(pay(f.custodian, f.owners[6].address, 1n, doc("i"), 42n))
        .to.be.revertedWithCustomError(f.fund, "UnknownPlan")
        .withArgs(42n);
      const proposed = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, 0n, 5n, doc("p")),
      );
      await expect(pay(f.custodian, f.owners[6].address, 1n, doc("i"), proposed))
        .to.be.revertedWithCustomError(f.fund, "WrongPlanStatus")
        .withArgs(proposed, PlanStatus.Proposed, PlanStatus.Open);
      await f.fund.connect(f.custodian).closePlan(planId, doc("done"));
      await expect(pay())
        .to.be.revertedWithCustomError(f.fund, "WrongPlanStatus")
        .withArgs(planId, PlanStatus.Closed, PlanStatus.Open);
    });

    it("closes by returning the unused budget to the units by the same rule", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const budget = 1_000_003n;
      const { planId, receipt: opened } = await openEmergency(f, budget);
      const charged = unitEvents(f.fund, opened, "UnitCharged");
      await f.fund.connect(f.custodian).disburse(planId, f.owners[6].address, 612_345n, Stage.Start, doc("c"));
      const report = doc("acceptance report");
      const close = f.fund.connect(f.custodian).closePlan(planId, report);
      await expect(close).to.emit(f.fund, "PlanClosed").withArgs(planId, f.custodian.address, 612_345n, budget - 612_345n, report);
      const refunds = unitEvents(f.fund, (await (await close).wait())!, "UnitRefunded");
      const expected = apportion(budget - 612_345n, [...AREAS_A, ...AREAS_B]);
      expect(refunds).to.deep.equal(f.units.map((unitId, i) => ({ unitId, amount: expected[i] })));
      expect(refunds.reduce((s, r) => s + r.amount, 0n)).to.equal(budget - 612_345n);
      for (let i = 0; i < f.units.length; i++) {
        const a = await f.fund.account(f.units[i]);
        expect([a.charged, a.refunded, a.balance]).to.deep.equal([
          charged[i].amount,
          expected[i],
          DEPOSIT - charged[i].amount + expected[i],
        ]);
      }
      const p = await f.fund.plan(planId);
      expect([p.status, p.closingHash]).to.deep.equal([PlanStatus.Closed, report]);
      const ledger = await f.fund.estateLedger(f.estateId);
      expect([ledger.balance, ledger.committed, ledger.disbursed]).to.deep.equal([
        DEPOSIT * 5n - 612_345n,
        0n,
        612_345n,
      ]);
      await expectBooksBalance(f.fund, f.registry, f.estateId);
      await expect(f.fund.connect(f.custodian).closePlan(planId, report))
        .to.be.revertedWithCustomError(f.fund, "WrongPlanStatus")
        .withArgs(planId, PlanStatus.Closed, PlanStatus.Open);
    });

    it("lets a committee member abandon a plan; a fully paid plan releases nothing; others cannot close", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const { planId } = await openEmergency(f, 5_000n);
      for (const who of [f.auditor, f.staff, f.outsider, f.admin]) {
        await expect(f.fund.connect(who).closePlan(planId, doc("x")))
          .to.be.revertedWithCustomError(f.fund, "NotPlanCloser")
          .withArgs(who.address, planId);
      }
      await expect(f.fund.connect(f.committee[4]).closePlan(planId, ZeroHash)).to.be.revertedWithCustomError(
        f.fund,
        "ZeroHash",
      );
      await expect(f.fund.connect(f.committee[4]).closePlan(planId, doc("contractor withdrew")))
        .to.emit(f.fund, "PlanClosed")
        .withArgs(planId, f.committee[4].address, 0n, 5_000n, doc("contractor withdrew"));
      expect(await f.fund.fundBalance(f.estateId)).to.equal(DEPOSIT * 5n);

      const { planId: paid } = await openEmergency(f, 5_000n);
      await f.fund.connect(f.custodian).disburse(paid, f.owners[6].address, 5_000n, Stage.Acceptance, doc("inv"));
      const close = f.fund.connect(f.custodian).closePlan(paid, doc("accepted"));
      await expect(close).to.emit(f.fund, "PlanClosed").withArgs(paid, f.custodian.address, 5_000n, 0n, doc("accepted"));
      await expect(close).not.to.emit(f.fund, "UnitRefunded");
      await expectBooksBalance(f.fund, f.registry, f.estateId);
    });

    it("reports unknown plans", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      for (const call of [f.fund.plan(7n), f.fund.disbursements(7n), f.fund.planAudit(7n), f.fund.disclosureStatus(7n)]) {
        await expect(call).to.be.revertedWithCustomError(f.fund, "UnknownPlan").withArgs(7n);
      }
      await expect(f.fund.connect(f.custodian).closePlan(7n, doc("x")))
        .to.be.revertedWithCustomError(f.fund, "UnknownPlan")
        .withArgs(7n);
    });
  });

  describe("apportionment", function () {
    /** Exact-to-the-fen checks: shares sum to the amount and each is within 1 fen of amount·a/T. */
    function expectFair(amount: bigint, areas: bigint[], shares: bigint[]) {
      const total = areas.reduce((a, b) => a + b, 0n);
      expect(shares.reduce((a, b) => a + b, 0n)).to.equal(amount);
      shares.forEach((share, i) => {
        const exactTimesT = amount * areas[i]; // exact share = exactTimesT / total
        const diff = share * total - exactTimesT;
        expect(diff < total && -diff < total, `unit ${i}: share ${share} vs ${exactTimesT}/${total}`).to.equal(true);
      });
    }

    async function estateWith(f: Fixture, areas: bigint[]) {
      const e = await buildEstate(f.registry, f.developer.address, [areas], f.owners.map((o) => o.address));
      const seat = await f.registry.estateRole(await f.registry.COMMITTEE_ROLE(), e.estateId);
      for (const m of f.committee.slice(0, 2)) await f.registry.grantRole(seat, m.address);
      await f.fund.setEmergencyPolicy(e.estateId, 100_000_000n, 100_000_000n, PERIOD_DAYS, DISCLOSURE_DAYS);
      return e;
    }

    /** Proposed and approved by the estate's two committee members, confirmed by the custodian. */
    async function openByTwo(f: Fixture, estateId: bigint, amount: bigint) {
      const planId = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(estateId, 0n, amount, doc(`apportion ${amount}`)),
      );
      await f.fund.connect(f.committee[1]).approveEmergency(planId);
      const receipt = (await (await f.fund.connect(f.custodian).confirmEmergency(planId)).wait())!;
      return { planId, receipt };
    }

    it("splits 1 fen over 3 equal units: one unit pays it, none is short-changed by more than 1 fen", async function () {
      const f = await networkHelpers.loadFixture(fundFixture);
      const areas = [10_000n, 10_000n, 10_000n];
      const e = await estateWith(f, areas);
      await depositAll(f.fund, f.custodian, e.unitIds[0], () => 1n, "one-fen");
      const { receipt } = await openByTwo(f, e.estateId, 1n);
      const charged = unitEvents(f.fund, receipt, "UnitCharged");
      expect(charged).to.deep.equal([{ unitId: e.unitIds[0][2], amount: 1n }]);
      const shares = e.unitIds[0].map((u) => charged.find((c) => c.unitId === u)?.amount ?? 0n);
      expectFair(1n, areas, shares);
      expect(shares).to.deep.equal(apportion(1n, areas));
      await expectBooksBalance(f.fund, f.registry, e.estateId);
    });

    it("splits 100,000.01 CNY over 317 units of odd areas exactly to the fen, and refunds exactly too", async function () {
      this.timeout(120_000);
      const f = await networkHelpers.loadFixture(fundFixture);
      // Odd areas between 35.01 m² and 199.99 m², deterministic and coprime-ish to the amount.
      const areas = Array.from({ length: 317 }, (_, i) => 3_501n + ((BigInt(i) * 7_919n + 13n) % 16_499n) | 1n);
      const amount = 10_000_001n;
      const e = await estateWith(f, areas);
      await depositAll(f.fund, f.custodian, e.unitIds[0], () => 100_000n, "odd");
      const { planId, receipt } = await openByTwo(f, e.estateId, amount);
      const charged = unitEvents(f.fund, receipt, "UnitCharged");
      expect(charged.map((c) => c.unitId)).to.deep.equal(e.unitIds[0]); // every share is positive here
      const shares = charged.map((c) => c.amount);
      expect(shares).to.deep.equal(apportion(amount, areas));
      expectFair(amount, areas, shares);

      // Pay 1 fen: the 10,000,000 fen left go back by the same rule, again exactly.
      await f.fund.connect(f.custodian).disburse(planId, f.owners[6].address, 1n, Stage.Start, doc("1 fen"));
      const closed = (await (await f.fund.connect(f.custodian).closePlan(planId, doc("close"))).wait())!;
      const refunds = unitEvents(f.fund, closed, "UnitRefunded").map((r) => r.amount);
      expect(refunds).to.deep.equal(apportion(amount - 1n, areas));
      expectFair(amount - 1n, areas, refunds);
      // Net cost per unit is within 2 fen of its exact share of the 1 fen disbursed.
      shares.forEach((s, i) => expect(s - refunds[i] >= -1n && s - refunds[i] <= 2n).to.equal(true));
      await expectBooksBalance(f.fund, f.registry, e.estateId);
    });
  });

  describe("gas", function () {
    it("opens and closes a 1,000-unit plan well within a 30M-gas block", async function () {
      this.timeout(300_000);
      const f = await networkHelpers.loadFixture(fundFixture);
      const areas = Array.from({ length: 1_000 }, (_, i) => 5_000n + BigInt((i * 37) % 9_000));
      const e = await buildEstate(f.registry, f.developer.address, [areas.slice(0, 500), areas.slice(500)], f.owners.map((o) => o.address));
      const seat = await f.registry.estateRole(await f.registry.COMMITTEE_ROLE(), e.estateId);
      for (const m of f.committee.slice(0, 2)) await f.registry.grantRole(seat, m.address);
      await f.fund.setEmergencyPolicy(e.estateId, 1_000_000_000n, 1_000_000_000n, PERIOD_DAYS, DISCLOSURE_DAYS);
      await depositAll(f.fund, f.custodian, e.unitIds.flat(), () => 2_000_000n, "big");
      const planId = await planIdOf(
        f.fund,
        f.fund.connect(f.committee[0]).proposeEmergency(e.estateId, 0n, 987_654_321n, doc("façades")),
      );
      await f.fund.connect(f.committee[1]).approveEmergency(planId);
      const opened = (await (await f.fund.connect(f.custodian).confirmEmergency(planId)).wait())!;
      expect(unitEvents(f.fund, opened, "UnitCharged").length).to.equal(1_000);
      expect(opened.gasUsed < 15_000_000n, `open: ${opened.gasUsed} gas`).to.equal(true);
      const closed = (await (await f.fund.connect(f.custodian).closePlan(planId, doc("abandon"))).wait())!;
      expect(closed.gasUsed < 15_000_000n, `close: ${closed.gasUsed} gas`).to.equal(true);
      console.log(`      1,000-unit plan: open ${opened.gasUsed} gas, close with full refund ${closed.gasUsed} gas`);
      await expectBooksBalance(f.fund, f.registry, e.estateId);
    });
  });
});
