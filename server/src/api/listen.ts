// The HTTP server in front of the Express app, with limits on slow clients: a client that opens connections and
// sends its headers or body byte by byte (slowloris) must not hold them open. Requests Node's parser refuses
// before Express sees them (garbage, timeouts) are still answered in the API's error shape.
import { createServer, STATUS_CODES, type RequestListener, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ApiError, errorBody } from "./errors.js";

export type HttpLimits = {
  /** Time allowed to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time allowed to receive a whole request, headers and body (at least `headersTimeoutMs`). */
  requestTimeoutMs: number;
};

/** Node refuses a request whose headers or whole message took too long with this error code. */
const TIMEOUT = "ERR_HTTP_REQUEST_TIMEOUT";

function clientErrorOf(code: string | undefined): ApiError {
  if (code === TIMEOUT) return new ApiError(408, "request_timeout");
  if (code === "HPE_HEADER_OVERFLOW") return new ApiError(431, "headers_too_large");
  return new ApiError(400, "malformed_request");
}

/** Writes a whole error answer on a socket Node's parser gave up on, then closes it. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // Node's own handler checks the same internal: once an answer has started, nothing more can be written.
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  const apiError = clientErrorOf(error.code);
  const body = JSON.stringify(errorBody(apiError, undefined));
  socket.end(
    `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\n` +
      "Content-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
  // A client that never reads its answer must not keep the socket either.
  setTimeout(() => socket.destroy(), 2000).unref();
}

/** Starts an HTTP server for `app` on host:port with the limits; resolves once it listens. */
export function listen(app: RequestListener, options: { host: string; port: number; limits: HttpLimits }): Promise<{ server: Server; port: number }> {
  const { headersTimeoutMs, requestTimeoutMs } = options.limits;
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node checks the two timeouts on this interval (30 s by default, which would stretch a 10 s limit to 40 s).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
    },
    app,
  );
  server.on("clientError", answerClientError);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}
