// Mediation through the real engine on a real LevelDB store, with the real vault (texts) and document store
// (agreements), a clock the test moves and matching over a list of candidates: given seven disputes worked through
// every level and outcome, then the silence sweep escalates exactly the unanswered one, the proposals follow the
// candidates' skills, conflicts and load, and every statistic is what the disputes' histories say (counted by hand
// below); replaying the journal rebuilds the same read models.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Hex } from "viem";
import { openOutbox } from "../../server/src/notifications/outbox.js";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore, type Store } from "../../server/src/store/store.js";
import { openDocuments, type DocumentService } from "../../server/src/services/documents/index.js";
import {
  anyProxyCheck,
  createEngine,
  levelServiceStorage,
  modelName,
  readPage,
  rebuildReadModels,
  snapshotModels,
  submit,
  type Engine,
  type ModelReader,
  type QueryDef,
} from "../../server/src/services/framework/index.js";
import { mediationService, MEDIATION_MODELS, SERVICE, sweepMediation, type MediationStats, type MediatorCandidate } from "../../server/src/services/mediation/index.js";
import { CHAIN_ID, tempDir } from "./helpers/chain.js";
import { newMasterKey, openTestVault, type TestVault } from "./helpers/vault.js";

const HOUR = 3600;
const DAY = 86_400;
/** 2026-05-10 00:00 in Beijing (UTC+8). */
const MAY_10 = Date.UTC(2026, 4, 10) / 1000 - 8 * 3600;
const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Hex;
const STAFF = addr(0xd1);
const M1 = addr(0xb1);
const M2 = addr(0xb2);
const M3 = addr(0xb3);
const ROLES: Record<string, string[]> = { [STAFF]: ["staff"], [M1]: ["mediator"], [M2]: ["mediator"], [M3]: ["mediator"] };

/** Seven disputes, each with a claimant and a respondent of their own (a person per address). */
const CASES = ["a", "b", "c", "d", "e", "f", "g"] as const;
const claimantAddr = (i: number) => addr(0xa10 + i);
const respondentAddr = (i: number) => addr(0xa20 + i);
const PERSONS: Record<string, string[]> = { [M1]: ["p_m1"], [M2]: ["p_m2"], [M3]: ["p_m3"] };
CASES.forEach((c, i) => {
  PERSONS[claimantAddr(i)] = [`p_${c}1`];
  PERSONS[respondentAddr(i)] = [`p_${c}2`];
});
const CANDIDATES: MediatorCandidate[] = [
  { person: "p_m1", address: M1, source: "peoplesMediator", skills: ["mediation"], languages: ["cmn"], building: "1-7", household: "701" },
  { person: "p_m2", address: M2, source: "talentPool", skills: ["construction", "law", "plumbing"], languages: ["cmn", "wuu"], building: "1-3", household: "301" },
  { person: "p_m3", address: M3, source: "peoplesMediator", skills: ["mediation", "psychology"], languages: ["wuu"], building: "1-3", household: "302" },
];

