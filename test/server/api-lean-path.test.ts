// The API's lean per-request path (server/src/api: routes.ts's fast path, jsonBody.ts, rateLimit.ts and the
// security headers of app.ts) does what the libraries it stands in for did, answer for answer: the fast path picks
// the route and params Express would (and leaves every other spelling to Express), the JSON reader parses and
// refuses as body-parser does, the request limiter counts and labels as express-rate-limit did, and the security
// headers are helmet's. Each is compared with the library itself, over raw HTTP.
import { expect } from "chai";
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import helmet from "helmet";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { pino } from "pino";
import { z } from "zod/v4";
import { createApp, HELMET_OPTIONS, securityHeaders } from "../../server/src/api/app.js";
import { jsonBody, limitBytes } from "../../server/src/api/jsonBody.js";
import { requestLimiter } from "../../server/src/api/rateLimit.js";
import { defineRoute, type RouteSpec } from "../../server/src/api/routes.js";
import { rawRequest, type RawResponse } from "./helpers/raw-http.js";

async function serve(app: Express): Promise<{ server: Server; port: number }> {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const request = (method: string, path: string, headers: Record<string, string | number> = {}, body: Buffer | string = "") => {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const head = [`${method} ${path} HTTP/1.1`, "Host: test", "Connection: close", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (headers["Content-Length"] === undefined && (bytes.length > 0 || method === "POST")) head.push(`Content-Length: ${bytes.length}`);
  return Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "latin1"), bytes]);
};

/** What matters of an answer for comparing two servers: status and body, and the named headers. */
const outcome = (res: RawResponse, headers: string[] = []) => ({ status: res.status, body: res.body, ...Object.fromEntries(headers.map((h) => [h, res.headers[h]])) });

