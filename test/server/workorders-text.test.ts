// What residents and parties write on a work order, end to end through the real server (real Hardhat node,
// LevelDB and vault): the text goes into the vault as a note of its own, the record holds a salted commitment;
// its writer, the order's party and staff read it through the audited path, nobody else, and never in a public
// answer, a record or a log; a refused request leaves nothing readable in the vault; an erased text is gone.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { noteHolder } from "../../server/src/vault/index.js";
import { CHAIN_ID, clients, deployAll, anyFreePort, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient } from "./helpers/siwe-http.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";

type Item = { version: number; event: string; mine: boolean; text: string | null };

describe("work orders: what people write, kept in the vault (real server, node, LevelDB and vault)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const logs: string[] = [];
  const plumberKey: Hex = generatePrivateKey();
  const plumber = privateKeyToAccount(plumberKey);
  const { call, signIn, token } = httpClient(() => server.url, CHAIN_ID);
  /** A small PNG of its own (the signature, then bytes no other file has). */
  const png = () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(48)]);
  const upload = async (who: string | undefined, bytes: Buffer, cls = "workorder-photo", type = "image/png") => {
    const res = await fetch(`${server.url}/api/documents?class=${cls}`, { method: "POST", headers: { "content-type": type, "accept-language": "en", ...(who ? { authorization: `Bearer ${token(who)}` } : {}) }, body: new Uint8Array(bytes) });
    return { status: res.status, body: await res.json() };
  };
  const photo = async (who: string | undefined, id: string, hash: string) => {
    const res = await fetch(`${server.url}/api/workorders/${id}/photos/${hash}`, { headers: who ? { authorization: `Bearer ${token(who)}` } : {} });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
  };
  // Invented, with a phone in the unused range: personal data a resident might well write.
  const SECRET = "厨房水管爆了，家里只有我母亲在，请打 +86 100 0000 4417 找王秀英";
  const JOINED = "楼下也在漏水，我是502的住户";
  const FIX = "更换了三通阀，已试压 30 分钟无渗漏";

  const report = (extra: Record<string, unknown> = {}, building = 3) => ({ channel: "resident", serviceCode: "burst-pipe", place: { estateId: 1, building }, ...extra });
  const records = async () => {
    const out: { kind: string; id: string; payload: Record<string, unknown> }[] = [];
    for await (const r of server.engine.storage.records(0)) out.push(r as never);
    return out;
  };
  /** The note holders written to the vault so far (its `vault.written` records). */
  const holdersWritten = async () => (await records()).filter((r) => r.kind === "vault.written" && String(r.payload.personId).startsWith("t_")).map((r) => String(r.payload.personId));
  const texts = async (who: string | undefined, id: string) => call(who, "GET", `/api/workorders/${id}/texts`);

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("workorders-text");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    await rpc(node.url, "hardhat_setBalance", [plumber.address, "0x56BC75E2D63100000"]);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 16, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "debug" },
      {},
    );
    const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
    server = await startServer(settings, pino({ level: "debug" }, sink), serverRoutes);
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    await signIn("staff", history.staff.key);
    await signIn("plumber", plumberKey);
    await signIn("r1", history.members.r1.key);
    await signIn("r2", history.members.rc.key);
    await signIn("other", history.members.v1.key);
    expect((await call("staff", "POST", "/api/workorders/parties/assign", { member: plumber.address.toLowerCase(), party: "water" })).status).to.equal(201);
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("a report's text goes to the vault; its writer, the party and staff read it, another resident and the public do not", async function () {
    const first = await call("r1", "POST", "/api/workorders/report", report({ text: `  ${SECRET}  ` }));
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    const id = first.body.id as string;
    const reported = (await records()).find((r) => r.kind === "workorder.reported" && r.id === id)!;
    const commitment = reported.payload.description as string;
    expect(commitment, "the record holds a salted commitment").to.match(/^0x[0-9a-f]{64}$/);
    expect(reported.payload).to.not.have.property("text");
    expect((await server.privacy.vault.status(noteHolder(commitment))).state, "the note is its own vault subject").to.equal("active");

    const own = await texts("r1", id);
    expect(own.status, JSON.stringify(own.body)).to.equal(200);
    expect(own.body.photos).to.deep.equal([]);
    expect(own.body.items).to.deep.equal([{ version: 1, event: "reported", at: own.body.items[0].at, mine: true, text: SECRET }]);
    expect((await texts("plumber", id)).body.items.map((i: Item) => [i.text, i.mine])).to.deep.equal([[SECRET, false]]);
    expect((await texts("staff", id)).body.items.map((i: Item) => i.text)).to.deep.equal([SECRET]);
    const other = await texts("other", id);
    expect([other.status, other.body.error.code]).to.deep.equal([403, "workorder_text_forbidden"]);
    expect(other.body.error.message).to.be.a("string").and.not.include(SECRET);
    expect((await texts(undefined, id)).status).to.equal(401);

    // Each read was an audited vault read, under the reader and the purpose.
    const accessed = (await records()).filter((r) => r.kind === "vault.accessed" && r.payload.personId === noteHolder(commitment));
    expect(accessed.map((r) => r.payload.purpose)).to.deep.equal(["subject.request", "service.arrangement", "service.arrangement"]);

    // A duplicate's text is its writer's: the first reporter does not see it; the party does.
    const dup = await call("r2", "POST", "/api/workorders/report", report({ text: JOINED }));
    expect(dup.body).to.include({ id });
    expect((await texts("r1", id)).body.items.map((i: Item) => i.text)).to.deep.equal([SECRET]);
    expect((await texts("r2", id)).body.items.map((i: Item) => [i.event, i.text])).to.deep.equal([["joined", JOINED]]);
    expect((await texts("plumber", id)).body.items.map((i: Item) => i.text)).to.deep.equal([SECRET, JOINED]);

    // The fix's note: for the party, staff and the reporters.
    for (const step of ["accept", "start"]) expect((await call("plumber", "POST", `/api/workorders/${id}/${step}`, {})).status).to.equal(201);
    const fixed = await call("plumber", "POST", `/api/workorders/${id}/resolve`, { photos: [], text: FIX });
    expect(fixed.status, JSON.stringify(fixed.body)).to.equal(201);
    expect((await texts("r1", id)).body.items.map((i: Item) => [i.event, i.text])).to.deep.equal([["reported", SECRET], ["resolved", FIX]]);

    // Nowhere public, in no record, in no log.
    const publicAnswers = [
      await call(undefined, "GET", `/api/workorders/${id}`),
      await call(undefined, "GET", `/api/workorders/${id}/history`),
      await call(undefined, "GET", "/api/workorders/open?estate=1"),
      await call("r1", "GET", "/api/workorders/mine"),
      await call("plumber", "GET", "/api/workorders/queue"),
      await call(undefined, "GET", `/open311/v2/requests/${id}.json`),
    ];
    const journal = JSON.stringify(await records());
    for (const secret of [SECRET, JOINED, FIX, "100 0000 4417", "王秀英"]) {
      for (const answer of publicAnswers) expect(JSON.stringify(answer.body), "a public answer").to.not.include(secret);
      expect(journal, "the journal").to.not.include(secret);
      expect(logs.join(""), "the logs").to.not.include(secret);
    }
    expect(logs.join("")).to.include("/api/workorders/:id/texts");
  });

  it("refused requests leave no readable text in the vault; a repeat with the same Idempotency-Key keeps one note", async function () {
    const before = await holdersWritten();
    const unknown = await call("r1", "POST", "/api/workorders/report", { ...report({ text: "未知类别的说明 A" }), serviceCode: "no-such-thing" });
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([400, "workorder_unknown_category"]);
    const twice = await call("r1", "POST", "/api/workorders/report", report({ text: "说明 B", description: `0x${"ab".repeat(32)}` }, 5), { "accept-language": "zh-CN" });
    expect([twice.status, twice.body.error.code]).to.deep.equal([400, "workorder_text_twice"]);
    expect(twice.body.error.message).to.match(/[\u4e00-\u9fff]/);
    const tooLong = await call("r1", "POST", "/api/workorders/report", report({ text: "长".repeat(2001) }, 5));
    expect([tooLong.status, tooLong.body.error.code]).to.deep.equal([400, "invalid_request"]);
    const open = await call("r1", "POST", "/api/workorders/report", report({}, 6));
    const wrongParty = await call("r1", "POST", `/api/workorders/${open.body.id}/return`, { reason: "other", text: "不是承办单位写的" });
    expect([wrongParty.status, wrongParty.body.error.code]).to.deep.equal([403, "workorder_wrong_party"]);
    const returned = await call("plumber", "POST", `/api/workorders/${open.body.id}/return`, { reason: "other", text: "不归我们管" });
    expect(returned.status, JSON.stringify(returned.body)).to.equal(201);
    const closedReturn = await call("plumber", "POST", `/api/workorders/${open.body.id}/return`, { reason: "other", text: "再退一次" });
    expect([closedReturn.status, closedReturn.body.error.code]).to.deep.equal([409, "workorder_wrong_status"]);

    const written = (await holdersWritten()).filter((h) => !before.includes(h));
    const kept = (await records()).filter((r) => r.kind.startsWith("workorder.")).map((r) => (r.payload.description ?? r.payload.note) as string | undefined).filter(Boolean).map((c) => noteHolder(c!));
    // Written then erased (the unknown category, text and commitment both, the wrong party, the second return); kept: the one return that stood.
    expect(written.filter((h) => kept.includes(h))).to.have.lengthOf(1);
    for (const holder of written.filter((h) => !kept.includes(h))) expect((await server.privacy.vault.status(holder)).state, holder).to.equal("erased");
    expect(written.length).to.equal(5);

    // A repeat answers as the first time and writes no second note.
    const at = (await holdersWritten()).length;
    const a = await call("r1", "POST", "/api/workorders/report", report({ text: "同一个请求" }, 8), { "idempotency-key": "text-repeat-1" });
    const b = await call("r1", "POST", "/api/workorders/report", report({ text: "同一个请求" }, 8), { "idempotency-key": "text-repeat-1" });
    expect(a.status, JSON.stringify(a.body)).to.equal(201);
    expect(b.body).to.deep.equal(a.body);
    expect((await holdersWritten()).length - at).to.equal(1);
  });

  it("an erased text is gone: its readers get null, the order stands", async function () {
    const made = await call("r1", "POST", "/api/workorders/report", report({ text: "请在下午两点后上门" }, 9));
    const id = made.body.id as string;
    const reported = (await records()).find((r) => r.kind === "workorder.reported" && r.id === id)!;
    await server.privacy.vault.erase({ personId: noteHolder(reported.payload.description as string), actor: '{"system":"test"}' });
    const after = await texts("r1", id);
    expect(after.status).to.equal(200);
    expect(after.body.items).to.deep.equal([{ version: 1, event: "reported", at: after.body.items[0].at, mine: true, text: null }]);
    expect((await call(undefined, "GET", `/api/workorders/${id}`)).body).to.include({ status: "dispatched" });
  });

  it("photos are sealed documents: a resident's with the report, the party's with the fix; served to the reporter, the party and staff only; a photo not stored, or another's, is refused and nothing is written", async function () {
    const mine = png();
    const stored = await upload("r1", mine);
    expect(stored.status, JSON.stringify(stored.body)).to.equal(201);
    expect(stored.body).to.include({ class: "workorder-photo", public: false });
    const hash = stored.body.hash as string;
    expect((await upload(undefined, png())).status, "signed out").to.equal(401);
    const pdf = await upload("r1", Buffer.from("%PDF-1.4 not a photo"), "workorder-photo", "application/pdf");
    expect([pdf.status, pdf.body.error.code]).to.deep.equal([415, "document_type_not_for_class"]);
    // Through the document store itself: staff only, never the public.
    expect((await fetch(`${server.url}/api/documents/${hash}`)).status).to.equal(403);

    const notes = (await holdersWritten()).length;
    const orders = (await call("staff", "GET", "/api/workorders/all?limit=100")).body.items.length;
    const others = await call("r2", "POST", "/api/workorders/report", report({ text: "别人的照片", photos: [hash] }, 11));
    expect([others.status, others.body.error.code], "another's photo").to.deep.equal([400, "workorder_photo_unknown"]);
    const unknown = await call("r1", "POST", "/api/workorders/report", report({ text: "没有存的照片", photos: [`0x${"cd".repeat(32)}`] }, 11), { "accept-language": "zh-CN" });
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([400, "workorder_photo_unknown"]);
    expect(unknown.body.error.message).to.match(/[\u4e00-\u9fff]/);
    const attachment = await upload("staff", png(), "paper-ballot");
    expect(attachment.status, JSON.stringify(attachment.body)).to.equal(201);
    const wrongClass = await call("staff", "POST", "/api/workorders/report", { channel: "hotline", serviceCode: "burst-pipe", place: { estateId: 1, building: 11 }, reporter: history.members.r1.address.toLowerCase(), photos: [attachment.body.hash], onBehalfOf: history.members.r1.address, authorisation: history.authorizations.r1 });
    expect([wrongClass.status, wrongClass.body.error.code], "a document of another class").to.deep.equal([400, "workorder_photo_unknown"]);
    expect((await holdersWritten()).length, "no note was written for a refused photo").to.equal(notes);
    expect((await call("staff", "GET", "/api/workorders/all?limit=100")).body.items.length, "no order was made").to.equal(orders);

    const made = await call("r1", "POST", "/api/workorders/report", report({ text: "照片里是爆开的接头", photos: [hash] }, 11));
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    const id = made.body.id as string;
    for (const who of ["r1", "plumber", "staff"]) {
      const got = await photo(who, id, hash);
      expect(got.status, who).to.equal(200);
      expect(got.bytes.equals(mine), who).to.equal(true);
      expect(got.headers.get("cache-control")).to.equal("private, no-store");
    }
    expect((await photo("other", id, hash)).status).to.equal(403);
    expect((await photo(undefined, id, hash)).status).to.equal(401);
    const elsewhere = await call("r1", "POST", "/api/workorders/report", { ...report({}, 12), serviceCode: "street-light" });
    expect((await photo("r1", elsewhere.body.id, hash)).status, "a photo through an order that does not name it").to.equal(404);

    // The fix's photo: the party member's own upload.
    const fixBytes = png();
    const fixPhoto = (await upload("plumber", fixBytes)).body.hash as string;
    for (const step of ["accept", "start"]) expect((await call("plumber", "POST", `/api/workorders/${id}/${step}`, {})).status).to.equal(201);
    const fixed = await call("plumber", "POST", `/api/workorders/${id}/resolve`, { photos: [fixPhoto], text: "换了新接头" });
    expect(fixed.status, JSON.stringify(fixed.body)).to.equal(201);
    expect((await photo("r1", id, fixPhoto)).bytes.equals(fixBytes), "the reporter sees the fix").to.equal(true);
    expect((await texts("r1", id)).body.photos, "the photos the reporter may open").to.deep.equal([hash, fixPhoto]);

    // Public answers say how many photos, never which; the bytes are sealed at rest.
    const history1 = (await call(undefined, "GET", `/api/workorders/${id}/history`)).body;
    expect(history1.items.map((s: { photos?: number }) => s.photos ?? 0)).to.include(1);
    for (const answer of [history1, (await call(undefined, "GET", `/api/workorders/${id}`)).body, (await call(undefined, "GET", "/api/workorders/open?estate=1&limit=100")).body]) {
      expect(JSON.stringify(answer)).to.not.include(hash.slice(2)).and.not.include(fixPhoto.slice(2));
    }
    const dir = path.join(tmp.dir, "server", "documents");
    for (const file of readdirSync(dir)) {
      const bytes = readFileSync(path.join(dir, file));
      expect(bytes.includes(mine.subarray(8)), file).to.equal(false);
      expect(bytes.includes(fixBytes.subarray(8)), file).to.equal(false);
    }
  });
});
