// The API's published configuration (chain id, JSON-RPC URL, contract addresses), fetched once. Kept apart from
// ./chain.ts so that a page needing only an address does not load viem's clients.
import type { Address } from "viem";
import { get } from "./api.js";
import type { Config } from "./types.js";

let configPromise: Promise<Config> | null = null;

/** `GET /api/config`, fetched once. */
export function config(): Promise<Config> {
  configPromise ??= get<Config>("/api/config").catch((err: unknown) => {
    configPromise = null;
    throw err;
  });
  return configPromise;
}

/** Hardhat's and Anvil's development chain id: the only chain on which demo accounts are offered. */
export const DEV_CHAIN_ID = 31337;

export async function contractAddress(name: string): Promise<Address> {
  const cfg = await config();
  const ref = cfg.contracts[name];
  if (!ref) throw new Error(`The API's configuration has no ${name} contract.`);
  return ref.address;
}
