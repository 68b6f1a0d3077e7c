// A real vault over real LevelDB stores in a temporary directory, and a scan of the raw bytes of every file a
// store wrote, for the tests that show what is (not) at rest.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Level } from "level";
import { levelAccessLog, type AccessLogSink } from "../../../server/src/vault/accessLog.js";
import { randomKey } from "../../../server/src/vault/crypto.js";
import { parseMasterKey, type MasterKey } from "../../../server/src/vault/masterKey.js";
import { openLevelVaultStore } from "../../../server/src/vault/store.js";
import { openVault, type Vault, type VaultOptions } from "../../../server/src/vault/vault.js";

export function newMasterKey(): MasterKey {
  return parseMasterKey(randomKey().toString("hex"), "test key");
}

export type TestVault = {
  vault: Vault;
  store: Awaited<ReturnType<typeof openLevelVaultStore>>;
  logDb: Level<string, string>;
  accessLog: AccessLogSink;
  close: () => Promise<void>;
};

/** Opens the vault in `dir` (stores in dir/keys and dir/data, the default access log in dir/access). */
export async function openTestVault(
  dir: string,
  masterKey: MasterKey,
  options: Partial<Omit<VaultOptions, "store" | "masterKey">> = {},
): Promise<TestVault> {
  const store = await openLevelVaultStore(dir);
  const logDb = new Level<string, string>(path.join(dir, "access"));
  await logDb.open();
  const accessLog = options.accessLog ?? (await levelAccessLog(logDb));
  try {
    const vault = await openVault({ store, masterKey, accessLog, ...options });
    return {
      vault,
      store,
      logDb,
      accessLog,
      close: async () => {
        await vault.close();
        await logDb.close();
      },
    };
  } catch (error) {
    await store.close();
    await logDb.close();
    throw error;
  }
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

/** The files under `dir` whose raw bytes contain `needle` (a string is looked for as UTF-8). */
export function filesContaining(dir: string, needle: string | Buffer): string[] {
  const bytes = typeof needle === "string" ? Buffer.from(needle, "utf8") : needle;
  return files(dir).filter((file) => readFileSync(file).includes(bytes));
}
