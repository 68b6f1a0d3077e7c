// What may happen to a suggestion and to an open day: pure decisions over their state. What they need from
// elsewhere (the notes kept in the vault, the open day a suggestion names, the persons the actor is) comes as
// facts, looked up before the decision (index.ts).
import { z } from "zod/v4";
import { amountFen, count, defineCommand, objectId, personRef, refuse, unixSeconds, type DecideContext, type Refusal } from "../framework/index.js";
import {
  Adopted,
  Answered,
  AttendanceRecorded,
  CHANNELS,
  DECLINE_REASONS,
  Declined,
  Implemented,
  NameHidden,
  Overdue,
  publicLine,
  Received,
  Registered,
  Scheduled,
  TOPICS,
} from "./records.js";
import type { OpenDayState, SuggestionState, SuggestionStatus } from "./state.js";
import { nameInput, textInput } from "./texts.js";

/** Settings a community may change. */
export type SuggestionSettings = {
  /** Every suggestion is answered, with a reason, within this many calendar days of its receipt. */
  answerDays: number;
};
export const DEFAULT_SUGGESTION_SETTINGS: SuggestionSettings = { answerDays: 15 };

const DAY = 86_400;

/** What the decisions know besides the suggestion (index.ts looks them up). */
export type SuggestionFacts = {
  /** Commitments of the notes kept for the input's texts, by field. */
  notes: Partial<Record<"text" | "shownName" | "plan", `0x${string}`>>;
  /** The open day the input names, if it names one (undefined: none such). */
  openDay?: OpenDayState;
  /** submit: the author's pseudonym for this suggestion (texts.ts `authorTag`); absent: no author known. */
  authorTag?: `0x${string}`;
  /** hideName: the acting resident's pseudonyms for this suggestion (as their address and each vault person id they are). */
  ownTags: string[];
};

const factsOf = (context: DecideContext): SuggestionFacts => (context.facts as SuggestionFacts | undefined) ?? { notes: {}, ownTags: [] };

function inStatus(context: DecideContext, state: SuggestionState, allowed: SuggestionStatus[]): Refusal | undefined {
  return allowed.includes(state.status) ? undefined : refuse(409, "suggestion_wrong_status", { id: context.id, status: state.status, allowed: allowed.join(" / ") });
}

/** The resident acting: the address, or for staff under an authorisation, the resident they act for. */
export function residentOf(context: Pick<DecideContext, "actor">): string | undefined {
  const actor = context.actor;
  if ("onBehalfOf" in actor) return actor.onBehalfOf.toLowerCase();
  return "address" in actor ? actor.address.toLowerCase() : undefined;
}

const submitInput = z.object({
  channel: z.enum(CHANNELS).default("online"),
  openDay: objectId.optional().describe("the open day it was written down at (channel openDay)"),
  topic: z.enum(TOPICS),
  text: textInput,
  /** Shown with the suggestion only when given: the author's choice. */
  shownName: nameInput.optional(),
  /** At an open day: the vault person id of the author, where known. */
  author: personRef.optional(),
});

