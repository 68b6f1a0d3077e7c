// Devices (issues 14 and 17): the registry of sensors, cameras, gates and smart bins with their per-device
// secrets, and the signed webhook that work orders and green points each mount with their own handler.
import type { Store } from "../../store/store.js";
import type { MasterKey } from "../../vault/masterKey.js";
import type { AnyService, Engine, ServiceHttpOptions } from "../framework/index.js";
import type { RouteSpec } from "../../api/routes.js";
import { deviceRoutes } from "./routes.js";
import { levelDeviceSecrets, type DeviceSecrets } from "./secrets.js";
import { deviceService } from "./service.js";
import { deviceWebhookRoute, levelDeviceEvents, type DeviceWebhookDeps, type DeviceWebhookSpec } from "./webhook.js";

export * from "./records.js";
export * from "./signature.js";
export { DEVICE_MANAGERS, deviceService } from "./service.js";
export { deviceRoutes } from "./routes.js";
export { levelDeviceSecrets, SECRET_BYTES, type DeviceSecrets, type SecretKeys } from "./secrets.js";
export { DEFAULT_MAX_EVENT_BYTES, deviceWebhookRoute, levelDeviceEvents, type DeviceEvent, type DeviceWebhookDeps, type DeviceWebhookSpec, type WebhookAnswer } from "./webhook.js";

/** What the server makes once: the secrets store and the device service, whose engine it mounts with the others. */
export type Devices = {
  secrets: DeviceSecrets;
  service: AnyService;
  /** The register and rotate routes, once the engine exists. */
  routes: (engine: Engine, http: ServiceHttpOptions) => RouteSpec[];
  /** A webhook route bound to this server's devices (for work orders' alarms, green points' bins…). */
  webhook: (engine: Engine, spec: DeviceWebhookSpec) => RouteSpec;
};

export function openDevices(options: { store: Store; keys: { current: MasterKey; previous?: readonly MasterKey[] } } & Pick<DeviceWebhookDeps, "clock" | "replayWindowSeconds" | "maxBodyBytes">): Devices {
  const secrets = levelDeviceSecrets(options.store, options.keys);
  const events = levelDeviceEvents(options.store);
  return {
    secrets,
    service: deviceService({ secrets, lastSeen: (device) => events.lastSeen(device) }),
    routes: (engine, http) => deviceRoutes({ ...http, engine, secrets }),
    webhook: (engine, spec) => deviceWebhookRoute({ store: options.store, engine, secrets, clock: options.clock, replayWindowSeconds: options.replayWindowSeconds, maxBodyBytes: options.maxBodyBytes }, spec),
  };
}
