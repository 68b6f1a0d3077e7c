// A month of work orders (issue 14) played through the real server's HTTP API by the demo's people, signed in
// with their keys (SIWE): the office assigns the repairers to their parties and registers three devices, whose
// signed alarms arrive at the server's webhook (repeats join the open order); residents report from the client's
// channel, staff type 12345 calls (a caller they register, or a resident under her recorded authorisation), the
// grid worker reports from patrol; the parties accept, start, pause for no access, resume and resolve; some orders
// are returned (退单) and dispatched again by the office, some confirmed and rated, some reopened, some left past
// their deadline and escalated by the server's own sweep, some still open at the end. Seeded: every run is the same.
//
// Time: the services' clock (stack.ts gives the server `clock.now`) starts a month back and is moved forward by
// this script, step by step, to the real time at the end, so every record is dated in the past and in order, and
// the sweep (run here as the clock passes a deadline or a confirmation window, and by the server's timer) escalates
// in the month's time. Steps of different orders at one moment are sent together: the month takes a second or two.
import { createSiweMessage } from "viem/siwe";
import type { HDAccount } from "viem/accounts";
import { signDeviceRequest } from "../../server/src/services/devices/index.js";
import type { SweepResult } from "../../server/src/services/workorders/index.js";
import { prng, type DemoPerson, type DemoPlan } from "./plan.js";
import type { SeededEstate } from "./seed.js";

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;
/** How far back the month of orders begins. */
export const WORKORDER_MONTH_SECONDS = 30 * DAY;

/** The services' clock of the demo: `behindMs` behind `base` at first, moved only forward, never past `base`. */
export type DemoClock = {
  /** Milliseconds since the epoch, as the server's services read it. */
  now: () => number;
  /** Moves the clock forward to `ms` (no further than `base`; a time already passed changes nothing). */
  travelTo: (ms: number) => void;
  /** Back to `base` from here on (offset 0). */
  catchUp: () => void;
};

export function demoClock(base: () => number = Date.now, behindMs = WORKORDER_MONTH_SECONDS * 1000): DemoClock {
  let offset = behindMs;
  return {
    now: () => base() - offset,
    travelTo(ms) {
      offset = Math.max(0, Math.min(offset, base() - ms));
    },
    catchUp() {
      offset = 0;
    },
  };
}

export type WorkOrderMonth = {
  orders: number;
  byChannel: Record<"resident" | "hotline" | "grid" | "device", number>;
  /** Repeated alarms and duplicate reports that joined an open order. */
  joined: number;
  /** Escalated by the sweep past their deadline. */
  overdue: number;
  returned: number;
  reopened: number;
  rated: number;
  open: number;
};

