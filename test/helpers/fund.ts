import { expect } from "chai";
import { id } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { CommunityRegistry, MaintenanceFund } from "../../types/ethers-contracts/index.js";
import { addBuilding, createEstate, registerUnits, type Connection } from "./estate.js";

/** Stage, status and kind values of MaintenanceFund's enums, as the ABI encodes them. */
export const Stage = { Start: 0n, Progress: 1n, Acceptance: 2n, Warranty: 3n } as const;
export const PlanStatus = { None: 0n, Proposed: 1n, Open: 2n, Closed: 3n } as const;
export const PlanKind = { Vote: 0n, Emergency: 1n } as const;
export const Disclosure = { NotRequired: 0n, Pending: 1n, Overdue: 2n, Disclosed: 3n, DisclosedLate: 4n } as const;

/** A distinct document hash per label, e.g. `doc("receipt-17")`. */
export const doc = (label: string): string => id(label);

/**
 * The exact apportionment rule of MaintenanceFund: cumulative rounding in unit-id order.
 * share_i = floor(amount·A_i/T) − floor(amount·A_{i−1}/T).
 */
export function apportion(amount: bigint, areas: bigint[]): bigint[] {
  const total = areas.reduce((a, b) => a + b, 0n);
  let cumulative = 0n;
  let allocated = 0n;
  return areas.map((area) => {
    cumulative += area;
    const upTo = (amount * cumulative) / total;
    const share = upTo - allocated;
    allocated = upTo;
    return share;
  });
}

/** The people of a test estate. Committee members hold seats; the custodian does not. */
export type Cast = {
  admin: HardhatEthersSigner;
  developer: HardhatEthersSigner;
  committee: HardhatEthersSigner[];
  custodian: HardhatEthersSigner;
  custodian2: HardhatEthersSigner;
  auditor: HardhatEthersSigner;
  staff: HardhatEthersSigner;
  anchorer: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  owners: HardhatEthersSigner[];
};

/**
 * Names the first 20 Hardhat signers and grants the registry roles: signer 0 admin, 1 developer, 2–6 committee of
 * `estateId`, 7 and 8 custodians, 9 auditor, 10 staff, 11 anchorer, 12 outsider, 13–19 owners.
 */
export async function cast(
  connection: Connection,
  registry: CommunityRegistry,
  estateId: bigint,
  committeeSeats = 5,
): Promise<Cast> {
  const s = await connection.ethers.getSigners();
  const c: Cast = {
    admin: s[0],
    developer: s[1],
    committee: s.slice(2, 2 + committeeSeats),
    custodian: s[7],
    custodian2: s[8],
    auditor: s[9],
    staff: s[10],
    anchorer: s[11],
    outsider: s[12],
    owners: s.slice(13, 20),
  };
  const seat = await registry.estateRole(await registry.COMMITTEE_ROLE(), estateId);
  for (const m of c.committee) await registry.grantRole(seat, m.address);
  await registry.grantRole(await registry.CUSTODIAN_ROLE(), c.custodian.address);
  await registry.grantRole(await registry.CUSTODIAN_ROLE(), c.custodian2.address);
  await registry.grantRole(await registry.AUDITOR_ROLE(), c.auditor.address);
  await registry.grantRole(await registry.STAFF_ROLE(), c.staff.address);
  await registry.grantRole(await registry.ANCHORER_ROLE(), c.anchorer.address);
  return c;
}

/** Creates an estate and registers, per building, units with the given areas (0.01 m²), held round-robin by `holders` in unit order. */
export async function buildEstate(
  registry: CommunityRegistry,
  developer: string,
  buildings: (bigint | number)[][],
  holders: string[],
): Promise<{ estateId: bigint; buildingIds: bigint[]; unitIds: bigint[][] }> {
  const estateId = await createEstate(registry, developer);
  const buildingIds: bigint[] = [];
  const unitIds: bigint[][] = [];
  const batch = 100;
  let registered = 0; // across buildings, so that the round-robin of holders continues
  for (const areas of buildings) {
    const b = await addBuilding(registry, estateId);
    buildingIds.push(b);
    const ids: bigint[] = [];
    for (let i = 0; i < areas.length; i += batch) {
      const chunk = areas.slice(i, i + batch);
      ids.push(
        ...(await registerUnits(
          registry,
          b,
          chunk.map((area, j) => ({ area, holder: holders[(registered + j) % holders.length] })),
        )),
      );
      registered += chunk.length;
    }
    unitIds.push(ids);
  }
  return { estateId, buildingIds, unitIds };
}

/** Deposits `amount(i)` fen into each unit, one receipt per deposit. */
export async function depositAll(
  fund: MaintenanceFund,
  custodian: HardhatEthersSigner,
  unitIds: bigint[],
  amount: (i: number) => bigint,
  label = "receipt",
): Promise<void> {
  for (let i = 0; i < unitIds.length; i++) {
    await fund.connect(custodian).deposit(unitIds[i], amount(i), doc(`${label}-${unitIds[i]}-${i}`));
  }
}

/** The `planId` of the first `PlanOpened` or `EmergencyProposed` event of a transaction. */
export async function planIdOf(fund: MaintenanceFund, tx: Promise<{ wait: () => Promise<unknown> }>): Promise<bigint> {
  const receipt = (await (await tx).wait()) as { logs: { topics: readonly string[]; data: string }[] };
  for (const log of receipt.logs) {
    const parsed = fund.interface.parseLog(log);
    if (parsed?.name === "PlanOpened" || parsed?.name === "EmergencyProposed") return parsed.args.planId as bigint;
  }
  throw new Error("no plan event");
}

/**
 * Checks the fund's bookkeeping for an estate: fund balance = Σ unit balances; every unit's
 * balance = deposited − charged + refunded; deposited = balance + committed + disbursed.
 */
export async function expectBooksBalance(
  fund: MaintenanceFund,
  registry: CommunityRegistry,
  estateId: bigint,
): Promise<void> {
  let sum = 0n;
  let deposited = 0n;
  for (const b of await registry.buildingsOf(estateId)) {
    for (const u of await registry.unitsOf(b)) {
      const a = await fund.account(u);
      expect(a.balance).to.equal(a.deposited - a.charged + a.refunded, `unit ${u} statement`);
      sum += a.balance;
      deposited += a.deposited;
    }
  }
  const ledger = await fund.estateLedger(estateId);
  expect(ledger.balance).to.equal(sum, "fund balance = Σ unit balances");
  expect(await fund.fundBalance(estateId)).to.equal(sum);
  expect(ledger.deposited).to.equal(deposited, "estate deposits = Σ unit deposits");
  expect(ledger.deposited).to.equal(ledger.balance + ledger.committed + ledger.disbursed, "deposited = kept + committed + paid");
}
