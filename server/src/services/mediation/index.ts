// Dispute mediation (调解, issue 15): residents file disputes (or staff for them), the other side answers or silence
// escalates, a mediator is matched without conflict of interest, sessions and the signed agreement are recorded,
// judicial confirmation and the follow-up visit tracked, levels building → community → street → court, and
// statistics with their denominators. The one export the server composes.
import type { Actor } from "../../receipts/actor.js";
import type { Vault } from "../../vault/index.js";
import {
  defineQuery,
  defineService,
  keepingTexts,
  keepText,
  modelName,
  refuse,
  type AnyService,
  type CommandRequest,
  type Engine,
  type QueryDef,
} from "../framework/index.js";
import { z } from "zod/v4";
import { DEFAULT_MEDIATION_SETTINGS, mediationCommands, TEXT_FIELDS, type MediationFacts, type MediationSettings } from "./commands.js";
import { conflictOf, mergeCandidates, rankMediators, type MatchingDispute, type MediatorCandidate } from "./matching.js";
import { notifyParties } from "./notify.js";
import { MODEL_NAMES, MODELS, projectDispute } from "./projections.js";
import { caseFor, disputeQueries, readerOf, NOUN } from "./queries.js";
import { RECORDS, SERVICE } from "./records.js";
import { statsQuery } from "./stats.js";
import { evolveDispute, INITIAL_DISPUTE, partiesOf, type DisputeState } from "./state.js";
import { textsQuery } from "./texts.js";

export * from "./records.js";
export { DEFAULT_MEDIATION_SETTINGS, MAX_TEXT_CHARS, nextLevel, type MediationSettings } from "./commands.js";
export { conflictOf, mergeCandidates, proposeMediator, rankMediators, type Conflict, type MatchingDispute, type MediatorCandidate, type Ranked } from "./matching.js";
export { evolveDispute, INITIAL_DISPUTE, isOpen, partiesOf, respondentPeople, type DisputeState, type DisputeStatus } from "./state.js";
export { MODELS as MEDIATION_MODELS, type DisputeRow, type SummaryRow } from "./projections.js";
export { monthOf, readStats, STATS_MODELS, type MediationStats } from "./stats.js";
export { sweepMediation, startMediationSweeps, SWEEP_JOB, type MediationSweepResult, type MediationSweepTimer } from "./sweep.js";
export { disputeView, type DisputeView } from "./queries.js";
export { directoryMediators, householdsIn, peopleOfUnitIn } from "./candidates.js";

/** The document class of a signed mediation agreement (services/documents/types.ts). */
export const AGREEMENT_CLASS = "mediation-agreement";

/** What mediation needs of the document store: who stored a document, and of which class. */
export type AgreementStore = { lookup(hash: `0x${string}`): Promise<{ class: string; uploader: string } | undefined> };

export type MediationDeps = {
  /** The person ids an address is linked to (the directory's). */
  personsOf: (address: string) => Promise<readonly string[]>;
  /** The people linked to a flat now (a respondent flat: who may answer, who is told). */
  peopleOfUnit: (unitId: number) => Promise<readonly string[]>;
  /** The households (flat ids, as strings) of people: a mediator of a party's household has a conflict. */
  householdsOf: (persons: readonly string[]) => Promise<readonly string[]>;
  /** Who may mediate: the people's mediators (the directory's `mediator` role) and the talent pool. */
  candidates: () => Promise<readonly MediatorCandidate[]>;
  /** Where signed agreements are stored; without it an agreement is refused. */
  documents?: AgreementStore;
  /** Where what people write is kept; without it a text is refused (400 mediation_text_not_kept). */
  vault?: Vault;
  settings?: MediationSettings;
  /** Milliseconds since the epoch (the services' clock). */
  clock?: () => number;
};

export type Mediation = {
  service: AnyService;
  /** Gives the service the running engine (for matching's load and the ranking query); the server calls it once mounted. */
  attach: (engine: Engine) => void;
};

/** The persons the actor stands for: the signed-in address's, or for staff acting for a resident, the resident's. */
async function personsOfActor(deps: MediationDeps, actor: Actor): Promise<readonly string[]> {
  if ("onBehalfOf" in actor) return /^0x[0-9a-fA-F]{40}$/.test(actor.onBehalfOf) ? deps.personsOf(actor.onBehalfOf.toLowerCase()) : [actor.onBehalfOf];
  return "address" in actor ? deps.personsOf(actor.address.toLowerCase()) : [];
}

/** The dispute as matching sees it: its category, building, parties and their households, languages. */
async function matchingDisputeOf(deps: MediationDeps, state: DisputeState): Promise<MatchingDispute> {
  const parties = partiesOf(state);
  const households = new Set(await deps.householdsOf(parties));
  if (state.respondent && "unitId" in state.respondent) households.add(String(state.respondent.unitId));
  return { category: state.category, ...(state.place?.building !== undefined ? { building: String(state.place.building) } : {}), parties, households: [...households], languages: state.languages };
}

