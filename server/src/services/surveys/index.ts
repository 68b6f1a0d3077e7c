// Satisfaction surveys and the index (居民满意度指数, issue 16): quarterly surveys of an estate by dimension, answered
// once per household online or on paper, the answers unlinkable from the household (docs/surveys.md); the index
// per dimension and overall on 0–100 with its confidence interval, the trend, the heat map of buildings ×
// dimensions with cells of fewer than 10 hidden; low or falling scores opening improvement tasks. The one export
// the server composes.
import type { Logger } from "pino";
import type { RouteSpec } from "../../api/routes.js";
import {
  defineService,
  startPeriodic,
  submit,
  systemPrincipal,
  modelName,
  Refusal,
  type AnyService,
  type CommandAnswer,
  type CommandRequest,
  type Engine,
  type PeriodicTimer,
  type ServiceHttpOptions,
} from "../framework/index.js";
import { answerRoute, type HouseholdsOf } from "./answer.js";
import { ballotBox, type BallotBox, type BoxStorage } from "./box.js";
import { evolveSurvey, evolveTask, evolveTurnout, INITIAL_SURVEY, INITIAL_TASK, INITIAL_TURNOUT, surveyCommands, taskCommands, turnoutCommands, type SurveyState, type TaskFacts, type TaskState, type TurnoutState } from "./commands.js";
import { MODEL_NAMES, MODELS, projectSurvey, projectTask, projectTurnout, TASK_MODEL_NAMES, TURNOUT_MODEL_NAMES, TURNOUT_MODELS, type SurveyRow, type TurnoutCounts } from "./projections.js";
import { surveyQueries, taskQueries } from "./queries.js";
import { SERVICE, SURVEY_RECORDS, TASK_RECORDS, TASK_SERVICE, TURNOUT_RECORDS, TURNOUT_SERVICE, type Dimension } from "./records.js";
import { neighbourSurvey, resultsOf, triggers } from "./results.js";

export * from "./records.js";
export { answerRoute, isOpenAt, type Household, type HouseholdsOf } from "./answer.js";
export { ballotBox, levelBoxStorage, type BallotBox, type BoxStorage, type PendingBallot } from "./box.js";
export { answersProblem, releaseRecords, taskId, turnoutId, type SurveyState } from "./commands.js";
export { MODELS as SURVEY_MODELS, TASK_MODELS, TURNOUT_MODELS, projectSurvey, tallyKey, type SurveyRow, type TaskRow } from "./projections.js";
export { FORMULA, type SurveyView, type TaskView } from "./queries.js";
export { resultsOf, talliesOf, triggers } from "./results.js";
export { addBallot, buildingsToName, emptyTally, K_ANONYMITY, levelScore, mergeTallies, scoreBallot, statOf, surveyResults, type HeatRow, type Stat, type SurveyResults, type Tally } from "./scores.js";

export const SURVEY_SWEEP_JOB = "surveys.sweep";
export const BALLOT_BOX_JOB = "surveys.ballotbox";

export type SurveyDeps = {
  householdsOf: HouseholdsOf;
  clock?: () => number;
  /** The box releases once this many ballots wait beyond those it holds back (200 unless said). */
  releaseAt?: number;
  /** Ballots the box keeps back at each release, so that none is alone in the last one (10 unless said). */
  holdBack?: number;
  logger?: Pick<Logger, "error" | "info">;
  /** Where waiting ballots are kept (box.ts: levelBoxStorage on the services' store); in memory only if absent. */
  boxStorage?: BoxStorage;
};

export type Surveys = {
  services: AnyService[];
  useEngine: (engine: Engine) => void;
  /** The answer route (its own: the answers must not go through the framework's generic command route). */
  routes: (options: ServiceHttpOptions) => RouteSpec[];
  box: BallotBox;
  /** On start, once the engine is attached and before answers are taken: the kept ballots back into the box. */
  restoreBox: () => Promise<{ restored: number; deleted: number; stranded: number }>;
  /** Closes the surveys whose closing time has passed (the sweep's pass). */
  sweep: () => Promise<{ closed: string[] }>;
  startSweeps: (options: { intervalMs: number; logger: Logger }) => PeriodicTimer<{ closed: string[] }>;
};

