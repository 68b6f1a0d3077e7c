import { randomBytes } from "node:crypto";

/**
 * Sign-in nonces and sessions, kept in memory: a session is a bearer token, so a restart only asks people
 * to sign in again, and no personal data is stored (an address and an expiry).
 *
 * Both are bounded, so throw-away sign-ins cannot grow memory without end: beyond `maxSessions` the oldest
 * session ends, an address keeps at most `maxSessionsPerAddress` (its oldest ends first), and beyond
 * `maxNonces` the oldest unused nonce is forgotten (its sign-in asks for a new nonce).
 */
export type Session = { token: string; address: `0x${string}`; expiresAt: number };

export type SessionStore = {
  issueNonce: () => string;
  /** True once per issued, unexpired nonce: a signed message cannot be replayed. */
  consumeNonce: (nonce: string) => boolean;
  /** True for an issued, unexpired, unspent nonce (spends nothing). */
  hasNonce: (nonce: string) => boolean;
  create: (address: `0x${string}`) => Session;
  get: (token: string) => Session | undefined;
  revoke: (token: string) => void;
  /** Live nonces and sessions (for health and tests). */
  size: () => { nonces: number; sessions: number };
};

export type SessionStoreOptions = {
  nonceTtlMs: number;
  sessionTtlMs: number;
  /** Unused nonces kept at most. */
  maxNonces: number;
  /** Sessions kept at most, all addresses together. */
  maxSessions: number;
  /** Sessions one address keeps at most (a phone, a computer, a tablet…). */
  maxSessionsPerAddress: number;
  now?: () => number;
};

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const now = options.now ?? Date.now;
  // Maps keep insertion order, and every entry of a map has the same time to live, so the oldest entry is
  // also the first to expire: sweeping stops at the first live one, and eviction takes the first.
  const nonces = new Map<string, number>();
  const sessions = new Map<string, Session>();
  const tokensByAddress = new Map<string, string[]>();

  function end(token: string): void {
    const session = sessions.get(token);
    if (!session) return;
    sessions.delete(token);
    const key = session.address.toLowerCase();
    const rest = (tokensByAddress.get(key) ?? []).filter((t) => t !== token);
    if (rest.length > 0) tokensByAddress.set(key, rest);
    else tokensByAddress.delete(key);
  }

  function sweep(): void {
    const t = now();
    for (const [nonce, expiresAt] of nonces) {
      if (expiresAt > t) break;
      nonces.delete(nonce);
    }
    for (const [token, session] of sessions) {
      if (session.expiresAt > t) break;
      end(token);
    }
  }

  return {
    issueNonce() {
      sweep();
      while (nonces.size >= options.maxNonces) nonces.delete(nonces.keys().next().value!);
      // SIWE nonces are alphanumeric, at least 8 characters.
      const nonce = randomBytes(16).toString("hex");
      nonces.set(nonce, now() + options.nonceTtlMs);
      return nonce;
    },
    hasNonce(nonce) {
      const expiresAt = nonces.get(nonce);
      return expiresAt !== undefined && expiresAt > now();
    },
    consumeNonce(nonce) {
      const expiresAt = nonces.get(nonce);
      nonces.delete(nonce);
      return expiresAt !== undefined && expiresAt > now();
    },
    create(address) {
      sweep();
      const key = address.toLowerCase();
      const own = tokensByAddress.get(key) ?? [];
      while (own.length >= options.maxSessionsPerAddress) end(own.shift()!);
      while (sessions.size >= options.maxSessions) end(sessions.keys().next().value!);
      const session = { token: randomBytes(32).toString("base64url"), address, expiresAt: now() + options.sessionTtlMs };
      sessions.set(session.token, session);
      tokensByAddress.set(key, [...(tokensByAddress.get(key) ?? []), session.token]);
      return session;
    },
    get(token) {
      const session = sessions.get(token);
      if (!session || session.expiresAt <= now()) return undefined;
      return session;
    },
    revoke: end,
    size: () => ({ nonces: nonces.size, sessions: sessions.size }),
  };
}
