// The indexer's configuration: command-line options override environment variables, which override defaults.
// Validated once at start, with messages that name the option to fix.
import { z } from "zod";
import { loadSettings } from "./load.js";

export const indexerConfigSchema = z.object({
  rpcUrl: z.string().url(),
  chainId: z.coerce.number().int().positive(),
  deployment: z.string().min(1),
  dataDir: z.string().min(1),
  artifactsDir: z.string().min(1).optional(),
  confirmations: z.coerce.number().int().nonnegative().default(0),
  reorgWindow: z.coerce.number().int().positive().default(128),
  pollMs: z.coerce.number().int().positive().default(1000),
  /** How long one JSON-RPC request may take before it counts as failed (a frozen node must not hang us). */
  rpcTimeoutMs: z.coerce.number().int().positive().max(600_000).default(5000),
  /** The longest wait between retries while the node is unreachable: the indexer resumes this soon after it returns. */
  retryMaxMs: z.coerce.number().int().positive().default(2000),
  initialRange: z.coerce.number().int().positive().default(1000),
  maxRange: z.coerce.number().int().positive().default(50_000),
  targetLogs: z.coerce.number().int().positive().default(5000),
  /** Close a receipt batch at this many records … */
  batchLeaves: z.coerce.number().int().positive().default(10_000),
  /** … or this many seconds after its first record, whichever comes first. */
  batchSeconds: z.coerce.number().nonnegative().default(60),
  /** The private key of an account with ANCHORER_ROLE; without it the indexer does not anchor. */
  anchorerKey: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
    .optional(),
  exitAtHead: z.boolean().default(false),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "silent"]).default("info"),
});

export type IndexerSettings = z.infer<typeof indexerConfigSchema>;

/** Environment variables of each setting. */
export const ENV: Record<keyof IndexerSettings, string> = {
  rpcUrl: "GONGZHI_RPC_URL",
  chainId: "GONGZHI_CHAIN_ID",
  deployment: "GONGZHI_DEPLOYMENT",
  dataDir: "GONGZHI_DATA_DIR",
  artifactsDir: "GONGZHI_ARTIFACTS_DIR",
  confirmations: "GONGZHI_CONFIRMATIONS",
  reorgWindow: "GONGZHI_REORG_WINDOW",
  pollMs: "GONGZHI_POLL_MS",
  rpcTimeoutMs: "GONGZHI_RPC_TIMEOUT_MS",
  retryMaxMs: "GONGZHI_RETRY_MAX_MS",
  initialRange: "GONGZHI_INITIAL_RANGE",
  maxRange: "GONGZHI_MAX_RANGE",
  targetLogs: "GONGZHI_TARGET_LOGS",
  batchLeaves: "GONGZHI_BATCH_LEAVES",
  batchSeconds: "GONGZHI_BATCH_SECONDS",
  anchorerKey: "GONGZHI_ANCHORER_KEY",
  exitAtHead: "GONGZHI_EXIT_AT_HEAD",
  logLevel: "GONGZHI_LOG_LEVEL",
};

export function loadIndexerSettings(cli: Partial<Record<keyof IndexerSettings, unknown>>, env = process.env): IndexerSettings {
  return loadSettings(indexerConfigSchema, { what: "indexer", env: ENV, secrets: new Set<keyof IndexerSettings>(["anchorerKey"]), flags: new Set<keyof IndexerSettings>(["exitAtHead"]) }, cli, env);
}
