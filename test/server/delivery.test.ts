// How the API server delivers: compressed as the client asks (brotli, gzip, or not at all), the web client's
// hashed assets cached for good and index.html revalidated, index.html's inline boot script allowed by its hash.
// The real app (createApp) on a real socket, a client directory laid out as `npm run build:client` writes it.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { pino } from "pino";
import { z } from "zod/v4";
import { createApp } from "../../server/src/api/app.js";
import { defineRoute } from "../../server/src/api/routes.js";

type Reply = { status: number; headers: IncomingHttpHeaders; body: Buffer };

/** A GET with exactly the headers given (fetch would add its own Accept-Encoding and decompress). */
function get(base: string, route: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${route}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function decoded(reply: Reply): string {
  const enc = reply.headers["content-encoding"];
  if (enc === "br") return brotliDecompressSync(reply.body).toString("utf8");
  if (enc === "gzip") return gunzipSync(reply.body).toString("utf8");
  return reply.body.toString("utf8");
}

const BOOT = `(function(){document.documentElement.lang="zh-CN"})();`;
const INDEX = `<!doctype html><html lang="zh-CN"><head><script>${BOOT}</script><script type="module" crossorigin src="./assets/index-AbCd1234.js"></script></head><body><main id="main">正在加载……</main></body></html>\n`;
// A realistic, compressible script (well over the 1 kB threshold).
const SCRIPT = Array.from({ length: 400 }, (_, i) => `export const text${i} = "第 ${i} 条：业主投票与维修资金";`).join("\n");

// An API route whose answer is large JSON, one whose answer is small.
const routes = [
  defineRoute({
    method: "get",
    path: "/api/big",
    summary: "A long list",
    tags: ["test"],
    response: z.object({ items: z.array(z.object({ id: z.number(), note: z.string() })) }),
    handler: () => ({ items: Array.from({ length: 300 }, (_, id) => ({ id, note: `unit ${id} of building 3` })) }),
  }),
  defineRoute({
    method: "get",
    path: "/api/small",
    summary: "A short answer",
    tags: ["test"],
    response: z.object({ ok: z.boolean() }),
    handler: () => ({ ok: true }),
  }),
];

describe("API delivery: compression and caching", function () {
  let server: Server;
  let base: string;
  let dir: string;

  before(async function () {
    dir = mkdtempSync(path.join(tmpdir(), "gongzhi-delivery-"));
    mkdirSync(path.join(dir, "assets"));
    writeFileSync(path.join(dir, "index.html"), INDEX);
    writeFileSync(path.join(dir, "index.html.br"), brotliCompressSync(INDEX));
    writeFileSync(path.join(dir, "index.html.gz"), gzipSync(INDEX));
    const asset = path.join(dir, "assets/index-AbCd1234.js");
    writeFileSync(asset, SCRIPT);
    writeFileSync(`${asset}.br`, brotliCompressSync(SCRIPT));
    writeFileSync(`${asset}.gz`, gzipSync(SCRIPT));
    // Built without its precompressed copies (as a file under the threshold would be).
    writeFileSync(path.join(dir, "assets/tiny-Zz9_Yy8-.js"), "export const a = 1;\n");
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const app = createApp({
      routes,
      logger: pino({ level: "silent" }, sink),
      corsOrigins: [],
      rateLimit: { windowMs: 60_000, limit: 1000 },
      bodyLimit: "16kb",
      staticDir: dir,
      version: "test",
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async function () {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe("static files", function () {
    it("sends brotli to a browser that accepts it (preferred over gzip)", async function () {
      const r = await get(base, "/assets/index-AbCd1234.js", { "Accept-Encoding": "gzip, deflate, br, zstd" });
      expect(r.status).to.equal(200);
      expect(r.headers["content-encoding"]).to.equal("br");
      expect(r.headers["content-type"]).to.match(/^text\/javascript/);
      expect(r.headers.vary).to.match(/Accept-Encoding/i);
      expect(r.body.length).to.be.lessThan(SCRIPT.length / 4);
      expect(decoded(r)).to.equal(SCRIPT);
    });

    it("sends gzip when that is all the browser accepts", async function () {
      const r = await get(base, "/assets/index-AbCd1234.js", { "Accept-Encoding": "gzip" });
      expect(r.headers["content-encoding"]).to.equal("gzip");
      expect(decoded(r)).to.equal(SCRIPT);
    });

    it("honours a refusal (q=0) of brotli", async function () {
      const r = await get(base, "/assets/index-AbCd1234.js", { "Accept-Encoding": "br;q=0, gzip" });
      expect(r.headers["content-encoding"]).to.equal("gzip");
    });

    it("sends the file as it is when no encoding is asked for", async function () {
      const r = await get(base, "/assets/index-AbCd1234.js");
      expect(r.status).to.equal(200);
      expect(r.headers["content-encoding"]).to.equal(undefined);
      expect(r.headers.vary).to.match(/Accept-Encoding/i);
      expect(r.body.toString("utf8")).to.equal(SCRIPT);
    });

    it("sends a file without precompressed copies as it is", async function () {
      const r = await get(base, "/assets/tiny-Zz9_Yy8-.js", { "Accept-Encoding": "br, gzip" });
      expect(r.status).to.equal(200);
      expect(r.headers["content-encoding"]).to.equal(undefined);
      expect(r.body.toString("utf8")).to.equal("export const a = 1;\n");
    });

    it("caches hashed assets as immutable, compressed or not", async function () {
      for (const enc of ["br", "gzip", ""]) {
        const r = await get(base, "/assets/index-AbCd1234.js", enc ? { "Accept-Encoding": enc } : {});
        expect(r.headers["cache-control"], enc).to.equal("public, max-age=31536000, immutable");
      }
      const tiny = await get(base, "/assets/tiny-Zz9_Yy8-.js");
      expect(tiny.headers["cache-control"]).to.equal("public, max-age=31536000, immutable");
    });

    it("has index.html revalidated on every visit (no-cache), at / and by name", async function () {
      for (const route of ["/", "/index.html"]) {
        for (const enc of ["br", ""]) {
          const r = await get(base, route, enc ? { "Accept-Encoding": enc } : {});
          expect(r.status, route).to.equal(200);
          expect(r.headers["cache-control"], `${route} ${enc}`).to.equal("no-cache");
          expect(r.headers.etag, route).to.be.a("string");
          expect(decoded(r), route).to.equal(INDEX);
        }
      }
    });

    it("answers a revalidation of index.html with 304 when it has not changed", async function () {
      const first = await get(base, "/", { "Accept-Encoding": "br" });
      const again = await get(base, "/", { "Accept-Encoding": "br", "If-None-Match": first.headers.etag! });
      expect(again.status).to.equal(304);
    });

    it("allows index.html's inline boot script by its hash, and no other inline script", async function () {
      const r = await get(base, "/");
      const csp = String(r.headers["content-security-policy"]);
      const hash = createHash("sha256").update(BOOT).digest("base64");
      const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src"))!;
      expect(scriptSrc).to.contain(`'sha256-${hash}'`);
      expect(scriptSrc).to.not.contain("unsafe-inline");
      // Other responses keep the policy without it.
      const api = await get(base, "/api/small");
      expect(String(api.headers["content-security-policy"])).to.not.contain(hash);
    });

    it("serves nothing outside the client directory", async function () {
      writeFileSync(path.join(dir, "..", `secret-${path.basename(dir)}.txt`), "no");
      try {
        for (const route of [`/..%2fsecret-${path.basename(dir)}.txt`, `/assets/..%2f..%2fsecret-${path.basename(dir)}.txt`]) {
          const r = await get(base, route, { "Accept-Encoding": "br, gzip" });
          expect(r.status, route).to.be.oneOf([403, 404]);
          expect(r.body.toString("utf8"), route).to.not.equal("no");
        }
      } finally {
        rmSync(path.join(dir, "..", `secret-${path.basename(dir)}.txt`), { force: true });
      }
    });
  });

  describe("API JSON", function () {
    it("compresses a large answer with brotli or gzip as asked, and not when not", async function () {
      const plain = await get(base, "/api/big");
      expect(plain.status).to.equal(200);
      expect(plain.headers["content-encoding"]).to.equal(undefined);
      expect(plain.headers.vary).to.match(/Accept-Encoding/i);
      const expected = JSON.parse(plain.body.toString("utf8")) as { items: unknown[] };
      expect(expected.items).to.have.length(300);

      const br = await get(base, "/api/big", { "Accept-Encoding": "gzip, deflate, br" });
      expect(br.headers["content-encoding"]).to.equal("br");
      expect(br.headers["content-type"]).to.match(/^application\/json/);
      expect(br.body.length).to.be.lessThan(plain.body.length / 4);
      expect(Number(br.headers["content-length"])).to.equal(br.body.length);
      expect(JSON.parse(decoded(br))).to.deep.equal(expected);

      const gz = await get(base, "/api/big", { "Accept-Encoding": "gzip" });
      expect(gz.headers["content-encoding"]).to.equal("gzip");
      expect(JSON.parse(decoded(gz))).to.deep.equal(expected);
    });

    it("sends a small answer as it is (compression would not pay)", async function () {
      const r = await get(base, "/api/small", { "Accept-Encoding": "br, gzip" });
      expect(r.headers["content-encoding"]).to.equal(undefined);
      expect(JSON.parse(r.body.toString("utf8"))).to.deep.equal({ ok: true });
    });

    it("error answers pass through the same way, readable", async function () {
      const r = await get(base, `/api/unknown-${"x".repeat(10)}`, { "Accept-Encoding": "br", "Accept-Language": "en" });
      expect(r.status).to.equal(404);
      expect(JSON.parse(decoded(r))).to.have.nested.property("error.code");
    });
  });
});
