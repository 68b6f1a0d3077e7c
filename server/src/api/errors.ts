import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { isChainUnavailable, shortChainError } from "../chain/errors.js";
import { formatMessage, pickLanguage, type ErrorCode, type MessageParams } from "./messages.js";

/** An error the client can act on: an HTTP status, a machine-readable code and optional details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly params: MessageParams = {},
    readonly details?: unknown,
  ) {
    super(`${code} (${status})`);
  }
}

/** The one error shape of the API: `{ "error": { "code", "message", "details" } }`. */
export type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown } };

export function errorBody(error: ApiError, acceptLanguage: string | undefined): ErrorBody {
  const body: ErrorBody = {
    error: { code: error.code, message: formatMessage(error.code, pickLanguage(acceptLanguage), error.params) },
  };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

/**
 * Another error shape for the paths under `prefix` (e.g. Open311's array of {code, description}): given the
 * status and the API's error body, the status and body to send instead.
 */
export type ErrorShape = { prefix: string; render: (status: number, body: ErrorBody) => { status: number; body: unknown } };

/** Unknown routes answer 404 in the same shape as every other error. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, "not_found", { path: req.path }));
};

type FrameworkError = { type?: unknown; status?: unknown; statusCode?: unknown; errno?: unknown; limit?: unknown; expose?: unknown };

/** The 4xx status a library (body-parser, raw-body, the router) put on an error it blames on the request. */
function clientStatus(error: FrameworkError): number | undefined {
  const status = typeof error.status === "number" ? error.status : error.statusCode;
  return typeof status === "number" && status >= 400 && status < 500 && error.expose !== false ? status : undefined;
}

/**
 * Errors raised by Express and body-parser about the request itself (bad percent-encoding in the path, a corrupt
 * or unsupported compressed body, a wrong charset, a body too large or cut short) become 4xx in the API's shape:
 * bad input is never a 500.
 */
export function fromFramework(error: unknown): ApiError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as FrameworkError;
  const status = clientStatus(e);
  switch (e.type) {
    case "entity.parse.failed":
      return new ApiError(400, "invalid_json");
    case "entity.too.large":
      return new ApiError(413, "body_too_large", { limit: `${typeof e.limit === "number" ? e.limit : 0} bytes` });
    case "encoding.unsupported":
      return new ApiError(415, "unsupported_encoding");
    case "charset.unsupported":
      return new ApiError(415, "unsupported_charset");
    case "request.aborted":
    case "request.size.invalid":
      return new ApiError(400, "invalid_request", {}, { reason: e.type });
  }
  if (status === undefined) return undefined;
  // The router marks a path parameter it cannot percent-decode (e.g. /api/votes/%E0%A4%A) with 400.
  if (error instanceof URIError) return new ApiError(400, "invalid_path");
  // zlib's errors carry an errno: body-parser could not decompress the gzip, deflate or brotli body.
  if (typeof e.errno === "number") return new ApiError(400, "invalid_body_encoding");
  if (status === 408) return new ApiError(408, "request_timeout");
  if (status === 413) return new ApiError(413, "body_too_large", { limit: { "zh-CN": "服务器设定的大小", en: "the server's limit" } });
  if (status === 415) return new ApiError(415, "unsupported_media_type");
  return new ApiError(status, "invalid_request", {}, typeof e.type === "string" ? { reason: e.type } : undefined);
}

/**
 * Answers every error in the API's shape. Client errors (4xx) are logged as one line without a stack: they are
 * routine and say nothing about our code. Anything else is a bug: logged with its stack, answered 500 without it.
 */
export function errorHandler(logger: Logger, shapes: readonly ErrorShape[] = []): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    // A chain node that is down or frozen is the one failure a client can only wait out: 503, not 500.
    const chainDown = !(error instanceof ApiError) && isChainUnavailable(error);
    const apiError =
      error instanceof ApiError ? error : chainDown ? new ApiError(503, "chain_unavailable") : fromFramework(error);
    const route = (res.locals.route as string | undefined) ?? req.route?.path ?? req.path;
    // Only the route, the status and the code go to the log: never the body or the query (personal data).
    if (chainDown) {
      logger.warn({ method: req.method, route, status: 503, err: shortChainError(error) }, "chain unavailable");
    } else if (apiError && !(error instanceof ApiError)) {
      logger.info({ method: req.method, route, status: apiError.status, code: apiError.code }, "client error");
    } else if (!apiError) {
      logger.error({ method: req.method, route, err: error }, "unhandled error");
    }
    // An answer already under way (e.g. a 408 sent while the body was still coming) cannot be replaced.
    if (res.headersSent) {
      if (!res.writableEnded) next(error);
      return;
    }
    const answer = apiError ?? new ApiError(500, "internal");
    const body = errorBody(answer, req.get("accept-language"));
    const shape = shapes.find((s) => req.originalUrl.startsWith(s.prefix));
    const out = shape ? shape.render(answer.status, body) : { status: answer.status, body };
    res.status(out.status).json(out.body);
  };
}
