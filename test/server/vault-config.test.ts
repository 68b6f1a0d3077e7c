// The vault's configuration: outside development the server refuses to start without a master key and says how
// to set one; the key is taken from the environment or a private key file, never a command line; the
// development key is made in the data directory with mode 0600 and announced in the log.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { statSync, writeFileSync, chmodSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { loadServerSettings } from "../../server/src/config/server.js";
import { assertVaultKeyConfigured, resolveVaultKeys } from "../../server/src/config/vault.js";
import { ensureDevelopmentMasterKey } from "../../server/src/vault/masterKey.js";
import { repoRoot, tempDir } from "./helpers/chain.js";

const KEY = "5f".repeat(32);

/** Runs the server's command with only the given GONGZHI_* variables; resolves with its exit code and stderr. */
function runServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GONGZHI_")));
  const child = spawn(
    process.execPath,
    ["--import", pathToFileURL(path.join(repoRoot, "node_modules/tsx/dist/loader.mjs")).href, path.join(repoRoot, "server/src/main.ts")],
    { cwd: repoRoot, env: { ...clean, ...env }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
}

function logCapture(): { logger: ReturnType<typeof pino>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ base: undefined }, stream), lines: () => chunks.join("").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("vault configuration", function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir("vault-config")));
  afterEach(() => tmp.remove());

  it("the server refuses to start outside development without a vault master key, saying how to set one", async function () {
    const base = {
      GONGZHI_RPC_URL: "http://127.0.0.1:9",
      GONGZHI_CHAIN_ID: "31337",
      GONGZHI_DEPLOYMENT: path.join(tmp.dir, "no-such-deployment.json"),
      GONGZHI_DATA_DIR: path.join(tmp.dir, "server"),
      GONGZHI_LOG_LEVEL: "silent",
    };
    const refused = await runServer(base);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.include("has no master key").and.include("GONGZHI_MODE=production");
    expect(refused.stderr).to.include("GONGZHI_VAULT_MASTER_KEY=$(openssl rand -hex 32)").and.include("GONGZHI_VAULT_MASTER_KEY_FILE").and.include("chmod 600");
    // With a key, or in development, the vault check passes and the server goes on (to fail on the missing
    // deployment file here, which shows how far it got).
    const extras: Record<string, string>[] = [{ GONGZHI_VAULT_MASTER_KEY: KEY }, { GONGZHI_MODE: "development" }];
    for (const extra of extras) {
      const started = await runServer({ ...base, ...extra });
      expect(started.stderr, JSON.stringify(extra)).to.not.include("has no master key");
      expect(started.stderr).to.include("no-such-deployment.json");
      expect(started.stderr).to.not.include(KEY);
    }
  });

  it("reads the key from the environment only, and refuses a malformed one without repeating it", function () {
    const cli = { rpcUrl: "http://127.0.0.1:9", chainId: 31337, deployment: "d.json", dataDir: tmp.dir };
    const fromEnv = loadServerSettings(cli, { GONGZHI_VAULT_MASTER_KEY: KEY });
    expect(fromEnv.vaultMasterKey).to.equal(KEY);
    expect(fromEnv.mode).to.equal("production");
    // A key on the command line is ignored: command lines are visible to every local user.
    expect(loadServerSettings({ ...cli, vaultMasterKey: KEY } as never, {}).vaultMasterKey).to.equal(undefined);
    let message = "";
    try {
      loadServerSettings(cli, { GONGZHI_VAULT_MASTER_KEY: "hunter2-not-a-key" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/GONGZHI_VAULT_MASTER_KEY: must be a 32-byte key/).and.not.include("hunter2");
    expect(() => loadServerSettings(cli, { GONGZHI_MODE: "staging" })).to.throw(/--mode \(or GONGZHI_MODE\)/);
    expect(() => loadServerSettings(cli, { GONGZHI_VAULT_RETENTION: "faces=3" })).to.throw(/GONGZHI_VAULT_RETENTION/);
    expect(() => assertVaultKeyConfigured({ ...fromEnv, vaultMasterKeyFile: "/x" })).to.throw(/set only one/);
  });

  it("refuses a key file other users can read, and uses one that is private", function () {
    const file = path.join(tmp.dir, "master.key");
    writeFileSync(file, `${KEY}\n`);
    chmodSync(file, 0o640);
    const settings = loadServerSettings({ rpcUrl: "http://127.0.0.1:9", chainId: 31337, deployment: "d.json", dataDir: tmp.dir, vaultMasterKeyFile: file }, {});
    expect(() => assertVaultKeyConfigured(settings)).to.throw(/can be read by other users.*chmod 600/);
    chmodSync(file, 0o600);
    const { masterKey } = resolveVaultKeys(settings, logCapture().logger);
    expect(masterKey.key.toString("hex")).to.equal(KEY);
  });

  it("in development makes a key file (0600) in the data directory once, and says so in the log", function () {
    const { logger, lines } = logCapture();
    const settings = loadServerSettings({ rpcUrl: "http://127.0.0.1:9", chainId: 31337, deployment: "d.json", dataDir: tmp.dir, mode: "development" }, {});
    const first = resolveVaultKeys(settings, logger);
    const file = path.join(tmp.dir, "vault", "vault-master.key");
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    const again = ensureDevelopmentMasterKey(path.join(tmp.dir, "vault"), logger);
    expect(again.created).to.equal(false);
    expect(again.masterKey.id).to.equal(first.masterKey.id);
    const [made, reused] = lines();
    expect(made).to.include({ file, keyId: first.masterKey.id, created: true });
    expect(String(made!.msg)).to.match(/development vault master key created at .*vault-master\.key; outside development set GONGZHI_VAULT_MASTER_KEY/);
    expect(reused).to.include({ created: false });
    expect(JSON.stringify(lines())).to.not.include(first.masterKey.key.toString("hex"));
  });
});
