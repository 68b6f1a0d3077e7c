import { randomBytes } from "node:crypto";

/**
 * Sign-in nonces and sessions, kept in memory: a session is a bearer token, so a restart only asks people
 * to sign in again, and no personal data is stored (an address and an expiry).
 */
export type Session = { token: string; address: `0x${string}`; expiresAt: number };

export type SessionStore = {
  issueNonce: () => string;
  /** True once per issued, unexpired nonce: a signed message cannot be replayed. */
  consumeNonce: (nonce: string) => boolean;
  create: (address: `0x${string}`) => Session;
  get: (token: string) => Session | undefined;
  revoke: (token: string) => void;
};

export type SessionStoreOptions = { nonceTtlMs: number; sessionTtlMs: number; now?: () => number };

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const now = options.now ?? Date.now;
  const nonces = new Map<string, number>();
  const sessions = new Map<string, Session>();

  // Expired entries are swept lazily on every write, so memory stays bounded by live entries.
  function sweep(): void {
    const t = now();
    for (const [nonce, expiresAt] of nonces) if (expiresAt <= t) nonces.delete(nonce);
    for (const [token, session] of sessions) if (session.expiresAt <= t) sessions.delete(token);
  }

  return {
    issueNonce() {
      sweep();
      // SIWE nonces are alphanumeric, at least 8 characters.
      const nonce = randomBytes(16).toString("hex");
      nonces.set(nonce, now() + options.nonceTtlMs);
      return nonce;
    },
    consumeNonce(nonce) {
      const expiresAt = nonces.get(nonce);
      nonces.delete(nonce);
      return expiresAt !== undefined && expiresAt > now();
    },
    create(address) {
      sweep();
      const session = { token: randomBytes(32).toString("base64url"), address, expiresAt: now() + options.sessionTtlMs };
      sessions.set(session.token, session);
      return session;
    },
    get(token) {
      const session = sessions.get(token);
      if (!session || session.expiresAt <= now()) return undefined;
      return session;
    },
    revoke(token) {
      sessions.delete(token);
    },
  };
}