describe("API lean path: the same answers as the libraries it replaces", function () {
  this.timeout(30_000);
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) {
      s.close();
      s.closeAllConnections();
    }
  });
  const start = async (app: Express) => {
    const { server, port } = await serve(app);
    servers.push(server);
    return port;
  };

  describe("routes: the fast path picks what Express picks", function () {
    // In Express's order: a parameter route before a literal one it shadows, two methods on one pattern, a group
    // of its own, and a route outside any group.
    const patterns: [method: "get" | "post", path: string][] = [
      ["get", "/api/things/:id"],
      ["get", "/api/things/special"],
      ["post", "/api/things/:id/act"],
      ["get", "/api/things/:id/act"],
      ["post", "/api/other/go"],
      ["get", "/api/other/:a/:b"],
      ["get", "/solo"],
    ];
    const seen: { route: string; baseUrl: string }[] = [];
    const specs: RouteSpec[] = patterns.map(([method, path]) =>
      defineRoute({
        method,
        path,
        summary: path,
        tags: ["test"],
        params: z.record(z.string(), z.string()),
        body: method === "post" ? z.object({ n: z.number() }) : undefined,
        response: z.object({}),
        handler: ({ params, req }) => {
          seen.push({ route: path, baseUrl: req.baseUrl });
          return { route: path, params };
        },
      }),
    );
    let ours: number;
    let reference: number;
    before(async function () {
      ours = await start(createApp({ routes: specs, logger: pino({ level: "silent" }), corsOrigins: [], rateLimit: { windowMs: 60_000, limit: 100_000 }, bodyLimit: "1kb", version: "test" }));
      // The same routes on plain Express routing, handled alike, errors in the same shape.
      const app = express();
      app.use(express.json());
      for (const [method, path] of patterns) {
        app[method](path, (req, res) => {
          const status = method === "post" && typeof (req.body as { n?: unknown } | undefined)?.n !== "number" ? 400 : 200;
          res.status(status).json(status === 400 ? { error: "invalid_request" } : { route: path, params: req.params });
        });
      }
      app.use(((error: { status?: number }, _req, res, _next) => void res.status(error.status ?? 500).json({ error: "path" })) as ErrorRequestHandler);
      reference = await start(app);
    });

    const cases: [method: string, path: string][] = [
      ["GET", "/api/things/7"],
      ["GET", "/api/things/special"],
      ["GET", "/API/things/7"],
      ["GET", "/api/things/7/"],
      ["GET", "/api/things/a%2Fb"],
      ["GET", "/api/things/%41%42?x=1"],
      ["POST", "/api/things/7/act"],
      ["GET", "/api/things/7/act"],
      ["POST", "/api/other/go"],
      ["POST", "/api/Other/go"],
      ["GET", "/api/other/1/2"],
      ["GET", "/api/other/1//2"],
      ["GET", "/solo"],
      ["GET", "/solo/"],
      ["DELETE", "/api/things/7"],
      ["GET", "/api/things"],
    ];
    for (const [method, path] of cases) {
      it(`${method} ${path}: the route and params Express gives`, async function () {
        const body = method === "POST" ? JSON.stringify({ n: 1 }) : "";
        const headers: Record<string, string> = method === "POST" ? { "Content-Type": "application/json" } : {};
        const [a, b] = await Promise.all([ours, reference].map((port) => rawRequest(port, request(method, path, headers, body), { timeoutMs: 5000 })));
        if (b!.status === 200) expect(JSON.parse(a!.body)).to.deep.equal(JSON.parse(b!.body));
        else expect(a!.status).to.equal(b!.status);
      });
    }

    it("takes a request that names a route exactly without Express's routing, and leaves other spellings to it", async function () {
      seen.length = 0;
      for (const path of ["/api/things/7", "/API/things/7", "/api/things/special"]) await rawRequest(ours, request("GET", path), { timeoutMs: 5000 });
      // The fast path runs the handlers with no group mounted (baseUrl ""); Express's group router sets its prefix.
      expect(seen).to.deep.equal([
        { route: "/api/things/:id", baseUrl: "" },
        { route: "/api/things/:id", baseUrl: "/API/things" },
        // /api/things/special is shadowed by /api/things/:id before it: the fast path, as Express, picks the latter
        { route: "/api/things/:id", baseUrl: "" },
      ]);
    });

    it("answers a malformed escape in a parameter as Express does (400 invalid_path)", async function () {
      const res = await rawRequest(ours, request("GET", "/api/things/%E0%A4%A"), { timeoutMs: 5000 });
      expect([res.status, (JSON.parse(res.body) as { error: { code: string } }).error.code]).to.deep.equal([400, "invalid_path"]);
    });
  });

  describe("JSON bodies: parsed and refused as body-parser does", function () {
    let ours: number;
    let reference: number;
    const echo: RequestHandler = (req, res) => void res.json({ body: (req.body as unknown) ?? null });
    const errors: ErrorRequestHandler = (error: { status?: number; type?: string }, _req, res, _next) => void res.status(error.status ?? 500).json({ type: error.type ?? null });
    before(async function () {
      ours = await start(express().use(jsonBody({ limit: "1kb", skip: () => false })).use(echo).use(errors));
      reference = await start(express().use(express.json({ limit: "1kb" })).use(echo).use(errors));
    });
    const json = "application/json";
    const cases: [name: string, type: string | undefined, body: Buffer | string, extra?: Record<string, string>][] = [
      ["an object", json, '{"a":1,"b":[true,null]}'],
      ["an array after whitespace", json, ' \n\t[1,2]'],
      ["a BOM before the object", json, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')])],
      ["an empty body", json, ""],
      ["a string (strict: refused)", json, '"text"'],
      ["a number (strict: refused)", json, "1"],
      ["whitespace only", json, "   "],
      ["broken JSON", json, '{"a":'],
      ["invalid UTF-8 inside a string", json, Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])],
      ["Chinese text", json, JSON.stringify({ name: "王阿姨", flat: "1号楼 2单元 406" })],
      ["the limit exactly", json, JSON.stringify({ a: "x".repeat(1024 - 8) })],
      ["one byte over the limit", json, JSON.stringify({ a: "x".repeat(1024 - 7) })],
      ["charset utf-8", "application/json; charset=utf-8", '{"a":1}'],
      ["charset UTF-8, another spelling", "Application/JSON; Charset=UTF-8", '{"a":1}'],
      ["charset latin1 (415)", "application/json; charset=latin1", '{"a":1}'],
      ["a gzip body", json, gzipSync('{"a":"zipped"}'), { "Content-Encoding": "gzip" }],
      ["another type (not parsed)", "text/plain", '{"a":1}'],
      ["no type (not parsed)", undefined, '{"a":1}'],
    ];
    for (const [name, type, body, extra] of cases) {
      it(name, async function () {
        const headers = { ...(type === undefined ? {} : { "Content-Type": type }), ...extra };
        const [a, b] = await Promise.all([ours, reference].map((port) => rawRequest(port, request("POST", "/", headers, body), { timeoutMs: 5000 })));
        expect(outcome(a!)).to.deep.equal(outcome(b!));
      });
    }
    it("a body that arrives after the headers, in pieces", async function () {
      const body = JSON.stringify({ a: "late", n: [1, 2, 3] });
      const send = (port: number) =>
        rawRequest(port, request("POST", "/", { "Content-Type": json, "Content-Length": body.length }), {
          timeoutMs: 5000,
          then: (socket) => {
            setTimeout(() => socket.write(body.slice(0, 5)), 50);
            setTimeout(() => socket.write(body.slice(5)), 100);
          },
        });
      const [a, b] = await Promise.all([send(ours), send(reference)]);
      expect(outcome(a)).to.deep.equal(outcome(b));
      expect(JSON.parse(a.body)).to.deep.equal({ body: { a: "late", n: [1, 2, 3] } });
    });
    it("leaves the request read to the end, so that a route's own body-parser after it leaves it alone", async function () {
      // As in the API: the body has arrived (an immediate after the headers) when the JSON reader runs.
      const later: RequestHandler = (_req, _res, next) => void setImmediate(next);
      const port = await start(express().use(later).use(jsonBody({ limit: "1kb", skip: () => false })).use(express.json()).use(echo).use(errors));
      for (const body of ['{"a":1}', ""]) {
        const res = await rawRequest(port, request("POST", "/", { "Content-Type": json }, body), { timeoutMs: 5000 });
        expect(outcome(res)).to.deep.equal({ status: 200, body: JSON.stringify({ body: body === "" ? {} : { a: 1 } }) });
      }
    });
    it("reads a size limit as body-parser does", function () {
      expect([limitBytes("1kb"), limitBytes("64kb"), limitBytes("1.5mb"), limitBytes("100"), limitBytes(2048), limitBytes("lots")]).to.deep.equal([1024, 65536, 1572864, 100, 2048, undefined]);
    });
  });

  describe("the request limit: counted and labelled as express-rate-limit did", function () {
    it("gives the same statuses and RateLimit, RateLimit-Policy and Retry-After headers, request by request", async function () {
      const done: RequestHandler = (_req, res) => void res.json({ ok: true });
      const errors: ErrorRequestHandler = (error: { status?: number }, _req, res, _next) => void res.status(error.status ?? 500).json({ limited: true });
      const limited = (_req: unknown, _res: unknown, next: (e?: unknown) => void) => next(Object.assign(new Error("limited"), { status: 429 }));
      const ours = await start(express().use(requestLimiter({ windowMs: 60_000, limit: 3, limited })).use(done).use(errors));
      const reference = await start(
        express()
          .use(rateLimit({ windowMs: 60_000, limit: 3, standardHeaders: "draft-8", legacyHeaders: false, handler: (_req, _res, next) => limited(_req, _res, next) }))
          .use(done)
          .use(errors),
      );
      const headers = ["ratelimit", "ratelimit-policy", "retry-after"];
      for (let i = 0; i < 5; i++) {
        const [a, b] = await Promise.all([ours, reference].map((port) => rawRequest(port, request("GET", "/"), { timeoutMs: 5000 })));
        expect(outcome(a!, headers), `request ${i + 1}`).to.deep.equal(outcome(b!, headers));
      }
    });
  });

  it("sends helmet's security headers, in helmet's values", async function () {
    const reply: RequestHandler = (_req, res) => void res.json({});
    const [a, b] = await Promise.all(
      [securityHeaders(HELMET_OPTIONS), helmet(HELMET_OPTIONS)].map(async (headers) => {
        const port = await start(express().use(headers).use(reply));
        const res = await rawRequest(port, request("GET", "/"), { timeoutMs: 5000 });
        delete res.headers.date;
        return res.headers;
      }),
    );
    expect(a).to.deep.equal(b);
    expect(a!["content-security-policy"]).to.include("connect-src 'self' http: https:");
  });
});
