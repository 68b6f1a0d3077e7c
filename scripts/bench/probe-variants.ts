// Probe (not a benchmark): serves a trivial page and variants of client/dist/index.html (without scripts, without
// its stylesheet, one language only, without the footer...) from one Express app with the server's own helmet CSP
// and serveClient, so probe-method.ts and probe-reqs.ts can load them side by side, interleaved, in one run.
// DIST=client/dist npx tsx scripts/bench/probe-paint.ts   (prints the base URL, serves until stopped)
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import express from "express";
import helmet from "helmet";
import { repoRoot } from "../../test/client/browser.js";
import { allowScripts, inlineScriptHashes, serveClient } from "../../server/src/api/delivery.js";

const dist = process.env.DIST ?? path.join(repoRoot, "client/dist");
const index = readFileSync(path.join(dist, "index.html"), "utf8");

const style = (/<style>[\s\S]*?<\/style>/.exec(index) ?? [""])[0];
const noScripts = index.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<link rel="modulepreload"[^>]*>/g, "");
const variants: Record<string, string> = {
  trivialLatin: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title></head><body><h1>Hello</h1><p>A trivial page.</p></body></html>`,
  trivialChinese: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title></head><body><h1>共治</h1><p>投票 维修资金 时间银行 核验 登录 正在加载</p></body></html>`,
  trivialChineseOurCss: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title>${style}</head><body><h1>共治</h1><p>投票 维修资金 时间银行 核验 登录 正在加载</p></body></html>`,
  zh1: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title></head><body><h1>Hello 共</h1></body></html>`,
  zhShellText: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title></head><body><p>${[...new Set(index.replace(/<[^>]*>/g, "").replace(/[\s!-~]/g, ""))].join("")}</p></body></html>`,
  zhFontFirst: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title><style>body{font-family:"WenQuanYi Micro Hei",sans-serif}</style></head><body><p>${[...new Set(index.replace(/<[^>]*>/g, "").replace(/[\s!-~]/g, ""))].join("")}</p></body></html>`,
  shellNoScriptsFontFirst: noScripts.replace("<style>", `<style>body{font-family:"WenQuanYi Micro Hei",sans-serif!important}`),
  shell: index,
  bootHigh: index.replace('k.rel="modulepreload";', 'k.rel="modulepreload";k.fetchPriority="high";'),
  bootNoFetch: index.replace("E[u]=fetch(u,{headers:H});E[u].catch(function(){})", ""),
  shellNoFooter: index.replace(/<footer id="site-footer">[\s\S]*?<\/footer>/, '<footer id="site-footer"></footer>'),
  shellZhOnlyNoFooter: index.replace(/<span data-l="en" lang="en">[\s\S]*?<\/span>/g, "").replace(/<footer id="site-footer">[\s\S]*?<\/footer>/, '<footer id="site-footer"></footer>'),
  shellNoScripts: noScripts,
  shellNoScriptsNoCss: noScripts.replace(/<style>[\s\S]*?<\/style>/g, ""),
  shellZhOnly: index.replace(/<span data-l="en" lang="en">[\s\S]*?<\/span>/g, ""),
};

const app = express();
app.use(helmet({ contentSecurityPolicy: { directives: { connectSrc: ["'self'", "http:", "https:"] } } }));
for (const [name, html] of Object.entries(variants)) {
  app.get(`/${name}.html`, (_req, res) => {
    const csp = res.getHeader("Content-Security-Policy");
    if (typeof csp === "string") res.setHeader("Content-Security-Policy", allowScripts(csp, inlineScriptHashes(html)));
    res.type("html").setHeader("Cache-Control", "no-cache");
    res.send(html);
  });
}
app.use(serveClient(dist));
const server = app.listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

console.log(base);
