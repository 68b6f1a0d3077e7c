// How a device signs a request, as plain functions (docs/devices.md): X-Gongzhi-Signature is
// `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body bytes>")>`, X-Gongzhi-Timestamp the Unix seconds it was
// signed at. The signature covers the raw bytes as sent, so the server checks it before parsing anything.
import { createHmac, timingSafeEqual } from "node:crypto";

export const HEADER_DEVICE = "x-gongzhi-device";
export const HEADER_TIMESTAMP = "x-gongzhi-timestamp";
export const HEADER_SIGNATURE = "x-gongzhi-signature";

/** How far a request's timestamp may be from the server's clock, either way (seconds). */
export const DEFAULT_REPLAY_WINDOW_SECONDS = 300;

const SIGNATURE = /^v1=([0-9a-f]{64})$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

/** The signature header's value for `body` signed with `secret` at `timestamp` (Unix seconds). */
export function signDeviceRequest(secret: Uint8Array, timestamp: number, body: Uint8Array): string {
  return `v1=${mac(secret, String(timestamp), body).toString("hex")}`;
}

function mac(secret: Uint8Array, timestamp: string, body: Uint8Array): Buffer {
  return createHmac("sha256", secret).update(`${timestamp}.`, "utf8").update(body).digest();
}

/** The timestamp header as Unix seconds, or undefined when it is not a plain decimal number. */
export function parseTimestamp(text: string | undefined): number | undefined {
  return text !== undefined && TIMESTAMP.test(text) ? Number(text) : undefined;
}

/** Whether the header has the `v1=<64 hex digits>` form. */
export function isSignatureHeader(text: string | undefined): text is string {
  return text !== undefined && SIGNATURE.test(text);
}

/** Whether `header` signs `body` at `timestamp` (the header's text, as sent) with `secret`; in constant time. */
export function verifyDeviceSignature(secret: Uint8Array, timestamp: string, body: Uint8Array, header: string): boolean {
  const sent = SIGNATURE.exec(header);
  if (!sent) return false;
  return timingSafeEqual(Buffer.from(sent[1]!, "hex"), mac(secret, timestamp, body));
}

/** How many seconds `timestamp` lies outside the window around `now` (0: inside; negative: in the future). */
export function outsideWindow(timestamp: number, now: number, windowSeconds: number): number {
  if (timestamp < now - windowSeconds) return now - windowSeconds - timestamp;
  if (timestamp > now + windowSeconds) return now + windowSeconds - timestamp;
  return 0;
}
