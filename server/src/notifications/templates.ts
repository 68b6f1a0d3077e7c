// The catalogue of notification messages in Chinese and English. A template declares the kind of each of its
// parameters, so a service can hand over ids, amounts, counts, times and short labels (a flat's "1号楼 2单元 406")
// but never a name or a phone number: the parameters are stored in the outbox and must stay free of personal data.
import { OutboxError, type Language, type ParamValue } from "./types.js";

/**
 *   id      a record or thing's id: letters, digits and - _ : . # (up to 80)
 *   amount  an amount in fen (an integer ≥ 0), shown in yuan
 *   count   an integer ≥ 0 (minutes, stages, ballots)
 *   time    ms since the epoch, shown in China Standard Time
 *   label   a short label of a place or thing (up to 40 characters, no run of 7 digits: not a phone or ID number)
 */
export type ParamKind = "id" | "amount" | "count" | "time" | "label";

export type Template = {
  params: Record<string, ParamKind>;
  text: Record<Language, string>;
};

/** Every message the server may send. `{name}` placeholders are the declared parameters. */
export const TEMPLATES = {
  "vote.opened": {
    params: { voteId: "id", scope: "label", closesAt: "time" },
    text: {
      "zh-CN": "【共治】{scope}业主投票（编号 {voteId}）已经开始，{closesAt}截止。请登录共治投票，或请工作人员帮您代办。",
      en: "[Gongzhi] Owners' vote {voteId} for {scope} has opened and closes {closesAt}. Sign in to Gongzhi to vote, or ask the staff to help.",
    },
  },
  "vote.closing": {
    params: { voteId: "id", scope: "label", closesAt: "time" },
    text: {
      "zh-CN": "【共治】提醒：{scope}业主投票（编号 {voteId}）将在{closesAt}截止，您还没有投票。",
      en: "[Gongzhi] Reminder: owners' vote {voteId} for {scope} closes {closesAt}, and you have not voted yet.",
    },
  },
  "ballot.counted": {
    params: { voteId: "id", unit: "label" },
    text: {
      "zh-CN": "【共治】{unit}的选票已计入投票（编号 {voteId}）。可在共治“核验”页面用回执自行核对。",
      en: "[Gongzhi] The ballot of {unit} was counted in vote {voteId}. You can check it yourself with its receipt on Gongzhi's Verify page.",
    },
  },
  "fund.disbursed": {
    params: { planId: "id", stage: "count", amount: "amount" },
    text: {
      "zh-CN": "【共治】维修资金使用计划（编号 {planId}）第 {stage} 期已支付 {amount}。明细可在共治查看。",
      en: "[Gongzhi] Stage {stage} of maintenance fund plan {planId} was paid: {amount}. The details are on Gongzhi.",
    },
  },
  "timebank.confirmationRequested": {
    params: { serviceId: "id", minutes: "count" },
    text: {
      "zh-CN": "【共治】志愿者为您提供了 {minutes} 分钟的服务（编号 {serviceId}），请确认，或请工作人员帮您确认。",
      en: "[Gongzhi] A volunteer gave you {minutes} minutes of service ({serviceId}). Please confirm it, or ask the staff to confirm it for you.",
    },
  },
  "workorder.dispatched": {
    params: { workOrderId: "id", unit: "label" },
    text: {
      "zh-CN": "【共治】您报修的事项（工单 {workOrderId}，{unit}）已派给维修人员，他们会尽快与您联系。",
      en: "[Gongzhi] Your repair request (work order {workOrderId}, {unit}) has been dispatched; the repair team will contact you soon.",
    },
  },
  // issue 14 (helper A): every reporter of an order is told of its progress
  "workorder.resolved": {
    params: { workOrderId: "id", unit: "label" },
    text: {
      "zh-CN": "【共治】您报修的事项（工单 {workOrderId}，{unit}）已经处理好了。请在共治上确认；如果没有修好，可以重新打开。",
      en: "[Gongzhi] Your repair request (work order {workOrderId}, {unit}) has been fixed. Please confirm it on Gongzhi, or reopen it if it is not fixed.",
    },
  },
  "workorder.closed": {
    params: { workOrderId: "id", unit: "label" },
    text: {
      "zh-CN": "【共治】您报修的事项（工单 {workOrderId}，{unit}）已经办结。欢迎在共治上评价；如果问题又出现了，可以重新打开。",
      en: "[Gongzhi] Your repair request (work order {workOrderId}, {unit}) is closed. You can rate the work on Gongzhi, or reopen it if the problem comes back.",
    },
  },
  "workorder.reopened": {
    params: { workOrderId: "id", unit: "label" },
    text: {
      "zh-CN": "【共治】您报修的事项（工单 {workOrderId}，{unit}）已经重新打开，交回维修单位再次处理。",
      en: "[Gongzhi] Your repair request (work order {workOrderId}, {unit}) was reopened and sent back to the repair team.",
    },
  },
  // issue 15: dispute mediation (services/mediation/notify.ts)
  "mediation.filed": {
    params: { caseId: "id", answerBy: "time" },
    text: {
      "zh-CN": "【共治】有居民向社区申请调解一起与您有关的纠纷（案件 {caseId}）。请在{answerBy}前登录共治答复是否同意调解，或请工作人员帮您答复。",
      en: "[Gongzhi] A neighbour asked the community to mediate a dispute with you (case {caseId}). Please answer on Gongzhi by {answerBy} whether you agree to mediation, or ask the staff to help.",
    },
  },
  "mediation.assigned": {
    params: { caseId: "id" },
    text: {
      "zh-CN": "【共治】您的调解案件 {caseId} 已有调解员负责，调解员会与您联系。",
      en: "[Gongzhi] A mediator has taken your dispute (case {caseId}) and will contact you.",
    },
  },
  "mediation.session": {
    params: { caseId: "id", at: "time" },
    text: {
      "zh-CN": "【共治】调解案件 {caseId} 的调解会定于{at}召开。详情请在共治查看。",
      en: "[Gongzhi] A mediation session for case {caseId} is scheduled for {at}. The details are on Gongzhi.",
    },
  },
  "mediation.escalated": {
    params: { caseId: "id" },
    text: {
      "zh-CN": "【共治】调解案件 {caseId} 已交上一级调解组织处理。详情请在共治查看。",
      en: "[Gongzhi] Dispute {caseId} has gone up to the next level of mediation. The details are on Gongzhi.",
    },
  },
  "mediation.closed": {
    params: { caseId: "id" },
    text: {
      "zh-CN": "【共治】调解案件 {caseId} 已结案。结果和协议请在共治查看；如有问题，可在规定期限内申请重新调解。",
      en: "[Gongzhi] Dispute {caseId} is closed. See the outcome and any agreement on Gongzhi; if needed, you may ask to reopen it within the set time.",
    },
  },
  // --- the pet three-colour code (issue 17: services/pets) ---
  "pet.reportConfirmed": {
    params: { petId: "id", reportId: "id", deducted: "count", points: "count" },
    text: {
      "zh-CN": "【共治】您登记的宠物（编号 {petId}）被举报的违规（{reportId}）经核实成立，扣 {deducted} 分，本年度剩余 {points} 分。如有异议，可在共治“我的宠物”页面申诉。",
      en: "[Gongzhi] A report ({reportId}) about your pet {petId} was confirmed: {deducted} points deducted, {points} left this year. If you disagree, appeal on Gongzhi's “My pets” page.",
    },
  },
  "pet.red": {
    params: { petId: "id" },
    text: {
      "zh-CN": "【共治】提醒：您的宠物（编号 {petId}）本年度积分已扣完，宠物码变为红色。请参加社区文明养犬教育课程，完成后可恢复部分积分。",
      en: "[Gongzhi] Reminder: your pet {petId} has no points left this year and its code is red. Please attend the community's responsible-pet-keeping course; completing it gives points back.",
    },
  },
  "pet.appealUpheld": {
    params: { petId: "id", reportId: "id", points: "count" },
    text: {
      "zh-CN": "【共治】您对宠物（编号 {petId}）违规记录 {reportId} 的申诉已被采纳，扣分已退回，本年度现有 {points} 分。",
      en: "[Gongzhi] Your appeal about report {reportId} on your pet {petId} was upheld: the points are back, {points} this year.",
    },
  },
  "pet.appealRejected": {
    params: { petId: "id", reportId: "id", points: "count" },
    text: {
      "zh-CN": "【共治】您对宠物（编号 {petId}）违规记录 {reportId} 的申诉未被采纳，理由请在共治查看。本年度剩余 {points} 分。",
      en: "[Gongzhi] Your appeal about report {reportId} on your pet {petId} was not upheld; the reason is on Gongzhi. {points} points left this year.",
    },
  },
  "pet.courseCompleted": {
    params: { petId: "id", restored: "count", points: "count" },
    text: {
      "zh-CN": "【共治】您已完成文明养犬教育课程，宠物（编号 {petId}）恢复 {restored} 分，本年度现有 {points} 分。",
      en: "[Gongzhi] You completed the responsible-pet-keeping course: your pet {petId} gets {restored} points back, {points} this year.",
    },
  },
} as const satisfies Record<string, Template>;

