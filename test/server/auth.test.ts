import { expect } from "chai";
import hre, { network } from "hardhat";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { pino } from "pino";
import { createPublicClient, custom, type Abi, type Address, type EIP1193Provider } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { z } from "zod/v4";
import { createApp } from "../../server/src/api/app.js";
import { chainRoleReader } from "../../server/src/api/auth/roles.js";
import { authRoutes, requireRole, requireSession } from "../../server/src/api/auth/routes.js";
import { createSessionStore } from "../../server/src/api/auth/sessions.js";
import { defineRoute } from "../../server/src/api/routes.js";
import { createEstate, deployRegistry, readRoles } from "../helpers/estate.js";

const DOMAIN = "gongzhi.test";

describe("Sign-In with Ethereum", function () {
  let server: Server;
  let base: string;
  let chainId: number;
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
    const sessions = createSessionStore({ nonceTtlMs: 60_000, sessionTtlMs: 3_600_000 });
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
      routes: [...authRoutes({ sessions, domain: DOMAIN, chainId, rolesOf }), staffOnly],
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
});
