// The sweep nobody else runs: a suggestion still unanswered past its deadline is marked overdue, once, by the
// server itself (actor `{ system: "suggestion.sweep" }`), so the lateness is an anchored record and shows on the
// public page. It reads only the head of the `due` index (answer deadlines in time order), never every suggestion.
import type { Logger } from "pino";
import { dueIds, modelName, Refusal, systemPrincipal, startPeriodic, type Engine } from "../framework/index.js";
import { MODELS } from "./projections.js";
import { SERVICE } from "./records.js";

export const SUGGESTION_SWEEP_JOB = "suggestion.sweep";

export type SuggestionSweepResult = { marked: string[]; failed: { id: string; error: string }[] };

/** One pass at the clock's present time: every suggestion whose deadline has passed unanswered is marked overdue. */
export async function sweepSuggestions(options: { engine: Engine; clock?: () => number; batch?: number }): Promise<SuggestionSweepResult> {
  const { engine } = options;
  const now = Math.floor((options.clock ?? Date.now)() / 1000);
  const batch = options.batch ?? 500;
  const principal = systemPrincipal(SUGGESTION_SWEEP_JOB);
  const result: SuggestionSweepResult = { marked: [], failed: [] };
  const name = modelName(SERVICE, MODELS.due);
  // Overdue only once the deadline is behind (answerBy < now, i.e. the key's time at most now - 1).
  const ids = await dueIds(engine.storage, name, now, batch);
  for (const id of ids) {
    try {
      await engine.execute({ service: SERVICE, command: "markOverdue", id, body: {}, principal });
      result.marked.push(id);
    } catch (error) {
      // Answered (or marked) meanwhile: no longer due, not a failure.
      if (error instanceof Refusal && ["suggestion_wrong_status", "suggestion_not_overdue"].includes(error.code)) continue;
      result.failed.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

export type SuggestionSweepTimer = { runNow: () => Promise<SuggestionSweepResult>; stop: () => Promise<void> };

/** Runs the sweep every `intervalMs` (the first at once), never two at a time. */
export function startSuggestionSweeps(options: { engine: Engine; clock?: () => number; intervalMs: number; logger: Logger }): SuggestionSweepTimer {
  return startPeriodic("suggestion sweep", options.intervalMs, options.logger, async () => {
    const result = await sweepSuggestions(options);
    for (const failure of result.failed) options.logger.error({ suggestion: failure.id, error: failure.error }, "suggestion sweep: one failed; the others went on");
    if (result.marked.length > 0) options.logger.info({ marked: result.marked.length }, "suggestion sweep");
    return result;
  });
}
