import { expect } from "chai";
import { network } from "hardhat";
import fc from "fast-check";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { deployRegistry } from "../helpers/estate.js";
import { deployProxies } from "../helpers/proxies.js";
import { apportion, buildEstate, cast, doc, planIdOf, Stage } from "../helpers/fund.js";
import { decide } from "../helpers/fundVotes.js";
import { Choice, Matter } from "../helpers/rules.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

// Two buildings of odd areas, so that apportionment rounds.
const BUILDINGS = [
  [7_351n, 9_013n, 12_007n],
  [5_501n, 8_999n, 6_043n, 11_111n],
];
const OPENING_BALANCE = 500_000n;

async function propertyFixture() {
  const { registry } = await deployRegistry(connection);
  const signers = await ethers.getSigners();
  const e = await buildEstate(registry, signers[1].address, BUILDINGS, signers.slice(13, 20).map((s) => s.address));
  const people = await cast(connection, registry, e.estateId, 3);
  const proxies = await deployProxies(connection, registry);
  const ownersVote = await ethers.deployContract("OwnersVote", [await registry.getAddress(), await proxies.getAddress()]);
  const fund = await ethers.deployContract("MaintenanceFund", [await registry.getAddress(), await ownersVote.getAddress()]);
  await fund.setEmergencyPolicy(e.estateId, 2n ** 63n, 2n ** 63n, 365n, 30n); // neither cap nor limit binds here
  for (const u of e.unitIds.flat()) await fund.connect(people.custodian).deposit(u, OPENING_BALANCE, doc(`opening ${u}`));
  return { registry, ownersVote, fund, ...e, ...people };
}

type Op =
  | { kind: "deposit"; unit: number; amount: bigint }
  | { kind: "spend"; scope: number; amount: bigint; byVote: boolean }
  | { kind: "disburse"; plan: number; amount: bigint }
  | { kind: "close"; plan: number };

const unitCount = BUILDINGS.flat().length;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("deposit" as const), unit: fc.nat(unitCount - 1), amount: fc.bigInt(1n, 2_000_000n) }) },
  { weight: 3, arbitrary: fc.record({
      kind: fc.constant("spend" as const),
      scope: fc.nat(BUILDINGS.length),
      // One spend in four goes through a real owners' vote (slower: ballots and a week of voting).
      byVote: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      // Mostly affordable spends, sometimes one that some unit cannot cover.
      amount: fc.oneof({ weight: 4, arbitrary: fc.bigInt(1n, 1_500_000n) }, { weight: 1, arbitrary: fc.bigInt(1n, 20_000_000n) }),
    }) },
  { weight: 3, arbitrary: fc.record({
      kind: fc.constant("disburse" as const),
      plan: fc.nat(7),
      amount: fc.oneof({ weight: 4, arbitrary: fc.bigInt(1n, 400_000n) }, { weight: 1, arbitrary: fc.bigInt(1n, 3_000_000n) }),
    }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("close" as const), plan: fc.nat(7) }) },
);

