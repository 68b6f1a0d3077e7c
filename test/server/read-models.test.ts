// The vote, fund and time-bank read models against the contracts' own views, on a Hardhat node process: after
// the scripted history every tally, ledger, account, plan, service and member balance equals what the chain
// says; then a chain revert with other blocks rolls them back exactly (same store as a clean re-index).
import { expect } from "chai";
import path from "node:path";
import type { Abi, Address, PublicClient } from "viem";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { commitNote } from "../../server/src/chain/commitment.js";
import type { Deployment } from "../../server/src/chain/deployment.js";
import type { AccountView, LedgerView, PlanView } from "../../server/src/indexer/models/fund.js";
import type { MemberView, ServiceView } from "../../server/src/indexer/models/timebank.js";
import { OUTCOMES, type TallyView, type VoteView } from "../../server/src/indexer/models/votes.js";
import { numKey, readModel, type Store } from "../../server/src/store/store.js";
import { clients, deployAll, anyFreePort, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { doc, playHistory, writer, type History } from "./helpers/history.js";
import { settingsFor, startIndexer } from "./helpers/indexer.js";
import { digestStore } from "./helpers/store.js";

type Views = { store: Store; client: PublicClient; deployment: Deployment };

async function readAll<T>(store: Store, model: string): Promise<T[]> {
  const out: T[] = [];
  for await (const value of store.models.get(model)!.values()) out.push(value as T);
  return out;
}

function reader(client: PublicClient, deployment: Deployment) {
  const abis = new Map<string, Abi>();
  return async <T>(contract: string, functionName: string, args: unknown[] = []): Promise<T> => {
    if (!abis.has(contract)) abis.set(contract, loadArtifact(contract).abi as Abi);
    return (await client.readContract({ address: deployment.contracts[contract].address, abi: abis.get(contract)!, functionName, args })) as T;
  };
}

/** Every vote, ledger, unit account, plan, service and member in the store equals the contracts' views. */
async function expectMatchChain({ store, client, deployment }: Views): Promise<{ votes: number; units: number; plans: number; members: number }> {
  const read = reader(client, deployment);
  const voteCount = Number(await read<bigint>("OwnersVote", "voteCount"));
  for (let v = 1; v <= voteCount; v++) {
    const tally = await read<Record<string, bigint | number>>("OwnersVote", "tallyOf", [BigInt(v)]);
    const model = (await readModel<TallyView>(store, "voteTallies", numKey(v)))!;
    expect(model, `tally of vote ${v}`).to.deep.equal(
      Object.fromEntries(Object.entries(tally).map(([k, x]) => [k, /area/i.test(k) ? x.toString() : Number(x)])),
    );
    const info = await read<{ outcome: number; start: number; end: number; budget: bigint; contentHash: string }>("OwnersVote", "voteOf", [BigInt(v)]);
    const vote = (await readModel<VoteView>(store, "votes", numKey(v)))!;
    expect({ outcome: vote.outcome, start: vote.start, end: vote.end, budget: vote.budget, contentHash: vote.contentHash }, `vote ${v}`).to.deep.equal({
      outcome: OUTCOMES[info.outcome],
      start: Number(info.start),
      end: Number(info.end),
      budget: info.budget.toString(),
      contentHash: info.contentHash,
    });
  }
  expect((await readAll(store, "votes")).length).to.equal(voteCount);

  const [estates, , unitCount] = await read<[number, number, number, number]>("CommunityRegistry", "counts");
  for (let e = 1; e <= Number(estates); e++) {
    const ledger = await read<Record<string, bigint>>("MaintenanceFund", "estateLedger", [e]);
    const model = await readModel<LedgerView>(store, "fundEstates", numKey(e));
    expect(model ?? { estateId: e, balance: "0", committed: "0", deposited: "0", disbursed: "0" }, `ledger of estate ${e}`).to.deep.equal({
      estateId: e,
      balance: ledger.balance.toString(),
      committed: ledger.committed.toString(),
      deposited: ledger.deposited.toString(),
      disbursed: ledger.disbursed.toString(),
    });
    expect(model?.balance ?? "0").to.equal((await read<bigint>("MaintenanceFund", "fundBalance", [e])).toString());
  }
  for (let u = 1; u <= Number(unitCount); u++) {
    const account = await read<Record<string, bigint>>("MaintenanceFund", "account", [u]);
    const model = await readModel<AccountView>(store, "fundAccounts", numKey(u));
    expect(model ?? { unitId: u, balance: "0", deposited: "0", charged: "0", refunded: "0" }, `account of unit ${u}`).to.deep.equal({
      unitId: u,
      balance: account.balance.toString(),
      deposited: account.deposited.toString(),
      charged: account.charged.toString(),
      refunded: account.refunded.toString(),
    });
  }

  const planCount = Number(await read<bigint>("MaintenanceFund", "planCount"));
  const STATUS = ["none", "proposed", "open", "closed"];
  for (let p = 1; p <= planCount; p++) {
    const plan = await read<{ status: number; budget: bigint; disbursed: bigint; voteId: bigint; disclosureDue: number; planHash: string }>("MaintenanceFund", "plan", [BigInt(p)]);
    const model = (await readModel<PlanView>(store, "plans", numKey(p)))!;
    expect({ status: model.status, budget: model.budget, disbursed: model.disbursed, voteId: model.voteId, planHash: model.planHash }, `plan ${p}`).to.deep.equal({
      status: STATUS[plan.status],
      budget: plan.budget.toString(),
      disbursed: plan.disbursed.toString(),
      voteId: plan.voteId.toString(),
      planHash: plan.planHash,
    });
    expect(model.confirmation?.disclosureDue ?? 0).to.equal(Number(plan.disclosureDue));
    const approvers = await read<Address[]>("MaintenanceFund", "approvers", [BigInt(p)]);
    expect(model.approvals.map((a) => a.member)).to.deep.equal(approvers.map((a) => a.toLowerCase()));
    const payments = await read<{ amount: bigint; documentHash: string }[]>("MaintenanceFund", "disbursements", [BigInt(p)]);
    const stored = [];
    for await (const value of store.models.get("disbursements")!.values({ gte: `${numKey(p)}:`, lt: `${numKey(p)};` })) stored.push(value as { amount: string; docHash: string });
    expect(stored.map((d) => [d.amount, d.docHash])).to.deep.equal(payments.map((d) => [d.amount.toString(), d.documentHash]));
  }

  const serviceCount = Number(await read<bigint>("TimeBank", "serviceCount"));
  for (let s = 1; s <= serviceCount; s++) {
    const service = await read<{ status: number; byProxy: boolean; minutes_: number }>("TimeBank", "service", [BigInt(s)]);
    const model = (await readModel<ServiceView>(store, "tbServices", numKey(s)))!;
    expect({ status: model.status, byProxy: model.byProxy, minutes: model.minutes }, `service ${s}`).to.deep.equal({
      status: ["none", "recorded", "confirmed", "rejected"][service.status],
      byProxy: service.byProxy,
      minutes: Number(service.minutes_),
    });
  }
  const members = await readAll<MemberView>(store, "tbMembers");
  let sum = 0;
  for (const m of members) {
    const chain = await read<Record<string, number | boolean>>("TimeBank", "memberOf", [m.address]);
    expect(m.balance, `balance of ${m.address}`).to.equal(Number(await read<number>("TimeBank", "balanceOf", [m.address])));
    expect([m.member, m.earned, m.giftsReceived, m.giftsGiven, m.redeemed]).to.deep.equal([
      chain.registered,
      Number(chain.earned),
      Number(chain.giftsReceived),
      Number(chain.giftsGiven),
      Number(chain.redeemed),
    ]);
    sum += m.balance;
  }
  const totals = await read<{ credited: bigint; redeemed: bigint; members: bigint }>("TimeBank", "totals");
  expect(sum, "Σ balances = credited − redeemed").to.equal(Number(totals.credited - totals.redeemed));
  expect(members.filter((m) => m.member).length).to.equal(Number(totals.members));
  return { votes: voteCount, units: Number(unitCount), plans: planCount, members: members.length };
}

describe("vote, fund and time-bank read models on a Hardhat node", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let deployment: Deployment;
  let file: string;
  let history: History;

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("models");
    ({ deployment, file } = await deployAll(node.url, tmp.dir));
    history = await playHistory(node.url, deployment);
  });
  after(async function () {
    await node?.stop();
    tmp?.remove();
  });

  it("deploys every contract and records it in the deployment file", function () {
    expect(Object.keys(deployment.contracts)).to.deep.equal(["CommunityRegistry", "RecordAnchor", "ProxyAuthorizations", "OwnersVote", "MaintenanceFund", "TimeBank"]);
    const blocks = Object.values(deployment.contracts).map((c) => c.blockNumber);
    expect(blocks).to.deep.equal([...blocks].sort((a, b) => a - b));
  });

  it("equals the contracts' views after the scripted history", async function () {
    const running = await startIndexer(settingsFor(node.url, file, path.join(tmp.dir, "db"), { initialRange: 3 }));
    try {
      await running.waitForHead();
      const { publicClient } = clients(node.url);
      const counts = await expectMatchChain({ store: running.service.store, client: publicClient, deployment });
      expect(counts).to.deep.equal({ votes: 2, units: 8, plans: 2, members: 4 });
      const store = running.service.store;
      const vote = (await readModel<VoteView>(store, "votes", numKey(Number(history.passedVote))))!;
      expect(vote.outcome).to.equal("Passed");
      expect(vote.matter).to.equal("UseFund");
      const plan = (await readModel<PlanView>(store, "plans", numKey(Number(history.emergencyPlan))))!;
      expect(plan.kind).to.equal("emergency");
      expect(plan.approvals.map((a) => a.approvals)).to.deep.equal([1, 2]);
      expect(plan.disclosure?.late).to.equal(false);
      // The statement of a unit: deposit, charge and refund of the vote plan, each with the balance after it.
      const entries = [];
      for await (const value of store.models.get("fundEntries")!.values({ gte: `${numKey(history.units[0])}:`, lt: `${numKey(history.units[0])};` })) entries.push(value as { kind: string; balanceAfter: string });
      expect(entries.map((e) => e.kind)).to.deep.equal(["deposit", "deposit", "charge", "refund"]);
      const account = (await readModel<AccountView>(store, "fundAccounts", numKey(history.units[0])))!;
      expect(entries.at(-1)!.balanceAfter).to.equal(account.balance);
    } finally {
      await running.stop();
    }
  });

  it("rolls back with the chain: a reverted history leaves the same store as a clean re-index", async function () {
    const send = writer(node.url, deployment);
    const running = await startIndexer(settingsFor(node.url, file, path.join(tmp.dir, "reorg")));
    const { publicClient } = clients(node.url);
    try {
      await running.waitForHead();
      const snapshot = await rpc<string>(node.url, "evm_snapshot");
      // Dropped: a deposit, a ballot in the open vote, an emergency proposal, a service and its confirmation, a gift.
      const { custodian, committee, holders, members, estateId, buildings, units, openVote } = history;
      await send(custodian.key, "MaintenanceFund", "deposit", [units[3], 77_777n, doc("dropped receipt")]);
      await send(holders.h4.key, "OwnersVote", "castBallot", [BigInt(openVote), 1]);
      await send(committee[1].key, "MaintenanceFund", "proposeEmergency", [estateId, buildings[0], 100_000n, doc("dropped emergency")]);
      const served = Number((await publicClient.getBlock()).timestamp) - 60;
      await send(members.v2.key, "TimeBank", "recordService", [members.rc.address, 45, 5, served, commitNote("dropped service").commitment]);
      await send(members.rc.key, "TimeBank", "confirmService", [5n]);
      await send(members.v1.key, "TimeBank", "gift", [members.r1.address, 10]);
      await running.waitForHead();
      expect(await readModel(running.service.store, "tbServices", numKey(5))).to.not.equal(undefined);

      await rpc(node.url, "evm_revert", [snapshot]);
      // Other blocks, more of them: a different deposit and ballot.
      await send(custodian.key, "MaintenanceFund", "deposit", [units[4], 11_111n, doc("kept receipt")]);
      await send(holders.multi.key, "OwnersVote", "castBallot", [BigInt(openVote), 2]);
      await rpc(node.url, "hardhat_mine", ["0x6"]);
      await running.waitForHead();
      await expectMatchChain({ store: running.service.store, client: publicClient, deployment });
      expect(await readModel(running.service.store, "tbServices", numKey(5))).to.equal(undefined);
    } finally {
      await running.stop();
    }
    const fresh = await startIndexer(settingsFor(node.url, file, path.join(tmp.dir, "fresh")));
    await fresh.waitForHead();
    await fresh.stop();
    const rolled = await digestStore(path.join(tmp.dir, "reorg"), ["blocks", "undo"]);
    const clean = await digestStore(path.join(tmp.dir, "fresh"), ["blocks", "undo"]);
    expect(rolled.digest, "digest of read models, log and checkpoint").to.equal(clean.digest);
  });
});
