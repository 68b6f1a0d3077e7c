// Closed dispute cases for the similar-case bench, generated: for each category a few kinds of dispute, each
// told by a random choice of who, what, when, what it did and what was tried, with its terms agreed, so that
// 100,000 cases have the vocabulary, repetition and lengths (60-160 characters of summary) of real summaries.
// Seeded: the same cases every run.
import type { ClosedCaseSummary } from "../../server/src/services/mediation/similar.js";

type Kind = { category: string; what: string[]; impact: string[]; terms: string[] };

const WHO = ["楼上住户", "楼下住户", "隔壁邻居", "对门住户", "一楼业主", "顶楼业主", "同单元租户", "新搬来的住户", "独居老人", "年轻夫妇", "房东", "底商店主", "物业公司", "业委会"];
const COMPLAINANT = ["申请人反映", "业主投诉", "住户称", "居民来电反映", "楼长报告", "多户居民联名反映", "网格员发现", "申请人多次向物业反映"];
const WHEN = ["每天晚上", "深夜", "凌晨", "周末", "中午午休时", "清晨五六点", "近三个月来", "长期以来", "每逢下雨", "装修期间", "节假日", "最近半年"];
const TRIED = ["多次沟通无果", "物业劝阻无效", "双方发生口角", "曾报警处理", "在业主群里争吵", "楼长上门协调未成", "对方不予理睬", "矛盾逐步升级"];
const LEVELS = ["building", "community", "street", "court"];
const OUTCOMES = ["resolved", "resolved", "resolved", "partlyResolved", "failed", "withdrawn", "escalated"];

const KINDS: Kind[] = [
  { category: "noise", what: ["孩子在客厅跑跳", "拖动桌椅", "穿硬底鞋走动", "拍球跳绳", "深夜唱歌", "打麻将", "音响开得很大", "练习乐器", "看球赛大声喧哗"], impact: ["楼下老人失眠", "孩子无法入睡", "影响上夜班的住户休息", "楼板震动明显", "考生无法复习"], terms: ["铺设地垫", "晚上十点后保持安静", "使用耳机", "桌椅加装静音垫", "聚会提前告知邻居", "音量调低", "楼长负责提醒"] },
  { category: "noise", what: ["广场舞音箱音量很大", "空调外机嗡嗡作响", "水泵半夜启动", "烧烤店营业到凌晨", "棋牌室人员喧哗", "超市清晨卸货", "排风扇噪音"], impact: ["临近楼栋无法休息", "卧室墙体共振", "窗户无法打开", "居民集体投诉"], terms: ["调整活动时间", "音箱限音", "设备加装减震垫", "移机并加装隔音罩", "营业至晚上十一点", "卸货改在七点以后"] },
  { category: "parking", what: ["车辆长期停在消防通道", "私家车位被外来车辆占用", "车辆堵住车库门口", "僵尸车长期占用公共车位", "车辆压线停放", "在车位上放置地锁"], impact: ["救护车无法靠近", "下班回家无处停车", "早上无法出车", "老人轮椅推不过去"], terms: ["不再占用消防通道", "划设禁停线", "加装地锁", "限期挪车", "留挪车电话", "物业每日巡查", "联系交警拖移"] },
  { category: "parking", what: ["电动车在楼道充电", "从窗户拉电线给电动车充电", "电瓶车推进电梯", "电池拿回家充电"], impact: ["存在火灾隐患", "堵住安全通道", "邻居担心触电"], terms: ["拆除飞线", "使用集中充电桩", "电动车不进楼道", "增设充电插座", "电梯加装阻车系统"] },
  { category: "leakBetweenFloors", what: ["卫生间防水层老化", "水管爆裂", "洗衣机进水管脱落", "热水器接口漏水", "外墙裂缝渗水", "楼顶防水破损", "排水立管堵塞返水", "空调冷凝水流到楼下"], impact: ["天花板渗水发霉", "木地板被泡坏", "吊顶塌落", "墙皮起泡脱落", "家具损坏", "污水漫进卫生间"], terms: ["重做防水并做闭水试验", "赔偿修复费用", "分期支付赔偿款", "第三方检测", "动用维修资金", "疏通排水管", "加装止回阀"] },
  { category: "liftCostSharing", what: ["老楼加装电梯", "电梯主板损坏需要更换", "电梯运行电费分摊", "电梯维保合同续签", "电梯大修费用"], impact: ["低层住户反对", "一楼拒绝分摊", "费用比例争执不下", "个别住户拖欠", "电梯差点停运"], terms: ["按楼层梯度分摊", "一楼不出资", "维修基金先行支付", "按出资比例分摊运行费", "每季度公示账目", "调整电梯井位置"] },
  { category: "propertyFees", what: ["拒交物业费", "物业费上涨", "公共收益不公开", "公摊水电费过高", "停车管理费上调"], impact: ["物业收缴率下降", "业主质疑账目", "物业停办门禁卡", "业委会与物业对立"], terms: ["物业整改后补缴欠费", "减免滞纳金", "公布成本测算", "由业主大会表决", "第三方审计", "公共收益存入业主共有账户"] },
  { category: "pets", what: ["狗长时间吠叫", "遛狗不牵绳", "狗咬伤孩子", "宠物在楼道大小便", "投喂流浪猫", "楼顶养鸽子", "阳台养鸡"], impact: ["邻居无法休息", "孩子受到惊吓", "楼道气味难闻", "鸽粪落在晾晒衣物上", "流浪猫越来越多"], terms: ["遛狗牵绳", "止吠训练", "赔偿疫苗和医药费", "及时清理粪便", "指定地点投喂", "为流浪猫绝育", "拆除鸽棚"] },
  { category: "renovation", what: ["装修中午和周末施工", "拆除承重墙", "装修打孔钻穿墙体", "装修垃圾堆在楼道", "剪力墙上开洞", "切割时打断电线"], impact: ["婴儿无法午睡", "天花板出现裂缝", "水管被打坏", "安全通道被堵", "担心房屋安全"], terms: ["按规定时间施工", "恢复承重结构", "出具加固方案", "赔偿修复费用", "三日内清运垃圾", "物业每天巡查"] },
  { category: "neighbourConduct", what: ["楼道里堆放杂物", "高空抛物", "在阳台抽烟", "油烟排进楼道", "摄像头对着邻居家门", "圈占公共绿地种菜", "晾衣滴水"], impact: ["通道只剩半米宽", "砸坏车辆", "烟味飘进卧室", "邻居认为侵犯隐私", "其他住户无法使用绿地", "楼下衣物被弄湿"], terms: ["一周内清理杂物", "赔礼道歉并赔偿", "不在窗边吸烟", "调整摄像头角度", "拆除栅栏恢复绿地", "衣物脱水后晾晒"] },
  { category: "other", what: ["大树遮挡采光", "竹子根系越界", "车棚挡住窗户", "共用水表分摊水费", "邻里借款纠纷"], impact: ["屋里阴暗潮湿", "邻居关系紧张", "多次争吵"], terms: ["适度修剪", "加装隔根板", "车棚移位", "加装分户水表", "分期还款"] },
];

