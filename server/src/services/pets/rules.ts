// The code's rules as plain functions: points per year, deductions by violation, colours, what the course gives
// back. Points are counted per calendar year in China time (UTC+8): a new year starts from the full allowance.
import type { Violation } from "./records.js";

/** What a community sets (docs/pets.md). */
export type PetSettings = {
  /** Points at the start of each year (Jinan's dog licence: 12). */
  pointsPerYear: number;
  /** Points a confirmed report deducts, by violation. */
  deductions: Record<Violation, number>;
  /** Green while points are above this; yellow from it down to 1; red at 0. */
  greenAbove: number;
  /** Points the education course gives back to a red code. */
  courseRestores: number;
};

export const DEFAULT_PET_SETTINGS: PetSettings = {
  pointsPerYear: 12,
  deductions: { fouling: 4, noLeash: 3, noise: 2 },
  greenAbove: 6,
  courseRestores: 6,
};

export type Colour = "green" | "yellow" | "red";

/** A change of points in one year (a deduction is negative). */
export type PointsEntry = { year: number; delta: number };

const CHINA = 8 * 3600;

/** The calendar year of Unix seconds in China time. */
export const yearOf = (unix: number): number => new Date((unix + CHINA) * 1000).getUTCFullYear();
/** `YYYY-MM` of Unix seconds in China time. */
export const monthOf = (unix: number): string => new Date((unix + CHINA) * 1000).toISOString().slice(0, 7);

/** Points left in `year`: the allowance, each change applied in order, never below 0 nor above the allowance. */
export function pointsIn(entries: readonly PointsEntry[], year: number, settings: PetSettings): number {
  let points = settings.pointsPerYear;
  for (const e of entries) if (e.year === year) points = Math.max(0, Math.min(settings.pointsPerYear, points + e.delta));
  return points;
}

export function colourOf(points: number, settings: PetSettings): Colour {
  if (points <= 0) return "red";
  return points > settings.greenAbove ? "green" : "yellow";
}
