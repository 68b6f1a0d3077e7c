// The surveys' read routes: the list of an estate's surveys (public), the open surveys of the signed-in
// resident's households, a closed survey's index and heat map, the trend, and the improvement tasks with their
// before and after (public: they are aggregates of at least k households).
import { z } from "zod/v4";
import { defineQuery, modelName, objectId, refuse, type Engine } from "../framework/index.js";
import type { HouseholdsOf } from "./answer.js";
import { NOUN } from "./answer.js";
import { MODELS, TURNOUT_MODELS, TASK_MODELS, type SurveyRow, type TaskRow, type TurnoutCounts } from "./projections.js";
import { neighbourSurvey, resultsOf, surveysOf } from "./results.js";
import { TURNOUT_SERVICE } from "./records.js";
import { K_ANONYMITY, Z95 } from "./scores.js";

export const FORMULA = {
  levels: "1 非常不满意 = 0, 2 不满意 = 25, 3 一般 = 50, 4 满意 = 75, 5 非常满意 = 100",
  dimension: "x_d = mean of a household's answers to dimension d (0–100)",
  overall: "o = Σ w_d·x_d / Σ w_d",
  index: "index = mean over households; 95 % CI = mean ± 1.96·s/√n",
  k: K_ANONYMITY,
  z: Z95,
};

const stat = z.object({ n: z.number(), mean: z.number(), ci: z.tuple([z.number(), z.number()]).nullable() });
const resultsSchema = z.object({
  n: z.number(),
  overall: stat.nullable(),
  dimensions: z.array(z.object({ code: z.string(), weight: z.number(), stat: stat.nullable() })),
  heatmap: z.object({
    dimensions: z.array(z.string()),
    rows: z.array(z.object({ building: z.number().nullable(), hidden: z.enum(["fewerThanK", "complementary"]).nullable(), n: z.number().nullable(), overall: stat.nullable(), cells: z.record(z.string(), stat).nullable() })),
  }),
  k: z.number(),
});
const surveySchema = z.object({
  id: z.string(),
  estateId: z.number(),
  quarter: z.string(),
  opensAt: z.number(),
  closesAt: z.number(),
  status: z.enum(["scheduled", "open", "closed"]),
  dimensions: z.array(z.object({ code: z.string(), weight: z.number(), questions: z.array(z.string()) })),
  lowBelow: z.number(),
  fallBy: z.number(),
  ballots: z.number().describe("ballots released so far (all of them once closed)"),
  participants: z.number().describe("households that answered (online + paper)"),
  online: z.number(),
  paper: z.number(),
});
export type SurveyView = z.infer<typeof surveySchema>;

const statusAt = (row: SurveyRow, now: number) => (row.closed ? "closed" : now < row.opensAt ? "scheduled" : "open");

