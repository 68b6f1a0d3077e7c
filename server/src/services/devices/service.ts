// The device registry (a framework service, `device`): staff or the registrar (the community office) register
// a device, rotate its secret and revoke it; each change is an anchored record. Register and rotate have routes
// of their own (routes.ts), because their answer carries the secret the server made; the records name it by key
// id only.
import { z } from "zod/v4";
import { count, defineCommand, defineQuery, defineService, refuse, type AnyService } from "../framework/index.js";
import type { DeviceSecrets } from "./secrets.js";
import {
  DEVICE_KINDS,
  deviceId,
  devicePlace,
  evolveDevice,
  INITIAL_DEVICE,
  keyId,
  RECORDS,
  Registered,
  REVOKE_REASONS,
  Revoked,
  SecretRotated,
  SERVICE,
  type DeviceState,
  type DeviceView,
} from "./records.js";

/** Who manages devices: the community office. */
export const DEVICE_MANAGERS = ["staff", "registrar"] as const;

export type DeviceServiceDeps = {
  secrets: DeviceSecrets;
  /** When a device's last accepted event arrived (Unix seconds), if ever (webhook.ts keeps it). */
  lastSeen: (device: string) => Promise<number | undefined>;
};

const viewSchema = z.object({
  device: z.string(),
  kind: z.enum(DEVICE_KINDS),
  place: z.object({ estateId: z.number(), building: z.number().optional(), area: z.string().optional() }),
  status: z.enum(["active", "revoked"]),
  keyId: z.string().describe("the id of the secret in force (random; says nothing of the secret)"),
  registeredAt: z.number(),
  rotatedAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  lastSeenAt: z.number().nullable().describe("when its last accepted event arrived (Unix seconds)"),
  version: z.number(),
});

export function deviceService(deps: DeviceServiceDeps): AnyService {
  // The secret must have been stored (sealed) before the record that names its key id: a key id sent without
  // one (e.g. by hand) is refused, so a registered key id always has its secret.
  const secretStored = async (device: string, key: string) =>
    (await deps.secrets.has(device, key)) ? { facts: null } : refuse(400, "device_secret_missing", { device });

  const register = defineCommand({
    name: "register",
    summary: "Registers a device where it is installed; the answer carries its secret, once (POST /api/devices/register)",
    target: "new",
    http: false,
    input: z.object({ device: deviceId, kind: z.enum(DEVICE_KINDS), place: devicePlace, keyId }),
    who: DEVICE_MANAGERS,
    idOf: (input) => input.device,
    check: (input) => secretStored(input.device, input.keyId),
    decide: (state: DeviceState, input, { id }) =>
      state.status !== "none" ? refuse(409, "device_exists", { device: id }) : [Registered({ kind: input.kind, place: input.place, keyId: input.keyId })],
  });
  const rotate = defineCommand({
    name: "rotate",
    summary: "Puts a new secret in force; the previous one no longer signs (POST /api/devices/:id/rotate)",
    target: "existing",
    http: false,
    input: z.object({ keyId }),
    who: DEVICE_MANAGERS,
    decide: (state: DeviceState, input, { id }) => (state.status === "revoked" ? refuse(409, "device_revoked", { device: id }) : [SecretRotated({ keyId: input.keyId })]),
  });
  const revoke = defineCommand({
    name: "revoke",
    summary: "Revokes a device for good: its events are refused from now on",
    target: "existing",
    input: z.object({ reason: z.enum(REVOKE_REASONS) }),
    who: DEVICE_MANAGERS,
    decide: (state: DeviceState, input, { id }) => (state.status === "revoked" ? refuse(409, "device_revoked", { device: id }) : [Revoked(input)]),
  });

  return defineService<DeviceState>({
    name: SERVICE,
    basePath: "/api/devices",
    noun: { "zh-CN": "设备", en: "device" },
    records: RECORDS,
    initial: INITIAL_DEVICE,
    evolve: evolveDevice,
    commands: [register, rotate, revoke],
    models: ["devices"],
    async project(record, tx) {
      if (Registered.is(record)) {
        const view: DeviceView = { device: record.id, ...record.payload, status: "active", registeredAt: record.at, rotatedAt: null, revokedAt: null, version: record.version };
        tx.put("devices", record.id, view);
        return;
      }
      const view = await tx.get<DeviceView>("devices", record.id);
      if (!view) throw new Error(`Device ${record.id} has a ${record.kind} before it was registered.`);
      if (SecretRotated.is(record)) tx.put("devices", record.id, { ...view, keyId: record.payload.keyId, rotatedAt: record.at, version: record.version });
      if (Revoked.is(record)) tx.put("devices", record.id, { ...view, status: "revoked", revokedAt: record.at, version: record.version });
    },
    queries: [
      defineQuery({
        path: "/api/devices",
        summary: "The registered devices with their status and when each was last heard from (no secrets)",
        query: z.object({
          estateId: z.coerce.number().pipe(count.min(1)).optional(),
          status: z.enum(["active", "revoked"]).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional(),
        }),
        response: z.object({ items: z.array(viewSchema), nextCursor: z.string().optional() }),
        who: [...DEVICE_MANAGERS, "auditor"],
        handler: ({ query }, read) =>
          read.page("devices", {
            limit: query.limit,
            cursor: query.cursor,
            map: async (value) => {
              const view = value as DeviceView;
              if (query.estateId !== undefined && view.place.estateId !== query.estateId) return undefined;
              if (query.status !== undefined && view.status !== query.status) return undefined;
              return { ...view, lastSeenAt: (await deps.lastSeen(view.device)) ?? null };
            },
          }),
      }),
    ],
  });
}
