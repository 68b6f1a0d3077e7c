// A small service used only by the framework's tests and benchmark: an errand a resident asks for (a light to
// fix, a parcel to carry up), assigned to a grid worker and closed by staff. It exercises what real services
// need: a command that makes an object, commands on it with role checks and a state refusal, a proxy-able
// command, read models (a list by estate, a shared per-estate count) and queries with filters and paging.
import { z } from "zod/v4";
import {
  commitmentRef,
  count,
  defineCommand,
  defineQuery,
  defineRecord,
  defineService,
  objectId,
  personRef,
  refuse,
  type JournalRecord,
} from "../../../server/src/services/framework/index.js";

export const Opened = defineRecord("errand", "opened", z.object({ estateId: count, what: commitmentRef, urgent: z.boolean() }));
export const Assigned = defineRecord("errand", "assigned", z.object({ worker: personRef }));
export const Noted = defineRecord("errand", "noted", z.object({ n: count }));
export const Closed = defineRecord("errand", "closed", z.object({}));

export type ErrandState = { status: "none" | "open" | "assigned" | "closed"; estateId: number; worker?: string; notes: number };

const initial: ErrandState = { status: "none", estateId: 0, notes: 0 };

function evolve(state: ErrandState, record: JournalRecord): ErrandState {
  if (Opened.is(record)) return { ...state, status: "open", estateId: record.payload.estateId };
  if (Assigned.is(record)) return { ...state, status: "assigned", worker: record.payload.worker };
  if (Noted.is(record)) return { ...state, notes: record.payload.n };
  if (Closed.is(record)) return { ...state, status: "closed" };
  return state;
}

const STATUS = { "zh-CN": "", en: "" };
const statusName = (s: ErrandState["status"]) => ({ ...STATUS, "zh-CN": { open: "待派", assigned: "已派", closed: "已结", none: "无" }[s], en: s });

const open = defineCommand({
  name: "open",
  summary: "Asks for an errand (a resident, or staff for a resident under an authorisation)",
  target: "new",
  input: z.object({ estateId: count, what: commitmentRef, urgent: z.boolean().default(false) }),
  who: "signedIn",
  proxy: true,
  decide: (_state: ErrandState, input) => [Opened({ estateId: input.estateId, what: input.what, urgent: input.urgent })],
});

const assign = defineCommand({
  name: "assign",
  summary: "Assigns an open errand to a grid worker",
  target: "existing",
  input: z.object({ worker: personRef }),
  who: ["staff", "gridWorker"],
  decide: (state: ErrandState, input, { id }) =>
    state.status !== "open"
      ? refuse(409, "wrong_state", { kind: { "zh-CN": "差事", en: "errand" }, id, state: statusName(state.status), action: { "zh-CN": "派单", en: "assigned" } })
      : [Assigned({ worker: input.worker })],
});

/** Counts notes: each decision must see the previous one's state (per-object serialisation). */
const note = defineCommand({
  name: "note",
  summary: "Adds a numbered note to an errand",
  target: "existing",
  input: z.object({}),
  who: "signedIn",
  decide: (state: ErrandState) => [Noted({ n: state.notes + 1 })],
});

const close = defineCommand({
  name: "close",
  summary: "Closes an assigned errand",
  target: "existing",
  input: z.object({}),
  who: ["staff"],
  decide: (state: ErrandState, _input, { id }) =>
    state.status !== "assigned"
      ? refuse(409, "wrong_state", { kind: { "zh-CN": "差事", en: "errand" }, id, state: statusName(state.status), action: { "zh-CN": "结单", en: "closed" } })
      : [Closed({})],
});

type ErrandView = { id: string; estateId: number; status: ErrandState["status"]; urgent: boolean; version: number; openedAt: number };
type Counts = { open: number; closed: number };
const listKey = (estateId: number, id: string) => `${String(estateId).padStart(10, "0")}:${id}`;

const errandSchema = z.object({
  id: z.string(),
  estateId: z.number(),
  status: z.enum(["none", "open", "assigned", "closed"]),
  urgent: z.boolean(),
  version: z.number(),
  openedAt: z.number(),
});

export const errandService = defineService<ErrandState>({
  name: "errand",
  basePath: "/api/errands",
  noun: { "zh-CN": "差事", en: "errand" },
  records: [Opened, Assigned, Noted, Closed],
  initial,
  evolve,
  commands: [open, assign, note, close],
  models: ["errands", "byEstate", "counts"],
  async project(record, tx) {
    if (Opened.is(record)) {
      const view: ErrandView = { id: record.id, estateId: record.payload.estateId, status: "open", urgent: record.payload.urgent, version: record.version, openedAt: record.at };
      tx.put("errands", record.id, view);
      tx.put("byEstate", listKey(view.estateId, record.id), record.id);
      const counts = (await tx.get<Counts>("counts", String(view.estateId))) ?? { open: 0, closed: 0 };
      tx.put("counts", String(view.estateId), { ...counts, open: counts.open + 1 });
      return;
    }
    const view = await tx.get<ErrandView>("errands", record.id);
    if (!view) throw new Error(`errand ${record.id} has a ${record.kind} before it was opened`);
    const status = Assigned.is(record) ? "assigned" : Closed.is(record) ? "closed" : view.status;
    tx.put("errands", record.id, { ...view, status, version: record.version });
    if (Closed.is(record)) {
      const counts = (await tx.get<Counts>("counts", String(view.estateId)))!;
      tx.put("counts", String(view.estateId), { open: counts.open - 1, closed: counts.closed + 1 });
    }
  },
  queries: [
    defineQuery({
      path: "/api/errands",
      summary: "An estate's errands, filtered by status, a page at a time",
      who: "signedIn",
      query: z.object({
        estateId: z.coerce.number().int().min(0),
        status: z.enum(["open", "assigned", "closed"]).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        cursor: z.string().max(512).optional(),
      }),
      response: z.object({ items: z.array(errandSchema), nextCursor: z.string().optional() }),
      handler: ({ query }, read) =>
        read.page("byEstate", {
          prefix: `${String(query.estateId).padStart(10, "0")}:`,
          limit: query.limit,
          cursor: query.cursor,
          map: async (id) => {
            const view = await read.get<ErrandView>("errands", id as string);
            return view && (!query.status || view.status === query.status) ? view : undefined;
          },
        }),
    }),
    defineQuery({
      path: "/api/errands/:id",
      summary: "One errand",
      who: "public",
      params: z.object({ id: objectId }),
      response: errandSchema,
      handler: async ({ params }, read) => {
        const view = await read.get<ErrandView>("errands", params.id);
        if (!view) throw refuse(404, "unknown_record", { kind: { "zh-CN": "差事", en: "errand" }, id: params.id });
        return view;
      },
    }),
    defineQuery({
      path: "/api/errands/counts/:estateId",
      summary: "How many of an estate's errands are open and closed",
      who: ["staff", "auditor"],
      params: z.object({ estateId: z.coerce.number().int().min(0) }),
      response: z.object({ open: z.number(), closed: z.number() }),
      handler: async ({ params }, read) => (await read.get<Counts>("counts", String(params.estateId))) ?? { open: 0, closed: 0 },
    }),
  ],
});
