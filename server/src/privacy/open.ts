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

/**
 * Another store sealed under the vault's master keys (the scanned documents), rewrapped under the current key
 * during a rotation, before the vault retires the previous one. `failed` names what did not open (by hash).
 */
export type SealedStore = {
  name: string;
  rewrap(keys: { current: MasterKey; previous: MasterKey[] }): Promise<{ rewrapped: number; failed: { hash: string; reason: string }[] }>;
};

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

/**
 * Finishes a rotation: the other sealed stores first, then the vault's own data keys, which retires the previous
 * key (from then on it is refused). If any sealed item does not open, nothing is retired and the log says to keep
 * the previous key: retiring it would make the next start refuse it, and the items still under it would be lost.
 */
export async function rotateAtStart(vault: Vault, keys: { current: MasterKey; previous: MasterKey[] }, sealedStores: readonly SealedStore[], logger: Pick<Logger, "warn" | "error">): Promise<"rotated" | "unfinished"> {
  const counts: Record<string, number> = {};
  const failed: { store: string; hash: string; reason: string }[] = [];
  for (const sealed of sealedStores) {
    const result = await sealed.rewrap(keys);
    counts[sealed.name] = result.rewrapped;
    failed.push(...result.failed.map((f) => ({ store: sealed.name, ...f })));
  }
  const others = Object.entries(counts).map(([name, n]) => `, ${n} ${name}`).join("");
  if (failed.length > 0) {
    logger.error(
      { keyId: keys.current.id, rewrappedSealed: counts, failed },
      `vault master key rotation NOT finished: ${failed.length} sealed item(s) could not be opened (hashes in "failed"); KEEP the previous key configured and do not destroy it, restore those files from a backup (or remove them if they are meant to be gone), then restart`,
    );
    return "unfinished";
  }
  const rotated = await vault.rotateMasterKey();
  logger.warn(
    { keyId: vault.masterKeyId, ...rotated, rewrappedSealed: counts },
    `vault master key rotated: rewrapped ${rotated.rewrapped} personal data key(s)${others}; remove the previous key setting and destroy the old key`,
  );
  return "rotated";
}

export async function openPrivacy(settings: PrivacySettings, journalDeps: JournalDeps, logger: Logger, sealedStores: readonly SealedStore[] = []): Promise<Privacy> {
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
    if (previousMasterKeys.length > 0) await rotateAtStart(vault, { current: masterKey, previous: previousMasterKeys }, sealedStores, logger);
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
