// Hardhat's test runner loads EVERY .ts file under test/, helpers and child-process entry points included, in a
// process whose argv is [node, hardhat, "test", …] and whose working directory is the repository. A child-process
// entry point that runs at load read "test" as its data directory and once wrote a LevelDB at test/indexer (it
// was committed by accident). Here every such support module is loaded the way the runner loads it — same argv,
// in a fresh empty working directory — and must load without error and write nothing anywhere under it.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot, tempDir } from "./helpers/chain.js";

function supportModules(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...supportModules(full));
    else if (/\.(ts|js|mjs|cjs)$/.test(entry.name) && !/\.test\.(ts|js|mjs|cjs)$/.test(entry.name)) out.push(full);
  }
  return out;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe("support modules under test/ (loaded by Hardhat's runner as if they were tests)", function () {
  this.timeout(120_000);

  it("load without running anything: no error, and nothing written in the working directory", async function () {
    const modules = supportModules(path.join(repoRoot, "test"));
    expect(modules.map((m) => path.relative(repoRoot, m))).to.include.members(["test/server/helpers/outbox-process.ts", "test/server/helpers/service-server.ts"]);
    const cwd = tempDir("support-modules");
    try {
      // As the runner: argv[1] is Hardhat's CLI and argv[2] "test", then each module imported in turn (the modules
      // that import "hardhat" find the repository's config through HARDHAT_CONFIG, as the runner's own is found).
      const script = [
        `process.argv = [process.execPath, ${JSON.stringify(path.join(repoRoot, "node_modules/hardhat/dist/src/cli.js"))}, "test"];`,
        `const failed = [];`,
        `for (const m of ${JSON.stringify(modules.map((m) => pathToFileURL(m).href))}) {`,
        `  try { await import(m); } catch (err) { failed.push(m + ": " + String(err && err.message).split("\\n")[0]); }`,
        `}`,
        `console.log(JSON.stringify(failed));`,
        // Anything a module started (a store, a server, a timer) must not keep the process alive either.
        `setTimeout(() => { console.error("still running 3 s after loading: a module started something"); process.exit(3); }, 3000).unref();`,
      ].join("\n");
      const child = spawn(
        process.execPath,
        ["--import", pathToFileURL(path.join(repoRoot, "node_modules/tsx/dist/loader.mjs")).href, "--input-type=module", "--eval", script],
        { cwd: cwd.dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GONGZHI_TEST_MASTER_KEY: "", HARDHAT_CONFIG: path.join(repoRoot, "hardhat.config.ts") } },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(code, stderr).to.equal(0);
      expect(listFiles(cwd.dir), "files written under the working directory").to.deep.equal([]);
      expect(JSON.parse(stdout.trim().split("\n").at(-1)!), "modules that failed to load").to.deep.equal([]);
    } finally {
      cwd.remove();
    }
  });
});
