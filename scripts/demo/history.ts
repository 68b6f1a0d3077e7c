// Plays the demo estate's recent history on chain, in order: an emergency lift repair never disclosed (it shows
// as overdue), the old building's lift vote that passes (with a paper ballot staff enter for an elderly owner),
// an estate-wide vote to raise the fund that misses its quorum, a roof repair voted, planned and paid in stages,
// a burst pipe repaired on the emergency path and disclosed, a week of time-bank services (one confirmed and
// one redeemed by staff under the elderly member's written authorisation), and two votes left open for the
// visitor to take part in (in one, staff entered a ballot for an owner, who may still replace it). Every vote,
// plan and emergency carries the hash of its text as a proposal document (proposals.ts), stored by the stack.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { getAddress, parseEventLogs, type Address, type Chain, type PublicClient, type Transport } from "viem";
import { commitNote } from "../../server/src/chain/commitment.js";
import { BALLOT_TYPES, CHOICES, compactSignature, type ChoiceValue } from "../../server/src/relayer/ballot.js";
import { textHash, writeDocument, type DemoDocument, type DocumentClass } from "./documents.js";
import { holderAddress, type DemoPerson, type DemoPlan } from "./plan.js";
import { DISCLOSURE_DAYS, type DemoContracts, type SeededEstate } from "./seed.js";
import type { Writer } from "./tx.js";
import {
  candidateProposal,
  committeeElection,
  COMMITTEE_CANDIDATES,
  electionProposal,
  liftEmergencyReport,
  liftProposal,
  pipeEmergencyReport,
  pumpProposal,
  raiseProposal,
  roofPlanDocument,
  roofProposal,
  type DemoProposal,
} from "./proposals.js";

const DAY = 24 * 3600;
const VOTE_DAYS = 7;
const BATCH = 50;

/** Civil Code art. 278 matters, as OwnersVote's `Matter` enum numbers them. */
const MATTER = { ElectCommittee: 2, UseFund: 4, RaiseFund: 5, Rebuild: 6 } as const;
const STAGE = { Start: 0, Progress: 1, Acceptance: 2, Warranty: 3 } as const;
const CATEGORY = { MealDelivery: 0, Companionship: 1, Cleaning: 2, HospitalEscort: 3, Tutoring: 4 } as const;
const RELATION_CHILD_OF = 3; // "relative is my child"
const REDEEM_GOODS = 1;
const REDEEM_SERVICE = 0;
/** ProxyAuthorizations' scope bits. */
const SCOPE = { Votes: 1, Services: 2, Redemptions: 4 } as const;
/** A paper authorisation for the time bank runs a year; a paper ballot, to the vote's close. */
const AUTHORIZATION_DAYS = 365;

/** Contractors are paid by the custodian; they hold no role, so a derived address stands for each. */
function contractor(name: string): Address {
  return getAddress(`0x${textHash(`demo contractor: ${name}`).slice(-40)}`);
}
const CONTRACTORS = {
  elevator: contractor("elevator maintenance"),
  roofer: contractor("roof waterproofing"),
  plumber: contractor("plumbing emergency service"),
};

export type DemoVote = { id: number; title: string; titleEn: string; contentHash: `0x${string}`; open: boolean };
/** A time-bank note as the demo keeps it off chain: the text, its salt, and the commitment recorded on chain. */
export type DemoNote = { kind: "service" | "redemption"; serviceId?: number; note: string; salt: `0x${string}`; commitment: `0x${string}` };
/** `proposals`: the vote and plan texts whose hashes are on chain, for the server's document store. */
export type DemoHistory = {
  votes: DemoVote[];
  documents: DemoDocument[];
  proposals: DemoProposal[];
  planIds: number[];
  notesFile: string;
  elections: DemoElection[];
  /** How far the history moved the chain's clock (at most HISTORY_TRAVEL_SECONDS). */
  travelledSeconds: number;
};
/** A committee election: one ballot paper (its document's hash), each candidate its own vote on chain. */
export type DemoElection = { hash: `0x${string}`; title: string; titleEn: string; votes: DemoVote[] };
/** Where the demo keeps its time-bank notes with their salts (the off-chain store of notes comes later). */
export const NOTES_FILE = "timebank-notes.json";

