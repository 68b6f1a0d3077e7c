// `npm run deploy -- --network gongzhi` against a real node of the other implementation (Anvil): URL and key come
// from configuration variables in the environment, as they would on a permissioned network.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { createPublicClient, http, toHex, type Address } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { loadArtifact } from "../../server/src/chain/artifacts.js";
import { startLocalNode, type LocalNode } from "../../server/src/chain/localNode.js";
import { DEMO_MNEMONIC } from "../../scripts/demo/plan.js";
import { anyFreePort, repoRoot, tempDir } from "./helpers/chain.js";

const run = promisify(execFile);

describe("npm run deploy", function () {
  this.timeout(120_000);
  let node: LocalNode;
  let tmp: ReturnType<typeof tempDir>;

  before(async function () {
    node = await startLocalNode({ port: await anyFreePort(), kind: "anvil" });
    tmp = tempDir("deploy");
  });
  after(async function () {
    await node?.stop();
    tmp?.remove();
  });

  it("deploys every contract to the configured network and grants the relayer its role", async function () {
    const deployer = mnemonicToAccount(DEMO_MNEMONIC);
    const relayer = mnemonicToAccount(DEMO_MNEMONIC, { addressIndex: 1 });
    const out = path.join(tmp.dir, "deployment.json");
    const { stdout } = await run(
      process.execPath,
      [path.join(repoRoot, "node_modules/hardhat/dist/src/cli.js"), "run", "--no-compile", "scripts/deploy.ts", "--network", "gongzhi"],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          GONGZHI_RPC_URL: node.url,
          GONGZHI_DEPLOYER_KEY: toHex(deployer.getHdKey().privateKey!),
          GONGZHI_RELAYERS: relayer.address,
          GONGZHI_DEPLOYMENT_OUT: out,
        },
      },
    );
    expect(stdout).to.contain(`Wrote ${out}`);
    const deployment = JSON.parse(readFileSync(out, "utf8")) as {
      chainId: number;
      contracts: Record<string, { address: Address; blockNumber: number }>;
    };
    expect(Object.keys(deployment.contracts)).to.have.members(["CommunityRegistry", "RecordAnchor", "ProxyAuthorizations", "OwnersVote", "MaintenanceFund", "TimeBank"]);
    const client = createPublicClient({ transport: http(node.url) });
    expect(deployment.chainId).to.equal(await client.getChainId());
    for (const { address } of Object.values(deployment.contracts)) {
      expect((await client.getCode({ address }))?.length ?? 0).to.be.greaterThan(2);
    }
    const registry = { address: deployment.contracts.CommunityRegistry!.address, abi: loadArtifact("CommunityRegistry").abi };
    const relayerRole = await client.readContract({ ...registry, functionName: "RELAYER_ROLE" });
    expect(await client.readContract({ ...registry, functionName: "hasRole", args: [relayerRole, relayer.address] })).to.equal(true);
    const adminRole = await client.readContract({ ...registry, functionName: "DEFAULT_ADMIN_ROLE" });
    expect(await client.readContract({ ...registry, functionName: "hasRole", args: [adminRole, deployer.address] })).to.equal(true);
  });

  it("refuses to start without a deployer key, saying which variable to set", async function () {
    const env: NodeJS.ProcessEnv = { ...process.env, GONGZHI_RPC_URL: node.url };
    delete env.GONGZHI_DEPLOYER_KEY;
    const failed = await run(
      process.execPath,
      [path.join(repoRoot, "node_modules/hardhat/dist/src/cli.js"), "run", "--no-compile", "scripts/deploy.ts", "--network", "gongzhi"],
      { cwd: repoRoot, env },
    ).then(
      () => undefined,
      (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`,
    );
    expect(failed, "the deploy should have failed").to.be.a("string");
    expect(failed).to.contain("GONGZHI_DEPLOYER_KEY");
  });
});
