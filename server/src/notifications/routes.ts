// What operators see of the outbox: entries by state with paging (a dead letter waits here for a human), and
// putting a dead or skipped entry back in the queue. Staff and admins only: an entry names a person by id and
// says what they were told about; it holds no contact, which stays in the vault.
import type { RequestHandler } from "express";
import { z } from "zod/v4";
import type { RoleReader } from "../api/auth/routes.js";
import { sessionOf } from "../api/auth/routes.js";
import { ApiError } from "../api/errors.js";
import { defineRoute, type RouteSpec } from "../api/routes.js";
import { pageOf, pageQuery } from "../api/resources/schemas.js";
import type { Outbox } from "./outbox.js";
import { CHANNELS, OUTBOX_STATES, OutboxError, type OutboxEntry } from "./types.js";

/** The roles that may see and requeue outbox entries. */
export const OUTBOX_ROLES = ["staff", "admin"] as const;

export type OutboxRouteDeps = {
  outbox: Outbox;
  /** requireSession(sessions) of the server's session store. */
  signedIn: RequestHandler;
  rolesOf: RoleReader;
  /** Wakes the delivery worker after a requeue. */
  wake?: () => void;
  clock?: () => number;
};

/** After the session check: 403 unless the signed-in address holds one of `roles` on chain now. */
export function requireAnyRole(roles: readonly string[], rolesOf: RoleReader): RequestHandler {
  return async (req, _res, next) => {
    try {
      const held = await rolesOf(sessionOf(req).address);
      next(roles.some((r) => held.includes(r)) ? undefined : new ApiError(403, "forbidden", { role: roles.join(" / ") }));
    } catch (error) {
      next(error);
    }
  };
}

const channel = z.enum(CHANNELS);
const entrySchema = z.object({
  deliveryId: z.string().describe("the same for every attempt; senders use it to drop repeats"),
  state: z.enum(OUTBOX_STATES),
  createdAt: z.number(),
  updatedAt: z.number(),
  to: z.union([z.object({ personId: z.string() }), z.object({ address: z.string() })]).describe("a directory person id or an address; never a contact"),
  template: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).describe("ids, amounts in fen, counts, times and labels only"),
  channels: z.array(channel),
  language: z.enum(["zh-CN", "en"]).optional(),
  cause: z.object({ kind: z.string(), id: z.string(), recordId: z.number().optional() }).describe("the record that caused it"),
  recipientCommitment: z.string().describe("the salted commitment to the recipient that the outcome's anchored record carries"),
  outcomeRecordId: z.number().optional().describe("the anchored record of the final outcome"),
  attempts: z.number(),
  nextAttemptAt: z.number().optional(),
  reason: z.string().optional().describe("why it was skipped or dead-lettered"),
  lastError: z.string().optional().describe("the code of the last failure"),
  sentAt: z.number().optional(),
  channel: channel.optional(),
  providerMessageId: z.string().optional(),
  history: z.array(
    z.object({ attempt: z.number(), at: z.number(), outcome: z.enum(["sent", "retry", "permanent", "skipped", "interrupted"]), code: z.string().optional(), channel: channel.optional() }),
  ),
});
const countsSchema = z.object({
  ...Object.fromEntries(OUTBOX_STATES.map((s) => [s, z.number()])),
  oldestDueSeconds: z.number().optional(),
});

/** An entry as operators see it: without the salt of the recipient's commitment, which only the person needs. */
function entryOut(entry: OutboxEntry): Omit<OutboxEntry, "recipientSalt"> {
  const { recipientSalt: _salt, ...rest } = entry;
  return rest;
}

function toApiError(error: unknown): unknown {
  if (!(error instanceof OutboxError)) return error;
  switch (error.code) {
    case "invalid_cursor":
      return new ApiError(400, "invalid_cursor");
    case "unknown_delivery":
      return new ApiError(404, "unknown_delivery");
    case "not_dead":
      return new ApiError(409, "delivery_not_requeueable");
    default:
      return error;
  }
}

export function outboxRoutes(deps: OutboxRouteDeps): RouteSpec[] {
  const { outbox } = deps;
  const clock = deps.clock ?? Date.now;
  const before = [deps.signedIn, requireAnyRole(OUTBOX_ROLES, deps.rolesOf)];
  return [
    defineRoute({
      method: "get",
      path: "/api/notifications/outbox",
      summary: "Outbox entries in one state, oldest first, with the counts of every state (staff and admins)",
      tags: ["notifications"],
      before,
      query: z.object({ state: z.enum(OUTBOX_STATES).default("dead"), ...pageQuery }),
      response: pageOf(entrySchema).extend({ counts: countsSchema }),
      handler: async ({ query }) => {
        try {
          const page = await outbox.list(query.state, { limit: query.limit, cursor: query.cursor });
          return { ...page, items: page.items.map(entryOut), counts: await outbox.counts(clock()) };
        } catch (error) {
          throw toApiError(error);
        }
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/notifications/outbox/:deliveryId/requeue",
      summary: "Puts a dead or skipped entry back in the queue, its attempts reset (staff and admins)",
      tags: ["notifications"],
      before,
      params: z.object({ deliveryId: z.string().regex(/^[0-9a-f]{32}$/, "a delivery id: 32 lowercase hex digits") }),
      response: entrySchema,
      handler: async ({ params }) => {
        try {
          const entry = await outbox.requeue(params.deliveryId, clock());
          deps.wake?.();
          return entryOut(entry);
        } catch (error) {
          throw toApiError(error);
        }
      },
    }),
  ];
}
