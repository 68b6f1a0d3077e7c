// Receipts end to end on a Hardhat node: every record type gets a receipt that RecordAnchor.verify accepts and
// that the verify-receipt CLI checks against the chain; one byte changed in any field fails at the right step;
// anchoring adopts a transaction sent before a crash and never anchors a leaf twice; a receipt is bound to the
// deployment (pinned anchor, event names from the ABIs, exact proof length, the record asked about), and the CLI's
// exit status tells "verified", "does not match", "could not check" and "unpinned" apart.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { bytesToHex, concat, keccak256, type Abi, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createApp } from "../../server/src/api/app.js";
import { resourceDeps, resourceRoutes } from "../../server/src/api/resources/index.js";
import type { ResourceDeps } from "../../server/src/api/resources/context.js";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { deployContracts, DEPLOY_PLAN } from "../../server/src/chain/deploy.js";
import type { Deployment } from "../../server/src/chain/deployment.js";
import { artifactAbiOf } from "../../server/src/receipts/abis.js";
import { anchorOnce, chainNextLeaf, createAnchorer } from "../../server/src/receipts/anchorer.js";
import type { Receipt } from "../../server/src/receipts/format.js";
import { appendOffchain, readEntry, readLeaves } from "../../server/src/receipts/log.js";
import { buildReceipt, createTreeCache } from "../../server/src/receipts/receipt.js";
import { encodeRecord, type Record_ } from "../../server/src/receipts/record.js";
import { buildTree, proofOf, rootOf } from "../../server/src/receipts/tree.js";
import { pinOf, verifyReceipt, type StepName, type VerifyOptions } from "../../server/src/receipts/verify.js";
import { CHAIN_ID, clients, ANCHORER_KEY, deployAll, anyFreePort, holderAddress, registryWriter, repoRoot, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { playHistory } from "./helpers/history.js";
import { settingsFor, startIndexer, waitFor, type Running } from "./helpers/indexer.js";

/** Runs `npm run verify-receipt -- ...args`. */
function run(...args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, "server/src/receipts/cli.ts"), ...args], {
    encoding: "utf8",
    cwd: repoRoot,
    env: { ...process.env, GONGZHI_RPC_URL: "" },
  });
}
/** Runs `npm run verify-receipt -- <file> --rpc <url> ...args`. */
function cli(file: string, url: string, ...args: string[]) {
  return run(file, "--rpc", url, ...args);
}

