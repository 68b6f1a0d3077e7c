// Devices (services/devices) over a real Hardhat node, the real server and its real LevelDB: the office
// registers a device and sees its secret once; a signed alarm is taken in once, through the work-order `report`
// command run by the engine as the server itself; a repeat of its eventId (one after the other, or five at once)
// gets the first answer and changes nothing; a bad signature, a rotated-out secret, a stale or future timestamp,
// an unknown or revoked device, a missing header, a body without eventId or too large are each refused with their
// code and record nothing; no secret is in any log line or any stored value.
import { expect } from "chai";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadServerSettings } from "../../server/src/config/server.js";
import { readJournal } from "../../server/src/receipts/log.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { signDeviceRequest, type DeviceEvent } from "../../server/src/services/devices/index.js";
import { Refusal, systemPrincipal } from "../../server/src/services/framework/index.js";
import { CHAIN_ID, clients, deployAll, DEV_KEYS, freePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient, type Answer } from "./helpers/siwe-http.js";
import { waitFor } from "./helpers/indexer.js";

 

describe("devices: registry and signed webhook", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  const logLines: string[] = [];
  const handled: DeviceEvent[] = [];
  const { call, signIn } = httpClient(() => server.url, CHAIN_ID);
  const secrets: string[] = [];
  const resident = generatePrivateKey();

  const now = () => Math.floor(Date.now() / 1000);
  /** Sends `body` signed as `device` with `secret` (hex), at `timestamp` unless said. */
  async function send(device: string, secret: string, body: unknown, options: { timestamp?: number; path?: string; headers?: Record<string, string>; raw?: Buffer } = {}): Promise<Answer> {
    const bytes = options.raw ?? Buffer.from(JSON.stringify(body), "utf8");
    const timestamp = options.timestamp ?? now();
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "accept-language": "en",
      "x-gongzhi-device": device,
      "x-gongzhi-timestamp": String(timestamp),
      "x-gongzhi-signature": signDeviceRequest(Buffer.from(secret, "hex"), timestamp, bytes),
      ...options.headers,
    };
    const res = await fetch(`${server.url}${options.path ?? "/api/workorders/alarms"}`, { method: "POST", headers, body: new Uint8Array(bytes) });
    return { status: res.status, body: await res.json(), headers: res.headers };
  }
  async function records(): Promise<{ kind: string; id: string; payload: string; actor: string }[]> {
    const out = [];
    for await (const entry of readJournal(server.service.store)) {
      const r = entry.record as { kind: string; id: string; payload: string; actor: string };
      out.push({ kind: r.kind, id: r.id, payload: r.payload, actor: r.actor });
    }
    return out;
  }
  /** Every key and value of the server's LevelDB store, as raw bytes. */
  async function storeBytes(): Promise<Buffer[]> {
    const out: Buffer[] = [];
    const all = server.service.store.db.iterator({ keyEncoding: "buffer", valueEncoding: "buffer" }) as unknown as AsyncIterable<[Buffer, Buffer]>;
    for await (const [key, value] of all) out.push(key, value);
    return out;
  }
  async function register(device: string, kind: string, place: Record<string, unknown>): Promise<string> {
    const answer = await call("admin", "POST", "/api/devices/register", { device, kind, place });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    secrets.push(answer.body.secret);
    return answer.body.secret as string;
  }
  /** Nothing is recorded and nothing handled by `act`, which must be refused with `status` and `code`. */
  async function refusedWithoutChange(act: () => Promise<Answer>, status: number, code: string): Promise<void> {
    const before = { records: (await records()).length, handled: handled.length, store: (await storeBytes()).length };
    const answer = await act();
    expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
    expect(answer.body.error.code).to.equal(code);
    expect(answer.body.error.message).to.be.a("string").and.not.match(/\{\w+\}/);
    expect({ records: (await records()).length, handled: handled.length, store: (await storeBytes()).length }).to.deep.equal(before);
  }

  before(async function () {
    node = await startNode({ port: await freePort(8961, 8999) });
    tmp = tempDir("devices");
    const { file } = await deployAll(node.url, tmp.dir);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 16, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "debug" },
      {},
    );
    const logger = pino({ level: "debug" }, new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString("utf8")), done()) }));
    server = await startServer(settings, logger, serverRoutes, {
      // Work orders are the server's own service now (server.ts): the webhook below runs its commands.
      deviceWebhooks: ({ engine }) => [
        {
          path: "/api/workorders/alarms",
          kinds: ["smokeSensor", "leakSensor"],
          // A real command of the work orders, run through the engine as the server itself.
          handle: async (event) => {
            handled.push(event);
            await new Promise((resolve) => setTimeout(resolve, 20)); // so that copies sent at once overlap
            const answer = await engine.execute({
              service: "workorder",
              command: "report",
              body: { channel: "device", serviceCode: event.kind === "smokeSensor" ? "smoke-alarm" : "water-leak", priority: "urgent", place: event.place, device: { device: event.device, event: event.eventId } },
              principal: systemPrincipal("devices.webhook"),
              idempotencyKey: event.idempotencyKey,
            });
            return { status: 201, body: { order: answer.body.id, recordIds: answer.body.recordIds } };
          },
        },
      ],
    });
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    await signIn("admin", DEV_KEYS[0]!); // the registrar
    await signIn("resident", resident);
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("registers a device for the office only, shows its secret once, and records no secret", async function () {
    const secret = await register("smoke-b3-01", "smokeSensor", { estateId: 1, building: 3 });
    expect(secret).to.match(/^[0-9a-f]{64}$/);
    const list = await call("admin", "GET", "/api/devices?estateId=1");
    expect(list.status).to.equal(200);
    const view = list.body.items.find((d: { device: string }) => d.device === "smoke-b3-01");
    expect(view).to.include({ kind: "smokeSensor", status: "active", lastSeenAt: null });
    expect(JSON.stringify(list.body)).to.not.include(secret);
    const registered = (await records()).filter((r) => r.kind === "device.registered" && r.id === "smoke-b3-01");
    expect(registered).to.have.length(1);
    expect(JSON.parse(registered[0]!.payload)).to.have.keys("kind", "place", "keyId");
    expect(registered[0]!.payload).to.not.include(secret);
    // Once: registering the same id again is refused, and makes no second secret.
    await refusedWithoutChange(() => call("admin", "POST", "/api/devices/register", { device: "smoke-b3-01", kind: "smokeSensor", place: { estateId: 1, building: 3 } }), 409, "device_exists");
    // Not for a resident; and no generic route lets anyone name a key id of their own.
    await refusedWithoutChange(() => call("resident", "POST", "/api/devices/register", { device: "mine", kind: "camera", place: { estateId: 1, area: "north-gate" } }), 403, "forbidden");
    expect((await call("admin", "POST", "/api/devices/register", { device: "x1", kind: "camera", place: { estateId: 1, area: "gate" }, keyId: "00000000000000aa" })).status).to.equal(400);
    expect((await call("resident", "GET", "/api/devices")).status).to.equal(403);
  });

  it("takes a signed alarm in once, as a work order reported by the server itself", async function () {
    const secret = secrets[0]!;
    const first = await send("smoke-b3-01", secret, { eventId: "evt-1", reading: "smoke" });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(handled).to.have.length(1);
    expect(handled[0]).to.deep.include({ device: "smoke-b3-01", kind: "smokeSensor", eventId: "evt-1", place: { estateId: 1, building: 3 } });
    const reported = (await records()).filter((r) => r.kind === "workorder.reported");
    expect(reported).to.have.length(1);
    expect(JSON.parse(reported[0]!.actor)).to.deep.equal({ system: "devices.webhook" });
    expect(JSON.parse(reported[0]!.payload).device).to.deep.equal({ device: "smoke-b3-01", event: "evt-1" });
    const list = await call("admin", "GET", "/api/devices");
    expect(list.body.items.find((d: { device: string }) => d.device === "smoke-b3-01").lastSeenAt).to.be.a("number");
  });

  it("answers a repeated eventId with the first answer, one after the other and five at once, handling it once", async function () {
    const secret = secrets[0]!;
    const first = await send("smoke-b3-01", secret, { eventId: "evt-1", reading: "smoke" });
    expect(first.status).to.equal(201);
    expect(first.headers.get("idempotency-replayed")).to.equal("true");
    expect(handled).to.have.length(1);
    const orders = (await records()).filter((r) => r.kind === "workorder.reported").length;
    const copies = await Promise.all(Array.from({ length: 5 }, () => send("smoke-b3-01", secret, { eventId: "evt-2" })));
    expect(copies.map((c) => c.status)).to.deep.equal([201, 201, 201, 201, 201]);
    expect(new Set(copies.map((c) => JSON.stringify(c.body))).size).to.equal(1);
    expect(copies.filter((c) => c.headers.get("idempotency-replayed") === "true")).to.have.length(4);
    expect(handled).to.have.length(2);
    expect((await records()).filter((r) => r.kind === "workorder.reported")).to.have.length(orders + 1);
  });

  it("refuses a bad signature, a stale or future timestamp, an unknown device, missing headers and bad bodies, recording nothing", async function () {
    const secret = secrets[0]!;
    const body = Buffer.from(JSON.stringify({ eventId: "evt-bad" }));
    const other = "11".repeat(32);
    await refusedWithoutChange(() => send("smoke-b3-01", other, { eventId: "evt-bad" }), 401, "device_signature_invalid");
    // Signed over other bytes than those sent.
    await refusedWithoutChange(
      () => send("smoke-b3-01", secret, undefined, { raw: body, headers: { "x-gongzhi-signature": signDeviceRequest(Buffer.from(secret, "hex"), now(), Buffer.from(JSON.stringify({ eventId: "evt-other" }))) } }),
      401,
      "device_signature_invalid",
    );
    await refusedWithoutChange(() => send("smoke-b3-01", secret, { eventId: "evt-bad" }, { timestamp: now() - 301 - 5 }), 401, "device_timestamp_outside_window");
    await refusedWithoutChange(() => send("smoke-b3-01", secret, { eventId: "evt-bad" }, { timestamp: now() + 301 + 5 }), 401, "device_timestamp_outside_window");
    await refusedWithoutChange(() => send("nobody-01", secret, { eventId: "evt-bad" }), 401, "device_unknown");
    await refusedWithoutChange(() => send("smoke-b3-01", secret, { eventId: "evt-bad" }, { headers: { "x-gongzhi-signature": "sha256=abc" } }), 401, "device_headers_missing");
    await refusedWithoutChange(() => send("smoke-b3-01", secret, { reading: "no event id" }), 400, "device_event_invalid");
    await refusedWithoutChange(() => send("smoke-b3-01", secret, { eventId: "evt-big", pad: "x".repeat(20_000) }), 413, "body_too_large");
    // A device of a kind this route does not take.
    const bin = await register("bin-n-01", "smartBin", { estateId: 1, area: "north-gate" });
    await refusedWithoutChange(() => send("bin-n-01", bin, { eventId: "evt-bin" }), 403, "device_wrong_kind");
  });

  it("after a rotation only the new secret signs; a revoked device is refused", async function () {
    const old = secrets[0]!;
    const rotated = await call("admin", "POST", "/api/devices/smoke-b3-01/rotate", {});
    expect(rotated.status, JSON.stringify(rotated.body)).to.equal(201);
    const fresh = rotated.body.secret as string;
    secrets.push(fresh);
    expect(fresh).to.match(/^[0-9a-f]{64}$/).and.not.equal(old);
    await refusedWithoutChange(() => send("smoke-b3-01", old, { eventId: "evt-3" }), 401, "device_signature_invalid");
    expect((await send("smoke-b3-01", fresh, { eventId: "evt-3" })).status).to.equal(201);
    expect((await call("admin", "POST", "/api/devices/smoke-b3-01/revoke", { reason: "removed" })).status).to.equal(201);
    await refusedWithoutChange(() => send("smoke-b3-01", fresh, { eventId: "evt-4" }), 403, "device_revoked");
    await refusedWithoutChange(() => call("admin", "POST", "/api/devices/smoke-b3-01/rotate", {}), 409, "device_revoked");
    expect((await call("admin", "GET", "/api/devices?status=revoked")).body.items.map((d: { device: string }) => d.device)).to.deep.equal(["smoke-b3-01"]);
  });

  it("runs a command as the server itself only through a system principal", async function () {
    const body = { channel: "device", serviceCode: "smoke-alarm", place: { estateId: 1, building: 3 }, device: { device: "smoke-b3-01", event: "direct" } };
    const address = privateKeyToAccount(resident).address.toLowerCase() as Hex;
    const refused = await server.engine.execute({ service: "workorder", command: "report", body, principal: { address, roles: async () => ["staff"] } }).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(Refusal).and.include({ status: 403, code: "forbidden" });
    const done = await server.engine.execute({ service: "workorder", command: "report", body, principal: systemPrincipal("test.job") });
    expect(done.body.actor).to.deep.equal({ system: "test.job" });
    expect(() => systemPrincipal("two words")).to.throw(/printable/);
  });

  it("keeps no secret in plain in any log line or stored value", async function () {
    expect(secrets.length).to.be.at.least(3);
    const logs = logLines.join("");
    expect(logs).to.include("request"); // the log was written
    const stored = await storeBytes();
    expect(stored.length).to.be.greaterThan(100);
    for (const secret of secrets) {
      const raw = Buffer.from(secret, "hex");
      for (const form of [secret, secret.toUpperCase(), raw.toString("base64"), raw.toString("base64url")]) {
        expect(logs).to.not.include(form);
        expect(stored.some((b) => b.includes(form))).to.equal(false);
      }
      expect(stored.some((b) => b.includes(raw))).to.equal(false);
    }
  });
});
