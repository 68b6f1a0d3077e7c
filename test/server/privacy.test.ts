// Personal data under PIPL through the real server (issue 12 §4): the vault wired in under <dataDir>/vault, its
// access log and its changes as anchored journal records whose receipts verify-receipt accepts, a person's rights
// through the API (export, correction, erasure by crypto-shredding, consent by purpose) for the person themself or
// for staff under a recorded written authorisation, the journal's erasures replayed into a restored vault, the
// retention purge on its schedule, and the personal-data scan of every file, log line and chain event.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { keccak256, toHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { makePublicClient } from "../../server/src/chain/clients.js";
import type { Deployment } from "../../server/src/chain/deployment.js";
import { loadServerSettings, type ServerSettings } from "../../server/src/config/server.js";
import { authorizationKey } from "../../server/src/indexer/models/proxies.js";
import { actorText, type Actor } from "../../server/src/receipts/actor.js";
import { appendOffchain, readJournal, readOffchain } from "../../server/src/receipts/log.js";
import type { OffchainRecord } from "../../server/src/receipts/record.js";
import { privacyJournal } from "../../server/src/privacy/journal.js";
import { staticPersonResolver } from "../../server/src/privacy/routes.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore, readModel } from "../../server/src/store/store.js";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { commit } from "../../server/src/vault/commitment.js";
import { VaultError, type VaultErrorCode } from "../../server/src/vault/errors.js";
import type { FieldName, Purpose } from "../../server/src/vault/fields.js";
import { openLevelVaultStore } from "../../server/src/vault/store.js";
import { openVault } from "../../server/src/vault/vault.js";
import { ANCHORER_KEY, CHAIN_ID, DEV_KEYS, deployAll, anyFreePort, repoRoot, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { chainTime, writer, type Writer } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";
import { newMasterKey } from "./helpers/vault.js";

/** Invented people: the values the scan looks for. */
const PEOPLE = [
  { id: "p_1", name: "王秀英", phone: "13912345678", idNumber: "110105194001011237", household: "1号楼 2单元 406室" },
  { id: "p_2", name: "李建国", phone: "13698765432", idNumber: "11010519520202345X", household: "2号楼 1单元 302室" },
  { id: "p_3", name: "张桂兰", phone: "15811112222", idNumber: "110105196303034561", household: "3号楼 3单元 1101室" },
];
const CORRECTED_PHONE = "13700001111";
const NOTE = "与邻居因漏水纠纷，已调解。";
const PICKUP = "东门岗亭旁";
const SCOPE = { votes: 1, services: 2 } as const;
const DAY_MS = 86_400_000;

type Answer = { status: number; headers: Headers; body: Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } } };

