import { expect } from "chai";
import hre, { network } from "hardhat";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Level } from "level";
import { pino, type Logger } from "pino";
import {
  createPublicClient,
  createWalletClient,
  custom,
  decodeFunctionData,
  defineChain,
  encodeFunctionData,
  type Abi,
  type Address,
  type EIP1193Provider,
  type Hex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createApp } from "../../server/src/api/app.js";
import { addressLimiter } from "../../server/src/api/limits.js";
import { BALLOT_TYPES, compactSignature, type BallotDomain } from "../../server/src/relayer/ballot.js";
import { relayerChain, type RelayerChain } from "../../server/src/relayer/chain.js";
import { openBallotQueue, type BallotQueue } from "../../server/src/relayer/queue.js";
import { relayerRoutes } from "../../server/src/relayer/routes.js";
import { startSubmitter, type Submitter } from "../../server/src/relayer/submitter.js";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { CommunityRegistry, OwnersVote, ProxyAuthorizations } from "../../types/ethers-contracts/index.js";
import { addBuilding, createEstate, readRoles, registerUnits } from "../helpers/estate.js";
import { authorize, Scope } from "../helpers/proxies.js";
import { Matter } from "../helpers/rules.js";
import { deployVoting, grantCommittee, openVote, type OpenedVote } from "../helpers/votes.js";

const BATCH_SIZE = 10;
/** Ballot submissions one signing address may make per minute in the first suite. */
const BALLOTS_PER_MINUTE = 5;
const CHOICE_VALUES = { for: 1, against: 2, abstain: 3 } as const;

