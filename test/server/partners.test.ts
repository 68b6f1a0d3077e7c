// Community partners' rules as given/when/then on plain data (no store, no chain): registration by the office
// and self-registration approved by the office, one partner per account, offers (a space needs opening times, a
// discount its percentage), the partner's own account or the office only, booking a space (within opening
// times in China time, not overlapping, not past, not over capacity), cancelling, goods given, the time-bank
// link; opening-time arithmetic; and the read models over the real engine and LevelDB, rebuilt the same.
import { expect } from "chai";
import path from "node:path";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { createEngine, given, levelServiceStorage, modelName, readPage, rebuildReadModels, Refusal, snapshotModels, submit, type AnyService, type Engine } from "../../server/src/services/framework/index.js";
import { Applied, Approved, Booked, BookingCancelled, chinaTime, ContactChanged, Given, OfferAdded, OfferWithdrawn, partnerServices, Registered, Rejected, slotOf, TimebankLinked, type ContributionsView, type CurrencyLedger, type Spending } from "../../server/src/services/partners/index.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore, type Store } from "../../server/src/store/store.js";
import { tempDir } from "./helpers/chain.js";
import { newMasterKey, openTestVault, type TestVault } from "./helpers/vault.js";

const SHOP = "0x00000000000000000000000000000000000000aa" as const;
const STAFF = "0x00000000000000000000000000000000000000dd" as const;
const RESIDENT = "0x00000000000000000000000000000000000000bb" as const;
const OTHER = "0x00000000000000000000000000000000000000cc" as const;
const c1 = `0x${"11".repeat(32)}` as const;
const c2 = `0x${"22".repeat(32)}` as const;
const contact = { contactName: c1, contactPhone: c2 };
const { services } = partnerServices({});
const partner = services[0]!;

/** Monday 7 December 2026, 09:00 China time (01:00 UTC). */
const MONDAY_9 = Date.UTC(2026, 11, 7, 1, 0, 0) / 1000;
const NOW = MONDAY_9 - 3 * 86_400;
const HOUR = 3600;
const room = { kind: "space", title: "咖啡馆包间", titleEn: "Café back room", audiences: ["allResidents"], accepts: ["timebank"], hours: [{ day: 1, from: 540, to: 1080 }, { day: 6, from: 600, to: 720 }], capacity: 12 } as const;
const discount = { kind: "discount", title: "老人药品九折", titleEn: "10 % off medicines for the elderly", audiences: ["elderly"], accepts: ["timebank", "greenPoints"], hours: [], discountPercent: 10 } as const;
const registered = [Registered({ kind: "catering", name: "邻里咖啡", nameEn: "Neighbours' Café", account: SHOP, ...contact })];
const withRoom = [...registered, OfferAdded({ ...room, audiences: ["allResidents"], accepts: ["timebank"], hours: [...room.hours], offerId: "o1" })];
const staff = { roles: ["staff"], actor: { address: STAFF }, facts: { contact } };
const shop = { actor: { address: SHOP }, now: NOW };
const resident = { actor: { address: RESIDENT }, now: NOW };