type Context = {
  client: PublicClient<Transport, Chain>;
  write: Writer;
  contracts: DemoContracts;
  plan: DemoPlan;
  estate: SeededEstate;
  documentsDir: string;
  /** Every proposal document the history puts a hash of on chain. */
  proposals: DemoProposal[];
};

async function now(client: PublicClient<Transport, Chain>): Promise<number> {
  return Number((await client.getBlock({ blockTag: "latest" })).timestamp);
}

/**
 * How far the history moves the chain's clock forward in all (the travels below): the demo starts its chain this
 * far in the past (plus a margin), so that the story ends at the real date (scripts/demo/stack.ts). A travel added
 * below must be added here; playHistory reports the sum it travelled, and the demo warns if it is more.
 */
export const HISTORY_TRAVEL_SECONDS = 120 + VOTE_DAYS * DAY + 12 * DAY + (DISCLOSURE_DAYS - 10) * DAY + 120;
let travelled = 0;

async function travel(client: PublicClient<Transport, Chain>, seconds: number): Promise<void> {
  travelled += seconds;
  await client.request({ method: "evm_increaseTime" as never, params: [seconds] as never });
  await client.request({ method: "evm_mine" as never, params: [] as never });
}

/** The distinct holders of a scope's units (building index, or all buildings). */
function holdersOf(plan: DemoPlan, building?: number): `0x${string}`[] {
  const buildings = building === undefined ? plan.buildings : [plan.buildings[building]!];
  return [...new Set(buildings.flatMap((b) => b.units.map((u) => holderAddress(plan, u))))];
}

function accountOf(plan: DemoPlan, address: string): DemoPerson {
  const all = [plan.developer, ...plan.owners];
  const person = all.find((p) => p.account.address === address);
  if (!person) throw new Error(`No demo key for ${address}`);
  return person;
}

/** A proposal whose hash goes on chain: kept for the document store. */
function proposed(ctx: Context, proposal: DemoProposal): DemoProposal {
  ctx.proposals.push(proposal);
  return proposal;
}

async function openVote(
  ctx: Context,
  args: { building?: number; matter: number; proposal: DemoProposal; budgetFen?: bigint },
): Promise<DemoVote & { start: number; end: number }> {
  const start = (await now(ctx.client)) + 60;
  const end = start + VOTE_DAYS * DAY;
  const contentHash = proposed(ctx, args.proposal).hash;
  const title = args.proposal.input.title.zh;
  const titleEn = args.proposal.input.title.en ?? title;
  const buildingId = args.building === undefined ? 0 : ctx.estate.buildingIds[args.building]!;
  const { logs } = await ctx.write(ctx.plan.committee[0]!.account, ctx.contracts.vote, "openVote", [
    ctx.estate.estateId,
    buildingId,
    args.matter,
    contentHash,
    start,
    end,
    args.budgetFen ?? 0n,
  ]);
  const [opened] = parseEventLogs({ abi: ctx.contracts.vote.abi, logs, eventName: "VoteOpened" });
  const id = Number((opened!.args as { voteId: bigint }).voteId);
  return { id, title, titleEn, contentHash, open: true, start, end };
}

/** Signed ballots of `voters`, relayed in batches as the relayer would: choice by position in `shares`. */
async function castBallots(ctx: Context, voteId: number, voters: `0x${string}`[], choose: (i: number) => ChoiceValue): Promise<void> {
  const chainId = await ctx.client.getChainId();
  const domain = { name: "Gongzhi OwnersVote", version: "1", chainId, verifyingContract: ctx.contracts.vote.address };
  for (let i = 0; i < voters.length; i += BATCH) {
    const ballots = await Promise.all(
      voters.slice(i, i + BATCH).map(async (holder, j) => {
        const choice = choose(i + j);
        const signature = await accountOf(ctx.plan, holder).account.signTypedData({
          domain,
          types: BALLOT_TYPES,
          primaryType: "Ballot",
          message: { voteId: BigInt(voteId), holder, choice },
        });
        return { holder, choice, ...compactSignature(signature) };
      }),
    );
    await ctx.write(ctx.plan.relayer.account, ctx.contracts.vote, "castBallotBatch", [voteId, ballots]);
  }
}

