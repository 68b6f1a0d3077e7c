import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress, ZeroHash } from "ethers";
import { deployRegistry } from "../helpers/estate.js";
import { authorize, deployProxies, paper, Scope } from "../helpers/proxies.js";

const connection = await network.create();
const { networkHelpers } = connection;
const { time } = networkHelpers;

const DAY = 86_400n;
const MAX_DURATION = 366n * DAY;

async function proxiesFixture() {
  const { registry, admin, signers } = await deployRegistry(connection);
  const [, staff, staff2, resident, other, outsider] = signers;
  const staffRole = await registry.STAFF_ROLE();
  await registry.grantRole(staffRole, staff.address);
  await registry.grantRole(staffRole, staff2.address);
  const proxies = await deployProxies(connection, registry);
  return { registry, proxies, admin, staff, staff2, resident, other, outsider, staffRole };
}

describe("ProxyAuthorizations", function () {
  it("records a resident's authorisation from the hash of the signed paper, with its scope and expiry", async function () {
    const f = await networkHelpers.loadFixture(proxiesFixture);
    const now = BigInt(await time.latest());
    const expiresAt = now + 30n * DAY;
    const document = paper("authorisation of resident, votes and services");
    await expect(f.proxies.connect(f.staff).record(f.resident.address, Scope.Votes | Scope.Services, 0n, expiresAt, document))
      .to.emit(f.proxies, "AuthorizationRecorded")
      .withArgs(1n, f.resident.address, Scope.Votes | Scope.Services, 0n, expiresAt, document, f.staff.address);
    const a = await f.proxies.authorizationOf(1n);
    expect([a.resident, a.scopes, a.expiresAt, a.revoked, a.recordedBy, a.voteId, a.documentHash]).to.deep.equal([
      f.resident.address,
      Scope.Votes | Scope.Services,
      expiresAt,
      false,
      f.staff.address,
      0n,
      document,
    ]);
    expect(await f.proxies.authorizationByDocument(document)).to.equal(1n);
    expect(await f.proxies.authorizationCount()).to.equal(1n);
    // Any staff member may act under it; checkProxy passes silently.
    await f.proxies.checkProxy(1n, f.staff2.address, f.resident.address, Scope.Services, 0n);
    await f.proxies.checkProxy(1n, f.staff.address, f.resident.address, Scope.Votes, 7n);
  });

  it("refuses bad authorisations with their values, and non-staff", async function () {
    const f = await networkHelpers.loadFixture(proxiesFixture);
    const now = BigInt(await time.latest());
    const later = now + DAY;
    const rec = (resident: string, scopes: bigint, voteId: bigint, expiresAt: bigint, document: string) =>
      f.proxies.connect(f.staff).record(resident, scopes, voteId, expiresAt, document);
    await expect(f.proxies.connect(f.outsider).record(f.resident.address, Scope.Votes, 0n, later, paper("x")))
      .to.be.revertedWithCustomError(f.proxies, "MissingRole")
      .withArgs(f.outsider.address, f.staffRole);
    await expect(rec(ZeroAddress, Scope.Votes, 0n, later, paper("x"))).to.be.revertedWithCustomError(f.proxies, "ZeroResident");
    await expect(rec(f.staff.address, Scope.Votes, 0n, later, paper("x")))
      .to.be.revertedWithCustomError(f.proxies, "SelfAuthorization")
      .withArgs(f.staff.address);
    await expect(rec(f.resident.address, 0n, 0n, later, paper("x"))).to.be.revertedWithCustomError(f.proxies, "InvalidScopes").withArgs(0n, Scope.All);
    await expect(rec(f.resident.address, 8n, 0n, later, paper("x"))).to.be.revertedWithCustomError(f.proxies, "InvalidScopes").withArgs(8n, Scope.All);
    await expect(rec(f.resident.address, Scope.Redemptions, 3n, later, paper("x")))
      .to.be.revertedWithCustomError(f.proxies, "VoteWithoutVoteScope")
      .withArgs(3n, Scope.Redemptions);
    await time.setNextBlockTimestamp(now + 10n);
    await expect(rec(f.resident.address, Scope.Votes, 0n, now + 10n, paper("x")))
      .to.be.revertedWithCustomError(f.proxies, "InvalidExpiry")
      .withArgs(now + 10n, now + 10n, now + 10n + MAX_DURATION);
    await time.setNextBlockTimestamp(now + 20n);
    await expect(rec(f.resident.address, Scope.Votes, 0n, now + 21n + MAX_DURATION, paper("x")))
      .to.be.revertedWithCustomError(f.proxies, "InvalidExpiry")
      .withArgs(now + 21n + MAX_DURATION, now + 20n, now + 20n + MAX_DURATION);
    // The longest allowed: expiring exactly MAX_DURATION from now is accepted.
    await time.setNextBlockTimestamp(now + 30n);
    await expect(rec(f.resident.address, Scope.Votes, 0n, now + 30n + MAX_DURATION, paper("longest"))).to.emit(f.proxies, "AuthorizationRecorded");
    await expect(rec(f.resident.address, Scope.Votes, 0n, now + 2n * DAY, ZeroHash)).to.be.revertedWithCustomError(f.proxies, "ZeroDocument");
    // One paper, one authorisation.
    const first = await authorize(f.proxies, f.staff, f.resident.address, Scope.Votes, { document: paper("once") });
    await expect(rec(f.other.address, Scope.Votes, 0n, now + 2n * DAY, paper("once")))
      .to.be.revertedWithCustomError(f.proxies, "DocumentAlreadyRecorded")
      .withArgs(paper("once"), first);
    // The longest one above and this one: nothing refused was recorded.
    expect(await f.proxies.authorizationCount()).to.equal(2n);
    await expect(f.proxies.authorizationOf(3n)).to.be.revertedWithCustomError(f.proxies, "UnknownAuthorization").withArgs(3n);
  });

  it("is revoked by the resident or by staff, once, and by nobody else", async function () {
    const f = await networkHelpers.loadFixture(proxiesFixture);
    const a = await authorize(f.proxies, f.staff, f.resident.address, Scope.All);
    const b = await authorize(f.proxies, f.staff, f.resident.address, Scope.Votes);
    await expect(f.proxies.connect(f.other).revoke(a)).to.be.revertedWithCustomError(f.proxies, "NotRevoker").withArgs(f.other.address, a);
    await expect(f.proxies.connect(f.resident).revoke(a)).to.emit(f.proxies, "AuthorizationRevoked").withArgs(a, f.resident.address, f.resident.address);
    await expect(f.proxies.connect(f.staff2).revoke(b)).to.emit(f.proxies, "AuthorizationRevoked").withArgs(b, f.resident.address, f.staff2.address);
    await expect(f.proxies.connect(f.staff).revoke(a)).to.be.revertedWithCustomError(f.proxies, "RevokedAuthorization").withArgs(a);
    await expect(f.proxies.revoke(9n)).to.be.revertedWithCustomError(f.proxies, "UnknownAuthorization").withArgs(9n);
    expect((await f.proxies.authorizationOf(a)).revoked).to.equal(true);
    await expect(f.proxies.checkProxy(a, f.staff.address, f.resident.address, Scope.Votes, 0n))
      .to.be.revertedWithCustomError(f.proxies, "RevokedAuthorization")
      .withArgs(a);
  });

  it("lets only current staff act, for the named resident, in the named scope, until the expiry", async function () {
    const f = await networkHelpers.loadFixture(proxiesFixture);
    const now = BigInt(await time.latest());
    const a = await authorize(f.proxies, f.staff, f.resident.address, Scope.Redemptions, { expiresAt: now + DAY });
    await expect(f.proxies.checkProxy(a, f.outsider.address, f.resident.address, Scope.Redemptions, 0n))
      .to.be.revertedWithCustomError(f.proxies, "MissingRole")
      .withArgs(f.outsider.address, f.staffRole);
    await expect(f.proxies.checkProxy(a, f.staff.address, f.other.address, Scope.Redemptions, 0n))
      .to.be.revertedWithCustomError(f.proxies, "WrongResident")
      .withArgs(a, f.resident.address, f.other.address);
    await expect(f.proxies.checkProxy(a, f.staff.address, f.resident.address, Scope.Services, 0n))
      .to.be.revertedWithCustomError(f.proxies, "ScopeNotAuthorized")
      .withArgs(a, Scope.Services, Scope.Redemptions);
    await time.increaseTo(now + DAY);
    await expect(f.proxies.checkProxy(a, f.staff.address, f.resident.address, Scope.Redemptions, 0n))
      .to.be.revertedWithCustomError(f.proxies, "AuthorizationExpired")
      .withArgs(a, now + DAY, now + DAY);
  });
});
