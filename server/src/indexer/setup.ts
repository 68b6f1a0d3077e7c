// Wires an indexer (and, with a key, an anchorer) from settings: the deployment file, the artifacts' ABIs,
// the store and the clients. Used by main.ts, the tests and the benchmarks.
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { loadArtifact } from "../chain/artifacts.js";
import { assertChainId, makePublicClient, makeWalletClient } from "../chain/clients.js";
import { readDeployment } from "../chain/deployment.js";
import type { IndexerSettings } from "../config/indexer.js";
import { checkLastBatch, createAnchorer, truncateGuard, type AnchorContract, type AnchorerState } from "../receipts/anchorer.js";
import type { Logger } from "../common/logger.js";
import { logEntryEncoding } from "../receipts/log-format.js";
import { createLock, type Lock } from "../store/lock.js";
import { checkIdentity, openStore, type Store } from "../store/store.js";
import { createIndexer, type Indexer } from "./indexer.js";
import { READ_MODELS } from "./models/index.js";

export type Service = { indexer: Indexer; anchorer?: AnchorerState; store: Store; lock: Lock; anchor?: AnchorContract };

export async function setupIndexer(settings: IndexerSettings, logger?: Logger): Promise<Service> {
  const deployment = readDeployment(settings.deployment);
  if (deployment.chainId !== settings.chainId) {
    throw new Error(`${settings.deployment} is for chain ${deployment.chainId}, but chain ${settings.chainId} is configured.`);
  }
  const rpc = { timeoutMs: settings.rpcTimeoutMs, retryCount: 0 };
  const client = makePublicClient(settings.rpcUrl, settings.chainId, rpc);
  await assertChainId(client, settings.chainId);
  const contracts = Object.entries(deployment.contracts).map(([name, c]) => ({
    name,
    address: c.address,
    abi: loadArtifact(c.artifact ?? name, settings.artifactsDir).abi,
    startBlock: c.blockNumber,
  }));
  const store = await openStore(settings.dataDir, READ_MODELS.flatMap((m) => m.models), logEntryEncoding);
  await checkIdentity(store, {
    chainId: settings.chainId,
    contracts: Object.fromEntries(Object.entries(deployment.contracts).map(([n, c]) => [n, { address: c.address, blockNumber: c.blockNumber }])),
  });
  const lock = createLock();
  const anchorEntry = deployment.contracts.RecordAnchor;
  const anchor: AnchorContract | undefined = anchorEntry
    ? { address: anchorEntry.address, abi: loadArtifact(anchorEntry.artifact ?? "RecordAnchor", settings.artifactsDir).abi }
    : undefined;
  const indexer = await createIndexer({
    client,
    chainId: settings.chainId,
    contracts,
    readModels: READ_MODELS,
    store,
    lock,
    confirmations: settings.confirmations,
    reorgWindow: settings.reorgWindow,
    range: { size: settings.initialRange, min: 1, max: settings.maxRange, targetLogs: settings.targetLogs },
    logger,
    beforeTruncate: anchor ? truncateGuard(client, anchor, store) : undefined,
  });
  let anchorer: AnchorerState | undefined;
  if (settings.anchorerKey) {
    if (!anchor) throw new Error("Anchoring needs RecordAnchor in the deployment file; deploy it or unset the anchoring key.");
    const walletClient = makeWalletClient(settings.rpcUrl, settings.chainId, privateKeyToAccount(settings.anchorerKey as Hex), rpc);
    anchorer = createAnchorer({
      publicClient: client,
      walletClient,
      anchor,
      store,
      lock,
      batchLeaves: settings.batchLeaves,
      batchSeconds: settings.batchSeconds,
      logger,
    });
    await checkLastBatch(anchorer.config);
  }
  return { indexer, anchorer, store, lock, anchor };
}
