// The two languages have exactly the same texts, and every text key the client uses exists.
import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { en } from "../../client/src/i18n/en.js";
import { zhCN } from "../../client/src/i18n/zh-CN.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith(".ts") ? [full] : [];
  });
}

describe("client texts", function () {
  it("zh-CN and en have the same keys", function () {
    expect(Object.keys(en).sort()).to.deep.equal(Object.keys(zhCN).sort());
  });

  it("no text is empty and placeholders agree", function () {
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(zhCN[key].trim(), key).to.not.equal("");
      expect(en[key].trim(), key).to.not.equal("");
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(en[key]), key).to.deep.equal(names(zhCN[key]));
    }
  });

  it("every literal key the client passes to t() exists", function () {
    const dir = path.resolve(import.meta.dirname, "../../client/src");
    const used = new Set<string>();
    for (const file of sources(dir)) {
      for (const m of readFileSync(file, "utf8").matchAll(/\bt\("([\w.-]+)"/g)) used.add(m[1]!);
    }
    expect(used.size).to.be.greaterThan(100);
    const missing = [...used].filter((k) => !(k in zhCN));
    expect(missing).to.deep.equal([]);
  });
});
