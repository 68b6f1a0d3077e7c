// Work orders (issue 14):
//  - signed alarms over HTTP to a real server process (real LevelDB, a real chain node): 100 devices send 10,000
//    alarms, 30 % of them repeats of an event already sent; each is verified (HMAC, timestamp, device), taken in
//    through the intake (a new order, or a join of the open order of the same thing at the same place) and
//    acknowledged once synced; the orders created and the duplicates joined are checked against the expected
//    numbers in the journal;
//  - finding the overdue among 100,000 open orders through the deadlines index, against the baseline of reading
//    every order (what a sweep without the index would do), on a real LevelDB store seeded through the service's
//    own projection.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createWalletClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { chainFor, makePublicClient } from "../../server/src/chain/clients.js";
import { deployContracts } from "../../server/src/chain/deploy.js";
import { writeDeployment } from "../../server/src/chain/deployment.js";
import { startLocalNode } from "../../server/src/chain/localNode.js";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { signDeviceRequest } from "../../server/src/services/devices/index.js";
import { createEngine, levelServiceStorage, modelName, type JournalRecord, type ModelTx, type ModelWrite } from "../../server/src/services/framework/index.js";
import { createLock } from "../../server/src/store/lock.js";
import { closeStore, openStore } from "../../server/src/store/store.js";
import {
  ALARM_KINDS,
  clocksOf,
  defaultCategories,
  Dispatched,
  dueIds,
  MODELS,
  projectOrder,
  Reported,
  SERVICE,
  workOrderService,
  type OrderRow,
} from "../../server/src/services/workorders/index.js";
import { DEV_KEYS } from "../../test/server/helpers/chain.js";
import { signInTo, startServiceProcess, type ServiceProcess } from "../../test/server/helpers/service-process.js";
import { round, type BenchModule, type Figure } from "./figures.js";
import { freePort } from "./ports.js";

const CHAIN_ID = 31337;
const DEVICES = Number(process.env.BENCH_WO_DEVICES ?? 100);
const ALARMS = Number(process.env.BENCH_WO_ALARMS ?? 10_000);
const REPEAT_SHARE = 0.3;
const CONCURRENCY = 50;
const OPEN_ORDERS = Number(process.env.BENCH_WO_OPEN ?? 100_000);
const OVERDUE_SHARE = 0.01;
const [ADMIN_KEY, ANCHORER_KEY] = DEV_KEYS as [Hex, Hex];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

type Alarm = { device: number; eventId: string; serviceCode: string; repeat: boolean };

/**
 * The alarms in sending order: device i is a smoke sensor (even i) or a leak sensor (odd i) in building i + 1;
 * its new events alternate between two categories its kind may report, so each device opens two orders and its
 * other new events join them. Three of every ten alarms are repeats of an event sent earlier.
 */
function plan(): { alarms: Alarm[]; orders: number; joins: number; repeats: number } {
  const alarms: Alarm[] = [];
  const sent: Alarm[] = [];
  let fresh = 0;
  const seen = new Set<string>();
  for (let i = 0; alarms.length < ALARMS; i++) {
    if (i % 10 >= 10 - REPEAT_SHARE * 10) {
      // A repeat of an event sent before (perhaps still in flight: the webhook then answers it after the first).
      alarms.push({ ...sent[(i * 7919) % sent.length]!, repeat: true });
      continue;
    }
    const device = fresh % DEVICES;
    const kind = ALARM_KINDS[device % 2 === 0 ? "smokeSensor" : "leakSensor"];
    const serviceCode = kind.allowed[Math.floor(fresh / DEVICES) % 2]!;
    const alarm = { device, eventId: `e-${fresh}`, serviceCode, repeat: false };
    fresh++;
    seen.add(`${device}/${serviceCode}`);
    alarms.push(alarm);
    sent.push(alarm);
  }
  const repeats = alarms.filter((a) => a.repeat).length;
  return { alarms, orders: seen.size, joins: fresh - seen.size, repeats };
}

