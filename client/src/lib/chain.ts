// The chain as the client sees it: the API's published configuration, a viem chain and clients for it.
import { createPublicClient, defineChain, http, type Address, type Chain, type PublicClient } from "viem";
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

export function chainOf(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: chainId === DEV_CHAIN_ID ? "Gongzhi dev" : "Gongzhi",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

/** A JSON-RPC client on `rpcUrl` (any node the user chooses; not our server). */
export function publicClientFor(rpcUrl: string, chainId?: number): PublicClient {
  return createPublicClient({
    chain: chainId === undefined ? undefined : chainOf(chainId, rpcUrl),
    transport: http(rpcUrl, { retryCount: 0, timeout: 15_000 }),
  }) as PublicClient;
}

export async function contractAddress(name: string): Promise<Address> {
  const cfg = await config();
  const ref = cfg.contracts[name];
  if (!ref) throw new Error(`The API's configuration has no ${name} contract.`);
  return ref.address;
}
