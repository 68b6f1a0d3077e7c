// Partners honouring time-bank vouchers (services/vouchers): over a real Hardhat node and the real server, a
// partner honours a voucher made to it once; a second honour, even sent at the same moment, is refused; a code
// that is unknown, malformed or another partner's is refused and records nothing; only partners may honour.
import { expect } from "chai";
import path from "node:path";
import { pino } from "pino";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadServerSettings } from "../../server/src/config/server.js";
import { serverRoutes } from "../../server/src/routes.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import { CHAIN_ID, clients, deployAll, DEV_KEYS, anyFreePort, rpc, startNode, tempDir, type NodeProcess } from "./helpers/chain.js";
import { httpClient } from "./helpers/siwe-http.js";
import { doc, playHistory, writer, type History } from "./helpers/history.js";
import { waitFor } from "./helpers/indexer.js";

type Redemption = { member: string; partner: string; minutes: number; voucher: string; honoured: { at: number; by: string } | null };

describe("time-bank vouchers honoured by partners (off-chain records)", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let tmp: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let history: History;
  const partnerKey: Hex = generatePrivateKey();
  const partner = privateKeyToAccount(partnerKey);
  const { call, signIn } = httpClient(() => server.url, CHAIN_ID);

   
  const redemptions = async (query: string) => (await call(undefined, "GET", `/api/timebank/redemptions?${query}`)).body.items as Redemption[];

  before(async function () {
    node = await startNode({ port: await anyFreePort() });
    tmp = tempDir("vouchers");
    const { deployment, file } = await deployAll(node.url, tmp.dir);
    history = await playHistory(node.url, deployment);
    // A second partner whose key we hold; r1 redeems 10 minutes there.
    const send = writer(node.url, deployment);
    await send(history.staff.key, "TimeBank", "registerPartner", [partner.address, doc("partner profile: canteen")]);
    await send(history.members.r1.key, "TimeBank", "redeem", [partner.address, 10, 1, doc("a lunch")]);
    await rpc(node.url, "hardhat_setBalance", [partner.address, "0x56BC75E2D63100000"]);
    const settings = loadServerSettings(
      { rpcUrl: node.url, chainId: CHAIN_ID, deployment: file, dataDir: path.join(tmp.dir, "server"), port: 0, mode: "development", pollMs: 50, batchLeaves: 16, batchSeconds: 0, rateLimitPerMinute: 1_000_000, roleCacheMs: 0, signInsPerAddressPerMinute: 1000, logLevel: "silent" },
      {},
    );
    server = await startServer(settings, pino({ level: "silent" }), serverRoutes);
    const head = Number(await clients(node.url).publicClient.getBlockNumber());
    await waitFor("the indexer to reach the head", () => server.service.indexer.checkpoint.blockNumber >= head, 60_000);
    await signIn("admin", DEV_KEYS[0]!);
    await signIn("partner", partnerKey);
    await signIn("r1", history.members.r1.key);
    // The partner's off-chain role, as the directory grants it.
    expect((await call("admin", "POST", "/api/directory/roles", { address: partner.address, role: "partner", action: "grant" })).status).to.equal(200);
  });
  after(async function () {
    await server?.stop();
    await node?.stop();
    tmp?.remove();
  });

  it("honours a voucher once: a second honour, even at the same moment, is refused", async function () {
    const [mine] = await redemptions(`partner=${partner.address}`);
    expect(mine).to.include({ minutes: 10, honoured: null });
    const code = mine!.voucher;
    // Sent together: the object is the voucher (its id is the code), so they are decided one after the other.
    const answers = await Promise.all([0, 1, 2].map(() => call("partner", "POST", "/api/vouchers/honour", { code: code.replace("-", "").toLowerCase() })));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([201, 409, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error.code).to.equal("voucher_already_honoured");
    expect(refused.body.error.message).to.contain(code);
    const done = answers.find((a) => a.status === 201)!;
    expect(done.body).to.include({ id: code, version: 1 });
    const [after] = await redemptions(`partner=${partner.address}`);
    expect(after!.honoured).to.include({ by: partner.address });
    expect((await call(undefined, "GET", `/api/timebank/vouchers/${code}`)).body.honoured).to.deep.equal(after!.honoured);
  });

  it("refuses an unknown, malformed or other partner's code, and anyone not a partner, recording nothing", async function () {
    const others = await redemptions(`partner=${history.partner}`);
    const other = others[0]!.voucher;
    const cases: [string | undefined, unknown, number, string][] = [
      ["partner", { code: "ZZZZ-ZZZZ" }, 404, "unknown_voucher"],
      ["partner", { code: other }, 403, "voucher_other_partner"],
      ["partner", { code: "ABC-12!" }, 400, "invalid_request"],
      ["r1", { code: other }, 403, "forbidden"],
      [undefined, { code: other }, 401, "unauthenticated"],
    ];
    for (const [who, body, status, code] of cases) {
      const res = await call(who, "POST", "/api/vouchers/honour", body);
      expect(res.status, `${who} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).to.equal(status);
      expect(res.body.error.code).to.equal(code);
    }
    expect((await redemptions(`partner=${history.partner}`)).map((r) => r.honoured)).to.deep.equal(others.map(() => null));
  });
});
