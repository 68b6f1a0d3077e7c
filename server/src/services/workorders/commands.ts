// What may happen to a work order, and when: pure decisions over the order's state. What they need from
// elsewhere (the category's route, the acting address's party) comes as facts, looked up before the decision.
import { z } from "zod/v4";
import { commitmentRef, defineCommand, hashRef, refuse, Refusal, type DecideContext, type Emitted } from "../framework/index.js";
import { deadlineMinutes, type CategoryRoute, type Party } from "./categories.js";
import {
  Accepted,
  CHANNELS,
  CheckedOnSite,
  Confirmed,
  deviceEvent,
  Dispatched,
  Escalated,
  Joined,
  party,
  PAUSE_REASONS,
  Paused,
  place,
  point,
  priority,
  Rated,
  REOPEN_REASONS,
  Reopened,
  Reported,
  reporter,
  Resolved,
  Resumed,
  RETURN_REASONS,
  Returned,
  serviceCode,
  Started,
  type Channel,
} from "./records.js";
import { clocksOf, isOpen, type OrderState, type OrderStatus } from "./state.js";
import { textInput } from "./texts.js";

/** What the decisions know besides the order: set by the service's lookups (index.ts). */
export type OrderFacts = {
  /** The routing table by category code. */
  categories: Readonly<Record<string, CategoryRoute>>;
  /** The party the acting address works for, if any. */
  actorParty: Party | null;
  /** The commitment to the input's `text`, once kept in the vault as a note (texts.ts). */
  text?: `0x${string}`;
};

/** Settings a community may change. */
export type OrderSettings = {
  /** A resolved order closes by itself after this many days without the reporter's answer. */
  autoConfirmDays: number;
  /** The reporter may reopen within this many days of closing. */
  reopenDays: number;
};

export const DEFAULT_ORDER_SETTINGS: OrderSettings = { autoConfirmDays: 7, reopenDays: 30 };

const DAY = 86_400;
/**
 * Who may report through a channel: anyone signed in (a resident, or staff for one under an authorisation); a
 * hotline call is typed by staff, a patrol finding by a grid worker, an alarm comes from the device webhook,
 * which runs as the server itself ("system"), and so does an Open311 application's request (its key is the actor).
 */
const CHANNEL_WHO: Record<Channel, "signedIn" | readonly string[]> = { resident: "signedIn", hotline: ["staff"], grid: ["gridWorker"], device: ["system"], open311: ["system"] };

const facts = (context: DecideContext): OrderFacts => (context.facts as OrderFacts | undefined) ?? { categories: {}, actorParty: null };

function wrongStatus(context: DecideContext, state: OrderState, allowed: OrderStatus[]): Refusal {
  return refuse(409, "workorder_wrong_status", { id: context.id, status: state.status, allowed: allowed.join(" / ") });
}

function inStatus(context: DecideContext, state: OrderState, allowed: OrderStatus[]): Refusal | undefined {
  return allowed.includes(state.status) ? undefined : wrongStatus(context, state, allowed);
}

/** The acting party must be the order's party (staff of the community office may act for the office's own orders). */
function asParty(context: DecideContext, state: OrderState): Refusal | undefined {
  const yours = facts(context).actorParty;
  if (yours !== null && yours === state.party) return undefined;
  return refuse(403, "workorder_wrong_party", { party: state.party ?? "-", yours: yours ?? "-" });
}

/** Who the acting resident is: the address, or for staff acting under an authorisation, the resident. */
function residentOf(context: DecideContext): string | undefined {
  const actor = context.actor;
  if ("onBehalfOf" in actor) return actor.onBehalfOf.toLowerCase();
  return "address" in actor ? actor.address.toLowerCase() : undefined;
}

function asReporter(context: DecideContext, state: OrderState): Refusal | undefined {
  const who = residentOf(context);
  return who && state.reporters.includes(who) ? undefined : refuse(403, "workorder_not_reporter", { id: context.id });
}

const report = z.object({
  channel: z.enum(CHANNELS),
  serviceCode,
  priority: priority.default("normal"),
  place,
  point: point.optional(),
  description: commitmentRef.optional(),
  reporter: reporter.optional(),
  device: deviceEvent.optional(),
  photos: z.array(hashRef).max(6).default([]),
  text: textInput.optional(),
});

/** The commitment a record carries for what was written: the kept text's, or one sent as such (never both). */
function writtenOf(input: { text?: string; description?: string; note?: string }, context: DecideContext): `0x${string}` | Refusal | undefined {
  const sent = input.description ?? input.note;
  if (input.text === undefined) return sent as `0x${string}` | undefined;
  if (sent !== undefined) return refuse(400, "workorder_text_twice", {});
  return facts(context).text;
}

/** A report's own checks, shared by `report` and `join`. */
function reportProblem(input: z.infer<typeof report> | z.infer<typeof joinInput>, context: DecideContext): Refusal | undefined {
  if (input.channel === "device" && !("system" in context.actor)) return refuse(403, "forbidden", { role: "system" });
  if ((input.channel === "device") !== (input.device !== undefined)) return refuse(400, "workorder_device_event", { channel: input.channel });
  if (input.channel === "hotline" && input.reporter === undefined) return refuse(400, "workorder_caller_needed", {});
  return undefined;
}

