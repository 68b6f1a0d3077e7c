// The vault as the server runs it: opened under <dataDir>/vault with the configured master key (or, in
// development, a key made there and logged as such), its access log and its changes recorded as anchored journal
// records, a rotation finished at start when a previous key is configured, the journal's erasures replayed into a
// vault restored from an older backup, and the retention purge on its schedule.
import path from "node:path";
import type { Logger } from "pino";
import { resolveVaultKeys, type VaultSettings } from "../config/vault.js";
import { parseRetention } from "../vault/fields.js";
import type { MasterKey } from "../vault/masterKey.js";
import { openLevelVaultStore } from "../vault/store.js";
import { openVault, type Vault } from "../vault/vault.js";
import { actorText, privacyJournal, type JournalDeps, type PrivacyJournal } from "./journal.js";
import { scheduleRetention, type RetentionSchedule } from "./retention.js";

export type PrivacySettings = VaultSettings & { dataDir: string; vaultPurgeEverySeconds: number };

export type Privacy = {
  /** The vault every service reads and writes personal values through (actors as `actorText(actor)`). */
  vault: Vault;
  journal: PrivacyJournal;
  retention: RetentionSchedule;
  /** The master keys in use, for the other stores sealed under them (scanned documents). */
  keys: { masterKey: MasterKey; previousMasterKeys: MasterKey[] };
  close: () => Promise<void>;
};

/** The erasures the journal holds that the vault does not (it was restored from before them), erased again. */
export async function replayErasures(vault: Vault, journal: PrivacyJournal, logger: Pick<Logger, "warn">): Promise<number> {
  let replayed = 0;
  for (const { personId } of await journal.erasures()) {
    const status = await vault.status(personId);
    if (status.state !== "active") continue; // erased already, or nothing of theirs in this copy
    await vault.erase({ personId, actor: actorText({ system: "erasure-replay" }) });
    logger.warn({ personId }, "erased again a person whose erasure the journal holds but the restored vault did not");
    replayed++;
  }
  return replayed;
}

export async function openPrivacy(settings: PrivacySettings, journalDeps: JournalDeps, logger: Logger): Promise<Privacy> {
  const { masterKey, previousMasterKeys } = resolveVaultKeys(settings, logger);
  const store = await openLevelVaultStore(path.join(settings.dataDir, "vault"));
  const journal = privacyJournal(journalDeps);
  let vault: Vault;
  try {
    vault = await openVault({
      store,
      masterKey,
      previousMasterKeys,
      accessLog: journal.accessLog,
      journal: journal.record,
      retention: parseRetention(settings.vaultRetention),
      logger,
    });
    if (previousMasterKeys.length > 0) {
      const rotated = await vault.rotateMasterKey();
      logger.warn({ keyId: vault.masterKeyId, ...rotated }, "vault master key rotated; remove the previous key setting and destroy the old key");
    }
    await replayErasures(vault, journal, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const retention = scheduleRetention({ vault, everyMs: settings.vaultPurgeEverySeconds * 1000, logger });
  return {
    vault,
    journal,
    retention,
    keys: { masterKey, previousMasterKeys },
    async close() {
      await retention.stop();
      await vault.close();
    },
  };
}