describe("mediation: the engine, the silence sweep, matching and statistics", function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let engine: Engine;
  let vault: TestVault;
  let documents: DocumentService;
  let now = MAY_10;
  const ids: Record<string, string> = {};
  const proposals: Record<string, { mediator: string; source: string }> = {};
  let swept: string[] = [];
  let mediation: ReturnType<typeof mediationService>;
  let outbox: Awaited<ReturnType<typeof openOutbox>>;
  const reader = (): ModelReader => ({
    get: (model, key) => engine.storage.get(modelName(SERVICE, model), key),
    page: (model, options) => readPage(engine.storage, modelName(SERVICE, model), options),
    history: (id, fromVersion, limit) => engine.historyOf(SERVICE, id, fromVersion, limit),
  });
  const stats = (query: Record<string, unknown> = {}) => {
    const q = mediation.service.queries!.find((x) => x.path === "/api/mediation/disputes/stats")! as QueryDef;
    return q.handler({ params: undefined as never, query: { estate: 1, ...query } as never }, reader(), { roles: [] }) as Promise<MediationStats>;
  };

  /** Runs a command as `who` at `at` seconds after 2026-05-10 00:00 (Beijing), as its route does (texts kept). */
  async function act(who: Hex, at: number, command: string, body: Record<string, unknown>, id?: string) {
    now = MAY_10 + at;
    const answer = await submit(engine, { service: SERVICE, command, id, body, principal: { address: who, roles: async () => ROLES[who] ?? [] } });
    return answer.body;
  }
  const file = async (c: (typeof CASES)[number], at: number, category: string, building: number) => {
    const i = CASES.indexOf(c);
    const body = { category, place: { estateId: 1, building }, claimant: `p_${c}1`, respondent: { person: `p_${c}2` }, account: `案情 ${c}`, wish: `诉求 ${c}` };
    ids[c] = (await act(claimantAddr(i), at, "file", body)).id;
  };
  const answer = (c: (typeof CASES)[number], at: number) => act(respondentAddr(CASES.indexOf(c)), at, "respond", { accepts: true }, ids[c]);
  const assign = async (c: (typeof CASES)[number], at: number) => {
    await act(STAFF, at, "assign", {}, ids[c]);
    const row = (await reader().get(MEDIATION_MODELS.disputes, ids[c]!)) as { mediator: { person: string; source: string } };
    proposals[c] = { mediator: row.mediator.person, source: row.mediator.source };
    return row.mediator.person;
  };
  const mediatorAddr = (c: string) => ({ p_m1: M1, p_m2: M2, p_m3: M3 })[proposals[c]!.mediator as "p_m1"]!;
  const agree = async (c: (typeof CASES)[number], at: number) => {
    const m = mediatorAddr(c);
    const stored = await documents.upload({ bytes: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(32)]), declared: "image/png", class: "mediation-agreement", uploader: m, roles: [] });
    await act(m, at, "recordAgreement", { document: stored.meta.hash, signedBy: [`p_${c}1`, `p_${c}2`], performBy: MAY_10 + at + 30 * DAY }, ids[c]);
  };
  /** The mediators' anonymised summaries and terms, as they would write them. */
  const SUMMARIES: Record<string, [string, string]> = {
    a: ["楼上住户深夜拖动家具产生噪音，影响楼下老人休息", "晚十点后不拖动家具，椅脚加装脚垫"],
    b: ["卫生间防水层老化，楼下天花板渗水发霉", "楼上重做防水，承担楼下墙面修复费用的一半"],
    c: ["小区固定车位被他人长期占用，双方对车位归属各执一词", ""],
    g: ["装修施工噪音大，建筑垃圾堆放在楼道", "工作日八点至十八点施工，垃圾当天清运"],
  };
  const close = (c: (typeof CASES)[number], at: number, outcome: string) =>
    act(mediatorAddr(c), at, "close", { outcome, summary: SUMMARIES[c]![0], ...(outcome === "failed" ? {} : { terms: SUMMARIES[c]![1] }) }, ids[c]);

  before(async function () {
    tmp = tempDir("mediation-engine");
    store = await openStore(tmp.dir, [], logEntryEncoding);
    const key = newMasterKey();
    vault = await openTestVault(path.join(tmp.dir, "vault"), key);
    documents = openDocuments({ dataDir: tmp.dir, store, lock: createLock(), chainId: CHAIN_ID, keys: { current: key } });
    outbox = await openOutbox(store, { clock: () => now * 1000 });
    mediation = mediationService({
      personsOf: async (a) => PERSONS[a.toLowerCase()] ?? [],
      peopleOfUnit: async () => [],
      householdsOf: async () => [],
      candidates: async () => CANDIDATES,
      documents,
      vault: vault.vault,
      clock: () => now * 1000,
    });
    engine = createEngine({ services: [mediation.service], storage: levelServiceStorage(store, createLock(), CHAIN_ID, outbox), proxyCheck: anyProxyCheck(), clock: () => now * 1000 });
    await mediation.attach(engine);

    // A: noise in building 3, answered, mediated by p_m1 (p_m2 and p_m3 live in building 3), agreed, resolved at
    // the building level on day 5.
    await file("a", 0, "noise", 3);
    await answer("a", HOUR);
    await assign("a", 2 * HOUR);
    // B: a leak in building 3; the other side stays silent past 7 days: the sweep takes it to the community.
    await file("b", DAY, "leakBetweenFloors", 3);
    // C: parking in building 1, answered; p_m1 carries A (load 1), so p_m3 is proposed; fails on day 9.
    await file("c", 2 * DAY, "parking", 1);
    await answer("c", 2 * DAY + HOUR);
    await assign("c", 2 * DAY + 2 * HOUR);
    // D: noise in building 1, withdrawn by the claimant an hour after filing.
    await file("d", 3 * DAY, "noise", 1);
    await act(claimantAddr(3), 3 * DAY + HOUR, "withdraw", {}, ids.d);
    // E: property fees in building 2: p_m2 (law) is proposed; up to the community, the street, then the court.
    await file("e", 4 * DAY, "propertyFees", 2);
    await answer("e", 4 * DAY + HOUR);
    await assign("e", 4 * DAY + 2 * HOUR);
    await act(mediatorAddr("e"), 4 * DAY + 3 * HOUR, "escalate", { reason: "complex" }, ids.e);
    await act(STAFF, 4 * DAY + 4 * HOUR, "escalate", { reason: "complex" }, ids.e);
    await act(STAFF, 4 * DAY + 5 * HOUR, "escalate", { reason: "failed" }, ids.e);
    await agree("a", 5 * DAY - HOUR);
    await close("a", 5 * DAY, "resolved");
    // G: renovation in building 2: p_m2 (building works, law) is proposed.
    await file("g", 5 * DAY, "renovation", 2);
    await answer("g", 5 * DAY + HOUR);
    await assign("g", 5 * DAY + 2 * HOUR);
    // The sweep on day 8 (B's answer was due on day 8).
    now = MAY_10 + 8 * DAY;
    swept = (await sweepMediation({ engine, clock: () => now * 1000 })).escalated;
    await close("c", 9 * DAY, "failed");
    // B answers late, is assigned at the community level, agreed and partly resolved 20 days after filing.
    await answer("b", 9 * DAY);
    await assign("b", 9 * DAY + HOUR);
    // G is resolved on day 15 and reopened by the other side on day 16: open again.
    await agree("g", 15 * DAY - HOUR);
    await close("g", 15 * DAY, "resolved");
    await act(respondentAddr(6), 16 * DAY, "reopen", { reason: "agreementNotKept" }, ids.g);
    await agree("b", 21 * DAY - HOUR);
    await close("b", 21 * DAY, "partlyResolved");
    // F: pets, filed in June (Beijing time), answered, still being mediated.
    const june = Date.UTC(2026, 5, 2) / 1000 - 8 * 3600;
    await file("f", june - MAY_10, "pets", 5);
    await answer("f", june - MAY_10 + HOUR);
  });

  after(async function () {
    await vault?.close();
    if (store) await closeStore(store);
    tmp?.remove();
  });

  it("the silence sweep escalated exactly the unanswered dispute, once, as by silence", async function () {
    expect(swept).to.deep.equal([ids.b]);
    const b = (await reader().get(MEDIATION_MODELS.disputes, ids.b!)) as { escalations: { from: string; to: string; bySilence: boolean }[] };
    expect(b.escalations.map((e) => [e.from, e.to, e.bySilence])).to.deep.equal([["building", "community", true]]);
    now = MAY_10 + 30 * DAY;
    expect((await sweepMediation({ engine, clock: () => now * 1000 })).escalated, "nothing is due twice").to.deep.equal([]);
    const history = await engine.historyOf(SERVICE, ids.b!, 1, 10);
    expect(history[1]).to.deep.include({ kind: "mediation.escalated", actor: { system: "mediation.sweep" } });
  });

  it("matching proposed by skills without conflict, and by load: the people's mediator carrying a case gave way", function () {
    expect(proposals.a).to.deep.equal({ mediator: "p_m1", source: "peoplesMediator" });
    expect(proposals.c, "p_m1 carried A, so p_m3 (as skilled, no case) was proposed").to.deep.equal({ mediator: "p_m3", source: "peoplesMediator" });
    expect(proposals.e, "property fees: the lawyer from the talent pool").to.deep.equal({ mediator: "p_m2", source: "talentPool" });
    expect(proposals.b, "a leak in building 3: both mediators of building 3 left out").to.deep.equal({ mediator: "p_m1", source: "peoplesMediator" });
  });

  it("the open cases each mediator carries are counted (matching's load)", async function () {
    const loads: Record<string, number> = {};
    for await (const [person, n] of engine.storage.list(modelName(SERVICE, MEDIATION_MODELS.load))) loads[person] = n as number;
    // Open: F (no mediator yet) and G (reopened, still p_m2's). A, B and C closed, E at the court.
    expect(proposals.g).to.deep.equal({ mediator: "p_m2", source: "talentPool" });
    expect(loads).to.deep.equal({ p_m2: 1 });
  });

  it("given the seven disputes, the statistics are the hand counts, with their denominators", async function () {
    const all = await stats();
    // Received 7; open F and G; resolved A; partly resolved B; failed C; withdrawn D; court E.
    expect(all.total).to.deep.include({ received: 7, open: 2, resolved: 1, partlyResolved: 1, failed: 1, withdrawn: 1, escalated: 1, raised: 2, bySilence: 1, concluded: 4 });
    expect(all.total.success).to.deep.equal({ count: 2, of: 4, rate: 0.5 });
    // 枫桥: A settled at the building, B at the community: 2 of the 4 concluded.
    expect(all.total.settledLocally).to.deep.equal({ count: 2, of: 4, rate: 0.5 });
    // A in 5 days, B in 20: the median is 12.5 days.
    expect(all.total.medianSettleSeconds).to.equal(12.5 * DAY);
    const noise = all.byCategory.find((c) => c.category === "noise")!;
    expect(noise).to.deep.include({ received: 2, resolved: 1, withdrawn: 1, concluded: 1, medianSettleSeconds: 5 * DAY });
    expect(noise.success).to.deep.equal({ count: 1, of: 1, rate: 1 });
    expect(noise.name).to.deep.equal({ "zh-CN": "噪音", en: "Noise" });
    expect(all.byLevel.map((l) => [l.level, l.received])).to.deep.equal([["building", 5], ["community", 1], ["court", 1]]);
    expect(all.byLevel.find((l) => l.level === "community")!.settledLocally).to.deep.equal({ count: 1, of: 1, rate: 1 });
    expect(all.byMonth.map((m) => [m.month, m.received])).to.deep.equal([["2026-05", 6], ["2026-06", 1]]);
    // Each level and month with its own rates and denominators, by hand. Building: A resolved (5 days), C failed,
    // D withdrawn, F and G open; community: B partly resolved (20 days), gone up by silence; court: E.
    const rates = (rows: { success: unknown; settledLocally: unknown; medianSettleSeconds: number | null; concluded: number; open: number; raised: number; bySilence: number }[]) =>
      rows.map((r) => [r.concluded, r.open, r.raised, r.bySilence, r.success, r.settledLocally, r.medianSettleSeconds]);
    const r = (count: number, of: number) => ({ count, of, rate: of === 0 ? null : count / of });
    expect(rates(all.byLevel)).to.deep.equal([
      [2, 2, 0, 0, r(1, 2), r(1, 2), 5 * DAY],
      [1, 0, 1, 1, r(1, 1), r(1, 1), 20 * DAY],
      [1, 0, 1, 0, r(0, 1), r(0, 1), null],
    ]);
    // May: A, B, C, D, E, G (G open again); June: F, open.
    expect(rates(all.byMonth)).to.deep.equal([
      [4, 1, 2, 1, r(2, 4), r(2, 4), 12.5 * DAY],
      [0, 1, 0, 0, r(0, 0), r(0, 0), null],
    ]);
    expect(all.byCategory.map((c) => c.category)).to.deep.equal(["noise", "parking", "leakBetweenFloors", "propertyFees", "pets", "renovation"]);
    expect(rates(all.byCategory)).to.deep.equal([
      [1, 0, 0, 0, r(1, 1), r(1, 1), 5 * DAY],
      [1, 0, 0, 0, r(0, 1), r(0, 1), null],
      [1, 0, 1, 1, r(1, 1), r(1, 1), 20 * DAY],
      [1, 0, 1, 0, r(0, 1), r(0, 1), null],
      [0, 1, 0, 0, r(0, 0), r(0, 0), null],
      [0, 1, 0, 0, r(0, 0), r(0, 0), null],
    ]);
    const june = await stats({ from: "2026-06" });
    expect(june.total).to.deep.include({ received: 1, open: 1, concluded: 0 });
    expect(june.total.success).to.deep.equal({ count: 0, of: 0, rate: null });
    const refused = await stats({ from: "2026-07", to: "2026-06" }).catch((e: unknown) => e);
    expect((refused as { code: string }).code).to.equal("mediation_stats_range");
  });

  it("the similar cases hold every closed case with its summary (not a reopened one), and are rebuilt from the vault at start", async function () {
    // A, B and C closed with summaries; G was closed then reopened; D withdrawn and E referred to the court wrote none.
    expect(mediation.similar.size()).to.equal(3);
    const hits = mediation.similar.search({ text: "楼上半夜拖椅子，吵得老人睡不着", category: "noise" });
    expect(hits[0]).to.deep.include({ id: ids.a, category: "noise", level: "building", outcome: "resolved", summary: SUMMARIES.a![0], terms: SUMMARIES.a![1] });
    expect(mediation.similar.search({ text: "天花板渗水" })[0]!.id).to.equal(ids.b);
    expect(mediation.similar.search({ text: "装修垃圾堆在楼道" }).map((h) => h.id), "G is open again").to.not.include(ids.g);
    const restarted = mediationService({ personsOf: async () => [], peopleOfUnit: async () => [], householdsOf: async () => [], candidates: async () => [], vault: vault.vault });
    await restarted.attach(engine);
    expect(restarted.similar.size()).to.equal(3);
    expect(restarted.similar.search({ text: "楼上半夜拖椅子，吵得老人睡不着", category: "noise" })).to.deep.equal(hits);
  });

  it("the other side is told of a filing (with the answer's deadline), the parties of each step that concerns them, by person id only", async function () {
    const entries = (await outbox.list("pending", { limit: 500 })).items;
    const about = (id: string) => entries.filter((e) => e.cause.id === id).map((e) => [e.template, "personId" in e.to ? e.to.personId : "-"]);
    expect(about(ids.d!), "in any order: the outbox lists by delivery id").to.have.deep.members([["mediation.filed", "p_d2"], ["mediation.closed", "p_d1"], ["mediation.closed", "p_d2"]]);
    const filed = entries.find((e) => e.cause.id === ids.a && e.template === "mediation.filed")!;
    expect(filed.params).to.deep.equal({ caseId: ids.a, answerBy: (MAY_10 + 7 * DAY) * 1000 });
    expect(about(ids.a!).map(([t]) => t)).to.include.members(["mediation.assigned", "mediation.closed"]);
    expect(JSON.stringify(entries), "no text of a dispute in the outbox").to.not.match(/案情|诉求|家具/);
  });

  it("replaying the journal rebuilds the same read models", async function () {
    const before = await snapshotModels(engine.storage, [mediation.service]);
    await rebuildReadModels(engine.storage, [mediation.service]);
    expect(await snapshotModels(engine.storage, [mediation.service])).to.deep.equal(before);
  });
});
