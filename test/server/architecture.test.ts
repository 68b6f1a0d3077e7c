// The folders of server/src show the architecture, and no two of them import each other, however indirectly
// (the developers' guide: the receipt log sits below the indexer and the services; the API below the composition).
// A folder is a top-level folder of server/src, or one service under server/src/services/.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./helpers/chain.js";

const root = path.join(repoRoot, "server/src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/** The folder a file belongs to: `indexer`, `services/workorders`, or `.` for the files at the top. */
function folderOf(file: string): string {
  const parts = path.relative(root, file).split(path.sep);
  if (parts.length === 1) return ".";
  return parts[0] === "services" && parts.length > 2 ? `services/${parts[1]}` : parts[0]!;
}

/** Folder → the folders its files import (relative imports only), with one file that does, for the message. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files(root)) {
    const from = folderOf(file);
    for (const m of readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)) {
      const to = folderOf(path.resolve(path.dirname(file), m[1]!));
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, path.relative(root, file));
    }
  }
  return graph;
}

/** Every cycle of folders, each once, as `a → b → … → a` with the importing files. */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found = new Set<string>();
  const walk = (path_: string[]): void => {
    for (const next of graph.get(path_.at(-1)!)?.keys() ?? []) {
      const at = path_.indexOf(next);
      if (at >= 0) {
        const cycle = path_.slice(at);
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const turned = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.add([...turned, turned[0]!].map((f, i, all) => (i + 1 < all.length ? `${f} (${graph.get(f)!.get(all[i + 1]!)})` : f)).join(" → "));
      } else walk([...path_, next]);
    }
  };
  for (const folder of graph.keys()) walk([folder]);
  return [...found];
}

describe("architecture: server/src", function () {
  it("has no import cycle between its folders (the receipt log below the indexer and the services; the API below the composition)", function () {
    const graph = folderGraph();
    expect(graph.size, "folders found").to.be.greaterThan(8);
    expect(cycles(graph)).to.deep.equal([]);
  });

  it("the receipt log needs neither the indexer nor any service; the indexer and the services need not each other", function () {
    const graph = folderGraph();
    const uses = (a: string, b: string) => graph.get(a)?.has(b) ?? false;
    expect(uses("receipts", "indexer"), "receipts → indexer").to.equal(false);
    for (const folder of graph.keys()) {
      if (folder.startsWith("services/")) {
        expect(uses("receipts", folder), `receipts → ${folder}`).to.equal(false);
        expect(uses("indexer", folder), `indexer → ${folder}`).to.equal(false);
        expect(uses(folder, "indexer"), `${folder} → indexer`).to.equal(false);
      }
    }
  });
});
