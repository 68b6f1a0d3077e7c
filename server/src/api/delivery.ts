// How responses travel to a phone on a slow connection: compressed as the browser asks (brotli, else gzip),
// the web client's hashed assets cached for good, and index.html revalidated on every visit so a new release is
// never hidden behind a stale copy. Node's own zlib, no dependency.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants as zlib, gzip } from "node:zlib";
import express, { type Request, type RequestHandler, type Response } from "express";

/** Smaller bodies are sent as they are: compressing them saves less than the header costs. */
export const COMPRESS_MIN_BYTES = 1024;
/** A year: the longest lifetime caches honour; a hashed file never changes, a new release has new names. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Stored, but checked with the server (ETag) before each use. */
const REVALIDATE = "no-cache";
/** Vite's output: `assets/<name>-<hash>.<ext>`, the hash 8 base64url characters. */
const HASHED_ASSET = /^\/assets\/[^/]+-[\w-]{8}\.\w+$/;

/** Types of what a Vite build writes (the precompressed copy is sent under its original file's type). */
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
};

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

type Encoding = "br" | "gzip";

/**
 * The encoding to answer with: brotli unless the client rates gzip higher (browsers list gzip first but rate them
 * alike, and brotli is smaller), gzip, or undefined for none. `*` stands for any encoding not named; q=0 refuses.
 */
export function chosenEncoding(req: Request): Encoding | undefined {
  const header = req.headers["accept-encoding"];
  if (!header) return undefined;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const weight = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const value = weight === undefined ? 1 : Number(weight);
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const any = q.get("*") ?? 0;
  const br = q.get("br") ?? any;
  const gzip = q.get("gzip") ?? q.get("x-gzip") ?? any;
  if (br > 0 && br >= gzip) return "br";
  if (gzip > 0) return "gzip";
  return undefined;
}

function addVary(res: Response): void {
  res.vary("Accept-Encoding");
}

/**
 * Compresses the API's JSON answers (anything sent through `res.send`/`res.json` with a JSON type) when the
 * client asks for it. Brotli at quality 5 costs about as much CPU as gzip -6 and is a fifth smaller on our JSON.
 */
export function compressJson(): RequestHandler {
  return (req, res, next) => {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      const type = String(res.getHeader("Content-Type") ?? "");
      if (!/json/i.test(type) || res.getHeader("Content-Encoding") || (typeof body !== "string" && !Buffer.isBuffer(body))) return send(body);
      addVary(res);
      const encoding = chosenEncoding(req);
      const raw = typeof body === "string" ? Buffer.from(body) : body;
      if (!encoding || raw.length < COMPRESS_MIN_BYTES || req.method === "HEAD") return send(body);
      const compressed =
        encoding === "br"
          ? brotli(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } })
          : gz(raw, { level: 6 });
      compressed.then(
        (out) => {
          res.setHeader("Content-Encoding", encoding);
          send(out);
        },
        // Compression failing is not the client's problem: send the body as it is.
        () => send(raw),
      );
      return res;
    };
    next();
  };
}

/** sha256 source hashes of the inline `<script>`s of an HTML page, for the Content-Security-Policy. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    hashes.push(`'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`);
  }
  return hashes;
}

/** The CSP with `hashes` allowed in script-src (added to it, or to a copy of default-src when it has none). */
export function allowScripts(csp: string, hashes: string[]): string {
  if (hashes.length === 0 || !csp) return csp;
  const directives = csp.split(";").map((d) => d.trim()).filter(Boolean);
  const script = directives.findIndex((d) => /^script-src\s/i.test(d) || d === "script-src");
  if (script >= 0) directives[script] = `${directives[script]} ${hashes.join(" ")}`;
  else {
    const fallback = directives.find((d) => /^default-src\s/i.test(d))?.replace(/^default-src/i, "script-src") ?? "script-src 'self'";
    directives.push(`${fallback} ${hashes.join(" ")}`);
  }
  return directives.join(";");
}

/** index.html's inline-script hashes, read again only when the file changes (a rebuild while serving). */
function indexHashes(dir: string): () => string[] {
  let seen = "";
  let hashes: string[] = [];
  return () => {
    const file = path.join(dir, "index.html");
    try {
      const st = statSync(file);
      const key = `${st.mtimeMs}:${st.size}`;
      if (key !== seen) {
        hashes = inlineScriptHashes(readFileSync(file, "utf8"));
        seen = key;
      }
    } catch {
      hashes = [];
    }
    return hashes;
  };
}

function cacheControl(urlPath: string): string {
  return HASHED_ASSET.test(urlPath) ? IMMUTABLE : REVALIDATE;
}

/**
 * The built web client: `<file>.br` / `<file>.gz` written next to each file at build time are sent when the
 * browser accepts them (no compressing per request); hashed assets are immutable, everything else (index.html)
 * revalidated. index.html's inline scripts are allowed by their hashes, nothing else inline.
 */
export function serveClient(dir: string): RequestHandler {
  const root = path.resolve(dir);
  const hashes = indexHashes(root);
  const plain = express.static(root, {
    index: "index.html",
    setHeaders: (res, file) => {
      res.setHeader("Cache-Control", cacheControl(`/${path.relative(root, file).split(path.sep).join("/")}`));
    },
  });
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    if (urlPath.endsWith("/")) urlPath += "index.html";
    if (urlPath === "/index.html") {
      const csp = res.getHeader("Content-Security-Policy");
      if (typeof csp === "string") res.setHeader("Content-Security-Policy", allowScripts(csp, hashes()));
    }
    const file = path.join(root, path.posix.normalize(urlPath));
    if (urlPath.includes("\0") || !file.startsWith(root + path.sep)) return plain(req, res, next);
    const encoding = chosenEncoding(req);
    const type = TYPES[path.extname(file).toLowerCase()];
    addVary(res);
    if (!encoding || !type) return plain(req, res, next);
    const packed = `${file}.${encoding === "br" ? "br" : "gz"}`;
    try {
      if (!statSync(packed).isFile()) return plain(req, res, next);
    } catch {
      return plain(req, res, next);
    }
    res.setHeader("Content-Type", type);
    res.setHeader("Content-Encoding", encoding);
    res.setHeader("Cache-Control", cacheControl(urlPath));
    res.sendFile(packed, { dotfiles: "ignore", cacheControl: false, lastModified: true }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  };
}
