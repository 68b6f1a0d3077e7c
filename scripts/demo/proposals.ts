// The texts of the demo's votes and plans, as proposal documents (server/src/services/documents/proposal.ts):
// Chinese, as an estate writes them, with English titles. Their keccak256 is what the demo records on chain (a
// vote's contentHash, a plan's planHash, an emergency's reason), and the demo stores each one, with its
// attachments, in the server's document store, so the web client shows the text and checks it against the chain.
import { keccak256, type Hex } from "viem";
import { proposalBytes, type ProposalInput } from "../../server/src/services/documents/proposal.js";

/** A proposal document as the demo stores it: its input, bytes and hash. */
export type DemoProposal = { input: ProposalInput; bytes: Uint8Array; hash: Hex };

export function demoProposal(input: ProposalInput): DemoProposal {
  const bytes = proposalBytes(input);
  return { input, bytes, hash: keccak256(bytes) };
}

type Attached = { hash: Hex; name: string };

export const liftProposal = () =>
  demoProposal({
    kind: "vote",
    matter: "Rebuild",
    title: { zh: "3号楼加装电梯", en: "Install a lift in Building 3" },
    text: [
      "一、背景",
      "3号楼建于1998年，共6层，没有电梯。楼内60岁以上的居民有40多位，不少老人腿脚不便，上下楼十分困难，多户业主多次提出加装电梯的要求。",
      "",
      "二、方案",
      "在楼栋北侧每个单元入口外加装一部载重800公斤的电梯，平层入户。施工约4个月，期间保留原楼梯通行。设计方案经规划部门审核后在楼下公示栏张贴30天。",
      "",
      "三、费用",
      "工程总价约每部72万元。申请政府加装电梯补贴后，其余费用由本楼业主按楼层和面积分摊：一层、二层业主不承担费用；楼层越高，分摊比例越高。具体分摊表见楼下公示栏。",
      "",
      "四、表决规则",
      "本事项属于改建、重建建筑物及其附属设施，须经本楼专有部分面积四分之三以上且人数四分之三以上的参与表决业主同意（《民法典》第二百七十八条）。",
    ].join("\n"),
    attachments: [],
  });

export const raiseProposal = () =>
  demoProposal({
    kind: "vote",
    matter: "RaiseFund",
    title: { zh: "续筹住宅专项维修资金（每平方米30元）", en: "Replenish the maintenance fund (CNY 30 per m²)" },
    text: [
      "全小区住宅专项维修资金余额已低于首期交存额的30%。按照《住宅专项维修资金管理办法》，业主应当及时续交。",
      "",
      "本次续筹标准为每平方米建筑面积30元，按各户房屋面积计算，交存到各户的分户账。交存期限为表决通过后三个月内，可到社区办公室或通过托管银行办理。",
      "",
      "本事项属于筹集建筑物及其附属设施的维修资金，须经专有部分面积四分之三以上且人数四分之三以上的参与表决业主同意。",
    ].join("\n"),
    attachments: [],
  });

export const roofProposal = (quote: Attached) =>
  demoProposal({
    kind: "vote",
    matter: "UseFund",
    title: { zh: "1号楼屋面防水维修（预算186,500元）", en: "Building 1 roof waterproofing repair (budget CNY 186,500)" },
    text: [
      "一、维修原因",
      "今年雨季以来，1号楼顶层有7户反映屋顶渗水，墙面发霉、吊顶脱落。经物业和第三方检测，原防水层已老化开裂，局部保温层进水。",
      "",
      "二、维修内容",
      "铲除原防水层，修补找平层，铺设两道SBS改性沥青防水卷材，更换屋面排水口和雨水管，修复顶层受损的吊顶。质保期5年。",
      "",
      "三、预算与分摊",
      "预算186,500元，从1号楼的住宅专项维修资金中支出，按各户专有部分面积分摊。付款分三期：签约付30%，验收合格付60%，其余10%作为质保金。",
      "",
      "四、表决规则",
      "本事项属于使用建筑物及其附属设施的维修资金，须经参与表决的专有部分面积过半数且人数过半数的业主同意。",
    ].join("\n"),
    attachments: [quote],
  });

export const roofPlanDocument = (plan: Attached) =>
  demoProposal({
    kind: "plan",
    title: { zh: "1号楼屋面防水维修实施方案", en: "Building 1 roof waterproofing: works plan" },
    text: [
      "依据业主表决通过的“1号楼屋面防水维修”事项，制定本实施方案。",
      "",
      "施工单位：经三家比价选定的防水工程公司。工期：开工后25天。",
      "资金：预算186,500元，由托管银行按合同分期支付；验收由业主委员会、物业和两名业主代表共同进行，验收报告公示7天。",
      "施工期间：屋面封闭，顶层住户如遇施工噪音、漏水等问题，请联系物业服务中心。",
    ].join("\n"),
    attachments: [plan],
  });

