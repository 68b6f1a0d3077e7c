// A scripted history on a node process, through every contract of the deployment: an estate of two buildings
// (a holder of three units across both, the developer's unsold units), a UseFund vote with ballots cast
// directly, by staff under a paper ballot (one of them replaced by the holder's own ballot) and by signature,
// finalized Passed; a plan opened against it with two disbursements and closing; an emergency spend proposed,
// approved, confirmed, paid and disclosed; a second vote still open; time-bank members, services confirmed
// (directly and by staff under a written authorisation), rejected by staff and pending, a gift and redemptions
// (one by staff under the member's authorisation).
import { decodeEventLog, keccak256, toHex, type Abi, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadArtifact } from "../../../server/src/chain/artifacts.js";
import { commitNote } from "../../../server/src/chain/commitment.js";
import type { Deployment } from "../../../server/src/chain/deployment.js";
import { CHAIN_ID, clients, DEV_KEYS, rpc } from "./chain.js";

const ZERO = "0x0000000000000000000000000000000000000000" as Address;

export type Actor = { key: Hex; address: Address };

function actor(): Actor {
  const key = generatePrivateKey();
  return { key, address: privateKeyToAccount(key).address };
}

/** A document hash for a name (stands for the hash of a PDF or a note kept off chain). */
export const doc = (name: string): Hex => keccak256(toHex(name));

export type History = {
  estateId: number;
  buildings: [number, number];
  units: number[];
  developer: Address;
  holders: { multi: Actor; h2: Actor; h3: Actor; h4: Actor };
  committee: Actor[];
  custodian: Actor;
  staff: Actor;
  payee: Address;
  passedVote: string;
  openVote: string;
  votePlan: string;
  emergencyPlan: string;
  members: { v1: Actor; v2: Actor; r1: Actor; rc: Actor };
  partner: Address;
  services: { confirmed: string; rejected: string; byProxy: string; pending: string };
  /** Each service note's salted commitment, as recorded on chain, by the note's text. */
  notes: Record<string, Hex>;
  /** Staff's written authorisations: paper ballots of h2 and h3 in the passed vote; r1's, rc's and v1's time-bank ones. */
  authorizations: { h2Ballot: string; h3Ballot: string; r1: string; rc: string; v1: string };
};

export type Writer = (key: Hex, contract: string, functionName: string, args: unknown[]) => Promise<{ eventName: string; args: Record<string, unknown> }[]>;

