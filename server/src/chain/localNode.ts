// A local development chain as a child process: Hardhat's node, or Anvil. For the demo and the tests only;
// production runs against a permissioned network (docs/deploy.md).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export type LocalNode = { url: string; port: number; child: ChildProcess; stop: () => Promise<void> };

const repoRoot = path.resolve(import.meta.dirname, "../../..");

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return res.ok;
  } catch {
    return false;
  }
}

export async function startLocalNode(options: { port: number; kind?: "hardhat" | "anvil" }): Promise<LocalNode> {
  const kind = options.kind ?? "hardhat";
  const url = `http://127.0.0.1:${options.port}`;
  if (await answers(url)) {
    throw new Error(`Something already answers JSON-RPC on port ${options.port}; stop it or choose another port.`);
  }
  const child =
    kind === "hardhat"
      ? spawn(process.execPath, [path.join(repoRoot, "node_modules/hardhat/dist/src/cli.js"), "node", "--port", String(options.port)], {
          cwd: repoRoot,
          stdio: "ignore",
        })
      : spawn(path.join(repoRoot, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"), ["--port", String(options.port), "--silent"], {
          stdio: "ignore",
        });
  let exited = false;
  child.once("exit", () => (exited = true));
  const stop = async () => {
    if (exited) return;
    const done = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await done;
    clearTimeout(timer);
  };
  for (let i = 0; i < 200; i++) {
    if (exited) throw new Error(`The ${kind} node on port ${options.port} exited at start; is the port taken?`);
    if (await answers(url)) return { url, port: options.port, child, stop };
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await stop();
  throw new Error(`The ${kind} node on port ${options.port} did not answer within 30 s.`);
}
