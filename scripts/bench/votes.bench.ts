// Gas per owners' ballot (direct, one relayed signature, a relayed batch of 50) against an OpenZeppelin Governor
// (castVote, castVoteBySig) over the same voters with token balances equal to their areas, in one simulated chain.
import { network } from "hardhat";
import { Signature, Wallet, keccak256, toUtf8Bytes } from "ethers";
import type { ContractTransactionResponse, TypedDataDomain } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type {
  BenchGovernor,
  BenchVotesToken,
  CommunityRegistry,
  OwnersVote,
} from "../../types/ethers-contracts/index.js";
import { round } from "./figures.js";
import type { BenchModule, Figure } from "./figures.js";

type Connection = Awaited<ReturnType<typeof network.create>>;

const VOTERS = 300;
const REGISTRATION_CHUNK = 50;
const BATCH_SIZE = 50;
const BATCHES = 4;
const MEASURED = 10;
/** Voters 0..MEASURED: direct ballots (0 is a warm-up: it creates the tally and the first ballot word). */
const DIRECT_FIRST = 0;
/** Voters SIG_FIRST..SIG_FIRST+MEASURED: one relayed signature each. */
const SIG_FIRST = 20;
/** Voters BATCH_FIRST..: BATCHES relayed batches of BATCH_SIZE. */
const BATCH_FIRST = VOTERS - BATCH_SIZE * BATCHES;
const FOR = 1;
const MATTER_ELECT_COMMITTEE = 2;
const FUNDED_BALANCE = 10n ** 20n;
const BALLOT_TYPES = {
  Ballot: [
    { name: "voteId", type: "uint256" },
    { name: "holder", type: "address" },
    { name: "choice", type: "uint8" },
  ],
};
const GOVERNOR_BALLOT_TYPES = {
  Ballot: [
    { name: "proposalId", type: "uint256" },
    { name: "support", type: "uint8" },
    { name: "voter", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return receipt!.gasUsed;
}

function mean(values: bigint[]): number {
  return Number(values.reduce((a, b) => a + b, 0n)) / values.length;
}

function range(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/** Deterministic voters with areas between 50 and 150 m² (in 0.01 m²). */
function makeVoters(connection: Connection): { wallets: Wallet[]; areas: bigint[] } {
  const wallets = range(0, VOTERS).map(
    (i) => new Wallet(keccak256(toUtf8Bytes(`gongzhi bench voter ${i}`)), connection.ethers.provider),
  );
  const areas = range(0, VOTERS).map((i) => BigInt(5000 + ((i * 7919) % 10000)));
  return { wallets, areas };
}

async function fund(connection: Connection, wallets: Wallet[]): Promise<void> {
  for (const w of wallets) await connection.networkHelpers.setBalance(w.address, FUNDED_BALANCE);
}

async function setUpOwnersVote(
  connection: Connection,
  admin: HardhatEthersSigner,
  relayer: HardhatEthersSigner,
  wallets: Wallet[],
  areas: bigint[],
): Promise<{ vote: OwnersVote; voteId: bigint; domain: TypedDataDomain }> {
  const registry: CommunityRegistry = await connection.ethers.deployContract("CommunityRegistry", [admin.address]);
  const proxies = await connection.ethers.deployContract("ProxyAuthorizations", [await registry.getAddress()]);
  const vote: OwnersVote = await connection.ethers.deployContract("OwnersVote", [await registry.getAddress(), await proxies.getAddress()]);
  await (await registry.createEstate(admin.address)).wait();
  const estateId = 1n;
  await (await registry.addBuilding(estateId)).wait();
  const buildingId = 1n;
  for (let i = 0; i < VOTERS; i += REGISTRATION_CHUNK) {
    const holders = wallets.slice(i, i + REGISTRATION_CHUNK).map((w) => w.address);
    await (await registry.registerUnits(buildingId, areas.slice(i, i + REGISTRATION_CHUNK), holders)).wait();
  }
  const seat = await registry.estateRole(await registry.COMMITTEE_ROLE(), estateId);
  await (await registry.grantRole(seat, admin.address)).wait();
  await (await registry.grantRole(await registry.RELAYER_ROLE(), relayer.address)).wait();
  const start = (await connection.networkHelpers.time.latest()) + 10;
  const receipt = await (
    await vote.openVote(estateId, 0, MATTER_ELECT_COMMITTEE, keccak256(toUtf8Bytes("bench")), start, start + 86_400, 0)
  ).wait();
  const voteId = vote.interface.parseLog(receipt!.logs[0])!.args.voteId as bigint;
  await connection.networkHelpers.time.increaseTo(start);
  const d = await vote.eip712Domain();
  const domain = { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
  return { vote, voteId, domain };
}

async function measureOwnersVote(
  connection: Connection,
  relayer: HardhatEthersSigner,
  wallets: Wallet[],
  areas: bigint[],
): Promise<{ direct: number; bySig: number; batchPerBallot: number }> {
  const [admin] = await connection.ethers.getSigners();
  const { vote, voteId, domain } = await setUpOwnersVote(connection, admin, relayer, wallets, areas);
  const direct: bigint[] = [];
  for (const i of range(DIRECT_FIRST, MEASURED + 1)) {
    const gas = await gasOf(vote.connect(wallets[i]).castBallot(voteId, FOR));
    if (i !== DIRECT_FIRST) direct.push(gas);
  }
  const bySig: bigint[] = [];
  for (const i of range(SIG_FIRST, MEASURED)) {
    const holder = wallets[i].address;
    const sig = await wallets[i].signTypedData(domain, BALLOT_TYPES, { voteId, holder, choice: FOR });
    bySig.push(await gasOf(vote.connect(relayer).castBallotBySig(voteId, holder, FOR, sig)));
  }
  const batches: bigint[] = [];
  for (let b = 0; b < BATCHES; ++b) {
    const ballots = await Promise.all(
      range(BATCH_FIRST + b * BATCH_SIZE, BATCH_SIZE).map(async (i) => {
        const holder = wallets[i].address;
        const sig = Signature.from(
          await wallets[i].signTypedData(domain, BALLOT_TYPES, { voteId, holder, choice: FOR }),
        );
        return { holder, choice: FOR, r: sig.r, vs: sig.yParityAndS };
      }),
    );
    batches.push(await gasOf(vote.connect(relayer).castBallotBatch(voteId, ballots)));
  }
  const tally = await vote.tallyOf(voteId);
  const expectedHeads = BigInt(MEASURED + 1 + MEASURED + BATCH_SIZE * BATCHES);
  if (tally.headsFor !== expectedHeads) throw new Error(`Counted ${tally.headsFor} ballots, expected ${expectedHeads}`);
  return { direct: mean(direct), bySig: mean(bySig), batchPerBallot: mean(batches) / BATCH_SIZE };
}

async function propose(governor: BenchGovernor, description: string): Promise<bigint> {
  const targets = [await governor.getAddress()];
  const values = [0n];
  const calldatas = ["0x"];
  await (await governor.propose(targets, values, calldatas, description)).wait();
  return governor.hashProposal(targets, values, calldatas, keccak256(toUtf8Bytes(description)));
}

async function governorBySig(
  governor: BenchGovernor,
  relayer: HardhatEthersSigner,
  domain: TypedDataDomain,
  proposalId: bigint,
  voter: Wallet,
): Promise<bigint> {
  const nonce = await governor.nonces(voter.address);
  const value = { proposalId, support: FOR, voter: voter.address, nonce };
  const sig = await voter.signTypedData(domain, GOVERNOR_BALLOT_TYPES, value);
  return gasOf(governor.connect(relayer).castVoteBySig(proposalId, FOR, voter.address, sig));
}

/** Governor figures for voters who voted (castVote) or signed (castVoteBySig) on an earlier proposal. */
async function measureGovernor(
  connection: Connection,
  relayer: HardhatEthersSigner,
  wallets: Wallet[],
  areas: bigint[],
): Promise<{ castVote: number; castVoteBySig: number }> {
  const token: BenchVotesToken = await connection.ethers.deployContract("BenchVotesToken");
  const governor: BenchGovernor = await connection.ethers.deployContract("BenchGovernor", [await token.getAddress()]);
  for (let i = 0; i < VOTERS; i += REGISTRATION_CHUNK) {
    const accounts = wallets.slice(i, i + REGISTRATION_CHUNK).map((w) => w.address);
    await (await token.mintAndSelfDelegate(accounts, areas.slice(i, i + REGISTRATION_CHUNK))).wait();
  }
  await connection.networkHelpers.mine();
  const d = await governor.eip712Domain();
  const domain = { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
  const directVoters = range(DIRECT_FIRST, MEASURED + 1);
  const sigVoters = range(SIG_FIRST, MEASURED);

  const earlier = await propose(governor, "earlier proposal");
  const later = await propose(governor, "measured proposal");
  // Past the voting delay, so that both proposals are active.
  await connection.networkHelpers.mine(2);
  for (const i of directVoters) await gasOf(governor.connect(wallets[i]).castVote(earlier, FOR));
  for (const i of sigVoters) await governorBySig(governor, relayer, domain, earlier, wallets[i]);

  const castVote: bigint[] = [];
  for (const i of directVoters) {
    const gas = await gasOf(governor.connect(wallets[i]).castVote(later, FOR));
    // The first ballot of a proposal creates its tally; like ours, it is a warm-up.
    if (i !== DIRECT_FIRST) castVote.push(gas);
  }
  const castVoteBySig: bigint[] = [];
  for (const i of sigVoters) castVoteBySig.push(await governorBySig(governor, relayer, domain, later, wallets[i]));
  return { castVote: mean(castVote), castVoteBySig: mean(castVoteBySig) };
}

const bench: BenchModule = {
  title: "Owners' ballots vs OpenZeppelin Governor (gas)",
  run: async (): Promise<Figure[]> => {
    const connection = await network.create();
    const [, relayer] = await connection.ethers.getSigners();
    const { wallets, areas } = makeVoters(connection);
    await fund(connection, wallets.slice(DIRECT_FIRST, DIRECT_FIRST + MEASURED + 1));
    console.log(`${VOTERS} voters; measuring OwnersVote…`);
    const ours = await measureOwnersVote(connection, relayer, wallets, areas);
    console.log("measuring OpenZeppelin Governor…");
    const governor = await measureGovernor(connection, relayer, wallets, areas);
    await connection.close();
    const gas = (name: string, value: number, description: string): Figure => ({
      name,
      value: Math.round(value),
      unit: "gas",
      description,
    });
    const ratio = (name: string, value: number, description: string): Figure => ({
      name,
      value: round(value, 3),
      unit: "ratio",
      description,
    });
    return [
      gas(
        "ballot.gas.direct",
        ours.direct,
        `OwnersVote.castBallot, mean of ${MEASURED} holders (not the vote's first ballot)`,
      ),
      gas("ballot.gas.bySig", ours.bySig, `OwnersVote.castBallotBySig sent by a relayer, mean of ${MEASURED}`),
      gas(
        "ballot.gas.batch50PerBallot",
        ours.batchPerBallot,
        `OwnersVote.castBallotBatch of ${BATCH_SIZE} compact signatures, gasUsed/${BATCH_SIZE}, mean of ${BATCHES} batches`,
      ),
      gas(
        "governor.gas.castVote",
        governor.castVote,
        `Governor.castVote by voters who voted before, mean of ${MEASURED}`,
      ),
      gas(
        "governor.gas.castVoteBySig",
        governor.castVoteBySig,
        `Governor.castVoteBySig by a relayer for voters who signed before (non-zero nonce), mean of ${MEASURED}`,
      ),
      ratio(
        "ballot.ratio.directVsGovernorCastVote",
        ours.direct / governor.castVote,
        "direct ballot / Governor castVote",
      ),
      ratio(
        "ballot.ratio.bySigVsGovernorBySig",
        ours.bySig / governor.castVoteBySig,
        "relayed signature / Governor castVoteBySig",
      ),
      ratio(
        "ballot.ratio.batch50VsGovernorBySig",
        ours.batchPerBallot / governor.castVoteBySig,
        "batched ballot / Governor castVoteBySig (goal ≤ 1/3)",
      ),
    ];
  },
};

export default bench;
