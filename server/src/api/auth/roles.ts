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
  /**
   * How long an address's roles are reused: roles change rarely and reads cost RPC calls, but a revoked role
   * must stop counting soon, so this is also the longest a revocation goes unnoticed.
   */
  cacheMs: number;
  /** How many addresses' roles are kept at most (10,000 unless said); the least recently used go first. */
  maxEntries?: number;
  /** The clock the cache's age is measured by (milliseconds; Date.now unless said: tests move it). */
  now?: () => number;
};

/**
 * Reads an address's roles from the on-chain registry: the global roles by name, plus `committee:<estateId>`
 * for each estate where it holds a committee seat. The chain is the only source of roles.
 *
 * Only answers are remembered, never failures: a read that fails (node down at first use) is forgotten at
 * once, so the next request asks the chain again instead of failing until a restart.
 */
export function chainRoleReader(options: ChainRoleReaderOptions): RoleReader {
  const { client, registry, abi } = options;
  const maxEntries = options.maxEntries ?? 10_000;
  const read = (functionName: string, args: unknown[] = []) =>
    client.readContract({ address: registry, abi, functionName, args });
  // Role ids are constants of the contract: kept forever once read (seven of them).
  const roleIds = new Map<string, `0x${string}`>();
  const roleId = async (constant: string) => {
    const known = roleIds.get(constant);
    if (known) return known;
    const id = (await read(constant)) as `0x${string}`;
    roleIds.set(constant, id);
    return id;
  };
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
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
    const now = (options.now ?? Date.now)();
    const cached = cache.get(key);
    cache.delete(key);
    if (cached && now - cached.at < options.cacheMs) {
      cache.set(key, cached);
      return cached.roles;
    }
    const entry = { at: now, roles: load(address) };
    // Concurrent requests for one address share the read in flight; a failed read leaves no trace.
    if (options.cacheMs > 0 && maxEntries > 0) {
      cache.set(key, entry);
      for (const oldest of cache.keys()) {
        if (cache.size <= maxEntries) break;
        cache.delete(oldest);
      }
      entry.roles.catch(() => {
        if (cache.get(key) === entry) cache.delete(key);
      });
    }
    return entry.roles;
  };
}
