// The personal-data vault's throughput on LevelDB: values written (encrypted under per-person data keys) and
// read back through the one audited path (consent checked, an access-log entry appended before each answer),
// next to raw AES-256-GCM on the same values in the same run (fresh IV, the same AAD), which is the ceiling.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Level } from "level";
import { levelAccessLog } from "../../server/src/vault/accessLog.js";
import { aad, open, randomKey, seal } from "../../server/src/vault/crypto.js";
import type { FieldName } from "../../server/src/vault/fields.js";
import { parseMasterKey } from "../../server/src/vault/masterKey.js";
import { openLevelVaultStore } from "../../server/src/vault/store.js";
import { openVault } from "../../server/src/vault/vault.js";
import { median, round, type BenchModule, type Figure } from "./figures.js";

const PEOPLE = 1000;
const FIELDS: FieldName[] = ["name", "phone", "idNumber"];
const CONCURRENCY = 32;
const ROUNDS = 3;
const RAW_PASSES = 10;
const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗";
const GIVEN = "秀英建国桂兰德明淑珍志强玉梅国平丽华建华凤英明亮";

type Item = { personId: string; field: FieldName; value: string };

function items(): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    const personId = `p_${i}`;
    const name = `${SURNAMES[i % SURNAMES.length]}${GIVEN.slice((i * 2) % GIVEN.length, ((i * 2) % GIVEN.length) + 2)}`;
    out.push({ personId, field: "name", value: name });
    out.push({ personId, field: "phone", value: `139${String(i * 7919).padStart(8, "0")}` });
    out.push({ personId, field: "idNumber", value: `1101051950${String(i).padStart(4, "0")}${String(i % 1000).padStart(3, "0")}7` });
  }
  return out;
}

/** Runs `task` over every item with `CONCURRENCY` in flight; returns items per second. */
async function rate(list: Item[], task: (item: Item) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < list.length) await task(list[next++]!);
    }),
  );
  return list.length / ((performance.now() - started) / 1000);
}

function rawRates(list: Item[]): { encrypt: number; decrypt: number } {
  const keys = new Map<string, Buffer>();
  for (const { personId } of list) if (!keys.has(personId)) keys.set(personId, randomKey());
  // Several passes over the values, so that a pass of a few milliseconds does not decide the figure.
  let sealed: ReturnType<typeof seal>[] = [];
  let started = performance.now();
  for (let pass = 0; pass < RAW_PASSES; pass++) {
    sealed = list.map(({ personId, field, value }) => seal(keys.get(personId)!, Buffer.from(value, "utf8"), aad("gongzhi-vault/value/v1", personId, field)));
  }
  const encrypt = (RAW_PASSES * list.length) / ((performance.now() - started) / 1000);
  started = performance.now();
  for (let pass = 0; pass < RAW_PASSES; pass++) {
    list.forEach(({ personId, field }, i) => {
      if (!open(keys.get(personId)!, sealed[i]!, aad("gongzhi-vault/value/v1", personId, field))) throw new Error("raw round trip failed");
    });
  }
  const decrypt = (RAW_PASSES * list.length) / ((performance.now() - started) / 1000);
  return { encrypt, decrypt };
}

async function vaultRates(list: Item[]): Promise<{ encrypt: number; decrypt: number; logged: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), "gongzhi-bench-vault-"));
  const masterKey = parseMasterKey(randomKey().toString("hex"), "bench key");
  try {
    const logDb = new Level<string, string>(path.join(dir, "access"));
    await logDb.open();
    const accessLog = await levelAccessLog(logDb);
    let vault = await openVault({ store: await openLevelVaultStore(dir), masterKey, accessLog });
    const encrypt = await rate(list, (item) => vault.write(item));
    // Reopened, so reads start with no unwrapped data key in memory (each person's first read unwraps it).
    await vault.close();
    vault = await openVault({ store: await openLevelVaultStore(dir), masterKey, accessLog });
    const decrypt = await rate(list, async (item) => {
      const value = await vault.read({ actor: "staff 0x70997970C51812dc3A010C7d01b50e0d17dc79C8", purpose: "service.arrangement", personId: item.personId, field: item.field });
      if (value !== item.value) throw new Error(`read back a different value for ${item.personId}/${item.field}`);
    });
    let logged = 0;
    for await (const _ of logDb.sublevel("access").keys()) logged++;
    await vault.close();
    await logDb.close();
    return { encrypt, decrypt, logged };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const bench: BenchModule = {
  title: "Personal-data vault: audited encryption and decryption",
  async run(): Promise<Figure[]> {
    const list = items();
    rawRates(list); // warm-up
    const raw: { encrypt: number; decrypt: number }[] = [];
    const vault: { encrypt: number; decrypt: number; logged: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      raw.push(rawRates(list));
      vault.push(await vaultRates(list));
      console.log(`round ${r + 1}: vault ${Math.round(vault[r]!.encrypt)} writes/s, ${Math.round(vault[r]!.decrypt)} reads/s; raw ${Math.round(raw[r]!.encrypt)} / ${Math.round(raw[r]!.decrypt)} per s`);
    }
    const m = (xs: number[]) => median(xs);
    const enc = m(vault.map((v) => v.encrypt));
    const dec = m(vault.map((v) => v.decrypt));
    const rawEnc = m(raw.map((v) => v.encrypt));
    const rawDec = m(raw.map((v) => v.decrypt));
    return [
      { name: "vault.encryptPerSec", value: Math.round(enc), unit: "values/s", description: `values written through the vault on LevelDB (${PEOPLE} people × ${FIELDS.length} fields, data key made and wrapped on each person's first write), ${CONCURRENCY} in flight, median of ${ROUNDS}` },
      { name: "vault.decryptPerSec", value: Math.round(dec), unit: "values/s", description: `the same values read through the audited path (consent check, access-log entry appended to LevelDB before each answer; data keys unwrapped on first use), ${CONCURRENCY} in flight, median of ${ROUNDS}` },
      { name: "vault.baseline.encryptPerSec", value: Math.round(rawEnc), unit: "values/s", description: `raw AES-256-GCM seal of the same values (fresh IV, same AAD, ${RAW_PASSES} passes), same run, median of ${ROUNDS}` },
      { name: "vault.baseline.decryptPerSec", value: Math.round(rawDec), unit: "values/s", description: `raw AES-256-GCM open of the same values (${RAW_PASSES} passes), same run, median of ${ROUNDS}` },
      { name: "vault.encryptRatioToRaw", value: round(enc / rawEnc, 3), unit: "×", description: "vault writes over raw seals: what storage and key handling cost" },
      { name: "vault.decryptRatioToRaw", value: round(dec / rawDec, 3), unit: "×", description: "audited reads over raw opens: what the checks, the store and the access log cost" },
      { name: "vault.accessLogEntries", value: m(vault.map((v) => v.logged)), unit: "entries", description: `access-log entries after reading ${list.length} values; must equal the number of reads` },
    ];
  },
  notes: `Both vault figures are bound by LevelDB writes (each audited read appends an access-log entry before it answers; a write stores a ciphertext and, once per person, a wrapped data key), not by AES: the baseline is the cipher alone on the same values, so the ratios say what storage, key handling, the consent check and the log cost on top of it. Measured while other work shared the machine's two cores, so the absolute figures are pessimistic; the ratios come from the same run.`,
};

export default bench;
