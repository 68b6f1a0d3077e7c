// The client's routes: hash path → page module and the navigation entry it belongs to. Plain data without
// imports, read by main.ts and, at build time, by vite.config.ts (which writes the boot script that preloads a
// route's page chunk and texts while the HTML is still being parsed).
import type { TextGroup } from "./i18n/groups.js";

export type PageName =
  | "home"
  | "account"
  | "votes"
  | "vote"
  | "verify"
  | "fund"
  | "plan"
  | "statement"
  | "timebank"
  | "upload"
  | "staff"
  | "paper-ballots"
  | "notice"
  | "election"
  | "timebank-certificate"
  | "timebank-partner"
  | "workorders"
  | "workorder-new"
  | "workorder"
  | "workorders-queue"
  | "workorders-office"
  | "workorders-stats"
  | "workorders-routing"
  // talent pool and suggestions (issue 15)
  | "suggestions"
  | "suggestions-desk"
  | "opendays"
  | "talent"
  | "talent-pool"
  // issue 15: dispute mediation
  | "mediation"
  | "mediation-new"
  | "mediation-case"
  | "mediation-work"
  | "mediation-cases"
  | "mediation-office"
  | "mediation-stats"
  // issue 16: satisfaction surveys
  | "survey"
  | "survey-paper"
  | "survey-office"
  | "survey-index"
  // micro-renewal fund (issue 16)
  | "renewal"
  | "renewal-project"
  | "renewal-office"
  // community partners (issue 16)
  | "partners"
  | "partner"
  | "partner-desk"
  | "partners-office"
  // the pet three-colour code (issue 17)
  | "pets"
  | "pet-collar"
  | "pet-report"
  | "pets-office"
  | "pets-stats"
  // green account (issue 17)
  | "green"
  | "green-bins"
  | "green-redeem"
  | "green-office";
/**
 * `data`: the GET requests the page makes first, exactly as lib/api.ts spells them (`{id}` from the route). The
 * boot script sends them while the page's code is still downloading; api.ts hands each answer to the page once.
 * A request listed here that the page does not make is merely wasted; one it makes that is not listed just waits.
 */
/** `texts`: the group of texts the page needs besides the shell's (i18n/groups.ts), loaded beside its code. */
export type RouteDef = { pattern: RegExp; names: string[]; page: PageName; nav: string; texts: TextGroup; data?: string[] };

