// Runs the indexer in the test process (for the child-process runs see the crash test) and compares its read
// models with what the registry itself says.
import { expect } from "chai";
import pino from "pino";
import type { Abi, Address, PublicClient } from "viem";
import { loadArtifact } from "../../../server/src/chain/artifacts.js";
import { loadIndexerSettings, type IndexerSettings } from "../../../server/src/config/indexer.js";
import { follow, syncOnce } from "../../../server/src/indexer/indexer.js";
import { runAnchorer } from "../../../server/src/receipts/anchorer.js";
import { buildingScope, estateScope, type ScopeView, type UnitView } from "../../../server/src/indexer/models/registry.js";
import { setupIndexer, type Service } from "../../../server/src/indexer/setup.js";
import { closeStore, numKey } from "../../../server/src/store/store.js";
import { CHAIN_ID, rpc } from "./chain.js";

export type Running = { service: Service; stop: () => Promise<void>; waitForHead: () => Promise<void> };

export function settingsFor(url: string, deployment: string, dataDir: string, extra: Partial<IndexerSettings> = {}): IndexerSettings {
  return { ...loadIndexerSettings({ rpcUrl: url, chainId: CHAIN_ID, deployment, dataDir, pollMs: 50, logLevel: "silent" }, {}), ...extra };
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts following in the background; `waitForHead` resolves once the node's head block is indexed. */
export async function startIndexer(settings: IndexerSettings): Promise<Running> {
  // GONGZHI_TEST_LOG=1 shows the indexer's log lines while debugging a test.
  const logger = process.env.GONGZHI_TEST_LOG ? pino({ level: "debug" }) : undefined;
  const service = await setupIndexer(settings, logger);
  const controller = new AbortController();
  let failure: unknown;
  const running = follow(service.indexer, { pollMs: settings.pollMs, signal: controller.signal }).catch((err) => (failure = err));
  const anchoring = service.anchorer ? runAnchorer(service.anchorer, settings.pollMs, controller.signal) : undefined;
  return {
    service,
    async stop() {
      controller.abort();
      await running;
      await anchoring;
      await closeStore(service.store);
    },
    async waitForHead() {
      const head = Number(await rpc<string>(settings.rpcUrl, "eth_blockNumber"));
      await waitFor(`block ${head}`, async () => {
        if (failure) throw failure;
        const cp = service.indexer.checkpoint;
        if (cp.blockNumber < head) return false;
        const block = await rpc<{ hash: string } | null>(settings.rpcUrl, "eth_getBlockByNumber", [`0x${cp.blockNumber.toString(16)}`, false]);
        return block?.hash === cp.blockHash;
      });
    },
  };
}

/** Every unit and every scope in the read models equals the registry's own view. */
export async function expectModelsMatchChain(service: Service, client: PublicClient, registry: Address): Promise<{ units: number; scopes: number }> {
  const abi = loadArtifact("CommunityRegistry").abi as Abi;
  const read = (functionName: string, args: unknown[]) => client.readContract({ address: registry, abi, functionName, args });
  const [estates, buildings, units] = (await read("counts", [])) as [number, number, number, number];
  let scopes = 0;
  const scopeModel = service.store.models.get("scopes")!;
  for (const [e, b] of [
    ...Array.from({ length: estates }, (_, i) => [i + 1, 0]),
    ...Array.from({ length: buildings }, (_, i) => [0, i + 1]),
  ]) {
    const key = b === 0 ? estateScope(e) : buildingScope(b);
    const view = (await scopeModel.get(numKey(Number(key)))) as ScopeView;
    const [area, heads] = (await read("scopeTotals", [BigInt(key)])) as [bigint, number];
    expect({ area: view.area, heads: view.heads }, `scope ${key}`).to.deep.equal({ area: area.toString(), heads: Number(heads) });
    scopes++;
  }
  const unitModel = service.store.models.get("units")!;
  for (let id = 1; id <= Number(units); id++) {
    const view = (await unitModel.get(numKey(id))) as UnitView;
    const [buildingId, area, , holder] = (await read("unit", [id])) as [number, bigint, number, Address];
    expect({ buildingId: view.buildingId, area: view.area, holder: view.holder }, `unit ${id}`).to.deep.equal({
      buildingId: Number(buildingId),
      area: area.toString(),
      holder: holder.toLowerCase(),
    });
  }
  let stored = 0;
  for await (const _ of unitModel.keys()) stored++;
  expect(stored, "no unit beyond the registry's count").to.equal(Number(units));
  return { units: Number(units), scopes };
}

/**
 * Indexes to the head in this process with the child runs' settings (helpers/indexer-process.ts: one-block ranges,
 * undo for every block), so that its store can be compared with theirs entry for entry; faster than a child.
 */
export async function indexToHead(url: string, deployment: string, dataDir: string): Promise<void> {
  const service = await setupIndexer(settingsFor(url, deployment, dataDir, { initialRange: 1, maxRange: 1, targetLogs: 10, reorgWindow: 100_000 }));
  try {
    await syncOnce(service.indexer);
  } finally {
    await closeStore(service.store);
  }
}
