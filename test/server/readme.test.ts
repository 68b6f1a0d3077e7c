// The README stays true: its library table names every runtime dependency of package.json, and every package it
// names is one the project has; its links point at files inside the repository (the rules in docs/, not a path
// outside it).
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./helpers/chain.js";

const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** The "library" column of the "Libraries and why" table. */
function libraryColumn(): string[] {
  const section = readme.slice(readme.indexOf("## Libraries and why"), readme.indexOf("\n## ", readme.indexOf("## Libraries and why") + 1));
  return section
    .split("\n")
    .filter((l) => l.startsWith("|") && !l.startsWith("| ---") && !l.startsWith("| need"))
    .map((l) => l.split("|")[2]!.trim());
}

describe("README", function () {
  it("names every runtime dependency of package.json in its library table", function () {
    const named = new Set(libraryColumn().flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)));
    const missing = Object.keys(pkg.dependencies).filter((d) => !named.has(d));
    expect(missing, "dependencies missing from the README's library table").to.deep.equal([]);
  });

  it("names only packages the project has (or Node's built-in modules)", function () {
    const known = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
    const named = libraryColumn().flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    // Subpath imports (`viem/siwe`, `zod/v4`) name their package first.
    const packageOf = (name: string) => (name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0]!);
    const unknown = named.filter((n) => !n.startsWith("node:") && !known.has(packageOf(n)));
    expect(unknown, "named in the README but not in package.json").to.deep.equal([]);
  });

  it("links only to files inside the repository, and points at docs/ for the rules", function () {
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^https?:/.test(l));
    expect(links.length).to.be.greaterThan(5);
    for (const link of links) {
      const target = path.resolve(repoRoot, link);
      expect(target.startsWith(repoRoot + path.sep), `${link} leaves the repository`).to.equal(true);
      expect(existsSync(target), `${link} does not exist`).to.equal(true);
    }
    expect(readme).to.not.match(/\.\.\/shared|\/work\//);
    expect(readme).to.include("[`docs/domain.md`](docs/domain.md)");
  });
});
