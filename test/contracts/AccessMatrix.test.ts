import { expect } from "chai";
import { network } from "hardhat";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { addBuilding, deployRegistry, registerUnits } from "../helpers/estate.js";
import { authorize, deployProxies, paper, Scope } from "../helpers/proxies.js";
import { buildEstate, doc, planIdOf, Stage } from "../helpers/fund.js";
import { decide } from "../helpers/fundVotes.js";
import { Choice, defaultRule, Matter } from "../helpers/rules.js";
import { ballotDomain, signBallot, signCompact } from "../helpers/votes.js";
import { Category, deployCommunity, Relation, RedemptionKind } from "../helpers/timebank.js";

/**
 * Every actor × every state-changing function of CommunityRegistry, OwnersVote, MaintenanceFund, TimeBank,
 * ProxyAuthorizations and RecordAnchor (the ABIs are compared with the rows, so a new function needs a row): each call is made from a state where it would succeed for an authorised caller,
 * and must succeed exactly for the actors listed. `openPlan` runs against a UseFund vote passed on the real
 * OwnersVote. Staff act for the member actor only under the member's recorded authorisation.
 */
const connection = await network.create();
const { ethers, networkHelpers } = connection;

const ACTORS = [
  "admin",
  "registrar",
  "committee",
  "custodian",
  "auditor",
  "relayer",
  "staff",
  "anchorer",
  "member",
  "partner",
  "outsider",
] as const;
type Actor = (typeof ACTORS)[number];

