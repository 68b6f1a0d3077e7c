// Client modules under plain mocha (no browser, no Vite): `virtual:texts/<lang>/<group>` is what the build makes
// of client/src/i18n (the same groupTexts cut, from the same files), so lib/i18n.ts loads real texts in Node too.
// A minimal `document` stands in for the browser's only where lib/i18n.ts sets `<html lang>` on a change of
// language: nothing of ours is replaced.
import { registerHooks } from "node:module";
import { en } from "../../client/src/i18n/en.js";
import { groupTexts, TEXT_GROUP_NAMES, type TextGroup } from "../../client/src/i18n/groups.js";
import { zhCN } from "../../client/src/i18n/zh-CN.js";

let registered = false;

export function textsInNode(): void {
  if (registered) return;
  registered = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const m = /^virtual:texts\/(zh-CN|en)\/(\w+)$/.exec(specifier);
      if (!m || !TEXT_GROUP_NAMES.includes(m[2] as TextGroup)) return nextResolve(specifier, context);
      const texts = groupTexts(m[1] === "en" ? en : zhCN, m[2] as TextGroup);
      return { url: `data:text/javascript,${encodeURIComponent(`export default ${JSON.stringify(texts)};`)}`, shortCircuit: true };
    },
  });
  const g = globalThis as { document?: unknown };
  g.document ??= { documentElement: { lang: "zh-CN" } };
}