/** A small fast PRNG (mulberry32): the same sequence for the same seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const some = <T>(r: () => number, xs: readonly T[], n: number): T[] => {
  const out = new Set<T>();
  while (out.size < Math.min(n, xs.length)) out.add(pick(r, xs));
  return [...out];
};

/** One case's text: a complainant, who did what and when, what it did, what was tried; and the terms. */
export function generatedText(r: () => number): { category: string; summary: string; terms: string } {
  const kind = pick(r, KINDS);
  const whats = some(r, kind.what, 1 + Math.floor(r() * 2));
  const impacts = some(r, kind.impact, 1 + Math.floor(r() * 2));
  const summary = `${pick(r, COMPLAINANT)}${pick(r, WHO)}${pick(r, WHEN)}${whats.join("，还")}，${impacts.join("，")}，${pick(r, TRIED)}。${r() < 0.5 ? `对方称${pick(r, ["已经尽量注意", "并非故意", "是正常生活需要", "不清楚具体情况"])}，${pick(r, ["申请人要求赔偿", "双方各执一词", "希望社区出面协调", "要求限期整改"])}。` : ""}`;
  const terms = `${some(r, kind.terms, 2 + Math.floor(r() * 2)).join("；")}。`;
  return { category: kind.category, summary, terms };
}

export function generatedCases(n: number, seed = 15): ClosedCaseSummary[] {
  const r = random(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `g${i}`,
    level: pick(r, LEVELS),
    outcome: pick(r, OUTCOMES),
    closedAt: 1_700_000_000 + Math.floor(r() * 60_000_000),
    ...generatedText(r),
  }));
}