async function matrixFixture() {
  const { registry, signers } = await deployRegistry(connection);
  const s = signers;
  const actors: Record<Actor, HardhatEthersSigner> = {
    admin: s[0],
    registrar: s[1],
    committee: s[2],
    custodian: s[3],
    auditor: s[4],
    relayer: s[5],
    staff: s[6],
    anchorer: s[7],
    member: s[8],
    partner: s[9],
    outsider: s[10],
  };
  const [proposer, approver, custodian2, volunteer, relative, developer, fresh, holder] = s.slice(11, 19);
  const roles = {
    admin: await registry.DEFAULT_ADMIN_ROLE(),
    registrar: await registry.REGISTRAR_ROLE(),
    custodian: await registry.CUSTODIAN_ROLE(),
    auditor: await registry.AUDITOR_ROLE(),
    relayer: await registry.RELAYER_ROLE(),
    staff: await registry.STAFF_ROLE(),
    anchorer: await registry.ANCHORER_ROLE(),
  };
  await registry.revokeRole(roles.registrar, s[0].address); // the admin keeps only the admin role
  await registry.grantRole(roles.registrar, actors.registrar.address);
  await registry.grantRole(roles.custodian, actors.custodian.address);
  await registry.grantRole(roles.custodian, custodian2.address);
  await registry.grantRole(roles.auditor, actors.auditor.address);
  await registry.grantRole(roles.relayer, actors.relayer.address);
  await registry.grantRole(roles.staff, actors.staff.address);
  await registry.grantRole(roles.anchorer, actors.anchorer.address);

  // Fund: an estate of three units, three committee seats, two plans.
  const e = await buildEstate(registry.connect(actors.registrar), developer.address, [[8_000n, 9_000n, 10_000n]], [holder.address]);
  const seat = await registry.estateRole(await registry.COMMITTEE_ROLE(), e.estateId);
  for (const m of [proposer, approver, actors.committee]) await registry.grantRole(seat, m.address);
  const proxies = await deployProxies(connection, registry);
  const ownersVote = await ethers.deployContract("OwnersVote", [await registry.getAddress(), await proxies.getAddress()]);
  const fund = await ethers.deployContract("MaintenanceFund", [await registry.getAddress(), await ownersVote.getAddress()]);
  await fund.setEmergencyPolicy(e.estateId, 10_000_000n, 20_000_000n, 365n, 30n);
  for (const u of e.unitIds[0]) await fund.connect(custodian2).deposit(u, 1_000_000n, doc(`opening ${u}`));
  // A passed UseFund vote (the estate's only holder votes for it), first: it moves time past the vote's end.
  const voteId = await decide(connection, ownersVote, proposer, { estateId: e.estateId, matter: Matter.UseFund, budget: 50_000n }, [
    [holder, Choice.For],
  ]);
  // Plan `proposed`: proposed and approved by two of three seats, awaiting the custodian.
  const proposed = await planIdOf(fund, fund.connect(proposer).proposeEmergency(e.estateId, 0n, 10_000n, doc("proposed")));
  await fund.connect(approver).approveEmergency(proposed);
  // Plan `open`: confirmed by the other custodian, so the custodian actor is not involved in it.
  const open = await planIdOf(fund, fund.connect(proposer).proposeEmergency(e.estateId, 0n, 20_000n, doc("open")));
  await fund.connect(approver).approveEmergency(open);
  await fund.connect(custodian2).confirmEmergency(open);

  // Time bank: the member actor has 120 minutes of credit, a relative, and a pending service it received.
  const bank = await ethers.deployContract("TimeBank", [await registry.getAddress(), await proxies.getAddress()]);
  for (const m of [volunteer, relative, actors.member]) await bank.connect(actors.staff).registerMember(m.address);
  await bank.connect(actors.staff).linkFamily(actors.member.address, relative.address, Relation.Child);
  await bank.connect(actors.staff).registerPartner(actors.partner.address, doc("partner"));
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  await bank.connect(actors.member).recordService(volunteer.address, 120n, Category.Cleaning, now, doc("earned"));
  await bank.connect(volunteer).confirmService(1n);
  await bank.connect(volunteer).recordService(actors.member.address, 60n, Category.MealDelivery, now, doc("pending"));
  const pendingService = 2n;
  // The member's written authorisation for staff in the time bank; the holder's for votes, and a vote open.
  const memberAuth = await authorize(proxies, actors.staff, actors.member.address, Scope.Services | Scope.Redemptions);
  const holderAuth = await authorize(proxies, actors.staff, holder.address, Scope.Votes);
  // The member actor holds a unit in a second building of the estate, so it may cast its own ballot in the vote
  // opened below (registered after the UseFund vote, which stays decided by the holder alone).
  const building = await addBuilding(registry.connect(actors.registrar), e.estateId);
  await registerUnits(registry.connect(actors.registrar), building, [{ area: 5_000n, holder: actors.member.address }]);
  // A local rule in force, so that clearing it has something to clear.
  await ownersVote.connect(actors.admin).setRule(e.estateId, Matter.Rebuild, defaultRule(Matter.Rebuild));
  const latest = (await ethers.provider.getBlock("latest"))!.timestamp;
  const opened = await ownersVote.connect(proposer).openVote(e.estateId, 0n, Matter.ElectCommittee, doc("election"), latest + 10, latest + 86_400, 0n);
  const openVoteId = (await opened.wait())!.logs.map((l) => ownersVote.interface.parseLog(l)).find((l) => l?.name === "VoteOpened")!.args.voteId as bigint;
  await networkHelpers.time.increaseTo(latest + 10);

  // A second community (its own registry and time bank, administered by another account) that recognises this
  // one and is recognised by it, with the partner actor registered there too.
  // (The developer has no role in this community's registry; the last signer is no actor.)
  const [otherAdmin, otherStaff] = [developer, s[19]];
  const other = await deployCommunity(connection, otherAdmin, otherStaff);
  await other.bank.connect(otherAdmin).recogniseCommunity(await bank.getAddress());
  await bank.connect(actors.admin).recogniseCommunity(await other.bank.getAddress());
  await other.bank.connect(otherStaff).registerPartner(actors.partner.address, doc("partner there"));
  const otherBank = await other.bank.getAddress();

  const anchor = await ethers.deployContract("RecordAnchor", [await registry.getAddress()]);
  return {
    otherBank,
    bankAddress: await bank.getAddress(),
    registry,
    fund,
    bank,
    anchor,
    proxies,
    ownersVote,
    memberAuth,
    holderAuth,
    holder,
    openVoteId,
    openVoteEnd: latest + 86_400,
    building,
    seat,
    actors,
    roles,
    estateId: e.estateId,
    units: e.unitIds[0],
    voteId,
    proposed,
    open,
    pendingService,
    volunteer,
    relative,
    fresh,
    now,
  };
}

