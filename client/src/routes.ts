// The client's routes: hash path → page module and the navigation entry it belongs to. Plain data without
// imports, read by main.ts and, at build time, by vite.config.ts (which writes the boot script that preloads a
// route's page chunk while the HTML is still being parsed).

export type PageName = "home" | "account" | "votes" | "vote" | "verify" | "fund" | "plan" | "statement" | "timebank";
export type RouteDef = { pattern: RegExp; names: string[]; page: PageName; nav: string };

export const routes: RouteDef[] = [
  { pattern: /^$/, names: [], page: "home", nav: "" },
  { pattern: /^account$/, names: [], page: "account", nav: "account" },
  { pattern: /^votes$/, names: [], page: "votes", nav: "votes" },
  { pattern: /^votes\/(\d+)$/, names: ["id"], page: "vote", nav: "votes" },
  { pattern: /^verify$/, names: [], page: "verify", nav: "verify" },
  { pattern: /^fund$/, names: [], page: "fund", nav: "fund" },
  { pattern: /^fund\/plans\/(\d+)$/, names: ["id"], page: "plan", nav: "fund" },
  { pattern: /^fund\/units(?:\/(\d+))?$/, names: ["id"], page: "statement", nav: "fund" },
  { pattern: /^timebank$/, names: [], page: "timebank", nav: "timebank" },
];

/** The route path of a location hash: `#/votes/3?x=1` → `votes/3`. */
export function routePath(hash: string): string {
  return decodeURIComponent(hash.replace(/^#\/?/, "")).split("?")[0]!.replace(/\/$/, "");
}
