// The worker thread that prepares logs must start however the indexer is run: from tsx's command, from a
// process that registered its TypeScript loader in-process (Hardhat), and with V8 flags that Node refuses in a
// worker's own execArgv (an operator's `node --max-old-space-size=… `).
import { expect } from "chai";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Address } from "viem";
import { workerExecArgv } from "../../server/src/indexer/prepare.js";
import { deployAll, anyFreePort, holderAddress, registryWriter, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { runIndexer } from "./helpers/indexer-process.js";

describe("the log-preparing worker's start", function () {
  this.timeout(120_000);

  it("inherits the parent's flags when the parent already has tsx", function () {
    const tsxArgv = ["--require", "/r/node_modules/tsx/dist/preflight.cjs", "--import", "file:///r/node_modules/tsx/dist/loader.mjs"];
    expect(workerExecArgv([...tsxArgv, "--max-old-space-size=2048"], true)).to.equal(undefined);
    expect(workerExecArgv(["--max-old-space-size=2048"], false), "compiled sources need no loader").to.equal(undefined);
  });

  it("gets tsx and only the parent's module hooks otherwise", function () {
    const argv = ["--max-old-space-size=2048", "--import", "./hooks.mjs", "--conditions=development", "--trace-gc", "-r", "./pre.cjs"];
    const execArgv = workerExecArgv(argv, true);
    expect(execArgv).to.deep.equal(["--import", "./hooks.mjs", "--conditions=development", "-r", "./pre.cjs", "--import", "tsx"]);
    // Node accepts it for a worker, where it refuses the whole of the parent's argv.
    expect(() => new Worker("", { eval: true, execArgv: argv })).to.throw(/execArgv/);
    const worker = new Worker("", { eval: true, execArgv: workerExecArgv(["--max-old-space-size=2048", "--trace-gc"], true) });
    return worker.terminate();
  });

  describe("as an operator's process", function () {
    let node: NodeProcess;
    let tmp: ReturnType<typeof tempDir>;
    before(async function () {
      node = await startNode({ port: await anyFreePort() });
      tmp = tempDir("prepare-worker");
    });
    after(async function () {
      await node?.stop();
      tmp?.remove();
    });

    it("indexes with its logs prepared in the worker under V8 flags a worker's execArgv refuses", async function () {
      const { deployment, file } = await deployAll(node.url, tmp.dir);
      const reg = registryWriter(node.url, deployment.contracts.CommunityRegistry.address as Address);
      const estate = await reg.createEstate(holderAddress(7));
      await reg.registerUnits(await reg.addBuilding(estate), [{ area: 9000, holder: holderAddress(8) }]);
      const flags = ["--max-old-space-size=2048", "--max-semi-space-size=32"];
      const run = await runIndexer(node.url, file, path.join(tmp.dir, "db"), undefined, flags);
      expect(run.code, run.stderr).to.equal(0);
      const starting = run.stdout.split("\n").find((line) => line.includes("indexer starting"));
      expect(starting, run.stdout).to.be.a("string");
      expect(JSON.parse(starting!).preparing).to.equal("worker");
      expect(run.stdout).to.include('"msg":"indexer stopped"');
    });
  });
});
