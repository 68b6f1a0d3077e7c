// How a page's first requests travel on a slow network (issue 19): the boot script asks for a page's data while its
// code is still downloading, the votes and fund pages need no second round of requests, and an early request that
// failed is asked again rather than shown. In real headless Chromium against the demo stack, every response 400 ms
// away so that the order of requests is the page's, not a race between a loaded machine and a loopback download.
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import type { DemoStack } from "../../scripts/demo/stack.js";
import { buildClient, launchChromium, startStack, type BuiltChunk } from "./browser.js";

describe("page startup on a slow network (Chromium, demo stack)", function () {
  this.timeout(300_000);
  let stack: DemoStack;
  let browser: Browser;
  let base: string;
  let chunks: BuiltChunk[];

  before(async function () {
    chunks = await buildClient();
    stack = await startStack();
    base = stack.apiUrl;
    browser = await launchChromium();
  });

  after(async function () {
    await browser?.close();
    await stack?.stop();
  });

  /** The file of a page's chunk, e.g. `assets/vote-….js`. */
  const pageFile = (name: string) => chunks.find((c) => c.facadeModuleId?.endsWith(`/client/src/pages/${name}.ts`))!.fileName;

  /**
   * Opens `hash` in a fresh context (signed out, empty cache) with 400 ms latency, waits for `selector` and a quiet
   * network; the requests' starts and ends in the order the browser saw them (`start api/votes?limit=500`, …).
   */
  async function visit(hash: string, selector: string, prepare?: (tab: Page) => Promise<unknown>): Promise<string[]> {
    const fresh = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const tab = await fresh.newPage();
      const cdp = await fresh.newCDPSession(tab);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 400, downloadThroughput: -1, uploadThroughput: -1 });
      const events: string[] = [];
      const where = (url: string) => {
        const u = new URL(url);
        return `${u.pathname.replace(/^\//, "")}${u.search}`;
      };
      tab.on("request", (r) => events.push(`start ${where(r.url())}`));
      tab.on("requestfinished", (r) => events.push(`end ${where(r.url())}`));
      tab.on("requestfailed", (r) => events.push(`failed ${where(r.url())}`));
      await prepare?.(tab);
      await tab.goto(`${base}/${hash}`);
      await tab.waitForSelector(selector);
      await tab.waitForLoadState("networkidle");
      return events;
    } finally {
      await fresh.close();
    }
  }

  it("a vote's page: the vote and its ballots are asked for before the page's code has arrived", async function () {
    const vote = stack.votes.find((v) => v.open) ?? stack.votes[0]!;
    const events = await visit(`#/votes/${vote.id}`, "[data-testid=vote-title]");
    const chunkArrived = events.indexOf(`end ${pageFile("vote")}`);
    expect(chunkArrived, "the vote page's chunk loaded").to.be.greaterThan(-1);
    for (const data of [`api/votes/${vote.id}`, `api/votes/${vote.id}/ballots?limit=500`]) {
      const started = events.indexOf(`start ${data}`);
      expect(started, `${data} requested`).to.be.greaterThan(-1);
      expect(started, `${data} requested before the page's code arrived`).to.be.lessThan(chunkArrived);
      expect(events.filter((e) => e === `start ${data}`), `${data} asked once`).to.have.length(1);
    }
  });

  it("the votes page: every vote from one list request, sent before its code arrived; no request per vote", async function () {
    const events = await visit("#/votes", "[data-testid=open-votes]");
    const list = events.indexOf("start api/votes?limit=500");
    expect(list, "the list requested").to.be.greaterThan(-1);
    expect(list, "before the page's code arrived").to.be.lessThan(events.indexOf(`end ${pageFile("votes")}`));
    // Each vote's threshold lines and countdown come with the list: no second round of one request per vote.
    expect(events.filter((e) => /^start api\/votes(\/\d+|\?)/.test(e))).to.deep.equal(["start api/votes?limit=500"]);
  });

  it("the fund page: every estate's ledger and every plan with its vote in two requests sent before its code arrived", async function () {
    const events = await visit("#/fund", "[data-testid=plans]");
    const code = events.indexOf(`end ${pageFile("fund")}`);
    for (const data of ["api/fund/estates?limit=500", "api/fund/plans?limit=500"]) {
      const started = events.indexOf(`start ${data}`);
      expect(started, `${data} requested`).to.be.greaterThan(-1);
      expect(started, `${data} before the page's code arrived`).to.be.lessThan(code);
    }
    expect(events.filter((e) => /^start api\/(votes|estates|fund\/estates\/)/.test(e)), "no request per estate or per plan's vote").to.deep.equal([]);
  });

  it("an early request that failed is asked again by the page, which shows its data, not the failure", async function () {
    let answered = 0;
    const events = await visit("#/votes", "[data-testid=open-votes]", (tab) =>
      tab.route(/\/api\/votes\?limit=500$/, async (route) => {
        // The boot script's request meets a server error; the page's own request goes through.
        if (answered++ === 0) await route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: { code: "unavailable", message: "busy" } }) });
        else await route.continue();
      }),
    );
    expect(events.filter((e) => e === "start api/votes?limit=500"), "asked twice: by the boot script, then by the page").to.have.length(2);
  });
});
