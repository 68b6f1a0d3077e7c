import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress, ZeroHash } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { TimeBank } from "../../types/ethers-contracts/index.js";
import { deployRegistry } from "../helpers/estate.js";
import { authorize, deployProxies, Scope } from "../helpers/proxies.js";
import { doc } from "../helpers/fund.js";
import { Category, Relation, RedemptionKind, ServiceStatus } from "../helpers/timebank.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const DAY = 86_400n;

async function timeBankFixture() {
  const { registry, admin, signers } = await deployRegistry(connection);
  const [, staff, staff2, volunteer, elder, daughter, neighbour, partner, outsider] = signers;
  await registry.grantRole(await registry.STAFF_ROLE(), staff.address);
  await registry.grantRole(await registry.STAFF_ROLE(), staff2.address);
  const proxies = await deployProxies(connection, registry);
  const bank = await ethers.deployContract("TimeBank", [await registry.getAddress(), await proxies.getAddress()]);
  for (const m of [volunteer, elder, daughter, neighbour]) await bank.connect(staff).registerMember(m.address);
  await bank.connect(staff).registerPartner(partner.address, doc("canteen on Zhongshan Rd"));
  // Volunteer and daughter are family: the daughter is the volunteer's child.
  await bank.connect(staff).linkFamily(volunteer.address, daughter.address, Relation.Child);
  // Every test starts at noon UTC, so that "earlier today" service times are in the past and on the same day.
  const now = BigInt(await time.latest());
  await time.increaseTo(now - (now % DAY) + DAY + 12n * 3_600n);
  const staffRole = await registry.STAFF_ROLE();
  const adminRole = await registry.DEFAULT_ADMIN_ROLE();
  return { registry, proxies, bank, admin, staff, staff2, volunteer, elder, daughter, neighbour, partner, outsider, staffRole, adminRole };
}

/** Start of the current UTC day plus `hours`, as a service time in the past. */
async function earlierToday(hours: bigint): Promise<bigint> {
  const now = BigInt(await time.latest());
  return now - (now % DAY) + hours * 3_600n;
}

async function record(
  bank: TimeBank,
  volunteer: HardhatEthersSigner,
  recipient: string,
  minutes: bigint,
  servedAt: bigint,
  note = "meal delivered",
): Promise<bigint> {
  const receipt = (await (await bank.connect(volunteer).recordService(recipient, minutes, Category.MealDelivery, servedAt, doc(note))).wait())!;
  const log = receipt.logs.map((l) => bank.interface.parseLog(l)).find((l) => l?.name === "ServiceRecorded");
  return log!.args.serviceId as bigint;
}

/** Σ balances over `accounts` equals credited − redeemed, and every balance matches its member's totals. */
async function expectConservation(bank: TimeBank, accounts: string[]): Promise<void> {
  let sum = 0n;
  for (const a of accounts) {
    const m = await bank.memberOf(a);
    expect(m.balance).to.equal(m.earned + m.giftsReceived - m.giftsGiven - m.redeemed);
    sum += m.balance;
  }
  const t = await bank.totals();
  expect(sum).to.equal(t.credited - t.redeemed);
}

