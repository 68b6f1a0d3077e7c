// The signed device webhook as a route factory: work orders (alarms) and green points (smart bins) each mount
// one with their own handler. Every check runs on the raw bytes before anything is parsed or written: a known,
// active device of an accepted kind, its signature under the secret in force, a timestamp within the replay
// window, a JSON object with an `eventId`. A repeat of a (device, eventId) gets the first answer back, stored
// durably with it; two copies at once are decided one after the other (a keyed lock). A refusal writes nothing.
import type { Request, RequestHandler } from "express";
import { z } from "zod/v4";
import { ApiError, errorBody } from "../../api/errors.js";
import { defineRoute, Reply, type RouteSpec } from "../../api/routes.js";
import type { BatchOp, Store, Sublevel } from "../../store/store.js";
import { createKeyedLock } from "../framework/keyedLock.js";
import { apiErrorOf } from "../framework/http.js";
import type { Engine } from "../framework/index.js";
import { SERVICE, type DeviceKind, type DevicePlace, type DeviceState } from "./records.js";
import type { DeviceSecrets } from "./secrets.js";
import {
  DEFAULT_REPLAY_WINDOW_SECONDS,
  HEADER_DEVICE,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  isSignatureHeader,
  outsideWindow,
  parseTimestamp,
  verifyDeviceSignature,
} from "./signature.js";

/** The largest event body accepted (bytes): an alarm or a bin's reading is a few hundred. */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024;

const EVENT_ID = /^[\x21-\x7e]{1,100}$/;
const DEVICE = /^[A-Za-z0-9_-]{1,64}$/;

/** A verified event, as a handler gets it. */
export type DeviceEvent = {
  device: string;
  kind: DeviceKind;
  place: DevicePlace;
  eventId: string;
  /** The signed timestamp (Unix seconds). */
  at: number;
  /** The body, parsed: a JSON object with at least `eventId`. */
  body: Record<string, unknown>;
  /**
   * An Idempotency-Key for the engine command the handler runs (`device:<device>:<eventId>`): with it, a repeat
   * arriving after a crash between the command's write and this answer's is answered by the engine, not run twice.
   */
  idempotencyKey: string;
};

export type WebhookAnswer = { status: number; body: unknown };

export type DeviceWebhookDeps = {
  store: Store;
  /** The engine running the device service (its states are the registry). */
  engine: Engine;
  secrets: DeviceSecrets;
  /** Milliseconds since the epoch (Date.now unless said). */
  clock?: () => number;
  replayWindowSeconds?: number;
  maxBodyBytes?: number;
};

export type DeviceWebhookSpec = {
  path: string;
  summary?: string;
  tags?: string[];
  /** The kinds of device this route takes events from (a smoke sensor's event is not a bin's). */
  kinds: readonly DeviceKind[];
  /** Runs the event; its 2xx answer is kept and given again to a repeat. A refusal (4xx) is not kept. */
  handle: (event: DeviceEvent) => Promise<WebhookAnswer>;
};

type StoredAnswer = WebhookAnswer & { at: number };

/** The device events store: first answers by (device, eventId), and when each device was last heard from. */
export type DeviceEventStore = {
  answer(device: string, eventId: string): Promise<StoredAnswer | undefined>;
  keep(device: string, eventId: string, answer: StoredAnswer): Promise<void>;
  lastSeen(device: string): Promise<number | undefined>;
};

export function levelDeviceEvents(store: Store): DeviceEventStore {
  const answers = store.db.sublevel<string, unknown>("dev:answers", { valueEncoding: "json" }) as unknown as Sublevel;
  const seen = store.db.sublevel<string, unknown>("dev:seen", { valueEncoding: "json" }) as unknown as Sublevel;
  // Device ids hold no "/", so `<device>/<eventId>` names one pair.
  const slot = (device: string, eventId: string) => `${device}/${eventId}`;
  return {
    answer: async (device, eventId) => (await answers.get(slot(device, eventId))) as StoredAnswer | undefined,
    async keep(device, eventId, answer) {
      const ops: BatchOp[] = [
        { type: "put", sublevel: answers, key: slot(device, eventId), value: answer },
        { type: "put", sublevel: seen, key: device, value: answer.at },
      ];
      await store.db.batch(ops, { sync: true });
    },
    lastSeen: async (device) => (await seen.get(device)) as number | undefined,
  };
}

const verified = new WeakMap<Request, DeviceEvent>();

/** Refuses with the API's error shape and closes the connection, so the rest of a refused body is never read. */
function refuseUnread(req: Request, res: Parameters<RequestHandler>[1], error: ApiError): void {
  req.pause();
  if (res.headersSent) return;
  res.once("finish", () => req.socket.end());
  res.status(error.status).set("connection", "close").json(errorBody(error, req.get("accept-language")));
}

/** Reads the raw body up to `limit` bytes; undefined once it has answered (too large, or the client went away). */
function readRaw(req: Request, res: Parameters<RequestHandler>[1], limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (bytes: Buffer | undefined, error?: ApiError) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      if (error) refuseUnread(req, res, error);
      resolve(res.headersSent ? undefined : bytes);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish(undefined, new ApiError(413, "body_too_large", { limit: `${limit} bytes` }));
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => finish(Buffer.concat(chunks, size)));
    req.once("error", () => finish(undefined));
  });
}

