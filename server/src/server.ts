// One Gongzhi server process: the indexer following the chain into LevelDB, the anchorer closing receipt
// batches, the ballot relayer, and the API in front of them. `startServer` is used by main.ts, the demo and
// the tests; `stop` ends everything in order and leaves the stores closed and consistent.
import type { Server } from "node:http";
import path from "node:path";
import { Level } from "level";
import type { Logger } from "pino";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod/v4";
import { createApp } from "./api/app.js";
import { listen } from "./api/listen.js";
import { chainRoleReader } from "./api/auth/roles.js";
import { authRoutes, requireSession } from "./api/auth/routes.js";
import { createSessionStore } from "./api/auth/sessions.js";
import { addressLimiter } from "./api/limits.js";
import { defineRoute, type RouteSpec } from "./api/routes.js";
import { loadArtifact } from "./chain/artifacts.js";
import { makePublicClient, makeWalletClient, type RpcOptions } from "./chain/clients.js";
import { readDeployment, type Deployment } from "./chain/deployment.js";
import type { ServerSettings } from "./config/server.js";
import { HEALTH_RPC_MS, healthRoute, type RelayerHealthSource } from "./health.js";
import { assertVaultKeyConfigured } from "./config/vault.js";
import { chainClock } from "./api/resources/context.js";
import { authorizationKey, type ProxyAuthorizationView } from "./indexer/models/proxies.js";
import { openPrivacy, type Privacy } from "./privacy/open.js";
import { privacyRoutes, type PersonResolver } from "./privacy/routes.js";
import { readModel } from "./store/store.js";
import { follow } from "./indexer/indexer.js";
import { openOutbox, outboxRoutes, startDelivery, type NotificationsOptions } from "./notifications/index.js";
import { setupIndexer, type Service } from "./indexer/setup.js";
import { closeStore } from "./store/store.js";
import { runAnchorer } from "./receipts/anchorer.js";
import { relayerChain } from "./relayer/chain.js";
import { trackSubmissions } from "./relayer/health.js";
import { openBallotQueue } from "./relayer/queue.js";
import { relayerRoutes } from "./relayer/routes.js";
import { startSubmitter, type Submitter } from "./relayer/submitter.js";
import { directoryRoutes, startDirectory, useDirectory, type Directory } from "./services/directory/index.js";
import { documentRoutes, openDocuments, rewrapDocuments, type DocumentKeys, type DocumentService } from "./services/documents/index.js";
import { voucherService } from "./services/vouchers/index.js";
import { alarmWebhook, photoRoute, startWorkOrderSweeps, PARTY_SERVICE, partyService, routingService, workOrderService, type Party, type SweepResult } from "./services/workorders/index.js";
import { openDevices, type DeviceWebhookSpec } from "./services/devices/index.js";
import { keyRoutes, keyService, levelKeyHashes, open311ErrorShape, open311Routes } from "./services/open311/index.js";
// issue 15: dispute mediation
import { agreementRoute, directoryMediators, householdsIn, mediationService, peopleOfUnitIn, startMediationSweeps, type MediationSweepResult, type MediatorCandidate } from "./services/mediation/index.js";
// talent pool and suggestions (issue 15)
import { placesFromDirectory, talentCandidates, talentServices } from "./services/talent/index.js";
import { startSuggestionSweeps, suggestionServices, type SuggestionSweepResult } from "./services/suggestions/index.js";
// issue 16: satisfaction surveys
import { levelBoxStorage, surveyServices, type Household } from "./services/surveys/index.js";
import { storeUnits } from "./services/directory/units.js";
// community partners (issue 16)
import { partnerDirectory, partnerServices, renewalPledges, timebankLedger } from "./services/partners/index.js";
import type { PartnerDirectory } from "./services/renewal/index.js";
import { honouredOf } from "./services/vouchers/index.js";
// micro-renewal fund (issue 16)
import { renewalService, startRenewalSweeps, type RenewalSweepResult } from "./services/renewal/index.js";
// the pet three-colour code (issue 17)
import { petService, type PetSettings } from "./services/pets/index.js";
import { voteKey, type VoteView } from "./indexer/models/votes.js";
// green account (issue 17)
import { cardKeyOf, greenServices } from "./services/green/index.js";
import { PARTNER_MODELS, type PartnerRow } from "./services/partners/index.js";
import { modelSublevel } from "./store/store.js";
import { modelName, mountServices, type Engine, type OffchainRoles, type ProxyCheck, type AnyService } from "./services/framework/index.js";