describe("TimeBank", function () {
  it("credits a service only when the recipient confirms it", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    const servedAt = await earlierToday(9n);
    const note = doc("meal delivered");
    await expect(f.bank.connect(f.volunteer).recordService(f.elder.address, 90n, Category.MealDelivery, servedAt, note))
      .to.emit(f.bank, "ServiceRecorded")
      .withArgs(1n, f.volunteer.address, f.elder.address, 90n, Category.MealDelivery, servedAt, note);
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(0n);
    const s = await f.bank.service(1n);
    expect([s.volunteer, s.recipient, s.minutes_, s.status, s.servedAt, s.noteHash]).to.deep.equal([
      f.volunteer.address,
      f.elder.address,
      90n,
      ServiceStatus.Pending,
      servedAt,
      note,
    ]);
    await expect(f.bank.connect(f.elder).confirmService(1n))
      .to.emit(f.bank, "ServiceConfirmed")
      .withArgs(1n, f.volunteer.address, f.elder.address, 90n, false, 0n);
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(90n);
    expect((await f.bank.service(1n)).status).to.equal(ServiceStatus.Confirmed);
    expect(await f.bank.creditedOnDay(f.volunteer.address, servedAt / DAY)).to.equal(90n);
    await expect(f.bank.connect(f.elder).confirmService(1n))
      .to.be.revertedWithCustomError(f.bank, "ServiceNotPending")
      .withArgs(1n, ServiceStatus.Confirmed);
    await expectConservation(f.bank, [f.volunteer.address, f.elder.address]);
  });

  it("lets staff confirm or reject for the recipient under the recipient's authorisation, recorded as a proxy decision", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    const at = await earlierToday(8n);
    const a = await record(f.bank, f.volunteer, f.elder.address, 60n, at);
    const b = await record(f.bank, f.volunteer, f.elder.address, 30n, at, "second");
    const auth = await authorize(f.proxies, f.staff, f.elder.address, Scope.Services);
    await expect(f.bank.connect(f.staff).confirmServiceFor(a, auth))
      .to.emit(f.bank, "ServiceConfirmed")
      .withArgs(a, f.volunteer.address, f.staff.address, 60n, true, auth);
    expect((await f.bank.service(a)).byProxy).to.equal(true);
    // Any staff member may use the recorded authorisation.
    await expect(f.bank.connect(f.staff2).rejectServiceFor(b, auth)).to.emit(f.bank, "ServiceRejected").withArgs(b, f.staff2.address, true, auth);
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(60n);
  });

  it("refuses staff decisions without the recipient's authorisation, naming why", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    const at = await earlierToday(8n);
    const id = await record(f.bank, f.volunteer, f.elder.address, 60n, at);
    // Without an authorisation, staff are no longer the recipient.
    await expect(f.bank.connect(f.staff).confirmService(id)).to.be.revertedWithCustomError(f.bank, "NotRecipient").withArgs(f.staff.address, id);
    await expect(f.bank.connect(f.staff).rejectService(id)).to.be.revertedWithCustomError(f.bank, "NotRecipient").withArgs(f.staff.address, id);
    await expect(f.bank.connect(f.staff).confirmServiceFor(id, 5n)).to.be.revertedWithCustomError(f.proxies, "UnknownAuthorization").withArgs(5n);
    const neighbours = await authorize(f.proxies, f.staff, f.neighbour.address, Scope.Services);
    await expect(f.bank.connect(f.staff).confirmServiceFor(id, neighbours))
      .to.be.revertedWithCustomError(f.proxies, "WrongResident")
      .withArgs(neighbours, f.neighbour.address, f.elder.address);
    const redemptionsOnly = await authorize(f.proxies, f.staff, f.elder.address, Scope.Redemptions | Scope.Votes);
    await expect(f.bank.connect(f.staff).rejectServiceFor(id, redemptionsOnly))
      .to.be.revertedWithCustomError(f.proxies, "ScopeNotAuthorized")
      .withArgs(redemptionsOnly, Scope.Services, Scope.Redemptions | Scope.Votes);
    const revoked = await authorize(f.proxies, f.staff, f.elder.address, Scope.Services);
    await f.proxies.connect(f.elder).revoke(revoked);
    await expect(f.bank.connect(f.staff).confirmServiceFor(id, revoked)).to.be.revertedWithCustomError(f.proxies, "RevokedAuthorization").withArgs(revoked);
    const valid = await authorize(f.proxies, f.staff, f.elder.address, Scope.Services);
    await expect(f.bank.connect(f.elder).confirmServiceFor(id, valid)).to.be.revertedWithCustomError(f.bank, "MissingRole").withArgs(f.elder.address, f.staffRole);
    // The staff-only entries are staff's even with no authorisation named (0: where the recipient decides themself).
    await expect(f.bank.connect(f.elder).confirmServiceFor(id, 0n)).to.be.revertedWithCustomError(f.bank, "MissingRole").withArgs(f.elder.address, f.staffRole);
    await expect(f.bank.connect(f.elder).rejectServiceFor(id, 0n)).to.be.revertedWithCustomError(f.bank, "MissingRole").withArgs(f.elder.address, f.staffRole);
    expect((await f.bank.service(id)).status).to.equal(ServiceStatus.Pending);
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(0n);
  });

  it("lets the recipient reject: nothing is credited", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    const id = await record(f.bank, f.volunteer, f.elder.address, 60n, await earlierToday(8n));
    await expect(f.bank.connect(f.elder).rejectService(id)).to.emit(f.bank, "ServiceRejected").withArgs(id, f.elder.address, false, 0n);
    expect((await f.bank.service(id)).status).to.equal(ServiceStatus.Rejected);
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(0n);
    await expect(f.bank.connect(f.elder).confirmService(id))
      .to.be.revertedWithCustomError(f.bank, "ServiceNotPending")
      .withArgs(id, ServiceStatus.Rejected);
  });

  it("never lets anyone credit themselves", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    const at = await earlierToday(8n);
    await expect(f.bank.connect(f.volunteer).recordService(f.volunteer.address, 60n, Category.Cleaning, at, doc("n")))
      .to.be.revertedWithCustomError(f.bank, "SelfService")
      .withArgs(f.volunteer.address);
    const id = await record(f.bank, f.volunteer, f.elder.address, 60n, at);
    await expect(f.bank.connect(f.volunteer).confirmService(id))
      .to.be.revertedWithCustomError(f.bank, "SelfCredit")
      .withArgs(f.volunteer.address, id);
    // A staff member who volunteers cannot confirm their own service as proxy either, even authorised.
    await f.bank.connect(f.staff).registerMember(f.staff.address);
    const own = await record(f.bank, f.staff, f.elder.address, 60n, at);
    const auth = await authorize(f.proxies, f.staff2, f.elder.address, Scope.Services);
    await expect(f.bank.connect(f.staff).confirmServiceFor(own, auth))
      .to.be.revertedWithCustomError(f.bank, "SelfCredit")
      .withArgs(f.staff.address, own);
    await expect(f.bank.connect(f.staff).rejectServiceFor(own, auth))
      .to.be.revertedWithCustomError(f.bank, "SelfCredit")
      .withArgs(f.staff.address, own);
    await expect(f.bank.connect(f.neighbour).confirmService(id))
      .to.be.revertedWithCustomError(f.bank, "NotRecipient")
      .withArgs(f.neighbour.address, id);
    await expect(f.bank.connect(f.neighbour).rejectService(id))
      .to.be.revertedWithCustomError(f.bank, "NotRecipient")
      .withArgs(f.neighbour.address, id);
  });

  it("caps each volunteer's minutes per UTC day of the service, when recorded and again when confirmed", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    expect(await f.bank.dailyCap()).to.equal(720n);
    const today = await earlierToday(1n);
    const day = today / DAY;
    const yesterday = today - DAY + 22n * 3_600n; // 23:00 the day before
    const a = await record(f.bank, f.volunteer, f.elder.address, 600n, today);
    // A pending service already counts: 600 + 121 is refused when it is recorded.
    await expect(f.bank.connect(f.volunteer).recordService(f.neighbour.address, 121n, Category.MealDelivery, await earlierToday(11n), doc("b")))
      .to.be.revertedWithCustomError(f.bank, "DailyCapExceeded")
      .withArgs(f.volunteer.address, day, 600n, 121n, 720n);
    const c = await record(f.bank, f.volunteer, f.neighbour.address, 120n, await earlierToday(11n), "c");
    const d = await record(f.bank, f.volunteer, f.neighbour.address, 720n, yesterday, "d");
    expect(await f.bank.claimedOnDay(f.volunteer.address, day)).to.equal(720n);
    await f.bank.connect(f.elder).confirmService(a);
    await f.bank.connect(f.neighbour).confirmService(c); // exactly 720
    await f.bank.connect(f.neighbour).confirmService(d); // another UTC day
    expect(await f.bank.creditedOnDay(f.volunteer.address, day)).to.equal(720n);
    expect(await f.bank.creditedOnDay(f.volunteer.address, day - 1n)).to.equal(720n);
    // A rejected service frees its minutes for another record of that day.
    const wrong = await record(f.bank, f.neighbour, f.elder.address, 700n, yesterday, "typed 700 for 70");
    await f.bank.connect(f.elder).rejectService(wrong);
    expect(await f.bank.claimedOnDay(f.neighbour.address, day - 1n)).to.equal(0n);
    await f.bank.connect(f.elder).confirmService(await record(f.bank, f.neighbour, f.elder.address, 70n, yesterday, "70"));
    // The cap is checked again at confirmation: lowered after a record, it still binds.
    const late = await record(f.bank, f.daughter, f.elder.address, 600n, today, "before the cap changed");
    await f.bank.setDailyCap(300n);
    await expect(f.bank.connect(f.elder).confirmService(late))
      .to.be.revertedWithCustomError(f.bank, "DailyCapExceeded")
      .withArgs(f.daughter.address, day, 0n, 600n, 300n);
    await f.bank.setDailyCap(720n);
    // The cap is per volunteer: another volunteer serves the same day.
    const other = await record(f.bank, f.neighbour, f.elder.address, 720n, today, "other");
    await f.bank.connect(f.elder).confirmService(other);
    // The admin can lower or raise the cap, within a day.
    await expect(f.bank.setDailyCap(840n)).to.emit(f.bank, "DailyCapSet").withArgs(840n);
    const e = await record(f.bank, f.volunteer, f.elder.address, 120n, today, "e");
    await f.bank.connect(f.elder).confirmService(e);
    await expect(f.bank.setDailyCap(0n)).to.be.revertedWithCustomError(f.bank, "InvalidDailyCap").withArgs(0n, 1_440n);
    await expect(f.bank.setDailyCap(1_441n)).to.be.revertedWithCustomError(f.bank, "InvalidDailyCap").withArgs(1_441n, 1_440n);
    await expect(f.bank.connect(f.staff).setDailyCap(60n))
      .to.be.revertedWithCustomError(f.bank, "MissingRole")
      .withArgs(f.staff.address, f.adminRole);
  });

  it("refuses back-dated services beyond a week, so that past days cannot be filled up at once", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    const now = BigInt(await time.latest());
    const week = await f.bank.MAX_SERVICE_AGE();
    expect(week).to.equal(7n * DAY);
    // The old bypass: a full day's cap on each of the past 30 days, all recorded today.
    let recorded = 0n;
    for (let daysBack = 1n; daysBack <= 30n; daysBack++) {
      const servedAt = now - daysBack * DAY;
      const tx = f.bank.connect(f.volunteer).recordService(f.elder.address, 720n, Category.Companionship, servedAt, doc(`day ${daysBack}`));
      if (servedAt < now + 1n - week) {
        await expect(tx).to.be.revertedWithCustomError(f.bank, "ServiceTooOld");
      } else {
        await tx;
        recorded += 720n;
      }
    }
    expect(recorded).to.equal(6n * 720n, "only the days of the past week");
    // Exactly at the limit is accepted, one second more is refused with both times.
    const at = BigInt(await time.latest()) + 10n;
    await time.setNextBlockTimestamp(at);
    await f.bank.connect(f.daughter).recordService(f.elder.address, 30n, Category.Cleaning, at - week, doc("at the limit"));
    await time.setNextBlockTimestamp(at + 1n);
    await expect(f.bank.connect(f.daughter).recordService(f.elder.address, 30n, Category.Cleaning, at - week, doc("a second late")))
      .to.be.revertedWithCustomError(f.bank, "ServiceTooOld")
      .withArgs(at - week, at + 1n - week);
  });

  it("rejects bad service records with their values", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    const now = BigInt(await time.latest());
    const rec = (who: HardhatEthersSigner, to: string, minutes: bigint, at: bigint, note = doc("n")) =>
      f.bank.connect(who).recordService(to, minutes, Category.Tutoring, at, note);
    await expect(rec(f.outsider, f.elder.address, 60n, now)).to.be.revertedWithCustomError(f.bank, "NotMember").withArgs(f.outsider.address);
    await expect(rec(f.volunteer, f.outsider.address, 60n, now)).to.be.revertedWithCustomError(f.bank, "NotMember").withArgs(f.outsider.address);
    await expect(rec(f.volunteer, f.elder.address, 0n, now)).to.be.revertedWithCustomError(f.bank, "InvalidMinutes").withArgs(0n, 1_440n);
    await expect(rec(f.volunteer, f.elder.address, 1_441n, now)).to.be.revertedWithCustomError(f.bank, "InvalidMinutes").withArgs(1_441n, 1_440n);
    await time.setNextBlockTimestamp(now + 10n);
    await expect(rec(f.volunteer, f.elder.address, 60n, now + 3_600n))
      .to.be.revertedWithCustomError(f.bank, "FutureService")
      .withArgs(now + 3_600n, now + 10n);
    await expect(rec(f.volunteer, f.elder.address, 60n, now, ZeroHash)).to.be.revertedWithCustomError(f.bank, "ZeroHash");
    // The limits themselves are allowed: a whole day's minutes (under a whole day's cap), given this very second.
    await f.bank.setDailyCap(1_440n);
    await time.setNextBlockTimestamp(now + 20n);
    await expect(rec(f.volunteer, f.elder.address, 1_440n, now + 20n)).to.emit(f.bank, "ServiceRecorded");
    await expect(f.bank.connect(f.elder).confirmService(9n)).to.be.revertedWithCustomError(f.bank, "UnknownService").withArgs(9n);
    await expect(f.bank.service(9n)).to.be.revertedWithCustomError(f.bank, "UnknownService").withArgs(9n);
  });

  it("allows gifts only to family registered by staff, never beyond the balance", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    expect(await f.bank.relationOf(f.volunteer.address, f.daughter.address)).to.equal(Relation.Child);
    expect(await f.bank.relationOf(f.daughter.address, f.volunteer.address)).to.equal(Relation.Parent);
    const id = await record(f.bank, f.volunteer, f.elder.address, 300n, await earlierToday(2n));
    await f.bank.connect(f.elder).confirmService(id);
    await expect(f.bank.connect(f.volunteer).gift(f.daughter.address, 120n))
      .to.emit(f.bank, "CreditsGifted")
      .withArgs(f.volunteer.address, f.daughter.address, 120n, Relation.Child);
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(180n);
    expect(await f.bank.balanceOf(f.daughter.address)).to.equal(120n);
    await expect(f.bank.connect(f.volunteer).gift(f.daughter.address, 181n))
      .to.be.revertedWithCustomError(f.bank, "InsufficientCredit")
      .withArgs(f.volunteer.address, 180n, 181n);
    // The whole balance may be given.
    await expect(f.bank.connect(f.volunteer).gift(f.daughter.address, 180n)).to.emit(f.bank, "CreditsGifted");
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(0n);
    expect(await f.bank.balanceOf(f.daughter.address)).to.equal(300n);
    await expect(f.bank.connect(f.volunteer).gift(f.neighbour.address, 1n))
      .to.be.revertedWithCustomError(f.bank, "NotFamily")
      .withArgs(f.volunteer.address, f.neighbour.address);
    await expect(f.bank.connect(f.volunteer).gift(f.daughter.address, 0n)).to.be.revertedWithCustomError(f.bank, "ZeroMinutes");
    await expect(f.bank.connect(f.outsider).gift(f.daughter.address, 1n))
      .to.be.revertedWithCustomError(f.bank, "NotMember")
      .withArgs(f.outsider.address);
    // Gifts go both ways along a link; unlinking stops them.
    await f.bank.connect(f.daughter).gift(f.volunteer.address, 20n);
    await expect(f.bank.connect(f.staff).unlinkFamily(f.daughter.address, f.volunteer.address))
      .to.emit(f.bank, "FamilyUnlinked")
      .withArgs(f.daughter.address, f.volunteer.address, f.staff.address);
    await expect(f.bank.connect(f.volunteer).gift(f.daughter.address, 1n))
      .to.be.revertedWithCustomError(f.bank, "NotFamily")
      .withArgs(f.volunteer.address, f.daughter.address);
    const m = await f.bank.memberOf(f.volunteer.address);
    expect([m.balance, m.earned, m.giftsGiven, m.giftsReceived]).to.deep.equal([20n, 300n, 300n, 20n]);
    expect((await f.bank.totals()).gifted).to.equal(320n);
    await expectConservation(f.bank, [f.volunteer.address, f.daughter.address, f.elder.address]);
  });

  it("redeems credits at registered partners, burning them, by the member or by staff under the member's authorisation", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    const id = await record(f.bank, f.volunteer, f.elder.address, 240n, await earlierToday(2n));
    await f.bank.connect(f.elder).confirmService(id);
    const note = doc("two lunches");
    await expect(f.bank.connect(f.volunteer).redeem(f.partner.address, 60n, RedemptionKind.Goods, note))
      .to.emit(f.bank, "CreditsRedeemed")
      .withArgs(f.volunteer.address, f.partner.address, 60n, RedemptionKind.Goods, note, f.volunteer.address, 0n);
    const auth = await authorize(f.proxies, f.staff, f.volunteer.address, Scope.Redemptions);
    await expect(f.bank.connect(f.staff).redeemFor(f.volunteer.address, f.partner.address, 100n, RedemptionKind.Service, note, auth))
      .to.emit(f.bank, "CreditsRedeemed")
      .withArgs(f.volunteer.address, f.partner.address, 100n, RedemptionKind.Service, note, f.staff.address, auth);
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(80n);
    const t = await f.bank.totals();
    expect([t.credited, t.redeemed]).to.deep.equal([240n, 160n]);
    await expect(f.bank.connect(f.volunteer).redeem(f.partner.address, 81n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bank, "InsufficientCredit")
      .withArgs(f.volunteer.address, 80n, 81n);
    await expect(f.bank.connect(f.volunteer).redeem(f.neighbour.address, 1n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bank, "NotPartner")
      .withArgs(f.neighbour.address);
    await expect(f.bank.connect(f.volunteer).redeem(f.partner.address, 0n, RedemptionKind.Goods, note)).to.be.revertedWithCustomError(
      f.bank,
      "ZeroMinutes",
    );
    await expect(f.bank.connect(f.volunteer).redeem(f.partner.address, 1n, RedemptionKind.Goods, ZeroHash)).to.be.revertedWithCustomError(
      f.bank,
      "ZeroHash",
    );
    await expect(f.bank.connect(f.elder).redeemFor(f.volunteer.address, f.partner.address, 1n, RedemptionKind.Goods, note, auth))
      .to.be.revertedWithCustomError(f.bank, "MissingRole")
      .withArgs(f.elder.address, f.staffRole);
    await expect(f.bank.connect(f.staff).redeemFor(f.outsider.address, f.partner.address, 1n, RedemptionKind.Goods, note, auth))
      .to.be.revertedWithCustomError(f.bank, "NotMember")
      .withArgs(f.outsider.address);
    // Staff only, whoever is named: the role is checked before anything about the member.
    await expect(f.bank.connect(f.elder).redeemFor(f.outsider.address, f.partner.address, 1n, RedemptionKind.Goods, note, auth))
      .to.be.revertedWithCustomError(f.bank, "MissingRole")
      .withArgs(f.elder.address, f.staffRole);
    // The whole balance may be spent.
    await expect(f.bank.connect(f.volunteer).redeem(f.partner.address, 80n, RedemptionKind.Goods, note)).to.emit(f.bank, "CreditsRedeemed");
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(0n);
    await expect(f.bank.connect(f.staff).removePartner(f.partner.address)).to.emit(f.bank, "PartnerRemoved").withArgs(f.partner.address, f.staff.address);
    await expect(f.bank.connect(f.volunteer).redeem(f.partner.address, 1n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bank, "NotPartner")
      .withArgs(f.partner.address);
    await expectConservation(f.bank, [f.volunteer.address, f.elder.address]);
  });

  it("refuses staff redemptions without the member's authorisation for redemptions", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    const id = await record(f.bank, f.volunteer, f.elder.address, 240n, await earlierToday(2n));
    await f.bank.connect(f.elder).confirmService(id);
    const note = doc("haircut");
    const redeemFor = (auth: bigint) => f.bank.connect(f.staff).redeemFor(f.volunteer.address, f.partner.address, 30n, RedemptionKind.Service, note, auth);
    await expect(redeemFor(0n)).to.be.revertedWithCustomError(f.proxies, "UnknownAuthorization").withArgs(0n);
    const elders = await authorize(f.proxies, f.staff, f.elder.address, Scope.Redemptions);
    await expect(redeemFor(elders)).to.be.revertedWithCustomError(f.proxies, "WrongResident").withArgs(elders, f.elder.address, f.volunteer.address);
    const servicesOnly = await authorize(f.proxies, f.staff, f.volunteer.address, Scope.Services);
    await expect(redeemFor(servicesOnly))
      .to.be.revertedWithCustomError(f.proxies, "ScopeNotAuthorized")
      .withArgs(servicesOnly, Scope.Redemptions, Scope.Services);
    const now = BigInt(await time.latest());
    const short = await authorize(f.proxies, f.staff, f.volunteer.address, Scope.Redemptions, { expiresAt: now + 60n });
    await time.setNextBlockTimestamp(now + 60n);
    await expect(redeemFor(short)).to.be.revertedWithCustomError(f.proxies, "AuthorizationExpired").withArgs(short, now + 60n, now + 60n);
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(240n);
  });

  it("never lets staff be a partner, nor anyone redeem to themselves", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    const id = await record(f.bank, f.volunteer, f.elder.address, 240n, await earlierToday(2n));
    await f.bank.connect(f.elder).confirmService(id);
    const note = doc("goods");
    // Staff registering itself, or another staff member, as a partner is refused.
    await expect(f.bank.connect(f.staff).registerPartner(f.staff.address, doc("me")))
      .to.be.revertedWithCustomError(f.bank, "StaffCannotBePartner")
      .withArgs(f.staff.address);
    await expect(f.bank.connect(f.staff).registerPartner(f.staff2.address, doc("colleague")))
      .to.be.revertedWithCustomError(f.bank, "StaffCannotBePartner")
      .withArgs(f.staff2.address);
    // A partner later granted STAFF_ROLE receives no redemption while it holds the role, not even by proxy.
    await f.registry.grantRole(f.staffRole, f.partner.address);
    const auth = await authorize(f.proxies, f.staff, f.volunteer.address, Scope.Redemptions);
    await expect(f.bank.connect(f.volunteer).redeem(f.partner.address, 10n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bank, "StaffCannotBePartner")
      .withArgs(f.partner.address);
    await expect(f.bank.connect(f.partner).redeemFor(f.volunteer.address, f.partner.address, 10n, RedemptionKind.Goods, note, auth))
      .to.be.revertedWithCustomError(f.bank, "StaffCannotBePartner")
      .withArgs(f.partner.address);
    await f.registry.revokeRole(f.staffRole, f.partner.address);
    await expect(f.bank.connect(f.volunteer).redeem(f.partner.address, 10n, RedemptionKind.Goods, note)).to.emit(f.bank, "CreditsRedeemed");
    // A member who is also a partner cannot redeem at themselves.
    await f.bank.connect(f.staff).registerPartner(f.volunteer.address, doc("volunteer's shop"));
    await expect(f.bank.connect(f.volunteer).redeem(f.volunteer.address, 10n, RedemptionKind.Goods, note))
      .to.be.revertedWithCustomError(f.bank, "SelfRedemption")
      .withArgs(f.volunteer.address);
    await expect(f.bank.connect(f.staff).redeemFor(f.volunteer.address, f.volunteer.address, 10n, RedemptionKind.Goods, note, auth))
      .to.be.revertedWithCustomError(f.bank, "SelfRedemption")
      .withArgs(f.volunteer.address);
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(230n);
    await expectConservation(f.bank, [f.volunteer.address, f.elder.address]);
  });

  it("cannot be deployed without a registry or the staff authorisations", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    await expect(ethers.deployContract("TimeBank", [await f.registry.getAddress(), ZeroAddress])).to.be.revertedWithCustomError(f.bank, "ZeroProxies");
    await expect(ethers.deployContract("TimeBank", [ZeroAddress, await f.proxies.getAddress()])).to.be.revertedWithCustomError(f.bank, "ZeroRegistry");
  });

  it("lets only staff manage members, families and partners, with errors naming the values", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    await expect(f.bank.connect(f.staff).registerMember(f.outsider.address))
      .to.emit(f.bank, "MemberRegistered")
      .withArgs(f.outsider.address, f.staff.address);
    expect((await f.bank.totals()).members).to.equal(5n);
    await expect(f.bank.connect(f.staff).registerMember(f.outsider.address)).to.be.revertedWithCustomError(f.bank, "AlreadyMember").withArgs(f.outsider.address);
    await expect(f.bank.connect(f.staff).registerMember(ZeroAddress)).to.be.revertedWithCustomError(f.bank, "ZeroAddress");
    await expect(f.bank.connect(f.staff2).removeMember(f.outsider.address)).to.emit(f.bank, "MemberRemoved").withArgs(f.outsider.address, f.staff2.address);
    await expect(f.bank.connect(f.staff2).removeMember(f.outsider.address)).to.be.revertedWithCustomError(f.bank, "NotMember").withArgs(f.outsider.address);
    for (const who of [f.admin, f.volunteer, f.partner]) {
      await expect(f.bank.connect(who).registerMember(f.outsider.address))
        .to.be.revertedWithCustomError(f.bank, "MissingRole")
        .withArgs(who.address, f.staffRole);
    }
    await expect(f.bank.connect(f.staff).linkFamily(f.elder.address, f.neighbour.address, Relation.Spouse))
      .to.emit(f.bank, "FamilyLinked")
      .withArgs(f.elder.address, f.neighbour.address, Relation.Spouse, f.staff.address);
    expect(await f.bank.relationOf(f.neighbour.address, f.elder.address)).to.equal(Relation.Spouse);
    await expect(f.bank.connect(f.staff).linkFamily(f.elder.address, f.elder.address, Relation.Spouse))
      .to.be.revertedWithCustomError(f.bank, "SelfService")
      .withArgs(f.elder.address);
    await expect(f.bank.connect(f.staff).linkFamily(f.elder.address, f.neighbour.address, Relation.None)).to.be.revertedWithCustomError(
      f.bank,
      "InvalidRelation",
    );
    await expect(f.bank.connect(f.staff).linkFamily(f.elder.address, f.outsider.address, Relation.Child))
      .to.be.revertedWithCustomError(f.bank, "NotMember")
      .withArgs(f.outsider.address);
    await expect(f.bank.connect(f.staff).unlinkFamily(f.elder.address, f.daughter.address))
      .to.be.revertedWithCustomError(f.bank, "NotFamily")
      .withArgs(f.elder.address, f.daughter.address);
    await expect(f.bank.connect(f.staff).registerPartner(f.partner.address, doc("again")))
      .to.be.revertedWithCustomError(f.bank, "AlreadyPartner")
      .withArgs(f.partner.address);
    await expect(f.bank.connect(f.staff).registerPartner(f.outsider.address, ZeroHash)).to.be.revertedWithCustomError(f.bank, "ZeroHash");
    await expect(f.bank.connect(f.staff).registerPartner(ZeroAddress, doc("p"))).to.be.revertedWithCustomError(f.bank, "ZeroAddress");
    await expect(f.bank.connect(f.staff).removePartner(f.outsider.address)).to.be.revertedWithCustomError(f.bank, "NotPartner").withArgs(f.outsider.address);
    expect(await f.bank.partnerProfile(f.partner.address)).to.equal(doc("canteen on Zhongshan Rd"));
  });

  it("stops a removed member from acting but keeps their credits; staff can still confirm for them", async function () {
    const f = await networkHelpers.loadFixture(timeBankFixture);
    const at = await earlierToday(3n);
    const earned = await record(f.bank, f.volunteer, f.elder.address, 60n, at);
    await f.bank.connect(f.elder).confirmService(earned);
    const pending = await record(f.bank, f.volunteer, f.elder.address, 30n, at, "p");
    await f.bank.connect(f.staff).removeMember(f.elder.address);
    await f.bank.connect(f.staff).removeMember(f.volunteer.address);
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(60n);
    await expect(f.bank.connect(f.elder).confirmService(pending))
      .to.be.revertedWithCustomError(f.bank, "NotMember")
      .withArgs(f.elder.address);
    await expect(f.bank.connect(f.volunteer).redeem(f.partner.address, 1n, RedemptionKind.Goods, doc("n")))
      .to.be.revertedWithCustomError(f.bank, "NotMember")
      .withArgs(f.volunteer.address);
    await f.bank.connect(f.staff).confirmServiceFor(pending, await authorize(f.proxies, f.staff, f.elder.address, Scope.Services));
    expect(await f.bank.balanceOf(f.volunteer.address)).to.equal(90n);
    await expectConservation(f.bank, [f.volunteer.address, f.elder.address]);
  });
});