export function surveyServices(deps: SurveyDeps): Surveys {
  const clock = deps.clock ?? Date.now;
  const running: { engine?: Engine } = {};
  const engine = () => {
    if (!running.engine) throw new Error("The surveys' engine is not attached yet (useEngine).");
    return running.engine;
  };
  const box = ballotBox({
    releaseAt: deps.releaseAt ?? 200,
    holdBack: deps.holdBack ?? 10,
    release: async (survey, ballots, boxIds) => {
      await engine().execute({ service: SERVICE, command: "release", id: survey, body: { ballots, boxIds }, principal: systemPrincipal(BALLOT_BOX_JOB) });
    },
    ...(deps.boxStorage ? { storage: deps.boxStorage } : {}),
    onError: (what, count, error) => deps.logger?.error({ count, error: error instanceof Error ? error.message : String(error) }, `the ballot box could not ${what}; the next start does`),
    failed: (survey, count, error) =>
      deps.logger?.error({ survey, count, error: error instanceof Refusal ? error.code : error instanceof Error ? error.message : String(error) }, "a release of the ballot box failed; its ballots wait for the next"),
  });

  // Closing: the box sealed and emptied first, then the close record, then the tasks its scores open.
  const close = async (request: CommandRequest, eng: Engine): Promise<CommandAnswer> => {
    const { version } = await eng.stateOf(SERVICE, request.id!);
    if (version > 0) await box.seal(request.id!);
    const answer = await eng.execute(request);
    await openTasks(eng, request.id!);
    return answer;
  };

  const openTasks = async (eng: Engine, survey: string) => {
    const row = await eng.storage.get<SurveyRow>(modelName(SERVICE, MODELS.surveys), survey);
    if (!row?.closed) return;
    const now = await resultsOf(eng.storage, row);
    if (!now) return;
    const previousRow = await neighbourSurvey(eng.storage, row.estateId, row.quarter, "before");
    const before = previousRow ? await resultsOf(eng.storage, previousRow) : null;
    for (const t of triggers(row, now, before)) {
      const body = { survey, estateId: row.estateId, quarter: row.quarter, dimension: t.dimension as Dimension, reason: t.reason, scoreTenths: Math.round(t.score * 10), previousTenths: t.previous === null ? null : Math.round(t.previous * 10) };
      await eng.execute({ service: TASK_SERVICE, command: "open", body, principal: systemPrincipal(SURVEY_SWEEP_JOB) }).catch((error: unknown) => {
        if (!(error instanceof Refusal && error.code === "survey_task_exists")) throw error;
      });
    }
  };

  const linkStatus = async (kind: "workorder" | "renewal", ref: string): Promise<string | null> => {
    const eng = engine();
    if (!eng.services.has(kind)) return null;
    const { version, state } = await eng.stateOf(kind, ref);
    return version === 0 ? null : (((state as { status?: unknown }).status as string | undefined) ?? "exists");
  };

  const surveyService = defineService<SurveyState>({
    name: SERVICE,
    basePath: "/api/surveys",
    noun: { "zh-CN": "满意度调查", en: "satisfaction survey" },
    records: SURVEY_RECORDS,
    initial: INITIAL_SURVEY,
    evolve: evolveSurvey,
    commands: surveyCommands.map((command) =>
      command.name === "close"
        ? {
            ...command,
            http: close,
            check: async (_input: unknown, { id }: { id: string }) => {
              const counts = (await engine().storage.get<TurnoutCounts>(modelName(TURNOUT_SERVICE, TURNOUT_MODELS.counts), id)) ?? { online: 0, paper: 0 };
              return { facts: { participants: counts.online + counts.paper } };
            },
          }
        : command,
    ),
    models: MODEL_NAMES,
    project: projectSurvey,
    queries: surveyQueries({ engine, householdsOf: deps.householdsOf, clock }),
  });

  const turnoutService = defineService<TurnoutState>({
    name: TURNOUT_SERVICE,
    basePath: "/api/surveys",
    noun: { "zh-CN": "答卷登记", en: "survey turnout" },
    records: TURNOUT_RECORDS,
    initial: INITIAL_TURNOUT,
    evolve: evolveTurnout,
    commands: turnoutCommands,
    models: TURNOUT_MODEL_NAMES,
    project: projectTurnout,
  });

  const taskService = defineService<TaskState>({
    name: TASK_SERVICE,
    basePath: "/api/surveys/tasks",
    noun: { "zh-CN": "整改任务", en: "improvement task" },
    records: TASK_RECORDS,
    initial: INITIAL_TASK,
    evolve: evolveTask,
    commands: taskCommands.map((command) =>
      command.name === "link" || command.name === "complete"
        ? {
            ...command,
            // A work order must exist (and be closed to complete the task); a renewal proposal is checked when the
            // renewal service runs beside this one, and recorded as not validated otherwise.
            check: async (input: { kind?: "workorder" | "renewal"; ref?: string }, { id }: { id: string }) => {
              const eng = engine();
              let kind = input.kind;
              let ref = input.ref;
              if (command.name === "complete") {
                const { state } = await eng.stateOf(TASK_SERVICE, id);
                const link = (state as TaskState).link;
                if (!link) return { facts: {} };
                [kind, ref] = [link.kind, link.ref];
              }
              if (!eng.services.has(kind!)) {
                if (kind === "workorder") return new Refusal(404, "survey_task_unknown_link", { kind: kind, ref: ref! });
                return { facts: { validated: false } satisfies TaskFacts };
              }
              const { version, state } = await eng.stateOf(kind!, ref!);
              if (version === 0) return new Refusal(404, "survey_task_unknown_link", { kind: kind!, ref: ref! });
              const status = (state as { status?: string }).status;
              const linkOpen = kind === "workorder" ? status !== "closed" : false;
              return { facts: { validated: true, linkOpen } satisfies TaskFacts };
            },
          }
        : command,
    ),
    models: TASK_MODEL_NAMES,
    project: projectTask,
    queries: taskQueries({ engine, linkStatus }),
  });

  const sweep = async () => {
    const eng = engine();
    const now = Math.floor(clock() / 1000);
    const closed: string[] = [];
    for await (const [id, closesAt] of eng.storage.list(modelName(SERVICE, MODELS.open))) {
      if ((closesAt as number) > now) continue;
      await submit(eng, { service: SERVICE, command: "close", id, body: {}, principal: systemPrincipal(SURVEY_SWEEP_JOB) });
      closed.push(id);
    }
    return { closed };
  };

  return {
    services: [surveyService, turnoutService, taskService],
    useEngine: (e) => {
      running.engine = e;
    },
    routes: (options) => [answerRoute({ ...options, engine, box, householdsOf: deps.householdsOf, clock })],
    box,
    restoreBox: async () => {
      const eng = engine();
      const outcome = await box.restore(async (survey) => {
        const { state, version } = await eng.stateOf(SERVICE, survey);
        const s = state as SurveyState;
        return version === 0 || s.closed ? null : new Set(s.released);
      });
      if (outcome.stranded > 0) deps.logger?.error({ count: outcome.stranded }, "ballots kept in the box of a closed or unknown survey were not counted");
      return outcome;
    },
    sweep,
    startSweeps: ({ intervalMs, logger }) => startPeriodic("survey sweep", intervalMs, logger, () => sweep()),
  };
}
