import { expect } from "chai";
import hre, { network } from "hardhat";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Level } from "level";
import { pino } from "pino";
import {
  createPublicClient,
  createWalletClient,
  custom,
  type Abi,
  type Address,
  type EIP1193Provider,
  type Hex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createApp } from "../../server/src/api/app.js";
import { BALLOT_TYPES, compactSignature, type BallotDomain } from "../../server/src/relayer/ballot.js";
import { relayerChain, type RelayerChain } from "../../server/src/relayer/chain.js";
import { openBallotQueue, type BallotQueue } from "../../server/src/relayer/queue.js";
import { relayerRoutes } from "../../server/src/relayer/routes.js";
import { startSubmitter, type Submitter } from "../../server/src/relayer/submitter.js";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { OwnersVote, ProxyAuthorizations } from "../../types/ethers-contracts/index.js";
import { addBuilding, createEstate, registerUnits } from "../helpers/estate.js";
import { authorize, Scope } from "../helpers/proxies.js";
import { Matter } from "../helpers/rules.js";
import { deployVoting, grantCommittee, openVote, type OpenedVote } from "../helpers/votes.js";

const BATCH_SIZE = 10;
const CHOICE_VALUES = { for: 1, against: 2, abstain: 3 } as const;

type BallotBody = { voteId: string; holder: Address; choice: keyof typeof CHOICE_VALUES; signature: Hex };
type BallotAnswer = {
  id: Hex;
  status: string;
  txHash?: Hex;
  enteredByStaff: boolean;
  reason?: string;
  error?: { code: string; message: string };
};

const connection = await network.create();
const { ethers, networkHelpers } = connection;

