/** One measured figure. `name` is the key in docs/benchmarks.json (e.g. "ballot.gas.direct"). */
export type Figure = {
  name: string;
  value: number;
  unit: string;
  description: string;
};

/** A benchmark module: `scripts/bench/<name>.bench.ts` default-exports one of these. */
export type BenchModule = {
  title: string;
  /** Measures and returns its figures; prints its own progress. Must stop by itself. */
  run: () => Promise<Figure[]>;
  /** Markdown printed under the module's table in docs/benchmarks.md: how to read the figures. */
  notes?: string;
};

/** Rounds to a few significant decimals so that the JSON stays readable. */
export function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** The middle value (the upper one of an even count). */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}