type F = Awaited<ReturnType<typeof matrixFixture>>;
type Row = {
  fn: string;
  allowed: Actor[];
  call: (f: F, who: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
  /** The contract, error and arguments expected when `who` is not allowed. */
  denied: (f: F, who: HardhatEthersSigner) => [BaseContract, string, unknown[]];
};

const missing = (role: keyof F["roles"], on: "fund" | "bank" | "anchor" | "proxies" | "ownersVote") => (f: F, who: HardhatEthersSigner): [BaseContract, string, unknown[]] => [
  f[on],
  "MissingRole",
  [who.address, f.roles[role]],
];
/** The registry's own refusal (OpenZeppelin AccessControl): the caller lacks `role`. */
const unauthorized = (role: keyof F["roles"]) => (f: F, who: HardhatEthersSigner): [BaseContract, string, unknown[]] => [
  f.registry,
  "AccessControlUnauthorizedAccount",
  [who.address, f.roles[role]],
];
/** For rows every actor may call: a refusal would be a failure of the test itself. */
const nobodyRefused = (): [BaseContract, string, unknown[]] => {
  throw new Error("every actor may make this call");
};
const notCommittee = (f: F, who: HardhatEthersSigner): [BaseContract, string, unknown[]] => [f.fund, "NotCommitteeMember", [who.address, f.estateId]];
const notMember = (f: F, who: HardhatEthersSigner): [BaseContract, string, unknown[]] => [f.bank, "NotMember", [who.address]];

const ROWS: Row[] = [
  // ── CommunityRegistry ──
  { fn: "registry.createEstate", allowed: ["registrar"], call: (f, w) => f.registry.connect(w).createEstate(f.fresh.address), denied: unauthorized("registrar") },
  { fn: "registry.addBuilding", allowed: ["registrar"], call: (f, w) => f.registry.connect(w).addBuilding(f.estateId), denied: unauthorized("registrar") },
  {
    fn: "registry.registerUnits",
    allowed: ["registrar"],
    call: (f, w) => f.registry.connect(w).registerUnits(f.building, [7_000n], [f.fresh.address]),
    denied: unauthorized("registrar"),
  },
  { fn: "registry.transferUnit", allowed: ["registrar"], call: (f, w) => f.registry.connect(w).transferUnit(f.units[0], f.fresh.address), denied: unauthorized("registrar") },
  { fn: "registry.grantRole", allowed: ["admin"], call: (f, w) => f.registry.connect(w).grantRole(f.roles.auditor, f.fresh.address), denied: unauthorized("admin") },
  { fn: "registry.grantRole (committee seat)", allowed: ["admin"], call: (f, w) => f.registry.connect(w).grantRole(f.seat, f.fresh.address), denied: unauthorized("admin") },
  { fn: "registry.revokeRole", allowed: ["admin"], call: (f, w) => f.registry.connect(w).revokeRole(f.roles.staff, f.actors.staff.address), denied: unauthorized("admin") },
  {
    fn: "registry.revokeRole (committee seat)",
    allowed: ["admin"],
    call: (f, w) => f.registry.connect(w).revokeRole(f.seat, f.actors.committee.address),
    denied: unauthorized("admin"),
  },
  {
    fn: "registry.renounceRole",
    allowed: ["staff"],
    call: (f, w) => f.registry.connect(w).renounceRole(f.roles.staff, f.actors.staff.address),
    denied: (f) => [f.registry, "AccessControlBadConfirmation", []],
  },
  // ── OwnersVote ──
  {
    fn: "ownersVote.setRule",
    allowed: ["admin"],
    call: (f, w) => f.ownersVote.connect(w).setRule(f.estateId, Matter.UseFund, defaultRule(Matter.UseFund)),
    denied: missing("admin", "ownersVote"),
  },
  { fn: "ownersVote.clearRule", allowed: ["admin"], call: (f, w) => f.ownersVote.connect(w).clearRule(f.estateId, Matter.Rebuild), denied: missing("admin", "ownersVote") },
  {
    fn: "ownersVote.openVote",
    allowed: ["committee"],
    call: async (f, w) => {
      const now = (await ethers.provider.getBlock("latest"))!.timestamp;
      return f.ownersVote.connect(w).openVote(f.estateId, 0n, Matter.ElectCommittee, doc("matrix vote"), now + 10, now + 86_400, 0n);
    },
    denied: notCommittee,
  },
  {
    fn: "ownersVote.castBallot",
    allowed: ["member"],
    call: (f, w) => f.ownersVote.connect(w).castBallot(f.openVoteId, Choice.For),
    denied: (f, w) => [f.ownersVote, "NotEligible", [f.openVoteId, w.address]],
  },
  {
    fn: "ownersVote.castBallotBySig",
    allowed: [...ACTORS],
    call: async (f, w) => {
      const signature = await signBallot(f.holder, await ballotDomain(f.ownersVote), f.openVoteId, f.holder.address, Choice.For);
      return f.ownersVote.connect(w).castBallotBySig(f.openVoteId, f.holder.address, Choice.For, signature);
    },
    denied: nobodyRefused,
  },
  {
    fn: "ownersVote.castBallotBatch",
    allowed: ["relayer"],
    call: async (f, w) => {
      const ballot = await signCompact(f.holder, await ballotDomain(f.ownersVote), f.openVoteId, f.holder.address, Choice.For);
      return f.ownersVote.connect(w).castBallotBatch(f.openVoteId, [ballot]);
    },
    denied: missing("relayer", "ownersVote"),
  },
  // ── MaintenanceFund ──
  { fn: "fund.deposit", allowed: ["custodian"], call: (f, w) => f.fund.connect(w).deposit(f.units[0], 1n, doc("matrix")), denied: missing("custodian", "fund") },
  { fn: "fund.openPlan", allowed: ["committee"], call: (f, w) => f.fund.connect(w).openPlan(f.voteId, 50_000n, doc("plan")), denied: notCommittee },
  { fn: "fund.proposeEmergency", allowed: ["committee"], call: (f, w) => f.fund.connect(w).proposeEmergency(f.estateId, 0n, 1n, doc("m")), denied: notCommittee },
  { fn: "fund.approveEmergency", allowed: ["committee"], call: (f, w) => f.fund.connect(w).approveEmergency(f.proposed), denied: notCommittee },
  { fn: "fund.confirmEmergency", allowed: ["custodian"], call: (f, w) => f.fund.connect(w).confirmEmergency(f.proposed), denied: missing("custodian", "fund") },
  { fn: "fund.discloseEmergency", allowed: ["committee"], call: (f, w) => f.fund.connect(w).discloseEmergency(f.open, doc("notice")), denied: notCommittee },
  { fn: "fund.setEmergencyPolicy", allowed: ["admin"], call: (f, w) => f.fund.connect(w).setEmergencyPolicy(f.estateId, 1n, 1n, 30n, 10n), denied: missing("admin", "fund") },
  {
    fn: "fund.disburse",
    allowed: ["custodian"],
    call: (f, w) => f.fund.connect(w).disburse(f.open, f.fresh.address, 1n, Stage.Start, doc("invoice")),
    denied: missing("custodian", "fund"),
  },
  {
    fn: "fund.closePlan",
    allowed: ["custodian", "committee"],
    call: (f, w) => f.fund.connect(w).closePlan(f.open, doc("report")),
    denied: (f, w) => [f.fund, "NotPlanCloser", [w.address, f.open]],
  },
  // ── TimeBank ──
  { fn: "bank.registerMember", allowed: ["staff"], call: (f, w) => f.bank.connect(w).registerMember(f.fresh.address), denied: missing("staff", "bank") },
  { fn: "bank.removeMember", allowed: ["staff"], call: (f, w) => f.bank.connect(w).removeMember(f.relative.address), denied: missing("staff", "bank") },
  {
    fn: "bank.linkFamily",
    allowed: ["staff"],
    call: (f, w) => f.bank.connect(w).linkFamily(f.volunteer.address, f.relative.address, Relation.Spouse),
    denied: missing("staff", "bank"),
  },
  {
    fn: "bank.unlinkFamily",
    allowed: ["staff"],
    call: (f, w) => f.bank.connect(w).unlinkFamily(f.actors.member.address, f.relative.address),
    denied: missing("staff", "bank"),
  },
  { fn: "bank.registerPartner", allowed: ["staff"], call: (f, w) => f.bank.connect(w).registerPartner(f.fresh.address, doc("p")), denied: missing("staff", "bank") },
  { fn: "bank.removePartner", allowed: ["staff"], call: (f, w) => f.bank.connect(w).removePartner(f.actors.partner.address), denied: missing("staff", "bank") },
  { fn: "bank.setDailyCap", allowed: ["admin"], call: (f, w) => f.bank.connect(w).setDailyCap(600n), denied: missing("admin", "bank") },
  {
    fn: "bank.recordService",
    allowed: ["member"],
    call: (f, w) => f.bank.connect(w).recordService(f.volunteer.address, 30n, Category.Companionship, f.now, doc("visit")),
    denied: notMember,
  },
  {
    fn: "bank.confirmService",
    allowed: ["member"],
    call: (f, w) => f.bank.connect(w).confirmService(f.pendingService),
    denied: (f, w) => [f.bank, "NotRecipient", [w.address, f.pendingService]],
  },
  {
    fn: "bank.rejectService",
    allowed: ["member"],
    call: (f, w) => f.bank.connect(w).rejectService(f.pendingService),
    denied: (f, w) => [f.bank, "NotRecipient", [w.address, f.pendingService]],
  },
  {
    fn: "bank.confirmServiceFor",
    allowed: ["staff"],
    call: (f, w) => f.bank.connect(w).confirmServiceFor(f.pendingService, f.memberAuth),
    denied: missing("staff", "bank"),
  },
  {
    fn: "bank.rejectServiceFor",
    allowed: ["staff"],
    call: (f, w) => f.bank.connect(w).rejectServiceFor(f.pendingService, f.memberAuth),
    denied: missing("staff", "bank"),
  },
  { fn: "bank.gift", allowed: ["member"], call: (f, w) => f.bank.connect(w).gift(f.relative.address, 10n), denied: notMember },
  {
    fn: "bank.redeem",
    allowed: ["member"],
    call: (f, w) => f.bank.connect(w).redeem(f.actors.partner.address, 10n, RedemptionKind.Goods, doc("soap")),
    denied: notMember,
  },
  {
    fn: "bank.redeemFor",
    allowed: ["staff"],
    call: (f, w) => f.bank.connect(w).redeemFor(f.actors.member.address, f.actors.partner.address, 10n, RedemptionKind.Service, doc("haircut"), f.memberAuth),
    denied: missing("staff", "bank"),
  },
  // ── TimeBank across communities ──
  { fn: "bank.recogniseCommunity", allowed: ["admin"], call: async (f, w) => f.bank.connect(w).recogniseCommunity(await f.fund.getAddress()), denied: missing("admin", "bank") },
  { fn: "bank.withdrawRecognition", allowed: ["admin"], call: (f, w) => f.bank.connect(w).withdrawRecognition(f.otherBank), denied: missing("admin", "bank") },
  {
    fn: "bank.redeemAt",
    allowed: ["member"],
    call: (f, w) => f.bank.connect(w).redeemAt(f.otherBank, f.actors.partner.address, 10n, RedemptionKind.Goods, doc("tea there")),
    denied: notMember,
  },
  {
    fn: "bank.redeemAtFor",
    allowed: ["staff"],
    call: (f, w) => f.bank.connect(w).redeemAtFor(f.actors.member.address, f.otherBank, f.actors.partner.address, 10n, RedemptionKind.Goods, doc("tea there"), f.memberAuth),
    denied: missing("staff", "bank"),
  },
  { fn: "bank.moveTo", allowed: ["member"], call: (f, w) => f.bank.connect(w).moveTo(f.otherBank), denied: notMember },
  {
    fn: "bank.moveMemberFor",
    allowed: ["staff"],
    call: (f, w) => f.bank.connect(w).moveMemberFor(f.actors.member.address, f.otherBank, f.memberAuth),
    denied: missing("staff", "bank"),
  },
  // Only a recognised community's time bank pushes credits in: no account may.
  {
    fn: "bank.acceptMember",
    allowed: [],
    call: (f, w) => f.bank.connect(w).acceptMember(w.address, 60n),
    denied: (f, w) => [f.bank, "CommunityNotRecognised", [w.address, f.bankAddress]],
  },
  {
    fn: "bank.acceptVisitorRedemption",
    allowed: [],
    call: (f, w) => f.bank.connect(w).acceptVisitorRedemption(w.address, f.actors.partner.address, 60n, RedemptionKind.Goods, doc("free tea")),
    denied: (f, w) => [f.bank, "CommunityNotRecognised", [w.address, f.bankAddress]],
  },
  // ── ProxyAuthorizations ──
  {
    fn: "proxies.record",
    allowed: ["staff"],
    call: async (f, w) => {
      const now = (await ethers.provider.getBlock("latest"))!.timestamp;
      return f.proxies.connect(w).record(f.fresh.address, Scope.Votes, 0n, now + 86_400, paper("matrix"));
    },
    denied: missing("staff", "proxies"),
  },
  {
    fn: "proxies.revoke",
    allowed: ["staff", "member"],
    call: (f, w) => f.proxies.connect(w).revoke(f.memberAuth),
    denied: (f, w) => [f.proxies, "NotRevoker", [w.address, f.memberAuth]],
  },
  // ── OwnersVote: the proxy ballot ──
  {
    fn: "ownersVote.castBallotOnBehalf",
    allowed: ["staff"],
    call: (f, w) => f.ownersVote.connect(w).castBallotOnBehalf(f.openVoteId, f.holder.address, Choice.For, f.holderAuth),
    denied: missing("staff", "ownersVote"),
  },
  {
    fn: "ownersVote.finalize",
    allowed: [...ACTORS],
    call: async (f, w) => {
      await networkHelpers.time.increaseTo(f.openVoteEnd);
      return f.ownersVote.connect(w).finalize(f.openVoteId);
    },
    denied: nobodyRefused,
  },
  // ── RecordAnchor ──
  { fn: "anchor.anchor", allowed: ["anchorer"], call: (f, w) => f.anchor.connect(w).anchor(doc("root"), 0n, 1n), denied: missing("anchorer", "anchor") },
];

describe("Access-control matrix (actor × state-changing function)", function () {
  it("covers every state-changing function of the registry, the vote, the fund, the time bank, the authorisations and the anchor", async function () {
    const f = await networkHelpers.loadFixture(matrixFixture);
    const mutating = (c: BaseContract, prefix: string) =>
      c.interface.fragments
        .filter((fr) => fr.type === "function")
        .map((fr) => fr as unknown as { name: string; stateMutability: string })
        .filter((fn) => fn.stateMutability !== "view" && fn.stateMutability !== "pure")
        .map((fn) => `${prefix}.${fn.name}`);
    const all = [
      ...mutating(f.registry, "registry"),
      ...mutating(f.ownersVote, "ownersVote"),
      ...mutating(f.fund, "fund"),
      ...mutating(f.bank, "bank"),
      ...mutating(f.proxies, "proxies"),
      ...mutating(f.anchor, "anchor"),
    ].sort();
    // A function may have several rows ("registry.grantRole (committee seat)"): one per kind of target.
    const covered = [...new Set(ROWS.map((r) => r.fn.split(" ")[0]))].sort();
    expect(covered).to.deep.equal(all);
  });

  for (const row of ROWS) {
    describe(row.fn, function () {
      for (const actor of ACTORS) {
        const allowed = row.allowed.includes(actor);
        it(`${allowed ? "allows" : "refuses"} ${actor}`, async function () {
          const f = await networkHelpers.loadFixture(matrixFixture);
          const who = f.actors[actor];
          if (allowed) {
            await expect(row.call(f, who)).not.to.be.revert(ethers);
          } else {
            const [contract, error, args] = row.denied(f, who);
            await expect(row.call(f, who))
              .to.be.revertedWithCustomError(contract, error)
              .withArgs(...args);
          }
        });
      }
    });
  }
});
