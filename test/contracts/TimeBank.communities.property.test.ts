// Property test of the time bank across communities (通存通兑): random communities that recognise each other or
// not (each direction on its own), random members, family links and partners, then random steps — services,
// gifts, local redemptions, spending at another community's partner, moves, and pushes from an account that is
// no time bank. A plain model predicts each step's outcome, success or the exact refusal with its arguments, and
// after every step: every balance equals the model's, every community's books hold (issued + clearing = held +
// spent, held summed from the accounts' balances), the clearing balances sum to zero, so Σ issued = Σ held +
// Σ spent: no minute is created or destroyed. No credits ever reach a community from one it does not recognise
// (each such attempt is predicted as refused, and refused). The run counts each outcome: one never reached fails it.
import { expect } from "chai";
import { network } from "hardhat";
import fc from "fast-check";
import type { ContractTransactionResponse } from "ethers";
import type { TimeBank } from "../../types/ethers-contracts/index.js";
import { doc } from "../helpers/fund.js";
import { Category, deployCommunity, RedemptionKind, Relation } from "../helpers/timebank.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const RUNS = 60;
const COMMUNITIES = 3;
const PEOPLE = 5;
const MAX_STEPS = 24;
const MAX_MINUTES = 40;
/** Every member starts with one service of this length given in their community (to the next member there). */
const OPENING_MINUTES = 60;
/** Above OPENING_MINUTES + MAX_STEPS × MAX_MINUTES: the daily cap is not what is tested here. */
const DAILY_CAP = 1_440n;

type Op =
  | { kind: "service"; c: number; v: number; r: number; minutes: number }
  | { kind: "gift"; c: number; from: number; to: number; minutes: number }
  | { kind: "redeem"; c: number; m: number; minutes: number }
  | { kind: "redeemAt"; c: number; m: number; d: number; minutes: number }
  | { kind: "move"; c: number; m: number; d: number }
  | { kind: "push"; d: number; minutes: number };

type Scenario = {
  recognised: boolean[][]; // [c][d]: c recognises d
  membership: boolean[][]; // [c][person]
  partners: boolean[]; // community c registered its partner
  families: { c: number; a: number; b: number }[];
  ops: Op[];
};

const community = fc.integer({ min: 0, max: COMMUNITIES - 1 });
const person = fc.integer({ min: 0, max: PEOPLE - 1 });
/** Minutes to give or spend: mostly within a balance, sometimes more than anyone holds, sometimes zero. */
const minutes = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: MAX_MINUTES }) }, { weight: 1, arbitrary: fc.integer({ min: 100, max: 400 }) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("service" as const), c: community, v: person, r: person, minutes: fc.integer({ min: 1, max: MAX_MINUTES }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("gift" as const), c: community, from: person, to: person, minutes }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("redeem" as const), c: community, m: person, minutes }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("redeemAt" as const), c: community, m: person, d: community, minutes }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("move" as const), c: community, m: person, d: community }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("push" as const), d: community, minutes: fc.integer({ min: 1, max: MAX_MINUTES }) }) },
);
/** Three times in four: most pairs of communities recognise each other both ways, some one way only. */
const usually = fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
const scenario: fc.Arbitrary<Scenario> = fc.record({
  recognised: fc.array(fc.array(usually, { minLength: COMMUNITIES, maxLength: COMMUNITIES }), { minLength: COMMUNITIES, maxLength: COMMUNITIES }),
  membership: fc.array(fc.array(usually, { minLength: PEOPLE, maxLength: PEOPLE }), { minLength: COMMUNITIES, maxLength: COMMUNITIES }),
  partners: fc.array(usually, { minLength: COMMUNITIES, maxLength: COMMUNITIES }),
  families: fc.array(fc.record({ c: community, a: person, b: person }), { minLength: 2, maxLength: 8 }),
  ops: fc.array(op, { minLength: 1, maxLength: MAX_STEPS }),
});