describe("Ballot relayer", function () {
  const holders: PrivateKeyAccount[] = Array.from({ length: 40 }, () => privateKeyToAccount(generatePrivateKey()));
  const staffMember = privateKeyToAccount(generatePrivateKey());
  const stranger = privateKeyToAccount(generatePrivateKey());
  let vote: OwnersVote;
  let proxies: ProxyAuthorizations;
  let staffSigner: HardhatEthersSigner;
  let opened: OpenedVote;
  let later: OpenedVote;
  let domain: BallotDomain;
  let chain: RelayerChain;
  let queue: BallotQueue;
  let submitter: Submitter;
  let db: Level<string, string>;
  let dataDir: string;
  let server: Server;
  let base: string;

  before(async function () {
    const deployed = await deployVoting(connection);
    vote = deployed.vote;
    proxies = deployed.proxies;
    const { registry, roles, signers } = deployed;
    const [, developer, committee, relayer, staff] = signers;
    staffSigner = staff!;
    const estateId = await createEstate(registry, developer.address);
    const building = await addBuilding(registry, estateId);
    await registerUnits(
      registry,
      building,
      holders.map((h, i) => ({ area: 6000 + i * 10, holder: h.address })),
    );
    await grantCommittee(registry, estateId, committee.address);
    await registry.grantRole(roles.relayer, relayer.address);
    await registry.grantRole(roles.staff, staffMember.address);
    await registry.grantRole(roles.staff, staffSigner.address);
    const latest = (await ethers.provider.getBlock("latest"))!.timestamp;
    opened = await openVote(vote, committee, latest, { estateId, matter: Matter.ElectCommittee });
    later = await openVote(vote, committee, latest + 100_000, { estateId, matter: Matter.ElectCommittee });
    await networkHelpers.time.increaseTo(opened.start);

    const provider = connection.provider as EIP1193Provider;
    const publicClient = createPublicClient({ transport: custom(provider) });
    const walletClient = createWalletClient({ account: relayer.address as Address, transport: custom(provider) });
    chain = relayerChain({
      publicClient,
      walletClient,
      vote: {
        address: (await vote.getAddress()) as Address,
        abi: (await hre.artifacts.readArtifact("OwnersVote")).abi as Abi,
        deployedAt: 0n,
      },
      registry: {
        address: (await registry.getAddress()) as Address,
        abi: (await hre.artifacts.readArtifact("CommunityRegistry")).abi as Abi,
      },
    });
    domain = await chain.domain();
    dataDir = await mkdtemp(path.join(tmpdir(), "gongzhi-relayer-"));
    db = new Level<string, string>(dataDir);
    queue = await openBallotQueue(db);
    const logger = pino({ level: process.env.TEST_LOG ?? "silent" });
    // A long interval: the tests decide when batches go out, through `flush`.
    submitter = startSubmitter({ queue, chain, batchSize: BATCH_SIZE, intervalMs: 3_600_000, logger });
    const app = createApp({
      routes: relayerRoutes({ chain, queue, submitter }),
      logger,
      corsOrigins: [],
      rateLimit: { windowMs: 60_000, limit: 10_000 },
      bodyLimit: "16kb",
      version: "test",
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async function () {
    server.close();
    await submitter.stop();
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function sign(
    signer: PrivateKeyAccount,
    holder: Address,
    choice: keyof typeof CHOICE_VALUES,
    voteId = opened.voteId,
  ): Promise<BallotBody> {
    const signature = await signer.signTypedData({
      domain,
      types: BALLOT_TYPES,
      primaryType: "Ballot",
      message: { voteId, holder, choice: CHOICE_VALUES[choice] },
    });
    return { voteId: voteId.toString(), holder, choice, signature };
  }

  async function post(body: unknown): Promise<{ status: number; body: BallotAnswer }> {
    const res = await fetch(`${base}/api/ballots`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "en" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as BallotAnswer };
  }

  async function status(id: string): Promise<BallotAnswer> {
    return (await (await fetch(`${base}/api/ballots/${id}`)).json()) as BallotAnswer;
  }

  it("publishes the EIP-712 domain of the vote contract", async function () {
    const res = (await (await fetch(`${base}/api/eip712`)).json()) as { domain: BallotDomain; primaryType: string };
    expect(res.domain).to.deep.equal({
      name: "Gongzhi OwnersVote",
      version: "1",
      chainId: Number((await ethers.provider.getNetwork()).chainId),
      verifyingContract: await vote.getAddress(),
    });
    expect(res.primaryType).to.equal("Ballot");
  });

  it("acknowledges a signed ballot, then follows it to the chain", async function () {
    const accepted = await post(await sign(holders[0]!, holders[0]!.address, "for"));
    expect(accepted.status).to.equal(202);
    expect(accepted.body.status).to.equal("pending");
    await submitter.flush();
    const counted = await status(accepted.body.id);
    expect(counted.status).to.equal("counted");
    const receipt = await ethers.provider.getTransactionReceipt(counted.txHash!);
    expect(receipt?.status).to.equal(1);
    expect(await vote.ballotOf(opened.voteId, holders[0]!.address)).to.equal(1n);
    expect((await vote.tallyOf(opened.voteId)).headsFor).to.equal(1n);
  });

  it("answers a repeated ballot with the stored one and refuses a different second ballot", async function () {
    const body = await sign(holders[1]!, holders[1]!.address, "against");
    const first = await post(body);
    const again = await post(body);
    expect([first.status, again.status]).to.deep.equal([202, 200]);
    expect(again.body.id).to.equal(first.body.id);
    const other = await post(await sign(holders[1]!, holders[1]!.address, "for"));
    expect([other.status, other.body.error?.code]).to.deep.equal([409, "ballot_conflict"]);
    await submitter.flush();
    expect((await vote.tallyOf(opened.voteId)).headsAgainst).to.equal(1n);
  });

  it("refuses a ballot signed by staff: staff act for a resident only under a recorded authorisation", async function () {
    const bySig = await post(await sign(staffMember, holders[2]!.address, "abstain"));
    expect([bySig.status, bySig.body.error?.code]).to.deep.equal([400, "bad_ballot_signature"]);
    expect(bySig.body.error?.message).to.contain(staffMember.address);
    expect(await queue.pendingCount()).to.equal(0);
    expect(await vote.ballotOf(opened.voteId, holders[2]!.address)).to.equal(0n);
  });

  it("relays a holder's own ballot over the proxy ballot staff entered for them, which it replaces", async function () {
    const holder = holders[2]!;
    const auth = await authorize(proxies, staffSigner, holder.address, Scope.Votes, { voteId: opened.voteId });
    await (await vote.connect(staffSigner).castBallotOnBehalf(opened.voteId, holder.address, CHOICE_VALUES.abstain, auth)).wait();
    const before = await vote.tallyOf(opened.voteId);
    expect(before.proxyHeads).to.equal(1n);
    const accepted = await post(await sign(holder, holder.address, "for"));
    expect(accepted.status).to.equal(202);
    await submitter.flush();
    const counted = await status(accepted.body.id);
    expect(counted.status).to.equal("counted");
    const after = await vote.tallyOf(opened.voteId);
    expect([after.headsFor - before.headsFor, before.headsAbstain - after.headsAbstain, after.proxyHeads]).to.deep.equal([1n, 1n, 0n]);
    expect(await vote.ballotOf(opened.voteId, holder.address)).to.equal(BigInt(CHOICE_VALUES.for));
    // Both BallotCast events are on chain; the relayer's record points at the holder's own, the last.
    const events = await vote.queryFilter(vote.filters.BallotCast(opened.voteId, holder.address));
    expect(events.map((e) => [e.args.enteredBy, e.args.authorizationId])).to.deep.equal([
      [staffSigner.address, auth],
      [holder.address, 0n],
    ]);
    expect(counted.txHash).to.equal(events[1]!.transactionHash);
    expect((await chain.findBallotCast(opened.voteId, holder.address))?.txHash).to.equal(events[1]!.transactionHash);
    // Once the holder's own ballot stands, another is refused as final.
    const again = await post(await sign(holder, holder.address, "against"));
    expect([again.status, again.body.error?.code]).to.deep.equal([409, "ballot_conflict"]);
  });

  it("refuses bad ballots before accepting them, each with its own 4xx", async function () {
    const forged = await post(await sign(stranger, holders[3]!.address, "for"));
    expect([forged.status, forged.body.error?.code]).to.deep.equal([400, "bad_ballot_signature"]);
    expect(forged.body.error?.message).to.contain(stranger.address);
    const outsider = await post(await sign(stranger, stranger.address, "for"));
    expect([outsider.status, outsider.body.error?.code]).to.deep.equal([403, "not_eligible"]);
    const unknown = await post(await sign(holders[3]!, holders[3]!.address, "for", 99n));
    expect([unknown.status, unknown.body.error?.code]).to.deep.equal([404, "unknown_vote"]);
    const early = await post(await sign(holders[3]!, holders[3]!.address, "for", later.voteId));
    expect([early.status, early.body.error?.code]).to.deep.equal([409, "vote_not_open"]);
    const malformed = await post({ voteId: "1", holder: "0x1234", choice: "maybe", signature: "0x00" });
    expect([malformed.status, malformed.body.error?.code]).to.deep.equal([400, "invalid_request"]);
    expect(await queue.pendingCount()).to.equal(0);
  });

  it("refuses a ballot for a holder who already voted on chain", async function () {
    const direct = await sign(holders[5]!, holders[5]!.address, "for");
    await vote.castBallotBySig(opened.voteId, holders[5]!.address, 1, direct.signature);
    const res = await post(await sign(holders[5]!, holders[5]!.address, "against"));
    expect([res.status, res.body.error?.code]).to.deep.equal([409, "already_voted"]);
  });

  it("sends ballots in batches of the configured size", async function () {
    const ids: Hex[] = [];
    for (const holder of holders.slice(10, 35)) {
      ids.push((await post(await sign(holder, holder.address, "for"))).body.id);
    }
    await submitter.flush();
    const answers = await Promise.all(ids.map(status));
    expect(answers.every((a) => a.status === "counted")).to.equal(true);
    expect(new Set(answers.map((a) => a.txHash)).size).to.equal(Math.ceil(ids.length / BATCH_SIZE));
  });

  it("settles ballots that reached the chain before a crash as counted once, at their original transaction", async function () {
    const crashed = holders.slice(35, 38);
    const bodies = await Promise.all(crashed.map((h) => sign(h, h.address, "against")));
    const ids = (await Promise.all(bodies.map(post))).map((r) => r.body.id);
    // The batch is mined, but the relayer dies before recording it: the ballots are still pending in LevelDB.
    const [, , , relayer] = await ethers.getSigners();
    const tx = await vote.connect(relayer).castBallotBatch(
      opened.voteId,
      bodies.map((b) => ({ holder: b.holder, choice: CHOICE_VALUES[b.choice], ...compactSignature(b.signature) })),
    );
    await tx.wait();
    const againstBefore = (await vote.tallyOf(opened.voteId)).headsAgainst;
    expect(await queue.pendingCount()).to.equal(3);
    await submitter.flush();
    const answers = await Promise.all(ids.map(status));
    expect(answers.map((a) => [a.status, a.txHash])).to.deep.equal(crashed.map(() => ["counted", tx.hash]));
    expect((await vote.tallyOf(opened.voteId)).headsAgainst).to.equal(againstBefore);
  });

  it("keeps acknowledged ballots across a restart of the queue", async function () {
    const holder = holders[38]!;
    const accepted = await post(await sign(holder, holder.address, "for"));
    await db.close();
    db = new Level<string, string>(dataDir);
    const reopened = await openBallotQueue(db);
    expect(await reopened.pendingCount()).to.equal(1);
    expect((await reopened.get(accepted.body.id))?.status).to.equal("pending");
    queue = reopened;
  });
});
