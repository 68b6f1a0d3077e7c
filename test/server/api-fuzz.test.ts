// A bounded fuzz test of every route in the OpenAPI document, against the whole server as it runs in production
// (startServer: indexer, anchorer, relayer and API over a Hardhat node process and LevelDB) after the scripted
// history. For every route and method, fast-check (fixed seed, bounded runs) generates requests from the
// document itself: malformed ids and percent-escapes, raw bytes, numbers (huge, negative, NaN, exponents, hex),
// unicode (RTL, emoji, NUL, lone surrogates), prototype keys, missing, extra and mistyped fields, corrupt and
// unknown encodings, wrong content types, and well-formed values taken from the history (a signed-in session,
// real ids, signed ballots and sign-in messages), so the handlers behind validation and sign-in run too.
// Wanted: no 5xx, no hang (every request has a deadline), every 4xx in the API's error shape.
import { expect } from "chai";
import fc from "fast-check";
import path from "node:path";
import { Writable } from "node:stream";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { pino } from "pino";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { grantRole } from "../../server/src/chain/deploy.js";
import { messages } from "../../server/src/api/messages.js";
import { loadServerSettings } from "../../server/src/config/server.js";
import { BALLOT_TYPES, ballotId } from "../../server/src/relayer/ballot.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { ANCHORER_KEY, CHAIN_ID, clients, deployAll, DEV_KEYS, anyFreePort, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { playHistory, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";
import { HangError, rawRequest, requestBytes } from "./helpers/raw-http.js";

/** GONGZHI_FUZZ_SEED and GONGZHI_FUZZ_RUNS explore further by hand; `npm test` uses the fixed defaults. */
const SEED = Number(process.env.GONGZHI_FUZZ_SEED ?? 1_101_2026);
/** Generated requests per route and method (27 routes today: with the other methods below, 1,728 requests). */
const RUNS = Number(process.env.GONGZHI_FUZZ_RUNS ?? 60);
/** Requests per path with a method the document does not list (PUT, DELETE, …). */
const OTHER_METHOD_RUNS = 4;
/**
 * Requests of one route in flight at once. Sent one by one, the fuzz took ~230 s, over half of it waiting out the
 * body timeout of the requests whose body stops short; the same requests, a few at a time, take a fraction of that.
 */
const CONCURRENCY = 8;
/** A request not answered within this is a hang. */
const DEADLINE_MS = 8000;
const BODY_TIMEOUT_MS = 800;

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
};
type Parameter = { name: string; in: "path" | "query"; required: boolean; schema: JsonSchema };
type Operation = { method: string; path: string; parameters: Parameter[]; body?: JsonSchema };
type OpenApi = { paths: Record<string, Record<string, { parameters: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> };

/** One generated request, before the session token is filled in. */
type Case = {
  method: string;
  target: Buffer;
  headers: Record<string, string>;
  body?: Buffer;
  auth: "none" | "session" | "forged";
  /** What was generated, for a failure's report (never a secret: tokens are filled in later). */
  label: string;
};

// ---- values -------------------------------------------------------------------------------------------------

const MALFORMED = [
  "", "-1", "0", "00", "01", "+1", " 1", "1 ", "1.5", "1e3", "1E400", "-0", "0x1f", "0b1", "0o7", "NaN", "Infinity", "-Infinity",
  "null", "undefined", "true", "[]", "{}", "9007199254740993", "18446744073709551616", "1".repeat(80), "4294967296", "٣", "１",
  "%E0%A4%A", "%", "%%", "%zz", "%00", "%2F", "%2e%2e", "..", "../..", "%C0%AF", "%ED%A0%80", "%FF%FE", "%uD800", "%25", "%0A",
  "__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "valueOf", "__defineGetter__",
  "\u202Eevil\u202C", "\u200B", "😀", "👨‍👩‍👧", "\u0000", "\uD800", "\uDFFF", "a\u0000b", "\r\n", "<script>", "' OR 1=1 --", "$ne",
  "0x" + "0".repeat(40), "0x" + "f".repeat(64), "0x", "0xZZ", "x".repeat(600), "9".repeat(5000),
];

const numberText = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }).map(String),
  fc.nat().map((n) => `0x${n.toString(16)}`),
  fc.double({ min: -1e6, max: 1e6 }).map((n) => n.toExponential()),
);
const fuzzText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...MALFORMED) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: numberText },
);