const joinInput = report.pick({ channel: true, description: true, reporter: true, device: true, photos: true, text: true });

export function orderCommands(settings: OrderSettings = DEFAULT_ORDER_SETTINGS) {
  return [
    defineCommand({
      name: "report",
      summary: "Reports something broken (a resident, staff typing a hotline call, a grid worker, or a device's alarm); dispatched by the routing table",
      target: "new",
      input: report,
      who: (input) => CHANNEL_WHO[input.channel],
      proxy: true,
      decide: (_state: OrderState, input, context) => {
        const problem = reportProblem(input, context);
        if (problem) return problem;
        const route = facts(context).categories[input.serviceCode];
        if (!route) return refuse(400, "workorder_unknown_category", { code: input.serviceCode });
        if (route.retired) return refuse(400, "workorder_category_retired", { code: input.serviceCode });
        const deadlineAt = context.now + deadlineMinutes(route, input.priority) * 60;
        const description = writtenOf(input, context);
        if (description instanceof Refusal) return description;
        const { text: _text, description: _sent, ...rest } = input;
        return [
          Reported({ ...rest, ...(description ? { description } : {}), onSiteCheck: route.onSiteCheck }),
          Dispatched({ party: route.party, deadlineAt, by: "routing" }),
        ];
      },
    }),
    defineCommand({
      name: "join",
      summary: "Joins a repeated alarm or a duplicate report of the same thing at the same place to this open order",
      target: "existing",
      input: joinInput,
      who: (input) => CHANNEL_WHO[input.channel],
      proxy: true,
      decide: (state: OrderState, input, context) => {
        const problem = reportProblem(input, context);
        if (problem) return problem;
        if (!isOpen(state)) return wrongStatus(context, state, ["received", "dispatched", "accepted", "inProgress"]);
        if (input.device && state.deviceEvents.includes(`${input.device.device}/${input.device.event}`)) {
          return refuse(409, "workorder_event_taken", { device: input.device.device, event: input.device.event });
        }
        const description = writtenOf(input, context);
        if (description instanceof Refusal) return description;
        const { text: _text, description: _sent, ...rest } = input;
        return [Joined({ ...rest, ...(description ? { description } : {}) })];
      },
    }),
    defineCommand({
      name: "dispatch",
      summary: "The community office sends a returned (or misrouted) order to a party; the deadline still counts from receipt",
      target: "existing",
      input: z.object({ party }),
      who: ["staff"],
      decide: (state: OrderState, input, context) => {
        const refused = inStatus(context, state, ["received", "dispatched"]);
        if (refused) return refused;
        if (state.party === input.party) return refuse(409, "workorder_same_party", { party: input.party });
        return [Dispatched({ party: input.party, deadlineAt: state.deadlineAt ?? context.now, by: "office" })];
      },
    }),
    defineCommand({
      name: "accept",
      summary: "The responsible party accepts the order",
      target: "existing",
      input: z.object({}),
      who: "signedIn",
      decide: (state: OrderState, _input, context) => inStatus(context, state, ["dispatched"]) ?? asParty(context, state) ?? [Accepted({ party: state.party! })],
    }),
    defineCommand({
      name: "start",
      summary: "The party starts the work",
      target: "existing",
      input: z.object({}),
      who: "signedIn",
      decide: (state: OrderState, _input, context) => inStatus(context, state, ["accepted"]) ?? asParty(context, state) ?? [Started({ party: state.party! })],
    }),
    defineCommand({
      name: "pause",
      summary: "Stops the clocks while the wait is the resident's (no access to the flat), recorded with its reason",
      target: "existing",
      input: z.object({ reason: z.enum(PAUSE_REASONS) }),
      who: "signedIn",
      decide: (state: OrderState, input, context) => {
        const refused = inStatus(context, state, ["accepted", "inProgress"]) ?? asParty(context, state);
        if (refused) return refused;
        if (state.pausedSince !== null) return refuse(409, "workorder_already_paused", { since: state.pausedSince });
        return [Paused(input)];
      },
    }),
    defineCommand({
      name: "resume",
      summary: "Starts the clocks again",
      target: "existing",
      input: z.object({}),
      who: "signedIn",
      decide: (state: OrderState, _input, context) => {
        const refused = asParty(context, state);
        if (refused) return refused;
        if (state.pausedSince === null) return refuse(409, "workorder_not_paused", { id: context.id });
        return [Resumed({ pausedSeconds: Math.max(0, context.now - state.pausedSince) })];
      },
    }),
    defineCommand({
      name: "return",
      summary: "退单: the party gives back an order it does not own, with a reason; it goes back to the office",
      target: "existing",
      input: z.object({ reason: z.enum(RETURN_REASONS), note: commitmentRef.optional(), text: textInput.optional() }),
      who: "signedIn",
      decide: (state: OrderState, input, context) => {
        const refused = inStatus(context, state, ["dispatched", "accepted"]) ?? asParty(context, state);
        if (refused) return refused;
        const note = writtenOf(input, context);
        if (note instanceof Refusal) return note;
        return [Returned({ party: state.party!, reason: input.reason, ...(note ? { note } : {}) })];
      },
    }),
    defineCommand({
      name: "resolve",
      summary: "The party reports the fix, with photos of it",
      target: "existing",
      input: z.object({ photos: z.array(hashRef).max(6).default([]), note: commitmentRef.optional(), text: textInput.optional() }),
      who: "signedIn",
      decide: (state: OrderState, input, context) => {
        const refused = inStatus(context, state, ["accepted", "inProgress"]) ?? asParty(context, state);
        if (refused) return refused;
        const note = writtenOf(input, context);
        if (note instanceof Refusal) return note;
        const out: Emitted[] = [];
        if (state.pausedSince !== null) out.push(Resumed({ pausedSeconds: Math.max(0, context.now - state.pausedSince) }));
        out.push(Resolved({ party: state.party!, photos: input.photos, ...(note ? { note } : {}) }));
        return out;
      },
    }),
    defineCommand({
      name: "checkOnSite",
      summary: "Staff or a grid worker checks the fix on site (required for some categories before closing); a failed check sends it back",
      target: "existing",
      input: z.object({ passed: z.boolean(), photos: z.array(hashRef).max(6).default([]) }),
      who: ["staff", "gridWorker"],
      decide: (state: OrderState, input, context) => {
        const refused = inStatus(context, state, ["resolved"]);
        if (refused) return refused;
        if (state.checkedOnSite) return refuse(409, "workorder_already_checked", { id: context.id });
        return [CheckedOnSite(input)];
      },
    }),
    defineCommand({
      name: "confirm",
      summary: "The reporter confirms the fix, closing the order",
      target: "existing",
      input: z.object({}),
      who: "signedIn",
      proxy: true,
      decide: (state: OrderState, _input, context) => {
        const refused = inStatus(context, state, ["resolved"]) ?? asReporter(context, state);
        if (refused) return refused;
        if (state.onSiteCheck && !state.checkedOnSite) return refuse(409, "workorder_check_needed", { id: context.id });
        return [Confirmed({ auto: false })];
      },
    }),
    defineCommand({
      name: "autoConfirm",
      summary: "Closes a resolved order the reporter has not answered within the confirmation window (the server's sweep)",
      target: "existing",
      input: z.object({}),
      who: ["system"],
      decide: (state: OrderState, _input, context) => {
        const refused = inStatus(context, state, ["resolved"]);
        if (refused) return refused;
        if (state.onSiteCheck && !state.checkedOnSite) return refuse(409, "workorder_check_needed", { id: context.id });
        const due = (state.resolvedAt ?? 0) + settings.autoConfirmDays * DAY;
        if (context.now < due) return refuse(409, "workorder_confirm_window", { days: settings.autoConfirmDays, due });
        return [Confirmed({ auto: true })];
      },
    }),
    defineCommand({
      name: "reopen",
      summary: "The reporter reopens a resolved or recently closed order: back to the party, with a new deadline",
      target: "existing",
      input: z.object({ reason: z.enum(REOPEN_REASONS) }),
      who: "signedIn",
      proxy: true,
      decide: (state: OrderState, input, context) => {
        const refused = inStatus(context, state, ["resolved", "closed"]) ?? asReporter(context, state);
        if (refused) return refused;
        if (state.closedAt !== null && context.now > state.closedAt + settings.reopenDays * DAY) {
          return refuse(409, "workorder_reopen_window", { days: settings.reopenDays });
        }
        // As long again as the category allows now; as long as the first time if the category has left the table.
        const route = facts(context).categories[state.serviceCode];
        const span = route ? deadlineMinutes(route, state.priority) * 60 : (state.deadlineAt ?? state.receivedAt) - state.receivedAt;
        return [Reopened({ reason: input.reason, party: state.party!, deadlineAt: context.now + span })];
      },
    }),
    defineCommand({
      name: "rate",
      summary: "The reporter rates the result, 1 (非常不满意) to 5 (非常满意), once per closing",
      target: "existing",
      input: z.object({ level: z.number().int().min(1).max(5) }),
      who: "signedIn",
      proxy: true,
      decide: (state: OrderState, input, context) => {
        const refused = inStatus(context, state, ["closed"]) ?? asReporter(context, state);
        if (refused) return refused;
        if (state.rating !== null) return refuse(409, "workorder_already_rated", { level: state.rating });
        return [Rated(input)];
      },
    }),
    defineCommand({
      name: "escalate",
      summary: "Raises an order past its deadline to the street level (the server's sweep, or the office)",
      target: "existing",
      input: z.object({}),
      who: ["staff", "system"],
      decide: (state: OrderState, _input, context) => {
        if (state.escalated) return refuse(409, "workorder_already_escalated", { id: context.id });
        const clocks = clocksOf(state, context.now);
        if (!clocks.overdue) return refuse(409, "workorder_not_overdue", { id: context.id, deadline: clocks.deadline ?? 0 });
        return [Escalated({ level: "street", overdueSeconds: clocks.lateBy })];
      },
    }),
  ];
}

