// Devices (services/devices) over a real Hardhat node, the real server and its real LevelDB: the office
// registers a device and sees its secret once; a signed alarm is taken in once at the server's own route
// (/api/workorders/alarms), through the work orders' intake run as the server itself, so that repeated alarms of
// one thing at one place join one order; a repeat of its eventId (one after the other, or five at once)
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
import { signDeviceRequest } from "../../server/src/services/devices/index.js";
import { Refusal, systemPrincipal } from "../../server/src/services/framework/index.js";
import { CHAIN_ID, clients, deployAll, DEV_KEYS, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient, type Answer } from "./helpers/siwe-http.js";
import { waitFor } from "./helpers/indexer.js";

 

describe("devices: registry and signed webhook", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  const logLines: string[] = [];
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
  /** Nothing is recorded or stored by `act`, which must be refused with `status` and `code`. */
  async function refusedWithoutChange(act: () => Promise<Answer>, status: number, code: string): Promise<void> {
    const before = { records: (await records()).length, store: (await storeBytes()).length };
    const answer = await act();
    expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
    expect(answer.body.error.code).to.equal(code);
    expect(answer.body.error.message).to.be.a("string").and.not.match(/\{\w+\}/);
    expect({ records: (await records()).length, store: (await storeBytes()).length }).to.deep.equal(before);
  }

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("devices");
    const { file } = await deployAll(node.url, tmp.dir);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 16, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "debug" },
      {},
    );
    const logger = pino({ level: "debug" }, new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString("utf8")), done()) }));
    // The server mounts /api/workorders/alarms itself (workorders/alarms.ts): alarms go through the intake.
    server = await startServer(settings, logger, serverRoutes);
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
    expect(first.body).to.include({ joined: false });
    const reported = (await records()).filter((r) => r.kind === "workorder.reported");
    expect(reported).to.have.length(1);
    expect(reported[0]!.id).to.equal(first.body.order);
    expect(JSON.parse(reported[0]!.actor)).to.deep.equal({ system: "workorder.alarms" });
    expect(JSON.parse(reported[0]!.payload)).to.deep.include({ channel: "device", serviceCode: "smoke-alarm", priority: "urgent", place: { estateId: 1, building: 3 }, device: { device: "smoke-b3-01", event: "evt-1" } });
    const list = await call("admin", "GET", "/api/devices");
    expect(list.body.items.find((d: { device: string }) => d.device === "smoke-b3-01").lastSeenAt).to.be.a("number");
  });

  it("answers a repeated eventId with the first answer, one after the other and five at once, taking it in once", async function () {
    const secret = secrets[0]!;
    const before = await records();
    const first = await send("smoke-b3-01", secret, { eventId: "evt-1", reading: "smoke" });
    expect(first.status).to.equal(201);
    expect(first.headers.get("idempotency-replayed")).to.equal("true");
    expect(await records()).to.have.length(before.length);
    const copies = await Promise.all(Array.from({ length: 5 }, () => send("smoke-b3-01", secret, { eventId: "evt-2" })));
    expect(copies.map((c) => c.status)).to.deep.equal([201, 201, 201, 201, 201]);
    expect(new Set(copies.map((c) => JSON.stringify(c.body))).size).to.equal(1);
    expect(copies.filter((c) => c.headers.get("idempotency-replayed") === "true")).to.have.length(4);
    // A second alarm of the same smoke at the same place joins the open order: one record, no new order.
    expect(copies[0]!.body).to.include({ order: first.body.order, joined: true });
    const added = (await records()).slice(before.length);
    expect(added.map((r) => r.kind)).to.deep.equal(["workorder.joined"]);
    expect(JSON.parse(added[0]!.payload).device).to.deep.equal({ device: "smoke-b3-01", event: "evt-2" });
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

  describe("alarms through the intake", function () {
    const answers = new Map<string, Answer>();
    let smoke7 = ""; // smoke-b7-01's secret
    const kinds = async () => (await records()).map((r) => r.kind);

    it("30 repeated alarms from two devices at one place, sent at once, make one order with 29 duplicates", async function () {
      const a = (smoke7 = await register("smoke-b7-01", "smokeSensor", { estateId: 1, building: 7 }));
      const b = await register("smoke-b7-02", "smokeSensor", { estateId: 1, building: 7 });
      const before = (await records()).length;
      const sent = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? send("smoke-b7-01", a, { eventId: `a-${i}` }) : send("smoke-b7-02", b, { eventId: `b-${i}` }))),
      );
      sent.forEach((answer, i) => answers.set(i % 2 === 0 ? `a-${i}` : `b-${i}`, answer));
      expect(sent.map((x) => x.status)).to.deep.equal(Array(30).fill(201));
      const orders = new Set(sent.map((x) => x.body.order));
      expect(orders.size).to.equal(1);
      expect(sent.filter((x) => x.body.joined === false)).to.have.length(1);
      const added = (await records()).slice(before);
      expect(added.filter((r) => r.kind === "workorder.reported")).to.have.length(1);
      expect(added.filter((r) => r.kind === "workorder.joined")).to.have.length(29);
      expect(added.every((r) => JSON.parse(r.actor).system === "workorder.alarms")).to.equal(true);
      const order = await call("admin", "GET", `/api/workorders/${[...orders][0]}`);
      expect(order.body).to.include({ serviceCode: "smoke-alarm", duplicates: 29, channel: "device", status: "dispatched" });
    });

    it("another place or another category opens another order; a category the kind may not report is refused", async function () {
      const leak = await register("leak-b7-01", "leakSensor", { estateId: 1, building: 7 });
      const smoke8 = await register("smoke-b8-01", "smokeSensor", { estateId: 1, building: 8 });
      const first = answers.get("a-0")!.body.order as string;
      const sameCategoryOtherPlace = await send("smoke-b8-01", smoke8, { eventId: "x-1" });
      const otherCategorySamePlace = await send("leak-b7-01", leak, { eventId: "x-1" });
      const namedCategory = await send("smoke-b7-01", smoke7, { eventId: "x-2", serviceCode: "gas-smell" });
      for (const answer of [sameCategoryOtherPlace, otherCategorySamePlace, namedCategory]) {
        expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
        expect(answer.body.joined).to.equal(false);
      }
      expect(new Set([first, sameCategoryOtherPlace.body.order, otherCategorySamePlace.body.order, namedCategory.body.order]).size).to.equal(4);
      expect((await call("admin", "GET", `/api/workorders/${otherCategorySamePlace.body.order}`)).body).to.include({ serviceCode: "water-leak", priority: "urgent" });
      expect((await call("admin", "GET", `/api/workorders/${namedCategory.body.order}`)).body).to.include({ serviceCode: "gas-smell", party: "gas" });
      // A smoke sensor cannot report a burst pipe; nothing is written and a corrected event then goes in.
      await refusedWithoutChange(() => send("smoke-b7-01", smoke7, { eventId: "x-3", serviceCode: "burst-pipe" }), 400, "workorder_alarm_category");
      await refusedWithoutChange(() => send("smoke-b7-01", smoke7, { eventId: "x-3", serviceCode: 7 }), 400, "workorder_alarm_category");
      const fixed = await send("smoke-b7-01", smoke7, { eventId: "x-3" });
      expect(fixed.status).to.equal(201);
      expect(fixed.body).to.include({ order: first, joined: true });
    });

    it("a replayed event id gets its first answer back and writes nothing", async function () {
      const log = await kinds();
      const stored = (await storeBytes()).length;
      for (const eventId of ["a-0", "a-4"]) {
        const again = await send("smoke-b7-01", smoke7, { eventId, reading: "another body" });
        expect(again.status).to.equal(201);
        expect(again.headers.get("idempotency-replayed")).to.equal("true");
        expect(again.body).to.deep.equal(answers.get(eventId)!.body);
      }
      expect(await kinds()).to.deep.equal(log);
      expect((await storeBytes()).length).to.equal(stored);
    });
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