describe("partners: decisions", function () {
  it("the office registers a partner at once; a business applies with its own account and the office approves or rejects", function () {
    const input = { kind: "catering", name: "邻里咖啡", nameEn: "Neighbours' Café", contactName: "王经理", contactPhone: "13800000000", account: SHOP };
    given(partner).when("register", input, staff).then(registered);
    given(partner).when("register", input, { ...staff, roles: [] }).thenRefused("forbidden", undefined, 403);
    given(partner).when("register", input, { ...staff, facts: { contact, accountTakenBy: "p9" } }).thenRefused("partner_account_taken", { account: SHOP, partner: "p9" }, 409);
    given(partner).when("register", input, { roles: ["staff"] }).thenRefused("partner_contact_not_kept", {}, 400);
    const { account: _a, ...own } = input;
    given(partner).when("apply", own, { actor: { address: SHOP }, facts: { contact } }).then([Applied({ kind: "catering", name: "邻里咖啡", nameEn: "Neighbours' Café", account: SHOP, ...contact })]);
    given(partner).when("apply", own, { actor: { address: STAFF, onBehalfOf: SHOP, authorisation: "1" }, facts: { contact } }).thenRefused("partner_apply_own_account", {}, 403);
    given(partner).when("apply", { ...own, contactPhone: "call me" }, { actor: { address: SHOP }, facts: { contact } }).thenRefused("invalid_request", undefined, 400);
    const applied = [Applied({ kind: "catering", name: "邻里咖啡", nameEn: "Neighbours' Café", account: SHOP, ...contact })];
    expect(given(partner, applied).state.status).to.equal("pending");
    given(partner, applied).when("approve", {}, staff).then([Approved({})]);
    given(partner, applied).when("approve", {}, { actor: { address: SHOP } }).thenRefused("forbidden", undefined, 403);
    given(partner, applied).when("reject", { reason: "incomplete" }, staff).then([Rejected({ reason: "incomplete" })]);
    given(partner, registered).when("approve", {}, staff).thenRefused("partner_wrong_status", { id: "x1", status: "approved", allowed: "pending" }, 409);
    // A pending partner cannot offer anything yet.
    given(partner, applied).when("addOffer", room, shop).thenRefused("partner_wrong_status", undefined, 409);
  });

  it("offers: by the partner's own account or the office; a space needs opening times, a discount its percentage; withdrawn once", function () {
    given(partner, registered).when("addOffer", room, shop).then([OfferAdded({ ...room, audiences: ["allResidents"], accepts: ["timebank"], hours: [...room.hours], offerId: "o1" })]);
    given(partner, registered).when("addOffer", room, { actor: { address: OTHER } }).thenRefused("partner_not_yours", { id: "x1" }, 403);
    given(partner, registered).when("addOffer", room, staff).then([OfferAdded({ ...room, audiences: ["allResidents"], accepts: ["timebank"], hours: [...room.hours], offerId: "o1" })]);
    given(partner, registered).when("addOffer", { ...room, hours: [] }, shop).thenRefused("partner_offer_needs_hours", { title: "咖啡馆包间" }, 400);
    given(partner, registered).when("addOffer", { ...discount, discountPercent: undefined }, shop).thenRefused("partner_offer_needs_discount", undefined, 400);
    given(partner, registered).when("addOffer", { ...discount, accepts: ["timebank", "timebank"] }, shop).thenRefused("invalid_request", undefined, 400);
    given(partner, registered).when("addOffer", { ...room, hours: [{ day: 1, from: 600, to: 600 }] }, shop).thenRefused("invalid_request", undefined, 400);
    given(partner, withRoom).when("addOffer", discount, shop).then([OfferAdded({ ...discount, audiences: ["elderly"], accepts: ["timebank", "greenPoints"], hours: [], offerId: "o2" })]);
    given(partner, withRoom).when("withdrawOffer", { offerId: "o1" }, shop).then([OfferWithdrawn({ offerId: "o1" })]);
    given(partner, [...withRoom, OfferWithdrawn({ offerId: "o1" })]).when("withdrawOffer", { offerId: "o1" }, shop).thenRefused("partner_offer_withdrawn", undefined, 409);
    given(partner, withRoom).when("withdrawOffer", { offerId: "o7" }, shop).thenRefused("partner_unknown_offer", { id: "x1", offerId: "o7" }, 404);
  });

  it("booking a space: within its opening times (China time), not overlapping, not past, within capacity; the error says which", function () {
    const book = (start: number, minutes: number, people = 8) => ({ offerId: "o1", start, minutes, people });
    given(partner, withRoom).when("book", book(MONDAY_9, 120), resident).then([Booked({ bookingId: "b1", offerId: "o1", start: MONDAY_9, end: MONDAY_9 + 2 * HOUR, people: 8 })]);
    // Closes at 18:00: 17:00 for two hours is refused, with the day's opening times.
    given(partner, withRoom).when("book", book(MONDAY_9 + 8 * HOUR, 120), resident).thenRefused("partner_booking_outside_hours", { date: "2026-12-07", from: "17:00", to: "19:00", opening: "09:00–18:00" }, 409);
    // Tuesday: closed.
    given(partner, withRoom).when("book", book(MONDAY_9 + 86_400, 60), resident).thenRefused("partner_booking_outside_hours", { date: "2026-12-08", from: "09:00", to: "10:00", opening: "—" }, 409);
    // Saturday 10:00–12:00 is open.
    given(partner, withRoom).when("book", book(MONDAY_9 + 5 * 86_400 + HOUR, 120), resident).then([Booked({ bookingId: "b1", offerId: "o1", start: MONDAY_9 + 5 * 86_400 + HOUR, end: MONDAY_9 + 5 * 86_400 + 3 * HOUR, people: 8 })]);
    given(partner, withRoom).when("book", book(MONDAY_9, 60, 13), resident).thenRefused("partner_booking_over_capacity", { people: 13, capacity: 12 }, 409);
    given(partner, withRoom).when("book", book(NOW - HOUR, 60), resident).thenRefused("partner_booking_past", undefined, 409);
    given(partner, withRoom).when("book", book(MONDAY_9 + 100 * 86_400, 60), resident).thenRefused("partner_booking_too_far", { days: 90 }, 409);
    const booked = [...withRoom, Booked({ bookingId: "b1", offerId: "o1", start: MONDAY_9 + HOUR, end: MONDAY_9 + 3 * HOUR, people: 8 })];
    const at = { times: [NOW, NOW, NOW], actor: { address: RESIDENT } };
    given(partner, booked, at).when("book", book(MONDAY_9, 120), resident).thenRefused("partner_booking_overlap", { bookingId: "b1", date: "2026-12-07", from: "10:00", to: "12:00" }, 409);
    // Back to back is not an overlap.
    given(partner, booked, at).when("book", book(MONDAY_9, 60), resident).then([Booked({ bookingId: "b2", offerId: "o1", start: MONDAY_9, end: MONDAY_9 + HOUR, people: 8 })]);
    given(partner, booked, at).when("book", book(MONDAY_9 + 3 * HOUR, 60), resident).then([Booked({ bookingId: "b2", offerId: "o1", start: MONDAY_9 + 3 * HOUR, end: MONDAY_9 + 4 * HOUR, people: 8 })]);
    // A cancelled booking frees its slot; goods offers have no slots.
    const cancelled = [...booked, BookingCancelled({ bookingId: "b1" })];
    given(partner, cancelled, { times: [NOW, NOW, NOW, NOW] }).when("book", book(MONDAY_9, 120), resident).then([Booked({ bookingId: "b2", offerId: "o1", start: MONDAY_9, end: MONDAY_9 + 2 * HOUR, people: 8 })]);
    given(partner, [...withRoom, OfferAdded({ ...discount, audiences: ["elderly"], accepts: [], hours: [], offerId: "o2" })]).when("book", { ...book(MONDAY_9, 60), offerId: "o2" }, resident).thenRefused("partner_offer_not_space", { offerId: "o2", kind: "discount" }, 409);
    // Staff book for a resident under an authorisation: the booker is the resident.
    const forResident = given(partner, booked, { times: [NOW, NOW, NOW], actor: { address: STAFF, onBehalfOf: RESIDENT, authorisation: "4" } });
    expect(forResident.state.bookings[0]!.booker).to.equal(RESIDENT);
  });

  it("cancelling: the booker, the partner or the office; not someone else, not an ended booking", function () {
    const booked = [...withRoom, Booked({ bookingId: "b1", offerId: "o1", start: MONDAY_9, end: MONDAY_9 + HOUR, people: 2 })];
    const at = { times: [NOW, NOW, NOW], actor: { address: RESIDENT } };
    given(partner, booked, at).when("cancelBooking", { bookingId: "b1" }, resident).then([BookingCancelled({ bookingId: "b1" })]);
    given(partner, booked, at).when("cancelBooking", { bookingId: "b1" }, shop).then([BookingCancelled({ bookingId: "b1" })]);
    given(partner, booked, at).when("cancelBooking", { bookingId: "b1" }, { ...staff, now: NOW }).then([BookingCancelled({ bookingId: "b1" })]);
    given(partner, booked, at).when("cancelBooking", { bookingId: "b1" }, { actor: { address: OTHER }, now: NOW }).thenRefused("partner_booking_not_yours", { bookingId: "b1" }, 403);
    given(partner, booked, at).when("cancelBooking", { bookingId: "b1" }, { ...resident, now: MONDAY_9 + 2 * HOUR }).thenRefused("partner_booking_not_active", { bookingId: "b1" }, 404);
    // An ended booking leaves the state at the partner's next record.
    expect(given(partner, [...booked, Given({ offerId: "o1", quantity: 1, valueFen: 0, on: 0 })], { times: [NOW, NOW, NOW, MONDAY_9 + 2 * HOUR] }).state.bookings).to.deep.equal([]);
  });

  it("goods and services given; the contact changed; the time-bank link needs an on-chain partner, once", function () {
    const withDiscount = [...registered, OfferAdded({ ...discount, audiences: ["elderly"], accepts: ["timebank"], hours: [], offerId: "o1" })];
    given(partner, withDiscount).when("recordGiven", { offerId: "o1", quantity: 30, valueFen: 4500, on: NOW - 86_400 }, shop).then([Given({ offerId: "o1", quantity: 30, valueFen: 4500, on: NOW - 86_400 })]);
    given(partner, withDiscount).when("recordGiven", { offerId: "o1", quantity: 30, valueFen: 4500, on: NOW + 86_400 }, shop).thenRefused("partner_given_future", undefined, 409);
    given(partner, withDiscount).when("recordGiven", { offerId: "o1", quantity: 0, valueFen: 1, on: NOW }, shop).thenRefused("invalid_request", undefined, 400);
    given(partner, withRoom).when("recordGiven", { offerId: "o1", quantity: 1, valueFen: 1, on: NOW }, shop).thenRefused("partner_given_space", { offerId: "o1" }, 409);
    given(partner, registered).when("changeContact", { contactName: "李", contactPhone: "+86 139 0000 0000" }, { ...shop, facts: { contact } }).then([ContactChanged(contact)]);
    given(partner, registered).when("changeContact", { contactName: "李", contactPhone: "13900000000" }, { actor: { address: OTHER }, facts: { contact } }).thenRefused("partner_not_yours", undefined, 403);
    const tb = "0x00000000000000000000000000000000000000ee";
    given(partner, registered).when("linkTimebank", { timebankPartner: tb }, { ...staff, facts: { onchainPartner: true } }).then([TimebankLinked({ timebankPartner: tb })]);
    given(partner, registered).when("linkTimebank", { timebankPartner: tb }, { ...staff, facts: { onchainPartner: false } }).thenRefused("partner_not_onchain", { address: tb }, 404);
    given(partner, registered).when("linkTimebank", { timebankPartner: tb }, { ...staff, facts: { onchainPartner: true, timebankTakenBy: "p2" } }).thenRefused("partner_timebank_taken", { address: tb, partner: "p2" }, 409);
    given(partner, registered).when("linkTimebank", { timebankPartner: tb }, { ...shop, facts: { onchainPartner: true } }).thenRefused("forbidden", undefined, 403);
  });

  it("opening times in China time: weekday and minute, a slot within one opening period", function () {
    expect(chinaTime(MONDAY_9)).to.deep.equal({ day: 1, minute: 540, date: "2026-12-07" });
    // 23:30 UTC on Sunday is 07:30 on Monday in China.
    expect(chinaTime(Date.UTC(2026, 11, 6, 23, 30) / 1000)).to.deep.equal({ day: 1, minute: 450, date: "2026-12-07" });
    expect(chinaTime(Date.UTC(2026, 11, 13, 15, 59) / 1000).day).to.equal(7);
    const hours = [{ day: 1, from: 540, to: 720 }, { day: 1, from: 840, to: 1080 }];
    expect(slotOf(hours, MONDAY_9, MONDAY_9 + 3 * HOUR)).to.deep.equal(hours[0]);
    expect(slotOf(hours, MONDAY_9 + 2 * HOUR, MONDAY_9 + 4 * HOUR)).to.equal(undefined); // across the lunch break
    expect(slotOf(hours, MONDAY_9 + 5 * HOUR, MONDAY_9 + 9 * HOUR)).to.deep.equal(hours[1]);
  });
});

