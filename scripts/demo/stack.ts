// The whole system on one machine, for a newcomer and for the end-to-end tests: a local Hardhat node, every
// contract deployed, the demo estate seeded with its history, and the server (indexer, anchorer, relayer, API,
// web client) running. `stop` ends it all; a new start begins from a clean data directory.
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { pino } from "pino";
import { createWalletClient, http } from "viem";
import { chainFor, makePublicClient, makeWalletClient } from "../../server/src/chain/clients.js";
import { deployContracts } from "../../server/src/chain/deploy.js";
import { writeDeployment, type Deployment } from "../../server/src/chain/deployment.js";
import { isLoopback, startLocalNode } from "../../server/src/chain/localNode.js";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
// issue 16: satisfaction surveys
import { playSurveyYear, SURVEY_YEAR_SECONDS } from "./surveys.js";
import { demoAccountsRoute } from "./accounts.js";
import { seedDirectory, type DemoDirectory } from "./directory.js";
import type { DemoDocument } from "./documents.js";
import { HISTORY_TRAVEL_SECONDS, playHistory, type DemoElection, type DemoHistory, type DemoVote } from "./history.js";
import { demoPlan, type DemoPlan } from "./plan.js";
import type { DemoProposal } from "./proposals.js";
import { demoContracts, privateKeyOf, seedEstate } from "./seed.js";
import { makeWriter } from "./tx.js";
import { playNeighbourCommunity, type DemoNeighbour } from "./communities.js";
import { demoClock, prepareWorkOrders, WORKORDER_MONTH_SECONDS, type DemoClock } from "./workorders.js";
// issue 15: months of dispute mediation before the month of work orders
import { MEDIATION_SPAN_SECONDS, prepareMediation } from "./mediation.js";
// talent pool and suggestions (issue 15)
import { playSuggestions } from "./suggestions.js";
import { playTalentPool, TALENT_DAYS } from "./talent.js";
// community partners (issue 16)
import { PARTNER_DAYS, playPartners } from "./partners.js";
// the pet three-colour code (issue 17)
import { playPets } from "./pets.js";
// green account (issue 17)
import { GREEN_SPAN_SECONDS, playGreen } from "./green.js";
// micro-renewal fund (issue 16)
import { playRenewal, RENEWAL_SPAN_SECONDS } from "./renewal.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const HARDHAT_CHAIN_ID = 31337;
/** The talent pool's and the suggestions' months, before the work orders' month (issue 15). */
const SUGGESTION_MONTHS_SECONDS = 90 * 86_400;

