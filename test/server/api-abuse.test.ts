// The API under abuse, through raw HTTP against the shared machinery (errors, body parsing, limits, the HTTP
// server's timeouts): malformed percent-escapes, corrupt or unknown compressed bodies, wrong content types,
// prototype keys, slow headers and slow bodies. Every answer is a 4xx in the API's error shape, client errors
// are logged without a stack, a bug's 500 keeps its stack in the log and out of the answer, and one slow client
// holds up nobody else.
import { expect } from "chai";
import type { Server } from "node:http";
import { Writable } from "node:stream";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { pino } from "pino";
import { z } from "zod/v4";
import { createApp } from "../../server/src/api/app.js";
import { listen } from "../../server/src/api/listen.js";
import { messages } from "../../server/src/api/messages.js";
import { defineRoute } from "../../server/src/api/routes.js";
import { loadServerSettings } from "../../server/src/config/server.js";
import { rawRequest, requestBytes, type RawResponse } from "./helpers/raw-http.js";

const BODY_TIMEOUT_MS = 1200;
const HEADERS_TIMEOUT_MS = 1500;

let received: unknown[] = [];

const routes = [
  defineRoute({
    method: "get",
    path: "/api/things/:id",
    summary: "Reads a thing",
    tags: ["test"],
    params: z.object({ id: z.string().regex(/^\d+$/) }),
    response: z.object({ id: z.string() }),
    handler: ({ params }) => ({ id: params.id }),
  }),
  defineRoute({
    method: "post",
    path: "/api/things",
    summary: "Creates a thing",
    tags: ["test"],
    body: z.object({ name: z.string().min(1) }),
    response: z.object({ name: z.string() }),
    status: 201,
    handler: ({ body, req }) => {
      received.push(req.body);
      return { name: body.name };
    },
  }),
  defineRoute({
    method: "get",
    path: "/api/bug",
    summary: "A handler with a bug",
    tags: ["test"],
    response: z.object({}),
    handler: () => {
      throw new Error("a bug at /secret/path/handler.ts");
    },
  }),
];

type ErrorJson = { error: { code: string; message: string } };

