// Indexer throughput against one Hardhat node process: ≥ 100,000 registry events (from the RegistryEventEmitter
// fixture), read with bare eth_getLogs calls (no decoding, no storage) and indexed into LevelDB (decoding, read
// models, receipt log and atomic batches), alternately, ROUNDS times; the medians are compared (this machine's
// speed drifts by ±20 % from one second to the next, and the first pass of each is a warm-up for the node and
// the JIT alike). Goal: indexing ≥ 50 % of the raw rate.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import type { Abi, Address } from "viem";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { deployContracts } from "../../server/src/chain/deploy.js";
import { writeDeployment } from "../../server/src/chain/deployment.js";
import { loadIndexerSettings } from "../../server/src/config/indexer.js";
import { syncOnce } from "../../server/src/indexer/indexer.js";
import { setupIndexer } from "../../server/src/indexer/setup.js";
import { closeStore } from "../../server/src/store/store.js";
import { anyFreePort, clients, startNode } from "../../test/server/helpers/chain.js";
import { canAccountCpu, processCpuMs, splitThreads, threadCpuMs } from "./cpu.js";
import { median, round, type BenchModule, type Figure } from "./figures.js";

const UNITS = Number(process.env.BENCH_INDEXER_UNITS ?? 100_000);
const PER_TX = 2_000;
const BUILDINGS = 200;
const HOLDERS = 20_000;
const BLOCKS_PER_CALL = 5; // 10,000 logs per eth_getLogs answer, for both measurements
const ROUNDS = Number(process.env.BENCH_INDEXER_ROUNDS ?? 5);

function dirBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    bytes += entry.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return bytes;
}

async function rawGetLogs(url: string, address: Address, from: number, to: number): Promise<{ events: number; ms: number }> {
  const started = performance.now();
  let events = 0;
  for (let b = from; b <= to; b += BLOCKS_PER_CALL) {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "eth_getLogs",
        params: [{ address, fromBlock: `0x${b.toString(16)}`, toBlock: `0x${Math.min(to, b + BLOCKS_PER_CALL - 1).toString(16)}` }],
      }),
    });
    events += ((await res.json()) as { result: unknown[] }).result.length;
  }
  return { events, ms: performance.now() - started };
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

function cpuFigures(cpu: Record<"raw" | "main" | "worker" | "other" | "node" | "bound", number[]>): Figure[] {
  const sec = (xs: number[]) => round(median(xs) / 1000, 2);
  return [
    { name: "indexer.cores", value: availableParallelism(), unit: "cores", description: "CPU cores this process may use (shared with the node)" },
    { name: "indexer.cpu.rawPassSec", value: sec(cpu.raw), unit: "CPU-s", description: "one raw pass: this process (reading the answers) and the node; median" },
    { name: "indexer.cpu.mainSec", value: sec(cpu.main), unit: "CPU-s", description: "one indexing pass, main thread: decoding arguments, reducers, LevelDB reads, batch writes; median" },
    { name: "indexer.cpu.workerSec", value: sec(cpu.worker), unit: "CPU-s", description: "the preparing worker: reading and parsing answers, canonical encoding, keccak256; median" },
    { name: "indexer.cpu.otherThreadsSec", value: sec(cpu.other), unit: "CPU-s", description: "this process's other threads: V8's garbage-collection and compiler helpers, libuv's pool (LevelDB writes); median" },
    { name: "indexer.cpu.nodeSec", value: sec(cpu.node), unit: "CPU-s", description: "the node answering the indexing pass's eth_getLogs; median" },
    { name: "indexer.ratioToRaw.cpuBound", value: round(median(cpu.bound), 3), unit: "×", description: "the highest ratio these cores allow for this much CPU: raw pass time / (indexing CPU time incl. the node / cores); median" },
  ];
}

