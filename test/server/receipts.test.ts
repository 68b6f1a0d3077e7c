// Receipts end to end on a Hardhat node: every record type gets a receipt that RecordAnchor.verify accepts and
// that the verify-receipt CLI checks against the chain; one byte changed in any field fails at the right step;
// anchoring adopts a transaction sent before a crash and never anchors a leaf twice.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { bytesToHex, type Abi, type Address, type Hex } from "viem";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { anchorOnce, chainNextLeaf, createAnchorer } from "../../server/src/receipts/anchorer.js";
import type { Receipt } from "../../server/src/receipts/format.js";
import { appendOffchain, readEntry, readLeaves } from "../../server/src/receipts/log.js";
import { buildReceipt, createTreeCache } from "../../server/src/receipts/receipt.js";
import { buildTree, rootOf } from "../../server/src/receipts/tree.js";
import { verifyReceipt, type StepName } from "../../server/src/receipts/verify.js";
import { CHAIN_ID, clients, ANCHORER_KEY, deployAll, freePort, holderAddress, registryWriter, repoRoot, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { playHistory } from "./helpers/history.js";
import { settingsFor, startIndexer, waitFor, type Running } from "./helpers/indexer.js";

function cli(file: string, url: string) {
  return spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, "server/src/receipts/cli.ts"), file, "--rpc", url], {
    encoding: "utf8",
    cwd: repoRoot,
  });
}

/** Changes one hex digit (keeping it lowercase hex) at position `at` from the end. */
function flipHex(value: string, at = 1): string {
  const i = value.length - at;
  return value.slice(0, i) + (value[i] === "0" ? "1" : "0") + value.slice(i + 1);
}

