import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { isChainUnavailable } from "../chain/errors.js";
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

/** Unknown routes answer 404 in the same shape as every other error. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, "not_found", { path: req.path }));
};

/** Body-parser failures carry a `type`; map them to 4xx so bad input never becomes a 500. */
function fromBodyParser(error: unknown): ApiError | undefined {
  const type = (error as { type?: string }).type;
  if (type === "entity.parse.failed") return new ApiError(400, "invalid_json");
  if (type === "entity.too.large") {
    const limit = (error as { limit?: number }).limit ?? 0;
    return new ApiError(413, "body_too_large", { limit: `${limit} bytes` });
  }
  if (type !== undefined) return new ApiError(400, "invalid_request", {}, { reason: type });
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    // A chain node that is down or frozen is the one failure a client can only wait out: 503, not 500.
    const apiError =
      error instanceof ApiError ? error : (fromBodyParser(error) ?? (isChainUnavailable(error) ? new ApiError(503, "chain_unavailable") : undefined));
    if (apiError) {
      res.status(apiError.status).json(errorBody(apiError, req.get("accept-language")));
      return;
    }
    // Only the route and the error go to the log: never the body, which may hold personal data.
    logger.error({ method: req.method, route: req.route?.path ?? req.path, err: error }, "unhandled error");
    res.status(500).json(errorBody(new ApiError(500, "internal"), req.get("accept-language")));
  };
}
