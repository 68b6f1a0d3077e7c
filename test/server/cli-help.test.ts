// The two command-line programs explain themselves: `--help` names the required options, the defaults, the
// environment variables and the exit statuses, and a missing or unknown option is one line on stderr (no stack
// trace) with exit status 2. Run as child processes, as a user would.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./helpers/chain.js";

/** Runs `file` under tsx with no GONGZHI_* variables (plus `env`); its exit status, stdout and stderr. */
function run(file: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GONGZHI_")));
  const result = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, file), ...args], {
    cwd: repoRoot,
    env: { ...clean, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SERVER = "server/src/main.ts";
const VERIFY = "server/src/receipts/cli.ts";
const noStack = (text: string) => expect(text, text).to.not.match(/\n\s+at |Node\.js v\d|\.ts:\d+:\d+/);

describe("command-line help and usage errors", function () {
  this.timeout(180_000);

  it("server --help lists required options, defaults, every environment variable and the exit statuses", function () {
    const { status, stdout } = run(SERVER, ["--help"]);
    expect(status).to.equal(0);
    expect(stdout).to.match(/--rpc-url <url>[\s\S]*\[required; env GONGZHI_RPC_URL\]/);
    expect(stdout).to.match(/--port <port>[\s\S]*\[default: 8080; env GONGZHI_PORT\]/);
    expect(stdout).to.match(/--mode <mode>[\s\S]*\[default: production; env GONGZHI_MODE\]/);
    expect(stdout).to.include("Required: --rpc-url, --chain-id, --deployment and --data-dir");
    // Settings without an option, and the secrets, are listed as environment variables with their defaults.
    expect(stdout).to.match(/GONGZHI_SESSION_HOURS\s+default 12\n/);
    expect(stdout).to.match(/GONGZHI_VAULT_MASTER_KEY\s+optional \(secret: environment only\)/);
    expect(stdout).to.match(/GONGZHI_RELAYER_KEY\s+optional \(secret: environment only\)/);
    expect(stdout).to.match(/Exit status:\n\s+0 [^\n]+\n\s+1 [^\n]+\n[^\n]*\n\s+2 /);
  });

  it("server without a required option: one line naming the option and its variable, exit status 2", function () {
    const { status, stdout, stderr } = run(SERVER, ["--chain-id", "31337", "--deployment", "d.json", "--data-dir", "/tmp/x"]);
    expect(status).to.equal(2);
    expect(stdout).to.equal("");
    expect(stderr.trim().split("\n")).to.have.length(1);
    expect(stderr).to.include("--rpc-url (or GONGZHI_RPC_URL): required, not given");
    noStack(stderr);
    const missingAll = run(SERVER, []);
    expect(missingAll.status).to.equal(2);
    expect(missingAll.stderr.trim().split("\n")).to.have.length(1);
    // Not the parser's "Expected number, received nan" for an absent chain id.
    expect(missingAll.stderr).to.include("--chain-id (or GONGZHI_CHAIN_ID): required, not given").and.not.include("nan");
    noStack(missingAll.stderr);
  });

  it("server with a bad value or an unknown option: one line, exit status 2", function () {
    const bad = run(SERVER, ["--port", "http"], { GONGZHI_RPC_URL: "http://127.0.0.1:9", GONGZHI_CHAIN_ID: "31337", GONGZHI_DEPLOYMENT: "d.json", GONGZHI_DATA_DIR: "/tmp/x" });
    expect(bad.status).to.equal(2);
    expect(bad.stderr.trim().split("\n")).to.have.length(1);
    expect(bad.stderr).to.include("--port (or GONGZHI_PORT)");
    noStack(bad.stderr);
    const unknown = run(SERVER, ["--no-such-option"]);
    expect(unknown.status).to.equal(2);
    expect(unknown.stderr.trim().split("\n")).to.deep.equal(["error: unknown option '--no-such-option'"]);
  });

  it("server that cannot start: one line saying why, exit status 1", function () {
    const { status, stderr } = run(SERVER, ["--rpc-url", "http://127.0.0.1:9", "--chain-id", "31337", "--deployment", "no-such-deployment.json", "--data-dir", "/tmp/gongzhi-cli-help", "--log-level", "silent"]);
    expect(status).to.equal(1);
    expect(stderr.trim().split("\n")).to.have.length(1);
    expect(stderr).to.match(/^gongzhi-server: could not start: .*master key/);
    noStack(stderr);
  });

  it("verify-receipt --help shows what is required, the defaults, the environment and the exit statuses", function () {
    const { status, stdout } = run(VERIFY, ["--help"]);
    expect(status).to.equal(0);
    expect(stdout).to.match(/Usage: verify-receipt \[options\] <file>/);
    expect(stdout).to.include("Required: <file>");
    expect(stdout).to.match(/--rpc <url>[\s\S]*\(default: \$GONGZHI_RPC_URL, else\s+http:\/\/127\.0\.0\.1:8545\)/);
    expect(stdout).to.match(/--timeout <seconds>[\s\S]*\(default: "10"\)/);
    expect(stdout).to.match(/Environment:\n\s+GONGZHI_RPC_URL/);
    for (const code of ["0  verified", "1  does not match", "2  could not check", "3  unpinned"]) expect(stdout).to.include(code);
  });

  it("verify-receipt without its file or with a bad option: one line, exit status 2", function () {
    const missing = run(VERIFY, []);
    expect(missing.status).to.equal(2);
    expect(missing.stderr.trim().split("\n")).to.deep.equal(["error: missing required argument 'file'"]);
    const bad = run(VERIFY, ["receipt.json", "--timeout", "soon"]);
    expect(bad.status).to.equal(2);
    expect(bad.stderr.trim().split("\n")).to.deep.equal(["verify-receipt: --timeout soon is not a positive number of seconds."]);
    noStack(bad.stderr);
  });
});
