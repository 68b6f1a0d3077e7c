// The indexer against nodes that behave otherwise than Hardhat's: Anvil nodes, one of them with another chain id,
// and a node behind a JSON-RPC proxy that limits eth_getLogs as Besu does (--rpc-max-logs-range, Besu's error).
//   - A data directory of another chain, for a deployment at the very same addresses, is refused and unchanged.
//   - Besu's range limit: the indexer halves its range until the node answers, and stores what a clean run stores.
//   - Confirmations above 0: the indexer stays that many blocks behind the head, and catches up as blocks come.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { makePublicClient, makeWalletClient } from "../../server/src/chain/clients.js";
import { deployContracts } from "../../server/src/chain/deploy.js";
import { writeDeployment, type Deployment } from "../../server/src/chain/deployment.js";
import { syncOnce } from "../../server/src/indexer/indexer.js";
import { setupIndexer } from "../../server/src/indexer/setup.js";
import { closeStore } from "../../server/src/store/store.js";
import { ANCHORER_KEY, clients, DEV_KEYS, anyFreePort, holderAddress, registryWriter, repoRoot, rpc, tempDir } from "./helpers/chain.js";
import { expectModelsMatchChain, settingsFor, startIndexer, waitFor } from "./helpers/indexer.js";
import { killLeftoverIndexers, spawnIndexer } from "./helpers/indexer-process.js";
import { startRpcProxy, type RpcProxy } from "./helpers/rpc-proxy.js";
import { digestStore } from "./helpers/store.js";

type Anvil = { url: string; chainId: number; child: ChildProcess; stop: () => Promise<void> };

/** An Anvil node with the given chain id (the test's own fixture: startLocalNode gives only the default id). */
async function startAnvil(chainId: number): Promise<Anvil> {
  const port = await anyFreePort();
  const child = spawn(path.join(repoRoot, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"), ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId), "--silent"], {
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await exited;
  };
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`anvil on port ${port} exited at start`);
    try {
      if (Number(await rpc<string>(url, "eth_chainId")) === chainId) return { url, chainId, child, stop };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`anvil on port ${port} did not answer`);
}

async function deployOn(node: Anvil, dir: string): Promise<{ deployment: Deployment; file: string }> {
  const account = privateKeyToAccount(DEV_KEYS[0]);
  const deployment = await deployContracts({
    publicClient: makePublicClient(node.url, node.chainId),
    walletClient: makeWalletClient(node.url, node.chainId, account),
    anchorers: [privateKeyToAccount(ANCHORER_KEY).address],
  });
  const file = path.join(dir, "deployment.json");
  writeDeployment(file, deployment);
  return { deployment, file };
}