export type DemoStackOptions = {
  rpcPort?: number;
  /** The chain node's interface: 127.0.0.1 unless said, since its development keys are unlocked. */
  rpcHost?: string;
  apiPort?: number;
  /** Wiped at start. */
  dataDir?: string;
  log?: (line: string) => void;
  /** pino level of the server's own log lines (silent by default: the demo prints its own summary). */
  serverLogLevel?: "fatal" | "error" | "warn" | "info" | "debug" | "silent";
  /** The off-chain services' clock (ms since the epoch; Date.now unless given), for tests that move it. */
  servicesClock?: () => number;
  /**
   * Plays a month of work orders through the API (workorders.ts): `npm run demo` does. Off unless said, so that
   * tests of the work-order pages start from an estate without orders.
   */
  workOrderMonth?: boolean;
  /**
   * Plays five months of dispute mediation through the API before the month of work orders (mediation.ts): `npm
   * run demo` does. Off unless said.
   */
  mediationHistory?: boolean;
  /**
   * Plays the talent pool and three months of suggestions with an open day, before the work orders' month
   * (talent.ts, suggestions.ts): `npm run demo` does. Off unless said (tests of those pages make their own).
   */
  talentAndSuggestions?: boolean;
  /** issue 16: four quarters of satisfaction surveys, played first (the services' clock starts a year further back). */
  surveyYear?: boolean;
  /**
   * Plays two weeks of community partners (partners.ts: registrations, offers, bookings, goods given) before the
   * month of work orders, and books the coming days: `npm run demo` does. Off unless said (issue 16); played
   * whenever the renewal fund is, whose partners' pledges name them.
   */
  partners?: boolean;
  /**
   * Plays the micro-renewal fund's five months (renewal.ts: two funded projects, one delivered with its use risen,
   * one in progress, and one that failed to fund), before the work orders' month: `npm run demo` does. Off unless said.
   */
  renewal?: boolean;
  /**
   * issue 17: plays the pet three-colour code (pets.ts: four pets, green, yellow, red and an expired vaccination,
   * reports, confirmed deductions, appeals), at the real time once the rest has been played. Off unless said.
   */
  pets?: boolean;
  /**
   * issue 17: a quarter of the green account (green.ts: bins, cards, sorting events, volunteers' confirmations,
   * redemptions at the corner shop) after the partners and the renewal fund, before the work orders' month: `npm run
   * demo` does. Off unless said; it plays the partners too (its goods are theirs).
   */
  green?: boolean;
  /** How often the server's work-order sweeps run (ms; the server's default, 60 s, unless given). */
  workOrderSweepMs?: number;
  /** The built web client to serve (client/dist, as `npm run build:client` makes it, unless given). */
  staticDir?: string;
  /** The chain node: Hardhat's unless said; the tests' snapshot of the seeded stack needs Anvil (snapshot.ts). */
  nodeKind?: "hardhat" | "anvil";
  /** Called by `stop` once the server has stopped and before the chain node does (snapshot.ts dumps the chain then). */
  beforeNodeStops?: (rpcUrl: string) => Promise<void>;
};

export type DemoStack = {
  /** issue 17: the neighbouring community's time bank and the volunteer who moved there. */
  neighbour: DemoNeighbour;
  rpcUrl: string;
  apiUrl: string;
  plan: DemoPlan;
  deployment: Deployment;
  votes: DemoVote[];
  /** Committee elections: one ballot paper each, its candidates' votes (not in `votes`). */
  elections: DemoElection[];
  documents: DemoDocument[];
  /** The texts of the votes and plans, whose hashes are on chain (with their attachments' hashes). */
  proposals: DemoProposal[];
  directory: DemoDirectory;
  stop: () => Promise<void>;
};

/**
 * Stores the history's documents through the server's document store, as the roles that own them would upload
 * them (the roles the demo's seed granted on chain): attachments and payment papers first, then the proposals
 * and plans that attach them. Returns how many were stored.
 */
async function storeDemoDocuments(server: RunningServer, plan: DemoPlan, estateId: number, history: DemoHistory): Promise<number> {
  const committee = { address: plan.committee[0]!.account.address.toLowerCase() as `0x${string}`, roles: [`committee:${estateId}`] };
  const uploaders = {
    attachment: committee,
    payment: { address: plan.custodian.account.address.toLowerCase() as `0x${string}`, roles: ["custodian"] },
    "paper-ballot": { address: plan.staff[0]!.account.address.toLowerCase() as `0x${string}`, roles: ["staff"] },
    authorisation: { address: plan.staff[0]!.account.address.toLowerCase() as `0x${string}`, roles: ["staff"] },
  };
  for (const d of history.documents) {
    const who = uploaders[d.class];
    await server.documents.upload({ bytes: readFileSync(d.file), declared: "application/pdf", class: d.class, uploader: who.address, roles: who.roles, expectedHash: d.hash });
  }
  for (const p of history.proposals) {
    const { meta } = await server.documents.storeProposal(p.input, committee.address, committee.roles);
    if (meta.hash !== p.hash) throw new Error(`The proposal "${p.input.title.zh}" was stored as ${meta.hash}, not as the ${p.hash} recorded on chain.`);
  }
  return history.documents.length + history.proposals.length;
}

/** Room for the history's blocks (each at least a second after the last; a few hundred seconds in all). */
const CLOCK_MARGIN_SECONDS = 30 * 60;

