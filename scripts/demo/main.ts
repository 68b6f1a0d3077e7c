// npm run demo: the whole system on this machine with a realistic estate and history. Ctrl-C stops it cleanly;
// running it again starts from scratch.
import { Command } from "commander";
import { DEMO_MNEMONIC, type DemoPerson } from "./plan.js";
import { startDemoStack } from "./stack.js";
import { documentsByPlan } from "./summary.js";

const options = new Command()
  .name("demo")
  .option("--rpc-port <port>", "port of the local chain", "8545")
  .option(
    "--rpc-host <host>",
    "interface the local chain listens on (its development keys are unlocked: keep it on this machine unless you must share it)",
    process.env.GONGZHI_NODE_HOST || "127.0.0.1",
  )
  .option("--api-port <port>", "port of the server and web client", "8080")
  .option("--data-dir <dir>", "where the demo keeps its data (wiped at start)")
  .option("--server-log <level>", "server log level", "warn")
  .parse()
  .opts<{ rpcPort: string; rpcHost: string; apiPort: string; dataDir?: string; serverLog: "warn" }>();

const started = Date.now();
console.log("Starting the Gongzhi demo 共治演示 …");
const stack = await startDemoStack({
  rpcPort: Number(options.rpcPort),
  rpcHost: options.rpcHost,
  apiPort: Number(options.apiPort),
  dataDir: options.dataDir,
  log: (line) => console.log(`  ${line}`),
  serverLogLevel: options.serverLog,
  workOrderMonth: true,
  mediationHistory: true,
  // talent pool and suggestions (issue 15)
  talentAndSuggestions: true,
  // satisfaction surveys (issue 16)
  surveyYear: true,
  // community partners (issue 16)
  partners: true,
  // micro-renewal fund (issue 16)
  renewal: true,
  // the pet three-colour code (issue 17)
  pets: true,
  // green account (issue 17)
  green: true,
});

const { plan } = stack;
const pdfs = await documentsByPlan(stack.apiUrl, stack.documents, stack.proposals);
const row = (p: DemoPerson) => `  ${p.account.address}  ${p.label} / ${p.labelEn}`;
console.log(`
Ready in ${((Date.now() - started) / 1000).toFixed(1)} s.

  Web client 网页:        ${stack.apiUrl}/
  API:                    ${stack.apiUrl}/api/openapi.json
  Chain JSON-RPC 链节点:  ${stack.rpcUrl}   (chain id ${stack.deployment.chainId})

Votes 表决:
${stack.votes.map((v) => `  #${v.id} ${v.open ? "open  进行中" : "closed 已结束"}  ${v.title} / ${v.titleEn}`).join("\n")}
${stack.elections.map((e) => `  ${e.title} / ${e.titleEn}: one ballot paper 一张选票, votes ${e.votes.map((v) => `#${v.id}`).join(" ")}  (${stack.apiUrl}/#/elections/${e.hash})`).join("\n")}

Demo accounts 演示账户 (keys from the well-known development mnemonic "${DEMO_MNEMONIC}", never use them elsewhere):
${[plan.admin, ...plan.committee, plan.custodian, plan.auditor, ...plan.staff, plan.mediator, plan.gridWorker, ...plan.volunteers.slice(0, 3), ...plan.partners].map(row).join("\n")}
  … and ${plan.owners.length} owners in all (the web client's demo picker lists them).

Documents for the auditor's PDF check 审计文件 (drop a file on its plan's page 把文件拖到对应方案的页面核对):
${pdfs.plans.map((p) => `  Plan 方案 #${p.planId} ${p.title} / ${p.titleEn}   ${stack.apiUrl}/#/fund/plans/${p.planId}\n${p.files.length ? p.files.map((f) => `    ${f.file}`).join("\n") : "    (no PDF 无文件)"}`).join("\n")}
  Other documents 其他文件 (scans of paper ballots and authorisations, kept sealed 纸质选票和授权书扫描件):
${pdfs.others.map((d) => `    ${d.file}  ${d.title}`).join("\n")}

Press Ctrl-C to stop 按 Ctrl-C 停止.`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping …");
    void stack.stop().then(() => {
      console.log("Stopped. 已停止。");
      process.exit(0);
    });
  });
}
