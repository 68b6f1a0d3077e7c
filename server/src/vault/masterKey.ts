// Master keys: 32 bytes from the environment (GONGZHI_VAULT_MASTER_KEY) or a key file, never from the
// repository. Each is known by an id derived from it, so the store can say which key wrapped a data key without
// holding the key. In development a key file is made in the data directory (mode 0600) and the log says so.
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { KEY_BYTES, keyIdOf, randomKey } from "./crypto.js";
import { VaultError } from "./errors.js";

export type MasterKey = { id: string; key: Buffer };

const HOW = "Make one with `openssl rand -hex 32` (or `openssl rand -base64 32`).";

/** A master key from its text: 64 hex digits (0x optional) or base64 of 32 bytes. `where` names its source. */
export function parseMasterKey(text: string, where: string): MasterKey {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed.replace(/^0x/, ""), "hex");
  else if (/^[A-Za-z0-9+/]{43}=?$/.test(trimmed)) key = Buffer.from(trimmed, "base64");
  if (!key || key.length !== KEY_BYTES) {
    throw new VaultError("invalid_master_key", `${where} must be a 32-byte key as 64 hex digits or base64 (${trimmed.length} characters given). ${HOW}`);
  }
  return { id: keyIdOf(key), key };
}

/** Reads a key file, refusing one that other users may read (as ssh does): the key protects every person. */
export function readMasterKeyFile(file: string): MasterKey {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    throw new VaultError("invalid_master_key", `The vault master key file ${file} cannot be read (${(error as NodeJS.ErrnoException).code}). ${HOW}`);
  }
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    throw new VaultError("invalid_master_key", `The vault master key file ${file} can be read by other users (mode ${(mode & 0o777).toString(8)}); run \`chmod 600 ${file}\`.`);
  }
  return parseMasterKey(readFileSync(file, "utf8"), `The vault master key file ${file}`);
}

export const DEVELOPMENT_KEY_FILE = "vault-master.key";

/**
 * Development only: the master key file in `dataDir`, made (0600) if missing. The log line says where it is and
 * that production needs a configured key, so a demo's key is never mistaken for a real one.
 */
export function ensureDevelopmentMasterKey(dataDir: string, logger: Pick<Logger, "warn">): { file: string; created: boolean; masterKey: MasterKey } {
  const file = path.join(dataDir, DEVELOPMENT_KEY_FILE);
  const created = !existsSync(file);
  if (created) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomKey().toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  }
  const masterKey = readMasterKeyFile(file);
  logger.warn(
    { file, keyId: masterKey.id, created },
    `development vault master key ${created ? "created" : "in use"} at ${file}; outside development set GONGZHI_VAULT_MASTER_KEY or GONGZHI_VAULT_MASTER_KEY_FILE`,
  );
  return { file, created, masterKey };
}
