// Green account (绿色账户), issue 17: households' cards, smart bins' sorting events through the devices' signed
// webhook, points pending until the volunteer at the bin confirms (or the bin-day's random sample passed), active,
// spent at partners for goods of the catalogue, expired after the configured time; a daily cap per household and
// a minimum interval per bin; statistics by building and month. The one export the server composes.
import type { Actor } from "../../receipts/actor.js";
import type { DeviceWebhookSpec } from "../devices/index.js";
import { createKeyedLock, defineService, modelName, refuse, submit, systemPrincipal, type AnyService, type Engine } from "../framework/index.js";
import type { CurrencyLedger } from "../partners/index.js";
import { cardMatches, parseCard } from "./card.js";
import { greenCommands, type GreenFacts } from "./commands.js";
import { MODELS, projectGreen, type ItemRow, type RedemptionRow } from "./projections.js";
import { greenQueries, passedOf, settingsOf, type GreenQueryDeps } from "./queries.js";
import { RECORDS, SERVICE, WASTE_KINDS, type GreenSettings } from "./records.js";
import { evolveGreen, INITIAL_GREEN, type GreenState } from "./state.js";
import { z } from "zod/v4";

export * from "./records.js";
export * from "./ledger.js";
export { CARD_PREFIX, cardKeyOf, cardMatches, cardUri, parseCard } from "./card.js";
export { greenCommands, type GreenFacts } from "./commands.js";
export { MODELS as GREEN_MODELS, monthOf, type MonthRow } from "./projections.js";
export { evolveGreen, INITIAL_GREEN, type Entry, type GreenState } from "./state.js";

export const SORTING_PATH = "/api/green/sorting";
export const SORTING_JOB = "green.sorting";

export type GreenDeps = Omit<GreenQueryDeps, "now"> & {
  /** The flat of a unit id (the chain's units): its estate and building. */
  unitOf: (unitId: number) => Promise<{ estateId: number; building: number } | undefined>;
  /** Whether a partner is approved and its offer accepts green points. */
  offerAccepts: (partner: string, offerId: string) => Promise<boolean>;
  /** The services' clock (milliseconds; Date.now unless given). */
  clock?: () => number;
};

const eventBody = z.object({
  eventId: z.string(),
  card: z.string().max(200),
  kind: z.enum(WASTE_KINDS),
  correct: z.boolean(),
  weightGrams: z.number().int().min(0).max(1_000_000).optional(),
});

export type Green = {
  services: AnyService[];
  useEngine: (engine: Engine) => void;
  /** The bins' signed webhook (mounted by the server through devices.webhook). */
  webhook: (engine: Engine) => DeviceWebhookSpec;
  /** Green points as a partners' currency: what was spent with a partner (by partner id). */
  ledger: CurrencyLedger;
};

