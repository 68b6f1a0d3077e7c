import { expect } from "chai";
import hre, { network } from "hardhat";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { pino } from "pino";
import { createPublicClient, custom, type Abi, type Address, type EIP1193Provider, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { z } from "zod/v4";
import { createApp } from "../../server/src/api/app.js";
import { chainRoleReader } from "../../server/src/api/auth/roles.js";
import { authRoutes, requireRole, requireSession } from "../../server/src/api/auth/routes.js";
import { createSessionStore, type SessionStore } from "../../server/src/api/auth/sessions.js";
import { addressLimiter } from "../../server/src/api/limits.js";
import { defineRoute } from "../../server/src/api/routes.js";
import { createEstate, deployRegistry, readRoles } from "../helpers/estate.js";

const DOMAIN = "gongzhi.test";
const SESSIONS_PER_ADDRESS = 3;
const SIGN_INS_PER_MINUTE = 5;
const CLOCK_SKEW_MS = 60_000;

/** The order of the secp256k1 group: (r, n − s) with the other parity is the malleated twin of (r, s). */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function malleate(signature: Hex): Hex {
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130), 16);
  return `${signature.slice(0, 66)}${(SECP256K1_N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
}

describe("Sign-In with Ethereum", function () {
  this.timeout(120_000);
  let server: Server;
  let base: string;
  let chainId: number;
  let sessions: SessionStore;
  /** How far the per-address limiter's clock is moved ahead, to pass a window without waiting for it. */
  let limiterClockAhead = 0;
  const staffMember = privateKeyToAccount(generatePrivateKey());
  const resident = privateKeyToAccount(generatePrivateKey());

  before(async function () {
    const connection = await network.create();
    const { registry } = await deployRegistry(connection);
    const roles = await readRoles(registry);
    const estateId = await createEstate(registry, resident.address);
    await registry.grantRole(roles.staff, staffMember.address);
    await registry.grantRole(await registry.estateRole(roles.committee, estateId), staffMember.address);

    const client = createPublicClient({ transport: custom(connection.provider as EIP1193Provider) });
    chainId = await client.getChainId();
    const artifact = await hre.artifacts.readArtifact("CommunityRegistry");
    const rolesOf = chainRoleReader({
      client,
      registry: (await registry.getAddress()) as Address,
      abi: artifact.abi as Abi,
      cacheMs: 0,
    });
    sessions = createSessionStore({
      nonceTtlMs: 60_000,
      sessionTtlMs: 3_600_000,
      maxNonces: 1000,
      maxSessions: 1000,
      maxSessionsPerAddress: SESSIONS_PER_ADDRESS,
    });
    const signInLimiter = addressLimiter({
      limit: SIGN_INS_PER_MINUTE,
      windowMs: 60_000,
      maxTracked: 1000,
      now: () => Date.now() + limiterClockAhead,
    });
    const staffOnly = defineRoute({
      method: "get",
      path: "/api/staff-only",
      summary: "A route gated by the staff role",
      tags: ["test"],
      before: [requireSession(sessions), requireRole("staff", rolesOf)],
      response: z.object({ ok: z.boolean() }),
      handler: () => ({ ok: true }),
    });
    const app = createApp({
      routes: [
        ...authRoutes({ sessions, domain: DOMAIN, chainId, rolesOf, clockSkewMs: CLOCK_SKEW_MS, signInLimiter }),
        staffOnly,
      ],
      logger: pino({ level: "silent" }),
      corsOrigins: [],
      rateLimit: { windowMs: 60_000, limit: 1000 },
      bodyLimit: "16kb",
      version: "test",
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(function () {
    server.close();
  });

  async function post(path: string, body: unknown, token?: string) {
    const headers: Record<string, string> = { "content-type": "application/json", "accept-language": "en" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
  }

  async function get(path: string, token?: string) {
    const res = await fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
  }

  async function signedMessage(
    account: PrivateKeyAccount,
    overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {},
  ) {
    const { body } = await post("/api/auth/nonce", {});
    const message = createSiweMessage({
      address: account.address,
      chainId,
      domain: DOMAIN,
      nonce: body.nonce as string,
      uri: `https://${DOMAIN}`,
      version: "1",
      ...overrides,
    });
    return { message, signature: await account.signMessage({ message }) };
  }

  it("signs in, reports the on-chain roles, gates a route by role, and signs out", async function () {
    const signIn = await post("/api/auth/sign-in", await signedMessage(staffMember));
    expect(signIn.status).to.equal(200);
    expect(signIn.body.address).to.equal(staffMember.address);
    expect(signIn.body.roles).to.have.members(["staff", "committee:1"]);
    const token = signIn.body.token as string;
    expect((await get("/api/auth/session", token)).body.roles).to.have.members(["staff", "committee:1"]);
    expect((await get("/api/staff-only", token)).status).to.equal(200);
    expect((await post("/api/auth/sign-out", {}, token)).status).to.equal(200);
    const after = await get("/api/auth/session", token);
    expect([after.status, after.body.error?.code]).to.deep.equal([401, "unauthenticated"]);
  });

  it("refuses a role-gated route to an address without the role", async function () {
    const signIn = await post("/api/auth/sign-in", await signedMessage(resident));
    expect(signIn.body.roles).to.deep.equal([]);
    const res = await get("/api/staff-only", signIn.body.token as string);
    expect([res.status, res.body.error?.code]).to.deep.equal([403, "forbidden"]);
  });

  it("refuses a replayed message: the nonce is spent", async function () {
    const signed = await signedMessage(resident);
    expect((await post("/api/auth/sign-in", signed)).status).to.equal(200);
    const replay = await post("/api/auth/sign-in", signed);
    expect([replay.status, replay.body.error?.code]).to.deep.equal([401, "siwe_bad_nonce"]);
  });

  it("refuses another domain, another chain, an expired message and a forged signature", async function () {
    const cases: [Awaited<ReturnType<typeof signedMessage>>, string][] = [
      [await signedMessage(resident, { domain: "evil.test" }), "siwe_wrong_domain"],
      [await signedMessage(resident, { chainId: chainId + 1 }), "siwe_wrong_chain"],
      [await signedMessage(resident, { expirationTime: new Date(Date.now() - 1000) }), "siwe_expired"],
    ];
    const honest = await signedMessage(resident);
    const forged = await staffMember.signMessage({ message: honest.message });
    cases.push([{ message: honest.message, signature: forged }, "siwe_bad_signature"]);
    for (const [body, code] of cases) {
      const res = await post("/api/auth/sign-in", body);
      expect([res.status, res.body.error?.code]).to.deep.equal([401, code]);
    }
    // The honest message still signs in: failed attempts did not burn its nonce.
    expect((await post("/api/auth/sign-in", honest)).status).to.equal(200);
  });

  it("rejects malformed input with a 400", async function () {
    const garbled = await post("/api/auth/sign-in", { message: "hello", signature: "0x00" });
    expect([garbled.status, garbled.body.error?.code]).to.deep.equal([400, "siwe_malformed"]);
    const missing = await post("/api/auth/sign-in", { message: "hello" });
    expect([missing.status, missing.body.error?.code]).to.deep.equal([400, "invalid_request"]);
  });

  it("refuses a message whose URI is not this site, even when its domain is", async function () {
    const resident = newAccount();
    for (const uri of [`https://evil.test`, `https://${DOMAIN}.evil.test/login`, `ftp://${DOMAIN}`]) {
      const res = await post("/api/auth/sign-in", await signedMessage(resident, { uri }));
      expect([res.status, res.body.error?.code]).to.deep.equal([401, "siwe_wrong_uri"]);
    }
    // http and https of this domain, with any path, are this site.
    for (const uri of [`http://${DOMAIN}`, `https://${DOMAIN}/#/account`]) {
      expect((await post("/api/auth/sign-in", await signedMessage(resident, { uri }))).status).to.equal(200);
    }
  });

  it("refuses a message issued in the future beyond the allowed clock drift, and dates nonces by the server", async function () {
    const resident = newAccount();
    const ahead = await signedMessage(resident, { issuedAt: new Date(Date.now() + 5 * 60_000) });
    const refused = await post("/api/auth/sign-in", ahead);
    expect([refused.status, refused.body.error?.code]).to.deep.equal([401, "siwe_issued_in_future"]);
    expect(refused.body.error).to.have.property("message").that.contains("60 s");
    const slightlyAhead = await signedMessage(resident, { issuedAt: new Date(Date.now() + 20_000) });
    expect((await post("/api/auth/sign-in", slightlyAhead)).status).to.equal(200);
    // The nonce answer carries the server's time, which our client dates its message by.
    const { body } = await post("/api/auth/nonce", {});
    expect(Math.abs(Date.parse(body.issuedAt as string) - Date.now())).to.be.below(5_000);
  });

  it("takes the high-s twin of a sign-in signature as the same signature, once", async function () {
    const resident = newAccount();
    const signed = await signedMessage(resident);
    const twin = await post("/api/auth/sign-in", { message: signed.message, signature: malleate(signed.signature) });
    expect([twin.status, twin.body.address]).to.deep.equal([200, resident.address]);
    const replay = await post("/api/auth/sign-in", signed);
    expect([replay.status, replay.body.error?.code]).to.deep.equal([401, "siwe_bad_nonce"]);
  });

  it("keeps at most a few sessions per address: a new sign-in ends the oldest", async function () {
    const owner = newAccount();
    const tokens: string[] = [];
    for (let i = 0; i <= SESSIONS_PER_ADDRESS; i++) {
      const res = await post("/api/auth/sign-in", await signedMessage(owner));
      expect(res.status).to.equal(200);
      tokens.push(res.body.token as string);
    }
    const answers = await Promise.all(tokens.map(async (token) => (await get("/api/auth/session", token)).status));
    expect(answers).to.deep.equal([401, ...Array(SESSIONS_PER_ADDRESS).fill(200)]);
  });

  it("limits sign-ins per address with a 429 that spends no nonce, without slowing other addresses", async function () {
    const busy = newAccount();
    for (let i = 0; i < SIGN_INS_PER_MINUTE; i++) {
      expect((await post("/api/auth/sign-in", await signedMessage(busy))).status).to.equal(200);
    }
    const held = await signedMessage(busy);
    const limited = await post("/api/auth/sign-in", held);
    expect([limited.status, limited.body.error?.code]).to.deep.equal([429, "address_rate_limited"]);
    expect(limited.body.error).to.have.property("message").that.contains(busy.address);
    // Others sign in freely meanwhile.
    const other = newAccount();
    expect((await post("/api/auth/sign-in", await signedMessage(other))).status).to.equal(200);
    // A minute later the same message signs in: its nonce was not spent by the refusal.
    limiterClockAhead += 61_000;
    expect((await post("/api/auth/sign-in", held)).status).to.equal(200);
  });
});