async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/**
 * Mines a block dated now, so the chain's clock is the wall clock from here on (the node keeps the offset). The
 * history ends a little in the past thanks to the margin; if it ended in the future (a travel was added without
 * adding it to HISTORY_TRAVEL_SECONDS), the chain cannot go back: say so.
 */
export async function catchUpWithTheWallClock(url: string, travelled: number, log: (line: string) => void): Promise<void> {
  const latest = await rpc<{ timestamp: string }>(url, "eth_getBlockByNumber", ["latest", false]);
  const chainNow = Number(BigInt(latest.timestamp));
  const wallNow = Math.floor(Date.now() / 1000);
  if (chainNow < wallNow) {
    await rpc(url, "evm_setNextBlockTimestamp", [wallNow]);
    await rpc(url, "evm_mine", []);
  } else if (chainNow > wallNow + 60) {
    log(`WARNING: the chain's clock is ${chainNow - wallNow} s ahead of the real date: the history travelled ${travelled} s, HISTORY_TRAVEL_SECONDS says ${HISTORY_TRAVEL_SECONDS} s.`);
  }
}

/**
 * The demo server's settings: its chain node, the deployment file and data directory in `dataDir`, the demo's
 * anchoring and relaying keys. Shared with the tests' start from a snapshot (snapshot.ts), which must run the
 * same server.
 */
export function demoServerSettings(rpcUrl: string, deploymentFile: string, dataDir: string, plan: DemoPlan, options: Pick<DemoStackOptions, "staticDir" | "apiPort" | "workOrderSweepMs" | "serverLogLevel">) {
  const staticDir = options.staticDir ?? path.join(repoRoot, "client/dist");
  return loadServerSettings(
    {
      rpcUrl,
      chainId: HARDHAT_CHAIN_ID,
      deployment: deploymentFile,
      dataDir: path.join(dataDir, "server"),
      port: options.apiPort ?? 8080,
      staticDir: existsSync(staticDir) ? staticDir : undefined,
      pollMs: 500,
      batchSeconds: 2,
      relayerIntervalMs: 1000,
      ...(options.workOrderSweepMs ? { workOrderSweepMs: options.workOrderSweepMs } : {}),
      logLevel: options.serverLogLevel ?? "silent",
      // The demo makes its own vault master key in its data directory (production needs a configured one).
      mode: "development",
    },
    {
      GONGZHI_ANCHORER_KEY: privateKeyOf(plan.anchorer),
      GONGZHI_RELAYER_KEY: privateKeyOf(plan.relayer),
    },
  );
}

