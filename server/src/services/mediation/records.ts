// The records of a dispute (调解案件). Payloads hold codes, person ids, hashes and times only: what people wrote
// (what happened, what they want, an answer, a reason, the closing summary and terms) is a vault note and the
// record carries its salted commitment; the agreement is a document in the store, named by its hash.
import { z } from "zod/v4";
import { LANGUAGES, SKILLS } from "../talent/skills.js";
import { addressRef, commitmentRef, count, defineRecord, hashRef, personRef, unixSeconds } from "../framework/index.js";

export const SERVICE = "mediation";

export const CATEGORIES = ["noise", "parking", "leakBetweenFloors", "liftCostSharing", "propertyFees", "pets", "renovation", "neighbourConduct", "other"] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_NAMES: Record<Category, { "zh-CN": string; en: string }> = {
  noise: { "zh-CN": "噪音", en: "Noise" },
  parking: { "zh-CN": "停车", en: "Parking" },
  leakBetweenFloors: { "zh-CN": "楼上楼下漏水", en: "Leak between floors" },
  liftCostSharing: { "zh-CN": "电梯费用分摊", en: "Lift cost-sharing" },
  propertyFees: { "zh-CN": "物业费", en: "Property fees" },
  pets: { "zh-CN": "宠物", en: "Pets" },
  renovation: { "zh-CN": "装修", en: "Renovation" },
  neighbourConduct: { "zh-CN": "邻里纠纷", en: "Neighbours' conduct" },
  other: { "zh-CN": "其他", en: "Other" },
};

/** 枫桥: a dispute is settled as low as it can be; each step up is recorded. `court`: referred to the court (诉调对接). */
export const LEVELS = ["building", "community", "street", "court"] as const;
export type Level = (typeof LEVELS)[number];