type BallotBody = { voteId: string; holder: Address; choice: keyof typeof CHOICE_VALUES; signature: Hex };
type BallotAnswer = {
  id: Hex;
  status: string;
  txHash?: Hex;
  enteredByStaff: boolean;
  reason?: string;
  message?: string;
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
  let registry: CommunityRegistry;
  let roles: Awaited<ReturnType<typeof readRoles>>;
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
    ({ registry, roles } = deployed);
    const { signers } = deployed;
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
    ({ server, base } = await serveRelayer({ chain, queue, submitter }, BALLOTS_PER_MINUTE, logger));
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

  it("stops counting a staff member's proxy ballots once their role is revoked; the holder's own ballot still counts", async function () {
    const [counted, refused] = [holders[8]!, holders[9]!];
    const authCounted = await authorize(proxies, staffSigner, counted.address, Scope.Votes, { voteId: opened.voteId });
    const authRefused = await authorize(proxies, staffSigner, refused.address, Scope.Votes, { voteId: opened.voteId });
    // With STAFF_ROLE, the staff member's proxy ballot counts.
    const before = await vote.tallyOf(opened.voteId);
    await (await vote.connect(staffSigner).castBallotOnBehalf(opened.voteId, counted.address, CHOICE_VALUES.against, authCounted)).wait();
    const middle = await vote.tallyOf(opened.voteId);
    expect([middle.headsAgainst - before.headsAgainst, middle.proxyHeads - before.proxyHeads]).to.deep.equal([1n, 1n]);
    await (await registry.revokeRole(roles.staff, staffSigner.address)).wait();
    try {
      // Revoked: the same signature, under an authorisation recorded while it held the role, counts no more.
      const error = await vote
        .connect(staffSigner)
        .castBallotOnBehalf.staticCall(opened.voteId, refused.address, CHOICE_VALUES.against, authRefused)
        .then(
          () => undefined,
          (e: { data?: string }) => e,
        );
      const parsed = error?.data ? vote.interface.parseError(error.data) : undefined;
      expect([parsed?.name, parsed?.args[0], parsed?.args[1]]).to.deep.equal(["MissingRole", staffSigner.address, roles.staff]);
      expect(await vote.ballotOf(opened.voteId, refused.address)).to.equal(0n);
      expect((await vote.tallyOf(opened.voteId)).proxyHeads).to.equal(middle.proxyHeads);
      // The holder the revoked staff member could not vote for votes through the relayer: accepted and counted.
      const own = await post(await sign(refused, refused.address, "for"));
      expect([own.status, own.body.status, own.body.enteredByStaff]).to.deep.equal([202, "pending", false]);
      await submitter.flush();
      const settled = await status(own.body.id);
      expect([settled.status, settled.message]).to.deep.equal(["counted", undefined]);
      expect(await vote.ballotOf(opened.voteId, refused.address)).to.equal(BigInt(CHOICE_VALUES.for));
    } finally {
      await (await registry.grantRole(roles.staff, staffSigner.address)).wait();
    }
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

  it("answers 404 unknown_ballot, in both languages, for a ballot id it never queued; 400 for a malformed one", async function () {
    const id = `0x${"ab".repeat(32)}`;
    const ask = async (what: string, language: string) => {
      const res = await fetch(`${base}/api/ballots/${what}`, { headers: { "accept-language": language } });
      return { status: res.status, body: (await res.json()) as BallotAnswer };
    };
    const en = await ask(id, "en");
    expect([en.status, en.body.error]).to.deep.equal([404, { code: "unknown_ballot", message: `There is no ballot with id ${id}.` }]);
    const zh = await ask(id, "zh-CN");
    expect([zh.status, zh.body.error]).to.deep.equal([404, { code: "unknown_ballot", message: `没有编号为 ${id} 的选票。` }]);
    const malformed = await ask("0x1234", "en");
    expect([malformed.status, malformed.body.error?.code]).to.deep.equal([400, "invalid_request"]);
    expect(await queue.get(id as Hex)).to.equal(undefined);
  });

  it("limits ballot submissions per signing address with a 429, without slowing anyone else", async function () {
    const busy = holders[4]!;
    const body = await sign(busy, busy.address, "for");
    const answers: number[] = [];
    for (let i = 0; i < BALLOTS_PER_MINUTE + 2; i++) answers.push((await post(body)).status);
    expect(answers).to.deep.equal([202, ...Array(BALLOTS_PER_MINUTE - 1).fill(200), 429, 429]);
    const limited = await post(body);
    expect([limited.status, limited.body.error?.code]).to.deep.equal([429, "address_rate_limited"]);
    expect(limited.body.error?.message).to.contain(busy.address);
    // Another holder from the same IP is not held up.
    const other = await post(await sign(holders[6]!, holders[6]!.address, "for"));
    expect(other.status).to.equal(202);
    await submitter.flush();
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
    expect(answers.map((a) => a.status)).to.deep.equal(ids.map(() => "counted"));
    // Each transaction's size, read from the chain: the calldata's ballots and the BallotCast events it emitted,
    // in the order the transactions were mined. 25 ballots in batches of 10: 10, 10, 5.
    const txHashes = [...new Set(answers.map((a) => a.txHash!))];
    const receipts = await Promise.all(txHashes.map(async (hash) => (await ethers.provider.getTransactionReceipt(hash))!));
    receipts.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
    const sizes = await Promise.all(
      receipts.map(async (r) => {
        const tx = (await ethers.provider.getTransaction(r.hash))!;
        const sent = vote.interface.decodeFunctionData("castBallotBatch", tx.data)[1] as unknown[];
        const cast = r.logs.filter((l) => vote.interface.parseLog(l)?.name === "BallotCast").length;
        return [sent.length, cast];
      }),
    );
    expect(sizes).to.deep.equal([
      [BATCH_SIZE, BATCH_SIZE],
      [BATCH_SIZE, BATCH_SIZE],
      [ids.length - 2 * BATCH_SIZE, ids.length - 2 * BATCH_SIZE],
    ]);
    // Every ballot is in exactly one of them.
    expect(answers.filter((a) => a.txHash === receipts[2]!.hash).length).to.equal(ids.length - 2 * BATCH_SIZE);
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

  it("lets a holder send their own ballot after a ballot for them was skipped on chain", async function () {
    const holder = holders[7]!;
    // A ballot for the holder signed by someone else, already in the queue (accepted before staff signatures
    // stopped counting): the contract skips it.
    const foreign = await sign(staffMember, holder.address, "for");
    const { ballot: entered } = await queue.accept(
      { voteId: BigInt(foreign.voteId), holder: foreign.holder, choice: CHOICE_VALUES[foreign.choice], signature: foreign.signature },
      staffMember.address,
    );
    await submitter.flush();
    expect([(await status(entered.id)).status, (await status(entered.id)).reason]).to.deep.equal(["skipped", "InvalidSignature"]);
    const own = await post(await sign(holder, holder.address, "against"));
    expect([own.status, own.body.id, own.body.status]).to.deep.equal([202, entered.id, "pending"]);
    await submitter.flush();
    expect((await status(own.body.id)).status).to.equal("counted");
    expect(await vote.ballotOf(opened.voteId, holder.address)).to.equal(2n);
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

/** The relayer's routes alone, on a free local port, with `ballotsPerMinute` per signing address. */
async function serveRelayer(
  deps: { chain: RelayerChain; queue: BallotQueue; submitter: Submitter },
  ballotsPerMinute: number,
  logger: Logger,
): Promise<{ server: Server; base: string }> {
  const app = createApp({
    routes: relayerRoutes({ ...deps, ballotLimiter: addressLimiter({ limit: ballotsPerMinute, windowMs: 60_000, maxTracked: 1000 }) }),
    logger,
    corsOrigins: [],
    rateLimit: { windowMs: 60_000, limit: 10_000 },
    bodyLimit: "16kb",
    version: "test",
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The order of the secp256k1 group: (r, n − s) with the other parity is the malleated twin of (r, s). */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The high-`s` twin of a 65-byte signature: it recovers the same signer, and anyone can make it. */
function malleate(signature: Hex): Hex {
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130), 16);
  const twin = (SECP256K1_N - s).toString(16).padStart(64, "0");
  return `${signature.slice(0, 66)}${twin}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
}

type Voting = {
  vote: OwnersVote;
  votes: OpenedVote[];
  holders: PrivateKeyAccount[];
  staffMember: PrivateKeyAccount;
  domain: BallotDomain;
  relayer: Address;
  provider: EIP1193Provider;
  voteAddress: Address;
  voteAbi: Abi;
  registryAddress: Address;
  registryAbi: Abi;
  revokeStaff: () => Promise<void>;
  grantRelayer: (account: Address) => Promise<void>;
};

/** A fresh registry and vote contract, `count` holders and two votes open at once. */
async function openTwoVotes(count: number): Promise<Voting> {
  const deployed = await deployVoting(connection);
  const { registry, roles, signers } = deployed;
  const [, developer, committee, relayer] = signers;
  const holders = Array.from({ length: count }, () => privateKeyToAccount(generatePrivateKey()));
  const staffMember = privateKeyToAccount(generatePrivateKey());
  const estateId = await createEstate(registry, developer.address);
  const building = await addBuilding(registry, estateId);
  await registerUnits(registry, building, holders.map((h, i) => ({ area: 7000 + i * 10, holder: h.address })));
  await grantCommittee(registry, estateId, committee.address);
  await registry.grantRole(roles.relayer, relayer.address);
  await registry.grantRole(roles.staff, staffMember.address);
  const latest = (await ethers.provider.getBlock("latest"))!.timestamp;
  const first = await openVote(deployed.vote, committee, latest, { estateId, matter: Matter.ElectCommittee });
  const second = await openVote(deployed.vote, committee, latest, { estateId, matter: Matter.HirePropertyManager });
  await networkHelpers.time.increaseTo(Math.max(first.start, second.start));
  const voteAddress = (await deployed.vote.getAddress()) as Address;
  const d = await deployed.vote.eip712Domain();
  return {
    vote: deployed.vote,
    votes: [first, second],
    holders,
    staffMember,
    domain: { name: d.name, version: d.version, chainId: Number(d.chainId), verifyingContract: voteAddress },
    relayer: relayer.address as Address,
    provider: connection.provider as EIP1193Provider,
    voteAddress,
    voteAbi: (await hre.artifacts.readArtifact("OwnersVote")).abi as Abi,
    registryAddress: (await registry.getAddress()) as Address,
    registryAbi: (await hre.artifacts.readArtifact("CommunityRegistry")).abi as Abi,
    revokeStaff: async () => void (await (await registry.revokeRole(roles.staff, staffMember.address)).wait()),
    grantRelayer: async (account) => void (await (await registry.grantRole(roles.relayer, account)).wait()),
  };
}

function chainOver(voting: Voting, provider: EIP1193Provider, account: Address | PrivateKeyAccount): RelayerChain {
  return relayerChain({
    publicClient: createPublicClient({ transport: custom(provider) }),
    walletClient: createWalletClient({ account, transport: custom(provider) }),
    vote: { address: voting.voteAddress, abi: voting.voteAbi, deployedAt: 0n },
    registry: { address: voting.registryAddress, abi: voting.registryAbi },
  });
}

async function signFor(
  voting: Voting,
  signer: PrivateKeyAccount,
  holder: Address,
  choice: keyof typeof CHOICE_VALUES,
  voteId: bigint,
): Promise<BallotBody> {
  const signature = await signer.signTypedData({
    domain: voting.domain,
    types: BALLOT_TYPES,
    primaryType: "Ballot",
    message: { voteId, holder, choice: CHOICE_VALUES[choice] },
  });
  return { voteId: voteId.toString(), holder, choice, signature };
}

async function openQueue(): Promise<{ db: Level<string, string>; queue: BallotQueue; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "gongzhi-relayer-"));
  const db = new Level<string, string>(dir);
  return { db, queue: await openBallotQueue(db), dir };
}

describe("Ballot relayer: one malleated ballot holds up nobody", function () {
  // The submitter runs on its own timer here, as in production.
  const INTERVAL_MS = 1000;
  let voting: Voting;
  let queue: BallotQueue;
  let db: Level<string, string>;
  let dir: string;
  let submitter: Submitter;
  let server: Server;
  let base: string;

  before(async function () {
    voting = await openTwoVotes(12);
    const chain = chainOver(voting, voting.provider, voting.relayer);
    ({ db, queue, dir } = await openQueue());
    const logger = pino({ level: process.env.TEST_LOG ?? "silent" });
    submitter = startSubmitter({ queue, chain, batchSize: 50, intervalMs: INTERVAL_MS, logger });
    ({ server, base } = await serveRelayer({ chain, queue, submitter }, 100, logger));
  });

  after(async function () {
    server.close();
    await submitter.stop();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function post(body: unknown): Promise<{ status: number; body: BallotAnswer }> {
    const res = await fetch(`${base}/api/ballots`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "en" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as BallotAnswer };
  }

  async function statuses(ids: Hex[]): Promise<BallotAnswer[]> {
    return Promise.all(ids.map(async (id) => (await (await fetch(`${base}/api/ballots/${id}`)).json()) as BallotAnswer));
  }

  it("counts every valid ballot of two votes within two batch intervals after a high-s ballot", async function () {
    const [v1, v2] = voting.votes as [OpenedVote, OpenedVote];
    const owner = voting.holders[0]!;
    const proper = await signFor(voting, owner, owner.address, "for", v1.voteId);
    const odd = await post({ ...proper, signature: malleate(proper.signature) });
    // Stored as its low-`s` twin (or refused outright): never as a signature the chain cannot take.
    expect([202, 400]).to.include(odd.status);
    const valid: Hex[] = [];
    for (const holder of voting.holders.slice(1, 6)) {
      for (const [opened, choice] of [[v1, "against"], [v2, "for"]] as const) {
        const res = await post(await signFor(voting, holder, holder.address, choice, opened.voteId));
        expect(res.status).to.equal(202);
        valid.push(res.body.id);
      }
    }
    const deadline = Date.now() + 2 * INTERVAL_MS;
    let answers = await statuses(valid);
    while (answers.some((a) => a.status !== "counted") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answers = await statuses(valid);
    }
    expect(answers.map((a) => a.status)).to.deep.equal(valid.map(() => "counted"));
    expect((await voting.vote.tallyOf(v1.voteId)).headsAgainst).to.equal(5n);
    expect((await voting.vote.tallyOf(v2.voteId)).headsFor).to.equal(5n);
    // The odd ballot: counted once, or refused and never stored.
    await submitter.flush();
    const casts = await voting.vote.queryFilter(voting.vote.filters.BallotCast(v1.voteId, owner.address));
    if (odd.status === 202) {
      expect((await statuses([odd.body.id]))[0]!.status).to.equal("counted");
      expect(casts.length).to.equal(1);
      expect((await voting.vote.tallyOf(v1.voteId)).headsFor).to.equal(1n);
    } else {
      expect(odd.body.error?.code).to.equal("bad_ballot_signature");
      expect(casts.length).to.equal(0);
    }
    expect(await queue.pendingCount()).to.equal(0);
  });

  it("answers the owner's proper signature after the malleated twin as the same ballot, never 409", async function () {
    const [v1, v2] = voting.votes as [OpenedVote, OpenedVote];
    // After the twin was counted (previous test): the proper signature is the same ballot.
    const owner = voting.holders[0]!;
    const again = await post(await signFor(voting, owner, owner.address, "for", v1.voteId));
    expect([again.status, again.body.status]).to.deep.equal([200, "counted"]);
    // Before the twin is sent: the proper signature is the same queued ballot, and it is counted once.
    const late = voting.holders[6]!;
    const proper = await signFor(voting, late, late.address, "abstain", v2.voteId);
    const twin = await post({ ...proper, signature: malleate(proper.signature) });
    const own = await post(proper);
    expect([twin.status, own.status]).to.deep.equal([202, 200]);
    expect(own.body.id).to.equal(twin.body.id);
    // A different choice from the same owner is still a conflict.
    const other = await post(await signFor(voting, late, late.address, "for", v2.voteId));
    expect([other.status, other.body.error?.code]).to.deep.equal([409, "ballot_conflict"]);
    await submitter.flush();
    expect((await statuses([own.body.id]))[0]!.status).to.equal("counted");
    expect((await voting.vote.tallyOf(v2.voteId)).headsAbstain).to.equal(1n);
    expect(await queue.pendingCount()).to.equal(0);
  });

  it("refuses with 400 a signature that has no canonical form (s = 0, r beyond the curve order, v = 5)", async function () {
    const [v1] = voting.votes as [OpenedVote];
    const holder = voting.holders[7]!;
    const good = (await signFor(voting, holder, holder.address, "for", v1.voteId)).signature;
    const broken: Hex[] = [
      `${good.slice(0, 66)}${"0".repeat(64)}${good.slice(130)}` as Hex,
      `0x${"f".repeat(64)}${good.slice(66)}` as Hex,
      `${good.slice(0, 130)}05` as Hex,
    ];
    for (const signature of broken) {
      const res = await post({ voteId: v1.voteId.toString(), holder: holder.address, choice: "for", signature });
      expect([res.status, res.body.error?.code]).to.deep.equal([400, "bad_ballot_signature"]);
    }
    expect(await queue.pendingCount()).to.equal(0);
  });
});

/** A JSON-RPC error as the node answers a reverted call: code 3 with the revert data. */
function revertError(data: Hex): Error & { code: number; data: Hex } {
  return Object.assign(
    new Error("VM Exception while processing transaction: reverted with panic code 0x11 (Arithmetic operation overflowed outside of an unchecked block)"),
    { code: 3, data },
  );
}

// Panic(0x11): an arithmetic overflow, the kind of revert one ballot's data (an enormous area) could cause.
const PANIC_OVERFLOW = "0x4e487b710000000000000000000000000000000000000000000000000000000000000011" as Hex;

describe("Ballot submitter: isolating the ballot the chain refuses", function () {
  let voting: Voting;
  /** Holders (lowercase, without 0x) whose presence in a transaction makes the node refuse it. */
  const refusedHolders = new Set<string>();
  let refuseEverything = false;
  let nodeDown = false;
  const sentTransactions: string[] = [];
  let provider: EIP1193Provider;
  let batchSelector: string;
  let queue: BallotQueue;
  let db: Level<string, string>;
  let dir: string;
  let submitter: Submitter;
  const logger = pino({ level: process.env.TEST_LOG ?? "silent" });

  before(async function () {
    voting = await openTwoVotes(30);
    batchSelector = encodeFunctionData({ abi: voting.voteAbi, functionName: "castBallotBatch", args: [1n, []] }).slice(0, 10);
    // The real node, refusing (as a node does: error code 3 with revert data) any call or transaction that
    // carries a refused holder's ballot; everything else goes through untouched.
    provider = {
      ...voting.provider,
      request: (async (args: { method: string; params?: unknown[] }) => {
        if (nodeDown) throw new Error("connect ECONNREFUSED 127.0.0.1:8545");
        const tx = args.params?.[0] as { data?: string } | undefined;
        if (["eth_call", "eth_estimateGas", "eth_sendTransaction"].includes(args.method) && tx?.data?.startsWith("0x")) {
          const data = tx.data.toLowerCase();
          if (data.startsWith(batchSelector)) {
            if (refuseEverything || [...refusedHolders].some((h) => data.includes(h))) throw revertError(PANIC_OVERFLOW);
            if (args.method === "eth_sendTransaction") sentTransactions.push(data);
          }
        }
        return voting.provider.request(args as Parameters<EIP1193Provider["request"]>[0]);
      }) as EIP1193Provider["request"],
    } as EIP1193Provider;
    ({ db, queue, dir } = await openQueue());
    submitter = startSubmitter({
      queue,
      chain: chainOver(voting, provider, voting.relayer),
      batchSize: 50,
      intervalMs: 3_600_000,
      logger,
    });
  });

  after(async function () {
    await submitter.stop();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function accept(body: BallotBody, signer: Address = body.holder): Promise<Hex> {
    const { ballot } = await queue.accept(
      { voteId: BigInt(body.voteId), holder: body.holder, choice: CHOICE_VALUES[body.choice], signature: body.signature },
      signer,
    );
    return ballot.id;
  }

  async function statusOf(ids: Hex[]): Promise<[string, string | undefined][]> {
    return Promise.all(
      ids.map(async (id) => {
        const ballot = (await queue.get(id))!;
        return [ballot.status, ballot.reason] as [string, string | undefined];
      }),
    );
  }

  it("skips a ballot whose signature cannot be encoded and sends the rest, including a stored high-s one", async function () {
    const [v1] = voting.votes as [OpenedVote];
    const [a, b, c, d] = voting.holders as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount];
    const good = await Promise.all([b, c].map((h) => signFor(voting, h, h.address, "for", v1.voteId)));
    // Stored before signatures were checked at the door (an old queue): one not a signature at all, one high `s`.
    const garbled = await signFor(voting, a, a.address, "for", v1.voteId);
    const unencodable = await accept({ ...garbled, signature: `${garbled.signature.slice(0, 66)}${"0".repeat(64)}1b` as Hex });
    const highS = await signFor(voting, d, d.address, "against", v1.voteId);
    const twin = await accept({ ...highS, signature: malleate(highS.signature) });
    const ids = [unencodable, ...(await Promise.all(good.map((g) => accept(g)))), twin];
    await submitter.flush();
    expect(await statusOf(ids)).to.deep.equal([
      ["skipped", "InvalidSignature"],
      ["counted", undefined],
      ["counted", undefined],
      ["counted", undefined],
    ]);
    const tally = await voting.vote.tallyOf(v1.voteId);
    expect([tally.headsFor, tally.headsAgainst]).to.deep.equal([2n, 1n]);
    expect(await queue.pendingCount()).to.equal(0);
  });

  it("skips a ballot the contract refuses inside a batch (signed by staff, not the holder); the rest count", async function () {
    const [, v2] = voting.votes as [OpenedVote, OpenedVote];
    const [e, f, g] = voting.holders.slice(4, 7) as [PrivateKeyAccount, PrivateKeyAccount, PrivateKeyAccount];
    const entered = await accept(await signFor(voting, voting.staffMember, e.address, "for", v2.voteId), voting.staffMember.address);
    const own = await Promise.all([f, g].map(async (h) => accept(await signFor(voting, h, h.address, "against", v2.voteId))));
    await voting.revokeStaff();
    await submitter.flush();
    expect(await statusOf([entered, ...own])).to.deep.equal([
      ["skipped", "InvalidSignature"],
      ["counted", undefined],
      ["counted", undefined],
    ]);
    expect((await voting.vote.tallyOf(v2.voteId)).headsAgainst).to.equal(2n);
  });

  it("isolates a ballot whose batch transaction the chain refuses: halves, then one by one", async function () {
    const [v1] = voting.votes as [OpenedVote];
    const batch = voting.holders.slice(7, 14);
    const culprit = batch[4]!;
    refusedHolders.add(culprit.address.slice(2).toLowerCase());
    sentTransactions.length = 0;
    const ids = await Promise.all(batch.map(async (h) => accept(await signFor(voting, h, h.address, "abstain", v1.voteId))));
    await submitter.flush();
    refusedHolders.clear();
    const answers = await statusOf(ids);
    expect(answers[4]).to.deep.equal(["skipped", "Panic(0x11)"]);
    expect(answers.filter((_, i) => i !== 4)).to.deep.equal(batch.slice(1).map(() => ["counted", undefined]));
    expect((await voting.vote.tallyOf(v1.voteId)).headsAbstain).to.equal(6n);
    expect(await voting.vote.ballotOf(v1.voteId, culprit.address)).to.equal(0n);
    // The good ballots went out as the halving found them: the first half whole (4), then 5 and 6 alone once the
    // culprit's half, and its half, were refused.
    const sizes = sentTransactions.map((data) => (decodeFunctionData({ abi: voting.voteAbi, data: data as Hex }).args![1] as unknown[]).length);
    expect(sizes).to.deep.equal([4, 1, 1]);
    expect(await queue.pendingCount()).to.equal(0);
  });

  /** Ballots of `holders` on `voteId` flushed while `fault` is on stay pending, then count once it is off. */
  async function pendingThroughFault(voteId: bigint, holders: PrivateKeyAccount[], fault: (on: boolean) => void): Promise<void> {
    const ids = await Promise.all(holders.map(async (h) => accept(await signFor(voting, h, h.address, "for", voteId))));
    fault(true);
    try {
      await submitter.flush();
    } finally {
      fault(false);
    }
    expect(await statusOf(ids)).to.deep.equal(holders.map(() => ["pending", undefined]));
    await submitter.flush();
    expect(await statusOf(ids)).to.deep.equal(holders.map(() => ["counted", undefined]));
  }

  it("keeps ballots pending (never skipped) when every ballot is refused alone for one same reason", async function () {
    const [v1] = voting.votes as [OpenedVote];
    await pendingThroughFault(v1.voteId, voting.holders.slice(14, 17), (on) => (refuseEverything = on));
  });

  it("keeps ballots pending while the node is unreachable, then counts them", async function () {
    const [, v2] = voting.votes as [OpenedVote, OpenedVote];
    await pendingThroughFault(v2.voteId, voting.holders.slice(21, 24), (on) => (nodeDown = on));
  });

  it("keeps ballots pending through failures that are no ballot's (relayer without funds or role), then counts them", async function () {
    const [v1, v2] = voting.votes as [OpenedVote, OpenedVote];
    const poor = privateKeyToAccount(generatePrivateKey());
    const { chainId } = await ethers.provider.getNetwork();
    const poorChain = relayerChain({
      publicClient: createPublicClient({ transport: custom(voting.provider) }),
      walletClient: createWalletClient({
        account: poor,
        chain: defineChain({
          id: Number(chainId),
          name: "hardhat",
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: { default: { http: [] } },
        }),
        transport: custom(voting.provider),
      }),
      vote: { address: voting.voteAddress, abi: voting.voteAbi, deployedAt: 0n },
      registry: { address: voting.registryAddress, abi: voting.registryAbi },
    });
    const { db: poorDb, queue: poorQueue, dir: poorDir } = await openQueue();
    const poorSubmitter = startSubmitter({ queue: poorQueue, chain: poorChain, batchSize: 50, intervalMs: 3_600_000, logger });
    try {
      const batch = voting.holders.slice(17, 21);
      const ids: Hex[] = [];
      for (const [i, h] of batch.entries()) {
        const body = await signFor(voting, h, h.address, "for", (i % 2 === 0 ? v1 : v2).voteId);
        ids.push((await poorQueue.accept({ ...body, voteId: BigInt(body.voteId), choice: 1 }, h.address)).ballot.id);
      }
      const statuses = async () => Promise.all(ids.map(async (id) => (await poorQueue.get(id))!.status));
      // No RELAYER_ROLE yet: the contract refuses the relayer, not the ballots.
      await poorSubmitter.flush();
      expect(await statuses()).to.deep.equal(batch.map(() => "pending"));
      // The role, but no funds to pay for gas.
      await voting.grantRelayer(poor.address);
      await poorSubmitter.flush();
      expect(await statuses()).to.deep.equal(batch.map(() => "pending"));
      // Funded: everything goes out.
      await networkHelpers.setBalance(poor.address, 10n ** 18n);
      await poorSubmitter.flush();
      expect(await statuses()).to.deep.equal(batch.map(() => "counted"));
      expect(await poorQueue.pendingCount()).to.equal(0);
    } finally {
      await poorSubmitter.stop();
      await poorDb.close();
      await rm(poorDir, { recursive: true, force: true });
    }
  });
});

describe("Ballot relayer: a failed batch transaction, and a vote that closes with ballots pending", function () {
  // The retrying submitter's own timer retries; short, so that the retry is awaited as an event, not a deadline.
  const INTERVAL_MS = 200;
  let faulty: RelayerChain;
  /** The API's own view of the chain (its clock is cached for half a second). */
  let served: RelayerChain;
  let logger: Logger;
  let voting: Voting;
  let queue: BallotQueue;
  let db: Level<string, string>;
  let dir: string;
  let submitter: Submitter;
  let server: Server;
  let base: string;
  /** What the next castBallotBatch transaction meets: refused before the node sees it, or sent but its answer lost. */
  let nextSend: "ok" | "refused" | "answerLost" = "ok";
  /** castBallotBatch transactions the relayer tried to send, and those the node mined. */
  const attempts: { data: string; mined?: Hex }[] = [];
  /** The submitter's log lines. */
  const logged: { level: number; msg: string; err?: string }[] = [];

  before(async function () {
    voting = await openTwoVotes(12);
    const batchSelector = encodeFunctionData({ abi: voting.voteAbi, functionName: "castBallotBatch", args: [1n, []] }).slice(0, 10);
    // The real node; only the answer to one castBallotBatch transaction is replaced by a network failure.
    const provider = {
      ...voting.provider,
      request: (async (args: { method: string; params?: unknown[] }) => {
        const tx = args.params?.[0] as { data?: string } | undefined;
        if (args.method !== "eth_sendTransaction" || !tx?.data?.toLowerCase().startsWith(batchSelector)) {
          return voting.provider.request(args as Parameters<EIP1193Provider["request"]>[0]);
        }
        const fault = nextSend;
        nextSend = "ok";
        const attempt: { data: string; mined?: Hex } = { data: tx.data };
        attempts.push(attempt);
        // A JSON-RPC server error (-32000), which viem does not retry on its own: the submitter must.
        if (fault === "refused") throw Object.assign(new Error("transaction pool is full"), { code: -32000 });
        attempt.mined = (await voting.provider.request(args as Parameters<EIP1193Provider["request"]>[0])) as Hex;
        if (fault === "answerLost") throw Object.assign(new Error("request timed out"), { code: -32000 });
        return attempt.mined;
      }) as EIP1193Provider["request"],
    } as EIP1193Provider;
    ({ db, queue, dir } = await openQueue());
    logger = pino(
      { level: "info" },
      { write: (line: string) => void logged.push(JSON.parse(line) as { level: number; msg: string; err?: string }) },
    );
    faulty = chainOver(voting, provider, voting.relayer);
    // The API's submitter sends nothing on its own (a long interval, batches of 50): each test starts the one
    // that sends, once its ballots are all queued, so that every attempt carries the whole batch.
    submitter = startSubmitter({ queue, chain: faulty, batchSize: 50, intervalMs: 3_600_000, logger });
    served = chainOver(voting, voting.provider, voting.relayer);
    ({ server, base } = await serveRelayer({ chain: served, queue, submitter }, 100, logger));
  });

  after(async function () {
    server.close();
    await submitter.stop();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function post(body: BallotBody): Promise<BallotAnswer> {
    const res = await fetch(`${base}/api/ballots`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "en" },
      body: JSON.stringify(body),
    });
    expect(res.status).to.equal(202);
    return (await res.json()) as BallotAnswer;
  }

  async function answer(id: Hex, language = "en"): Promise<BallotAnswer> {
    return (await (await fetch(`${base}/api/ballots/${id}`, { headers: { "accept-language": language } })).json()) as BallotAnswer;
  }

  /** Starts a submitter on its timer and resolves once every ballot has left "pending". */
  async function settled(ids: Hex[]): Promise<BallotAnswer[]> {
    const retrier = startSubmitter({ queue, chain: faulty, batchSize: 50, intervalMs: INTERVAL_MS, logger });
    try {
      for (;;) {
        const answers = await Promise.all(ids.map((id) => answer(id)));
        if (answers.every((a) => a.status !== "pending")) return answers;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await retrier.stop();
    }
  }

  /** The holders' BallotCast events on `voteId`. */
  async function casts(voteId: bigint, holders: PrivateKeyAccount[]) {
    return (await Promise.all(holders.map((h) => voting.vote.queryFilter(voting.vote.filters.BallotCast(voteId, h.address))))).flat();
  }

  it("retries a batch transaction the node failed to take, and counts its ballots once, in the retry", async function () {
    const [v1] = voting.votes as [OpenedVote];
    const batch = voting.holders.slice(0, 3);
    attempts.length = 0;
    logged.length = 0;
    nextSend = "refused";
    const ids: Hex[] = [];
    for (const h of batch) ids.push((await post(await signFor(voting, h, h.address, "for", v1.voteId))).id);
    const answers = await settled(ids);
    // Two attempts of the same three ballots: the failed one, and the retry the timer made, which was mined.
    expect(attempts.map((a) => [(decodeFunctionData({ abi: voting.voteAbi, data: a.data as Hex }).args![1] as unknown[]).length, a.mined !== undefined])).to.deep.equal([
      [3, false],
      [3, true],
    ]);
    expect(answers.map((a) => [a.status, a.txHash, a.message])).to.deep.equal(batch.map(() => ["counted", attempts[1]!.mined, undefined]));
    const failure = logged.find((l) => l.msg === "ballot batch failed; will retry");
    expect(failure?.err).to.contain("transaction pool is full");
    expect((await casts(v1.voteId, batch)).map((e) => e.transactionHash)).to.deep.equal(batch.map(() => attempts[1]!.mined));
    expect((await voting.vote.tallyOf(v1.voteId)).headsFor).to.equal(3n);
    expect(await queue.pendingCount()).to.equal(0);
  });

  it("retries a batch transaction mined without the relayer hearing of it, and settles it at the mined one, never counting twice", async function () {
    const [, v2] = voting.votes as [OpenedVote, OpenedVote];
    const batch = voting.holders.slice(3, 6);
    attempts.length = 0;
    logged.length = 0;
    nextSend = "answerLost";
    const ids: Hex[] = [];
    for (const h of batch) ids.push((await post(await signFor(voting, h, h.address, "against", v2.voteId))).id);
    const answers = await settled(ids);
    expect(attempts.length).to.equal(2);
    const first = attempts[0]!.mined!;
    expect(logged.find((l) => l.msg === "ballot batch failed; will retry")?.err).to.contain("request timed out");
    // The retry found the ballots already on chain (the contract skips them as AlreadyVoted): counted at the first.
    expect(answers.map((a) => [a.status, a.txHash])).to.deep.equal(batch.map(() => ["counted", first]));
    expect((await casts(v2.voteId, batch)).map((e) => e.transactionHash)).to.deep.equal(batch.map(() => first));
    expect((await voting.vote.tallyOf(v2.voteId)).headsAgainst).to.equal(3n);
  });

  it("tells the owner, in their language, that a ballot still pending when the vote closed was not counted", async function () {
    const [v1, v2] = voting.votes as [OpenedVote, OpenedVote];
    const late = voting.holders.slice(6, 9);
    const other = voting.holders[9]!;
    // Ballots are accepted while the vote is open, then the vote closes before any batch.
    const ids: Hex[] = [];
    for (const h of late) ids.push((await post(await signFor(voting, h, h.address, "abstain", v1.voteId))).id);
    expect((await Promise.all(ids.map((id) => answer(id)))).map((a) => a.status)).to.deep.equal(late.map(() => "pending"));
    const tallyBefore = await voting.vote.tallyOf(v1.voteId);
    // Both votes close (they were opened a block apart): the one with ballots pending, and the one tried below.
    await networkHelpers.time.increaseTo(Math.max(v1.end, v2.end));
    attempts.length = 0;
    const closer = startSubmitter({ queue, chain: chainOver(voting, voting.provider, voting.relayer), batchSize: 50, intervalMs: 3_600_000, logger: pino({ level: "silent" }) });
    try {
      await closer.flush();
    } finally {
      await closer.stop();
    }
    const en = await Promise.all(ids.map((id) => answer(id, "en")));
    expect(en.map((a) => [a.status, a.reason, a.txHash])).to.deep.equal(late.map(() => ["skipped", "VoteClosed", undefined]));
    expect(en[0]!.message).to.equal(
      `Vote ${v1.voteId} closed before this ballot could be sent on chain, so it was not counted. See the result on the vote's page; with any question, ask the owners' committee or the community office.`,
    );
    const zh = await answer(ids[0]!, "zh-CN");
    expect(zh.message).to.equal(`表决 ${v1.voteId} 在这张选票送上区块链之前已经截止，这张选票没有计入。表决结果请在表决页面查看；如有疑问，请联系业委会或社区办公室。`);
    // Nothing was sent for the closed vote, and its tally is as it was.
    expect(await casts(v1.voteId, late)).to.deep.equal([]);
    const tallyAfter = await voting.vote.tallyOf(v1.voteId);
    expect([tallyAfter.headsAbstain, tallyAfter.headsFor]).to.deep.equal([tallyBefore.headsAbstain, tallyBefore.headsFor]);
    expect(await queue.pendingCount()).to.equal(0);
    // A new ballot for a closed vote is refused at the door, with the window, once the API's clock (cached for
    // half a second; the contract judges the window again anyway) has seen the close: wait for that, not a time.
    while ((await served.now()) < Math.max(v1.end, v2.end)) await new Promise((resolve) => setTimeout(resolve, 50));
    const res = await fetch(`${base}/api/ballots`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "en" },
      body: JSON.stringify(await signFor(voting, other, other.address, "for", v2.voteId)),
    });
    const refused = (await res.json()) as BallotAnswer;
    expect([res.status, refused.error?.code]).to.deep.equal([409, "vote_not_open"]);
  });
});
