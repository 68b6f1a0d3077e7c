import { Router, type NextFunction, type Request, type RequestHandler } from "express";
import { z } from "zod/v4";
import { ApiError } from "./errors.js";

/** What a handler receives: validated params, query and body, plus the raw request for headers. */
export type RouteInput<P, Q, B> = { params: P; query: Q; body: B; req: Request };

/**
 * One API route, described once: Express mounts it, zod validates its input, and the OpenAPI document is
 * generated from the same schemas, so the documentation cannot drift from the code.
 */
export type RouteSpec<P = unknown, Q = unknown, B = unknown> = {
  method: "get" | "post";
  /** Express-style path, e.g. `/api/votes/:voteId`. */
  path: string;
  summary: string;
  tags: string[];
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response: z.ZodType;
  /** HTTP status of a successful answer (200 unless said). */
  status?: number;
  /** Middleware run before validation (e.g. authentication). */
  before?: RequestHandler[];
  /**
   * A body that is not JSON (e.g. a document's raw bytes), read by a `before` middleware of the route's own:
   * its media types and description, for the OpenAPI document.
   */
  rawBody?: { types: readonly string[]; description: string };
  /** Answers that are bytes (a `RawReply`), not JSON: their media types, for the OpenAPI document. */
  rawResponse?: { types: readonly string[]; description: string };
  handler: (input: RouteInput<P, Q, B>) => Promise<unknown> | unknown;
};

/** A handler's answer with a status other than the route's usual one (e.g. 200 for a repeated request), or headers. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers?: Record<string, string>,
  ) {}
}

/** A handler's answer as bytes of a media type (e.g. a stored document), with any extra headers. */
export class RawReply {
  constructor(
    readonly status: number,
    readonly body: Uint8Array,
    readonly headers: Record<string, string>,
  ) {}
}

/** Keeps the input types of each route while collecting routes of different types in one list. */
export function defineRoute<P, Q, B>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

type Issue = { path: string; message: string; code: string };

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): { data?: T; issues: Issue[] } {
  if (!schema) return { data: undefined, issues: [] };
  let result: ReturnType<typeof schema.safeParse>;
  try {
    result = schema.safeParse(value);
  } catch (error) {
    // A transform that throws on input its checks already flagged is still bad input, never a 500.
    return { issues: [{ path: where, message: error instanceof Error ? error.message : String(error), code: "custom" }] };
  }
  if (result.success) return { data: result.data, issues: [] };
  return {
    issues: result.error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join("."),
      message: issue.message,
      code: issue.code,
    })),
  };
}

/** Validates a request against a route's schemas; every problem is listed in the 400's details. */
export function validateInput<P, Q, B>(spec: RouteSpec<P, Q, B>, req: Request): RouteInput<P, Q, B> {
  const params = parse(spec.params, req.params, "params");
  const query = parse(spec.query, req.query, "query");
  const body = parse(spec.body, req.body ?? {}, "body");
  const issues = [...params.issues, ...query.issues, ...body.issues];
  if (issues.length > 0) throw new ApiError(400, "invalid_request", {}, { issues });
  return { params: params.data as P, query: query.data as Q, body: body.data as B, req };
}

/**
 * A route that takes a body reads JSON only: a body of another type would be skipped by the JSON parser and
 * reported as missing fields, which misleads; 415 says what to change.
 */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  // The usual spelling needs no media-type parsing; any other goes through type-is.
  const json = !hasBody || req.headers["content-type"] === "application/json" || Boolean(req.is("application/json"));
  next(json ? undefined : new ApiError(415, "unsupported_media_type"));
};

/** A path pattern's segments, if every one is a plain literal or a whole-segment `:param`; else undefined. */
function plainSegments(path: string): { literal?: string; param?: string }[] | undefined {
  if (!path.startsWith("/")) return undefined;
  const out: { literal?: string; param?: string }[] = [];
  for (const segment of path.slice(1).split("/")) {
    const param = /^:([A-Za-z_]\w*)$/.exec(segment);
    if (param) out.push({ param: param[1] });
    else if (/^[A-Za-z0-9._~-]+$/.test(segment)) out.push({ literal: segment });
    else return undefined;
  }
  return out;
}

