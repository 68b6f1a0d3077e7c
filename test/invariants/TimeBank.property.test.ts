import { expect } from "chai";
import { network } from "hardhat";
import fc from "fast-check";
import { deployRegistry } from "../helpers/estate.js";
import { authorize, deployProxies, Scope } from "../helpers/proxies.js";
import { doc } from "../helpers/fund.js";
import { Category, Relation, RedemptionKind, ServiceStatus } from "../helpers/timebank.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const DAY = 86_400n;
const HOUR = 3_600n;
// A lower daily cap than the default, so that random sequences reach it often.
const CAP = 300n;

async function propertyFixture() {
  const { registry, signers } = await deployRegistry(connection);
  const [, staff, partner, ...rest] = signers;
  const members = rest.slice(0, 4);
  await registry.grantRole(await registry.STAFF_ROLE(), staff.address);
  const proxies = await deployProxies(connection, registry);
  const bank = await ethers.deployContract("TimeBank", [await registry.getAddress(), await proxies.getAddress()]);
  for (const m of members) await bank.connect(staff).registerMember(m.address);
  await bank.setDailyCap(CAP);
  await bank.connect(staff).registerPartner(partner.address, doc("partner"));
  await bank.connect(staff).linkFamily(members[0].address, members[1].address, Relation.Child);
  await bank.connect(staff).linkFamily(members[2].address, members[3].address, Relation.Spouse);
  // Each member's written authorisation for staff to decide services and redeem for them.
  const auths: bigint[] = [];
  for (const m of members) auths.push(await authorize(proxies, staff, m.address, Scope.Services | Scope.Redemptions));
  const now = BigInt(await time.latest());
  const noon = now - (now % DAY) + DAY + 12n * HOUR;
  await time.increaseTo(noon);
  return { bank, staff, partner, members, noon, auths };
}

type Op =
  | { kind: "record"; volunteer: number; recipient: number; minutes: bigint; daysBack: bigint; hoursBack: bigint }
  | { kind: "confirm"; service: number; byStaff: boolean }
  | { kind: "reject"; service: number; byStaff: boolean }
  | { kind: "gift"; from: number; other: number; toFamily: boolean; minutes: bigint }
  | { kind: "redeem"; member: number; minutes: bigint; byStaff: boolean };

const who = fc.nat(3);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("record" as const),
      volunteer: who,
      recipient: who,
      minutes: fc.bigInt(60n, 300n),
      // Mostly within the week TimeBank accepts, sometimes beyond it.
      daysBack: fc.oneof({ weight: 6, arbitrary: fc.bigInt(0n, 1n) }, { weight: 1, arbitrary: fc.bigInt(6n, 8n) }),
      hoursBack: fc.bigInt(0n, 11n),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("confirm" as const), service: fc.nat(30), byStaff: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reject" as const), service: fc.nat(30), byStaff: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("gift" as const),
      from: who,
      other: who,
      toFamily: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      minutes: fc.bigInt(1n, 300n),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("redeem" as const), member: who, minutes: fc.bigInt(1n, 300n), byStaff: fc.boolean() }) },
);

const family = (a: number, b: number) => (a ^ 1) === b; // members 0–1 and 2–3 are linked

