// A vault master-key rotation reaches the sealed documents (scanned paper ballots and authorisations): their data
// keys are rewrapped under the new key at start, before the vault retires the old one, so the scans still open
// once the operator has removed the old key as the rotation tells them to. Real files, a real vault, the whole
// server over a Hardhat node process.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { keccak256 } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { grantRole } from "../../server/src/chain/deploy.js";
import { loadServerSettings, type ServerSettings } from "../../server/src/config/server.js";
import { rewrapSealedDocuments } from "../../server/src/services/documents/rotation.js";
import { openDocument, sealDocument } from "../../server/src/services/documents/sealing.js";
import { fileBlobs } from "../../server/src/services/documents/storage.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { parseMasterKey, type MasterKey } from "../../server/src/vault/masterKey.js";
import { VaultError } from "../../server/src/vault/errors.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";

/** PNG bytes carrying `text`, as a scanned form's metadata might. */
function png(text: string): Buffer {
  const data = Buffer.from(`Comment\0${text}`, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), length, Buffer.from("tEXt"), data, Buffer.alloc(4)]);
}
const keyText = () => randomBytes(32).toString("hex");
const headerOf = (sealed: Buffer) => JSON.parse(sealed.subarray(7, sealed.indexOf(0x0a, 7)).toString("utf8")) as { keyId: string };
const bodyOf = (sealed: Buffer) => sealed.subarray(sealed.indexOf(0x0a, 7) + 1);