function newAccount(): PrivateKeyAccount {
  return privateKeyToAccount(generatePrivateKey());
}

describe("Sign-in nonces, sessions and cached roles expire on time (one clock moved by the test)", function () {
  this.timeout(120_000);
  const NONCE_TTL_MS = 60_000;
  const SESSION_TTL_MS = 3_600_000;
  const ROLE_CACHE_MS = 10_000;
  let server: Server;
  let base: string;
  let chainId: number;
  /** The clock of the sessions, the sign-in check and the role cache: moved by the tests, never waited for. */
  let clock = Date.now();
  let revokeStaff: (address: string) => Promise<void>;
  const staffMember = privateKeyToAccount(generatePrivateKey());

  before(async function () {
    const connection = await network.create();
    const { registry } = await deployRegistry(connection);
    const roles = await readRoles(registry);
    await (await registry.grantRole(roles.staff, staffMember.address)).wait();
    revokeStaff = async (address) => void (await (await registry.revokeRole(roles.staff, address)).wait());
    const client = createPublicClient({ transport: custom(connection.provider as EIP1193Provider) });
    chainId = await client.getChainId();
    const artifact = await hre.artifacts.readArtifact("CommunityRegistry");
    const now = () => clock;
    const rolesOf = chainRoleReader({ client, registry: (await registry.getAddress()) as Address, abi: artifact.abi as Abi, cacheMs: ROLE_CACHE_MS, now });
    const sessions = createSessionStore({ nonceTtlMs: NONCE_TTL_MS, sessionTtlMs: SESSION_TTL_MS, maxNonces: 1000, maxSessions: 1000, maxSessionsPerAddress: 5, now });
    const signInLimiter = addressLimiter({ limit: 1000, windowMs: 60_000, maxTracked: 1000, now });
    const staffOnly = defineRoute({
      method: "get",
      path: "/api/staff-only",
      summary: "A route gated by the staff role",
      tags: ["test"],
      before: [requireSession(sessions), requireRole("staff", rolesOf)],
      response: z.object({ ok: z.boolean() }),
      handler: () => ({ ok: true }),
    });
    const app = createApp({
      routes: [...authRoutes({ sessions, domain: DOMAIN, chainId, rolesOf, clockSkewMs: CLOCK_SKEW_MS, signInLimiter, now }), staffOnly],
      logger: pino({ level: "silent" }),
      corsOrigins: [],
      rateLimit: { windowMs: 60_000, limit: 1000 },
      bodyLimit: "16kb",
      version: "test",
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(function () {
    server?.close();
  });

  async function call(method: "GET" | "POST", path: string, body?: unknown, token?: string) {
    const headers: Record<string, string> = { "content-type": "application/json", "accept-language": "en" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
  }
  /** A signed message over a fresh nonce, dated by the server's (moved) clock as the client is told to. */
  async function signedMessage(account: PrivateKeyAccount) {
    const { body } = await call("POST", "/api/auth/nonce", {});
    const message = createSiweMessage({ address: account.address, chainId, domain: DOMAIN, nonce: body.nonce as string, uri: `https://${DOMAIN}`, version: "1", issuedAt: new Date(body.issuedAt as string) });
    return { message, signature: await account.signMessage({ message }) };
  }
  const outcome = (res: { status: number; body: { error?: { code: string } } }) => [res.status, res.body.error?.code ?? "ok"];

  it("takes a sign-in nonce up to its lifetime and refuses it from then on, without spending the next one", async function () {
    const early = await signedMessage(newAccount());
    clock += NONCE_TTL_MS - 1;
    expect(outcome(await call("POST", "/api/auth/sign-in", early)), "used a millisecond before it expires").to.deep.equal([200, "ok"]);
    const late = await signedMessage(newAccount());
    clock += NONCE_TTL_MS;
    expect(outcome(await call("POST", "/api/auth/sign-in", late)), "used when it expires").to.deep.equal([401, "siwe_bad_nonce"]);
    expect(outcome(await call("POST", "/api/auth/sign-in", await signedMessage(newAccount()))), "a fresh nonce still works").to.deep.equal([200, "ok"]);
  });

  it("ends a session at its lifetime: answered a millisecond before, refused at it", async function () {
    const signedInAt = clock;
    const res = await call("POST", "/api/auth/sign-in", await signedMessage(newAccount()));
    expect(res.body.expiresAt).to.equal(signedInAt + SESSION_TTL_MS);
    const token = res.body.token as string;
    clock = signedInAt + SESSION_TTL_MS - 1;
    expect(outcome(await call("GET", "/api/auth/session", undefined, token))).to.deep.equal([200, "ok"]);
    clock = signedInAt + SESSION_TTL_MS;
    expect(outcome(await call("GET", "/api/auth/session", undefined, token))).to.deep.equal([401, "unauthenticated"]);
    expect(outcome(await call("GET", "/api/staff-only", undefined, token))).to.deep.equal([401, "unauthenticated"]);
  });

  it("stops honouring a revoked role once the role cache's time has passed, and does not serve it stale after", async function () {
    const signIn = await call("POST", "/api/auth/sign-in", await signedMessage(staffMember));
    expect(signIn.body.roles).to.include("staff");
    const token = signIn.body.token as string;
    const readAt = clock;
    expect(outcome(await call("GET", "/api/staff-only", undefined, token))).to.deep.equal([200, "ok"]);
    await revokeStaff(staffMember.address);
    // Within the documented bound (GONGZHI_ROLE_CACHE_MS) the cached answer may still count…
    clock = readAt + ROLE_CACHE_MS - 1;
    expect(outcome(await call("GET", "/api/staff-only", undefined, token)), "inside the cache's time").to.deep.equal([200, "ok"]);
    // …and not one millisecond longer: the chain is asked again, and the revocation holds from then on.
    clock = readAt + ROLE_CACHE_MS;
    expect(outcome(await call("GET", "/api/staff-only", undefined, token)), "at the cache's time").to.deep.equal([403, "forbidden"]);
    expect((await call("GET", "/api/auth/session", undefined, token)).body.roles).to.not.include("staff");
    clock += 1;
    expect(outcome(await call("GET", "/api/staff-only", undefined, token)), "after").to.deep.equal([403, "forbidden"]);
  });
});
