// The read routes over the indexer's read models, composed into the server. Kept apart from server.ts so that
// the composition does not depend on which resources exist.
import { resourceDeps, resourceRoutes } from "./api/resources/index.js";
import { makePublicClient } from "./chain/clients.js";
import type { ExtraRoutes } from "./server.js";

export const serverRoutes: ExtraRoutes = ({ service, deployment, settings }) =>
  resourceRoutes(resourceDeps(service, deployment, makePublicClient(settings.rpcUrl, settings.chainId)));
