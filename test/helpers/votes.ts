import { Signature, TypedDataEncoder, recoverAddress } from "ethers";
import type { Signer, TypedDataDomain } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { CommunityRegistry, OwnersVote, ProxyAuthorizations } from "../../types/ethers-contracts/index.js";
import { deployRegistry, readRoles } from "./estate.js";
import { deployProxies } from "./proxies.js";
import type { Connection, Roles } from "./estate.js";
import type { ChoiceValue, MatterValue, Tally } from "./rules.js";

/** Seconds between opening a vote and its start, and the length of its window. */
export const START_DELAY = 100;
export const VOTE_DURATION = 7 * 24 * 3600;

export const BALLOT_TYPES = {
  Ballot: [
    { name: "voteId", type: "uint256" },
    { name: "holder", type: "address" },
    { name: "choice", type: "uint8" },
  ],
};

export type SignedBallot = { holder: string; choice: number; r: string; vs: string };

/** Deploys a registry, staff authorisations and an OwnersVote on them; the caller grants roles. */
export async function deployVoting(connection: Connection): Promise<{
  registry: CommunityRegistry;
  proxies: ProxyAuthorizations;
  vote: OwnersVote;
  roles: Roles;
  admin: HardhatEthersSigner;
  signers: HardhatEthersSigner[];
}> {
  const { registry, admin, signers } = await deployRegistry(connection);
  const proxies = await deployProxies(connection, registry);
  const vote = await connection.ethers.deployContract("OwnersVote", [await registry.getAddress(), await proxies.getAddress()]);
  return { registry, proxies, vote, roles: await readRoles(registry), admin, signers };
}

/** Gives `account` a committee seat of `estateId`. */
export async function grantCommittee(registry: CommunityRegistry, estateId: bigint, account: string): Promise<void> {
  const seat = await registry.estateRole(await registry.COMMITTEE_ROLE(), estateId);
  await (await registry.grantRole(seat, account)).wait();
}

/** The vote contract's EIP-712 domain, or the same domain on another chain id. */
export async function ballotDomain(vote: OwnersVote, chainId?: bigint): Promise<TypedDataDomain> {
  const d = await vote.eip712Domain();
  return { name: d.name, version: d.version, chainId: chainId ?? d.chainId, verifyingContract: d.verifyingContract };
}

export async function signBallot(
  signer: Signer,
  domain: TypedDataDomain,
  voteId: bigint,
  holder: string,
  choice: number,
): Promise<string> {
  return signer.signTypedData(domain, BALLOT_TYPES, { voteId, holder, choice });
}

/** The address the contract recovers from `signature` over the ballot under `domain`. */
export function recoverBallotSigner(
  domain: TypedDataDomain,
  voteId: bigint,
  holder: string,
  choice: number,
  signature: string,
): string {
  return recoverAddress(TypedDataEncoder.hash(domain, BALLOT_TYPES, { voteId, holder, choice }), signature);
}

/** Splits a 65-byte signature into the EIP-2098 compact form used by batches. */
export function compactBallot(holder: string, choice: number, signature: string): SignedBallot {
  const sig = Signature.from(signature);
  return { holder, choice, r: sig.r, vs: sig.yParityAndS };
}

export async function signCompact(
  signer: Signer,
  domain: TypedDataDomain,
  voteId: bigint,
  holder: string,
  choice: ChoiceValue,
): Promise<SignedBallot> {
  return compactBallot(holder, choice, await signBallot(signer, domain, voteId, holder, choice));
}

export type OpenedVote = { voteId: bigint; start: number; end: number };

/** Opens a vote starting START_DELAY seconds from the latest block; returns its id and window. */
export async function openVote(
  vote: OwnersVote,
  opener: Signer,
  latest: number,
  args: { estateId: bigint; buildingId?: bigint; matter: MatterValue; budget?: bigint; contentHash?: string },
): Promise<OpenedVote> {
  const start = latest + START_DELAY;
  const end = start + VOTE_DURATION;
  const contentHash = args.contentHash ?? `0x${"ab".repeat(32)}`;
  const tx = await vote
    .connect(opener)
    .openVote(args.estateId, args.buildingId ?? 0n, args.matter, contentHash, start, end, args.budget ?? 0n);
  const receipt = await tx.wait();
  const log = receipt!.logs.map((l) => vote.interface.parseLog(l)).find((l) => l?.name === "VoteOpened");
  return { voteId: log!.args.voteId as bigint, start, end };
}

/** The contract's tally as the reference implementation's plain object. */
export function asTally(t: OwnersVote.TallyStructOutput): Tally {
  return {
    areaFor: t.areaFor,
    areaAgainst: t.areaAgainst,
    areaAbstain: t.areaAbstain,
    totalArea: t.totalArea,
    headsFor: t.headsFor,
    headsAgainst: t.headsAgainst,
    headsAbstain: t.headsAbstain,
    totalHeads: t.totalHeads,
    proxyArea: t.proxyArea,
    proxyHeads: t.proxyHeads,
  };
}
