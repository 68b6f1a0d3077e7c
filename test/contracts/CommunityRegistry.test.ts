import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress } from "ethers";
import { addBuilding, createEstate, deployRegistry, readRoles, registerUnits } from "../helpers/estate.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function estateFixture() {
  const { registry, admin, signers } = await deployRegistry(connection);
  const [, developer, alice, bob, carol, committee, custodian] = signers;
  const estateId = await createEstate(registry, developer.address);
  const b1 = await addBuilding(registry, estateId);
  const b2 = await addBuilding(registry, estateId);
  return { registry, admin, developer, alice, bob, carol, committee, custodian, estateId, b1, b2 };
}

describe("CommunityRegistry", function () {
  it("counts a holder of three units as one head and three areas", async function () {
    const { registry, alice, bob, estateId, b1 } = await networkHelpers.loadFixture(estateFixture);
    await registerUnits(registry, b1, [
      { area: 8000, holder: alice.address },
      { area: 9000, holder: alice.address },
      { area: 10000, holder: alice.address },
      { area: 7000, holder: bob.address },
    ]);
    const key = await registry.scopeKey(estateId, 0);
    const [area, heads] = await registry.scopeTotals(key);
    expect(area).to.equal(34000n);
    expect(heads).to.equal(2n);
    expect(await registry.holderArea(key, alice.address)).to.equal(27000n);
  });

  it("counts the developer's unsold units as one head", async function () {
    const { registry, developer, alice, estateId, b1, b2 } = await networkHelpers.loadFixture(estateFixture);
    await registerUnits(registry, b1, [
      { area: 5000, holder: ZeroAddress },
      { area: 6000, holder: ZeroAddress },
      { area: 7000, holder: alice.address },
    ]);
    await registerUnits(registry, b2, [{ area: 5000, holder: ZeroAddress }]);
    const key = await registry.scopeKey(estateId, 0);
    const [area, heads] = await registry.scopeTotals(key);
    expect(area).to.equal(23000n);
    expect(heads).to.equal(2n);
    expect(await registry.holderArea(key, developer.address)).to.equal(16000n);
  });

  it("keeps separate totals for a building and its estate", async function () {
    const { registry, alice, bob, estateId, b1, b2 } = await networkHelpers.loadFixture(estateFixture);
    await registerUnits(registry, b1, [{ area: 5000, holder: alice.address }]);
    await registerUnits(registry, b2, [
      { area: 6000, holder: bob.address },
      { area: 4000, holder: alice.address },
    ]);
    const [a1, h1] = await registry.scopeTotals(await registry.scopeKey(estateId, b1));
    const [a2, h2] = await registry.scopeTotals(await registry.scopeKey(estateId, b2));
    const [ae, he] = await registry.scopeTotals(await registry.scopeKey(estateId, 0));
    expect([a1, h1, a2, h2, ae, he]).to.deep.equal([5000n, 1n, 10000n, 2n, 15000n, 2n]);
  });

  it("moves area and heads on a sale, and keeps the past readable by block", async function () {
    const { registry, alice, bob, carol, estateId, b1 } = await networkHelpers.loadFixture(estateFixture);
    const [u1] = await registerUnits(registry, b1, [
      { area: 5000, holder: alice.address },
      { area: 6000, holder: bob.address },
    ]);
    const key = await registry.scopeKey(estateId, b1);
    const before = await ethers.provider.getBlockNumber();
    await expect(registry.transferUnit(u1, carol.address))
      .to.emit(registry, "UnitTransferred")
      .withArgs(u1, alice.address, carol.address);
    await networkHelpers.mine();
    expect(await registry.holderWeightAt(key, alice.address, before)).to.deep.equal([1n, 5000n]);
    const after = (await ethers.provider.getBlockNumber()) - 1;
    const [, aliceArea] = await registry.holderWeightAt(key, alice.address, after);
    const [, carolArea] = await registry.holderWeightAt(key, carol.address, after);
    expect([aliceArea, carolArea]).to.deep.equal([0n, 5000n]);
    expect(await registry.scopeTotalsAt(key, after)).to.deep.equal([11000n, 2n]);
    await expect(registry.scopeTotalsAt(key, after + 1))
      .to.be.revertedWithCustomError(registry, "FutureLookup")
      .withArgs(after + 1, after + 1);
  });

  it("lists a scope's units as of a block, in id order", async function () {
    const { registry, alice, estateId, b1, b2 } = await networkHelpers.loadFixture(estateFixture);
    const first = await registerUnits(registry, b1, [{ area: 5000, holder: alice.address }]);
    const second = await registerUnits(registry, b2, [{ area: 7000, holder: alice.address }]);
    const key = await registry.scopeKey(estateId, 0);
    const block = await ethers.provider.getBlockNumber();
    const [ids, areas] = await registry.unitsInScopeAt(key, block);
    expect(ids).to.deep.equal([...first, ...second]);
    expect(areas).to.deep.equal([5000n, 7000n]);
    const [earlier] = await registry.unitsInScopeAt(key, block - 1);
    expect(earlier).to.deep.equal(first);
  });

  it("rejects bad registrations with errors naming the values", async function () {
    const { registry, alice, bob, estateId, b1 } = await networkHelpers.loadFixture(estateFixture);
    await expect(registry.registerUnits(b1, [100, 0], [alice.address, alice.address]))
      .to.be.revertedWithCustomError(registry, "ZeroArea")
      .withArgs(1);
    await expect(registry.registerUnits(99, [100], [alice.address]))
      .to.be.revertedWithCustomError(registry, "UnknownBuilding")
      .withArgs(99);
    await expect(registry.registerUnits(b1, [100], []))
      .to.be.revertedWithCustomError(registry, "LengthMismatch")
      .withArgs(1, 0);
    await expect(registry.scopeKey(estateId, 42))
      .to.be.revertedWithCustomError(registry, "BuildingNotInEstate")
      .withArgs(42, estateId);
    const [u1] = await registerUnits(registry, b1, [{ area: 100, holder: alice.address }]);
    await expect(registry.transferUnit(u1, alice.address))
      .to.be.revertedWithCustomError(registry, "SameHolder")
      .withArgs(u1, alice.address);
    await expect(registry.connect(bob).transferUnit(u1, bob.address))
      .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
      .withArgs(bob.address, await registry.REGISTRAR_ROLE());
  });

  it("refuses an estate that does not exist and the zero address, naming the values, and changes nothing", async function () {
    const { registry, admin, alice, estateId, b1 } = await networkHelpers.loadFixture(estateFixture);
    const [u1] = await registerUnits(registry, b1, [{ area: 100, holder: alice.address }]);
    const before = await registry.counts();
    // Estate ids count from 1: 0 is never an estate, and the next id is not one yet.
    for (const missing of [0n, estateId + 1n, 4_294_967_295n]) {
      await expect(registry.addBuilding(missing)).to.be.revertedWithCustomError(registry, "UnknownEstate").withArgs(missing);
    }
    await expect(registry.createEstate(ZeroAddress)).to.be.revertedWithCustomError(registry, "ZeroAddress").withArgs();
    await expect(registry.transferUnit(u1, ZeroAddress)).to.be.revertedWithCustomError(registry, "ZeroAddress").withArgs();
    await expect(registry.transferUnit(u1 + 1n, alice.address)).to.be.revertedWithCustomError(registry, "UnknownUnit").withArgs(u1 + 1n);
    expect(await registry.counts()).to.deep.equal(before);
    expect(await registry.buildingsOf(estateId + 1n)).to.deep.equal([]);
    expect((await registry.unit(u1)).holder).to.equal(alice.address);
    const factory = await ethers.getContractFactory("CommunityRegistry", admin);
    await expect(factory.deploy(ZeroAddress)).to.be.revertedWithCustomError(factory, "ZeroAddress").withArgs();
  });

  it("refuses a committee seat of an estate that does not exist yet, and any role it does not know", async function () {
    const { registry, developer, committee, custodian, estateId } = await networkHelpers.loadFixture(estateFixture);
    const roles = await readRoles(registry);
    await registry.grantRole(roles.custodian, custodian.address);
    const nextEstate = estateId + 1n;
    const futureSeat = await registry.estateRole(roles.committee, nextEstate);
    // Granted early, the seat would escape the custodian exclusion and could never be revoked.
    for (const who of [custodian, committee]) {
      await expect(registry.grantRole(futureSeat, who.address))
        .to.be.revertedWithCustomError(registry, "UnknownRole")
        .withArgs(futureSeat);
    }
    for (const role of [roles.committee, ethers.id("SUPERUSER_ROLE"), await registry.estateRole(roles.custodian, estateId)]) {
      await expect(registry.grantRole(role, committee.address)).to.be.revertedWithCustomError(registry, "UnknownRole").withArgs(role);
    }
    expect(await createEstate(registry, developer.address)).to.equal(nextEstate);
    await expect(registry.grantRole(futureSeat, custodian.address))
      .to.be.revertedWithCustomError(registry, "DutyConflict")
      .withArgs(custodian.address, futureSeat);
    await registry.grantRole(futureSeat, committee.address);
    expect(await registry.committeeSize(nextEstate)).to.equal(1n);
    await registry.revokeRole(futureSeat, committee.address);
    expect(await registry.committeeSize(nextEstate)).to.equal(0n);
    await registry.grantRole(roles.custodian, committee.address);
  });

  it("never lets a scope's total area pass the uint64 range, so totals are read exactly", async function () {
    const { registry, alice, bob, estateId, b1, b2 } = await networkHelpers.loadFixture(estateFixture);
    const max = await registry.MAX_SCOPE_AREA();
    expect(max).to.equal(2n ** 64n - 1n);
    const half = 2n ** 63n;
    const b1Key = await registry.scopeKey(estateId, b1);
    const estateKey = await registry.scopeKey(estateId, 0);
    // Two units of 2^63 (0.01 m²) used to wrap the total to 0.
    await expect(registry.registerUnits(b1, [half, half], [alice.address, bob.address]))
      .to.be.revertedWithCustomError(registry, "ScopeAreaTooLarge")
      .withArgs(b1Key, 1n, 2n ** 64n, max);
    // Up to the range exactly is accepted, and read back exactly.
    await registerUnits(registry, b1, [
      { area: half, holder: alice.address },
      { area: half - 1n, holder: bob.address },
    ]);
    expect(await registry.scopeTotals(estateKey)).to.deep.equal([max, 2n]);
    const block = await ethers.provider.getBlockNumber();
    await networkHelpers.mine();
    expect(await registry.scopeTotalsAt(b1Key, block)).to.deep.equal([max, 2n]);
    expect(await registry.holderWeightAt(estateKey, alice.address, block)).to.deep.equal([1n, half]);
    // One more 0.01 m², even in another building, passes the estate's total.
    await expect(registry.registerUnits(b2, [1n], [alice.address]))
      .to.be.revertedWithCustomError(registry, "ScopeAreaTooLarge")
      .withArgs(estateKey, 0n, 2n ** 64n, max);
    // A sale moves area between holders without changing the totals.
    const [u1] = await registry.unitsOf(b1);
    await registry.transferUnit(u1, bob.address);
    expect(await registry.scopeTotals(estateKey)).to.deep.equal([max, 1n]);
    expect(await registry.holderArea(estateKey, bob.address)).to.equal(max);
  });

  it("keeps custodian and committee seats apart", async function () {
    const { registry, committee, custodian, estateId } = await networkHelpers.loadFixture(estateFixture);
    const roles = await readRoles(registry);
    const seat = await registry.estateRole(roles.committee, estateId);
    await registry.grantRole(seat, committee.address);
    await registry.grantRole(roles.custodian, custodian.address);
    expect(await registry.isCommitteeMember(estateId, committee.address)).to.equal(true);
    expect(await registry.committeeSize(estateId)).to.equal(1n);
    await expect(registry.grantRole(roles.custodian, committee.address))
      .to.be.revertedWithCustomError(registry, "DutyConflict")
      .withArgs(committee.address, roles.custodian);
    await expect(registry.grantRole(seat, custodian.address))
      .to.be.revertedWithCustomError(registry, "DutyConflict")
      .withArgs(custodian.address, seat);
    await registry.revokeRole(seat, committee.address);
    await registry.grantRole(roles.custodian, committee.address);
    expect(await registry.hasRole(roles.custodian, committee.address)).to.equal(true);
  });
});