/** Staff record a resident's written authorisation (the hash of its scan); returns its id. */
async function recordAuthorization(ctx: Context, resident: Address, scopes: number, voteId: number, expiresAt: number, documentHash: `0x${string}`): Promise<bigint> {
  const { logs } = await ctx.write(ctx.plan.staff[0]!.account, ctx.contracts.proxies, "record", [resident, scopes, voteId, expiresAt, documentHash]);
  const [recorded] = parseEventLogs({ abi: ctx.contracts.proxies.abi, logs, eventName: "AuthorizationRecorded" });
  return (recorded!.args as { authorizationId: bigint }).authorizationId;
}

/** A paper ballot: staff record its scan for this vote only, then enter the ballot under it. */
async function proxyBallot(ctx: Context, vote: { id: number; end: number }, holder: Address, choice: ChoiceValue, documentHash: `0x${string}`): Promise<void> {
  const auth = await recordAuthorization(ctx, holder, SCOPE.Votes, vote.id, vote.end, documentHash);
  await ctx.write(ctx.plan.staff[0]!.account, ctx.contracts.vote, "castBallotOnBehalf", [vote.id, holder, choice, auth]);
}

/** Votes for/against/abstain in the given proportions (per thousand), deterministic by position. */
function split(forPerMille: number, againstPerMille: number): (i: number) => ChoiceValue {
  return (i) => {
    const r = (i * 379) % 1000;
    if (r < forPerMille) return CHOICES.for;
    if (r < forPerMille + againstPerMille) return CHOICES.against;
    return CHOICES.abstain;
  };
}

