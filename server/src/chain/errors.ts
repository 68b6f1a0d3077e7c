// Telling "the chain node could not be reached" apart from every other failure, in one place: the API answers
// the first with 503 chain_unavailable (try again later), the indexer retries it quietly, and health reports it.
import { BaseError, HttpRequestError, SocketClosedError, TimeoutError, WaitForTransactionReceiptTimeoutError } from "viem";

/** Node's and undici's codes for a connection that failed or broke. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** HTTP statuses of a node (or a proxy in front of it) that is down or overloaded, not of a refused request. */
const UNAVAILABLE_STATUSES = new Set([408, 429, 502, 503, 504]);

function isUnavailable(error: unknown): boolean {
  if (error instanceof TimeoutError || error instanceof SocketClosedError) return true;
  if (error instanceof WaitForTransactionReceiptTimeoutError) return true;
  if (error instanceof HttpRequestError) return error.status === undefined || UNAVAILABLE_STATUSES.has(error.status);
  const { name, code, message } = (error ?? {}) as { name?: string; code?: string; message?: string };
  if (name === "TimeoutError" || name === "AbortError") return true; // AbortSignal.timeout in a plain fetch
  // A plain fetch's failure as passed on by the indexer's worker thread, which keeps only the message.
  if (message === "fetch failed" || message === "The operation was aborted due to timeout") return true;
  return typeof code === "string" && CONNECTION_CODES.has(code);
}

/**
 * True when `error` (or anything in its cause chain: viem wraps a transport failure in a contract-call error)
 * says the node did not answer: refused or closed connection, timeout, HTTP 5xx from a gateway. A node that
 * answered with a JSON-RPC error (a revert, a bad parameter) is reachable, so that is false.
 */
export function isChainUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 10; depth++) {
    if (isUnavailable(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The first line of a chain error, for logs and health: viem's long messages include request bodies. */
export function shortChainError(error: unknown): string {
  if (error instanceof BaseError) return `${error.shortMessage}${error.details ? ` (${error.details})` : ""}`;
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}
