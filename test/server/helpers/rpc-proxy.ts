// A JSON-RPC proxy in front of a real node process, imitating what another client does (a fixture, not a mock:
// every answer that is passed through is the real node's):
//   maxLogsRange  refuse eth_getLogs over more blocks than Besu's --rpc-max-logs-range allows, with Besu's error
//                 (code -32005 "Requested range exceeds maximum RPC range limit", refused when to − from > max);
//   hold          keep the requests a predicate picks unanswered until released, so that a test knows that a
//                 child process is waiting at exactly that call (e.g. to kill it there).
// It listens on 127.0.0.1 on a free port and records every eth_getLogs range it saw.
import { createServer, type IncomingMessage, type Server } from "node:http";

type RpcRequest = { jsonrpc: "2.0"; id: number | string | null; method: string; params?: unknown[] };

export type GetLogsSeen = { from: number; to: number; refused: boolean };

export type Hold = {
  /** Resolves when the first held request arrives. */
  reached: Promise<RpcRequest>;
  /** How many requests are held now. */
  held: () => number;
  /** Passes the held requests (and any later ones) on to the node. */
  release: () => void;
  /** Never passes the held requests on (their callers are gone); later ones pass. */
  drop: () => void;
};

export type RpcProxy = {
  url: string;
  getLogs: GetLogsSeen[];
  /** Besu's block-range limit on eth_getLogs (undefined: none). */
  setMaxLogsRange: (max: number | undefined) => void;
  hold: (match: (request: RpcRequest) => boolean) => Hold;
  close: () => Promise<void>;
};

/** Besu's answer to an eth_getLogs over too many blocks (RpcErrorType.EXCEEDS_RPC_MAX_BLOCK_RANGE). */
export const BESU_RANGE_ERROR = { code: -32005, message: "Requested range exceeds maximum RPC range limit" };

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });

export async function startRpcProxy(target: string): Promise<RpcProxy> {
  const getLogs: GetLogsSeen[] = [];
  let maxLogsRange: number | undefined;
  type Held = { match: (r: RpcRequest) => boolean; waiting: ((pass: boolean) => void)[]; released: boolean; reach: (r: RpcRequest) => void };
  const holds: Held[] = [];
  const open = (hold: Held, pass: boolean) => {
    hold.released = true;
    for (const go of hold.waiting.splice(0)) go(pass);
  };

  async function answer(request: RpcRequest): Promise<unknown> {
    if (request.method === "eth_getLogs") {
      const filter = (request.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
      const from = Number(filter.fromBlock);
      const to = Number(filter.toBlock);
      const refused = maxLogsRange !== undefined && to - from > maxLogsRange;
      getLogs.push({ from, to, refused });
      if (refused) return { jsonrpc: "2.0", id: request.id, error: BESU_RANGE_ERROR };
    }
    for (const hold of holds) {
      if (hold.released || !hold.match(request)) continue;
      hold.reach(request);
      const pass = await new Promise<boolean>((resolve) => hold.waiting.push(resolve));
      if (!pass) throw new Error(`${request.method} dropped by the test`);
    }
    const res = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    return res.json();
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const body = JSON.parse(await readBody(req)) as RpcRequest | RpcRequest[];
        const out = Array.isArray(body) ? await Promise.all(body.map(answer)) : await answer(body);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
      } catch (err) {
        // The node went away under the proxy (a test stopping): answer as a node that is down would.
        res.destroy(err as Error);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}`,
    getLogs,
    setMaxLogsRange: (max) => (maxLogsRange = max),
    hold(match) {
      let reach!: (r: RpcRequest) => void;
      const reached = new Promise<RpcRequest>((resolve) => (reach = resolve));
      const hold: Held = { match, waiting: [], released: false, reach };
      holds.push(hold);
      return { reached, held: () => hold.waiting.length, release: () => open(hold, true), drop: () => open(hold, false) };
    },
    async close() {
      for (const hold of holds) open(hold, false);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
