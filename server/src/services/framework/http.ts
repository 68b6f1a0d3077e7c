// A service's HTTP face, as RouteSpecs (so every route is validated by its schema and is in the OpenAPI
// document): one POST per command, behind sign-in, with Idempotency-Key, expectedVersion and staff proxies;
// and the service's query routes over its read models.
import type { Request } from "express";
import type { Hex } from "viem";
import { z } from "zod/v4";
import { requireSession, sessionOf, type RoleReader } from "../../api/auth/routes.js";
import type { SessionStore } from "../../api/auth/sessions.js";
import { ApiError } from "../../api/errors.js";
import { defineRoute, Reply, type RouteSpec } from "../../api/routes.js";
import { Refusal, type CommandDef, type QueryDef, type ServiceDef } from "./define.js";
import { bodySchema, modelName, submit, type AddressPrincipal, type Engine } from "./engine.js";
import { readPage, type ModelReader, type QueryContext } from "./storage.js";
import { objectId } from "./schemas.js";

/** Off-chain roles of an address (mediator, gridWorker, propertyCompany, utility, partner, auditor…). */
export type OffchainRoles = (address: Hex) => Promise<readonly string[]>;

export type ServiceHttpOptions = {
  sessions: SessionStore;
  /** On-chain roles (api/auth/roles.ts). */
  rolesOf: RoleReader;
  /** Off-chain roles, e.g. from the directory; none unless given. */
  offchainRolesOf?: OffchainRoles;
};

/** An Idempotency-Key: printable ASCII without spaces, at most 128 characters (a UUID fits). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

const actorSchema = z.union([
  z.object({ address: z.string() }),
  z.object({ address: z.string(), onBehalfOf: z.string(), authorisation: z.string() }),
  z.object({ system: z.string() }),
]);

export const commandResultSchema = z.object({
  id: z.string().describe("the object's id"),
  version: z.number().describe("the object's version after the command (its number of records); send it back as expectedVersion"),
  records: z.array(z.object({ recordId: z.number(), seq: z.number(), kind: z.string() })),
  recordIds: z.array(z.number()).describe("the records' ids in the off-chain journal; a receipt is asked for by these"),
  seqs: z.array(z.number()).describe("the records' places in the receipt log when answered"),
  actor: actorSchema,
  proxy: z
    .object({ onBehalfOf: z.string(), authorisation: z.string() })
    .nullable()
    .describe("set when staff acted for a resident: for whom and under which recorded authorisation"),
});

export function principalOf(req: Request, options: ServiceHttpOptions): AddressPrincipal {
  const address = sessionOf(req).address.toLowerCase() as Hex;
  let roles: Promise<readonly string[]> | undefined;
  return {
    address,
    roles: () =>
      (roles ??= Promise.all([options.rolesOf(address), options.offchainRolesOf?.(address) ?? []]).then(([a, b]) => [
        ...new Set([...a, ...b]),
      ])),
  };
}

/** A refusal in the API's error shape: the offending values go into the message and into details. */
export function apiErrorOf(error: unknown): unknown {
  return error instanceof Refusal ? new ApiError(error.status, error.code, error.params, { values: error.params }) : error;
}

export function commandPath(service: ServiceDef, command: CommandDef): string {
  return command.target === "new" ? `${service.basePath}/${command.name}` : `${service.basePath}/:id/${command.name}`;
}

function commandRoute(engine: Engine, service: ServiceDef, command: CommandDef, options: ServiceHttpOptions): RouteSpec {
  return defineRoute({
    method: "post",
    path: commandPath(service, command),
    summary: `${command.summary} (Idempotency-Key header: a repeat answers as the first time)`,
    tags: [service.name],
    status: 201,
    params: command.target === "existing" ? z.object({ id: objectId }) : undefined,
    body: bodySchema(command),
    response: commandResultSchema,
    before: [requireSession(options.sessions)],
    handler: async ({ params, body, req }) => {
      const key = req.get("idempotency-key");
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) throw new ApiError(400, "invalid_idempotency_key");
      try {
        const request = {
          service: service.name,
          command: command.name,
          id: (params as { id?: string } | undefined)?.id,
          // Parsed once, by the route, with the command's own schema (the same bodySchema): a transform runs once.
          body: req.body as unknown,
          parsedBody: body as Record<string, unknown>,
          principal: principalOf(req, options),
          idempotencyKey: key,
        };
        const answer = await submit(engine, request);
        return new Reply(answer.status, answer.body, answer.replayed ? { "idempotency-replayed": "true" } : undefined);
      } catch (error) {
        throw apiErrorOf(error);
      }
    },
  });
}

function readerFor(engine: Engine, service: ServiceDef): ModelReader {
  const name = (model: string) => {
    if (!service.models?.includes(model)) throw new Error(`Service ${service.name} reads model "${model}", which it does not declare.`);
    return modelName(service.name, model);
  };
  return {
    get: (model, key) => engine.storage.get(name(model), key),
    page: (model, options) => readPage(engine.storage, name(model), options),
    history: (id, fromVersion, limit) => engine.historyOf(service.name, id, fromVersion, limit),
  };
}

function queryRoute(engine: Engine, service: ServiceDef, query: QueryDef, options: ServiceHttpOptions): RouteSpec {
  const signedIn = requireSession(options.sessions);
  const reader = readerFor(engine, service);
  return defineRoute({
    method: "get",
    path: query.path,
    summary: query.summary,
    tags: [service.name],
    params: query.params,
    query: query.query,
    response: query.response,
    before: query.who === "public" ? [] : [signedIn],
    handler: async ({ params, query: q, req }) => {
      let context: QueryContext = { roles: [] };
      if (query.who !== "public") {
        const principal = principalOf(req, options);
        const roles = await principal.roles();
        if (query.who !== "signedIn" && !query.who.some((role) => roles.includes(role))) {
          throw new ApiError(403, "forbidden", { role: query.who.join(" / ") });
        }
        context = { address: principal.address, roles };
      }
      try {
        return await query.handler({ params: params as never, query: q as never }, reader, context);
      } catch (error) {
        throw apiErrorOf(error);
      }
    },
  });
}

/** Every route of the engine's services. */
export function serviceRoutes(engine: Engine, options: ServiceHttpOptions): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const service of engine.services.values()) {
    for (const command of service.commands) if (command.http !== false) routes.push(commandRoute(engine, service, command, options));
    for (const query of service.queries ?? []) {
      if (!query.path.startsWith(`${service.basePath}`)) throw new Error(`Query ${query.path} of ${service.name} is outside ${service.basePath}.`);
      routes.push(queryRoute(engine, service, query, options));
    }
  }
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`Two service routes are ${key}.`);
    seen.add(key);
  }
  return routes;
}