export function greenServices(deps: GreenDeps): Green {
  const running: { engine?: Engine } = {};
  const clock = deps.clock ?? Date.now;
  const storage = () => {
    if (!running.engine) throw new Error("The green account's engine is not running yet.");
    return running.engine.storage;
  };
  const reader = { get: <T>(model: string, key: string) => storage().get<T>(modelName(SERVICE, model), key) };
  const principalOf = (actor: Actor) => ("onBehalfOf" in actor ? actor.onBehalfOf : "address" in actor ? actor.address : "").toLowerCase();
  const stateOf = async (id: string) => ((await running.engine!.stateOf(SERVICE, id)).state as GreenState) ?? INITIAL_GREEN;

  const checks: Record<string, (input: Record<string, unknown>, context: { actor: Actor; id: string }) => Promise<{ facts: GreenFacts }>> = {
    addItem: async (input) => ({ facts: { offerAccepts: await deps.offerAccepts(String(input.partner), String(input.offerId)) } }),
    issueCard: async (input, { actor }) => {
      const unitId = Number(input.unitId);
      const unit = await deps.unitOf(unitId);
      const who = principalOf(actor);
      return { facts: { unit, own: who !== "" && (await deps.householdsOf(who)).includes(unitId) } };
    },
    sort: async (input) => ({ facts: { settings: await settingsOf(reader), binLast: await reader.get<number>(MODELS.binLast, String(input.device)) } }),
    confirm: async (_input, { actor }) => {
      const address = "address" in actor ? actor.address.toLowerCase() : "";
      return { facts: { volunteer: (await settingsOf(reader)).volunteers.includes(address) } };
    },
    redeem: async (input, { actor, id }) => {
      const state = await stateOf(id);
      const row = await reader.get<ItemRow>(MODELS.items, String(input.item));
      const address = "address" in actor ? actor.address.toLowerCase() : "";
      return {
        facts: {
          settings: await settingsOf(reader),
          passed: [...(await passedOf(reader, state))],
          cardMatches: cardMatches(deps.cardKey, String(input.card), id, state.serial),
          item: row && { ...row, left: row.stock - row.redeemed },
          itemPartner: row !== undefined && (await deps.partnersOf(address)).includes(row.partner),
        },
      };
    },
  };

  const commands = greenCommands().map((command) => (checks[command.name] ? { ...command, check: checks[command.name] } : command));
  const green = defineService<GreenState>({
    name: SERVICE,
    basePath: "/api/green",
    noun: { "zh-CN": "绿色账户", en: "green account" },
    records: RECORDS,
    initial: INITIAL_GREEN,
    evolve: evolveGreen,
    commands,
    models: Object.values(MODELS),
    project: projectGreen,
    queries: greenQueries({ ...deps, now: () => Math.floor(clock() / 1000) }),
  });

  const principal = systemPrincipal(SORTING_JOB);
  // A bin's events are decided one after the other (its minimum interval compares each with the one before).
  const perBin = createKeyedLock();
  const webhook = (engine: Engine): DeviceWebhookSpec => ({
    path: SORTING_PATH,
    summary: "Sorting events signed by smart bins (docs/devices.md, docs/green.md): the household's card, the kind, whether sorted correctly, the weight",
    tags: [SERVICE],
    kinds: ["smartBin"],
    handle: async (event) => {
      const parsed = eventBody.safeParse(event.body);
      if (!parsed.success) throw refuse(400, "device_event_invalid", { reason: parsed.error.issues.map((i) => i.path.join(".")).join(", ") });
      const card = parseCard(parsed.data.card);
      const state = card ? await stateOf(card.household) : undefined;
      if (!card || !state || !cardMatches(deps.cardKey, parsed.data.card, card.household, state.serial)) throw refuse(404, "green_unknown_card", {});
      const body = { device: event.device, eventId: event.eventId, kind: parsed.data.kind, correct: parsed.data.correct, weightGrams: parsed.data.weightGrams ?? null, at: event.at, binBuilding: event.place.building ?? null };
      const answer = await perBin(event.device, () => submit(engine, { service: SERVICE, command: "sort", id: card.household, body, principal, idempotencyKey: event.idempotencyKey }));
      return { status: 201, body: { household: card.household, version: answer.body.version, recordIds: answer.body.recordIds } };
    },
  });

  const ledger: CurrencyLedger = {
    currency: "greenPoints",
    unit: "points",
    isPartner: async (partner) => (await deps.partnerName(partner)) !== undefined,
    spentWith: async (partner) => {
      const out = [];
      for await (const [key, value] of storage().list(modelName(SERVICE, MODELS.byPartner), { prefix: `${partner}:` })) {
        const row = value as RedemptionRow;
        out.push({ amount: row.points, kind: row.item, recordId: String(key), txHash: null, blockNumber: null, voucher: null, honoured: true });
      }
      return out;
    },
  };

  return {
    services: [green],
    useEngine: (engine) => {
      running.engine = engine;
    },
    webhook,
    ledger,
  };
}

export type { GreenSettings };
