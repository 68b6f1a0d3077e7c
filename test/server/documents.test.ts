// The document store (issue 12 §2) against the whole server (startServer over a Hardhat node process and LevelDB)
// after the scripted history: round trips with hash checks, refusals (too large before reading, wrong type by
// the bytes, wrong role, a restricted scan asked for by the public), idempotent uploads, scans encrypted at rest
// and never logged, the anchored `document.stored` record whose receipt verifies, and a proposal stored first and
// then opened as a vote whose API answer shows its text. The decisions are also checked as plain data.
import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { keccak256, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { grantRole } from "../../server/src/chain/deploy.js";
import type { Deployment } from "../../server/src/chain/deployment.js";
import { loadServerSettings } from "../../server/src/config/server.js";
import { artifactAbiOf } from "../../server/src/receipts/abis.js";
import { readOffchain } from "../../server/src/receipts/log.js";
import { pinOf, verifyReceipt } from "../../server/src/receipts/verify.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { parseProposal, proposalBytes, proposalInput } from "../../server/src/services/documents/proposal.js";
import { decideRead, decideStore, decideUpload } from "../../server/src/services/documents/rules.js";
import { detectType } from "../../server/src/services/documents/sniff.js";
import type { DocumentMeta } from "../../server/src/services/documents/types.js";
import { journalIndex } from "../../server/src/services/documents/journal.js";
import { levelServiceStorage } from "../../server/src/services/framework/index.js";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore } from "../../server/src/store/store.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { chainTime, playHistory, writer, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";
import { rawRequest, requestBytes } from "./helpers/raw-http.js";

type Json = Record<string, unknown>;
type ErrorAnswer = { error: { code: string; message: string; details?: Json } };