describe("documents: a master-key rotation rewraps the sealed files", function () {
  const a: MasterKey = parseMasterKey(keyText(), "test key A");
  const b: MasterKey = parseMasterKey(keyText(), "test key B");

  it("rewraps only the header, atomically and once; a file that does not open is reported by hash", async function () {
    const tmp = tempDir("documents-rewrap");
    try {
      const dir = path.join(tmp.dir, "documents");
      const blobs = fileBlobs(dir);
      const scans = [png("纸质选票 1"), png("书面委托 2")];
      for (const scan of scans) await blobs.put(`${keccak256(scan)}.sealed`, sealDocument({ current: a }, keccak256(scan), scan));
      await blobs.put(`${keccak256(png("public"))}.bin`, png("public")); // a public document: not sealed, untouched
      const before = new Map(scans.map((s) => [keccak256(s), readFileSync(path.join(dir, `${keccak256(s)}.sealed`))]));

      expect(await rewrapSealedDocuments(blobs, { current: b, previous: [a] })).to.deep.equal({ rewrapped: 2, current: 0, failed: [] });
      for (const scan of scans) {
        const after = readFileSync(path.join(dir, `${keccak256(scan)}.sealed`));
        expect(headerOf(after).keyId).to.equal(b.id);
        expect(bodyOf(after).equals(bodyOf(before.get(keccak256(scan))!))).to.equal(true); // the ciphertext is the same
        expect(openDocument({ current: b }, keccak256(scan), after).equals(scan)).to.equal(true); // A is no longer needed
      }
      expect(readdirSync(dir).filter((n) => n.startsWith("."))).to.deep.equal([]); // no temporary file left behind
      // Run again (a restart with the previous key still set): nothing to do.
      expect(await rewrapSealedDocuments(blobs, { current: b, previous: [a] })).to.deep.equal({ rewrapped: 0, current: 2, failed: [] });

      // A damaged file is named by its hash, never rewrapped, and the others are still done.
      const damaged = png("损坏的扫描件");
      const sealed = sealDocument({ current: a }, keccak256(damaged), damaged);
      sealed[sealed.length - 1]! ^= 1;
      await blobs.put(`${keccak256(damaged)}.sealed`, sealed);
      const c = parseMasterKey(keyText(), "test key C");
      const result = await rewrapSealedDocuments(blobs, { current: c, previous: [b, a] });
      expect(result.rewrapped).to.equal(2);
      expect(result.failed.map((f) => f.hash)).to.deep.equal([keccak256(damaged)]);
      expect(result.failed[0]!.reason).to.match(/does not decrypt/);
      expect(readFileSync(path.join(dir, `${keccak256(damaged)}.sealed`)).equals(sealed)).to.equal(true);
    } finally {
      tmp.remove();
    }
  });

  describe("through the whole server", function () {
    this.timeout(300_000);
    let node: NodeProcess;
    let tmp: ReturnType<typeof tempDir>;
    let deploymentFile: string;
    let server: RunningServer | undefined;
    let port: number;
    const staff = privateKeyToAccount(generatePrivateKey());
    const logLines: string[] = [];
    const keyA = keyText();
    const keyB = keyText();
    const scan = png("纸质选票 王秀英 3号楼2单元402");

    before(async function () {
      node = await startNode({ port: await anyFreePort() });
      tmp = tempDir("documents-rotation");
      const deployed = await deployAll(node.url, tmp.dir);
      deploymentFile = deployed.file;
      await grantRole(clients(node.url), deployed.deployment, "STAFF_ROLE", staff.address);
      port = await anyFreePort();
    });
    after(async function () {
      await server?.stop();
      await node?.stop();
      tmp?.remove();
    });

    function settingsWith(keys: { vaultMasterKey: string; vaultPreviousMasterKey?: string }): ServerSettings {
      return loadServerSettings(
        { rpcUrl: node.url, chainId: CHAIN_ID, deployment: deploymentFile, dataDir: path.join(tmp.dir, "server"), port, mode: "production", pollMs: 50, batchSeconds: 0, rateLimitPerMinute: 1_000_000, logLevel: "info" },
        { GONGZHI_ANCHORER_KEY: ANCHORER_KEY, GONGZHI_VAULT_MASTER_KEY: keys.vaultMasterKey, ...(keys.vaultPreviousMasterKey ? { GONGZHI_VAULT_PREVIOUS_MASTER_KEY: keys.vaultPreviousMasterKey } : {}) },
      );
    }
    async function restart(keys: { vaultMasterKey: string; vaultPreviousMasterKey?: string }): Promise<Record<string, unknown>[]> {
      await server?.stop();
      server = undefined;
      const from = logLines.length;
      const sink = new Writable({ write: (c, _e, cb) => (logLines.push(String(c)), cb()) });
      server = await startServer(settingsWith(keys), pino({ level: "info" }, sink), () => []);
      return logLines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);
    }
    const base = () => `http://127.0.0.1:${port}`;
    async function signIn(account: PrivateKeyAccount): Promise<string> {
      const { nonce, domain } = (await (await fetch(`${base()}/api/auth/nonce`, { method: "POST" })).json()) as { nonce: string; domain: string };
      const message = createSiweMessage({ address: account.address, chainId: CHAIN_ID, domain, nonce, uri: base(), version: "1" });
      const signature = await account.signMessage({ message });
      const res = await fetch(`${base()}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message, signature }) });
      return ((await res.json()) as { token: string }).token;
    }
    async function readScan(hash: string): Promise<{ status: number; bytes: Buffer }> {
      const res = await fetch(`${base()}/api/documents/${hash}`, { headers: { authorization: `Bearer ${await signIn(staff)}` } });
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    }
    const said = (lines: Record<string, unknown>[], pattern: RegExp) => lines.find((l) => pattern.test(String(l.msg)));

    it("a scan sealed under key A still opens for staff after rotating to B and removing A", async function () {
      await restart({ vaultMasterKey: keyA });
      const res = await fetch(`${base()}/api/documents?class=paper-ballot`, { method: "POST", headers: { "content-type": "image/png", authorization: `Bearer ${await signIn(staff)}` }, body: new Uint8Array(scan) });
      expect(res.status).to.equal(201);
      expect((await readScan(keccak256(scan))).status).to.equal(200);

      const rotating = await restart({ vaultMasterKey: keyB, vaultPreviousMasterKey: keyA });
      const rotated = said(rotating, /master key rotated/);
      expect(rotated, JSON.stringify(rotating)).to.not.equal(undefined);
      expect(rotated!.msg).to.match(/1 sealed document\(s\)/);
      expect(rotated!.rewrappedSealed).to.deep.equal({ "sealed document(s)": 1 });
      expect(JSON.stringify(rotating)).to.not.include(keyA).and.not.include(keyB);

      // The operator removes the previous key, as told: the scan still opens, byte for byte.
      await restart({ vaultMasterKey: keyB });
      const read = await readScan(keccak256(scan));
      expect(read.status).to.equal(200);
      expect(read.bytes.equals(scan)).to.equal(true);
    });

    it("a sealed file that does not open stops the rotation: named by hash, the old key kept, no claim of success", async function () {
      // Rotate once more, B → C, with one scan damaged on disk.
      const other = png("书面委托 李建国");
      const res = await fetch(`${base()}/api/documents?class=authorisation`, { method: "POST", headers: { "content-type": "image/png", authorization: `Bearer ${await signIn(staff)}` }, body: new Uint8Array(other) });
      expect(res.status).to.equal(201);
      const file = path.join(tmp.dir, "server", "documents", `${keccak256(other)}.sealed`);
      const damaged = readFileSync(file);
      damaged[damaged.length - 1]! ^= 1;
      await server!.stop();
      server = undefined;
      writeFileSync(file, damaged);
      const keyC = keyText();
      const lines = await restart({ vaultMasterKey: keyC, vaultPreviousMasterKey: keyB });
      expect(said(lines, /master key rotated/)).to.equal(undefined);
      const unfinished = said(lines, /rotation NOT finished/);
      expect(unfinished, JSON.stringify(lines)).to.not.equal(undefined);
      expect(unfinished!.msg).to.match(/KEEP the previous key/);
      expect((unfinished!.failed as { hash: string }[]).map((f) => f.hash)).to.deep.equal([keccak256(other)]);
      expect(JSON.stringify(lines)).to.not.include("李建国");
      // B was not retired: the next start with it still set is accepted (a retired key is refused, see below), and
      // says the same again.
      expect(said(await restart({ vaultMasterKey: keyC, vaultPreviousMasterKey: keyB }), /rotation NOT finished/)).to.not.equal(undefined);
      // The operator deals with the damaged scan (here: removes it, it cannot be read by anyone); the next start
      // finishes the rotation, and the good scan, rewrapped under C already, is not rewrapped twice.
      await server!.stop();
      server = undefined;
      rmSync(file);
      const finished = said(await restart({ vaultMasterKey: keyC, vaultPreviousMasterKey: keyB }), /master key rotated/);
      expect(finished?.rewrappedSealed).to.deep.equal({ "sealed document(s)": 0 });
      await restart({ vaultMasterKey: keyC });
      expect((await readScan(keccak256(scan))).bytes.equals(scan)).to.equal(true);
      const refused = await restart({ vaultMasterKey: keyC, vaultPreviousMasterKey: keyB }).then(
        () => "started",
        (error: unknown) => (error instanceof VaultError ? error.code : String(error)),
      );
      expect(refused).to.equal("master_key_retired");
    });
  });
});
