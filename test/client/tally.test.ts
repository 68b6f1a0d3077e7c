// The tally bars' geometry (client/src/lib/tally.ts): segments and lines at the exact share of the scope's total
// (integer division first, so areas near uint64 are placed right), nothing drawn for an empty scope, and a line
// beyond the total kept at the bar's end instead of off the figure.
import { expect } from "chai";
import { barGeometry } from "../../client/src/lib/tally.js";

describe("client tally bars (lib/tally.ts)", function () {
  it("places segments and lines at their share of the total", function () {
    expect(barGeometry({ for: 30, against: 20, abstain: 10, total: 100, quorum: 50, approval: "40" })).to.deep.equal({
      for: 0.3,
      against: 0.2,
      abstain: 0.1,
      quorum: 0.5,
      approval: 0.4,
    });
    // Two thirds of the area is "for": the bar says 0.66666, never more than the ballots are.
    expect(barGeometry({ for: 2, against: 0, abstain: 1, total: 3, quorum: 2, approval: 2 }).for).to.equal(0.66666);
  });

  it("is exact for areas near the contracts' limits (integer division, not floating point)", function () {
    const total = 18_000_000_000_000_000_000n; // just under 2^64
    const g = barGeometry({ for: total / 3n, against: total / 4n, abstain: 0, total, quorum: total / 2n, approval: total });
    expect(g).to.deep.equal({ for: 0.33333, against: 0.25, abstain: 0, quorum: 0.5, approval: 1 });
    // One square centimetre short of everything is not everything (as floats, 1.8e19 - 1 and 1.8e19 are equal).
    expect(barGeometry({ for: total - 1n, against: 0, abstain: 0, total, quorum: 0, approval: 0 }).for).to.equal(0.99999);
  });

  it("draws nothing for an empty scope and keeps a line beyond the total at the bar's end", function () {
    expect(barGeometry({ for: 5, against: 5, abstain: 5, total: 0, quorum: 5, approval: 5 })).to.deep.equal({ for: 0, against: 0, abstain: 0, quorum: 0, approval: 0 });
    const g = barGeometry({ for: 0, against: 0, abstain: 0, total: 100, quorum: 150, approval: -5 });
    expect(g.quorum).to.equal(1);
    expect(g.approval).to.equal(0);
  });
});
