// Who is signed in: a browser wallet (EIP-1193) or a key kept in this browser, and the API session obtained
// by Sign-In with Ethereum (EIP-4361). The key lives in memory; a reload restores the tab's sign-in from
// sessionStorage without the key ever stored in plain text (./keep.ts, loaded only for a signed-in tab).
// Only the session's state lives here (every page reads it); signing in, with viem's wallet, key and SIWE code,
// is in ./signing.ts, loaded by the account page alone.
import type { Address, Client, EIP1193Provider } from "viem";
import { post, setToken } from "./api.js";
import type { Session } from "./types.js";

export type Signer = { kind: "wallet" | "key"; address: Address; label: string; wallet: Client };
export type SignedIn = Signer & { session: Session };

let current: SignedIn | null = null;
const listeners = new Set<(s: SignedIn | null) => void>();

export function signedIn(): SignedIn | null {
  return current;
}

export function onSessionChange(listener: (s: SignedIn | null) => void): void {
  listeners.add(listener);
}

/** Records the session (sign-in done, or ended). */
export function setSession(next: SignedIn | null): void {
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

/** sessionStorage key of this tab's kept sign-in (./keep.ts). */
export const KEPT = "gongzhi.session.v1";

/** Whether this tab has a sign-in to restore after a reload. */
export function hasKeptSession(): boolean {
  try {
    return sessionStorage.getItem(KEPT) !== null;
  } catch {
    return false;
  }
}

export async function signOut(): Promise<void> {
  // The kept copy goes first: a sign-out must hold even if the server cannot be reached.
  await import("./keep.js").then((m) => m.forget()).catch(() => sessionStorage.removeItem(KEPT));
  if (current) {
    try {
      await post("/api/auth/sign-out", {});
    } catch {
      // the session ends here either way
    }
  }
  setSession(null);
}
