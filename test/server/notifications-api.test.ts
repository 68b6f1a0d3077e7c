// The outbox's ops route over HTTP, with roles read from a real registry on an in-process chain: staff and
// admins list entries by state with paging and put dead letters back in the queue; residents and strangers are
// refused; bad input gets a precise 4xx in both languages; the answer carries ids, never a contact. And the
// outbox's part of /api/health.
import { expect } from "chai";
import hre, { network } from "hardhat";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pino } from "pino";
import { createPublicClient, custom, type Abi, type Address, type EIP1193Provider } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createApp } from "../../server/src/api/app.js";
import { chainRoleReader } from "../../server/src/api/auth/roles.js";
import { requireSession } from "../../server/src/api/auth/routes.js";
import { createSessionStore } from "../../server/src/api/auth/sessions.js";
import { openApiDocument } from "../../server/src/api/routes.js";
import { NOTIFICATIONS_BACKLOG_SECONDS, notificationsHealth } from "../../server/src/health.js";
import {
  PermanentSendError,
  createDeliveryWorker,
  openOutbox,
  outboxRoutes,
  type NotificationRequest,
  type Outbox,
  type OutboxEntry,
  type Sender,
} from "../../server/src/notifications/index.js";
import { httpGatewaySender } from "../../server/src/notifications/httpSender.js";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { closeStore, openStore, type Store } from "../../server/src/store/store.js";
import { deployRegistry, readRoles } from "../helpers/estate.js";
import { tempDir } from "./helpers/chain.js";
import { newMasterKey, openTestVault, type TestVault } from "./helpers/vault.js";

const PHONE = "13800000001";
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

type Answer = { status: number; text: string; body: Record<string, unknown> & { error?: { code: string; message: string } } };