const NOTES = `
**The goal of 0.5 is not met on this machine, and the CPU figures say why.** The indexing pass's CPU time, the
node's included (\`indexer.cpu.*\`), is several times the raw pass's (\`indexer.cpu.rawPassSec\`), and the node
shares the machine's \`indexer.cores\` cores with us: however well the work were spread over them, a pass cannot
take less than its CPU time divided by the cores. \`indexer.ratioToRaw.cpuBound\` is the ratio that bound allows;
while it is under 0.5, only less work per event can reach the goal, not more parallelism. With more cores the
bound would be the busiest thread's CPU time instead (\`indexer.cpu.mainSec\`, \`indexer.cpu.workerSec\`, each well
under the pass's wall time here); this machine cannot show how close the pipeline would come to it.

Where the CPU goes (\`node --cpu-prof\`, and each stage alone on the same 120,000 answers): in the worker, two
keccak256 per record over its ~700-byte canonical encoding take about 0.9 CPU-seconds (hash-wasm, the fastest of
hash-wasm, @polkadot/wasm-crypto, the native \`keccak\` addon, js-sha3 and @noble/hashes here), \`JSON.parse\` of
the 81 MB of answers about 0.3, the encoding about 0.3 (a hand-written byte scanner that parses and converts the
hex in one go measured no faster than \`JSON.parse\` plus Node's hex conversion, and parsing an answer in slices of
500 logs, so that they die young, no faster than parsing it whole). On the main thread: some
425,000 batch writes, the reducers and their overlay, LevelDB reads, decoding the arguments, and garbage
collection, whose parallel helpers are most of \`indexer.cpu.otherThreadsSec\` with libuv's pool writing LevelDB.
The fixture puts 2,000 events in each of 50 blocks, so every block lies in the 128-block reorg window and every
write also records undo information (a long backfill records it for the last 128 blocks only; a window of 1
measured no faster within this machine's noise). The store is written without Snappy compression: 92 MB instead
of 53 MB, for about a tenth less time.
`;

