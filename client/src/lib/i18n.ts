// Texts by key in Simplified Chinese (default) and English; the choice is kept in localStorage. Each language's
// texts are a chunk of their own, loaded when that language is chosen: a resident downloads only the one they read.
import type { TextKey } from "../i18n/zh-CN.js";

export type Lang = "zh-CN" | "en";
export type { TextKey };

type Dictionary = Record<TextKey, string>;

const loaders: Record<Lang, () => Promise<Dictionary>> = {
  "zh-CN": () => import("../i18n/zh-CN.js").then((m) => m.zhCN),
  en: () => import("../i18n/en.js").then((m) => m.en),
};
const dictionaries: Partial<Record<Lang, Dictionary>> = {};
const STORAGE_KEY = "gongzhi.lang";

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh-CN";
  } catch {
    return "zh-CN";
  }
}

let current: Lang = initialLang();
const listeners = new Set<(lang: Lang) => void>();

export function lang(): Lang {
  return current;
}

/** Loads the texts of `which` (once); `t()` needs the current language's loaded before anything renders. */
export async function loadTexts(which: Lang = current): Promise<void> {
  dictionaries[which] ??= await loaders[which]();
}

export async function setLang(next: Lang): Promise<void> {
  await loadTexts(next);
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = next;
  for (const listener of listeners) listener(next);
}

export function onLangChange(listener: (lang: Lang) => void): void {
  listeners.add(listener);
}

/** The text of `key` in the current language, `{name}` placeholders filled from `params`. */
export function t(key: TextKey, params: Record<string, string | number> = {}): string {
  const text = dictionaries[current]?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The locale for number and date formatting. */
export function locale(): string {
  return current === "en" ? "en-GB" : "zh-CN";
}
