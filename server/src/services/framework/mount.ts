// Puts services into a server: their storage on the indexer's store (so records, receipt-log entries and read
// models share one atomic write), the engine, and their routes.
import type { RouteSpec } from "../../api/routes.js";
import type { Outbox } from "../../notifications/outbox.js";
import type { Lock } from "../../store/lock.js";
import type { Store } from "../../store/store.js";
import type { AnyService } from "./define.js";
import { createEngine, type Engine, type ProxyCheck } from "./engine.js";
import { serviceRoutes, type ServiceHttpOptions } from "./http.js";
import { onchainProxyCheck } from "./proxy.js";
import { levelServiceStorage } from "./storage.js";

export type MountOptions = ServiceHttpOptions & {
  store: Store;
  lock: Lock;
  chainId: number;
  services: AnyService[];
  /** Whether staff may act for a resident; the on-chain ProxyAuthorizations unless said (see anyProxyCheck). */
  proxyCheck?: ProxyCheck;
  /** Where the notifications that services ask for are enqueued (with their records). */
  outbox?: Outbox;
  clock?: () => number;
};

export function mountServices(options: MountOptions): { engine: Engine; routes: RouteSpec[] } {
  const engine = createEngine({
    services: options.services,
    storage: levelServiceStorage(options.store, options.lock, options.chainId, options.outbox),
    proxyCheck: options.proxyCheck ?? onchainProxyCheck(options.store),
    clock: options.clock,
  });
  return { engine, routes: serviceRoutes(engine, options) };
}
