// The talent pool's (能人库) normalised skills and languages: what a skilled resident can offer, as codes the
// pool, mediation's matching and the pages share. A code never changes meaning; a retired one stays listed.

export const SKILLS = [
  "law",
  "judiciary",
  "mediation",
  "psychology",
  "teaching",
  "medicine",
  "nursing",
  "accounting",
  "construction",
  "plumbing",
  "electrical",
  "property",
  "animals",
  "it",
  "elderlyCare",
  "childcare",
  "translation",
] as const;
export type Skill = (typeof SKILLS)[number];

export const SKILL_NAMES: Record<Skill, { "zh-CN": string; en: string }> = {
  law: { "zh-CN": "法律（律师）", en: "Law (lawyer)" },
  judiciary: { "zh-CN": "司法（退休法官）", en: "Judiciary (retired judge)" },
  mediation: { "zh-CN": "人民调解", en: "People's mediation" },
  psychology: { "zh-CN": "心理咨询", en: "Counselling" },
  teaching: { "zh-CN": "教育（教师）", en: "Teaching" },
  medicine: { "zh-CN": "医疗（医生）", en: "Medicine (doctor)" },
  nursing: { "zh-CN": "护理", en: "Nursing" },
  accounting: { "zh-CN": "财会", en: "Accounting" },
  construction: { "zh-CN": "建筑工程", en: "Building works" },
  plumbing: { "zh-CN": "水暖", en: "Plumbing" },
  electrical: { "zh-CN": "电工", en: "Electrical" },
  property: { "zh-CN": "物业管理", en: "Property management" },
  animals: { "zh-CN": "宠物与兽医", en: "Animals and vets" },
  it: { "zh-CN": "电脑与手机", en: "Computers and phones" },
  elderlyCare: { "zh-CN": "养老照护", en: "Elderly care" },
  childcare: { "zh-CN": "儿童看护", en: "Childcare" },
  translation: { "zh-CN": "翻译", en: "Translation" },
};

/** Languages and dialects a mediator or volunteer speaks (ISO 639-3 where one exists). */
export const LANGUAGES = ["cmn", "wuu", "yue", "nan", "hak", "cjy", "sichuan", "dongbei", "eng"] as const;
export type Language = (typeof LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<Language, { "zh-CN": string; en: string }> = {
  cmn: { "zh-CN": "普通话", en: "Mandarin" },
  wuu: { "zh-CN": "吴语（上海话）", en: "Wu (Shanghainese)" },
  yue: { "zh-CN": "粤语", en: "Cantonese" },
  nan: { "zh-CN": "闽南语", en: "Southern Min" },
  hak: { "zh-CN": "客家话", en: "Hakka" },
  cjy: { "zh-CN": "晋语", en: "Jin" },
  sichuan: { "zh-CN": "四川话", en: "Sichuanese" },
  dongbei: { "zh-CN": "东北话", en: "Northeastern Mandarin" },
  eng: { "zh-CN": "英语", en: "English" },
};
