// The ABIs a verifier names events with, from Hardhat's compiled artifacts (Node only; the web client gets the
// same ABIs bundled at build time, client/vite.config.ts).
import { existsSync } from "node:fs";
import path from "node:path";
import type { Abi } from "viem";
import { defaultArtifactsDir, loadArtifact } from "../chain/artifacts.js";
import type { Deployment } from "../chain/deployment.js";

/**
 * `abiOf` for verifyReceipt: with a deployment, only its contracts (under the artifact each names); without one,
 * any contract compiled from contracts/. Throws at once, saying what to run, if nothing is compiled.
 */
export function artifactAbiOf(deployment?: Deployment, artifactsDir = defaultArtifactsDir): (contract: string) => Abi | undefined {
  if (!existsSync(path.join(artifactsDir, "contracts"))) {
    throw new Error(`No compiled contracts under ${artifactsDir}; run \`npx hardhat build\` first (the event names are checked against the ABIs).`);
  }
  const cache = new Map<string, Abi | undefined>();
  return (contract) => {
    if (!cache.has(contract)) {
      let abi: Abi | undefined;
      if (deployment) {
        const entry = deployment.contracts[contract];
        abi = entry ? loadArtifact(entry.artifact ?? contract, artifactsDir).abi : undefined;
      } else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(contract)) {
        try {
          abi = loadArtifact(contract, artifactsDir).abi;
        } catch {
          abi = undefined; // no contract of that name was compiled
        }
      }
      cache.set(contract, abi);
    }
    return cache.get(contract);
  };
}
