// Real chains for the server tests: a Hardhat (or Anvil) node process on a free port in 8610–8699, the
// contracts deployed from their artifacts, and viem helpers that write registry transactions.
import { createServer, type AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeEventLog, type Abi, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { loadArtifact } from "../../../server/src/chain/artifacts.js";
import { makePublicClient, makeWalletClient } from "../../../server/src/chain/clients.js";
import { deployContracts, type DeployStep } from "../../../server/src/chain/deploy.js";
import { writeDeployment, type Deployment } from "../../../server/src/chain/deployment.js";
import { startLocalNode, type LocalNode } from "../../../server/src/chain/localNode.js";

export const repoRoot = path.resolve(import.meta.dirname, "../../..");

/** Hardhat's and Anvil's well-known development keys (never funded anywhere real). */
export const DEV_KEYS: Hex[] = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3faa8ae4c49d9f1a",
];
export const CHAIN_ID = 31337;

/**
 * A port the operating system calls free on loopback now (another process may still take it before the caller
 * binds it: callers that can, listen on port 0 instead). Test files run in parallel processes (`npm test`), so no
 * file may count on a fixed port or range being left to it.
 */
export async function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export type NodeProcess = LocalNode;

export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Starts `hardhat node` (or `anvil`) and waits until it answers. */
/** A Hardhat (or Anvil) node process on `port`; the same starter the demo uses. */
export const startNode = startLocalNode;

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `gongzhi-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function clients(url: string, key: Hex = DEV_KEYS[0]) {
  const account = privateKeyToAccount(key);
  return { publicClient: makePublicClient(url, CHAIN_ID), walletClient: makeWalletClient(url, CHAIN_ID, account), account };
}

/** The anchoring key: not the admin's, so that anchoring and the tests' own transactions never race for nonces. */
export const ANCHORER_KEY = DEV_KEYS[1];

/** Deploys the contracts (admin DEV_KEYS[0], anchorer ANCHORER_KEY) and writes the deployment file into `dir`. */
export async function deployAll(url: string, dir: string, plan?: DeployStep[]): Promise<{ deployment: Deployment; file: string }> {
  const { publicClient, walletClient } = clients(url);
  const anchorer = privateKeyToAccount(ANCHORER_KEY).address;
  const deployment = await deployContracts({ publicClient, walletClient, plan, anchorers: [anchorer] });
  const file = path.join(dir, "deployment.json");
  writeDeployment(file, deployment);
  return { deployment, file };
}

/** Registry transactions by the admin (DEV_KEYS[0], also the registrar). */
export function registryWriter(url: string, registry: Address) {
  const { publicClient, walletClient } = clients(url);
  const abi = loadArtifact("CommunityRegistry").abi as Abi;
  const send = async (functionName: string, args: unknown[]) => {
    const hash = await walletClient.writeContract({ address: registry, abi, functionName, args });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
    return receipt.logs
      .filter((l) => l.address.toLowerCase() === registry.toLowerCase())
      .map((l) => decodeEventLog({ abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: Record<string, unknown> });
  };
  return {
    async createEstate(developer: Address): Promise<number> {
      const events = await send("createEstate", [developer]);
      return Number(events.find((e) => e.eventName === "EstateCreated")!.args.estateId);
    },
    async addBuilding(estateId: number): Promise<number> {
      const events = await send("addBuilding", [estateId]);
      return Number(events.find((e) => e.eventName === "BuildingAdded")!.args.buildingId);
    },
    async registerUnits(buildingId: number, units: { area: number; holder: Address }[]): Promise<number[]> {
      const events = await send("registerUnits", [buildingId, units.map((u) => BigInt(u.area)), units.map((u) => u.holder)]);
      return events.filter((e) => e.eventName === "UnitRegistered").map((e) => Number(e.args.unitId));
    },
    async transferUnit(unitId: number, to: Address): Promise<void> {
      await send("transferUnit", [unitId, to]);
    },
    async scopeTotals(key: bigint): Promise<[bigint, number]> {
      const [area, heads] = (await publicClient.readContract({ address: registry, abi, functionName: "scopeTotals", args: [key] })) as [bigint, number];
      return [area, Number(heads)];
    },
  };
}

/** Deterministic pseudo-random addresses for holders. */
export function holderAddress(i: number): Address {
  return `0x${(0x1000 + i).toString(16).padStart(40, "0")}` as Address;
}
