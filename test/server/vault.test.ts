// The personal-data vault (issue 12 §4) on real LevelDB stores: envelope encryption bound to person and field,
// master keys and rotation, the audited read path and its access log, consent by purpose, a person's rights
// (export, correction, erasure by crypto-shredding), retention, and no plain value or destroyed key at rest.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Level } from "level";
import { levelAccessLog, type AccessLogEntry } from "../../server/src/vault/accessLog.js";
import { commit, verifyCommitment } from "../../server/src/vault/commitment.js";
import { aad, open, seal } from "../../server/src/vault/crypto.js";
import { VaultError, type VaultErrorCode } from "../../server/src/vault/errors.js";
import { parseRetention, type FieldName } from "../../server/src/vault/fields.js";
import { parseMasterKey, readMasterKeyFile } from "../../server/src/vault/masterKey.js";
import type { WrappedDataKey } from "../../server/src/vault/store.js";
import { noteCommitment } from "../../server/src/chain/commitment.js";
import { formatMessage } from "../../server/src/api/messages.js";
import { apiErrorFromVault } from "../../server/src/api/vaultErrors.js";
import { tempDir } from "./helpers/chain.js";
import { filesContaining, newMasterKey, openTestVault, type TestVault } from "./helpers/vault.js";

const STAFF = "staff 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 for resident 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Invented people: the values the scans look for. */
const PEOPLE = Array.from({ length: 12 }, (_, i) => ({
  id: `p_${i + 1}`,
  name: ["王秀英", "李建国", "张桂兰", "刘德明", "陈淑珍", "杨志强", "赵玉梅", "黄国平", "周丽华", "吴建华", "徐凤英", "孙明亮"][i]!,
  phone: `139${String(10_000_000 + i * 7_654_321).padStart(8, "0")}`,
  idNumber: `11010519${40 + i}0${(i % 9) + 1}1${String(200 + i).padStart(3, "0")}${i % 2 ? "X" : "7"}`,
  household: `${(i % 3) + 1}号楼 ${(i % 2) + 1}单元 ${401 + i}室`,
}));

async function codeOf(promise: Promise<unknown>): Promise<VaultErrorCode | "no error"> {
  try {
    await promise;
    return "no error";
  } catch (error) {
    if (error instanceof VaultError) return error.code;
    throw error;
  }
}

async function errorOf(promise: Promise<unknown>): Promise<VaultError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VaultError) return error;
    throw error;
  }
  throw new Error("expected a VaultError");
}

async function seed(tv: TestVault, people = PEOPLE, now = T0): Promise<void> {
  for (const p of people) {
    await tv.vault.write({ personId: p.id, field: "name", value: p.name, now });
    await tv.vault.write({ personId: p.id, field: "phone", value: p.phone, now });
    await tv.vault.write({ personId: p.id, field: "idNumber", value: p.idNumber, now });
    await tv.vault.write({ personId: p.id, field: "household", value: p.household, now });
  }
}

const read = (tv: TestVault, personId: string, field: FieldName, purpose: Parameters<TestVault["vault"]["read"]>[0]["purpose"] = "service.arrangement", now = T0 + 1000) =>
  tv.vault.read({ actor: STAFF, purpose, personId, field, now });