describe("API under abuse (raw HTTP)", function () {
  this.timeout(30_000);
  let server: Server;
  let port: number;
  const logLines: string[] = [];

  before(async function () {
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        logLines.push(...String(chunk).split("\n").filter(Boolean));
        callback();
      },
    });
    const app = createApp({
      routes,
      logger: pino({ level: "info" }, sink),
      corsOrigins: [],
      rateLimit: { windowMs: 60_000, limit: 100_000 },
      bodyLimit: "1kb",
      bodyTimeoutMs: BODY_TIMEOUT_MS,
      version: "test",
    });
    ({ server, port } = await listen(app, { host: "127.0.0.1", port: 0, limits: { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: 6000 } }));
  });
  after(function () {
    server.close();
    server.closeAllConnections();
  });
  beforeEach(function () {
    logLines.length = 0;
    received = [];
  });

  const send = (bytes: Buffer, timeoutMs = 5000) => rawRequest(port, bytes, { timeoutMs });

  /** The answer is `status` with `code` in the API's shape, in English when asked, without a stack or placeholder. */
  function expectError(res: RawResponse, status: number, code: string): void {
    expect(res.status, res.body).to.equal(status);
    expect(res.headers["content-type"]).to.match(/^application\/json/);
    const body = JSON.parse(res.body) as ErrorJson;
    expect(body.error.code).to.equal(code);
    expect(body.error.code in messages, `${code} is in the catalogue`).to.equal(true);
    expect(body.error.message).to.be.a("string").and.not.match(/\{\w+\}/);
    expect(res.body).not.to.match(/at .*\.(ts|js):\d+/);
  }
  /** Nothing was logged as an error, and no log line carries a stack. */
  function expectQuietLog(): void {
    for (const line of logLines) {
      const entry = JSON.parse(line) as { level: number };
      expect(entry.level, line).to.be.below(50);
      expect(line).not.to.contain("stack");
    }
  }
  const post = (headers: Record<string, string>, body: Buffer | string) =>
    send(requestBytes("POST", "/api/things", { "accept-language": "en", ...headers }, body));

  it("answers a malformed percent-escape in the path with 400 invalid_path, logged without a stack", async function () {
    for (const target of ["/api/things/%E0%A4%A", "/api/things/%", "/api/things/%zz", "/api/things/%C0%AF", "/api/things/%ED%A0%80"]) {
      const res = await send(requestBytes("GET", target, { "accept-language": "en" }));
      expectError(res, 400, "invalid_path");
      expect(JSON.parse(res.body).error.message).to.match(/percent/);
    }
    expectQuietLog();
    expect(logLines.join("\n")).to.contain('"code":"invalid_path"');
  });

  it("answers a corrupt gzip, deflate or brotli body with 400 invalid_body_encoding", async function () {
    const valid = gzipSync(JSON.stringify({ name: "x" }));
    const truncated = valid.subarray(0, valid.length - 6);
    for (const [encoding, body] of [
      ["gzip", "garbage, not gzip at all"],
      ["gzip", truncated],
      ["deflate", "garbage, not deflate"],
      ["br", Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x12, 0x34])],
    ] as const) {
      expectError(await post({ "content-type": "application/json", "content-encoding": encoding }, body), 400, "invalid_body_encoding");
    }
    expectQuietLog();
    // Honest compressed bodies still work.
    expect((await post({ "content-type": "application/json", "content-encoding": "gzip" }, valid)).status).to.equal(201);
    expect((await post({ "content-type": "application/json", "content-encoding": "br" }, brotliCompressSync(JSON.stringify({ name: "y" })))).status).to.equal(201);
  });

  it("answers 415 for an unknown Content-Encoding, a charset other than UTF-8, or a body that is not JSON", async function () {
    expectError(await post({ "content-type": "application/json", "content-encoding": "compress" }, "{}"), 415, "unsupported_encoding");
    expectError(await post({ "content-type": "application/json", "content-encoding": "gzip, x-custom" }, "{}"), 415, "unsupported_encoding");
    expectError(await post({ "content-type": "application/json; charset=latin-99" }, '{"name":"x"}'), 415, "unsupported_charset");
    expectError(await post({ "content-type": "text/plain" }, '{"name":"x"}'), 415, "unsupported_media_type");
    expectError(await post({ "content-type": "application/x-www-form-urlencoded" }, "name=x"), 415, "unsupported_media_type");
    // No body at all is a missing field, not a wrong type.
    expectError(await send(requestBytes("POST", "/api/things", { "accept-language": "en" })), 400, "invalid_request");
    expectQuietLog();
  });

  it("answers bad JSON with 400 and a body too large (even once decompressed) with 413", async function () {
    expectError(await post({ "content-type": "application/json" }, '{"name": "x",'), 400, "invalid_json");
    expectError(await post({ "content-type": "application/json" }, '"just a string"'), 400, "invalid_json");
    expectError(await post({ "content-type": "application/json" }, JSON.stringify({ name: "x".repeat(5000) })), 413, "body_too_large");
    const bomb = gzipSync(JSON.stringify({ name: "x".repeat(1_000_000) }));
    expect(bomb.length).to.be.below(1024);
    expectError(await post({ "content-type": "application/json", "content-encoding": "gzip" }, bomb), 413, "body_too_large");
    // A Content-Length the body never reaches, then the client hangs up: nothing to answer, nothing logged as a bug.
    await send(requestBytes("POST", "/api/things", { "content-type": "application/json", "content-length": "50" }, '{"na'), 300).catch(() => undefined);
    expectQuietLog();
  });

  it("keeps prototype keys in a body harmless", async function () {
    const body = '{"__proto__": {"polluted": "yes", "name": "from proto"}, "constructor": {"prototype": {"polluted": "yes"}}, "name": "real"}';
    const res = await post({ "content-type": "application/json" }, body);
    expect(res.status, res.body).to.equal(201);
    expect(JSON.parse(res.body)).to.deep.equal({ name: "real" });
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.prototype).not.to.have.property("polluted");
    // Only the proto key itself is missing a name: the parsed body never inherits one.
    const onlyProto = await post({ "content-type": "application/json" }, '{"__proto__": {"name": "from proto"}}');
    expectError(onlyProto, 400, "invalid_request");
  });

  it("answers a garbled request line or header in the API's shape", async function () {
    expectError(await send(Buffer.from("THIS IS NOT HTTP\r\n\r\n")), 400, "malformed_request");
    expectError(await send(Buffer.from("GET /api/things/1 HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n")), 400, "malformed_request");
    expectError(await send(Buffer.from("GET /api/things/\u0000 HTTP/1.1\r\nHost: x\r\n\r\n", "latin1")), 400, "malformed_request");
    expectError(await send(requestBytes("GET", `/api/things/${"1".repeat(20_000)}`)), 431, "headers_too_large");
  });

  it("answers a bug with 500 internal: the stack goes to the log, never into the answer", async function () {
    const res = await send(requestBytes("GET", "/api/bug", { "accept-language": "en" }));
    expect(res.status).to.equal(500);
    expect(JSON.parse(res.body)).to.deep.equal({ error: { code: "internal", message: messages.internal.en } });
    expect(res.body).not.to.contain("secret");
    const logged = logLines.map((l) => JSON.parse(l) as { level: number; err?: { stack?: string } }).find((e) => e.level === 50);
    expect(logged?.err?.stack).to.contain("a bug at /secret/path/handler.ts");
  });

  it("answers a body that trickles in with 408 after the body timeout, closes it, and serves others meanwhile", async function () {
    let closedAt = 0;
    let trickle: NodeJS.Timeout | undefined;
    let closed!: Promise<void>;
    const slow = rawRequest(port, requestBytes("POST", "/api/things", { "content-type": "application/json", "content-length": "1000", "accept-language": "en" }, '{"name": "'), {
      timeoutMs: BODY_TIMEOUT_MS + 4000,
      then: (socket) => {
        // One byte every 100 ms: never idle, never done.
        trickle = setInterval(() => socket.writable && socket.write("x"), 100);
        closed = new Promise((resolve) =>
          socket.on("close", () => {
            closedAt = Date.now();
            clearInterval(trickle);
            resolve();
          }),
        );
      },
    });
    const started = Date.now();
    // Others are served at once while the slow client trickles.
    const other = await send(requestBytes("GET", "/api/things/7"));
    // Served meanwhile: answered while the slow request was still open (the order of events, not a stopwatch).
    expect([other.status, closedAt], "answered before the slow request ended").to.deep.equal([200, 0]);
    const res = await slow.finally(() => clearInterval(trickle));
    expectError(res, 408, "request_timeout");
    expect(res.headers.connection).to.equal("close");
    // Ended by the body timeout: not before it, and before the request timeout (6 s) would have ended it.
    expect(res.ms).to.be.at.least(BODY_TIMEOUT_MS - 100).and.below(6000);
    // The close itself is awaited (the test's own timeout bounds it), not a pause after which it should have come.
    await closed;
    expect(closedAt, "the server closed the connection").to.be.above(started);
    expect(received, "the handler never ran").to.deep.equal([]);
  });

  it("answers headers that trickle in with 408 in the API's shape after the headers timeout", async function () {
    let trickle: NodeJS.Timeout | undefined;
    const res = await rawRequest(port, "GET /api/things/1 HTTP/1.1\r\nHost: x\r\n", {
      timeoutMs: HEADERS_TIMEOUT_MS + 4000,
      then: (socket) => {
        let n = 0;
        trickle = setInterval(() => socket.writable && socket.write(`x-slow-${n++}: y\r\n`), 100);
      },
    }).finally(() => clearInterval(trickle));
    expectError(res, 408, "request_timeout");
    expect(res.ms).to.be.within(HEADERS_TIMEOUT_MS - 100, HEADERS_TIMEOUT_MS + 2500);
  });
});

