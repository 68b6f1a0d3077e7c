// What people see of work orders. The public list and an order's page carry no personal data (no reporter, no
// text); a resident sees their own reports; a party its queue, soonest deadline first; the office everything,
// overdue first.
import { z } from "zod/v4";
import { cursorKey } from "../../store/paging.js";
import { defineQuery, refuse, type ModelReader, type QueryDef, type StoredRecord } from "../framework/index.js";
import { PARTIES, type CategoryRoute, type Party } from "./categories.js";
import { MODELS, type OrderRow } from "./projections.js";
import { clocksOf } from "./state.js";

const clocks = z.object({
  sinceReceipt: z.number(),
  sinceDispatch: z.number().nullable(),
  paused: z.number(),
  deadline: z.number().nullable(),
  lateBy: z.number(),
  overdue: z.boolean(),
});

export const orderView = z.object({
  id: z.string(),
  serviceCode: z.string(),
  category: z.object({ "zh-CN": z.string(), en: z.string() }),
  party: z.enum(PARTIES).nullable(),
  status: z.string(),
  channel: z.string(),
  priority: z.string(),
  place: z.object({ estateId: z.number(), building: z.number().optional(), unitId: z.number().optional(), area: z.string().optional() }).nullable(),
  receivedAt: z.number(),
  dispatchedAt: z.number().nullable(),
  resolvedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
  clocks,
  paused: z.boolean(),
  escalated: z.boolean(),
  returns: z.number(),
  reopens: z.number(),
  duplicates: z.number(),
  rating: z.number().nullable(),
  onSiteCheck: z.boolean(),
  checkedOnSite: z.boolean(),
});
export type OrderView = z.infer<typeof orderView>;

const page = z.object({ items: z.array(orderView), nextCursor: z.string().optional() });

/**
 * One step of an order's history as the public sees it: what happened, when, and the record's id (its receipt:
 * GET /api/receipts/offchain/{recordId}). Codes, times and counts only: no reporter, no text, no address; whether
 * staff acted for a resident (a hotline call under an authorisation) or the server did (a device, a sweep).
 */
export const historyStep = z.object({
  version: z.number(),
  event: z.string().describe("the record's kind without the service, e.g. reported, dispatched, resolved"),
  at: z.number(),
  recordId: z.number().describe("GET /api/receipts/offchain/{recordId}"),
  by: z.enum(["person", "staffForResident", "system"]),
  channel: z.string().optional(),
  party: z.enum(PARTIES).optional(),
  deadlineAt: z.number().optional(),
  reason: z.string().optional(),
  level: z.number().optional(),
  auto: z.boolean().optional(),
  passed: z.boolean().optional(),
  pausedSeconds: z.number().optional(),
  photos: z.number().optional(),
});
export type HistoryStep = z.infer<typeof historyStep>;

/** The fields of a record's payload the public may see (the rest are commitments, people and device ids). */
const PUBLIC_FIELDS = ["channel", "party", "deadlineAt", "reason", "level", "auto", "passed", "pausedSeconds"] as const;

export function stepOf(record: StoredRecord & { version: number }): HistoryStep {
  const payload = (record.payload ?? {}) as Record<string, unknown>;
  const actor = record.actor;
  const step: Record<string, unknown> = {
    version: record.version,
    event: record.kind.slice(record.kind.indexOf(".") + 1),
    at: record.at,
    recordId: record.recordId,
    by: "system" in actor ? "system" : "onBehalfOf" in actor ? "staffForResident" : "person",
  };
  for (const field of PUBLIC_FIELDS) if (payload[field] !== undefined) step[field] = payload[field];
  if (Array.isArray(payload.photos)) step.photos = payload.photos.length;
  return step as HistoryStep;
}
const paging = { limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(400).optional() };

export type QueryDeps = {
  categories: () => Promise<readonly CategoryRoute[]>;
  partyOf: (address: string) => Promise<Party | null>;
  clock: () => number;
};

export function viewOf(row: OrderRow, routes: readonly CategoryRoute[], now: number): OrderView {
  const route = routes.find((c) => c.code === row.serviceCode);
  return {
    id: row.id,
    serviceCode: row.serviceCode,
    category: route?.name ?? { "zh-CN": row.serviceCode, en: row.serviceCode },
    party: row.party,
    status: row.status,
    channel: row.channel,
    priority: row.priority,
    place: row.place,
    receivedAt: row.receivedAt,
    dispatchedAt: row.dispatchedAt,
    resolvedAt: row.resolvedAt,
    closedAt: row.closedAt,
    clocks: clocksOf(row, now),
    paused: row.pausedSince !== null,
    escalated: row.escalated,
    returns: row.returns,
    reopens: row.reopens,
    duplicates: row.duplicates,
    rating: row.rating,
    onSiteCheck: row.onSiteCheck,
    checkedOnSite: row.checkedOnSite,
  };
}

