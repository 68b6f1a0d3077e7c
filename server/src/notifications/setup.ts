// The notifications as the server runs them: the delivery worker's loop over the outbox, with the development
// file sender unless a real one is given (docs/notifications.md).
import path from "node:path";
import type { Logger } from "../common/logger.js";
import type { Vault } from "../vault/vault.js";
import type { Outbox } from "./outbox.js";
import { DEVELOPMENT_OUTBOX_FILE, fileSender, type Sender } from "./senders.js";
import { createDeliveryWorker, type DeliveryWorker, type WorkerOptions } from "./worker.js";

export type NotificationsOptions = {
  outbox: Outbox;
  vault: Pick<Vault, "read">;
  /** Where the development sender writes, when no sender is given. */
  dataDir: string;
  sender?: Sender;
  logger: Logger;
} & Pick<WorkerOptions, "personOf" | "languageOf" | "retry" | "pollMs" | "keepMs">;

/** Starts delivering; stop the worker before closing the store. */
export function startDelivery(options: NotificationsOptions): DeliveryWorker {
  const sender = options.sender ?? fileSender(path.join(options.dataDir, DEVELOPMENT_OUTBOX_FILE));
  if (!options.sender) options.logger.warn({ sender: sender.name }, "notifications go to the development file sender (development only: configure a real sender)");
  const worker = createDeliveryWorker({
    outbox: options.outbox,
    vault: options.vault,
    sender,
    logger: options.logger,
    personOf: options.personOf,
    languageOf: options.languageOf,
    retry: options.retry,
    pollMs: options.pollMs,
    keepMs: options.keepMs,
  });
  worker.start();
  return worker;
}