/** Whether two plain patterns can match one path (Express compares literals case-insensitively). */
function overlap(a: { literal?: string }[], b: { literal?: string }[]): boolean {
  return a.length === b.length && a.every((s, i) => s.literal === undefined || b[i]!.literal === undefined || s.literal.toLowerCase() === b[i]!.literal!.toLowerCase());
}

type FastRoute = { segments: { literal?: string; param?: string }[]; run: RequestHandler };

/** A pathname the fast path reads as it is: printable ASCII, no `#`, no `\`, no empty segment. */
const PLAIN_PATHNAME = /^(?:\/[\x21\x24-\x5b\x5d-\x7e]+)+$/;

/**
 * Handlers run one after another in one Express layer, as Express would run them in as many (a route's handlers,
 * or the app's middlewares): `next(error)`, a throw or a rejection skips the rest and ends in the caller's
 * `next(error)`. Express's walk from layer to layer costs more than several small middlewares themselves.
 */
export function inSequence(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, done) => {
    let i = 0;
    const next: NextFunction = (error?: unknown) => {
      if (error === "route" || error === "router") throw new Error("A handler called next('route'), which the API's routes and middlewares do not support.");
      if (error !== undefined && error !== null) return done(error);
      const handler = handlers[i++];
      if (!handler) return done();
      try {
        const ret = handler(req, res, next) as unknown;
        if (ret instanceof Promise) ret.then(undefined, (e: unknown) => next(e ?? new Error("Rejected promise")));
      } catch (e) {
        next(e);
      }
    };
    next();
  };
}

/**
 * The routes' fast path: a request whose method and plain pathname name a route exactly (its literals as spelled,
 * each `:param` one non-empty segment that percent-decodes) runs that route's handlers directly, without Express
 * trying each group and route in turn (about a fifth of a small command's time under load). Only routes that no
 * route before them in Express's order could also match are taken; every other request (another spelling, a
 * trailing slash, HEAD, OPTIONS, a bad escape) goes on to Express's own routing, as before.
 */
function fastPath(routes: Map<string, FastRoute[]>): RequestHandler {
  return (req, res, next) => {
    const candidates = routes.get(req.method);
    if (!candidates) return next();
    const url = req.url;
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    if (!PLAIN_PATHNAME.test(pathname)) return next();
    const parts = pathname.slice(1).split("/");
    for (const route of candidates) {
      if (route.segments.length !== parts.length) continue;
      let params: Record<string, string> | undefined = {};
      for (let i = 0; i < parts.length; i++) {
        const segment = route.segments[i]!;
        if (segment.literal !== undefined) {
          if (segment.literal !== parts[i]) {
            params = undefined;
            break;
          }
        } else {
          try {
            params[segment.param!] = decodeURIComponent(parts[i]!);
          } catch {
            return next(); // Express answers a bad escape (400 invalid_path)
          }
        }
      }
      if (!params) continue;
      req.params = params;
      return route.run(req, res, next);
    }
    next();
  };
}

/**
 * Mounts the routes, grouped by their first two path segments (`/api/votes`, `/api/errands`…) in sub-routers:
 * Express tries a request against each route in turn, and with every route on one router that walk cost about
 * a quarter of a small command's time. `res.locals.route` keeps the route's full pattern for the logs. In front
 * of them, the fast path (see fastPath) takes the requests that name a route exactly. `before`: routes already
 * on `router` (method and path), which the fast path must not overtake.
 */