export const SERVER_VERSION = "0.1.0";

export type RunningServer = {
  url: string;
  deployment: Deployment;
  service: Service;
  /** The personal-data vault and its journal, as the services get them. */
  privacy: Privacy;
  /** The directory (people, flats, off-chain roles; the demo seeds its people through it). */
  directory: Directory;
  /** The document store (proposals, plans, payment papers, scanned paper). */
  documents: DocumentService;
  /** The off-chain services' engine (its storage, for replay and tests). */
  engine: Engine;
  /** One pass of the work-order sweeps now, at the services' clock (after the pass under way): the demo runs it as it moves its clock. */
  sweepWorkOrders: () => Promise<SweepResult>;
  /** One pass of the mediation silence sweep now, at the services' clock (issue 15). */
  sweepMediation: () => Promise<MediationSweepResult>;
  /** One pass of the suggestions' overdue sweep now, at the services' clock (talent pool and suggestions, issue 15). */
  sweepSuggestions: () => Promise<SuggestionSweepResult>;
  /** issue 16: one pass of the surveys' sweep now (closes those past their closing time), at the services' clock. */
  sweepSurveys: () => Promise<{ closed: string[] }>;
  /** One pass of the micro-renewal fund's deadline sweep now, at the services' clock (issue 16). */
  sweepRenewal: () => Promise<RenewalSweepResult>;
  stop: () => Promise<void>;
};

/** The off-chain services this server runs, and what they need from outside the framework. */
export type ServicesOption = {
  /** The services, or a function making them from what the server provides (the vault, for personal data). */
  services?: AnyService[] | ((deps: { privacy: Privacy }) => AnyService[]);
  /** Off-chain roles of an address (e.g. from the directory); none unless given. */
  offchainRolesOf?: OffchainRoles;
  /** Whether staff may act for a resident; the on-chain ProxyAuthorizations unless given. */
  proxyCheck?: ProxyCheck;
  /** The person ids a signed-in address is linked to (the directory's links); nobody is linked by default. */
  personsOf?: PersonResolver;
  /**
   * How notifications are delivered: a real sender (the development file sender in the data directory unless
   * given) and the directory's lookups (the person of an address, a person's language).
   */
  notifications?: Omit<NotificationsOptions, "outbox" | "vault" | "dataDir" | "logger">;
  /**
   * Device webhooks to mount besides the work orders' alarms, which the server mounts itself (e.g. green points'
   * bins), each with its handler; `engine` runs the handler's commands (as the server itself: systemPrincipal).
   */
  deviceWebhooks?: (context: { engine: Engine }) => DeviceWebhookSpec[];
  /** The device webhooks' replay window (seconds; 300 unless said). */
  deviceReplayWindowSeconds?: number;
  /**
   * The services' clock (milliseconds since the epoch; Date.now unless given): the time of their records and of
   * their deadlines. Tests move it forward to see an order become overdue without waiting for it.
   */
  clock?: () => number;
  /** issue 17: the pet code's rules (services/pets/rules.ts: 12 points a year… unless given). */
  pets?: PetSettings;
  /**
   * issue 16: the surveys' ballot box (release after this many waiting beyond those held back; 200 and 10 unless
   * said), and whose households a person answers for (the chain's holders and the directory's links unless given:
   * the benchmark gives 10,000 households to a few signed-in addresses).
   */
  surveys?: { releaseAt?: number; holdBack?: number; householdsOf?: (who: string) => Promise<Household[]> };
  /** issue 17: the flat of a unit id for the green account (the chain's units unless given: the benchmark's 1,000 households). */
  green?: { unitOf?: (unitId: number) => Promise<{ estateId: number; building: number } | undefined> };
};

/**
 * Routes that need the indexer's read models (and, for services that hold personal data, the vault); supplied by
 * the caller so this module stays composition only.
 */
export type ExtraRoutes = (context: {
  service: Service;
  deployment: Deployment;
  settings: ServerSettings;
  privacy: Privacy;
  documents?: DocumentService;
}) => RouteSpec[];

