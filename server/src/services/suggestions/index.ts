// Suggestions (意见建议) and open days (开放日), issue 15: residents' suggestions, sent online or written down by
// staff at an open day, each answered within the set days with a reason, then adopted and implemented (cost and
// date) or declined; all public without their authors unless they chose to show their name; the funnel published
// with its denominators. The one export the server composes.
import type { ActingActor } from "../../receipts/actor.js";
import type { Vault } from "../../vault/index.js";
import { defineService, keepingTexts, modelName, type AnyService, type CommandAnswer, type CommandRequest, type Engine } from "../framework/index.js";
import { DEFAULT_SUGGESTION_SETTINGS, openDayCommands, residentOf, suggestionCommands, type SuggestionFacts, type SuggestionSettings } from "./commands.js";
import { FUNNEL_MODEL, type Counts } from "./funnel.js";
import { MODEL_NAMES, OPEN_DAY_MODELS, projectOpenDay, projectSuggestion, type OpenDayRow } from "./projections.js";
import { openDayQueries, suggestionQueries } from "./queries.js";
import { OPEN_DAY_RECORDS, OPEN_DAY_SERVICE, RECORDS, SERVICE } from "./records.js";
import { evolveOpenDay, evolveSuggestion, INITIAL_OPEN_DAY, INITIAL_SUGGESTION, type OpenDayState, type SuggestionState } from "./state.js";
import { authorTag, noteOf, sealedActorOf, selvesOf, tagsOf } from "./texts.js";

export * from "./records.js";
export { DEFAULT_SUGGESTION_SETTINGS, type SuggestionSettings } from "./commands.js";
export { contribution, funnelOf, monthOf, type Counts, type FunnelRow } from "./funnel.js";
export { MODELS as SUGGESTION_MODELS, OPEN_DAY_MODELS, type OpenDayRow, type SuggestionRow } from "./projections.js";
export { type OpenDayView, type SuggestionView } from "./queries.js";
export { evolveSuggestion, INITIAL_SUGGESTION, type SuggestionState, type SuggestionStatus } from "./state.js";
export { sweepSuggestions, startSuggestionSweeps, SUGGESTION_SWEEP_JOB, type SuggestionSweepResult, type SuggestionSweepTimer } from "./sweep.js";
export { MAX_TEXT_CHARS } from "./texts.js";

export type SuggestionDeps = {
  /** Where texts are kept (texts.ts); without it a suggestion is refused (400 suggestion_text_not_kept). */
  vault?: Vault;
  settings?: SuggestionSettings;
  clock?: () => number;
  /** The vault person ids an address is (the directory's links): an author's own list, hiding their name. */
  personsOf?: (address: string) => Promise<string[]>;
};

/** Which input fields of a command are texts kept as notes (texts.ts). */
const NOTE_FIELDS: Record<string, ("text" | "shownName" | "plan")[]> = { submit: ["text", "shownName"], answer: ["text"], adopt: ["plan"], decline: ["text"] };
/** The commands whose records must not name their actor: the author's own (an online suggestion, hiding its name). */
const AUTHORS_COMMANDS = new Set(["submit", "hideName"]);

/**
 * The two services (suggestions, open days). They read each other's read models (a suggestion names its open day;
 * an open day shows its funnel) through the engine they run in: `useEngine` once it is made.
 */
export function suggestionServices(deps: SuggestionDeps): { services: AnyService[]; useEngine: (engine: Engine) => void } {
  const clock = deps.clock ?? Date.now;
  const running: { engine?: Engine } = {};
  const openDayOf = async (id: string) => running.engine?.storage.get<OpenDayRow>(modelName(OPEN_DAY_SERVICE, OPEN_DAY_MODELS.days), id);
  const guarded = (request: CommandRequest, run: () => Promise<CommandAnswer>) =>
    keepingTexts(deps.vault, "system" in request.principal ? { system: request.principal.system } : { address: request.principal.address }, run);
  const commands = suggestionCommands(deps.settings ?? DEFAULT_SUGGESTION_SETTINGS).map((command) => {
    const fields = NOTE_FIELDS[command.name] ?? [];
    const authors = AUTHORS_COMMANDS.has(command.name);
    return {
      ...command,
      ...(fields.length > 0 || authors ? { http: (request: CommandRequest, engine: Engine) => guarded(request, () => engine.execute(request)) } : {}),
      check: async (input: Record<string, unknown>, { actor, id }: { actor: ActingActor; id: string }) => {
        const facts: SuggestionFacts = { notes: {}, ownTags: [] };
        if (typeof input.openDay === "string") {
          const day = await openDayOf(input.openDay);
          if (day) facts.openDay = day;
        }
        const vault = deps.vault;
        const me = residentOf({ actor });
        if (vault && command.name === "submit") {
          // Online the author is the actor (the resident, or the one staff act for); at an open day, whom staff name.
          const author = input.channel === "openDay" ? (input.author as string | undefined) : me;
          if (author) facts.authorTag = await authorTag(vault, id, author);
        }
        if (vault && me && command.name === "hideName") facts.ownTags = await tagsOf(vault, id, await selvesOf(me, deps.personsOf));
        // The notes last: a refused lookup above writes nothing to the vault.
        for (const field of fields) {
          const value = input[field];
          if (typeof value === "string") facts.notes[field] = await noteOf(deps.vault, value, actor);
        }
        // At an open day the actor is staff writing it down, not the author: nothing to seal.
        if (authors && input.channel !== "openDay") return { facts, recordAs: await sealedActorOf(deps.vault, actor) };
        return { facts };
      },
    };
  });
  const suggestions = defineService<SuggestionState>({
    name: SERVICE,
    basePath: "/api/suggestions",
    noun: { "zh-CN": "建议", en: "suggestion" },
    records: RECORDS,
    initial: INITIAL_SUGGESTION,
    evolve: evolveSuggestion,
    commands,
    models: MODEL_NAMES,
    project: projectSuggestion,
    queries: suggestionQueries({ vault: deps.vault, clock, personsOf: deps.personsOf }),
  });
  const openDays = defineService<OpenDayState>({
    name: OPEN_DAY_SERVICE,
    basePath: "/api/opendays",
    noun: { "zh-CN": "开放日", en: "open day" },
    records: OPEN_DAY_RECORDS,
    initial: INITIAL_OPEN_DAY,
    evolve: evolveOpenDay,
    commands: openDayCommands(),
    models: Object.values(OPEN_DAY_MODELS),
    project: projectOpenDay,
    queries: openDayQueries(async (id) => running.engine?.storage.get<Counts>(modelName(SERVICE, FUNNEL_MODEL), `d:${id}`)),
  });
  return {
    services: [suggestions, openDays],
    useEngine: (engine) => {
      running.engine = engine;
    },
  };
}
