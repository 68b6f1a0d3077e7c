// npm run verify-receipt -- <file> [--rpc URL] (--anchor <address> | --deployment <file>) [--record <id> | --offchain-record <id>]
// Checks a receipt against the chain and prints each step. The checks are verify.ts, shared with the web client.
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { createPublicClient, http, isAddress, type Address } from "viem";
import { defaultArtifactsDir } from "../chain/artifacts.js";
import { readDeployment, type Deployment } from "../chain/deployment.js";
import { artifactAbiOf } from "./abis.js";
import { pinOf, verifyReceipt, type Outcome, type Pin } from "./verify.js";

/** Exit statuses (docs/receipts.md). */
export const EXIT = { verified: 0, mismatch: 1, unchecked: 2, unpinned: 3 } as const;

const HELP_AFTER = `
Required: <file>, the receipt. To get "verified" (exit status 0) also --anchor or --deployment; --rpc defaults
to a local node.

Pin the deployment with --anchor or --deployment: a receipt names its own anchor contract, and anyone can deploy
a RecordAnchor and anchor an invented record in it. Without a pin every step still runs, but the receipt is only
"consistent", never "verified".

Environment:
  GONGZHI_RPC_URL   default for --rpc (an --rpc option wins)

Exit status:
  0  verified: every step holds, against the pinned RecordAnchor
  1  does not match: the receipt disagrees with itself, the pinned deployment or the chain (the step is named)
  2  could not check: the chain node is unreachable, or the file is unreadable or not a gongzhi-receipt/1
     document, or the options are wrong
  3  unpinned: every step holds, but against the receipt's own anchor (pass --anchor or --deployment)

Example:
  npm run verify-receipt -- receipt.json --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json
`;

/** Prints one line to stderr and exits 2: bad options and unreadable inputs are not a verdict on the receipt. */
function cannotCheck(message: string): never {
  console.error(`verify-receipt: ${message}`);
  process.exit(EXIT.unchecked);
}

const program = new Command()
  .name("verify-receipt")
  .description("Checks a Gongzhi receipt (docs/receipts.md) against the chain, without asking our server.")
  .argument("<file>", "receipt JSON file")
  .addOption(
    new Option("--rpc <url>", "JSON-RPC URL of a chain node you trust (not our server)").default(
      process.env.GONGZHI_RPC_URL ?? "http://127.0.0.1:8545",
      "$GONGZHI_RPC_URL, else http://127.0.0.1:8545",
    ),
  )
  .addOption(new Option("--anchor <address>", "the deployment's RecordAnchor address; a receipt anchored anywhere else is refused").conflicts("deployment"))
  .option("--deployment <file>", "a gongzhi-deployment/1 file: pins its RecordAnchor, chain id and contract addresses")
  .addOption(new Option("--record <id>", "the record id you asked for (its seq, as in GET /api/receipts/<id>): the receipt must be for it").conflicts("offchainRecord"))
  .option("--offchain-record <id>", "the off-chain record id you asked for (as in GET /api/receipts/offchain/<id>): the receipt must be for it")
  .option("--artifacts <dir>", "Hardhat artifacts directory, for the contracts' ABIs", defaultArtifactsDir)
  .option("--timeout <seconds>", "give up on a chain request after this many seconds", "10")
  .addHelpText("after", HELP_AFTER)
  .exitOverride((err: CommanderError) => {
    // --help and --version exit 0; every usage error has been printed as one line and exits 2.
    process.exit(err.exitCode === 0 ? 0 : EXIT.unchecked);
  });
program.parse();

const [file] = program.args;
const opts = program.opts<{ rpc: string; anchor?: string; deployment?: string; record?: string; offchainRecord?: string; artifacts: string; timeout: string }>();
if (opts.anchor !== undefined && !isAddress(opts.anchor, { strict: false })) cannotCheck(`--anchor ${opts.anchor} is not an address (0x and 40 hex digits).`);
if (opts.record !== undefined && !/^(0|[1-9][0-9]{0,15})$/.test(opts.record)) cannotCheck(`--record ${opts.record} is not a record id (a non-negative integer).`);
if (opts.offchainRecord !== undefined && !/^(0|[1-9][0-9]{0,15})$/.test(opts.offchainRecord)) {
  cannotCheck(`--offchain-record ${opts.offchainRecord} is not a record id (a non-negative integer).`);
}
const timeoutSeconds = Number(opts.timeout);
if (!(timeoutSeconds > 0)) cannotCheck(`--timeout ${opts.timeout} is not a positive number of seconds.`);

let deployment: Deployment | undefined;
let pin: Pin | undefined;
try {
  if (opts.deployment) {
    deployment = readDeployment(opts.deployment);
    pin = pinOf(deployment);
  } else if (opts.anchor) {
    pin = { anchor: opts.anchor.toLowerCase() as Address };
  }
} catch (err) {
  cannotCheck((err as Error).message);
}
let abiOf: ReturnType<typeof artifactAbiOf>;
try {
  abiOf = artifactAbiOf(deployment, opts.artifacts);
} catch (err) {
  cannotCheck((err as Error).message);
}

let json: unknown;
try {
  json = JSON.parse(readFileSync(file, "utf8"));
} catch (err) {
  cannotCheck(`cannot read ${file} as JSON (${(err as Error).message}).`);
}

const client = createPublicClient({ transport: http(opts.rpc, { retryCount: 1, timeout: timeoutSeconds * 1000 }) });
const report = await verifyReceipt(json, client, { pin, abiOf, recordId: opts.record, offchainRecordId: opts.offchainRecord });
for (const s of report.steps) console.log(`${s.ok ? "✔" : "✘"} ${s.step}: ${s.detail}`);
const failed = report.steps.find((s) => !s.ok)?.step;
const verdict: Record<Outcome, [string, number]> = {
  verified: [`receipt verified against the pinned RecordAnchor ${pin?.anchor}`, EXIT.verified],
  unpinned: [
    "receipt consistent, but the anchor is NOT pinned: it was checked against the anchor the receipt names itself, " +
      "which anyone can deploy. Pass --anchor <address> or --deployment <file> to verify it (exit status 3).",
    EXIT.unpinned,
  ],
  mismatch: [`receipt NOT verified: it does not match (failed at step "${failed}")`, EXIT.mismatch],
  invalid: [`could not check: ${file} is not a gongzhi-receipt/1 document (step "${failed}")`, EXIT.unchecked],
  unreachable: [`could not check: could not reach the chain node at ${opts.rpc} (step "${failed}"); nothing is known about the receipt`, EXIT.unchecked],
};
const [line, status] = verdict[report.outcome];
console.log(line);
process.exit(status);
