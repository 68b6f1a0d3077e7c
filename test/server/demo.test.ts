// `npm run demo` as a newcomer runs it: the process comes up with the whole stack, answers, stops cleanly on
// Ctrl-C (SIGINT) leaving nothing listening, and a second run starts cleanly again.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { keccak256, stringToBytes, type Hex } from "viem";
import { noteCommitment } from "../../server/src/chain/commitment.js";
import { freePort, repoRoot, tempDir } from "./helpers/chain.js";

type DemoRun = { output: () => string; ready: Promise<void>; interrupt: () => Promise<number | null> };

function runDemo(rpcPort: number, apiPort: number, dataDir: string): DemoRun {
  const child = spawn(
    process.execPath,
    [
      "--import",
      pathToFileURL(path.join(repoRoot, "node_modules/tsx/dist/loader.mjs")).href,
      path.join(repoRoot, "scripts/demo/main.ts"),
      ...["--rpc-port", String(rpcPort), "--api-port", String(apiPort), "--data-dir", dataDir],
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes("Press Ctrl-C")) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`the demo exited before it was ready:\n${output}`));
    });
  });
  return {
    output: () => output,
    ready,
    interrupt: async () => {
      child.kill("SIGINT");
      return exited;
    },
  };
}

async function listening(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

/**
 * The time-bank notes the demo kept off chain: each service's on-chain noteHash is the salted commitment to its
 * note, never the plain hash of the text (which could be guessed back).
 */
async function expectSaltedNotes(api: string, dataDir: string): Promise<void> {
  const notes = JSON.parse(readFileSync(path.join(dataDir, "documents", "timebank-notes.json"), "utf8")) as {
    kind: string;
    serviceId?: number;
    note: string;
    salt: Hex;
    commitment: Hex;
  }[];
  const services = notes.filter((n) => n.kind === "service");
  expect(services.length).to.be.greaterThan(5);
  for (const n of services) {
    const onChain = (await (await fetch(`${api}/api/timebank/services/${n.serviceId}`)).json()) as { noteHash: string };
    expect(onChain.noteHash).to.equal(noteCommitment(n.salt, n.note));
    expect(onChain.noteHash).to.not.equal(keccak256(stringToBytes(n.note)));
  }
  expect(new Set(notes.map((n) => n.salt)).size, "a fresh salt per note").to.equal(notes.length);
}

/**
 * Every vote and fund plan of the demo has its text stored as a proposal document whose keccak256 is the hash
 * on chain (Chinese, with an English title); the scans of paper behind staff's authorisations are not public.
 */
async function expectStoredProposals(api: string): Promise<void> {
  const get = async <T>(p: string) => (await (await fetch(`${api}${p}`)).json()) as T;
  const votes = await get<{ items: { id: string }[] }>("/api/votes?limit=100");
  const plans = await get<{ items: { id: string }[] }>("/api/fund/plans?limit=100");
  const hashes: string[] = [];
  for (const { id } of votes.items) {
    const vote = await get<{ contentHash: string; proposal: { stored: boolean; title: { zh: string; en?: string }; text: string } }>(`/api/votes/${id}`);
    expect(vote.proposal.stored, `vote ${id}`).to.equal(true);
    expect(vote.proposal.title.zh, `vote ${id}`).to.match(/[\u4e00-\u9fff]/);
    expect(vote.proposal.title.en, `vote ${id}`).to.match(/^[A-Z]/);
    expect(vote.proposal.text.length, `vote ${id}`).to.be.greaterThan(50);
    hashes.push(vote.contentHash);
  }
  for (const { id } of plans.items) {
    const plan = await get<{ planHash: string; document: { stored: boolean } }>(`/api/fund/plans/${id}`);
    expect(plan.document.stored, `plan ${id}`).to.equal(true);
    hashes.push(plan.planHash);
  }
  expect(votes.items.length + plans.items.length).to.be.greaterThan(6);
  for (const h of hashes) {
    const bytes = new Uint8Array(await (await fetch(`${api}/api/documents/${h}`)).arrayBuffer());
    expect(keccak256(bytes), h).to.equal(h);
  }
  // Staff's authorisations are numbered from 1: their scans (paper ballots, a time-bank authorisation) are sealed.
  for (let id = 1; ; id++) {
    const res = await fetch(`${api}/api/proxy-authorizations/${id}`);
    if (res.status === 404) {
      expect(id, "the demo's staff recorded authorisations").to.be.greaterThan(2);
      break;
    }
    const { documentHash } = (await res.json()) as { documentHash: string };
    expect((await fetch(`${api}/api/documents/${documentHash}`)).status, documentHash).to.equal(403);
  }
}

describe("npm run demo", function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof tempDir>;
  before(() => (tmp = tempDir("demo")));
  after(() => tmp?.remove());

  it("starts the whole stack, stops cleanly on Ctrl-C, and starts cleanly again", async function () {
    const rpcPort = await freePort(8750, 8800);
    const apiPort = await freePort(rpcPort + 1, 8800);
    const api = `http://127.0.0.1:${apiPort}`;
    for (let run = 1; run <= 2; run++) {
      const demo = runDemo(rpcPort, apiPort, tmp.dir);
      await demo.ready;
      expect(demo.output()).to.contain(`${api}/`);
      // The server follows exactly the contracts the demo deployed, on the chain it started.
      const config = (await (await fetch(`${api}/api/config`)).json()) as {
        chainId: number;
        rpcUrl: string;
        contracts: Record<string, { address: string }>;
      };
      const deployment = JSON.parse(readFileSync(path.join(tmp.dir, "deployment.json"), "utf8")) as {
        chainId: number;
        contracts: Record<string, { address: string }>;
      };
      expect(config.chainId).to.equal(deployment.chainId);
      expect(config.rpcUrl).to.equal(`http://127.0.0.1:${rpcPort}`);
      expect(Object.keys(config.contracts)).to.have.members(Object.keys(deployment.contracts));
      const votes = (await (await fetch(`${api}/api/votes?status=open`)).json()) as { items: unknown[] };
      expect(votes.items.length, "the demo leaves votes open to take part in").to.be.greaterThan(0);
      if (run === 1) {
        await expectSaltedNotes(api, tmp.dir);
        await expectStoredProposals(api);
      }

      expect(await demo.interrupt()).to.equal(0);
      expect(demo.output()).to.contain("Stopped");
      expect(await listening(`${api}/api/health`), "the server still listens after Ctrl-C").to.equal(false);
      expect(await listening(`http://127.0.0.1:${rpcPort}`), "the chain still listens after Ctrl-C").to.equal(false);
    }
  });
});
