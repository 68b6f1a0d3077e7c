// Time-bank credits across communities (通存通兑): recognition, spending at another community's partner, moving
// with one's balance, and every refusal, with the clearing balances and each community's books after each step.
import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress, ZeroHash } from "ethers";
import type { TimeBank } from "../../types/ethers-contracts/index.js";
import { authorize, Scope } from "../helpers/proxies.js";
import { doc } from "../helpers/fund.js";
import { Category, deployCommunity, RedemptionKind, Relation } from "../helpers/timebank.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function communitiesFixture() {
  const [adminA, adminB, adminC, staffA, staffB, staffC, volunteer, elder, son, cafe, outsider] = await ethers.getSigners();
  const a = await deployCommunity(connection, adminA, staffA);
  const b = await deployCommunity(connection, adminB, staffB);
  const c = await deployCommunity(connection, adminC, staffC);
  const [bankA, bankB, bankC] = [a.bank, b.bank, c.bank];
  // A and B recognise each other; C recognises B, but B does not recognise C.
  await bankA.connect(adminA).recogniseCommunity(await bankB.getAddress());
  await bankB.connect(adminB).recogniseCommunity(await bankA.getAddress());
  await bankC.connect(adminC).recogniseCommunity(await bankB.getAddress());
  for (const m of [volunteer, elder]) await bankA.connect(staffA).registerMember(m.address);
  await bankC.connect(staffC).registerMember(volunteer.address);
  await bankB.connect(staffB).registerMember(son.address);
  await bankB.connect(staffB).registerPartner(cafe.address, doc("café on Hexi St"));
  // The volunteer earns 120 minutes in A (served the elder) and 60 in C.
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  await bankA.connect(volunteer).recordService(elder.address, 120n, Category.Companionship, now, doc("visit"));
  await bankA.connect(elder).confirmService(1n);
  await bankC.connect(staffC).registerMember(elder.address);
  await bankC.connect(volunteer).recordService(elder.address, 60n, Category.Cleaning, now, doc("clean"));
  await bankC.connect(elder).confirmService(1n);
  return { a, b, c, bankA, bankB, bankC, adminA, adminB, adminC, staffA, staffB, staffC, volunteer, elder, son, cafe, outsider };
}

/** issued + clearing = held + spent for every bank (held summed from the accounts' balances), Σ clearing = 0. */
async function expectBooks(banks: TimeBank[], accounts: string[]): Promise<void> {
  let issued = 0n;
  let heldAndSpent = 0n;
  let clearing = 0n;
  for (const bank of banks) {
    const l = await bank.ledger();
    let held = 0n;
    for (const account of accounts) held += await bank.balanceOf(account);
    expect(l.held).to.equal(held);
    expect(l.issued + l.clearing).to.equal(l.held + l.spent);
    let pairwise = 0n;
    for (const other of banks) if (other !== bank) pairwise += await bank.clearingWith(await other.getAddress());
    expect(pairwise).to.equal(l.clearing);
    issued += l.issued;
    heldAndSpent += l.held + l.spent;
    clearing += l.clearing;
  }
  expect(clearing).to.equal(0n);
  expect(issued).to.equal(heldAndSpent);
}

