// The deployment file (`deployments/<network>.json`) is the single place that says which contracts exist on a
// chain and from which block their events must be read. The deploy helper writes it; the indexer reads it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getAddress, type Address } from "viem";
import { z } from "zod";

export const DEPLOYMENT_FORMAT = "gongzhi-deployment/1";

export type DeployedContract = {
  address: Address;
  /** The block of the deployment transaction: the indexer reads this contract's events from here. */
  blockNumber: number;
  /** The artifact whose ABI decodes this contract's events; defaults to the contract's name. */
  artifact?: string;
};

export type Deployment = {
  format: typeof DEPLOYMENT_FORMAT;
  chainId: number;
  contracts: Record<string, DeployedContract>;
};

const deploymentSchema = z
  .object({
    format: z.literal(DEPLOYMENT_FORMAT),
    chainId: z.number().int().positive(),
    contracts: z.record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
      z
        .object({
          address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
          blockNumber: z.number().int().nonnegative(),
          artifact: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict();

export function parseDeployment(json: unknown, source = "deployment"): Deployment {
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${source} is not a valid ${DEPLOYMENT_FORMAT} file: ${parsed.error.issues
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ")}. Re-run the deploy script or fix the file by hand.`,
    );
  }
  const contracts: Record<string, DeployedContract> = {};
  for (const [name, c] of Object.entries(parsed.data.contracts)) {
    contracts[name] = { ...c, address: getAddress(c.address) };
  }
  return { format: DEPLOYMENT_FORMAT, chainId: parsed.data.chainId, contracts };
}

export function readDeployment(file: string): Deployment {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`Cannot read the deployment file ${file}; deploy first (npm run deploy) or pass its path.`);
  }
  return parseDeployment(JSON.parse(text), file);
}

export function writeDeployment(file: string, deployment: Deployment): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(deployment, null, 2)}\n`);
}
