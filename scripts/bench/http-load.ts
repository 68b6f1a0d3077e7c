// A lean HTTP/1.1 load generator for the benchmarks: `connections` keep-alive sockets, each sending one request,
// waiting for its whole answer, then sending the next, for `seconds`. It does what autocannon did for the off-chain
// benchmark (one request in flight per client, a fresh request per send) at a fraction of the CPU: the client runs
// on the same two cores as the server it measures, and autocannon's per-request work (setupRequest rebuilding each
// request, a full HTTP parser for each answer) took about a fifth of the CPU the server itself used per command.
// Every answer is read completely (status line, headers, Content-Length bytes of body) and its status checked.
import net from "node:net";

export type LoadOptions = {
  url: string;
  connections: number;
  seconds: number;
  /** The bytes of client `client`'s `n`-th request (n from 1), a whole HTTP/1.1 request with Content-Length. */
  request: (client: number, n: number) => Buffer;
  /** The status every answer must have. */
  status: number;
};

export type LoadResult = {
  /** Answers with the expected status received within the duration. */
  ok: number;
  /** Answers with another status (the first few, with their bodies), or broken connections. */
  failures: string[];
  /** Seconds of the window (answers that arrive after it are not counted). */
  duration: number;
  /** Milliseconds from sending a request to its whole answer, of every answer counted in `ok`, sorted. */
  latencies: number[];
};

const HEADER_END = Buffer.from("\r\n\r\n");

/** Where the first whole answer in `buf` ends, its status and body; undefined while it is incomplete. */
function parseAnswer(buf: Buffer): { end: number; status: number; body: Buffer } | undefined {
  const headerEnd = buf.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = buf.toString("latin1", 0, headerEnd);
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!/^HTTP\/1\.1 \d{3}/.test(head) || !length) {
    throw new Error(`the server answered without a status line or a Content-Length (chunked answers are not read here): ${JSON.stringify(head.slice(0, 200))}`);
  }
  const end = headerEnd + 4 + Number(length[1]);
  if (buf.length < end) return undefined;
  return { end, status, body: buf.subarray(headerEnd + 4, end) };
}

export async function loadHttp(options: LoadOptions): Promise<LoadResult> {
  const { hostname, port } = new URL(options.url);
  const failures: string[] = [];
  const latencies: number[] = [];
  let ok = 0;
  let stopAt = Infinity;

  const client = (index: number) =>
    new Promise<void>((resolve) => {
      const socket = net.connect({ host: hostname, port: Number(port), noDelay: true });
      let n = 0;
      let sentAt = 0;
      let pending: Buffer = Buffer.alloc(0);
      let done = false;
      const finish = (failure?: string) => {
        if (done) return;
        done = true;
        if (failure) failures.push(`client ${index}: ${failure}`);
        socket.destroy();
        resolve();
      };
      const send = () => {
        if (performance.now() >= stopAt) return finish();
        n++;
        sentAt = performance.now();
        socket.write(options.request(index, n));
      };
      socket.on("connect", send);
      socket.on("data", (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let answer: ReturnType<typeof parseAnswer>;
        try {
          answer = parseAnswer(pending);
        } catch (error) {
          return finish((error as Error).message);
        }
        if (!answer) return;
        if (answer.end !== pending.length) return finish("the server sent more than one answer to one request");
        pending = Buffer.alloc(0);
        const now = performance.now();
        if (answer.status !== options.status) {
          if (failures.length < 5) failures.push(`client ${index}: ${answer.status} ${answer.body.toString("utf8").slice(0, 300)}`);
          else failures.push(`client ${index}: ${answer.status}`);
        } else if (now <= stopAt) {
          ok++;
          latencies.push(now - sentAt);
        }
        send();
      });
      socket.on("error", (error) => finish(`connection error: ${error.message}`));
      socket.on("close", () => finish(performance.now() < stopAt ? "the server closed the connection" : undefined));
    });

  stopAt = performance.now() + options.seconds * 1000;
  await Promise.all(Array.from({ length: options.connections }, (_, i) => client(i)));
  latencies.sort((a, b) => a - b);
  return { ok, failures, duration: options.seconds, latencies };
}