const bench: BenchModule = {
  title: "Indexer: eth_getLogs and indexing into LevelDB",
  notes: NOTES,
  async run(): Promise<Figure[]> {
    const node = await startNode({ port: await anyFreePort() });
    const dir = mkdtempSync(path.join(tmpdir(), "gongzhi-bench-indexer-"));
    try {
      const { publicClient, walletClient } = clients(node.url);
      const deployment = await deployContracts({ publicClient, walletClient, plan: [{ name: "RegistryEventEmitter", args: () => [] }] });
      const emitter = deployment.contracts.RegistryEventEmitter;
      // The indexer reads the fixture as if it were the registry: same events, registry read models.
      const file = path.join(dir, "deployment.json");
      writeDeployment(file, { ...deployment, contracts: { CommunityRegistry: { ...emitter, artifact: "RegistryEventEmitter" } } });
      const abi = loadArtifact("RegistryEventEmitter").abi as Abi;
      const send = async (functionName: string, args: unknown[]) => {
        const hash = await walletClient.writeContract({ address: emitter.address, abi, functionName, args, gas: 16_000_000n });
        const r = await publicClient.waitForTransactionReceipt({ hash });
        if (r.status !== "success") throw new Error(`${functionName} reverted`);
        return Number(r.blockNumber);
      };
      console.log(`emitting ${UNITS.toLocaleString()} unit registrations in ${UNITS / PER_TX} blocks…`);
      await send("emitEstate", [1, "0x00000000000000000000000000000000000000d0", 1, BUILDINGS]);
      let last = 0;
      for (let first = 1; first <= UNITS; first += PER_TX) last = await send("emitUnits", [first, PER_TX, 1, BUILDINGS, HOLDERS]);

      const rawRates: number[] = [];
      const rates: number[] = [];
      // CPU-seconds by round: the raw pass (this process and the node), and the indexing pass by thread.
      const cpu = { raw: [] as number[], main: [] as number[], worker: [] as number[], other: [] as number[], node: [] as number[], bound: [] as number[] };
      const nodePid = node.child.pid!;
      let events = 0;
      let storeBytes = 0;
      for (let pass = 1; pass <= ROUNDS; pass++) {
        const rawOwn = process.cpuUsage();
        const rawNode = canAccountCpu ? processCpuMs(nodePid) : 0;
        const raw = await rawGetLogs(node.url, emitter.address, emitter.blockNumber, last);
        const rawCpuMs = canAccountCpu ? cpuMs(process.cpuUsage(rawOwn)) + processCpuMs(nodePid) - rawNode : 0;
        rawRates.push(raw.events / (raw.ms / 1000));
        const dataDir = path.join(dir, `db-${pass}`);
        const settings = loadIndexerSettings(
          { rpcUrl: node.url, chainId: deployment.chainId, deployment: file, dataDir, initialRange: BLOCKS_PER_CALL, targetLogs: BLOCKS_PER_CALL * PER_TX, logLevel: "silent" },
          {},
        );
        const existed = new Set(canAccountCpu ? threadCpuMs().keys() : []);
        const service = await setupIndexer(settings);
        const threadsBefore = canAccountCpu ? threadCpuMs() : new Map<number, number>();
        const nodeBefore = canAccountCpu ? processCpuMs(nodePid) : 0;
        const started = performance.now();
        const r = await syncOnce(service.indexer);
        const ms = performance.now() - started;
        if (canAccountCpu) {
          const split = splitThreads(existed, threadsBefore, threadCpuMs());
          const nodeMs = processCpuMs(nodePid) - nodeBefore;
          cpu.raw.push(rawCpuMs);
          cpu.main.push(split.mainMs);
          cpu.worker.push(split.newThreadMs);
          cpu.other.push(split.otherMs);
          cpu.node.push(nodeMs);
          // However well the work were spread, these cores cannot index faster than its CPU time divided by them.
          const indexCpuMs = split.mainMs + split.newThreadMs + split.otherMs + nodeMs;
          cpu.bound.push(raw.ms / (indexCpuMs / availableParallelism()));
        }
        await closeStore(service.store);
        if (r.events !== raw.events) throw new Error(`indexed ${r.events} events but eth_getLogs returned ${raw.events}`);
        events = raw.events;
        storeBytes = dirBytes(dataDir);
        rmSync(dataDir, { recursive: true, force: true });
        rates.push(r.events / (ms / 1000));
        console.log(`round ${pass}: raw eth_getLogs ${raw.events} events in ${Math.round(raw.ms)} ms; indexed in ${Math.round(ms)} ms (${round(rates.at(-1)! / rawRates.at(-1)!, 2)} of raw)`);
        if (canAccountCpu) {
          const s = (xs: number[]) => round(xs.at(-1)! / 1000, 2);
          console.log(`  CPU-s: raw pass ${s(cpu.raw)}; indexing: main ${s(cpu.main)}, worker ${s(cpu.worker)}, other threads ${s(cpu.other)}, node ${s(cpu.node)}`);
        }
      }
      const rawRate = median(rawRates);
      const rate = median(rates);
      return [
        { name: "indexer.events", value: events, unit: "events", description: "registry events on the chain (UnitRegistered, HolderIndexed, BuildingAdded, EstateCreated)" },
        { name: "indexer.rawGetLogs.eventsPerSec", value: Math.round(rawRate), unit: "events/s", description: `bare eth_getLogs, ${BLOCKS_PER_CALL} blocks (${BLOCKS_PER_CALL * PER_TX} logs) per call, no decoding or storage; median of ${ROUNDS}` },
        { name: "indexer.eventsPerSec", value: Math.round(rate), unit: "events/s", description: `backfill into LevelDB: decode, read models, receipt log, atomic batches with checkpoint; median of ${ROUNDS}` },
        { name: "indexer.ratioToRaw", value: round(rate / rawRate, 3), unit: "×", description: "median indexing rate / median raw eth_getLogs rate (goal ≥ 0.5)" },
        { name: "indexer.ratioToRaw.min", value: round(Math.min(...rates.map((r, i) => r / rawRates[i])), 3), unit: "×", description: "the lowest ratio of one round's indexing and raw rates" },
        ...(canAccountCpu ? cpuFigures(cpu) : []),
        { name: "indexer.storeMB", value: round(storeBytes / 2 ** 20, 1), unit: "MB", description: "the LevelDB directory after the backfill (records, read models, undo window, receipt log)" },
      ];
    } finally {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
