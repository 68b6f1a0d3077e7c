import { expect } from "chai";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { Writable } from "node:stream";
import { pino } from "pino";
import { z } from "zod/v4";
import { createApp } from "../../server/src/api/app.js";
import { ApiError } from "../../server/src/api/errors.js";
import { pickLanguage } from "../../server/src/api/messages.js";
import { defineRoute } from "../../server/src/api/routes.js";

// Two small routes exercise the shared machinery (validation, errors, languages, OpenAPI, limits)
// exactly as the real resource routes use it.
const echoRoutes = [
  defineRoute({
    method: "get",
    path: "/api/things/:id",
    summary: "Reads a thing",
    tags: ["test"],
    params: z.object({ id: z.coerce.number().int().positive() }),
    query: z.object({ verbose: z.enum(["yes", "no"]).optional() }),
    response: z.object({ id: z.number(), verbose: z.boolean() }),
    handler: ({ params, query }) => {
      if (params.id === 404) throw new ApiError(404, "unknown_record", { kind: "thing", id: params.id });
      return { id: params.id, verbose: query.verbose === "yes" };
    },
  }),
  defineRoute({
    method: "post",
    path: "/api/things",
    summary: "Creates a thing",
    tags: ["test"],
    body: z.object({ name: z.string().min(1), phone: z.string().regex(/^\d{11}$/) }),
    response: z.object({ created: z.boolean() }),
    status: 201,
    handler: () => ({ created: true }),
  }),
];

const RATE_LIMIT = 40;

