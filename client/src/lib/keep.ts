// Keeping the signed-in state across a reload of the tab, without storing the private key in plain text.
//
// At sign-in, the key is encrypted (AES-GCM) under a fresh AES key made *non-extractable*: page code can ask
// the browser to decrypt with it, but can never read its bytes. That CryptoKey object is kept in IndexedDB (the
// only storage that holds CryptoKeys); the ciphertext, the session token and the address are kept in this tab's
// sessionStorage. Neither alone gives the key: the ciphertext dies with the tab, and sign-out deletes both. The
// alternative, asking for the passphrase after every reload (PBKDF2 with 310,000 rounds, a few seconds on an old
// phone), is what an elderly resident would meet on every refresh; it stays the fallback when the saved state is
// gone or the session has expired (the account page then has the key preselected).
//
// Loaded only when there is something to keep or restore (a signed-in tab), never in the startup bundle.
import { bytesToHex, hexToBytes, type Address, type Hex } from "viem";
import { ApiError, get } from "./api.js";
import { loadTexts, t } from "./i18n.js";
import { KEPT, setSession, type SignedIn } from "./session.js";
import type { Session } from "./types.js";

const DB = "gongzhi-session";
const STORE = "wrapping-keys";

type Kept = {
  id: string;
  kind: "key" | "wallet";
  address: Address;
  label: string;
  session: Session;
  /** AES-GCM nonce and ciphertext of the private key (kind "key" only). */
  iv?: Hex;
  ciphertext?: Hex;
};

function db(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error ?? new Error("indexedDB"));
  });
}

async function idb<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const database = await db();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = work(database.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error("indexedDB"));
    });
  } finally {
    database.close();
  }
}

function read(): Kept | null {
  try {
    return JSON.parse(sessionStorage.getItem(KEPT) ?? "null") as Kept | null;
  } catch {
    return null;
  }
}

/** Keeps a fresh sign-in for this tab: with a key, the key wrapped as above; with a wallet, the session only. */
export async function keep(who: SignedIn, privateKey?: Hex): Promise<void> {
  await forget();
  const id = bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
  const kept: Kept = { id, kind: who.kind, address: who.address, label: who.label, session: who.session };
  if (privateKey) {
    const wrapping = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv as BufferSource, additionalData: hexToBytes(who.address) as BufferSource }, wrapping, hexToBytes(privateKey) as BufferSource);
    await idb("readwrite", (store) => store.put(wrapping, id));
    kept.iv = bytesToHex(iv);
    kept.ciphertext = bytesToHex(new Uint8Array(ciphertext));
  }
  sessionStorage.setItem(KEPT, JSON.stringify(kept));
}

/** Forgets this tab's kept sign-in (sign-out, or a new sign-in). */
export async function forget(): Promise<void> {
  const kept = read();
  sessionStorage.removeItem(KEPT);
  if (kept?.id) await idb("readwrite", (store) => store.delete(kept.id)).catch(() => undefined);
}

/**
 * Signs this tab in again after a reload, from what `keep` stored. The session token is checked with the server
 * (a restarted server has forgotten it: then the key signs in afresh). An expired session, or anything missing,
 * is forgotten: the person unlocks the key again, preselected on the account page. Returns the address restored.
 */
export async function restore(): Promise<Address | null> {
  const kept = read();
  if (!kept) return null;
  if (kept.session.expiresAt <= Date.now()) {
    await forget();
    sessionStorage.setItem(EXPIRED, kept.address);
    return null;
  }
  const { keySigner, walletSignerSilently, signIn } = await import("./signing.js");
  let privateKey: Hex | undefined;
  if (kept.kind === "key") {
    const wrapping = await idb<CryptoKey | undefined>("readonly", (store) => store.get(kept.id) as IDBRequest<CryptoKey | undefined>);
    if (!wrapping || !kept.iv || !kept.ciphertext) {
      await forget();
      return null;
    }
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: hexToBytes(kept.iv) as BufferSource, additionalData: hexToBytes(kept.address) as BufferSource }, wrapping, hexToBytes(kept.ciphertext) as BufferSource);
    privateKey = bytesToHex(new Uint8Array(plain));
  }
  const signer = privateKey ? await keySigner(privateKey, kept.label) : await walletSignerSilently(kept.address);
  if (!signer) {
    await forget();
    return null;
  }
  setSession({ ...signer, session: kept.session });
  try {
    const fresh = await get<Omit<Session, "token">>("/api/auth/session");
    setSession({ ...signer, session: { ...kept.session, roles: fresh.roles, expiresAt: fresh.expiresAt } });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) return kept.address; // unreachable: the pages say so
    if (!privateKey) {
      // A wallet signs in again by hand (it would ask its owner anyway).
      setSession(null);
      await forget();
      return null;
    }
    // The server forgot the session (it restarted): the key signs in again, without asking anything.
    await loadTexts().catch(() => undefined); // the statement it signs, in the person's language
    await signIn(signer, t("account.siweStatement"), (who) => keep(who, privateKey));
  }
  return kept.address;
}

/** Set when a kept session had expired: the account page preselects this key and says why it asks again. */
export const EXPIRED = "gongzhi.session.expired";
