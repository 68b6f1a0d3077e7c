// Texts by key in Simplified Chinese (default) and English; the choice is kept in localStorage. The build cuts
// each language's texts into one chunk per page group (i18n/groups.ts): a resident downloads the shell's texts
// and the current page's group, in the one language they read, and the next page's group when they go there.
import type { TextGroup } from "../i18n/groups.js";
import type { TextKey } from "../i18n/zh-CN.js";

export type Lang = "zh-CN" | "en";
export type { TextKey, TextGroup };

type Texts = Partial<Record<TextKey, string>>;
type Chunk = Promise<{ default: Texts }>;

// One literal import per chunk, so that the build can see (and the boot script preload) each of them.
const loaders: Record<Lang, Record<TextGroup, () => Chunk>> = {
  "zh-CN": {
    shell: () => import("virtual:texts/zh-CN/shell"),
    account: () => import("virtual:texts/zh-CN/account"),
    votes: () => import("virtual:texts/zh-CN/votes"),
    fund: () => import("virtual:texts/zh-CN/fund"),
    timebank: () => import("virtual:texts/zh-CN/timebank"),
    verify: () => import("virtual:texts/zh-CN/verify"),
    staff: () => import("virtual:texts/zh-CN/staff"),
    workorders: () => import("virtual:texts/zh-CN/workorders"),
    // talent pool and suggestions (issue 15)
    suggestions: () => import("virtual:texts/zh-CN/suggestions"),
    mediation: () => import("virtual:texts/zh-CN/mediation"),
    // satisfaction surveys (issue 16)
    surveys: () => import("virtual:texts/zh-CN/surveys"),
    // micro-renewal fund (issue 16)
    renewal: () => import("virtual:texts/zh-CN/renewal"),
    // community partners (issue 16)
    partners: () => import("virtual:texts/zh-CN/partners"),
    // the pet three-colour code (issue 17)
    pets: () => import("virtual:texts/zh-CN/pets"),
    // green account (issue 17)
    green: () => import("virtual:texts/zh-CN/green"),
  },
  en: {
    shell: () => import("virtual:texts/en/shell"),
    account: () => import("virtual:texts/en/account"),
    votes: () => import("virtual:texts/en/votes"),
    fund: () => import("virtual:texts/en/fund"),
    timebank: () => import("virtual:texts/en/timebank"),
    verify: () => import("virtual:texts/en/verify"),
    staff: () => import("virtual:texts/en/staff"),
    workorders: () => import("virtual:texts/en/workorders"),
    // talent pool and suggestions (issue 15)
    suggestions: () => import("virtual:texts/en/suggestions"),
    mediation: () => import("virtual:texts/en/mediation"),
    // satisfaction surveys (issue 16)
    surveys: () => import("virtual:texts/en/surveys"),
    // micro-renewal fund (issue 16)
    renewal: () => import("virtual:texts/en/renewal"),
    // community partners (issue 16)
    partners: () => import("virtual:texts/en/partners"),
    // the pet three-colour code (issue 17)
    pets: () => import("virtual:texts/en/pets"),
    // green account (issue 17)
    green: () => import("virtual:texts/en/green"),
  },
};
/** Each language's texts loaded so far, all groups merged (a key shared by groups has the same text in each). */
const dictionaries: Record<Lang, Texts> = { "zh-CN": {}, en: {} };
/** The chunks asked for, by language and group: asked once; a failed one is forgotten, so it is asked again. */
const asked: Record<Lang, Map<TextGroup, Promise<void>>> = { "zh-CN": new Map(), en: new Map() };
const STORAGE_KEY = "gongzhi.lang";

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh-CN";
  } catch {
    return "zh-CN";
  }
}

let current: Lang = initialLang();
/** The groups the page on screen needs: what a change of language loads in the other language. */
let showing: TextGroup[] = [];
const listeners = new Set<(lang: Lang) => void>();

export function lang(): Lang {
  return current;
}

function loadGroup(which: Lang, group: TextGroup): Promise<void> {
  let load = asked[which].get(group);
  if (!load) {
    load = loaders[which][group]().then((m) => void Object.assign(dictionaries[which], m.default));
    load.catch(() => asked[which].delete(group));
    asked[which].set(group, load);
  }
  return load;
}

/** Loads the shell's texts and `groups` in `which` language (each chunk once, all at the same time). */
export async function loadTexts(groups: readonly TextGroup[] = [], which: Lang = current): Promise<void> {
  await Promise.all([...new Set<TextGroup>(["shell", ...groups])].map((g) => loadGroup(which, g)));
}

/**
 * The texts the page about to be drawn needs (the shell's and `groups`), in the current language; main.ts awaits
 * this beside the page's code, since `t()` has only the texts loaded. A change of language loads these again.
 */
export async function loadPageTexts(groups: readonly TextGroup[]): Promise<void> {
  showing = [...groups];
  await loadTexts(groups);
}

/** Switches the language once the texts of the page on screen are loaded in it (nothing changes if they fail). */
export async function setLang(next: Lang): Promise<void> {
  await loadTexts(showing, next);
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
  const text = dictionaries[current][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The locale for number and date formatting. */
export function locale(): string {
  return current === "en" ? "en-GB" : "zh-CN";
}