function configRoute(settings: ServerSettings, deployment: Deployment): RouteSpec {
  return defineRoute({
    method: "get",
    path: "/api/config",
    summary: "The chain and contracts this server follows, so a client can check everything against the chain itself",
    tags: ["config"],
    response: z.object({
      chainId: z.number(),
      rpcUrl: z.string(),
      contracts: z.record(z.string(), z.object({ address: z.string(), blockNumber: z.number() })),
    }),
    handler: () => ({
      chainId: deployment.chainId,
      rpcUrl: settings.publicRpcUrl ?? settings.rpcUrl,
      contracts: Object.fromEntries(
        Object.entries(deployment.contracts).map(([name, c]) => [name, { address: c.address, blockNumber: c.blockNumber }]),
      ),
    }),
  });
}

export async function startServer(
  settings: ServerSettings,
  logger: Logger,
  extraRoutes: ExtraRoutes = () => [],
  offchain: ServicesOption = {},
): Promise<RunningServer> {
  assertVaultKeyConfigured(settings);
  const deployment = readDeployment(settings.deployment);
  const service = await setupIndexer({ ...settings, dataDir: path.join(settings.dataDir, "indexer") }, logger);
  // A vault that cannot open (a wrong or retired key) stops the start; the indexer's store is closed again first.
  // A rotation rewraps the sealed scans too, before the previous key is retired (privacy/open.ts, documents/rotation.ts).
  const sealedDocuments = { name: "sealed document(s)", rewrap: (keys: DocumentKeys) => rewrapDocuments({ dataDir: settings.dataDir, keys }) };
  const privacy = await openPrivacy(settings, { store: service.store, lock: service.lock, chainId: settings.chainId }, logger, [sealedDocuments]).catch(async (error: unknown) => {
    await closeStore(service.store);
    throw error;
  });
  const controller = new AbortController();
  const following = follow(service.indexer, { pollMs: settings.pollMs, retryMaxMs: settings.retryMaxMs, signal: controller.signal });
  // follow() ends early only on what needs a human (a reorg deeper than the window): it has logged it and health
  // reports it; reads go on from the consistent store. Without this the rejection would kill the process unlogged.
  following.catch(() => undefined);
  const anchoring = service.anchorer ? runAnchorer(service.anchorer, settings.pollMs, controller.signal) : undefined;

  // Every chain call of a request fails within rpcTimeoutMs, without retries: a request that needs a node that
  // is down answers 503 chain_unavailable in seconds (the client may ask again), instead of hanging.
  const rpc: RpcOptions = { timeoutMs: settings.rpcTimeoutMs, retryCount: 0 };
  const publicClient = makePublicClient(settings.rpcUrl, settings.chainId, rpc);
  const registry = deployment.contracts.CommunityRegistry;
  if (!registry) throw new Error(`${settings.deployment} has no CommunityRegistry; deploy the contracts first.`);
  const registryAbi = loadArtifact("CommunityRegistry", settings.artifactsDir).abi;
  const rolesOf = chainRoleReader({
    client: publicClient,
    registry: registry.address,
    abi: registryAbi,
    cacheMs: settings.roleCacheMs,
    maxEntries: settings.roleCacheSize,
  });
  const sessions = createSessionStore({
    nonceTtlMs: 10 * 60_000,
    sessionTtlMs: settings.sessionHours * 3_600_000,
    maxNonces: settings.nonceMax,
    maxSessions: settings.sessionMax,
    maxSessionsPerAddress: settings.sessionMaxPerAddress,
  });
  // Addresses tracked by a per-address limiter: as many as sessions, so a flood of throw-away keys only
  // forgets the quietest addresses.
  const perAddress = (limit: number) => addressLimiter({ limit, windowMs: 60_000, maxTracked: settings.sessionMax });

  // The EIP-4361 domain is host:port unless configured; the port is known only once listening (it may be 0).
  let listeningOn = `${settings.host}:${settings.port}`;
  const auth = {
    sessions,
    chainId: settings.chainId,
    rolesOf,
    clockSkewMs: settings.siweClockSkewSeconds * 1000,
    signInLimiter: perAddress(settings.signInsPerAddressPerMinute),
    get domain() {
      return settings.siweDomain ?? listeningOn;
    },
  };
  // The directory (issue 12 §3): people's values in the vault, read through its role × purpose table.
  const directory = await startDirectory({ store: service.store, lock: service.lock, chainId: deployment.chainId, vault: privacy.vault });
  useDirectory(directory);

  // Notifications are enqueued with the records that cause them (in the services' appends); final outcomes are
  // anchored records of their own.
  const outbox = await openOutbox(service.store, { journal: { lock: service.lock, chainId: settings.chainId } });
  const delivery = startDelivery({ ...offchain.notifications, outbox, vault: privacy.vault, dataDir: settings.dataDir, logger });
  // Scanned paper that shows residents is sealed under the vault's master key (see services/documents/sealing.ts);
  // so are work orders' photos, which the work-order service checks and serves.
  const documents = openDocuments({
    dataDir: settings.dataDir,
    store: service.store,
    lock: service.lock,
    chainId: deployment.chainId,
    keys: { current: privacy.keys.masterKey, previous: privacy.keys.previousMasterKeys },
  });
  // A party member's party is the work-order party service's read model; read once the engine is up.
  const running: { engine?: Engine } = {};
  const partyOf = async (address: string): Promise<Party | null> =>
    (await running.engine?.storage.get<Party>(modelName(PARTY_SERVICE, "members"), address.toLowerCase())) ?? null;
  // The routing table the community office edits (its defaults until edited); read once the engine is up.
  const routing = routingService();
  const categories = () => routing.inForce(running.engine!.storage);
  // The device registry (issues 14 and 17): its secrets sealed under a key derived from the vault's master key.
  const devices = openDevices({
    store: service.store,
    keys: { current: privacy.keys.masterKey, previous: privacy.keys.previousMasterKeys },
    replayWindowSeconds: offchain.deviceReplayWindowSeconds,
    // A device signs with the time of the services' clock: its window is read on that clock, as its order's time is.
    clock: offchain.clock,
  });
  // Open311 client applications' keys: only the hashes of their secrets are stored (services/open311/keys.ts).
  const open311Keys = levelKeyHashes(service.store);
  // issue 15: dispute mediation. Its candidates are the people's mediators (the directory's `mediator` role) and
  // the talent pool's consenting members (services/talent); matching runs only on commands, once the engine is up.
  const talentPoolMediators = async (): Promise<readonly MediatorCandidate[]> =>
    running.engine ? talentCandidates(running.engine.storage, placesFromDirectory(directory)) : [];
  const mediation = mediationService({
    personsOf: (address) => directory.personsOf(address),
    peopleOfUnit: async (unitId) => peopleOfUnitIn(directory, unitId),
    householdsOf: async (persons) => householdsIn(directory, persons),
    candidates: async () => [...(await directoryMediators(directory)), ...(await talentPoolMediators())],
    documents,
    vault: privacy.vault,
    clock: offchain.clock,
  });
  // Talent pool and suggestions (issue 15): members are the directory's people; texts kept in the vault.
  const personsOf = (address: string) => directory.personsOf(address);
  const talent = talentServices({ personsOf, places: placesFromDirectory(directory) });
  const suggestions = suggestionServices({ vault: privacy.vault, clock: offchain.clock, personsOf });
  // issue 16: satisfaction surveys. A person's households: the flats an address holds on chain and the flats its
  // people are linked to in the directory (a vault person id: that person's flats).
  const chainUnits = storeUnits(service.store);
  const householdsOf = async (who: string): Promise<Household[]> => {
    const ids = new Set<number>();
    const persons = /^0x[0-9a-fA-F]{40}$/.test(who) ? await directory.personsOf(who) : [who];
    if (/^0x[0-9a-fA-F]{40}$/.test(who)) for (const id of await chainUnits.unitsOf(who.toLowerCase() as Hex)) ids.add(id);
    for (const id of householdsIn(directory, persons)) ids.add(Number(id));
    const out: Household[] = [];
    for (const unitId of [...ids].sort((a, b) => a - b)) {
      const unit = await chainUnits.unit(unitId);
      if (unit) out.push({ unitId, estateId: unit.estateId, buildingId: unit.buildingId });
    }
    return out;
  };
  const surveys = surveyServices({
    clock: offchain.clock,
    logger,
    ...offchain.surveys,
    householdsOf: offchain.surveys?.householdsOf ?? householdsOf,
    // The waiting ballots kept on disk in their own sublevel (services/surveys/box.ts).
    boxStorage: levelBoxStorage(service.store.db),
  });
  // Green account (issue 17): cards tagged under a key derived from the vault's master key; households are the
  // chain's flats; points are spent with partners (their ledger is green points' currency on partners' pages).
  const partnerRow = async (id: string) => running.engine?.storage.get<PartnerRow>(modelName("partner", PARTNER_MODELS.partners), id);
  const green = greenServices({
    cardKey: cardKeyOf(privacy.keys.masterKey.key),
    clock: offchain.clock,
    householdsOf: async (address) => (await householdsOf(address)).map((h) => h.unitId),
    unitOf:
      offchain.green?.unitOf ??
      (async (unitId) => {
        const unit = await chainUnits.unit(unitId);
        return unit && { estateId: unit.estateId, building: unit.buildingId };
      }),
    buildings: async () => {
      const counts = new Map<number, number>();
      for await (const value of modelSublevel(service.store, "units").values()) {
        const building = (value as { buildingId: number }).buildingId;
        counts.set(building, (counts.get(building) ?? 0) + 1);
      }
      return [...counts].map(([building, households]) => ({ building, households }));
    },
    partnersOf: async (address) => (running.engine ? partnerDirectory(running.engine.storage).partnersOf(address) : []),
    partnerName: async (id) => {
      const row = await partnerRow(id);
      return row?.status === "approved" ? { name: row.name, nameEn: row.nameEn } : undefined;
    },
    offerAccepts: async (id, offerId) => {
      const row = await partnerRow(id);
      return row?.status === "approved" && row.offers.some((o) => o.offerId === offerId && !o.withdrawn && o.accepts.includes("greenPoints"));
    },
  });
  // Community partners (issue 16): contacts kept in the vault; time-bank credits read from the indexer's models.
  // Its page shows its pledges, read from the renewal fund's models; renewal asks it which partner ids exist and
  // which partner an account is (services/partners/pledges.ts), once the engine runs.
  const partners = partnerServices({
    vault: privacy.vault,
    ledgers: [timebankLedger(service.store, (voucher) => honouredOf(service.store, voucher)), green.ledger],
    pledgesOf: (partner) => renewalPledges(running.engine!.storage)(partner),
  });
  const partnerOf: PartnerDirectory = {
    exists: async (id) => (running.engine ? partnerDirectory(running.engine.storage).exists(id) : false),
    partnersOf: async (address) => (running.engine ? partnerDirectory(running.engine.storage).partnersOf(address) : []),
  };
  // An approved partner's account holds the off-chain `partner` role besides the directory's (a partner's pledge).
  const offchainRoles = async (address: string): Promise<string[]> => {
    const roles = await directory.offchainRolesOf(address);
    return (await partnerOf.partnersOf(address)).length > 0 && !roles.includes("partner") ? [...roles, "partner"] : roles;
  };
  // Micro-renewal fund (issue 16): texts in the vault, photos and invoices in the document store, a large project's
  // owners' vote read from the indexer's read models; the partners' service says which partner ids exist.
  const renewal = renewalService({
    vault: privacy.vault,
    documents,
    voteOf: async (voteId) => {
      const vote = await readModel<VoteView>(service.store, "votes", voteKey(voteId));
      return vote ? { estateId: vote.estateId, outcome: vote.outcome } : undefined;
    },
    // community partners (issue 16): a partner's pledge names a partner the partners' service knows.
    partners: partnerOf,
  });
  const services = mountServices({
    outbox,
    store: service.store,
    lock: service.lock,
    chainId: settings.chainId,
    // The partners' vouchers always run (issue 13: time bank); the caller's services beside them.
    services: [
      voucherService(service.store),
      devices.service,
      workOrderService({ categories, partyOf, clock: offchain.clock, vault: privacy.vault, photos: documents }),
      partyService(),
      routing.service,
      keyService(open311Keys),
      mediation.service,
      ...talent.services,
      ...suggestions.services,
      ...surveys.services,
      ...partners.services,
      renewal.service,
      // the pet three-colour code (issue 17): names and places in the vault, photos and certificates sealed.
      petService({ vault: privacy.vault, documents, householdsOf, settings: offchain.pets, clock: offchain.clock }),
      ...green.services,
      ...(typeof offchain.services === "function" ? offchain.services({ privacy }) : (offchain.services ?? [])),
    ],
    sessions,
    rolesOf,
    // The services' off-chain roles are the directory's, unless the caller gives its own.
    offchainRolesOf: offchain.offchainRolesOf ?? offchainRoles,
    proxyCheck: offchain.proxyCheck,
    clock: offchain.clock,
  });
  running.engine = services.engine;
  talent.useEngine(services.engine);
  suggestions.useEngine(services.engine);
  surveys.useEngine(services.engine);
  // issue 16: ballots kept in the box by a server that stopped without releasing them go back in (or, if a release
  // already took them, are deleted) before any answer is taken.
  await surveys.restoreBox();
  const surveySweeps = surveys.startSweeps({ intervalMs: settings.workOrderSweepMs, logger });
  partners.useEngine(services.engine);
  renewal.useEngine(services.engine);
  green.useEngine(services.engine);
  const renewalSweeps = startRenewalSweeps({ engine: services.engine, intervalMs: settings.workOrderSweepMs, logger, clock: offchain.clock });
  const suggestionSweeps = startSuggestionSweeps({ engine: services.engine, intervalMs: settings.workOrderSweepMs, logger, clock: offchain.clock });
  // Overdue orders escalated and unanswered fixes confirmed, by the server itself (workorders/sweep.ts).
  // On the services' clock, like the deadlines they compare it with (a moved clock makes an order overdue for both).
  const sweeps = startWorkOrderSweeps({ engine: services.engine, intervalMs: settings.workOrderSweepMs, logger, clock: offchain.clock });
  // issue 15: mediation reads its load and ranks through the engine; its silence sweep runs like the work orders'.
  await mediation.attach(services.engine);
  const mediationSweeps = startMediationSweeps({ engine: services.engine, intervalMs: settings.workOrderSweepMs, logger, clock: offchain.clock });
  const routes: RouteSpec[] = [
    configRoute(settings, deployment),
    ...authRoutes(auth),
    ...directoryRoutes({ directory, sessions, rolesOf }),
    ...services.routes,
    ...devices.routes(services.engine, { sessions, rolesOf, offchainRolesOf: offchain.offchainRolesOf ?? ((address) => directory.offchainRolesOf(address)) }),
    // Work orders take their alarms themselves, through the intake (workorders/alarms.ts); other services' webhooks beside.
    ...[alarmWebhook(services.engine), green.webhook(services.engine), ...(offchain.deviceWebhooks?.({ engine: services.engine }) ?? [])].map((spec) => devices.webhook(services.engine, spec)),
    ...outboxRoutes({ outbox, signedIn: requireSession(sessions), rolesOf, wake: () => delivery.wake() }),
    // Open311 GeoReport v2 (outside /api: the spec's own URLs; its errors in the spec's shape, see createApp below).
    ...keyRoutes({ engine: services.engine, hashes: open311Keys, sessions, rolesOf, offchainRolesOf: offchain.offchainRolesOf ?? ((address) => directory.offchainRolesOf(address)) }),
    ...open311Routes({ engine: services.engine, hashes: open311Keys, categories, vault: privacy.vault, places: directory }),
    // A work order's photos, for its reporters, its party and staff (workorders/photos.ts).
    photoRoute({ engine: services.engine, photos: documents, sessions, rolesOf, offchainRolesOf: offchain.offchainRolesOf ?? ((address) => directory.offchainRolesOf(address)), partyOf }),
    // issue 15: a dispute's signed agreement, for those who stand in the case (mediation/agreement.ts).
    agreementRoute({ engine: services.engine, documents, sessions, rolesOf, offchainRolesOf: offchain.offchainRolesOf ?? ((address) => directory.offchainRolesOf(address)), personsOf: (address) => directory.personsOf(address) }),
    // issue 16: a household's answer to a survey, kept apart from its turnout (services/surveys/answer.ts).
    ...surveys.routes({ sessions, rolesOf, offchainRolesOf: offchain.offchainRolesOf ?? ((address) => directory.offchainRolesOf(address)) }),
  ];
  routes.push(
    ...privacyRoutes({
      vault: privacy.vault,
      journal: privacy.journal,
      sessions,
      rolesOf,
      // A signed-in address is the person the directory links it to, unless the caller gives its own links.
      personsOf: offchain.personsOf ?? ((address) => directory.personsOf(address)),
      authorisation: (id) => readModel<ProxyAuthorizationView>(service.store, "proxyAuthorizations", authorizationKey(id)),
      now: chainClock(publicClient),
    }),
  );
  routes.push(...documentRoutes({ documents, sessions, rolesOf }));
  let relayerDb: Level<string, string> | undefined;
  let submitter: Submitter | undefined;
  let relayerHealth: RelayerHealthSource | undefined;
  const vote = deployment.contracts.OwnersVote;
  if (settings.relayerKey && vote) {
    relayerDb = new Level<string, string>(path.join(settings.dataDir, "relayer"));
    const queue = await openBallotQueue(relayerDb);
    const relayerAccount = privateKeyToAccount(settings.relayerKey as Hex);
    const tracked = trackSubmissions(
      relayerChain({
        publicClient: makePublicClient(settings.rpcUrl, settings.chainId, { batch: true, ...rpc }),
        walletClient: makeWalletClient(settings.rpcUrl, settings.chainId, relayerAccount, rpc),
        vote: { address: vote.address, abi: loadArtifact("OwnersVote", settings.artifactsDir).abi, deployedAt: BigInt(vote.blockNumber) },
        registry: { address: registry.address, abi: registryAbi },
      }),
    );
    const chain = tracked.chain;
    relayerHealth = {
      queue,
      submissions: tracked.state,
      account: relayerAccount.address,
      batchSize: settings.relayerBatchSize,
      intervalMs: settings.relayerIntervalMs,
    };
    submitter = startSubmitter({
      queue,
      chain,
      batchSize: settings.relayerBatchSize,
      intervalMs: settings.relayerIntervalMs,
      logger,
    });
    // Ballots acknowledged before a restart go out in the first batch.
    void submitter.flush();
    routes.push(...relayerRoutes({ chain, queue, submitter, ballotLimiter: perAddress(settings.ballotsPerAddressPerMinute) }));
  } else {
    logger.warn({}, "no relayer key (GONGZHI_RELAYER_KEY) or no OwnersVote: signed ballots are not relayed");
  }
  routes.push(
    healthRoute({
      version: SERVER_VERSION,
      client: makePublicClient(settings.rpcUrl, settings.chainId, { timeoutMs: Math.min(HEALTH_RPC_MS, settings.rpcTimeoutMs), retryCount: 0 }),
      indexer: service.indexer,
      maxLagBlocks: settings.healthMaxLagBlocks,
      relayer: relayerHealth,
      anchorer: service.anchorer,
      notifications: { counts: () => outbox.counts() },
    }),
  );

  const app = createApp({
    routes: [...routes, ...extraRoutes({ service, deployment, settings, privacy, documents })],
    logger,
    corsOrigins: settings.corsOrigins.split(",").map((o) => o.trim()).filter(Boolean),
    rateLimit: { windowMs: 60_000, limit: settings.rateLimitPerMinute },
    limitedPaths: ["/open311"],
    errorShapes: [open311ErrorShape],
    bodyLimit: "64kb",
    bodyTimeoutMs: settings.bodyTimeoutMs,
    staticDir: settings.staticDir,
    version: SERVER_VERSION,
  });
  const listening = await listen(app, {
    host: settings.host,
    port: settings.port,
    limits: { headersTimeoutMs: settings.headersTimeoutMs, requestTimeoutMs: settings.requestTimeoutMs },
  });
  listeningOn = `${settings.host}:${listening.port}`;
  const server: { http: Server; url: string } = { http: listening.server, url: `http://${listeningOn}` };
  logger.info({ url: server.url, chainId: settings.chainId, relaying: !!submitter, anchoring: !!service.anchorer }, "server listening");
  let stopped = false;
  return {
    url: server.url,
    deployment,
    service,
    privacy,
    directory,
    documents,
    engine: services.engine,
    sweepWorkOrders: sweeps.runNow,
    sweepMediation: mediationSweeps.runNow,
    sweepSuggestions: suggestionSweeps.runNow,
    sweepSurveys: surveySweeps.runNow,
    sweepRenewal: renewalSweeps.runNow,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => server.http.close(() => resolve()));
      server.http.closeAllConnections();
      controller.abort();
      await Promise.allSettled([following, anchoring]);
      await submitter?.stop();
      await sweeps.stop();
      await mediationSweeps.stop();
      await suggestionSweeps.stop();
      // issue 16: the ballots still in the box are released before the store closes (after a crash, the next start
      // puts them back into the box from disk).
      await surveySweeps.stop();
      await surveys.box.flushAll().catch((error: unknown) => logger.error({ error: error instanceof Error ? error.message : String(error) }, "the ballot box could not release its ballots"));
      await renewalSweeps.stop();
      await delivery.stop();
      await relayerDb?.close();
      useDirectory(undefined);
      await privacy.close();
      await closeStore(service.store);
    },
  };
}