async function fixture() {
  const signers = await ethers.getSigners();
  const admins = signers.slice(0, COMMUNITIES);
  const staff = signers.slice(COMMUNITIES, 2 * COMMUNITIES);
  const people = signers.slice(2 * COMMUNITIES, 2 * COMMUNITIES + PEOPLE);
  const partners = signers.slice(2 * COMMUNITIES + PEOPLE, 3 * COMMUNITIES + PEOPLE);
  const outsider = signers[3 * COMMUNITIES + PEOPLE];
  const banks: TimeBank[] = [];
  for (let c = 0; c < COMMUNITIES; c++) {
    const { bank } = await deployCommunity(connection, admins[c], staff[c]);
    await (await bank.connect(admins[c]).setDailyCap(DAILY_CAP)).wait();
    banks.push(bank);
  }
  const addresses = await Promise.all(banks.map((b) => b.getAddress()));
  return { admins, staff, people, partners, outsider, banks, addresses };
}

type Outcome = { ok: true } | { ok: false; error: string; args: string[] };
const ok: Outcome = { ok: true };
const refused = (error: string, ...args: (string | number | bigint)[]): Outcome => ({ ok: false, error, args: args.map(String) });

/** Sends a transaction and decodes its refusal (TimeBank's custom errors, bubbled up from the other bank too). */
async function attempt(bank: TimeBank, send: () => Promise<ContractTransactionResponse>): Promise<Outcome> {
  try {
    await (await send()).wait();
    return ok;
  } catch (error) {
    const data = (error as { data?: string }).data;
    if (typeof data !== "string") throw error;
    const parsed = bank.interface.parseError(data);
    if (!parsed) throw error;
    return { ok: false, error: parsed.name, args: parsed.args.map((a: unknown) => String(a)) };
  }
}

/** The model of every community: who is a member, balances, moves, books (minutes). */
type Model = {
  member: boolean[][];
  balance: number[][];
  movedTo: (number | null)[][];
  issued: number[];
  spent: number[];
};

