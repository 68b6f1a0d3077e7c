// Vite build of the web client: `npm run build:client` → client/dist, served by the API server at `/`.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { defineConfig, type Plugin, type Rollup } from "vite";
import { en } from "./src/i18n/en.js";
import { groupTexts, TEXT_GROUP_NAMES, type TextGroup } from "./src/i18n/groups.js";
import { zhCN, type TextKey } from "./src/i18n/zh-CN.js";
import { routes } from "./src/routes.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Finds `<name>.sol/<name>.json` under artifacts/contracts. */
function artifactFile(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (entry === `${name}.json` && dir.endsWith(`${name}.sol`)) return full;
    if (statSync(full).isDirectory()) {
      const found = artifactFile(full, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** The names of the contracts with an artifact `<name>.sol/<name>.json` under `dir`. */
function contractNames(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (!statSync(full).isDirectory()) return [];
    const name = entry.endsWith(".sol") ? entry.slice(0, -4) : undefined;
    return name && readdirSync(full).includes(`${name}.json`) ? [name] : contractNames(full);
  });
}

/**
 * `virtual:abi/<Contract>`: the ABI from Hardhat's compiled artifact, read at build time (never hand-copied), without
 * the bytecode the browser does not need. Run `npx hardhat build` first.
 */
function artifactAbis(): Plugin {
  const prefix = "virtual:abi/";
  const all = "virtual:abis";
  const artifacts = path.resolve(here, "../artifacts/contracts");
  return {
    name: "gongzhi-artifact-abis",
    resolveId: (source) => (source.startsWith(prefix) || source === all ? `\0${source}` : undefined),
    load(resolved) {
      const abiOf = (name: string): unknown => {
        const file = artifactFile(artifacts, name);
        if (!file) throw new Error(`No compiled artifact for ${name} under ${artifacts}: run \`npx hardhat build\` first.`);
        this.addWatchFile(file);
        return (JSON.parse(readFileSync(file, "utf8")) as { abi: unknown }).abi;
      };
      // `virtual:abis`: the ABI of every contract compiled from contracts/, by name (as the verify-receipt CLI
      // without a deployment file), so the verify page can name any record's event.
      if (resolved === `\0${all}`) return `export const abis = ${JSON.stringify(Object.fromEntries(contractNames(artifacts).map((n) => [n, abiOf(n)])))};`;
      if (!resolved.startsWith(`\0${prefix}`)) return undefined;
      return `export const abi = ${JSON.stringify(abiOf(resolved.slice(prefix.length + 1)))};`;
    },
  };
}

const languages = { "zh-CN": zhCN, en } as const;

/**
 * `virtual:texts/<lang>/<group>`: one language's texts of one group (src/i18n/groups.ts), cut at build time from
 * the one file per language a developer edits, so that each is a chunk of its own (lib/i18n.ts loads them).
 */
function texts(): Plugin {
  const prefix = "virtual:texts/";
  return {
    name: "gongzhi-texts",
    resolveId: (source) => (source.startsWith(prefix) ? `\0${source}` : undefined),
    load(resolved) {
      if (!resolved.startsWith(`\0${prefix}`)) return undefined;
      const [lang, group] = resolved.slice(prefix.length + 1).split("/") as [keyof typeof languages, TextGroup];
      if (!(lang in languages) || !TEXT_GROUP_NAMES.includes(group)) {
        throw new Error(`No texts ${resolved.slice(1)}: the languages are ${Object.keys(languages).join(", ")}, the groups those of client/src/i18n/groups.ts.`);
      }
      return `export default ${JSON.stringify(groupTexts(languages[lang], group))};`;
    },
  };
}

const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A text in both languages; the stylesheet shows the one `<html lang>` names (set by the boot script). */
function both(key: TextKey): string {
  return `<span data-l="zh-CN">${escapeHtml(zhCN[key])}</span><span data-l="en" lang="en">${escapeHtml(en[key])}</span>`;
}

/** The same header, navigation and footer main.ts draws for a signed-out visitor, as static HTML. */
function shell(): Record<string, string> {
  const link = (key: string, label: TextKey) => `<li><a href="#/${key}" data-nav="${key}">${both(label)}</a></li>`;
  return {
    skip: both("app.skip"),
    header:
      `<div class="bar"><a class="brand" href="#/"><span class="brand-mark" aria-hidden="true">共</span><span>${both("app.name")}</span></a>` +
      `<div class="switches"><button type="button" class="switch" disabled>${both("app.switchLang")}</button>` +
      `<button type="button" class="switch" disabled>${both("app.largeText")}</button></div></div>` +
      `<nav aria-label="${escapeHtml(zhCN["nav.label"])}"><ul>${link("votes", "nav.votes")}${link("fund", "nav.fund")}${link("timebank", "nav.timebank")}${link("workorders", "nav.workorders")}${link("mediation", "nav.mediation")}${link("verify", "nav.verify")}${link("account", "nav.signIn")}</ul></nav>`,
    loading: `<div class="page"><p class="muted" data-loading>${both("app.loading")}</p></div>`,
    footer: `<p>${both("app.footer")}</p>`,
  };
}

type Preloads = {
  /** The entry script's file: preloaded at once, run once the shell has been drawn. */
  entry: string;
  /** Per route: its pattern, its page chunk's files, its early data requests and its group of texts. */
  routes: [string, string[], string[], TextGroup][];
  /** Per language and group of texts: the chunk's files. */
  texts: Record<string, Partial<Record<TextGroup, string[]>>>;
  base: string;
};

/**
 * The boot script, inline in index.html's head so it runs before anything is drawn: the saved language and text
 * size (so the first paint is already right), and `<link rel="modulepreload">` for the entry, the route's page chunk
 * and the shell's and the route's texts in that language only, so they download beside the entry instead of after it.
 * The entry runs only once the HTML's shell has been drawn (the frame after DOMContentLoaded; at once in a hidden tab,
 * which draws no frames; within a second in any case): a module script that arrived before the first frame would
 * otherwise run, and compile, before it, and the shell would show that much later on a slow phone. It was preloaded
 * with the rest, so starting it costs no round trip.
 */
function bootScript(preloads: Preloads): string {
  return `(function(){var d=document.documentElement,s=null,l="zh-CN",p="";
try{s=window.localStorage;if(s.getItem("gongzhi.lang")==="en")l="en";if(s.getItem("gongzhi.largeText")==="1")d.classList.add("large-text")}catch(e){}
d.lang=l;
try{p=decodeURIComponent(location.hash.replace(/^#\\/?/,"")).split("?")[0].replace(/\\/$/,"")}catch(e){}
var R=${JSON.stringify(preloads.routes)},T=${JSON.stringify(preloads.texts)},L=T[l]||{},f=L.shell||[];
var E=window.__gongzhiEarly={},H={Accept:"application/json","Accept-Language":l};
for(var i=0;i<R.length;i++){var m=new RegExp(R[i][0]).exec(p);if(!m)continue;f=f.concat(R[i][1],L[R[i][3]]||[]);d.setAttribute("data-route",p.split("/")[0]);
for(var a=0;a<R[i][2].length;a++){var u=R[i][2][a].replace(/\\{(\\d)\\}/g,function(_,n){return m[n]===undefined?"\\u0000":m[n]});
if(u.indexOf("\\u0000")<0){E[u]=fetch(u,{headers:H});E[u].catch(function(){})}}break}
${preloads.entry ? `f=[${JSON.stringify(preloads.entry)}].concat(f);` : ""}
for(var j=0;j<f.length;j++){var k=document.createElement("link");k.rel="modulepreload";k.crossOrigin="";k.href=${JSON.stringify(preloads.base)}+f[j];document.head.appendChild(k)}
${preloads.entry ? startEntry(preloads.base + preloads.entry) : ""}})();`;
}

/** The boot script's part that runs the (preloaded) entry once the shell has been drawn; see bootScript. */
function startEntry(src: string): string {
  return `var x=0,go=function(){if(x)return;x=1;var e=document.createElement("script");e.type="module";e.crossOrigin="";e.src=${JSON.stringify(src)};document.head.appendChild(e)};
document.addEventListener("DOMContentLoaded",function(){if(document.visibilityState==="hidden")return go();requestAnimationFrame(function(){setTimeout(go,0)});setTimeout(go,1000)});
`;
}

/** Every file a chunk needs (itself and its static imports), less those the entry already brings. */
function chunkFiles(bundle: Rollup.OutputBundle, fileName: string, skip: Set<string>, out = new Set<string>()): Set<string> {
  if (skip.has(fileName) || out.has(fileName)) return out;
  const chunk = bundle[fileName];
  if (!chunk || chunk.type !== "chunk") return out;
  out.add(fileName);
  for (const dep of chunk.imports) chunkFiles(bundle, dep, skip, out);
  return out;
}

/**
 * The first paint from the HTML itself: header, navigation, footer and a loading line written into index.html
 * from the i18n files, the stylesheet inlined (no second round trip before drawing), and the boot script.
 */
/** The entry's stylesheets, to be inlined into index.html (taken out of the bundle by firstPaint). */
const inlinedCss: string[] = [];

function firstPaint(): Plugin {
  return {
    name: "gongzhi-first-paint",
    generateBundle: {
      // Before Vite writes index.html's <link>s and each chunk's preload list: the entry's stylesheet leaves the
      // bundle, so that neither links it nor a page chunk fetches it again (it is inline in index.html).
      order: "pre",
      handler(_options, bundle) {
        inlinedCss.length = 0;
        for (const chunk of Object.values(bundle)) {
          if (chunk.type !== "chunk" || !chunk.isEntry || !chunk.viteMetadata) continue;
          for (const file of [...chunk.viteMetadata.importedCss]) {
            const asset = bundle[file];
            if (asset?.type !== "asset") continue;
            inlinedCss.push(String(asset.source));
            chunk.viteMetadata.importedCss.delete(file);
            delete bundle[file];
          }
        }
      },
    },
    transformIndexHtml: {
      order: "post",
      handler(html, ctx) {
        const parts = shell();
        let out = html.replace(/<!-- gongzhi:(skip|header|loading|footer) -->/g, (_m, name: string) => parts[name]!);
        const bundle = ctx.bundle;
        const preloads: Preloads = { entry: "", routes: [], texts: {}, base: "./" };
        if (bundle) {
          const entry = Object.values(bundle).find((c): c is Rollup.OutputChunk => c.type === "chunk" && c.isEntry);
          if (!entry) throw new Error("The client's build has no entry chunk: client/index.html must load src/main.ts.");
          preloads.entry = entry.fileName;
          // The boot script starts the entry (see bootScript), not a tag of its own.
          const tag = new RegExp(`\\s*<script type="module" crossorigin src="\\./${entry.fileName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"></script>`);
          if (!tag.test(out)) throw new Error(`index.html has no <script type="module"> for ${entry.fileName} where client/vite.config.ts expects it: check Vite's output.`);
          out = out.replace(tag, "");
          const skip = chunkFiles(bundle, entry.fileName, new Set());
          const byModule = (suffix: string) =>
            Object.values(bundle).find((c): c is Rollup.OutputChunk => c.type === "chunk" && !!c.facadeModuleId?.endsWith(suffix));
          for (const route of routes) {
            const chunk = byModule(`/src/pages/${route.page}.ts`);
            // `{name}` → the capture group's number, for the boot script.
            const data = (route.data ?? []).map((u) => u.replace(/\{(\w+)\}/g, (_m, name: string) => `{${route.names.indexOf(name) + 1}}`));
            if (chunk) preloads.routes.push([route.pattern.source, [...chunkFiles(bundle, chunk.fileName, skip)], data, route.texts]);
          }
          for (const lang of Object.keys(languages)) {
            for (const group of TEXT_GROUP_NAMES) {
              const chunk = Object.values(bundle).find(
                (c): c is Rollup.OutputChunk => c.type === "chunk" && c.facadeModuleId === `\0virtual:texts/${lang}/${group}`,
              );
              if (chunk) (preloads.texts[lang] ??= {})[group] = [...chunkFiles(bundle, chunk.fileName, skip)];
            }
          }
          // The stylesheet inline: one request fewer before the first paint (index.html is revalidated anyway).
          out = out.replace("</head>", `${inlinedCss.map((css) => `<style>${css}</style>`).join("")}</head>`);
        }
        return out.replace(/<!-- gongzhi:boot[^>]*-->/, `<script>${bootScript(preloads)}</script>`);
      },
    },
  };
}

/** `<file>.br` and `<file>.gz` beside each text file of the build, sent by the server to browsers that accept them. */
/**
 * jsQR without its Shift-JIS table (36 kB of the 46 kB it weighs gzipped). The client reads only its own member
 * codes (`gongzhi:member:0x…`, byte mode: client/src/lib/member-qr.ts); a code in Kanji mode is not one of ours
 * and decodes to text no member code matches, so it is refused as any other foreign code is. Fails the build if a
 * new jsQR no longer has the table where this expects it, rather than shipping it silently.
 */
function jsQrWithoutKanji(): Plugin {
  const table = /exports\.shiftJISTable = \{[^}]*\};/;
  return {
    name: "gongzhi-jsqr-without-kanji",
    transform(code, id) {
      if (!/[\\/]jsqr[\\/]dist[\\/]jsQR\.js$/.test(id)) return undefined;
      if (!table.test(code)) throw new Error(`jsQR (${id}) has no shiftJISTable where client/vite.config.ts expects it: check the jsqr version.`);
      return { code: code.replace(table, "exports.shiftJISTable = {};"), map: null };
    },
  };
}

