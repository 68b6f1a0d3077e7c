// The API's per-client request limit: what express-rate-limit did here (a fixed window per client from its first
// request, counted in memory; the IETF draft-8 `RateLimit` and `RateLimit-Policy` headers on every answer;
// `Retry-After` and the API's 429 once over), without its per-request cost: a chain of awaits, a SHA-256 of the
// client's key and a dozen configuration checks on every request (a twentieth of a small command's time). The key
// is express-rate-limit's own (`ipKeyGenerator`: an IPv4 address, or an IPv6 address's /56 network), so a client
// counts as it did; the partition key in the policy header is worked out once per client per window.
import { createHash } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { ipKeyGenerator } from "express-rate-limit";

export type RequestLimitOptions = {
  windowMs: number;
  /** Requests per client per window. */
  limit: number;
  /** Answers a request over the limit (its headers, Retry-After included, are already set). */
  limited: (req: Request, res: Response, next: (error?: unknown) => void) => void;
};

type Client = { hits: number; resetAt: number; policy: string };

/** The policy's name as express-rate-limit spells it, e.g. "100-in-1min". */
export function policyName(limit: number, windowMs: number): string {
  const seconds = windowMs / 1e3;
  const minutes = seconds / 60;
  const hours = minutes / 60;
  const days = hours / 24;
  const duration = seconds < 60 ? `${seconds}sec` : minutes < 60 ? `${minutes}min` : hours < 24 ? `${hours}hr${hours > 1 ? "s" : ""}` : `${days}day${days > 1 ? "s" : ""}`;
  return `${limit}-in-${duration}`;
}

/** A short, non-reversible name of the client in the policy header (draft-8 `pk`), as express-rate-limit makes it. */
export function partitionKey(key: string): string {
  return Buffer.from(createHash("sha256").update(key).digest("hex").slice(0, 12)).toString("base64");
}

export function requestLimiter(options: RequestLimitOptions): RequestHandler {
  const { windowMs, limit } = options;
  if (!(windowMs > 0) || !Number.isSafeInteger(limit) || limit < 0) throw new Error(`A request limit needs a positive window and a whole limit; got ${windowMs} ms and ${limit}.`);
  const name = policyName(limit, windowMs);
  const windowSeconds = Math.ceil(windowMs / 1e3);
  // Clients seen in this window and in the one before; those not seen for a whole window are dropped together.
  let current = new Map<string, Client>();
  let previous = new Map<string, Client>();
  const sweep = setInterval(() => {
    previous = current;
    current = new Map();
  }, windowMs);
  sweep.unref();

  return (req, res, next) => {
    const key = ipKeyGenerator(req.ip ?? "", 56);
    const now = Date.now();
    let client = current.get(key);
    if (!client) {
      client = previous.get(key);
      if (client) previous.delete(key);
      else client = { hits: 0, resetAt: now + windowMs, policy: `"${name}"; q=${limit}; w=${windowSeconds}; pk=:${partitionKey(key)}:` };
      current.set(key, client);
    }
    if (client.resetAt <= now) {
      client.hits = 0;
      client.resetAt = now + windowMs;
    }
    client.hits++;
    const resetSeconds = Math.max(0, Math.ceil((client.resetAt - now) / 1e3));
    res.append("RateLimit", `"${name}"; r=${Math.max(limit - client.hits, 0)}; t=${resetSeconds}`);
    res.append("RateLimit-Policy", client.policy);
    if (client.hits > limit) {
      res.setHeader("Retry-After", String(resetSeconds));
      return options.limited(req, res, next);
    }
    next();
  };
}
