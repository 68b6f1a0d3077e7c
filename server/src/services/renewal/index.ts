// The micro-renewal fund (微更新基金, issue 16): residents propose small projects for shared places, the office
// checks eligibility, residents support them, a large one goes to an owners' vote (the on-chain OwnersVote, read
// from the indexer); funding by residents' and partners' pledges matched by a subsidy, all or nothing at the
// deadline, at least the set share from residents; a ledger exact to the fen whose every entry is a record;
// delivery by milestones with evidence, acceptance, spending against the ledger and use after completion.
// The one export the server composes.
import type { Actor } from "../../receipts/actor.js";
import type { Vault } from "../../vault/index.js";
import { defineService, keepingTexts, modelName, type AnyService, type CommandAnswer, type CommandRequest, type Engine, type Principal } from "../framework/index.js";
import { DEFAULT_RENEWAL_SETTINGS, renewalCommands, type RenewalFacts, type RenewalSettings } from "./commands.js";
import { evidenceProblem, type EvidenceStore } from "./evidence.js";
import { MODEL_NAMES, MODELS, projectRenewal, type ProjectRow } from "./projections.js";
import { renewalQueries } from "./queries.js";
import { RECORDS, SERVICE } from "./records.js";
import { evolveProject, INITIAL_PROJECT, type ProjectState } from "./state.js";
import { noteOf } from "./texts.js";

export * from "./records.js";
export { DEFAULT_RENEWAL_SETTINGS, closeDecision, renewalCommands, type RenewalFacts, type RenewalSettings } from "./commands.js";
export { EMPTY_LEDGER, matchFor, outcomeOf, remainingOf, residentShareMet, type Ledger, type MatchRule, type Outcome } from "./funding.js";
export { EVIDENCE_CLASS, type EvidenceStore } from "./evidence.js";
export { MODELS as RENEWAL_MODELS, type ProjectRow } from "./projections.js";
export { monthOf, summaryOf, useOf, viewOf, type LedgerEntry, type ProjectView, type SummaryView } from "./queries.js";
export { evolveProject, heldFen, INITIAL_PROJECT, residentHeldFen, type Pledge, type ProjectState, type ProjectStatus } from "./state.js";
export { RENEWAL_SWEEP_JOB, startRenewalSweeps, sweepRenewal, type RenewalSweepResult, type RenewalSweepTimer } from "./sweep.js";
export { MAX_TEXT_CHARS } from "./texts.js";

/** The partners' service (社区合伙人), when the server runs it: whether a partner id is known, and whom an address acts for. */
export type PartnerDirectory = {
  exists: (partnerId: string) => Promise<boolean>;
  /** The partner ids an address is a member of. */
  partnersOf: (address: string) => Promise<readonly string[]>;
};

export type RenewalDeps = {
  /** Where texts are kept (texts.ts); without it a proposal is refused (400 renewal_text_not_kept). */
  vault?: Vault;
  settings?: RenewalSettings;
  /** The document store, where photos, evidence and invoices must be (evidence.ts); without it they are refused. */
  documents?: EvidenceStore;
  /** An owners' vote as the indexer's read models show it (OwnersVote id), or undefined. */
  voteOf?: (voteId: number) => Promise<{ estateId: number; outcome: string } | undefined>;
  /** The partners' service; absent, a partner's pledge is taken from staff or a `partner` role holder, the id unchecked. */
  partners?: PartnerDirectory;
};

/** Which input field of a command is a text kept as a note (texts.ts). */
const NOTE_FIELD: Record<string, "description" | "text"> = { propose: "description", refuse: "text" };

export function renewalService(deps: RenewalDeps): { service: AnyService; useEngine: (engine: Engine) => void } {
  const settings = deps.settings ?? DEFAULT_RENEWAL_SETTINGS;
  const running: { engine?: Engine } = {};
  const guarded = (request: CommandRequest, run: () => Promise<CommandAnswer>) =>
    keepingTexts(deps.vault, "system" in request.principal ? { system: request.principal.system } : { address: request.principal.address }, run);
  const rowOf = async (id: string) => running.engine?.storage.get<ProjectRow>(modelName(SERVICE, MODELS.projects), id);
  const voteFact = async (voteId: number | null | undefined): Promise<RenewalFacts["vote"]> => {
    if (!voteId || !deps.voteOf) return null;
    return (await deps.voteOf(voteId)) ?? null;
  };
  const commands = renewalCommands(settings).map((command) => {
    const field = NOTE_FIELD[command.name];
    return {
      ...command,
      ...(field ? { http: (request: CommandRequest, engine: Engine) => guarded(request, () => engine.execute(request)) } : {}),
      check: async (input: Record<string, unknown>, { actor, id }: { actor: Actor; id: string }) => {
        const facts: RenewalFacts = {};
        // Documents first: a refused one writes nothing, not even the text's note.
        const hashes = [...((input.photos as string[] | undefined) ?? []), ...((input.evidence as string[] | undefined) ?? []), ...(typeof input.invoice === "string" ? [input.invoice] : [])];
        const problem = await evidenceProblem(deps.documents, hashes, actor);
        if (problem) return problem;
        if (command.name === "linkVote") facts.vote = await voteFact(input.voteId as number);
        if (command.name === "openFunding") facts.vote = await voteFact((await rowOf(id))?.voteId);
        if (command.name === "pledge" && typeof input.partnerId === "string" && deps.partners) {
          const exists = await deps.partners.exists(input.partnerId);
          const member = "address" in actor && (await deps.partners.partnersOf(actor.address.toLowerCase())).includes(input.partnerId);
          facts.partner = { exists, member };
        }
        if (field && typeof input[field] === "string") facts.note = await noteOf(deps.vault, input[field], actor);
        return { facts };
      },
    };
  });
  const service = defineService<ProjectState>({
    name: SERVICE,
    basePath: "/api/renewal",
    noun: { "zh-CN": "微更新项目", en: "micro-renewal project" },
    records: RECORDS,
    initial: INITIAL_PROJECT,
    evolve: evolveProject,
    commands,
    models: MODEL_NAMES,
    project: projectRenewal,
    queries: renewalQueries({ vault: deps.vault, settings }),
  });
  return {
    service,
    useEngine: (engine) => {
      running.engine = engine;
    },
  };
}

/**
 * A partner's pledge, for the partners' service (h-p) and other callers inside the server: the same command as
 * `POST /api/renewal/{id}/pledge` with `{ amountFen, partnerId }`, run by `principal` (a partner's member or staff).
 */
export function pledgeAsPartner(engine: Engine, request: { projectId: string; partnerId: string; amountFen: number; principal: Principal; idempotencyKey?: string }): Promise<CommandAnswer> {
  return engine.execute({
    service: SERVICE,
    command: "pledge",
    id: request.projectId,
    body: { amountFen: request.amountFen, partnerId: request.partnerId },
    principal: request.principal,
    ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
  });
}

