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

/**
 * How long one JSON-RPC request may take, and how often the transport retries it. The server passes its
 * configured few seconds and no retry (`rpcTimeoutMs`): a frozen node must make a request fail fast, and the
 * callers already retry on their own terms (the indexer backs off, the anchorer reconciles, the relayer keeps
 * ballots pending, an API client asks again after a 503). Scripts and tests keep the patient defaults.
 */
export type RpcOptions = { timeoutMs?: number; retryCount?: number };

const PATIENT: Required<RpcOptions> = { timeoutMs: 60_000, retryCount: 1 };

export function makePublicClient(
  rpcUrl: string,
  chainId: number,
  options: { batch?: boolean } & RpcOptions = {},
): PublicClient<Transport, Chain> {
  // `batch` gathers the calls made within a few milliseconds into one JSON-RPC batch request: worth it for
  // many small concurrent reads (the relayer's checks), not for the indexer's large eth_getLogs answers.
  return createPublicClient({
    chain: chainFor(chainId, rpcUrl),
    transport: http(rpcUrl, {
      retryCount: options.retryCount ?? PATIENT.retryCount,
      timeout: options.timeoutMs ?? PATIENT.timeoutMs,
      batch: options.batch ? { wait: 2, batchSize: 200 } : false,
    }),
  });
}

export function makeWalletClient(
  rpcUrl: string,
  chainId: number,
  account: Account,
  options: RpcOptions = {},
): WalletClient<Transport, Chain, Account> {
  return createWalletClient({
    account,
    chain: chainFor(chainId, rpcUrl),
    transport: http(rpcUrl, { retryCount: options.retryCount ?? PATIENT.retryCount, timeout: options.timeoutMs ?? PATIENT.timeoutMs }),
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
