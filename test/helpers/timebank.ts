import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { CommunityRegistry, ProxyAuthorizations, TimeBank } from "../../types/ethers-contracts/index.js";
import type { Connection } from "./estate.js";

/** TimeBank's enum values, as the ABI encodes them. */
export const Category = { MealDelivery: 0n, Companionship: 1n, Cleaning: 2n, HospitalEscort: 3n, Tutoring: 4n, Other: 5n } as const;
export const ServiceStatus = { None: 0n, Pending: 1n, Confirmed: 2n, Rejected: 3n } as const;
export const Relation = { None: 0n, Parent: 1n, Spouse: 2n, Child: 3n } as const;
export const RedemptionKind = { Service: 0n, Goods: 1n } as const;

/** One community of its own: a registry administered by `admin`, its proxy authorisations and its time bank. */
export async function deployCommunity(
  connection: Connection,
  admin: HardhatEthersSigner,
  staff: HardhatEthersSigner,
): Promise<{ registry: CommunityRegistry; proxies: ProxyAuthorizations; bank: TimeBank }> {
  const registry = (await connection.ethers.deployContract("CommunityRegistry", [admin.address], admin)) as unknown as CommunityRegistry;
  await (await registry.connect(admin).grantRole(await registry.STAFF_ROLE(), staff.address)).wait();
  const proxies = (await connection.ethers.deployContract("ProxyAuthorizations", [await registry.getAddress()], admin)) as unknown as ProxyAuthorizations;
  const bank = (await connection.ethers.deployContract("TimeBank", [await registry.getAddress(), await proxies.getAddress()], admin)) as unknown as TimeBank;
  return { registry, proxies, bank };
}