export type TemplateKey = keyof typeof TEMPLATES;

const ID = /^[A-Za-z0-9_:.#-]{1,80}$/;
const LONG_DIGITS = /\d{7}/;
const MAX_LABEL = 40;

export function isTemplateKey(key: string): key is TemplateKey {
  return Object.hasOwn(TEMPLATES, key);
}

function checkParam(template: string, name: string, kind: ParamKind, value: unknown): void {
  const bad = (what: string) => new OutboxError("invalid_notification", `Parameter ${name} of template ${template} must be ${what}.`);
  switch (kind) {
    case "id":
      if (typeof value !== "string" || !ID.test(value)) throw bad("an id (1–80 letters, digits or - _ : . #)");
      return;
    case "amount":
    case "count":
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) throw bad(kind === "amount" ? "an amount in fen (an integer ≥ 0)" : "an integer ≥ 0");
      return;
    case "time":
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) throw bad("a time in ms since the epoch");
      return;
    case "label":
      // A label names a place or thing; a run of 7 digits would be a phone or ID number, which belongs in the vault.
      if (typeof value !== "string" || value.length === 0 || [...value].length > MAX_LABEL || LONG_DIGITS.test(value) || /[\p{Cc}]/u.test(value)) {
        throw bad(`a label of 1–${MAX_LABEL} characters without control characters or 7 digits in a row (never a phone or ID number)`);
      }
      return;
  }
}

