// issue 17, time-bank credits across communities (通存通兑): a neighbouring community (its own registry,
// authorisations and time bank, on the same chain) and this one recognise each other; a volunteer of this estate
// spends some credits at the neighbour's canteen, then moves there and takes the rest along, moved by staff
// under the volunteer's written authorisation (a proxy move, marked as such).
import { parseEventLogs, type Account, type Address, type Chain, type PublicClient, type Transport, type WalletClient } from "viem";
import { deployContracts, type DeployStep } from "../../server/src/chain/deploy.js";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { commitNote } from "../../server/src/chain/commitment.js";
import { textHash, writeDocument, type DemoDocument } from "./documents.js";
import type { DemoPlan } from "./plan.js";
import type { DemoContract, DemoContracts } from "./seed.js";
import type { Writer } from "./tx.js";

/** The neighbouring community's contracts: only what its time bank needs. */
export const NEIGHBOUR_PLAN: DeployStep[] = [
  { name: "CommunityRegistry", args: (_, admin) => [admin] },
  { name: "ProxyAuthorizations", args: (d) => [d.CommunityRegistry] },
  { name: "TimeBank", args: (d) => [d.CommunityRegistry, d.ProxyAuthorizations] },
];
const REDEEM_SERVICE = 0;
const SCOPE_REDEMPTIONS = 4;
const AUTHORIZATION_SECONDS = 365 * 86_400;
/** Minutes the volunteer spends at the neighbour's canteen before moving. */
const SPENT_THERE = 15;

export type DemoNeighbour = {
  /** The neighbouring community's TimeBank. */
  timebank: Address;
  /** The volunteer who moved there, and the minutes they took along. */
  moved: { address: Address; minutes: number };
  /** The scan of the volunteer's written authorisation (stored sealed, as every authorisation's). */
  documents: DemoDocument[];
};

export async function playNeighbourCommunity(ctx: {
  client: PublicClient<Transport, Chain>;
  /** The demo admin's wallet: it deploys and administers the neighbour too (a demo shortcut: one admin key). */
  wallet: WalletClient<Transport, Chain, Account>;
  write: Writer;
  contracts: DemoContracts;
  plan: DemoPlan;
  documentsDir: string;
}): Promise<DemoNeighbour> {
  const { write, contracts, plan } = ctx;
  const deployment = await deployContracts({ publicClient: ctx.client, walletClient: ctx.wallet, plan: NEIGHBOUR_PLAN });
  const theirs = (name: string): DemoContract => ({ address: deployment.contracts[name]!.address, abi: loadArtifact(name).abi });
  const [registry, neighbour] = [theirs("CommunityRegistry"), theirs("TimeBank")];
  const admin = plan.admin.account;
  const staff = plan.staff[0]!.account;
  const staffRole = (await ctx.client.readContract({ ...registry, functionName: "STAFF_ROLE" })) as `0x${string}`;
  await write(admin, registry, "grantRole", [staffRole, staff.address]);
  // Each side's registry admin recognises the other: credits flow only when both do.
  await write(admin, neighbour, "recogniseCommunity", [contracts.timebank.address]);
  await write(admin, contracts.timebank, "recogniseCommunity", [neighbour.address]);
  // The neighbour's canteen accepts credits (the same partner account as this estate's first partner).
  const canteen = plan.partners[0]!.account.address;
  await write(staff, neighbour, "registerPartner", [canteen, textHash("Neighbouring community canteen")]);

  // The volunteer (earned 45 minutes here) has lunch at the neighbour's canteen, paid with 15 minutes ...
  const volunteer = plan.volunteers[3]!.account;
  await write(volunteer, contracts.timebank, "redeemAt", [neighbour.address, canteen, SPENT_THERE, REDEEM_SERVICE, commitNote("午餐 / lunch at the neighbouring canteen").commitment]);
  // ... then moves there to live near her parents: staff move her under her written authorisation.
  const expires = Number((await ctx.client.getBlock({ blockTag: "latest" })).timestamp) + AUTHORIZATION_SECONDS;
  const paper = writeDocument(
    ctx.documentsDir,
    "authorisation-timebank-move",
    "Written authorisation: time bank, moving",
    ["Community staff may move me to the neighbouring community's time bank", "with my time-bank credits, and spend them for me."],
    "authorisation",
  );
  const { logs } = await write(staff, contracts.proxies, "record", [volunteer.address, SCOPE_REDEMPTIONS, 0, expires, paper.hash]);
  const [recorded] = parseEventLogs({ abi: contracts.proxies.abi, logs, eventName: "AuthorizationRecorded" });
  const authorizationId = (recorded!.args as { authorizationId: bigint }).authorizationId;
  const moved = await write(staff, contracts.timebank, "moveMemberFor", [volunteer.address, neighbour.address, authorizationId]);
  const [out] = parseEventLogs({ abi: contracts.timebank.abi, logs: moved.logs, eventName: "MemberMovedOut" });
  return { timebank: neighbour.address, moved: { address: volunteer.address, minutes: Number((out!.args as { minutes_: bigint }).minutes_) }, documents: [paper] };
}