/** JSON text for a body field: values of every type, and tokens JSON.stringify never writes. */
const fuzzJson = fc.oneof(
  { weight: 3, arbitrary: fuzzText.map((t) => JSON.stringify(t)) },
  { weight: 2, arbitrary: fc.constantFrom("null", "true", "false", "0", "-1", "1.5", "1e308", "-1e308", "1e400", "-0", "1E-400", "9007199254740993", "123456789012345678901234567890", "[]", "{}", '[""]', '"\\ud800"', '"\\u0000"', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}', "[[[[[[[[[[[[]]]]]]]]]]]]") },
  { weight: 1, arbitrary: fc.double().map((n) => (Number.isFinite(n) ? JSON.stringify(n) : "0")) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
);

/** Bytes of a path segment or query value: percent-encoded, raw, or with its '%' left alone (malformed escapes survive). */
function encode(value: string, mode: "component" | "raw" | "lenient"): Buffer {
  if (mode === "component") {
    try {
      return Buffer.from(encodeURIComponent(value), "latin1");
    } catch {
      // A lone surrogate has no encoding: send it raw.
    }
  }
  const bytes = Buffer.from(value, "utf8");
  if (mode === "raw") return bytes;
  return Buffer.from([...bytes].map((b) => (/[A-Za-z0-9%._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, "0")}`)).join(""), "latin1");
}
const encoding = fc.constantFrom("component", "component", "raw", "lenient") as fc.Arbitrary<"component" | "raw" | "lenient">;

// ---- requests from the document ------------------------------------------------------------------------------

type Known = {
  /** Well-formed values by parameter or field name. */
  values: Record<string, string[]>;
  /** Whole well-formed bodies by route ("POST /api/ballots"), as [field, JSON text] entries. */
  bodies: Record<string, [string, string][][]>;
};

function paramValue(known: Known, p: Parameter): fc.Arbitrary<string> {
  const good = [...(known.values[p.name] ?? []), ...((p.schema.enum ?? []) as unknown[]).map(String)];
  return good.length > 0 ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...good) }, { weight: 3, arbitrary: fuzzText }) : fuzzText;
}

function goodBodies(known: Known, op: Operation): [string, string][][] {
  const listed = known.bodies[`${op.method.toUpperCase()} ${op.path}`];
  if (listed?.length) return listed;
  // A body built from the schema's fields, with known values where there are some.
  const props = Object.entries(op.body?.properties ?? {});
  return [props.map(([name, schema]) => [name, JSON.stringify(known.values[name]?.[0] ?? (schema.enum?.[0] as string | undefined) ?? "1")])];
}

type Mutation = { kind: "drop" | "set"; at: number; value: string } | { kind: "add"; key: string; value: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat(), value: fc.constant("") }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fuzzJson }),
  fc.record({ kind: fc.constant("add" as const), key: fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "extra", ""), fc.string({ maxLength: 8 })), value: fuzzJson }),
);

function applyMutations(entries: [string, string][], mutations: Mutation[]): [string, string][] {
  const out = [...entries];
  for (const m of mutations) {
    if (m.kind === "add") out.push([m.key, m.value]);
    else if (out.length > 0 && m.kind === "drop") out.splice(m.at % out.length, 1);
    else if (out.length > 0) out[m.at % out.length] = [out[m.at % out.length]![0], m.value];
  }
  return out;
}
const objectText = (entries: [string, string][]) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;

const ENVELOPES = [
  "json", "json", "json", "json", "json", "json", "gzip", "br", "gzip-garbage", "br-garbage", "deflate-garbage", "unknown-encoding",
  "text-plain", "no-content-type", "utf16", "garbage-bytes", "empty", "top-level", "huge", "deep", "chunked", "short",
] as const;
type Envelope = (typeof ENVELOPES)[number];

function envelope(kind: Envelope, text: string, topLevel: string, noise: Uint8Array): { headers: Record<string, string>; body?: Buffer } {
  const json = { "content-type": "application/json" };
  switch (kind) {
    case "json":
      return { headers: json, body: Buffer.from(text) };
    case "gzip":
      return { headers: { ...json, "content-encoding": "gzip" }, body: gzipSync(text) };
    case "br":
      return { headers: { ...json, "content-encoding": "br" }, body: brotliCompressSync(text) };
    case "gzip-garbage":
      return { headers: { ...json, "content-encoding": "gzip" }, body: Buffer.concat([gzipSync(text).subarray(0, 12), Buffer.from(noise)]) };
    case "br-garbage":
      return { headers: { ...json, "content-encoding": "br" }, body: Buffer.from([0xff, ...noise]) };
    case "deflate-garbage":
      return { headers: { ...json, "content-encoding": "deflate" }, body: Buffer.from(noise) };
    case "unknown-encoding":
      return { headers: { ...json, "content-encoding": "x-zip, compress" }, body: Buffer.from(text) };
    case "text-plain":
      return { headers: { "content-type": "text/plain" }, body: Buffer.from(text) };
    case "no-content-type":
      return { headers: {}, body: Buffer.from(text) };
    case "utf16":
      return { headers: { "content-type": "application/json; charset=utf-16" }, body: Buffer.from(text, "utf16le") };
    case "garbage-bytes":
      return { headers: json, body: Buffer.from(noise) };
    case "empty":
      return { headers: json, body: Buffer.alloc(0) };
    case "top-level":
      return { headers: json, body: Buffer.from(topLevel) };
    case "huge":
      return { headers: json, body: Buffer.from(`{"pad":"${"x".repeat(70_000)}"}`) };
    case "deep":
      return { headers: json, body: Buffer.from(`${"[".repeat(20_000)}${"]".repeat(20_000)}`) };
    case "chunked": {
      const bytes = Buffer.from(text);
      return { headers: { ...json, "transfer-encoding": "chunked" }, body: Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n0\r\n\r\n")]) };
    }
    case "short":
      // The body stops short of its Content-Length: the server's body timeout must end it.
      return { headers: { ...json, "content-length": String(text.length + 10) }, body: Buffer.from(text) };
  }
}

const FORGED_AUTH = ["Bearer ", "Bearer x", `Bearer ${"A".repeat(5000)}`, "Basic Zm9vOmJhcg==", "bearer lowercase", "Bearer \u00ff\u00fe", "Bearer __proto__"];
const LANGUAGES = ["en", "zh-CN", "en;q=abc", "*", "", "zh;q=0,en;q=0", "xx,,;;==", "en-US,en;q=0.9,zh;q=0.8"];

function caseOf(known: Known, op: Operation): fc.Arbitrary<Case> {
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  const segments = fc.tuple(...pathParams.map((p) => fc.tuple(paramValue(known, p), encoding)));
  const knownPair = queryParams.length > 0 ? fc.constantFrom(...queryParams).chain((p) => fc.tuple(fc.constant(p.name), paramValue(known, p))) : undefined;
  const extraPair = fc.tuple(fc.constantFrom("__proto__", "constructor", "constructor[prototype][x]", "a[b]", "limit[]", "", "x", "%ZZ"), fuzzText);
  const pairs = fc.array(knownPair ? fc.oneof({ weight: 3, arbitrary: knownPair }, { weight: 1, arbitrary: extraPair }) : extraPair, { maxLength: queryParams.length + 1 });
  const takesBody = op.body !== undefined;
  const body = fc.record({
    // Routes that take a body mostly get one; the others now and then (a GET with a body).
    present: fc.integer({ min: 0, max: 9 }).map((n) => (takesBody ? n !== 0 : n === 0)),
    base: fc.constantFrom(...goodBodies(known, op)),
    mutations: fc.oneof({ weight: 1, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 2, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
    kind: fc.constantFrom(...ENVELOPES),
    topLevel: fuzzJson,
    noise: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  });
  return fc
    .record({
      segments,
      pairs,
      queryMode: encoding,
      body,
      auth: fc.constantFrom("none", "session", "session", "forged") as fc.Arbitrary<Case["auth"]>,
      forged: fc.constantFrom(...FORGED_AUTH),
      language: fc.option(fc.constantFrom(...LANGUAGES)),
    })
    .map((g) => {
      let i = 0;
      const parts: Buffer[] = [];
      let rest = op.path;
      for (const match of op.path.matchAll(/\{(\w+)\}/g)) {
        const at = rest.indexOf(match[0]);
        parts.push(Buffer.from(rest.slice(0, at)), encode(...g.segments[i++]!));
        rest = rest.slice(at + match[0].length);
      }
      parts.push(Buffer.from(rest));
      if (g.pairs.length > 0) {
        parts.push(Buffer.from("?"), ...g.pairs.flatMap(([k, v], n) => [Buffer.from(n > 0 ? "&" : ""), encode(k, g.queryMode), Buffer.from("="), encode(v, g.queryMode)]));
      }
      const headers: Record<string, string> = {};
      if (g.language !== null) headers["accept-language"] = g.language;
      if (g.auth === "forged") headers.authorization = g.forged;
      let sent: Buffer | undefined;
      let shape = "no body";
      if (g.body.present) {
        const text = objectText(applyMutations(g.body.base, g.body.mutations));
        const e = envelope(g.body.kind, text, g.body.topLevel, g.body.noise);
        Object.assign(headers, e.headers);
        sent = e.body;
        shape = `${g.body.kind} ${g.body.kind === "top-level" ? g.body.topLevel : text}`.slice(0, 300);
      }
      const target = Buffer.concat(parts);
      return { method: op.method.toUpperCase(), target, headers, body: sent, auth: g.auth, label: `${op.method.toUpperCase()} ${target.toString("latin1").slice(0, 200)} [auth ${g.auth}] ${shape}` };
    });
}

// ---- the test -------------------------------------------------------------------------------------------------

describe("API fuzz: every route of the OpenAPI document, against the whole server", function () {
  this.timeout(600_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let history: History;
  let server: RunningServer;
  let port: number;
  const errorLog: string[] = [];

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("api-fuzz");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    const relayerKey = DEV_KEYS[2]!;
    const { publicClient, walletClient } = clients(node.url);
    await grantRole({ publicClient, walletClient }, deployment, "RELAYER_ROLE", privateKeyToAccount(relayerKey).address);
    const settings = loadServerSettings(
      {
        rpcUrl: node.url,
        chainId: CHAIN_ID,
        deployment: file,
        dataDir: path.join(tmp.dir, "server"),
        port: 0,
        // No vault key is configured here: development mode makes one in the data directory.
        mode: "development",
        pollMs: 50,
        batchLeaves: 16,
        batchSeconds: 0,
        relayerIntervalMs: 200,
        rateLimitPerMinute: 1_000_000,
        bodyTimeoutMs: BODY_TIMEOUT_MS,
        headersTimeoutMs: 3000,
        requestTimeoutMs: 5000,
        logLevel: "warn",
      },
      { GONGZHI_ANCHORER_KEY: ANCHORER_KEY, GONGZHI_RELAYER_KEY: relayerKey },
    );
    // Warnings and errors are kept: a 5xx is reported with what the server logged about it.
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        errorLog.push(String(chunk));
        if (errorLog.length > 200) errorLog.shift();
        callback();
      },
    });
    server = await startServer(settings, pino({ level: "warn" }, sink), serverRoutes);
    port = Number(new URL(server.url).port);
    const head = Number(await publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  const base = () => `http://127.0.0.1:${port}`;
  async function json<T>(p: string, init?: RequestInit): Promise<T> {
    const res = await fetch(`${base()}${p}`, init);
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  async function signedSignIn(account: PrivateKeyAccount): Promise<{ message: string; signature: Hex }> {
    const { nonce, domain } = await json<{ nonce: string; domain: string }>("/api/auth/nonce", { method: "POST" });
    const message = createSiweMessage({ address: account.address, chainId: CHAIN_ID, domain, nonce, uri: base(), version: "1" });
    return { message, signature: await account.signMessage({ message }) };
  }
  async function signIn(account: PrivateKeyAccount): Promise<string> {
    const body = await signedSignIn(account);
    const { token } = await json<{ token: string }>("/api/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return token;
  }

  it("answers a body that trickles in with 408 after the configured body timeout", async function () {
    let trickle: NodeJS.Timeout | undefined;
    const res = await rawRequest(port, requestBytes("POST", "/api/auth/sign-in", { "content-type": "application/json", "content-length": "4000" }, '{"message": "'), {
      timeoutMs: 4500,
      then: (socket) => {
        trickle = setInterval(() => socket.writable && socket.write("x"), 100);
      },
    }).finally(() => clearInterval(trickle));
    expect(res.status, res.body).to.equal(408);
    expect((JSON.parse(res.body) as { error: { code: string } }).error.code).to.equal("request_timeout");
    // The 408 comes at the body timeout, not at the request timeout (5 s) nor Node's default (300 s).
    expect(res.ms).to.be.below(BODY_TIMEOUT_MS + 2500);
  });

  it("never answers 5xx, never hangs, and answers every 4xx in the error shape", async function () {
    const doc = await json<OpenApi>("/api/openapi.json");
    const operations: Operation[] = Object.entries(doc.paths).flatMap(([p, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method,
        path: p,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content["application/json"]?.schema,
      })),
    );
    expect(operations.length, "routes in the document").to.be.above(15);

    // Well-formed values from the history: real ids, addresses, cursors, signed ballots and sign-in messages.
    const eip712 = await json<{ domain: { name: string; version: string; chainId: number; verifyingContract: Hex } }>("/api/eip712");
    const accounts = Object.fromEntries(Object.entries(history.holders).map(([k, a]) => [k, privateKeyToAccount(a.key)]));
    const staff = privateKeyToAccount(history.staff.key);
    const sign = (account: PrivateKeyAccount, voteId: string, holder: Hex, choice: 1 | 2 | 3) =>
      account.signTypedData({ domain: eip712.domain, types: BALLOT_TYPES, primaryType: "Ballot", message: { voteId: BigInt(voteId), holder, choice } });
    const ballots = [
      { voteId: JSON.stringify(history.openVote), holder: accounts.multi!.address, choice: "for", signature: await sign(accounts.multi!, history.openVote, accounts.multi!.address, 1) },
      { voteId: String(Number(history.openVote)), holder: accounts.h4!.address, choice: "abstain", signature: await sign(staff, history.openVote, accounts.h4!.address, 3) },
      { voteId: JSON.stringify(history.passedVote), holder: accounts.h2!.address, choice: "against", signature: await sign(accounts.h2!, history.passedVote, accounts.h2!.address, 2) },
      { voteId: JSON.stringify(history.openVote), holder: accounts.h3!.address, choice: "for", signature: await sign(accounts.h3!, history.openVote, accounts.h3!.address, 1) },
    ].map((b) => [["voteId", b.voteId], ["holder", JSON.stringify(b.holder)], ["choice", JSON.stringify(b.choice)], ["signature", JSON.stringify(b.signature)]] as [string, string][]);
    const signIns: [string, string][][] = [];
    for (const account of [staff, accounts.multi!, ...Array.from({ length: 6 }, () => privateKeyToAccount(generatePrivateKey()))]) {
      const { message, signature } = await signedSignIn(account);
      signIns.push([["message", JSON.stringify(message)], ["signature", JSON.stringify(signature)]]);
    }
    // Sign-in messages with a fresh nonce and a valid signature whose fields are odd: every check past the
    // signature runs on them.
    const oddFields: [RegExp, string][] = [
      [/^Issued At: .*$/m, "Issued At: 2999-01-01T00:00:00.000Z"],
      [/^Issued At: .*$/m, "Issued At: not a date"],
      [/^Issued At: .*$/m, "Issued At: 0000-00-00T99:99:99Z"],
      [/^Chain ID: .*$/m, "Chain ID: 99999999999999999999999"],
      [/^Chain ID: .*$/m, "Chain ID: 0x7a69"],
      [/^Chain ID: .*$/m, "Chain ID: -1"],
      [/^URI: .*$/m, "URI: javascript:alert(1)"],
      [/^URI: .*$/m, "URI: http://evil.example"],
      [/^Version: .*$/m, "Version: 2"],
      [/^Nonce: .*$/m, "Nonce: __proto__"],
      [/^(Issued At: .*)$/m, "$1\nExpiration Time: not a date"],
      [/^(Issued At: .*)$/m, "$1\nNot Before: 2999-01-01T00:00:00.000Z"],
      [/^(Issued At: .*)$/m, "$1\nRequest ID: \u202Eevil\u0000"],
      [/^(Issued At: .*)$/m, "$1\nResources:\n- \uD800\n- constructor"],
      [/^0x[0-9a-fA-F]{40}$/m, "0x0000000000000000000000000000000000000000"],
      [/\n/g, "\r\n"],
      [/ wants you to sign in/, "\u202E wants you to sign in"],
    ];
    for (const [pattern, replacement] of oddFields) {
      const account = privateKeyToAccount(generatePrivateKey());
      const { message: honest } = await signedSignIn(account);
      const message = honest.replace(pattern, replacement);
      signIns.push([["message", JSON.stringify(message)], ["signature", JSON.stringify(await account.signMessage({ message }))]]);
    }
    const cursors = await Promise.all(["/api/records?limit=1", "/api/votes?limit=1", "/api/units?limit=2"].map(async (p) => (await json<{ nextCursor?: string }>(p)).nextCursor));
    const addresses = [accounts.multi!.address, accounts.h2!.address.toLowerCase(), history.members.v1.address, history.partner, staff.address];
    const known: Known = {
      values: {
        estateId: [String(history.estateId), "2"],
        buildingId: history.buildings.map(String),
        unitId: [String(history.units[0]), String(history.units.at(-1))],
        voteId: [history.passedVote, history.openVote],
        planId: [history.votePlan, history.emergencyPlan],
        serviceId: Object.values(history.services),
        recordId: ["0", "1", "5", "100000"],
        address: addresses,
        holder: addresses,
        volunteer: [history.members.v1.address],
        recipient: [history.members.r1.address],
        id: [ballotId(BigInt(history.openVote), accounts.multi!.address), ballotId(BigInt(history.openVote), accounts.h3!.address)],
        limit: ["1", "2", "500"],
        cursor: cursors.filter((c): c is string => c !== undefined),
        event: ["BallotCast", "UnitRegistered", "workorder.created"],
      },
      bodies: { "POST /api/ballots": ballots, "POST /api/auth/sign-in": signIns },
    };

    // The session of "session" requests: signed in as staff, then as fresh accounts whenever one ends.
    let token: string | undefined = await signIn(staff);
    const sessionToken = async () => (token ??= await signIn(privateKeyToAccount(generatePrivateKey())));

    const failures: string[] = [];
    const counts: Record<string, Record<string, number>> = {};
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort().join();
    const started = Date.now();

    /** Every case of one route, CONCURRENCY at a time (routes still one after another). */
    async function inParallel<T>(cases: T[], each: (c: T) => Promise<void>): Promise<void> {
      let next = 0;
      const lane = async () => {
        while (next < cases.length) await each(cases[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, cases.length) }, lane));
    }

    // With requests in flight together, a 5xx's log lines may include a neighbour's: they are for reading only.
    async function run(route: string, c: Case): Promise<void> {
      const headers = { ...c.headers };
      let used: string | undefined;
      if (c.auth === "session") headers.authorization = `Bearer ${(used = await sessionToken())}`;
      const logFrom = errorLog.length;
      let status: number;
      try {
        const res = await rawRequest(port, requestBytes(c.method, c.target, headers, c.body), { timeoutMs: DEADLINE_MS, head: c.method === "HEAD" });
        status = res.status;
        if (process.env.FUZZ_SLOW && res.ms > 300) console.log(`slow ${res.ms} ms ${status} ${c.label.slice(0, 150)}`);
        if (status >= 500) {
          failures.push(`${status} ${c.label}\n    answer: ${res.body.slice(0, 300)}\n    log: ${errorLog.slice(logFrom).join("").slice(0, 1500)}`);
        } else if (status >= 400 && c.method !== "HEAD") {
          const body = (() => {
            try {
              return JSON.parse(res.body) as { error?: { code?: string; message?: unknown } };
            } catch {
              return undefined;
            }
          })();
          // Open311's routes answer errors in its own shape: [{ code, description, gongzhi_code }] (services/open311),
          // except a request Node's HTTP parser refuses before any path is known (malformed_request, the API's shape).
          const open311 = c.target.toString().startsWith("/open311/") && body?.error?.code !== "malformed_request";
          const first = open311 && Array.isArray(body) ? (body[0] as { code?: unknown; description?: unknown; gongzhi_code?: unknown } | undefined) : undefined;
          const code = open311 ? first?.gongzhi_code : body?.error?.code;
          const message = open311 ? first?.description : body?.error?.message;
          if (typeof code !== "string" || !(code in messages) || typeof message !== "string" || (open311 && first?.code !== status)) {
            failures.push(`${status} not in the error shape: ${c.label}\n    answer: ${res.body.slice(0, 300)}`);
          }
        }
      } catch (error) {
        status = 0;
        failures.push(`${error instanceof HangError ? "HANG" : "NO ANSWER"} (${(error as Error).message}) ${c.label}`);
      }
      // A sign-out (or an eviction) ends the shared session: the next "session" request signs in again.
      if (used && used === token && (status === 401 || (status === 200 && route === "POST /api/auth/sign-out"))) token = undefined;
      const bucket = (counts[route] ??= {});
      const key = status === 0 ? "hang" : `${Math.floor(status / 100)}xx`;
      bucket[key] = (bucket[key] ?? 0) + 1;
    }

    // Every well-formed body once as it is, then the generated requests: one seed per route (SEED + its
    // position), so routes do not all get the same sequence of choices.
    for (const [route, bodies] of Object.entries(known.bodies)) {
      const [method, target] = route.split(" ") as [string, string];
      for (const entries of bodies) {
        const body = objectText(entries);
        await run(route, { method, target: Buffer.from(target), headers: { "content-type": "application/json" }, body: Buffer.from(body), auth: "none", label: `${route} as is ${body.slice(0, 300)}` });
      }
    }
    for (const [n, op] of operations.entries()) {
      const route = `${op.method.toUpperCase()} ${op.path}`;
      await inParallel(fc.sample(caseOf(known, op), { seed: SEED + n, numRuns: RUNS }), (c) => run(route, c));
    }
    // Methods the document does not list, on every path.
    for (const [n, p] of Object.keys(doc.paths).entries()) {
      const others = ["put", "delete", "patch", "options", "head", "get", "post"].filter((m) => !(m in doc.paths[p]!));
      const op: Operation = { method: "get", path: p, parameters: Object.values(doc.paths[p]!)[0]!.parameters ?? [] };
      const cases = fc.sample(fc.tuple(fc.constantFrom(...others), caseOf(known, op)), { seed: SEED + 1000 + n, numRuns: OTHER_METHOD_RUNS });
      await inParallel(cases, ([method, c]) => run(`other methods ${p}`, { ...c, method: method.toUpperCase(), label: c.label.replace(/^GET/, method.toUpperCase()) }));
    }

    const total = Object.values(counts).reduce((n, b) => n + Object.values(b).reduce((a, x) => a + x, 0), 0);
    console.log(`      fuzz: ${total} requests over ${operations.length} routes in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED})`);
    for (const [route, bucket] of Object.entries(counts)) {
      console.log(`        ${route.padEnd(44)} ${Object.values(bucket).reduce((a, x) => a + x, 0)} requests (${Object.entries(bucket).map(([k, n]) => `${k} ${n}`).join(", ")})`);
    }
    expect(failures, failures.join("\n")).to.deep.equal([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort().join(), "Object.prototype untouched").to.equal(prototypeBefore);
    // Still serving, with the handlers behind sign-in reached: the session route answered 200 at least once.
    expect((await fetch(`${base()}/api/estates`)).status).to.equal(200);
    expect(counts["GET /api/auth/session"]?.["2xx"], "signed-in requests reached the handler").to.be.above(0);
    expect(counts["POST /api/ballots"]?.["2xx"], "a well-formed ballot was accepted").to.be.above(0);
  });
});
