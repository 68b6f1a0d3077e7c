// Community partners (社区合伙人), issue 16: businesses and organisations registered by the office, or applying
// themselves and approved by the office, offering space, goods, services and discounts (when, to whom, for which
// currencies), accepting time-bank credits (read from the chain's read models) and, once issue 17 has a ledger,
// green points; booked by residents; pledging to micro-renewal projects; each with a public page of its
// contributions. The contact person is kept in the vault. The one export the server composes.
import type { Actor } from "../../receipts/actor.js";
import type { Vault } from "../../vault/index.js";
import { defineService, keepingTexts, keepText, modelName, refuse, type AnyService, type CommandAnswer, type CommandRequest, type Engine } from "../framework/index.js";
import { partnerCommands, type PartnerFacts } from "./commands.js";
import type { CurrencyLedger } from "./ledgers.js";
import { MODELS, projectPartner } from "./projections.js";
import { partnerQueries, type PartnerPledge } from "./queries.js";
import { RECORDS, SERVICE } from "./records.js";
import { evolvePartner, INITIAL_PARTNER, type PartnerState } from "./state.js";

export * from "./records.js";
export { BOOK_AHEAD_DAYS, MAX_BOOKING_MINUTES, partnerCommands, type PartnerFacts } from "./commands.js";
export { chinaTime, hhmm, slotOf } from "./hours.js";
export { timebankLedger, type CurrencyLedger, type Spending } from "./ledgers.js";
export { MODELS as PARTNER_MODELS, type BookingRow, type GivenRow, type PartnerRow, type Totals } from "./projections.js";
export { type ContributionsView, type PartnerPledge, type PartnerView } from "./queries.js";
export { evolvePartner, INITIAL_PARTNER, type PartnerState } from "./state.js";
export { partnerDirectory, PLEDGE_STATUSES, renewalPledges } from "./pledges.js";

export type PartnerDeps = {
  /** Where contact persons are kept; without it a registration is refused (400 partner_contact_not_kept). */
  vault?: Vault;
  /** The ledgers of accepted currencies: the time bank's (timebankLedger), green points' once issue 17 has one. */
  ledgers?: readonly CurrencyLedger[];
  /** A partner's pledges to micro-renewal projects (services/renewal), once it runs beside this service. */
  pledgesOf?: (partner: string) => Promise<PartnerPledge[]>;
};

/** Commands whose input carries the contact person (kept in the vault, erased again if the command is refused). */
const CONTACT_COMMANDS = ["register", "apply", "changeContact"];

/** The partners' service. It reads its own read models in its lookups through the engine: `useEngine` once made. */
export function partnerServices(deps: PartnerDeps): { services: AnyService[]; useEngine: (engine: Engine) => void } {
  const running: { engine?: Engine } = {};
  const model = <T>(name: string, key: string) => running.engine?.storage.get<T>(modelName(SERVICE, name), key) ?? Promise.resolve(undefined);
  const timebank = deps.ledgers?.find((l) => l.currency === "timebank");
  const guarded = (request: CommandRequest, run: () => Promise<CommandAnswer>) =>
    keepingTexts(deps.vault, "system" in request.principal ? { system: request.principal.system } : { address: request.principal.address }, run);
  const commands = partnerCommands().map((command) => ({
    ...command,
    ...(CONTACT_COMMANDS.includes(command.name) ? { http: (request: CommandRequest, engine: Engine) => guarded(request, () => engine.execute(request)) } : {}),
    check: async (input: Record<string, unknown>, { actor }: { actor: Actor }) => {
      const facts: PartnerFacts = {};
      const account = command.name === "apply" ? ("address" in actor ? actor.address.toLowerCase() : undefined) : typeof input.account === "string" ? input.account : undefined;
      if (account) facts.accountTakenBy = await model<string>(MODELS.byAccount, account);
      if (typeof input.timebankPartner === "string") {
        facts.onchainPartner = (await timebank?.isPartner(input.timebankPartner)) ?? false;
        facts.timebankTakenBy = await model<string>(MODELS.byTimebank, input.timebankPartner);
      }
      // The contact last: a lookup refused above writes nothing to the vault.
      if (CONTACT_COMMANDS.includes(command.name) && typeof input.contactName === "string" && typeof input.contactPhone === "string") {
        const notKept = refuse(400, "partner_contact_not_kept", {});
        facts.contact = { contactName: await keepText(deps.vault, input.contactName, actor, notKept), contactPhone: await keepText(deps.vault, input.contactPhone, actor, notKept) };
      }
      return { facts };
    },
  }));
  const partners = defineService<PartnerState>({
    name: SERVICE,
    basePath: "/api/partners",
    noun: { "zh-CN": "合伙人", en: "partner" },
    records: RECORDS,
    initial: INITIAL_PARTNER,
    evolve: evolvePartner,
    commands,
    models: Object.values(MODELS),
    project: projectPartner,
    queries: partnerQueries({ vault: deps.vault, ledgers: deps.ledgers, pledgesOf: deps.pledgesOf }),
  });
  return {
    services: [partners],
    useEngine: (engine) => {
      running.engine = engine;
    },
  };
}