export async function playHistory(options: Omit<Context, "proposals">): Promise<DemoHistory> {
  const ctx: Context = { ...options, proposals: [] };
  travelled = 0;
  const { client, write, contracts, plan, estate } = ctx;
  const { fund, vote, timebank } = contracts;
  const documents: DemoDocument[] = [];
  const doc = (name: string, title: string, lines: string[], cls: DocumentClass = "payment") => {
    const d = writeDocument(ctx.documentsDir, name, title, lines, cls);
    documents.push(d);
    return d.hash;
  };
  const attach = (name: string, title: string, lines: string[], label: string) => ({ hash: doc(name, title, lines, "attachment"), name: label });
  const committee = plan.committee.map((m) => m.account);
  const custodian = plan.custodian.account;
  const planIds: number[] = [];
  const planIdOf = (logs: Parameters<typeof parseEventLogs>[0]["logs"], eventName: "PlanOpened" | "EmergencyProposed") =>
    Number((parseEventLogs({ abi: fund.abi, logs, eventName })[0]!.args as { planId: bigint }).planId);

  // 1. A lift in building 1 breaks down: emergency repair, paid, but the committee never discloses it.
  const liftRepair = await write(committee[2]!, fund, "proposeEmergency", [
    estate.estateId,
    estate.buildingIds[0],
    1_250_000n,
    proposed(ctx, liftEmergencyReport()).hash,
  ]);
  const liftPlan = planIdOf(liftRepair.logs, "EmergencyProposed");
  await write(committee[3]!, fund, "approveEmergency", [liftPlan]);
  await write(committee[4]!, fund, "approveEmergency", [liftPlan]);
  await write(custodian, fund, "confirmEmergency", [liftPlan]);
  await write(custodian, fund, "disburse", [
    liftPlan,
    CONTRACTORS.elevator,
    1_250_000n,
    STAGE.Acceptance,
    doc("lift-repair-invoice", "Invoice: Building 1 lift 2 traction machine repair", ["Amount: CNY 12,500.00", "Payee: elevator maintenance contractor"]),
  ]);
  await write(custodian, fund, "closePlan", [liftPlan, textHash("lift repair accepted")]);
  planIds.push(liftPlan);

  // 2. Three votes open together.
  const lift = await openVote(ctx, { building: 2, matter: MATTER.Rebuild, proposal: liftProposal() });
  const raise = await openVote(ctx, { matter: MATTER.RaiseFund, proposal: raiseProposal(), budgetFen: 79_000_000n });
  const roofBudget = 18_650_000n;
  const roofQuote = attach("roof-quote", "Quote: Building 1 roof waterproofing", ["Total: CNY 186,500.00", "SBS membrane, two layers; drains; ceiling repairs", "Warranty: 5 years"], "维修报价单 / Quote");
  const roof = await openVote(ctx, { building: 0, matter: MATTER.UseFund, proposal: roofProposal(roofQuote), budgetFen: roofBudget });
  await travel(client, 120);
  const liftVoters = holdersOf(plan, 2);
  const liftTurnout = Math.ceil(liftVoters.length * 0.86);
  await castBallots(ctx, lift.id, liftVoters.slice(0, liftTurnout), split(880, 70));
  // An elderly owner without a phone fills in a paper ballot at the community office: staff record its scan,
  // then enter the ballot under it (marked as entered on her behalf, counted apart in the tally).
  const paperVoter = liftVoters.slice(liftTurnout).find((a) => a !== plan.developer.account.address);
  if (paperVoter) {
    await proxyBallot(ctx, lift, paperVoter, CHOICES.for, doc("paper-ballot-lift", "Paper ballot: Install a lift in Building 3", ["Choice: FOR", "Signed by the owner at the community office"], "paper-ballot"));
  }
  const estateVoters = holdersOf(plan);
  await castBallots(ctx, raise.id, estateVoters.slice(0, Math.ceil(estateVoters.length * 0.45)), split(700, 200));
  const roofVoters = holdersOf(plan, 0);
  await castBallots(ctx, roof.id, roofVoters.slice(0, Math.ceil(roofVoters.length * 0.8)), split(720, 180));
  await travel(client, VOTE_DAYS * DAY);
  for (const v of [lift, raise, roof]) {
    await write(plan.auditor.account, vote, "finalize", [v.id]);
    v.open = false;
  }

  // 3. The roof repair: plan opened against its vote, paid on signing and on acceptance; warranty retained.
  const roofPlan = planIdOf(
    (
      await write(committee[0]!, fund, "openPlan", [
        roof.id,
        roofBudget,
        proposed(ctx, roofPlanDocument(attach("roof-plan", "Plan: Building 1 roof waterproofing", ["Budget: CNY 186,500.00", "Scope: Building 1"], "施工方案 / Works plan"))).hash,
      ])
    ).logs,
    "PlanOpened",
  );
  planIds.push(roofPlan);
  const roofer = CONTRACTORS.roofer;
  await write(custodian, fund, "disburse", [
    roofPlan,
    roofer,
    5_595_000n,
    STAGE.Start,
    doc("roof-contract", "Contract: Building 1 roof waterproofing", ["Advance on signing: CNY 55,950.00 (30%)", "Warranty: 5 years"]),
  ]);
  await travel(client, 12 * DAY);
  await write(custodian, fund, "disburse", [
    roofPlan,
    roofer,
    11_190_000n,
    STAGE.Acceptance,
    doc("roof-invoice-acceptance", "Invoice: Building 1 roof waterproofing, on acceptance", ["Amount: CNY 111,900.00 (60%)", "Acceptance report attached"]),
  ]);

  // 4. A burst pipe in building 2: emergency path, paid the same day, disclosed to all owners.
  const pipe = await write(committee[1]!, fund, "proposeEmergency", [
    estate.estateId,
    estate.buildingIds[1],
    2_380_000n,
    proposed(ctx, pipeEmergencyReport()).hash,
  ]);
  const pipePlan = planIdOf(pipe.logs, "EmergencyProposed");
  await write(committee[2]!, fund, "approveEmergency", [pipePlan]);
  await write(committee[3]!, fund, "approveEmergency", [pipePlan]);
  await write(custodian, fund, "confirmEmergency", [pipePlan]);
  await write(custodian, fund, "disburse", [
    pipePlan,
    CONTRACTORS.plumber,
    2_380_000n,
    STAGE.Acceptance,
    doc("pipe-invoice", "Invoice: Building 2 water main emergency repair", ["Amount: CNY 23,800.00", "Repaired within 30 minutes of the report"]),
  ]);
  await write(committee[1]!, fund, "discloseEmergency", [
    pipePlan,
    doc("pipe-disclosure", "Disclosure to all owners: Building 2 water main repair", ["Cost: CNY 23,800.00, debited by area to Building 2 units"], "attachment"),
  ]);
  await write(custodian, fund, "closePlan", [pipePlan, textHash("pipe repair accepted")]);
  planIds.push(pipePlan);
  // Time passes beyond the disclosure window of the lift repair, which is now overdue.
  await travel(client, (DISCLOSURE_DAYS - 10) * DAY);

  // 5. The time bank: a week of services to the elderly owners of building 3, each recorded within the week
  // TimeBank allows. Notes go on chain as salted commitments; the demo keeps text and salt in NOTES_FILE.
  const volunteers = plan.volunteers.map((v) => v.account);
  const elderly = estate.elderly.map((e) => e.account);
  const staff = plan.staff[0]!.account;
  const t = await now(client);
  const services: [number, number, number, number, number, string][] = [
    // volunteer, recipient, minutes, category, days ago, note
    [0, 0, 60, CATEGORY.MealDelivery, 6, "送午餐，老人说想吃软一点的米饭 / lunch delivered, would like softer rice"],
    [0, 1, 90, CATEGORY.Companionship, 6, "陪聊天、读报 / company and reading the newspaper"],
    [1, 2, 120, CATEGORY.HospitalEscort, 5, "陪同去社区医院复诊 / escorted to a follow-up at the clinic"],
    [2, 3, 60, CATEGORY.Cleaning, 5, "打扫厨房 / cleaned the kitchen"],
    [3, 4, 45, CATEGORY.MealDelivery, 4, "送晚餐 / dinner delivered"],
    [4, 5, 120, CATEGORY.Tutoring, 3, "教用智能手机视频通话 / taught video calls on a smartphone"],
    [1, 0, 60, CATEGORY.Companionship, 3, "陪散步 / a walk together"],
    [5, 1, 30, CATEGORY.MealDelivery, 2, "送午餐 / lunch delivered"],
    [2, 2, 90, CATEGORY.Cleaning, 1, "擦窗、换床单 / windows and bed linen"],
    [3, 3, 60, CATEGORY.Companionship, 1, "陪下棋 / a game of chess"],
  ];
  const notes: DemoNote[] = [];
  const serviceIds: number[] = [];
  for (const [v, r, minutes, category, daysAgo, note] of services) {
    const { salt, commitment } = commitNote(note);
    const { logs } = await write(volunteers[v]!, timebank, "recordService", [elderly[r]!.address, minutes, category, t - daysAgo * DAY, commitment]);
    const serviceId = Number((parseEventLogs({ abi: timebank.abi, logs, eventName: "ServiceRecorded" })[0]!.args as { serviceId: bigint }).serviceId);
    serviceIds.push(serviceId);
    notes.push({ kind: "service", serviceId, note, salt, commitment });
  }
  // One elderly member has no phone: she signed a written authorisation at the community office for staff to
  // confirm services and redeem credits for her; staff record its scan's hash first, then act under it.
  const noPhone = elderly[services[3]![1]]!;
  const timebankAuth = await recordAuthorization(
    ctx,
    noPhone.address,
    SCOPE.Services | SCOPE.Redemptions,
    0,
    (await now(client)) + AUTHORIZATION_DAYS * DAY,
    doc("authorisation-timebank", "Written authorisation: time bank", ["Community staff may confirm services received and redeem credits", "for the member who signed below, for one year."], "authorisation"),
  );
  // Recipients confirm; one through staff (no phone); one service is rejected; the last two stay pending.
  for (const [i, id] of serviceIds.slice(0, 7).entries()) {
    const recipient = elderly[services[i]![1]]!;
    if (i === 3) await write(staff, timebank, "confirmServiceFor", [id, timebankAuth]);
    else if (i === 5) await write(recipient, timebank, "rejectService", [id]);
    else await write(recipient, timebank, "confirmService", [id]);
  }
  // A volunteer's parent is one of the elderly members: hours may be given to family.
  await write(staff, timebank, "linkFamily", [elderly[0]!.address, volunteers[0]!.address, RELATION_CHILD_OF]);
  await write(volunteers[0]!, timebank, "gift", [elderly[0]!.address, 60]);
  const voucherNote = "食堂午餐券 / canteen lunch vouchers";
  const voucher = commitNote(voucherNote);
  await write(elderly[0]!, timebank, "redeem", [plan.partners[0]!.account.address, 60, REDEEM_GOODS, voucher.commitment]);
  notes.push({ kind: "redemption", note: voucherNote, ...voucher });
  // Her son gives her an hour, and staff redeem it for her at the canteen under her authorisation.
  await write(staff, timebank, "linkFamily", [noPhone.address, volunteers[2]!.address, RELATION_CHILD_OF]);
  await write(volunteers[2]!, timebank, "gift", [noPhone.address, 60]);
  const mealsNote = "送餐到家 / canteen meals delivered";
  const meals = commitNote(mealsNote);
  await write(staff, timebank, "redeemFor", [noPhone.address, plan.partners[0]!.account.address, 60, REDEEM_SERVICE, meals.commitment, timebankAuth]);
  notes.push({ kind: "redemption", note: mealsNote, ...meals });
  const notesFile = path.join(ctx.documentsDir, NOTES_FILE);
  writeFileSync(notesFile, `${JSON.stringify(notes, null, 2)}\n`);

  // 6. Two votes open now, for the visitor to follow and vote in.
  const pumpQuote = attach("pump-quote", "Quote: secondary water-supply pumps", ["Two variable-frequency pumps and control cabinet: CNY 61,000.00", "Tank cleaning and disinfection: CNY 7,000.00"], "水泵报价单 / Quote");
  const pumps = await openVote(ctx, { matter: MATTER.UseFund, proposal: pumpProposal(pumpQuote), budgetFen: 6_800_000n });
  const election = await openVote(ctx, { matter: MATTER.ElectCommittee, proposal: electionProposal() });
  // The committee's election: its ballot paper lists three candidates, each a vote of its own (same window).
  const paper = proposed(ctx, committeeElection());
  const candidateVotes = [];
  for (const [i] of COMMITTEE_CANDIDATES.entries()) candidateVotes.push(await openVote(ctx, { matter: MATTER.ElectCommittee, proposal: candidateProposal(paper, i) }));
  await travel(client, 120);
  await castBallots(ctx, pumps.id, estateVoters.slice(20, 110), split(760, 160));
  // Owners fill in the paper for every candidate at once; the third candidate is less popular.
  for (const [i, v] of candidateVotes.entries()) await castBallots(ctx, v.id, estateVoters.slice(40, 100), split(i === 2 ? 380 : 700, i === 2 ? 450 : 180));
  await castBallots(ctx, election.id, estateVoters.slice(30, 70), split(650, 250));
  // A paper ballot entered by staff in an open vote: the owner may still vote himself before the close.
  const openPaperVoter = estateVoters.slice(75).find((a) => a !== plan.developer.account.address);
  if (openPaperVoter) {
    await proxyBallot(ctx, election, openPaperVoter, CHOICES.abstain, doc("paper-ballot-election", "Paper ballot: Elect an additional committee member", ["Choice: ABSTAIN", "Signed by the owner at the community office"], "paper-ballot"));
  }

  const votes = [lift, raise, roof, pumps, election].map(({ id, title, titleEn, contentHash, open }) => ({ id, title, titleEn, contentHash, open }));
  const elections: DemoElection[] = [
    {
      hash: paper.hash,
      title: paper.input.title.zh,
      titleEn: paper.input.title.en ?? paper.input.title.zh,
      votes: candidateVotes.map(({ id, title, titleEn, contentHash, open }) => ({ id, title, titleEn, contentHash, open })),
    },
  ];
  return { votes, documents, proposals: ctx.proposals, planIds, notesFile, elections, travelledSeconds: travelled };
}
