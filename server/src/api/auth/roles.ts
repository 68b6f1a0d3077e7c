import type { Abi, Address, PublicClient } from "viem";
import type { RoleReader } from "./routes.js";

/** Global registry roles by the name the API uses. */
const GLOBAL_ROLES = {
  admin: "DEFAULT_ADMIN_ROLE",
  registrar: "REGISTRAR_ROLE",
  custodian: "CUSTODIAN_ROLE",
  auditor: "AUDITOR_ROLE",
  relayer: "RELAYER_ROLE",
  staff: "STAFF_ROLE",
  anchorer: "ANCHORER_ROLE",
} as const;

export type ChainRoleReaderOptions = {
  client: PublicClient;
  registry: Address;
  /** CommunityRegistry's ABI, from the compiled artifact. */
  abi: Abi;
  /** How long an address's roles are cached; roles change rarely and reads cost RPC calls. */
  cacheMs: number;
};

/**
 * Reads an address's roles from the on-chain registry: the global roles by name, plus `committee:<estateId>`
 * for each estate where it holds a committee seat. The chain is the only source of roles.
 */
export function chainRoleReader(options: ChainRoleReaderOptions): RoleReader {
  const { client, registry, abi } = options;
  const read = (functionName: string, args: unknown[] = []) =>
    client.readContract({ address: registry, abi, functionName, args });
  const roleIds = new Map<string, Promise<`0x${string}`>>();
  const roleId = (constant: string) => {
    if (!roleIds.has(constant)) roleIds.set(constant, read(constant) as Promise<`0x${string}`>);
    return roleIds.get(constant)!;
  };
  const cache = new Map<string, { at: number; roles: Promise<string[]> }>();

  async function load(address: Address): Promise<string[]> {
    const global = await Promise.all(
      Object.entries(GLOBAL_ROLES).map(async ([name, constant]) =>
        (await read("hasRole", [await roleId(constant), address])) ? [name] : [],
      ),
    );
    const [estates] = (await read("counts")) as readonly [number, number, number, number];
    const seats = await Promise.all(
      Array.from({ length: Number(estates) }, async (_, i) =>
        (await read("isCommitteeMember", [i + 1, address])) ? [`committee:${i + 1}`] : [],
      ),
    );
    return [...global.flat(), ...seats.flat()];
  }

  return (address) => {
    const key = address.toLowerCase();
    const cached = cache.get(key);
    if (cached && Date.now() - cached.at < options.cacheMs) return cached.roles;
    const roles = load(address);
    cache.set(key, { at: Date.now(), roles });
    roles.catch(() => cache.delete(key));
    return roles;
  };
}
