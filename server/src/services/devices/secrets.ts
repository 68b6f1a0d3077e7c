// Per-device secrets, made by the server and kept encrypted at rest: AES-256-GCM (vault/crypto.ts) under a key
// derived from the vault's master key, bound to the device and the key id as additional data (a sealed secret
// moved to another device or key id does not open). The plain secret leaves the server once, in the answer to
// the installer who registered or rotated the device; it is never logged and never in a record.
import { createHmac, randomBytes } from "node:crypto";
import type { Store, Sublevel } from "../../store/store.js";
import { aad, open, seal, type Sealed } from "../../vault/crypto.js";
import type { MasterKey } from "../../vault/masterKey.js";

export const SECRET_BYTES = 32;

type StoredSecret = { masterKeyId: string } & Sealed;

export type DeviceSecrets = {
  /** Makes a secret and a random key id for `device`, and stores the secret sealed (durably) before answering. */
  create(device: string): Promise<{ keyId: string; secret: Buffer }>;
  /** The secret of `device` under `keyId`, or undefined when none is stored. Throws when it is stored but does not open. */
  get(device: string, keyId: string): Promise<Buffer | undefined>;
  has(device: string, keyId: string): Promise<boolean>;
  /** Forgets a secret (a rotated-out key, or one whose registration was refused). */
  remove(device: string, keyId: string): Promise<void>;
};

export type SecretKeys = { current: MasterKey; previous?: readonly MasterKey[] };

/** The device-secret key of a master key: HMAC-SHA256(master, label), so it is never the vault's own key. */
function derivedKey(master: MasterKey): Buffer {
  return createHmac("sha256", master.key).update("gongzhi device secrets v1").digest();
}

const context = (device: string, keyId: string) => aad("gongzhi device secret", device, keyId);

/** Device secrets in the server's LevelDB store (sublevel `dev:secrets`), sealed under `keys`. */
export function levelDeviceSecrets(store: Store, keys: SecretKeys): DeviceSecrets {
  const db = store.db.sublevel<string, StoredSecret>("dev:secrets", { valueEncoding: "json" }) as unknown as Sublevel;
  const slot = (device: string, keyId: string) => `${device}/${keyId}`;
  const read = async (device: string, keyId: string) => (await db.get(slot(device, keyId))) as StoredSecret | undefined;
  return {
    async create(device) {
      const keyId = randomBytes(8).toString("hex");
      const secret = randomBytes(SECRET_BYTES);
      const sealed: StoredSecret = { masterKeyId: keys.current.id, ...seal(derivedKey(keys.current), secret, context(device, keyId)) };
      await store.db.batch([{ type: "put", sublevel: db, key: slot(device, keyId), value: sealed }], { sync: true });
      return { keyId, secret };
    },
    async get(device, keyId) {
      const stored = await read(device, keyId);
      if (!stored) return undefined;
      const master = [keys.current, ...(keys.previous ?? [])].find((k) => k.id === stored.masterKeyId);
      if (!master) throw new Error(`The secret of device ${device} is sealed under vault master key ${stored.masterKeyId}, which is not configured; set it as a previous key, or rotate the device's secret.`);
      const secret = open(derivedKey(master), stored, context(device, keyId));
      if (!secret) throw new Error(`The stored secret of device ${device} (key ${keyId}) does not open: it was altered; rotate the device's secret.`);
      return secret;
    },
    async has(device, keyId) {
      return (await read(device, keyId)) !== undefined;
    },
    async remove(device, keyId) {
      await store.db.batch([{ type: "del", sublevel: db, key: slot(device, keyId) }], { sync: true });
    },
  };
}
