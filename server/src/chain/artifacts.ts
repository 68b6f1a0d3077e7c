// ABIs and bytecode come from Hardhat's compiled artifacts (artifacts/contracts/**/Name.sol/Name.json), never
// from hand-copied files, so that a contract change reaches the indexer with the next `npx hardhat build`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Abi, Hex } from "viem";

export type Artifact = {
  contractName: string;
  sourceName: string;
  abi: Abi;
  bytecode: Hex;
};

/** The default artifacts directory: `<repo>/artifacts`, resolved from this file's location. */
export const defaultArtifactsDir = path.resolve(import.meta.dirname, "../../../artifacts");

function findArtifactFile(dir: string, contractName: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (entry === `${contractName}.json` && path.basename(dir).endsWith(".sol")) return full;
    if (statSync(full).isDirectory()) {
      const found = findArtifactFile(full, contractName);
      if (found) return found;
    }
  }
  return undefined;
}

/** Loads `contractName`'s artifact; throws with what to do when it has not been compiled. */
export function loadArtifact(contractName: string, artifactsDir = defaultArtifactsDir): Artifact {
  const file = findArtifactFile(path.join(artifactsDir, "contracts"), contractName);
  if (!file) {
    throw new Error(
      `No compiled artifact for contract "${contractName}" under ${artifactsDir}/contracts; ` +
        "run `npx hardhat build` (and check the contract name in the deployment file).",
    );
  }
  const json = JSON.parse(readFileSync(file, "utf8")) as Artifact;
  return { contractName: json.contractName, sourceName: json.sourceName, abi: json.abi, bytecode: json.bytecode };
}
