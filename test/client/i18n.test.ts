// The two languages have exactly the same texts, every text key the client uses exists, and every page finds its
// texts in the chunks it loads: the shell's and its route's group (client/src/i18n/groups.ts, issue 19).
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { en } from "../../client/src/i18n/en.js";
import { groupTexts, inGroup, TEXT_GROUP_NAMES, TEXT_GROUPS, type TextGroup } from "../../client/src/i18n/groups.js";
import { zhCN } from "../../client/src/i18n/zh-CN.js";
import { routes } from "../../client/src/routes.js";

const clientDir = path.resolve(import.meta.dirname, "../../client/src");
const KEYS = Object.keys(zhCN);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith(".ts") ? [full] : [];
  });
}

/**
 * The text keys a module's code can pass to `t()`, read from its source: every string literal that is a key;
 * every key under a prefix the code builds keys from (`tally.${choice}`, "verify.words.choice", or the first
 * argument of the helpers that append a value to a prefix: label("outcome", …), enumText("matter", …)).
 */
export function usedKeys(code: string): Set<string> {
  const out = new Set<string>();
  const under = (prefix: string) => KEYS.filter((k) => k.startsWith(prefix)).forEach((k) => out.add(k));
  for (const m of code.matchAll(/"([\w.-]+)"|'([\w.-]+)'|`([\w.-]+)`/g)) {
    const s = (m[1] ?? m[2] ?? m[3])!;
    if (s in zhCN) out.add(s);
    else if (s.includes(".")) under(s.endsWith(".") ? s : `${s}.`);
  }
  for (const m of code.matchAll(/`([\w.-]+\.)\$\{/g)) under(m[1]!);
  for (const m of code.matchAll(/\b(?:label|enumText)\(\s*"(\w+)"\s*,/g)) under(`${m[1]}.`);
  return out;
}

/** The client modules `file` imports, relative ones only; `dynamic` adds those it loads later with import(). */
function imports(file: string, dynamic: boolean): string[] {
  const code = readFileSync(file, "utf8").replace(/^import type .*$/gm, "");
  const pattern = dynamic ? /(?:\bfrom|\bimport)\s*\(?\s*"(\.[^"]+)"/g : /\bfrom\s*"(\.[^"]+)"|^import\s*"(\.[^"]+)"/gm;
  return [...code.matchAll(pattern)]
    .map((m) => path.resolve(path.dirname(file), (m[1] ?? m[2])!.replace(/\.js$/, ".ts")))
    .filter((f) => existsSync(f) && !f.startsWith(path.join(clientDir, "i18n") + path.sep));
}

/** `file` and every client module it reaches. */
function reach(file: string, dynamic: boolean, seen = new Set<string>()): Set<string> {
  if (!seen.has(file)) {
    seen.add(file);
    for (const next of imports(file, dynamic)) reach(next, dynamic, seen);
  }
  return seen;
}

/** Keys `files` use that are neither in the shell's group nor in `group`: "key (file)". */
function outside(files: Set<string>, group: TextGroup | undefined): string[] {
  const missing = new Set<string>();
  for (const file of files) {
    for (const key of usedKeys(readFileSync(file, "utf8"))) {
      if (!inGroup(key, "shell") && !(group && inGroup(key, group))) missing.add(`${key} (${path.relative(clientDir, file)})`);
    }
  }
  return [...missing].sort();
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
    const used = new Set<string>();
    for (const file of sources(clientDir)) {
      for (const m of readFileSync(file, "utf8").matchAll(/\bt\("([\w.-]+)"/g)) used.add(m[1]!);
    }
    expect(used.size).to.be.greaterThan(100);
    const missing = [...used].filter((k) => !(k in zhCN));
    expect(missing).to.deep.equal([]);
  });

  describe("groups (one chunk per language and group)", function () {
    it("every key is in a group, and every entry of a group names keys", function () {
      const homeless = KEYS.filter((k) => !TEXT_GROUP_NAMES.some((g) => inGroup(k, g)));
      expect(homeless, "keys in no group of client/src/i18n/groups.ts").to.deep.equal([]);
      for (const group of TEXT_GROUP_NAMES) {
        const stale = TEXT_GROUPS[group].filter((entry: string) => !KEYS.some((k) => k === entry || k.startsWith(`${entry}.`)));
        expect(stale, `entries of "${group}" that name no key`).to.deep.equal([]);
      }
    });

    it("in every group, zh-CN and en have exactly the same keys", function () {
      for (const group of TEXT_GROUP_NAMES) {
        const zh = Object.keys(groupTexts(zhCN, group)).sort();
        expect(Object.keys(groupTexts(en, group)).sort(), group).to.deep.equal(zh);
      }
    });

    it("the shell's group is small: the page's groups hold what only pages need", function () {
      const bytes = Buffer.byteLength(JSON.stringify(groupTexts(zhCN, "shell")));
      expect(bytes, "bytes of the shell's Chinese texts").to.be.below(16_000);
      expect(bytes * 5, "the shell is a small part of all texts").to.be.below(Buffer.byteLength(JSON.stringify(zhCN)));
    });

    it("reads the keys code builds from prefixes (the check below would otherwise see too few)", function () {
      expect([...usedKeys('t(`tally.${c}`)')]).to.include.members(["tally.for", "tally.against", "tally.abstain"]);
      expect([...usedKeys('label("outcome", v.outcome)')].every((k) => k.startsWith("outcome."))).to.equal(true);
      expect(usedKeys('label("outcome", v.outcome)').size).to.equal(KEYS.filter((k) => k.startsWith("outcome.")).length);
      expect(usedKeys('enumText("verify.words.choice", CHOICES, a.choice)').size).to.be.greaterThan(1);
      expect([...usedKeys('h("p", {}, t(ok ? "app.home" : "nav.fund"))')].sort()).to.deep.equal(["app.home", "nav.fund"]);
    });

    it("the shell (main.ts and what it imports before any page) uses only the shell's texts", function () {
      // main.ts imports the views several pages share for bundling only (`import "./lib/tally.js";`: in the entry's
      // file, one request fewer per page, issue 19); the shell calls none of them, the pages do, and each page's test
      // below checks them against its own group. What main.ts imports by name is the shell's own code.
      const main = path.join(clientDir, "main.ts");
      const bundled = [...readFileSync(main, "utf8").matchAll(/^import\s*"(\.\/lib\/[^"]+)";/gm)].map((m) => path.resolve(clientDir, m[1]!.replace(/\.js$/, ".ts")));
      const pageReach = new Set(routes.flatMap((r) => [...reach(path.join(clientDir, "pages", `${r.page}.ts`), false)]));
      for (const file of bundled) expect(pageReach.has(file), `${path.relative(clientDir, file)} is imported by a page`).to.equal(true);
      const files = new Set<string>();
      for (const next of imports(main, false).filter((f) => !bundled.includes(f))) reach(next, false, files);
      files.add(main);
      expect(files.size).to.be.greaterThan(3);
      expect(outside(files, undefined)).to.deep.equal([]);
    });

    for (const route of routes) {
      it(`#/${route.pattern.source} (${route.page}) uses only the shell's texts and its group "${route.texts}"`, function () {
        // Everything the page's code can run, including what it loads later (signing, the chain): the page's
        // texts are all that is loaded while it is on screen.
        const files = reach(path.join(clientDir, "pages", `${route.page}.ts`), true);
        const used = [...files].flatMap((f) => [...usedKeys(readFileSync(f, "utf8"))]);
        expect(used.length, "keys found in the page's code").to.be.greaterThan(3);
        expect(outside(files, route.texts), `keys the page uses that are not in the shell or "${route.texts}"`).to.deep.equal([]);
      });
    }
  });
});