describe("indexer against Anvil and a Besu-like node", function () {
  this.timeout(180_000);
  let a: Anvil;
  let b: Anvil;
  let tmp: ReturnType<typeof tempDir>;
  let proxy: RpcProxy | undefined;

  before(async function () {
    tmp = tempDir("indexer-nodes");
    a = await startAnvil(31337);
    b = await startAnvil(31338);
  });
  afterEach(killLeftoverIndexers);
  after(async function () {
    await proxy?.close();
    await a?.stop();
    await b?.stop();
    tmp?.remove();
  });

  it("refuses a data directory of another chain (same deployment addresses), says what to do, and changes nothing", async function () {
    // Both chains fresh, the same deployer and nonces: the deployments have the same addresses, on other chains.
    mkdirSync(path.join(tmp.dir, "a"));
    mkdirSync(path.join(tmp.dir, "b"));
    const onA = await deployOn(a, path.join(tmp.dir, "a"));
    const onB = await deployOn(b, path.join(tmp.dir, "b"));
    const addresses = (d: Deployment) => Object.fromEntries(Object.entries(d.contracts).map(([n, c]) => [n, c.address]));
    expect(addresses(onB.deployment), "the same addresses on both chains").to.deep.equal(addresses(onA.deployment));
    const reg = registryWriter(a.url, onA.deployment.contracts.CommunityRegistry.address as Address);
    await reg.registerUnits(await reg.addBuilding(await reg.createEstate(holderAddress(600))), [{ area: 8000, holder: holderAddress(1) }]);

    const dataDir = path.join(tmp.dir, "a", "data");
    const first = await spawnIndexer(a.url, onA.file, dataDir).exited;
    expect(first.code, first.stderr).to.equal(0);
    const before = await digestStore(dataDir);
    expect(before.entries).to.be.greaterThan(5);

    const other = await spawnIndexer(b.url, onB.file, dataDir, { chainId: 31338 }).exited;
    expect(other.code, "the indexer exits with an error").to.not.equal(0);
    expect(other.stdout, "it never starts following").to.not.include("indexer starting");
    expect(other.stderr).to.include(
      `The data directory indexes another chain or deployment (CommunityRegistry at ${onA.deployment.contracts.CommunityRegistry.address} on chain 31337); ` +
        "pass a fresh --data-dir for this deployment.",
    );
    expect(await digestStore(dataDir), "digest of the whole store").to.deep.equal(before);
  });

  it("halves its eth_getLogs range on Besu's range-limit error until the node answers, and stores what a clean run stores", async function () {
    const dir = path.join(tmp.dir, "besu");
    mkdirSync(dir);
    const { deployment, file } = await deployOn(a, dir);
    const registry = deployment.contracts.CommunityRegistry.address as Address;
    const reg = registryWriter(a.url, registry);
    const building = await reg.addBuilding(await reg.createEstate(holderAddress(601)));
    for (let i = 0; i < 30; i++) await reg.registerUnits(building, [{ area: 4000 + i, holder: holderAddress(10 + (i % 7)) }]);

    const MAX = 7; // Besu refuses when toBlock − fromBlock > --rpc-max-logs-range
    proxy = await startRpcProxy(a.url);
    proxy.setMaxLogsRange(MAX);
    const limited = await setupIndexer(settingsFor(proxy.url, file, path.join(dir, "limited"), { initialRange: 1000, maxRange: 1000 }));
    let result;
    try {
      result = await syncOnce(limited.indexer);
      expect(result.indexedTo).to.equal(result.head);
      await expectModelsMatchChain(limited, clients(a.url).publicClient, registry);
    } finally {
      await closeStore(limited.store);
    }
    const refused = proxy.getLogs.filter((r) => r.refused);
    const answered = proxy.getLogs.filter((r) => !r.refused);
    console.log(`      eth_getLogs: ${refused.length} refused, ${answered.length} answered (largest ${Math.max(...answered.map((r) => r.to - r.from + 1))} blocks)`);
    expect(refused[0], "the first request asked for the whole backfill, and was refused").to.deep.include({ from: deployment.contracts.CommunityRegistry.blockNumber, refused: true });
    expect(answered.length).to.be.greaterThan(0);
    for (const r of answered) expect(r.to - r.from, `answered range ${r.from}–${r.to}`).to.be.at.most(MAX);

    const clean = await setupIndexer(settingsFor(a.url, file, path.join(dir, "clean"), { initialRange: 1000, maxRange: 1000 }));
    try {
      expect((await syncOnce(clean.indexer)).indexedTo).to.equal(result.indexedTo);
    } finally {
      await closeStore(clean.store);
    }
    // Range-end block hashes aside ("blocks": where the ranges stopped differs, by design).
    expect(await digestStore(path.join(dir, "limited"), ["blocks"])).to.deep.equal(await digestStore(path.join(dir, "clean"), ["blocks"]));
  });

  it("with confirmations above 0, stays that many blocks behind the head and catches up as blocks come", async function () {
    const dir = path.join(tmp.dir, "confirmations");
    mkdirSync(dir);
    const { deployment, file } = await deployOn(a, dir);
    const registry = deployment.contracts.CommunityRegistry.address as Address;
    const reg = registryWriter(a.url, registry);
    const building = await reg.addBuilding(await reg.createEstate(holderAddress(602)));
    for (let i = 0; i < 5; i++) await reg.registerUnits(building, [{ area: 7000 + i, holder: holderAddress(20 + i) }]);
    const head = Number(await rpc<string>(a.url, "eth_blockNumber"));

    const CONFIRMATIONS = 3;
    const running = await startIndexer(settingsFor(a.url, file, path.join(dir, "data"), { confirmations: CONFIRMATIONS }));
    try {
      const ix = running.service.indexer;
      const units = running.service.store.models.get("units")!;
      const countUnits = async () => {
        let n = 0;
        for await (const _ of units.keys()) n++;
        return n;
      };
      // Rounds that began after now and finished: the indexer had its chance to go further.
      const rounds = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const since = Date.now();
          await waitFor("a whole round", () => (ix.status.headAt ?? 0) > since && (ix.status.syncedAt ?? 0) > ix.status.headAt!);
        }
      };
      await waitFor(`block ${head - CONFIRMATIONS}`, () => ix.checkpoint.blockNumber >= head - CONFIRMATIONS);
      await rounds(2);
      expect(ix.status.head, "the head it saw").to.equal(head);
      expect(ix.checkpoint.blockNumber, "confirmations behind the head").to.equal(head - CONFIRMATIONS);
      expect(await countUnits(), "the units of the last three blocks are not indexed yet").to.equal(2);

      for (let i = 0; i < CONFIRMATIONS; i++) await rpc(a.url, "evm_mine");
      await waitFor(`block ${head}`, () => ix.checkpoint.blockNumber >= head);
      await rounds(2);
      expect(ix.status.head).to.equal(head + CONFIRMATIONS);
      expect(ix.checkpoint.blockNumber, "caught up to three blocks behind the new head").to.equal(head);
      expect(await countUnits()).to.equal(5);
      await expectModelsMatchChain(running.service, clients(a.url).publicClient, registry);
    } finally {
      await running.stop();
    }
  });
});
