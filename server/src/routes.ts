// The read routes over the indexer's read models, composed into the server. Kept apart from server.ts so that
// the composition does not depend on which resources exist.
import type { ExtraRoutes } from "./server.js";

export const serverRoutes: ExtraRoutes = () => [];
