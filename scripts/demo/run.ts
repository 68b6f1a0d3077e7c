// npm run demo: compiles the contracts, builds the web client, then starts the demo (main.ts), saying at each
// step what it does and, while a step runs long (the first compile takes about two minutes), that it is still
// at it. Options are main.ts's (npm run demo -- --help).
import { spawn } from "node:child_process";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "../..");
// Run with this Node (22: Hardhat refuses older ones), whatever `node` comes first on PATH.
const HARDHAT = path.join(repoRoot, "node_modules/hardhat/dist/src/cli.js");
const VITE = path.join(repoRoot, "node_modules/vite/bin/vite.js");
const TICK_MS = 15_000;

/** Runs one step with its output shown; every TICK_MS a line says it is still running. Exits on failure. */
async function step(n: number, of: number, title: string, script: string, args: string[]): Promise<void> {
  const started = Date.now();
  console.log(`[${n}/${of}] ${title}`);
  const child = spawn(process.execPath, [script, ...args], { cwd: repoRoot, stdio: ["ignore", "inherit", "inherit"] });
  const ticker = setInterval(() => console.log(`      … still at it 仍在进行 (${Math.round((Date.now() - started) / 1000)} s)`), TICK_MS);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(ticker);
  if (code !== 0) {
    console.error(`[${n}/${of}] failed 失败 (exit status ${code}): ${path.relative(repoRoot, script)} ${args.join(" ")}`);
    process.exit(code ?? 1);
  }
  console.log(`      done 完成 in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (!process.argv.includes("--help") && !process.argv.includes("-h")) {
  await step(1, 3, "Compiling the contracts 编译合约 (solc 0.8.30 with viaIR: about two minutes the first time, seconds afterwards)", HARDHAT, ["build"]);
  await step(2, 3, "Building the web client 构建网页客户端", VITE, ["build", "--config", "client/vite.config.ts", "--logLevel", "warn"]);
  console.log("[3/3] Starting the chain, the estate's history and the server 启动链、演示数据和服务器");
}
await import("./main.js");