function precompress(): Plugin {
  let outDir = "";
  return {
    name: "gongzhi-precompress",
    apply: "build",
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const full = path.join(dir, name);
          return statSync(full).isDirectory() ? walk(full) : [full];
        });
      for (const file of walk(outDir)) {
        if (!/\.(js|mjs|css|html|json|svg|txt)$/.test(file)) continue;
        const raw = readFileSync(file);
        if (raw.length < 1024) continue;
        writeFileSync(`${file}.br`, brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
        writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: "./",
  plugins: [artifactAbis(), texts(), jsQrWithoutKanji(), firstPaint(), precompress()],
  build: {
    outDir: path.join(here, "dist"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: true,
    // Everything the entry imports statically goes into the entry's own file. Rolldown otherwise splits out the
    // modules the pages share with the entry (dom.ts, Vite's preload helper) as chunks of their own: two more
    // requests before anything runs, and on HTTP/1.1 (six connections per host) a page's seventh request waits
    // for a free one, each a further 150 ms round trip on a slow phone.
    rolldownOptions: {
      output: {
        codeSplitting: { groups: [{ name: "index", tags: ["$initial"] }] },
        // The texts' chunks named by language and group (texts-en-fund-….js), not mistaken for a page's.
        chunkFileNames: (chunk) => {
          const texts = /^\0virtual:texts\/([\w-]+)\/(\w+)$/.exec(chunk.facadeModuleId ?? "");
          return texts ? `assets/texts-${texts[1]}-${texts[2]}-[hash].js` : "assets/[name]-[hash].js";
        },
      },
    },
  },
  server: { port: 8910, strictPort: true },
  preview: { port: 8911, strictPort: true },
});
