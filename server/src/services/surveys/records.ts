// The records of satisfaction surveys (居民满意度调查). Three services, kept apart on purpose:
//  - `survey`: a survey's definition and schedule, its ballots (the answers, released from the ballot box in
//    batches, sorted by content and naming no one) and its close;
//  - `surveyturnout`: who has answered ("household X answered survey S"), one object per survey and household;
//  - `surveytask`: the improvement tasks a low or falling score opens.
// A ballot and a turnout record share nothing but the survey id: see docs/surveys.md.
import { z } from "zod/v4";
import { count, defineRecord, objectId, unixSeconds } from "../framework/index.js";

export const SERVICE = "survey";
export const TURNOUT_SERVICE = "surveyturnout";
export const TASK_SERVICE = "surveytask";

/** The dimensions a survey may ask about, and the questions of each (their wording is the client's, in both languages). */
export const QUESTIONS = {
  environment: ["cleanliness", "greenery", "waste"],
  safety: ["nightLighting", "security", "fireSafety"],
  services: ["propertyService", "repairs", "officeService"],
  facilities: ["elevators", "parking", "playground"],
  neighbourhood: ["activities", "neighbours"],
} as const;
export type Dimension = keyof typeof QUESTIONS;
export const DIMENSIONS = Object.keys(QUESTIONS) as Dimension[];
export const dimension = z.enum(DIMENSIONS as [Dimension, ...Dimension[]]);
export const questionCode = z.string().regex(/^[a-z][a-zA-Z]{1,39}$/, "a question code, e.g. nightLighting");

/** The five levels of China's 好差评 scale: 1 非常不满意 … 5 非常满意. */
export const level = z.number().int().min(1).max(5);

/** A quarter, e.g. 2026Q3. */
export const quarter = z.string().regex(/^\d{4}Q[1-4]$/, "a quarter such as 2026Q3");

export const dimensionDef = z.object({
  code: dimension,
  /** The dimension's weight in the overall index (relative; equal by default). */
  weight: z.number().int().min(1).max(100),
  questions: z.array(questionCode).min(1).max(10),
});
export type DimensionDef = z.infer<typeof dimensionDef>;

export const Defined = defineRecord(
  SERVICE,
  "defined",
  z.object({
    estateId: count.min(1),
    quarter,
    opensAt: unixSeconds,
    closesAt: unixSeconds,
    dimensions: z.array(dimensionDef).min(1).max(DIMENSIONS.length),
    /** A dimension scoring below this (0–100) opens an improvement task. */
    lowBelow: z.number().int().min(0).max(100),
    /** …and so does one that fell by at least this many points since the estate's previous survey. */
    fallBy: z.number().int().min(1).max(100),
  }),
);
export type SurveyDef = z.infer<typeof Defined.schema>;

/**
 * One household's answers, in the order of the survey's questions (dimension by dimension). `building` is where
 * the household lives, or null when fewer than k ballots of that building were in the same release (it is then
 * counted in "other buildings"). Nothing else: no household, no person, no time of its own.
 */
export const Ballot = defineRecord(SERVICE, "ballot", z.object({ building: count.min(1).nullable(), answers: z.array(level).min(1).max(60) }));
export type BallotPayload = z.infer<typeof Ballot.schema>;

/**
 * The box entries a release took (their random 128-bit ids, sorted; recorded with its ballots in one append), so
 * that a restart never puts a released ballot back into the box. The entries are deleted right after the release:
 * an id then points at nothing, and the sorted list says nothing of which ballot had which id.
 */
export const Released = defineRecord(SERVICE, "released", z.object({ boxIds: z.array(z.string().regex(/^[0-9a-f]{32}$/)).min(1).max(100_000) }));

/** The survey closed: the households that answered, and the ballots counted (fewer only if a crash came between a turnout record and its ballot's box entry, before the answer was acknowledged). */
export const Closed = defineRecord(SERVICE, "closed", z.object({ participants: count, ballots: count }));

export const CHANNELS = ["online", "paper"] as const;
export type Channel = (typeof CHANNELS)[number];

/** Household `unitId` answered the survey (online, or on paper entered by staff for them). Never its answers. */
export const Participated = defineRecord(TURNOUT_SERVICE, "participated", z.object({ survey: objectId, estateId: count.min(1), unitId: count.min(1), channel: z.enum(CHANNELS) }));

export const TASK_REASONS = ["low", "falling"] as const;
export const LINK_KINDS = ["workorder", "renewal"] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** Scores in tenths of a point (0–1000): canonical JSON holds integers only. */
const tenths = z.number().int().min(0).max(1000);

export const TaskOpened = defineRecord(
  TASK_SERVICE,
  "opened",
  z.object({ survey: objectId, estateId: count.min(1), quarter, dimension, reason: z.enum(TASK_REASONS), scoreTenths: tenths, previousTenths: tenths.nullable() }),
);
/** Linked to a work order, or to a micro-renewal proposal (validated: whether the renewal service was there to check it). */
export const TaskLinked = defineRecord(TASK_SERVICE, "linked", z.object({ kind: z.enum(LINK_KINDS), ref: objectId, validated: z.boolean() }));
export const TaskCompleted = defineRecord(TASK_SERVICE, "completed", z.object({ doneOn: unixSeconds }));

export const SURVEY_RECORDS = [Defined, Ballot, Released, Closed];
export const TURNOUT_RECORDS = [Participated];
export const TASK_RECORDS = [TaskOpened, TaskLinked, TaskCompleted];
