// The routing table the community office edits (issue 14): which party a category goes to, its deadlines, its
// on-site check and its duplicate window. Each category code is an object of the service `worouting`; a change
// is a record naming who made it, anchored like every record. The defaults (categories.ts) are in force until
// a code is edited; a retired code refuses new reports, while old orders keep its name.
import { z } from "zod/v4";
import { defineCommand, defineQuery, defineRecord, defineService, modelName, refuse, type AnyService, type Emitted, type JournalRecord, type Refusal, type ServiceStorage } from "../framework/index.js";
import { DEFAULT_CATEGORIES, PARTIES, type CategoryRoute, type Party } from "./categories.js";
import { serviceCode } from "./records.js";

export const ROUTING_SERVICE = "worouting";

/** The longest deadline and duplicate window the office may set (minutes): 60 days, past the 15-day tier. */
export const MAX_MINUTES = 60 * 24 * 60;

const name = z.object({ "zh-CN": z.string().trim().min(1).max(40), en: z.string().trim().min(1).max(60) });
const group = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "a group code, e.g. water");

const route = z.object({
  name,
  group,
  party: z.enum(PARTIES),
  minutes: z.number().int(),
  urgentMinutes: z.number().int(),
  onSiteCheck: z.boolean(),
  duplicateWindowMinutes: z.number().int(),
});

/** The category as it is after the change (the whole route, so each record reads alone). */
export const CategorySet = defineRecord(ROUTING_SERVICE, "categorySet", route);
/** No new reports of this code; orders already made keep it and its name. */
export const CategoryRetired = defineRecord(ROUTING_SERVICE, "categoryRetired", z.object({}));

type RoutingState = { route: CategoryRoute | null; retired: boolean };
const INITIAL: RoutingState = { route: null, retired: false };

const DEFAULTS: ReadonlyMap<string, CategoryRoute> = new Map(DEFAULT_CATEGORIES.map((c) => [c.code, c]));

/** A table entry as the read model keeps it: the route in force and who last changed it, when. */
export type RoutingEntry = { route: CategoryRoute; retired: boolean; changedAt: number; changedBy: string; version: number };

const TABLE = "table";
const TABLE_KEY = "all";

const setInput = z.object({
  code: serviceCode,
  name: name.optional(),
  group: group.optional(),
  // Checked by the decision, so that an unknown party gets its own message rather than a schema's.
  party: z.string().max(40).optional(),
  minutes: z.number().int().optional(),
  urgentMinutes: z.number().int().optional(),
  onSiteCheck: z.boolean().optional(),
  duplicateWindowMinutes: z.number().int().optional(),
});

function actorName(record: JournalRecord): string {
  const actor = record.actor;
  return "system" in actor ? actor.system : "address" in actor ? actor.address : actor.sealed;
}

/** The current route of a code: its own records' last, else the default. */
const currentOf = (state: RoutingState, code: string): CategoryRoute | undefined => state.route ?? DEFAULTS.get(code);

function decideSet(state: RoutingState, input: z.infer<typeof setInput>): Emitted[] | Refusal {
  if (state.retired) return refuse(409, "workorder_category_retired", { code: input.code });
  const base = currentOf(state, input.code);
  if (!base && (!input.name || !input.group)) return refuse(400, "workorder_category_name_needed", { code: input.code });
  if (input.party !== undefined && !(PARTIES as readonly string[]).includes(input.party)) {
    return refuse(400, "workorder_unknown_party", { party: input.party, parties: PARTIES.join(", ") });
  }
  const next: CategoryRoute = {
    code: input.code,
    name: input.name ?? base!.name,
    group: input.group ?? base!.group,
    party: (input.party as Party | undefined) ?? base!.party,
    minutes: input.minutes ?? base?.minutes ?? 0,
    urgentMinutes: input.urgentMinutes ?? base?.urgentMinutes ?? input.minutes ?? 0,
    onSiteCheck: input.onSiteCheck ?? base?.onSiteCheck ?? false,
    duplicateWindowMinutes: input.duplicateWindowMinutes ?? base?.duplicateWindowMinutes ?? 24 * 60,
  };
  for (const field of ["minutes", "urgentMinutes"] as const) {
    if (next[field] < 1 || next[field] > MAX_MINUTES) return refuse(400, "workorder_bad_minutes", { field, value: next[field], min: 1, max: MAX_MINUTES });
  }
  if (next.duplicateWindowMinutes < 0 || next.duplicateWindowMinutes > MAX_MINUTES) {
    return refuse(400, "workorder_bad_minutes", { field: "duplicateWindowMinutes", value: next.duplicateWindowMinutes, min: 0, max: MAX_MINUTES });
  }
  if (next.urgentMinutes > next.minutes) return refuse(400, "workorder_urgent_longer", { urgentMinutes: next.urgentMinutes, minutes: next.minutes });
  if (base && JSON.stringify({ ...base, code: input.code }) === JSON.stringify(next)) return refuse(409, "workorder_routing_unchanged", { code: input.code });
  const { code: _code, ...payload } = next;
  return [CategorySet(payload)];
}

