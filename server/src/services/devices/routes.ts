// Register and rotate: the server makes the secret, stores it sealed, then runs the command whose record names
// it by key id; the answer shows the secret once. A refused command forgets the secret it made, so a refusal
// changes nothing; a rotation forgets the previous secret once the new one is in force.
import { z } from "zod/v4";
import { requireSession } from "../../api/auth/routes.js";
import { defineRoute, type RouteSpec } from "../../api/routes.js";
import { apiErrorOf, commandResultSchema, principalOf, type ServiceHttpOptions } from "../framework/http.js";
import { objectId, type Engine } from "../framework/index.js";
import { DEVICE_KINDS, devicePlace, deviceId, SERVICE, type DeviceState } from "./records.js";
import type { DeviceSecrets } from "./secrets.js";

export type DeviceRouteDeps = ServiceHttpOptions & { engine: Engine; secrets: DeviceSecrets };

const answerSchema = commandResultSchema.extend({
  device: z.string(),
  keyId: z.string(),
  secret: z.string().describe("the device's secret (64 hex digits): shown this once; configure it on the device now"),
});

export function deviceRoutes(deps: DeviceRouteDeps): RouteSpec[] {
  const signedIn = requireSession(deps.sessions);
  /** Makes and stores a secret, runs the command naming it, and forgets the secret if the command is refused. */
  async function withNewSecret(device: string, run: (keyId: string) => Promise<{ status: number; body: z.infer<typeof commandResultSchema> }>) {
    const { keyId, secret } = await deps.secrets.create(device);
    try {
      const answer = await run(keyId);
      return { ...answer.body, device, keyId, secret: secret.toString("hex") };
    } catch (error) {
      await deps.secrets.remove(device, keyId);
      throw apiErrorOf(error);
    } finally {
      secret.fill(0);
    }
  }
  return [
    defineRoute({
      method: "post",
      path: "/api/devices/register",
      summary: "Registers a device (staff, registrar); the answer carries its secret, shown this once",
      tags: [SERVICE],
      status: 201,
      body: z.object({ device: deviceId, kind: z.enum(DEVICE_KINDS), place: devicePlace }).strict(),
      response: answerSchema,
      before: [signedIn],
      handler: ({ body, req }) =>
        withNewSecret(body.device, (keyId) =>
          deps.engine.execute({ service: SERVICE, command: "register", body: { ...body, keyId }, principal: principalOf(req, deps) }),
        ),
    }),
    defineRoute({
      method: "post",
      path: "/api/devices/:id/rotate",
      summary: "Gives a device a new secret (staff, registrar), shown this once; the previous one stops signing",
      tags: [SERVICE],
      status: 201,
      params: z.object({ id: objectId }),
      body: z.object({}).strict(),
      response: answerSchema,
      before: [signedIn],
      handler: async ({ params, req }) => {
        const before = (await deps.engine.stateOf(SERVICE, params.id)).state as DeviceState;
        const answer = await withNewSecret(params.id, (keyId) =>
          deps.engine.execute({ service: SERVICE, command: "rotate", id: params.id, body: { keyId }, principal: principalOf(req, deps) }),
        );
        // The state read before may be older than the rotation's own (two rotations at once): forget only a key
        // that is no longer in force.
        const now = (await deps.engine.stateOf(SERVICE, params.id)).state as DeviceState;
        if (before.keyId !== undefined && before.keyId !== now.keyId) await deps.secrets.remove(params.id, before.keyId);
        return answer;
      },
    }),
  ];
}
