// The demo's satisfaction surveys (issue 16): four quarters of the estate's survey, answered through the API by
// about sixty households a quarter (few of one building in the first, whose row the heat map then hides), closed by the server's sweep as the services' clock passes their closing
// time. Night lighting scores low in the second quarter: the close opens an improvement task for safety, the office
// links it to a micro-renewal project (solar street lamps) and marks it done; the next quarters' safety score rises
// by about a fifth. Seeded.
import { apiCall, sessions } from "./api.js";
import { prng, type DemoPlan } from "./plan.js";

const DAY = 86_400;
export const SURVEY_QUARTER_SECONDS = 91 * DAY;
/** The four quarters the demo plays, before everything else the services' clock plays. */
export const SURVEY_YEAR_SECONDS = 4 * SURVEY_QUARTER_SECONDS;

/** Mean level (1–5) of each question, quarter by quarter: night lighting falls, then the lamps go in. */
const MEANS: Record<string, [number, number, number, number]> = {
  cleanliness: [3.9, 4.0, 4.0, 4.1],
  greenery: [3.7, 3.8, 3.8, 3.9],
  waste: [3.4, 3.5, 3.5, 3.6],
  nightLighting: [3.3, 2.3, 3.6, 3.7],
  security: [3.8, 3.7, 3.8, 3.9],
  fireSafety: [3.9, 3.8, 3.9, 3.9],
  propertyService: [3.6, 3.7, 3.7, 3.8],
  repairs: [3.5, 3.6, 3.7, 3.8],
  officeService: [4.0, 4.0, 4.1, 4.1],
  elevators: [3.6, 3.7, 3.7, 3.8],
  parking: [3.4, 3.4, 3.5, 3.5],
  playground: [3.8, 3.8, 3.9, 3.9],
  activities: [3.8, 3.9, 3.9, 4.0],
  neighbours: [4.1, 4.1, 4.2, 4.2],
};

export type SurveyYear = { quarters: { quarter: string; answered: number; overall: number | null; safety: number | null }[]; tasks: number; improved: { before: number; after: number } | null };

export type SurveyDemoDeps = {
  apiUrl: string;
  chainId: number;
  plan: DemoPlan;
  estateId: number;
  /** Moves the services' clock forward to Unix seconds. */
  at: (seconds: number) => void;
  /** Unix seconds of the services' clock where the first quarter begins. */
  start: number;
  /** One pass of the surveys' sweep at the services' clock (it closes a survey past its closing time). */
  sweep: () => Promise<unknown>;
  /** How many households answer each quarter (60 unless said). */
  households?: number;
  seed?: number;
};

/** The quarter `q` quarters after the one `seconds` falls in, e.g. 2025Q4 + 1 = 2026Q1. */
const quarterLabel = (seconds: number, q: number) => {
  const d = new Date(seconds * 1000);
  const n = d.getUTCFullYear() * 4 + Math.floor(d.getUTCMonth() / 3) + q;
  return `${Math.floor(n / 4)}Q${(n % 4) + 1}`;
};

export async function playSurveyYear(deps: SurveyDemoDeps): Promise<SurveyYear> {
  const { apiUrl: api, plan } = deps;
  const random = prng(deps.seed ?? 16);
  const tokenOf = sessions(api, deps.chainId);
  const office = await tokenOf(plan.staff[0]!.account);
  const wanted = deps.households ?? 60;
  // Spread over the estate's buildings (owners are listed building by building).
  const spread = Array.from({ length: Math.min(wanted, plan.owners.length) }, (_, j) => plan.owners[Math.floor((j * plan.owners.length) / wanted)]!);
  const quarters: SurveyYear["quarters"] = [];
  for (let q = 0; q < 4; q++) {
    const opensAt = deps.start + q * SURVEY_QUARTER_SECONDS;
    deps.at(opensAt);
    const quarter = quarterLabel(deps.start, q);
    const survey = (await apiCall(api, office, "POST", "/api/surveys/define", { estateId: deps.estateId, quarter, opensAt, closesAt: opensAt + 21 * DAY })) as { id: string };
    const { items } = (await apiCall(api, undefined, "GET", `/api/surveys?estateId=${deps.estateId}`)) as { items: { id: string; dimensions: { questions: string[] }[] }[] };
    const questions = items.find((s) => s.id === survey.id)!.dimensions.flatMap((d) => d.questions);
    // In the first quarter few in the old walk-up (3号楼) answer: fewer than 10, so the heat map hides its row.
    const answering = q === 0 ? spread.filter((o, i) => !o.label.startsWith("3号楼") || i % 5 === 0) : spread;
    let answered = 0;
    for (let i = 0; i < answering.length; i += 10) {
      deps.at(opensAt + Math.floor(((i + 1) / (answering.length + 1)) * 20 * DAY));
      await Promise.all(
        answering.slice(i, i + 10).map(async (owner) => {
          const answers = questions.map((code) => Math.max(1, Math.min(5, Math.round((MEANS[code]?.[q] ?? 3.5) + (random() - 0.5) * 2.2))));
          await apiCall(api, await tokenOf(owner.account), "POST", `/api/surveys/${survey.id}/answer`, { answers });
          answered++;
        }),
      );
    }
    deps.at(opensAt + 22 * DAY);
    await deps.sweep();
    const results = (await apiCall(api, undefined, "GET", `/api/surveys/results/${survey.id}`)) as { results: { overall: { mean: number } | null; dimensions: { code: string; stat: { mean: number } | null }[] } };
    quarters.push({ quarter, answered, overall: results.results.overall?.mean ?? null, safety: results.results.dimensions.find((d) => d.code === "safety")?.stat?.mean ?? null });
    // The office follows the tasks the close opened: the safety one becomes the solar street lamps (a micro-renewal
    // project), finished before the next survey.
    const tasks = (await apiCall(api, undefined, "GET", `/api/surveys/tasks?estateId=${deps.estateId}`)) as { items: { id: string; survey: string; dimension: string; status: string }[] };
    // The others stay open, as the office has not yet taken them up.
    for (const task of tasks.items.filter((t) => t.survey === survey.id && t.dimension === "safety")) {
      deps.at(opensAt + 30 * DAY);
      // A resident of the dark path proposes the lamps to the micro-renewal fund; the task is linked to that project.
      const proposer = await tokenOf(spread[0]!.account);
      const lamps = (await apiCall(api, proposer, "POST", "/api/renewal/propose", {
        estateId: deps.estateId,
        title: "小区夜间步道加装太阳能路灯",
        place: "2号楼至4号楼之间的步道",
        description: "晚上步道太暗，老人散步看不清台阶。建议沿步道加装12盏太阳能路灯，不用拉电线。",
        minimumFen: 1_800_000,
        optimumFen: 2_400_000,
      })) as { id: string };
      await apiCall(api, office, "POST", `/api/surveys/tasks/${task.id}/link`, { kind: "renewal", ref: lamps.id });
      deps.at(opensAt + 70 * DAY);
      await apiCall(api, office, "POST", `/api/surveys/tasks/${task.id}/complete`, { doneOn: opensAt + 70 * DAY });
    }
  }
  const tasks = (await apiCall(api, undefined, "GET", `/api/surveys/tasks?estateId=${deps.estateId}`)) as { items: { dimension: string; before: { mean: number }; after: { mean: number } | null }[] };
  const lamps = tasks.items.find((t) => t.dimension === "safety" && t.after);
  return { quarters, tasks: tasks.items.length, improved: lamps ? { before: lamps.before.mean, after: lamps.after!.mean } : null };
}