export type WorkOrderDeps = {
  apiUrl: string;
  chainId: number;
  plan: DemoPlan;
  estate: SeededEstate;
  clock: DemoClock;
  /** One pass of the server's sweeps at the clock's time (RunningServer.sweepWorkOrders). */
  sweep: () => Promise<SweepResult>;
  /** The Unix time of a transaction's block (to place a call staff type under an authorisation after it was recorded). */
  txTime: (hash: `0x${string}`) => Promise<number>;
  seed?: number;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each caller reads the answer in its own shape
type Json = any;

/** Calls the API; anything but 2xx stops the demo with what was refused (a demo that half-plays would mislead). */
async function call(api: string, token: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Json> {
  const h: Record<string, string> = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h["content-type"] = "application/json";
  const res = await fetch(`${api}${path}`, { method, headers: h, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const answer = (await res.json()) as Json;
  if (res.status >= 300) throw new Error(`The demo's work orders: ${method} ${path} was refused (${res.status}): ${JSON.stringify(answer)}`);
  return answer;
}

/** Signs in with Ethereum (EIP-4361) as the client does, and returns the session token. */
async function signIn(api: string, chainId: number, account: HDAccount): Promise<string> {
  const { nonce, domain } = (await call(api, undefined, "POST", "/api/auth/nonce")) as { nonce: string; domain: string };
  const message = createSiweMessage({ address: account.address, chainId, domain, nonce, uri: api, version: "1" });
  return ((await call(api, undefined, "POST", "/api/auth/sign-in", { message, signature: await account.signMessage({ message }) })) as { token: string }).token;
}

type Channel = keyof WorkOrderMonth["byChannel"];
type Place = { estateId: number; building?: number; unitId?: number; area?: string };
/** What happens to an order after its report. */
type Fate = "fixed" | "paused" | "returned" | "reopened" | "late" | "unanswered" | "open";
/** One step at a moment of the month (seconds from its start); `order` ties it to its order's id. */
type Step = { at: number; order: number; run: (id: string) => Promise<void> };

/** The categories the demo's parties handle, by where they are reported; minutes as the default routing table's. */
const FLAT = [
  { code: "water-leak", party: "property", minutes: 24 * 60, check: true },
  { code: "no-water", party: "water", minutes: 24 * 60, check: false },
  { code: "power-outage", party: "power", minutes: 24 * 60, check: false },
] as const;
const BUILDING = [
  { code: "lift-fault", party: "property", minutes: 24 * 60, check: true },
  { code: "access-control", party: "property", minutes: 24 * 60, check: false },
  { code: "burst-pipe", party: "water", minutes: 30, check: true },
] as const;
const AREA = [
  { code: "street-light", party: "property", minutes: 7 * 24 * 60, check: false },
  { code: "greenery", party: "property", minutes: 7 * 24 * 60, check: false },
  { code: "parking", party: "property", minutes: 7 * 24 * 60, check: false },
  { code: "rubbish", party: "sanitation", minutes: 15, check: false },
] as const;
const AREAS = ["north-gate", "south-gate", "car-park", "garden", "bike-shed", "rubbish-point", "playground"];
/** Who takes a returned order instead (退单: not the first party's). */
const OTHER_PARTY: Record<string, { party: string; reason: string }> = {
  property: { party: "water", reason: "needsOtherParty" },
  water: { party: "property", reason: "notOurs" },
  power: { party: "property", reason: "notOurs" },
  sanitation: { party: "property", reason: "notOurs" },
};

/**
 * Builds the month's orders and starts signing everyone in at once (this needs the server only), so the sign-ins
 * run while the stack stores its documents and seeds the directory; `play` then plays the month (it needs the
 * directory's roles and the indexed authorisations) and ends with the clock at the real time.
 */
export function prepareWorkOrders(deps: WorkOrderDeps): { play: () => Promise<WorkOrderMonth> } {
  const { apiUrl: api, plan, estate, clock } = deps;
  const random = prng(deps.seed ?? 20261201);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const end = Math.floor(clock.now() / 1000) + WORKORDER_MONTH_SECONDS; // the real time when the month ends
  const start = end - WORKORDER_MONTH_SECONDS;
  const estateId = estate.estateId;

  // Everyone who acts, signed in once (sessions are real-time; only the services' clock is the month's).
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (p: DemoPerson): Promise<string> => {
    let token = tokens.get(p.account.address);
    if (!token) tokens.set(p.account.address, (token = signIn(api, deps.chainId, p.account)));
    return token;
  };
  const [office, desk] = [plan.staff[0]!, plan.staff[1] ?? plan.staff[0]!];
  const partyPeople: Record<string, DemoPerson> = plan.repairers;
  const as = async (p: DemoPerson, method: string, path: string, body?: unknown) => call(api, await tokenOf(p), method, path, body);

  // Residents with their flats (owners of sold units), in the plan's order.
  const flats = plan.buildings.flatMap((b, bi) =>
    b.units.flatMap((u, ui) => (u.holder === "developer" ? [] : [{ owner: plan.owners[u.holder]!, place: { estateId, building: estate.buildingIds[bi]!, unitId: estate.unitIds[bi]![ui]! }, bi }])),
  );
  const towers = plan.buildings.flatMap((b, bi) => (b.hasLift ? [bi] : []));

  const steps: Step[] = [];
  /** Everyone who acts, signed in together before the month is played. */
  const actors = new Set<DemoPerson>([office, desk, plan.gridWorker, ...Object.values(plan.repairers)]);
  /** Orders made so far (each order's index ties its steps to its id). */
  let made = 0;
  /** A step of order `o` at `at` (seconds from the month's start). */
  const at = (o: number, when: number, run: Step["run"]): void => void steps.push({ at: Math.floor(when), order: o, run });
  /** A pass of the server's sweep at `when` (past a deadline, past the confirmation window). */
  const sweepAt = (when: number): void => void steps.push({ at: Math.floor(when), order: -1, run: async () => void (await deps.sweep()) });

  type Order = { channel: Channel; reporter?: DemoPerson; proxy?: { onBehalfOf: string; authorisation: string }; body: Record<string, unknown>; party: string; minutes: number; check: boolean; fate: Fate; at: number };
  const ids: string[] = [];
  /** Orders whose report joined another (no steps of their own after it). */
  const joinedOrders = new Set<number>();

  /** The life of one order after its report, by its fate, as its party, the office and its reporter play it. */
  function story(o: number, order: Order): void {
    const repairer = partyPeople[order.party]!;
    const span = order.minutes * MIN;
    // Quick when the deadline is short, within a day or two when it is long; "late" finishes after it.
    const quick = Math.min(span * 0.15, 3 * HOUR);
    let t = order.at;
    const act = (who: DemoPerson, command: string, body: Record<string, unknown> = {}, dt = quick) => {
      t += dt;
      at(o, t, async (id) => void (await as(who, "POST", `/api/workorders/${id}/${command}`, body)));
    };
    const reporterAct = (command: string, body: Record<string, unknown>, dt: number) => {
      t += dt;
      const who = order.proxy ? desk : order.reporter!;
      at(o, t, async (id) => void (await as(who, "POST", `/api/workorders/${id}/${command}`, { ...body, ...order.proxy })));
    };
    const fix = (late: boolean) => {
      act(repairer, "accept");
      // A quick job is resolved straight from accepted; a longer one is started first (both are allowed).
      if (late || span >= 24 * HOUR) act(repairer, "start");
      if (late) {
        sweepAt(order.at + span + 2 * MIN); // the server's sweep finds it past its deadline
        t = order.at + span + (span < HOUR ? 20 * MIN : 6 * HOUR);
        act(repairer, "resolve", { photos: [] }, 0);
      } else act(repairer, "resolve", { photos: [] });
      if (order.check) act(random() < 0.5 ? office : plan.gridWorker, "checkOnSite", { passed: true }, 2 * HOUR);
    };
    const closeAndRate = (levels: number[]) => {
      if (!order.reporter && !order.proxy) return; // a device's or a caller's order: the sweep closes it after the window
      reporterAct("confirm", {}, (2 + 20 * random()) * HOUR);
      if (random() < 0.75) reporterAct("rate", { level: pick(levels) }, 10 * MIN); // not everyone rates
    };
    const autoClose = (): void => sweepAt(t + 7 * DAY + 2 * MIN);
    const answered = order.reporter !== undefined || order.proxy !== undefined;

    if (order.fate === "open") {
      // Still open at the end: dispatched only, accepted, or being worked; a short deadline left passes (the sweep).
      const stage = Math.floor(random() * 3);
      if (stage >= 1) act(repairer, "accept");
      if (stage >= 2) act(repairer, "start");
      sweepAt(order.at + span + 2 * MIN);
      return;
    }
    if (order.fate === "returned") {
      // 退单: not theirs; the office sends it to the party that owns it, who fixes it.
      const other = OTHER_PARTY[order.party]!;
      act(repairer, "return", { reason: other.reason });
      act(office, "dispatch", { party: other.party }, quick + 20 * MIN);
      story(o, { ...order, party: other.party, fate: "fixed", at: t });
      return;
    }
    if (order.fate === "paused") {
      act(repairer, "accept");
      act(repairer, "pause", { reason: "noAccess" }, 20 * MIN);
      act(repairer, "resume", {}, (3 + 20 * random()) * HOUR); // the resident is home again: the wait was theirs
      act(repairer, "start", {}, 30 * MIN);
      act(repairer, "resolve", { photos: [] }, 40 * MIN);
      if (order.check) act(office, "checkOnSite", { passed: true }, 2 * HOUR);
      if (answered) closeAndRate([5, 4, 4, 3]);
      else autoClose();
      return;
    }
    fix(order.fate === "late");
    if (order.fate === "unanswered" || !answered) {
      autoClose();
      return;
    }
    if (order.fate === "late") return closeAndRate([3, 2, 2, 1]);
    if (order.fate === "reopened") {
      // Fixed, closed, then broken again within days: reopened, fixed again, confirmed and rated.
      closeAndRate([4, 3]);
      reporterAct("reopen", { reason: pick(["brokeAgain", "notFixed"]) }, (1 + 3 * random()) * DAY);
      act(repairer, "accept", {}, 40 * MIN);
      act(repairer, "start", {}, 30 * MIN);
      act(repairer, "resolve", { photos: [] }, 2 * HOUR);
      if (order.check) act(office, "checkOnSite", { passed: true }, 2 * HOUR);
      closeAndRate([4, 3, 2]);
      return;
    }
    closeAndRate([5, 5, 5, 4, 4, 3]);
  }

  /** Adds an order reported at `when`; its steps follow from its fate. */
  function addOrder(order: Order): void {
    const o = made++;
    if (order.reporter) actors.add(order.reporter);
    at(o, order.at, async () => {
      const headers = { "idempotency-key": `demo-wo-${o}` };
      const who = order.channel === "resident" ? order.reporter! : order.channel === "grid" ? plan.gridWorker : desk;
      const answer = await call(api, await tokenOf(who), "POST", "/api/workorders/report", { ...order.body, ...order.proxy }, headers);
      ids[o] = answer.id as string;
      if ((answer.records as { kind: string }[])[0]?.kind !== "workorder.reported") joinedOrders.add(o);
    });
    story(o, order);
  }

  // A fate for each order; most of the last four days' orders are still open.
  const fateAt = (when: number): Fate => {
    if (when > WORKORDER_MONTH_SECONDS - 4 * DAY) return random() < 0.6 ? "open" : "fixed";
    const r = random();
    if (r < 0.45) return "fixed";
    if (r < 0.58) return "paused";
    if (r < 0.68) return "returned";
    if (r < 0.78) return "reopened";
    if (r < 0.88) return "late";
    return "unanswered";
  };
  /** A daytime moment of day `d` (08:00–20:00 China time, UTC+8), at a whole minute. */
  const daytime = (d: number) => {
    const dayStart = Math.floor((start + 8 * HOUR) / DAY) * DAY - 8 * HOUR + d * DAY;
    return Math.max(MIN, dayStart - start + 8 * HOUR + Math.floor(random() * 12 * 60) * MIN);
  };
  const priorityOf = () => (random() < 0.15 ? "urgent" : "normal");

  // 1. Residents report from the client: about forty reports over the month from some twenty households (some
  // report more than once), at their flat, their building or a common area.
  const reporting = Array.from({ length: 20 }, () => flats[Math.floor(random() * flats.length)]!);
  for (let i = 0; i < 40; i++) {
    const when = daytime(1 + Math.floor((i * 28.5) / 40));
    if (when >= WORKORDER_MONTH_SECONDS - 30 * MIN) continue;
    const flat = pick(reporting);
    const where = random();
    const fate = fateAt(when);
    if (where < 0.45) {
      const c = pick(FLAT);
      addOrder({ channel: "resident", reporter: flat.owner, body: { channel: "resident", serviceCode: c.code, priority: priorityOf(), place: flat.place }, party: c.party, minutes: c.minutes, check: c.check, fate, at: when });
    } else if (where < 0.7) {
      const c = pick(BUILDING.filter((b) => b.code !== "lift-fault" || towers.includes(flat.bi)));
      const place: Place = { estateId, building: flat.place.building };
      addOrder({ channel: "resident", reporter: flat.owner, body: { channel: "resident", serviceCode: c.code, place }, party: c.party, minutes: c.minutes, check: c.check, fate: c.minutes < 60 && fate === "paused" ? "fixed" : fate, at: when });
    } else {
      const c = pick(AREA);
      const place: Place = { estateId, area: c.code === "rubbish" ? "rubbish-point" : pick(AREAS) };
      addOrder({ channel: "resident", reporter: flat.owner, body: { channel: "resident", serviceCode: c.code, place }, party: c.party, minutes: c.minutes, check: c.check, fate: c.minutes < 60 && fate === "paused" ? "fixed" : fate, at: when });
    }
  }

  // 2. The grid worker's patrol: what is wrong in the common areas, about twice a week.
  for (let i = 0; i < 10; i++) {
    const when = daytime(Math.floor(i * 2.9)) + 30 * MIN;
    const c = pick(AREA.filter((a) => a.code !== "rubbish"));
    const fate = fateAt(when);
    addOrder({ channel: "grid", body: { channel: "grid", serviceCode: c.code, place: { estateId, area: pick(AREAS) } }, party: c.party, minutes: c.minutes, check: c.check, fate: fate === "reopened" || fate === "paused" ? "fixed" : fate, at: when });
  }

  // 3. 12345 calls staff type in: callers they register in the directory (the caller's name and phone go to the
  // vault; the order names the person id only). Each caller's order closes by the sweep: the caller has no account.
  const SURNAMES = ["赵", "钱", "孙", "李", "周", "吴", "郑", "王"];
  for (let i = 0; i < 8; i++) {
    const when = daytime(Math.floor(i * 3.5) + 1) + 45 * MIN;
    const flat = flats[Math.floor(random() * flats.length)]!;
    const c = random() < 0.6 ? pick(FLAT) : pick(BUILDING.filter((b) => b.code !== "lift-fault" || towers.includes(flat.bi)));
    const place: Place = FLAT.some((f) => f.code === c.code) ? flat.place : { estateId, building: flat.place.building };
    const fate = fateAt(when);
    const n = i;
    // Registered when the call is typed (the directory keeps its own time), then named by id in the report.
    const caller = { name: `${SURNAMES[n % SURNAMES.length]}先生（12345 来电）`, phone: `+86 100 0001 ${String(n).padStart(4, "0")}` };
    const o = made++;
    at(o, when, async () => {
      const { personId } = (await as(desk, "POST", "/api/directory/people", { kind: "resident", values: caller })) as { personId: string };
      const answer = await as(desk, "POST", "/api/workorders/report", { channel: "hotline", serviceCode: c.code, place, reporter: personId });
      ids[o] = answer.id as string;
      if ((answer.records as { kind: string }[])[0]?.kind !== "workorder.reported") joinedOrders.add(o);
    });
    story(o, { channel: "hotline", body: {}, party: c.party, minutes: c.minutes, check: c.check, fate: fate === "reopened" ? "fixed" : fate, at: when });
  }
  // A smell of gas in the old building, typed in yesterday: the gas company has nobody on the platform yet, so it
  // waits, past its two hours, escalated by the sweep to the street office.
  {
    const when = WORKORDER_MONTH_SECONDS - DAY + 3 * HOUR;
    const o = made++;
    at(o, when, async () => {
      const { personId } = (await as(desk, "POST", "/api/directory/people", { kind: "resident", values: { name: "冯女士（12345 来电）", phone: "+86 100 0001 0099" } })) as { personId: string };
      ids[o] = (await as(desk, "POST", "/api/workorders/report", { channel: "hotline", serviceCode: "gas-smell", place: { estateId, building: estate.buildingIds[2]! }, reporter: personId })).id as string;
    });
    sweepAt(when + 2 * HOUR + 2 * MIN);
  }

  // 4. Devices: the office registers a smoke sensor, a leak sensor and a camera; their alarms arrive signed.
  const devices = [
    { device: "smoke-b3-stair", kind: "smokeSensor", place: { estateId, building: estate.buildingIds[2]! }, code: "smoke-alarm", minutes: 30, party: "property", check: true },
    { device: "leak-b2-basement", kind: "leakSensor", place: { estateId, building: estate.buildingIds[1]! }, code: "water-leak", minutes: 2 * 60, party: "property", check: true },
    { device: "cam-north-gate", kind: "camera", place: { estateId, area: "north-gate" }, code: "rubbish", minutes: 15, party: "sanitation", check: false },
  ];
  const secrets = new Map<string, Buffer>();
  let alarmCount = 0;
  const alarm = (device: string, body: Record<string, unknown> = {}) => {
    const eventId = `${device}-${++alarmCount}`;
    return async () => {
      const bytes = Buffer.from(JSON.stringify({ eventId, ...body }), "utf8");
      const timestamp = Math.floor(clock.now() / 1000); // the device's clock is the services' clock
      const answer = await call(api, undefined, "POST", "/api/workorders/alarms", bytes.toString("utf8"), {
        "x-gongzhi-device": device,
        "x-gongzhi-timestamp": String(timestamp),
        "x-gongzhi-signature": signDeviceRequest(secrets.get(device)!, timestamp, bytes),
      });
      return answer as { order: string; joined: boolean };
    };
  };
  at(-1, 30 * MIN, async () => {
    for (const d of devices) {
      const answer = await as(office, "POST", "/api/devices/register", { device: d.device, kind: d.kind, place: d.place });
      secrets.set(d.device, Buffer.from(answer.secret as string, "hex"));
    }
  });
  // Incidents: each opens an order; repeats within the window (the sensor fires again) join it.
  const incidents: { d: (typeof devices)[number]; day: number; repeats: number; fate: Fate; body?: Record<string, unknown> }[] = [
    { d: devices[0]!, day: 4, repeats: 2, fate: "fixed" },
    { d: devices[2]!, day: 6, repeats: 3, fate: "fixed" },
    { d: devices[1]!, day: 9, repeats: 1, fate: "paused" },
    { d: devices[2]!, day: 12, repeats: 0, fate: "late" },
    { d: devices[2]!, day: 15, repeats: 2, fate: "fixed", body: { serviceCode: "parking" } },
    { d: devices[0]!, day: 18, repeats: 0, fate: "fixed" },
    { d: devices[2]!, day: 20, repeats: 1, fate: "fixed" },
    { d: devices[1]!, day: 23, repeats: 3, fate: "late" },
    { d: devices[2]!, day: 26, repeats: 2, fate: "fixed" },
    { d: devices[2]!, day: 29, repeats: 4, fate: "open" },
  ];
  for (const { d, day, repeats, fate, body } of incidents) {
    const when = daytime(day);
    const o = made++;
    const minutes = body?.serviceCode === "parking" ? 7 * 24 * 60 : d.minutes;
    const send = alarm(d.device, body);
    at(o, when, async () => void (ids[o] = (await send()).order));
    for (let r = 1; r <= repeats; r++) {
      const repeat = alarm(d.device, body);
      at(o, when + r * 2 * MIN, async () => {
        if (!(await repeat()).joined) throw new Error(`The demo's repeated alarm of ${d.device} did not join its open order.`);
      });
    }
    const party = body?.serviceCode === "parking" ? "property" : d.party;
    story(o, { channel: "device", body: {}, party, minutes, check: d.check, fate, at: when + (repeats + 1) * 2 * MIN });
  }

  // The office says who works for which party, first thing in the month.
  at(-1, 10 * MIN, async () => {
    for (const [party, p] of Object.entries(plan.repairers)) await as(office, "POST", "/api/workorders/parties/assign", { member: p.account.address.toLowerCase(), party });
  });
  const signedIn = Promise.all([...actors].map(tokenOf));
  signedIn.catch(() => undefined); // a failure is thrown by play(), which awaits it

  return { play: () => signedIn.then(play) };

  async function play(): Promise<WorkOrderMonth> {
    // Everyone signs in again: the demo's other parts, played meanwhile, sign the same staff and residents in
    // often enough to evict the sessions taken early (one address keeps a few at most).
    tokens.clear();
    await Promise.all([...actors].map(tokenOf));
    // 5. Calls staff type for the elderly resident under her written authorisation (services), once it is recorded.
    const authorised = await findServicesAuthorisation(api, deps.txTime);
    if (authorised && authorised.recordedAt + 2 * MIN < end - 5 * MIN) {
      const flat = flats.find((f) => f.owner.account.address.toLowerCase() === authorised.resident.toLowerCase());
      const when = Math.max(authorised.recordedAt + 2 * MIN, end - 20 * MIN) - start;
      const place: Place = flat ? flat.place : { estateId, building: estate.buildingIds[2]! };
      addOrder({
        channel: "hotline",
        proxy: { onBehalfOf: authorised.resident, authorisation: authorised.id },
        body: { channel: "hotline", serviceCode: "no-water", place, reporter: authorised.resident.toLowerCase() },
        party: "water",
        minutes: 24 * 60,
        check: false,
        fate: "open",
        at: when,
      });
    }

    // Play: moment by moment, each moment's steps of different orders together; a step of an order that joined
    // another, or a step past the real time, is left out.
    const moments = new Map<number, Step[]>();
    for (const s of steps) {
      if (s.at >= WORKORDER_MONTH_SECONDS - MIN) continue;
      const list = moments.get(s.at) ?? [];
      list.push(s);
      moments.set(s.at, list);
    }
    for (const when of [...moments.keys()].sort((a, b) => a - b)) {
      clock.travelTo((start + when) * 1000);
      const list = moments.get(when)!;
      const sweeps = list.filter((s) => s.order < 0);
      const rest = list.filter((s) => s.order >= 0 && !joinedOrders.has(s.order));
      for (const s of sweeps) await s.run("");
      // One step per order at a moment: steps of one order follow each other in time.
      await Promise.all(rest.map((s) => s.run(ids[s.order] ?? "")));
    }
    clock.catchUp();
    await deps.sweep();
    return summarise(api, ids.filter((_, o) => !joinedOrders.has(o)));
  }
}

/** The first recorded authorisation with the services scope, not revoked: its resident, id and recording time. */
async function findServicesAuthorisation(api: string, txTime: WorkOrderDeps["txTime"]): Promise<{ id: string; resident: string; recordedAt: number } | undefined> {
  for (let id = 1; id < 50; id++) {
    const res = await fetch(`${api}/api/proxy-authorizations/${id}`);
    if (res.status === 404) return undefined;
    const a = (await res.json()) as { id: string; resident: string; scopes: string[]; status: string; txHash: `0x${string}` };
    if (a.scopes.includes("services") && a.status === "active") return { id: a.id, resident: a.resident, recordedAt: await txTime(a.txHash) };
  }
  return undefined;
}

/** The month as the public API shows it: each order's page. */
async function summarise(api: string, ids: string[]): Promise<WorkOrderMonth> {
  const month: WorkOrderMonth = { orders: 0, byChannel: { resident: 0, hotline: 0, grid: 0, device: 0 }, joined: 0, overdue: 0, returned: 0, reopened: 0, rated: 0, open: 0 };
  const views = await Promise.all([...new Set(ids)].map((id) => call(api, undefined, "GET", `/api/workorders/${id}`)));
  for (const v of views as { channel: Channel; escalated: boolean; returns: number; reopens: number; rating: number | null; status: string; duplicates: number }[]) {
    month.orders++;
    month.byChannel[v.channel]++;
    month.joined += v.duplicates;
    if (v.escalated) month.overdue++;
    if (v.returns > 0) month.returned++;
    if (v.reopens > 0) month.reopened++;
    if (v.rating !== null) month.rated++;
    if (!["resolved", "closed"].includes(v.status)) month.open++;
  }
  return month;
}
