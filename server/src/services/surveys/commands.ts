// The surveys' states and commands: defining a survey (the office), releasing ballots from the box and closing
// (the server, or the office), a household's participation (the answer route runs it), and improvement tasks.
import { z } from "zod/v4";
import { count, defineCommand, objectId, refuse, unixSeconds, type JournalRecord } from "../framework/index.js";
import {
  Ballot,
  Closed,
  Defined,
  DIMENSIONS,
  dimension,
  level,
  LINK_KINDS,
  Participated,
  QUESTIONS,
  Released,
  quarter,
  TaskCompleted,
  TaskLinked,
  TaskOpened,
  TASK_REASONS,
  type BallotPayload,
  type Channel,
  type Dimension,
  type LinkKind,
  type SurveyDef,
} from "./records.js";
import { buildingsToName, K_ANONYMITY, questionsOf } from "./scores.js";

/** `released`: the box ids of the ballots released (box.ts: a restart deletes their entries rather than count them again). */
export type SurveyState = { def: SurveyDef | null; ballots: number; closed: boolean; released: string[] };
export const INITIAL_SURVEY: SurveyState = { def: null, ballots: 0, closed: false, released: [] };

export function evolveSurvey(state: SurveyState, record: JournalRecord): SurveyState {
  if (Defined.is(record)) return { ...state, def: record.payload };
  if (Ballot.is(record)) return { ...state, ballots: state.ballots + 1 };
  if (Released.is(record)) return { ...state, released: [...state.released, ...record.payload.boxIds] };
  if (Closed.is(record)) return { ...state, closed: true };
  return state;
}

export type TurnoutState = { channel: Channel | null };
export const INITIAL_TURNOUT: TurnoutState = { channel: null };
export const evolveTurnout = (state: TurnoutState, record: JournalRecord): TurnoutState =>
  Participated.is(record) ? { channel: record.payload.channel } : state;

/** The turnout object of a household in a survey: one per pair, so a second answer meets the first under its lock. */
export const turnoutId = (survey: string, unitId: number) => `${survey}-u${unitId}`;

export type TaskState = {
  opened: z.infer<typeof TaskOpened.schema> | null;
  link: { kind: LinkKind; ref: string; validated: boolean } | null;
  doneOn: number | null;
};
export const INITIAL_TASK: TaskState = { opened: null, link: null, doneOn: null };
export function evolveTask(state: TaskState, record: JournalRecord): TaskState {
  if (TaskOpened.is(record)) return { ...state, opened: record.payload };
  if (TaskLinked.is(record)) return { ...state, link: record.payload };
  if (TaskCompleted.is(record)) return { ...state, doneOn: record.payload.doneOn };
  return state;
}
export const taskId = (survey: string, dim: Dimension) => `${survey}-${dim}`;

/** Whether `answers` fit the survey: one level 1–5 per question, in order. */
export function answersProblem(def: SurveyDef, answers: readonly unknown[]): string | null {
  const expected = questionsOf(def).length;
  if (answers.length !== expected) return `${answers.length} answers for ${expected} questions`;
  const bad = answers.findIndex((a) => !level.safeParse(a).success);
  return bad >= 0 ? `answer ${bad + 1} is ${JSON.stringify(answers[bad])}, not a level 1–5` : null;
}

const dimensionInput = z.object({
  code: dimension,
  weight: z.number().int().min(1).max(100).default(1),
  questions: z.array(z.string().regex(/^[a-z][a-zA-Z]{1,39}$/)).min(1).max(10).optional(),
});

export const DEFAULT_LOW_BELOW = 60;
export const DEFAULT_FALL_BY = 5;

export const surveyCommands = [
  defineCommand({
    name: "define",
    summary: "The community office defines a quarter's survey of an estate: dimensions (weights), questions, when it opens and closes",
    target: "new",
    input: z.object({
      estateId: count.min(1),
      quarter,
      opensAt: unixSeconds,
      closesAt: unixSeconds,
      dimensions: z.array(dimensionInput).min(1).max(DIMENSIONS.length).optional(),
      lowBelow: z.number().int().min(0).max(100).default(DEFAULT_LOW_BELOW),
      fallBy: z.number().int().min(1).max(100).default(DEFAULT_FALL_BY),
    }),
    who: ["staff"],
    decide: (_state: SurveyState, input) => {
      if (input.closesAt <= input.opensAt) return refuse(400, "survey_bad_schedule", { opensAt: input.opensAt, closesAt: input.closesAt });
      const dims: { code: Dimension; weight: number; questions?: string[] }[] = input.dimensions ?? DIMENSIONS.map((code) => ({ code, weight: 1 }));
      const seen = new Set<string>();
      for (const d of dims) {
        if (seen.has(d.code)) return refuse(400, "survey_duplicate_dimension", { dimension: d.code });
        seen.add(d.code);
        const known: readonly string[] = QUESTIONS[d.code];
        const unknown = (d.questions ?? []).find((q) => !known.includes(q));
        if (unknown) return refuse(400, "survey_unknown_question", { question: unknown, dimension: d.code, known: known.join(", ") });
      }
      return [
        Defined({
          estateId: input.estateId,
          quarter: input.quarter,
          opensAt: input.opensAt,
          closesAt: input.closesAt,
          dimensions: dims.map((d) => ({ code: d.code, weight: d.weight, questions: [...new Set<string>(d.questions ?? QUESTIONS[d.code])] })),
          lowBelow: input.lowBelow,
          fallBy: input.fallBy,
        }),
      ];
    },
  }),
  defineCommand({
    name: "release",
    summary: "The server releases ballots from the ballot box (sorted by their content, buildings of fewer than k withheld)",
    target: "existing",
    input: z.object({
      ballots: z.array(z.object({ building: count.min(1), answers: z.array(level).min(1).max(60) })).min(1).max(100_000),
      boxIds: z.array(z.string().regex(/^[0-9a-f]{32}$/)).min(1).max(100_000).describe("the box entries released, one per ballot"),
    }),
    who: ["system"],
    http: false,
    decide: (state: SurveyState, input) => {
      if (!state.def) return refuse(409, "survey_closed", { id: "-" });
      if (state.closed) return refuse(409, "survey_closed", { id: state.def.quarter });
      for (const b of input.ballots) {
        const problem = answersProblem(state.def, b.answers);
        if (problem) return refuse(400, "survey_bad_answers", { problem });
      }
      // One id per ballot, none released before: a ballot the box restored twice would be refused, not counted twice.
      const ids = new Set(input.boxIds);
      const before = new Set(state.released);
      if (ids.size !== input.ballots.length || input.boxIds.some((id) => before.has(id))) return refuse(409, "survey_box_ids", { ballots: input.ballots.length, ids: ids.size });
      return [Released({ boxIds: [...ids].sort() }), ...releaseRecords(input.ballots).map((b) => Ballot(b))];
    },
  }),
  defineCommand({
    name: "close",
    summary: "Closes a survey: the ballots still in the box are released first, then its index is published (the server at its closing time, or the office)",
    target: "existing",
    input: z.object({}),
    who: ["staff", "system"],
    decide: (state: SurveyState, _input, { facts }) => {
      if (state.closed || !state.def) return refuse(409, "survey_closed", { id: state.def?.quarter ?? "-" });
      const participants = (facts as { participants?: number } | undefined)?.participants ?? 0;
      return [Closed({ participants, ballots: state.ballots })];
    },
  }),
];

