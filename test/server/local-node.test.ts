// The local chain node of the demo and the tests signs transactions for its unlocked development accounts, so
// it must not be reachable from the network unless asked: it listens on 127.0.0.1 by default (Hardhat's own
// default inside Docker is 0.0.0.0), and on another interface only when told to.
import { expect } from "chai";
import { networkInterfaces } from "node:os";
import { startLocalNode } from "../../server/src/chain/localNode.js";
import { anyFreePort, rpc } from "./helpers/chain.js";

/** An IPv4 address of this machine that is not loopback: how another machine on the network would reach it. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) if (entry.family === "IPv4" && !entry.internal) return entry.address;
  }
  return undefined;
}

async function reachable(url: string): Promise<boolean> {
  try {
    await rpc<string>(url, "eth_chainId");
    return true;
  } catch {
    return false;
  }
}

describe("local chain node", function () {
  this.timeout(120_000);
  const external = externalAddress();

  before(function () {
    // Without a network interface there is no network to hide the node from.
    if (!external) this.skip();
  });

  it("listens on 127.0.0.1 by default: reachable locally, not from the network", async function () {
    const node = await startLocalNode({ port: await anyFreePort() });
    try {
      expect(node.host).to.equal("127.0.0.1");
      expect(await reachable(node.url)).to.equal(true);
      expect(await reachable(`http://${external}:${node.port}`), `eth_chainId at ${external}:${node.port}`).to.equal(false);
    } finally {
      await node.stop();
    }
  });

  it("listens on every interface only when asked", async function () {
    const node = await startLocalNode({ port: await anyFreePort(), host: "0.0.0.0" });
    try {
      expect(node.url).to.match(/^http:\/\/127\.0\.0\.1:/);
      expect(await reachable(`http://${external}:${node.port}`)).to.equal(true);
    } finally {
      await node.stop();
    }
  });
});
