// The notifications outbox (issue 12 §1): who must be told what, enqueued in the same atomic write as the
// records that cause it, delivered by a worker through a pluggable sender with retries and a dead letter.
export { OUTBOX_ACTOR, notificationEffects, type CausedRequest, openOutbox, outcomeRecord, type OpenOutboxOptions, type Outbox, type Page } from "./outbox.js";
export { outboxRoutes, requireAnyRole, OUTBOX_ROLES, type OutboxRouteDeps } from "./routes.js";
export { httpGatewaySender, type HttpGatewayOptions } from "./httpSender.js";
export { startDelivery, type NotificationsOptions } from "./setup.js";
export { DEVELOPMENT_OUTBOX_FILE, PermanentSendError, RetryableSendError, fileSender, maskPhone, type OutgoingMessage, type SendResult, type Sender } from "./senders.js";
export { TEMPLATES, checkTemplateParams, renderTemplate, type TemplateKey } from "./templates.js";
export * from "./types.js";
export { DEFAULT_RETRY, NOTIFICATIONS_ACTOR, createDeliveryWorker, retryDelay, settleAttempt, type DeliveryWorker, type RetryPolicy, type WorkerOptions } from "./worker.js";
