// What people see of disputes. A dispute is private: its parties see their own cases, a mediator (and an invited
// judicial officer, police officer or lawyer) the cases they are in, the office every case. Views carry codes,
// times and person ids only (names come from the directory, for the purpose `mediation`); texts are read on the
// vault's audited path (texts.ts). The statistics are public (stats.ts).
import { z } from "zod/v4";
import { cursorKey } from "../../store/paging.js";
import { defineQuery, refuse, type ModelReader, type QueryContext, type QueryDef, type StoredRecord } from "../framework/index.js";
import { MODELS, type DisputeRow } from "./projections.js";
import { CATEGORIES, CATEGORY_NAMES, LEVELS, OUTCOMES } from "./records.js";
import { respondentPeople } from "./state.js";

export const NOUN = { "zh-CN": "调解案件", en: "dispute" };

export const VIEWER_ROLES = ["claimant", "respondent", "mediator", "participant", "office"] as const;
export type ViewerRole = (typeof VIEWER_ROLES)[number];

export const disputeView = z.object({
  id: z.string(),
  category: z.enum(CATEGORIES),
  name: z.object({ "zh-CN": z.string(), en: z.string() }),
  status: z.enum(["awaitingAnswer", "mediating", "closed"]),
  level: z.enum(LEVELS),
  outcome: z.enum(OUTCOMES).nullable(),
  place: z.object({ estateId: z.number(), building: z.number().optional(), unitId: z.number().optional() }),
  claimant: z.string().describe("person id"),
  respondent: z.union([z.object({ person: z.string() }), z.object({ unitId: z.number(), people: z.array(z.string()) })]),
  languages: z.array(z.string()),
  filedAt: z.number(),
  answerDueAt: z.number(),
  answer: z.object({ at: z.number(), accepts: z.boolean() }).nullable(),
  dueAt: z.number().describe("the time limit, moved on by extensions"),
  overdue: z.boolean(),
  extensions: z.number(),
  mediator: z.object({ person: z.string(), source: z.enum(["peoplesMediator", "talentPool"]), by: z.enum(["matching", "office"]) }).nullable(),
  participants: z.array(z.object({ person: z.string(), role: z.string() })),
  sessions: z.array(z.object({ session: z.number(), at: z.number(), place: z.string(), held: z.boolean().nullable(), attendees: z.array(z.string()) })),
  agreement: z.object({ document: z.string(), signedBy: z.array(z.string()), performBy: z.number(), at: z.number(), confirmationDueAt: z.number() }).nullable(),
  confirmation: z.enum(["none", "applied", "confirmed", "refused"]),
  closedAt: z.number().nullable(),
  followUpDueAt: z.number().nullable(),
  followUp: z.object({ at: z.number(), result: z.string() }).nullable(),
  escalations: z.array(z.object({ from: z.string(), to: z.string(), bySilence: z.boolean(), at: z.number() })),
  reopens: z.number(),
  yourRoles: z.array(z.enum(VIEWER_ROLES)).describe("how the signed-in reader stands to the case"),
});
export type DisputeView = z.infer<typeof disputeView>;

/** One step of a case: what happened, when, by whom (a person, staff for a resident, or the server) and its record id (its receipt). */
export const historyStep = z.object({
  version: z.number(),
  event: z.string().describe("the record's kind without the service, e.g. filed, answered, escalated"),
  at: z.number(),
  recordId: z.number().describe("GET /api/receipts/offchain/{recordId}"),
  by: z.enum(["person", "staffForResident", "system"]),
  proxy: z.boolean().describe("staff acted for a resident under an authorisation"),
  fields: z.record(z.string(), z.unknown()).describe("the record's codes, times and person ids (commitments to texts and addresses left out)"),
});

/** Left out of a step: commitments to texts (read through /texts), and the address a mediator signs in with. */
const HIDDEN_FIELDS = ["account", "wish", "note", "summary", "terms", "address"];