export const pumpProposal = (quote: Attached) =>
  demoProposal({
    kind: "vote",
    matter: "UseFund",
    title: { zh: "更换二次供水水泵（预算68,000元）", en: "Replace the secondary water-supply pumps (budget CNY 68,000)" },
    text: [
      "一、原因",
      "小区二次供水泵房的两台水泵已运行14年，近半年多次故障，高峰时段高层住户水压不足，夜间噪音大。",
      "",
      "二、内容",
      "更换两台变频供水水泵及控制柜，同时清洗消毒水箱。施工安排在白天分段进行，每次停水不超过4小时，提前3天张贴通知。",
      "",
      "三、预算",
      "预算68,000元，从全小区住宅专项维修资金中支出，按各户专有部分面积分摊。",
    ].join("\n"),
    attachments: [quote],
  });

export const electionProposal = () =>
  demoProposal({
    kind: "vote",
    matter: "ElectCommittee",
    title: { zh: "增补一名业主委员会委员", en: "Elect an additional owners' committee member" },
    text: [
      "原业主委员会委员一人因搬离本小区辞去职务，现增补一名委员，任期至本届业主委员会届满。",
      "",
      "候选人由业主自荐或十名以上业主联名推荐产生，候选人名单已在各楼栋公示栏公示。请在同意的候选人中选择一人；得票最多且符合表决规则者当选。",
    ].join("\n"),
    attachments: [],
    candidates: [{ displayName: "2号楼 陈阿姨" }, { displayName: "1号楼 刘先生" }, { displayName: "3号楼 赵女士" }],
  });

export const liftEmergencyReport = () =>
  demoProposal({
    kind: "plan",
    title: { zh: "1号楼2号电梯曳引机故障紧急维修", en: "Emergency repair: Building 1 lift 2 traction machine" },
    text: "1号楼2号电梯曳引机故障停运，有住户被困，经电梯维保单位检查须立即更换曳引机轴承。按紧急维修程序，由两名业主委员会委员批准、托管银行确认后先行维修，费用12,500元。",
    attachments: [],
  });

export const pipeEmergencyReport = () =>
  demoProposal({
    kind: "plan",
    title: { zh: "2号楼地下室给水主管爆裂紧急维修", en: "Emergency repair: Building 2 basement water main burst" },
    text: "2号楼地下室给水主管爆裂，地下室进水，全楼停水。按紧急维修程序先行抢修，报告后30分钟内修复，费用23,800元，按面积由2号楼各户分摊，并向全体业主公示。",
    attachments: [],
  });

/** The committee's election: its candidates, as they chose to be shown on public pages. */
export const COMMITTEE_CANDIDATES = [
  { displayName: "1号楼 王阿姨", en: "Mrs Wang, Building 1" },
  { displayName: "2号楼 孙先生", en: "Mr Sun, Building 2" },
  { displayName: "3号楼 周老师", en: "Teacher Zhou, Building 3" },
] as const;

/**
 * The ballot paper of the committee's election: one document listing every candidate (kind election). Each
 * candidate is then its own vote on chain (同意/反对/弃权), whose proposal names this paper by hash.
 */
export const committeeElection = () =>
  demoProposal({
    kind: "election",
    matter: "ElectCommittee",
    title: { zh: "第二届业主委员会选举", en: "Election of the second owners' committee" },
    text: [
      "第一届业主委员会任期届满，现选举第二届业主委员会委员。",
      "",
      "候选人由业主自荐或十名以上业主联名推荐产生，名单已在各楼栋公示栏公示。每位候选人单独表决：请对每一位候选人分别选择同意、反对或弃权。",
      "",
      "每位候选人须经参与表决的专有部分面积过半数且人数过半数的业主同意方可当选（《民法典》第二百七十八条）。",
    ].join("\n"),
    attachments: [],
    candidates: COMMITTEE_CANDIDATES.map((c) => ({ displayName: c.displayName })),
  });

/** One candidate's vote in the committee's election: names the election's paper and this one candidate. */
export const candidateProposal = (election: DemoProposal, index: number) => {
  const c = COMMITTEE_CANDIDATES[index]!;
  return demoProposal({
    kind: "vote",
    matter: "ElectCommittee",
    title: { zh: `${election.input.title.zh}：${c.displayName}`, en: `${election.input.title.en}: ${c.en}` },
    text: [`对候选人“${c.displayName}”当选第二届业主委员会委员，请选择同意、反对或弃权。`, "", `本表决是“${election.input.title.zh}”选票上的一项，选举说明见选票全文。`].join("\n"),
    attachments: [],
    candidates: [{ displayName: c.displayName }],
    election: election.hash,
  });
};
