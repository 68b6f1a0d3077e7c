// The API's read routes over the indexer's read models and receipt log (the route table is docs/api.md).
import type { RouteSpec } from "../routes.js";
import type { ResourceDeps } from "./context.js";
import { fundRoutes } from "./fund.js";
import { proxyRoutes } from "./proxies.js";
import { recordRoutes } from "./records.js";
import { registryRoutes } from "./registry.js";
import { timebankRoutes } from "./timebank.js";
import { voteRoutes } from "./votes.js";

export { chainClock, resourceDeps, type ResourceDeps } from "./context.js";

export function resourceRoutes(deps: ResourceDeps): RouteSpec[] {
  return [...registryRoutes(deps), ...voteRoutes(deps), ...fundRoutes(deps), ...timebankRoutes(deps), ...proxyRoutes(deps), ...recordRoutes(deps)];
}
