// Seeded pseudo-random numbers for tests that draw kill points and delays: the seed is printed, and setting
// GONGZHI_TEST_SEED replays a run exactly (mulberry32: small, fast, and enough for spreading test cases).
export type Rng = {
  seed: number;
  /** A number in [0, 1). */
  next: () => number;
  /** An integer in [min, max] (both included). */
  int: (min: number, max: number) => number;
  pick: <T>(items: readonly T[]) => T;
};

export function seededRng(what: string): Rng {
  const fromEnv = process.env.GONGZHI_TEST_SEED;
  const seed = fromEnv !== undefined && fromEnv !== "" ? Number(fromEnv) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  console.log(`      ${what}: seed ${seed} (GONGZHI_TEST_SEED=${seed} replays it)`);
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}
