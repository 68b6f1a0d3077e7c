// POST /api/surveys/:id/answer: a household answers a survey, once. The route records the household's turnout
// (a framework command on the turnout service, named by the household, actor the resident or the staff member
// entering a paper form under an authorisation), and puts the answers into the ballot box, which releases them
// later, mixed with others, as records naming no one (box.ts). The answers never reach the turnout command, the
// idempotency store (a retry is answered 409 survey_already_answered instead), the outbox, or a log.
import { z } from "zod/v4";
import { requireSession } from "../../api/auth/routes.js";
import { ApiError } from "../../api/errors.js";
import { defineRoute, type RouteSpec } from "../../api/routes.js";
import { apiErrorOf, principalOf } from "../framework/http.js";
import { count, objectId, refuse, type Engine, type ServiceHttpOptions } from "../framework/index.js";
import type { BallotBox } from "./box.js";
import { answersProblem, type SurveyState } from "./commands.js";
import { level, SERVICE, TURNOUT_SERVICE } from "./records.js";

export type Household = { unitId: number; estateId: number; buildingId: number };

/** The households (flats) of a person: an address (the flats it holds, and its people's) or a vault person id. */
export type HouseholdsOf = (who: string) => Promise<Household[]>;

export const NOUN = { "zh-CN": "满意度调查", en: "satisfaction survey" };

/** Whether a survey takes answers at `now` (Unix seconds). */
export function isOpenAt(state: SurveyState, now: number): boolean {
  return state.def !== null && !state.closed && now >= state.def.opensAt && now < state.def.closesAt;
}

const answerBody = z.object({
  answers: z.array(level).min(1).max(60).describe("one level per question, in the survey's order: 5 非常满意 … 1 非常不满意"),
  unitId: count.min(1).optional().describe("which of your flats answers (needed only if you have several in the estate)"),
  onBehalfOf: z.string().regex(/^[\x21-\x7e]{1,100}$/).optional().describe("staff entering a paper form: the resident's address or person id"),
  authorisation: z.string().regex(/^[\x21-\x7e]{1,100}$/).optional().describe("staff entering a paper form: the recorded authorisation"),
});

export const answerResult = z.object({
  survey: z.string(),
  unitId: z.number(),
  channel: z.enum(["online", "paper"]),
  proxy: z.object({ onBehalfOf: z.string(), authorisation: z.string() }).nullable(),
  recordIds: z.array(z.number()).describe("the turnout record (your household answered); the answers themselves are released later, naming no one"),
  seqs: z.array(z.number()),
});

export type AnswerRouteDeps = ServiceHttpOptions & { engine: () => Engine; box: BallotBox; householdsOf: HouseholdsOf; clock: () => number };

export function answerRoute(deps: AnswerRouteDeps): RouteSpec {
  return defineRoute({
    method: "post",
    path: "/api/surveys/:id/answer",
    summary: "A household answers a survey, once: online by a resident of the flat, or on paper entered by staff for them (onBehalfOf, authorisation). Its answers are kept apart from the record that it answered.",
    tags: [SERVICE],
    status: 201,
    params: z.object({ id: objectId }),
    body: answerBody,
    response: answerResult,
    before: [requireSession(deps.sessions)],
    // Nothing of the request is read but its session: the request log holds its route, status and duration only.
    handler: ({ params, body, req }) => answer(deps, params.id, body, principalOf(req, deps)),
  });
}

type AnswerInput = z.infer<typeof answerBody>;

async function answer(deps: AnswerRouteDeps, survey: string, body: AnswerInput, principal: ReturnType<typeof principalOf>) {
  const engine = deps.engine();
  try {
    const { state, version } = await engine.stateOf(SERVICE, survey);
    if (version === 0) throw refuse(404, "unknown_record", { kind: NOUN, id: survey });
    const s = state as SurveyState;
    const now = Math.floor(deps.clock() / 1000);
    if (!isOpenAt(s, now)) throw refuse(409, "survey_not_open", { opensAt: s.def!.opensAt, closesAt: s.def!.closesAt });
    const problem = answersProblem(s.def!, body.answers);
    if (problem) throw refuse(400, "survey_bad_answers", { problem });
    const who = body.onBehalfOf ?? principal.address;
    const homes = (await deps.householdsOf(who)).filter((h) => h.estateId === s.def!.estateId);
    const home = body.unitId === undefined ? homes.sort((a, b) => a.unitId - b.unitId)[0] : homes.find((h) => h.unitId === body.unitId);
    if (!home) throw refuse(403, "survey_not_household", { estateId: s.def!.estateId, unitId: body.unitId ?? "-" });
    if (!deps.box.enter(survey)) throw refuse(409, "survey_not_open", { opensAt: s.def!.opensAt, closesAt: s.def!.closesAt });
    try {
      const turnout = await engine.execute({
        service: TURNOUT_SERVICE,
        command: "participate",
        body: {
          survey,
          estateId: home.estateId,
          unitId: home.unitId,
          ...(body.onBehalfOf !== undefined ? { onBehalfOf: body.onBehalfOf } : {}),
          ...(body.authorisation !== undefined ? { authorisation: body.authorisation } : {}),
        },
        principal,
      });
      // Only once the turnout is on disk: a household refused (already answered) casts nothing. Acknowledged only
      // once the ballot is on disk too, in its own write (box.ts).
      await deps.box.cast(survey, { building: home.buildingId, answers: [...body.answers] });
      return {
        survey,
        unitId: home.unitId,
        channel: turnout.body.proxy ? ("paper" as const) : ("online" as const),
        proxy: turnout.body.proxy,
        recordIds: turnout.body.recordIds,
        seqs: turnout.body.seqs,
      };
    } finally {
      deps.box.leave(survey);
    }
  } catch (error) {
    throw error instanceof ApiError ? error : apiErrorOf(error);
  }
}
