// Signing in: a signer from a key held in memory or from the browser wallet, and Sign-In with Ethereum
// (EIP-4361) with it. viem's wallet, account (secp256k1) and SIWE code live here, out of the startup bundle:
// only the account page imports this module.
import { createClient, custom, getAddress, http, type Address, type Hex } from "viem";
import { signMessage, signTypedData } from "viem/actions";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { post } from "./api.js";
import { chainOf, config } from "./chain.js";
import { setSession, type SignedIn, type Signer } from "./session.js";
import type { Eip712, Session } from "./types.js";

/** A signer from a private key held in memory; transactions go to the configured JSON-RPC node. */
export async function keySigner(privateKey: Hex, label: string): Promise<Signer> {
  const cfg = await config();
  const account = privateKeyToAccount(privateKey);
  const wallet = createClient({ account, chain: chainOf(cfg.chainId, cfg.rpcUrl), transport: http(cfg.rpcUrl) });
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
  const wallet = createClient({ account: address, chain: chainOf(cfg.chainId, cfg.rpcUrl), transport: custom(provider) });
  return { kind: "wallet", address, label: address, wallet };
}

/** The browser wallet's signer for `address` if the wallet still offers it without asking (after a reload). */
export async function walletSignerSilently(address: Address): Promise<Signer | null> {
  const provider = window.ethereum;
  if (!provider) return null;
  const accounts = (await provider.request({ method: "eth_accounts" })) as Address[];
  if (!accounts.some((a) => a.toLowerCase() === address.toLowerCase())) return null;
  const cfg = await config();
  const wallet = createClient({ account: getAddress(address), chain: chainOf(cfg.chainId, cfg.rpcUrl), transport: custom(provider) });
  return { kind: "wallet", address: getAddress(address), label: getAddress(address), wallet };
}

/** Sign-In with Ethereum: nonce from the API, message signed by the signer, session token back. */
export async function signIn(signer: Signer, statement: string, beforeShown?: (who: SignedIn) => Promise<void>): Promise<SignedIn> {
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
  const signature = await signMessage(signer.wallet, { account: signer.wallet.account ?? signer.address, message });
  const session = await post<Session>("/api/auth/sign-in", { message, signature });
  const done = { ...signer, session };
  // Kept (lib/keep.ts) before any page shows it: a reload right after "signed in" appears must not sign out.
  if (beforeShown) await beforeShown(done);
  setSession(done);
  return done;
}

/** The signer's EIP-712 signature of one ballot, in the domain and types the API publishes (GET /api/eip712). */
export async function signBallot(signer: Signer, eip: Eip712, ballot: { voteId: bigint; holder: Address; choice: number }): Promise<Hex> {
  return signTypedData(signer.wallet, { account: signer.wallet.account ?? signer.address, domain: eip.domain, types: eip.types, primaryType: "Ballot", message: ballot });
}