describe("API core", function () {
  let server: Server;
  let base: string;
  const logLines: string[] = [];

  before(async function () {
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        logLines.push(String(chunk));
        callback();
      },
    });
    const app = createApp({
      routes: echoRoutes,
      logger: pino({ level: "info" }, sink),
      corsOrigins: ["http://localhost:5173"],
      rateLimit: { windowMs: 60_000, limit: RATE_LIMIT },
      bodyLimit: "1kb",
      version: "test",
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(function () {
    server.close();
  });

  it("answers a valid request", async function () {
    const res = await fetch(`${base}/api/things/7?verbose=yes`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ id: 7, verbose: true });
  });

  it("lists every invalid field in one 400, in Chinese by default", async function () {
    const res = await fetch(`${base}/api/things/abc?verbose=maybe`);
    expect(res.status).to.equal(400);
    const body = (await res.json()) as { error: { code: string; message: string; details: { issues: { path: string }[] } } };
    expect(body.error.code).to.equal("invalid_request");
    expect(body.error.message).to.match(/请求/);
    expect(body.error.details.issues.map((i) => i.path)).to.have.members(["params.id", "query.verbose"]);
  });

  it("answers in English when Accept-Language prefers it", async function () {
    const res = await fetch(`${base}/api/things/404`, { headers: { "accept-language": "en-GB,en;q=0.9,zh;q=0.5" } });
    expect(res.status).to.equal(404);
    expect(await res.json()).to.deep.equal({
      error: { code: "unknown_record", message: "There is no thing with id 404." },
    });
  });

  it("answers unknown routes with a 404 in the same shape", async function () {
    const res = await fetch(`${base}/api/nowhere`, { headers: { "accept-language": "en" } });
    expect(res.status).to.equal(404);
    expect(await res.json()).to.deep.equal({ error: { code: "not_found", message: "Nothing is found at /api/nowhere." } });
  });

  it("rejects malformed JSON and oversized bodies with 4xx, never 500", async function () {
    const malformed = await fetch(`${base}/api/things`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).to.equal(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).to.equal("invalid_json");
    const large = await fetch(`${base}/api/things`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(2000), phone: "13800000000" }),
    });
    expect(large.status).to.equal(413);
    expect(((await large.json()) as { error: { code: string } }).error.code).to.equal("body_too_large");
  });

  it("never writes request bodies (personal data) to the log", async function () {
    const res = await fetch(`${base}/api/things`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "张三", phone: "13912345678" }),
    });
    expect(res.status).to.equal(201);
    const log = logLines.join("");
    expect(log).to.contain('"route":"/api/things"');
    expect(log).not.to.contain("13912345678");
    expect(log).not.to.contain("张三");
  });

  it("sends security headers and honours the CORS allow-list", async function () {
    const allowed = await fetch(`${base}/api/health`, { headers: { origin: "http://localhost:5173" } });
    expect(allowed.headers.get("access-control-allow-origin")).to.equal("http://localhost:5173");
    expect(allowed.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(allowed.headers.get("x-powered-by")).to.equal(null);
    const other = await fetch(`${base}/api/health`, { headers: { origin: "http://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).to.equal(null);
  });

  it("publishes an OpenAPI 3 document generated from the route schemas", async function () {
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters: { name: string; in: string }[]; requestBody?: unknown }>>;
    };
    expect(doc.openapi).to.match(/^3\./);
    const get = doc.paths["/api/things/{id}"].get;
    // Written out from the route's zod schemas (not read back from the document): a positive integer id, an
    // optional yes/no flag, and the body's two required fields with the phone's pattern.
    expect(get.parameters).to.deep.equal([
      { name: "id", in: "path", required: true, schema: { type: "integer", exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
      { name: "verbose", in: "query", required: false, schema: { type: "string", enum: ["yes", "no"] } },
    ]);
    const body = doc.paths["/api/things"].post.requestBody as { required?: boolean; content: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }> };
    const bodySchema = body.content["application/json"]!.schema;
    expect(bodySchema.required).to.have.members(["name", "phone"]);
    expect(bodySchema.properties).to.deep.equal({ name: { type: "string", minLength: 1 }, phone: { type: "string", pattern: "^\\d{11}$" } });
  });

  it("limits the request rate per client: exactly the configured 40 a minute, then rate_limited for that client alone", async function () {
    // Clients are told apart by address (behind the loopback proxy, X-Forwarded-For): two made-up ones, so the
    // count starts at zero whatever the other tests sent.
    const ask = (client: string) => fetch(`${base}/api/things/1`, { headers: { "x-forwarded-for": client } });
    const policyOf = (res: Response) => ({
      quota: Number(/q=(\d+)/.exec(res.headers.get("ratelimit-policy") ?? "")?.[1]),
      window: Number(/w=(\d+)/.exec(res.headers.get("ratelimit-policy") ?? "")?.[1]),
      remaining: Number(/r=(\d+)/.exec(res.headers.get("ratelimit") ?? "")?.[1]),
    });
    const answered: number[] = [];
    for (let i = 0; i < RATE_LIMIT; i++) answered.push((await ask("203.0.113.7")).status);
    expect(answered, "every request up to the limit is answered").to.deep.equal(Array(RATE_LIMIT).fill(200));
    const limited = await ask("203.0.113.7");
    expect(limited.status).to.equal(429);
    // Which limit: the per-client request rate (not a sign-in or ballot limit per address), with its figures.
    expect(((await limited.json()) as { error: { code: string } }).error.code).to.equal("rate_limited");
    expect(policyOf(limited)).to.deep.equal({ quota: RATE_LIMIT, window: 60, remaining: 0 });
    // Another client is not slowed: its own count starts at the full quota.
    const other = await ask("203.0.113.8");
    expect(other.status).to.equal(200);
    expect(policyOf(other)).to.deep.equal({ quota: RATE_LIMIT, window: 60, remaining: RATE_LIMIT - 1 });
    expect((await ask("203.0.113.7")).status, "the first client stays limited").to.equal(429);
  });
});

describe("pickLanguage", function () {
  it("defaults to Simplified Chinese and follows preference weights", function () {
    expect(pickLanguage(undefined)).to.equal("zh-CN");
    expect(pickLanguage("fr-FR")).to.equal("zh-CN");
    expect(pickLanguage("en-US,en;q=0.9")).to.equal("en");
    expect(pickLanguage("zh-CN,zh;q=0.9,en;q=0.8")).to.equal("zh-CN");
    expect(pickLanguage("zh;q=0.3,en;q=0.8")).to.equal("en");
    expect(pickLanguage("en;q=0,zh;q=0.1")).to.equal("zh-CN");
  });
});
