import cors from "cors";
import express, { Router, type Express, type Request, type RequestHandler, type Response } from "express";
import helmet, { type HelmetOptions } from "helmet";
import type { Logger } from "pino";
import { compressJson, serveClient } from "./delivery.js";
import { jsonBody } from "./jsonBody.js";
import { requestLimiter } from "./rateLimit.js";
import { ApiError, errorBody, errorHandler, notFound, type ErrorShape } from "./errors.js";
import { inSequence, mountRoutes, openApiDocument, type RouteSpec } from "./routes.js";

export type AppOptions = {
  routes: RouteSpec[];
  logger: Logger;
  /** Origins allowed by CORS; an empty list allows same-origin only. */
  corsOrigins: string[];
  /** Requests per client IP per window. */
  rateLimit: { windowMs: number; limit: number };
  /** Largest accepted JSON body, e.g. "64kb". */
  bodyLimit: string;
  /** How long a request's body may take to arrive once its headers have (default 15 s); then 408. */
  bodyTimeoutMs?: number;
  /** Static files (the built web client) served at `/`, if any. */
  staticDir?: string;
  version: string;
  /** Paths whose errors take another shape (Open311's array of {code, description}). */
  errorShapes?: readonly ErrorShape[];
  /** Paths outside /api that the rate limit covers too (e.g. /open311). */
  limitedPaths?: readonly string[];
};

/**
 * Logs method, route pattern, status and duration; never bodies, queries or headers (personal data). Nothing is
 * done for a request while the logger's level leaves out "info" lines (checked per request: the level may change).
 */
function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (!logger.isLevelEnabled("info")) return next();
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = (res.locals.route as string | undefined) ?? req.route?.path ?? (res.statusCode === 404 ? "(unknown)" : req.path);
      logger.info({ method: req.method, route, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, "request");
    });
    next();
  };
}

/**
 * A client that sends its headers and then trickles (or withholds) the body must not hold a connection and a
 * body parser forever: after `ms` it gets a 408 in the API's shape and the connection is closed. The server's
 * own `requestTimeout` (see listen.ts) is the backstop for requests that never reach Express.
 */
function bodyTimeout(ms: number, shapes: readonly ErrorShape[] = []): RequestHandler {
  return (req, res, next) => {
    const expectsBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
    if (!expectsBody || req.complete) return next();
    // Express runs while Node's parser is still at the request's headers (microtasks run before it reaches the
    // body); a body that came in the same read (a small command's) is parsed by the time an immediate runs, and
    // then needs no timer, nor the JSON parser a wait for its stream events.
    setImmediate(() => (req.complete ? next() : arm()));
    const arm = () => {
      const timer = setTimeout(() => {
        if (req.complete || res.headersSent) return;
        const body = errorBody(new ApiError(408, "request_timeout"), req.get("accept-language"));
        // originalUrl: by now a sub-router may have rewritten req.path (routes are mounted by prefix).
        const shape = shapes.find((s) => req.originalUrl.startsWith(s.prefix));
        const out = shape ? shape.render(408, body) : { status: 408, body };
        res.status(out.status).set("connection", "close").json(out.body);
        // The rest of the body will never be read: close our side once the answer is out.
        res.once("finish", () => req.socket.end());
      }, ms);
      timer.unref();
      const clear = () => clearTimeout(timer);
      req.once("end", clear);
      res.once("close", clear);
      next();
    };
  };
}

/** The security headers (helmet's, as configured here). */
export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    // The web client reads the chain itself over JSON-RPC, from a node the user may choose (the Verify page
    // must not depend on this server), and sends time-bank transactions there: any http(s) origin.
    directives: { connectSrc: ["'self'", "http:", "https:"] },
  },
};

/**
 * helmet's headers, worked out once: with no per-request directive (no nonce) its middleware sets the same
 * headers on every answer, so it is run once against a recorder and its header operations are replayed per
 * request, in its order, instead of walking its dozen middlewares each time. Refuses (at start) a configuration
 * whose headers would depend on the request.
 */
export function securityHeaders(options: HelmetOptions): RequestHandler {
  const ops: ([name: string, value: string] | [name: string])[] = [];
  let called = false;
  const recorder = {
    setHeader: (name: string, value: unknown) => void ops.push([name, String(value)]),
    removeHeader: (name: string) => void ops.push([name]),
  };
  const probe = new Proxy({}, { get: (_t, key) => { throw new Error(`helmet read the request's ${String(key)}: its headers depend on the request and cannot be precomputed.`); } });
  helmet(options)(probe as Request, recorder as unknown as Response, (error?: unknown) => {
    if (error) throw error as Error;
    called = true;
  });
  if (!called) throw new Error("helmet did not finish synchronously: its headers cannot be precomputed.");
  return (_req, res, next) => {
    for (const op of ops) {
      if (op.length === 2) res.setHeader(op[0], op[1]);
      else res.removeHeader(op[0]);
    }
    next();
  };
}

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(
    inSequence(
      securityHeaders(HELMET_OPTIONS),
      cors({
        origin: options.corsOrigins.length > 0 ? options.corsOrigins : false,
        // A client on another origin can see how far behind the chain a read answer is (server/src/routes.ts).
        exposedHeaders: ["X-Indexed-Block", "X-Chain-Head", "X-Indexer-Lag-Blocks", "X-Chain-Head-Age"],
      }),
      requestLog(options.logger),
      compressJson(),
    ),
  );
  app.use(
    ["/api", ...(options.limitedPaths ?? [])],
    requestLimiter({
      windowMs: options.rateLimit.windowMs,
      limit: options.rateLimit.limit,
      limited: (_req, _res, next) => next(new ApiError(429, "rate_limited")),
    }),
  );
  // Routes that read their JSON body raw (a signed device event: the signature covers the exact bytes) are
  // skipped by the JSON parser; their own `before` reads the bytes. Matched by exact path (no parameters).
  const rawJson = new Set(options.routes.filter((r) => r.rawBody?.types.includes("application/json")).map((r) => r.path));
  app.use(
    inSequence(
      bodyTimeout(options.bodyTimeoutMs ?? 15_000, options.errorShapes),
      jsonBody({ limit: options.bodyLimit, skip: (req) => rawJson.has(req.path) }),
    ),
  );

  const router = Router();
  const info = { title: "Gongzhi API 共治接口", version: options.version };
  router.get("/api/openapi.json", (_req, res) => {
    res.json(openApiDocument(options.routes, info));
  });
  mountRoutes(router, options.routes, [{ method: "get", path: "/api/openapi.json" }]);
  // A bare liveness answer for an app without a health route of its own (the server mounts one: server/src/health.ts).
  router.get("/api/health", (_req, res) => {
    res.json({ ok: true, version: options.version });
  });
  app.use(router);
  if (options.staticDir) app.use(serveClient(options.staticDir));
  app.use(notFound);
  app.use(errorHandler(options.logger, options.errorShapes));
  return app;
}
