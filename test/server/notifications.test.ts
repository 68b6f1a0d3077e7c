// The notifications outbox (issue 12 §1) on a real indexer store and a real vault: enqueued in the same atomic
// batch as the record that causes it, delivered through the vault's audited read (consent to notifications
// required) to the development file sender, retried with backoff on retryable failures, dead-lettered on
// permanent ones and after the last attempt, resumed after a crash mid-attempt, and never holding a contact.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { logEntryEncoding } from "../../server/src/receipts/log-format.js";
import { appendOffchain, readJournal, readOffchain, type Appended, type OffchainInput } from "../../server/src/receipts/log.js";
import { createEngine, rebuildReadModels } from "../../server/src/services/framework/engine.js";
import { defineCommand, defineRecord, defineService, personRef, levelServiceStorage, type ServiceDef } from "../../server/src/services/framework/index.js";
import { createLock } from "../../server/src/store/lock.js";
import { privacyJournal } from "../../server/src/privacy/journal.js";
import { actorText } from "../../server/src/receipts/actor.js";
import { z } from "zod/v4";
import { verifyCommitment } from "../../server/src/vault/commitment.js";
import { closeStore, openStore, type Store } from "../../server/src/store/store.js";
import {
  DEFAULT_RETRY,
  PermanentSendError,
  RetryableSendError,
  TEMPLATES,
  createDeliveryWorker,
  fileSender,
  notificationEffects,
  maskPhone,
  openOutbox,
  renderTemplate,
  retryDelay,
  type NotificationRequest,
  type Outbox,
  type OutgoingMessage,
  type Sender,
  type WorkerOptions,
} from "../../server/src/notifications/index.js";
import type { FileSenderLine } from "../../server/src/notifications/senders.js";
import { OutboxError } from "../../server/src/notifications/types.js";
import { repoRoot, tempDir } from "./helpers/chain.js";
import { filesContaining, newMasterKey, openTestVault, type TestVault } from "./helpers/vault.js";

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const CHAIN_ID = 31337;
const STAFF = "staff 0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** Invented people: the values the byte scans look for. */
const WANG = { id: "p_wang", name: "王秀英", phone: "13800000001" };
const LI = { id: "p_li", name: "李建国", phone: "13912345678" };
const ZHANG = { id: "p_zhang", name: "张桂兰", phone: "13787654321" }; // never consents to notifications

function request(personId: string, overrides: Partial<NotificationRequest> = {}): NotificationRequest {
  return {
    to: { personId },
    template: "fund.disbursed",
    params: { planId: "plan-7", stage: 2, amount: 1_234_550 },
    cause: { kind: "fund.disbursed", id: "plan-7/2" },
    ...overrides,
  };
}

/** The record of stage `stage` of plan 7 being paid (ids and amounts only). */
function fundRecord(stage: number): OffchainInput {
  return { kind: "fund.disbursed", id: `plan-7/${stage}`, at: Math.floor(T0 / 1000), actor: { system: "test" }, payload: { planId: "plan-7", stage } };
}

/** A sender that fails as scripted, then passes to the development file sender. */
function scriptedSender(inner: Sender, script: (Error | "ok")[]): Sender & { calls: OutgoingMessage[] } {
  const calls: OutgoingMessage[] = [];
  return {
    name: "scripted",
    channels: inner.channels,
    calls,
    async send(message) {
      calls.push(message);
      const step = script[calls.length - 1] ?? "ok";
      if (step !== "ok") throw step;
      return inner.send(message);
    },
  };
}

function fileLines(file: string): FileSenderLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as FileSenderLine);
}

