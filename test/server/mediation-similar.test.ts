// The similar-case search's contract (add, replace, remove, exclude, category boost, k) on a few hand-written
// cases; its quality on the labelled set of 200+ cases is mediation-similar-quality.test.ts.
import { expect } from "chai";
import { CATEGORY_BOOST, createSimilarIndex, type ClosedCaseSummary } from "../../server/src/services/mediation/similar.js";
import { terms } from "../../server/src/services/mediation/similar-text.js";
import { concepts } from "../../server/src/services/mediation/similar-thesaurus.js";

const T = 1_780_000_000;
const kase = (id: string, category: string, summary: string, agreed = "双方达成和解。"): ClosedCaseSummary => ({
  id,
  category,
  level: "building",
  outcome: "resolved",
  summary,
  terms: agreed,
  closedAt: T,
});

const cases: ClosedCaseSummary[] = [
  kase("c1", "noise", "楼上住户的孩子每天晚上在客厅跑跳，楼下老人无法入睡。", "楼上铺设地垫，晚上九点后孩子不在客厅跑跳。"),
  kase("c2", "pets", "邻居家的狗白天独自在家时长时间吠叫，影响隔壁上夜班的住户休息。", "狗主人白天将狗送到宠物托管，并训练止吠。"),
  kase("c3", "noise", "隔壁住户养的狗每天清晨吠叫，吵醒邻居。", "狗主人清晨带狗外出，并使用止吠训练。"),
  kase("c4", "parking", "有业主长期把车停在消防通道上，物业多次劝离无效。", "车主承诺不再占用消防通道，物业加装提示牌。"),
  kase("c5", "leakBetweenFloors", "楼上卫生间防水层老化，楼下天花板渗水发霉。", "楼上重做防水，赔偿楼下天花板修复费用。"),
  kase("c6", "renovation", "装修工人中午和周末施工，电钻噪音扰民。", "施工时间限于工作日上午八点至十二点、下午两点至六点。"),
];

describe("mediation: similar-case search (contract)", function () {
  it("makes words with Intl.Segmenter, without punctuation, numbers or function words", function () {
    const words = terms("楼上的邻居在晚上10点后跳绳，噪音很大！");
    expect(words).to.include.members(["楼上", "邻居", "晚上", "噪音"]);
    for (const dropped of ["的", "在", "10", "，", "！", "后"]) expect(words).to.not.include(dropped);
    expect(terms("KTV 音响")).to.deep.equal(["ktv", "音响"]);
  });

  it("adds a thesaurus concept per phrase found in the text, however the segmenter cuts it", function () {
    expect(concepts("孩子在家跳绳，还拖动桌椅")).to.deep.equal(["#impact", "#impact", "#impact"]); // 跳绳, 拖动, 桌椅
    expect(concepts("空调外机嗡嗡响")).to.deep.equal(["#machinery", "#machinery"]); // 空调外机 once, not 外机 again
    expect(concepts("今天天气很好")).to.deep.equal([]);
    expect(createSimilarIndex([kase("k", "noise", "楼上孩子跳绳。")]).search({ text: "楼上拖动桌椅" })[0]!.id).to.equal("k");
  });

  it("finds the case of the same situation first, and none for a text with no word in any case", function () {
    const index = createSimilarIndex(cases);
    expect(index.size()).to.equal(6);
    const hits = index.search({ text: "楼上卫生间漏水，我家天花板渗水发霉了" });
    expect(hits[0]!.id).to.equal("c5");
    expect(hits[0]).to.deep.include(cases[4]!);
    expect(hits[0]!.score).to.be.greaterThan(0);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).to.be.at.least(hits[i]!.score);
    expect(index.search({ text: "，。的了在！" })).to.deep.equal([]);
    expect(index.search({ text: "量子计算机" })).to.deep.equal([]);
    expect(createSimilarIndex().search({ text: "楼上漏水" })).to.deep.equal([]);
  });

  it("ranks a case of the query's category higher, without leaving out the others", function () {
    // The same situation filed under two categories: the query's own category comes first, the other follows.
    const text = "邻居家的狗每天清晨吠叫，吵醒全楼";
    const others = cases.filter((c) => c.id !== "c2" && c.id !== "c3");
    const index = createSimilarIndex([...others, kase("d1", "pets", "隔壁的狗每天清晨吠叫，吵醒邻居。"), kase("d2", "noise", "隔壁的狗每天清晨吠叫，吵醒邻居。")]);
    const asPets = index.search({ text, category: "pets" });
    const asNoise = index.search({ text, category: "noise" });
    expect(asPets.slice(0, 2).map((h) => h.id)).to.deep.equal(["d1", "d2"]);
    expect(asNoise.slice(0, 2).map((h) => h.id)).to.deep.equal(["d2", "d1"]);
    expect(asPets[0]!.score).to.be.closeTo(asPets[1]!.score * CATEGORY_BOOST, 1e-9);
    const plain = index.search({ text }).slice(0, 2);
    expect(plain[0]!.score).to.be.closeTo(plain[1]!.score, 1e-9);
  });

  it("leaves out the excluded case and returns at most k hits (5 by default)", function () {
    const many = Array.from({ length: 12 }, (_, i) => kase(`n${i}`, "noise", `楼上第${i}户晚上噪音扰民，楼下投诉。`));
    const index = createSimilarIndex(many);
    expect(index.search({ text: "楼上晚上噪音" })).to.have.length(5);
    expect(index.search({ text: "楼上晚上噪音" }, 3)).to.have.length(3);
    expect(index.search({ text: "楼上晚上噪音" }, 50)).to.have.length(12);
    const hits = index.search({ text: "楼上晚上噪音", excludeId: "n3" }, 50);
    expect(hits.map((h) => h.id)).to.not.include("n3");
    expect(hits).to.have.length(11);
    expect(() => index.search({ text: "噪音" }, 0)).to.throw(RangeError, /at least 1/);
    expect(() => index.search({ text: "噪音" }, 1.5)).to.throw(RangeError);
  });

  it("replaces a case added again under the same id, and forgets a removed one", function () {
    const index = createSimilarIndex(cases);
    index.add({ ...cases[3]!, summary: "业主在楼道里堆放杂物，堵塞通道。", terms: "三日内清理杂物。" });
    expect(index.size()).to.equal(6);
    expect(index.search({ text: "消防 停车 提示牌" }).map((h) => h.id)).to.not.include("c4");
    expect(index.search({ text: "楼道堆放杂物" })[0]).to.deep.include({ id: "c4", terms: "三日内清理杂物。" });
    index.remove("c4");
    index.remove("no-such-case");
    expect(index.size()).to.equal(5);
    expect(index.search({ text: "楼道堆放杂物" })).to.deep.equal([]);
    index.add(cases[3]!);
    expect(index.search({ text: "消防 停车 提示牌" })[0]!.id).to.equal("c4");
  });

  it("keeps its own copy: changing a case after adding it changes nothing found", function () {
    const c = kase("x", "pets", "猫在楼道里随地大小便。");
    const index = createSimilarIndex([c]);
    c.summary = "别的";
    expect(index.search({ text: "猫 楼道 大小便" })[0]!.summary).to.equal("猫在楼道里随地大小便。");
  });
});