/** Checks a template key and its parameters: every declared parameter given with its kind, nothing else. */
export function checkTemplateParams(template: string, params: Record<string, ParamValue>): void {
  if (!isTemplateKey(template)) {
    throw new OutboxError("invalid_notification", `Unknown notification template "${String(template).slice(0, 80)}"; use one of ${Object.keys(TEMPLATES).join(", ")}.`);
  }
  if (typeof params !== "object" || params === null || Array.isArray(params)) throw new OutboxError("invalid_notification", `The parameters of ${template} must be an object.`);
  const declared: Record<string, ParamKind> = TEMPLATES[template].params;
  for (const name of Object.keys(params)) {
    if (!Object.hasOwn(declared, name)) throw new OutboxError("invalid_notification", `Template ${template} has no parameter ${name.slice(0, 80)}; its parameters are ${Object.keys(declared).join(", ")}.`);
  }
  for (const [name, kind] of Object.entries(declared)) {
    if (!Object.hasOwn(params, name)) throw new OutboxError("invalid_notification", `Template ${template} needs parameter ${name}.`);
    checkParam(template, name, kind, params[name]);
  }
}

const TIME_ZONE = "Asia/Shanghai";
const timeFormats: Record<Language, Intl.DateTimeFormat> = {
  "zh-CN": new Intl.DateTimeFormat("zh-CN", { timeZone: TIME_ZONE, year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }),
  en: new Intl.DateTimeFormat("en-GB", { timeZone: TIME_ZONE, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false, timeZoneName: "short" }),
};

/** Fen as yuan with two decimals and thousands separators, without floating point. */
function yuan(fen: number, language: Language): string {
  const whole = Math.floor(fen / 100).toLocaleString("en-US");
  const text = `${whole}.${String(fen % 100).padStart(2, "0")}`;
  return language === "zh-CN" ? `${text} 元` : `CNY ${text}`;
}

function format(kind: ParamKind, value: ParamValue, language: Language): string {
  switch (kind) {
    case "amount":
      return yuan(value as number, language);
    case "time":
      return timeFormats[language].format(new Date(value as number));
    default:
      return String(value);
  }
}

/** The message of a template in a language, its parameters checked and formatted. */
export function renderTemplate(template: string, params: Record<string, ParamValue>, language: Language): string {
  checkTemplateParams(template, params);
  const spec: Template = TEMPLATES[template as TemplateKey];
  return spec.text[language].replace(/\{(\w+)\}/g, (_whole, name: string) => format(spec.params[name]!, params[name]!, language));
}
