// Work orders' rules as given/when/then on plain data: every transition and every refusal, the clocks with
// pauses, escalation and the confirmation and reopening windows.
import { expect } from "chai";
import type { Actor } from "../../server/src/receipts/actor.js";
import { given, type Emitted } from "../../server/src/services/framework/index.js";
import type { OrderFacts } from "../../server/src/services/workorders/commands.js";
import {
  Accepted,
  CheckedOnSite,
  clocksOf,
  Confirmed,
  DEFAULT_CATEGORIES,
  Dispatched,
  Escalated,
  Joined,
  Paused,
  Rated,
  Reopened,
  Reported,
  Resolved,
  Resumed,
  Returned,
  Started,
  workOrderService,
  type OrderState,
  type Party,
} from "../../server/src/services/workorders/index.js";

const T = 1_780_000_000;
const RESIDENT = "0x00000000000000000000000000000000000000aa";
const NEIGHBOUR = "0x00000000000000000000000000000000000000bb";
const PLUMBER = "0x00000000000000000000000000000000000000cc";
const STAFF = "0x00000000000000000000000000000000000000dd";
const resident: Actor = { address: RESIDENT };
const plumber: Actor = { address: PLUMBER };
const staff: Actor = { address: STAFF };
const sweep: Actor = { system: "workorder.sweep" };

const service = workOrderService({ categories: async () => DEFAULT_CATEGORIES, partyOf: async () => null });
const categories = Object.fromEntries(DEFAULT_CATEGORIES.map((c) => [c.code, c]));
const facts = (actorParty: Party | null = null): OrderFacts => ({ categories, actorParty });
const asWater = { actor: plumber, facts: facts("water") };

const place = { estateId: 1, building: 3 };
const burstPipe = { channel: "resident" as const, serviceCode: "burst-pipe", priority: "normal" as const, place, photos: [] as string[] };
const reported = Reported({ ...burstPipe, onSiteCheck: true });
const dispatched = Dispatched({ party: "water", deadlineAt: T + 30 * 60, by: "routing" });
const DAY = 86_400;

/** An order through its first records, each a minute after the last unless `times` says. */
function order(records: Emitted[], times?: number[]) {
  return given(service, records, { id: "wo1", actor: resident, times: times ?? records.map((_, i) => T + i * 60) });
}
const state = (records: Emitted[], times?: number[]) => order(records, times).state as OrderState;

