// npm run verify-receipt -- <file> [--rpc URL]: checks a receipt against the chain and prints each step.
// Exit code 0 only if every step holds.
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { createPublicClient, http } from "viem";
import { verifyReceipt } from "./verify.js";

const program = new Command()
  .name("verify-receipt")
  .argument("<file>", "receipt JSON file")
  .option("--rpc <url>", "JSON-RPC URL of the chain (not our server)", process.env.GONGZHI_RPC_URL ?? "http://127.0.0.1:8545")
  .parse();
const [file] = program.args;
const { rpc } = program.opts<{ rpc: string }>();

let json: unknown;
try {
  json = JSON.parse(readFileSync(file, "utf8"));
} catch (err) {
  console.error(`✘ format: cannot read ${file} as JSON (${(err as Error).message})`);
  process.exit(1);
}
const client = createPublicClient({ transport: http(rpc, { retryCount: 1 }) });
const report = await verifyReceipt(json, client);
for (const s of report.steps) console.log(`${s.ok ? "✔" : "✘"} ${s.step}: ${s.detail}`);
console.log(report.ok ? "receipt verified" : `receipt NOT verified (failed at step "${report.steps.at(-1)?.step}")`);
process.exit(report.ok ? 0 : 1);
