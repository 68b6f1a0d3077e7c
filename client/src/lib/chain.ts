// The chain as the client sees it: the API's published configuration, a viem chain and clients for it.
import { createPublicClient, defineChain, http, type Chain, type PublicClient } from "viem";
import { DEV_CHAIN_ID } from "./config.js";

export { config, contractAddress, DEV_CHAIN_ID } from "./config.js";

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
