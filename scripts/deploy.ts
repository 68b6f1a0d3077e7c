// Deploys every contract and writes deployments/<network>.json:
//   npm run deploy -- --network gongzhi      (any network of hardhat.config.ts)
// The `gongzhi` network takes its URL and deployer key from configuration variables, GONGZHI_RPC_URL and
// GONGZHI_DEPLOYER_KEY, which Hardhat reads from its encrypted keystore (`npx hardhat keystore set …`) or the
// environment — never from the repository. Optional: GONGZHI_ANCHORERS and GONGZHI_RELAYERS (comma-separated
// addresses to grant ANCHORER_ROLE and RELAYER_ROLE), GONGZHI_DEPLOYMENT_OUT (another output file).
import path from "node:path";
import { network } from "hardhat";
import { createPublicClient, createWalletClient, custom, getAddress, type Address, type EIP1193Provider } from "viem";
import { chainFor } from "../server/src/chain/clients.js";
import { deployContracts, grantRole } from "../server/src/chain/deploy.js";
import { writeDeployment } from "../server/src/chain/deployment.js";

const connection = await network.getOrCreate();
// Hardhat's provider signs with the network's configured accounts (keystore or environment).
const provider = connection.provider as EIP1193Provider;
const [deployer] = (await provider.request({ method: "eth_accounts" })) as Address[];
if (!deployer) throw new Error(`Network ${connection.networkName} has no account to deploy from; set GONGZHI_DEPLOYER_KEY.`);
const chainId = Number(await provider.request({ method: "eth_chainId" }));
const chain = chainFor(chainId, "");
const publicClient = createPublicClient({ chain, transport: custom(provider) });
const walletClient = createWalletClient({ chain, account: deployer, transport: custom(provider) });

const addresses = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean)
    .map((a) => getAddress(a));

console.log(`Deploying to ${connection.networkName} (chain ${chainId}) from ${deployer}`);
const deployment = await deployContracts({
  publicClient,
  walletClient,
  anchorers: addresses(process.env.GONGZHI_ANCHORERS),
  log: (line) => console.log(`  ${line}`),
});
for (const relayer of addresses(process.env.GONGZHI_RELAYERS)) {
  await grantRole({ publicClient, walletClient }, deployment, "RELAYER_ROLE", relayer);
  console.log(`  RELAYER_ROLE granted to ${relayer}`);
}
const file = process.env.GONGZHI_DEPLOYMENT_OUT ?? path.resolve("deployments", `${connection.networkName}.json`);
writeDeployment(file, deployment);
console.log(`Wrote ${file}`);
