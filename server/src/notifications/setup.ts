// The notifications as the server runs them: the outbox in the indexer's store, the worker's loop, the ops
// routes and the health source. The sender is the development file sender unless one is given: a production
// server configures a real one (docs/notifications.md).
import path from "node:path";
import type { RequestHandler } from "express";
import type { RoleReader } from "../api/auth/routes.js";
import type { RouteSpec } from "../api/routes.js";
import type { Logger } from "../common/logger.js";
import type { Lock } from "../store/lock.js";
import type { Store } from "../store/store.js";
import type { Vault } from "../vault/vault.js";
import { openOutbox, type Outbox } from "./outbox.js";
import { outboxRoutes } from "./routes.js";
import { DEVELOPMENT_OUTBOX_FILE, fileSender, type Sender } from "./senders.js";
import type { OutboxCounts } from "./types.js";
import { createDeliveryWorker, type DeliveryWorker, type WorkerOptions } from "./worker.js";

export type NotificationsOptions = {
  /** The indexer's store: entries are written in its batches, next to the records that cause them. */
  store: Store;
  /** The store's writer lock and the chain id: final outcomes become anchored records. */
  journal: { lock: Lock; chainId: number };
  vault: Pick<Vault, "read">;
  /** Where the development sender writes, when no sender is given. */
  dataDir: string;
  sender?: Sender;
  signedIn: RequestHandler;
  rolesOf: RoleReader;
  logger: Logger;
} & Pick<WorkerOptions, "personOf" | "languageOf" | "retry" | "pollMs">;

export type Notifications = {
  outbox: Outbox;
  worker: DeliveryWorker;
  routes: RouteSpec[];
  health: { counts: () => Promise<OutboxCounts> };
  /** Stops the worker after the attempts under way (call before closing the store). */
  stop: () => Promise<void>;
};

export async function startNotifications(options: NotificationsOptions): Promise<Notifications> {
  const outbox = await openOutbox(options.store, { journal: options.journal });
  const sender = options.sender ?? fileSender(path.join(options.dataDir, DEVELOPMENT_OUTBOX_FILE));
  if (!options.sender) options.logger.warn({ sender: sender.name }, "notifications go to the development file sender (development only: configure a real sender)");
  const worker = createDeliveryWorker({
    outbox,
    vault: options.vault,
    sender,
    logger: options.logger,
    personOf: options.personOf,
    languageOf: options.languageOf,
    retry: options.retry,
    pollMs: options.pollMs,
  });
  worker.start();
  return {
    outbox,
    worker,
    routes: outboxRoutes({ outbox, signedIn: options.signedIn, rolesOf: options.rolesOf, wake: () => worker.wake() }),
    health: { counts: () => outbox.counts() },
    stop: () => worker.stop(),
  };
}
