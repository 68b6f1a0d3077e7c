// Open311 GeoReport v2 conformance, with a client written from the specification alone (wiki.open311.org
// GeoReport_v2): it knows only the spec's URLs (services.json, services/{code}.json, requests.json,
// requests/{id}.json), its fields and its form-encoded POST. Against the real server over a real Hardhat node and
// LevelDB: discovery, creating a request and reading it back, the filters, "closed" once the order is confirmed,
// and errors in the spec's shape for a bad key, an unknown code and missing arguments. The reporter's contact
// reaches the vault and nowhere else (not the answers, not the records, not the logs).
import { expect } from "chai";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createApp } from "../../server/src/api/app.js";
import { listen } from "../../server/src/api/listen.js";
import { loadServerSettings } from "../../server/src/config/server.js";
import { open311ErrorShape } from "../../server/src/services/open311/index.js";
import { actorText } from "../../server/src/receipts/actor.js";
import { readNote } from "../../server/src/vault/index.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { CHAIN_ID, clients, deployAll, anyFreePort, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient } from "./helpers/siwe-http.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";

// ---- The client: the spec's resources and arguments, nothing of this server's own API. ----
type Open311Answer = { status: number; contentType: string | null; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
function open311Client(endpoint: () => string, language = "en") {
  const send = async (method: string, resource: string, query: Record<string, string> = {}, form?: Record<string, string>): Promise<Open311Answer> => {
    const url = new URL(`${endpoint()}/${resource}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const res = await fetch(url, {
      method,
      headers: { "accept-language": language, ...(form ? { "content-type": "application/x-www-form-urlencoded; charset=utf-8" } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    return { status: res.status, contentType: res.headers.get("content-type"), body: await res.json() };
  };
  return {
    services: (jurisdiction_id?: string) => send("GET", "services.json", jurisdiction_id ? { jurisdiction_id } : {}),
    serviceDefinition: (code: string) => send("GET", `services/${encodeURIComponent(code)}.json`),
    createRequest: (args: Record<string, string>) => send("POST", "requests.json", {}, args),
    requests: (args: Record<string, string> = {}) => send("GET", "requests.json", args),
    request: (id: string) => send("GET", `requests/${encodeURIComponent(id)}.json`),
    raw: send,
  };
}
const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;
/** The spec's error answer: an array of {code, description}, code the HTTP status here. */
function expectErrors(answer: Open311Answer, status: number, gongzhiCode: string): void {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.body).to.be.an("array").with.lengthOf(1);
  expect(answer.body[0]).to.include({ code: status, gongzhi_code: gongzhiCode });
  expect(answer.body[0].description).to.be.a("string").and.not.equal("");
}

describe("Open311 GeoReport v2 on the work orders (a client written from the spec; real server, node and LevelDB)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const logs: string[] = [];
  const sweeperKey = generatePrivateKey();
  const sweeper = privateKeyToAccount(sweeperKey);
  const { call, signIn } = httpClient(() => server.url, CHAIN_ID);
  const client = open311Client(() => `${server.url}/open311/v2`);
  const clientZh = open311Client(() => `${server.url}/open311/v2`, "zh-CN");
  let apiKey = "";
  let keyId = "";
  const contact = { first_name: "Lanlan", last_name: "Zhou", phone: "+86 100 0000 7311", email: "lanlan.zhou@example.invalid" };
  const description = "3号楼电梯卡在五楼，里面没有人，请尽快来修。";

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("open311");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    await rpc(node.url, "hardhat_setBalance", [sweeper.address, "0x56BC75E2D63100000"]);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 16, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "info" },
      {},
    );
    // The server's real request and error logs, kept to show that no personal value reaches them.
    const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
    server = await startServer(settings, pino({ level: "info" }, sink), serverRoutes);
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    await signIn("staff", history.staff.key);
    await signIn("r1", history.members.r1.key);
    await signIn("sweeper", sweeperKey);
    expect((await call("staff", "POST", "/api/workorders/parties/assign", { member: sweeper.address.toLowerCase(), party: "sanitation" })).status).to.equal(201);
    const issued = await call("staff", "POST", "/api/open311/keys/issue", { app: "Neighbourhood app" });
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    apiKey = issued.body.key;
    keyId = issued.body.keyId;
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("keys: only the office issues them; the key is shown once, its list shows neither key nor hash", async function () {
    expect(apiKey).to.match(/^o311_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect((await call("r1", "POST", "/api/open311/keys/issue", { app: "Sneaky app" })).body.error.code).to.equal("forbidden");
    const list = await call("staff", "GET", "/api/open311/keys");
    expect(list.body.items).to.deep.include({ keyId, app: "Neighbourhood app", status: "active", issuedAt: list.body.items[0].issuedAt, issuedBy: history.staff.address.toLowerCase(), revokedAt: null });
    expect(JSON.stringify(list.body)).to.not.include(apiKey.split("_")[2]);
  });

  it("discovery: the service list and a service definition", async function () {
    const services = await client.services();
    expect(services.status).to.equal(200);
    expect(services.contentType).to.match(/^application\/json/);
    const pipe = services.body.find((s: { service_code: string }) => s.service_code === "burst-pipe");
    expect(pipe).to.include({ service_name: "Burst pipe", metadata: false, type: "realtime", group: "water" });
    expect(pipe.description).to.be.a("string");
    for (const s of services.body) expect(Object.keys(s).sort()).to.deep.equal(["description", "group", "keywords", "metadata", "service_code", "service_name", "type"]);
    expect((await clientZh.services()).body.find((s: { service_code: string }) => s.service_code === "burst-pipe").service_name).to.equal("水管爆裂");
    const definition = await client.serviceDefinition("lift-fault");
    expect([definition.status, definition.body]).to.deep.equal([200, { service_code: "lift-fault", attributes: [] }]);
    expectErrors(await client.serviceDefinition("dragon"), 404, "workorder_unknown_category");
  });

  it("creates a request (form-encoded), reads it back without personal data; the contact is in the vault and in no record or log", async function () {
    const created = await client.createRequest({ api_key: apiKey, jurisdiction_id: "1", service_code: "lift-fault", address_id: "e1.b2", lat: "31.230416", long: "121.473701", ...contact, description });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.be.an("array").with.lengthOf(1);
    const id = created.body[0].service_request_id as string;
    expect(id).to.be.a("string");
    expect(created.body[0].service_notice).to.equal("Handled by the property company, normally within 1 day.");

    const read = await client.request(id);
    expect(read.status).to.equal(200);
    expect(read.body).to.have.lengthOf(1);
    const r = read.body[0];
    expect(r).to.include({ service_request_id: id, status: "open", service_code: "lift-fault", service_name: "Lift out of order", agency_responsible: "Property company", address_id: "e1.b2", address: "Building 2", lat: 31.230416, long: 121.473701, description: null, media_url: null });
    for (const field of ["requested_datetime", "updated_datetime", "expected_datetime"]) expect(r[field], field).to.match(W3C);
    expect(Date.parse(r.expected_datetime) - Date.parse(r.requested_datetime)).to.equal(24 * 3600 * 1000);
    expect(r.status_notes).to.equal("Dispatched to the responsible party");

    // The work order behind it: channel open311, its actor the application's key, its reporter a vault person.
    const order = (await call(undefined, "GET", `/api/workorders/${id}`)).body;
    expect(order).to.include({ channel: "open311", party: "property", serviceCode: "lift-fault" });
    const state = (await server.engine.stateOf("workorder", id)).state as { reporters: string[] };
    const personId = state.reporters[0]!;
    expect(personId).to.match(/^p_[0-9a-f]{24}$/);
    const read1 = (field: "name" | "phone" | "note:email") => server.privacy.vault.read({ actor: actorText({ system: "open311-test" }), purpose: "subject.request", personId, field });
    expect(await read1("phone")).to.equal(contact.phone);
    expect(await read1("name")).to.equal("Lanlan Zhou");
    expect(await read1("note:email")).to.equal(contact.email);

    const secrets = [contact.phone, contact.email, "Lanlan", "Zhou", description, "电梯卡在五楼"];
    const everywhere = [JSON.stringify(read.body), JSON.stringify(created.body), JSON.stringify((await client.requests()).body), JSON.stringify(order)];
    for (const text of everywhere) for (const secret of secrets) expect(text).to.not.include(secret);
    const records: string[] = [];
    for await (const record of server.engine.storage.records(0)) records.push(JSON.stringify(record));
    const reported = records.find((r) => r.includes('"workorder.reported"') && r.includes(id));
    expect(reported, "the report's record").to.be.a("string");
    expect(reported).to.include(`"system":"open311:${keyId}"`).and.include('"channel":"open311"').and.match(/"description":"0x[0-9a-f]{64}"/);
    for (const secret of secrets) expect(records.join("\n")).to.not.include(secret);
    // The description is a vault note of its own (vault/notes.ts), found from the record's commitment alone.
    const commitment = /"description":"(0x[0-9a-f]{64})"/.exec(reported!)![1]!;
    expect(await readNote(server.privacy.vault, { commitment, actor: actorText({ system: "open311-test" }), purpose: "service.arrangement" })).to.equal(description);
    expect(logs.join("")).to.include("/open311/v2/requests.json");
    for (const secret of [...secrets, apiKey]) expect(logs.join(""), "the logs").to.not.include(secret);
  });

  it("takes JSON too, and a unit by its label as address_string", async function () {
    const unitId = history.units[0]!;
    expect((await call("staff", "POST", `/api/directory/units/${unitId}/label`, { building: 7, entrance: 1, room: "301" })).status).to.be.oneOf([200, 201]);
    const res = await fetch(`${server.url}/open311/v2/requests.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "en" },
      body: JSON.stringify({ api_key: apiKey, service_code: "water-leak", address_string: "7号楼1单元301" }),
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).to.equal(201);
    const r = (await client.request(body[0].service_request_id)).body[0];
    expect(r).to.include({ address_id: `e1.u${unitId}`, status: "open" });
    expect(r.address).to.match(/7/).and.match(/301/);
  });

  it("filters: by id list, by service_code, by status, by dates (at most 90 days)", async function () {
    const a = (await client.createRequest({ api_key: apiKey, service_code: "street-light", address_id: "e1.a.west-path" })).body[0].service_request_id;
    const b = (await client.createRequest({ api_key: apiKey, service_code: "greenery", address_id: "e1.a.lawn" })).body[0].service_request_id;
    const byIds = await client.requests({ service_request_id: `${a},${b},nonexistent` });
    expect(byIds.body.map((r: { service_request_id: string }) => r.service_request_id).sort()).to.deep.equal([a, b].sort());
    const byCode = await client.requests({ service_code: "greenery" });
    expect(byCode.body.map((r: { service_request_id: string }) => r.service_request_id)).to.deep.equal([b]);
    const both = await client.requests({ service_code: "greenery,street-light", status: "open" });
    expect(both.body.map((r: { service_request_id: string }) => r.service_request_id).sort()).to.deep.equal([a, b].sort());
    expect((await client.requests({ status: "closed", service_code: "greenery" })).body).to.deep.equal([]);
    const all = (await client.requests()).body as { requested_datetime: string }[];
    expect(all.length).to.be.at.least(4);
    const times = all.map((r) => Date.parse(r.requested_datetime));
    expect(times, "newest first").to.deep.equal([...times].sort((x, y) => y - x));
    const now = Date.now();
    const w3c = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    expect((await client.requests({ start_date: w3c(now - 3600_000), end_date: w3c(now + 3600_000), service_code: "greenery" })).body).to.have.lengthOf(1);
    expect((await client.requests({ start_date: w3c(now + 3600_000), end_date: w3c(now + 7200_000) })).body).to.deep.equal([]);
    expect((await client.requests({ end_date: w3c(now - 86_400_000) })).body, "the 90 days before end_date").to.deep.equal([]);
    expectErrors(await client.requests({ start_date: w3c(now - 91 * 86_400_000), end_date: w3c(now) }), 400, "open311_date_range");
    expectErrors(await client.requests({ start_date: w3c(now), end_date: w3c(now - 1000) }), 400, "open311_date_range");
    expectErrors(await client.requests({ start_date: "2026-01-01" }), 400, "invalid_request");
    expectErrors(await client.requests({ status: "pending" }), 400, "invalid_request");
    expect((await client.requests({ jurisdiction_id: "2" })).body, "another estate's requests").to.deep.equal([]);
  });

  it("status turns closed once the order is confirmed (a duplicate of a resident's report joins it)", async function () {
    const resident = await call("r1", "POST", "/api/workorders/report", { channel: "resident", serviceCode: "rubbish", place: { estateId: 1, area: "east-gate" } });
    expect(resident.status).to.equal(201);
    const id = resident.body.id as string;
    const dup = await client.createRequest({ api_key: apiKey, service_code: "rubbish", address_id: "e1.a.east-gate", phone: "+86 100 0000 7312" });
    expect(dup.body[0].service_request_id, "joined to the open order").to.equal(id);
    for (const step of ["accept", "start", "resolve"]) expect((await call("sweeper", "POST", `/api/workorders/${id}/${step}`, {})).status, step).to.equal(201);
    expect((await client.request(id)).body[0]).to.include({ status: "open", status_notes: "Fixed, waiting for the reporter's confirmation" });
    expect((await call("r1", "POST", `/api/workorders/${id}/confirm`, {})).status).to.equal(201);
    const closed = (await client.request(id)).body[0];
    expect(closed).to.include({ status: "closed", status_notes: "Closed", agency_responsible: "Sanitation" });
    const order = (await call(undefined, "GET", `/api/workorders/${id}`)).body;
    expect(Date.parse(closed.updated_datetime) / 1000).to.equal(order.closedAt);
    expect((await client.requests({ status: "closed" })).body.map((r: { service_request_id: string }) => r.service_request_id)).to.deep.equal([id]);
    expect((await client.requests({ status: "open" })).body.map((r: { service_request_id: string }) => r.service_request_id)).to.not.include(id);
  });

  it("errors in the spec's shape: no, unknown or revoked key (403); unknown code (404); missing arguments (400); XML (404); nothing recorded", async function () {
    const before = (await client.requests()).body.length;
    const place = { address_id: "e1.b1" };
    expectErrors(await client.createRequest({ service_code: "rubbish", ...place }), 403, "open311_key_missing");
    expectErrors(await client.createRequest({ api_key: "o311_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", service_code: "rubbish", ...place }), 403, "open311_key_invalid");
    expectErrors(await client.createRequest({ api_key: `${apiKey.slice(0, -1)}${apiKey.endsWith("A") ? "B" : "A"}`, service_code: "rubbish", ...place }), 403, "open311_key_invalid");
    expectErrors(await client.createRequest({ api_key: apiKey, service_code: "dragon", ...place }), 404, "workorder_unknown_category");
    expectErrors(await client.createRequest({ api_key: apiKey, ...place }), 400, "open311_bad_request");
    expectErrors(await client.createRequest({ api_key: apiKey, service_code: "rubbish" }), 400, "open311_place_needed");
    expectErrors(await client.createRequest({ api_key: apiKey, service_code: "rubbish", lat: "31.2", long: "121.4" }), 400, "open311_place_needed");
    expectErrors(await client.createRequest({ api_key: apiKey, service_code: "rubbish", address_id: "nowhere" }), 400, "open311_place_needed");
    expectErrors(await client.createRequest({ api_key: apiKey, service_code: "rubbish", ...place, lat: "31.2" }), 400, "open311_bad_request");
    expectErrors(await client.createRequest({ api_key: apiKey, service_code: "rubbish", ...place, jurisdiction_id: "9" }), 400, "open311_jurisdiction_mismatch");
    expectErrors(await client.createRequest({ api_key: apiKey, service_code: "rubbish", ...place, description: "x".repeat(4001) }), 400, "open311_bad_request");
    expectErrors(await client.request("nonexistent"), 404, "unknown_record");
    expectErrors(await client.raw("GET", "services.xml"), 404, "open311_xml_unsupported");
    expectErrors(await client.raw("GET", "requests/abc.xml"), 404, "open311_xml_unsupported");
    expectErrors(await client.raw("GET", "tokens/123.json"), 404, "not_found");
    const zh = await clientZh.createRequest({ service_code: "rubbish", ...place });
    expect(zh.body[0].description).to.match(/[\u4e00-\u9fff]/);

    const revoke = await call("staff", "POST", `/api/open311/keys/${keyId}/revoke`, {});
    expect(revoke.status, JSON.stringify(revoke.body)).to.equal(201);
    expectErrors(await client.createRequest({ api_key: apiKey, service_code: "rubbish", ...place }), 403, "open311_key_invalid");
    expect((await call("staff", "POST", `/api/open311/keys/${keyId}/revoke`, {})).body.error.code).to.equal("open311_key_revoked");
    expect((await client.requests()).body.length, "no refused request was recorded").to.equal(before);
    // Reading stays open to everyone, key or not (the spec asks none for GET).
    expect((await client.services()).status).to.equal(200);
  });

  it("the routes are in the OpenAPI document", async function () {
    const doc = (await call(undefined, "GET", "/api/openapi.json")).body;
    for (const p of ["/open311/v2/services.json", "/open311/v2/services/{code}.json", "/open311/v2/requests.json", "/open311/v2/requests/{id}.json", "/api/open311/keys/issue"]) {
      expect(doc.paths, p).to.have.property(p);
    }
    expect(doc.paths["/open311/v2/requests.json"].post.requestBody.content).to.have.property("application/x-www-form-urlencoded");
  });
});

describe("Open311 under the API's rate limit (the app alone)", function () {
  it("counts /open311 requests against the limit, and answers the 429 in the spec's shape", async function () {
    const app = createApp({
      routes: [],
      logger: pino({ level: "silent" }),
      corsOrigins: [],
      rateLimit: { windowMs: 60_000, limit: 2 },
      bodyLimit: "64kb",
      version: "test",
      limitedPaths: ["/open311"],
      errorShapes: [open311ErrorShape],
    });
    const { server, port } = await listen(app, { host: "127.0.0.1", port: 0, limits: { headersTimeoutMs: 5000, requestTimeoutMs: 10_000 } });
    try {
      const get = async () => {
        const res = await fetch(`http://127.0.0.1:${port}/open311/v2/services.json`, { headers: { "accept-language": "en" } });
        return { status: res.status, contentType: res.headers.get("content-type"), body: await res.json() };
      };
      expectErrors(await get(), 404, "not_found");
      expectErrors(await get(), 404, "not_found");
      expectErrors(await get(), 429, "rate_limited");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