/**
 * The ballots of one release as records: the building named only where k ballots of it are in the release
 * (scores.ts: buildingsToName), then sorted by content, so the order says nothing of when each was cast.
 */
export function releaseRecords(ballots: readonly { building: number; answers: readonly number[] }[], k = K_ANONYMITY): BallotPayload[] {
  const counts = new Map<number, number>();
  for (const b of ballots) counts.set(b.building, (counts.get(b.building) ?? 0) + 1);
  const named = buildingsToName(counts, k);
  const out = ballots.map((b) => ({ building: named.has(b.building) ? b.building : null, answers: [...b.answers] }));
  const text = (b: BallotPayload) => `${b.building === null ? "~" : String(b.building).padStart(10, "0")}:${b.answers.join("")}`;
  return out.sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
}

export const turnoutCommands = [
  defineCommand({
    name: "participate",
    summary: "Household unitId answered the survey (run by the answer route, which keeps the answers apart; never the answers)",
    target: "new",
    idOf: (input: { survey: string; unitId: number }) => turnoutId(input.survey, input.unitId),
    input: z.object({ survey: objectId, estateId: count.min(1), unitId: count.min(1) }),
    who: "signedIn",
    proxy: true,
    http: false,
    decide: (state: TurnoutState, input, { actor }) => {
      if (state.channel !== null) return refuse(409, "survey_already_answered", { unitId: input.unitId, channel: state.channel });
      // On paper: staff entered it for the household, under the authorisation the record's actor names.
      return [Participated({ survey: input.survey, estateId: input.estateId, unitId: input.unitId, channel: "onBehalfOf" in actor ? "paper" : "online" })];
    },
  }),
];

export type TaskFacts = { validated?: boolean; linkOpen?: boolean };

export const taskCommands = [
  defineCommand({
    name: "open",
    summary: "Opens an improvement task for a low or falling dimension of a survey (the server at close, or the office)",
    target: "new",
    idOf: (input: { survey: string; dimension: Dimension }) => taskId(input.survey, input.dimension),
    input: z.object({
      survey: objectId,
      estateId: count.min(1),
      quarter,
      dimension,
      reason: z.enum(TASK_REASONS),
      scoreTenths: z.number().int().min(0).max(1000),
      previousTenths: z.number().int().min(0).max(1000).nullable(),
    }),
    who: ["staff", "system"],
    decide: (state: TaskState, input) => (state.opened ? refuse(409, "survey_task_exists", { dimension: input.dimension }) : [TaskOpened(input)]),
  }),
  defineCommand({
    name: "link",
    summary: "Links an improvement task to a work order or a micro-renewal proposal (by its id)",
    target: "existing",
    input: z.object({ kind: z.enum(LINK_KINDS), ref: objectId }),
    who: ["staff"],
    decide: (state: TaskState, input, { facts }) => {
      if (state.doneOn !== null) return refuse(409, "survey_task_done", {});
      return [TaskLinked({ kind: input.kind, ref: input.ref, validated: (facts as TaskFacts | undefined)?.validated ?? false })];
    },
  }),
  defineCommand({
    name: "complete",
    summary: "Marks an improvement task done (its work order closed); the next survey measures it again",
    target: "existing",
    input: z.object({ doneOn: unixSeconds }),
    who: ["staff"],
    decide: (state: TaskState, input, { facts }) => {
      if (state.doneOn !== null) return refuse(409, "survey_task_done", {});
      if (!state.link) return refuse(409, "survey_task_not_linked", {});
      if ((facts as TaskFacts | undefined)?.linkOpen) return refuse(409, "survey_task_link_open", { kind: state.link.kind, ref: state.link.ref });
      return [TaskCompleted({ doneOn: input.doneOn })];
    },
  }),
];