describe("notifications outbox", function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let store: Store | undefined;
  let outbox: Outbox;
  let tv: TestVault;
  let now: number;
  let devFile: string;
  const master = newMasterKey();
  const lock = createLock();
  const indexerDir = () => path.join(tmp.dir, "indexer");

  async function reopen(options: { journal?: boolean } = {}): Promise<void> {
    if (store) await closeStore(store);
    store = await openStore(indexerDir(), [], logEntryEncoding);
    outbox = await openOutbox(store, { clock: () => now, ...(options.journal ? { journal: { lock, chainId: CHAIN_ID } } : {}) });
  }

  function worker(sender: Sender, options: Partial<WorkerOptions> = {}) {
    return createDeliveryWorker({ outbox, vault: tv.vault, sender, clock: () => now, random: () => 0.5, retry: { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 60_000 }, ...options });
  }

  beforeEach(async function () {
    tmp = tempDir("outbox");
    now = T0 + 60_000;
    devFile = path.join(tmp.dir, "notifications-dev.jsonl");
    await reopen();
    tv = await openTestVault(path.join(tmp.dir, "vault"), master);
    for (const p of [WANG, LI, ZHANG]) {
      await tv.vault.write({ personId: p.id, field: "name", value: p.name, now: T0 });
      await tv.vault.write({ personId: p.id, field: "phone", value: p.phone, now: T0 });
    }
    await tv.vault.grantConsent({ personId: WANG.id, purpose: "notifications", actor: STAFF, now: T0 });
    await tv.vault.grantConsent({ personId: LI.id, purpose: "notifications", actor: STAFF, now: T0 });
  });

  afterEach(async function () {
    if (store) await closeStore(store);
    store = undefined;
    await tv.close();
    tmp.remove();
  });

  describe("enqueueing", function () {
    it("writes the entry in the same atomic batch as its record, naming its recordId: a failed batch leaves neither", async function () {
      const s = store!;
      const records = [fundRecord(2), fundRecord(3)];
      const requests = [request(WANG.id), request(LI.id, { cause: { kind: "fund.disbursed", id: "plan-7/3" } })];
      // A batch that fails (here: one of its operations is invalid) writes neither the records nor the entries.
      const effects = notificationEffects(outbox, records, requests, now);
      const failing = (appended: Appended[]) => [...effects(appended), { type: "put" as const, key: undefined as unknown as string, value: 1 }];
      let failed: unknown;
      try {
        await appendOffchain(s, lock, CHAIN_ID, records, failing);
      } catch (error) {
        failed = error;
      }
      expect(failed).to.be.instanceOf(Error);
      expect(await readOffchain(s, 0)).to.equal(undefined);
      expect((await outbox.counts()).pending).to.equal(0);
      expect((await outbox.list("pending", { limit: 10 })).items).to.deep.equal([]);

      // The same append without the bad operation writes both, and each entry names its record's recordId.
      const appended = await appendOffchain(s, lock, CHAIN_ID, records, notificationEffects(outbox, records, requests, now));
      expect(appended.map((a) => a.recordId)).to.deep.equal([0, 1]);
      const pending = (await outbox.list("pending", { limit: 10 })).items;
      expect(pending.map((e) => e.cause).sort((a, b) => a.id.localeCompare(b.id))).to.deep.equal([
        { kind: "fund.disbursed", id: "plan-7/2", recordId: 0 },
        { kind: "fund.disbursed", id: "plan-7/3", recordId: 1 },
      ]);
      expect((await readOffchain(s, 1))?.record).to.include({ kind: "fund.disbursed", id: "plan-7/3" });
    });

    it("in a group commit, a call whose effects fail is refused alone; the others are written with their notifications", async function () {
      const s = store!;
      const good = [fundRecord(4)];
      const bad = [fundRecord(5)];
      const throwing = () => {
        throw new Error("effects failed");
      };
      const [a, b, c] = await Promise.allSettled([
        appendOffchain(s, lock, CHAIN_ID, good, notificationEffects(outbox, good, [request(WANG.id, { cause: { kind: "fund.disbursed", id: "plan-7/4" } })], now)),
        appendOffchain(s, lock, CHAIN_ID, bad, throwing),
        appendOffchain(s, lock, CHAIN_ID, good, notificationEffects(outbox, good, [request(LI.id, { cause: { kind: "fund.disbursed", id: "plan-7/4" } })], now)),
      ]);
      expect([a.status, b.status, c.status]).to.deep.equal(["fulfilled", "rejected", "fulfilled"]);
      expect((b as PromiseRejectedResult).reason.message).to.equal("effects failed");
      const ids = [a, c].map((r) => (r as PromiseFulfilledResult<Appended[]>).value[0]!.recordId);
      expect(ids, "no gap where the refused call was").to.deep.equal([0, 1]);
      expect(s.nextRecordId).to.equal(2);
      const causes = (await outbox.list("pending", { limit: 10 })).items.map((e) => e.cause.recordId).sort();
      expect(causes).to.deep.equal([0, 1]);
    });

    it("refuses, before anything is written, a notification whose cause is none of the records", async function () {
      let error: unknown;
      try {
        notificationEffects(outbox, [fundRecord(2)], [request(WANG.id, { cause: { kind: "fund.disbursed", id: "plan-7/9" } })]);
      } catch (e) {
        error = e;
      }
      expect((error as OutboxError).code).to.equal("invalid_notification");
    });

    it("refuses personal values as parameters, unknown templates and bad recipients, and returns no ops", async function () {
      const refusals: NotificationRequest[] = [
        request(WANG.id, { template: "workorder.dispatched", params: { workOrderId: "wo-1", unit: `王秀英 ${WANG.phone}` } }),
        request(WANG.id, { template: "workorder.dispatched", params: { workOrderId: "wo-1", unit: "1号楼 2单元 406", phone: WANG.phone } }),
        request(WANG.id, { template: "workorder.dispatched", params: { workOrderId: "王秀英", unit: "1号楼 2单元 406" } }),
        request(WANG.id, { template: "fund.disbursed", params: { planId: "plan-7", stage: 2, amount: 12.5 } }),
        request(WANG.id, { template: "no.such" }),
        request(WANG.name),
        { ...request(WANG.id), to: { address: "0x123" as `0x${string}` } },
        { ...request(WANG.id), cause: { kind: "", id: "x" } },
        request(WANG.id, { channels: [] }),
      ];
      for (const bad of refusals) {
        let error: unknown;
        try {
          outbox.enqueueOps([request(LI.id), bad]);
        } catch (e) {
          error = e;
        }
        expect(error, JSON.stringify(bad)).to.be.instanceOf(OutboxError);
        expect((error as OutboxError).code).to.equal("invalid_notification");
      }
      expect((await outbox.counts()).pending).to.equal(0);
    });
  });

  describe("delivery", function () {
    it("reads the phone through the audited vault read and writes the message, masked, to the development file", async function () {
      const [zh] = await outbox.enqueue([request(WANG.id)]);
      const [en] = await outbox.enqueue([request(LI.id, { language: "en", channels: ["sms"] })]);
      expect(await worker(fileSender(devFile, { clock: () => now })).runOnce()).to.equal(2);

      const lines = fileLines(devFile);
      expect(lines.map((l) => l.deliveryId).sort()).to.deep.equal([zh!.deliveryId, en!.deliveryId].sort());
      const zhLine = lines.find((l) => l.deliveryId === zh!.deliveryId)!;
      const enLine = lines.find((l) => l.deliveryId === en!.deliveryId)!;
      expect(zhLine.to).to.equal("138****0001");
      expect(zhLine.channel).to.equal("wechat");
      expect(zhLine.text).to.equal("【共治】维修资金使用计划（编号 plan-7）第 2 期已支付 12,345.50 元。明细可在共治查看。");
      expect(enLine.to).to.equal("139****5678");
      expect(enLine.channel).to.equal("sms");
      expect(enLine.text).to.equal("[Gongzhi] Stage 2 of maintenance fund plan plan-7 was paid: CNY 12,345.50. The details are on Gongzhi.");

      const sent = await outbox.get(zh!.deliveryId);
      expect(sent).to.include({ state: "sent", attempts: 1, channel: "wechat", sentAt: now });
      expect(sent?.history).to.deep.equal([{ attempt: 1, at: now, outcome: "sent", channel: "wechat" }]);
      // Every read of a contact is in the person's access log, by the notifications actor and for that purpose.
      const access = await tv.accessLog.entriesFor(WANG.id);
      expect(access.map((a) => [a.actor, a.purpose, a.field])).to.deep.equal([['{"system":"notifications"}', "notifications", "phone"]]);
      // Nothing is due any more.
      expect(await worker(fileSender(devFile)).runOnce()).to.equal(0);
      expect(await outbox.counts()).to.include({ pending: 0, sending: 0, sent: 2 });
    });

    it("asks the directory for the person of an address and their language", async function () {
      const address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as const;
      const [known] = await outbox.enqueue([request(WANG.id, { to: { address } })]);
      const [unknown] = await outbox.enqueue([request(WANG.id, { to: { address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906" } })]);
      const w = worker(fileSender(devFile), {
        personOf: async (a) => (a === address ? LI.id : undefined),
        languageOf: async (id) => (id === LI.id ? "en" : undefined),
      });
      expect(await w.runOnce()).to.equal(2);
      expect(await outbox.get(known!.deliveryId)).to.include({ state: "sent" });
      expect(fileLines(devFile)[0]).to.include({ to: maskPhone(LI.phone), language: "en" });
      expect(await outbox.get(unknown!.deliveryId)).to.include({ state: "skipped", reason: "unknown_recipient" });
    });

    it("retries a sender that fails twice, with growing jittered delays, then delivers once", async function () {
      const sender = scriptedSender(fileSender(devFile), [new RetryableSendError("gateway_busy", "503 from the gateway"), new Error("socket hang up"), "ok"]);
      const w = worker(sender);
      const [entry] = await outbox.enqueue([request(WANG.id)]);
      const id = entry!.deliveryId;

      expect(await w.runOnce()).to.equal(1);
      const first = await outbox.get(id);
      // After attempt 1: the delay's ceiling is the base (1000 ms); half fixed, half random (0.5 here): 750 ms.
      expect(first).to.include({ state: "failed", attempts: 1, lastError: "gateway_busy", nextAttemptAt: now + 750 });
      expect(await w.runOnce(), "not due yet").to.equal(0);

      now += 750;
      expect(await w.runOnce()).to.equal(1);
      const second = await outbox.get(id);
      // An error the sender did not classify is retried too; the ceiling doubled: 2000 ms, so 1500 ms.
      expect(second).to.include({ state: "failed", attempts: 2, lastError: "sender_Error", nextAttemptAt: now + 1500 });

      now += 1500;
      expect(await w.runOnce()).to.equal(1);
      const done = await outbox.get(id);
      expect(done).to.include({ state: "sent", attempts: 3 });
      expect(done?.history.map((h) => h.outcome)).to.deep.equal(["retry", "retry", "sent"]);
      expect(sender.calls.map((c) => [c.deliveryId, c.attempt])).to.deep.equal([[id, 1], [id, 2], [id, 3]]);
      expect(fileLines(devFile)).to.have.length(1);
    });

    it("honours a provider's retry-after and jitters between attempts", function () {
      const policy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 10_000 };
      expect(retryDelay(1, policy, () => 0)).to.equal(500);
      expect(retryDelay(1, policy, () => 1)).to.equal(1000);
      expect(retryDelay(3, policy, () => 0.5)).to.equal(3000);
      expect(retryDelay(10, policy, () => 1), "capped").to.equal(10_000);
      expect(retryDelay(2, DEFAULT_RETRY, () => 0)).to.equal(30_000);
    });

    it("dead-letters a permanent failure at once and never retries it", async function () {
      const sender = scriptedSender(fileSender(devFile), [new PermanentSendError("invalid_number", "the gateway rejects the number")]);
      const w = worker(sender);
      const [entry] = await outbox.enqueue([request(WANG.id)]);
      expect(await w.runOnce()).to.equal(1);
      expect(await outbox.get(entry!.deliveryId)).to.include({ state: "dead", reason: "permanent_failure", lastError: "invalid_number", attempts: 1 });
      now += 24 * 3_600_000;
      expect(await w.runOnce()).to.equal(0);
      expect(sender.calls).to.have.length(1);
      expect(fileLines(devFile)).to.have.length(0);
    });

    it("dead-letters after the last attempt, lists it for operators, and an operator can queue it again", async function () {
      const busy = () => new RetryableSendError("gateway_busy", "503");
      const sender = scriptedSender(fileSender(devFile), [busy(), busy(), busy(), busy(), "ok"]);
      const w = worker(sender);
      const [entry] = await outbox.enqueue([request(WANG.id)]);
      for (let i = 0; i < 4; i++) {
        expect(await w.runOnce(), `attempt ${i + 1}`).to.equal(1);
        now += 60_000;
      }
      const dead = await outbox.get(entry!.deliveryId);
      expect(dead).to.include({ state: "dead", reason: "max_attempts", attempts: 4, lastError: "gateway_busy" });
      expect(dead?.nextAttemptAt).to.equal(undefined);
      expect(await w.runOnce(), "a dead letter is not retried").to.equal(0);
      expect((await outbox.list("dead", { limit: 10 })).items.map((e) => e.deliveryId)).to.deep.equal([entry!.deliveryId]);
      expect(await outbox.counts()).to.include({ dead: 1, failed: 0, pending: 0 });

      const again = await outbox.requeue(entry!.deliveryId, now);
      expect(again).to.include({ state: "pending", attempts: 0 });
      expect(await w.runOnce()).to.equal(1);
      expect(await outbox.get(entry!.deliveryId)).to.include({ state: "sent", attempts: 1 });
      expect(await outbox.counts()).to.include({ dead: 0, sent: 1 });
      let error: unknown;
      try {
        await outbox.requeue(entry!.deliveryId, now);
      } catch (e) {
        error = e;
      }
      expect((error as OutboxError).code).to.equal("not_dead");
    });

    it("skips, without retrying or reading the phone, a person without consent to notifications, or who withdrew it", async function () {
      const sender = scriptedSender(fileSender(devFile), []);
      const w = worker(sender);
      const [never] = await outbox.enqueue([request(ZHANG.id)]);
      await tv.vault.withdrawConsent({ personId: LI.id, purpose: "notifications", actor: STAFF, now: T0 + 1000 });
      const [withdrawn] = await outbox.enqueue([request(LI.id)]);
      expect(await w.runOnce()).to.equal(2);
      for (const e of [never!, withdrawn!]) expect(await outbox.get(e.deliveryId)).to.include({ state: "skipped", reason: "no_consent", attempts: 1 });
      now += 24 * 3_600_000;
      expect(await w.runOnce()).to.equal(0);
      expect(sender.calls).to.have.length(0);
      expect(await tv.accessLog.entriesFor(ZHANG.id)).to.deep.equal([]);
      expect(await outbox.counts()).to.include({ skipped: 2 });
    });

    it("skips an erased person", async function () {
      const [entry] = await outbox.enqueue([request(WANG.id)]);
      await tv.vault.erase({ personId: WANG.id, actor: STAFF, now: T0 + 2000 });
      expect(await worker(fileSender(devFile)).runOnce()).to.equal(1);
      expect(await outbox.get(entry!.deliveryId)).to.include({ state: "skipped", reason: "subject_erased" });
    });

    it("after a crash mid-attempt, sends again on restart with the same delivery id, and the sender drops the repeat", async function () {
      // Attempt 1 reaches the file, then the process dies before the outcome is recorded.
      let reached!: () => void;
      const reachedProvider = new Promise<void>((resolve) => (reached = resolve));
      const dev = fileSender(devFile);
      const dying: Sender = {
        name: "dies-after-sending",
        channels: dev.channels,
        async send(message) {
          await dev.send(message);
          reached();
          return new Promise(() => undefined); // the process is gone: no answer ever comes
        },
      };
      const [entry] = await outbox.enqueue([request(WANG.id)]);
      // The dead process's attempt never settles; its timeout later finds the store closed (ignored here).
      void worker(dying, { sendTimeoutMs: 60_000 }).runOnce().catch(() => undefined);
      await reachedProvider;
      expect(await outbox.get(entry!.deliveryId)).to.include({ state: "sending", attempts: 1 });

      // Restart: the store and the outbox are opened again; the entry is due again at once.
      now += 5000;
      await reopen();
      const resumed = await outbox.get(entry!.deliveryId);
      expect(resumed).to.include({ state: "pending", attempts: 1, nextAttemptAt: now });
      expect(resumed?.history).to.deep.equal([{ attempt: 1, at: now, outcome: "interrupted" }]);

      const restarted = scriptedSender(fileSender(devFile), []);
      expect(await worker(restarted).runOnce()).to.equal(1);
      expect(restarted.calls.map((c) => [c.deliveryId, c.attempt])).to.deep.equal([[entry!.deliveryId, 2]]);
      expect(await outbox.get(entry!.deliveryId)).to.include({ state: "sent", attempts: 2 });
      // One line: the repeat of a delivery id already written is dropped.
      expect(fileLines(devFile).map((l) => l.deliveryId)).to.deep.equal([entry!.deliveryId]);
    });

    it("after a crash before the provider answered, delivers on restart", async function () {
      const hanging: Sender = { name: "hangs", channels: ["sms", "wechat"], send: () => new Promise(() => undefined) };
      const [entry] = await outbox.enqueue([request(WANG.id)]);
      const w = worker(hanging, { sendTimeoutMs: 60_000 });
      void w.runOnce().catch(() => undefined);
      while ((await outbox.get(entry!.deliveryId))?.state !== "sending") await new Promise((r) => setTimeout(r, 5));
      await reopen();
      expect(await worker(fileSender(devFile)).runOnce()).to.equal(1);
      expect(await outbox.get(entry!.deliveryId)).to.include({ state: "sent", attempts: 2 });
      expect(fileLines(devFile)).to.have.length(1);
    });

    it("counts a sender that does not answer in time as a retryable failure", async function () {
      const hanging: Sender = { name: "hangs", channels: ["sms"], send: () => new Promise(() => undefined) };
      const [entry] = await outbox.enqueue([request(WANG.id, { channels: ["sms"] })]);
      expect(await worker(hanging, { sendTimeoutMs: 20 }).runOnce()).to.equal(1);
      expect(await outbox.get(entry!.deliveryId)).to.include({ state: "failed", lastError: "send_timeout" });
    });

    it("dead-letters an entry whose channels the sender does not speak", async function () {
      const wechatOnly: Sender = { name: "wechat", channels: ["wechat"], send: async () => ({}) };
      const [entry] = await outbox.enqueue([request(WANG.id, { channels: ["sms"] })]);
      expect(await worker(wechatOnly).runOnce()).to.equal(1);
      expect(await outbox.get(entry!.deliveryId)).to.include({ state: "dead", reason: "no_channel" });
    });

    it("the loop delivers what is enqueued while it runs, and stops cleanly", async function () {
      now = Date.now();
      const w = createDeliveryWorker({ outbox, vault: tv.vault, sender: fileSender(devFile), pollMs: 20 });
      w.start();
      const [entry] = await outbox.enqueue([request(WANG.id)]);
      w.wake();
      const deadline = Date.now() + 5000;
      while ((await outbox.get(entry!.deliveryId))?.state !== "sent" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await w.stop();
      expect(await outbox.get(entry!.deliveryId)).to.include({ state: "sent" });
    });
  });

  describe("from a service's command (the framework)", function () {
    const Dispatched = defineRecord("workorder", "dispatched", z.object({ requester: personRef, unit: z.string().max(40) }));
    const workorders = (notify: ServiceDef["notify"]) =>
      defineService({
        name: "workorder",
        basePath: "/api/workorders",
        noun: { "zh-CN": "工单", en: "work order" },
        records: [Dispatched],
        initial: { dispatched: false },
        evolve: () => ({ dispatched: true }),
        commands: [
          defineCommand({
            name: "dispatch",
            summary: "Dispatches a repair",
            target: "new",
            input: z.object({ requester: personRef, unit: z.string().max(40) }),
            who: "signedIn",
            decide: (_state: unknown, input) => [Dispatched({ requester: input.requester, unit: input.unit })],
          }),
        ],
        notify,
      }) as ServiceDef;
    const tellRequester: ServiceDef["notify"] = (record) =>
      Dispatched.is(record) ? [{ to: { personId: record.payload.requester }, template: "workorder.dispatched", params: { workOrderId: record.id, unit: record.payload.unit } }] : [];
    const principal = { address: "0x00000000000000000000000000000000000000aa" as const, roles: async () => [] };
    const engineWith = (service: ServiceDef) =>
      createEngine({ services: [service], storage: levelServiceStorage(store!, lock, CHAIN_ID, outbox), proxyCheck: async () => false, clock: () => now });

    it("enqueues what the service's notify asks in the command's own write, naming the record, and it is delivered", async function () {
      const service = workorders(tellRequester);
      const engine = engineWith(service);
      const answer = await engine.execute({ service: "workorder", command: "dispatch", body: { requester: WANG.id, unit: "1号楼 2单元 406" }, principal });
      expect(answer.status).to.equal(201);
      const [entry] = (await outbox.list("pending", { limit: 10 })).items;
      expect(entry?.cause).to.deep.equal({ kind: "workorder.dispatched", id: answer.body.id, recordId: answer.body.recordIds[0] });
      expect(entry?.params).to.deep.equal({ workOrderId: answer.body.id, unit: "1号楼 2单元 406" });
      expect(await worker(fileSender(devFile)).runOnce()).to.equal(1);
      expect(fileLines(devFile)[0]!.text).to.equal(`【共治】您报修的事项（工单 ${answer.body.id}，1号楼 2单元 406）已派给维修人员，他们会尽快与您联系。`);
      // Replaying the journal rebuilds read models; it tells no one again.
      await rebuildReadModels(engine.storage, [service]);
      expect(await outbox.counts()).to.include({ pending: 0, sent: 1 });
    });

    it("a notification that breaks the rules (a phone number as a label) refuses the command: no record, no entry", async function () {
      const leaky: ServiceDef["notify"] = (record) =>
        Dispatched.is(record) ? [{ to: { personId: record.payload.requester }, template: "workorder.dispatched", params: { workOrderId: record.id, unit: WANG.phone } }] : [];
      const engine = engineWith(workorders(leaky));
      let error: unknown;
      try {
        await engine.execute({ service: "workorder", command: "dispatch", body: { requester: WANG.id, unit: "1号楼" }, principal });
      } catch (e) {
        error = e;
      }
      expect((error as OutboxError).code).to.equal("invalid_notification");
      expect(store!.nextRecordId).to.equal(0);
      expect(await outbox.counts()).to.include({ pending: 0 });
      expect(filesContaining(indexerDir(), WANG.phone)).to.deep.equal([]);
    });
  });

  describe("anchored outcomes", function () {
    it("with the journal, each final outcome is a record written with the transition: ids and codes, the recipient as a salted commitment", async function () {
      await reopen({ journal: true });
      const s = store!;
      const refusingLi: Sender = {
        name: "refuses-li",
        channels: ["sms", "wechat"],
        send: async (m) => {
          if (m.to === LI.phone) throw new PermanentSendError("invalid_number", "refused");
          if (m.to === WANG.phone && m.attempt === 1) throw new RetryableSendError("gateway_busy", "503");
          return fileSender(devFile).send(m);
        },
      };
      const [wang, li, zhang] = await outbox.enqueue([request(WANG.id), request(LI.id), request(ZHANG.id)]);
      await worker(refusingLi).runOnce();
      // A retryable failure is not final: no record for it yet.
      expect(s.nextRecordId, "records after the first round: Li's dead letter and Zhang's skip").to.equal(2);
      expect((await outbox.get(wang!.deliveryId))?.outcomeRecordId).to.equal(undefined);
      now += 60_000;
      await worker(refusingLi).runOnce();
      expect(s.nextRecordId).to.equal(3);

      const expected = { [wang!.deliveryId]: ["notification.sent", WANG.id], [li!.deliveryId]: ["notification.deadLettered", LI.id], [zhang!.deliveryId]: ["notification.skipped", ZHANG.id] };
      for (const [deliveryId, [kind, personId]] of Object.entries(expected)) {
        const entry = (await outbox.get(deliveryId))!;
        const record = (await readOffchain(s, entry.outcomeRecordId!))!.record;
        if (record.schema !== "gongzhi/offchain-record/v1") throw new Error("not an off-chain record");
        expect(record).to.include({ kind, id: deliveryId, actor: '{"system":"notifications"}' });
        const payload = JSON.parse(record.payload) as Record<string, unknown>;
        expect(payload).to.include({ deliveryId, recipient: entry.recipientCommitment, template: "fund.disbursed", attempts: entry.attempts });
        expect(payload.cause).to.deep.equal({ kind: "fund.disbursed", id: "plan-7/2" });
        expect(verifyCommitment(`person:${personId}`, entry.recipientSalt, entry.recipientCommitment)).to.equal(true);
        expect(record.payload).to.not.include(personId!);
        for (const p of [WANG, LI, ZHANG]) expect(record.payload).to.not.include(p.phone);
      }
      const li2 = JSON.parse(((await readOffchain(s, (await outbox.get(li!.deliveryId))!.outcomeRecordId!))!.record as { payload: string }).payload) as Record<string, unknown>;
      expect(li2).to.include({ reason: "permanent_failure", lastError: "invalid_number" });
    });
  });

  describe("through the server's vault", function () {
    it("each contact read is an anchored vault.accessed record by the notifications actor, in the same journal", async function () {
      const s = store!;
      const journal = privacyJournal({ store: s, lock, chainId: CHAIN_ID });
      const served = await openTestVault(path.join(tmp.dir, "served-vault"), master, { accessLog: journal.accessLog, journal: journal.record });
      try {
        await served.vault.write({ personId: WANG.id, field: "phone", value: WANG.phone, now: T0 });
        await served.vault.grantConsent({ personId: WANG.id, purpose: "notifications", actor: actorText({ system: "test" }), evidence: "form-1", now: T0 });
        const [entry] = await outbox.enqueue([request(WANG.id)]);
        expect(await createDeliveryWorker({ outbox, vault: served.vault, sender: fileSender(devFile), clock: () => now }).runOnce()).to.equal(1);
        expect(await outbox.get(entry!.deliveryId)).to.include({ state: "sent" });
        const kinds: string[] = [];
        let accessed: { actor: string; payload: string } | undefined;
        for await (const e of readJournal(s)) {
          const r = e.record;
          if (r.schema !== "gongzhi/offchain-record/v1") continue;
          kinds.push(r.kind);
          if (r.kind === "vault.accessed") accessed = r;
        }
        expect(kinds).to.include("vault.accessed");
        expect(accessed!.actor).to.equal('{"system":"notifications"}');
        expect(JSON.parse(accessed!.payload)).to.include({ personId: WANG.id, field: "phone", purpose: "notifications" });
      } finally {
        await served.close();
      }
    });
  });

  describe("kill -9 mid-attempt", function () {
    /** Runs helpers/outbox-process.ts until its sender reaches `point`, then kills it with SIGKILL. */
    async function killMidAttempt(point: "after-send" | "before-send"): Promise<string> {
      const child = spawn(
        process.execPath,
        ["--import", pathToFileURL(path.join(repoRoot, "node_modules/tsx/dist/loader.mjs")).href, path.join(repoRoot, "test/server/helpers/outbox-process.ts"), tmp.dir, point],
        { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GONGZHI_TEST_MASTER_KEY: master.key.toString("hex") } },
      );
      let stdout = "";
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
      const reached = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
          const match = /REACHED ([0-9a-f]{32})/.exec(stdout);
          if (match) resolve(match[1]!);
        });
        void exited.then(() => reject(new Error(`the worker process ended before its attempt: ${stderr}`)));
      });
      child.kill("SIGKILL");
      expect(await exited).to.equal("SIGKILL");
      return reached;
    }

    for (const point of ["after-send", "before-send"] as const) {
      it(`a worker killed ${point === "after-send" ? "after the provider took the message" : "before the message left"} delivers it once after restart`, async function () {
        const [entry] = await outbox.enqueue([request(WANG.id)]);
        // The child process opens the same stores: close ours first (LevelDB allows one process at a time).
        await closeStore(store!);
        store = undefined;
        await tv.close();
        now = Date.now();
        expect(await killMidAttempt(point)).to.equal(entry!.deliveryId);

        tv = await openTestVault(path.join(tmp.dir, "vault"), master);
        await reopen();
        expect(await outbox.get(entry!.deliveryId)).to.include({ state: "pending", attempts: 1 });
        const restarted = scriptedSender(fileSender(devFile), []);
        expect(await worker(restarted).runOnce()).to.equal(1);
        expect(await outbox.get(entry!.deliveryId)).to.include({ state: "sent", attempts: 2 });
        expect(restarted.calls.map((c) => c.deliveryId)).to.deep.equal([entry!.deliveryId]);
        expect(fileLines(devFile).map((l) => l.deliveryId), "one line: the repeat is dropped").to.deep.equal([entry!.deliveryId]);
      });
    }
  });

  describe("ops views", function () {
    it("pages each state oldest first with an opaque cursor, and refuses a cursor of another list", async function () {
      for (let i = 0; i < 5; i++) {
        now += 1;
        await outbox.enqueue([request(WANG.id, { cause: { kind: "fund.disbursed", id: `plan-7/${i}` } })]);
      }
      const first = await outbox.list("pending", { limit: 2 });
      expect(first.items.map((e) => e.cause.id)).to.deep.equal(["plan-7/0", "plan-7/1"]);
      const second = await outbox.list("pending", { limit: 2, cursor: first.nextCursor });
      expect(second.items.map((e) => e.cause.id)).to.deep.equal(["plan-7/2", "plan-7/3"]);
      const last = await outbox.list("pending", { limit: 2, cursor: second.nextCursor });
      expect(last.items.map((e) => e.cause.id)).to.deep.equal(["plan-7/4"]);
      expect(last.nextCursor).to.equal(undefined);
      let error: unknown;
      try {
        await outbox.list("dead", { limit: 2, cursor: first.nextCursor });
      } catch (e) {
        error = e;
      }
      expect((error as OutboxError).code).to.equal("invalid_cursor");
      const counts = await outbox.counts(now + 10_000);
      expect(counts).to.include({ pending: 5, oldestDueSeconds: 10 });
    });

    it("prunes sent and skipped entries past their keeping time, from the worker's loop; dead letters and recent ones stay", async function () {
      const refusing = scriptedSender(fileSender(devFile), [new PermanentSendError("invalid_number", "refused")]);
      const [dead] = await outbox.enqueue([request(LI.id)]);
      await worker(refusing).runOnce();
      const [sent, skipped] = await outbox.enqueue([request(WANG.id), request(ZHANG.id)]);
      await worker(fileSender(devFile)).runOnce();
      now += 3_600_000;
      const [recent] = await outbox.enqueue([request(WANG.id)]);
      await worker(fileSender(devFile)).runOnce();
      expect(await outbox.counts()).to.include({ sent: 2, skipped: 1, dead: 1 });

      // Kept for 30 minutes: the loop's first round prunes what settled an hour ago, and nothing else.
      now += 1_000;
      const loop = worker(fileSender(devFile), { keepMs: 1_800_000, pollMs: 20 });
      loop.start();
      const deadline = Date.now() + 5000;
      while ((await outbox.get(sent!.deliveryId)) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await loop.stop();
      expect(await outbox.get(sent!.deliveryId)).to.equal(undefined);
      expect(await outbox.get(skipped!.deliveryId)).to.equal(undefined);
      expect(await outbox.get(dead!.deliveryId)).to.include({ state: "dead" });
      expect(await outbox.get(recent!.deliveryId)).to.include({ state: "sent" });
      expect((await outbox.list("sent", { limit: 10 })).items.map((e) => e.deliveryId)).to.deep.equal([recent!.deliveryId]);
      await reopen();
      expect(await outbox.counts()).to.include({ sent: 1, skipped: 0, dead: 1 });
    });

    it("keeps its counts across a restart", async function () {
      await outbox.enqueue([request(WANG.id), request(ZHANG.id)]);
      await worker(fileSender(devFile)).runOnce();
      await reopen();
      expect(await outbox.counts()).to.include({ sent: 1, skipped: 1, pending: 0 });
    });
  });

  describe("personal data", function () {
    it("no phone number or name is in the outbox's store, and the development file holds the number masked only", async function () {
      const busy = new RetryableSendError("gateway_busy", `gateway says ${WANG.phone} is busy`);
      await outbox.enqueue([request(WANG.id), request(LI.id, { template: "workorder.dispatched", params: { workOrderId: "wo-9", unit: "1号楼 2单元 406" } }), request(ZHANG.id)]);
      const w = worker(scriptedSender(fileSender(devFile), [busy]));
      await w.runOnce();
      now += 60_000;
      await w.runOnce();
      expect(await outbox.counts()).to.include({ sent: 2, skipped: 1 });
      await closeStore(store!);
      store = undefined;
      for (const p of [WANG, LI, ZHANG]) {
        expect(filesContaining(indexerDir(), p.phone), `${p.phone} in the indexer store`).to.deep.equal([]);
        expect(filesContaining(indexerDir(), p.name), `${p.name} in the indexer store`).to.deep.equal([]);
        expect(readFileSync(devFile, "utf8")).to.not.include(p.phone);
        expect(readFileSync(devFile, "utf8")).to.not.include(p.name);
      }
      expect(readFileSync(devFile, "utf8")).to.include("138****0001");
      // The scan can find what is there: the delivery ids are in the store's files.
      expect(filesContaining(indexerDir(), "plan-7")).to.not.deep.equal([]);
    });

    it("renders every template in both languages", function () {
      const params = { voteId: "12", scope: "1号楼", closesAt: T0, unit: "1号楼 2单元 406", planId: "p1", stage: 1, amount: 5, serviceId: "s1", minutes: 30, workOrderId: "wo1", caseId: "d1", answerBy: T0, at: T0, petId: "pt1", reportId: "r1", deducted: 4, points: 8, restored: 6 };
      for (const [key, template] of Object.entries(TEMPLATES)) {
        for (const language of ["zh-CN", "en"] as const) {
          const mine = Object.fromEntries(Object.entries(params).filter(([k]) => Object.hasOwn(template.params, k)));
          const text = renderTemplate(key, mine, language);
          expect(text, `${key} ${language}`).to.not.match(/\{\w+\}/);
        }
      }
      expect(renderTemplate("vote.opened", { voteId: "12", scope: "1号楼", closesAt: T0 }, "zh-CN")).to.include("2026年1月5日 17:00");
    });
  });
});

