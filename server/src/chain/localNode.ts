// A local development chain as a child process: Hardhat's node, or Anvil. For the demo and the tests only;
// production runs against a permissioned network (docs/deploy.md).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export type LocalNode = { url: string; port: number; /** the interface it listens on */ host: string; child: ChildProcess; stop: () => Promise<void> };

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

/** Whether `host` is a loopback address: only this machine can reach a node listening there. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export type LocalNodeOptions = {
  port: number;
  kind?: "hardhat" | "anvil";
  /**
   * The interface to listen on; 127.0.0.1 unless said. The node's development accounts are unlocked (it signs
   * eth_sendTransaction for anyone), so listening on every interface (0.0.0.0, Hardhat's default inside
   * Docker) hands them to the whole network. The env GONGZHI_NODE_HOST sets it too.
   */
  host?: string;
  /**
   * The date of the genesis block (the node's clock starts there and runs on at real speed): the demo starts in
   * the past so that its scripted weeks of history end at the real date. Now unless said.
   */
  initialDate?: Date;
  /**
   * Anvil only: the chain to start from, a state file as `anvil_dumpState` gives it (gunzipped): its blocks,
   * transactions with their receipts and logs, and accounts. The tests start each demo stack from one
   * (scripts/demo/snapshot.ts).
   */
  loadState?: string;
};

export async function startLocalNode(options: LocalNodeOptions): Promise<LocalNode> {
  const kind = options.kind ?? (options.loadState ? "anvil" : "hardhat");
  if (options.loadState && kind !== "anvil") throw new Error('Only an Anvil node starts from a state file (loadState): ask for kind "anvil".');
  const host = options.host ?? (process.env.GONGZHI_NODE_HOST || "127.0.0.1");
  // A node on every interface is still reached here through loopback.
  const reachAt = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const url = `http://${reachAt}:${options.port}`;
  if (await answers(url)) {
    throw new Error(`Something already answers JSON-RPC on port ${options.port}; stop it or choose another port.`);
  }
  const child =
    kind === "hardhat"
      ? spawn(process.execPath, [path.join(repoRoot, "node_modules/hardhat/dist/src/cli.js"), "node", "--hostname", host, "--port", String(options.port)], {
          cwd: repoRoot,
          stdio: "ignore",
          // hardhat.config.ts gives `hardhat node` this genesis date when it is set.
          env: options.initialDate ? { ...process.env, GONGZHI_NODE_INITIAL_DATE: options.initialDate.toISOString() } : process.env,
        })
      : spawn(
          path.join(repoRoot, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"),
          [
            ...["--host", host, "--port", String(options.port), "--silent"],
            ...(options.initialDate ? ["--timestamp", String(Math.floor(options.initialDate.getTime() / 1000))] : []),
            ...(options.loadState ? ["--load-state", options.loadState] : []),
          ],
          { stdio: "ignore" },
        );
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
    if (await answers(url)) return { url, port: options.port, host, child, stop };
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await stop();
  throw new Error(`The ${kind} node on port ${options.port} did not answer within 30 s.`);
}