export function surveyQueries(deps: { engine: () => Engine; householdsOf: HouseholdsOf; clock: () => number }) {
  const storage = () => deps.engine().storage;
  const view = async (row: SurveyRow): Promise<SurveyView> => {
    const counts = (await storage().get<TurnoutCounts>(modelName(TURNOUT_SERVICE, TURNOUT_MODELS.counts), row.id)) ?? { online: 0, paper: 0 };
    return {
      id: row.id,
      estateId: row.estateId,
      quarter: row.quarter,
      opensAt: row.opensAt,
      closesAt: row.closesAt,
      status: statusAt(row, Math.floor(deps.clock() / 1000)),
      dimensions: row.dimensions,
      lowBelow: row.lowBelow,
      fallBy: row.fallBy,
      ballots: row.ballots,
      participants: counts.online + counts.paper,
      ...counts,
    };
  };
  return [
    defineQuery({
      path: "/api/surveys",
      summary: "An estate's satisfaction surveys in quarter order, with their schedule and turnout (public)",
      query: z.object({ estateId: z.coerce.number().int().min(1) }),
      response: z.object({ items: z.array(surveySchema) }),
      who: "public",
      handler: async ({ query }) => ({ items: await Promise.all((await surveysOf(storage(), query.estateId)).map(view)) }),
    }),
    defineQuery({
      path: "/api/surveys/mine",
      summary: "The surveys open now for the signed-in resident's households, and whether each household has answered",
      response: z.object({ items: z.array(surveySchema.extend({ households: z.array(z.object({ unitId: z.number(), buildingId: z.number(), answered: z.enum(["online", "paper"]).nullable() })) })) }),
      who: "signedIn",
      handler: async (_input, _read, context) => {
        const homes = await deps.householdsOf(context.address!);
        const now = Math.floor(deps.clock() / 1000);
        const items = [];
        for (const estateId of [...new Set(homes.map((h) => h.estateId))].sort((a, b) => a - b)) {
          for (const row of await surveysOf(storage(), estateId)) {
            if (statusAt(row, now) !== "open" || now >= row.closesAt) continue;
            const households = [];
            for (const h of homes.filter((x) => x.estateId === estateId).sort((a, b) => a.unitId - b.unitId)) {
              const answered = (await storage().get<"online" | "paper">(modelName(TURNOUT_SERVICE, TURNOUT_MODELS.answered), `${row.id}|${h.unitId}`)) ?? null;
              households.push({ unitId: h.unitId, buildingId: h.buildingId, answered });
            }
            items.push({ ...(await view(row)), households });
          }
        }
        return { items };
      },
    }),
    defineQuery({
      path: "/api/surveys/trend",
      summary: "The index of an estate's closed surveys, quarter by quarter (public)",
      query: z.object({ estateId: z.coerce.number().int().min(1) }),
      response: z.object({ items: z.array(z.object({ id: z.string(), quarter: z.string(), results: resultsSchema })), formula: z.record(z.string(), z.unknown()) }),
      who: "public",
      handler: async ({ query }) => {
        const items = [];
        for (const row of (await surveysOf(storage(), query.estateId)).filter((r) => r.closed)) items.push({ id: row.id, quarter: row.quarter, results: (await resultsOf(storage(), row))! });
        return { items, formula: FORMULA };
      },
    }),
    defineQuery({
      path: "/api/surveys/results/:id",
      summary: "A survey's index per dimension and overall (0–100, n, 95 % CI) and its heat map of buildings × dimensions, cells of fewer than 10 hidden; null until it closes (public)",
      params: z.object({ id: objectId }),
      response: z.object({ survey: surveySchema, results: resultsSchema.nullable(), formula: z.record(z.string(), z.unknown()) }),
      who: "public",
      handler: async ({ params }, read) => {
        const row = await read.get<SurveyRow>(MODELS.surveys, params.id);
        if (!row) throw refuse(404, "unknown_record", { kind: NOUN, id: params.id });
        return { survey: await view(row), results: await resultsOf(storage(), row), formula: FORMULA };
      },
    }),
  ];
}

const taskSchema = z.object({
  id: z.string(),
  survey: z.string(),
  estateId: z.number(),
  quarter: z.string(),
  dimension: z.string(),
  reason: z.enum(["low", "falling"]),
  status: z.enum(["open", "linked", "done"]),
  before: z.object({ quarter: z.string(), mean: z.number(), previous: z.number().nullable() }),
  after: z.object({ quarter: z.string(), mean: z.number(), n: z.number() }).nullable().describe("the same dimension in the estate's next closed survey"),
  link: z.object({ kind: z.enum(["workorder", "renewal"]), ref: z.string(), validated: z.boolean(), status: z.string().nullable() }).nullable(),
  doneOn: z.number().nullable(),
  openedAt: z.number(),
});
export type TaskView = z.infer<typeof taskSchema>;

export function taskQueries(deps: { engine: () => Engine; linkStatus: (kind: "workorder" | "renewal", ref: string) => Promise<string | null> }) {
  const storage = () => deps.engine().storage;
  return [
    defineQuery({
      path: "/api/surveys/tasks",
      summary: "An estate's improvement tasks: the score that opened each (before), its link and progress, and the score in the next survey (after) (public)",
      query: z.object({ estateId: z.coerce.number().int().min(1) }),
      response: z.object({ items: z.array(taskSchema) }),
      who: "public",
      handler: async ({ query }, read) => {
        const page = await read.page<TaskRow>(TASK_MODELS.tasks, { prefix: `${query.estateId}|`, limit: 500, map: (value) => value as TaskRow });
        const items: TaskView[] = [];
        for (const row of page.items) {
          const next = await neighbourSurvey(storage(), row.estateId, row.quarter, "after");
          const results = next ? await resultsOf(storage(), next) : null;
          const stat = results?.dimensions.find((d) => d.code === row.dimension)?.stat ?? null;
          items.push({
            id: row.id,
            survey: row.survey,
            estateId: row.estateId,
            quarter: row.quarter,
            dimension: row.dimension,
            reason: row.reason,
            status: row.doneOn !== null ? "done" : row.link ? "linked" : "open",
            before: { quarter: row.quarter, mean: row.scoreTenths / 10, previous: row.previousTenths === null ? null : row.previousTenths / 10 },
            after: next && stat ? { quarter: next.quarter, mean: stat.mean, n: stat.n } : null,
            link: row.link ? { ...row.link, status: await deps.linkStatus(row.link.kind, row.link.ref) } : null,
            doneOn: row.doneOn,
            openedAt: row.openedAt,
          });
        }
        return { items };
      },
    }),
  ];
}