export const OUTCOMES = ["resolved", "partlyResolved", "failed", "withdrawn", "escalated"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** 三所联动: the judicial office, the police station and a law firm may join a case in their own roles. */
export const PARTICIPANT_ROLES = ["judicialOffice", "police", "lawyer"] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

export const SOURCES = ["peoplesMediator", "talentPool"] as const;

export const ESCALATION_REASONS = ["silence", "declined", "failed", "complex", "partyRequest"] as const;
export const OVERRIDE_REASONS = ["partiesRequest", "language", "expertise", "availability", "conflictOfInterest", "other"] as const;
export const EXTENSION_REASONS = ["partiesRequest", "expertAssessment", "moreSessions", "partyUnavailable", "other"] as const;
export const REOPEN_REASONS = ["agreementNotKept", "newFacts", "partyRequest", "other"] as const;
export const SESSION_PLACES = ["mediationRoom", "online", "onSite", "other"] as const;
export const FOLLOW_UP_RESULTS = ["kept", "partlyKept", "notKept"] as const;

export const category = z.enum(CATEGORIES);
export const level = z.enum(LEVELS);
export const skill = z.enum(SKILLS);
export const language = z.enum(LANGUAGES);

/** Where: the estate, and the building (the estate's building id) or the flat it is about. */
export const place = z.object({ estateId: count.min(1), building: count.min(1).optional(), unitId: count.min(1).optional() });
export type Place = z.infer<typeof place>;

/** The other side: a person, or a flat (whoever lives there may answer; the people known at filing are told). */
export const respondent = z.union([z.object({ person: personRef }), z.object({ unitId: count.min(1), people: z.array(personRef).max(20) })]);
export type Respondent = z.infer<typeof respondent>;

export const Filed = defineRecord(
  SERVICE,
  "filed",
  z.object({
    category,
    place,
    level: z.enum(["building", "community"]),
    claimant: personRef,
    respondent,
    languages: z.array(language).max(4),
    account: commitmentRef.describe("what happened (a vault note)"),
    wish: commitmentRef.describe("what the claimant wants (a vault note)"),
    answerDueAt: unixSeconds,
    dueAt: unixSeconds,
  }),
);

/** The respondent's answer: agrees to mediate, or declines (mediation is voluntary: the office then decides). */
export const Answered = defineRecord(SERVICE, "answered", z.object({ by: personRef, accepts: z.boolean(), note: commitmentRef.optional() }));

/** One level up; `bySilence`: the respondent did not answer in time (the sweep). */
export const Escalated = defineRecord(
  SERVICE,
  "escalated",
  z.object({ from: level, to: level, reason: z.enum(ESCALATION_REASONS), bySilence: z.boolean(), note: commitmentRef.optional() }),
);

/** A mediator takes the case: the matching's proposal, or the office's choice over it (with its reason). */
export const Assigned = defineRecord(
  SERVICE,
  "assigned",
  z.object({
    mediator: personRef,
    address: addressRef.optional(),
    source: z.enum(SOURCES),
    by: z.enum(["matching", "office"]),
    proposed: personRef.nullable(),
    reason: z.enum(OVERRIDE_REASONS).optional(),
    note: commitmentRef.optional(),
  }),
);

export const Invited = defineRecord(SERVICE, "invited", z.object({ person: personRef, address: addressRef.optional(), role: z.enum(PARTICIPANT_ROLES) }));

export const SessionScheduled = defineRecord(SERVICE, "sessionScheduled", z.object({ session: count.min(1), at: unixSeconds, place: z.enum(SESSION_PLACES) }));
/** A session that took place (with who attended: person ids), or did not (`held: false`). */
export const SessionHeld = defineRecord(SERVICE, "sessionHeld", z.object({ session: count.min(1), held: z.boolean(), attendees: z.array(personRef).max(20) }));

/** The time limit moved on, with its reason. */
export const Extended = defineRecord(SERVICE, "extended", z.object({ days: count.min(1).max(60), reason: z.enum(EXTENSION_REASONS), note: commitmentRef.optional(), dueAt: unixSeconds }));

/**
 * The written agreement (人民调解协议书: facts, responsibilities, terms, the deadline to perform them, signatures) is
 * a document in the store; the record names its hash, the parties who signed, the performance deadline and the
 * deadline to apply jointly for judicial confirmation (30 days, People's Mediation Law art. 33).
 */
export const AgreementRecorded = defineRecord(
  SERVICE,
  "agreementRecorded",
  z.object({ document: hashRef, signedBy: z.array(personRef).min(2).max(20), performBy: unixSeconds, confirmationDueAt: unixSeconds }),
);

export const ConfirmationApplied = defineRecord(SERVICE, "confirmationApplied", z.object({ document: hashRef }));
export const ConfirmationDecided = defineRecord(SERVICE, "confirmationDecided", z.object({ confirmed: z.boolean() }));

/** Closed with its outcome at its level; the mediator's anonymised summary and the terms feed the similar cases. */
export const Closed = defineRecord(
  SERVICE,
  "closed",
  z.object({ outcome: z.enum(OUTCOMES), level, summary: commitmentRef.optional(), terms: commitmentRef.optional(), followUpDueAt: unixSeconds.nullable() }),
);

/** 回访: whether the agreement is being kept. */
export const FollowedUp = defineRecord(SERVICE, "followedUp", z.object({ result: z.enum(FOLLOW_UP_RESULTS), note: commitmentRef.optional() }));

export const Reopened = defineRecord(SERVICE, "reopened", z.object({ reason: z.enum(REOPEN_REASONS), note: commitmentRef.optional(), dueAt: unixSeconds }));

export const RECORDS = [Filed, Answered, Escalated, Assigned, Invited, SessionScheduled, SessionHeld, Extended, AgreementRecorded, ConfirmationApplied, ConfirmationDecided, Closed, FollowedUp, Reopened];

/**
 * The skills a category calls for, the most useful first (matching.ts). A retired judge (judiciary) counts where
 * the law does; a teacher (teaching) where it is about how neighbours live together: the talent pool's judges and
 * teachers are matched to mediation as its lawyers are (issue 15).
 */
export const CATEGORY_SKILLS: Record<Category, readonly (typeof SKILLS)[number][]> = {
  noise: ["mediation", "psychology", "teaching"],
  parking: ["property", "mediation", "law", "judiciary"],
  leakBetweenFloors: ["plumbing", "construction", "law", "mediation", "judiciary"],
  liftCostSharing: ["accounting", "property", "law", "mediation", "judiciary"],
  propertyFees: ["property", "accounting", "law", "judiciary"],
  pets: ["animals", "mediation", "teaching"],
  renovation: ["construction", "law", "mediation", "judiciary"],
  neighbourConduct: ["mediation", "psychology", "law", "judiciary", "teaching"],
  other: ["mediation", "law", "judiciary", "teaching"],
};

/** Categories about neighbours in one building: a mediator living in that building may not take them. */
export const BUILDING_CATEGORIES: readonly Category[] = ["noise", "leakBetweenFloors", "liftCostSharing", "pets", "renovation", "neighbourConduct"];
