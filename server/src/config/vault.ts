// The vault's settings and the rule that outside development the server does not start without a master key.
// The key comes from the environment (GONGZHI_VAULT_MASTER_KEY) or a key file (GONGZHI_VAULT_MASTER_KEY_FILE),
// never from a command line or the repository; in development a key file is made in the data directory.
import path from "node:path";
import type { Logger } from "pino";
import { z } from "zod";
import { ensureDevelopmentMasterKey, parseMasterKey, readMasterKeyFile, type MasterKey } from "../vault/masterKey.js";
import { parseRetention } from "../vault/fields.js";

function validKey(text: string): boolean {
  try {
    parseMasterKey(text, "key");
    return true;
  } catch {
    return false;
  }
}

function validRetention(text: string): boolean {
  try {
    parseRetention(text);
    return true;
  } catch {
    return false;
  }
}

const keyText = z.string().refine(validKey, "must be a 32-byte key: 64 hex digits or base64 (make one with `openssl rand -hex 32`)");

export const vaultConfigSchema = z.object({
  /** "development" lets the server make its own vault master key in the data directory; anything real is "production". */
  mode: z.enum(["development", "production"]).default("production"),
  vaultMasterKey: keyText.optional(),
  vaultMasterKeyFile: z.string().min(1).optional(),
  /** The key being rotated away from (see docs/privacy.md, "Rotation"). */
  vaultPreviousMasterKey: keyText.optional(),
  vaultPreviousMasterKeyFile: z.string().min(1).optional(),
  /** Retention overrides in days per category, e.g. "location=14,photo=180" (defaults in docs/privacy.md). */
  vaultRetention: z.string().refine(validRetention, "must be category=days pairs separated by commas, e.g. location=30,photo=365, with categories identity, contact, household, profile, freeText, photo, location").default(""),
  /** How often the retention purge runs (seconds, each run jittered by ±10%); 0 turns it off. Daily unless said. */
  vaultPurgeEverySeconds: z.coerce.number().min(0).default(86_400),
});

export type VaultSettings = z.infer<typeof vaultConfigSchema>;

export const VAULT_ENV: Record<keyof VaultSettings, string> = {
  mode: "GONGZHI_MODE",
  vaultMasterKey: "GONGZHI_VAULT_MASTER_KEY",
  vaultMasterKeyFile: "GONGZHI_VAULT_MASTER_KEY_FILE",
  vaultPreviousMasterKey: "GONGZHI_VAULT_PREVIOUS_MASTER_KEY",
  vaultPreviousMasterKeyFile: "GONGZHI_VAULT_PREVIOUS_MASTER_KEY_FILE",
  vaultRetention: "GONGZHI_VAULT_RETENTION",
  vaultPurgeEverySeconds: "GONGZHI_VAULT_PURGE_EVERY_SECONDS",
};

/** Settings read from the environment only (command lines are visible to every local user). */
export const VAULT_SECRETS: ReadonlySet<keyof VaultSettings> = new Set<keyof VaultSettings>(["vaultMasterKey", "vaultPreviousMasterKey"]);

export const VAULT_KEY_HOWTO =
  "Set GONGZHI_VAULT_MASTER_KEY to 32 random bytes (`export GONGZHI_VAULT_MASTER_KEY=$(openssl rand -hex 32)`), " +
  "or GONGZHI_VAULT_MASTER_KEY_FILE (--vault-master-key-file) to a file holding them, readable by the server's user only (chmod 600). " +
  "Keep the key out of the repository and back it up apart from the data: without it the personal data cannot be read. " +
  "For a local demo only, GONGZHI_MODE=development (--mode development) makes a key in the data directory.";

/**
 * Refuses to start outside development without a vault master key, or with a key file that cannot be used; the
 * message says how to set one. Checked before anything else starts.
 */
export function assertVaultKeyConfigured(settings: VaultSettings): void {
  if (settings.vaultMasterKey && settings.vaultMasterKeyFile) {
    throw new Error("Both GONGZHI_VAULT_MASTER_KEY and GONGZHI_VAULT_MASTER_KEY_FILE are set; set only one, so it is clear which key protects the personal data.");
  }
  if (settings.vaultMasterKeyFile) readMasterKeyFile(settings.vaultMasterKeyFile);
  if (settings.vaultPreviousMasterKeyFile) readMasterKeyFile(settings.vaultPreviousMasterKeyFile);
  if (settings.mode !== "development" && !settings.vaultMasterKey && !settings.vaultMasterKeyFile) {
    throw new Error(`The personal-data vault has no master key, and the server is not in development mode (GONGZHI_MODE=${settings.mode}), so it does not start. ${VAULT_KEY_HOWTO}`);
  }
}

/**
 * The master key and any previous key the vault opens with: the configured ones, or in development a key file
 * made in `<dataDir>/vault` (logged as such).
 */
export function resolveVaultKeys(settings: VaultSettings & { dataDir: string }, logger: Pick<Logger, "warn">): { masterKey: MasterKey; previousMasterKeys: MasterKey[] } {
  assertVaultKeyConfigured(settings);
  const previousMasterKeys = [
    ...(settings.vaultPreviousMasterKey ? [parseMasterKey(settings.vaultPreviousMasterKey, "GONGZHI_VAULT_PREVIOUS_MASTER_KEY")] : []),
    ...(settings.vaultPreviousMasterKeyFile ? [readMasterKeyFile(settings.vaultPreviousMasterKeyFile)] : []),
  ];
  if (settings.vaultMasterKey) return { masterKey: parseMasterKey(settings.vaultMasterKey, "GONGZHI_VAULT_MASTER_KEY"), previousMasterKeys };
  if (settings.vaultMasterKeyFile) return { masterKey: readMasterKeyFile(settings.vaultMasterKeyFile), previousMasterKeys };
  return { masterKey: ensureDevelopmentMasterKey(path.join(settings.dataDir, "vault"), logger).masterKey, previousMasterKeys };
}