describe("TimeBank invariants (fast-check)", function () {
  it("conserves credits: Σ balances = credited − redeemed, no balance below zero, over random operations", async function () {
    this.timeout(120_000);
    const seen = { credited: 0, capped: 0, tooOld: 0, rejected: 0, gifted: 0, notFamily: 0, redeemed: 0, short: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30, size: "medium" }), async (ops) => {
        const f = await networkHelpers.loadFixture(propertyFixture);
        const m = f.members;
        const balance = [0n, 0n, 0n, 0n];
        let credited = 0n;
        let redeemed = 0n;
        // Minutes recorded and not rejected per volunteer and UTC day: a record must keep them within the cap.
        const claimed = new Map<string, bigint>();
        const services: { id: bigint; volunteer: number; recipient: number; minutes: bigint; day: bigint; status: bigint }[] = [];

        for (const op of ops) {
          if (op.kind === "record") {
            const servedAt = f.noon - op.daysBack * DAY - op.hoursBack * HOUR;
            const tx = f.bank
              .connect(m[op.volunteer])
              .recordService(m[op.recipient].address, op.minutes, Category.Companionship, servedAt, doc("note"));
            if (op.volunteer === op.recipient) {
              await expect(tx).to.be.revertedWithCustomError(f.bank, "SelfService").withArgs(m[op.volunteer].address);
              continue;
            }
            // Operations take seconds, not hours, after noon: 7 days back or more is always beyond the week.
            if (op.daysBack >= 7n) {
              await expect(tx).to.be.revertedWithCustomError(f.bank, "ServiceTooOld");
              seen.tooOld++;
              continue;
            }
            const key = `${op.volunteer}/${servedAt / DAY}`;
            const already = claimed.get(key) ?? 0n;
            if (already + op.minutes > CAP) {
              await expect(tx)
                .to.be.revertedWithCustomError(f.bank, "DailyCapExceeded")
                .withArgs(m[op.volunteer].address, servedAt / DAY, already, op.minutes, CAP);
              seen.capped++;
              continue;
            }
            await tx;
            claimed.set(key, already + op.minutes);
            const id = await f.bank.serviceCount();
            services.push({
              id,
              volunteer: op.volunteer,
              recipient: op.recipient,
              minutes: op.minutes,
              day: servedAt / DAY,
              status: ServiceStatus.Pending,
            });
          } else if (op.kind === "confirm" || op.kind === "reject") {
            const s = services[op.service % Math.max(services.length, 1)];
            if (s === undefined) continue;
            const decider = op.byStaff ? f.staff : m[s.recipient];
            const bank = f.bank.connect(decider);
            const auth = f.auths[s.recipient];
            const tx = op.byStaff
              ? op.kind === "confirm" ? bank.confirmServiceFor(s.id, auth) : bank.rejectServiceFor(s.id, auth)
              : op.kind === "confirm" ? bank.confirmService(s.id) : bank.rejectService(s.id);
            if (s.status !== ServiceStatus.Pending) {
              await expect(tx).to.be.revertedWithCustomError(f.bank, "ServiceNotPending").withArgs(s.id, s.status);
              continue;
            }
            const key = `${s.volunteer}/${s.day}`;
            if (op.kind === "reject") {
              await tx;
              s.status = ServiceStatus.Rejected;
              claimed.set(key, claimed.get(key)! - s.minutes);
              seen.rejected++;
              continue;
            }
            // Every record kept its day within the cap, so a confirmation (same cap) always fits.
            await tx;
            s.status = ServiceStatus.Confirmed;
            balance[s.volunteer] += s.minutes;
            credited += s.minutes;
            seen.credited++;
          } else if (op.kind === "gift") {
            const to = op.toFamily ? op.from ^ 1 : op.other;
            const tx = f.bank.connect(m[op.from]).gift(m[to].address, op.minutes);
            if (!family(op.from, to)) {
              await expect(tx).to.be.revertedWithCustomError(f.bank, "NotFamily").withArgs(m[op.from].address, m[to].address);
              seen.notFamily++;
            } else if (balance[op.from] < op.minutes) {
              await expect(tx)
                .to.be.revertedWithCustomError(f.bank, "InsufficientCredit")
                .withArgs(m[op.from].address, balance[op.from], op.minutes);
              seen.short++;
            } else {
              await tx;
              balance[op.from] -= op.minutes;
              balance[to] += op.minutes;
              seen.gifted++;
            }
          } else {
            const member = m[op.member];
            const note = doc("redemption");
            const tx = op.byStaff
              ? f.bank.connect(f.staff).redeemFor(member.address, f.partner.address, op.minutes, RedemptionKind.Service, note, f.auths[op.member])
              : f.bank.connect(member).redeem(f.partner.address, op.minutes, RedemptionKind.Goods, note);
            if (balance[op.member] < op.minutes) {
              await expect(tx)
                .to.be.revertedWithCustomError(f.bank, "InsufficientCredit")
                .withArgs(member.address, balance[op.member], op.minutes);
              seen.short++;
            } else {
              await tx;
              balance[op.member] -= op.minutes;
              redeemed += op.minutes;
              seen.redeemed++;
            }
          }

          // Conservation after every step.
          let sum = 0n;
          for (let i = 0; i < m.length; i++) {
            const onChain = await f.bank.memberOf(m[i].address);
            expect(onChain.balance).to.equal(balance[i], `member ${i} after ${op.kind}`);
            expect(onChain.balance).to.equal(onChain.earned + onChain.giftsReceived - onChain.giftsGiven - onChain.redeemed);
            sum += onChain.balance;
          }
          const t = await f.bank.totals();
          expect([t.credited, t.redeemed]).to.deep.equal([credited, redeemed]);
          expect(sum).to.equal(t.credited - t.redeemed, "Σ balances = credited − redeemed");
        }
        for (const s of services) {
          expect((await f.bank.service(s.id)).status).to.equal(s.status);
        }
        for (const [key, minutes] of claimed) {
          const [volunteer, day] = key.split("/");
          expect(await f.bank.claimedOnDay(m[Number(volunteer)].address, BigInt(day))).to.equal(minutes, `claimed ${key}`);
        }
      }),
      { numRuns: 100 },
    );
    console.log(`      reached: ${JSON.stringify(seen)}`);
    for (const [path, count] of Object.entries(seen)) expect(count, `path never reached: ${path}`).to.be.greaterThan(0);
  });
});
