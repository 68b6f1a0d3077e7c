// Seeds the demo estate on a fresh deployment: funded demo accounts, the estate and its units, the people's
// roles, time-bank members and partners, and every unit's initial maintenance-fund deposit.
import { parseEventLogs, toHex, type Abi, type Address, type Chain, type Hex, type PublicClient, type Transport } from "viem";
import type { Deployment } from "../../server/src/chain/deployment.js";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { textHash } from "./documents.js";
import { holderAddress, type DemoPerson, type DemoPlan } from "./plan.js";
import type { Writer } from "./tx.js";

export type DemoContract = { address: Address; abi: Abi };
export type DemoContracts = Record<"registry" | "proxies" | "vote" | "fund" | "timebank" | "anchor", DemoContract>;

export function demoContracts(deployment: Deployment): DemoContracts {
  const entry = (name: string): DemoContract => {
    const c = deployment.contracts[name];
    if (!c) throw new Error(`The deployment has no ${name}; deploy every contract (server/src/chain/deploy.ts).`);
    return { address: c.address, abi: loadArtifact(name).abi };
  };
  return {
    registry: entry("CommunityRegistry"),
    proxies: entry("ProxyAuthorizations"),
    vote: entry("OwnersVote"),
    fund: entry("MaintenanceFund"),
    timebank: entry("TimeBank"),
    anchor: entry("RecordAnchor"),
  };
}

export type SeededEstate = { estateId: number; buildingIds: number[]; unitIds: number[][]; elderly: DemoPerson[] };

/** Initial deposit per unit: 100 CNY per m² of registered area (area is in 0.01 m², money in fen). */
export const DEPOSIT_FEN_PER_AREA_UNIT = 100n;
/**
 * Emergency repairs (art. 281) up to 50,000 CNY each without a vote, at most 200,000 CNY within any 365 days,
 * disclosed within 30 days.
 */
export const EMERGENCY_CAP_FEN = 5_000_000n;
export const EMERGENCY_LIMIT_FEN = 20_000_000n;
export const EMERGENCY_PERIOD_DAYS = 365;
export const DISCLOSURE_DAYS = 30;
const UNITS_PER_TX = 36;
const ETHER_FOR_GAS = toHex(10n ** 21n);

export function privateKeyOf(person: DemoPerson): Hex {
  return toHex(person.account.getHdKey().privateKey!);
}

function everyone(plan: DemoPlan): DemoPerson[] {
  return [plan.admin, plan.relayer, plan.anchorer, plan.custodian, plan.auditor, plan.developer, ...plan.staff, ...plan.partners, ...plan.owners];
}

export async function seedEstate(
  client: PublicClient<Transport, Chain>,
  write: Writer,
  contracts: DemoContracts,
  plan: DemoPlan,
): Promise<SeededEstate> {
  const { registry, fund, timebank } = contracts;
  const admin = plan.admin.account;
  // Demo accounts pay gas like any account; a QBFT network would run with free gas instead.
  for (const person of everyone(plan)) {
    await client.request({ method: "hardhat_setBalance" as never, params: [person.account.address, ETHER_FOR_GAS] as never });
  }

  const created = await write(admin, registry, "createEstate", [plan.developer.account.address]);
  const [estateLog] = parseEventLogs({ abi: registry.abi, logs: created.logs, eventName: "EstateCreated" });
  const estateId = Number((estateLog!.args as { estateId: number }).estateId);
  const buildingIds: number[] = [];
  const unitIds: number[][] = [];
  for (const building of plan.buildings) {
    const added = await write(admin, registry, "addBuilding", [estateId]);
    const [log] = parseEventLogs({ abi: registry.abi, logs: added.logs, eventName: "BuildingAdded" });
    const buildingId = Number((log!.args as { buildingId: number }).buildingId);
    buildingIds.push(buildingId);
    const ids: number[] = [];
    for (let i = 0; i < building.units.length; i += UNITS_PER_TX) {
      const chunk = building.units.slice(i, i + UNITS_PER_TX);
      const { logs } = await write(admin, registry, "registerUnits", [
        buildingId,
        chunk.map((u) => BigInt(u.area)),
        chunk.map((u) => holderAddress(plan, u)),
      ]);
      for (const l of parseEventLogs({ abi: registry.abi, logs, eventName: "UnitRegistered" })) {
        ids.push(Number((l.args as { unitId: number }).unitId));
      }
    }
    unitIds.push(ids);
  }

  const role = async (name: string) =>
    (await client.readContract({ address: registry.address, abi: registry.abi, functionName: name })) as Hex;
  const committeeSeat = (await client.readContract({
    address: registry.address,
    abi: registry.abi,
    functionName: "estateRole",
    args: [await role("COMMITTEE_ROLE"), estateId],
  })) as Hex;
  const staffRole = await role("STAFF_ROLE");
  const grants: [Hex, DemoPerson][] = [
    ...plan.committee.map((m): [Hex, DemoPerson] => [committeeSeat, m]),
    [await role("CUSTODIAN_ROLE"), plan.custodian],
    [await role("AUDITOR_ROLE"), plan.auditor],
    [await role("RELAYER_ROLE"), plan.relayer],
    ...plan.staff.map((s): [Hex, DemoPerson] => [staffRole, s]),
  ];
  for (const [roleId, person] of grants) {
    await write(admin, registry, "grantRole", [roleId, person.account.address]);
  }
  await write(admin, fund, "setEmergencyPolicy", [estateId, EMERGENCY_CAP_FEN, EMERGENCY_LIMIT_FEN, EMERGENCY_PERIOD_DAYS, DISCLOSURE_DAYS]);

  // Time bank: volunteers, the elderly owners of the old building they serve, and the partners' shops.
  const staff = plan.staff[0]!.account;
  const oldBuilding = plan.buildings[2]!;
  const elderly = [...new Set(oldBuilding.units.map((u) => u.holder).filter((h): h is number => h !== "developer"))]
    .slice(3, 9)
    .map((i) => plan.owners[i]!);
  for (const member of [...plan.volunteers, ...elderly]) {
    await write(staff, timebank, "registerMember", [member.account.address]);
  }
  for (const partner of plan.partners) {
    await write(staff, timebank, "registerPartner", [partner.account.address, textHash(partner.labelEn)]);
  }

  // Every unit's initial deposit, as the custodian bank records it with the hash of its bank receipt.
  for (const [b, building] of plan.buildings.entries()) {
    for (const [u, unit] of building.units.entries()) {
      const unitId = unitIds[b]![u]!;
      await write(plan.custodian.account, fund, "deposit", [
        unitId,
        BigInt(unit.area) * DEPOSIT_FEN_PER_AREA_UNIT,
        textHash(`demo bank receipt for unit ${unitId}`),
      ]);
    }
  }
  return { estateId, buildingIds, unitIds, elderly };
}
