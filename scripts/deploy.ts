// Deploys the contracts and writes deployments/<network>.json.
//   tsx scripts/deploy.ts --network local --rpc http://127.0.0.1:8545 [--anchorer 0x...]
// The deployer key comes from GONGZHI_DEPLOYER_KEY (never from the command line, which shells record).
import path from "node:path";
import { Command } from "commander";
import { getAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { makePublicClient, makeWalletClient } from "../server/src/chain/clients.js";
import { deployContracts } from "../server/src/chain/deploy.js";
import { writeDeployment } from "../server/src/chain/deployment.js";

const program = new Command()
  .name("deploy")
  .requiredOption("--network <name>", "network name; the file is deployments/<name>.json")
  .option("--rpc <url>", "JSON-RPC URL", process.env.GONGZHI_RPC_URL ?? "http://127.0.0.1:8545")
  .option("--anchorer <address...>", "addresses to grant ANCHORER_ROLE (the indexer's anchoring key)")
  .option("--out <file>", "deployment file to write instead of deployments/<network>.json")
  .parse();
const opts = program.opts<{ network: string; rpc: string; anchorer?: string[]; out?: string }>();

const key = process.env.GONGZHI_DEPLOYER_KEY as Hex | undefined;
if (!key) throw new Error("Set GONGZHI_DEPLOYER_KEY to the deployer's private key (0x…).");
const probe = makePublicClient(opts.rpc, 1);
const chainId = await probe.getChainId();
const publicClient = makePublicClient(opts.rpc, chainId);
const walletClient = makeWalletClient(opts.rpc, chainId, privateKeyToAccount(key));
const deployment = await deployContracts({
  publicClient,
  walletClient,
  anchorers: opts.anchorer?.map((a) => getAddress(a)),
  log: (line) => console.log(line),
});
const file = opts.out ?? path.resolve("deployments", `${opts.network}.json`);
writeDeployment(file, deployment);
console.log(`Wrote ${file}`);
