// What people see of suggestions and open days. Everything is public except who wrote a suggestion: the public
// view shows the author's name only where they chose to show it, never an address or a person id (nor does any
// record: records.ts); a resident sees their own list; the office its desk of unanswered suggestions, soonest due first.
import { z } from "zod/v4";
import { byStaffForResident } from "../../receipts/actor.js";
import { cursorKey } from "../../store/paging.js";
import type { Vault } from "../../vault/index.js";
import { defineQuery, objectId, refuse, type ModelReader, type QueryDef, type StoredRecord } from "../framework/index.js";
import { funnelOf, funnelRow, readFunnel, type Counts } from "./funnel.js";
import { MODELS, OPEN_DAY_MODELS, type OpenDayRow, type SuggestionRow } from "./projections.js";
import { CHANNELS, DECLINE_REASONS, TOPICS } from "./records.js";
import { publicNote, selvesOf, tagsOf } from "./texts.js";

export const suggestionView = z.object({
  id: z.string(),
  channel: z.enum(CHANNELS),
  openDay: z.string().nullable(),
  topic: z.enum(TOPICS),
  status: z.enum(["received", "answered", "adopted", "implemented", "declined"]),
  by: z.enum(["resident", "staffForResident", "staffAtOpenDay"]).describe("who entered it: the resident, staff for them under an authorisation, or staff at an open day"),
  receivedAt: z.number(),
  answerBy: z.number(),
  answeredAt: z.number().nullable(),
  late: z.boolean().describe("answered after its deadline"),
  overdue: z.boolean().describe("past its deadline unanswered (now or before its late answer)"),
  adoptedAt: z.number().nullable(),
  implementedAt: z.number().nullable(),
  costFen: z.number().nullable(),
  doneOn: z.number().nullable(),
  declinedAt: z.number().nullable(),
  declineReason: z.enum(DECLINE_REASONS).nullable(),
  text: z.string().nullable().describe("null: erased"),
  answer: z.string().nullable(),
  plan: z.string().nullable(),
  declineText: z.string().nullable(),
  shownName: z.string().nullable().describe("the author's name, only where they chose to show it"),
});
export type SuggestionView = z.infer<typeof suggestionView>;

const page = z.object({ items: z.array(suggestionView), nextCursor: z.string().optional() });
const paging = { limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(400).optional() };

export const openDayView = z.object({
  id: z.string(),
  date: z.number(),
  estateId: z.number(),
  place: z.string(),
  theme: z.string(),
  attendance: z.number().nullable().describe("the head count at the door; null until recorded"),
  registered: z.number().describe("attendees registered beforehand or named by staff"),
  funnel: funnelRow.describe("the funnel of the suggestions written down at this open day"),
});
export type OpenDayView = z.infer<typeof openDayView>;

export type QueryDeps = { vault?: Vault; clock: () => number; personsOf?: (address: string) => Promise<string[]> };

export async function viewOf(row: SuggestionRow, deps: QueryDeps, now: number): Promise<SuggestionView> {
  return {
    id: row.id,
    channel: row.channel,
    openDay: row.openDay,
    topic: row.topic,
    status: row.status as SuggestionView["status"],
    by: row.channel === "openDay" ? "staffAtOpenDay" : row.proxy ? "staffForResident" : "resident",
    receivedAt: row.receivedAt,
    answerBy: row.answerBy,
    answeredAt: row.answeredAt,
    late: row.late,
    overdue: row.overdue || (row.status === "received" && now > row.answerBy),
    adoptedAt: row.adoptedAt,
    implementedAt: row.implementedAt,
    costFen: row.costFen,
    doneOn: row.doneOn,
    declinedAt: row.declinedAt,
    declineReason: row.declineReason,
    text: await publicNote(deps.vault, row.text),
    answer: await publicNote(deps.vault, row.answer),
    plan: await publicNote(deps.vault, row.plan),
    declineText: await publicNote(deps.vault, row.declineText),
    shownName: await publicNote(deps.vault, row.shownName),
  };
}

/** A page of an index whose keys end in `:<id>`, as views; `keep` skips the rows it refuses. */
async function pageOfIndex(
  read: ModelReader,
  model: string,
  prefix: string,
  query: { limit: number; cursor?: string; status?: string },
  deps: QueryDeps,
  keep?: (row: SuggestionRow) => Promise<boolean>,
) {
  if (query.cursor !== undefined && cursorKey(query.cursor, prefix) === null) throw refuse(400, "invalid_cursor", {});
  const now = Math.floor(deps.clock() / 1000);
  return read.page(model, {
    prefix,
    limit: query.limit,
    cursor: query.cursor,
    map: async (_value, key) => {
      const row = await read.get<SuggestionRow>(MODELS.suggestions, key.slice(key.lastIndexOf(":") + 1));
      if (!row || (query.status !== undefined && row.status !== query.status)) return undefined;
      if (keep && !(await keep(row))) return undefined;
      return viewOf(row, deps, now);
    },
  });
}

/** One step of a suggestion's history: what happened and when, with its record id (its receipt); no author. */
export const historyStep = z.object({
  version: z.number(),
  event: z.string(),
  at: z.number(),
  recordId: z.number().describe("GET /api/receipts/offchain/{recordId}"),
  by: z.enum(["person", "staffForResident", "system"]),
});
const stepOf = (record: StoredRecord & { version: number }) => ({
  version: record.version,
  event: record.kind.slice(record.kind.indexOf(".") + 1),
  at: record.at,
  recordId: record.recordId,
  by: "system" in record.actor ? ("system" as const) : byStaffForResident(record.actor) ? ("staffForResident" as const) : ("person" as const),
});