export type Routing = {
  service: AnyService;
  /** The table in force: the defaults with the office's changes, retired codes included (marked) for their names. */
  inForce: (storage: ServiceStorage) => Promise<readonly CategoryRoute[]>;
};

/**
 * The routing service and its reader. The table is one read-model value, so a reader sees a change as soon as
 * its record is being written (the storage answers writes under way); it is cached until the next change.
 */
export function routingService(): Routing {
  let generation = 0;
  let cached: { generation: number; table: readonly CategoryRoute[] } | undefined;

  async function inForce(storage: ServiceStorage): Promise<readonly CategoryRoute[]> {
    const seen = generation;
    if (cached && cached.generation === seen) return cached.table;
    const entries = (await storage.get<Record<string, RoutingEntry>>(modelName(ROUTING_SERVICE, TABLE), TABLE_KEY)) ?? {};
    const table: CategoryRoute[] = DEFAULT_CATEGORIES.map((c) => entryRoute(entries[c.code]) ?? c);
    for (const code of Object.keys(entries).sort()) if (!DEFAULTS.has(code)) table.push(entryRoute(entries[code])!);
    // A change projected while this read ran bumped the generation: serve this read, but do not keep it.
    if (seen === generation) cached = { generation: seen, table };
    return table;
  }

  const service = defineService<RoutingState>({
    name: ROUTING_SERVICE,
    basePath: "/api/workorders/routing",
    noun: { "zh-CN": "工单类别", en: "work-order category" },
    records: [CategorySet, CategoryRetired],
    initial: INITIAL,
    evolve: (state, record: JournalRecord) => {
      if (CategorySet.is(record)) return { ...state, route: { code: record.id, ...record.payload } };
      if (CategoryRetired.is(record)) return { route: state.route ?? DEFAULTS.get(record.id) ?? null, retired: true };
      return state;
    },
    commands: [
      defineCommand({
        name: "set",
        summary: "The community office changes a category's party, deadlines, on-site check or duplicate window, or adds a category",
        target: "new",
        idOf: (input) => input.code,
        input: setInput,
        who: ["staff"],
        decide: (state: RoutingState, input) => decideSet(state, input),
      }),
      defineCommand({
        name: "retire",
        summary: "The community office retires a category: no new reports of it; orders already made keep it",
        target: "new",
        idOf: (input) => input.code,
        input: z.object({ code: serviceCode }),
        who: ["staff"],
        decide: (state: RoutingState, input) => {
          if (state.retired) return refuse(409, "workorder_category_retired", { code: input.code });
          if (!currentOf(state, input.code)) return refuse(404, "workorder_unknown_category", { code: input.code });
          return [CategoryRetired({})];
        },
      }),
    ],
    models: [TABLE],
    async project(record, tx) {
      const entries = { ...((await tx.get<Record<string, RoutingEntry>>(TABLE, TABLE_KEY)) ?? {}) };
      const before = entries[record.id]?.route ?? DEFAULTS.get(record.id);
      const routeNow = CategorySet.is(record) ? { code: record.id, ...record.payload } : before;
      if (!routeNow) return;
      entries[record.id] = {
        route: routeNow,
        retired: CategoryRetired.is(record) || (entries[record.id]?.retired ?? false),
        changedAt: record.at,
        changedBy: actorName(record),
        version: record.version,
      };
      tx.put(TABLE, TABLE_KEY, entries);
      generation++;
    },
    queries: [
      defineQuery({
        path: "/api/workorders/routing/table",
        summary: "The routing table in force with who last changed each category and when (the community office)",
        who: ["staff"],
        response: z.object({
          items: z.array(
            route.extend({
              code: z.string(),
              retired: z.boolean(),
              edited: z.boolean().describe("false: the default, never changed"),
              changedAt: z.number().nullable(),
              changedBy: z.string().nullable(),
              version: z.number().describe("send it back as expectedVersion to refuse a change made meanwhile"),
            }),
          ),
          parties: z.array(z.enum(PARTIES)),
          maxMinutes: z.number(),
        }),
        handler: async (_input, read) => {
          const entries = (await read.get<Record<string, RoutingEntry>>(TABLE, TABLE_KEY)) ?? {};
          const codes = [...DEFAULT_CATEGORIES.map((c) => c.code), ...Object.keys(entries).filter((c) => !DEFAULTS.has(c)).sort()];
          const items = codes.map((code) => {
            const entry = entries[code];
            const { retired: _r, ...routeNow } = entry?.route ?? DEFAULTS.get(code)!;
            return entry
              ? { ...routeNow, retired: entry.retired, edited: true, changedAt: entry.changedAt, changedBy: entry.changedBy, version: entry.version }
              : { ...routeNow, retired: false, edited: false, changedAt: null, changedBy: null, version: 0 };
          });
          return { items, parties: [...PARTIES], maxMinutes: MAX_MINUTES };
        },
      }),
    ],
  });
  return { service, inForce };
}

function entryRoute(entry: RoutingEntry | undefined): CategoryRoute | undefined {
  if (!entry) return undefined;
  return entry.retired ? { ...entry.route, retired: true } : entry.route;
}