describe("server timeouts configuration", function () {
  it("has defaults, reads GONGZHI_* variables, and refuses a request timeout shorter than the headers timeout", function () {
    const base = { rpcUrl: "http://127.0.0.1:8545", chainId: 31337, deployment: "d.json", dataDir: "/tmp/x" };
    const defaults = loadServerSettings(base, {});
    expect([defaults.headersTimeoutMs, defaults.bodyTimeoutMs, defaults.requestTimeoutMs]).to.deep.equal([20_000, 15_000, 30_000]);
    const set = loadServerSettings(base, { GONGZHI_HEADERS_TIMEOUT_MS: "5000", GONGZHI_BODY_TIMEOUT_MS: "4000", GONGZHI_REQUEST_TIMEOUT_MS: "9000" });
    expect([set.headersTimeoutMs, set.bodyTimeoutMs, set.requestTimeoutMs]).to.deep.equal([5000, 4000, 9000]);
    expect(() => loadServerSettings(base, { GONGZHI_HEADERS_TIMEOUT_MS: "50000" })).to.throw(/--request-timeout-ms \(or GONGZHI_REQUEST_TIMEOUT_MS\): must be at least headersTimeoutMs/);
    expect(() => loadServerSettings(base, { GONGZHI_BODY_TIMEOUT_MS: "0" })).to.throw(/GONGZHI_BODY_TIMEOUT_MS/);
  });
});