async function alarmsOverHttp(): Promise<Figure[]> {
  const node = await startLocalNode({ port: await freePort() });
  const dataDir = mkdtempSync(path.join(tmpdir(), "gongzhi-workorders-bench-"));
  let server: ServiceProcess | undefined;
  try {
    const client = makePublicClient(node.url, CHAIN_ID);
    const admin = privateKeyToAccount(ADMIN_KEY);
    const wallet = createWalletClient({ account: admin, chain: chainFor(CHAIN_ID, node.url), transport: http(node.url) });
    const deployment = await deployContracts({ publicClient: client, walletClient: wallet, anchorers: [privateKeyToAccount(ANCHORER_KEY).address] });
    const deploymentFile = path.join(dataDir, "deployment.json");
    writeDeployment(deploymentFile, deployment);
    server = await startServiceProcess({
      GONGZHI_RPC_URL: node.url,
      GONGZHI_CHAIN_ID: String(CHAIN_ID),
      GONGZHI_DEPLOYMENT: deploymentFile,
      GONGZHI_DATA_DIR: path.join(dataDir, "server"),
      GONGZHI_PORT: "0",
      GONGZHI_ANCHORER_KEY: ANCHORER_KEY,
      GONGZHI_BATCH_SECONDS: "2",
      GONGZHI_POLL_MS: "200",
      GONGZHI_RATE_LIMIT_PER_MINUTE: "100000000",
      GONGZHI_LOG_LEVEL: "error",
      GONGZHI_MODE: "development",
    });
    const url = server.url;
    const token = await signInTo(url, admin); // the registrar
    const secrets: Buffer[] = [];
    for (let i = 0; i < DEVICES; i++) {
      const res = await fetch(`${url}/api/devices/register`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ device: `dev-${i}`, kind: i % 2 === 0 ? "smokeSensor" : "leakSensor", place: { estateId: 1, building: i + 1 } }),
      });
      const body = (await res.json()) as { secret?: string };
      if (res.status !== 201 || !body.secret) throw new Error(`registering dev-${i}: ${res.status} ${JSON.stringify(body)}`);
      secrets.push(Buffer.from(body.secret, "hex"));
    }
    const { alarms, orders, joins, repeats } = plan();
    console.log(`  ${alarms.length} alarms from ${DEVICES} devices (${repeats} repeats), ${CONCURRENCY} at a time …`);
    const latencies: number[] = [];
    const failures: string[] = [];
    let replayed = 0;
    let joined = 0;
    const created = new Set<string>();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < alarms.length) {
          const alarm = alarms[next++]!;
          const bytes = Buffer.from(JSON.stringify({ eventId: alarm.eventId, serviceCode: alarm.serviceCode }));
          const timestamp = Math.floor(Date.now() / 1000);
          const sentAt = performance.now();
          const res = await fetch(`${url}/api/workorders/alarms`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "x-gongzhi-device": `dev-${alarm.device}`,
              "x-gongzhi-timestamp": String(timestamp),
              "x-gongzhi-signature": signDeviceRequest(secrets[alarm.device]!, timestamp, bytes),
            },
            body: new Uint8Array(bytes),
          });
          const body = (await res.json()) as { order: string; joined: boolean };
          latencies.push(performance.now() - sentAt);
          if (res.status !== 201) failures.push(`${res.status} ${JSON.stringify(body)}`);
          else if (res.headers.get("idempotency-replayed") === "true") replayed++;
          else if (body.joined) joined++;
          else created.add(body.order);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (failures.length > 0) throw new Error(`${failures.length} alarms failed: ${failures.slice(0, 5).join("; ")}`);
    if (created.size !== orders || joined !== joins || replayed !== repeats) {
      throw new Error(`expected ${orders} orders, ${joins} joins and ${repeats} replays; got ${created.size}, ${joined} and ${replayed}`);
    }
    // The office's view agrees: each order once, its duplicates counted.
    let duplicates = 0;
    for (const id of created) duplicates += ((await (await fetch(`${url}/api/workorders/${id}`)).json()) as { duplicates: number }).duplicates;
    if (duplicates !== joins) throw new Error(`the orders count ${duplicates} duplicates; ${joins} joined`);
    latencies.sort((a, b) => a - b);
    return [
      { name: "workorders.alarmsPerSec", value: round(alarms.length / seconds, 0), unit: "alarms/s", description: `signed alarms acknowledged per second over HTTP (${alarms.length} from ${DEVICES} devices, ${CONCURRENCY} in flight, ${Math.round(REPEAT_SHARE * 100)} % repeats of an event already sent)` },
      { name: "workorders.ordersCreated", value: created.size, unit: "orders", description: `orders the alarms opened: expected ${orders} (each device's two categories at its place), checked` },
      { name: "workorders.duplicatesJoined", value: joined, unit: "alarms", description: `new alarms of an open order's thing and place that joined it: expected ${joins}, checked (and the orders' duplicate counts sum to it)` },
      { name: "workorders.repeatsAnswered", value: replayed, unit: "alarms", description: `repeats of an event id answered with the first answer, writing nothing: expected ${repeats}, checked` },
      { name: "workorders.intakeP50ms", value: round(percentile(latencies, 50), 1), unit: "ms", description: "median time from sending an alarm to its answer" },
      { name: "workorders.intakeP99ms", value: round(percentile(latencies, 99), 1), unit: "ms", description: "99th percentile of the same" },
    ];
  } finally {
    server?.child.kill("SIGTERM");
    await server?.exited;
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function overdueSweep(): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "gongzhi-workorders-sweep-bench-"));
  const store = await openStore(dir, [], logEntryEncoding);
  try {
    const service = workOrderService({ categories: defaultCategories, partyOf: async () => null });
    const engine = createEngine({ services: [service], storage: levelServiceStorage(store, createLock(), CHAIN_ID), proxyCheck: async () => false });
    const now = 1_780_000_000;
    const overdue = Math.round(OPEN_ORDERS * OVERDUE_SHARE);
    console.log(`  seeding ${OPEN_ORDERS} open orders (${overdue} overdue) through the service's projection …`);
    // The read models as the engine's projection writes them (Reported + Dispatched per order), written in
    // batches directly: 100,000 commands through HTTP would take minutes and measure the intake again.
    let writes = new Map<string, ModelWrite>();
    const tx: ModelTx = {
      get: async <T>(model: string, key: string) => (writes.get(`${model}\u0000${key}`)?.value ?? (await engine.storage.get<T>(modelName(SERVICE, model), key))) as T | undefined,
      put: (model, key, value) => void writes.set(`${model}\u0000${key}`, { model: modelName(SERVICE, model), key, value }),
      del: (model, key) => void writes.set(`${model}\u0000${key}`, { model: modelName(SERVICE, model), key, value: null }),
    };
    for (let i = 0; i < OPEN_ORDERS; i++) {
      // The first 1 % are past their 30-minute deadline; the rest are due within the next week.
      const receivedAt = i < overdue ? now - 3600 - i : now - 60 + (i % 600);
      const minutes = i < overdue ? 30 : 7 * 24 * 60;
      const id = `wo-${i.toString(36).padStart(6, "0")}`;
      const place = { estateId: 1 + (i % 20), building: 1 + (i % 97) };
      const records: JournalRecord[] = [
        { kind: Reported.kind, id, version: 1, at: receivedAt, actor: { system: "bench" }, payload: { channel: "grid", serviceCode: "other", priority: "normal", place, photos: [], onSiteCheck: false } },
        { kind: Dispatched.kind, id, version: 2, at: receivedAt, actor: { system: "bench" }, payload: { party: "office", deadlineAt: receivedAt + minutes * 60, by: "routing" } },
      ];
      for (const record of records) await projectOrder(record, tx);
      if (writes.size >= 20_000) {
        await engine.storage.write([...writes.values()]);
        writes = new Map();
      }
    }
    await engine.storage.write([...writes.values()]);

    const runs = 5;
    const timed = async (find: () => Promise<number>) => {
      const ms: number[] = [];
      let found = 0;
      for (let r = 0; r < runs; r++) {
        const t = performance.now();
        found = await find();
        ms.push(performance.now() - t);
      }
      return { ms: ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!, found };
    };
    // What the sweep reads: the head of the deadlines index, until the first order not yet due.
    const index = await timed(async () => {
      let n = 0;
      for await (const _id of dueIds(engine, MODELS.deadlines, now, 500)) n++;
      return n;
    });
    // The baseline: every order read and its clocks computed.
    const scan = await timed(async () => {
      let n = 0;
      for await (const [, value] of engine.storage.list(modelName(SERVICE, MODELS.orders))) if (clocksOf(value as OrderRow, now).overdue) n++;
      return n;
    });
    if (index.found !== overdue || scan.found !== overdue) throw new Error(`expected ${overdue} overdue; the index found ${index.found}, the scan ${scan.found}`);
    return [
      { name: "workorders.overdueSweepMs", value: round(index.ms, 1), unit: "ms", description: `finding the ${overdue} overdue among ${OPEN_ORDERS.toLocaleString("en-US")} open orders through the deadlines index (median of ${runs})` },
      { name: "workorders.overdueScanAllMs", value: round(scan.ms, 0), unit: "ms", description: `baseline: the same found by reading every order and computing its clocks (median of ${runs})` },
    ];
  } finally {
    await closeStore(store);
    rmSync(dir, { recursive: true, force: true });
  }
}

const bench: BenchModule = {
  title: "Work orders: alarms through the intake, and the overdue sweep",
  notes: `The alarms go to a server process (test/server/helpers/service-server.ts: the real server, its LevelDB, a
Hardhat node, anchoring every 2 s) from this process, ${CONCURRENCY} requests in flight, each signed with its device's
HMAC secret as a device would. "Repeats" are re-sent events (the same device and event id): each gets the first
answer back and writes nothing. The new alarms of a device alternate between two categories its kind may report
(a smoke sensor: smoke-alarm, gas-smell; a leak sensor: water-leak, burst-pipe), so every device opens two orders
at its place and its later alarms join them: repeated alarms of one thing at one place within the category's window
never open a second order. There is no baseline for the alarms in this run (the route did not exist before).
The sweep figure is measured on a LevelDB store of its own, seeded with the read models the service's projection
writes for 100,000 reported and dispatched orders (seeded directly: creating them through HTTP would take minutes
and measure the intake again); 1 % are overdue. The sweep reads only the head of the deadlines index; the baseline
reads every order. Escalating the overdue (one synced command each) is not in the figure.`,
  async run(): Promise<Figure[]> {
    return [...(await alarmsOverHttp()), ...(await overdueSweep())];
  },
};

export default bench;
