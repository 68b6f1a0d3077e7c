// The client's routes: hash path → page module and the navigation entry it belongs to. Plain data without
// imports, read by main.ts and, at build time, by vite.config.ts (which writes the boot script that preloads a
// route's page chunk while the HTML is still being parsed).

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
  | "timebank-partner";
/**
 * `data`: the GET requests the page makes first, exactly as lib/api.ts spells them (`{id}` from the route). The
 * boot script sends them while the page's code is still downloading; api.ts hands each answer to the page once.
 * A request listed here that the page does not make is merely wasted; one it makes that is not listed just waits.
 */
export type RouteDef = { pattern: RegExp; names: string[]; page: PageName; nav: string; data?: string[] };

export const routes: RouteDef[] = [
  { pattern: /^$/, names: [], page: "home", nav: "" },
  { pattern: /^account$/, names: [], page: "account", nav: "account" },
  {
    pattern: /^votes$/,
    names: [],
    page: "votes",
    nav: "votes",
    data: ["/api/votes?status=open&limit=500", "/api/votes?status=closed&limit=500", "/api/votes?status=finalized&limit=500"],
  },
  { pattern: /^votes\/(\d+)$/, names: ["id"], page: "vote", nav: "votes", data: ["/api/votes/{id}", "/api/votes/{id}/ballots?limit=500"] },
  // A committee election's ballot paper, named by its document's hash (issue 13: votes).
  { pattern: /^elections\/(0x[0-9a-fA-F]{64})$/, names: ["hash"], page: "election", nav: "votes", data: ["/api/votes?election={hash}&limit=500"] },
  // The verify page shows its form only once it knows the site's default node and anchor (GET /api/config).
  { pattern: /^verify$/, names: [], page: "verify", nav: "verify", data: ["/api/config"] },
  { pattern: /^fund$/, names: [], page: "fund", nav: "fund", data: ["/api/estates?limit=500", "/api/fund/plans?limit=500"] },
  { pattern: /^fund\/plans\/(\d+)$/, names: ["id"], page: "plan", nav: "fund", data: ["/api/fund/plans/{id}"] },
  { pattern: /^fund\/plans\/(\d+)\/notice$/, names: ["id"], page: "notice", nav: "fund", data: ["/api/fund/plans/{id}"] },
  {
    pattern: /^fund\/units(?:\/(\d+))?$/,
    names: ["id"],
    page: "statement",
    nav: "fund",
    data: ["/api/units/{id}", "/api/fund/units/{id}/statement?limit=500", "/api/directory/units/{id}"],
  },
  { pattern: /^timebank$/, names: [], page: "timebank", nav: "timebank" },
  { pattern: /^timebank\/certificate$/, names: [], page: "timebank-certificate", nav: "timebank" },
  { pattern: /^timebank\/partner$/, names: [], page: "timebank-partner", nav: "timebank" },
  { pattern: /^documents\/upload$/, names: [], page: "upload", nav: "upload" },
  // issue 13: staff acting for residents without a phone
  { pattern: /^staff$/, names: [], page: "staff", nav: "staff" },
  { pattern: /^staff\/residents\/(0x[0-9a-fA-F]{40})$/, names: ["address"], page: "staff", nav: "staff" },
  { pattern: /^staff\/paper-ballots$/, names: [], page: "paper-ballots", nav: "staff" },
];

/** The route path of a location hash: `#/votes/3?x=1` → `votes/3`. */
export function routePath(hash: string): string {
  return decodeURIComponent(hash.replace(/^#\/?/, "")).split("?")[0]!.replace(/\/$/, "");
}
