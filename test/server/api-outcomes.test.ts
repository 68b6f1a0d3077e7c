// What the API says about votes and emergency spends, held against the chain itself and against the rules written
// from the law (test/helpers/rules.ts), over a Hardhat node process with the indexer at its head:
// - many generated votes (local rules and the default, building and estate scopes, boundaries hit exactly, skipped
//   ballots) whose live progress once closed, and outcome once finalized, equal the contract's outcome and the
//   reference's; the property reports what it reached and fails when a path was never taken;
// - a closed vote's status (at its end exactly, before anyone finalizes it);
// - an emergency spend's disclosure through its life: NotRequired, Pending up to its due second, Overdue one
//   second later, DisclosedLate, each as the contract's own disclosureStatus says at the same block.
import { expect } from "chai";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import path from "node:path";
import { pino } from "pino";
import { parseSignature, signatureToCompactSignature, type Abi, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createApp } from "../../server/src/api/app.js";
import { chainClock } from "../../server/src/api/resources/context.js";
import { resourceDeps, resourceRoutes } from "../../server/src/api/resources/index.js";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import type { Deployment } from "../../server/src/chain/deployment.js";
import { Choice, countBallots, decide, defaultRule, meetsFloor, reaches, scopeWeights, type ChoiceValue, type Fraction, type MatterValue, type OutcomeValue, type Rule, type Tally, type UnitRecord } from "../helpers/rules.js";
import { CHAIN_ID, clients, DEV_KEYS, deployAll, anyFreePort, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { chainTime, doc, travelTo, writer, type Actor, type Writer } from "./helpers/history.js";
import { settingsFor, startIndexer, type Running } from "./helpers/indexer.js";

type Json = Record<string, unknown>;
const OUTCOME_NAMES = ["Pending", "QuorumNotMet", "Passed", "Rejected"] as const;
const DISCLOSURES = ["NotRequired", "Pending", "Overdue", "Disclosed", "DisclosedLate"] as const;

/** A small seeded generator (mulberry32): the same votes every run, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const frac = (numerator: number, denominator: number, strict: boolean, ofTotal: boolean): Fraction => ({ numerator: BigInt(numerator), denominator: BigInt(denominator), strict, ofTotal });

/** Local rules a city might set (each used only for the matters whose floor it meets). */
const LOCAL_RULES: { name: string; rule: Rule }[] = [
  { name: "quorum 3/4, approval 2/3 of participants", rule: { quorum: frac(3, 4, false, true), approval: frac(2, 3, false, false) } },
  { name: "quorum more than 2/3, approval more than 1/2 of all", rule: { quorum: frac(2, 3, true, true), approval: frac(1, 2, true, true) } },
  { name: "quorum 4/5, approval 3/4 of all", rule: { quorum: frac(4, 5, false, true), approval: frac(3, 4, false, true) } },
  { name: "everyone, unanimously", rule: { quorum: frac(1, 1, false, true), approval: frac(1, 1, false, false) } },
  { name: "quorum more than 3/4, approval more than 3/4 of participants", rule: { quorum: frac(3, 4, true, true), approval: frac(3, 4, true, false) } },
];
/** Matters that need no budget: three ordinary, two major. */
const MATTERS: MatterValue[] = [0, 3, 8, 6, 7];
const VOTES = 28;
/**
 * Votes written out first, so that each edge is taken whatever the seed: in building 1's four equal flats (holders
 * 0–3) a strict quorum missed exactly at 3/4, a quorum met exactly at 3/4, a major approval met at exactly 3/4, an
 * approval met at exactly 2/3 of the participants; in building 2, area and heads disagreeing. `rule` indexes
 * LOCAL_RULES, or -1 for the default; `building` indexes the estate's buildings.
 */
const TABLE: { matter: MatterValue; rule: number; building: 0 | 1; ballots: [number, ChoiceValue][] }[] = [
  { matter: 0, rule: 4, building: 0, ballots: [[0, Choice.For], [1, Choice.For], [2, Choice.Against]] },
  { matter: 6, rule: -1, building: 0, ballots: [[0, Choice.For], [1, Choice.For], [2, Choice.For], [3, Choice.Against]] },
  { matter: 8, rule: 0, building: 0, ballots: [[0, Choice.For], [1, Choice.For], [2, Choice.Abstain]] },
  { matter: 3, rule: 1, building: 0, ballots: [[3, Choice.For], [1, Choice.Against], [0, Choice.For]] },
  // Quorum met, nobody in favour: rejected, never passed.
  { matter: 0, rule: -1, building: 0, ballots: [[0, Choice.Against], [1, Choice.Abstain], [2, Choice.Against]] },
  // Building 2 (areas 4,321 / 12,345 / 9,777 / 15,000 / 2,500): the big owners carry the area, not the heads.
  { matter: 0, rule: -1, building: 1, ballots: [[4, Choice.For], [6, Choice.For], [0, Choice.Against], [5, Choice.Against], [7, Choice.Against]] },
  { matter: 8, rule: -1, building: 1, ballots: [[4, Choice.For], [6, Choice.For], [5, Choice.Against]] },
];
const SEED = 18_2026;

function newActor(): Actor {
  const key = generatePrivateKey();
  return { key, address: privateKeyToAccount(key).address };
}

const toThreshold = (f: Fraction) => ({ numerator: Number(f.numerator), denominator: Number(f.denominator), strict: f.strict, ofTotal: f.ofTotal });

/** The least part that reaches `f` of `base`, by the reference's own `reaches`: reaches at it, not one below. */
function expectLeast(what: string, part: bigint, base: bigint, f: Fraction): void {
  expect(reaches(part, base, f), `${what}: ${part} of ${base} reaches the threshold`).to.equal(true);
  if (part > 0n) expect(reaches(part - 1n, base, f), `${what}: ${part - 1n} of ${base} does not`).to.equal(false);
}

describe("API outcomes and states against the chain and the rules", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let deployment: Deployment;
  const admin = DEV_KEYS[0];
  let holders: Actor[] = [];
  let estateId = 0;
  const buildings: number[] = [];
  const units: UnitRecord[] = [];
  const unitIds: number[] = [];
  const seatHolder = newActor();
  const custodian = newActor();
  let running: Running;
  let server: Server;
  let base: string;
  let send: Writer;
  let client: ReturnType<typeof clients>["publicClient"];

  async function ok(path_: string): Promise<Json> {
    const res = await fetch(`${base}${path_}`);
    const body = (await res.json()) as Json;
    expect(res.status, `${path_}: ${JSON.stringify(body)}`).to.equal(200);
    return body;
  }
  const read = (contract: string, functionName: string, args: unknown[] = [], blockNumber?: bigint) =>
    client.readContract({ address: deployment.contracts[contract].address, abi: loadArtifact(contract).abi as Abi, functionName, args, blockNumber });

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("api-outcomes");
    let file: string;
    ({ deployment, file } = await deployAll(node.url, tmp.dir));
    running = await startIndexer(settingsFor(node.url, file, path.join(tmp.dir, "db")));
    send = writer(node.url, deployment);
    client = clients(node.url).publicClient;
    const registryAbi = loadArtifact("CommunityRegistry").abi as Abi;
    const regRead = (fn: string, args: unknown[] = []) => client.readContract({ address: deployment.contracts.CommunityRegistry.address, abi: registryAbi, functionName: fn, args });

    // An estate of three buildings: four equal flats (fractions land exactly on thresholds), five owners of
    // uneven areas (one with two flats, one also owning in building 1), and three huge areas near the vote's
    // uint48 limit for a scope (2^45 each: the estate's total is about 1.06e14 of 2.8e14).
    holders = Array.from({ length: 11 }, newActor);
    const h = holders.map((x) => x.address);
    const developer = privateKeyToAccount(generatePrivateKey()).address;
    const events = await send(admin, "CommunityRegistry", "createEstate", [developer]);
    estateId = Number(events.find((e) => e.eventName === "EstateCreated")!.args.estateId);
    for (let i = 0; i < 3; i++) buildings.push(Number((await send(admin, "CommunityRegistry", "addBuilding", [estateId])).find((e) => e.eventName === "BuildingAdded")!.args.buildingId));
    const layout: [number, [bigint, Address][]][] = [
      [buildings[0]!, [[10_000n, h[0]!], [10_000n, h[1]!], [10_000n, h[2]!], [10_000n, h[3]!]]],
      [buildings[1]!, [[4_321n, h[0]!], [12_345n, h[4]!], [777n, h[5]!], [9_000n, h[5]!], [15_000n, h[6]!], [2_500n, h[7]!]]],
      [buildings[2]!, [[2n ** 45n + 7n, h[8]!], [2n ** 45n, h[9]!], [2n ** 45n - 3n, h[10]!]]],
    ];
    for (const [b, list] of layout) {
      const registered = await send(admin, "CommunityRegistry", "registerUnits", [b, list.map(([a]) => a), list.map(([, who]) => who)]);
      unitIds.push(...registered.filter((e) => e.eventName === "UnitRegistered").map((e) => Number(e.args.unitId)));
      units.push(...list.map(([area, holder]) => ({ buildingId: BigInt(b), area, holder })));
    }
    // The admin opens votes (a committee seat) and relays signed ballots; two more seats and a custodian for the fund.
    const adminAddress = privateKeyToAccount(admin).address;
    const seat = await regRead("estateRole", [await regRead("COMMITTEE_ROLE"), estateId]);
    for (const who of [adminAddress, seatHolder.address]) await send(admin, "CommunityRegistry", "grantRole", [seat, who]);
    await send(admin, "CommunityRegistry", "grantRole", [await regRead("RELAYER_ROLE"), adminAddress]);
    await send(admin, "CommunityRegistry", "grantRole", [await regRead("CUSTODIAN_ROLE"), custodian.address]);
    for (const a of [seatHolder, custodian]) await rpc(node.url, "hardhat_setBalance", [a.address, "0x56BC75E2D63100000"]);
    // The chain's clock read afresh for every request (not once a second): each check follows a time travel.
    const deps = { ...resourceDeps(running.service, deployment, client), now: chainClock(client, 0) };
    const app = createApp({
      routes: resourceRoutes(deps),
      logger: pino({ level: "silent" }),
      corsOrigins: [],
      rateLimit: { windowMs: 60_000, limit: 100_000 },
      bodyLimit: "16kb",
      version: "test",
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await running.waitForHead();
  });
  after(async function () {
    server?.close();
    await running?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("says, for many generated votes, what the contract decides: progress once closed, outcome once finalized, equal to the reference", async function () {
    const random = seeded(SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const voteAddress = deployment.contracts.OwnersVote.address;
    const sign = async (key: Hex, voteId: bigint, holder: Address, choice: number) => {
      const signature = await privateKeyToAccount(key).signTypedData({
        domain: { name: "Gongzhi OwnersVote", version: "1", chainId: CHAIN_ID, verifyingContract: voteAddress },
        types: { Ballot: [{ name: "voteId", type: "uint256" }, { name: "holder", type: "address" }, { name: "choice", type: "uint8" }] },
        primaryType: "Ballot",
        message: { voteId, holder, choice },
      });
      const { r, yParityAndS } = signatureToCompactSignature(parseSignature(signature));
      return { holder, choice, r, vs: yParityAndS };
    };

    // What the generated votes reached: the property fails below if any of these stayed at zero.
    const reached: Record<string, number> = {
      "outcome QuorumNotMet": 0,
      "outcome Passed": 0,
      "outcome Rejected": 0,
      "default rule": 0,
      "local rule": 0,
      "approval counted of the scope's total": 0,
      "strict quorum": 0,
      "building scope": 0,
      "estate scope": 0,
      "huge areas": 0,
      "quorum met exactly at its threshold": 0,
      "strict quorum missed exactly at its threshold": 0,
      "approval met exactly at its threshold": 0,
      "quorum met by area, not by heads (or the reverse)": 0,
      "approval met by area, not by heads (or the reverse)": 0,
      "nobody in favour": 0,
      "ballot skipped: not a holder in the scope": 0,
      "ballot skipped: repeated": 0,
      "ballot skipped: invalid choice": 0,
    };
    const count = (path_: string) => (reached[path_] = (reached[path_] ?? 0) + 1);

    // Open every vote in one window (rules set or cleared before each opening, as a city would), then cast.
    const t0 = await chainTime(node.url);
    const start = t0 + 900;
    const end = t0 + 1800;
    const active = new Map<number, boolean>();
    type Generated = { voteId: bigint; matter: MatterValue; rule: Rule; local: boolean; scope: number; weights: Map<string, bigint>; ballots: { holder: string; choice: ChoiceValue }[]; row?: number };
    const generated: Generated[] = [];
    for (let i = 0; i < VOTES; i++) {
      const row = TABLE[i];
      const matter = row?.matter ?? pick(MATTERS);
      const candidates = LOCAL_RULES.filter((l) => meetsFloor(l.rule, matter));
      const local = row ? row.rule >= 0 : random() < 0.65 && candidates.length > 0;
      const rule = row ? (row.rule >= 0 ? LOCAL_RULES[row.rule]!.rule : defaultRule(matter)) : local ? pick(candidates).rule : defaultRule(matter);
      expect(meetsFloor(rule, matter), `table row ${i}: the rule meets the floor`).to.equal(true);
      if (local) {
        await send(admin, "OwnersVote", "setRule", [estateId, matter, { quorum: toThreshold(rule.quorum), approval: toThreshold(rule.approval) }]);
        active.set(matter, true);
      } else if (active.get(matter)) {
        await send(admin, "OwnersVote", "clearRule", [estateId, matter]);
        active.set(matter, false);
      }
      const scope = row ? buildings[row.building]! : pick([0, ...buildings, buildings[0]!, buildings[1]!]);
      const opened = await send(admin, "OwnersVote", "openVote", [estateId, scope, matter, doc(`generated vote ${i}`), start, end, 0n]);
      const voteId = opened.find((e) => e.eventName === "VoteOpened")!.args.voteId as bigint;
      generated.push({ voteId, matter, rule, local, scope, weights: scopeWeights(units, BigInt(scope)), ballots: [], row: i < TABLE.length ? i : undefined });
    }
    await travelTo(node.url, start);
    for (const g of generated) {
      // Each vote leans differently, so that all outcomes and boundaries come up: how many take part, how many agree.
      const turnout = pick([0.5, 0.75, 0.9, 1]);
      const favour = pick([0.2, 0.5, 0.8, 1]);
      const batch: Awaited<ReturnType<typeof sign>>[] = [];
      if (g.row !== undefined) {
        for (const [who, choice] of TABLE[g.row]!.ballots) batch.push(await sign(holders[who]!.key, g.voteId, holders[who]!.address, choice));
      }
      for (const x of g.row === undefined ? holders : []) {
        const eligible = g.weights.has(x.address.toLowerCase());
        if (!eligible && random() > 0.1) continue;
        if (eligible && random() > turnout) continue;
        const roll = random();
        let choice: number = roll < favour ? Choice.For : roll < favour + (1 - favour) * 0.7 ? Choice.Against : Choice.Abstain;
        if (random() < 0.04) choice = pick([0, 4]); // not a choice: skipped by the contract
        batch.push(await sign(x.key, g.voteId, x.address, choice));
        if (random() < 0.08) batch.push(await sign(x.key, g.voteId, x.address, pick([1, 2, 3]))); // a second ballot: skipped
      }
      if (batch.length === 0) continue;
      // Shuffle, then cast in one or two batches (a ballot repeated in a later batch is refused as already voted).
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      }
      const cut = random() < 0.5 ? batch.length : Math.max(1, Math.floor(batch.length / 2));
      for (const part of [batch.slice(0, cut), batch.slice(cut)]) {
        if (part.length === 0) continue;
        const cast = await send(admin, "OwnersVote", "castBallotBatch", [g.voteId, part]);
        for (const e of cast.filter((x) => x.eventName === "BallotSkipped")) {
          const reason = Number(e.args.reason);
          count(reason === 0 ? "ballot skipped: invalid choice" : [2].includes(reason) ? "ballot skipped: not a holder in the scope" : reason >= 3 ? "ballot skipped: repeated" : `ballot skipped: reason ${reason}`);
        }
      }
      g.ballots = batch.map((b) => ({ holder: b.holder, choice: (b.choice >= 1 && b.choice <= 3 ? b.choice : Choice.None) as ChoiceValue }));
    }
    expect(await chainTime(node.url), "the ballots were cast before the window closed").to.be.below(end);

    // Closed at its end exactly, nobody has finalized: the API says "closed", with the outcome finalizing will give.
    await travelTo(node.url, end);
    await running.waitForHead();
    const closedIds = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await ok(`/api/votes?estateId=${estateId}&status=closed&limit=100${cursor ? `&cursor=${cursor}` : ""}`);
      for (const v of page.items as Json[]) closedIds.add(v.id as string);
      cursor = page.nextCursor as string | undefined;
    } while (cursor);
    expect([...closedIds].sort(), "every generated vote is listed as closed").to.deep.equal(generated.map((g) => String(g.voteId)).sort());

    const projected = new Map<bigint, OutcomeValue>();
    for (const g of generated) {
      const what = `vote ${g.voteId} (${JSON.stringify({ matter: g.matter, scope: g.scope, local: g.local, ballots: g.ballots.length })})`;
      const expected = countBallots(g.weights, g.ballots);
      const outcome = decide(expected, g.rule);
      const api = await ok(`/api/votes/${g.voteId}`);
      expect([api.status, api.outcome], what).to.deep.equal(["closed", "Pending"]);
      expect(api.rule, what).to.deep.equal({ quorum: toThreshold(g.rule.quorum), approval: toThreshold(g.rule.approval) });
      expect(api.rule, `${what}: the contract's rule`).to.deep.equal(await read("OwnersVote", "ruleOfVote", [g.voteId]));
      const tally = api.tally as Record<string, string | number>;
      const chain = (await read("OwnersVote", "tallyOf", [g.voteId])) as Record<string, bigint | number>;
      const fields: (keyof Tally)[] = ["areaFor", "areaAgainst", "areaAbstain", "totalArea", "headsFor", "headsAgainst", "headsAbstain", "totalHeads"];
      for (const f of fields) {
        expect(BigInt(tally[f]!), `${what}: ${f} against the reference`).to.equal(expected[f]);
        expect(BigInt(chain[f]!), `${what}: ${f} against the contract`).to.equal(expected[f]);
      }
      const p = api.progress as Record<string, string | number | boolean>;
      const areaIn = expected.areaFor + expected.areaAgainst + expected.areaAbstain;
      const headsIn = expected.headsFor + expected.headsAgainst + expected.headsAbstain;
      const quorumByArea = reaches(areaIn, expected.totalArea, g.rule.quorum);
      const quorumByHeads = reaches(headsIn, expected.totalHeads, g.rule.quorum);
      const areaBase = g.rule.approval.ofTotal ? expected.totalArea : areaIn;
      const headsBase = g.rule.approval.ofTotal ? expected.totalHeads : headsIn;
      const approvalByArea = reaches(expected.areaFor, areaBase, g.rule.approval);
      const approvalByHeads = reaches(expected.headsFor, headsBase, g.rule.approval);
      expect(p.projectedOutcome, what).to.equal(OUTCOME_NAMES[outcome]);
      expect([p.participatingArea, p.participatingHeads, p.quorumMet, p.approvalMet], what).to.deep.equal([
        areaIn.toString(),
        Number(headsIn),
        quorumByArea && quorumByHeads,
        expected.headsFor > 0n && approvalByArea && approvalByHeads,
      ]);
      expectLeast(`${what} quorumArea`, BigInt(p.quorumArea as string), expected.totalArea, g.rule.quorum);
      expectLeast(`${what} quorumHeads`, BigInt(p.quorumHeads as number), expected.totalHeads, g.rule.quorum);
      expectLeast(`${what} approvalAreaNeeded`, BigInt(p.approvalAreaNeeded as string), areaBase, g.rule.approval);
      const headsNeeded = BigInt(p.approvalHeadsNeeded as number);
      if (headsNeeded > 1n) expectLeast(`${what} approvalHeadsNeeded`, headsNeeded, headsBase, g.rule.approval);
      else expect(reaches(1n, headsBase, g.rule.approval) || headsBase === 0n || headsNeeded === 1n, what).to.equal(true);
      projected.set(g.voteId, outcome);

      count(`outcome ${OUTCOME_NAMES[outcome]}`);
      count(g.local ? "local rule" : "default rule");
      if (g.rule.approval.ofTotal) count("approval counted of the scope's total");
      if (g.rule.quorum.strict) count("strict quorum");
      count(g.scope === 0 ? "estate scope" : "building scope");
      if (expected.totalArea > 2n ** 45n) count("huge areas");
      const exactly = (part: bigint, whole: bigint, f: Fraction) => part * f.denominator === f.numerator * whole;
      if (exactly(areaIn, expected.totalArea, g.rule.quorum) || exactly(headsIn, expected.totalHeads, g.rule.quorum)) {
        count(g.rule.quorum.strict ? "strict quorum missed exactly at its threshold" : "quorum met exactly at its threshold");
      }
      if (quorumByArea && quorumByHeads && !g.rule.approval.strict && (exactly(expected.areaFor, areaBase, g.rule.approval) || exactly(expected.headsFor, headsBase, g.rule.approval))) {
        count("approval met exactly at its threshold");
      }
      if (quorumByArea !== quorumByHeads) count("quorum met by area, not by heads (or the reverse)");
      if (quorumByArea && quorumByHeads && approvalByArea !== approvalByHeads) count("approval met by area, not by heads (or the reverse)");
      if (quorumByArea && quorumByHeads && expected.headsFor === 0n) count("nobody in favour");
    }

    // Finalized by anyone: the contract decides what the API projected, and the API then says so.
    for (const g of generated) {
      const finalized = await send(admin, "OwnersVote", "finalize", [g.voteId]);
      const decided = Number(finalized.find((e) => e.eventName === "VoteFinalized")!.args.outcome);
      expect(decided, `vote ${g.voteId}: the contract's outcome`).to.equal(projected.get(g.voteId));
    }
    await running.waitForHead();
    for (const g of generated) {
      const api = await ok(`/api/votes/${g.voteId}`);
      expect([api.status, api.outcome], `vote ${g.voteId}`).to.deep.equal(["finalized", OUTCOME_NAMES[projected.get(g.voteId)!]]);
      expect(api.finalizedTxHash, `vote ${g.voteId}`).to.match(/^0x[0-9a-f]{64}$/);
    }

    console.log(`      reached over ${VOTES} votes (seed ${SEED}): ${Object.entries(reached).map(([k, n]) => `${k} ${n}`).join(", ")}`);
    const never = Object.entries(reached).filter(([, n]) => n === 0).map(([k]) => k);
    expect(never, "paths the generated votes never reached (change VOTES or SEED, or the generator)").to.deep.equal([]);
  });

  it("shows an emergency spend's disclosure as the contract does: not required, pending to the second it is due, overdue after, disclosed late", async function () {
    // A policy of 15 days to disclose (not the default 30), the four equal flats of building 1 funded, and an
    // emergency proposed by one committee member, approved by another, confirmed by the custodian.
    await send(admin, "MaintenanceFund", "setEmergencyPolicy", [estateId, 500_000n, 1_000_000n, 365, 15]);
    for (const unitId of unitIds.slice(0, 4)) await send(custodian.key, "MaintenanceFund", "deposit", [unitId, 100_000n, doc(`bank receipt ${unitId}`)]);
    const proposed = await send(admin, "MaintenanceFund", "proposeEmergency", [estateId, buildings[0], 100_000n, doc("lift stuck between floors")]);
    const planId = BigInt(proposed.find((e) => e.eventName === "EmergencyProposed")!.args.planId as bigint);
    const states: string[] = [];
    /** The API's state for the plan (its summary and the list agree) and the contract's own at the same block. */
    const both = async (): Promise<[string, string]> => {
      await running.waitForHead();
      const block = await client.getBlockNumber({ cacheTime: 0 });
      const one = await ok(`/api/fund/plans/${planId}`);
      const listed = ((await ok(`/api/fund/plans?estateId=${estateId}&kind=emergency`)).items as Json[]).find((p) => p.id === String(planId));
      expect(listed?.disclosure, "the list says what the plan's page says").to.equal(one.disclosure);
      const chain = DISCLOSURES[Number(await read("MaintenanceFund", "disclosureStatus", [planId], block))]!;
      states.push(one.disclosure as string);
      return [one.disclosure as string, chain];
    };
    expect(await both()).to.deep.equal(["NotRequired", "NotRequired"]);
    await send(seatHolder.key, "MaintenanceFund", "approveEmergency", [planId]);
    const confirmed = await send(custodian.key, "MaintenanceFund", "confirmEmergency", [planId]);
    const due = Number(confirmed.find((e) => e.eventName === "EmergencyConfirmed")!.args.disclosureDue);
    expect(due, "15 days after the confirmation's block").to.equal((await chainTime(node.url)) + 15 * 86400);
    expect(await both()).to.deep.equal(["Pending", "Pending"]);
    expect((await ok(`/api/fund/plans/${planId}`)).disclosureDue).to.equal(due);
    // At the due second itself it is still pending.
    await travelTo(node.url, due);
    expect(await chainTime(node.url)).to.equal(due);
    expect(await both()).to.deep.equal(["Pending", "Pending"]);
    await travelTo(node.url, due + 1);
    expect(await both()).to.deep.equal(["Overdue", "Overdue"]);
    expect((await ok(`/api/fund/plans?estateId=${estateId}&kind=emergency`)).items as Json[]).to.satisfy((items: Json[]) => items.some((p) => p.disclosure === "Overdue"));
    await send(admin, "MaintenanceFund", "discloseEmergency", [planId, doc("late notice to owners")]);
    expect(await both()).to.deep.equal(["DisclosedLate", "DisclosedLate"]);
    expect(((await ok(`/api/fund/plans/${planId}`)).disclosureRecord as Json).late).to.equal(true);
    expect(states).to.deep.equal(["NotRequired", "Pending", "Pending", "Overdue", "DisclosedLate"]);
  });
});
