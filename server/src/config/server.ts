// The server process's configuration: the indexer's settings plus the API's and the relayer's. Command-line
// options override GONGZHI_* environment variables, which override defaults; keys come from the environment
// only, because command lines are visible to every local user.
import { z } from "zod";
import { ENV as INDEXER_ENV, indexerConfigSchema } from "./indexer.js";
import { describeSettings, loadSettings, type SettingHelp, type SettingsSource } from "./load.js";
import { VAULT_ENV, VAULT_SECRETS, vaultConfigSchema } from "./vault.js";

const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key");

const serverFields = indexerConfigSchema.merge(vaultConfigSchema).extend({
  host: z.string().default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The RPC URL browsers use to verify receipts themselves (may differ from the server's own). */
  publicRpcUrl: z.string().url().optional(),
  /** The EIP-4361 domain sign-in messages must name; defaults to host:port. */
  siweDomain: z.string().optional(),
  /** Comma-separated origins allowed by CORS; empty means same-origin only. */
  corsOrigins: z.string().default(""),
  /** The built web client to serve at `/`. */
  staticDir: z.string().optional(),
  /** Key of an account with RELAYER_ROLE; without it, POST /api/ballots is not offered. */
  relayerKey: privateKey.optional(),
  relayerBatchSize: z.coerce.number().int().positive().default(50),
  relayerIntervalMs: z.coerce.number().int().positive().default(2000),
  /** How often open work orders are swept for escalation and unanswered resolved ones for auto-confirmation. */
  workOrderSweepMs: z.coerce.number().int().positive().default(60_000),
  rateLimitPerMinute: z.coerce.number().int().positive().default(6000),
  sessionHours: z.coerce.number().positive().default(12),
  /** Sessions kept in memory at most (the oldest ends first), and per address. */
  sessionMax: z.coerce.number().int().positive().default(10_000),
  sessionMaxPerAddress: z.coerce.number().int().positive().default(5),
  /** Unused sign-in nonces kept at most (the oldest is forgotten first). */
  nonceMax: z.coerce.number().int().positive().default(10_000),
  /** How far a sign-in message's `issuedAt` may be ahead of the server's clock. */
  siweClockSkewSeconds: z.coerce.number().int().min(0).default(60),
  /** Sign-ins per address per minute, and ballots per signing address per minute. */
  signInsPerAddressPerMinute: z.coerce.number().int().positive().default(10),
  ballotsPerAddressPerMinute: z.coerce.number().int().positive().default(60),
  /** How long an address's on-chain roles are reused: also how long a revoked role may still count. */
  roleCacheMs: z.coerce.number().int().nonnegative().default(10_000),
  /** How many addresses' roles are kept at most (least recently used dropped first). */
  roleCacheSize: z.coerce.number().int().positive().default(10_000),
  /** /api/health says degraded when the indexer is more than this many blocks behind the chain's head. */
  healthMaxLagBlocks: z.coerce.number().int().nonnegative().default(20),
  /** Slow clients (slowloris): time allowed for a request's headers … */
  headersTimeoutMs: z.coerce.number().int().positive().default(20_000),
  /** … for its body once the headers are in (answered 408 in the API's shape) … */
  bodyTimeoutMs: z.coerce.number().int().positive().default(15_000),
  /** … and for the whole request; the connection is closed after any of them. */
  requestTimeoutMs: z.coerce.number().int().positive().default(30_000),
});

export const serverConfigSchema = serverFields.refine((s) => s.headersTimeoutMs <= s.requestTimeoutMs, {
  message: "must be at least headersTimeoutMs: the whole request includes its headers",
  path: ["requestTimeoutMs"],
});

export type ServerSettings = z.infer<typeof serverConfigSchema>;

export const SERVER_ENV: Record<keyof ServerSettings, string> = {
  ...INDEXER_ENV,
  ...VAULT_ENV,
  host: "GONGZHI_HOST",
  port: "GONGZHI_PORT",
  publicRpcUrl: "GONGZHI_PUBLIC_RPC_URL",
  siweDomain: "GONGZHI_SIWE_DOMAIN",
  corsOrigins: "GONGZHI_CORS_ORIGINS",
  staticDir: "GONGZHI_STATIC_DIR",
  relayerKey: "GONGZHI_RELAYER_KEY",
  relayerBatchSize: "GONGZHI_RELAYER_BATCH_SIZE",
  relayerIntervalMs: "GONGZHI_RELAYER_INTERVAL_MS",
  workOrderSweepMs: "GONGZHI_WORKORDER_SWEEP_MS",
  rateLimitPerMinute: "GONGZHI_RATE_LIMIT_PER_MINUTE",
  sessionHours: "GONGZHI_SESSION_HOURS",
  sessionMax: "GONGZHI_SESSION_MAX",
  sessionMaxPerAddress: "GONGZHI_SESSION_MAX_PER_ADDRESS",
  nonceMax: "GONGZHI_NONCE_MAX",
  siweClockSkewSeconds: "GONGZHI_SIWE_CLOCK_SKEW_SECONDS",
  signInsPerAddressPerMinute: "GONGZHI_SIGN_INS_PER_ADDRESS_PER_MINUTE",
  ballotsPerAddressPerMinute: "GONGZHI_BALLOTS_PER_ADDRESS_PER_MINUTE",
  roleCacheMs: "GONGZHI_ROLE_CACHE_MS",
  roleCacheSize: "GONGZHI_ROLE_CACHE_SIZE",
  healthMaxLagBlocks: "GONGZHI_HEALTH_MAX_LAG_BLOCKS",
  headersTimeoutMs: "GONGZHI_HEADERS_TIMEOUT_MS",
  bodyTimeoutMs: "GONGZHI_BODY_TIMEOUT_MS",
  requestTimeoutMs: "GONGZHI_REQUEST_TIMEOUT_MS",
};

export function loadServerSettings(
  cli: Partial<Record<keyof ServerSettings, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
): ServerSettings {
  return loadSettings(serverConfigSchema, SERVER_SOURCE, cli, env);
}

const SERVER_SOURCE: SettingsSource<keyof ServerSettings> = {
  what: "server",
  env: SERVER_ENV,
  secrets: new Set<keyof ServerSettings>(["anchorerKey", "relayerKey", ...VAULT_SECRETS]),
  flags: new Set<keyof ServerSettings>(["exitAtHead"]),
};

/** Every server setting as `--help` lists it: option, environment variable, required or default. */
export function serverSettingsHelp(): SettingHelp[] {
  return describeSettings(serverFields.shape as Record<keyof ServerSettings, z.ZodTypeAny>, SERVER_SOURCE);
}
