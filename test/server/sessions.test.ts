// The session store alone (server/src/api/auth/sessions.ts): bounds and expiry, on an injected clock. Kept apart
// from auth.test.ts, whose sign-in tests need a chain, so that the mutation run tries these first and quickly.
import { expect } from "chai";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSessionStore, type SessionStore } from "../../server/src/api/auth/sessions.js";

describe("Session store bounds", function () {
  it("stays bounded under a flood of throw-away sign-ins, ending the oldest sessions first", function () {
    let clock = 1_000_000;
    const store = createSessionStore({
      nonceTtlMs: 60_000,
      sessionTtlMs: 3_600_000,
      maxNonces: 100,
      maxSessions: 100,
      maxSessionsPerAddress: 2,
      now: () => clock,
    });
    const first = store.create(privateKeyToAccount(generatePrivateKey()).address);
    const firstNonce = store.issueNonce();
    for (let i = 0; i < 519; i++) {
      store.issueNonce();
      store.create(privateKeyToAccount(generatePrivateKey()).address);
      clock += 10;
    }
    expect(store.get(first.token)).to.equal(undefined);
    expect(store.consumeNonce(firstNonce)).to.equal(false);
    expect(store.size()).to.deep.equal({ nonces: 100, sessions: 100 });
    // The newest are live, and expired entries go at the next write.
    const latest = store.create(newAccount().address);
    expect(store.get(latest.token)?.address).to.equal(latest.address);
    clock += 3_600_000;
    store.issueNonce();
    store.create(newAccount().address);
    expect(store.size()).to.deep.equal({ nonces: 1, sessions: 1 });
  });
});

describe("Session store expiry", function () {
  const NONCE_TTL = 60_000;
  const SESSION_TTL = 3_600_000;
  let clock: number;
  let store: SessionStore;

  beforeEach(function () {
    clock = 5_000_000;
    store = createSessionStore({
      nonceTtlMs: NONCE_TTL,
      sessionTtlMs: SESSION_TTL,
      maxNonces: 3,
      maxSessions: 10,
      maxSessionsPerAddress: 3,
      now: () => clock,
    });
  });

  it("counts a nonce once, and only before it expires; looking at it spends nothing", function () {
    const nonce = store.issueNonce();
    expect(nonce).to.match(/^[0-9a-f]{32}$/);
    expect([store.hasNonce(nonce), store.hasNonce(nonce), store.size().nonces]).to.deep.equal([true, true, 1]);
    clock += NONCE_TTL - 1;
    expect(store.hasNonce(nonce)).to.equal(true);
    expect([store.consumeNonce(nonce), store.consumeNonce(nonce), store.hasNonce(nonce)]).to.deep.equal([true, false, false]);
    const late = store.issueNonce();
    clock += NONCE_TTL; // exactly its time to live: expired
    expect([store.hasNonce(late), store.consumeNonce(late)]).to.deep.equal([false, false]);
    expect([store.hasNonce("0123456789abcdef"), store.consumeNonce("0123456789abcdef")]).to.deep.equal([false, false]);
  });

  it("forgets expired nonces at the next issue, and the oldest unused one beyond the bound", function () {
    const [a, b] = [store.issueNonce(), store.issueNonce()];
    clock += NONCE_TTL; // a and b expire exactly now
    const c = store.issueNonce();
    expect(store.size().nonces).to.equal(1);
    const [d, e] = [store.issueNonce(), store.issueNonce()];
    const f = store.issueNonce(); // a fourth live nonce: the oldest (c) is forgotten
    expect([a, b, c, d, e, f].map((n) => store.hasNonce(n))).to.deep.equal([false, false, false, true, true, true]);
    expect(store.size().nonces).to.equal(3);
  });

  it("keeps a session exactly its time to live, and ends it at the next sign-in once expired", function () {
    const address = newAccount().address;
    const session = store.create(address);
    expect(session.token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect([session.address, session.expiresAt]).to.deep.equal([address, clock + SESSION_TTL]);
    clock += SESSION_TTL - 1;
    expect(store.get(session.token)).to.deep.equal(session);
    clock += 1;
    expect(store.get(session.token)).to.equal(undefined);
    expect(store.size().sessions).to.equal(1);
    store.create(newAccount().address);
    expect(store.size().sessions).to.equal(1);
  });

  it("ends one session on sign-out, and counts an address's sessions whatever its letter case", function () {
    const account = newAccount().address;
    const [a, b, c] = [store.create(account), store.create(account.toLowerCase() as `0x${string}`), store.create(account)];
    store.revoke(b.token);
    store.revoke("no-such-token");
    expect([a, b, c].map((s) => store.get(s.token) !== undefined)).to.deep.equal([true, false, true]);
    // Two left of three allowed: a new one ends none.
    const d = store.create(account);
    expect([a, c, d].map((s) => store.get(s.token) !== undefined)).to.deep.equal([true, true, true]);
    // The fourth ends the oldest, even under another letter case.
    const e = store.create(account.toLowerCase() as `0x${string}`);
    expect([a, c, d, e].map((s) => store.get(s.token) !== undefined)).to.deep.equal([false, true, true, true]);
    expect(store.size().sessions).to.equal(3);
    // Once an address has none left, it starts afresh.
    for (const s of [c, d, e]) store.revoke(s.token);
    const again = [store.create(account), store.create(account), store.create(account)];
    expect(again.map((s) => store.get(s.token) !== undefined)).to.deep.equal([true, true, true]);
  });
});

function newAccount(): PrivateKeyAccount {
  return privateKeyToAccount(generatePrivateKey());
}
