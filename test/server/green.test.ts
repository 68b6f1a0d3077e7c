// The green account (services/green). First its rules as given/when/then on plain data: the ledger's states
// (pending → active by a volunteer's confirmation or a passed sample → spent or expired; rejected), and every
// refusal of a decision (daily cap, a bin too fast, expired points, too few points, out of stock, not a volunteer,
// not the item's partner, a card not in force), with a fast-check property that a household's points are always
// exactly accounted for. Then through the real server over a real Hardhat node and LevelDB: bins registered as
// devices of kind smartBin send signed events to /api/green/sorting; a wrong device, a wrong signature, a stale
// timestamp, another kind of device, an unknown card and a too-fast bin are refused and record nothing; a repeated
// event is counted once; the volunteer confirms; a partner scans the card and redeems; the stats and the
// partner's page agree with what happened.
import { expect } from "chai";
import fc from "fast-check";
import path from "node:path";
import { pino } from "pino";
import { loadServerSettings } from "../../server/src/config/server.js";
import { readJournal } from "../../server/src/receipts/log.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { signDeviceRequest } from "../../server/src/services/devices/index.js";
import { given, type ServiceDef } from "../../server/src/services/framework/index.js";
import {
  balancesOf,
  CardIssued,
  cardKeyOf,
  cardMatches,
  cardUri,
  Confirmed,
  DEFAULT_SETTINGS,
  greenServices,
  inSample,
  ItemAdded,
  Redeemed,
  SettingsChanged,
  Sorted,
  statusOf,
  type GreenSettings,
  type GreenState,
} from "../../server/src/services/green/index.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";
import { httpClient, type Answer } from "./helpers/siwe-http.js";

const DAY = 86_400;
const T0 = 1_780_000_000;
const KEY = cardKeyOf(Buffer.alloc(32, 7));
const made = greenServices({
  cardKey: KEY,
  householdsOf: async () => [],
  buildings: async () => [],
  partnersOf: async () => [],
  partnerName: async () => undefined,
  unitOf: async () => undefined,
  offerAccepts: async () => false,
});
const green = made.services[0]! as ServiceDef<GreenState>;
const SETTINGS: GreenSettings = { ...DEFAULT_SETTINGS, dailyCap: 6, minIntervalSeconds: 10, expiryDays: 30, sampleRatePercent: 100 };
const VOLUNTEER = { address: "0x00000000000000000000000000000000000000b1" as const };
const SHOP = { address: "0x00000000000000000000000000000000000000c1" as const };
const SYSTEM = { actor: { system: "green.sorting" }, roles: ["system"] };
const ev = (eventId: string, at: number, more: Partial<{ kind: string; correct: boolean; device: string }> = {}) => ({ device: "bin-1", eventId, kind: "kitchen", correct: true, weightGrams: 800, at, binBuilding: 1, ...more });
const sorted = (entry: number, at: number, points = 2, sampled = true) => Sorted({ entry, device: "bin-1", eventId: `e${entry}`, kind: "kitchen", correct: true, weightGrams: 800, points, sampled, at, day: new Date((at + 8 * 3600) * 1000).toISOString().slice(0, 10), binBuilding: 1 });
const card = CardIssued({ unitId: 7, estateId: 1, building: 1, serial: 0 });
const item = { item: "i1", partner: "p1", offerId: "o1", title: "洗衣液", titleEn: "Detergent", points: 4, stock: 2 };