/** A small but real one-page PDF (the demo's generator). */
function pdf(text: string): Buffer {
  const body = `%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${text}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}
/** PNG bytes: the signature, then a text chunk holding `text` (as a scanned form's metadata might). */
function png(text: string): Buffer {
  const data = Buffer.from(`Comment\0${text}`, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), length, Buffer.from("tEXt"), data, Buffer.alloc(4)]);
}
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const WEBP = Buffer.concat([Buffer.from("RIFF"), Buffer.from([0x10, 0, 0, 0]), Buffer.from("WEBPVP8 ")]);
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]);

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: Buffer): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) hits.push(...filesContaining(file, needle));
    else if (readFileSync(file).includes(needle)) hits.push(file);
  }
  return hits;
}

describe("documents: decisions as plain data", function () {
  const hash = keccak256(new Uint8Array([1])) as `0x${string}`;
  const committee = ["committee:1"];
  const base = { hash, detected: "application/pdf" as const, declared: "application/pdf", size: 100, class: "attachment" as const, uploader: "0x00000000000000000000000000000000000000aa" as const, roles: committee };
  const stored: DocumentMeta = { hash, type: "application/pdf", size: 100, class: "attachment", uploader: base.uploader, storedAt: 1, recordId: "7" };

  it("recognises each type by its magic number, not by what it is called", function () {
    expect(detectType(pdf("x"))).to.equal("application/pdf");
    expect(detectType(png("x"))).to.equal("image/png");
    expect(detectType(JPEG)).to.equal("image/jpeg");
    expect(detectType(WEBP)).to.equal("image/webp");
    expect(detectType(Buffer.from("加装电梯\n方案全文", "utf8"))).to.equal("text/plain");
    expect(detectType(ELF)).to.equal(undefined);
    expect(detectType(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]))).to.equal(undefined); // 你好 in GBK: not UTF-8
    expect(detectType(Buffer.from("RIFF\0\0\0\0WAVE"))).to.equal(undefined);
  });

  it("given nothing stored, an upload by its class's role is recorded; given it stored, nothing more", function () {
    const first = decideUpload(undefined, base);
    expect(first.kind).to.equal("store");
    expect(first.kind === "store" && first.record).to.deep.equal({ kind: "document.stored", id: hash, payload: { hash, type: "application/pdf", size: 100, class: "attachment", uploader: base.uploader } });
    expect(decideUpload(stored, base)).to.deep.equal({ kind: "exists", meta: stored });
  });

  it("refuses the wrong role, type, size, hash and class, each with its code", function () {
    const refused = (d: ReturnType<typeof decideUpload>) => (d.kind === "refused" ? [d.error.status, d.error.code] : d.kind);
    expect(refused(decideUpload(undefined, { ...base, roles: ["custodian"] }))).to.deep.equal([403, "document_forbidden"]);
    expect(refused(decideUpload(undefined, { ...base, class: "paper-ballot" }))).to.deep.equal([403, "document_forbidden"]);
    expect(refused(decideUpload(undefined, { ...base, declared: "application/zip" }))).to.deep.equal([415, "document_type_unsupported"]);
    expect(refused(decideUpload(undefined, { ...base, detected: "image/png" }))).to.deep.equal([415, "document_type_mismatch"]);
    expect(refused(decideUpload(undefined, { ...base, detected: undefined }))).to.deep.equal([415, "document_type_mismatch"]);
    expect(refused(decideUpload(undefined, { ...base, size: 10 * 1024 * 1024 + 1 }))).to.deep.equal([413, "document_too_large"]);
    expect(refused(decideUpload(undefined, { ...base, size: 0 }))).to.deep.equal([400, "document_empty"]);
    expect(refused(decideUpload(undefined, { ...base, expectedHash: keccak256(new Uint8Array([2])) }))).to.deep.equal([422, "document_hash_mismatch"]);
    expect(refused(decideStore({ ...stored, class: "paper-ballot" }, { hash, type: "application/pdf", size: 100, class: "attachment", uploader: base.uploader }))).to.deep.equal([409, "document_class_conflict"]);
  });

  it("a public document is read by anyone; a scan only by staff and the auditor", function () {
    expect(decideRead(stored, hash, undefined)).to.equal(undefined);
    const scan = { ...stored, class: "paper-ballot" as const };
    expect(decideRead(scan, hash, undefined)?.code).to.equal("document_restricted");
    expect(decideRead(scan, hash, ["committee:1", "custodian"])?.status).to.equal(403);
    expect(decideRead(scan, hash, ["auditor"])).to.equal(undefined);
    expect(decideRead(scan, hash, ["staff"])).to.equal(undefined);
    expect(decideRead(undefined, hash, ["auditor"])?.status).to.equal(404);
  });

  it("a proposal's bytes are canonical: the same proposal always hashes the same, and parse back", function () {
    const input = { kind: "vote" as const, matter: "UseFund" as const, title: { zh: "屋面防水维修", en: "Roof waterproofing" }, text: "全文", attachments: [] };
    const reordered = { text: "全文", attachments: [], title: { en: "Roof waterproofing", zh: "屋面防水维修" }, matter: "UseFund" as const, kind: "vote" as const };
    expect(keccak256(proposalBytes(input))).to.equal(keccak256(proposalBytes(reordered)));
    expect(new TextDecoder().decode(proposalBytes(input))).to.equal('{"attachments":[],"kind":"vote","matter":"UseFund","schema":"gongzhi/proposal/v1","text":"全文","title":{"en":"Roof waterproofing","zh":"屋面防水维修"}}');
    expect(parseProposal(proposalBytes(input))?.title.zh).to.equal("屋面防水维修");
    expect(parseProposal(Buffer.from("{}"))).to.equal(undefined);
  });

  it("a committee election is one paper (kind election) and a vote per candidate naming it; other shapes are refused", function () {
    const paper = { kind: "election" as const, matter: "ElectCommittee" as const, title: { zh: "第二届业主委员会选举" }, text: "选举说明", attachments: [], candidates: [{ displayName: "1号楼 王阿姨" }, { displayName: "2号楼 孙先生" }] };
    expect(proposalInput.safeParse(paper).success).to.equal(true);
    const election = keccak256(proposalBytes(paper));
    const candidate = { kind: "vote" as const, matter: "ElectCommittee" as const, title: { zh: "候选人 1号楼 王阿姨" }, text: "同意、反对或弃权", attachments: [], candidates: [{ displayName: "1号楼 王阿姨" }], election };
    expect(parseProposal(proposalBytes(candidate))?.election).to.equal(election);
    const refusedAt = (input: unknown) => (proposalInput.safeParse(input).error?.issues ?? []).map((i) => i.path.join("."));
    expect(refusedAt({ ...candidate, candidates: paper.candidates }), "a candidate's vote names one candidate").to.deep.equal(["candidates"]);
    expect(refusedAt({ ...candidate, matter: "UseFund", candidates: undefined }), "only an election's vote names one").to.include("election");
    expect(refusedAt({ ...paper, election }), "a paper names no other paper").to.deep.equal(["election"]);
    expect(refusedAt({ ...paper, matter: undefined })).to.include("matter");
    expect(refusedAt({ ...candidate, election: "0x1234" })).to.deep.equal(["election"]);
  });
});

describe("documents: the journal index on a real LevelDB", function () {
  it("a crash between the atomic write and the record id's fill-in is repaired from the journal, once", async function () {
    const dir = tempDir("documents-index");
    const store = await openStore(dir.dir, [], logEntryEncoding);
    try {
      const storage = levelServiceStorage(store, createLock(), CHAIN_ID);
      const index = journalIndex(storage);
      const hash = keccak256(pdf("crash window"));
      const uploader = "0x00000000000000000000000000000000000000aa" as const;
      // Another record first, so the document's record id is not 0 by chance.
      await index.record({ hash: keccak256(pdf("earlier")), type: "application/pdf", size: 10, class: "attachment", uploader }, 100);
      // What the atomic write leaves if the process dies before the fill-in: the record, and metadata without its id.
      const [appended] = await storage.append(
        [{ kind: "document.stored", id: hash, at: 101, actor: { address: uploader }, payload: { class: "attachment", hash, size: 20, type: "application/pdf" } }],
        [{ model: "documents", key: hash, value: { hash, type: "application/pdf", size: 20, class: "attachment", uploader, storedAt: 101, recordId: "" } }],
      );
      expect(appended!.recordId).to.equal(1);
      expect((await index.get(hash))?.recordId).to.equal("1");
      expect((await storage.get<DocumentMeta>("documents", hash))?.recordId, "kept once found").to.equal("1");
    } finally {
      await closeStore(store);
      dir.remove();
    }
  });
});

describe("documents: the store through the whole server", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let history: History;
  let deployment: Deployment;
  let deploymentFile: string;
  let server: RunningServer;
  let port: number;
  const logLines: string[] = [];
  const tokens: Record<string, string> = {};
  const auditor = privateKeyToAccount(generatePrivateKey());
  const stranger = privateKeyToAccount(generatePrivateKey());
  const attachment = pdf("Building 1 roof waterproofing: drawings and quote");

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("documents");
    const deployed = await deployAll(node.url, tmp.dir);
    deployment = deployed.deployment;
    deploymentFile = deployed.file;
    history = await playHistory(node.url, deployment);
    await grantRole(clients(node.url), deployment, "AUDITOR_ROLE", auditor.address);
    const settings = loadServerSettings(
      {
        rpcUrl: node.url,
        chainId: CHAIN_ID,
        deployment: deployed.file,
        dataDir: path.join(tmp.dir, "server"),
        port: 0,
        mode: "development",
        pollMs: 50,
        batchLeaves: 4,
        batchSeconds: 0,
        rateLimitPerMinute: 1_000_000,
        logLevel: "info",
      },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    // Every log line is kept: no document's content may appear in any of them.
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        logLines.push(String(chunk));
        callback();
      },
    });
    server = await startServer(settings, pino({ level: "info" }, sink), serverRoutes);
    port = Number(new URL(server.url).port);
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    const accounts: Record<string, PrivateKeyAccount> = {
      committee: privateKeyToAccount(history.committee[0]!.key),
      custodian: privateKeyToAccount(history.custodian.key),
      staff: privateKeyToAccount(history.staff.key),
      auditor,
      stranger,
    };
    for (const [name, account] of Object.entries(accounts)) tokens[name] = await signIn(account);
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  const base = () => `http://127.0.0.1:${port}`;
  async function call(p: string, init: RequestInit & { as?: string } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (init.as) headers.set("authorization", `Bearer ${tokens[init.as]}`);
    return fetch(`${base()}${p}`, { ...init, headers });
  }
  async function json<T>(p: string, init?: RequestInit): Promise<T> {
    const res = await fetch(`${base()}${p}`, init);
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  async function signIn(account: PrivateKeyAccount): Promise<string> {
    const { nonce, domain } = await json<{ nonce: string; domain: string }>("/api/auth/nonce", { method: "POST" });
    const message = createSiweMessage({ address: account.address, chainId: CHAIN_ID, domain, nonce, uri: base(), version: "1" });
    const signature = await account.signMessage({ message });
    const { token } = await json<{ token: string }>("/api/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message, signature }) });
    return token;
  }
  const upload = (bytes: Buffer, type: string, cls: string, as?: string, extra = "") =>
    call(`/api/documents?class=${cls}${extra}`, { method: "POST", headers: { "content-type": type }, body: new Uint8Array(bytes), as });
  async function refusal(res: Response, status: number, code: string): Promise<ErrorAnswer["error"]> {
    const body = (await res.json()) as ErrorAnswer;
    expect([res.status, body.error.code], body.error.message).to.deep.equal([status, code]);
    return body.error;
  }
  const storedRecords = async () => (await json<{ items: { recordId: string }[] }>("/api/records?event=document.stored&limit=500")).items;

  it("round trip: a committee member stores a PDF; anyone fetches the same bytes by their keccak256", async function () {
    const res = await upload(attachment, "application/pdf", "attachment", "committee");
    expect(res.status).to.equal(201);
    const meta = (await res.json()) as Json;
    expect(meta).to.include({ hash: keccak256(attachment), type: "application/pdf", size: attachment.length, class: "attachment", public: true, uploader: history.committee[0]!.address.toLowerCase() });
    const fetched = await call(`/api/documents/${keccak256(attachment)}`);
    expect(fetched.status).to.equal(200);
    expect(fetched.headers.get("content-type")).to.equal("application/pdf");
    expect(fetched.headers.get("content-security-policy")).to.match(/sandbox/);
    const bytes = new Uint8Array(await fetched.arrayBuffer());
    expect(keccak256(bytes)).to.equal(meta.hash);
    expect(Buffer.from(bytes).equals(attachment)).to.equal(true);
    // The hash in upper case names the same document; an unknown one is 404.
    expect((await call(`/api/documents/${keccak256(attachment).toUpperCase().replace("0X", "0x")}/meta`)).status).to.equal(200);
    await refusal(await call(`/api/documents/${keccak256(new Uint8Array([9]))}`), 404, "document_not_found");
    await refusal(await call(`/api/documents/not-a-hash`), 400, "invalid_request");
    // Plain UTF-8 text comes back as text, with its charset.
    const text = Buffer.from("1号楼屋面防水维修 施工公告\n施工期间请关好窗户。\n", "utf8");
    expect((await upload(text, "text/plain; charset=utf-8", "attachment", "committee")).status).to.equal(201);
    const fetchedText = await call(`/api/documents/${keccak256(text)}`);
    expect(fetchedText.headers.get("content-type")).to.equal("text/plain; charset=utf-8");
    expect(await fetchedText.text()).to.equal(text.toString("utf8"));
  });

  it("the same bytes twice are one document and one record; at once, too", async function () {
    const before = (await storedRecords()).length;
    const again = await upload(attachment, "application/pdf", "attachment", "committee");
    expect(again.status).to.equal(200);
    const invoice = pdf("Invoice: roof repair, CNY 55,950.00");
    const answers = await Promise.all([1, 2, 3, 4].map(() => upload(invoice, "application/pdf", "payment", "custodian")));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 200, 200, 201]);
    const ids = new Set(await Promise.all(answers.map(async (a) => ((await a.json()) as Json).recordId)));
    expect(ids.size).to.equal(1);
    expect((await storedRecords()).length).to.equal(before + 1);
    // The same bytes under another class are refused, and change nothing.
    await refusal(await upload(invoice, "application/pdf", "attachment", "committee"), 409, "document_class_conflict");
    expect((await storedRecords()).length).to.equal(before + 1);
  });

  it("refuses a document too large before reading it, with the limit in the message", async function () {
    // 20 MiB declared, a few bytes sent: the answer comes at once and the rest is never read.
    const head = requestBytes("POST", "/api/documents?class=attachment", { "content-type": "application/pdf", "content-length": String(20 * 1024 * 1024), authorization: `Bearer ${tokens.committee}`, "accept-language": "en" }, "%PDF-1.4\n");
    const res = await rawRequest(port, head, { timeoutMs: 5000 });
    expect(res.status).to.equal(413);
    const body = JSON.parse(res.body) as ErrorAnswer;
    expect(body.error.code).to.equal("document_too_large");
    expect(body.error.message).to.contain("10 MiB");
    expect(body.error.details).to.deep.include({ type: "application/pdf", limitBytes: 10 * 1024 * 1024 });
    // Sent without a length (chunked), it is cut off at the type's limit: 512 KiB for text, in Chinese by default.
    const big = Buffer.alloc(512 * 1024 + 1, "字");
    const chunked = await call("/api/documents?class=attachment", { method: "POST", headers: { "content-type": "text/plain" }, body: new Blob([big]).stream(), as: "committee", duplex: "half" } as RequestInit & { as: string });
    const error = await refusal(chunked, 413, "document_too_large");
    expect(error.message).to.contain("512 KiB");
    expect(error.message).to.match(/文件过大/);
  });

  it("refuses the wrong type by the bytes, not by the Content-Type, in both languages", async function () {
    const mismatch = await refusal(await upload(png("not a pdf"), "application/pdf", "attachment", "committee"), 415, "document_type_mismatch");
    expect(mismatch.details).to.deep.equal({ declared: "application/pdf", detected: "image/png" });
    const elf = await call("/api/documents?class=attachment", { method: "POST", headers: { "content-type": "text/plain", "accept-language": "en" }, body: new Uint8Array(ELF), as: "committee" });
    expect((await refusal(elf, 415, "document_type_mismatch")).message).to.match(/declared text\/plain, but the bytes are unrecognised/);
    const zip = await refusal(await upload(Buffer.from("PK\x03\x04"), "application/zip", "attachment", "committee"), 415, "document_type_unsupported");
    expect(zip.message).to.contain("application/pdf ≤ 10 MiB");
    // A scan of signed paper is an image or a PDF, never text.
    await refusal(await upload(Buffer.from("ballot"), "text/plain", "paper-ballot", "staff"), 415, "document_type_not_for_class");
    await refusal(await upload(attachment, "application/pdf", "attachment", "committee", `&hash=${keccak256(new Uint8Array([1]))}`), 422, "document_hash_mismatch");
    await refusal(await upload(Buffer.alloc(0), "application/pdf", "attachment", "committee"), 400, "document_empty");
  });

  it("refuses the wrong role: signed out 401, a role that does not own the class 403", async function () {
    await refusal(await upload(pdf("x"), "application/pdf", "attachment"), 401, "unauthenticated");
    await refusal(await upload(pdf("x"), "application/pdf", "attachment", "stranger"), 403, "document_forbidden");
    await refusal(await upload(png("x"), "image/png", "paper-ballot", "custodian"), 403, "document_forbidden");
    const en = await call("/api/documents?class=payment", { method: "POST", headers: { "content-type": "application/pdf", "accept-language": "en" }, body: new Uint8Array(pdf("x")), as: "staff" });
    expect((await refusal(en, 403, "document_forbidden")).message).to.equal("Only the custodian bank or an owners' committee member may store documents of class contract, invoice or acceptance report; sign in with an account that holds that role and upload again.");
    await refusal(await call("/api/documents?class=secret", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(pdf("x")), as: "committee" }), 400, "invalid_request");
  });

  it("a scanned paper ballot is sealed at rest, shown to staff and the auditor only, and never logged", async function () {
    const marker = "纸质选票 王秀英 3号楼2单元402 13800138000";
    const scan = png(marker);
    const res = await upload(scan, "image/png", "paper-ballot", "staff");
    expect(res.status).to.equal(201);
    const meta = (await res.json()) as Json;
    expect(meta).to.include({ class: "paper-ballot", public: false });
    const url = `/api/documents/${keccak256(scan)}`;
    await refusal(await call(url), 403, "document_restricted");
    await refusal(await call(url, { as: "committee" }), 403, "document_restricted");
    await refusal(await call(`${url}/meta`, { as: "stranger" }), 403, "document_restricted");
    for (const reader of ["auditor", "staff"]) {
      const read = await call(url, { as: reader });
      expect(read.status, reader).to.equal(200);
      expect(read.headers.get("cache-control")).to.equal("private, no-store");
      expect(Buffer.from(await read.arrayBuffer()).equals(scan), reader).to.equal(true);
    }
    // Nothing in the data directory holds the scan's bytes or its text; no log line does either.
    await server.stop(); // flushes LevelDB so every byte is on disk
    const dataDir = path.join(tmp.dir, "server");
    expect(filesContaining(dataDir, Buffer.from(marker, "utf8"))).to.deep.equal([]);
    expect(filesContaining(dataDir, scan.subarray(8))).to.deep.equal([]);
    expect(logLines.filter((l) => l.includes("王秀英") || l.includes("13800138000"))).to.deep.equal([]);
    expect(logLines.some((l) => l.includes('"route":"/api/documents"'))).to.equal(true);
    // Restarted on the same data, the sealed scan opens again (the development key is read from the data directory).
    const settings = loadServerSettings({ rpcUrl: node.url, chainId: CHAIN_ID, deployment: deploymentFile, dataDir, port, mode: "development", pollMs: 50, batchLeaves: 4, batchSeconds: 0, rateLimitPerMinute: 1_000_000, logLevel: "warn" }, { GONGZHI_ANCHORER_KEY: ANCHORER_KEY });
    server = await startServer(settings, pino({ level: "warn" }, new Writable({ write: (c, _e, cb) => (logLines.push(String(c)), cb()) })), serverRoutes);
    for (const [name, account] of Object.entries({ auditor, committee: privateKeyToAccount(history.committee[0]!.key), staff: privateKeyToAccount(history.staff.key), custodian: privateKeyToAccount(history.custodian.key), stranger })) tokens[name] = await signIn(account);
    const again = await call(url, { as: "auditor" });
    expect(Buffer.from(await again.arrayBuffer()).equals(scan)).to.equal(true);
  });

  it("each upload is an anchored document.stored record (no content) whose receipt verifies against the chain", async function () {
    const res = await upload(pdf("Acceptance report: roof, Building 1"), "application/pdf", "payment", "custodian");
    const meta = (await res.json()) as { recordId: string; hash: string };
    // The answer names the record by its journal id (stable), as the off-chain receipt route takes it.
    const entry = await readOffchain(server.service.store, Number(meta.recordId));
    expect(entry?.record).to.deep.include({ kind: "document.stored", id: meta.hash, recordId: Number(meta.recordId) });
    const receipt = await (async () => {
      for (let i = 0; i < 200; i++) {
        const r = await call(`/api/receipts/offchain/${meta.recordId}`);
        if (r.status === 200) return (await r.json()) as { record: { kind: string; id: string; actor: string; payload: string } };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error("no receipt within 20 s");
    })();
    expect(receipt.record.kind).to.equal("document.stored");
    expect(receipt.record.id).to.equal(meta.hash);
    const payload = JSON.parse(receipt.record.payload) as Json;
    expect(Object.keys(payload).sort()).to.deep.equal(["class", "hash", "size", "type"]);
    expect(JSON.parse(receipt.record.actor)).to.deep.equal({ address: history.custodian.address.toLowerCase() });
    const report = await verifyReceipt(receipt, clients(node.url).publicClient, { pin: pinOf(deployment), abiOf: artifactAbiOf(deployment) });
    expect(report.ok, JSON.stringify(report.steps.at(-1))).to.equal(true);
  });

  it("a proposal stored first, then a vote opened with its hash: the vote's answer shows its text", async function () {
    const attachmentHash = keccak256(attachment);
    const proposal = {
      kind: "vote",
      matter: "UseFund",
      title: { zh: "1号楼屋面防水维修", en: "Building 1 roof waterproofing repair" },
      text: "一、维修原因：1号楼顶层多户反映雨天渗水。\n二、维修方案：铲除旧防水层，铺设SBS改性沥青防水卷材两道。\n三、预算：186,500元，从本楼维修资金中按面积分摊。",
      attachments: [{ hash: attachmentHash, name: "施工图纸与报价 / drawings and quote" }],
    };
    const post = (body: unknown, as = "committee") => call("/api/documents/proposals", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), as });
    await refusal(await post(proposal, "staff"), 403, "document_forbidden");
    await refusal(await post({ ...proposal, attachments: [{ hash: keccak256(new Uint8Array([7])), name: "x" }] }), 422, "document_attachment_missing");
    await refusal(await post({ ...proposal, attachments: [{ hash: keccak256(png("纸质选票 王秀英 3号楼2单元402 13800138000")), name: "x" }] }), 422, "document_attachment_restricted");
    await refusal(await post({ ...proposal, matter: "ElectCommittee" }), 400, "invalid_request");
    const phone = await refusal(await post({ ...proposal, matter: "ElectCommittee", candidates: [{ displayName: "李先生 138 0013 8000" }] }), 400, "invalid_request");
    expect(JSON.stringify(phone.details)).to.contain("no phone or ID number");
    const stored = await post(proposal);
    expect(stored.status).to.equal(201);
    const { hash } = (await stored.json()) as { hash: Hex };
    expect(hash).to.equal(keccak256(proposalBytes(proposal as Parameters<typeof proposalBytes>[0])));
    expect((await post(proposal)).status).to.equal(200);

    // The committee opens the vote with that hash as its contentHash.
    const now = await chainTime(node.url);
    const events = await writer(node.url, deployment)(history.committee[0]!.key, "OwnersVote", "openVote", [history.estateId, 0, 4, hash, now + 5, now + 86400, 1_000_000n]);
    const voteId = String(events.find((e) => e.eventName === "VoteOpened")!.args.voteId);
    const vote = await (async () => {
      for (let i = 0; i < 200; i++) {
        const r = await call(`/api/votes/${voteId}`, { headers: { "accept-language": "en" } });
        if (r.status === 200) return (await r.json()) as { contentHash: string; title?: Json; proposal: Json };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error("vote not indexed");
    })();
    expect(vote.contentHash).to.equal(hash);
    expect(vote.title).to.deep.equal(proposal.title);
    expect(vote.proposal).to.deep.include({ stored: true, text: proposal.text, documentUrl: `/api/documents/${hash}`, matter: "UseFund" });
    expect(vote.proposal.attachments).to.deep.equal([{ hash: attachmentHash, name: proposal.attachments[0]!.name, url: `/api/documents/${attachmentHash}` }]);
    const bytes = new Uint8Array(await (await call(`/api/documents/${hash}`)).arrayBuffer());
    expect(keccak256(bytes)).to.equal(hash);
    // A vote whose proposal this server does not hold says so, in the reader's language.
    const other = await json<{ proposal: Json; title?: unknown }>(`/api/votes/${history.openVote}`, { headers: { "accept-language": "en" } });
    expect(other.title).to.equal(undefined);
    expect(other.proposal).to.deep.include({ stored: false, code: "proposal_not_stored" });
    expect(other.proposal.note).to.match(/^The proposal text is not stored here/);
    const plan = await json<{ document: Json }>(`/api/fund/plans/${history.votePlan}`);
    expect(plan.document).to.deep.include({ stored: false, code: "proposal_not_stored" });
    expect(plan.document.note).to.match(/本服务器未保存/);
  });

  it("lists every document route in the OpenAPI document, the upload with its raw media types", async function () {
    const doc = await json<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> }>("/api/openapi.json");
    expect(Object.keys(doc.paths)).to.include.members(["/api/documents", "/api/documents/proposals", "/api/documents/{hash}", "/api/documents/{hash}/meta"]);
    expect(Object.keys(doc.paths["/api/documents"]!.post!.requestBody!.content)).to.deep.equal(["application/pdf", "image/png", "image/jpeg", "image/webp", "text/plain"]);
  });
});