describe("MaintenanceFund invariants (fast-check)", function () {
  it("keeps fund balance = Σ unit balances, no unit below zero, disbursed ≤ budget, over random operations", async function () {
    this.timeout(120_000);
    let runs = 0;
    // How often each path ran, so that the test fails if the generators stop reaching a path.
    const seen = { emergencyOpened: 0, voteOpened: 0, spendBlocked: 0, paid: 0, overBudget: 0, closed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 24 }), async (ops) => {
        runs++;
        const f = await networkHelpers.loadFixture(propertyFixture);
        const units = f.unitIds.flat();
        const areaOf = new Map(units.map((u, i) => [u, BUILDINGS.flat()[i]]));
        const scopeUnits = (scope: number) => (scope === 0 ? units : f.unitIds[scope - 1]);
        // The model: balances per unit, open plans with budget and disbursed.
        const balance = new Map(units.map((u) => [u, OPENING_BALANCE]));
        const plans: { id: bigint; scope: number; budget: bigint; disbursed: bigint; open: boolean }[] = [];
        let receipts = 0;

        for (const op of ops) {
          if (op.kind === "deposit") {
            const u = units[op.unit];
            await f.fund.connect(f.custodian).deposit(u, op.amount, doc(`p-${receipts++}`));
            balance.set(u, balance.get(u)! + op.amount);
          } else if (op.kind === "spend") {
            const scoped = scopeUnits(op.scope);
            const shares = apportion(op.amount, scoped.map((u) => areaOf.get(u)!));
            const short = scoped.findIndex((u, i) => balance.get(u)! < shares[i]);
            const buildingId = op.scope === 0 ? 0n : f.buildingIds[op.scope - 1];
            let id: bigint;
            let opening: Promise<ContractTransactionResponse>;
            if (op.byVote) {
              // Every holder of the scope (unit i is held by owners[i]) votes for the spend.
              const ballots = scoped.map((u) => [f.owners[units.indexOf(u)], Choice.For] as [HardhatEthersSigner, typeof Choice.For]);
              const voteId = await decide(
                connection,
                f.ownersVote,
                f.committee[0],
                { estateId: f.estateId, buildingId, matter: Matter.UseFund, budget: op.amount },
                ballots,
              );
              id = (await f.fund.planCount()) + 1n;
              opening = f.fund.connect(f.committee[2]).openPlan(voteId, op.amount, doc(`plan ${receipts++}`));
            } else {
              id = await planIdOf(
                f.fund,
                f.fund.connect(f.committee[0]).proposeEmergency(f.estateId, buildingId, op.amount, doc(`spend ${receipts++}`)),
              );
              await f.fund.connect(f.committee[1]).approveEmergency(id);
              opening = f.fund.connect(f.custodian).confirmEmergency(id);
            }
            if (short >= 0) {
              const u = scoped[short];
              await expect(opening)
                .to.be.revertedWithCustomError(f.fund, "InsufficientUnitBalance")
                .withArgs(u, balance.get(u)!, shares[short]);
              seen.spendBlocked++;
            } else {
              await expect(opening).to.emit(f.fund, "PlanOpened");
              const opened = await f.fund.plan(id);
              expect([opened.budget, opened.kind]).to.deep.equal([op.amount, op.byVote ? 0n : 1n]);
              if (op.byVote) seen.voteOpened++;
              else seen.emergencyOpened++;
              scoped.forEach((u, i) => balance.set(u, balance.get(u)! - shares[i]));
              plans.push({ id, scope: op.scope, budget: op.amount, disbursed: 0n, open: true });
            }
          } else if (op.kind === "disburse") {
            const p = plans[op.plan % Math.max(plans.length, 1)];
            if (p === undefined || !p.open) continue;
            const pay = f.fund.connect(f.custodian2).disburse(p.id, f.owners[6].address, op.amount, Stage.Progress, doc(`inv ${receipts++}`));
            if (p.disbursed + op.amount > p.budget) {
              await expect(pay)
                .to.be.revertedWithCustomError(f.fund, "DisbursementExceedsBudget")
                .withArgs(p.id, p.budget, p.disbursed, op.amount);
              seen.overBudget++;
            } else {
              await pay;
              seen.paid++;
              p.disbursed += op.amount;
            }
          } else {
            const p = plans[op.plan % Math.max(plans.length, 1)];
            if (p === undefined || !p.open) continue;
            await f.fund.connect(f.committee[2]).closePlan(p.id, doc(`close ${receipts++}`));
            const scoped = scopeUnits(p.scope);
            const refunds = apportion(p.budget - p.disbursed, scoped.map((u) => areaOf.get(u)!));
            scoped.forEach((u, i) => balance.set(u, balance.get(u)! + refunds[i]));
            p.open = false;
            seen.closed++;
          }

          // Invariants after every step.
          let sum = 0n;
          for (const u of units) {
            const a = await f.fund.account(u);
            expect(a.balance).to.equal(balance.get(u), `unit ${u} after ${op.kind}`);
            expect(a.balance).to.equal(a.deposited - a.charged + a.refunded);
            expect(a.balance >= 0n).to.equal(true);
            sum += a.balance;
          }
          const ledger = await f.fund.estateLedger(f.estateId);
          expect(ledger.balance).to.equal(sum, "fund balance = Σ unit balances");
          expect(ledger.deposited).to.equal(ledger.balance + ledger.committed + ledger.disbursed);
          let committed = 0n;
          for (const p of plans) {
            const onChain = await f.fund.plan(p.id);
            expect(onChain.disbursed <= onChain.budget).to.equal(true, "disbursed ≤ budget");
            expect(onChain.disbursed).to.equal(p.disbursed);
            if (p.open) committed += p.budget - p.disbursed;
          }
          expect(ledger.committed).to.equal(committed);
        }
      }),
      { numRuns: 100 },
    );
    expect(runs).to.be.greaterThanOrEqual(100);
    for (const [path, count] of Object.entries(seen)) expect(count, path).to.be.greaterThan(0);
  });
});
