// The production bundle's shape where it decides how many round trips a phone waits before a page shows.
import { expect } from "chai";
import type { Rollup } from "vite";
import { buildClient, filesWith, SIGNING_MODULES } from "./browser.js";

describe("client bundle (vite build)", function () {
  this.timeout(300_000);
  let chunks: Rollup.OutputChunk[];

  before(async function () {
    chunks = await buildClient();
  });

  it("the entry script is one file: it imports no other chunk statically (one request, not three, before it runs)", function () {
    const entry = chunks.find((c) => c.isEntry)!;
    // On HTTP/1.1 a browser opens six connections per host: with the texts, the page's code and its early data
    // requests, every extra startup file pushes one request into a second 150 ms round trip on a slow phone.
    expect(entry.imports, `chunks the entry imports statically: ${entry.imports.join(", ")}`).to.deep.equal([]);
    expect(entry.moduleIds.some((id) => /client[\\/]src[\\/]lib[\\/]dom\.ts$/.test(id)), "dom.ts is in the entry").to.equal(true);
    expect([...filesWith([entry], SIGNING_MODULES).values()].flat()).to.deep.equal([]);
  });
});
