// The chain as the client sees it: the API's published configuration, a viem chain and clients for it.
import { createClient, defineChain, http, type Chain, type Client } from "viem";
import { getBlock } from "viem/actions";
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

/**
 * A JSON-RPC client on `rpcUrl` (any node the user chooses; not our server), used with viem's actions as functions
 * (`readContract(client, …)` from "viem/actions"): a createPublicClient would bring all of them, about 50 kB
 * gzipped more in every page that reads the chain.
 */
export function publicClientFor(rpcUrl: string, chainId?: number): Client {
  return createClient({
    chain: chainId === undefined ? undefined : chainOf(chainId, rpcUrl),
    transport: http(rpcUrl, { retryCount: 0, timeout: 15_000 }),
  });
}

/** The time (unix seconds) of block `blockNumber`, or of the latest block. */
export async function blockTime(client: Client, blockNumber?: bigint): Promise<number> {
  const block = blockNumber === undefined ? await getBlock(client) : await getBlock(client, { blockNumber });
  return Number(block.timestamp);
}