export function suggestionCommands(settings: SuggestionSettings = DEFAULT_SUGGESTION_SETTINGS) {
  return [
    defineCommand({
      name: "submit",
      summary: "A suggestion: sent online by a resident (or staff for one, under an authorisation), or written down by staff at an open day; due for an answer within the set days",
      target: "new",
      input: submitInput,
      // At an open day only staff write suggestions down; online, anyone signed in.
      who: (input) => (input.channel === "openDay" ? ["staff"] : "signedIn"),
      proxy: true,
      decide: (_state: SuggestionState, input, context) => {
        const facts = factsOf(context);
        if (input.channel === "openDay") {
          if (input.openDay === undefined) return refuse(400, "suggestion_open_day_needed", {});
          if (!facts.openDay?.scheduled) return refuse(404, "suggestion_unknown_open_day", { openDay: input.openDay });
          if ("onBehalfOf" in context.actor) return refuse(400, "suggestion_open_day_no_proxy", {});
        } else if (input.openDay !== undefined || input.author !== undefined) {
          return refuse(400, "suggestion_online_fields", { field: input.openDay !== undefined ? "openDay" : "author" });
        }
        const text = facts.notes.text;
        // Both need the vault: the text as a note, an online author as a pseudonym.
        if (!text || (input.channel === "online" && !facts.authorTag)) return refuse(400, "suggestion_text_not_kept", {});
        const shownName = facts.notes.shownName;
        return [
          Received({
            channel: input.channel,
            ...(input.openDay !== undefined ? { openDay: input.openDay } : {}),
            topic: input.topic,
            text,
            ...(facts.authorTag ? { authorTag: facts.authorTag } : {}),
            ...(shownName ? { shownName } : {}),
            answerBy: context.now + settings.answerDays * DAY,
          }),
        ];
      },
    }),
    defineCommand({
      name: "answer",
      summary: "The office answers a suggestion with its reason (once); an answer after the deadline is recorded as late",
      target: "existing",
      input: z.object({ text: textInput }),
      who: ["staff"],
      decide: (state: SuggestionState, _input, context) => {
        if (state.status !== "received") return refuse(409, "suggestion_already_answered", { id: context.id, status: state.status });
        const text = factsOf(context).notes.text;
        if (!text) return refuse(400, "suggestion_text_not_kept", {});
        return [Answered({ text, late: context.now > state.answerBy })];
      },
    }),
    defineCommand({
      name: "adopt",
      summary: "The office adopts an answered suggestion, with its plan",
      target: "existing",
      input: z.object({ plan: textInput.optional() }),
      who: ["staff"],
      decide: (state: SuggestionState, _input, context) => {
        const refused = inStatus(context, state, ["answered"]);
        if (refused) return refused;
        const plan = factsOf(context).notes.plan;
        return [Adopted(plan ? { plan } : {})];
      },
    }),
    defineCommand({
      name: "decline",
      summary: "The office declines an answered suggestion, with its reason",
      target: "existing",
      input: z.object({ reason: z.enum(DECLINE_REASONS), text: textInput }),
      who: ["staff"],
      decide: (state: SuggestionState, input, context) => {
        const refused = inStatus(context, state, ["answered"]);
        if (refused) return refused;
        const text = factsOf(context).notes.text;
        if (!text) return refuse(400, "suggestion_text_not_kept", {});
        return [Declined({ reason: input.reason, text })];
      },
    }),
    defineCommand({
      name: "implement",
      summary: "An adopted suggestion is done: its cost (fen) and the day it was done",
      target: "existing",
      input: z.object({ costFen: amountFen, doneOn: unixSeconds }),
      who: ["staff"],
      decide: (state: SuggestionState, input, context) => {
        const refused = inStatus(context, state, ["adopted"]);
        if (refused) return refused;
        if (input.doneOn > context.now || input.doneOn < state.receivedAt) {
          return refuse(400, "suggestion_bad_done_date", { doneOn: input.doneOn, from: state.receivedAt, to: context.now });
        }
        return [Implemented(input)];
      },
    }),
    defineCommand({
      name: "markOverdue",
      summary: "Marks a suggestion unanswered past its deadline (the server's sweep), once",
      target: "existing",
      input: z.object({}),
      who: ["system"],
      decide: (state: SuggestionState, _input, context) => {
        if (state.status !== "received" || state.overdue) return refuse(409, "suggestion_wrong_status", { id: context.id, status: state.overdue ? "overdue" : state.status, allowed: "received" });
        if (context.now <= state.answerBy) return refuse(409, "suggestion_not_overdue", { id: context.id, answerBy: state.answerBy });
        return [Overdue({ answerBy: state.answerBy })];
      },
    }),
    defineCommand({
      name: "hideName",
      summary: "The author no longer shows their name with the suggestion",
      target: "existing",
      input: z.object({}),
      who: "signedIn",
      proxy: true,
      decide: (state: SuggestionState, _input, context) => {
        if (!state.authorTag || !factsOf(context).ownTags.includes(state.authorTag)) return refuse(403, "suggestion_not_author", { id: context.id });
        if (state.shownName === null) return refuse(409, "suggestion_name_not_shown", { id: context.id });
        return [NameHidden({})];
      },
    }),
  ];
}

export function openDayCommands() {
  return [
    defineCommand({
      name: "schedule",
      summary: "The office schedules an open day (开放日): its date, place and theme (public)",
      target: "new",
      input: z.object({ date: unixSeconds, estateId: count.min(1), place: publicLine, theme: publicLine }),
      who: ["staff"],
      decide: (_state: OpenDayState, input) => [Scheduled(input)],
    }),
    defineCommand({
      name: "recordAttendance",
      summary: "The head count at the door (at least the registered attendees)",
      target: "existing",
      input: z.object({ count }),
      who: ["staff"],
      decide: (state: OpenDayState, input) => {
        if (input.count < state.attendees.length) return refuse(400, "openday_count_below_registered", { count: input.count, registered: state.attendees.length });
        return [AttendanceRecorded(input)];
      },
    }),
    defineCommand({
      name: "register",
      summary: "A resident registers to attend (or staff register a resident, or a person they name)",
      target: "existing",
      input: z.object({ attendee: personRef.optional().describe("staff only: the vault person id of the attendee") }),
      who: "signedIn",
      proxy: true,
      decide: (state: OpenDayState, input, context) => {
        if (input.attendee !== undefined && !context.roles.includes("staff")) return refuse(403, "forbidden", { role: "staff" });
        const attendee = input.attendee ?? residentOf(context);
        if (!attendee) return refuse(403, "forbidden", { role: "signedIn" });
        if (state.attendees.includes(attendee)) return refuse(409, "openday_already_registered", { id: context.id });
        return [Registered({ attendee })];
      },
    }),
  ];
}
