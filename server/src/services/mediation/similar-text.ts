// Chinese text to search terms for the similar-case search: words from Intl.Segmenter (ICU's dictionary
// segmenter, built into Node, nothing to install), without punctuation, numbers and function words.

const segmenter = new Intl.Segmenter("zh", { granularity: "word" });

/**
 * Function words and fillers that say nothing about a dispute's situation. Words common to every dispute
 * (双方, 协商, 调解) are not listed: the search's inverse document frequency already weighs them down, and a
 * list of them would be tuned to one data set.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  "的", "了", "在", "是", "和", "与", "及", "并", "也", "就", "都", "而", "对", "把", "被", "让", "给", "向", "从",
  "到", "于", "以", "为", "因", "因为", "所以", "但", "但是", "而且", "并且", "或", "或者", "如果", "虽然", "还",
  "又", "再", "才", "已", "已经", "曾", "将", "会", "能", "可", "可以", "要", "需", "需要", "应", "应当", "得",
  "地", "着", "过", "之", "其", "此", "这", "那", "这个", "那个", "这些", "那些", "该", "各", "每", "某", "一",
  "一个", "一些", "有", "没", "没有", "不", "无", "很", "非常", "较", "比较", "更", "最", "等", "等等", "个", "次",
  "我", "你", "他", "她", "它", "我们", "你们", "他们", "她们", "自己", "其中", "之后", "以后", "之前", "以前",
  "时", "时候", "后", "前", "中", "内", "上", "下", "里", "方", "称", "表示", "认为", "提出", "经", "由", "至",
  "后来", "随后", "同时", "另", "另外", "此外", "即", "则", "且", "若", "便", "却", "仍", "仍然", "均", "共",
  "约", "多", "少", "来", "去", "做", "进行", "情况", "问题", "事情", "一直", "之间", "对方",
]);

/** Latin letters are compared in lower case; digits alone (dates, amounts, room numbers) are not terms. */
const NUMERIC = /^[\d.,:：%％]+$/u;

/** The search terms of a text, in order, repeats kept (the query side counts them). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text.normalize("NFKC"))) {
    if (!s.isWordLike) continue;
    const word = s.segment.toLowerCase();
    if (NUMERIC.test(word) || STOP_WORDS.has(word)) continue;
    out.push(word);
  }
  return out;
}
