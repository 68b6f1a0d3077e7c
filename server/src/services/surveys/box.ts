// The ballot box: answers wait here (in memory, and each on disk in an entry of its own) and leave in releases, so
// that neither the order of the journal nor the time of a ballot record says which household cast it
// (docs/surveys.md).
//
// A threshold pool mix: once `releaseAt + holdBack` ballots of a survey wait, all but `holdBack` of them, drawn at
// random, are released in one command (which sorts them by content); the rest wait for the next release, so a
// release holds ballots of households that answered before it, in any window; at close, everything is released,
// so the last release also holds at least `holdBack` ballots (if that many households answered at all).
// Durable: a ballot is acknowledged only once it is on disk in its own entry (`svc:surveyBox`, key
// `<survey>:<random 128-bit id>`, value `{building, answers}`: no time, no household, no sequence), written after its
// household's turnout record and never in the same batch. A release names the random ids it takes (`boxIds`, in the
// release record), and their entries are deleted right after it; on start, `restore` deletes the entries of ids
// already released (a crash between a release and its deletions) and puts every other one back into its pool. So
// a crash loses no acknowledged ballot and counts none twice. What a reader of the raw LevelDB files sees while
// answers come in (each ballot arriving next to its turnout) is what docs/surveys.md already admits.
import { randomBytes, randomInt } from "node:crypto";

export type PendingBallot = { building: number; answers: number[] };

/** Where waiting ballots are kept: one entry per ballot under `<survey>:<id>`. */
export type BoxStorage = {
  put: (key: string, ballot: PendingBallot) => Promise<void>;
  del: (keys: string[]) => Promise<void>;
  entries: () => AsyncIterable<[string, PendingBallot]>;
};

type Waiting = { id: string; ballot: PendingBallot };

/** Box storage in a LevelDB sublevel (the services' store: `svc:surveyBox`). */
export function levelBoxStorage(db: {
  sublevel: (name: string, options: { valueEncoding: "json" }) => {
    put: (key: string, value: PendingBallot, options?: { sync?: boolean }) => Promise<void>;
    batch: (ops: { type: "del"; key: string }[], options?: { sync?: boolean }) => Promise<void>;
    iterator: () => AsyncIterable<[string, PendingBallot]>;
  };
}): BoxStorage {
  const level = db.sublevel("svc:surveyBox", { valueEncoding: "json" });
  return {
    // sync: acknowledged means on disk, not in the OS's buffers.
    put: (key, ballot) => level.put(key, { building: ballot.building, answers: [...ballot.answers] }, { sync: true }),
    del: (keys) => (keys.length === 0 ? Promise.resolve() : level.batch(keys.map((key) => ({ type: "del" as const, key })), { sync: true })),
    entries: () => level.iterator(),
  };
}

/** A box entry's key, and back (a survey id holds no `:`, but the split is on the last one anyway). */
const keyOf = (survey: string, id: string) => `${survey}:${id}`;
const parseKey = (key: string) => {
  const at = key.lastIndexOf(":");
  return { survey: key.slice(0, at), id: key.slice(at + 1) };
};

export type BoxOptions = {
  releaseAt: number;
  holdBack: number;
  /** Appends a release (the survey service's `release` command, run by the server), naming its box ids (sorted). */
  release: (survey: string, ballots: PendingBallot[], boxIds: string[]) => Promise<void>;
  /** Where the waiting ballots are kept (in memory only if absent: tests of the mixing alone). */
  storage?: BoxStorage;
  /** Entries released but not deleted (a failed deletion): told how many only; the next start deletes them. */
  onError?: (what: string, count: number, error: unknown) => void;
  /** A release failed: its ballots went back into the box. Told only the survey and how many: never their content. */
  failed: (survey: string, count: number, error: unknown) => void;
};

export type BallotBox = {
  /** Whether answers to `survey` are still taken; if so, the caller must `leave` once it has cast or given up. */
  enter: (survey: string) => boolean;
  leave: (survey: string) => void;
  /** Keeps the ballot (on disk, then in its pool); resolves once it is on disk: only then may it be acknowledged. */
  cast: (survey: string, ballot: PendingBallot) => Promise<void>;
  /**
   * On start, before answers are taken: every kept entry whose id `released` says was released is deleted, every
   * other goes back into its survey's pool (`released` gives null for a survey whose ballots are no longer taken:
   * its entries are left on disk and counted in `stranded`).
   */
  restore: (released: (survey: string) => Promise<ReadonlySet<string> | null>) => Promise<{ restored: number; deleted: number; stranded: number }>;
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
  const pools = new Map<string, Waiting[]>();
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
      const ids = out.map((w) => w.id).sort();
      try {
        await options.release(
          survey,
          out.map((w) => w.ballot),
          ids,
        );
      } catch (error) {
        waiting.push(...out);
        options.failed(survey, out.length, error);
        return;
      }
      // Released: their entries go. A crash (or a failure) before this is undone at the next start (restore).
      await options.storage?.del(ids.map((id) => keyOf(survey, id))).catch((error: unknown) => options.onError?.("delete released ballots", ids.length, error));
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
    async cast(survey, ballot) {
      const id = randomBytes(16).toString("hex");
      await options.storage?.put(keyOf(survey, id), ballot);
      const waiting = pool(survey);
      waiting.push({ id, ballot });
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
    async restore(released) {
      const byKey = new Map<string, ReadonlySet<string> | null>();
      const gone: string[] = [];
      let restored = 0;
      let stranded = 0;
      for await (const [key, ballot] of options.storage?.entries() ?? []) {
        const { survey, id } = parseKey(key);
        if (!byKey.has(survey)) byKey.set(survey, await released(survey));
        const ids = byKey.get(survey)!;
        if (ids === null) stranded++;
        else if (ids.has(id)) gone.push(key);
        else {
          pool(survey).push({ id, ballot: { building: ballot.building, answers: ballot.answers } });
          restored++;
        }
      }
      if (gone.length > 0) await options.storage?.del(gone);
      for (const survey of byKey.keys()) if (pool(survey).length >= options.releaseAt + options.holdBack) void queue(survey, options.holdBack);
      return { restored, deleted: gone.length, stranded };
    },
    waiting: (survey) => pools.get(survey)?.length ?? 0,
  };
}