export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir ?? path.join(repoRoot, ".data/demo"));
  rmSync(dataDir, { recursive: true, force: true });
  // The history moves the chain's clock weeks ahead, and every block costs at least a second: the chain starts
  // that far back (plus a margin for the blocks), and is brought to the real date once the history is played,
  // so nothing is dated in the future, overdue by accident, or closed before the visitor can vote.
  const node = await startLocalNode({
    port: options.rpcPort ?? 8545,
    host: options.rpcHost,
    kind: options.nodeKind,
    initialDate: new Date(Date.now() - (HISTORY_TRAVEL_SECONDS + CLOCK_MARGIN_SECONDS) * 1000),
  });
  const cleanups: (() => Promise<void>)[] = [node.stop];
  const beforeNodeStops = options.beforeNodeStops;
  if (beforeNodeStops) cleanups.push(() => beforeNodeStops(node.url));
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    log(`chain: Hardhat node at ${node.url}`);
    if (!isLoopback(node.host)) {
      log(`WARNING: the chain node listens on ${node.host}: anyone who can reach it can send transactions from its unlocked development accounts.`);
    }
    const plan = demoPlan();
    const publicClient = makePublicClient(node.url, HARDHAT_CHAIN_ID);
    const deployment = await deployContracts({
      publicClient,
      walletClient: makeWalletClient(node.url, HARDHAT_CHAIN_ID, plan.admin.account),
      anchorers: [plan.anchorer.account.address],
    });
    const deploymentFile = path.join(dataDir, "deployment.json");
    writeDeployment(deploymentFile, deployment);
    log(`contracts: ${Object.entries(deployment.contracts).map(([n, c]) => `${n} ${c.address}`).join(", ")}`);

    const write = makeWriter(publicClient, createWalletClient({ chain: chainFor(HARDHAT_CHAIN_ID, node.url), transport: http(node.url) }));
    const contracts = demoContracts(deployment);
    const estate = await seedEstate(publicClient, write, contracts, plan);
    log(`estate: ${plan.estate.name} (${plan.estate.nameEn}), ${estate.unitIds.flat().length} units, ${plan.owners.length} owners`);
    const history = await playHistory({ client: publicClient, write, contracts, plan, estate, documentsDir: path.join(dataDir, "documents") });
    // issue 17: a neighbouring community's time bank; a volunteer's credits move there with her.
    const neighbour = await playNeighbourCommunity({ client: publicClient, wallet: makeWalletClient(node.url, HARDHAT_CHAIN_ID, plan.admin.account), write, contracts, plan, documentsDir: path.join(dataDir, "documents") });
    history.documents.push(...neighbour.documents);
    log(`neighbouring community: time bank ${neighbour.timebank}; a volunteer (${neighbour.moved.address}) moved there with ${neighbour.moved.minutes} minutes`);
    await catchUpWithTheWallClock(node.url, history.travelledSeconds, log);
    log(`history: ${history.votes.length} votes, ${history.planIds.length} fund plans, documents and time-bank notes in ${path.join(dataDir, "documents")}`);

    const settings = demoServerSettings(node.url, deploymentFile, dataDir, plan, options);
    // The services' clock starts a month back when the month of work orders is played (it moves it to the real
    // time before the demo is ready), so their records are dated in the past, in order, as the chain's history is.
    // Before the month of work orders (issue 15): five months of disputes, then the talent pool and three months of
    // suggestions; the clock starts back so far that each plays in order and the last ends where the month begins.
    const before =
      (options.mediationHistory ? MEDIATION_SPAN_SECONDS : 0) +
      (options.talentAndSuggestions ? SUGGESTION_MONTHS_SECONDS : 0) +
      (options.surveyYear ? SURVEY_YEAR_SECONDS : 0) +
      (options.partners || options.renewal || options.green ? PARTNER_DAYS * 86_400 : 0) +
      (options.green ? GREEN_SPAN_SECONDS : 0) +
      (options.renewal ? RENEWAL_SPAN_SECONDS : 0);
    const clock = demoClock(options.servicesClock ?? Date.now, ((options.workOrderMonth ? WORKORDER_MONTH_SECONDS : 0) + before) * 1000);
    // The month of work orders begins a month back whatever came before it: its clock reads no earlier than that.
    const workOrderClock: DemoClock = { ...clock, now: () => Math.max(clock.now(), (options.servicesClock ?? Date.now)() - WORKORDER_MONTH_SECONDS * 1000) };
    // The account page's picker of demo people reads their keys from this server only (never from the client build).
    const server = await startServer(settings, pino({ level: settings.logLevel, base: undefined }), (context) => [...serverRoutes(context), demoAccountsRoute(plan)], { clock: clock.now });
    cleanups.push(server.stop);
    // The month's people sign in meanwhile (the month is played once the directory is seeded).
    const txTime = async (hash: `0x${string}`) => Number((await publicClient.getBlock({ blockNumber: (await publicClient.getTransactionReceipt({ hash })).blockNumber })).timestamp);
    const month = options.workOrderMonth ? prepareWorkOrders({ apiUrl: server.url, chainId: HARDHAT_CHAIN_ID, plan, estate, clock: workOrderClock, sweep: server.sweepWorkOrders, txTime }) : undefined;
    // issue 15: five months of disputes, played before the month of work orders (the clock moves forward through
    // both); its people sign in meanwhile.
    const mediation = options.mediationHistory ? prepareMediation({ apiUrl: server.url, chainId: HARDHAT_CHAIN_ID, plan, estate, directory: server.directory, clock, sweep: server.sweepMediation }) : undefined;
    const stored = await storeDemoDocuments(server, plan, estate.estateId, history);
    log(`documents: ${stored} stored in the server's document store (proposals, plans, payment papers; scans of paper sealed)`);
    // "Ready" means the API already shows the whole history: wait for the indexer to reach the chain's head.
    const head = Number(await publicClient.getBlockNumber());
    const deadline = Date.now() + 120_000;
    while (server.service.indexer.checkpoint.blockNumber < head) {
      if (Date.now() > deadline) throw new Error(`The indexer did not reach block ${head} within 2 minutes.`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The directory needs the indexed units: labels for the 300 flats, invented people in the vault.
    const directory = await seedDirectory(server.directory, plan, estate);
    log(`directory: ${directory.labelled} flats labelled, ${directory.people} invented people in the vault (development master key in ${path.join(settings.dataDir, "vault")})`);
    // issue 16: four quarters of satisfaction surveys, before everything else the services' clock plays.
    if (options.surveyYear) {
      const began = Date.now();
      const year = await playSurveyYear({ apiUrl: server.url, chainId: HARDHAT_CHAIN_ID, plan, estateId: estate.estateId, at: (seconds) => clock.travelTo(seconds * 1000), start: Math.floor(clock.now() / 1000), sweep: server.sweepSurveys });
      const shown = year.quarters.map((q) => `${q.quarter} ${q.answered} answered, overall ${q.overall ?? "-"}, safety ${q.safety ?? "-"}`).join("; ");
      log(`surveys: ${shown}; ${year.tasks} improvement task(s)${year.improved ? `, safety ${year.improved.before} → ${year.improved.after} after the solar street lamps` : ""} (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    }
    // issue 15: the disputes' history first (it needs the directory's people and roles).
    if (mediation) {
      const began = Date.now();
      const h = await mediation.play();
      const counts = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => `${k} ${n}`).join(", ");
      log(`mediation: ${h.disputes} disputes over five months (${counts(h.byOutcome)}; ${h.open} still mediated), ended at ${counts(h.byLevel)}, ${h.bySilence} escalated by silence, ${h.reopened} reopened, ${h.confirmed} judicially confirmed, ${h.followedUp} followed up, ${h.mediators} people's mediators (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    }
    // talent pool and suggestions (issue 15): played after the disputes, up to the month of work orders.
    let recentSuggestions: (() => Promise<number>) | undefined;
    if (options.talentAndSuggestions) {
      const began = Date.now();
      const start = Math.floor(clock.now() / 1000);
      const at = (seconds: number) => clock.travelTo(seconds * 1000);
      const pool = await playTalentPool({ apiUrl: server.url, chainId: HARDHAT_CHAIN_ID, plan, at, start });
      log(`talent pool: ${pool.members} members (${pool.withProofs} with proof documents; ${pool.withdrew} withdrew their consent, ${pool.gaveAgain} gave it again), ${pool.invitations} invitations (${pool.accepted} accepted, ${pool.declined} declined)`);
      const played = await playSuggestions({ apiUrl: server.url, chainId: HARDHAT_CHAIN_ID, plan, at, start: start + TALENT_DAYS * 86_400, days: SUGGESTION_MONTHS_SECONDS / 86_400 - TALENT_DAYS, sweep: server.sweepSuggestions, estateId: estate.estateId });
      const f = played.months.funnel;
      log(`suggestions: ${played.months.online} online and ${played.months.atOpenDay} at an open day (${played.months.attendance} came, ${played.months.registered} registered); ${f.received} received, ${f.answeredInTime} answered in time, ${f.adopted} adopted, ${f.implemented} implemented, ${f.declined} declined, ${f.overdue} overdue (${((Date.now() - began) / 1000).toFixed(1)} s)`);
      recentSuggestions = played.recent;
    }
    // community partners (issue 16): two weeks after the suggestions, up to the month of work orders.
    let upcomingBookings: (() => Promise<{ bookings: number }>) | undefined;
    let partnerIds: Record<string, string> = {};
    if (options.partners || options.renewal || options.green) {
      const began = Date.now();
      const p = await playPartners({ apiUrl: server.url, chainId: HARDHAT_CHAIN_ID, plan, at: (seconds) => clock.travelTo(seconds * 1000), start: Math.floor(clock.now() / 1000) });
      log(`partners: ${p.partners} (${p.linked} linked to their time-bank partner address), ${p.offers} offers, ${p.bookings} bookings of their rooms, ${p.given} records of goods and services given (${((Date.now() - began) / 1000).toFixed(1)} s)`);
      upcomingBookings = p.upcoming;
      partnerIds = p.ids;
    }
    // micro-renewal fund (issue 16): after the suggestions, up to the month of work orders.
    if (options.renewal) {
      const began = Date.now();
      const r = await playRenewal({ apiUrl: server.url, chainId: HARDHAT_CHAIN_ID, plan, at: (seconds) => clock.travelTo(seconds * 1000), start: Math.floor(clock.now() / 1000), sweep: server.sweepRenewal, estateId: estate.estateId, partners: partnerIds });
      log(`micro-renewal fund: ${r.projects} projects, ${r.pledges} pledges; ${r.funded} funded (${r.delivered} delivered, its use up ${r.risePercent ?? "?"} %), ${r.failed} failed to fund and released its pledges (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    }
    // green account (issue 17): a quarter after the partners (and the fund), up to the month of work orders.
    if (options.green) {
      const began = Date.now();
      const g = await playGreen({ apiUrl: server.url, chainId: HARDHAT_CHAIN_ID, plan, estate, at: (seconds) => clock.travelTo(seconds * 1000), start: Math.floor(clock.now() / 1000), partners: partnerIds });
      log(`green account: ${g.cards} households with cards, ${g.bins} smart bins, ${g.events} sorting events over a quarter, ${g.confirmed} confirmed and ${g.rejected} found wrongly sorted by volunteers, ${g.redemptions} redemptions at the corner shop, ${g.pending} waiting for a volunteer (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    }
    if (month) {
      const began = Date.now();
      const m = await month.play();
      log(`work orders: ${m.orders} in the past month (resident ${m.byChannel.resident}, 12345 ${m.byChannel.hotline}, grid ${m.byChannel.grid}, devices ${m.byChannel.device}; ${m.joined} repeats joined), ${m.overdue} overdue and escalated, ${m.returned} returned, ${m.reopened} reopened, ${m.rated} rated, ${m.open} open (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    }
    clock.catchUp();
    // the pet three-colour code (issue 17): at the real time, after everything else.
    if (options.pets) {
      const began = Date.now();
      const p = await playPets({ apiUrl: server.url, chainId: HARDHAT_CHAIN_ID, plan });
      log(`pets: ${p.pets} registered (green ${p.colours.green}, yellow ${p.colours.yellow}, red ${p.colours.red}), ${p.reports} reports (${p.confirmed} confirmed, ${p.dismissed} dismissed), ${p.appeals} appeals (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    }
    if (mediation) log(`mediation: ${await mediation.today()} disputes filed today, waiting for the other side's answer`);
    if (recentSuggestions) log(`suggestions: ${await recentSuggestions()} sent today, waiting for their answer`);
    if (upcomingBookings) log(`partners: ${(await upcomingBookings()).bookings} bookings for the coming Saturday`);
    log(`server: ${server.url}${settings.staticDir ? "" : " (web client not built: npm run build:client)"}`);
    return { neighbour, rpcUrl: node.url, apiUrl: server.url, plan, deployment, votes: history.votes, elections: history.elections, documents: history.documents, proposals: history.proposals, directory, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
