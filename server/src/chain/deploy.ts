// Deploys the system's contracts in dependency order and describes them in a deployment file. Adding a
// contract means adding one step to DEPLOY_PLAN; the indexer follows every contract the file lists.
import { getAddress, type Abi, type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from "viem";
import { loadArtifact } from "./artifacts.js";
import { DEPLOYMENT_FORMAT, type Deployment } from "./deployment.js";

export type DeployStep = {
  name: string;
  /** Constructor arguments, from the addresses deployed so far and the admin. */
  args: (deployed: Record<string, Address>, admin: Address) => unknown[];
};

/** Every contract of the system; each step may use the addresses of the steps before it. */
export const DEPLOY_PLAN: DeployStep[] = [
  { name: "CommunityRegistry", args: (_, admin) => [admin] },
  { name: "RecordAnchor", args: (d) => [need(d, "CommunityRegistry")] },
  // Staff's written authorisations to act for residents; OwnersVote and TimeBank check every proxy action there.
  { name: "ProxyAuthorizations", args: (d) => [need(d, "CommunityRegistry")] },
  { name: "OwnersVote", args: (d) => [need(d, "CommunityRegistry"), need(d, "ProxyAuthorizations")] },
  { name: "MaintenanceFund", args: (d) => [need(d, "CommunityRegistry"), need(d, "OwnersVote")] },
  { name: "TimeBank", args: (d) => [need(d, "CommunityRegistry"), need(d, "ProxyAuthorizations")] },
];

/** A dependency's address; a custom plan that leaves it out fails here rather than deploying with address 0. */
function need(deployed: Record<string, Address>, name: string): Address {
  const address = deployed[name];
  if (!address) throw new Error(`This deploy plan needs ${name} deployed by an earlier step; add it before the contracts that use it.`);
  return address;
}

export type DeployOptions = {
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, Account>;
  /** Steps to run; DEPLOY_PLAN by default. */
  plan?: DeployStep[];
  /** Addresses granted the registry's ANCHORER_ROLE after deployment (the indexer's anchoring key). */
  anchorers?: Address[];
  artifactsDir?: string;
  /** Progress lines for a CLI; silent by default. */
  log?: (line: string) => void;
};

async function send(
  options: Pick<DeployOptions, "publicClient">,
  request: Promise<Hex>,
  what: string,
): Promise<{ blockNumber: bigint; contractAddress: Address | null | undefined }> {
  const hash = await request;
  const receipt = await options.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${what} reverted in transaction ${hash}; check the deployer's roles and funds.`);
  return receipt;
}

/** Deploys every step of the plan and returns the deployment description (not yet written to disk). */
export async function deployContracts(options: DeployOptions): Promise<Deployment> {
  const { walletClient, publicClient } = options;
  const admin = walletClient.account.address;
  const deployment: Deployment = {
    format: DEPLOYMENT_FORMAT,
    chainId: await publicClient.getChainId(),
    contracts: {},
  };
  const addresses: Record<string, Address> = {};
  for (const step of options.plan ?? DEPLOY_PLAN) {
    const artifact = loadArtifact(step.name, options.artifactsDir);
    const receipt = await send(
      options,
      walletClient.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, args: step.args(addresses, admin) }),
      `Deploying ${step.name}`,
    );
    if (!receipt.contractAddress) throw new Error(`Deploying ${step.name} returned no contract address.`);
    addresses[step.name] = getAddress(receipt.contractAddress);
    deployment.contracts[step.name] = { address: addresses[step.name], blockNumber: Number(receipt.blockNumber) };
    options.log?.(`${step.name} at ${addresses[step.name]} (block ${receipt.blockNumber})`);
  }
  for (const anchorer of options.anchorers ?? []) {
    await grantRole(options, deployment, "ANCHORER_ROLE", anchorer, options.artifactsDir);
    options.log?.(`ANCHORER_ROLE granted to ${anchorer}`);
  }
  return deployment;
}

/** Grants a global registry role (by its constant's name, e.g. "RELAYER_ROLE") from the deployer. */
export async function grantRole(
  options: Pick<DeployOptions, "publicClient" | "walletClient">,
  deployment: Deployment,
  roleName: string,
  account: Address,
  artifactsDir?: string,
): Promise<void> {
  const registry = deployment.contracts.CommunityRegistry;
  if (!registry) throw new Error("The deployment has no CommunityRegistry to grant roles in.");
  const abi = loadArtifact("CommunityRegistry", artifactsDir).abi as Abi;
  const role = (await options.publicClient.readContract({ address: registry.address, abi, functionName: roleName })) as Hex;
  await send(
    options,
    options.walletClient.writeContract({ address: registry.address, abi, functionName: "grantRole", args: [role, account] }),
    `Granting ${roleName}`,
  );
}