export function stepOf(record: StoredRecord & { version: number }): z.infer<typeof historyStep> {
  const payload = { ...((record.payload ?? {}) as Record<string, unknown>) };
  for (const f of HIDDEN_FIELDS) delete payload[f];
  const actor = record.actor;
  return {
    version: record.version,
    event: record.kind.slice(record.kind.indexOf(".") + 1),
    at: record.at,
    recordId: record.recordId,
    by: "system" in actor ? "system" : "onBehalfOf" in actor ? "staffForResident" : "person",
    proxy: "onBehalfOf" in actor,
    fields: payload,
  };
}

export type Reader = { address: string; roles: readonly string[]; persons: readonly string[] };

/** How a reader stands to a case (none: they may not see it). */
export function rolesIn(row: DisputeRow, reader: Reader): ViewerRole[] {
  const out: ViewerRole[] = [];
  const mine = (people: readonly string[]) => reader.persons.some((p) => people.includes(p));
  if (mine([row.claimant])) out.push("claimant");
  if (mine(respondentPeople(row))) out.push("respondent");
  if (row.mediator && (row.mediator.address === reader.address || mine([row.mediator.person]))) out.push("mediator");
  if (row.participants.some((p) => p.address === reader.address || reader.persons.includes(p.person))) out.push("participant");
  if (reader.roles.includes("staff")) out.push("office");
  return out;
}

export function viewOf(row: DisputeRow, yourRoles: ViewerRole[], now: number): DisputeView {
  return {
    id: row.id,
    category: row.category,
    name: CATEGORY_NAMES[row.category],
    status: row.status as DisputeView["status"],
    level: row.level,
    outcome: row.outcome,
    place: row.place!,
    claimant: row.claimant,
    respondent: row.respondent!,
    languages: row.languages,
    filedAt: row.filedAt,
    answerDueAt: row.answerDueAt,
    answer: row.answer,
    dueAt: row.dueAt,
    overdue: row.status !== "closed" && now > row.dueAt,
    extensions: row.extensions,
    mediator: row.mediator && { person: row.mediator.person, source: row.mediator.source, by: row.mediator.by },
    participants: row.participants.map((p) => ({ person: p.person, role: p.role })),
    sessions: row.sessions,
    agreement: row.agreement,
    confirmation: row.confirmation,
    closedAt: row.closedAt,
    followUpDueAt: row.followUpDueAt,
    followUp: row.followUp,
    escalations: row.escalations,
    reopens: row.reopens,
    yourRoles,
  };
}

export type QueryDeps = {
  /** The person ids a signed-in address is linked to (the directory's). */
  personsOf: (address: string) => Promise<readonly string[]>;
  clock: () => number;
};

export async function readerOf(deps: QueryDeps, context: QueryContext): Promise<Reader> {
  const address = context.address!.toLowerCase();
  return { address, roles: context.roles, persons: await deps.personsOf(address) };
}

/** The case if the reader stands in it (404 when there is none, 403 when it is not theirs). */
export async function caseFor(read: ModelReader, id: string, reader: Reader): Promise<{ row: DisputeRow; roles: ViewerRole[] }> {
  const row = await read.get<DisputeRow>(MODELS.disputes, id);
  if (!row || row.status === "none") throw refuse(404, "unknown_record", { kind: NOUN, id });
  const roles = rolesIn(row, reader);
  if (roles.length === 0) throw refuse(403, "mediation_not_yours", { id });
  return { row, roles };
}

const page = z.object({ items: z.array(disputeView), nextCursor: z.string().optional() });
const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

