// The indexer process: node_modules/.bin/tsx server/src/indexer/main.ts --rpc-url … --chain-id … \
//   --deployment deployments/local.json --data-dir .data/indexer [--anchorer-key-env GONGZHI_ANCHORER_KEY]
// Options fall back to GONGZHI_* environment variables (see server/src/config/indexer.ts).
import { Command } from "commander";
import pino from "pino";
import { loadIndexerSettings } from "../config/indexer.js";
import { runAnchorer } from "../receipts/anchorer.js";
import { closeStore } from "../store/store.js";
import { follow } from "./indexer.js";
import { setupIndexer } from "./setup.js";

const program = new Command()
  .name("indexer")
  .option("--rpc-url <url>", "JSON-RPC URL")
  .option("--chain-id <id>", "chain id")
  .option("--deployment <file>", "deployment file (deployments/<network>.json)")
  .option("--data-dir <dir>", "LevelDB directory")
  .option("--artifacts-dir <dir>", "Hardhat artifacts directory")
  .option("--confirmations <n>", "blocks to wait behind the head (0 for QBFT)")
  .option("--reorg-window <n>", "recent blocks kept undoable")
  .option("--poll-ms <ms>", "new-block polling interval")
  .option("--rpc-timeout-ms <ms>", "how long one chain request may take (default 5000)")
  .option("--initial-range <blocks>", "first eth_getLogs range")
  .option("--max-range <blocks>", "largest eth_getLogs range")
  .option("--target-logs <n>", "logs per eth_getLogs answer the range adapts to")
  .option("--batch-leaves <n>", "close a receipt batch at this many records")
  .option("--batch-seconds <s>", "or this many seconds after its first record")
  .option("--exit-at-head", "stop once caught up with the chain (anchoring a last time)")
  .option("--log-level <level>", "fatal, error, warn, info, debug or silent")
  .parse();

// The anchoring key is read from the environment only: command lines are visible to every local user.
const settings = loadIndexerSettings(program.opts());
const logger = pino({ level: settings.logLevel, base: undefined });
const service = await setupIndexer(settings, logger);
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => controller.abort());

logger.info(
  {
    chainId: settings.chainId,
    from: service.indexer.checkpoint.blockNumber + 1,
    nextSeq: service.indexer.nextSeq,
    anchoring: !!service.anchorer,
    preparing: service.indexer.preparing(),
  },
  "indexer starting",
);
try {
  const anchoring = service.anchorer && !settings.exitAtHead ? runAnchorer(service.anchorer, settings.pollMs, controller.signal) : undefined;
  await follow(service.indexer, { pollMs: settings.pollMs, retryMaxMs: settings.retryMaxMs, signal: controller.signal, exitAtHead: settings.exitAtHead });
  if (settings.exitAtHead && service.anchorer) {
    const { anchorOnce } = await import("../receipts/anchorer.js");
    await anchorOnce(service.anchorer);
  }
  controller.abort();
  await anchoring;
  logger.info({ indexedTo: service.indexer.checkpoint.blockNumber, nextSeq: service.indexer.nextSeq }, "indexer stopped");
} finally {
  await closeStore(service.store);
}
