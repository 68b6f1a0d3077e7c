// Who is signed in: a browser wallet (EIP-1193) or a key kept in this browser, and the API session obtained
// by Sign-In with Ethereum (EIP-4361). The key lives in memory only; reloading the page signs out.
import { createWalletClient, custom, getAddress, http, type Address, type EIP1193Provider, type Hex, type WalletClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { post, setToken } from "./api.js";
import { chainOf, config } from "./chain.js";
import type { Session } from "./types.js";

export type Signer = { kind: "wallet" | "key"; address: Address; label: string; wallet: WalletClient };
export type SignedIn = Signer & { session: Session };

let current: SignedIn | null = null;
const listeners = new Set<(s: SignedIn | null) => void>();

export function signedIn(): SignedIn | null {
  return current;
}

export function onSessionChange(listener: (s: SignedIn | null) => void): void {
  listeners.add(listener);
}

function set(next: SignedIn | null): void {
  current = next;
  setToken(next?.session.token ?? null);
  for (const l of listeners) l(next);
}

declare global {
  interface Window {
    ethereum?: EIP1193Provider;
  }
}

export function hasBrowserWallet(): boolean {
  return typeof window.ethereum?.request === "function";
}

/** A signer from a private key held in memory; transactions go to the configured JSON-RPC node. */
export async function keySigner(privateKey: Hex, label: string): Promise<Signer> {
  const cfg = await config();
  const account = privateKeyToAccount(privateKey);
  const wallet = createWalletClient({ account, chain: chainOf(cfg.chainId, cfg.rpcUrl), transport: http(cfg.rpcUrl) });
  return { kind: "key", address: account.address, label, wallet };
}

/** A signer from the browser wallet (asks it for an account). */
export async function walletSigner(): Promise<Signer> {
  const provider = window.ethereum;
  if (!provider) throw new Error("no_wallet");
  const cfg = await config();
  const [first] = (await provider.request({ method: "eth_requestAccounts" })) as Address[];
  if (!first) throw new Error("no_wallet_account");
  const address = getAddress(first);
  const wallet = createWalletClient({ account: address, chain: chainOf(cfg.chainId, cfg.rpcUrl), transport: custom(provider) });
  return { kind: "wallet", address, label: address, wallet };
}

/** Sign-In with Ethereum: nonce from the API, message signed by the signer, session token back. */
export async function signIn(signer: Signer, statement: string): Promise<SignedIn> {
  const { nonce, domain, chainId, issuedAt } = await post<{ nonce: string; domain: string; chainId: number; issuedAt?: string }>(
    "/api/auth/nonce",
    {},
  );
  // Dated by the server's clock (a phone's may run fast, and the server refuses messages from the future),
  // and addressed to the server's own domain, which the server checks the URI against.
  const now = issuedAt ? new Date(issuedAt) : new Date();
  const message = createSiweMessage({
    address: signer.address,
    chainId,
    domain,
    nonce,
    uri: `${window.location.protocol}//${domain}`,
    version: "1",
    statement,
    issuedAt: now,
    expirationTime: new Date(now.getTime() + 10 * 60_000),
  });
  const signature = await signer.wallet.signMessage({ account: signer.wallet.account ?? signer.address, message });
  const session = await post<Session>("/api/auth/sign-in", { message, signature });
  const done = { ...signer, session };
  set(done);
  return done;
}

export async function signOut(): Promise<void> {
  if (current) {
    try {
      await post("/api/auth/sign-out", {});
    } catch {
      // the session ends here either way
    }
  }
  set(null);
}
