// Dispute mediation (调解, issue 15): residents file disputes (or staff for them), the other side answers or silence
// escalates, a mediator is matched without conflict of interest, sessions and the signed agreement are recorded,
// judicial confirmation and the follow-up visit tracked, levels building → community → street → court, and
// statistics with their denominators. The one export the server composes.
import { actorText, type Actor } from "../../receipts/actor.js";
import { readNote, type Vault } from "../../vault/index.js";
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
import { buildingKey, conflictOf, mergeCandidates, rankMediators, type MatchingDispute, type MediatorCandidate } from "./matching.js";
import { notifyParties } from "./notify.js";
import { MODEL_NAMES, MODELS, projectDispute, type SummaryRow } from "./projections.js";
import { caseFor, disputeQueries, readerOf, NOUN } from "./queries.js";
import { RECORDS, SERVICE } from "./records.js";
import { statsQuery } from "./stats.js";
import { evolveDispute, INITIAL_DISPUTE, partiesOf, type DisputeState } from "./state.js";
import { textsQuery } from "./texts.js";
import { createSimilarIndex, type SimilarIndex } from "./similar.js";
import { AGREEMENT_CLASS, type AgreementStore } from "./agreement.js";

export * from "./records.js";
export { DEFAULT_MEDIATION_SETTINGS, MAX_TEXT_CHARS, nextLevel, type MediationSettings } from "./commands.js";
export { buildingKey, conflictOf, mergeCandidates, proposeMediator, rankMediators, type Conflict, type MatchingDispute, type MediatorCandidate, type Ranked } from "./matching.js";
export { evolveDispute, INITIAL_DISPUTE, isOpen, partiesOf, respondentPeople, type DisputeState, type DisputeStatus } from "./state.js";
export { MODELS as MEDIATION_MODELS, type DisputeRow, type SummaryRow } from "./projections.js";
export { monthOf, readStats, STATS_MODELS, type MediationStats } from "./stats.js";
export { sweepMediation, startMediationSweeps, SWEEP_JOB, type MediationSweepResult, type MediationSweepTimer } from "./sweep.js";
export { disputeView, type DisputeView } from "./queries.js";
export { AGREEMENT_CLASS, agreementRoute, type AgreementRouteDeps, type AgreementStore } from "./agreement.js";
export { createSimilarIndex, type ClosedCaseSummary, type SimilarIndex } from "./similar.js";
export { directoryMediators, householdsIn, peopleOfUnitIn } from "./candidates.js";

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
  documents?: Pick<AgreementStore, "lookup">;
  /** Where what people write is kept; without it a text is refused (400 mediation_text_not_kept). */
  vault?: Vault;
  settings?: MediationSettings;
  /** Milliseconds since the epoch (the services' clock). */
  clock?: () => number;
};

export type Mediation = {
  service: AnyService;
  /**
   * Gives the service the running engine (for matching's load and the ranking query) and rebuilds the similar
   * cases from the closed cases it holds (their summaries read from the vault); the server awaits it once mounted.
   */
  attach: (engine: Engine) => Promise<void>;
  /** The closed cases' index the similar-case query searches (fed at each close, emptied of a reopened case). */
  similar: SimilarIndex;
};

/** Who reads the closed cases' summaries into the similar-case index (the vault's access log names it). */
export const SIMILAR_JOB = "mediation.similar";

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
  return { category: state.category, ...(state.place?.building !== undefined ? { building: buildingKey(state.place.estateId, state.place.building) } : {}), parties, households: [...households], languages: state.languages };
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

  const similar = createSimilarIndex();
  const systemActor = actorText({ system: SIMILAR_JOB });
  /** A closed case as the index holds it: its anonymised summary and terms read back from the vault (null: erased). */
  const summaryOf = async (id: string, row: SummaryRow) => {
    if (!deps.vault) return null;
    const read = (commitment: string) => readNote(deps.vault!, { commitment, actor: systemActor, purpose: "service.arrangement" });
    const summary = await read(row.summary);
    if (summary === null) return null;
    return { id, category: row.category, level: row.level, outcome: row.outcome, summary, terms: row.terms === null ? "" : ((await read(row.terms)) ?? ""), closedAt: row.closedAt };
  };
  /** After a command: a close with a summary joins the index (its words as the mediator wrote them); a reopening leaves it. */
  const feed = async (request: CommandRequest, kinds: readonly string[], id: string) => {
    if (kinds.includes("mediation.reopened")) similar.remove(id);
    if (!kinds.includes("mediation.closed") || request.command !== "close") return;
    const body = request.parsedBody as { outcome: string; summary: string; terms?: string };
    const state = await stateOf(id);
    similar.add({ id, category: state.category, level: state.level, outcome: body.outcome, summary: body.summary, terms: body.terms ?? "", closedAt: state.closedAt ?? 0 });
  };

  const commands = mediationCommands(settings).map((command) => ({
    ...command,
    // Every command may carry texts: run inside keepingTexts, so a refusal erases the notes its lookups kept.
    http: async (request: CommandRequest, e: Engine) => {
      const answer = await keepingTexts(deps.vault, "system" in request.principal ? { system: request.principal.system } : { address: request.principal.address }, () => e.execute(request));
      if (!answer.replayed) await feed(request, answer.body.records.map((r) => r.kind), answer.body.id);
      return answer;
    },
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

  const similarQuery: QueryDef = defineQuery({
    path: "/api/mediation/disputes/:id/similar",
    summary:
      "The closed cases most like this dispute (anonymised summary, category, level, outcome, the terms agreed), by full-text search over their Chinese text, its own category first; for the case's mediator and the office. `q`: search with these words instead of the dispute's own account",
    who: "signedIn",
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
    query: z.object({ q: z.string().trim().min(1).max(500).optional(), k: z.coerce.number().int().min(1).max(20).default(5) }),
    response: z.object({
      items: z.array(z.object({ id: z.string(), category: z.string(), level: z.string(), outcome: z.string(), summary: z.string(), terms: z.string(), closedAt: z.number(), score: z.number() })),
      indexed: z.number().describe("closed cases in the index"),
    }),
    handler: async ({ params, query }, read, context) => {
      const reader = await readerOf(queryDeps, context);
      const { row, roles } = await caseFor(read, params.id, reader);
      if (!roles.includes("mediator") && !roles.includes("office")) throw refuse(403, "mediation_similar_forbidden", { id: params.id });
      let text = query.q;
      if (text === undefined) {
        // The dispute's own words, read on the audited path for this reader, used as the query and not kept.
        if (!deps.vault) throw refuse(400, "mediation_text_not_kept", {});
        const first = (await read.history(params.id, 1, 1))[0];
        const payload = (first?.payload ?? {}) as { account?: string; wish?: string };
        const actor = actorText({ address: reader.address as `0x${string}` });
        const words = await Promise.all([payload.account, payload.wish].map((c) => (c ? readNote(deps.vault!, { commitment: c, actor, purpose: "service.arrangement" }) : null)));
        text = words.filter((w): w is string => w !== null).join("\n");
      }
      return { items: text ? similar.search({ text, category: row.category, excludeId: params.id }, query.k) : [], indexed: similar.size() };
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
    queries: [statsQuery(), ...disputeQueries(queryDeps), proposalQuery, similarQuery, textsQuery({ ...queryDeps, vault: deps.vault })],
  });
  return {
    service,
    similar,
    async attach(e) {
      engine = e;
      for await (const [id, row] of e.storage.list(modelName(SERVICE, MODELS.summaries))) {
        const closed = await summaryOf(id, row as SummaryRow);
        if (closed) similar.add(closed);
      }
    },
  };
}
