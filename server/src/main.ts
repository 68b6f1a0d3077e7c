// The Gongzhi server: indexer, anchorer, ballot relayer and API in one process.
//   tsx server/src/main.ts --rpc-url http://127.0.0.1:8545 --chain-id 31337 --deployment deployments/local.json \
//     --data-dir .data/server [--port 8080 --static-dir client/dist]
// Keys come from the environment only: GONGZHI_ANCHORER_KEY, GONGZHI_RELAYER_KEY, GONGZHI_VAULT_MASTER_KEY (or a
// key file). Outside development (--mode) the server refuses to start without a vault key. Every option also has a
// GONGZHI_* environment variable (server/src/config/server.ts); `--help` lists them all with their defaults.
import { Command, CommanderError } from "commander";
import { pino } from "pino";
import { loadServerSettings, serverSettingsHelp, type ServerSettings } from "./config/server.js";
import { startServer } from "./server.js";
import { serverRoutes } from "./routes.js";

/** Exit statuses (also in --help). */
export const EXIT = { stopped: 0, startFailed: 1, badConfiguration: 2 } as const;

/** The options offered on the command line (every other setting, and every key, is an environment variable). */
const OPTIONS: [keyof ServerSettings, string, string][] = [
  ["rpcUrl", "<url>", "JSON-RPC URL of a node of the chain"],
  ["chainId", "<id>", "chain id (31337 for the local Hardhat node)"],
  ["deployment", "<file>", "deployment file (deployments/<network>.json)"],
  ["dataDir", "<dir>", "directory for the LevelDB stores"],
  ["confirmations", "<n>", "blocks to wait behind the head (0 for QBFT)"],
  ["host", "<host>", "interface to listen on"],
  ["port", "<port>", "port to listen on (0: any free port)"],
  ["publicRpcUrl", "<url>", "RPC URL that browsers use to verify receipts"],
  ["staticDir", "<dir>", "built web client to serve at /"],
  ["corsOrigins", "<list>", "comma-separated origins allowed by CORS (empty: same origin only)"],
  ["rpcTimeoutMs", "<ms>", "how long one chain request may take"],
  ["logLevel", "<level>", "fatal, error, warn, info, debug or silent"],
  ["mode", "<mode>", "production (needs a vault master key) or development (makes one in the data directory)"],
  ["vaultMasterKeyFile", "<file>", "file holding the personal-data vault's master key (mode 0600)"],
  ["vaultPurgeEverySeconds", "<s>", "how often the retention purge runs (0: never)"],
];

const settings = serverSettingsHelp();
const byKey = new Map(settings.map((s) => [s.key, s]));
const tag = (key: keyof ServerSettings): string => {
  const s = byKey.get(key)!;
  return `[${s.required ? "required" : s.defaultValue !== undefined ? `default: ${s.defaultValue}` : "optional"}; env ${s.env}]`;
};
const width = Math.max(...settings.map((s) => s.env.length));
const HELP_AFTER = `
Required: --rpc-url, --chain-id, --deployment and --data-dir (or their environment variables); outside
development mode also a vault master key (GONGZHI_VAULT_MASTER_KEY or --vault-master-key-file, see
docs/privacy.md).

Environment (an option given on the command line wins; keys are read from the environment only, because command
lines are visible to every local user):
${settings.map((s) => `  ${s.env.padEnd(width)}  ${s.required ? "required" : s.defaultValue !== undefined ? `default ${s.defaultValue}` : "optional"}${s.secret ? " (secret: environment only)" : ""}`).join("\n")}

Exit status:
  0  stopped by SIGINT or SIGTERM after a clean shutdown
  1  could not start (node unreachable, deployment file unreadable, vault key missing or unusable, data directory
     locked by another process); the line printed says which
  2  bad options or configuration (the line printed names the option and its environment variable)

Example:
  GONGZHI_MODE=development npm run server -- --rpc-url http://127.0.0.1:8545 --chain-id 31337 \\
    --deployment deployments/localhost.json --data-dir .data/server --static-dir client/dist
`;

/** One line on stderr and the exit status: a configuration or start-up failure is not a crash (no stack trace). */
function fail(status: number, message: string): never {
  console.error(`gongzhi-server: ${message}`);
  process.exit(status);
}

const program = new Command().name("gongzhi-server").description("The Gongzhi server: indexer, anchorer, ballot relayer and API in one process.");
for (const [key, arg, text] of OPTIONS) program.option(`${byKey.get(key)!.option} ${arg}`, `${text} ${tag(key)}`);
program
  .addHelpText("after", HELP_AFTER)
  .exitOverride((err: CommanderError) => process.exit(err.exitCode === 0 ? EXIT.stopped : EXIT.badConfiguration))
  .parse();

let config: ServerSettings;
try {
  config = loadServerSettings(program.opts());
} catch (err) {
  // "Invalid server configuration:\n  --rpc-url (or GONGZHI_RPC_URL): required, not given\n…" as one line.
  const [head, ...problems] = (err as Error).message.split("\n").map((l) => l.trim());
  fail(EXIT.badConfiguration, `${head} ${problems.join("; ")} (see --help)`);
}
const logger = pino({ level: config.logLevel, base: undefined });
const server = await startServer(config, logger, serverRoutes).catch((err: unknown) => fail(EXIT.startFailed, `could not start: ${(err as Error).message}`));
console.log(`Gongzhi server at ${server.url}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "stopping");
    void server.stop().then(() => process.exit(EXIT.stopped));
  });
}
