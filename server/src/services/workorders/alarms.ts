// Devices' alarms as work orders: the signed webhook (devices/webhook.ts) verifies the device, its signature,
// the timestamp and the event id; this handler turns the event into a report at the device's place, from the
// channel "device", by the server itself, and runs it through the same intake as every other report, so repeated
// alarms of one thing at one place within the category's window join the open order instead of opening others.
import { z } from "zod/v4";
import type { DeviceEvent, DeviceKind, DeviceWebhookSpec } from "../devices/index.js";
import { refuse, submit, systemPrincipal, type Engine } from "../framework/index.js";
import type { Priority } from "./categories.js";
import { serviceCode, SERVICE } from "./records.js";

export const ALARMS_PATH = "/api/workorders/alarms";

/** The job the alarms' records name as their actor (`{ system: "workorder.alarms" }`). */
export const ALARMS_JOB = "workorder.alarms";

type AlarmKind = Exclude<DeviceKind, "smartBin">;

/**
 * What each kind of device may report: its category unless the event names another (`serviceCode`) among
 * those allowed, and the priority. A smart bin's events are green points', not work orders.
 */
export const ALARM_KINDS: Record<AlarmKind, { serviceCode: string; allowed: readonly string[]; priority: Priority }> = {
  smokeSensor: { serviceCode: "smoke-alarm", allowed: ["smoke-alarm", "gas-smell"], priority: "urgent" },
  leakSensor: { serviceCode: "water-leak", allowed: ["water-leak", "burst-pipe", "no-water"], priority: "urgent" },
  accessControl: { serviceCode: "access-control", allowed: ["access-control"], priority: "normal" },
  // The article's AI camera spots rubbish; it may also name what else it saw.
  camera: { serviceCode: "rubbish", allowed: ["rubbish", "parking", "street-light", "greenery", "facade-roof", "other"], priority: "normal" },
};

const eventFields = z.object({ serviceCode: serviceCode.optional() });

/** The report an alarm stands for, or a refusal of a category this kind of device may not report. */
export function alarmReport(event: DeviceEvent): Record<string, unknown> {
  const kind = ALARM_KINDS[event.kind as AlarmKind];
  if (!kind) throw refuse(403, "device_wrong_kind", { device: event.device, kind: event.kind, path: ALARMS_PATH });
  const fields = eventFields.safeParse(event.body);
  const code = fields.success ? (fields.data.serviceCode ?? kind.serviceCode) : undefined;
  if (code === undefined || !kind.allowed.includes(code)) {
    throw refuse(400, "workorder_alarm_category", { kind: event.kind, code: String(event.body.serviceCode), allowed: kind.allowed.join(", ") });
  }
  return { channel: "device", serviceCode: code, priority: kind.priority, place: event.place, device: { device: event.device, event: event.eventId } };
}

/**
 * The webhook spec the server mounts at /api/workorders/alarms. The event's idempotency key goes with the report,
 * so a repeat after a crash between the order's write and the webhook's kept answer goes where the first went.
 */
export function alarmWebhook(engine: Engine): DeviceWebhookSpec {
  const principal = systemPrincipal(ALARMS_JOB);
  return {
    path: ALARMS_PATH,
    summary: "Alarms signed by smoke and leak sensors, door entry and AI cameras (docs/devices.md): each is a report through the intake; repeats of one thing at one place join its open order",
    tags: [SERVICE],
    kinds: Object.keys(ALARM_KINDS) as AlarmKind[],
    handle: async (event) => {
      const answer = await submit(engine, { service: SERVICE, command: "report", body: alarmReport(event), principal, idempotencyKey: event.idempotencyKey });
      const joined = answer.body.records[0]?.kind !== "workorder.reported";
      return { status: 201, body: { order: answer.body.id, joined, version: answer.body.version, recordIds: answer.body.recordIds } };
    },
  };
}