/** GET /api/receipts/:id from an API over `deps`, in both languages: the status, code and messages. */
async function receiptAnswer(deps: ResourceDeps, id: number): Promise<{ status: number; code: string; en: string; zh: string }> {
  const app = createApp({ routes: resourceRoutes(deps), logger: pino({ level: "silent" }), corsOrigins: [], rateLimit: { windowMs: 60_000, limit: 1000 }, bodyLimit: "16kb", version: "test" });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/receipts/${id}`;
    const ask = async (lang: string) => {
      const res = await fetch(url, { headers: { "Accept-Language": lang } });
      return { status: res.status, error: ((await res.json()) as { error: { code: string; message: string } }).error };
    };
    const [en, zh] = [await ask("en"), await ask("zh-CN")];
    return { status: en.status, code: en.error.code, en: en.error.message, zh: zh.error.message };
  } finally {
    server.close();
  }
}

/** What the verifier needs from the real deployment: its pin and the ABIs of its contracts. */
function pinned(deployment: Deployment): VerifyOptions {
  return { pin: pinOf(deployment), abiOf: artifactAbiOf(deployment) };
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
  let deployment: Deployment;
  let deploymentFile: string;
  const receipts: Receipt[] = [];

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("receipts");
    const deployed = await deployAll(node.url, tmp.dir);
    deployment = deployed.deployment;
    deploymentFile = deployed.file;
    const file = deployed.file;
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
    await appendOffchain(service.store, service.lock, CHAIN_ID, [
      {
        kind: "workorder.created",
        id: "wo-0001",
        at: 1_700_000_000,
        actor: { address: holderAddress(1).toLowerCase() as Hex },
        payload: { category: "burst-pipe", building: b, reporterHash: "0x" + "ab".repeat(32) },
      },
    ]);
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
      const report = await verifyReceipt(JSON.parse(JSON.stringify(r)), publicClient, pinned(deployment));
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
      const out = cli(file, node.url, "--deployment", deploymentFile);
      expect(out.status, out.stdout + out.stderr).to.equal(0);
      for (const step of ["format", "pinned-anchor", "encoding", "leaf", "index", "proof", "chain", "anchored-batch", "anchor-verify", "anchoring-tx"]) {
        expect(out.stdout).to.match(new RegExp(`✔ ${step}:`));
      }
      if (name === "onchain") expect(out.stdout).to.match(/✔ event:/).and.match(/✔ source-log:/);
    }
  });

  it("verify-receipt CLI passes receipts of the vote, fund and time-bank contracts", function () {
    for (const event of ["OwnersVote.BallotCast", "MaintenanceFund.Disbursed", "MaintenanceFund.EmergencyDisclosed", "TimeBank.ServiceConfirmed", "TimeBank.CreditsRedeemed"]) {
      const r = receipts.find((x) => x.record.schema === "gongzhi/onchain-log/v1" && x.record.event === event)!;
      const file = path.join(tmp.dir, `${event}.json`);
      writeFileSync(file, JSON.stringify(r, null, 2));
      const out = cli(file, node.url, "--anchor", anchorAddress);
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
      // Pinned to the deployment's chain, another chainId fails before the record is looked at.
      ["chainId", (r) => (r.chainId = (r.chainId as number) + 1), "pinned-anchor"],
      ["proof[0]", (r) => (r.proof[0] = flipHex(r.proof[0])), "proof"],
      ["root", (r) => (r.root = flipHex(r.root as string)), "proof"],
      // Pinned, a receipt naming another anchor fails before the chain is asked (unpinned, at anchored-batch).
      ["anchor", (r) => (r.anchor = flipHex(r.anchor as string)), "pinned-anchor"],
      ["batchId", (r) => (r.batchId = (r.batchId as number) + 1), "anchored-batch"],
      // Another batch size needs another proof length for this leaf's position.
      ["leafCount", (r) => (r.leafCount = (r.leafCount as number) + 1), "index"],
      ["anchoring.blockNumber", (r) => (r.anchoring.blockNumber = (r.anchoring.blockNumber as number) + 1), "anchored-batch"],
      ["anchoring.txHash", (r) => (r.anchoring.txHash = flipHex(r.anchoring.txHash as string)), "anchoring-tx"],
    ];
    for (const [field, mutate, step] of cases) {
      const tampered = JSON.parse(JSON.stringify(base)) as Mutable;
      mutate(tampered);
      const report = await verifyReceipt(tampered, publicClient, pinned(deployment));
      expect(report.ok, field).to.equal(false);
      expect(report.outcome, field).to.equal(step === "format" ? "invalid" : "mismatch");
      expect(report.steps.at(-1)!.step, `${field}: ${report.steps.at(-1)!.detail}`).to.equal(step);
    }
    // And through the CLI: exit code 1 and the failing step named.
    const file = path.join(tmp.dir, "tampered.json");
    writeFileSync(file, JSON.stringify({ ...base, root: flipHex(base.root) }));
    const out = cli(file, node.url, "--deployment", deploymentFile);
    expect(out.status).to.equal(1);
    expect(out.stdout).to.match(/✘ proof:/).and.match(/failed at step "proof"/);
  });

  /** An outsider's own CommunityRegistry and RecordAnchor on the same chain: anyone with a funded account can. */
  async function outsiderAnchor() {
    const outsider = generatePrivateKey();
    const admin = clients(node.url);
    await admin.publicClient.waitForTransactionReceipt({
      hash: await admin.walletClient.sendTransaction({ to: privateKeyToAccount(outsider).address, value: 10n ** 18n }),
    });
    const { publicClient, walletClient, account } = clients(node.url, outsider);
    const plan = DEPLOY_PLAN.filter((s) => s.name === "CommunityRegistry" || s.name === "RecordAnchor");
    const own = await deployContracts({ publicClient, walletClient, plan, anchorers: [account.address] });
    return { address: own.contracts.RecordAnchor.address.toLowerCase() as Address, publicClient, walletClient };
  }

  /**
   * Anchors `record` in an outsider's RecordAnchor and writes its receipt, as the outsider would: a filler batch
   * up to the record's seq, then a batch claiming `leafCount` leaves whose tree is `treeLeaves` leaves (the record
   * first, then made-up ones).
   */
  async function forge(record: Record_, shape: { treeLeaves?: number; leafCount?: number } = {}): Promise<Receipt> {
    const own = await outsiderAnchor();
    const abi = loadArtifact("RecordAnchor").abi as Abi;
    const anchor = async (root: Hex, first: number, count: number) =>
      own.publicClient.waitForTransactionReceipt({
        hash: await own.walletClient.writeContract({ address: own.address, abi, functionName: "anchor", args: [root, BigInt(first), BigInt(count)] }),
      });
    let batchId = 0;
    if (record.seq > 0) {
      await anchor(keccak256("0x01"), 0, record.seq);
      batchId = 1;
    }
    const encoded = encodeRecord(record);
    const leaf = keccak256(keccak256(encoded));
    const treeLeaves = shape.treeLeaves ?? 3;
    const leaves = [leaf, ...Array.from({ length: treeLeaves - 1 }, (_, i) => keccak256(`0x${(i + 2).toString(16).padStart(2, "0")}`))];
    const tree = buildTree(Buffer.concat(leaves.map((l) => Buffer.from(l.slice(2), "hex"))));
    const root = bytesToHex(rootOf(tree));
    const leafCount = shape.leafCount ?? treeLeaves;
    const tx = await anchor(root, record.seq, leafCount);
    return {
      format: "gongzhi-receipt/1",
      chainId: CHAIN_ID,
      anchor: own.address,
      batchId,
      firstLeaf: record.seq,
      leafCount,
      root,
      record,
      encoded,
      leaf,
      leafIndex: record.seq,
      proof: proofOf(tree, 0).map((p) => bytesToHex(p)),
      anchoring: { txHash: tx.transactionHash, blockNumber: Number(tx.blockNumber) },
    };
  }

  function save(name: string, receipt: unknown): string {
    const file = path.join(tmp.dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(receipt, null, 2));
    return file;
  }

  function expectFailsAt(out: ReturnType<typeof run>, step: StepName, what: string): void {
    expect(out.status, `${what}: ${out.stdout}${out.stderr}`).to.equal(1);
    expect(out.stdout, what).to.match(new RegExp(`✘ ${step}:`)).and.match(new RegExp(`failed at step "${step}"`));
  }

  it("refuses a receipt anchored by an outsider's RecordAnchor: invented, relabelled or renumbered records", async function () {
    const real = receipts.find((r) => r.record.schema === "gongzhi/onchain-log/v1" && r.record.event === "CommunityRegistry.UnitTransferred")!;
    const onchain = real.record as Extract<Record_, { schema: "gongzhi/onchain-log/v1" }>;
    const invented: Record_ = { schema: "gongzhi/offchain-record/v1", seq: 2, chainId: CHAIN_ID, recordId: 1, kind: "workorder.closed", id: "wo-0001", at: 1_700_000_500, actor: '{"system":"outsider"}', payload: '{"outcome":"paid"}' };
    const cheats = {
      invented: await forge(invented),
      relabelled: await forge({ ...onchain, event: "CommunityRegistry.UnitRegistered" }),
      renumbered: await forge({ ...onchain, seq: onchain.seq + 1000 }),
    };
    // Through the CLI, pinned by address or by deployment file: exit 1 at the pin, before the chain is asked.
    expectFailsAt(cli(save("cheat-invented", cheats.invented), node.url, "--anchor", anchorAddress), "pinned-anchor", "invented --anchor");
    expectFailsAt(cli(save("cheat-relabelled", cheats.relabelled), node.url, "--deployment", deploymentFile), "pinned-anchor", "relabelled --deployment");
    expectFailsAt(cli(save("cheat-renumbered", cheats.renumbered), node.url, "--anchor", anchorAddress), "pinned-anchor", "renumbered --anchor");
    const { publicClient } = clients(node.url);
    for (const [name, receipt] of Object.entries(cheats)) {
      const report = await verifyReceipt(receipt, publicClient, pinned(deployment));
      expect([report.outcome, report.steps.at(-1)!.step], name).to.deep.equal(["mismatch", "pinned-anchor"]);
    }
    // Unpinned, an invented or renumbered record is consistent with the outsider's anchor: exit 3, never 0.
    const unpinned = cli(save("cheat-invented", cheats.invented), node.url);
    expect(unpinned.status, `invented unpinned: ${unpinned.stdout}`).to.equal(3);
    expect(unpinned.stdout).to.match(/anchor is NOT pinned/);
    const renumbered = await verifyReceipt(cheats.renumbered, publicClient, { abiOf: artifactAbiOf(deployment) });
    expect([renumbered.ok, renumbered.outcome]).to.deep.equal([false, "unpinned"]);
    // A relabelled log fails even unpinned: topics[0] is not the selector of the event it is called.
    const relabelled = cli(save("cheat-relabelled", cheats.relabelled), node.url);
    expectFailsAt(relabelled, "event", "relabelled unpinned");
    expect(relabelled.stdout).to.match(/is not the selector of CommunityRegistry\.UnitRegistered/);
    // Claiming our anchor instead, the renumbered record is not in its batch.
    const claimed = await verifyReceipt({ ...cheats.renumbered, anchor: anchorAddress.toLowerCase() }, publicClient, pinned(deployment));
    expect([claimed.outcome, claimed.steps.at(-1)!.step]).to.deep.equal(["mismatch", "anchored-batch"]);
  });

  it("requires exactly the proof length the leaf's position gives, and refuses an inner node passed as a leaf", async function () {
    // An outsider's batch claims 4 leaves but its root is over 2: leaf 0 of 4 needs 2 hashes, this proof has 1.
    const invented: Record_ = { schema: "gongzhi/offchain-record/v1", seq: 0, chainId: CHAIN_ID, recordId: 0, kind: "workorder.created", id: "wo-0666", at: 1_700_000_000, actor: '{"system":"outsider"}', payload: "{}" };
    const short = await forge(invented, { treeLeaves: 2, leafCount: 4 });
    const out = cli(save("cheat-short-proof", short), node.url, "--anchor", short.anchor);
    expectFailsAt(out, "index", "short proof");
    expect(out.stdout).to.match(/the proof has 1 hashes; leaf 0 of a batch of 4 needs exactly 2/);

    // RecordAnchor.verify alone accepts an inner node with the rest of the path: it does not hash a record.
    const { publicClient } = clients(node.url);
    const real = receipts.find((r) => r.proof.length >= 2 && r.record.schema === "gongzhi/onchain-log/v1")!;
    const [a, b] = [real.leaf, real.proof[0]].sort() as [Hex, Hex];
    const inner = keccak256(concat([a, b]));
    const abi = loadArtifact("RecordAnchor").abi as Abi;
    expect(await publicClient.readContract({ address: anchorAddress, abi, functionName: "verify", args: [BigInt(real.batchId), inner, real.proof.slice(1)] })).to.equal(true);
    // The verifier recomputes the leaf from the record, so the inner node is not its leaf.
    const innerAsLeaf = { ...real, leaf: inner, proof: real.proof.slice(1) };
    expectFailsAt(cli(save("cheat-inner-node", innerAsLeaf), node.url, "--deployment", deploymentFile), "leaf", "inner node as leaf");
    const report = await verifyReceipt(innerAsLeaf, publicClient, pinned(deployment));
    expect([report.outcome, report.steps.at(-1)!.step]).to.deep.equal(["mismatch", "leaf"]);
  });

  it("checks that the receipt is for the record asked about (--record)", function () {
    const r = receipts.find((x) => x.record.schema === "gongzhi/onchain-log/v1" && x.record.event === "OwnersVote.BallotCast")!;
    const file = save("ballot", r);
    expect(cli(file, node.url, "--anchor", anchorAddress, "--record", String(r.leafIndex)).status).to.equal(0);
    const out = cli(file, node.url, "--anchor", anchorAddress, "--record", String(r.leafIndex + 1));
    expectFailsAt(out, "record", "another record");
    expect(out.stdout).to.contain(`the receipt is for record ${r.leafIndex}, not for record ${r.leafIndex + 1}`);
  });

  it("exits 3 unpinned, 2 when it could not check (node unreachable, not a receipt, bad options), 0 for --help", async function () {
    const r = receipts.find((x) => x.record.schema === "gongzhi/onchain-log/v1")!;
    const file = save("plain", r);
    const unpinned = cli(file, node.url);
    expect(unpinned.status, unpinned.stdout).to.equal(3);
    expect(unpinned.stdout).to.match(/✔ pinned-anchor: NOT PINNED/).and.match(/anchor is NOT pinned/);

    const closed = await anyFreePort();
    const unreachable = cli(file, `http://127.0.0.1:${closed}`, "--deployment", deploymentFile);
    expect(unreachable.status, unreachable.stdout + unreachable.stderr).to.equal(2);
    expect(unreachable.stdout).to.match(/could not reach the chain node at http:\/\/127\.0\.0\.1/).and.not.match(/NOT verified/);

    const notReceipt = cli(save("not-a-receipt", { hello: "world" }), node.url, "--anchor", anchorAddress);
    expect(notReceipt.status).to.equal(2);
    expect(notReceipt.stdout).to.match(/is not a gongzhi-receipt\/1 document/);

    for (const args of [
      [path.join(tmp.dir, "missing.json"), "--anchor", anchorAddress],
      [file, "--rpc"],
      [file, "--anchor", "0x1234"],
      [file, "--anchor", anchorAddress, "--deployment", deploymentFile],
      [file, "--deployment", path.join(tmp.dir, "no-deployment.json")],
    ]) {
      const out = run(...args);
      expect(out.status, `${args.join(" ")}: ${out.stderr}`).to.equal(2);
      expect(out.stderr.trim().split("\n"), `${args.join(" ")}: one line`).to.have.length(1);
      expect(out.stderr).to.not.match(/ at .*\.(ts|js):\d+/);
    }
    const help = run("--help");
    expect(help.status).to.equal(0);
    for (const text of ["--anchor <address>", "--deployment <file>", "--record <id>", "GONGZHI_RPC_URL", "Exit status", "3  unpinned", "http://127.0.0.1:8545"]) {
      expect(help.stdout).to.contain(text);
    }
  });

  it("adopts an anchoring transaction sent before a crash and never anchors a leaf twice", async function () {
    await running.stop();
    const { publicClient, walletClient } = clients(node.url, ANCHORER_KEY);
    const abi = loadArtifact("RecordAnchor").abi as Abi;
    const anchor = { address: anchorAddress, abi };
    const settings = settingsFor(node.url, path.join(tmp.dir, "deployment.json"), path.join(tmp.dir, "db"), { anchorerKey: ANCHORER_KEY, batchLeaves: 1000, batchSeconds: 0 });
    running = await startIndexer({ ...settings, anchorerKey: undefined });
    const { store, lock } = running.service;
    await appendOffchain(store, lock, CHAIN_ID, [{ kind: "mediation.closed", id: "md-7", at: 1_700_000_100, actor: { system: "test" }, payload: { outcome: "agreed" } }]);
    const first = await chainNextLeaf(publicClient, anchor);
    const length = running.service.indexer.nextSeq + 1;
    // Not anchored yet: the API says what the anchorer will do, with this server's schedule, or that it does not anchor.
    const deps = resourceDeps(running.service, deployment, publicClient);
    const elsewhere = await receiptAnswer(deps, length - 1);
    expect([elsewhere.status, elsewhere.code]).to.deep.equal([409, "not_anchored_elsewhere"]);
    expect(elsewhere.en).to.contain("This server does not anchor");
    expect(elsewhere.zh).to.contain("本服务器不负责锚定");
    const scheduled = await receiptAnswer({ ...deps, anchoring: { batchLeaves: 1000, batchSeconds: 45 } }, length - 1);
    expect([scheduled.status, scheduled.code]).to.deep.equal([409, "not_anchored_yet"]);
    expect(scheduled.en).to.contain(`Record ${length - 1} is logged`).and.contain("once 1000 records are waiting, or 45 seconds after the first of them");
    expect(scheduled.zh).to.contain("有 1000 条记录等待时，或第一条等待的记录等满 45 秒后");
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
    expect((await verifyReceipt(receipt, publicClient, pinned(deployment))).ok).to.equal(true);
  });
});
