// The worker thread of prepare.ts: reads eth_getLogs answers over HTTP, names the events and makes the receipt-log
// entries (encoding and keccak256), and hands back the entries' stored forms in one transferable buffer (the
// indexer decodes the events' arguments from them).
import { parentPort, workerData } from "node:worker_threads";
import type { RpcLog } from "./decode.js";
import { getLogsParams, makePreparer, sequencer, type WorkerReply, type WorkerRequest, type WorkerSetup } from "./prepare.js";

const setup = workerData as WorkerSetup;
const prepare = makePreparer(setup);
const port = parentPort!;
const numbered = sequencer();

async function getLogs(from: number, to: number): Promise<RpcLog[]> {
  const res = await fetch(setup.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getLogs", params: getLogsParams(setup.addresses, from, to) }),
    signal: AbortSignal.timeout(setup.timeoutMs),
  });
  const text = await res.text();
  let body: { result?: RpcLog[]; error?: { message?: string; data?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`eth_getLogs: HTTP ${res.status} ${res.statusText}: ${text.slice(0, 200)}`);
  }
  if (body.error) throw new Error(`eth_getLogs: ${body.error.message ?? "error"} ${body.error.data ? JSON.stringify(body.error.data) : ""}`);
  if (!Array.isArray(body.result)) throw new Error(`eth_getLogs: HTTP ${res.status}: no result`);
  return body.result;
}

port.on("message", (request: WorkerRequest) => {
  const logs = getLogs(request.from, request.to); // in parallel with earlier requests; numbered in order
  logs.catch(() => undefined);
  numbered(request.firstSeq, async (base) => prepare(await logs, base, request.from, request.to)).then(
    (prepared) => {
      // The packed entries' buffer is the whole of its (unpooled) ArrayBuffer: it moves to the main thread as is.
      const buffer = prepared.entries.bytes.buffer as ArrayBuffer;
      const offsets = prepared.entries.offsets;
      const reply: WorkerReply = {
        id: request.id,
        ok: true,
        count: prepared.count,
        buffer,
        offsets,
        firstSeq: prepared.firstSeq,
        removed: prepared.removed,
        edgeHashes: [
          [request.from, prepared.hashesAt(request.from)],
          [request.to, prepared.hashesAt(request.to)],
        ],
      };
      port.postMessage(reply, [buffer, offsets.buffer as ArrayBuffer]);
    },
    (err: Error) => port.postMessage({ id: request.id, ok: false, message: err.message } satisfies WorkerReply),
  );
});

port.postMessage({ ready: true }); // loaded: requests may come here now
