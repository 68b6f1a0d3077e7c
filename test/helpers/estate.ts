import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { CommunityRegistry } from "../../types/ethers-contracts/index.js";

export type Connection = Awaited<ReturnType<typeof network.create>>;

/** The registry's role ids, read once from the contract so tests never hard-code hashes. */
export type Roles = {
  registrar: string;
  committee: string;
  custodian: string;
  auditor: string;
  relayer: string;
  staff: string;
  anchorer: string;
};

export async function readRoles(registry: CommunityRegistry): Promise<Roles> {
  return {
    registrar: await registry.REGISTRAR_ROLE(),
    committee: await registry.COMMITTEE_ROLE(),
    custodian: await registry.CUSTODIAN_ROLE(),
    auditor: await registry.AUDITOR_ROLE(),
    relayer: await registry.RELAYER_ROLE(),
    staff: await registry.STAFF_ROLE(),
    anchorer: await registry.ANCHORER_ROLE(),
  };
}

/** Deploys a registry administered by the first signer. */
export async function deployRegistry(connection: Connection): Promise<{
  registry: CommunityRegistry;
  admin: HardhatEthersSigner;
  signers: HardhatEthersSigner[];
}> {
  const signers = await connection.ethers.getSigners();
  const admin = signers[0];
  const registry = await connection.ethers.deployContract("CommunityRegistry", [admin.address]);
  return { registry, admin, signers };
}

/** Creates an estate held by `developer` and returns its id. */
export async function createEstate(
  registry: CommunityRegistry,
  developer: string,
): Promise<bigint> {
  const tx = await registry.createEstate(developer);
  const receipt = await tx.wait();
  const log = receipt!.logs
    .map((l) => registry.interface.parseLog(l))
    .find((l) => l?.name === "EstateCreated");
  return log!.args.estateId as bigint;
}

/** Adds a building to an estate and returns its id. */
export async function addBuilding(registry: CommunityRegistry, estateId: bigint): Promise<bigint> {
  const receipt = await (await registry.addBuilding(estateId)).wait();
  const log = receipt!.logs
    .map((l) => registry.interface.parseLog(l))
    .find((l) => l?.name === "BuildingAdded");
  return log!.args.buildingId as bigint;
}

/** Registers units and returns their ids. A zero holder means the developer. */
export async function registerUnits(
  registry: CommunityRegistry,
  buildingId: bigint,
  units: { area: bigint | number; holder: string }[],
): Promise<bigint[]> {
  const receipt = await (
    await registry.registerUnits(
      buildingId,
      units.map((u) => BigInt(u.area)),
      units.map((u) => u.holder),
    )
  ).wait();
  return receipt!.logs
    .map((l) => registry.interface.parseLog(l))
    .filter((l) => l?.name === "UnitRegistered")
    .map((l) => l!.args.unitId as bigint);
}
