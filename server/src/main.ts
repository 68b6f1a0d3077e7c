// The Gongzhi server: indexer, anchorer, ballot relayer and API in one process.
//   tsx server/src/main.ts --rpc-url http://127.0.0.1:8545 --chain-id 31337 --deployment deployments/local.json \
//     --data-dir .data/server [--port 8080 --static-dir client/dist]
// Keys come from the environment only: GONGZHI_ANCHORER_KEY, GONGZHI_RELAYER_KEY, GONGZHI_VAULT_MASTER_KEY (or a
// key file). Outside development (--mode) the server refuses to start without a vault key. Every option also has a
// GONGZHI_* environment variable (server/src/config/server.ts).
import { Command } from "commander";
import { pino } from "pino";
import { loadServerSettings } from "./config/server.js";
import { startServer } from "./server.js";
import { serverRoutes } from "./routes.js";

const program = new Command()
  .name("gongzhi-server")
  .option("--rpc-url <url>", "JSON-RPC URL of a node of the chain")
  .option("--chain-id <id>", "chain id")
  .option("--deployment <file>", "deployment file (deployments/<network>.json)")
  .option("--data-dir <dir>", "directory for the LevelDB stores")
  .option("--confirmations <n>", "blocks to wait behind the head (0 for QBFT)")
  .option("--host <host>", "interface to listen on")
  .option("--port <port>", "port to listen on")
  .option("--public-rpc-url <url>", "RPC URL that browsers use to verify receipts")
  .option("--static-dir <dir>", "built web client to serve at /")
  .option("--cors-origins <list>", "comma-separated origins allowed by CORS")
  .option("--rpc-timeout-ms <ms>", "how long one chain request may take (default 5000)")
  .option("--log-level <level>", "fatal, error, warn, info, debug or silent")
  .option("--mode <mode>", "production (default: needs a vault master key) or development (makes one in the data directory)")
  .option("--vault-master-key-file <file>", "file holding the personal-data vault's master key (mode 0600)")
  .option("--vault-purge-every-seconds <s>", "how often the retention purge runs (default 86400; 0: never)")
  .parse();

const settings = loadServerSettings(program.opts());
const logger = pino({ level: settings.logLevel, base: undefined });
const server = await startServer(settings, logger, serverRoutes);
console.log(`Gongzhi server at ${server.url}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "stopping");
    void server.stop().then(() => process.exit(0));
  });
}
