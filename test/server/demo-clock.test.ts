// `npm run demo` (scripts/demo/run.ts) as a newcomer runs it: it says what it does while it compiles and builds,
// and when ready it says which PDF belongs to which fund plan. And the demo's chain clock is the real date: the
// scripted history (weeks of votes, payments and services) is played on a chain that starts in the past, so that
// when the demo is ready the chain's "now" is the wall clock. Nothing is dated in the future, no open vote has
// closed by accident, and the one overdue disclosure is the one the story means (the lift repair never disclosed).
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { anyFreePort, repoRoot } from "./helpers/chain.js";

type Listed<T> = { items: T[] };
type VoteRow = { id: number | string; start: number | string; end: number | string; status?: string };
type PlanRow = { id: number | string; openedAt: number | string; disclosure: string; disclosureDue: number | string | null };

const MINUTES = 60;
const DAY = 86_400;
const VOTE_DAYS = 7;

describe("npm run demo: progress, PDFs by plan, and a chain clock at the real date", function () {
  this.timeout(600_000);
  let child: ChildProcess;
  let output = "";
  let rpcUrl = "";
  let apiUrl = "";
  let openVotes: number[] = [];

  before(async function () {
    const rpcPort = await anyFreePort();
    let apiPort = await anyFreePort();
    while (apiPort === rpcPort) apiPort = await anyFreePort();
    rpcUrl = `http://127.0.0.1:${rpcPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}`;
    const dataDir = path.join(tmpdir(), `gongzhi-demo-clock-${process.pid}`);
    child = spawn(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/demo/run.ts", "--rpc-port", String(rpcPort), "--api-port", String(apiPort), "--data-dir", dataDir], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (output.includes("Press Ctrl-C")) {
          clearInterval(timer);
          resolve();
        }
      }, 200);
      child.once("exit", () => {
        clearInterval(timer);
        reject(new Error(`npm run demo exited before it was ready:\n${output}`));
      });
    });
    openVotes = [...output.matchAll(/^ {2}#(\d+) open/gm)].map((m) => Number(m[1]));
  });
  after(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    await exited;
  });

  it("says what it does while it compiles and builds, step by step", function () {
    const at = (text: string) => output.indexOf(text);
    expect(at("[1/3] Compiling the contracts"), output).to.be.at.least(0);
    expect(at("[2/3] Building the web client")).to.be.greaterThan(at("[1/3] Compiling the contracts"));
    expect(at("[3/3] Starting the chain")).to.be.greaterThan(at("[2/3] Building the web client"));
    expect(at("Ready in")).to.be.greaterThan(at("[3/3] Starting the chain"));
    expect(output.match(/ {6}done 完成 in [\d.]+ s/g)).to.have.length(2);
  });

  it("says which PDF belongs to which plan", function () {
    const section = (title: string) => {
      const start = output.indexOf(title);
      expect(start, `${title} in\n${output}`).to.be.at.least(0);
      const rest = output.slice(start);
      const end = rest.search(/\n {2}(Plan 方案|Other documents)/);
      return rest.slice(0, end < 0 ? undefined : end);
    };
    const roof = section("1号楼屋面防水维修实施方案 / Building 1 roof waterproofing: works plan");
    for (const file of ["roof-quote.pdf", "roof-plan.pdf", "roof-contract.pdf", "roof-invoice-acceptance.pdf"]) expect(roof).to.include(file);
    expect(roof).to.not.include("pipe-");
    const pipe = section("2号楼地下室给水主管爆裂紧急维修");
    for (const file of ["pipe-invoice.pdf", "pipe-disclosure.pdf"]) expect(pipe).to.include(file);
    expect(section("1号楼2号电梯曳引机故障紧急维修")).to.include("lift-repair-invoice.pdf");
    expect(section("Other documents")).to.include("paper-ballot-lift.pdf").and.include("authorisation-timebank.pdf");
  });

  async function latestTimestamp(): Promise<number> {
    const res = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] }) });
    const { result } = (await res.json()) as { result: { timestamp: string } };
    return Number(BigInt(result.timestamp));
  }
  const api = async <T>(p: string): Promise<T> => (await (await fetch(`${apiUrl}${p}`)).json()) as T;

  it("the latest block is dated now (within a few minutes of the wall clock)", async function () {
    const chainNow = await latestTimestamp();
    const wallNow = Math.floor(Date.now() / 1000);
    expect(Math.abs(chainNow - wallNow), `chain ${new Date(chainNow * 1000).toISOString()} vs wall ${new Date(wallNow * 1000).toISOString()}`).to.be.at.most(5 * MINUTES);
  });

  it("no vote is dated in the future beyond its real window, and the open ones are still open", async function () {
    const wallNow = Math.floor(Date.now() / 1000);
    const { items } = await api<Listed<VoteRow>>("/api/votes?limit=100");
    expect(openVotes.length, output).to.be.greaterThan(0);
    for (const v of items) {
      expect(Number(v.start), `vote #${v.id} starts`).to.be.at.most(wallNow + 5 * MINUTES);
      expect(Number(v.end), `vote #${v.id} ends`).to.be.at.most(wallNow + VOTE_DAYS * DAY + 5 * MINUTES);
    }
    for (const open of openVotes) {
      const row = items.find((v) => Number(v.id) === open)!;
      // Still open for (nearly) its whole week: the story opened it "now".
      expect(Number(row.end) - wallNow, `open vote #${open}`).to.be.greaterThan(VOTE_DAYS * DAY - 60 * MINUTES);
    }
  });

  it("plans are dated in the past, and only the undisclosed lift repair is overdue", async function () {
    const wallNow = Math.floor(Date.now() / 1000);
    const { items } = await api<Listed<PlanRow>>("/api/fund/plans?limit=100");
    expect(items.length).to.be.greaterThan(0);
    for (const p of items) expect(Number(p.openedAt), `plan #${p.id} opened`).to.be.at.most(wallNow + 5 * MINUTES);
    const overdue = items.filter((p) => p.disclosure === "Overdue");
    expect(overdue.map((p) => Number(p.id))).to.deep.equal([1]);
    // Overdue by days (the story's ten), not by a year of accidental time travel.
    expect(wallNow - Number(overdue[0]!.disclosureDue)).to.be.within(5 * DAY, 15 * DAY);
  });
});