describe("green account: rules", function () {
  it("a bin's event is credited pending, with the kind's points; a wrong sorting earns none", function () {
    const s = given(green, [card]);
    s.when("sort", ev("e1", T0), { ...SYSTEM, facts: { settings: SETTINGS }, id: "h-7" }).then([sorted(1, T0)]);
    const wrong = s.when("sort", ev("e2", T0, { correct: false }), { ...SYSTEM, facts: { settings: SETTINGS }, id: "h-7" });
    expect((wrong.records![0]!.payload as { points: number; sampled: boolean })).to.include({ points: 0, sampled: false });
  });

  it("refuses a bin faster than its minimum interval, and credits past the daily cap", function () {
    const s = given(green, [card, sorted(1, T0), sorted(2, T0 + 60)]);
    s.when("sort", ev("e3", T0 + 65), { ...SYSTEM, facts: { settings: SETTINGS, binLast: T0 + 60 } }).thenRefused("green_device_too_fast", { device: "bin-1", seconds: 5, min: 10 }, 429);
    s.when("sort", ev("e3", T0 + 70), { ...SYSTEM, facts: { settings: SETTINGS, binLast: T0 + 60 } }).then([sorted(3, T0 + 70)]);
    const full = given(green, [card, sorted(1, T0), sorted(2, T0 + 60), sorted(3, T0 + 120)]);
    full.when("sort", ev("e4", T0 + 200), { ...SYSTEM, facts: { settings: SETTINGS } }).thenRefused("green_daily_cap", { household: "x1", day: "2026-05-29", credited: 6, cap: 6 }, 409);
    // The next day (China time) earns again.
    full.when("sort", ev("e4", T0 + DAY), { ...SYSTEM, facts: { settings: SETTINGS } }).then([sorted(4, T0 + DAY)]);
    // Only the server's webhook may credit.
    given(green, [card]).when("sort", ev("e1", T0), { roles: ["staff"] }).thenRefused("forbidden", undefined, 403);
  });

  it("the volunteer confirms (active) or rejects; others may not; a confirmed event is not confirmed again", function () {
    const s = given(green, [card, sorted(1, T0)]);
    s.when("confirm", { entry: 1, correct: true }, { actor: VOLUNTEER, facts: { volunteer: true } }).then([Confirmed({ entry: 1, correct: true })]);
    s.when("confirm", { entry: 1, correct: true }, { actor: SHOP, facts: { volunteer: false } }).thenRefused("green_not_volunteer", {}, 403);
    s.when("confirm", { entry: 1, correct: false }, { roles: ["staff"] }).then([Confirmed({ entry: 1, correct: false })]);
    s.when("confirm", { entry: 9, correct: true }, { roles: ["staff"] }).thenRefused("green_unknown_entry", undefined, 404);
    given(green, [card, sorted(1, T0), Confirmed({ entry: 1, correct: true })]).when("confirm", { entry: 1, correct: true }, { roles: ["staff"] }).thenRefused("green_entry_not_pending", { household: "x1", entry: 1, status: "confirmed" }, 409);
  });

  it("the state machine: pending → active → spent, pending → rejected, active → expired, and a passed sample activates the rest of its bin-day", function () {
    const s = given(green, [card, sorted(1, T0), sorted(2, T0 + 60), sorted(3, T0 + 120, 2, false), Confirmed({ entry: 1, correct: true }), Confirmed({ entry: 2, correct: false })]);
    const [e1, e2, e3] = s.state.entries;
    const none = new Set<string>();
    expect([statusOf(e1!, T0 + 200, SETTINGS, none), statusOf(e2!, T0 + 200, SETTINGS, none), statusOf(e3!, T0 + 200, SETTINGS, none)]).to.deep.equal(["active", "rejected", "pending"]);
    const passed = new Set([`bin-1/${e3!.day}`]);
    expect(statusOf(e3!, T0 + 200, SETTINGS, passed)).to.equal("active");
    expect(statusOf(e1!, T0 + 30 * DAY, SETTINGS, none)).to.equal("expired");
    expect(balancesOf(s.state.entries, T0 + 200, SETTINGS, passed)).to.deep.equal({ pending: 0, active: 4, spent: 0, expired: 0, rejected: 2 });
    const spent = given(green, [card, sorted(1, T0), Confirmed({ entry: 1, correct: true }), Redeemed({ redemption: 1, partner: "p1", item: "i1", quantity: 1, points: 2, from: [{ entry: 1, points: 2 }] })]);
    expect(statusOf(spent.state.entries[0]!, T0 + 200, SETTINGS, none)).to.equal("spent");
    // The sample: deterministic per event, about the configured share.
    const hits = Array.from({ length: 2000 }, (_, i) => inSample("bin-1", `e${i}`, 10)).filter(Boolean).length;
    expect(hits).to.be.within(150, 250);
  });

  it("redeeming: the card in force, the item's partner, stock, active points (expired ones named), oldest first", function () {
    const uri = cardUri(KEY, "h-7", 0);
    const base = [card, sorted(1, T0), sorted(2, T0 + DAY), Confirmed({ entry: 1, correct: true }), Confirmed({ entry: 2, correct: true })];
    const facts = (more: object = {}) => ({ settings: SETTINGS, passed: [], cardMatches: true, itemPartner: true, item: { ...item, left: 2 }, ...more });
    const s = given(green, base);
    s.when("redeem", { card: uri, item: "i1", quantity: 1 }, { actor: SHOP, now: T0 + 2 * DAY, facts: facts() }).then([Redeemed({ redemption: 1, partner: "p1", item: "i1", quantity: 1, points: 4, from: [{ entry: 1, points: 2 }, { entry: 2, points: 2 }] })]);
    s.when("redeem", { card: uri, item: "i1", quantity: 1 }, { actor: SHOP, facts: facts({ cardMatches: false }) }).thenRefused("green_unknown_card", {}, 404);
    s.when("redeem", { card: uri, item: "i1", quantity: 1 }, { actor: SHOP, facts: facts({ itemPartner: false }) }).thenRefused("green_not_partner", { item: "i1" }, 403);
    s.when("redeem", { card: uri, item: "i1", quantity: 3 }, { actor: SHOP, facts: facts() }).thenRefused("green_out_of_stock", { item: "i1", left: 2, quantity: 3 }, 409);
    s.when("redeem", { card: uri, item: "i1", quantity: 2 }, { actor: SHOP, now: T0 + 2 * DAY, facts: facts() }).thenRefused("green_points_insufficient", { needed: 8, active: 4, pending: 0 }, 409);
    // Thirty days after the first event its points have expired: 2 active, 2 expired, 4 needed.
    s.when("redeem", { card: uri, item: "i1", quantity: 1 }, { actor: SHOP, now: T0 + 30 * DAY + 10, facts: facts() }).thenRefused("green_points_expired", { needed: 4, active: 2, expired: 2 }, 409);
    // Staff may redeem (e.g. acting for the household); a pending point never pays.
    given(green, [card, sorted(1, T0), sorted(2, T0 + 60)]).when("redeem", { card: uri, item: "i1", quantity: 1 }, { roles: ["staff"], facts: facts({ itemPartner: false }) }).thenRefused("green_points_insufficient", { needed: 4, active: 0, pending: 4 }, 409);
  });

  it("cards: a card issued again makes the one before fail; a card is the household's or staff's to issue", function () {
    const first = cardUri(KEY, "h-7", 0);
    expect(cardMatches(KEY, first, "h-7", 0)).to.equal(true);
    expect(cardMatches(KEY, first, "h-7", 1)).to.equal(false);
    expect(cardMatches(KEY, first.replace("h-7", "h-8"), "h-8", 0)).to.equal(false);
    expect(cardMatches(cardKeyOf(Buffer.alloc(32, 8)), first, "h-7", 0)).to.equal(false);
    const unit = { estateId: 1, building: 1 };
    given(green, []).when("issueCard", { unitId: 7 }, { facts: { unit, own: true } }).then([CardIssued({ unitId: 7, estateId: 1, building: 1, serial: 0 })]);
    given(green, [card]).when("issueCard", { unitId: 7 }, { roles: ["staff"], facts: { unit, own: false } }).then([CardIssued({ unitId: 7, estateId: 1, building: 1, serial: 1 })]);
    given(green, []).when("issueCard", { unitId: 7 }, { facts: { unit, own: false } }).thenRefused("green_not_your_household", { unitId: 7 }, 403);
    given(green, []).when("issueCard", { unitId: 7 }, { facts: { own: true } }).thenRefused("green_unknown_household", { unitId: 7 }, 404);
    given(green, []).when("setSettings", SETTINGS, { roles: ["staff"] }).then([SettingsChanged(SETTINGS)]);
    given(green, []).when("addItem", { partner: "p1", offerId: "o1", title: "洗衣液", titleEn: "Detergent", points: 4, stock: 2 }, { roles: ["staff"], facts: { offerAccepts: false } }).thenRefused("green_offer_not_accepting", { partner: "p1", offerId: "o1" }, 409);
    given(green, []).when("addItem", { partner: "p1", offerId: "o1", title: "洗衣液", titleEn: "Detergent", points: 4, stock: 2 }, { roles: ["staff"], facts: { offerAccepts: true } }).then([ItemAdded(item)]);
  });

  it("property: whatever happens, pending + active + spent + expired + rejected is every point credited", function () {
    const step = fc.oneof(
      fc.record({ t: fc.constant("sort" as const), correct: fc.boolean(), kind: fc.constantFrom("kitchen", "recyclable", "hazardous", "other"), gap: fc.integer({ min: 0, max: 3 * DAY }) }),
      fc.record({ t: fc.constant("confirm" as const), pick: fc.nat(), correct: fc.boolean() }),
      fc.record({ t: fc.constant("redeem" as const), quantity: fc.integer({ min: 1, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.integer({ min: 0, max: 60 * DAY }), (steps, later) => {
        const records = [card];
        let now = T0;
        for (const st of steps) {
          const s = given(green, records);
          let out;
          if (st.t === "sort") {
            now += st.gap + 11;
            out = s.when("sort", { ...ev(`e${records.length}`, now), kind: st.kind, correct: st.correct }, { ...SYSTEM, now, facts: { settings: SETTINGS } });
          } else if (st.t === "confirm") {
            const pending = s.state.entries.filter((e) => e.status === "pending");
            if (pending.length === 0) continue;
            out = s.when("confirm", { entry: pending[st.pick % pending.length]!.entry, correct: st.correct }, { roles: ["staff"], now });
          } else {
            out = s.when("redeem", { card: "x", item: "i1", quantity: st.quantity }, { roles: ["staff"], now, facts: { settings: SETTINGS, passed: [], cardMatches: true, item: { ...item, points: 1, left: 100 } } });
          }
          if (out.records) records.push(...(out.records as typeof records));
        }
        const state = given(green, records).state;
        const b = balancesOf(state.entries, now + later, SETTINGS, new Set());
        const credited = state.entries.reduce((sum, e) => sum + e.points, 0);
        expect(b.pending + b.active + b.spent + b.expired + b.rejected).to.equal(credited);
        expect(state.entries.every((e) => e.spent <= e.points)).to.equal(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("green account over HTTP (real server, node, LevelDB)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const { call, signIn } = httpClient(() => server.url, CHAIN_ID);
  const secrets: Record<string, string> = {};
  const now = () => Math.floor(Date.now() / 1000);
  let cardH2 = "";
  let household = "";
  let partner = "";

  async function send(device: string, body: unknown, options: { timestamp?: number; secret?: string; path?: string } = {}): Promise<Answer> {
    const bytes = Buffer.from(JSON.stringify(body), "utf8");
    const timestamp = options.timestamp ?? now();
    const res = await fetch(`${server.url}${options.path ?? "/api/green/sorting"}`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "en", "x-gongzhi-device": device, "x-gongzhi-timestamp": String(timestamp), "x-gongzhi-signature": signDeviceRequest(Buffer.from(options.secret ?? secrets[device] ?? "00".repeat(32), "hex"), timestamp, bytes) },
      body: new Uint8Array(bytes),
    });
    return { status: res.status, body: await res.json(), headers: res.headers };
  }
  async function greenRecords(): Promise<string[]> {
    const out: string[] = [];
    for await (const entry of readJournal(server.service.store)) {
      const r = entry.record as { kind: string };
      if (r.kind.startsWith("green.")) out.push(r.kind);
    }
    return out;
  }

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("green-http");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 4, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "warn", workOrderSweepMs: 60_000 },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY },
    );
    server = await startServer(settings, pino({ level: "warn" }), serverRoutes);
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    await signIn("staff", history.staff.key);
    await signIn("h2", history.holders.h2.key);
    await signIn("h3", history.holders.h3.key);
    await signIn("shop", history.members.v2.key);
    await signIn("volunteer", history.members.v1.key);
    for (const [device, kind, building] of [["bin-a", "smartBin", history.buildings[0]], ["bin-b", "smartBin", history.buildings[1]], ["smoke-1", "smokeSensor", history.buildings[0]]] as const) {
      const reg = await call("staff", "POST", "/api/devices/register", { device, kind, place: { estateId: history.estateId, building } });
      expect(reg.status, JSON.stringify(reg.body)).to.equal(201);
      secrets[device] = reg.body.secret as string;
    }
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("the office sets the rules; a household has its card issued (not another's); the card is on its page", async function () {
    const rules = { ...DEFAULT_SETTINGS, dailyCap: 10, minIntervalSeconds: 30, expiryDays: 90, sampleRatePercent: 100, volunteers: [history.members.v1.address.toLowerCase()] };
    expect((await call("h2", "POST", "/api/green/setSettings", rules)).status).to.equal(403);
    expect((await call("staff", "POST", "/api/green/setSettings", rules)).status).to.equal(201);
    const unitH2 = history.units[2]!;
    const notMine = await call("h3", "POST", "/api/green/issueCard", { unitId: unitH2 });
    expect(notMine.body.error.code).to.equal("green_not_your_household");
    const issued = await call("h2", "POST", "/api/green/issueCard", { unitId: unitH2 });
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    household = issued.body.id as string;
    expect(household).to.equal(`h-${unitH2}`);
    const mine = await call("h2", "GET", "/api/green/households");
    expect(mine.body.items).to.have.length(1);
    cardH2 = mine.body.items[0].card as string;
    expect(cardH2).to.match(/^gongzhi:green:h-\d+\.[A-Za-z0-9_-]{16}$/);
    expect((await call("h3", "GET", `/api/green/households?for=${history.holders.h2.address}`)).status).to.equal(403);
    expect((await call("staff", "GET", `/api/green/households?for=${history.holders.h2.address}`)).body.items[0].card).to.equal(cardH2);
  });

  it("a bin's signed event is credited once; a repeat gets the first answer; wrong device, signature, time, kind and card are refused and record nothing", async function () {
    const t = now();
    const event = { eventId: "a-1", card: cardH2, kind: "kitchen", correct: true, weightGrams: 1200 };
    const first = await send("bin-a", event, { timestamp: t });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.body.household).to.equal(household);
    const again = await send("bin-a", event, { timestamp: t + 1 });
    expect(again.status).to.equal(201);
    expect(again.headers.get("idempotency-replayed")).to.equal("true");
    expect(again.body).to.deep.equal(first.body);
    const before = await greenRecords();
    const refusals: [Answer, string][] = [
      [await send("bin-x", { ...event, eventId: "x-1" }), "device_unknown"],
      [await send("bin-a", { ...event, eventId: "a-2" }, { secret: secrets["bin-b"] }), "device_signature_invalid"],
      [await send("bin-a", { ...event, eventId: "a-3" }, { timestamp: t - 3600 }), "device_timestamp_outside_window"],
      [await send("smoke-1", { ...event, eventId: "s-1" }), "device_wrong_kind"],
      [await send("bin-a", { ...event, eventId: "a-4", card: cardH2.slice(0, -2) + "AA" }), "green_unknown_card"],
      [await send("bin-a", { ...event, eventId: "a-5" }, { timestamp: t + 10 }), "green_device_too_fast"],
    ];
    for (const [answer, code] of refusals) expect(answer.body.error?.code, JSON.stringify(answer.body)).to.equal(code);
    expect(refusals.at(-1)![0].status).to.equal(429);
    expect(await greenRecords()).to.deep.equal(before);
    // Another bin is another device: its own interval. The cap: 10 a day, kitchen 2 each.
    for (let i = 0; i < 4; i++) expect((await send("bin-b", { ...event, eventId: `b-${i}` }, { timestamp: t - 200 + i * 40 })).status).to.equal(201);
    const capped = await send("bin-b", { ...event, eventId: "b-9" }, { timestamp: t + 100 });
    expect(capped.body.error.code).to.equal("green_daily_cap");
    const page = (await call("h2", "GET", "/api/green/households")).body.items[0];
    expect(page.balances).to.include({ pending: 10, active: 0 });
    expect(page.entries).to.have.length(5);
  });

  it("the volunteer confirms at the bin; a partner scans the card and redeems; stock, points and the stats follow", async function () {
    const queue = await call("volunteer", "GET", "/api/green/bins/bin-b/queue");
    expect(queue.status, JSON.stringify(queue.body)).to.equal(200);
    expect(queue.body.items).to.have.length(4);
    expect((await call("h3", "GET", "/api/green/bins/bin-b/queue")).body.error.code).to.equal("green_not_volunteer");
    for (const row of queue.body.items as { household: string; entry: number }[]) {
      const c = await call("volunteer", "POST", `/api/green/${row.household}/confirm`, { entry: row.entry, correct: row.entry !== 5 });
      expect(c.status, JSON.stringify(c.body)).to.equal(201);
    }
    expect((await call("h3", "POST", `/api/green/${household}/confirm`, { entry: 1, correct: true })).body.error.code).to.equal("green_not_volunteer");
    // A partner whose offer accepts green points, and its item in the catalogue.
    const reg = await call("staff", "POST", "/api/partners/register", { kind: "retail", name: "街角便利店", nameEn: "Corner shop", account: history.members.v2.address.toLowerCase(), contactName: "钱小梅", contactPhone: "13912345678" });
    partner = reg.body.id as string;
    await call("staff", "POST", `/api/partners/${partner}/addOffer`, { kind: "goods", title: "日用品", titleEn: "Household goods", audiences: ["allResidents"], accepts: [], hours: [] });
    expect((await call("staff", "POST", "/api/green/addItem", { partner, offerId: "o1", title: "洗衣液", titleEn: "Detergent", points: 4, stock: 1 })).body.error.code).to.equal("green_offer_not_accepting");
    await call("shop", "POST", `/api/partners/${partner}/addOffer`, { kind: "goods", title: "环保用品", titleEn: "Green goods", audiences: ["allResidents"], accepts: ["greenPoints"], hours: [] });
    expect((await call("staff", "POST", "/api/green/addItem", { partner, offerId: "o2", title: "洗衣液", titleEn: "Detergent", points: 4, stock: 1 })).status).to.equal(201);
    const scanned = await call("shop", "GET", `/api/green/card?code=${encodeURIComponent(cardH2)}`);
    expect(scanned.body).to.deep.include({ household, valid: true });
    expect(scanned.body.balances).to.include({ active: 6, pending: 2, rejected: 2 });
    const redeemed = await call("shop", "POST", `/api/green/${household}/redeem`, { card: cardH2, item: "i1", quantity: 1 });
    expect(redeemed.status, JSON.stringify(redeemed.body)).to.equal(201);
    const out = await call("shop", "POST", `/api/green/${household}/redeem`, { card: cardH2, item: "i1", quantity: 1 }, { "accept-language": "zh-CN" });
    expect(out.body.error.code).to.equal("green_out_of_stock");
    expect(out.body.error.message).to.include("库存不足");
    await call("staff", "POST", "/api/green/restock", { item: "i1", quantity: 5 });
    const few = await call("shop", "POST", `/api/green/${household}/redeem`, { card: cardH2, item: "i1", quantity: 1 });
    expect(few.body.error.code).to.equal("green_points_insufficient");
    expect(few.body.error.message).to.include("only 2 are active");
    expect((await call("h3", "POST", `/api/green/${household}/redeem`, { card: cardH2, item: "i1", quantity: 1 })).body.error.code).to.equal("green_not_partner");
    const catalogue = await call(undefined, "GET", "/api/green/catalogue");
    expect(catalogue.body.items[0]).to.include({ item: "i1", partnerName: "街角便利店", stock: 6, redeemed: 1, left: 5 });
    // The partner's page shows green points from this ledger.
    const page = await call(undefined, "GET", `/api/partners/${partner}`);
    expect(page.body.currencies).to.deep.include({ currency: "greenPoints", ledger: true, unit: "points", count: 1, amount: 4 });
    const stats = await call(undefined, "GET", "/api/green/stats");
    const row = (stats.body.items as { building: number; households: number; participation: { numerator: number; denominator: number }; confirmation: { numerator: number; denominator: number }; pointsIssued: number; pointsSpent: number; weightKg: number; events: number }[]).find((r) => r.building === history.buildings[0])!;
    expect(row.households).to.equal(4);
    expect(row.participation).to.include({ numerator: 1, denominator: 4 });
    expect(row.confirmation).to.include({ numerator: 3, denominator: 4 });
    expect(row).to.include({ events: 5, pointsIssued: 10, pointsSpent: 4 });
    // Weights go to the bins' buildings: bin-a in the first, bin-b in the second.
    expect(row.weightKg).to.equal(1.2);
    expect((stats.body.items as { building: number; weightKg: number }[]).find((r) => r.building === history.buildings[1])!.weightKg).to.equal(4.8);
  });
});