describe("work orders: rules", function () {
  describe("intake", function () {
    it("a resident's report is dispatched by the routing table with the category's deadline from receipt", function () {
      given(service).when("report", burstPipe, { actor: resident, now: T, facts: facts() }).then([reported, dispatched]);
      const rubbish = { ...burstPipe, serviceCode: "rubbish", place: { estateId: 1, area: "north-gate" } };
      given(service)
        .when("report", rubbish, { actor: resident, now: T, facts: facts() })
        .then([Reported({ ...rubbish, onSiteCheck: false }), Dispatched({ party: "sanitation", deadlineAt: T + 15 * 60, by: "routing" })]);
    });

    it("an urgent report gets the category's urgent deadline (a leak: 24 h normally, 2 h when urgent)", function () {
      const leak = { ...burstPipe, serviceCode: "water-leak" };
      given(service).when("report", leak, { actor: resident, now: T, facts: facts() }).then([
        Reported({ ...leak, onSiteCheck: true }),
        Dispatched({ party: "property", deadlineAt: T + 24 * 3600, by: "routing" }),
      ]);
      given(service).when("report", { ...leak, priority: "urgent" }, { actor: resident, now: T, facts: facts() }).then([
        Reported({ ...leak, priority: "urgent", onSiteCheck: true }),
        Dispatched({ party: "property", deadlineAt: T + 2 * 3600, by: "routing" }),
      ]);
    });

    it("refuses an unknown category, a place without building, unit or area, and too many photos", function () {
      given(service).when("report", { ...burstPipe, serviceCode: "dragon" }, { actor: resident, facts: facts() }).thenRefused("workorder_unknown_category", { code: "dragon" }, 400);
      given(service).when("report", { ...burstPipe, place: { estateId: 1 } }, { actor: resident, facts: facts() }).thenRefused("invalid_request", undefined, 400);
      const photos = Array.from({ length: 7 }, (_, i) => `0x${String(i).padStart(64, "0")}`);
      given(service).when("report", { ...burstPipe, photos }, { actor: resident, facts: facts() }).thenRefused("invalid_request", undefined, 400);
    });

    it("a hotline call is typed by staff and names the caller; a patrol finding comes from a grid worker", function () {
      const call = { ...burstPipe, channel: "hotline" as const, reporter: "p_caller1" };
      given(service).when("report", call, { actor: resident, facts: facts() }).thenRefused("forbidden", { role: "staff" }, 403);
      given(service).when("report", { ...call, reporter: undefined }, { actor: staff, roles: ["staff"], facts: facts() }).thenRefused("workorder_caller_needed", {}, 400);
      given(service).when("report", call, { actor: staff, roles: ["staff"], now: T, facts: facts() }).then([Reported({ ...call, onSiteCheck: true }), dispatched]);
      const patrol = { ...burstPipe, channel: "grid" as const };
      given(service).when("report", patrol, { actor: staff, roles: ["staff"], facts: facts() }).thenRefused("forbidden", { role: "gridWorker" }, 403);
      given(service).when("report", patrol, { actor: staff, roles: ["gridWorker"], now: T, facts: facts() }).then([Reported({ ...patrol, onSiteCheck: true }), dispatched]);
    });

    it("an alarm comes only from the device webhook (the server itself), with the device's event id", function () {
      const alarm = { ...burstPipe, channel: "device" as const, device: { device: "leak-3-1", event: "e-1001" } };
      given(service).when("report", alarm, { actor: resident, roles: ["staff"], facts: facts() }).thenRefused("forbidden", { role: "system" }, 403);
      given(service).when("report", alarm, { actor: staff, roles: ["system"], facts: facts() }).thenRefused("forbidden", { role: "system" }, 403);
      given(service).when("report", { ...alarm, device: undefined }, { actor: sweep, roles: ["system"], facts: facts() }).thenRefused("workorder_device_event", { channel: "device" as const }, 400);
      given(service).when("report", { ...burstPipe, device: alarm.device }, { actor: resident, facts: facts() }).thenRefused("workorder_device_event", { channel: "resident" as const }, 400);
      given(service).when("report", alarm, { actor: sweep, roles: ["system"], now: T, facts: facts() }).then([Reported({ ...alarm, onSiteCheck: true }), dispatched]);
    });

    it("a duplicate joins the open order, its reporter is added; a repeated device event is refused; a closed order takes no joins", function () {
      const join = { channel: "resident" as const, photos: [] as string[] };
      order([reported, dispatched]).when("join", join, { actor: { address: NEIGHBOUR } }).then([Joined(join)]);
      const joined = state([reported, dispatched, Joined({ ...join, reporter: NEIGHBOUR })]);
      expect(joined.reporters).to.deep.equal([RESIDENT, NEIGHBOUR]);
      expect(joined.duplicates).to.equal(1);
      const alarm = { channel: "device" as const, device: { device: "leak-3-1", event: "e-1" }, photos: [] as string[] };
      const withAlarm = [Reported({ ...burstPipe, channel: "device" as const, device: alarm.device, onSiteCheck: true }), dispatched];
      order(withAlarm).when("join", alarm, { actor: sweep, roles: ["system"] }).thenRefused("workorder_event_taken", { device: "leak-3-1", event: "e-1" }, 409);
      order(withAlarm).when("join", { ...alarm, device: { device: "leak-3-1", event: "e-2" } }, { actor: sweep, roles: ["system"] }).then([Joined({ ...alarm, device: { device: "leak-3-1", event: "e-2" } })]);
      expect(state(withAlarm).reporters, "a device is not a reporter to be told").to.deep.equal([]);
      const closed = [reported, dispatched, Accepted({ party: "water" }), Resolved({ party: "water", photos: [] }), CheckedOnSite({ passed: true, photos: [] }), Confirmed({ auto: false })];
      order(closed).when("join", join, { actor: { address: NEIGHBOUR } }).thenRefused("workorder_wrong_status", undefined, 409);
    });
  });

  describe("dispatch and work", function () {
    it("only the order's party accepts, starts and resolves it, each in its turn", function () {
      order([reported, dispatched]).when("accept", {}, { actor: plumber, facts: facts("power") }).thenRefused("workorder_wrong_party", { party: "water", yours: "power" }, 403);
      order([reported, dispatched]).when("accept", {}, { actor: resident, facts: facts(null) }).thenRefused("workorder_wrong_party", { party: "water", yours: "-" }, 403);
      order([reported, dispatched]).when("accept", {}, asWater).then([Accepted({ party: "water" })]);
      order([reported, dispatched]).when("start", {}, asWater).thenRefused("workorder_wrong_status", { id: "wo1", status: "dispatched", allowed: "accepted" }, 409);
      order([reported, dispatched, Accepted({ party: "water" })]).when("start", {}, asWater).then([Started({ party: "water" })]);
      order([reported, dispatched, Accepted({ party: "water" }), Started({ party: "water" })]).when("resolve", { photos: [] }, asWater).then([Resolved({ party: "water", photos: [] })]);
      order([reported, dispatched, Accepted({ party: "water" })]).when("accept", {}, asWater).thenRefused("workorder_wrong_status", undefined, 409);
    });

    it("a party returns an order it does not own (退单): back to the office, counted; the office reassigns it and the deadline still counts from receipt", function () {
      order([reported, dispatched]).when("return", { reason: "notOurs" }, asWater).then([Returned({ party: "water", reason: "notOurs" })]);
      const back = [reported, dispatched, Returned({ party: "water", reason: "notOurs" })];
      const s = state(back);
      expect([s.status, s.party, s.returns]).to.deep.equal(["received", null, 1]);
      order(back).when("accept", {}, asWater).thenRefused("workorder_wrong_status", undefined, 409);
      order(back).when("dispatch", { party: "property" }, { actor: plumber, roles: ["gridWorker"] }).thenRefused("forbidden", { role: "staff" }, 403);
      order(back).when("dispatch", { party: "property" }, { actor: staff, roles: ["staff"] }).then([Dispatched({ party: "property", deadlineAt: T + 30 * 60, by: "office" })]);
      order([reported, dispatched]).when("dispatch", { party: "water" }, { actor: staff, roles: ["staff"] }).thenRefused("workorder_same_party", { party: "water" }, 409);
      const done = [reported, dispatched, Accepted({ party: "water" }), Started({ party: "water" })];
      order(done).when("return", { reason: "notOurs" }, asWater).thenRefused("workorder_wrong_status", undefined, 409);
    });

    it("the clocks stop while the wait is the resident's, and the deadline moves by that time", function () {
      const records = [reported, dispatched, Accepted({ party: "water" }), Paused({ reason: "noAccess" })];
      const times = [T, T, T + 60, T + 120];
      const paused = state(records, times);
      const during = clocksOf(paused, T + 3_000);
      expect(during).to.deep.equal({ sinceReceipt: 120, sinceDispatch: 120, paused: 2_880, deadline: T + 1_800 + 2_880, lateBy: 0, overdue: false });
      order(records, times).when("pause", { reason: "noAccess" }, asWater).thenRefused("workorder_already_paused", { since: T + 120 }, 409);
      order(records, times).when("resume", {}, { ...asWater, now: T + 1_120 }).then([Resumed({ pausedSeconds: 1_000 })]);
      const resumed = state([...records, Resumed({ pausedSeconds: 1_000 })], [...times, T + 1_120]);
      expect(clocksOf(resumed, T + 2_000)).to.deep.equal({ sinceReceipt: 1_000, sinceDispatch: 1_000, paused: 1_000, deadline: T + 2_800, lateBy: 0, overdue: false });
      expect(clocksOf(resumed, T + 2_900)).to.include({ overdue: true, lateBy: 100 });
      order([reported, dispatched, Accepted({ party: "water" })]).when("resume", {}, asWater).thenRefused("workorder_not_paused", { id: "wo1" }, 409);
      // Resolving while paused ends the pause first, so the record says how long the resident's wait was.
      order(records, times).when("resolve", { photos: [] }, { ...asWater, now: T + 620 }).then([Resumed({ pausedSeconds: 500 }), Resolved({ party: "water", photos: [] })]);
    });

    it("the dispatch clock counts from the last dispatch; the receipt clock from receipt", function () {
      const records = [reported, dispatched, Returned({ party: "water", reason: "notOurs" }), Dispatched({ party: "property", deadlineAt: T + 1_800, by: "office" })];
      expect(clocksOf(state(records, [T, T, T + 600, T + 900]), T + 1_000)).to.deep.equal({ sinceReceipt: 1_000, sinceDispatch: 100, paused: 0, deadline: T + 1_800, lateBy: 0, overdue: false });
    });

    it("an order past its deadline is escalated to the street once, by the sweep or the office; a paused or resolved one is not overdue", function () {
      const open = [reported, dispatched, Accepted({ party: "water" })];
      order(open).when("escalate", {}, { actor: sweep, roles: ["system"], now: T + 1_800 }).thenRefused("workorder_not_overdue", { id: "wo1", deadline: T + 1_800 }, 409);
      order(open).when("escalate", {}, { actor: sweep, roles: ["system"], now: T + 1_801 }).then([Escalated({ level: "street", overdueSeconds: 1 })]);
      order(open).when("escalate", {}, { actor: staff, roles: ["staff"], now: T + 7_200 }).then([Escalated({ level: "street", overdueSeconds: 5_400 })]);
      order(open).when("escalate", {}, { actor: plumber, roles: ["gridWorker"], now: T + 7_200 }).thenRefused("forbidden", { role: "staff / system" }, 403);
      order([...open, Escalated({ level: "street", overdueSeconds: 1 })]).when("escalate", {}, { actor: sweep, roles: ["system"], now: T + 9_000 }).thenRefused("workorder_already_escalated", { id: "wo1" }, 409);
      order([...open, Paused({ reason: "noAccess" })], [T, T, T + 60, T + 120]).when("escalate", {}, { actor: sweep, roles: ["system"], now: T + 9_000 }).thenRefused("workorder_not_overdue", undefined, 409);
      const fixed = [...open, Resolved({ party: "water", photos: [] })];
      order(fixed, [T, T, T + 60, T + 600]).when("escalate", {}, { actor: sweep, roles: ["system"], now: T + 9_000 }).thenRefused("workorder_not_overdue", undefined, 409);
      expect(clocksOf(state(fixed, [T, T, T + 60, T + 2_000]), T + 9_000), "late at resolution is kept for the statistics").to.include({ lateBy: 200, overdue: false });
    });
  });

  describe("closing", function () {
    const resolved = [reported, dispatched, Accepted({ party: "water" }), Resolved({ party: "water", photos: [] })];
    const checked = [...resolved, CheckedOnSite({ passed: true, photos: [] })];

    it("a category that needs an on-site check closes only after it; a failed check sends the order back to the party", function () {
      order(resolved).when("confirm", {}, { actor: resident }).thenRefused("workorder_check_needed", { id: "wo1" }, 409);
      order(resolved).when("checkOnSite", { passed: true }, { actor: plumber, roles: [] }).thenRefused("forbidden", { role: "staff / gridWorker" }, 403);
      order(resolved).when("checkOnSite", { passed: false }, { actor: staff, roles: ["gridWorker"] }).then([CheckedOnSite({ passed: false, photos: [] })]);
      expect(state([...resolved, CheckedOnSite({ passed: false, photos: [] })]).status).to.equal("inProgress");
      order(checked).when("checkOnSite", { passed: true }, { actor: staff, roles: ["staff"] }).thenRefused("workorder_already_checked", { id: "wo1" }, 409);
      order(checked).when("confirm", {}, { actor: resident }).then([Confirmed({ auto: false })]);
    });

    it("only a reporter confirms, reopens and rates (or staff for one, under an authorisation)", function () {
      order(checked).when("confirm", {}, { actor: { address: NEIGHBOUR } }).thenRefused("workorder_not_reporter", { id: "wo1" }, 403);
      order(checked).when("confirm", {}, { actor: { address: STAFF, onBehalfOf: RESIDENT, authorisation: "a-17" } }).then([Confirmed({ auto: false })]);
      order([...checked, Confirmed({ auto: false })]).when("rate", { level: 5 }, { actor: { address: NEIGHBOUR } }).thenRefused("workorder_not_reporter", undefined, 403);
      order(checked).when("rate", { level: 5 }, { actor: resident }).thenRefused("workorder_wrong_status", undefined, 409);
      order([...checked, Confirmed({ auto: false })]).when("rate", { level: 6 }, { actor: resident }).thenRefused("invalid_request", undefined, 400);
      order([...checked, Confirmed({ auto: false })]).when("rate", { level: 2 }, { actor: resident }).then([Rated({ level: 2 })]);
      order([...checked, Confirmed({ auto: false }), Rated({ level: 2 })]).when("rate", { level: 4 }, { actor: resident }).thenRefused("workorder_already_rated", { level: 2 }, 409);
    });

    it("a resolved order the reporter never answers closes by itself after the window, never before and never silently by anyone else", function () {
      const times = [T, T, T + 60, T + 600, T + 700];
      order(checked, times).when("autoConfirm", {}, { actor: sweep, roles: ["system"], now: T + 600 + 7 * DAY - 1 }).thenRefused("workorder_confirm_window", { days: 7, due: T + 600 + 7 * DAY }, 409);
      order(checked, times).when("autoConfirm", {}, { actor: sweep, roles: ["system"], now: T + 600 + 7 * DAY }).then([Confirmed({ auto: true })]);
      order(checked, times).when("autoConfirm", {}, { actor: staff, roles: ["staff"], now: T + 600 + 8 * DAY }).thenRefused("forbidden", { role: "system" }, 403);
      order(resolved, times).when("autoConfirm", {}, { actor: sweep, roles: ["system"], now: T + 30 * DAY }).thenRefused("workorder_check_needed", undefined, 409);
    });

    it("the reporter reopens within the window: back to the same party with a new deadline, the rating cleared", function () {
      const closed = [...checked, Confirmed({ auto: false }), Rated({ level: 1 })];
      const times = [T, T, T + 60, T + 600, T + 700, T + 800, T + 900];
      order(closed, times).when("reopen", { reason: "brokeAgain" }, { actor: resident, now: T + 5 * DAY, facts: facts() }).then([Reopened({ reason: "brokeAgain", party: "water", deadlineAt: T + 5 * DAY + 1_800 })]);
      const urgent = [Reported({ ...burstPipe, serviceCode: "water-leak", priority: "urgent", onSiteCheck: true }), Dispatched({ party: "property", deadlineAt: T + 7_200, by: "routing" })];
      const urgentClosed = [...urgent, Accepted({ party: "property" }), Resolved({ party: "property", photos: [] }), CheckedOnSite({ passed: true, photos: [] }), Confirmed({ auto: false })];
      order(urgentClosed).when("reopen", { reason: "notFixed" }, { actor: resident, now: T + DAY, facts: facts() }).then([Reopened({ reason: "notFixed", party: "property", deadlineAt: T + DAY + 7_200 })]);
      // A category the office has since removed keeps the order's first allowance.
      order(urgentClosed).when("reopen", { reason: "notFixed" }, { actor: resident, now: T + DAY, facts: { categories: {}, actorParty: null } }).then([Reopened({ reason: "notFixed", party: "property", deadlineAt: T + DAY + 7_200 })]);
      order(closed, times).when("reopen", { reason: "brokeAgain" }, { actor: resident, now: T + 800 + 30 * DAY + 1 }).thenRefused("workorder_reopen_window", { days: 30 }, 409);
      order(closed, times).when("reopen", { reason: "brokeAgain" }, { actor: { address: NEIGHBOUR }, now: T + DAY }).thenRefused("workorder_not_reporter", undefined, 403);
      const reopened = state([...closed, Reopened({ reason: "brokeAgain", party: "water", deadlineAt: T + 5 * DAY + 1_800 })], [...times, T + 5 * DAY]);
      expect([reopened.status, reopened.party, reopened.reopens, reopened.rating, reopened.checkedOnSite]).to.deep.equal(["dispatched", "water", 1, null, false]);
      expect(clocksOf(reopened, T + 5 * DAY + 60)).to.include({ deadline: T + 5 * DAY + 1_800, sinceDispatch: 60, overdue: false });
      order([reported, dispatched]).when("reopen", { reason: "notFixed" }, { actor: resident }).thenRefused("workorder_wrong_status", undefined, 409);
    });

    it("a reopened order's new deadline is moved only by waits after the reopening, not by those of the first repair", function () {
      const waited = [reported, dispatched, Accepted({ party: "water" }), Paused({ reason: "noAccess" }), Resumed({ pausedSeconds: 1_000 }), Resolved({ party: "water", photos: [] }), CheckedOnSite({ passed: true, photos: [] }), Confirmed({ auto: false })];
      const times = [T, T, T + 60, T + 120, T + 1_120, T + 1_500, T + 1_600, T + 1_700];
      const reopen = Reopened({ reason: "brokeAgain", party: "water", deadlineAt: T + 5 * DAY + 1_800 });
      const reopened = state([...waited, reopen], [...times, T + 5 * DAY]);
      expect(clocksOf(reopened, T + 5 * DAY + 60)).to.include({ deadline: T + 5 * DAY + 1_800, paused: 1_000, sinceDispatch: 60, overdue: false });
      expect(clocksOf(reopened, T + 5 * DAY + 1_801)).to.include({ overdue: true, lateBy: 1 });
      // A wait after the reopening moves it.
      const again = state([...waited, reopen, Accepted({ party: "water" }), Paused({ reason: "noAccess" }), Resumed({ pausedSeconds: 300 })], [...times, T + 5 * DAY, T + 5 * DAY + 10, T + 5 * DAY + 20, T + 5 * DAY + 320]);
      expect(clocksOf(again, T + 5 * DAY + 400)).to.include({ deadline: T + 5 * DAY + 2_100, paused: 1_300 });
    });
  });
});