describe("notifications outbox API", function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let outbox: Outbox;
  let tv: TestVault;
  let server: Server;
  let base: string;
  let routes: ReturnType<typeof outboxRoutes>;
  const tokens: Record<"admin" | "staff" | "resident", string> = { admin: "", staff: "", resident: "" };
  const dead: OutboxEntry[] = [];
  let woken = 0;

  before(async function () {
    tmp = tempDir("outbox-api");
    const connection = await network.create();
    const { registry, admin } = await deployRegistry(connection);
    const roles = await readRoles(registry);
    const staff = privateKeyToAccount(generatePrivateKey());
    const resident = privateKeyToAccount(generatePrivateKey());
    await registry.grantRole(roles.staff, staff.address);
    const client = createPublicClient({ transport: custom(connection.provider as EIP1193Provider) });
    const artifact = await hre.artifacts.readArtifact("CommunityRegistry");
    const rolesOf = chainRoleReader({ client, registry: (await registry.getAddress()) as Address, abi: artifact.abi as Abi, cacheMs: 0 });
    const sessions = createSessionStore({ nonceTtlMs: 60_000, sessionTtlMs: 3_600_000, maxNonces: 100, maxSessions: 100, maxSessionsPerAddress: 3 });
    tokens.admin = sessions.create(admin.address as Address).token;
    tokens.staff = sessions.create(staff.address).token;
    tokens.resident = sessions.create(resident.address).token;

    store = await openStore(path.join(tmp.dir, "indexer"), [], logEntryEncoding);
    outbox = await openOutbox(store);
    tv = await openTestVault(path.join(tmp.dir, "vault"), newMasterKey());
    await tv.vault.write({ personId: "p_1", field: "phone", value: PHONE, now: T0 });
    await tv.vault.grantConsent({ personId: "p_1", purpose: "notifications", actor: "staff", now: T0 });
    const request = (i: number): NotificationRequest => ({
      to: { personId: "p_1" },
      template: "workorder.dispatched",
      params: { workOrderId: `wo-${i}`, unit: "1号楼 2单元 406" },
      cause: { kind: "workorder.dispatched", id: `wo-${i}`, recordId: i },
    });
    // Two dead letters (the gateway refuses the number), then three pending entries.
    dead.push(...(await outbox.enqueue([request(1), request(2)])));
    const refusing: Sender = {
      name: "refusing",
      channels: ["sms", "wechat"],
      send: async () => {
        throw new PermanentSendError("invalid_number", "refused");
      },
    };
    await createDeliveryWorker({ outbox, vault: tv.vault, sender: refusing }).runOnce();
    for (let i = 3; i <= 5; i++) await outbox.enqueue([request(i)], Date.now() + i);

    routes = outboxRoutes({ outbox, signedIn: requireSession(sessions), rolesOf, wake: () => woken++ });
    const app = createApp({ routes, logger: pino({ level: "silent" }), corsOrigins: [], rateLimit: { windowMs: 60_000, limit: 1000 }, bodyLimit: "16kb", version: "test" });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async function () {
    server?.close();
    await closeStore(store);
    await tv.close();
    tmp.remove();
  });

  async function call(method: "GET" | "POST", url: string, token?: string, language = "en"): Promise<Answer> {
    const headers: Record<string, string> = { "accept-language": language };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${url}`, { method, headers });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Answer["body"] };
  }

  it("refuses a caller who is not signed in (401) or holds neither staff nor admin (403), in both languages", async function () {
    const anonymous = await call("GET", "/api/notifications/outbox");
    expect(anonymous.status).to.equal(401);
    expect(anonymous.body.error?.code).to.equal("unauthenticated");
    const resident = await call("GET", "/api/notifications/outbox", tokens.resident);
    expect(resident.status).to.equal(403);
    expect(resident.body.error?.code).to.equal("forbidden");
    expect(resident.body.error?.message).to.include("staff / admin");
    const residentZh = await call("POST", `/api/notifications/outbox/${dead[0]!.deliveryId}/requeue`, tokens.resident, "zh-CN");
    expect(residentZh.status).to.equal(403);
    expect(residentZh.body.error?.message).to.include("您的账户没有执行此操作所需的角色");
    expect((await outbox.get(dead[0]!.deliveryId))?.state, "a refused requeue changes nothing").to.equal("dead");
  });

  it("lists dead letters with their reason and the counts of every state, for staff and for admins", async function () {
    for (const who of ["staff", "admin"] as const) {
      const answer = await call("GET", "/api/notifications/outbox?state=dead", tokens[who]);
      expect(answer.status, who).to.equal(200);
      const items = answer.body.items as OutboxEntry[];
      // Both were enqueued in the same millisecond: their order among themselves is the delivery ids'.
      expect(items.map((e) => e.deliveryId).sort()).to.deep.equal(dead.map((e) => e.deliveryId).sort());
      const first = items.find((e) => e.cause.id === "wo-1")!;
      expect(first).to.include({ state: "dead", reason: "permanent_failure", lastError: "invalid_number", attempts: 1 });
      expect(first.cause).to.deep.equal({ kind: "workorder.dispatched", id: "wo-1", recordId: 1 });
      expect(answer.body.counts).to.include({ dead: 2, pending: 3, sent: 0 });
      expect(answer.text, "no contact in the answer").to.not.include(PHONE);
      expect(answer.text, "nor the salt of the recipient's commitment").to.not.include("recipientSalt");
      expect(items[0]!.recipientCommitment).to.match(/^0x[0-9a-f]{64}$/);
    }
  });

  it("pages a state with nextCursor, and answers a bad cursor or state with a 400 that says what to do", async function () {
    const first = await call("GET", "/api/notifications/outbox?state=pending&limit=2", tokens.staff);
    expect((first.body.items as OutboxEntry[]).map((e) => e.cause.id)).to.deep.equal(["wo-3", "wo-4"]);
    const next = await call("GET", `/api/notifications/outbox?state=pending&limit=2&cursor=${first.body.nextCursor as string}`, tokens.staff);
    expect((next.body.items as OutboxEntry[]).map((e) => e.cause.id)).to.deep.equal(["wo-5"]);
    expect(next.body.nextCursor).to.equal(undefined);

    const foreign = await call("GET", `/api/notifications/outbox?state=dead&cursor=${first.body.nextCursor as string}`, tokens.staff);
    expect(foreign.status).to.equal(400);
    expect(foreign.body.error?.code).to.equal("invalid_cursor");
    const badState = await call("GET", "/api/notifications/outbox?state=lost", tokens.staff);
    expect(badState.status).to.equal(400);
    expect(badState.body.error?.code).to.equal("invalid_request");
  });

  it("puts a dead letter back in the queue once, wakes the worker, and refuses what cannot be requeued", async function () {
    const id = dead[1]!.deliveryId;
    const before = woken;
    const requeued = await call("POST", `/api/notifications/outbox/${id}/requeue`, tokens.staff);
    expect(requeued.status).to.equal(200);
    expect(requeued.body).to.include({ deliveryId: id, state: "pending", attempts: 0 });
    expect(woken).to.equal(before + 1);

    const twice = await call("POST", `/api/notifications/outbox/${id}/requeue`, tokens.staff);
    expect(twice.status).to.equal(409);
    expect(twice.body.error?.code).to.equal("delivery_not_requeueable");
    const unknown = await call("POST", `/api/notifications/outbox/${"0".repeat(32)}/requeue`, tokens.staff, "zh-CN");
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error?.code).to.equal("unknown_delivery");
    expect(unknown.body.error?.message).to.include("通知队列中没有");
    const malformed = await call("POST", "/api/notifications/outbox/xyz/requeue", tokens.staff);
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error?.code).to.equal("invalid_request");
    expect(woken).to.equal(before + 1);
  });

  it("is in the OpenAPI document", function () {
    const doc = openApiDocument(routes, { title: "t", version: "0" }) as { paths: Record<string, Record<string, unknown>> };
    expect(doc.paths["/api/notifications/outbox"]).to.have.property("get");
    expect(doc.paths["/api/notifications/outbox/{deliveryId}/requeue"]).to.have.property("post");
  });

  it("reports the outbox in /api/health, degraded only when notifications wait too long", function () {
    const counts = { pending: 3, sending: 0, failed: 1, sent: 9, dead: 2, skipped: 1 };
    expect(notificationsHealth(undefined)).to.deep.equal({ view: { enabled: false } });
    const fresh = notificationsHealth({ ...counts, oldestDueSeconds: NOTIFICATIONS_BACKLOG_SECONDS });
    expect(fresh.reason).to.equal(undefined);
    expect(fresh.view).to.include({ enabled: true, dead: 2, pending: 3 });
    const stuck = notificationsHealth({ ...counts, oldestDueSeconds: NOTIFICATIONS_BACKLOG_SECONDS + 1 });
    expect(stuck.reason?.code).to.equal("notifications_backlog");
    expect(stuck.reason?.detail).to.include("4 notifications wait");
  });
});

describe("HTTP SMS gateway sender (the worked example of a real sender)", function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let outbox: Outbox;
  let tv: TestVault;
  let gateway: Server;
  let url: string;
  let now = T0 + 60_000;
  /** What the gateway answers next (status and headers), and what it received. */
  const answers: { status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  const received: { key: string | undefined; auth: string | undefined; body: Record<string, unknown> }[] = [];

  async function readBody(req: IncomingMessage): Promise<string> {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    return text;
  }

  before(async function () {
    tmp = tempDir("outbox-gateway");
    store = await openStore(path.join(tmp.dir, "indexer"), [], logEntryEncoding);
    outbox = await openOutbox(store, { clock: () => now });
    tv = await openTestVault(path.join(tmp.dir, "vault"), newMasterKey());
    await tv.vault.write({ personId: "p_1", field: "phone", value: PHONE, now: T0 });
    await tv.vault.grantConsent({ personId: "p_1", purpose: "notifications", actor: "staff", now: T0 });
    gateway = createServer((req, res) => {
      void readBody(req).then((text) => {
        received.push({ key: req.headers["idempotency-key"] as string | undefined, auth: req.headers.authorization, body: JSON.parse(text) as Record<string, unknown> });
        const answer = answers.shift() ?? { status: 200, body: { messageId: "m-0" } };
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
        res.end(JSON.stringify(answer.body ?? {}));
      });
    });
    gateway.listen(0, "127.0.0.1");
    await new Promise((resolve) => gateway.once("listening", resolve));
    url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`;
  });

  after(async function () {
    gateway?.close();
    await closeStore(store);
    await tv.close();
    tmp.remove();
  });

  const request = (id: string): NotificationRequest => ({
    to: { personId: "p_1" },
    template: "vote.opened",
    params: { voteId: id, scope: "1号楼", closesAt: T0 + 7 * 86_400_000 },
    channels: ["sms"],
    cause: { kind: "vote.opened", id },
  });

  it("sends with the delivery id as idempotency key, retries 503 after its Retry-After, and keeps the provider's id", async function () {
    const worker = createDeliveryWorker({ outbox, vault: tv.vault, sender: httpGatewaySender({ url, token: "t0k", signature: "共治" }), clock: () => now, random: () => 0, retry: { baseDelayMs: 1000, maxDelayMs: 600_000 } });
    const [entry] = await outbox.enqueue([request("12")]);
    answers.push({ status: 503, headers: { "retry-after": "120" } }, { status: 200, body: { messageId: "gw-881" } });
    await worker.runOnce();
    const failed = await outbox.get(entry!.deliveryId);
    expect(failed).to.include({ state: "failed", lastError: "gateway_http_503", nextAttemptAt: now + 120_000 });
    now += 120_000;
    await worker.runOnce();
    expect(await outbox.get(entry!.deliveryId)).to.include({ state: "sent", providerMessageId: "gw-881", attempts: 2 });
    expect(received.map((r) => r.key)).to.deep.equal([entry!.deliveryId, entry!.deliveryId]);
    expect(received[0]!.auth).to.equal("Bearer t0k");
    expect(received[0]!.body).to.include({ to: PHONE, channel: "sms", signature: "共治", deliveryId: entry!.deliveryId });
    expect(received[0]!.body.text).to.match(/^【共治】1号楼业主投票（编号 12）已经开始/);
  });

  it("dead-letters a refusal (400) at once, and retries a gateway that cannot be reached", async function () {
    received.length = 0;
    const worker = createDeliveryWorker({ outbox, vault: tv.vault, sender: httpGatewaySender({ url }), clock: () => now, random: () => 0 });
    const [refused] = await outbox.enqueue([request("13")]);
    answers.push({ status: 400, body: { error: "bad number" } });
    await worker.runOnce();
    expect(await outbox.get(refused!.deliveryId)).to.include({ state: "dead", reason: "permanent_failure", lastError: "gateway_http_400" });

    const unreachable = createDeliveryWorker({ outbox, vault: tv.vault, sender: httpGatewaySender({ url: "http://127.0.0.1:9/sms", timeoutMs: 2000 }), clock: () => now, random: () => 0 });
    const [later] = await outbox.enqueue([request("14")]);
    await unreachable.runOnce();
    expect(await outbox.get(later!.deliveryId)).to.include({ state: "failed", lastError: "gateway_unreachable" });
  });
});
