// Gas of the maintenance fund, the time bank and the record anchor, next to a plain ERC-20 transfer measured in the
// same run on the same in-process simulated network (Hardhat `network.create()`, solc 0.8.30, optimizer + viaIR).
import { network } from "hardhat";
import { id } from "ethers";
import type { ContractTransactionResponse } from "ethers";
import { type BenchModule, type Figure, round } from "./figures.js";

const BLOCK_GAS = 30_000_000;
const PLAN_SMALL = 100;
const PLAN_LARGE = 1_000;
const REGISTRATION_BATCH = 100;
const OPENING_DEPOSIT = 5_000_000n; // 50,000.00 CNY per unit
const DAY = 86_400n;
const MATTER_USE_FUND = 4; // VoteTypes.Matter.UseFund
const CHOICE_FOR = 1; // VoteTypes.Choice.For
const VOTE_START_DELAY = 100;
const VOTE_DURATION = 7 * 86_400;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("transaction failed");
  return Number(receipt.gasUsed);
}

const bench: BenchModule = {
  title: "Maintenance fund, time bank and record anchor: gas per operation",
  async run(): Promise<Figure[]> {
    const connection = await network.create();
    const { ethers, networkHelpers } = connection;
    const { time } = networkHelpers;
    const signers = await ethers.getSigners();
    const [admin, developer, c1, c2, c3, custodian, staff, anchorer, volunteer, elder, contractor, holderA, holderB] = signers;

    // Baseline: an OpenZeppelin ERC-20 transfer between two addresses that already hold tokens.
    const token = await ethers.deployContract("FundBenchToken", [admin.address, 10n ** 24n]);
    await (await token.transfer(holderA.address, 10n ** 18n)).wait();
    const transferNew = await gasOf(token.transfer(holderB.address, 10n ** 18n));
    const transfer = await gasOf(token.transfer(holderA.address, 10n ** 18n));
    console.log(`ERC-20 transfer: ${transfer} gas (to a fresh holder: ${transferNew})`);

    // The registry, one estate per plan size, the fund with a high emergency cap.
    const registry = await ethers.deployContract("CommunityRegistry", [admin.address]);
    await (await registry.grantRole(await registry.CUSTODIAN_ROLE(), custodian.address)).wait();
    await (await registry.grantRole(await registry.STAFF_ROLE(), staff.address)).wait();
    await (await registry.grantRole(await registry.ANCHORER_ROLE(), anchorer.address)).wait();
    const proxies = await ethers.deployContract("ProxyAuthorizations", [await registry.getAddress()]);
    const ownersVote = await ethers.deployContract("OwnersVote", [await registry.getAddress(), await proxies.getAddress()]);
    const fund = await ethers.deployContract("MaintenanceFund", [await registry.getAddress(), await ownersVote.getAddress()]);
    const holderSigners = signers.slice(13, 20);
    const holders = holderSigners.map((s) => s.address);

    async function estateOf(units: number): Promise<{ estateId: bigint; unitIds: bigint[] }> {
      const estateId = (await registry.createEstate.staticCall(developer.address)) as bigint;
      await (await registry.createEstate(developer.address)).wait();
      const seat = await registry.estateRole(await registry.COMMITTEE_ROLE(), estateId);
      for (const m of [c1, c2, c3]) await (await registry.grantRole(seat, m.address)).wait();
      const unitIds: bigint[] = [];
      let buildingId = 0n;
      for (let i = 0; i < units; i += REGISTRATION_BATCH) {
        if (i % 500 === 0) {
          buildingId = (await registry.addBuilding.staticCall(estateId)) as bigint;
          await (await registry.addBuilding(estateId)).wait();
        }
        const n = Math.min(REGISTRATION_BATCH, units - i);
        const areas = Array.from({ length: n }, (_, j) => 4_001n + BigInt(((i + j) * 7_919) % 11_000));
        const first = (await registry.registerUnits.staticCall(buildingId, areas, areas.map((_, j) => holders[(i + j) % holders.length]))) as bigint;
        await (await registry.registerUnits(buildingId, areas, areas.map((_, j) => holders[(i + j) % holders.length]))).wait();
        for (let j = 0; j < n; j++) unitIds.push(first + BigInt(j));
      }
      await (await fund.setEmergencyPolicy(estateId, 10n ** 15n, 10n ** 15n, 365, 30)).wait();
      return { estateId, unitIds };
    }

    let receipts = 0;
    async function fill(unitIds: bigint[]): Promise<number[]> {
      const gas: number[] = [];
      for (const u of unitIds) gas.push(await gasOf(fund.connect(custodian).deposit(u, OPENING_DEPOSIT, id(`receipt ${receipts++}`))));
      return gas;
    }

    /** A UseFund vote of the whole estate that every holder approves, run to its end on OwnersVote. */
    async function passedVote(estateId: bigint, budget: bigint): Promise<bigint> {
      const start = (await time.latest()) + VOTE_START_DELAY;
      const args = [estateId, 0, MATTER_USE_FUND, id("works and quote"), start, start + VOTE_DURATION, budget] as const;
      const voteId = (await ownersVote.connect(c1).openVote.staticCall(...args)) as bigint;
      await (await ownersVote.connect(c1).openVote(...args)).wait();
      await time.increaseTo(start);
      for (const h of holderSigners) await (await ownersVote.connect(h).castBallot(voteId, CHOICE_FOR)).wait();
      await time.increaseTo(start + VOTE_DURATION);
      await (await ownersVote.finalize(voteId)).wait();
      return voteId;
    }

    /** A committee member opens a plan on a passed vote: the opening apportions and debits every unit. */
    async function votedPlan(estateId: bigint, budget: bigint): Promise<{ planId: bigint; open: number }> {
      const voteId = await passedVote(estateId, budget);
      const planId = (await fund.connect(c2).openPlan.staticCall(voteId, budget, id("repair plan"))) as bigint;
      const open = await gasOf(fund.connect(c2).openPlan(voteId, budget, id("repair plan")));
      return { planId, open };
    }

    /** Proposal, one approval (2 of 3 seats), and the custodian's confirmation, which apportions. */
    async function emergencyPlan(estateId: bigint, budget: bigint): Promise<{ planId: bigint; propose: number; approve: number; open: number }> {
      const planId = (await fund.connect(c1).proposeEmergency.staticCall(estateId, 0, budget, id("burst riser"))) as bigint;
      const propose = await gasOf(fund.connect(c1).proposeEmergency(estateId, 0, budget, id("burst riser")));
      const approve = await gasOf(fund.connect(c2).approveEmergency(planId));
      const open = await gasOf(fund.connect(custodian).confirmEmergency(planId));
      return { planId, propose, approve, open };
    }

    const small = await estateOf(PLAN_SMALL);
    const firstDeposits = await fill(small.unitIds);
    const depositFirst = firstDeposits[0];
    const deposit = await gasOf(fund.connect(custodian).deposit(small.unitIds[1], 12_345n, id("top-up")));
    console.log(`deposit: ${deposit} gas (first into an empty sub-account: ${depositFirst})`);

    const plan100 = await votedPlan(small.estateId, 12_345_679n);
    const emergency100 = await emergencyPlan(small.estateId, 12_345_679n);
    console.log(
      `plan over ${PLAN_SMALL} units: ${plan100.open} gas after a vote, ${emergency100.open} on the emergency path (proposal ${emergency100.propose}, approval ${emergency100.approve})`,
    );
    const disbursement = await gasOf(
      fund.connect(custodian).disburse(plan100.planId, contractor.address, 5_000_000n, 0, id("contract and invoice")),
    );
    const close100 = await gasOf(fund.connect(custodian).closePlan(plan100.planId, id("acceptance report")));
    console.log(`disbursement: ${disbursement} gas; closing the ${PLAN_SMALL}-unit plan with a refund: ${close100}`);

    console.log(`registering and funding ${PLAN_LARGE} units…`);
    const large = await estateOf(PLAN_LARGE);
    await fill(large.unitIds);
    const plan1000 = await votedPlan(large.estateId, 987_654_321n);
    await gasOf(fund.connect(custodian).disburse(plan1000.planId, contractor.address, 123_456_789n, 0, id("stage 1")));
    const close1000 = await gasOf(fund.connect(custodian).closePlan(plan1000.planId, id("acceptance report")));
    const emergency1000 = await emergencyPlan(large.estateId, 987_654_321n);
    console.log(
      `plan over ${PLAN_LARGE} units: ${plan1000.open} gas after a vote, ${emergency1000.open} on the emergency path; closing with a refund: ${close1000}`,
    );

    // Time bank: a service recorded by the volunteer and confirmed by the recipient.
    const bank = await ethers.deployContract("TimeBank", [await registry.getAddress(), await proxies.getAddress()]);
    for (const m of [volunteer, elder]) await (await bank.connect(staff).registerMember(m.address)).wait();
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    // A first service warms the volunteer's day counter as on any working day after the first.
    await (await bank.connect(volunteer).recordService(elder.address, 30, 0, now - DAY, id("first"))).wait();
    await (await bank.connect(elder).confirmService(1)).wait();
    const record = await gasOf(bank.connect(volunteer).recordService(elder.address, 90, 0, now, id("meal delivered")));
    const confirm = await gasOf(bank.connect(elder).confirmService(2));
    console.log(`time-bank credit: record ${record} + confirm ${confirm} gas`);

    // Anchor: a batch after the first (the first also initialises the leaf counter).
    const anchor = await ethers.deployContract("RecordAnchor", [await registry.getAddress()]);
    await (await anchor.connect(anchorer).anchor(id("batch 0"), 0, 1_000)).wait();
    const anchorGas = await gasOf(anchor.connect(anchorer).anchor(id("batch 1"), 1_000, 1_000));
    console.log(`anchor: ${anchorGas} gas`);

    const ratio = (g: number) => round(g / transfer, 2);
    const credit = record + confirm;
    return [
      { name: "erc20.gas.transfer", value: transfer, unit: "gas", description: "OpenZeppelin ERC-20 `transfer` between two existing holders (baseline)" },
      { name: "erc20.gas.transferNew", value: transferNew, unit: "gas", description: "the same transfer to an address holding no tokens yet" },
      { name: "fund.gas.deposit", value: deposit, unit: "gas", description: "custodian records a top-up into a funded unit (new receipt hash)" },
      { name: "fund.gas.depositFirst", value: depositFirst, unit: "gas", description: "first deposit into an empty sub-account" },
      { name: "fund.gas.plan100", value: plan100.open, unit: "gas", description: `openPlan on a passed OwnersVote UseFund vote over ${PLAN_SMALL} units (apportions and debits every unit)` },
      { name: "fund.gas.plan1000", value: plan1000.open, unit: "gas", description: `openPlan on a passed OwnersVote UseFund vote over ${PLAN_LARGE} units` },
      { name: "fund.gas.plan100Emergency", value: emergency100.open, unit: "gas", description: `the custodian's confirmation opening a ${PLAN_SMALL}-unit emergency plan (apportions)` },
      { name: "fund.gas.plan1000Emergency", value: emergency1000.open, unit: "gas", description: `the same over ${PLAN_LARGE} units` },
      { name: "fund.gas.emergencyProposal", value: emergency100.propose, unit: "gas", description: "a committee member's emergency proposal (before the opening)" },
      { name: "fund.gas.emergencyApproval", value: emergency100.approve, unit: "gas", description: "one more committee approval" },
      { name: "fund.gas.disbursement", value: disbursement, unit: "gas", description: "custodian pays a stage (first payment of a plan)" },
      { name: "fund.gas.close100", value: close100, unit: "gas", description: `closing the ${PLAN_SMALL}-unit plan, refunding the unused budget to every unit` },
      { name: "fund.gas.close1000", value: close1000, unit: "gas", description: `closing the ${PLAN_LARGE}-unit plan, refunding the unused budget to every unit` },
      { name: "timebank.gas.credit", value: credit, unit: "gas", description: "one service credited: the volunteer's record plus the recipient's confirmation" },
      { name: "timebank.gas.record", value: record, unit: "gas", description: "the volunteer's record alone" },
      { name: "timebank.gas.confirm", value: confirm, unit: "gas", description: "the recipient's confirmation alone (credits the volunteer)" },
      { name: "anchor.gas.anchor", value: anchorGas, unit: "gas", description: "anchoring one Merkle root (a batch after the first)" },
      { name: "fund.ratio.deposit", value: ratio(deposit), unit: "× transfer", description: "deposit / ERC-20 transfer" },
      { name: "fund.ratio.plan100", value: ratio(plan100.open), unit: "× transfer", description: "100-unit plan / ERC-20 transfer" },
      { name: "fund.ratio.plan1000", value: ratio(plan1000.open), unit: "× transfer", description: "1,000-unit plan / ERC-20 transfer" },
      { name: "fund.ratio.disbursement", value: ratio(disbursement), unit: "× transfer", description: "disbursement / ERC-20 transfer" },
      { name: "timebank.ratio.credit", value: ratio(credit), unit: "× transfer", description: "service credited (record + confirm) / ERC-20 transfer" },
      { name: "anchor.ratio.anchor", value: ratio(anchorGas), unit: "× transfer", description: "anchor / ERC-20 transfer" },
      {
        name: "fund.share.plan1000",
        value: round((plan1000.open / BLOCK_GAS) * 100, 1),
        unit: "% of 30M",
        description: `the ${PLAN_LARGE}-unit voted plan as a share of a 30M-gas block`,
      },
      {
        name: "fund.share.plan1000Emergency",
        value: round((emergency1000.open / BLOCK_GAS) * 100, 1),
        unit: "% of 30M",
        description: `the ${PLAN_LARGE}-unit emergency opening as a share of a 30M-gas block`,
      },
      {
        name: "fund.share.close1000",
        value: round((close1000 / BLOCK_GAS) * 100, 1),
        unit: "% of 30M",
        description: `closing the ${PLAN_LARGE}-unit plan as a share of a 30M-gas block`,
      },
    ];
  },
};

export default bench;
