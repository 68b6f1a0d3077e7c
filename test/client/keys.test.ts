// Keys kept in the browser (client/src/lib/keys.ts): a key encrypted with the resident's passphrase unlocks with
// it and only with it; the stored record holds no plain key; a record's ciphertext is bound to its address.
// WebCrypto is Node's own (the same PBKDF2 and AES-GCM as a browser's); localStorage, which Node lacks, is an
// in-memory Storage for this test.
import { expect } from "chai";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { forgetKey, importKey, PBKDF2_ITERATIONS, storedKeys, unlockKey, WrongPassphrase } from "../../client/src/lib/keys.js";

class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
}

describe("client key store (lib/keys.ts)", function () {
  this.timeout(60_000);
  const g = globalThis as { localStorage?: unknown };
  let had: unknown;
  before(function () {
    had = g.localStorage;
    g.localStorage = new MemoryStorage();
  });
  after(function () {
    g.localStorage = had;
  });
  beforeEach(function () {
    (g.localStorage as MemoryStorage).clear();
  });

  it("unlocks a stored key with its passphrase, and stores no plain key", async function () {
    const privateKey = generatePrivateKey();
    const stored = await importKey(privateKey, "正确的口令 correct", "我的账户");
    expect(stored.address).to.equal(privateKeyToAccount(privateKey).address);
    expect(stored.iterations).to.equal(PBKDF2_ITERATIONS).and.to.be.at.least(300_000);
    const raw = (g.localStorage as MemoryStorage).getItem("gongzhi.keys.v1")!;
    expect(raw.toLowerCase()).to.not.contain(privateKey.slice(2).toLowerCase());
    expect(storedKeys()).to.deep.equal([stored]);
    expect(await unlockKey(storedKeys()[0]!, "正确的口令 correct")).to.equal(privateKey);
  });

  it("refuses a wrong passphrase, one character off or empty, as WrongPassphrase", async function () {
    const stored = await importKey(generatePrivateKey(), "passphrase-1", "a");
    for (const wrong of ["passphrase-2", "Passphrase-1", "passphrase-1 ", ""]) {
      const err = await unlockKey(stored, wrong).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, wrong).to.be.instanceOf(WrongPassphrase);
    }
  });

  it("refuses a record whose ciphertext was moved to another address or altered", async function () {
    const a = await importKey(generatePrivateKey(), "same passphrase", "a");
    const b = await importKey(generatePrivateKey(), "same passphrase", "b");
    expect(a.salt).to.not.equal(b.salt);
    expect(a.iv).to.not.equal(b.iv);
    // b's address with a's salt, nonce and ciphertext: the address is authenticated data, so this fails.
    const swapped = { ...a, address: b.address };
    expect(await unlockKey(swapped, "same passphrase").catch((e: unknown) => e)).to.be.instanceOf(WrongPassphrase);
    const flipped = { ...a, ciphertext: `${a.ciphertext.slice(0, -2)}${a.ciphertext.endsWith("00") ? "01" : "00"}` as `0x${string}` };
    expect(await unlockKey(flipped, "same passphrase").catch((e: unknown) => e)).to.be.instanceOf(WrongPassphrase);
  });

  it("refuses a malformed private key; a second import of an address replaces the first; forget removes it", async function () {
    for (const bad of ["0x1234", "not hex", `0x${"zz".repeat(32)}`]) {
      const err = await importKey(bad as `0x${string}`, "passphrase", "x").catch((e: unknown) => e as Error);
      expect((err as Error).message, bad).to.equal("bad_key");
    }
    expect(storedKeys()).to.deep.equal([]);
    const key = generatePrivateKey();
    await importKey(key, "old passphrase", "old");
    const again = await importKey(key, "new passphrase", "new");
    expect(storedKeys().map((k) => k.label)).to.deep.equal(["new"]);
    expect(await unlockKey(again, "old passphrase").catch((e: unknown) => e)).to.be.instanceOf(WrongPassphrase);
    forgetKey(again.address);
    expect(storedKeys()).to.deep.equal([]);
  });
});