const idParams = z.object({ id: objectId });

export function suggestionQueries(deps: QueryDeps): QueryDef[] {
  return [
    defineQuery({
      path: "/api/suggestions/funnel",
      summary: "The published funnel: received, answered in time, adopted, implemented (and declined), each with its count, its rate and its denominator (every suggestion received in the cohort); all, by channel, by month received (UTC+8), by open day (public)",
      who: "public",
      response: z.object({ all: funnelRow, byChannel: z.array(funnelRow), byMonth: z.array(funnelRow), byOpenDay: z.array(funnelRow) }),
      handler: (_input, read) => readFunnel(read),
    }),
    defineQuery({
      path: "/api/suggestions/list",
      summary: "Suggestions, newest first, with their answers, without their authors unless they chose to show their name (public); filter by open day or status",
      who: "public",
      query: z.object({ openDay: objectId.optional(), status: z.enum(["received", "answered", "adopted", "implemented", "declined"]).optional(), ...paging }),
      response: page,
      handler: ({ query }, read) =>
        query.openDay !== undefined ? pageOfIndex(read, MODELS.byOpenDay, `${query.openDay}:`, query, deps) : pageOfIndex(read, MODELS.newest, "", query, deps),
    }),
    defineQuery({
      path: "/api/suggestions/mine",
      summary: "The signed-in resident's own suggestions (sent by them or for them, or written down for them at an open day), newest first",
      who: "signedIn",
      query: z.object(paging),
      response: page,
      handler: async ({ query }, read, context) => {
        const vault = deps.vault;
        if (!vault) return { items: [] };
        // Sent online under the address; written down at an open day under a person the directory links to it.
        const selves = await selvesOf(context.address!.toLowerCase(), deps.personsOf);
        // No record says who wrote what (records.ts): each suggestion's tag is tried against the resident's own.
        // One keyed hash per suggestion and self: an estate's thousands in milliseconds.
        return pageOfIndex(read, MODELS.newest, "", query, deps, async (row) => row.authorTag !== null && (await tagsOf(vault, row.id, selves)).includes(row.authorTag));
      },
    }),
    defineQuery({
      path: "/api/suggestions/desk",
      summary: "Suggestions waiting for the office's answer, the soonest due (or longest overdue) first (staff)",
      who: ["staff"],
      query: z.object(paging),
      response: page,
      handler: ({ query }, read) => pageOfIndex(read, MODELS.unanswered, "", query, deps),
    }),
    defineQuery({
      path: "/api/suggestions/:id/history",
      summary: "One suggestion's steps, each with its record id for a receipt, without its author (public)",
      who: "public",
      params: idParams,
      response: z.object({ items: z.array(historyStep) }),
      handler: async ({ params }, read) => {
        if (!(await read.get<SuggestionRow>(MODELS.suggestions, params.id))) throw refuse(404, "unknown_record", { kind: { "zh-CN": "建议", en: "suggestion" }, id: params.id });
        return { items: (await read.history(params.id, 1, 50)).map(stepOf) };
      },
    }),
    defineQuery({
      path: "/api/suggestions/:id",
      summary: "One suggestion with its answer, without its author unless they chose to show their name (public)",
      who: "public",
      params: idParams,
      response: suggestionView,
      handler: async ({ params }, read) => {
        const row = await read.get<SuggestionRow>(MODELS.suggestions, params.id);
        if (!row || row.status === "none") throw refuse(404, "unknown_record", { kind: { "zh-CN": "建议", en: "suggestion" }, id: params.id });
        return viewOf(row, deps, Math.floor(deps.clock() / 1000));
      },
    }),
  ];
}

/** The open days' queries; `funnelOfDay` reads the suggestions' funnel of one day (another service's model). */
export function openDayQueries(funnelOfDay: (id: string) => Promise<Counts | undefined>): QueryDef[] {
  const viewOfDay = async (row: OpenDayRow): Promise<OpenDayView> => ({
    id: row.id,
    date: row.date,
    estateId: row.estateId,
    place: row.place,
    theme: row.theme,
    attendance: row.attendance,
    registered: row.attendees.length,
    funnel: funnelOf(`d:${row.id}`, await funnelOfDay(row.id)),
  });
  return [
    defineQuery({
      path: "/api/opendays/list",
      summary: "Open days, the latest first, with their attendance and their suggestions' funnel (public)",
      who: "public",
      query: z.object(paging),
      response: z.object({ items: z.array(openDayView), nextCursor: z.string().optional() }),
      handler: async ({ query }, read) => {
        if (query.cursor !== undefined && cursorKey(query.cursor, "") === null) throw refuse(400, "invalid_cursor", {});
        return read.page(OPEN_DAY_MODELS.byDate, {
          limit: query.limit,
          cursor: query.cursor,
          map: async (_value, key) => {
            const row = await read.get<OpenDayRow>(OPEN_DAY_MODELS.days, key.slice(key.lastIndexOf(":") + 1));
            return row?.scheduled ? viewOfDay(row) : undefined;
          },
        });
      },
    }),
    defineQuery({
      path: "/api/opendays/:id",
      summary: "One open day: date, place, theme, attendance and its suggestions' funnel (public)",
      who: "public",
      params: idParams,
      response: openDayView,
      handler: async ({ params }, read) => {
        const row = await read.get<OpenDayRow>(OPEN_DAY_MODELS.days, params.id);
        if (!row?.scheduled) throw refuse(404, "unknown_record", { kind: { "zh-CN": "开放日", en: "open day" }, id: params.id });
        return viewOfDay(row);
      },
    }),
  ];
}
