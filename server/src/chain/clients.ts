// viem clients for one chain. The chain is described only by its id and RPC URL, because the production
// network is a private QBFT chain that no chain registry knows.
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";

export function chainFor(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: `gongzhi-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

export function makePublicClient(
  rpcUrl: string,
  chainId: number,
  options: { batch?: boolean } = {},
): PublicClient<Transport, Chain> {
  // Retries are ours to decide (the indexer backs off and the anchorer reconciles), so the transport does few.
  // `batch` gathers the calls made within a few milliseconds into one JSON-RPC batch request: worth it for
  // many small concurrent reads (the relayer's checks), not for the indexer's large eth_getLogs answers.
  return createPublicClient({
    chain: chainFor(chainId, rpcUrl),
    transport: http(rpcUrl, { retryCount: 1, timeout: 60_000, batch: options.batch ? { wait: 2, batchSize: 200 } : false }),
  });
}

export function makeWalletClient(
  rpcUrl: string,
  chainId: number,
  account: Account,
): WalletClient<Transport, Chain, Account> {
  return createWalletClient({
    account,
    chain: chainFor(chainId, rpcUrl),
    transport: http(rpcUrl, { retryCount: 1, timeout: 60_000 }),
  });
}

/** Fails early, with what to fix, when the RPC endpoint serves another chain than configured. */
export async function assertChainId(client: PublicClient, expected: number): Promise<void> {
  const actual = await client.getChainId();
  if (actual !== expected) {
    throw new Error(
      `The RPC endpoint serves chain ${actual} but chain ${expected} is configured; fix the RPC URL or chain id.`,
    );
  }
}
