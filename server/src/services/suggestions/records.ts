// The records of suggestions (意见建议) and of open days (开放日). A suggestion's text, the office's answer and a
// name its author chose to show are kept in the vault as notes (texts.ts): the records carry their salted
// commitments only. The author (an address, or a vault person id staff typed in at an open day) is never in a
// record: a received record carries the author's keyed pseudonym for that one suggestion (`authorTag`), and an
// online one names a sealed actor (receipts/actor.ts), so a public receipt leads to no one. An open day is a public
// event: its date, place and theme are the office's public words.
import { z } from "zod/v4";
import { addressRef, amountFen, commitmentRef, count, defineRecord, hashRef, objectId, personRef, unixSeconds } from "../framework/index.js";

export const SERVICE = "suggestion";
export const OPEN_DAY_SERVICE = "openday";

/** `online`: sent by the resident (or staff for them under an authorisation); `openDay`: written down by staff at an open day. */
export const CHANNELS = ["online", "openDay"] as const;
export type Channel = (typeof CHANNELS)[number];

export const TOPICS = ["environment", "greening", "parking", "safety", "elderly", "children", "facilities", "property", "culture", "other"] as const;
export type Topic = (typeof TOPICS)[number];

export const DECLINE_REASONS = ["notFeasible", "outOfScope", "duplicate", "noBudget", "othersObject", "other"] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** An author: the resident's address, or the vault person id of someone staff wrote it down for. */
export const author = z.union([addressRef, personRef]);

export const Received = defineRecord(
  SERVICE,
  "received",
  z.object({
    channel: z.enum(CHANNELS),
    openDay: objectId.optional(),
    topic: z.enum(TOPICS),
    text: commitmentRef,
    /**
     * The author's keyed pseudonym for this suggestion (`authorTag`, texts.ts): the server recognises its author by
     * it; nobody without the vault can tell who it is, nor that two suggestions have one author. Absent: an
     * open-day suggestion whose author staff did not name.
     */
    authorTag: hashRef.optional(),
    /** The name the author chose to show publicly (a vault note); absent: shown without a name. */
    shownName: commitmentRef.optional(),
    /** The answer is due by then (the setting in force when it was received). */
    answerBy: unixSeconds,
  }),
);

/** The office's answer with its reason; `late` when given after `answerBy` (it still counts as answered, not in time). */
export const Answered = defineRecord(SERVICE, "answered", z.object({ text: commitmentRef, late: z.boolean() }));
export const Adopted = defineRecord(SERVICE, "adopted", z.object({ plan: commitmentRef.optional() }));
export const Declined = defineRecord(SERVICE, "declined", z.object({ reason: z.enum(DECLINE_REASONS), text: commitmentRef }));
export const Implemented = defineRecord(SERVICE, "implemented", z.object({ costFen: amountFen, doneOn: unixSeconds }));
/** Unanswered past its deadline: marked by the server's sweep (sweep.ts), once. */
export const Overdue = defineRecord(SERVICE, "overdue", z.object({ answerBy: unixSeconds }));
/** The author no longer shows their name. */
export const NameHidden = defineRecord(SERVICE, "nameHidden", z.object({}));

export const RECORDS = [Received, Answered, Adopted, Declined, Implemented, Overdue, NameHidden];

/** Public words of the office (not about a person): a short line. */
export const publicLine = z.string().trim().min(1).max(80);

export const Scheduled = defineRecord(
  OPEN_DAY_SERVICE,
  "scheduled",
  z.object({ date: unixSeconds, estateId: count.min(1), place: publicLine, theme: publicLine }),
);
/** The head count at the door (everyone who came, registered or not). */
export const AttendanceRecorded = defineRecord(OPEN_DAY_SERVICE, "attendanceRecorded", z.object({ count }));
/** A registered attendee: the resident (the actor), or a person staff registered. */
export const Registered = defineRecord(OPEN_DAY_SERVICE, "registered", z.object({ attendee: author }));

export const OPEN_DAY_RECORDS = [Scheduled, AttendanceRecorded, Registered];
