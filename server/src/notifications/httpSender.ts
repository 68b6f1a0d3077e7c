// A sender for an HTTP SMS gateway: the worked example of what a real sender implements (docs/notifications.md).
// Many estates reach SMS through a gateway of their property company or district (or a cloud provider behind a
// small relay); this one POSTs JSON and reads the answer's status. What it shows: the delivery id as the
// idempotency key, statuses sorted into retryable and permanent failures, Retry-After honoured, and neither the
// number nor the text in any error or log.
import { PermanentSendError, RetryableSendError, type Sender } from "./senders.js";
import type { Channel } from "./types.js";

export type HttpGatewayOptions = {
  /** The gateway's endpoint (https in production). */
  url: string;
  /** Sent as `Authorization: Bearer …`; from the environment or the keystore, never the repository. */
  token?: string;
  /** The channels the gateway delivers (default SMS only). */
  channels?: Channel[];
  /** The SMS signature the carrier registered for the estate, e.g. 共治 (the gateway adds 【…】). */
  signature?: string;
  timeoutMs?: number;
};

/** Statuses that may pass on a later attempt; every other 4xx is the request's fault and will not. */
const RETRYABLE_STATUSES = new Set([408, 425, 429]);

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * POST { deliveryId, channel, to, text, signature } with `Idempotency-Key: <deliveryId>`; 2xx is sent (the
 * answer's `messageId`, if any, is kept), 408/425/429/5xx and network errors are retried, any other status is
 * final. The gateway is expected to drop a repeat of an idempotency key it has accepted (answering 2xx).
 */
export function httpGatewaySender(options: HttpGatewayOptions): Sender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name: "http-gateway",
    channels: options.channels ?? ["sms"],
    async send(message) {
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "idempotency-key": message.deliveryId,
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
          body: JSON.stringify({ deliveryId: message.deliveryId, channel: message.channel, to: message.to, text: message.text, ...(options.signature ? { signature: options.signature } : {}) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        // No answer: the message may or may not have gone; the retry carries the same idempotency key.
        const name = error instanceof Error ? error.name : "";
        throw new RetryableSendError(name === "TimeoutError" ? "gateway_timeout" : "gateway_unreachable", `the SMS gateway did not answer (${name || "error"})`);
      }
      if (response.ok) {
        const body = (await response.json().catch(() => ({}))) as { messageId?: unknown; duplicate?: unknown };
        return {
          ...(typeof body.messageId === "string" && body.messageId.length <= 200 ? { providerMessageId: body.messageId } : {}),
          ...(body.duplicate === true ? { duplicate: true } : {}),
        };
      }
      await response.body?.cancel().catch(() => undefined);
      const code = `gateway_http_${response.status}`;
      if (response.status >= 500 || RETRYABLE_STATUSES.has(response.status)) {
        throw new RetryableSendError(code, `the SMS gateway answered ${response.status}`, retryAfterMs(response.headers.get("retry-after")));
      }
      throw new PermanentSendError(code, `the SMS gateway refused the message (${response.status})`);
    },
  };
}