/** Every case under one of `people` in an index keyed `<person>:<filedAt>:<id>`, newest first (a person's cases are few). */
async function casesOf(read: ModelReader, model: string, people: readonly string[], reader: Reader, now: number, limit: number): Promise<DisputeView[]> {
  const rows = new Map<string, DisputeRow>();
  for (const person of people) {
    let cursor: string | undefined;
    do {
      const got = await read.page<string>(model, { prefix: `${person}:`, limit: 100, cursor, map: (_v, key) => key.slice(key.lastIndexOf(":") + 1) });
      for (const id of got.items) {
        const row = rows.has(id) ? undefined : await read.get<DisputeRow>(MODELS.disputes, id);
        if (row) rows.set(id, row);
      }
      cursor = got.nextCursor;
    } while (cursor && rows.size < 1000);
  }
  return [...rows.values()]
    .sort((a, b) => b.filedAt - a.filedAt || (a.id < b.id ? -1 : 1))
    .slice(0, limit)
    .map((row) => viewOf(row, rolesIn(row, reader), now));
}

export function disputeQueries(deps: QueryDeps): QueryDef[] {
  const now = () => Math.floor(deps.clock() / 1000);
  return [
    defineQuery({
      path: "/api/mediation/disputes/mine",
      summary: "The signed-in resident's own disputes (as claimant or respondent), newest first",
      who: "signedIn",
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: z.object({ items: z.array(disputeView) }),
      handler: async ({ query }, read, context) => {
        const reader = await readerOf(deps, context);
        return { items: await casesOf(read, MODELS.byParty, reader.persons, reader, now(), query.limit) };
      },
    }),
    defineQuery({
      path: "/api/mediation/disputes/assigned",
      summary: "The cases the signed-in mediator mediates (or was invited into as judicial office, police or lawyer), newest first",
      who: "signedIn",
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: z.object({ items: z.array(disputeView) }),
      handler: async ({ query }, read, context) => {
        const reader = await readerOf(deps, context);
        return { items: await casesOf(read, MODELS.byMediator, reader.persons, reader, now(), query.limit) };
      },
    }),
    defineQuery({
      path: "/api/mediation/disputes/office",
      summary: "The office's list: open disputes by their time limit (soonest first), or every dispute by id with a status filter",
      who: ["staff"],
      query: z.object({
        status: z.enum(["open", "awaitingAnswer", "mediating", "closed", "all"]).default("open"),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        cursor: z.string().max(400).optional(),
      }),
      response: page,
      handler: async ({ query }, read, context) => {
        const reader = await readerOf(deps, context);
        const t = now();
        const model = query.status === "open" ? MODELS.open : MODELS.disputes;
        if (query.cursor !== undefined && cursorKey(query.cursor, "") === null) throw refuse(400, "invalid_cursor", {});
        return read.page(model, {
          limit: query.limit,
          cursor: query.cursor,
          map: async (value, key) => {
            const row = query.status === "open" ? await read.get<DisputeRow>(MODELS.disputes, key.slice(key.lastIndexOf(":") + 1)) : (value as DisputeRow);
            if (!row || row.status === "none") return undefined;
            if (query.status !== "open" && query.status !== "all" && row.status !== query.status) return undefined;
            return viewOf(row, rolesIn(row, reader), t);
          },
        });
      },
    }),
    defineQuery({
      path: "/api/mediation/disputes/:id",
      summary: "One dispute with its steps, each with its record id (a receipt), for its parties, its mediator and participants, and the office",
      who: "signedIn",
      params: idParams,
      query: z.object({ from: z.coerce.number().int().min(1).default(1), limit: z.coerce.number().int().min(1).max(200).default(100) }),
      response: disputeView.extend({ history: z.array(historyStep), nextFrom: z.number().optional() }),
      handler: async ({ params, query }, read, context) => {
        const { row, roles } = await caseFor(read, params.id, await readerOf(deps, context));
        const records = await read.history(params.id, query.from, query.limit + 1);
        const history = records.slice(0, query.limit).map(stepOf);
        return { ...viewOf(row, roles, now()), history, ...(records.length > query.limit ? { nextFrom: query.from + query.limit } : {}) };
      },
    }),
  ];
}