export function mountRoutes(router: Router, specs: RouteSpec[], before: { method: string; path: string }[] = []): void {
  // First on the router (after the `before` routes, which the check below takes into account); filled below.
  const fast = new Map<string, FastRoute[]>();
  router.use(fastPath(fast));
  const groups = new Map<string, Router>();
  // Express's order: a group's routes are tried where the group was mounted (its first route's place).
  const order: { method: string; path: string; handlers?: RequestHandler[] }[] = [...before];
  const groupOrder = new Map<string, typeof order>();
  const groupOf = (prefix: string): Router => {
    let group = groups.get(prefix);
    if (!group) {
      group = Router();
      groups.set(prefix, group);
      router.use(prefix, group);
    }
    return group;
  };
  for (const spec of specs) {
    const grouped = /^(\/[^/:]+\/[^/:]+)(\/.*)?$/.exec(spec.path);
    const target = grouped ? groupOf(grouped[1]!) : router;
    const path = grouped ? (grouped[2] ?? "/") : spec.path;
    const named: RequestHandler = (_req, res, next) => {
      res.locals.route = spec.path;
      next();
    };
    const handle: RequestHandler = async (req, res) => {
      const result = await spec.handler(validateInput(spec, req));
      if (result instanceof RawReply) res.status(result.status).set(result.headers).send(Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength));
      else if (result instanceof Reply) res.status(result.status).set(result.headers ?? {}).json(result.body);
      else res.status(spec.status ?? 200).json(result);
    };
    const handlers = [named, ...(spec.body ? [requireJsonBody] : []), ...(spec.before ?? []), handle];
    target[spec.method](path, ...handlers);
    const entry = { method: spec.method, path: spec.path, handlers };
    if (grouped) {
      let list = groupOrder.get(grouped[1]!);
      if (!list) groupOrder.set(grouped[1]!, (list = []));
      list.push(entry);
      if (list.length === 1) order.push({ method: "group", path: grouped[1]! });
    } else order.push(entry);
  }
  const effective = order.flatMap((e) => (e.method === "group" ? groupOrder.get(e.path)! : [e]));
  effective.forEach((entry, i) => {
    const segments = plainSegments(entry.path);
    if (!segments || !entry.handlers) return;
    const method = entry.method.toUpperCase();
    // A route before it that might match the same request (same method, an overlapping or unreadable pattern) keeps it on Express's path.
    const shadowed = effective.slice(0, i).some((earlier) => {
      if (earlier.method.toUpperCase() !== method && earlier.method !== "all") return false;
      const other = plainSegments(earlier.path);
      return !other || overlap(other, segments);
    });
    if (shadowed) return;
    let list = fast.get(method);
    if (!list) fast.set(method, (list = []));
    list.push({ segments, run: inSequence(...entry.handlers) });
  });
}

/** `/api/votes/:voteId` → `/api/votes/{voteId}` */
function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, "{$1}");
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

function parameters(schema: z.ZodType | undefined, location: "path" | "query"): unknown[] {
  if (!schema) return [];
  const object = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || (object.required ?? []).includes(name),
    schema: property,
  }));
}

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "machine-readable code" },
        message: { type: "string", description: "human message, in Chinese or English by Accept-Language" },
        details: {},
      },
    },
  },
};

/** The OpenAPI 3.1 document of a list of routes. */
export function openApiDocument(specs: RouteSpec[], info: { title: string; version: string }): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: spec.tags,
      parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
      responses: {
        [String(spec.status ?? 200)]: spec.rawResponse
          ? {
              description: spec.rawResponse.description,
              content: Object.fromEntries(spec.rawResponse.types.map((t) => [t, { schema: { type: "string", format: "binary" } }])),
            }
          : {
              description: "success",
              content: { "application/json": { schema: jsonSchema(spec.response, "output") } },
            },
        "4XX": {
          description: "bad input, unknown resource, missing sign-in or role",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    };
    if (spec.rawBody) {
      operation.requestBody = {
        required: true,
        description: spec.rawBody.description,
        content: Object.fromEntries(spec.rawBody.types.map((t) => [t, { schema: { type: "string", format: "binary" } }])),
      };
    } else if (spec.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: jsonSchema(spec.body, "input") } },
      };
    }
    (paths[openApiPath(spec.path)] ??= {})[spec.method] = operation;
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: { schemas: { Error: errorSchema } },
  };
}
