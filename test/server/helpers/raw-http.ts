// A raw HTTP/1.1 client over a TCP socket, for requests fetch refuses to send (bytes that are not valid in a URL,
// malformed percent-escapes, lying Content-Length, bodies that trickle in) and for telling a hang from an answer.
import { connect, type Socket } from "node:net";

export type RawResponse = { status: number; headers: Record<string, string>; body: string; ms: number };

export class HangError extends Error {}

function parse(buffer: Buffer, eof = false, noBody = false): { status: number; headers: Record<string, string>; body: Buffer } | undefined {
  const end = buffer.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine, ...lines] = buffer.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let rest = buffer.subarray(end + 4);
  if (noBody) return { status, headers, body: Buffer.alloc(0) };
  if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    if (rest.length < length) return undefined;
    return { status, headers, body: rest.subarray(0, length) };
  }
  if (headers["transfer-encoding"]?.includes("chunked")) {
    const chunks: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf("\r\n");
      if (lineEnd < 0) return undefined;
      const size = parseInt(rest.subarray(0, lineEnd).toString("latin1"), 16);
      if (rest.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0) return { status, headers, body: Buffer.concat(chunks) };
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
  }
  return eof ? { status, headers, body: rest } : undefined; // the body runs to the end of the connection
}

export type RawOptions = {
  timeoutMs: number;
  /** Called once connected, to write more (slowly) after the first bytes; the request may never complete. */
  then?: (socket: Socket) => void;
  /** The answer has headers only (a HEAD request), whatever its Content-Length says. */
  head?: boolean;
};

/**
 * Sends `bytes` to 127.0.0.1:port and resolves with the first whole answer (or what came before the server
 * closed the connection). Rejects with HangError when nothing whole came within `timeoutMs`.
 */
export function rawRequest(port: number, bytes: Buffer | string, options: RawOptions): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (outcome: RawResponse | Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => finish(new HangError(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    socket.on("connect", () => {
      socket.write(bytes);
      options.then?.(socket);
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parse(received, false, options.head);
      if (parsed) finish({ status: parsed.status, headers: parsed.headers, body: parsed.body.toString("utf8"), ms: Date.now() - started });
    });
    const answered = () => {
      const parsed = parse(received, true, options.head);
      return parsed && { status: parsed.status, headers: parsed.headers, body: parsed.body.toString("utf8"), ms: Date.now() - started };
    };
    // A reset after an answer arrived is the server closing a request it gave up on: the answer counts.
    socket.on("error", (error) => finish(answered() ?? error));
    socket.on("close", () => finish(answered() ?? new Error(`connection closed without an answer (${received.length} bytes)`)));
  });
}

/** A request's bytes: `Connection: close`, and Content-Length for a body unless the headers give one. */
export function requestBytes(method: string, target: string | Buffer, headers: Record<string, string> = {}, body?: Buffer | string): Buffer {
  const all: Record<string, string> = { host: "127.0.0.1", connection: "close", ...headers };
  if (body !== undefined && all["content-length"] === undefined && all["transfer-encoding"] === undefined) {
    all["content-length"] = String(Buffer.byteLength(body));
  }
  const head = Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return Buffer.concat([
    Buffer.from(`${method} `, "latin1"),
    typeof target === "string" ? Buffer.from(target, "utf8") : target,
    Buffer.from(` HTTP/1.1\r\n${head}\r\n`, "latin1"),
    ...(body === undefined ? [] : [typeof body === "string" ? Buffer.from(body, "utf8") : body]),
  ]);
}
