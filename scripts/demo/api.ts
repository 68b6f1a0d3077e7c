// The demo's parts that act through the server's HTTP API as its people (talent pool, suggestions): sign in with
// Ethereum (EIP-4361) as the client does, and call the API; anything but 2xx stops the demo with what was refused.
import { createSiweMessage } from "viem/siwe";
import type { HDAccount } from "viem/accounts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each caller reads the answer in its own shape
export type Json = any;

export async function apiCall(api: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<Json> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${api}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = (await res.json()) as Json;
  if (res.status >= 300) throw new Error(`The demo: ${method} ${path} was refused (${res.status}): ${JSON.stringify(answer)}`);
  return answer;
}

export async function apiSignIn(api: string, chainId: number, account: HDAccount): Promise<string> {
  const { nonce, domain } = (await apiCall(api, undefined, "POST", "/api/auth/nonce")) as { nonce: string; domain: string };
  const message = createSiweMessage({ address: account.address, chainId, domain, nonce, uri: api, version: "1" });
  return ((await apiCall(api, undefined, "POST", "/api/auth/sign-in", { message, signature: await account.signMessage({ message }) })) as { token: string }).token;
}

/** Signs each person in once (sessions are real-time; only the services' clock is the demo's past). */
export function sessions(api: string, chainId: number): (account: HDAccount) => Promise<string> {
  const tokens = new Map<string, Promise<string>>();
  return (account) => {
    let token = tokens.get(account.address);
    if (!token) tokens.set(account.address, (token = apiSignIn(api, chainId, account)));
    return token;
  };
}