describe("partners: read models over the real engine, LevelDB and the vault", function () {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let engine: Engine;
  let vault: TestVault;
  let clock = NOW * 1000;
  const spent: Record<string, Spending[]> = { [OTHER]: [{ amount: 60, kind: "goods", recordId: "7", txHash: null, blockNumber: null, voucher: null, honoured: false }] };
  const ledger: CurrencyLedger = { currency: "timebank", unit: "minutes", isPartner: async (a) => a === OTHER, spentWith: async (a) => spent[a] ?? [] };
  let made: ReturnType<typeof partnerServices>;
  const principal = (address: `0x${string}`, roles: string[] = []) => ({ address, roles: async () => roles });
  const run = (command: string, body: Record<string, unknown>, who: `0x${string}`, roles: string[] = [], id?: string) => submit(engine, { service: "partner", command, id, body, principal: principal(who, roles) });

  before(async function () {
    tmp = tempDir("partners-models");
    store = await openStore(path.join(tmp.dir, "db"), [], logEntryEncoding);
    vault = await openTestVault(path.join(tmp.dir, "vault"), newMasterKey());
    made = partnerServices({ vault: vault.vault, ledgers: [ledger] });
    engine = createEngine({ storage: levelServiceStorage(store, createLock(), 31337, undefined), services: made.services, clock: () => clock, proxyCheck: async () => false });
    made.useEngine(engine);
  });
  after(async function () {
    await closeStore(store);
    await vault.close();
    tmp.remove();
  });

  it("contacts only in the vault; a refusal keeps none; one partner per account; totals, directory, bookings, gifts; rebuilt the same", async function () {
    const reg = await run("register", { kind: "catering", name: "邻里咖啡", nameEn: "Neighbours' Café", contactName: "王经理", contactPhone: "13800001111", account: SHOP }, STAFF, ["staff"]);
    const id = reg.body.id;
    const taken = await run("apply", { kind: "retail", name: "五金店", nameEn: "Hardware", contactName: "赵师傅", contactPhone: "13800002222" }, SHOP).catch((e: unknown) => e);
    expect((taken as Refusal).code).to.equal("partner_account_taken");
    // The refused application's contact was erased again: nothing of it remains readable.
    const rows = JSON.stringify(await snapshotModels(engine.storage, made.services));
    expect(rows).to.not.include("王经理").and.not.include("13800001111").and.not.include("赵师傅");
    const applied = await run("apply", { kind: "retail", name: "五金店", nameEn: "Hardware", contactName: "赵师傅", contactPhone: "13800002222" }, RESIDENT);
    await run("addOffer", { ...room, hours: [...room.hours] }, SHOP, [], id);
    await run("addOffer", { ...discount, hours: [] }, SHOP, [], id);
    await run("linkTimebank", { timebankPartner: OTHER }, STAFF, ["staff"], id);
    await run("book", { offerId: "o1", start: MONDAY_9, minutes: 90, people: 6 }, RESIDENT, [], id);
    await run("book", { offerId: "o1", start: MONDAY_9 + 2 * HOUR, minutes: 60, people: 6 }, RESIDENT, [], id);
    await run("cancelBooking", { bookingId: "b2" }, RESIDENT, [], id);
    await run("recordGiven", { offerId: "o2", quantity: 12, valueFen: 3600, on: NOW - 60 }, SHOP, [], id);
    const overlap = await run("book", { offerId: "o1", start: MONDAY_9 + HOUR, minutes: 60, people: 2 }, OTHER, [], id).catch((e: unknown) => e);
    expect((overlap as Refusal).code).to.equal("partner_booking_overlap");

    const q = (path: string, query: Record<string, string> = {}, address?: string, roles: string[] = []) => queryOf(engine, made.services, path, query, address, roles);
    const page = (await q(`/api/partners/${id}`)) as ContributionsView;
    expect(page.summary).to.deep.equal({ offers: 2, bookings: 1, bookedMinutes: 90, cancelled: 1, given: 1, givenQuantity: 12, givenValueFen: 3600, timebankRedemptions: 1, timebankMinutes: 60, pledges: null, pledgedFen: null });
    expect(page.currencies).to.deep.equal([
      { currency: "timebank", ledger: true, unit: "minutes", count: 1, amount: 60 },
      { currency: "greenPoints", ledger: false, unit: null, count: 0, amount: 0 },
    ]);
    expect(page.bookings.map((b) => [b.bookingId, b.status])).to.deep.equal([["b2", "cancelled"], ["b1", "booked"]]);
    expect(JSON.stringify(page)).to.not.include(RESIDENT);
    // The pending application is not in the directory; the office sees it.
    expect(((await q("/api/partners/directory")) as { items: { id: string }[] }).items.map((p) => p.id)).to.deep.equal([id]);
    expect(((await q("/api/partners/directory", { currency: "greenPoints" })) as { items: { offers: unknown[] }[] }).items[0]!.offers).to.have.length(1);
    expect(((await q("/api/partners/directory", { kind: "retail" })) as { items: unknown[] }).items).to.deep.equal([]);
    expect(((await q("/api/partners/office", {}, STAFF, ["staff"])) as { pending: { id: string }[] }).pending.map((p) => p.id)).to.deep.equal([applied.body.id]);
    const slots = (await q(`/api/partners/${id}/bookings`, { from: String(NOW) })) as { items: unknown[] };
    expect(slots.items).to.deep.equal([{ offerId: "o1", start: MONDAY_9, end: MONDAY_9 + 90 * 60 }]);
    const mine = (await q("/api/partners/bookings/mine", {}, RESIDENT)) as { items: { bookingId: string }[] };
    expect(mine.items.map((b) => b.bookingId)).to.deep.equal(["b1", "b2"]);
    // The contact: for the office and the partner itself, on the audited path; nobody else.
    expect(await q(`/api/partners/${id}/contact`, {}, STAFF, ["staff"])).to.deep.equal({ contactName: "王经理", contactPhone: "13800001111", purpose: "service.arrangement" });
    expect(((await q(`/api/partners/${id}/contact`, {}, SHOP)) as { purpose: string }).purpose).to.equal("subject.request");
    const denied = await Promise.resolve(q(`/api/partners/${id}/contact`, {}, RESIDENT)).catch((e: unknown) => e);
    expect((denied as Refusal).code).to.equal("partner_contact_forbidden");
    // Time passes: the ended booking leaves the state, not the page.
    clock = (MONDAY_9 + 3 * HOUR) * 1000;
    await run("recordGiven", { offerId: "o2", quantity: 1, valueFen: 100, on: MONDAY_9 }, STAFF, ["staff"], id);
    const before = await snapshotModels(engine.storage, made.services);
    await rebuildReadModels(engine.storage, made.services);
    expect(await snapshotModels(engine.storage, made.services)).to.deep.equal(before);
  });
});

/** Runs a service query in-process, as its route would (read models, the reader's address and roles). */
async function queryOf(engine: Engine, services: AnyService[], route: string, query: Record<string, string>, address: string | undefined, roles: string[]): Promise<unknown> {
  for (const service of services) {
    for (const def of service.queries ?? []) {
      const names: string[] = [];
      const pattern = new RegExp(`^${def.path.replace(/:([a-z]+)/gi, (_m, name: string) => (names.push(name), "([^/]+)"))}$`);
      const match = pattern.exec(route);
      if (!match) continue;
      const params = Object.fromEntries(names.map((n, i) => [n, match[i + 1]]));
      const read = {
        get: <T>(model: string, key: string) => engine.storage.get<T>(modelName(service.name, model), key),
        page: <T>(model: string, options: Parameters<typeof readPage<T>>[2]) => readPage<T>(engine.storage, modelName(service.name, model), options),
        history: () => Promise.resolve([]),
      };
      return def.handler({ params: (def.params?.parse(params) ?? {}) as never, query: (def.query?.parse(query) ?? {}) as never }, read as never, { address, roles });
    }
  }
  throw new Error(`no query for ${route}`);
}
