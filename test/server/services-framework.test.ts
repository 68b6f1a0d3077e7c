// The service framework (server/src/services/framework): decisions as given/when/then on plain data; the engine
// over a real LevelDB store (per-object serialisation, group commit across objects, idempotency, expected
// versions, staff proxies, projections in the records' atomic write, read models rebuilt by replaying the
// journal); and real HTTP round trips against a whole server on a Hardhat node.
import { expect } from "chai";
import path from "node:path";
import { pino } from "pino";
import { keccak256, parseEther, toHex, type Abi, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { makeWalletClient } from "../../server/src/chain/clients.js";
import { grantRole } from "../../server/src/chain/deploy.js";
import type { Deployment } from "../../server/src/chain/deployment.js";
import { loadServerSettings } from "../../server/src/config/server.js";
import { artifactAbiOf } from "../../server/src/receipts/abis.js";
import { pinOf, verifyReceipt } from "../../server/src/receipts/verify.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { readJournal } from "../../server/src/receipts/log.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore, type Store } from "../../server/src/store/store.js";
import {
  createEngine,
  given,
  levelServiceStorage,
  rebuildReadModels,
  Refusal,
  snapshotModels,
  type Engine,
  type Principal,
  type ProxyCheck,
} from "../../server/src/services/framework/index.js";
import { Assigned, Closed, errandService, Opened } from "./helpers/errand-service.js";
import { ANCHORER_KEY, clients, deployAll, DEV_KEYS, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { waitFor } from "./helpers/indexer.js";

const CHAIN_ID = 31337;
const STAFF = "0x00000000000000000000000000000000000000aa" as Hex;
const RESIDENT = "0x00000000000000000000000000000000000000bb" as Hex;
const WHAT = keccak256(toHex("a commitment stands here"));

async function refusalOf(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error("expected a refusal, but the command was accepted");
}

describe("service framework: decisions (given/when/then)", function () {
  it("opens, assigns and closes; refuses closing an errand that is not assigned, with the offending state", function () {
    given(errandService)
      .when("open", { estateId: 1, what: WHAT })
      .then([Opened({ estateId: 1, what: WHAT, urgent: false })]);
    given(errandService, [Opened({ estateId: 1, what: WHAT, urgent: true })])
      .when("assign", { worker: "p_12" }, { roles: ["gridWorker"] })
      .then([Assigned({ worker: "p_12" })]);
    given(errandService, [Opened({ estateId: 1, what: WHAT, urgent: true })], { id: "e1" })
      .when("close", {}, { roles: ["staff"] })
      .thenRefused("wrong_state", undefined, 409);
    given(errandService, [Opened({ estateId: 1, what: WHAT, urgent: true }), Assigned({ worker: "p_12" })])
      .when("close", {}, { roles: ["staff"] })
      .then([Closed({})]);
  });

  it("refuses by role, by unknown object and by a payload that is not a vault reference", function () {
    given(errandService, [Opened({ estateId: 1, what: WHAT, urgent: true })])
      .when("assign", { worker: "p_12" }, { roles: ["partner"] })
      .thenRefused("forbidden", { role: "staff / gridWorker" }, 403);
    given(errandService).when("note", {}).thenRefused("unknown_record", undefined, 404);
    // A name is not a person id: the input schema (personRef) refuses it before any record exists.
    given(errandService, [Opened({ estateId: 1, what: WHAT, urgent: true })])
      .when("assign", { worker: "王 阿姨" }, { roles: ["staff"] })
      .thenRefused("invalid_request");
    // A plain value is not a salted commitment.
    given(errandService).when("open", { estateId: 1, what: "needs a new light bulb" }).thenRefused("invalid_request");
  });

  it("the helper itself fails when the decision differs from what the test expects", function () {
    const outcome = given(errandService).when("open", { estateId: 1, what: WHAT });
    expect(() => outcome.then([Opened({ estateId: 2, what: WHAT, urgent: false })])).to.throw();
    expect(() => outcome.thenRefused("wrong_state")).to.throw(/expected refusal/);
  });
});

describe("service framework: engine over the indexer's LevelDB store", function () {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let engine: Engine;
  const lock = createLock();
  const authorisations = new Map<string, string>(); // authorisation id → resident
  const proxyCheck: ProxyCheck = async ({ onBehalfOf, authorisation }) => authorisations.get(authorisation) === onBehalfOf;
  const roles: Record<string, string[]> = { [STAFF]: ["staff"], [RESIDENT]: [] };
  const principal = (address: Hex): Principal => ({ address, roles: async () => roles[address] ?? [] });
  const send = (command: string, body: Record<string, unknown>, options: { id?: string; as?: Hex; key?: string } = {}) =>
    engine.execute({ service: "errand", command, id: options.id, body, principal: principal(options.as ?? RESIDENT), idempotencyKey: options.key });

  beforeEach(async () => {
    tmp = tempDir("services");
    store = await openStore(tmp.dir, [], logEntryEncoding);
    engine = createEngine({ services: [errandService], storage: levelServiceStorage(store, lock, CHAIN_ID), proxyCheck });
  });
  afterEach(async () => {
    await closeStore(store);
    tmp.remove();
  });

  const journal = async () => {
    const out = [];
    for await (const entry of readJournal(store)) out.push(entry);
    return out;
  };

  it("writes the records, the object's state and the read models in one append, answering record ids and seqs", async function () {
    const opened = await send("open", { estateId: 3, what: WHAT });
    expect(opened.status).to.equal(201);
    expect(opened.body).to.include({ version: 1 });
    expect(opened.body.recordIds).to.deep.equal([0]);
    expect(opened.body.seqs).to.deep.equal([0]);
    expect(opened.body.proxy).to.equal(null);
    const [entry] = await journal();
    expect(entry!.record).to.include({ kind: "errand.opened", id: opened.body.id, recordId: 0, actor: JSON.stringify({ address: RESIDENT }) });
    expect(JSON.parse((entry!.record as { payload: string }).payload)).to.deep.equal({ estateId: 3, urgent: false, what: WHAT });
    expect(await engine.stateOf("errand", opened.body.id)).to.deep.equal({ version: 1, state: { status: "open", estateId: 3, notes: 0 } });
    expect(await engine.storage.get("errand.counts", "3")).to.deep.equal({ open: 1, closed: 0 });
  });

  it("serialises commands on one object: fifty at once each decide on the state the previous left", async function () {
    const { body } = await send("open", { estateId: 1, what: WHAT });
    const answers = await Promise.all(Array.from({ length: 50 }, () => send("note", {}, { id: body.id })));
    expect(answers.map((a) => a.body.version).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 2));
    const notes = (await journal()).filter((e) => (e.record as { kind: string }).kind === "errand.noted");
    // Every note numbered once, 1..50: no two decisions saw the same state.
    expect(notes.map((e) => JSON.parse((e.record as { payload: string }).payload).n)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("runs commands on different objects concurrently, group-committed, and shared read models stay exact", async function () {
    // Every write reaches LevelDB through the implementation's own batch (the public one calls it too).
    let batches = 0;
    const db = store.db as unknown as { _batch: (...args: unknown[]) => Promise<void> };
    const raw = db._batch;
    db._batch = function (this: unknown, ...args: unknown[]) {
      batches++;
      return raw.apply(this, args);
    };
    const answers = await Promise.all(Array.from({ length: 200 }, () => send("open", { estateId: 7, what: WHAT })));
    expect(new Set(answers.map((a) => a.body.id)).size).to.equal(200);
    expect(new Set(answers.flatMap((a) => a.body.recordIds)).size).to.equal(200);
    // Far fewer disk writes than commands: the appends were in flight together.
    expect(batches).to.be.above(0).and.below(100);
    // A count every one of them updated: none lost to a concurrent projection.
    expect(await engine.storage.get("errand.counts", "7")).to.deep.equal({ open: 200, closed: 0 });
  });

  it("refuses with the offending values: a stale expectedVersion (409), a role (403), a state (409)", async function () {
    const { body } = await send("open", { estateId: 1, what: WHAT });
    const stale = await refusalOf(send("note", { expectedVersion: 0 }, { id: body.id }));
    expect(stale).to.include({ status: 409, code: "version_conflict" });
    expect(stale.params).to.deep.equal({ id: body.id, expected: 0, actual: 1 });
    await send("note", { expectedVersion: 1 }, { id: body.id });
    expect((await refusalOf(send("assign", { worker: "p_1" }, { id: body.id })))).to.include({ status: 403, code: "forbidden" });
    expect((await refusalOf(send("close", {}, { id: body.id, as: STAFF })))).to.include({ status: 409, code: "wrong_state" });
    expect((await refusalOf(send("note", {}, { id: "nosuch" })))).to.include({ status: 404, code: "unknown_record" });
    // Refusals wrote nothing.
    expect(await journal()).to.have.length(2);
  });

  it("answers a repeated Idempotency-Key with the first answer and no second record; refusals are not kept", async function () {
    const first = await send("open", { estateId: 1, what: WHAT }, { key: "k-1" });
    const again = await send("open", { estateId: 1, what: WHAT }, { key: "k-1" });
    expect(again.replayed).to.equal(true);
    expect(again.body).to.deep.equal(first.body);
    // Concurrent repeats too: one record.
    const burst = await Promise.all(Array.from({ length: 10 }, () => send("open", { estateId: 2, what: WHAT }, { key: "k-2" })));
    expect(new Set(burst.map((a) => a.body.id)).size).to.equal(1);
    expect(await journal()).to.have.length(2);
    // The same key with another body is another request: refused, not answered with the first.
    const reused = await refusalOf(send("open", { estateId: 9, what: WHAT }, { key: "k-1" }));
    expect(reused).to.include({ status: 422, code: "idempotency_key_reused" });
    // Another sender's key of the same text is theirs.
    const staffs = await send("open", { estateId: 1, what: WHAT }, { key: "k-1", as: STAFF });
    expect(staffs.body.id).to.not.equal(first.body.id);
    // A refusal is not remembered: once the state allows it, the same key succeeds.
    const refused = await refusalOf(send("close", {}, { id: first.body.id, as: STAFF, key: "close-1" }));
    expect(refused.code).to.equal("wrong_state");
    await send("assign", { worker: "p_1" }, { id: first.body.id, as: STAFF });
    const closed = await send("close", {}, { id: first.body.id, as: STAFF, key: "close-1" });
    expect(closed.status).to.equal(201);
    expect(closed.replayed).to.equal(false);
  });

  it("lets staff act for a resident only with an authorisation the check accepts, and marks the answer", async function () {
    authorisations.set("7", RESIDENT);
    const asResident = await refusalOf(send("open", { estateId: 1, what: WHAT, onBehalfOf: STAFF, authorisation: "7" }, { as: RESIDENT }));
    expect(asResident).to.include({ status: 403, code: "proxy_staff_only" });
    const unknown = await refusalOf(send("open", { estateId: 1, what: WHAT, onBehalfOf: RESIDENT, authorisation: "8" }, { as: STAFF }));
    expect(unknown).to.include({ status: 403, code: "proxy_not_authorised" });
    expect(unknown.params).to.deep.equal({ onBehalfOf: RESIDENT, authorisation: "8" });
    expect((await refusalOf(send("open", { estateId: 1, what: WHAT, onBehalfOf: RESIDENT }, { as: STAFF })))).to.include({ code: "proxy_incomplete" });
    const ok = await send("open", { estateId: 1, what: WHAT, onBehalfOf: RESIDENT, authorisation: "7" }, { as: STAFF });
    expect(ok.body.proxy).to.deep.equal({ onBehalfOf: RESIDENT, authorisation: "7" });
    expect(ok.body.actor).to.deep.equal({ address: STAFF, onBehalfOf: RESIDENT, authorisation: "7" });
    // A command not marked proxy-able is refused as a proxy even with a good authorisation.
    const notProxy = await refusalOf(send("note", { onBehalfOf: RESIDENT, authorisation: "7" }, { id: ok.body.id, as: STAFF }));
    expect(notProxy).to.include({ status: 403, code: "proxy_not_allowed" });
    const [entry] = await journal();
    expect(JSON.parse((entry!.record as { actor: string }).actor)).to.deep.equal({ address: STAFF, authorisation: "7", onBehalfOf: RESIDENT });
  });

  it("rebuilds every read model and object state by replaying the journal, to the same values", async function () {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => send("open", { estateId: i % 3, what: WHAT }).then((a) => a.body.id)));
    await Promise.all(ids.slice(0, 20).map((id) => send("assign", { worker: "p_9" }, { id, as: STAFF })));
    await Promise.all(ids.slice(0, 10).map((id) => send("close", {}, { id, as: STAFF })));
    await Promise.all(ids.slice(5, 15).map((id) => send("note", {}, { id })));
    const before = await snapshotModels(engine.storage, [errandService]);
    expect(Object.keys(before["errand.errands"]!)).to.have.length(30);
    // Damage them (a lost or stale read model), then rebuild from the journal alone.
    await engine.storage.write([
      { model: "errand.counts", key: "0", value: { open: 99, closed: 0 } },
      { model: "errand.errands", key: ids[3]!, value: null },
      { model: "framework.state", key: `errand:${ids[4]}`, value: null },
    ]);
    expect(await snapshotModels(engine.storage, [errandService])).to.not.deep.equal(before);
    const { records } = await rebuildReadModels(engine.storage, [errandService], 7);
    expect(records).to.equal(70);
    expect(await snapshotModels(engine.storage, [errandService])).to.deep.equal(before);
  });
});

describe("service framework: HTTP round trips against a whole server", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let deployment: Deployment;
  let base: string;
  const staff = privateKeyToAccount(DEV_KEYS[2]!);
  const resident = privateKeyToAccount(generatePrivateKey());
  const worker = privateKeyToAccount(generatePrivateKey());
  const stranger = privateKeyToAccount(generatePrivateKey());
  const tokens = new Map<string, string>();
  let authorisationId: string;

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("services-http");
    const deployed = await deployAll(node.url, tmp.dir);
    deployment = deployed.deployment;
    const { publicClient, walletClient } = clients(node.url);
    await grantRole({ publicClient, walletClient }, deployment, "STAFF_ROLE", staff.address);
    await publicClient.waitForTransactionReceipt({ hash: await walletClient.sendTransaction({ to: staff.address, value: parseEther("1") }) });
    // An on-chain written authorisation: staff may act for the resident in services.
    const staffWallet = makeWalletClient(node.url, CHAIN_ID, staff);
    const proxies = deployment.contracts.ProxyAuthorizations!;
    const expiresAt = Number((await publicClient.getBlock()).timestamp) + 30 * 86_400;
    const hash = await staffWallet.writeContract({
      address: proxies.address,
      abi: loadArtifact("ProxyAuthorizations").abi as Abi,
      functionName: "record",
      args: [resident.address, 2, 0n, expiresAt, keccak256(toHex("scanned paper"))],
    });
    await publicClient.waitForTransactionReceipt({ hash });
    authorisationId = "1";
    const settings = loadServerSettings(
      {
        rpcUrl: node.url,
        chainId: CHAIN_ID,
        deployment: deployed.file,
        dataDir: path.join(tmp.dir, "server"),
        port: 0,
        mode: "development",
        pollMs: 50,
        batchLeaves: 8,
        batchSeconds: 1,
        rateLimitPerMinute: 1_000_000,
        logLevel: "warn",
      },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    server = await startServer(settings, pino({ level: "error" }), serverRoutes, {
      services: [errandService],
      offchainRolesOf: async (address) => (address === worker.address.toLowerCase() ? ["gridWorker"] : []),
    });
    base = server.url;
    const head = Number(await publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    for (const account of [staff, resident, worker, stranger]) tokens.set(account.address, await signIn(account));
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  async function signIn(account: PrivateKeyAccount): Promise<string> {
    const { nonce, domain } = (await (await fetch(`${base}/api/auth/nonce`, { method: "POST" })).json()) as { nonce: string; domain: string };
    const message = createSiweMessage({ address: account.address, chainId: CHAIN_ID, domain, nonce, uri: base, version: "1" });
    const res = await fetch(`${base}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message, signature: await account.signMessage({ message }) }),
    });
    return ((await res.json()) as { token: string }).token;
  }

  type Answer = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } }; headers: Headers };
  async function call(method: "GET" | "POST", p: string, options: { as?: PrivateKeyAccount; body?: unknown; key?: string; lang?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { "accept-language": options.lang ?? "en" };
    if (options.as) headers.authorization = `Bearer ${tokens.get(options.as.address)}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.key) headers["idempotency-key"] = options.key;
    const res = await fetch(`${base}${p}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    return { status: res.status, body: (await res.json()) as Answer["body"], headers: res.headers };
  }

  it("puts every service route in the OpenAPI document", async function () {
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const p of ["/api/errands/open", "/api/errands/{id}/assign", "/api/errands/{id}/note", "/api/errands/{id}/close"]) {
      expect(doc.paths[p]?.post?.responses, p).to.have.property("201");
    }
    expect(doc.paths["/api/errands"]?.get).to.not.equal(undefined);
    expect(doc.paths["/api/errands/{id}"]?.get).to.not.equal(undefined);
    expect(doc.paths["/api/errands/counts/{estateId}"]?.get).to.not.equal(undefined);
  });

  it("acknowledges a command with 201, its record ids and seqs, and the record gets a receipt that verifies", async function () {
    expect((await call("POST", "/api/errands/open", { body: { estateId: 1, what: WHAT } })).status).to.equal(401);
    const opened = await call("POST", "/api/errands/open", { as: resident, body: { estateId: 1, what: WHAT, urgent: true } });
    expect(opened.status).to.equal(201);
    expect(opened.body).to.include({ version: 1, proxy: null });
    expect(opened.body.actor).to.deep.equal({ address: resident.address.toLowerCase() });
    const [seq] = opened.body.seqs as number[];
    const [recordId] = opened.body.recordIds as number[];
    const record = await server.engine.storage.readRecord(recordId!);
    expect(record).to.include({ seq, kind: "errand.opened", id: opened.body.id });
    let receipt: Answer | undefined;
    await waitFor("the record's receipt", async () => (receipt = await call("GET", `/api/receipts/${seq}`)).status === 200, 60_000);
    const report = await verifyReceipt(receipt!.body, clients(node.url).publicClient, { pin: pinOf(deployment), abiOf: artifactAbiOf(deployment) });
    expect(report.ok, JSON.stringify(report.steps.at(-1))).to.equal(true);
    const view = await call("GET", `/api/errands/${opened.body.id as string}`);
    expect(view.body).to.include({ status: "open", urgent: true, estateId: 1, version: 1 });
  });

  it("answers a repeated Idempotency-Key with the first answer; refuses a malformed key and a reused one", async function () {
    const first = await call("POST", "/api/errands/open", { as: resident, body: { estateId: 2, what: WHAT }, key: "req-0001" });
    const again = await call("POST", "/api/errands/open", { as: resident, body: { estateId: 2, what: WHAT }, key: "req-0001" });
    expect(again.status).to.equal(201);
    expect(again.body).to.deep.equal(first.body);
    expect(again.headers.get("idempotency-replayed")).to.equal("true");
    expect(first.headers.get("idempotency-replayed")).to.equal(null);
    const list = await call("GET", "/api/errands?estateId=2", { as: resident });
    expect((list.body.items as unknown[]).length).to.equal(1);
    const bad = await call("POST", "/api/errands/open", { as: resident, body: { estateId: 2, what: WHAT }, key: "has space" });
    expect(bad.status).to.equal(400);
    expect(bad.body.error!.code).to.equal("invalid_idempotency_key");
    const reused = await call("POST", "/api/errands/open", { as: resident, body: { estateId: 3, what: WHAT }, key: "req-0001", lang: "zh-CN" });
    expect(reused.status).to.equal(422);
    expect(reused.body.error).to.deep.include({ code: "idempotency_key_reused", details: { values: { key: "req-0001" } } });
    expect(reused.body.error!.message).to.contain("幂等键 req-0001");
  });

  it("refuses a stale expectedVersion with 409 and the versions; a role with 403; bad input with 400 listing the fields", async function () {
    const { body } = await call("POST", "/api/errands/open", { as: resident, body: { estateId: 4, what: WHAT } });
    const id = body.id as string;
    const stale = await call("POST", `/api/errands/${id}/note`, { as: resident, body: { expectedVersion: 3 } });
    expect(stale.status).to.equal(409);
    expect(stale.body.error).to.deep.include({ code: "version_conflict", details: { values: { id, expected: 3, actual: 1 } } });
    expect(stale.body.error!.message).to.equal(`${id} has changed since you saw it (you saw version 3; it is now at version 1). Reload it and act on the latest version.`);
    expect((await call("POST", `/api/errands/${id}/note`, { as: resident, body: { expectedVersion: 1 } })).status).to.equal(201);
    const forbidden = await call("POST", `/api/errands/${id}/assign`, { as: stranger, body: { worker: "p_3" } });
    expect(forbidden.status).to.equal(403);
    expect(forbidden.body.error!.code).to.equal("forbidden");
    // An off-chain role (given by offchainRolesOf) is enough where the command allows it.
    const assigned = await call("POST", `/api/errands/${id}/assign`, { as: worker, body: { worker: "p_3" } });
    expect(assigned.status).to.equal(201);
    const wrong = await call("POST", `/api/errands/${id}/assign`, { as: staff, body: { worker: "p_4" }, lang: "zh-CN" });
    expect(wrong.status).to.equal(409);
    expect(wrong.body.error!.message).to.equal(`差事 ${id} 现在的状态是“已派”，不能派单。`);
    const invalid = await call("POST", `/api/errands/${id}/assign`, { as: staff, body: { worker: "王阿姨 13800000000", expectedVersion: -1 } });
    expect(invalid.status).to.equal(400);
    expect((invalid.body.error!.details as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).to.deep.equal(["body.expectedVersion", "body.worker"]);
    expect((await call("POST", "/api/errands/nosuch/note", { as: resident, body: {} })).status).to.equal(404);
  });

  it("lets staff act for a resident under an on-chain authorisation, and marks the answer as a proxy", async function () {
    const body = { estateId: 5, what: WHAT, onBehalfOf: resident.address, authorisation: authorisationId };
    const ok = await call("POST", "/api/errands/open", { as: staff, body });
    expect(ok.status).to.equal(201);
    // The resident's address in one spelling (lowercase), whatever the request's.
    expect(ok.body.proxy).to.deep.equal({ onBehalfOf: resident.address.toLowerCase(), authorisation: authorisationId });
    const record = await server.engine.storage.readRecord((ok.body.recordIds as number[])[0]!);
    expect(record!.actor).to.deep.equal({ address: staff.address.toLowerCase(), onBehalfOf: resident.address.toLowerCase(), authorisation: authorisationId });
    // Not staff: refused even with the resident's authorisation.
    const notStaff = await call("POST", "/api/errands/open", { as: worker, body });
    expect(notStaff.body.error!.code).to.equal("proxy_staff_only");
    // For someone the authorisation does not name, or an authorisation that does not exist.
    for (const wrong of [{ ...body, onBehalfOf: stranger.address }, { ...body, authorisation: "99" }]) {
      const refused = await call("POST", "/api/errands/open", { as: staff, body: wrong });
      expect(refused.status).to.equal(403);
      expect(refused.body.error!.code).to.equal("proxy_not_authorised");
    }
  });

  it("lists with filters and pages, and guards a query by role", async function () {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call("POST", "/api/errands/open", { as: resident, body: { estateId: 6, what: WHAT } })).body.id as string);
    await call("POST", `/api/errands/${ids[0]}/assign`, { as: staff, body: { worker: "p_1" } });
    await call("POST", `/api/errands/${ids[0]}/close`, { as: staff, body: {} });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call("GET", `/api/errands?estateId=6&status=open&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { as: resident });
      seen.push(...(page.body.items as { id: string }[]).map((e) => e.id));
      cursor = page.body.nextCursor as string | undefined;
    } while (cursor);
    expect(seen.sort()).to.deep.equal(ids.slice(1).sort());
    expect((await call("GET", "/api/errands?estateId=6&cursor=%21%21", { as: resident })).body.error!.code).to.equal("invalid_cursor");
    expect((await call("GET", "/api/errands/counts/6", { as: resident })).status).to.equal(403);
    expect((await call("GET", "/api/errands/counts/6", { as: staff })).body).to.deep.equal({ open: 4, closed: 1 });
  });
});