export function writer(url: string, deployment: Deployment): Writer {
  const abis = new Map<string, Abi>();
  return async (key, contract, functionName, args) => {
    const { publicClient, walletClient } = clients(url, key);
    const address = deployment.contracts[contract].address;
    if (!abis.has(contract)) abis.set(contract, loadArtifact(contract).abi as Abi);
    const abi = abis.get(contract)!;
    const hash = await walletClient.writeContract({ address, abi, functionName, args });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${contract}.${functionName} reverted`);
    return receipt.logs
      .filter((l) => l.address.toLowerCase() === address.toLowerCase())
      .map((l) => decodeEventLog({ abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: Record<string, unknown> });
  };
}

export async function chainTime(url: string): Promise<number> {
  const block = await rpc<{ timestamp: string }>(url, "eth_getBlockByNumber", ["latest", false]);
  return Number(block.timestamp);
}

/** Moves block time to `timestamp` (at least) with one empty block. */
export async function travelTo(url: string, timestamp: number): Promise<void> {
  const now = await chainTime(url);
  if (timestamp > now) await rpc(url, "evm_setNextBlockTimestamp", [timestamp]);
  await rpc(url, "evm_mine");
}

export async function playHistory(url: string, deployment: Deployment): Promise<History> {
  const send = writer(url, deployment);
  const admin = DEV_KEYS[0];
  const id = (events: { eventName: string; args: Record<string, unknown> }[], name: string, field: string) =>
    String(events.find((e) => e.eventName === name)!.args[field]);

  const developer = actor().address;
  const holders = { multi: actor(), h2: actor(), h3: actor(), h4: actor() };
  const committee = [actor(), actor(), actor()];
  const custodian = actor();
  const staff = actor();
  const members = { v1: actor(), v2: actor(), r1: actor(), rc: actor() };
  const partner = actor().address;
  const payee = actor().address;
  for (const a of [...Object.values(holders), ...committee, custodian, staff, ...Object.values(members)]) {
    await rpc(url, "hardhat_setBalance", [a.address, "0x56BC75E2D63100000"]); // 100 ETH
  }

  // Estate, buildings, units: the multi-unit holder has three units over both buildings; zero = developer.
  const estateId = Number(id(await send(admin, "CommunityRegistry", "createEstate", [developer]), "EstateCreated", "estateId"));
  const b1 = Number(id(await send(admin, "CommunityRegistry", "addBuilding", [estateId]), "BuildingAdded", "buildingId"));
  const b2 = Number(id(await send(admin, "CommunityRegistry", "addBuilding", [estateId]), "BuildingAdded", "buildingId"));
  const units: number[] = [];
  for (const [b, list] of [
    [b1, [[9000, holders.multi.address], [8000, holders.multi.address], [7000, holders.h2.address], [6000, ZERO]]],
    [b2, [[5000, holders.multi.address], [10000, holders.h3.address], [6500, holders.h4.address], [6000, ZERO]]],
  ] as [number, [number, Address][]][]) {
    const events = await send(admin, "CommunityRegistry", "registerUnits", [b, list.map(([a]) => BigInt(a)), list.map(([, h]) => h)]);
    units.push(...events.filter((e) => e.eventName === "UnitRegistered").map((e) => Number(e.args.unitId)));
  }

  // Roles: three committee seats, a custodian, a staff member.
  const { publicClient } = clients(url);
  const registryAbi = loadArtifact("CommunityRegistry").abi as Abi;
  const registry = deployment.contracts.CommunityRegistry.address;
  const read = (functionName: string, args: unknown[] = []) => publicClient.readContract({ address: registry, abi: registryAbi, functionName, args });
  const seat = (await read("estateRole", [await read("COMMITTEE_ROLE"), estateId])) as Hex;
  for (const c of committee) await send(admin, "CommunityRegistry", "grantRole", [seat, c.address]);
  await send(admin, "CommunityRegistry", "grantRole", [await read("CUSTODIAN_ROLE"), custodian.address]);
  await send(admin, "CommunityRegistry", "grantRole", [await read("STAFF_ROLE"), staff.address]);
  await send(admin, "MaintenanceFund", "setEmergencyPolicy", [estateId, 500_000n, 1_000_000n, 365, 15]);

  // Deposits: 10,000 yuan per unit, a top-up for the first unit.
  for (const [i, unitId] of units.entries()) {
    await send(custodian.key, "MaintenanceFund", "deposit", [unitId, 1_000_000n, doc(`bank receipt ${i}`)]);
  }
  await send(custodian.key, "MaintenanceFund", "deposit", [units[0], 250_000n, doc("bank receipt top-up")]);

  // Staff's written authorisations (the hash of each signed paper's scan), valid for thirty days.
  const authorize = async (resident: Address, scopes: number, voteId: string | number, paper: string) => {
    const expiresAt = (await chainTime(url)) + 30 * 86400;
    return id(await send(staff.key, "ProxyAuthorizations", "record", [resident, scopes, BigInt(voteId), expiresAt, doc(paper)]), "AuthorizationRecorded", "authorizationId");
  };

  // A UseFund vote of the estate: ballots directly, by staff under paper ballots, and by signature; h2's own
  // ballot replaces the paper ballot staff entered for h2. Finalized Passed.
  let now = await chainTime(url);
  const opened = await send(committee[0].key, "OwnersVote", "openVote", [estateId, 0, 4, doc("lift repair plan"), now + 10, now + 3610, 2_000_000n]);
  const passedVote = id(opened, "VoteOpened", "voteId");
  const h2Ballot = await authorize(holders.h2.address, 1, passedVote, "scan: paper ballot of h2");
  const h3Ballot = await authorize(holders.h3.address, 1, passedVote, "scan: paper ballot of h3");
  await travelTo(url, now + 10);
  await send(holders.multi.key, "OwnersVote", "castBallot", [BigInt(passedVote), 1]);
  await send(staff.key, "OwnersVote", "castBallotOnBehalf", [BigInt(passedVote), holders.h2.address, 2, BigInt(h2Ballot)]);
  await send(staff.key, "OwnersVote", "castBallotOnBehalf", [BigInt(passedVote), holders.h3.address, 2, BigInt(h3Ballot)]);
  await send(holders.h2.key, "OwnersVote", "castBallot", [BigInt(passedVote), 1]);
  const voteAddress = deployment.contracts.OwnersVote.address;
  const signature = await privateKeyToAccount(holders.h4.key).signTypedData({
    domain: { name: "Gongzhi OwnersVote", version: "1", chainId: CHAIN_ID, verifyingContract: voteAddress },
    types: { Ballot: [{ name: "voteId", type: "uint256" }, { name: "holder", type: "address" }, { name: "choice", type: "uint8" }] },
    primaryType: "Ballot",
    message: { voteId: BigInt(passedVote), holder: holders.h4.address, choice: 1 },
  });
  await send(admin, "OwnersVote", "castBallotBySig", [BigInt(passedVote), holders.h4.address, 1, signature]);
  await travelTo(url, now + 3610);
  await send(admin, "OwnersVote", "finalize", [BigInt(passedVote)]);

  // The plan against it: two stages paid, then closed with the rest released to the units.
  const votePlan = id(await send(committee[0].key, "MaintenanceFund", "openPlan", [BigInt(passedVote), 1_800_000n, doc("lift contract")]), "PlanOpened", "planId");
  await send(custodian.key, "MaintenanceFund", "disburse", [BigInt(votePlan), payee, 600_000n, 0, doc("invoice 1")]);
  await send(custodian.key, "MaintenanceFund", "disburse", [BigInt(votePlan), payee, 900_000n, 2, doc("acceptance report")]);
  await send(custodian.key, "MaintenanceFund", "closePlan", [BigInt(votePlan), doc("acceptance report")]);

  // An emergency spend in building 2: proposed, approved, confirmed, paid in part, disclosed in time.
  const emergencyPlan = id(await send(committee[1].key, "MaintenanceFund", "proposeEmergency", [estateId, b2, 200_000n, doc("burst pipe")]), "EmergencyProposed", "planId");
  await send(committee[2].key, "MaintenanceFund", "approveEmergency", [BigInt(emergencyPlan)]);
  await send(custodian.key, "MaintenanceFund", "confirmEmergency", [BigInt(emergencyPlan)]);
  await send(custodian.key, "MaintenanceFund", "disburse", [BigInt(emergencyPlan), payee, 150_000n, 1, doc("plumber invoice")]);
  await send(committee[0].key, "MaintenanceFund", "discloseEmergency", [BigInt(emergencyPlan), doc("notice to owners")]);

  // A second vote, of building 2 only, still open: one abstention so far.
  now = await chainTime(url);
  const second = await send(committee[0].key, "OwnersVote", "openVote", [estateId, b2, 2, doc("building 2 group leader"), now + 5, now + 30 * 86400, 0n]);
  const openVote = id(second, "VoteOpened", "voteId");
  await travelTo(url, now + 5);
  await send(holders.h3.key, "OwnersVote", "castBallot", [BigInt(openVote), 3]);

  // Time bank: four members (rc is r1's child, v1 is r1's child too), a partner, services and credits.
  for (const m of Object.values(members)) await send(staff.key, "TimeBank", "registerMember", [m.address]);
  await send(staff.key, "TimeBank", "linkFamily", [members.r1.address, members.rc.address, 3]);
  await send(staff.key, "TimeBank", "linkFamily", [members.r1.address, members.v1.address, 3]);
  await send(staff.key, "TimeBank", "registerPartner", [partner, doc("partner profile: corner shop")]);
  const served = (await chainTime(url)) - 3600;
  // Notes go on chain as salted commitments, as the client records them; `notes` keeps each one's commitment.
  const notes: Record<string, Hex> = {};
  const record = async (by: Actor, to: Actor, minutes: number, category: number, note: string) => {
    notes[note] = commitNote(note).commitment;
    return id(await send(by.key, "TimeBank", "recordService", [to.address, minutes, category, served, notes[note]]), "ServiceRecorded", "serviceId");
  };
  const auths = {
    r1: await authorize(members.r1.address, 2, 0, "scan: r1's time-bank authorisation"),
    rc: await authorize(members.rc.address, 2, 0, "scan: rc's time-bank authorisation"),
    v1: await authorize(members.v1.address, 4, 0, "scan: v1's redemption authorisation"),
  };
  const confirmed = await record(members.v1, members.r1, 90, 0, "meal delivery");
  await send(members.r1.key, "TimeBank", "confirmService", [BigInt(confirmed)]);
  const rejected = await record(members.v2, members.r1, 60, 1, "companionship");
  await send(staff.key, "TimeBank", "rejectServiceFor", [BigInt(rejected), BigInt(auths.r1)]);
  const byProxy = await record(members.v1, members.rc, 120, 2, "cleaning");
  await send(staff.key, "TimeBank", "confirmServiceFor", [BigInt(byProxy), BigInt(auths.rc)]);
  const pending = await record(members.v2, members.v1, 30, 4, "tutoring");
  await send(members.v1.key, "TimeBank", "gift", [members.r1.address, 60]);
  await send(members.r1.key, "TimeBank", "redeem", [partner, 30, 1, doc("rice and oil")]);
  await send(staff.key, "TimeBank", "redeemFor", [members.v1.address, partner, 20, 0, doc("haircut"), BigInt(auths.v1)]);

  return {
    estateId,
    buildings: [b1, b2],
    units,
    developer,
    holders,
    committee,
    custodian,
    staff,
    payee,
    passedVote,
    openVote,
    votePlan,
    emergencyPlan,
    members,
    partner,
    services: { confirmed, rejected, byProxy, pending },
    notes,
    authorizations: { h2Ballot, h3Ballot, ...auths },
  };
}
