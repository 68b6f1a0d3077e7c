// A delivery worker in a process of its own, to be killed with SIGKILL mid-attempt (test/server/notifications.test.ts).
// argv: <data dir> <"after-send" | "before-send">. The vault's master key comes in GONGZHI_TEST_MASTER_KEY.
// Its sender is the development file sender, which prints `REACHED <deliveryId>` when the attempt is at the
// chosen point and then never answers, as if the process were about to die there.
import { pathToFileURL } from "node:url";
import path from "node:path";
import { createDeliveryWorker, fileSender, openOutbox, type Sender } from "../../../server/src/notifications/index.js";
import { logEntryEncoding } from "../../../server/src/receipts/log-format.js";
import { openStore } from "../../../server/src/store/store.js";
import { parseMasterKey } from "../../../server/src/vault/masterKey.js";
import { openTestVault } from "./vault.js";

// Hardhat's test runner loads every file under test/: run only when started as the child process.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dataDir, point] = process.argv.slice(2) as [string, "after-send" | "before-send"];
  // A test's temporary directory, never a path relative to wherever the process happens to run.
  if (!path.isAbsolute(dataDir)) throw new Error(`outbox-process: the data directory must be an absolute path (a test's temp dir), not "${dataDir}".`);
  const store = await openStore(path.join(dataDir, "indexer"), [], logEntryEncoding);
  const outbox = await openOutbox(store);
  const tv = await openTestVault(path.join(dataDir, "vault"), parseMasterKey(process.env.GONGZHI_TEST_MASTER_KEY!, "test key"));
  const dev = fileSender(path.join(dataDir, "notifications-dev.jsonl"));
  const sender: Sender = {
    name: "dies-mid-attempt",
    channels: dev.channels,
    async send(message) {
      if (point === "after-send") await dev.send(message);
      process.stdout.write(`REACHED ${message.deliveryId}\n`);
      return new Promise(() => undefined);
    },
  };
  createDeliveryWorker({ outbox, vault: tv.vault, sender, pollMs: 20, sendTimeoutMs: 600_000 }).start();
  // Stay alive until killed: while the attempt hangs, the worker holds only its send's timeout, which is unref'd
  // (a timeout alone never keeps a server up), so the process could end by itself before the kill landed (CI, once).
  setInterval(() => undefined, 60_000);
}
