// The vote's one verdict line agrees with its quorum and approval (never "approval reached" alone while too few
// took part), the countdown counts on the chain's clock, and a flat is found by what a resident types.
import { expect } from "chai";
import { matchesFlat } from "../../client/src/lib/flat-search.js";
import { secondsLeft, spanParts, verdictOf } from "../../client/src/lib/verdict.js";
import { en } from "../../client/src/i18n/en.js";
import { zhCN } from "../../client/src/i18n/zh-CN.js";

describe("votes: verdict line, countdown, flat search (pure)", function () {
  const open = { status: "open", outcome: "Pending" as const };

  it("an open vote with approval reached but too few owners says no decision unless more take part", function () {
    const v = verdictOf(open, { quorumMet: false, approvalMet: true });
    expect(v.key).to.equal("verdict.open.approvalButQuorum");
    expect(zhCN[v.key]).to.equal("目前赞成已过线，但参与的业主还不够，若到截止时仍不足则不形成决定。");
    expect(v.tone, "not the green of a vote that passes").to.not.equal("ok");
  });

  it("says one thing for each combination, by state", function () {
    const cases: [Parameters<typeof verdictOf>[0], boolean, boolean, string][] = [
      [open, true, true, "verdict.open.passing"],
      [open, true, false, "verdict.open.rejecting"],
      [open, false, false, "verdict.open.neither"],
      [{ status: "upcoming", outcome: "Pending" }, false, false, "verdict.upcoming"],
      [{ status: "closed", outcome: "Pending" }, false, true, "verdict.closed.QuorumNotMet"],
      [{ status: "closed", outcome: "Pending" }, true, true, "verdict.closed.Passed"],
      [{ status: "closed", outcome: "Pending" }, true, false, "verdict.closed.Rejected"],
      // Finalized: the chain's outcome wins over any progress figure.
      [{ status: "finalized", outcome: "QuorumNotMet" }, true, true, "verdict.final.QuorumNotMet"],
      [{ status: "finalized", outcome: "Passed" }, false, false, "verdict.final.Passed"],
      [{ status: "finalized", outcome: "Rejected" }, true, true, "verdict.final.Rejected"],
    ];
    for (const [state, quorumMet, approvalMet, key] of cases) {
      const v = verdictOf(state, { quorumMet, approvalMet });
      expect(v.key, JSON.stringify([state, quorumMet, approvalMet])).to.equal(key);
      expect(zhCN[v.key] && en[v.key], `${key} has both texts`).to.be.a("string");
    }
  });

  it("counts down from the chain's time, moving on with this machine's clock", function () {
    // The chain is 30 days ahead of the device: 7 days left by the chain, not 37.
    const chainTime = 2_000_000_000;
    const end = chainTime + 7 * 86400;
    const reportedAt = (chainTime - 30 * 86400) * 1000;
    expect(secondsLeft(end, chainTime, reportedAt, reportedAt)).to.equal(7 * 86400);
    expect(secondsLeft(end, chainTime, reportedAt, reportedAt + 3600_000)).to.equal(7 * 86400 - 3600);
    expect(secondsLeft(end, chainTime, reportedAt, reportedAt + 8 * 86400_000)).to.equal(0);
    expect(spanParts(6 * 86400 + 23 * 3600 + 59 * 60)).to.deep.equal({ days: 6, hours: 23, minutes: 0 });
    expect(spanParts(3 * 3600 + 61)).to.deep.equal({ days: 0, hours: 3, minutes: 2 });
    expect(spanParts(20)).to.deep.equal({ days: 0, hours: 0, minutes: 1 });
  });

  it("finds a flat by building and room, with or without spaces, in either language", function () {
    const flat = ["1号楼 1单元 101", "Bldg 1, Entrance 1, Room 101"];
    expect(matchesFlat(flat, undefined, "1号楼 101")).to.equal(true);
    expect(matchesFlat(flat, undefined, "1号楼1单元101")).to.equal(true);
    expect(matchesFlat(flat, undefined, "Bldg 1 101")).to.equal(true);
    expect(matchesFlat(flat, undefined, "")).to.equal(true);
    expect(matchesFlat(["1号楼 1单元 1101"], undefined, "1号楼 101"), "room 101 is not room 1101").to.equal(false);
    expect(matchesFlat(["2号楼 1单元 101"], undefined, "1号楼 101")).to.equal(false);
    expect(matchesFlat(["3号楼 2单元 502"], "王阿姨", "王阿姨")).to.equal(true);
  });
});
