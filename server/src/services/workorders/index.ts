// Work orders (工单, issue 14): one intake for residents, hotline calls, grid workers' patrols and devices'
// alarms; dispatched by category to the responsible party against the 12345 deadlines; followed to the
// reporter's confirmation. The one export the server composes.
import type { Actor } from "../../receipts/actor.js";
import type { Vault } from "../../vault/index.js";
import { defineService, keepingTexts, type AnyService, type CommandAnswer, type CommandRequest, type Engine } from "../framework/index.js";
import { DEFAULT_CATEGORIES, type CategoryRoute, type Party } from "./categories.js";
import { DEFAULT_ORDER_SETTINGS, orderCommands, type OrderFacts, type OrderSettings } from "./commands.js";
import { reportIntake } from "./intake.js";
import { notifyReporters } from "./notify.js";
import { MODEL_NAMES, projectOrder } from "./projections.js";
import { orderQueries } from "./queries.js";
import { RECORDS, SERVICE } from "./records.js";
import { statsQuery } from "./stats.js";
import { evolveOrder, INITIAL_ORDER, type OrderState } from "./state.js";
import { noteOf, textsQuery } from "./texts.js";
import { photoProblem, type PhotoStore } from "./photos.js";

export { DEFAULT_CATEGORIES, PARTIES, PARTY_NAMES, TIER_MINUTES, deadlineMinutes, type CategoryRoute, type Party, type Priority } from "./categories.js";
export { clocksOf, isOpen, type Clocks, type OrderState, type OrderStatus } from "./state.js";
export * from "./records.js";
export { PARTY_SERVICE, partyService } from "./parties.js";
export { MAX_MINUTES, ROUTING_SERVICE, routingService, type Routing, type RoutingEntry } from "./routing.js";
export { viewOf, type OrderView } from "./queries.js";
export { MAX_TEXT_CHARS } from "./texts.js";
export { PHOTO_CLASS, photoRoute, type PhotoStore } from "./photos.js";
export { monthOf, readStats, STATS_MODELS, type StatsView } from "./stats.js";
export { MODELS, MODELS as ORDER_MODELS, projectOrder, type OrderRow } from "./projections.js";
export { dueIds, startWorkOrderSweeps, sweepWorkOrders, SWEEP_JOB, type SweepOptions, type SweepResult, type SweepTimer } from "./sweep.js";
export { DEFAULT_ORDER_SETTINGS, type OrderSettings } from "./commands.js";
export { ALARM_KINDS, ALARMS_JOB, ALARMS_PATH, alarmReport, alarmWebhook } from "./alarms.js";

export type WorkOrderDeps = {
  /** The routing table in force (the community office edits it). */
  categories: () => Promise<readonly CategoryRoute[]>;
  /** The party an address works for (a member of the property company, a utility…), or null. */
  partyOf: (address: string) => Promise<Party | null>;
  settings?: OrderSettings;
  /** Milliseconds since the epoch (the server's clock). */
  clock?: () => number;
  /** Where what people write is kept (texts.ts); without it a text is refused (400 workorder_text_not_kept). */
  vault?: Vault;
  /** The document store, where a command's photos must be (photos.ts); without it a photo is refused. */
  photos?: PhotoStore;
};

/** The commands whose input may carry a `text`, and the field of their record that commits to it. */
const TEXT_COMMANDS = ["report", "join", "return", "resolve"];

export function workOrderService(deps: WorkOrderDeps): AnyService {
  const clock = deps.clock ?? Date.now;
  // Each command that may carry a text runs inside keepingTexts: a refusal erases the note it kept (texts.ts).
  const guarded = (request: CommandRequest, run: () => Promise<CommandAnswer>) =>
    keepingTexts(deps.vault, "system" in request.principal ? { system: request.principal.system } : { address: request.principal.address }, run);
  const intake = reportIntake(deps.categories, clock, guarded);
  const commands = orderCommands(deps.settings ?? DEFAULT_ORDER_SETTINGS).map((command) => ({
    ...command,
    // A report (over HTTP, or an alarm through submit) goes through the intake, which joins a duplicate to the open order.
    ...(command.name === "report" ? { http: intake } : TEXT_COMMANDS.includes(command.name) ? { http: (request: CommandRequest, engine: Engine) => guarded(request, () => engine.execute(request)) } : {}),
    // Every decision may need the routing table and the actor's party: looked up once, under the order's lock; a
    // text is kept in the vault here, just before the decision (the decision itself reads nothing).
    check: async (input: { text?: string }, { actor }: { actor: Actor }) => {
      const categories = Object.fromEntries((await deps.categories()).map((c) => [c.code, c]));
      const actorParty = "address" in actor ? await deps.partyOf(actor.address) : null;
      const facts: OrderFacts = { categories, actorParty };
      // Photos first: a refused one writes nothing, not even the text's note.
      const photo = await photoProblem(deps.photos, (input as { photos?: string[] }).photos, actor);
      if (photo) return photo;
      if (TEXT_COMMANDS.includes(command.name) && typeof input.text === "string") facts.text = await noteOf(deps.vault, input.text, actor);
      return { facts };
    },
  }));
  return defineService<OrderState>({
    name: SERVICE,
    basePath: "/api/workorders",
    noun: { "zh-CN": "工单", en: "work order" },
    records: RECORDS,
    initial: INITIAL_ORDER,
    evolve: evolveOrder,
    commands,
    models: MODEL_NAMES,
    project: projectOrder,
    // Every reporter is told of its progress (dispatched, fixed, closed, reopened), through the outbox.
    notify: notifyReporters,
    // The statistics first: `/api/workorders/:id` would take "stats" for an order's id.
    queries: [statsQuery(deps.categories), textsQuery({ vault: deps.vault, partyOf: deps.partyOf }), ...orderQueries({ categories: deps.categories, partyOf: deps.partyOf, clock })],
  });
}

/** The default routing table, as `categories` for a community that has not edited it (the server reads the routing service's table). */
export const defaultCategories = async (): Promise<readonly CategoryRoute[]> => DEFAULT_CATEGORIES;
