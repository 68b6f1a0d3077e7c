// The API's JSON body parser: body-parser's `express.json`, with a lean path for the request nearly every client
// sends (a Content-Length within the limit, no Content-Encoding, `application/json` with no charset or UTF-8).
// That path reads and parses the body as body-parser would (UTF-8, a leading BOM dropped, strict: an object or
// an array, an empty body as {}) and fails with the same error types (entity.parse.failed, entity.too.large,
// request.size.invalid, request.aborted), which the error handler turns into the API's 4xx; every other request
// (compressed, another charset or type spelling, chunked, too large) goes to body-parser itself. The lean path
// skips body-parser's per-request type and charset parsing, decoder and stream plumbing, and when the body has
// already arrived with the headers (a small command) it parses it at once instead of a few ticks later.
import express, { type Request, type RequestHandler } from "express";

export type JsonBodyOptions = {
  /** Largest accepted body, as body-parser reads it (e.g. "64kb": 1024-byte units). */
  limit: string;
  /** Requests whose body this parser leaves alone (a route that reads its own raw bytes). */
  skip: (req: Request) => boolean;
};

/** Content types the lean path takes as they are spelled; any other spelling goes to body-parser. */
const PLAIN_JSON = new Set(["application/json", "application/json; charset=utf-8", "application/json;charset=utf-8"]);
const DIGITS = /^\d{1,15}$/;
const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** body-parser's reading of a size limit (the `bytes` package): a number of bytes, or a number and a unit. */
export function limitBytes(limit: string | number): number | undefined {
  if (typeof limit === "number") return Number.isFinite(limit) ? Math.floor(limit) : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? "b").toLowerCase()]!);
}

/** An error as body-parser makes it: the error handler reads `type` and `status`. */
function bodyError(status: number, message: string, type: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(status === 400 && type === "entity.parse.failed" ? new SyntaxError(message) : new Error(message), {
    status,
    statusCode: status,
    expose: true,
    type,
    ...extra,
  });
}

const FIRST_NON_SPACE = /^[ \t\n\r]*([^ \t\n\r])/;

/** body-parser's strict JSON: empty is {}; otherwise the text must open with { or [ (after JSON whitespace). */
function parseStrict(text: string): unknown {
  if (text.length === 0) return {};
  if (text[0] !== "{" && text[0] !== "[") {
    const first = FIRST_NON_SPACE.exec(text)?.[1];
    if (first !== "{" && first !== "[") throw bodyError(400, `Unexpected token ${first ?? "end"} in JSON (strict: an object or an array)`, "entity.parse.failed", { body: text });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw bodyError(400, (error as Error).message, "entity.parse.failed", { body: text });
  }
}

function decode(bytes: Buffer): string {
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // iconv-lite, which body-parser decodes with, drops a BOM
}

export function jsonBody(options: JsonBodyOptions): RequestHandler {
  const fallback = express.json({ limit: options.limit, type: (req) => !options.skip(req as Request) && Boolean((req as Request).is("application/json")) });
  const limit = limitBytes(options.limit);
  return (req, res, next) => {
    const headers = req.headers;
    const lengthHeader = headers["content-length"];
    const type = headers["content-type"];
    const socket = req.socket;
    if (
      limit === undefined ||
      type === undefined ||
      !PLAIN_JSON.has(type) ||
      lengthHeader === undefined ||
      !DIGITS.test(lengthHeader) ||
      headers["content-encoding"] !== undefined ||
      headers["transfer-encoding"] !== undefined ||
      Number(lengthHeader) > limit ||
      // body-parser leaves a request alone that is already read or whose connection is gone
      !socket ||
      !socket.readable ||
      (req.complete && !req.readable) ||
      options.skip(req)
    ) {
      return fallback(req, res, next);
    }
    const length = Number(lengthHeader);
    const finish = (bytes: Buffer) => {
      try {
        req.body = parseStrict(decode(bytes));
      } catch (error) {
        return next(error);
      }
      next();
    };
    // The whole body is here (a small command's came with its headers): read it at once. Its 'end' follows on
    // the next tick; the next middleware waits for it, so that the request reads as finished, as after
    // body-parser (a route's own body parser then leaves it alone).
    if (req.complete && req.readableLength === length) {
      const bytes = (req.read() as Buffer | null) ?? Buffer.alloc(0);
      if (req.readableEnded) return finish(bytes);
      req.once("end", () => finish(bytes));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const end = (error?: Error) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("aborted", onAborted);
      req.off("error", onError);
      req.off("close", onClose);
      if (error) {
        // As body-parser: read off what is left of the request, then answer.
        req.resume();
        return next(error);
      }
      finish(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return end(bodyError(413, "request entity too large", "entity.too.large", { limit, length }));
      chunks.push(chunk);
    };
    const onEnd = () =>
      received === length
        ? end()
        : end(bodyError(400, "request size did not match content length", "request.size.invalid", { expected: length, length, received }));
    const onAborted = () => end(bodyError(400, "request aborted", "request.aborted", { code: "ECONNABORTED", expected: length, length, received }));
    const onError = (error: Error) => end(Object.assign(error, { status: 400, statusCode: 400, expose: true }));
    const onClose = () => {
      if (!req.complete) onAborted();
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("aborted", onAborted);
    req.on("error", onError);
    req.on("close", onClose);
  };
}
