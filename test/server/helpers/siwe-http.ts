// Signing in with Ethereum (SIWE) and calling the API as a named person, for HTTP tests of the services: one
// client per test file, holding each person's session token.
import { expect } from "chai";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read by each test in its own shape
export type Answer = { status: number; body: any; headers: Headers };

export type HttpClient = {
  /** Calls `path` as `who` (a name given to signIn), or signed out when undefined. English messages unless a header says otherwise. */
  call(who: string | undefined, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** Signs in with `key` and keeps the session under `name`. */
  signIn(name: string, key: Hex): Promise<void>;
  /** The session token kept under `name`. */
  token(name: string): string | undefined;
};

/** A client for the server at `url()` (read at each call, so it can be made before the server starts). */
export function httpClient(url: () => string, chainId: number): HttpClient {
  const tokens = new Map<string, string>();
  return {
    async call(who, method, path, body, headers = {}) {
      const h: Record<string, string> = { "accept-language": "en", ...headers };
      if (who) h.authorization = `Bearer ${tokens.get(who)}`;
      if (body !== undefined) h["content-type"] = "application/json";
      const res = await fetch(`${url()}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json(), headers: res.headers };
    },
    async signIn(name, key) {
      const account = privateKeyToAccount(key);
      const nonce = (await (await fetch(`${url()}/api/auth/nonce`, { method: "POST" })).json()) as { nonce: string; domain: string };
      const message = createSiweMessage({ address: account.address, chainId, domain: nonce.domain, nonce: nonce.nonce, uri: url(), version: "1" });
      const res = await fetch(`${url()}/api/auth/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message, signature: await account.signMessage({ message }) }),
      });
      expect(res.status, "sign-in").to.equal(200);
      tokens.set(name, ((await res.json()) as { token: string }).token);
    },
    token: (name) => tokens.get(name),
  };
}