/** A page of an index whose keys end in `:<order id>`, as order views. */
async function pageOfIndex(read: ModelReader, model: string, prefix: string, query: { limit: number; cursor?: string }, deps: QueryDeps) {
  if (query.cursor !== undefined && cursorKey(query.cursor, prefix) === null) throw refuse(400, "invalid_cursor", {});
  const routes = await deps.categories();
  const now = Math.floor(deps.clock() / 1000);
  return read.page(model, {
    prefix,
    limit: query.limit,
    cursor: query.cursor,
    map: async (_value, key) => {
      const row = await read.get<OrderRow>(MODELS.orders, key.slice(key.lastIndexOf(":") + 1));
      return row && viewOf(row, routes, now);
    },
  });
}

export function orderQueries(deps: QueryDeps): QueryDef[] {
  return [
    defineQuery({
      path: "/api/workorders/categories",
      summary: "The categories in force (Open311 service codes) with their party, deadlines and whether an on-site check is needed; retired ones are left out",
      who: "public",
      response: z.object({ items: z.array(z.object({ code: z.string(), name: z.object({ "zh-CN": z.string(), en: z.string() }), group: z.string(), party: z.enum(PARTIES), minutes: z.number(), urgentMinutes: z.number(), onSiteCheck: z.boolean(), duplicateWindowMinutes: z.number() })) }),
      handler: async () => ({ items: (await deps.categories()).filter((c) => !c.retired) }),
    }),
    defineQuery({
      path: "/api/workorders/open",
      summary: "An estate's orders still waiting for their fix, without personal data (public)",
      who: "public",
      query: z.object({ estate: z.coerce.number().int().min(1), ...paging }),
      response: page,
      handler: ({ query }, read) => pageOfIndex(read, MODELS.open, `${query.estate}:`, query, deps),
    }),
    defineQuery({
      path: "/api/workorders/mine",
      summary: "The signed-in resident's own reports, newest last",
      who: "signedIn",
      query: z.object(paging),
      response: page,
      handler: ({ query }, read, context) => pageOfIndex(read, MODELS.byReporter, `${context.address!.toLowerCase()}:`, query, deps),
    }),
    defineQuery({
      path: "/api/workorders/queue",
      summary: "The signed-in party member's open orders, soonest deadline first",
      who: "signedIn",
      query: z.object(paging),
      response: page.extend({ party: z.enum(PARTIES) }),
      handler: async ({ query }, read, context) => {
        const party = await deps.partyOf(context.address!.toLowerCase());
        if (!party) throw refuse(403, "workorder_no_party", {});
        return { party, ...(await pageOfIndex(read, MODELS.queue, `${party}:`, query, deps)) };
      },
    }),
    defineQuery({
      path: "/api/workorders/overdue",
      summary: "Open orders past their deadline, the longest overdue first (the community office)",
      who: ["staff"],
      query: z.object(paging),
      response: page,
      handler: async ({ query }, read) => {
        const result = await pageOfIndex(read, MODELS.deadlines, "", query, deps);
        // The index is in deadline order: the first order not yet due ends the overdue list.
        const cut = result.items.findIndex((v) => !v.clocks.overdue);
        return cut === -1 ? result : { items: result.items.slice(0, cut) };
      },
    }),
    defineQuery({
      path: "/api/workorders/all",
      summary: "Every order, newest first by id order (the community office); filter by status",
      who: ["staff"],
      query: z.object({ status: z.enum(["received", "dispatched", "accepted", "inProgress", "resolved", "closed"]).optional(), ...paging }),
      response: page,
      handler: async ({ query }, read) => {
        const routes = await deps.categories();
        const now = Math.floor(deps.clock() / 1000);
        if (query.cursor !== undefined && cursorKey(query.cursor, "") === null) throw refuse(400, "invalid_cursor", {});
        return read.page(MODELS.orders, {
          limit: query.limit,
          cursor: query.cursor,
          map: (value) => {
            const row = value as OrderRow;
            return query.status === undefined || row.status === query.status ? viewOf(row, routes, now) : undefined;
          },
        });
      },
    }),
    defineQuery({
      path: "/api/workorders/:id/history",
      summary: "One order's steps in order, each with its record id for a receipt, without personal data (public)",
      who: "public",
      params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
      query: z.object({ from: z.coerce.number().int().min(1).default(1), limit: z.coerce.number().int().min(1).max(100).default(50) }),
      response: z.object({ items: z.array(historyStep), nextFrom: z.number().optional() }),
      handler: async ({ params, query }, read) => {
        if (!(await read.get<OrderRow>(MODELS.orders, params.id))) throw refuse(404, "unknown_record", { kind: { "zh-CN": "工单", en: "work order" }, id: params.id });
        // One more than asked: whether there is a next page.
        const records = await read.history(params.id, query.from, query.limit + 1);
        const items = records.slice(0, query.limit).map(stepOf);
        return records.length > query.limit ? { items, nextFrom: query.from + query.limit } : { items };
      },
    }),
    defineQuery({
      path: "/api/workorders/:id",
      summary: "One order: category, place, status, both clocks and its deadline, without personal data (public)",
      who: "public",
      params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
      response: orderView,
      handler: async ({ params }, read) => {
        const row = await read.get<OrderRow>(MODELS.orders, params.id);
        if (!row) throw refuse(404, "unknown_record", { kind: { "zh-CN": "工单", en: "work order" }, id: params.id });
        return viewOf(row, await deps.categories(), Math.floor(deps.clock() / 1000));
      },
    }),
  ];
}