/** `npm run verify-receipt -- <file> --rpc <url> ...args`, without blocking the event loop (kept-alive sockets live on). */
function cli(file: string, url: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, "server/src/receipts/cli.ts"), file, "--rpc", url, ...args],
      { encoding: "utf8", cwd: repoRoot, env: { ...process.env, GONGZHI_RPC_URL: "" } },
      (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

/** Every form a value is looked for in: UTF-8, UTF-16 (little and big endian), and the hex text of each. */
function forms(value: string): { form: string; bytes: Buffer }[] {
  const utf8 = Buffer.from(value, "utf8");
  const utf16le = Buffer.from(value, "utf16le");
  const utf16be = Buffer.from(utf16le).swap16();
  const out = [
    { form: "utf8", bytes: utf8 },
    { form: "utf16le", bytes: utf16le },
    { form: "utf16be", bytes: utf16be },
  ];
  for (const { form, bytes } of [...out]) {
    out.push({ form: `hex(${form})`, bytes: Buffer.from(bytes.toString("hex"), "latin1") });
    out.push({ form: `HEX(${form})`, bytes: Buffer.from(bytes.toString("hex").toUpperCase(), "latin1") });
  }
  // Digits have the same hex in both cases: each distinct byte string once.
  return out.filter((f, i) => out.findIndex((g) => g.bytes.equals(f.bytes)) === i);
}

/** The needles found in `haystack`, as "value [form] in where". */
function scan(haystack: Buffer, needles: string[], where: string): string[] {
  const hits: string[] = [];
  for (const needle of needles) for (const { form, bytes } of forms(needle)) if (haystack.includes(bytes)) hits.push(`${needle} [${form}] in ${where}`);
  return hits;
}

describe("personal data under PIPL, through the server", function () {
  this.timeout(600_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let deployment: Deployment;
  let deploymentFile: string;
  let send: Writer;
  let settings: ServerSettings;
  let server: RunningServer | undefined;
  const logLines: string[] = [];
  const staff = privateKeyToAccount(DEV_KEYS[2]!);
  const residents = Array.from({ length: 3 }, () => privateKeyToAccount(generatePrivateKey()));
  const stranger = privateKeyToAccount(generatePrivateKey());
  const auth = { services: "", votesOnly: "", otherResident: "" };
  const tokens = new Map<string, string>();
  let servicesGot: RunningServer["privacy"] | undefined;
  /** Receipts fetched before the erasure, re-verified after it. */
  const earlier: { kind: string; file: string; seq: number; leaf: Hex }[] = [];
  const lower = (a: Address) => a.toLowerCase() as Hex;

  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });

  // Each start listens on a port not used before: fetch keeps connections alive, and a socket kept from the stopped
  // server must not meet a new one on the same port.
  const usedPorts = new Set<number>();
  async function start(): Promise<void> {
    let port: number;
    do port = await anyFreePort();
    while (usedPorts.has(port));
    usedPorts.add(port);
    server = await startServer({ ...settings, port }, pino({ level: "debug" }, sink), serverRoutes, {
      // Services are made with what the server provides: the vault they hold personal data in.
      services: ({ privacy }) => {
        servicesGot = privacy;
        return [];
      },
      personsOf: staticPersonResolver({ [residents[0]!.address]: ["p_1"], [residents[1]!.address]: ["p_2"], [residents[2]!.address]: ["p_3"] }),
    });
    tokens.clear();
  }

  async function stop(): Promise<void> {
    await server?.stop();
    server = undefined;
  }

  async function call(method: "GET" | "POST", path_: string, body?: unknown, options: { token?: string; lang?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { "content-type": "application/json", "accept-language": options.lang ?? "en" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${server!.url}${path_}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Answer["body"] };
  }

  async function tokenOf(account: PrivateKeyAccount): Promise<string> {
    const known = tokens.get(account.address);
    if (known) return known;
    const { body } = await call("POST", "/api/auth/nonce");
    const message = createSiweMessage({ address: account.address, chainId: CHAIN_ID, domain: body.domain as string, nonce: body.nonce as string, uri: server!.url, version: "1", issuedAt: new Date(Date.now() - 1000) });
    const answer = await call("POST", "/api/auth/sign-in", { message, signature: await account.signMessage({ message }) });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    tokens.set(account.address, answer.body.token as string);
    return answer.body.token as string;
  }

  const as = async (account: PrivateKeyAccount, method: "GET" | "POST", path_: string, body?: unknown, lang?: string) => call(method, path_, body, { token: await tokenOf(account), lang });

  async function records(kind?: string, personId?: string): Promise<OffchainRecord[]> {
    const out: OffchainRecord[] = [];
    for await (const entry of readJournal(server!.service.store)) {
      const r = entry.record as OffchainRecord;
      if (kind !== undefined && r.kind !== kind) continue;
      if (personId !== undefined && (JSON.parse(r.payload) as { personId?: string }).personId !== personId) continue;
      out.push(r);
    }
    return out;
  }

  /** The receipt of an off-chain record once its batch is anchored, written to a file. */
  async function receiptFile(recordId: number, name: string): Promise<{ file: string; seq: number; leaf: Hex }> {
    const entry = (await readOffchain(server!.service.store, recordId))!;
    let answer: Answer | undefined;
    await waitFor(`receipt of record ${recordId}`, async () => (answer = await call("GET", `/api/receipts/${entry.seq}`)).status === 200, 60_000);
    const file = path.join(tmp.dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(answer!.body));
    return { file, seq: entry.seq, leaf: (answer!.body as { leaf: Hex }).leaf };
  }

  async function expectVerified(file: string, seq: number): Promise<void> {
    const run = await cli(file, node.url, "--deployment", deploymentFile, "--record", String(seq));
    expect(run.status, `${run.stdout}\n${run.stderr}`).to.equal(0);
    expect(run.stdout).to.match(/verified/i);
  }

  async function vaultCode(promise: Promise<unknown>): Promise<VaultErrorCode | "no error"> {
    try {
      await promise;
      return "no error";
    } catch (error) {
      if (error instanceof VaultError) return error.code;
      throw error;
    }
  }

  const readAs = (actor: Actor, personId: string, field: FieldName, purpose: Purpose) => server!.privacy.vault.read({ actor: actorText(actor), purpose, personId, field });

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("privacy");
    const deployed = await deployAll(node.url, tmp.dir);
    deployment = deployed.deployment;
    deploymentFile = deployed.file;
    send = writer(node.url, deployment);
    const registry = deployment.contracts.CommunityRegistry!.address;
    const staffRole = (await makePublicClient(node.url, CHAIN_ID).readContract({ address: registry, abi: loadArtifact("CommunityRegistry").abi, functionName: "STAFF_ROLE" })) as Hex;
    await send(DEV_KEYS[0]!, "CommunityRegistry", "grantRole", [staffRole, staff.address]);
    await rpc(node.url, "hardhat_setBalance", [staff.address, `0x${(10n ** 20n).toString(16)}`]);
    const expires = (await chainTime(node.url)) + 30 * 86_400;
    const record = async (resident: Address, scopes: number, paper: string) =>
      String((await send(DEV_KEYS[2]!, "ProxyAuthorizations", "record", [resident, scopes, 0n, expires, keccak256(toHex(paper))])).find((e) => e.eventName === "AuthorizationRecorded")!.args.authorizationId);
    auth.services = await record(residents[0]!.address, SCOPE.services, "授权书 1");
    auth.votesOnly = await record(residents[0]!.address, SCOPE.votes, "授权书 2");
    auth.otherResident = await record(residents[1]!.address, SCOPE.services, "授权书 3");

    settings = loadServerSettings(
      {
        rpcUrl: node.url,
        chainId: CHAIN_ID,
        deployment: deploymentFile,
        dataDir: path.join(tmp.dir, "server"),
        port: 0,
        mode: "development",
        pollMs: 200,
        batchSeconds: 1,
        logLevel: "debug",
        vaultRetention: "location=1",
        vaultPurgeEverySeconds: 1,
      },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    await start();
    await waitFor("the authorisations indexed", async () => (await readModel(server!.service.store, "proxyAuthorizations", authorizationKey(auth.otherResident))) !== undefined, 30_000);
    // The directory's import (issue 12 §3) writes through the vault the server exposes to services.
    const importer = actorText({ system: "directory-import" });
    for (const p of PEOPLE) {
      for (const field of ["name", "phone", "idNumber", "household"] as const) await server!.privacy.vault.write({ personId: p.id, field, value: p[field], actor: importer });
    }
    await server!.privacy.vault.write({ personId: "p_1", field: "note:mediation-1", value: NOTE, actor: importer });
  });

  after(async function () {
    await stop();
    await node?.stop();
    tmp?.remove();
  });

  it("opens the vault under <dataDir>/vault with a development key it announces, and lists the rights routes in the OpenAPI document", async function () {
    expect(statSync(path.join(settings.dataDir, "vault", "vault-master.key")).mode & 0o777).to.equal(0o600);
    expect(statSync(path.join(settings.dataDir, "vault", "keys")).isDirectory()).to.equal(true);
    expect(logLines.join("")).to.match(/development vault master key created at [^"]*vault-master\.key/);
    expect(servicesGot).to.equal(server!.privacy);
    const paths = Object.keys(((await call("GET", "/api/openapi.json")).body as { paths: Record<string, unknown> }).paths);
    expect(paths).to.include.members([
      "/api/privacy/people/{personId}/export",
      "/api/privacy/people/{personId}/consents",
      "/api/privacy/people/{personId}/corrections",
      "/api/privacy/people/{personId}/erasure",
    ]);
    // The seeding writes are journal records too (ids and hashes only).
    const written = await records("vault.written", "p_1");
    expect(written.map((r) => JSON.parse(r.payload).field)).to.have.members(["name", "phone", "idNumber", "household", "note:mediation-1"]);
    expect(JSON.parse(written[0]!.actor)).to.deep.equal({ system: "directory-import" });
    expect(Object.keys(JSON.parse(written[0]!.payload)).sort()).to.deep.equal(["category", "ciphertextHash", "field", "personId"]);
  });

  it("refuses callers who may not act for the person with clear 4xx codes in zh and en, and changes nothing", async function () {
    const before = (await records()).length;
    const noSession = await call("GET", "/api/privacy/people/p_1/export");
    expect([noSession.status, noSession.body.error?.code]).to.deep.equal([401, "unauthenticated"]);
    const other = await as(residents[1]!, "GET", "/api/privacy/people/p_1/export");
    expect([other.status, other.body.error?.code]).to.deep.equal([403, "person_not_yours"]);
    expect(other.body.error!.message).to.include("p_1").and.include("written authorisation");
    const otherZh = await as(residents[1]!, "POST", "/api/privacy/people/p_1/corrections", { field: "phone", value: CORRECTED_PHONE }, "zh-CN");
    expect([otherZh.status, otherZh.body.error?.code]).to.deep.equal([403, "person_not_yours"]);
    expect(otherZh.body.error!.message).to.include("书面授权");
    // An authorisation is staff's to invoke, for the resident it names, in the services scope.
    const notStaff = await as(stranger, "GET", `/api/privacy/people/p_1/export?authorisation=${auth.services}`);
    expect([notStaff.status, notStaff.body.error?.code]).to.deep.equal([403, "proxy_staff_only"]);
    const cases: [string, string][] = [
      ["999", "unknown"],
      [auth.votesOnly, "scope"],
      [auth.otherResident, "resident"],
    ];
    for (const [id, reason] of cases) {
      const refused = await as(staff, "POST", "/api/privacy/people/p_1/erasure", { confirm: "p_1", authorisation: id });
      expect([refused.status, refused.body.error?.code, (refused.body.error?.details as { reason: string }).reason], id).to.deep.equal([403, "proxy_not_authorised", reason]);
      const zh = await as(staff, "POST", "/api/privacy/people/p_1/erasure", { confirm: "p_1", authorisation: id }, "zh-CN");
      expect(zh.body.error!.message).to.include("代办授权").and.not.match(/\{\w+\}/);
    }
    const unconfirmed = await as(residents[0]!, "POST", "/api/privacy/people/p_1/erasure", { confirm: "p_2" });
    expect([unconfirmed.status, unconfirmed.body.error?.code]).to.deep.equal([400, "erasure_not_confirmed"]);
    const badField = await as(residents[0]!, "POST", "/api/privacy/people/p_1/corrections", { field: "faces", value: "x" });
    expect([badField.status, badField.body.error?.code]).to.deep.equal([400, "invalid_request"]);
    const badPerson = await as(residents[0]!, "GET", "/api/privacy/people/%E7%8E%8B/export");
    expect([badPerson.status, badPerson.body.error?.code]).to.deep.equal([400, "invalid_request"]);
    const notHeld = await as(residents[0]!, "POST", "/api/privacy/people/p_1/corrections", { field: "displayName", value: "王阿姨" });
    expect([notHeld.status, notHeld.body.error?.code]).to.deep.equal([404, "value_not_found"]);
    expect(await server!.privacy.vault.status("p_1")).to.deep.equal({ state: "active" });
    expect((await records()).length, "no record for a refused request").to.equal(before);
  });

  it("exports everything held about a person as a JSON file; each read is an anchored vault.accessed record (ids and hashes) whose receipt verify-receipt accepts", async function () {
    const own = await as(residents[0]!, "GET", "/api/privacy/people/p_1/export");
    expect(own.status, JSON.stringify(own.body)).to.equal(200);
    expect(own.headers.get("content-disposition")).to.equal('attachment; filename="gongzhi-p_1.json"');
    const values = Object.fromEntries((own.body.values as { field: string; value: string }[]).map((v) => [v.field, v.value]));
    expect(values).to.deep.equal({ name: PEOPLE[0]!.name, phone: PEOPLE[0]!.phone, idNumber: PEOPLE[0]!.idNumber, household: PEOPLE[0]!.household, "note:mediation-1": NOTE });
    expect(own.body).to.include({ format: "gongzhi-person-export/1", status: "active", personId: "p_1" });
    // Staff under the resident's authorisation: the same export, and every read names the proxy.
    const proxied = await as(staff, "GET", `/api/privacy/people/p_1/export?authorisation=${auth.services}`);
    expect(proxied.status, JSON.stringify(proxied.body)).to.equal(200);
    const log = proxied.body.accessLog as { actor: string; purpose: string }[];
    expect(log.filter((e) => e.purpose === "subject.request")).to.have.length(10);

    const accessed = await records("vault.accessed", "p_1");
    expect(accessed).to.have.length(10);
    const actors = accessed.map((r) => JSON.parse(r.actor) as Actor);
    expect(actors.slice(0, 5)).to.deep.equal(Array(5).fill({ address: lower(residents[0]!.address) }));
    expect(actors.slice(5)).to.deep.equal(Array(5).fill({ address: lower(staff.address), onBehalfOf: "p_1", authorisation: auth.services }));
    for (const r of accessed) {
      const payload = JSON.parse(r.payload) as Record<string, string>;
      expect(Object.keys(payload).sort()).to.deep.equal(["ciphertextHash", "entryId", "field", "personId", "purpose"]);
      expect(payload.ciphertextHash).to.match(/^[0-9a-f]{64}$/);
      expect(r.id).to.equal(payload.entryId);
    }
    const one = await receiptFile(accessed[5]!.recordId, "accessed");
    await expectVerified(one.file, one.seq);
    earlier.push({ kind: "vault.accessed", ...one });
    const written = await receiptFile((await records("vault.written", "p_1"))[1]!.recordId, "written");
    earlier.push({ kind: "vault.written", ...written });
  });

  it("reads fail closed: a read whose access record cannot be appended is refused, and so is a change the journal cannot record", async function () {
    // A vault over a journal whose store is closed (a disk gone away): real LevelDB, real journal code.
    const dir = tempDir("privacy-closed");
    try {
      const store = await openStore(path.join(dir.dir, "indexer"), [], logEntryEncoding);
      const journal = privacyJournal({ store, lock: createLock(), chainId: CHAIN_ID });
      const vaultStore = await openLevelVaultStore(path.join(dir.dir, "vault"));
      const vault = await openVault({ store: vaultStore, masterKey: newMasterKey(), accessLog: journal.accessLog, journal: journal.record });
      const actor = actorText({ address: lower(staff.address) });
      await vault.write({ personId: "p_9", field: "phone", value: PEOPLE[2]!.phone, actor });
      expect(await vault.read({ actor, purpose: "service.arrangement", personId: "p_9", field: "phone" })).to.equal(PEOPLE[2]!.phone);
      await closeStore(store);
      expect(await vaultCode(vault.read({ actor, purpose: "service.arrangement", personId: "p_9", field: "phone" }))).to.equal("access_log_failed");
      expect(await vaultCode(vault.write({ personId: "p_9", field: "name", value: PEOPLE[2]!.name, actor }))).to.equal("journal_failed");
      expect(await vaultCode(vault.correct({ personId: "p_9", field: "phone", value: CORRECTED_PHONE, actor }))).to.equal("journal_failed");
      expect(await vaultCode(vault.grantConsent({ personId: "p_9", purpose: "mediation", actor }))).to.equal("journal_failed");
      expect(await vaultCode(vault.erase({ personId: "p_9", actor }))).to.equal("journal_failed");
      // Nothing changed: the old value stands, nothing was added, the person is not erased, no consent.
      expect((await vaultStore.values("p_9")).map((v) => v.field)).to.deep.equal(["phone"]);
      expect(await vault.status("p_9")).to.deep.equal({ state: "active" });
      expect(await vault.hasConsent("p_9", "mediation")).to.equal(false);
      await vault.close();
    } finally {
      dir.remove();
    }
  });

  it("consent by purpose, granted and withdrawn through the API, gates reads; photos and locations need their own consent with evidence", async function () {
    const mediator: Actor = { address: lower(stranger.address) };
    expect(await vaultCode(readAs(mediator, "p_2", "phone", "mediation"))).to.equal("consent_required");
    const granted = await as(residents[1]!, "POST", "/api/privacy/people/p_2/consents", { purpose: "mediation", granted: true });
    expect(granted.status, JSON.stringify(granted.body)).to.equal(201);
    expect(await readAs(mediator, "p_2", "phone", "mediation")).to.equal(PEOPLE[1]!.phone);
    // A general consent does not reach sensitive data: a photo needs the photos consent, given with evidence.
    expect(await vaultCode(server!.privacy.vault.write({ personId: "p_2", field: "photo:door", value: keccak256(toHex("门牌照片")), actor: actorText(mediator) }))).to.equal("consent_required");
    const noEvidence = await as(residents[1]!, "POST", "/api/privacy/people/p_2/consents", { purpose: "photos", granted: true });
    expect([noEvidence.status, noEvidence.body.error?.code]).to.deep.equal([400, "separate_consent_evidence_required"]);
    const photos = await as(residents[1]!, "POST", "/api/privacy/people/p_2/consents", { purpose: "photos", granted: true, evidence: keccak256(toHex("单独同意书")) });
    expect(photos.status, JSON.stringify(photos.body)).to.equal(201);
    const withdrawn = await as(residents[1]!, "POST", "/api/privacy/people/p_2/consents", { purpose: "mediation", granted: false });
    expect(withdrawn.status).to.equal(201);
    expect(await vaultCode(readAs(mediator, "p_2", "phone", "mediation"))).to.equal("consent_required");
    // Another basis than consent (arranging a service the person asked for) is not affected.
    expect(await readAs(mediator, "p_2", "phone", "service.arrangement")).to.equal(PEOPLE[1]!.phone);
    const state = await as(residents[1]!, "GET", "/api/privacy/people/p_2/consents");
    expect(state.body.current).to.deep.include({ mediation: false, photos: true, locations: false });

    const consents = [...(await records("vault.consentGranted", "p_2")), ...(await records("vault.consentWithdrawn", "p_2"))].sort((a, b) => a.recordId - b.recordId);
    expect(consents.map((r) => [r.kind, JSON.parse(r.payload).purpose])).to.deep.equal([
      ["vault.consentGranted", "mediation"],
      ["vault.consentGranted", "photos"],
      ["vault.consentWithdrawn", "mediation"],
    ]);
    expect(JSON.parse(consents[0]!.actor)).to.deep.equal({ address: lower(residents[1]!.address) });
    const receipt = await receiptFile(consents[2]!.recordId, "withdrawn");
    await expectVerified(receipt.file, receipt.seq);
    earlier.push({ kind: "vault.consentWithdrawn", ...receipt });
  });

  it("corrects a value through the API: a vault.corrected record with both ciphertext hashes, and reads give the new value", async function () {
    const corrected = await as(residents[0]!, "POST", "/api/privacy/people/p_1/corrections", { field: "phone", value: CORRECTED_PHONE });
    expect(corrected.status, JSON.stringify(corrected.body)).to.equal(200);
    expect(await readAs({ address: lower(staff.address) }, "p_1", "phone", "service.arrangement")).to.equal(CORRECTED_PHONE);
    const [record] = await records("vault.corrected", "p_1");
    const payload = JSON.parse(record!.payload) as Record<string, string>;
    expect(payload).to.include({ field: "phone", ciphertextHash: corrected.body.ciphertextHash, previousCiphertextHash: corrected.body.previousCiphertextHash });
    expect(payload.previousCiphertextHash).to.not.equal(payload.ciphertextHash);
  });

  it("erasure end to end: reads fail everywhere, the export says erased, commitments lead to no one, person.erased is anchored, every earlier receipt still verifies, and a restored vault is erased again", async function () {
    // A service record that refers to the phone by a salted commitment, its salt kept in the vault (as services do).
    const salted = commit(CORRECTED_PHONE);
    await server!.privacy.vault.write({ personId: "p_1", field: "note:phone-salt", value: salted.salt, actor: actorText({ system: "example-service" }) });
    const [service] = await appendOffchain(server!.service.store, server!.service.lock, CHAIN_ID, [
      { kind: "example.contacted", id: "case-1", at: Math.floor(Date.now() / 1000), actor: { address: lower(staff.address) }, payload: { personId: "p_1", phone: salted.commitment } },
    ]);
    const serviceReceipt = await receiptFile(service!.recordId, "service");
    earlier.push({ kind: "example.contacted", ...serviceReceipt });

    // Last night's backup of the vault, for the restore below (taken with the server stopped).
    await stop();
    const backup = path.join(tmp.dir, "vault-backup");
    cpSync(path.join(settings.dataDir, "vault"), backup, { recursive: true });
    await start();

    const journalBefore = await records();
    const erased = await as(staff, "POST", "/api/privacy/people/p_1/erasure", { confirm: "p_1", authorisation: auth.services });
    expect(erased.status, JSON.stringify(erased.body)).to.equal(200);
    expect(erased.body.fields).to.have.members(["name", "phone", "idNumber", "household", "note:mediation-1", "note:phone-salt"]);
    const again = await as(residents[0]!, "POST", "/api/privacy/people/p_1/erasure", { confirm: "p_1" });
    expect(again.body).to.deep.equal(erased.body); // asked again: the same facts, and no second record
    const erasures = await records("person.erased", "p_1");
    expect(erasures).to.have.length(1);
    expect(JSON.parse(erasures[0]!.actor)).to.deep.equal({ address: lower(staff.address), onBehalfOf: "p_1", authorisation: auth.services });
    expect(JSON.parse(erasures[0]!.payload)).to.deep.include({ personId: "p_1", subject: "erased", dataKeyHash: erased.body.dataKeyHash, masterKeyId: erased.body.masterKeyId });

    // Reads fail everywhere: the vault, the API's correction and consent, a staff read for any purpose.
    for (const field of ["name", "phone", "note:phone-salt"] as const) expect(await vaultCode(readAs({ address: lower(staff.address) }, "p_1", field, "service.arrangement"))).to.equal("subject_erased");
    const correction = await as(residents[0]!, "POST", "/api/privacy/people/p_1/corrections", { field: "phone", value: PEOPLE[0]!.phone });
    expect([correction.status, correction.body.error?.code]).to.deep.equal([410, "subject_erased"]);
    const correctionZh = await as(residents[0]!, "POST", "/api/privacy/people/p_1/corrections", { field: "phone", value: PEOPLE[0]!.phone }, "zh-CN");
    expect(correctionZh.body.error!.message).to.include("已于").and.include("删除");
    const consent = await as(residents[0]!, "POST", "/api/privacy/people/p_1/consents", { purpose: "mediation", granted: true });
    expect([consent.status, consent.body.error?.code]).to.deep.equal([410, "subject_erased"]);
    const exported = await as(residents[0]!, "GET", "/api/privacy/people/p_1/export");
    expect(exported.status).to.equal(200);
    expect(exported.body).to.include({ status: "erased", erasedAt: erased.body.erasedAt });
    expect(exported.body.values).to.deep.equal([]);
    expect((exported.body.accessLog as unknown[]).length).to.be.at.least(10); // ids and hashes stay
    expect(JSON.stringify(exported.body)).to.not.include(PEOPLE[0]!.name);

    // The journal kept every earlier record unchanged; the commitment no longer leads to anyone (its salt is gone).
    const journalAfter = await records();
    expect(journalAfter.slice(0, journalBefore.length)).to.deep.equal(journalBefore);
    const kept = (await readOffchain(server!.service.store, service!.recordId))!;
    expect((kept.record as OffchainRecord).payload).to.include(salted.commitment);
    expect(kept.leaf).to.equal(serviceReceipt.leaf);

    // The erasure's own record is anchored and verifies; so does every receipt given before it.
    const erasureReceipt = await receiptFile(erasures[0]!.recordId, "erased");
    await expectVerified(erasureReceipt.file, erasureReceipt.seq);
    expect(earlier.length).to.be.at.least(4);
    for (const r of earlier) {
      await expectVerified(r.file, r.seq);
      expect(((await call("GET", `/api/receipts/${r.seq}`)).body as { leaf: Hex }).leaf, r.kind).to.equal(r.leaf);
    }

    // A vault restored from the backup made before the erasure: the journal's erasure is replayed as it opens.
    await stop();
    rmSync(path.join(settings.dataDir, "vault"), { recursive: true });
    cpSync(backup, path.join(settings.dataDir, "vault"), { recursive: true });
    rmSync(backup, { recursive: true });
    await start();
    expect(await server!.privacy.vault.status("p_1")).to.deep.include({ state: "erased" });
    expect(await vaultCode(readAs({ address: lower(staff.address) }, "p_1", "phone", "service.arrangement"))).to.equal("subject_erased");
    const replays = await records("person.erased", "p_1");
    expect(replays.map((r) => JSON.parse(r.actor))).to.deep.equal([erasures[0]!.actor, '{"system":"erasure-replay"}'].map((a) => JSON.parse(a)));
    expect(await readAs({ address: lower(staff.address) }, "p_2", "name", "service.arrangement")).to.equal(PEOPLE[1]!.name);
  });

  it("the retention purge runs on its schedule, and its result is an anchored vault.purged record", async function () {
    // A pick-up point written two days ago, under a separate consent given the day before; locations are kept one
    // day here (GONGZHI_VAULT_RETENTION=location=1).
    await server!.privacy.vault.grantConsent({ personId: "p_3", purpose: "locations", actor: actorText({ address: lower(residents[2]!.address) }), evidence: "form-2026-031", now: Date.now() - 3 * DAY_MS });
    await server!.privacy.vault.write({ personId: "p_3", field: "location:pickup", value: PICKUP, actor: actorText({ system: "directory-import" }), now: Date.now() - 2 * DAY_MS });
    let purged: OffchainRecord | undefined;
    await waitFor("a scheduled purge", async () => {
      purged = (await records("vault.purged")).find((r) => r.payload.includes("location:pickup"));
      return purged !== undefined;
    }, 30_000);
    expect(JSON.parse(purged!.payload)).to.deep.equal({ values: [{ personId: "p_3", field: "location:pickup", category: "location" }] });
    expect(JSON.parse(purged!.actor)).to.deep.equal({ system: "retention" });
    expect(await vaultCode(readAs({ address: lower(staff.address) }, "p_3", "location:pickup", "locations"))).to.equal("value_not_found");
    expect(await readAs({ address: lower(staff.address) }, "p_3", "phone", "service.arrangement")).to.equal(PEOPLE[2]!.phone);
    const receipt = await receiptFile(purged!.recordId, "purged");
    await expectVerified(receipt.file, receipt.seq);
  });

  it("THE PERSONAL-DATA SCAN: no name, phone, ID number, household, note or place in any file of the data directory, any log line, or any chain event or transaction", async function () {
    const needles = [...PEOPLE.flatMap((p) => [p.name, p.phone, p.idNumber, p.household]), CORRECTED_PHONE, NOTE, PICKUP];
    // The scan can fail: a file holding a name in UTF-16, or a phone as hex text, is found.
    const probe = path.join(tmp.dir, "probe.bin");
    writeFileSync(probe, Buffer.concat([Buffer.from("x"), Buffer.from(PEOPLE[0]!.name, "utf16le"), Buffer.from(Buffer.from(PEOPLE[1]!.phone).toString("hex"))]));
    expect(scan(readFileSync(probe), needles, "probe")).to.have.length(2);
    rmSync(probe);

    // Values were read back and exported through the API while the server ran (the earlier tests); stop it so every
    // store is closed, then read every byte it left: LevelDB tables, uncompacted logs, manifests, the key file.
    await stop();
    const hits: string[] = [];
    const all = files(settings.dataDir);
    expect(all.some((f) => /\.log$/.test(f) && f.includes(`${path.sep}vault${path.sep}data`))).to.equal(true);
    expect(all.some((f) => f.includes(`${path.sep}indexer${path.sep}`))).to.equal(true);
    for (const file of all) hits.push(...scan(readFileSync(file), needles, path.relative(settings.dataDir, file)));
    expect(logLines.length).to.be.greaterThan(50);
    hits.push(...scan(Buffer.from(logLines.join(""), "utf8"), needles, "the server's log"));

    const head = Number(await rpc<string>(node.url, "eth_blockNumber"));
    const logs = await rpc<{ topics: Hex[]; data: Hex }[]>(node.url, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }]);
    expect(logs.length).to.be.greaterThan(10);
    for (const log of logs) hits.push(...scan(Buffer.from([...log.topics, log.data].map((h) => h.slice(2)).join(""), "hex"), needles, "a chain event"));
    for (let n = 0; n <= head; n++) {
      const block = await rpc<{ transactions: { input: Hex; hash: Hex }[] }>(node.url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, true]);
      for (const tx of block.transactions) hits.push(...scan(Buffer.from(tx.input.slice(2), "hex"), needles, `transaction ${tx.hash}`));
    }
    expect(hits).to.deep.equal([]);
  });

  it("rotates the vault's master key as it starts when a previous key is configured, and refuses the retired key afterwards", async function () {
    const oldKey = readFileSync(path.join(settings.dataDir, "vault", "vault-master.key"), "utf8").trim();
    const newKey = randomBytes(32).toString("hex");
    const original = settings;
    try {
      settings = { ...original, vaultMasterKey: newKey, vaultPreviousMasterKey: oldKey };
      const lines = logLines.length;
      await start();
      const rotated = logLines.slice(lines).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => /master key rotated/.test(String(l.msg)));
      expect(rotated).to.include({ rewrapped: 2 }); // p_2 and p_3; p_1's key was destroyed
      expect(JSON.stringify(logLines.slice(lines))).to.not.include(newKey).and.not.include(oldKey);
      expect(await readAs({ address: lower(staff.address) }, "p_2", "name", "service.arrangement")).to.equal(PEOPLE[1]!.name);
      await stop();
      settings = { ...original, vaultMasterKey: newKey };
      await start();
      expect(await readAs({ address: lower(staff.address) }, "p_3", "phone", "service.arrangement")).to.equal(PEOPLE[2]!.phone);
      await stop();
      settings = { ...original, vaultMasterKey: newKey, vaultPreviousMasterKey: oldKey };
      const refused = await start().then(
        () => "started",
        (error: unknown) => (error instanceof VaultError ? error.code : String(error)),
      );
      expect(refused).to.equal("master_key_retired");
    } finally {
      settings = original;
    }
  });
});
