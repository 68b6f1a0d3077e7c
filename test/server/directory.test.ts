// The directory (issue 12 §3) against the whole server as it runs (startServer over a Hardhat node process and
// LevelDB, the vault in development mode): unit labels and their search, people registered into the vault, the
// role × purpose table enforced on every directory route (the expected table is written out here, apart from
// the code's), off-chain roles granted and revoked as anchored records, and the state rebuilt from the journal
// after a restart.
import { expect } from "chai";
import path from "node:path";
import { pino } from "pino";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { grantRole } from "../../server/src/chain/deploy.js";
import { loadServerSettings, type ServerSettings } from "../../server/src/config/server.js";
import type { Hex } from "viem";
import { actorText } from "../../server/src/receipts/actor.js";
import { readJournal } from "../../server/src/receipts/log.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { idCheckCharacter, isValidIdNumber, parseLabelQuery } from "../../server/src/services/directory/index.js";
import { CHAIN_ID, clients, deployAll, DEV_KEYS, anyFreePort, registryWriter, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { errandService } from "./helpers/errand-service.js";
import { waitFor } from "./helpers/indexer.js";

const FIELDS = ["name", "phone", "idNumber", "household", "displayName"];
const PURPOSES = ["timebank.matching", "mediation", "notifications", "public.display", "photos", "locations", "service.arrangement", "legal.obligation", "subject.request"];

/** docs/privacy.md §2, written out again: what each role sees, by purpose (every role also has the public's row). */
const TABLE: Record<string, Record<string, string[]>> = {
  public: { "public.display": ["displayName"] },
  self: { "subject.request": FIELDS },
  staff: {
    "service.arrangement": ["name", "phone", "household", "displayName"],
    "timebank.matching": ["name", "phone", "displayName"],
    notifications: ["phone"],
    "legal.obligation": ["name", "idNumber", "household"],
  },
  registrar: { "legal.obligation": ["name", "idNumber", "household", "phone"] },
  mediator: { mediation: ["name", "displayName"] },
  gridWorker: { "service.arrangement": ["name", "phone", "household"] },
  propertyCompany: { "service.arrangement": ["name", "phone"] },
  utility: { "service.arrangement": ["name", "phone"] },
  partner: { "timebank.matching": ["displayName"] },
  auditor: { "legal.obligation": ["name"] },
};
function expected(role: string, purpose: string): string[] | undefined {
  const own = TABLE[role]![purpose];
  const pub = TABLE.public![purpose];
  if (!own && !pub) return undefined;
  return [...new Set([...(own ?? []), ...(pub ?? [])])].sort();
}

/** An invented identity number with a valid check character (region 110101 is Dongcheng, Beijing; 1950s births). */
function fakeId(serial: number): string {
  const first17 = `11010119550101${String(serial).padStart(3, "0")}`;
  return first17 + idCheckCharacter(first17);
}
const ALICE = { name: "测试王秀英", phone: "+86 170 0000 0001", idNumber: fakeId(1), household: "测试户：王秀英、李建国", displayName: "王阿姨" };
const BOB = { name: "测试李建国", phone: "+86 170 0000 0002", idNumber: fakeId(2), household: "测试户：李建国" };

describe("directory: labels and identity numbers (pure)", function () {
  it("reads a flat however it is typed: 1-2-406, 1号楼2单元406, full-width digits, English", function () {
    const full = { building: 1, entrance: 2, room: "406" };
    for (const text of ["1-2-406", "1号楼2单元406", "1号楼 2单元 406室", "１号楼２单元４０６", "１－２－４０６", "1栋2单元406", "Bldg 1, Entrance 2, Room 406", "building 1 unit 2 room 406", "01-02-0406", "1/2/406"]) {
      expect(parseLabelQuery(text), text).to.deep.equal(full);
    }
    expect(parseLabelQuery("1-406")).to.deep.equal({ building: 1, room: "406" });
    expect(parseLabelQuery("1号楼406")).to.deep.equal({ building: 1, room: "406" });
    expect(parseLabelQuery("3号楼")).to.deep.equal({ building: 3 });
    expect(parseLabelQuery("3-2")).to.deep.equal({ building: 3, entrance: 2 });
    expect(parseLabelQuery("2单元")).to.deep.equal({ entrance: 2 });
    expect(parseLabelQuery("406")).to.deep.equal({ room: "406" });
    for (const bad of ["", "abc", "1-2-3-4", "1号楼1号楼", "0-1-101", "1-2-0", "王阿姨", "1-2-406; drop", "x".repeat(65)]) {
      expect(parseLabelQuery(bad), bad).to.equal(undefined);
    }
  });

  it("checks an identity number's check character (GB 11643)", function () {
    expect(isValidIdNumber("11010519491231002X")).to.equal(true); // the standard's own example
    expect(isValidIdNumber("110105194912310021")).to.equal(false);
    expect(isValidIdNumber(fakeId(7))).to.equal(true);
    expect(isValidIdNumber("11010519491231002")).to.equal(false);
  });
});

describe("directory: routes, roles and purposes (whole server)", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let settings: ServerSettings;
  let unitIds: number[];
  const admin = privateKeyToAccount(DEV_KEYS[0]!);
  const account = () => privateKeyToAccount(generatePrivateKey());
  const people = {
    registrar: account(),
    staff: account(),
    alice: account(),
    bob: account(),
    mediator: account(),
    gridWorker: account(),
    propertyCompany: account(),
    utility: account(),
    partner: account(),
    auditor: account(),
    stranger: account(),
  };
  const tokens = new Map<string, string>();
  let alice: string;
  let bob: string;

  const base = () => server.url;
  // Answers are checked field by field below; their shape is the OpenAPI document's.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function call(who: keyof typeof people | "admin" | undefined, method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { "accept-language": "en" };
    if (who) headers.authorization = `Bearer ${tokens.get(who)}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${base()}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }
  async function signIn(name: string, acct: PrivateKeyAccount): Promise<void> {
    const nonce = (await (await fetch(`${base()}/api/auth/nonce`, { method: "POST" })).json()) as { nonce: string; domain: string };
    const message = createSiweMessage({ address: acct.address, chainId: CHAIN_ID, domain: nonce.domain, nonce: nonce.nonce, uri: base(), version: "1" });
    const res = await fetch(`${base()}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message, signature: await acct.signMessage({ message }) }) });
    expect(res.status).to.equal(200);
    tokens.set(name, ((await res.json()) as { token: string }).token);
  }
  async function start(): Promise<void> {
    // With a framework service whose "assign" is for staff or a grid worker: its off-chain roles are the directory's.
    server = await startServer(settings, pino({ level: "silent" }), serverRoutes, { services: [errandService] });
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    tokens.clear();
    await signIn("admin", admin);
    for (const [name, acct] of Object.entries(people)) await signIn(name, acct);
  }

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("directory");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    const registry = registryWriter(node.url, deployment.contracts.CommunityRegistry!.address);
    const estateId = await registry.createEstate(admin.address);
    const building = await registry.addBuilding(estateId);
    unitIds = await registry.registerUnits(building, [
      { area: 8945, holder: people.alice.address },
      { area: 12830, holder: people.bob.address },
      { area: 7512, holder: admin.address },
      { area: 7512, holder: admin.address },
    ]);
    const c = clients(node.url);
    await grantRole(c, deployment, "REGISTRAR_ROLE", people.registrar.address);
    await grantRole(c, deployment, "STAFF_ROLE", people.staff.address);
    settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 16, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "silent" },
      {},
    );
    await start();
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("puts every directory route in the OpenAPI document", async function () {
    const doc = (await call(undefined, "GET", "/api/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).filter((r) => r.includes("/api/directory/"));
    expect(routes.sort()).to.deep.equal([
      "GET /api/directory/people",
      "GET /api/directory/people/{personId}",
      "GET /api/directory/persons/{address}",
      "GET /api/directory/roles/{address}",
      "GET /api/directory/units",
      "GET /api/directory/units/{unitId}",
      "POST /api/directory/names",
      "POST /api/directory/organisations",
      "POST /api/directory/people",
      "POST /api/directory/people/{personId}",
      "POST /api/directory/people/{personId}/display",
      "POST /api/directory/people/{personId}/links",
      "POST /api/directory/roles",
      "POST /api/directory/units/{unitId}/label",
    ]);
  });

  it("labels units (staff, registrar, admin only) and finds them by label however it is typed", async function () {
    const [u1, u2, u3, u4] = unitIds as [number, number, number, number];
    const label = (b: number, e: number, room: string) => ({ building: b, entrance: e, room });
    expect((await call(undefined, "POST", `/api/directory/units/${u1}/label`, label(1, 2, "406"))).status).to.equal(401);
    for (const who of ["alice", "mediator", "auditor", "stranger"] as const) {
      const res = await call(who, "POST", `/api/directory/units/${u1}/label`, label(1, 2, "406"));
      expect(res.status, who).to.equal(403);
      expect(res.body.error.code).to.equal("directory_role_required");
    }
    expect((await call("staff", "POST", `/api/directory/units/${u1}/label`, label(1, 2, "406"))).body).to.include({ label: "1号楼 2单元 406", labelEn: "Bldg 1, Entrance 2, Room 406" });
    expect((await call("registrar", "POST", `/api/directory/units/${u2}/label`, label(1, 2, "407"))).status).to.equal(201);
    expect((await call("admin", "POST", `/api/directory/units/${u3}/label`, label(1, 1, "101"))).status).to.equal(201);
    const taken = await call("admin", "POST", `/api/directory/units/${u4}/label`, label(1, 2, "406"));
    expect(taken.status).to.equal(409);
    expect(taken.body.error.code).to.equal("directory_label_taken");
    expect((await call("admin", "POST", `/api/directory/units/9999/label`, label(9, 9, "909"))).body.error.code).to.equal("unknown_unit");
    await call("admin", "POST", `/api/directory/units/${u4}/label`, label(2, 1, "1806"));

    for (const q of ["1-2-406", "1号楼2单元406", "１号楼２单元４０６", "Bldg 1, Entrance 2, Room 406"]) {
      const found = await call(undefined, "GET", `/api/directory/units?q=${encodeURIComponent(q)}`);
      expect(found.body.items.map((i: { unitId: number }) => i.unitId), q).to.deep.equal([u1]);
    }
    expect((await call(undefined, "GET", `/api/directory/units?q=${encodeURIComponent("1号楼")}`)).body.items.map((i: { unitId: number }) => i.unitId)).to.deep.equal([u1, u2, u3]);
    expect((await call(undefined, "GET", `/api/directory/units?q=2-1806`)).body.items.map((i: { unitId: number }) => i.unitId)).to.deep.equal([u4]);
    expect((await call(undefined, "GET", `/api/directory/units?q=3-1-101`)).body.items).to.deep.equal([]);
    const bad = await call(undefined, "GET", `/api/directory/units?q=${encodeURIComponent("王阿姨")}`);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal("directory_bad_label_query");
    const one = await call(undefined, "GET", `/api/directory/units/${u1}`);
    expect(one.body.label).to.include({ label: "1号楼 2单元 406" });
    expect((await call(undefined, "GET", `/api/directory/units/9999`)).status).to.equal(404);
  });

  it("registers people (staff, registrar, admin only) into the vault; records carry ids and hashes, never a value", async function () {
    const body = { kind: "resident", values: ALICE, addresses: [people.alice.address], units: [unitIds[0]], displayOptIn: true };
    expect((await call(undefined, "POST", "/api/directory/people", body)).status).to.equal(401);
    for (const who of ["alice", "mediator", "gridWorker", "auditor", "stranger"] as const) {
      const res = await call(who, "POST", "/api/directory/people", body);
      expect(res.status, who).to.equal(403);
      expect(res.body.error.code).to.equal("directory_role_required");
    }
    const badId = await call("staff", "POST", "/api/directory/people", { ...body, values: { ...ALICE, idNumber: ALICE.idNumber.slice(0, 17) + (ALICE.idNumber[17] === "1" ? "2" : "1") } });
    expect(badId.status).to.equal(400);
    expect(JSON.stringify(badId.body)).not.to.include(ALICE.name);
    const created = await call("staff", "POST", "/api/directory/people", body);
    expect(created.status).to.equal(201);
    alice = created.body.personId;
    expect(alice).to.match(/^p_[0-9a-f]{24}$/);
    const b = await call("registrar", "POST", "/api/directory/people", { kind: "resident", values: BOB, addresses: [people.bob.address], units: [unitIds[1]] });
    expect(b.status).to.equal(201);
    bob = b.body.personId;
    expect((await call("admin", "POST", "/api/directory/people", { kind: "staff", values: { name: "测试社工" } })).status).to.equal(201);

    // Consents Alice gave (the vault's consent by purpose), so the table alone decides below.
    for (const purpose of ["timebank.matching", "mediation", "notifications"] as const) {
      await server.privacy.vault.grantConsent({ personId: alice, purpose, actor: actorText({ address: people.alice.address.toLowerCase() as Hex }) });
    }
    const text: string[] = [];
    for await (const entry of readJournal(server.service.store)) if (entry.record.schema === "gongzhi/offchain-record/v1") text.push(JSON.stringify(entry.record));
    const all = text.join("\n");
    expect(all).to.include("directory.person.registered").and.to.include(alice);
    for (const value of [...Object.values(ALICE), ...Object.values(BOB)]) expect(all, value).not.to.include(value);
  });

  it("grants and revokes off-chain roles (registrar or admin only), as anchored records", async function () {
    for (const role of ["mediator", "gridWorker", "propertyCompany", "utility", "partner", "auditor"] as const) {
      const body = { address: people[role].address, role, action: "grant" };
      expect((await call(undefined, "POST", "/api/directory/roles", body)).status).to.equal(401);
      for (const who of ["staff", "alice", "mediator"] as const) {
        const refused = await call(who, "POST", "/api/directory/roles", body);
        expect(refused.status, `${who} grants ${role}`).to.equal(403);
        expect(refused.body.error.code).to.equal("directory_role_required");
      }
      const granted = await call(role === "auditor" ? "admin" : "registrar", "POST", "/api/directory/roles", body);
      expect(granted.status, role).to.equal(200);
      expect(granted.body.roles).to.deep.equal([role]);
      expect((await call("registrar", "POST", "/api/directory/roles", body)).body.error.code).to.equal("directory_role_already_held");
    }
    expect((await call(undefined, "GET", `/api/directory/roles/${people.mediator.address}`)).body.roles).to.deep.equal(["mediator"]);
    const { offchainRolesOf } = await import("../../server/src/services/directory/index.js");
    expect(await offchainRolesOf(people.gridWorker.address)).to.deep.equal(["gridWorker"]);
    // Revoked, and back: the mediator's view stops and resumes with the role.
    const revoke = { address: people.mediator.address, role: "mediator", action: "revoke" };
    expect((await call("registrar", "POST", "/api/directory/roles", revoke)).body.roles).to.deep.equal([]);
    expect((await call("registrar", "POST", "/api/directory/roles", revoke)).body.error.code).to.equal("directory_role_not_held");
    const without = await call("mediator", "GET", `/api/directory/people/${alice}?purpose=mediation`);
    expect(without.status).to.equal(403);
    expect(without.body.error.code).to.equal("directory_purpose_not_allowed");
    await call("registrar", "POST", "/api/directory/roles", { ...revoke, action: "grant" });
    expect((await call("mediator", "GET", `/api/directory/people/${alice}?purpose=mediation`)).status).to.equal(200);
    const kinds: string[] = [];
    for await (const { record } of readJournal(server.service.store)) if (record.schema === "gongzhi/offchain-record/v1" && record.kind.startsWith("directory.role.")) kinds.push(`${record.kind} ${record.actor}`);
    expect(kinds.filter((k) => k.startsWith("directory.role.revoked"))).to.deep.equal([`directory.role.revoked {"address":"${people.registrar.address.toLowerCase()}"}`]);
    expect(kinds).to.have.length(8);
  });

  it("the service framework authorises by the directory's off-chain roles, granted and revoked", async function () {
    const what = `0x${"ab".repeat(32)}`;
    const opened = await call("alice", "POST", "/api/errands/open", { estateId: 1, what });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    const id = opened.body.id as string;
    const revoke = { address: people.gridWorker.address, role: "gridWorker", action: "revoke" };
    await call("registrar", "POST", "/api/directory/roles", revoke);
    const refused = await call("gridWorker", "POST", `/api/errands/${id}/assign`, { worker: "p_1" });
    expect(refused.status, "without the role").to.equal(403);
    await call("registrar", "POST", "/api/directory/roles", { ...revoke, action: "grant" });
    expect((await call("gridWorker", "POST", `/api/errands/${id}/assign`, { worker: "p_1" })).status, "with the role").to.equal(201);
  });

  it("person view: every role × purpose answers exactly the table's fields, or 403 with its code", async function () {
    const roles: [string, keyof typeof people | "admin" | undefined][] = [
      ["public", undefined],
      ["public", "stranger"],
      ["self", "alice"],
      ["staff", "staff"],
      ["registrar", "registrar"],
      ["registrar", "admin"],
      ["mediator", "mediator"],
      ["gridWorker", "gridWorker"],
      ["propertyCompany", "propertyCompany"],
      ["utility", "utility"],
      ["partner", "partner"],
      ["auditor", "auditor"],
      ["public", "bob"], // another resident is the public to Alice
    ];
    for (const [role, who] of roles) {
      for (const purpose of PURPOSES) {
        const want = expected(role, purpose);
        const res = await call(who, "GET", `/api/directory/people/${alice}?purpose=${purpose}`);
        const what = `${who ?? "anonymous"} as ${role} for ${purpose}`;
        if (!want) {
          expect(res.status, what).to.equal(403);
          expect(res.body.error.code, what).to.equal("directory_purpose_not_allowed");
          continue;
        }
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(200);
        expect(Object.keys(res.body.fields).sort(), what).to.deep.equal(want);
        for (const f of want) expect(res.body.fields[f], `${what} ${f}`).to.equal((ALICE as Record<string, string>)[f]);
        const forbidden = FIELDS.find((f) => !want.includes(f));
        if (forbidden) {
          const refused = await call(who, "GET", `/api/directory/people/${alice}?purpose=${purpose}&fields=${want[0]},${forbidden}`);
          expect(refused.status, `${what} asks ${forbidden}`).to.equal(403);
          expect(refused.body.error.code).to.equal("directory_field_not_allowed");
          expect(refused.body.error.details.field).to.equal(forbidden);
        }
        // Links (units, addresses) only for those who work with the person, never the public.
        expect(res.body.addresses !== undefined, `${what} links`).to.equal(!["public", "partner", "auditor"].includes(role));
      }
    }
    // The vault still asks for consent where the purpose rests on it: Bob never opted in nor consented.
    for (const [who, purpose] of [[undefined, "public.display"], ["mediator", "mediation"], ["staff", "timebank.matching"]] as const) {
      const res = await call(who, "GET", `/api/directory/people/${bob}?purpose=${purpose}`);
      expect(res.status, `${who} ${purpose}`).to.equal(403);
      expect(res.body.error.code).to.equal("consent_required");
    }
    expect((await call("staff", "GET", `/api/directory/people/${bob}?purpose=service.arrangement`)).body.fields).to.deep.equal({ name: BOB.name, phone: BOB.phone, household: BOB.household });
    expect((await call("staff", "GET", `/api/directory/people/p_${"0".repeat(24)}?purpose=service.arrangement`)).body.error.code).to.equal("directory_unknown_person");
    // Every value answered was read through the vault and logged with its reader and purpose.
    const log = (await server.privacy.vault.exportPerson({ personId: alice, actor: actorText({ address: people.alice.address.toLowerCase() as Hex }) })).accessLog;
    const as = (a: PrivateKeyAccount) => actorText({ address: a.address.toLowerCase() as Hex });
    expect(log.some((e) => e.actor === as(people.mediator) && e.purpose === "mediation" && e.field === "name")).to.equal(true);
    expect(log.some((e) => e.actor === actorText({ system: "public-page" }) && e.purpose === "public.display" && e.field === "displayName")).to.equal(true);
    expect(log.some((e) => e.actor === as(people.partner) && e.field !== "displayName")).to.equal(false);
    // Each read is an anchored record of the journal too (privacy/journal.ts), by ids and hashes.
    const reads: string[] = [];
    for await (const { record } of readJournal(server.service.store)) if (record.schema === "gongzhi/offchain-record/v1" && record.actor === as(people.mediator)) reads.push(record.kind);
    expect(reads.length).to.be.greaterThan(0);
  });

  it("names for addresses: unit labels and opt-in display names for everyone, names only for a purpose the role allows", async function () {
    const addresses = [people.alice.address, people.bob.address, admin.address];
    for (const who of [undefined, "stranger", "bob", "partner"] as const) {
      const res = await call(who, "POST", "/api/directory/names", { addresses });
      expect(res.status).to.equal(200);
      const [a, b, c] = res.body.items;
      expect(a).to.deep.include({ address: people.alice.address, displayName: "王阿姨" });
      expect(a.units.map((u: { label: string }) => u.label)).to.deep.equal(["1号楼 2单元 406"]);
      expect(a.name).to.equal(undefined);
      expect(b.displayName, "Bob did not opt in").to.equal(undefined);
      expect(b.units.map((u: { label: string }) => u.label)).to.deep.equal(["1号楼 2单元 407"]);
      expect(c.units.map((u: { label: string }) => u.label)).to.deep.equal(["1号楼 1单元 101", "2号楼 1单元 1806"]);
      expect(JSON.stringify(res.body)).not.to.include(ALICE.name).and.not.to.include(BOB.name);
    }
    for (const who of ["staff", "gridWorker", "propertyCompany"] as const) {
      const res = await call(who, "POST", "/api/directory/names", { addresses, purpose: "service.arrangement" });
      expect(res.body.items.map((i: { name?: string }) => i.name), who).to.deep.equal([ALICE.name, BOB.name, undefined]);
    }
    for (const [who, purpose, code] of [
      [undefined, "service.arrangement", "directory_purpose_not_allowed"],
      ["alice", "service.arrangement", "directory_purpose_not_allowed"],
      ["partner", "timebank.matching", "directory_field_not_allowed"],
      ["mediator", "service.arrangement", "directory_purpose_not_allowed"],
    ] as const) {
      const res = await call(who, "POST", "/api/directory/names", { addresses, purpose });
      expect(res.status, `${who} ${purpose}`).to.equal(403);
      expect(res.body.error.code).to.equal(code);
    }
    // Alice hides her display name herself: the public no longer sees it.
    expect((await call("bob", "POST", `/api/directory/people/${alice}/display`, { optIn: false })).body.error.code).to.equal("directory_role_required");
    expect((await call("alice", "POST", `/api/directory/people/${alice}/display`, { optIn: false })).status).to.equal(200);
    expect((await call(undefined, "POST", "/api/directory/names", { addresses })).body.items[0].displayName).to.equal(undefined);
    expect((await call(undefined, "GET", `/api/directory/people/${alice}`)).body.error.code).to.equal("consent_required");
    // Bob opts in through staff at his request, with the name he chose.
    expect((await call("staff", "POST", `/api/directory/people/${bob}/display`, { optIn: true, displayName: "老李" })).status).to.equal(200);
    expect((await call(undefined, "POST", "/api/directory/names", { addresses })).body.items[1].displayName).to.equal("老李");
    await call("alice", "POST", `/api/directory/people/${alice}/display`, { optIn: true });
  });

  it("finds residents by name for staff acting for them (service.arrangement), never for the public or a resident", async function () {
    const find = (who: keyof typeof people | undefined, q: string, purpose?: string) => call(who, "GET", `/api/directory/people?q=${encodeURIComponent(q)}${purpose ? `&purpose=${purpose}` : ""}`);
    for (const q of ["王秀英", " 王 秀英 ", "测试王"]) {
      const res = await find("staff", q);
      expect(res.status, q).to.equal(200);
      expect(res.body.items, q).to.have.length(1);
      expect(res.body.items[0]).to.deep.include({ personId: alice, name: ALICE.name, kind: "resident", addresses: [people.alice.address] });
      expect(res.body.items[0].units.map((u: { label: string }) => u.label)).to.deep.equal(["1号楼 2单元 406"]);
    }
    // "测试" is in both names; the staff member registered as kind staff is not a resident to act for.
    expect((await find("gridWorker", "测试")).body.items.map((i: { name: string }) => i.name).sort()).to.deep.equal([ALICE.name, BOB.name].sort());
    expect((await find("staff", "张三")).body.items).to.deep.equal([]);
    expect((await find(undefined, "王")).status).to.equal(401);
    for (const [who, purpose, code] of [
      ["alice", undefined, "directory_purpose_not_allowed"],
      ["stranger", undefined, "directory_purpose_not_allowed"],
      ["partner", "timebank.matching", "directory_field_not_allowed"],
      ["staff", "notifications", "directory_field_not_allowed"],
    ] as const) {
      const res = await find(who, "王", purpose);
      expect(res.status, `${who} ${purpose}`).to.equal(403);
      expect(res.body.error.code).to.equal(code);
      expect(JSON.stringify(res.body)).not.to.include(ALICE.name);
    }
    expect((await find("staff", "   ")).status).to.equal(400);
  });

  it("update and link routes: staff, registrar, admin only; links refused twice", async function () {
    const update = { values: { phone: "+86 170 0000 0009" } };
    expect((await call(undefined, "POST", `/api/directory/people/${bob}`, update)).status).to.equal(401);
    for (const who of ["bob", "alice", "mediator", "gridWorker", "auditor"] as const) {
      expect((await call(who, "POST", `/api/directory/people/${bob}`, update)).body.error.code, who).to.equal("directory_role_required");
      expect((await call(who, "POST", `/api/directory/people/${bob}/links`, { unitId: unitIds[2] })).body.error.code, who).to.equal("directory_role_required");
    }
    expect((await call("staff", "POST", `/api/directory/people/${bob}`, update)).body.fields).to.deep.equal(["phone"]);
    expect((await call("staff", "GET", `/api/directory/people/${bob}?purpose=service.arrangement&fields=phone`)).body.fields).to.deep.equal({ phone: "+86 170 0000 0009" });
    expect((await call("registrar", "POST", `/api/directory/people/${bob}/links`, { unitId: unitIds[2] })).body.units).to.deep.equal([unitIds[1], unitIds[2]]);
    expect((await call("admin", "POST", `/api/directory/people/${bob}/links`, { unitId: unitIds[2] })).body.error.code).to.equal("directory_already_linked");
    expect((await call("staff", "POST", `/api/directory/people/${bob}/links`, { unitId: unitIds[2], unlink: true })).body.units).to.deep.equal([unitIds[1]]);
    expect((await call("staff", "POST", `/api/directory/people/${bob}/links`, { unitId: unitIds[2], unlink: true })).body.error.code).to.equal("directory_not_linked");
  });

  it("organisations: registered with public names by staff, registrar or admin; shown in place of their addresses", async function () {
    const body = { kind: "partner", name: "测试社区食堂", nameEn: "Test canteen", addresses: [people.partner.address] };
    expect((await call(undefined, "POST", "/api/directory/organisations", body)).status).to.equal(401);
    for (const who of ["partner", "alice", "mediator", "auditor"] as const) {
      expect((await call(who, "POST", "/api/directory/organisations", body)).body.error.code, who).to.equal("directory_role_required");
    }
    expect((await call("staff", "POST", "/api/directory/organisations", body)).status).to.equal(201);
    const [item] = (await call(undefined, "POST", "/api/directory/names", { addresses: [people.partner.address] })).body.items;
    expect(item.organisation).to.include({ name: "测试社区食堂", nameEn: "Test canteen" });
  });

  it("the person ids an address stands for: to that address itself and to staff, never to another resident or the public (issue 15)", async function () {
    const own = await call("alice", "GET", `/api/directory/persons/${people.alice.address}`);
    expect(own.status, JSON.stringify(own.body)).to.equal(200);
    expect(own.body).to.deep.equal({ address: people.alice.address, persons: [alice] });
    expect((await call("staff", "GET", `/api/directory/persons/${people.alice.address.toLowerCase()}`)).body.persons).to.deep.equal([alice]);
    expect((await call("stranger", "GET", `/api/directory/persons/${people.stranger.address}`)).body.persons).to.deep.equal([]);
    const other = await call("bob", "GET", `/api/directory/persons/${people.alice.address}`);
    expect([other.status, other.body.error.code]).to.deep.equal([403, "forbidden"]);
    expect((await call(undefined, "GET", `/api/directory/persons/${people.alice.address}`)).status).to.equal(401);
  });

  it("the privacy routes know a person by the directory's links: Alice exports her own data, Bob cannot", async function () {
    const own = await call("alice", "GET", `/api/privacy/people/${alice}/export`);
    expect(own.status, JSON.stringify(own.body)).to.equal(200);
    expect(JSON.stringify(own.body)).to.include(ALICE.phone);
    const other = await call("bob", "GET", `/api/privacy/people/${alice}/export`);
    expect(other.status).to.equal(403);
    expect(other.body.error.code).to.equal("person_not_yours");
  });

  it("rebuilds the directory from the journal after a restart: labels, people, links, roles, opt-ins", async function () {
    await server.stop();
    await start();
    expect((await call(undefined, "GET", `/api/directory/units?q=1-2-406`)).body.items.map((i: { unitId: number }) => i.unitId)).to.deep.equal([unitIds[0]]);
    expect((await call(undefined, "GET", `/api/directory/roles/${people.mediator.address}`)).body.roles).to.deep.equal(["mediator"]);
    expect((await call(undefined, "POST", "/api/directory/names", { addresses: [people.alice.address] })).body.items[0].displayName).to.equal("王阿姨");
    expect((await call("mediator", "GET", `/api/directory/people/${alice}?purpose=mediation`)).body.fields).to.deep.equal({ name: ALICE.name, displayName: "王阿姨" });
  });
});
