// The similar-case search's quality on the labelled set (test/fixtures/mediation-similar-cases.ts): precision at
// 5, each case's summary and category as the query against the 221 others (goal, issue 15: at least 0.6), and
// on a held-out set written after the search's thesaurus and weights were chosen.
import { expect } from "chai";
import { LABELLED_CASES } from "../fixtures/mediation-similar-cases.js";
import { ALL_CASES, HELDOUT_CASES } from "../fixtures/mediation-similar-heldout.js";
import { createSimilarIndex } from "../../server/src/services/mediation/similar.js";
import { precisionAtK } from "./helpers/similar-precision.js";

const CATEGORIES = ["noise", "parking", "leakBetweenFloors", "liftCostSharing", "propertyFees", "pets", "renovation", "neighbourConduct", "other"];

describe("mediation: similar-case search (quality on the labelled set)", function () {
  // Under 1 s on a quiet machine; 10 s seen with the machine at load 10 on 2 CPUs.
  this.timeout(60_000);

  it("is a set of at least 200 cases, each labelled with the others of its situation, in the known categories", function () {
    expect(LABELLED_CASES.length).to.be.at.least(200);
    expect(new Set(LABELLED_CASES.map((c) => c.id)).size).to.equal(LABELLED_CASES.length);
    expect(new Set(LABELLED_CASES.map((c) => c.summary)).size).to.equal(LABELLED_CASES.length);
    for (const c of LABELLED_CASES) {
      expect(CATEGORIES, c.id).to.include(c.category);
      expect(c.similar.length, c.id).to.be.at.least(5);
      for (const s of c.similar) expect(LABELLED_CASES.find((o) => o.id === s)!.situation).to.equal(c.situation);
    }
    // Same category is not similarity: every category holds several situations.
    for (const cat of CATEGORIES.filter((c) => c !== "other")) {
      expect(new Set(LABELLED_CASES.filter((c) => c.category === cat).map((c) => c.situation)).size, cat).to.be.at.least(3);
    }
  });

  it("finds similar cases with precision at 5 of at least 0.6", function () {
    const { mean, perCase } = precisionAtK(LABELLED_CASES, 5);
    const worst = [...perCase].sort((a, b) => a.precision - b.precision).slice(0, 5);
    console.log(`      precision at 5 on ${LABELLED_CASES.length} labelled cases: ${mean.toFixed(3)} (worst: ${worst.map((w) => `${w.id} ${w.situation} ${w.precision}`).join("; ")})`);
    expect(mean).to.be.at.least(0.6);
  });

  it("on the held-out set, written after the thesaurus was frozen, stays above its regression floor (0.45; measured 0.49)", function () {
    // Not the goal: the honest figure on cases the search was not tuned on (docs/mediation-similar.md). The
    // floor only catches a change that makes it worse; the held-out cases are searched among all 267.
    const held = new Set(HELDOUT_CASES.map((h) => h.id));
    const queries = ALL_CASES.filter((c) => held.has(c.id));
    expect(queries).to.have.length(45);
    const { mean } = precisionAtK(ALL_CASES, 5, createSimilarIndex(ALL_CASES), queries);
    console.log(`      precision at 5 on the ${queries.length} held-out cases (among ${ALL_CASES.length}): ${mean.toFixed(3)}`);
    expect(mean).to.be.at.least(0.45);
  });
});
