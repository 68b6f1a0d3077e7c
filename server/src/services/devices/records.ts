// The records of a device (a smoke or leak sensor, an access-control gate, an AI camera, a smart bin) and its
// state. A record names the device's kind, where it sits and which of its secrets is in force by a random key id
// only: never the secret, nor a hash of it.
import { z } from "zod/v4";
import { count, defineRecord, objectId, type JournalRecord } from "../framework/index.js";

export const SERVICE = "device";

export const DEVICE_KINDS = ["smokeSensor", "leakSensor", "accessControl", "camera", "smartBin"] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** A device's id as the installer configures it on the device (its serial number, say). */
export const deviceId = objectId;

/** A key id: 16 hex digits drawn at random by the server, so it says nothing of the secret. */
export const keyId = z.string().regex(/^[0-9a-f]{16}$/, "a key id (16 hex digits)");

/** Where a device sits: the estate, and a building number or a common-area code (exactly one). */
export const devicePlace = z
  .object({
    estateId: count.min(1),
    building: count.min(1).optional(),
    area: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "a common-area code, e.g. north-gate").optional(),
  })
  .strict()
  .refine((p) => (p.building === undefined) !== (p.area === undefined), "a building number or a common-area code (one of them)");
export type DevicePlace = z.infer<typeof devicePlace>;

export const Registered = defineRecord(SERVICE, "registered", z.object({ kind: z.enum(DEVICE_KINDS), place: devicePlace, keyId }));
/** A new secret is in force; the previous one no longer signs. */
export const SecretRotated = defineRecord(SERVICE, "secretRotated", z.object({ keyId }));
export const REVOKE_REASONS = ["removed", "lost", "faulty", "compromised"] as const;
/** For good: a revoked device's events are refused, and its id is not given again. */
export const Revoked = defineRecord(SERVICE, "revoked", z.object({ reason: z.enum(REVOKE_REASONS) }));

export const RECORDS = [Registered, SecretRotated, Revoked];

export type DeviceStatus = "none" | "active" | "revoked";
export type DeviceState = { status: DeviceStatus; kind?: DeviceKind; place?: DevicePlace; keyId?: string };
export const INITIAL_DEVICE: DeviceState = { status: "none" };

export function evolveDevice(state: DeviceState, record: JournalRecord): DeviceState {
  if (Registered.is(record)) return { status: "active", kind: record.payload.kind, place: record.payload.place, keyId: record.payload.keyId };
  if (SecretRotated.is(record)) return { ...state, keyId: record.payload.keyId };
  if (Revoked.is(record)) return { ...state, status: "revoked" };
  return state;
}

/** What the registry's list shows of a device (no secret, no key material beyond the key id). */
export type DeviceView = {
  device: string;
  kind: DeviceKind;
  place: DevicePlace;
  status: "active" | "revoked";
  keyId: string;
  registeredAt: number;
  rotatedAt: number | null;
  revokedAt: number | null;
  version: number;
};
