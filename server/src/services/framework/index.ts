// The service framework: what a service imports. See docs/services.md.
export { defineCommand, defineQuery, defineRecord, defineService, refuse, Refusal } from "./define.js";
export type { AnyService, CommandDef, CommandRunner, DecideContext, Emitted, JournalRecord, Notification, QueryDef, RecordDef, ServiceDef, Who } from "./define.js";
export { answeredBefore, createEngine, modelName, rebuildReadModels, snapshotModels, submit, systemPrincipal } from "./engine.js";
export { createKeyedLock } from "./keyedLock.js";
export type { CommandAnswer, CommandRequest, CommandResult, Engine, EngineOptions, Principal, ProxyCheck, SystemPrincipal } from "./engine.js";
export { commandPath, commandResultSchema, serviceRoutes, type OffchainRoles, type ServiceHttpOptions } from "./http.js";
export { anyProxyCheck, onchainProxyCheck } from "./proxy.js";
export { addressRef, amountFen, commitmentRef, count, hashRef, objectId, personRef, unixSeconds } from "./schemas.js";
export { levelServiceStorage, readPage, type ModelReader, type ModelTx, type ModelWrite, type Page, type PageOptions, type QueryContext, type ServiceStorage, type StoredRecord } from "./storage.js";
export { given, type Scenario } from "./testing.js";
export { mountServices, type MountOptions } from "./mount.js";
export { keepingTexts, keepText } from "./texts.js";
export { startPeriodic, type PeriodicTimer } from "./periodic.js";
export { insertSorted } from "./sorted.js";
export { dueIds } from "./due.js";
