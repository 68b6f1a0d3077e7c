// Starts test/server/helpers/service-server.ts as a child process (tsx), and signs accounts in to it over HTTP.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { CHAIN_ID, repoRoot } from "./chain.js";

export type ServiceProcess = { child: ChildProcess; url: string; exited: Promise<void>; stderr: () => string };

/** Spawns the server with `env` (GONGZHI_*) and resolves once it listens. */
export async function startServiceProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    ["--import", pathToFileURL(path.join(repoRoot, "node_modules/tsx/dist/loader.mjs")).href, path.join(repoRoot, "test/server/helpers/service-server.ts")],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service server did not start: ${stderr}`)), timeoutMs);
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const match = /listening (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the service server exited: ${stderr}`));
    });
  });
  return { child, url, exited, stderr: () => stderr };
}

/** A session token for `account` (Sign-In with Ethereum against the server at `base`). */
export async function signInTo(base: string, account: PrivateKeyAccount): Promise<string> {
  const { nonce, domain } = (await (await fetch(`${base}/api/auth/nonce`, { method: "POST" })).json()) as { nonce: string; domain: string };
  const message = createSiweMessage({ address: account.address, chainId: CHAIN_ID, domain, nonce, uri: base, version: "1" });
  const res = await fetch(`${base}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message, signature: await account.signMessage({ message }) }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}