export function mediationService(deps: MediationDeps): Mediation {
  const clock = deps.clock ?? Date.now;
  const settings = deps.settings ?? DEFAULT_MEDIATION_SETTINGS;
  let engine: Engine | undefined;
  const running = (): Engine => {
    if (!engine) throw new Error("The mediation service is not attached to an engine yet; call attach(engine) once mounted.");
    return engine;
  };
  const stateOf = async (id: string): Promise<DisputeState> => (await running().stateOf(SERVICE, id)).state as DisputeState;
  const loads = async (): Promise<Map<string, number>> => {
    const out = new Map<string, number>();
    for await (const [person, n] of running().storage.list(modelName(SERVICE, MODELS.load))) out.set(person, n as number);
    return out;
  };
  const rank = async (state: DisputeState) => {
    const dispute = await matchingDisputeOf(deps, state);
    const candidates = mergeCandidates(await deps.candidates());
    const load = await loads();
    return { dispute, candidates, ranked: rankMediators(dispute, candidates, (p) => load.get(p) ?? 0) };
  };

  const commands = mediationCommands(settings).map((command) => ({
    ...command,
    // Every command may carry texts: run inside keepingTexts, so a refusal erases the notes its lookups kept.
    http: (request: CommandRequest, e: Engine) => keepingTexts(deps.vault, "system" in request.principal ? { system: request.principal.system } : { address: request.principal.address }, () => e.execute(request)),
    check: async (input: Record<string, unknown>, { actor, id }: { actor: Actor; id: string }) => {
      const facts: MediationFacts = { actorPersons: await personsOfActor(deps, actor), notes: {} };
      if (command.name === "file" && typeof input.respondent === "object" && input.respondent !== null && "unitId" in input.respondent) {
        facts.flatPeople = [...(await deps.peopleOfUnit((input.respondent as { unitId: number }).unitId))];
      }
      if (command.name === "assign") {
        const { dispute, candidates, ranked } = await rank(await stateOf(id));
        const named = typeof input.mediator === "string" ? candidates.find((c) => c.person === input.mediator) : undefined;
        facts.matching = { ranked, ...(named ? { named: { ...named, conflict: conflictOf(dispute, named) } } : { named: null }) };
      }
      if (command.name === "recordAgreement") {
        const hash = String(input.document).toLowerCase() as `0x${string}`;
        const meta = deps.documents ? await deps.documents.lookup(hash) : undefined;
        const by = "address" in actor ? actor.address.toLowerCase() : undefined;
        if (!meta || meta.class !== AGREEMENT_CLASS || meta.uploader.toLowerCase() !== by) return refuse(400, "mediation_document_unknown", { hash });
      }
      // Texts last: a refusal above writes nothing, not even a note.
      for (const field of TEXT_FIELDS) {
        const text = input[field];
        if (typeof text === "string") facts.notes[field] = await keepText(deps.vault, text, actor, refuse(400, "mediation_text_not_kept", {}));
      }
      return { facts };
    },
  }));

  const queryDeps = { personsOf: deps.personsOf, clock };
  const proposalQuery: QueryDef = defineQuery({
    path: "/api/mediation/disputes/:id/proposal",
    summary: "The office's view of matching: the candidates without conflict of interest, best first (the first is the proposal), and those left out with their conflict",
    who: ["staff"],
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
    response: z.object({
      ranked: z.array(z.object({ person: z.string(), source: z.string(), score: z.number(), skills: z.array(z.string()), languages: z.array(z.string()), load: z.number() })),
      excluded: z.array(z.object({ person: z.string(), source: z.string(), conflict: z.enum(["party", "household", "building"]) })),
    }),
    handler: async ({ params }, read, context) => {
      const { row } = await caseFor(read, params.id, await readerOf(queryDeps, context));
      const { dispute, candidates, ranked } = await rank(row);
      const excluded = candidates.flatMap((c) => {
        const conflict = conflictOf(dispute, c);
        return conflict ? [{ person: c.person, source: c.source, conflict }] : [];
      });
      return { ranked: ranked.map(({ address: _a, ...r }) => r), excluded };
    },
  });

  const service = defineService<DisputeState>({
    name: SERVICE,
    basePath: "/api/mediation/disputes",
    noun: NOUN,
    records: RECORDS,
    initial: INITIAL_DISPUTE,
    evolve: evolveDispute,
    commands,
    models: MODEL_NAMES,
    project: projectDispute,
    notify: notifyParties,
    // The fixed paths first: `/api/mediation/disputes/:id` would take "stats" for a dispute's id.
    queries: [statsQuery(), ...disputeQueries(queryDeps), proposalQuery, textsQuery({ ...queryDeps, vault: deps.vault })],
  });
  return {
    service,
    attach(e) {
      engine = e;
    },
  };
}




