import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

// The compiler comes from the `solc` npm package so that building never downloads anything.
// Its version is pinned exactly in package.json and must equal SOLC_VERSION, or Hardhat would
// label one compiler with another's version.
const SOLC_VERSION = "0.8.30";
const require = createRequire(import.meta.url);
const solcPath = require.resolve("solc/soljson.js");

const compiler = {
  version: SOLC_VERSION,
  path: solcPath,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    viaIR: true,
    evmVersion: "cancun",
  },
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    profiles: {
      default: compiler,
      production: compiler,
    },
  },
  paths: {
    tests: { mocha: "test" },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    // `hardhat node` (server/src/chain/localNode.ts) with its genesis in the past, for the demo's history to
    // end at the real date; otherwise Hardhat's own default for the node.
    ...(process.env.GONGZHI_NODE_INITIAL_DATE ? { node: { type: "edr-simulated" as const, initialDate: process.env.GONGZHI_NODE_INITIAL_DATE } } : {}),
    // Any EVM JSON-RPC network (a Besu QBFT network in production): URL, chain id and key
    // come from the environment or the Hardhat keystore, never from the repository.
    gongzhi: {
      type: "http",
      chainType: "l1",
      url: configVariable("GONGZHI_RPC_URL"),
      accounts: [configVariable("GONGZHI_DEPLOYER_KEY")],
    },
  },
});