/** One webhook route: verification of the raw request, then the handler once per (device, eventId). */
export function deviceWebhookRoute(deps: DeviceWebhookDeps, spec: DeviceWebhookSpec): RouteSpec {
  const clock = deps.clock ?? Date.now;
  const window = deps.replayWindowSeconds ?? DEFAULT_REPLAY_WINDOW_SECONDS;
  const limit = deps.maxBodyBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const events = levelDeviceEvents(deps.store);
  const once = createKeyedLock();

  /** Every check before the handler, in the order a device can fix them; nothing is written. */
  const verify: RequestHandler = async (req, res, next) => {
    try {
      const device = req.get(HEADER_DEVICE);
      const timestampText = req.get(HEADER_TIMESTAMP);
      const signature = req.get(HEADER_SIGNATURE);
      const timestamp = parseTimestamp(timestampText);
      if (device === undefined || !DEVICE.test(device) || timestamp === undefined || !isSignatureHeader(signature)) {
        const missing = [device === undefined || !DEVICE.test(device) ? "X-Gongzhi-Device" : "", timestamp === undefined ? "X-Gongzhi-Timestamp" : "", isSignatureHeader(signature) ? "" : "X-Gongzhi-Signature"];
        return refuseUnread(req, res, new ApiError(401, "device_headers_missing", { headers: missing.filter(Boolean).join(", ") }));
      }
      const encoding = req.get("content-encoding");
      if (encoding !== undefined && encoding.toLowerCase() !== "identity") return refuseUnread(req, res, new ApiError(415, "unsupported_encoding"));
      if (!req.is("application/json")) return refuseUnread(req, res, new ApiError(415, "unsupported_media_type"));
      const declared = Number(req.get("content-length") ?? NaN);
      if (declared > limit) return refuseUnread(req, res, new ApiError(413, "body_too_large", { limit: `${limit} bytes` }));
      const raw = await readRaw(req, res, limit);
      if (raw === undefined) return;
      const { version, state } = (await deps.engine.stateOf(SERVICE, device)) as { version: number; state: DeviceState };
      if (version === 0 || state.keyId === undefined) throw new ApiError(401, "device_unknown", { device });
      const secret = await deps.secrets.get(device, state.keyId);
      if (!secret) throw new ApiError(401, "device_unknown", { device });
      const good = verifyDeviceSignature(secret, timestampText!, raw, signature);
      secret.fill(0);
      if (!good) throw new ApiError(401, "device_signature_invalid", { device });
      const now = Math.floor(clock() / 1000);
      const off = outsideWindow(timestamp, now, window);
      if (off !== 0) throw new ApiError(401, "device_timestamp_outside_window", { device, seconds: Math.abs(off), window, now });
      if (state.status === "revoked") throw new ApiError(403, "device_revoked", { device });
      if (!spec.kinds.includes(state.kind!)) throw new ApiError(403, "device_wrong_kind", { device, kind: state.kind!, path: spec.path });
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        throw new ApiError(400, "device_event_invalid", { reason: "JSON" });
      }
      const eventId = (body as { eventId?: unknown } | null)?.eventId;
      if (typeof body !== "object" || body === null || Array.isArray(body) || typeof eventId !== "string" || !EVENT_ID.test(eventId)) {
        throw new ApiError(400, "device_event_invalid", { reason: "eventId" });
      }
      verified.set(req, {
        device,
        kind: state.kind!,
        place: state.place!,
        eventId,
        at: timestamp,
        body: body as Record<string, unknown>,
        idempotencyKey: `device:${device}:${eventId}`,
      });
      next();
    } catch (error) {
      next(error);
    }
  };

  return defineRoute({
    method: "post",
    path: spec.path,
    summary: spec.summary ?? `Events signed by a device (${spec.kinds.join(", ")}): X-Gongzhi-Device, X-Gongzhi-Timestamp, X-Gongzhi-Signature (docs/devices.md)`,
    tags: spec.tags ?? ["devices"],
    rawBody: { types: ["application/json"], description: "the event as JSON with its eventId; signed over these exact bytes" },
    response: z.unknown(),
    before: [verify],
    handler: async ({ req }) => {
      const event = verified.get(req);
      if (!event) throw new Error("The device event was not verified before its handler.");
      return once(`${event.device}/${event.eventId}`, async () => {
        const first = await events.answer(event.device, event.eventId);
        if (first) return new Reply(first.status, first.body, { "idempotency-replayed": "true" });
        let answer: WebhookAnswer;
        try {
          answer = await spec.handle(event);
        } catch (error) {
          throw apiErrorOf(error);
        }
        // Only a success is kept: a refusal or a failure may go otherwise next time (never cached).
        if (answer.status >= 200 && answer.status < 300) await events.keep(event.device, event.eventId, { ...answer, at: Math.floor(clock() / 1000) });
        return new Reply(answer.status, answer.body);
      });
    },
  });
}