describe("TimeBank across communities: conservation (property)", function () {
  it("never creates or destroys a minute, and never lets credits into a community that does not recognise the sender", async function () {
    this.timeout(600_000);
    const reached = new Map<string, number>();
    const count = (key: string) => reached.set(key, (reached.get(key) ?? 0) + 1);

    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const f = await networkHelpers.loadFixture(fixture);
        const addr = f.addresses;
        const who = (p: number) => f.people[p].address;
        const accounts = [...f.people, ...f.partners, f.outsider].map((x) => x.address);
        const model: Model = {
          member: s.membership.map((row) => [...row]),
          balance: s.membership.map((row) => row.map(() => 0)),
          movedTo: s.membership.map((row) => row.map(() => null)),
          issued: Array.from({ length: COMMUNITIES }, () => 0),
          spent: Array.from({ length: COMMUNITIES }, () => 0),
        };
        const recognised = s.recognised.map((row, c) => row.map((r, d) => r && c !== d));
        const family = new Set<string>();
        for (let c = 0; c < COMMUNITIES; c++) {
          const bank = f.banks[c];
          for (let d = 0; d < COMMUNITIES; d++) if (recognised[c][d]) await (await bank.connect(f.admins[c]).recogniseCommunity(addr[d])).wait();
          for (let p = 0; p < PEOPLE; p++) if (s.membership[c][p]) await (await bank.connect(f.staff[c]).registerMember(who(p))).wait();
          if (s.partners[c]) await (await bank.connect(f.staff[c]).registerPartner(f.partners[c].address, doc(`partner ${c}`))).wait();
        }
        for (const { c, a, b } of s.families) {
          if (a === b || !s.membership[c][a] || !s.membership[c][b]) continue;
          await (await f.banks[c].connect(f.staff[c]).linkFamily(who(a), who(b), Relation.Child)).wait();
          family.add(`${c}:${a}:${b}`).add(`${c}:${b}:${a}`);
        }

        let note = 0;
        // Opening balances: each member gives the next member of their community a service, confirmed.
        for (let c = 0; c < COMMUNITIES; c++) {
          const members = [...Array(PEOPLE).keys()].filter((p) => s.membership[c][p]);
          if (members.length < 2) continue;
          for (const [i, v] of members.entries()) {
            const r = members[(i + 1) % members.length];
            const servedAt = (await ethers.provider.getBlock("latest"))!.timestamp;
            await (await f.banks[c].connect(f.people[v]).recordService(who(r), OPENING_MINUTES, Category.Companionship, servedAt, doc(`opening ${note++}`))).wait();
            await (await f.banks[c].connect(f.people[r]).confirmService(await f.banks[c].serviceCount())).wait();
            model.balance[c][v] += OPENING_MINUTES;
            model.issued[c] += OPENING_MINUTES;
          }
        }
        for (const o of s.ops) {
          let expected: Outcome;
          let actual: Outcome;
          let label: string;
          if (o.kind === "service") {
            const bank = f.banks[o.c];
            expected = !model.member[o.c][o.v] ? refused("NotMember", who(o.v)) : !model.member[o.c][o.r] ? refused("NotMember", who(o.r)) : o.v === o.r ? refused("SelfService", who(o.v)) : ok;
            const servedAt = (await ethers.provider.getBlock("latest"))!.timestamp;
            actual = await attempt(bank, () => bank.connect(f.people[o.v]).recordService(who(o.r), o.minutes, Category.Other, servedAt, doc(`service ${note++}`)));
            if (actual.ok) {
              const id = await bank.serviceCount();
              await (await bank.connect(f.people[o.r]).confirmService(id)).wait();
              model.balance[o.c][o.v] += o.minutes;
              model.issued[o.c] += o.minutes;
            }
            label = "service";
          } else if (o.kind === "gift") {
            const bank = f.banks[o.c];
            const balance = model.balance[o.c][o.from];
            expected = !model.member[o.c][o.from]
              ? refused("NotMember", who(o.from))
              : !model.member[o.c][o.to]
                ? refused("NotMember", who(o.to))
                : !family.has(`${o.c}:${o.from}:${o.to}`)
                  ? refused("NotFamily", who(o.from), who(o.to))
                  : o.minutes === 0
                    ? refused("ZeroMinutes")
                    : balance < o.minutes
                      ? refused("InsufficientCredit", who(o.from), balance, o.minutes)
                      : ok;
            actual = await attempt(bank, () => bank.connect(f.people[o.from]).gift(who(o.to), o.minutes));
            if (actual.ok) {
              model.balance[o.c][o.from] -= o.minutes;
              model.balance[o.c][o.to] += o.minutes;
            }
            label = "gift";
          } else if (o.kind === "redeem") {
            const bank = f.banks[o.c];
            const balance = model.balance[o.c][o.m];
            const partner = f.partners[o.c].address;
            expected = !model.member[o.c][o.m]
              ? refused("NotMember", who(o.m))
              : !s.partners[o.c]
                ? refused("NotPartner", partner)
                : o.minutes === 0
                  ? refused("ZeroMinutes")
                  : balance < o.minutes
                    ? refused("InsufficientCredit", who(o.m), balance, o.minutes)
                    : ok;
            actual = await attempt(bank, () => bank.connect(f.people[o.m]).redeem(partner, o.minutes, RedemptionKind.Goods, doc(`redeem ${note++}`)));
            if (actual.ok) {
              model.balance[o.c][o.m] -= o.minutes;
              model.spent[o.c] += o.minutes;
            }
            label = "redeem";
          } else if (o.kind === "redeemAt") {
            const bank = f.banks[o.c];
            const balance = model.balance[o.c][o.m];
            const partner = f.partners[o.d].address;
            expected = !model.member[o.c][o.m]
              ? refused("NotMember", who(o.m))
              : o.c === o.d
                ? refused("SelfCommunity", addr[o.d])
                : !recognised[o.c][o.d]
                  ? refused("CommunityNotRecognised", addr[o.d], addr[o.c])
                  : o.minutes === 0
                    ? refused("ZeroMinutes")
                    : balance < o.minutes
                      ? refused("InsufficientCredit", who(o.m), balance, o.minutes)
                      : !recognised[o.d][o.c]
                        ? refused("CommunityNotRecognised", addr[o.c], addr[o.d])
                        : !s.partners[o.d]
                          ? refused("NotPartner", partner)
                          : ok;
            actual = await attempt(bank, () => bank.connect(f.people[o.m]).redeemAt(addr[o.d], partner, o.minutes, RedemptionKind.Service, doc(`abroad ${note++}`)));
            if (actual.ok) {
              model.balance[o.c][o.m] -= o.minutes;
              model.spent[o.d] += o.minutes;
            }
            label = "redeemAt";
          } else if (o.kind === "move") {
            const bank = f.banks[o.c];
            const gone = model.movedTo[o.c][o.m];
            expected =
              gone !== null
                ? refused("AlreadyMoved", who(o.m), addr[gone])
                : !model.member[o.c][o.m]
                  ? refused("NotMember", who(o.m))
                  : o.c === o.d
                    ? refused("SelfCommunity", addr[o.d])
                    : !recognised[o.c][o.d]
                      ? refused("CommunityNotRecognised", addr[o.d], addr[o.c])
                      : !recognised[o.d][o.c]
                        ? refused("CommunityNotRecognised", addr[o.c], addr[o.d])
                        : ok;
            actual = await attempt(bank, () => bank.connect(f.people[o.m]).moveTo(addr[o.d]));
            if (actual.ok) {
              model.balance[o.d][o.m] += model.balance[o.c][o.m];
              model.balance[o.c][o.m] = 0;
              model.member[o.c][o.m] = false;
              model.member[o.d][o.m] = true;
              model.movedTo[o.c][o.m] = o.d;
              model.movedTo[o.d][o.m] = null;
            }
            label = "move";
          } else {
            // An account that is no time bank tries to push credits in: always refused.
            const bank = f.banks[o.d];
            expected = refused("CommunityNotRecognised", f.outsider.address, addr[o.d]);
            actual = await attempt(bank, () => bank.connect(f.outsider).acceptMember(f.outsider.address, o.minutes));
            label = "push";
          }
          expect(actual, `${JSON.stringify(o)}`).to.deep.equal(expected);
          if (actual.ok) count(`ok:${label}`);
          else {
            // Which side refused a cross-community flow: the sender (it does not recognise the target) or the target.
            const side = actual.error !== "CommunityNotRecognised" ? "" : o.kind !== "push" && actual.args[1] === addr[o.c] ? "@sender" : "@target";
            count(`refused:${label}:${actual.error}${side}`);
          }

          // The books after every step.
          let issued = 0n;
          let heldAndSpent = 0n;
          let clearing = 0n;
          for (let c = 0; c < COMMUNITIES; c++) {
            const bank = f.banks[c];
            let held = 0n;
            for (const [p, account] of accounts.entries()) {
              const balance = await bank.balanceOf(account);
              if (p < PEOPLE) expect(balance, `balance of person ${p} in community ${c}`).to.equal(BigInt(model.balance[c][p]));
              held += balance;
            }
            const books = await bank.ledger();
            expect(books.held).to.equal(held);
            expect(books.issued).to.equal(BigInt(model.issued[c]));
            expect(books.spent).to.equal(BigInt(model.spent[c]));
            expect(books.issued + books.clearing).to.equal(books.held + books.spent);
            issued += books.issued;
            heldAndSpent += books.held + books.spent;
            clearing += books.clearing;
          }
          expect(clearing).to.equal(0n);
          expect(issued).to.equal(heldAndSpent);
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 17), endOnFailure: true },
    );

    console.log(`      outcomes reached over ${RUNS} runs: ${[...reached.entries()].sort().map(([k, n]) => `${k} ${n}`).join(", ")}`);
    const required = [
      "ok:service",
      "ok:gift",
      "ok:redeem",
      "ok:redeemAt",
      "ok:move",
      "refused:push:CommunityNotRecognised@target",
      "refused:redeemAt:CommunityNotRecognised@sender",
      "refused:redeemAt:CommunityNotRecognised@target",
      "refused:move:CommunityNotRecognised@sender",
      "refused:move:CommunityNotRecognised@target",
      "refused:move:AlreadyMoved",
      "refused:redeemAt:InsufficientCredit",
      "refused:redeemAt:NotMember",
      "refused:gift:NotFamily",
      "refused:redeem:InsufficientCredit",
    ];
    const missed = required.filter((k) => !reached.has(k));
    expect(missed, "outcomes the generators never reached").to.deep.equal([]);
  });
});