describe("personal-data vault", function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let tv: TestVault | undefined;
  const master = newMasterKey();

  beforeEach(() => (tmp = tempDir("vault")));
  afterEach(async () => {
    await tv?.close().catch(() => undefined);
    tv = undefined;
    tmp.remove();
  });

  describe("envelope encryption", function () {
    it("round-trips every field through the audited read, for many people", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv);
      await tv.vault.write({ personId: "p_1", field: "note:visit-1", value: "腿脚不便，需要上门。Needs home visits.", now: T0 });
      for (const p of PEOPLE) {
        expect(await read(tv, p.id, "name")).to.equal(p.name);
        expect(await read(tv, p.id, "phone")).to.equal(p.phone);
        expect(await read(tv, p.id, "idNumber")).to.equal(p.idNumber);
        expect(await read(tv, p.id, "household")).to.equal(p.household);
      }
      expect(await read(tv, "p_1", "note:visit-1")).to.equal("腿脚不便，需要上门。Needs home visits.");
      expect(await codeOf(read(tv, "p_1", "displayName"))).to.equal("value_not_found");
      expect(await codeOf(read(tv, "nobody", "name"))).to.equal("person_not_found");
    });

    it("gives a person one data key when their first writes race", async function () {
      tv = await openTestVault(tmp.dir, master);
      const p = PEOPLE[0]!;
      await Promise.all([
        tv.vault.write({ personId: p.id, field: "name", value: p.name }),
        tv.vault.write({ personId: p.id, field: "phone", value: p.phone }),
        tv.vault.write({ personId: p.id, field: "idNumber", value: p.idNumber }),
      ]);
      await tv.close();
      tv = await openTestVault(tmp.dir, master);
      expect(await Promise.all([read(tv, p.id, "name"), read(tv, p.id, "phone"), read(tv, p.id, "idNumber")])).to.deep.equal([p.name, p.phone, p.idNumber]);
    });

    it("refuses bad input with a code and changes nothing", async function () {
      tv = await openTestVault(tmp.dir, master);
      expect(await codeOf(tv.vault.write({ personId: "王秀英", field: "name", value: "x" }))).to.equal("invalid_person_id");
      expect(await codeOf(tv.vault.write({ personId: "p_1", field: "salary" as FieldName, value: "x" }))).to.equal("invalid_field");
      expect(await codeOf(tv.vault.write({ personId: "p_1", field: "note:a", value: "长".repeat(6000) }))).to.equal("value_too_large");
      expect(await codeOf(tv.vault.read({ actor: "", purpose: "mediation", personId: "p_1", field: "name" }))).to.equal("invalid_actor");
      expect(await codeOf(tv.vault.read({ actor: STAFF, purpose: "curiosity" as "mediation", personId: "p_1", field: "name" }))).to.equal("invalid_purpose");
      expect(await tv.store.values("p_1")).to.deep.equal([]);
      expect(await tv.store.getPerson("p_1")).to.equal(undefined);
    });

    it("binds a ciphertext to its person and field: moved to another field or person, it does not decrypt", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 2));
      const phone = (await tv.store.getValue("p_1", "phone"))!;
      // Same person, same data key, another field: the field in the AAD refuses it.
      await tv.store.putValue("p_1", { ...phone, field: "name", category: "identity" });
      expect(await codeOf(read(tv, "p_1", "name"))).to.equal("value_decrypt_failed");
      // Another person, with p_1's data key copied too: the person in the data key's AAD refuses the key ...
      await tv.store.putDataKey("p_2", (await tv.store.getDataKey("p_1"))!);
      await tv.store.putValue("p_2", phone);
      await tv.close();
      tv = await openTestVault(tmp.dir, master); // no unwrapped key cached
      expect(await codeOf(read(tv, "p_2", "phone"))).to.equal("data_key_unwrap_failed");
      // ... and with the right data key, the person in the value's AAD refuses the value.
      const key = Buffer.alloc(32, 7);
      const sealed = seal(key, Buffer.from("13900000000"), aad("gongzhi-vault/value/v1", "p_1", "phone"));
      expect(open(key, sealed, aad("gongzhi-vault/value/v1", "p_1", "phone"))?.toString()).to.equal("13900000000");
      expect(open(key, sealed, aad("gongzhi-vault/value/v1", "p_2", "phone"))).to.equal(undefined);
      expect(open(key, sealed, aad("gongzhi-vault/value/v1", "p_1", "name"))).to.equal(undefined);
      // The untouched value still reads.
      expect(await read(tv, "p_1", "idNumber")).to.equal(PEOPLE[0]!.idNumber);
    });
  });

  describe("master keys", function () {
    it("refuses the wrong master key clearly, naming the key it needs", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 1));
      await tv.close();
      tv = undefined;
      const wrong = newMasterKey();
      const error = await errorOf(openTestVault(tmp.dir, wrong));
      expect(error.code).to.equal("master_key_mismatch");
      expect(error.message).to.include(master.id).and.include(wrong.id).and.include("GONGZHI_VAULT_MASTER_KEY");
      tv = await openTestVault(tmp.dir, master);
      expect(await read(tv, "p_1", "name")).to.equal(PEOPLE[0]!.name);
    });

    it("refuses a malformed key and a key file other users can read, saying how to fix it", function () {
      expect(() => parseMasterKey("abc", "GONGZHI_VAULT_MASTER_KEY")).to.throw(/32-byte key.*openssl rand/);
      expect(parseMasterKey(Buffer.alloc(32, 1).toString("base64"), "k").key).to.deep.equal(Buffer.alloc(32, 1));
      expect(parseMasterKey(`0x${"01".repeat(32)}`, "k").id).to.equal(parseMasterKey(Buffer.alloc(32, 1).toString("base64"), "k").id);
      const file = path.join(tmp.dir, "master.key");
      writeFileSync(file, `${"ab".repeat(32)}\n`, { mode: 0o644 });
      chmodSync(file, 0o644);
      expect(() => readMasterKeyFile(file)).to.throw(/other users.*chmod 600/);
      chmodSync(file, 0o600);
      expect(readMasterKeyFile(file).key).to.deep.equal(Buffer.alloc(32, 0xab));
    });

    it("rotates: every data key rewrapped under the new key, values untouched and readable, the old key retired and refused", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 5));
      const before = await Promise.all(PEOPLE.slice(0, 5).map((p) => tv!.store.getValue(p.id, "name")));
      const oldWrapped = (await tv.store.getDataKey("p_1"))!;
      await tv.close();
      const next = newMasterKey();
      // The new key alone cannot read what the old one wrapped.
      expect((await errorOf(openTestVault(tmp.dir, next))).code).to.equal("master_key_mismatch");
      tv = await openTestVault(tmp.dir, next, { previousMasterKeys: [master] });
      expect(await read(tv, "p_2", "phone")).to.equal(PEOPLE[1]!.phone); // before the rotation, through the previous key
      await tv.vault.write({ personId: "p_9", field: "name", value: PEOPLE[8]!.name, now: T0 }); // a new person: under the new key
      expect((await tv.store.getDataKey("p_9"))!.keyId).to.equal(next.id);
      const result = await tv.vault.rotateMasterKey(T0 + DAY);
      expect(result).to.deep.equal({ rewrapped: 5, retired: [master.id] });
      for await (const [, wrapped] of tv.store.dataKeys()) expect(wrapped.keyId).to.equal(next.id);
      const after = await Promise.all(PEOPLE.slice(0, 5).map((p) => tv!.store.getValue(p.id, "name")));
      expect(after).to.deep.equal(before); // values were not touched
      expect(filesContaining(path.join(tmp.dir, "keys"), oldWrapped.ct)).to.deep.equal([]); // old wrapping gone from the files
      await tv.close();
      tv = await openTestVault(tmp.dir, next);
      for (const p of PEOPLE.slice(0, 5)) expect(await read(tv, p.id, "name")).to.equal(p.name);
      await tv.close();
      tv = undefined;
      const asCurrent = await errorOf(openTestVault(tmp.dir, master));
      expect(asCurrent.code).to.equal("master_key_retired");
      expect(asCurrent.message).to.include(master.id);
      expect((await errorOf(openTestVault(tmp.dir, next, { previousMasterKeys: [master] }))).code).to.equal("master_key_retired");
    });

    it("pseudonyms: stable for a purpose and value, unrelated across purposes and values, not a plain hash, kept across a rotation", async function () {
      tv = await openTestVault(tmp.dir, master);
      const address = "0x00000000000000000000000000000000000000aa";
      const tag = await tv.vault.pseudonym("suggestion.author", `s1\n${address}`);
      expect(tag).to.match(/^0x[0-9a-f]{64}$/);
      expect(await tv.vault.pseudonym("suggestion.author", `s1\n${address}`)).to.equal(tag);
      expect(await tv.vault.pseudonym("suggestion.author", `s2\n${address}`)).to.not.equal(tag);
      expect(await tv.vault.pseudonym("other.purpose", `s1\n${address}`)).to.not.equal(tag);
      // Not computable from the value alone (a guessed address list would give it back otherwise).
      expect(tag).to.not.equal(`0x${createHash("sha256").update(`suggestion.author\0s1\n${address}`).digest("hex")}`);
      expect(await tv.vault.pseudonym("Bad Purpose", "x").catch((e: Error) => e.message)).to.match(/purpose is 1–64 lowercase/);
      await tv.close();
      // Another vault (another key) gives another pseudonym; this one keeps its own across a master-key rotation.
      const other = await openTestVault(path.join(tmp.dir, "other"), newMasterKey());
      expect(await other.vault.pseudonym("suggestion.author", `s1\n${address}`)).to.not.equal(tag);
      await other.close();
      const next = newMasterKey();
      tv = await openTestVault(tmp.dir, next, { previousMasterKeys: [master] });
      await tv.vault.rotateMasterKey(T0 + DAY);
      await tv.close();
      tv = await openTestVault(tmp.dir, next);
      expect(await tv.vault.pseudonym("suggestion.author", `s1\n${address}`)).to.equal(tag);
    });

    it("refuses a data key whose wrapping was altered", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 1));
      const wrapped = (await tv.store.getDataKey("p_1"))!;
      const ct = Buffer.from(wrapped.ct, "base64");
      ct[0]! ^= 1;
      await tv.store.putDataKey("p_1", { ...wrapped, ct: ct.toString("base64") });
      await tv.close();
      tv = await openTestVault(tmp.dir, master);
      expect(await codeOf(read(tv, "p_1", "name"))).to.equal("data_key_unwrap_failed");
    });
  });

  describe("access log", function () {
    it("logs every plain read (who, when, why, which person and field; ids and hashes only) and emits it", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 3));
      const emitted: AccessLogEntry[] = [];
      tv.vault.events.on("access", (e) => emitted.push(e));
      await read(tv, "p_1", "phone", "service.arrangement", T0 + 5000);
      await read(tv, "p_2", "name", "legal.obligation", T0 + 6000);
      await read(tv, "p_1", "phone", "service.arrangement", T0 + 7000);
      const p1 = await tv.accessLog.entriesFor("p_1");
      expect(p1.map((e) => [e.at, e.actor, e.purpose, e.personId, e.field])).to.deep.equal([
        [new Date(T0 + 5000).toISOString(), STAFF, "service.arrangement", "p_1", "phone"],
        [new Date(T0 + 7000).toISOString(), STAFF, "service.arrangement", "p_1", "phone"],
      ]);
      expect(p1[0]!.ciphertextHash).to.match(/^[0-9a-f]{64}$/);
      expect(emitted).to.deep.equal([p1[0], (await tv.accessLog.entriesFor("p_2"))[0], p1[1]]);
      const all = JSON.stringify(emitted);
      for (const p of PEOPLE.slice(0, 3)) for (const v of [p.name, p.phone, p.idNumber, p.household]) expect(all).to.not.include(v);
      // Refused reads read nothing, so they log nothing.
      await codeOf(read(tv, "p_1", "phone", "mediation"));
      expect(await tv.accessLog.entriesFor("p_1")).to.have.length(2);
    });

    it("refuses the read when the access log cannot take its entry (fail closed)", async function () {
      const brokenDb = new Level<string, string>(path.join(tmp.dir, "broken-log"));
      await brokenDb.open();
      const broken = await levelAccessLog(brokenDb);
      await brokenDb.close(); // appends now fail, as they would on a full disk or a journal that is down
      tv = await openTestVault(tmp.dir, master, { accessLog: broken });
      await seed(tv, PEOPLE.slice(0, 1));
      const seen: AccessLogEntry[] = [];
      tv.vault.events.on("access", (e) => seen.push(e));
      const error = await errorOf(read(tv, "p_1", "name"));
      expect(error.code).to.equal("access_log_failed");
      expect(error.message).to.not.include(PEOPLE[0]!.name);
      expect(seen).to.deep.equal([]);
      expect(await codeOf(tv.vault.exportPerson({ personId: "p_1", actor: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" }))).to.equal("access_log_failed");
    });
  });

  describe("consent", function () {
    it("refuses reads for a consent-based purpose without consent, allows them while granted, refuses after withdrawal", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 1));
      const refused = await errorOf(read(tv, "p_1", "phone", "timebank.matching", T0 + 10));
      expect(refused.code).to.equal("consent_required");
      expect(refused.details.missing).to.deep.equal(["timebank.matching"]);
      await tv.vault.grantConsent({ personId: "p_1", purpose: "timebank.matching", actor: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", now: T0 + 100 });
      expect(await read(tv, "p_1", "phone", "timebank.matching", T0 + 200)).to.equal(PEOPLE[0]!.phone);
      expect(await codeOf(read(tv, "p_1", "phone", "timebank.matching", T0 + 50))).to.equal("consent_required"); // before the grant
      expect(await codeOf(read(tv, "p_1", "phone", "mediation", T0 + 200))).to.equal("consent_required"); // one purpose is not another
      await tv.vault.withdrawConsent({ personId: "p_1", purpose: "timebank.matching", actor: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", now: T0 + 300 });
      expect(await codeOf(read(tv, "p_1", "phone", "timebank.matching", T0 + 400))).to.equal("consent_required");
      expect(await tv.vault.hasConsent("p_1", "timebank.matching", T0 + 250)).to.equal(true);
      expect(await tv.vault.hasConsent("p_1", "timebank.matching", T0 + 400)).to.equal(false);
      // A purpose resting on another basis (arranging a service the person asked for) needs no consent.
      expect(await read(tv, "p_1", "phone", "service.arrangement", T0 + 400)).to.equal(PEOPLE[0]!.phone);
      expect(await codeOf(tv.vault.grantConsent({ personId: "p_1", purpose: "service.arrangement" as "mediation", actor: STAFF }))).to.equal("invalid_purpose");
    });

    it("needs separate consent, with its own evidence, to write or read photos and locations", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 1));
      const resident = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
      await tv.vault.grantConsent({ personId: "p_1", purpose: "timebank.matching", actor: resident, now: T0 });
      const write = () => tv!.vault.write({ personId: "p_1", field: "location:home", value: "31.2304,121.4737", now: T0 + 10 });
      expect(await codeOf(write())).to.equal("consent_required"); // general consent does not cover sensitive data
      expect(await codeOf(tv.vault.grantConsent({ personId: "p_1", purpose: "locations", actor: resident, now: T0 }))).to.equal("separate_consent_evidence_required");
      expect(await tv.vault.hasConsent("p_1", "locations", T0 + 10)).to.equal(false);
      await tv.vault.grantConsent({ personId: "p_1", purpose: "locations", actor: resident, evidence: "doc:0x1b2c3d", now: T0 + 5 });
      await write();
      expect(await read(tv, "p_1", "location:home", "timebank.matching", T0 + 20)).to.equal("31.2304,121.4737");
      expect(await codeOf(read(tv, "p_1", "photo:face", "timebank.matching", T0 + 20))).to.equal("consent_required"); // photos are separate again
      await tv.vault.withdrawConsent({ personId: "p_1", purpose: "locations", actor: resident, now: T0 + 30 });
      const after = await errorOf(read(tv, "p_1", "location:home", "timebank.matching", T0 + 40));
      expect(after.code).to.equal("consent_required");
      expect(after.details.missing).to.deep.equal(["locations"]);
      expect(await read(tv, "p_1", "phone", "timebank.matching", T0 + 40)).to.equal(PEOPLE[0]!.phone); // the rest stands
    });
  });

  describe("rights", function () {
    it("exports everything held about a person, decrypted, with consents and the access log (its own reads included)", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 2));
      const resident = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
      await tv.vault.grantConsent({ personId: "p_1", purpose: "notifications", actor: resident, now: T0 + 1 });
      await tv.vault.write({ personId: "p_1", field: "displayName", value: "王阿姨", now: T0 + 2 });
      await read(tv, "p_1", "phone", "notifications", T0 + 3);
      const exported = await tv.vault.exportPerson({ personId: "p_1", actor: resident, now: T0 + 4 });
      const values = Object.fromEntries(exported.values.map((v) => [v.field, v.value]));
      const p = PEOPLE[0]!;
      expect(values).to.deep.equal({ name: p.name, phone: p.phone, idNumber: p.idNumber, household: p.household, displayName: "王阿姨" });
      expect(exported.consents).to.deep.equal([{ purpose: "notifications", granted: true, at: new Date(T0 + 1).toISOString(), actor: resident }]);
      expect(exported.accessLog[0]).to.include({ purpose: "notifications", field: "phone", actor: STAFF });
      expect(exported.accessLog.filter((e) => e.purpose === "subject.request" && e.actor === resident)).to.have.length(5);
      expect(exported.values.find((v) => v.field === "phone")!.retention).to.deep.equal({ days: 180, from: "relationshipEnded" });
      expect(JSON.stringify(exported)).to.not.include(PEOPLE[1]!.name); // nobody else's data
      expect(JSON.parse(JSON.stringify(exported))).to.deep.equal(exported); // a plain JSON file
    });

    it("corrects a value: the new one reads, the old ciphertext is gone from the store's files", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 1));
      const old = (await tv.store.getValue("p_1", "phone"))!;
      await tv.close();
      tv = await openTestVault(tmp.dir, master); // the old ciphertext now sits in a table file, not only the write-ahead log
      expect(filesContaining(path.join(tmp.dir, "data"), old.ct)).to.not.deep.equal([]); // the scan finds what is there
      const facts = await tv.vault.correct({ personId: "p_1", field: "phone", value: "13800000001", now: T0 + DAY });
      expect(facts).to.include({ personId: "p_1", field: "phone", category: "contact" });
      expect(facts.previousCiphertextHash).to.match(/^[0-9a-f]{64}$/).and.not.equal(facts.ciphertextHash);
      expect(await read(tv, "p_1", "phone")).to.equal("13800000001");
      expect(filesContaining(path.join(tmp.dir, "data"), old.ct)).to.deep.equal([]);
      expect(await codeOf(tv.vault.correct({ personId: "p_1", field: "displayName", value: "x" }))).to.equal("value_not_found");
    });

    it("erases by destroying the data key: unreadable at once and after restart, key gone from every file, others untouched", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 3));
      await tv.vault.write({ personId: "p_1", field: "note:mediation-3", value: "与邻居因漏水纠纷，已调解。", now: T0 });
      const wrapped = (await tv.store.getDataKey("p_1"))! as WrappedDataKey;
      const dataKey = open(master.key, wrapped, aad("gongzhi-vault/data-key/v1", "p_1", master.id))!;
      expect(dataKey).to.have.length(32);
      await tv.close();
      tv = await openTestVault(tmp.dir, master);
      expect(filesContaining(path.join(tmp.dir, "keys"), wrapped.ct)).to.not.deep.equal([]); // the scan finds the key while it exists
      const seen: unknown[] = [];
      tv.vault.events.on("erased", (f) => seen.push(f));
      const facts = await tv.vault.erase({ personId: "p_1", actor: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", now: T0 + DAY });
      expect(facts).to.deep.include({ personId: "p_1", erasedAt: new Date(T0 + DAY).toISOString(), masterKeyId: master.id });
      expect(facts.fields).to.have.members(["name", "phone", "idNumber", "household", "note:mediation-3"]);
      expect(facts.dataKeyHash).to.match(/^[0-9a-f]{64}$/);
      expect(seen).to.deep.equal([facts]);
      expect(JSON.stringify(facts)).to.not.include(PEOPLE[0]!.name);
      for (const field of ["name", "phone", "note:mediation-3"] as const) expect(await codeOf(read(tv, "p_1", field))).to.equal("subject_erased");
      expect(await codeOf(tv.vault.write({ personId: "p_1", field: "name", value: "x" }))).to.equal("subject_erased");
      expect(await codeOf(tv.vault.exportPerson({ personId: "p_1", actor: STAFF }))).to.equal("subject_erased");
      expect(await tv.store.getDataKey("p_1")).to.equal(undefined);
      expect(await tv.vault.erase({ personId: "p_1", actor: STAFF, now: T0 + 2 * DAY })).to.deep.equal(facts); // a retry gives the same facts
      expect(await read(tv, "p_2", "name")).to.equal(PEOPLE[1]!.name);
      await tv.close();
      tv = await openTestVault(tmp.dir, master);
      expect(await codeOf(read(tv, "p_1", "name"))).to.equal("subject_erased");
      await tv.close();
      tv = undefined;
      for (const needle of [wrapped.ct, dataKey, dataKey.toString("hex"), dataKey.toString("base64"), PEOPLE[0]!.name, PEOPLE[0]!.phone, "漏水纠纷"]) {
        expect(filesContaining(tmp.dir, needle), String(needle)).to.deep.equal([]);
      }
    });

    it("leaves nothing behind when writes race the erasure", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 2));
      const writes = (id: string) => ["note:a", "note:b", "displayName"].map((field) => tv!.vault.write({ personId: id, field: field as FieldName, value: "后写入的内容" }));
      const first = await Promise.allSettled([...writes("p_1"), tv.vault.erase({ personId: "p_1", actor: STAFF }), ...writes("p_1")]);
      const second = await Promise.allSettled([tv.vault.erase({ personId: "p_2", actor: STAFF }), ...writes("p_2")]);
      for (const id of ["p_1", "p_2"]) {
        expect(await tv.store.values(id), id).to.deep.equal([]);
        expect(await tv.store.getDataKey(id), id).to.equal(undefined);
      }
      const refused = [...first, ...second].filter((r) => r.status === "rejected").map((r) => (r.reason as VaultError).code);
      expect(refused).to.deep.equal(Array(6).fill("subject_erased"));
    });

    it("shreds again a key store restored from a backup made before the erasure", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 2));
      const wrapped = (await tv.store.getDataKey("p_1"))!;
      await tv.close();
      cpSync(path.join(tmp.dir, "keys"), path.join(tmp.dir, "keys-backup"), { recursive: true }); // last night's key-store backup
      tv = await openTestVault(tmp.dir, master);
      await tv.vault.erase({ personId: "p_1", actor: STAFF, now: T0 + DAY });
      await tv.close();
      rmSync(path.join(tmp.dir, "keys"), { recursive: true });
      cpSync(path.join(tmp.dir, "keys-backup"), path.join(tmp.dir, "keys"), { recursive: true }); // restored after a disk failure
      rmSync(path.join(tmp.dir, "keys-backup"), { recursive: true });
      expect(filesContaining(path.join(tmp.dir, "keys"), wrapped.ct)).to.not.deep.equal([]);
      tv = await openTestVault(tmp.dir, master);
      expect(await tv.store.getDataKey("p_1")).to.equal(undefined);
      expect(await codeOf(read(tv, "p_1", "name"))).to.equal("subject_erased");
      expect(await read(tv, "p_2", "name")).to.equal(PEOPLE[1]!.name);
      await tv.close();
      tv = undefined;
      expect(filesContaining(tmp.dir, wrapped.ct)).to.deep.equal([]);
    });

    it("finishes an erasure a crash interrupted after marking it, before anything is read", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 1));
      // The first step of erase(), then the process dies: marked, but the data key is still in the key store.
      await tv.store.markErased("p_1", { createdAt: T0, erasedAt: T0 + 1 });
      expect(await tv.store.getDataKey("p_1")).to.not.equal(undefined);
      await tv.close();
      tv = await openTestVault(tmp.dir, master);
      expect(await tv.store.getDataKey("p_1")).to.equal(undefined);
      expect(await tv.store.pendingErasures()).to.deep.equal([]);
      expect(await codeOf(read(tv, "p_1", "name"))).to.equal("subject_erased");
    });
  });

  describe("retention", function () {
    it("purges values past their category's retention, counting from writing or from the end of the relationship", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 2));
      const resident = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
      await tv.vault.grantConsent({ personId: "p_1", purpose: "locations", actor: resident, evidence: "form-17", now: T0 });
      await tv.vault.write({ personId: "p_1", field: "location:pickup", value: "31.23,121.47", now: T0 });
      await tv.vault.write({ personId: "p_1", field: "note:service", value: "送午餐", now: T0 });
      expect((await tv.vault.purge(T0 + 29 * DAY)).values).to.deep.equal([]);
      expect((await tv.vault.purge(T0 + 30 * DAY)).values).to.deep.equal([{ personId: "p_1", field: "location:pickup", category: "location" }]);
      expect(await codeOf(read(tv, "p_1", "location:pickup", "locations", T0 + 31 * DAY))).to.equal("value_not_found");
      // Identity and contact data are kept while the person lives here, however long.
      expect((await tv.vault.purge(T0 + 900 * DAY)).values).to.deep.equal([]);
      await tv.vault.setRelationshipEnded("p_2", T0 + 1000 * DAY);
      const ended = T0 + 1000 * DAY;
      // Three years after it was written, the note goes; p_2's phone is kept 180 days after they left.
      expect((await tv.vault.purge(ended + 179 * DAY)).values).to.deep.equal([{ personId: "p_1", field: "note:service", category: "freeText" }]);
      expect((await tv.vault.purge(ended + 180 * DAY)).values).to.deep.equal([{ personId: "p_2", field: "phone", category: "contact" }]);
      expect(await read(tv, "p_2", "name", "service.arrangement", ended + 181 * DAY)).to.equal(PEOPLE[1]!.name);
      expect((await tv.vault.purge(ended + 1094 * DAY)).values).to.deep.equal([]);
      expect((await tv.vault.purge(ended + 1095 * DAY)).values.map((v) => `${v.personId}/${v.field}`)).to.have.members(["p_2/name", "p_2/idNumber", "p_2/household"]);
      expect(await read(tv, "p_1", "name", "service.arrangement", ended + 2000 * DAY)).to.equal(PEOPLE[0]!.name); // p_1 still lives here
      expect(await tv.store.values("p_2")).to.deep.equal([]);
    });

    it("takes retention overrides per category and refuses unknown ones", async function () {
      const rules = parseRetention("location=7, photo=90");
      expect(rules.location).to.deep.equal({ days: 7, from: "written" });
      expect(rules.photo.days).to.equal(90);
      expect(rules.identity.days).to.equal(1095);
      expect(() => parseRetention("faces=3")).to.throw(/Unknown retention category "faces".*identity, contact/);
      expect(() => parseRetention("location=0")).to.throw(/whole number of days/);
      tv = await openTestVault(tmp.dir, master, { retention: rules });
      await tv.vault.grantConsent({ personId: "p_1", purpose: "locations", actor: STAFF, evidence: "form-1", now: T0 });
      await tv.vault.write({ personId: "p_1", field: "location:a", value: "1,2", now: T0 });
      expect((await tv.vault.purge(T0 + 7 * DAY)).values).to.have.length(1);
    });
  });

  describe("at rest", function () {
    it("holds no plain name, phone, ID number or household in any file of its stores or its access log", async function () {
      tv = await openTestVault(tmp.dir, master);
      await seed(tv);
      for (const p of PEOPLE) await read(tv, p.id, "phone");
      await tv.vault.exportPerson({ personId: "p_3", actor: STAFF });
      await tv.vault.correct({ personId: "p_4", field: "name", value: "刘德民", now: T0 + 1 });
      await tv.close(); // and once more after the write-ahead logs became table files
      tv = await openTestVault(tmp.dir, master);
      await read(tv, "p_5", "idNumber");
      const needles = PEOPLE.flatMap((p) => [p.name, p.phone, p.idNumber, p.household]).concat(["刘德民"]);
      // The scan would see them: a LevelDB with the same options, holding them in plain, is found out.
      const control = new Level<string, string>(path.join(tmp.dir, "control"), { compression: false });
      await control.open();
      for (const [i, n] of needles.entries()) await control.put(`k${i}`, n);
      await control.close();
      for (const n of needles) expect(filesContaining(path.join(tmp.dir, "control"), n), n).to.not.deep.equal([]);
      for (const n of needles) {
        for (const dir of ["keys", "data", "access"]) expect(filesContaining(path.join(tmp.dir, dir), n), `${n} in ${dir}`).to.deep.equal([]);
      }
    });
  });

  describe("API answers", function () {
    it("map every vault error to an HTTP status and a code with a zh and an en message, placeholders filled", async function () {
      const codes: VaultErrorCode[] = [
        "invalid_person_id", "invalid_field", "invalid_purpose", "invalid_actor", "value_too_large", "value_not_found", "person_not_found",
        "consent_required", "separate_consent_evidence_required", "subject_erased", "access_log_failed", "journal_failed", "invalid_master_key",
        "master_key_mismatch", "master_key_retired", "master_key_missing", "data_key_unwrap_failed", "value_decrypt_failed",
      ];
      const real = new Map<VaultErrorCode, VaultError>();
      tv = await openTestVault(tmp.dir, master);
      await seed(tv, PEOPLE.slice(0, 1));
      real.set("consent_required", await errorOf(read(tv, "p_1", "phone", "mediation")));
      real.set("value_not_found", await errorOf(read(tv, "p_1", "displayName")));
      real.set("value_too_large", await errorOf(tv.vault.write({ personId: "p_1", field: "note:x", value: "x".repeat(20_000) })));
      real.set("separate_consent_evidence_required", await errorOf(tv.vault.grantConsent({ personId: "p_1", purpose: "photos", actor: STAFF })));
      await tv.vault.erase({ personId: "p_1", actor: STAFF });
      real.set("subject_erased", await errorOf(read(tv, "p_1", "name")));
      const statuses: Record<string, number> = {};
      for (const code of codes) {
        const api = apiErrorFromVault(real.get(code) ?? new VaultError(code, "m", { personId: "p_9", field: "phone" }));
        statuses[code] = api.status;
        for (const language of ["zh-CN", "en"] as const) expect(formatMessage(api.code, language, api.params), `${code} ${language}`).to.not.match(/\{\w+\}/);
        expect(JSON.stringify(api)).to.not.include(PEOPLE[0]!.name);
      }
      expect(statuses).to.include({ consent_required: 403, subject_erased: 410, value_not_found: 404, value_too_large: 413, access_log_failed: 503, journal_failed: 503, invalid_field: 400, master_key_mismatch: 500 });
      expect(formatMessage("consent_required", "en", apiErrorFromVault(real.get("consent_required")!).params)).to.include("for mediation (consent missing: mediation)");
    });
  });

  describe("commitments", function () {
    it("commit a value as keccak256(abi.encode(bytes32 salt, string value)), the notes' format, with a fresh salt", function () {
      const a = commit(PEOPLE[0]!.phone);
      const b = commit(PEOPLE[0]!.phone);
      expect(a.salt).to.not.equal(b.salt);
      expect(a.commitment).to.equal(noteCommitment(a.salt, PEOPLE[0]!.phone));
      expect(verifyCommitment(PEOPLE[0]!.phone, a.salt, a.commitment)).to.equal(true);
      expect(verifyCommitment(PEOPLE[1]!.phone, a.salt, a.commitment)).to.equal(false);
    });
  });
});