export const routes: RouteDef[] = [
  { pattern: /^$/, names: [], page: "home", texts: "shell", nav: "" },
  { pattern: /^account$/, names: [], page: "account", texts: "account", nav: "account" },
  {
    pattern: /^votes$/,
    names: [],
    page: "votes", texts: "votes",
    nav: "votes",
    data: ["/api/votes?limit=500"],
  },
  { pattern: /^votes\/(\d+)$/, names: ["id"], page: "vote", texts: "votes", nav: "votes", data: ["/api/votes/{id}", "/api/votes/{id}/ballots?limit=500"] },
  // A committee election's ballot paper, named by its document's hash (issue 13: votes).
  { pattern: /^elections\/(0x[0-9a-fA-F]{64})$/, names: ["hash"], page: "election", texts: "votes", nav: "votes", data: ["/api/votes?election={hash}&limit=500"] },
  // The verify page shows its form only once it knows the site's default node and anchor (GET /api/config).
  { pattern: /^verify$/, names: [], page: "verify", texts: "verify", nav: "verify", data: ["/api/config"] },
  { pattern: /^fund$/, names: [], page: "fund", texts: "fund", nav: "fund", data: ["/api/fund/estates?limit=500", "/api/fund/plans?limit=500"] },
  { pattern: /^fund\/plans\/(\d+)$/, names: ["id"], page: "plan", texts: "fund", nav: "fund", data: ["/api/fund/plans/{id}"] },
  { pattern: /^fund\/plans\/(\d+)\/notice$/, names: ["id"], page: "notice", texts: "fund", nav: "fund", data: ["/api/fund/plans/{id}"] },
  {
    pattern: /^fund\/units(?:\/(\d+))?$/,
    names: ["id"],
    page: "statement", texts: "fund",
    nav: "fund",
    data: ["/api/units/{id}", "/api/fund/units/{id}/statement?limit=500", "/api/directory/units/{id}"],
  },
  { pattern: /^timebank$/, names: [], page: "timebank", texts: "timebank", nav: "timebank" },
  { pattern: /^timebank\/certificate$/, names: [], page: "timebank-certificate", texts: "timebank", nav: "timebank" },
  { pattern: /^timebank\/partner$/, names: [], page: "timebank-partner", texts: "timebank", nav: "timebank" },
  { pattern: /^documents\/upload$/, names: [], page: "upload", texts: "shell", nav: "upload" },
  // issue 13: staff acting for residents without a phone
  { pattern: /^staff$/, names: [], page: "staff", texts: "staff", nav: "staff" },
  { pattern: /^staff\/residents\/(0x[0-9a-fA-F]{40})$/, names: ["address"], page: "staff", texts: "staff", nav: "staff" },
  { pattern: /^staff\/paper-ballots$/, names: [], page: "paper-ballots", texts: "staff", nav: "staff" },
  // issue 14: work orders, the resident's side: their reports and the public list, the report form, one order.
  { pattern: /^workorders$/, names: [], page: "workorders", texts: "workorders", nav: "workorders", data: ["/api/estates?limit=500"] },
  { pattern: /^workorders\/new$/, names: [], page: "workorder-new", texts: "workorders", nav: "workorders", data: ["/api/workorders/categories", "/api/estates?limit=500"] },
  // issue 14: the party's queue, the office's desk and the statistics (before any `workorders/<id>` route, which
  // would otherwise take "queue", "office" and "stats" for an order's id)
  { pattern: /^workorders\/queue$/, names: [], page: "workorders-queue", texts: "workorders", nav: "workorders" },
  { pattern: /^workorders\/office$/, names: [], page: "workorders-office", texts: "workorders", nav: "staff" },
  { pattern: /^workorders\/stats$/, names: [], page: "workorders-stats", texts: "workorders", nav: "workorders" },
  // issue 14: the community office's routing table and Open311 keys.
  { pattern: /^workorders\/routing$/, names: [], page: "workorders-routing", texts: "workorders", nav: "staff" },
  // An order by id: after every fixed path above ("new", "queue", "office", "stats", "routing").
  // issue 15: suggestions (public funnel and list, the form to send one)
  { pattern: /^suggestions$/, names: [], page: "suggestions", texts: "suggestions", nav: "suggestions", data: ["/api/suggestions/funnel", "/api/suggestions/list?limit=100", "/api/opendays/list?limit=100"] },
  { pattern: /^suggestions\/desk$/, names: [], page: "suggestions-desk", texts: "suggestions", nav: "staff" },
  { pattern: /^opendays$/, names: [], page: "opendays", texts: "suggestions", nav: "suggestions", data: ["/api/opendays/list?limit=100"] },
  { pattern: /^opendays\/([A-Za-z0-9_-]{1,64})$/, names: ["id"], page: "opendays", texts: "suggestions", nav: "suggestions", data: ["/api/opendays/{id}"] },
  // issue 15: the talent pool (a member's offer, consent and invitations; the office's pool)
  { pattern: /^talent$/, names: [], page: "talent", texts: "suggestions", nav: "talent" },
  { pattern: /^talent\/pool$/, names: [], page: "talent-pool", texts: "suggestions", nav: "staff" },
  // micro-renewal fund (issue 16): the projects and the form to propose one, one project, the office's desk
  { pattern: /^renewal$/, names: [], page: "renewal", texts: "renewal", nav: "renewal", data: ["/api/renewal/settings"] },
  { pattern: /^renewal\/office$/, names: [], page: "renewal-office", texts: "renewal", nav: "staff" },
  { pattern: /^renewal\/([A-Za-z0-9_-]{1,64})$/, names: ["id"], page: "renewal-project", texts: "renewal", nav: "renewal", data: ["/api/renewal/{id}"] },
  { pattern: /^workorders\/([A-Za-z0-9_-]{1,64})$/, names: ["id"], page: "workorder", texts: "workorders", nav: "workorders", data: ["/api/workorders/{id}", "/api/workorders/{id}/history?limit=100"] },
  // issue 15: dispute mediation: the resident's disputes and the form, the mediator's cases, the office's desk and
  // the public statistics (fixed paths before `mediation/<id>`), one case and its workspace.
  { pattern: /^mediation$/, names: [], page: "mediation", texts: "mediation", nav: "mediation" },
  { pattern: /^mediation\/new$/, names: [], page: "mediation-new", texts: "mediation", nav: "mediation" },
  { pattern: /^mediation\/cases$/, names: [], page: "mediation-cases", texts: "mediation", nav: "mediation" },
  { pattern: /^mediation\/office$/, names: [], page: "mediation-office", texts: "mediation", nav: "staff" },
  { pattern: /^mediation\/stats$/, names: [], page: "mediation-stats", texts: "mediation", nav: "mediation", data: ["/api/mediation/disputes/stats?estate=1"] },
  { pattern: /^mediation\/([A-Za-z0-9_-]{1,64})\/work$/, names: ["id"], page: "mediation-work", texts: "mediation", nav: "mediation" },
  { pattern: /^mediation\/([A-Za-z0-9_-]{1,64})$/, names: ["id"], page: "mediation-case", texts: "mediation", nav: "mediation" },
  // issue 16: satisfaction surveys: the resident's answers, staff's paper entry, the office's desk, the public index.
  { pattern: /^surveys$/, names: [], page: "survey", texts: "surveys", nav: "surveys" },
  { pattern: /^surveys\/paper$/, names: [], page: "survey-paper", texts: "surveys", nav: "staff" },
  { pattern: /^surveys\/office$/, names: [], page: "survey-office", texts: "surveys", nav: "staff" },
  { pattern: /^surveys\/index$/, names: [], page: "survey-index", texts: "surveys", nav: "surveys", data: ["/api/surveys/trend?estateId=1", "/api/surveys/tasks?estateId=1"] },
  // community partners (issue 16): the public directory, the partner's desk and the office's page (fixed paths
  // before `partners/<id>`), one partner's public page.
  { pattern: /^partners$/, names: [], page: "partners", texts: "partners", nav: "", data: ["/api/partners/directory?limit=100"] },
  { pattern: /^partners\/desk$/, names: [], page: "partner-desk", texts: "partners", nav: "" },
  { pattern: /^partners\/office$/, names: [], page: "partners-office", texts: "partners", nav: "staff" },
  { pattern: /^partners\/([A-Za-z0-9_-]{1,64})$/, names: ["id"], page: "partner", texts: "partners", nav: "", data: ["/api/partners/{id}"] },
  // the pet three-colour code (issue 17): the household's pets, the public collar page the QR code opens, the
  // reporter's scan-and-report page, the office's desk and the public statistics.
  { pattern: /^pets$/, names: [], page: "pets", texts: "pets", nav: "" },
  { pattern: /^pets\/collar\/([A-Za-z0-9_-]{1,64})$/, names: ["id"], page: "pet-collar", texts: "pets", nav: "", data: ["/api/pets/collar/{id}"] },
  { pattern: /^pets\/report$/, names: [], page: "pet-report", texts: "pets", nav: "" },
  { pattern: /^pets\/report\/([A-Za-z0-9_-]{1,64})$/, names: ["id"], page: "pet-report", texts: "pets", nav: "" },
  { pattern: /^pets\/office$/, names: [], page: "pets-office", texts: "pets", nav: "staff" },
  { pattern: /^pets\/stats$/, names: [], page: "pets-stats", texts: "pets", nav: "" },
  // green account (issue 17): the household's card and points, the volunteer's bins, the partner's redemption, the office.
  { pattern: /^green$/, names: [], page: "green", texts: "green", nav: "" },
  { pattern: /^green\/bins$/, names: [], page: "green-bins", texts: "green", nav: "" },
  { pattern: /^green\/redeem$/, names: [], page: "green-redeem", texts: "green", nav: "" },
  { pattern: /^green\/office$/, names: [], page: "green-office", texts: "green", nav: "" },
];

/** The route path of a location hash: `#/votes/3?x=1` → `votes/3`. */
export function routePath(hash: string): string {
  return decodeURIComponent(hash.replace(/^#\/?/, "")).split("?")[0]!.replace(/\/$/, "");
}