describe("TimeBank across communities", function () {
  it("records recognition by the registry admin, and refuses a second, itself, a non-contract and zero", async function () {
    const f = await networkHelpers.loadFixture(communitiesFixture);
    const addrC = await f.bankC.getAddress();
    await expect(f.bankA.connect(f.adminA).recogniseCommunity(addrC)).to.emit(f.bankA, "CommunityRecognised").withArgs(addrC, f.adminA.address);
    expect(await f.bankA.isRecognised(addrC)).to.equal(true);
    await expect(f.bankA.connect(f.adminA).recogniseCommunity(addrC)).to.be.revertedWithCustomError(f.bankA, "AlreadyRecognised").withArgs(addrC);
    const self = await f.bankA.getAddress();
    await expect(f.bankA.connect(f.adminA).recogniseCommunity(self)).to.be.revertedWithCustomError(f.bankA, "SelfCommunity").withArgs(self);
    await expect(f.bankA.connect(f.adminA).recogniseCommunity(f.outsider.address))
      .to.be.revertedWithCustomError(f.bankA, "NotACommunity")
      .withArgs(f.outsider.address);
    await expect(f.bankA.connect(f.adminA).recogniseCommunity(ZeroAddress)).to.be.revertedWithCustomError(f.bankA, "ZeroAddress");
    // Staff of the community cannot recognise: it is the admin's decision.
    await expect(f.bankA.connect(f.staffA).recogniseCommunity(addrC)).to.be.revertedWithCustomError(f.bankA, "MissingRole");
    await expect(f.bankA.connect(f.adminA).withdrawRecognition(addrC)).to.emit(f.bankA, "CommunityRecognitionWithdrawn").withArgs(addrC, f.adminA.address);
    await expect(f.bankA.connect(f.adminA).withdrawRecognition(addrC))
      .to.be.revertedWithCustomError(f.bankA, "CommunityNotRecognised")
      .withArgs(addrC, self);
  });

  it("spends a member's credits at a partner of a recognised community, burnt here and spent there", async function () {
    const f = await networkHelpers.loadFixture(communitiesFixture);
    const [addrA, addrB] = [await f.bankA.getAddress(), await f.bankB.getAddress()];
    const note = doc("two coffees");
    const tx = f.bankA.connect(f.volunteer).redeemAt(addrB, f.cafe.address, 45n, RedemptionKind.Goods, note);
    await expect(tx)
      .to.emit(f.bankA, "CreditsRedeemedElsewhere")
      .withArgs(f.volunteer.address, addrB, f.cafe.address, 45n, RedemptionKind.Goods, note, f.volunteer.address, 0n);
    await expect(tx).to.emit(f.bankB, "VisitorCreditsRedeemed").withArgs(f.volunteer.address, addrA, f.cafe.address, 45n, RedemptionKind.Goods, note);
    expect(await f.bankA.balanceOf(f.volunteer.address)).to.equal(75n);
    expect(await f.bankA.clearingWith(addrB)).to.equal(-45n);
    expect(await f.bankB.clearingWith(addrA)).to.equal(45n);
    const [la, lb] = [await f.bankA.ledger(), await f.bankB.ledger()];
    expect([la.issued, la.held, la.spent, la.clearing]).to.deep.equal([120n, 75n, 0n, -45n]);
    expect([lb.issued, lb.held, lb.spent, lb.clearing]).to.deep.equal([0n, 0n, 45n, 45n]);
    await expectBooks([f.bankA, f.bankB, f.bankC], [f.volunteer.address, f.elder.address, f.son.address]);

    // Staff spend for the volunteer under the volunteer's authorisation, and not for anyone else under it.
    const auth = await authorize(f.a.proxies, f.staffA, f.volunteer.address, Scope.Redemptions);
    await expect(f.bankA.connect(f.staffA).redeemAtFor(f.volunteer.address, addrB, f.cafe.address, 15n, RedemptionKind.Service, note, auth))
      .to.emit(f.bankA, "CreditsRedeemedElsewhere")
      .withArgs(f.volunteer.address, addrB, f.cafe.address, 15n, RedemptionKind.Service, note, f.staffA.address, auth);
    await expect(f.bankA.connect(f.staffA).redeemAtFor(f.elder.address, addrB, f.cafe.address, 15n, RedemptionKind.Service, note, auth))
      .to.be.revertedWithCustomError(f.a.proxies, "WrongResident")
      .withArgs(auth, f.volunteer.address, f.elder.address);
    // Staff only, whoever is named: the role is checked before anything about the member.
    await expect(f.bankA.connect(f.volunteer).redeemAtFor(f.outsider.address, addrB, f.cafe.address, 15n, RedemptionKind.Service, note, auth))
      .to.be.revertedWithCustomError(f.bankA, "MissingRole")
      .withArgs(f.volunteer.address, await f.a.registry.STAFF_ROLE());
    expect(await f.bankA.balanceOf(f.volunteer.address)).to.equal(60n);
  });

  it("refuses a spend elsewhere: unrecognised either way, not a member, insufficient credit, unknown partner, nothing", async function () {
    const f = await networkHelpers.loadFixture(communitiesFixture);
    const [addrA, addrB, addrC] = [await f.bankA.getAddress(), await f.bankB.getAddress(), await f.bankC.getAddress()];
    const note = doc("soap");
    // A does not recognise C.
    await expect(f.bankA.connect(f.volunteer).redeemAt(addrC, f.cafe.address, 10n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bankA, "CommunityNotRecognised")
      .withArgs(addrC, addrA);
    // C recognises B, but B does not recognise C: C cannot push credits into B.
    await expect(f.bankC.connect(f.volunteer).redeemAt(addrB, f.cafe.address, 10n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bankB, "CommunityNotRecognised")
      .withArgs(addrC, addrB);
    // Once B withdraws its recognition of A, A's members cannot spend there either.
    await f.bankB.connect(f.adminB).withdrawRecognition(addrA);
    await expect(f.bankA.connect(f.volunteer).redeemAt(addrB, f.cafe.address, 10n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bankB, "CommunityNotRecognised")
      .withArgs(addrA, addrB);
    await f.bankB.connect(f.adminB).recogniseCommunity(addrA);
    await expect(f.bankA.connect(f.son).redeemAt(addrB, f.cafe.address, 10n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bankA, "NotMember")
      .withArgs(f.son.address);
    await expect(f.bankA.connect(f.volunteer).redeemAt(addrB, f.cafe.address, 121n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bankA, "InsufficientCredit")
      .withArgs(f.volunteer.address, 120n, 121n);
    await expect(f.bankA.connect(f.volunteer).redeemAt(addrB, f.outsider.address, 10n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bankB, "NotPartner")
      .withArgs(f.outsider.address);
    await expect(f.bankA.connect(f.volunteer).redeemAt(addrB, f.cafe.address, 0n, RedemptionKind.Goods, note)).to.be.revertedWithCustomError(f.bankA, "ZeroMinutes");
    await expect(f.bankA.connect(f.volunteer).redeemAt(addrA, f.cafe.address, 10n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bankA, "SelfCommunity")
      .withArgs(addrA);
    // The partner's side checks its own rules: a member may not spend at themself as a partner there, nor at a
    // partner who is (now) that community's staff; either refusal undoes the burn here.
    await f.bankB.connect(f.staffB).registerPartner(f.volunteer.address, doc("the volunteer's own stall in B"));
    await expect(f.bankA.connect(f.volunteer).redeemAt(addrB, f.volunteer.address, 10n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bankB, "SelfRedemption")
      .withArgs(f.volunteer.address);
    await f.b.registry.connect(f.adminB).grantRole(await f.b.registry.STAFF_ROLE(), f.cafe.address);
    await expect(f.bankA.connect(f.volunteer).redeemAt(addrB, f.cafe.address, 10n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bankB, "StaffCannotBePartner")
      .withArgs(f.cafe.address);
    await f.b.registry.connect(f.adminB).revokeRole(await f.b.registry.STAFF_ROLE(), f.cafe.address);
    // A recognised community that is not one of our time banks may push what a TimeBank refuses before calling:
    // the receiving bank refuses it itself.
    const foreign = await ethers.deployContract("ForeignCommunity");
    const foreignAddr = await foreign.getAddress();
    await f.bankB.connect(f.adminB).recogniseCommunity(foreignAddr);
    await expect(foreign.pushRedemption(addrB, f.volunteer.address, f.cafe.address, 0n, note)).to.be.revertedWithCustomError(f.bankB, "ZeroMinutes");
    await expect(foreign.pushMember(addrB, ZeroAddress, 10n)).to.be.revertedWithCustomError(f.bankB, "ZeroAddress");
    expect(await f.bankB.clearingWith(foreignAddr)).to.equal(0n);
    // The spending side checks its own part before it calls the other: nothing, or no record, is refused here
    // (a recognised community that is not one of our banks would not refuse them).
    await f.bankA.connect(f.adminA).recogniseCommunity(foreignAddr);
    await expect(f.bankA.connect(f.volunteer).redeemAt(foreignAddr, f.cafe.address, 0n, RedemptionKind.Goods, note)).to.be.revertedWithCustomError(f.bankA, "ZeroMinutes");
    await expect(f.bankA.connect(f.volunteer).redeemAt(addrB, f.cafe.address, 10n, RedemptionKind.Goods, ZeroHash)).to.be.revertedWithCustomError(f.bankA, "ZeroHash");
    // Nobody but a recognised time bank may push: not an account, not an unrecognised bank.
    await expect(f.bankB.connect(f.outsider).acceptMember(f.outsider.address, 1_000n))
      .to.be.revertedWithCustomError(f.bankB, "CommunityNotRecognised")
      .withArgs(f.outsider.address, addrB);
    await expect(f.bankB.connect(f.outsider).acceptVisitorRedemption(f.outsider.address, f.cafe.address, 1_000n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bankB, "CommunityNotRecognised")
      .withArgs(f.outsider.address, addrB);
    // Nothing changed anywhere.
    expect(await f.bankA.balanceOf(f.volunteer.address)).to.equal(120n);
    expect(await f.bankB.clearingWith(addrA)).to.equal(0n);
    await expectBooks([f.bankA, f.bankB, f.bankC], [f.volunteer.address, f.elder.address, f.son.address, f.outsider.address]);
    // The whole balance may be spent there.
    await expect(f.bankA.connect(f.volunteer).redeemAt(addrB, f.cafe.address, 120n, RedemptionKind.Goods, note)).to.emit(f.bankB, "VisitorCreditsRedeemed");
    expect(await f.bankA.balanceOf(f.volunteer.address)).to.equal(0n);
  });

  it("moves a member with their balance, refuses a second move, and lets them come back", async function () {
    const f = await networkHelpers.loadFixture(communitiesFixture);
    const [addrA, addrB, addrC] = [await f.bankA.getAddress(), await f.bankB.getAddress(), await f.bankC.getAddress()];
    const tx = f.bankA.connect(f.volunteer).moveTo(addrB);
    await expect(tx).to.emit(f.bankA, "MemberMovedOut").withArgs(f.volunteer.address, addrB, 120n, f.volunteer.address, 0n);
    await expect(tx).to.emit(f.bankB, "MemberMovedIn").withArgs(f.volunteer.address, addrA, 120n);
    expect((await f.bankA.memberOf(f.volunteer.address)).registered).to.equal(false);
    expect(await f.bankA.balanceOf(f.volunteer.address)).to.equal(0n);
    expect(await f.bankA.movedTo(f.volunteer.address)).to.equal(addrB);
    const inB = await f.bankB.memberOf(f.volunteer.address);
    expect([inB.registered, inB.balance]).to.deep.equal([true, 120n]);
    expect((await f.bankB.movesOf(f.volunteer.address)).movedIn).to.equal(120n);
    expect((await f.bankA.movesOf(f.volunteer.address)).movedOut).to.equal(120n);
    expect((await f.bankB.totals()).members).to.equal(2n);
    await expectBooks([f.bankA, f.bankB, f.bankC], [f.volunteer.address, f.elder.address, f.son.address]);

    // Moving twice from A is refused with where they went.
    await expect(f.bankA.connect(f.volunteer).moveTo(addrB)).to.be.revertedWithCustomError(f.bankA, "AlreadyMoved").withArgs(f.volunteer.address, addrB);
    // In B they spend at the café as a local member, then go back to A with what is left.
    await f.bankB.connect(f.volunteer).redeem(f.cafe.address, 20n, RedemptionKind.Goods, doc("tea"));
    await expect(f.bankB.connect(f.volunteer).moveTo(addrA)).to.emit(f.bankA, "MemberMovedIn").withArgs(f.volunteer.address, addrB, 100n);
    expect(await f.bankA.movedTo(f.volunteer.address)).to.equal(ZeroAddress);
    expect(await f.bankA.balanceOf(f.volunteer.address)).to.equal(100n);
    expect(await f.bankA.clearingWith(addrB)).to.equal(-20n);
    await expectBooks([f.bankA, f.bankB, f.bankC], [f.volunteer.address, f.elder.address, f.son.address]);

    // C → B: B does not recognise C. A → C: A does not recognise C.
    await expect(f.bankC.connect(f.volunteer).moveTo(addrB)).to.be.revertedWithCustomError(f.bankB, "CommunityNotRecognised").withArgs(addrC, addrB);
    await expect(f.bankA.connect(f.volunteer).moveTo(addrC)).to.be.revertedWithCustomError(f.bankA, "CommunityNotRecognised").withArgs(addrC, addrA);
    await expect(f.bankA.connect(f.son).moveTo(addrB)).to.be.revertedWithCustomError(f.bankA, "NotMember").withArgs(f.son.address);
  });

  it("lets staff move a member under the member's authorisation, recorded as a proxy move; gifts stay within a community's family links", async function () {
    const f = await networkHelpers.loadFixture(communitiesFixture);
    const addrB = await f.bankB.getAddress();
    const services = await authorize(f.a.proxies, f.staffA, f.volunteer.address, Scope.Services);
    await expect(f.bankA.connect(f.staffA).moveMemberFor(f.volunteer.address, addrB, services))
      .to.be.revertedWithCustomError(f.a.proxies, "ScopeNotAuthorized")
      .withArgs(services, Scope.Redemptions, Scope.Services);
    const auth = await authorize(f.a.proxies, f.staffA, f.volunteer.address, Scope.Redemptions);
    await expect(f.bankA.connect(f.staffA).moveMemberFor(f.volunteer.address, addrB, auth))
      .to.emit(f.bankA, "MemberMovedOut")
      .withArgs(f.volunteer.address, addrB, 120n, f.staffA.address, auth);
    await expect(f.bankA.connect(f.staffA).moveMemberFor(f.volunteer.address, addrB, auth))
      .to.be.revertedWithCustomError(f.bankA, "AlreadyMoved")
      .withArgs(f.volunteer.address, addrB);
    // In B the volunteer is not yet linked to their son: a gift needs B's staff to register the link.
    await expect(f.bankB.connect(f.volunteer).gift(f.son.address, 30n)).to.be.revertedWithCustomError(f.bankB, "NotFamily").withArgs(f.volunteer.address, f.son.address);
    await f.bankB.connect(f.staffB).linkFamily(f.volunteer.address, f.son.address, Relation.Child);
    await expect(f.bankB.connect(f.volunteer).gift(f.son.address, 30n)).to.emit(f.bankB, "CreditsGifted").withArgs(f.volunteer.address, f.son.address, 30n, Relation.Child);
    // In A they can no longer give anything.
    await expect(f.bankA.connect(f.volunteer).gift(f.elder.address, 1n)).to.be.revertedWithCustomError(f.bankA, "NotMember").withArgs(f.volunteer.address);
    await expectBooks([f.bankA, f.bankB, f.bankC], [f.volunteer.address, f.elder.address, f.son.address]);
  });
});
