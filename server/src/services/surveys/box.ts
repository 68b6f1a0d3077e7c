// The ballot box: answers wait here, in memory only, and leave in releases, so that neither the order of the
// journal nor the time of a ballot record says which household cast it (docs/surveys.md).
//
// A threshold pool mix: once `releaseAt + holdBack` ballots of a survey wait, all but `holdBack` of them, drawn at
// random, are released in one command (which sorts them by content); the rest wait for the next release, so a
// release holds ballots of households that answered before it, in any window; at close, everything is released,
// so the last release also holds at least `holdBack` ballots (if that many households answered at all).
// Never on disk before release: a pending ballot written beside its household's turnout record would be joined to
// it by the write that holds both. The price: a crash loses the waiting ballots (at most releaseAt + holdBack − 1
// per survey); their households stay "answered", and the close record says participants vs ballots.
import { randomInt } from "node:crypto";

export type PendingBallot = { building: number; answers: number[] };

export type BoxOptions = {
  releaseAt: number;
  holdBack: number;
  /** Appends a release (the survey service's `release` command, run by the server). */
  release: (survey: string, ballots: PendingBallot[]) => Promise<void>;
  /** A release failed: its ballots went back into the box. Told only the survey and how many: never their content. */
  failed: (survey: string, count: number, error: unknown) => void;
};

export type BallotBox = {
  /** Whether answers to `survey` are still taken; if so, the caller must `leave` once it has cast or given up. */
  enter: (survey: string) => boolean;
  leave: (survey: string) => void;
  cast: (survey: string, ballot: PendingBallot) => void;
  /** Stops taking answers to `survey`, waits for those under way, and releases every waiting ballot. */
  seal: (survey: string) => Promise<void>;
  /** Releases every waiting ballot of every survey (the server stopping). */
  flushAll: () => Promise<void>;
  waiting: (survey: string) => number;
};

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export function ballotBox(options: BoxOptions): BallotBox {
  const pools = new Map<string, PendingBallot[]>();
  const chains = new Map<string, Promise<void>>();
  const inflight = new Map<string, number>();
  const idle = new Map<string, (() => void)[]>();
  const sealed = new Set<string>();

  const pool = (survey: string) => {
    let found = pools.get(survey);
    if (!found) pools.set(survey, (found = []));
    return found;
  };
  // Releases of one survey one at a time, in order; each takes its ballots out of the pool when it runs.
  const queue = (survey: string, keep: number): Promise<void> => {
    const next = (chains.get(survey) ?? Promise.resolve()).then(async () => {
      const waiting = shuffle(pool(survey));
      if (waiting.length <= keep || waiting.length === 0) return;
      const out = waiting.splice(0, waiting.length - keep);
      try {
        await options.release(survey, out);
      } catch (error) {
        waiting.push(...out);
        options.failed(survey, out.length, error);
      }
    });
    chains.set(survey, next);
    return next;
  };

  return {
    enter(survey) {
      if (sealed.has(survey)) return false;
      inflight.set(survey, (inflight.get(survey) ?? 0) + 1);
      return true;
    },
    leave(survey) {
      const left = (inflight.get(survey) ?? 1) - 1;
      inflight.set(survey, left);
      if (left === 0) for (const wake of idle.get(survey)?.splice(0) ?? []) wake();
    },
    cast(survey, ballot) {
      const waiting = pool(survey);
      waiting.push(ballot);
      if (waiting.length >= options.releaseAt + options.holdBack) void queue(survey, options.holdBack);
    },
    async seal(survey) {
      sealed.add(survey);
      if ((inflight.get(survey) ?? 0) > 0) await new Promise<void>((resolve) => (idle.get(survey) ?? idle.set(survey, []).get(survey)!).push(resolve));
      await queue(survey, 0);
      if (pool(survey).length > 0) throw new Error(`The ballot box could not release ${pool(survey).length} ballot(s) of survey ${survey}; try closing it again.`);
    },
    async flushAll() {
      await Promise.all([...pools.keys()].map((survey) => queue(survey, 0)));
    },
    waiting: (survey) => pools.get(survey)?.length ?? 0,
  };
}