describe("receipts on a Hardhat node", function () {
  this.timeout(180_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let running: Running;
  let anchorAddress: Address;
  const receipts: Receipt[] = [];

  before(async function () {
    node = await startNode({ port: await freePort(8640) });
    tmp = tempDir("receipts");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    anchorAddress = deployment.contracts.RecordAnchor.address;
    const reg = registryWriter(node.url, deployment.contracts.CommunityRegistry.address);
    running = await startIndexer(
      settingsFor(node.url, file, path.join(tmp.dir, "db"), { anchorerKey: ANCHORER_KEY, batchLeaves: 4, batchSeconds: 0 }),
    );
    const estate = await reg.createEstate(holderAddress(900));
    const b = await reg.addBuilding(estate);
    const [u1] = await reg.registerUnits(b, [{ area: 8000, holder: holderAddress(1) }, { area: 7000, holder: holderAddress(2) }]);
    await reg.transferUnit(u1, holderAddress(3));
    const { service } = running;
    await appendOffchain(service.store, service.lock, CHAIN_ID, {
      kind: "workorder.created",
      id: "wo-0001",
      at: 1_700_000_000,
      payload: { category: "burst-pipe", building: b, reporterHash: "0x" + "ab".repeat(32) },
    });
    // More activity, so that the anchor's own BatchAnchored records ride along in later batches.
    for (let i = 0; i < 3; i++) await reg.registerUnits(b, [{ area: 5000 + i, holder: holderAddress(10 + i) }]);
    // Records of the vote, fund and time-bank contracts: a vote, a plan, an emergency spend, services, a gift.
    await playHistory(node.url, deployment);
    const { publicClient } = clients(node.url);
    const anchor = { address: anchorAddress, abi: loadArtifact("RecordAnchor").abi as Abi };
    await waitFor("the log to be anchored", async () => {
      await running.waitForHead();
      const anchored = await chainNextLeaf(publicClient, anchor);
      let anchorRecord = false; // wait until some BatchAnchored record has ridden along in a later batch
      for (let seq = 0; seq < anchored && !anchorRecord; seq++) anchorRecord = (await readEntry(service.store, seq))?.decoded?.event === "BatchAnchored";
      // … and until every record of the history is anchored (only the anchor's own last records may wait).
      let lastOwn = service.indexer.nextSeq - 1;
      while (lastOwn >= 0 && (await readEntry(service.store, lastOwn))?.decoded?.event === "BatchAnchored") lastOwn--;
      return anchorRecord && anchored > lastOwn && (await buildReceipt(service.store, anchored - 1, { chainId: CHAIN_ID, anchor: anchorAddress }).then(() => true, () => false));
    });
    const cache = createTreeCache();
    const anchored = await chainNextLeaf(publicClient, anchor);
    for (let seq = 0; seq < anchored; seq++) {
      receipts.push(await buildReceipt(service.store, seq, { chainId: CHAIN_ID, anchor: anchorAddress, cache }));
    }
  });
  after(async function () {
    await running?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("gives every record type a receipt that verifies on chain and off chain", async function () {
    const kinds = new Set(receipts.map((r) => (r.record.schema === "gongzhi/onchain-log/v1" ? r.record.event : r.record.kind)));
    expect([...kinds].sort()).to.include.members([
      "CommunityRegistry.BuildingAdded",
      "CommunityRegistry.EstateCreated",
      "CommunityRegistry.HolderIndexed",
      "CommunityRegistry.RoleGranted",
      "CommunityRegistry.UnitRegistered",
      "CommunityRegistry.UnitTransferred",
      "RecordAnchor.BatchAnchored",
      "workorder.created",
      "ProxyAuthorizations.AuthorizationRecorded",
      "OwnersVote.VoteOpened",
      "OwnersVote.BallotCast",
      "OwnersVote.ProxyBallotReplaced",
      "OwnersVote.VoteFinalized",
      "MaintenanceFund.EmergencyPolicySet",
      "MaintenanceFund.Deposited",
      "MaintenanceFund.UnitCharged",
      "MaintenanceFund.PlanOpened",
      "MaintenanceFund.Disbursed",
      "MaintenanceFund.UnitRefunded",
      "MaintenanceFund.PlanClosed",
      "MaintenanceFund.EmergencyProposed",
      "MaintenanceFund.EmergencyApproved",
      "MaintenanceFund.EmergencyConfirmed",
      "MaintenanceFund.EmergencyDisclosed",
      "TimeBank.MemberRegistered",
      "TimeBank.FamilyLinked",
      "TimeBank.PartnerRegistered",
      "TimeBank.ServiceRecorded",
      "TimeBank.ServiceConfirmed",
      "TimeBank.ServiceRejected",
      "TimeBank.CreditsGifted",
      "TimeBank.CreditsRedeemed",
    ]);
    const { publicClient } = clients(node.url);
    const abi = loadArtifact("RecordAnchor").abi as Abi;
    for (const r of receipts) {
      const onChain = await publicClient.readContract({ address: anchorAddress, abi, functionName: "verify", args: [BigInt(r.batchId), r.leaf, r.proof] });
      expect(onChain, `RecordAnchor.verify of entry ${r.leafIndex}`).to.equal(true);
      const report = await verifyReceipt(JSON.parse(JSON.stringify(r)), publicClient);
      expect(report.ok, `entry ${r.leafIndex}: ${JSON.stringify(report.steps.at(-1))}`).to.equal(true);
      expect(report.steps.map((s) => s.step)).to.include(r.record.schema === "gongzhi/onchain-log/v1" ? "source-log" : "anchoring-tx");
    }
  });

  it("verify-receipt CLI passes an on-chain and an off-chain receipt and prints each step", function () {
    const onchain = receipts.find((r) => r.record.schema === "gongzhi/onchain-log/v1" && r.record.event.endsWith("UnitTransferred"))!;
    const offchain = receipts.find((r) => r.record.schema === "gongzhi/offchain-record/v1")!;
    for (const [name, r] of [["onchain", onchain], ["offchain", offchain]] as const) {
      const file = path.join(tmp.dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(r, null, 2));
      const out = cli(file, node.url);
      expect(out.status, out.stdout + out.stderr).to.equal(0);
      for (const step of ["format", "encoding", "leaf", "index", "proof", "chain", "anchored-batch", "anchor-verify", "anchoring-tx"]) {
        expect(out.stdout).to.match(new RegExp(`✔ ${step}:`));
      }
      if (name === "onchain") expect(out.stdout).to.match(/✔ source-log:/);
    }
  });

  it("verify-receipt CLI passes receipts of the vote, fund and time-bank contracts", function () {
    for (const event of ["OwnersVote.BallotCast", "MaintenanceFund.Disbursed", "MaintenanceFund.EmergencyDisclosed", "TimeBank.ServiceConfirmed", "TimeBank.CreditsRedeemed"]) {
      const r = receipts.find((x) => x.record.schema === "gongzhi/onchain-log/v1" && x.record.event === event)!;
      const file = path.join(tmp.dir, `${event}.json`);
      writeFileSync(file, JSON.stringify(r, null, 2));
      const out = cli(file, node.url);
      expect(out.status, `${event}: ${out.stdout}${out.stderr}`).to.equal(0);
      expect(out.stdout).to.match(/✔ source-log:/).and.match(/receipt verified/);
    }
  });

  it("fails a receipt with one byte changed, naming the step", async function () {
    const { publicClient } = clients(node.url);
    const base = receipts.find((r) => r.record.schema === "gongzhi/onchain-log/v1" && r.proof.length > 0 && r.record.topics.length > 1 && r.record.data.length > 2)!;
    type Mutable = Record<string, unknown> & { record: Record<string, unknown>; anchoring: Record<string, unknown>; proof: string[] };
    const cases: [string, (r: Mutable) => void, StepName][] = [
      ["format", (r) => (r.format = "gongzhi-receipt/2"), "format"],
      ["hex case", (r) => (r.leaf = (r.leaf as string).replace(/[a-f]/, (c) => c.toUpperCase())), "format"],
      ["record.data", (r) => (r.record.data = flipHex(r.record.data as string)), "encoding"],
      ["record.topics[1]", (r) => ((r.record.topics as string[])[1] = flipHex((r.record.topics as string[])[1])), "encoding"],
      ["record.txHash", (r) => (r.record.txHash = flipHex(r.record.txHash as string)), "encoding"],
      ["record.logIndex", (r) => (r.record.logIndex = (r.record.logIndex as number) + 1), "encoding"],
      ["encoded", (r) => (r.encoded = flipHex(r.encoded as string, 3)), "encoding"],
      ["leaf", (r) => (r.leaf = flipHex(r.leaf as string)), "leaf"],
      ["leafIndex", (r) => (r.leafIndex = (r.leafIndex as number) + 1), "index"],
      ["chainId", (r) => (r.chainId = (r.chainId as number) + 1), "index"],
      ["proof[0]", (r) => (r.proof[0] = flipHex(r.proof[0])), "proof"],
      ["root", (r) => (r.root = flipHex(r.root as string)), "proof"],
      ["anchor", (r) => (r.anchor = flipHex(r.anchor as string)), "anchored-batch"],
      ["batchId", (r) => (r.batchId = (r.batchId as number) + 1), "anchored-batch"],
      ["leafCount", (r) => (r.leafCount = (r.leafCount as number) + 1), "anchored-batch"],
      ["anchoring.blockNumber", (r) => (r.anchoring.blockNumber = (r.anchoring.blockNumber as number) + 1), "anchored-batch"],
      ["anchoring.txHash", (r) => (r.anchoring.txHash = flipHex(r.anchoring.txHash as string)), "anchoring-tx"],
    ];
    for (const [field, mutate, step] of cases) {
      const tampered = JSON.parse(JSON.stringify(base)) as Mutable;
      mutate(tampered);
      const report = await verifyReceipt(tampered, publicClient);
      expect(report.ok, field).to.equal(false);
      expect(report.steps.at(-1)!.step, `${field}: ${report.steps.at(-1)!.detail}`).to.equal(step);
    }
    // And through the CLI: exit code 1 and the failing step named.
    const file = path.join(tmp.dir, "tampered.json");
    writeFileSync(file, JSON.stringify({ ...base, root: flipHex(base.root) }));
    const out = cli(file, node.url);
    expect(out.status).to.equal(1);
    expect(out.stdout).to.match(/✘ proof:/).and.match(/failed at step "proof"/);
  });

  it("adopts an anchoring transaction sent before a crash and never anchors a leaf twice", async function () {
    await running.stop();
    const { publicClient, walletClient } = clients(node.url, ANCHORER_KEY);
    const abi = loadArtifact("RecordAnchor").abi as Abi;
    const anchor = { address: anchorAddress, abi };
    const settings = settingsFor(node.url, path.join(tmp.dir, "deployment.json"), path.join(tmp.dir, "db"), { anchorerKey: ANCHORER_KEY, batchLeaves: 1000, batchSeconds: 0 });
    running = await startIndexer({ ...settings, anchorerKey: undefined });
    const { store, lock } = running.service;
    await appendOffchain(store, lock, CHAIN_ID, { kind: "mediation.closed", id: "md-7", at: 1_700_000_100, payload: { outcome: "agreed" } });
    const first = await chainNextLeaf(publicClient, anchor);
    const length = running.service.indexer.nextSeq + 1;
    // The "crashed" anchorer's transaction: it went through, but the anchorer never saw the receipt.
    const root = bytesToHex(rootOf(buildTree(await readLeaves(store, first, length - first)))) as Hex;
    await publicClient.waitForTransactionReceipt({
      hash: await walletClient.writeContract({ address: anchorAddress, abi, functionName: "anchor", args: [root, BigInt(first), BigInt(length - first)] }),
    });
    const batchesBefore = await publicClient.readContract({ address: anchorAddress, abi, functionName: "batchCount" });
    // The restarted anchorer reconciles with nextLeaf() and has nothing left to anchor.
    const anchorer = createAnchorer({ publicClient, walletClient, anchor, store, lock, batchLeaves: 1000, batchSeconds: 0 });
    const again = await anchorOnce(anchorer);
    expect(again.anchored).to.equal(false);
    expect(await publicClient.readContract({ address: anchorAddress, abi, functionName: "batchCount" })).to.equal(batchesBefore);
    // A duplicate of an old transaction is refused by the chain (LeafGap): no leaf is anchored twice.
    const duplicate = await walletClient
      .writeContract({ address: anchorAddress, abi, functionName: "anchor", args: [root, BigInt(first), BigInt(length - first)] })
      .then(() => "sent", (err: Error) => err.message);
    expect(duplicate).to.match(/LeafGap/);
    const offchain = await buildReceipt(store, length - 1, { chainId: CHAIN_ID, anchor: anchorAddress }).catch((e: Error) => e);
    // Its receipt is available once the indexer has seen the adopted batch's BatchAnchored event.
    await running.waitForHead();
    const receipt = offchain instanceof Error ? await buildReceipt(store, length - 1, { chainId: CHAIN_ID, anchor: anchorAddress }) : offchain;
    expect((await verifyReceipt(receipt, publicClient)).ok).to.equal(true);
  });
});
