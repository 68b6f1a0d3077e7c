// The read routes over the indexer's read models, composed into the server. Kept apart from server.ts so that
// the composition does not depend on which resources exist.
import { resourceDeps, resourceRoutes } from "./api/resources/index.js";
import { makePublicClient } from "./chain/clients.js";
import { lagHeaders } from "./health.js";
import type { ExtraRoutes } from "./server.js";

/** Every answer of these routes says how far behind the chain the store is (see lagHeaders). */
export const serverRoutes: ExtraRoutes = ({ service, deployment, settings }) => {
  const client = makePublicClient(settings.rpcUrl, settings.chainId, { timeoutMs: settings.rpcTimeoutMs, retryCount: 0 });
  const lag = lagHeaders(service.indexer);
  return resourceRoutes(resourceDeps(service, deployment, client)).map((route) => ({ ...route, before: [lag, ...(route.before ?? [])] }));
};
