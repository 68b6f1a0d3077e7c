// The client's entry: layout (header, navigation, language and text-size switches), hash routing to one
// module per page, and re-rendering when the language or the signed-in account changes.
import "./styles.css";
import { h, replace } from "./lib/dom.js";
import { lang, onLangChange, setLang, t } from "./lib/i18n.js";
import { short } from "./lib/format.js";
import { onSessionChange, signedIn } from "./lib/session.js";
import type { PageContext, PageModule } from "./lib/page.js";

type Route = { pattern: RegExp; names: string[]; load: () => Promise<PageModule>; nav: string };

const routes: Route[] = [
  { pattern: /^$/, names: [], load: () => import("./pages/home.js"), nav: "" },
  { pattern: /^account$/, names: [], load: () => import("./pages/account.js"), nav: "account" },
  { pattern: /^votes$/, names: [], load: () => import("./pages/votes.js"), nav: "votes" },
  { pattern: /^votes\/(\d+)$/, names: ["id"], load: () => import("./pages/vote.js"), nav: "votes" },
  { pattern: /^verify$/, names: [], load: () => import("./pages/verify.js"), nav: "verify" },
  { pattern: /^fund$/, names: [], load: () => import("./pages/fund.js"), nav: "fund" },
  { pattern: /^fund\/plans\/(\d+)$/, names: ["id"], load: () => import("./pages/plan.js"), nav: "fund" },
  { pattern: /^fund\/units(?:\/(\d+))?$/, names: ["id"], load: () => import("./pages/statement.js"), nav: "fund" },
  { pattern: /^timebank$/, names: [], load: () => import("./pages/timebank.js"), nav: "timebank" },
];

const header = document.getElementById("site-header")!;
const main = document.getElementById("main")!;
const footer = document.getElementById("site-footer")!;
let controller: AbortController | null = null;
let renderCount = 0;

const LARGE_KEY = "gongzhi.largeText";
function largeText(): boolean {
  try {
    return localStorage.getItem(LARGE_KEY) === "1";
  } catch {
    return false;
  }
}
function applyLargeText(on: boolean): void {
  document.documentElement.classList.toggle("large-text", on);
  try {
    localStorage.setItem(LARGE_KEY, on ? "1" : "0");
  } catch {
    // not kept
  }
}

function currentPath(): string {
  return decodeURIComponent(window.location.hash.replace(/^#\/?/, "")).split("?")[0]!.replace(/\/$/, "");
}

function renderHeader(active: string): void {
  const link = (key: string, href: string, label: string) =>
    h("li", {}, h("a", { href, "aria-current": key === active ? "page" : undefined, "data-nav": key }, label));
  const who = signedIn();
  replace(
    header,
    h(
      "div",
      { class: "bar" },
      h("a", { class: "brand", href: "#/" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "共"), h("span", {}, t("app.name"))),
      h(
        "div",
        { class: "switches" },
        h(
          "button",
          {
            type: "button",
            class: "switch",
            lang: lang() === "en" ? "zh-CN" : "en",
            "data-testid": "lang-switch",
            onclick: () => setLang(lang() === "en" ? "zh-CN" : "en"),
          },
          t("app.switchLang"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "switch",
            "aria-pressed": largeText() ? "true" : "false",
            "data-testid": "large-text",
            onclick: () => {
              applyLargeText(!largeText());
              renderHeader(active);
            },
          },
          t("app.largeText"),
        ),
      ),
    ),
    h(
      "nav",
      { "aria-label": t("nav.label") },
      h(
        "ul",
        {},
        link("votes", "#/votes", t("nav.votes")),
        link("fund", "#/fund", t("nav.fund")),
        link("timebank", "#/timebank", t("nav.timebank")),
        link("verify", "#/verify", t("nav.verify")),
        link("account", "#/account", who ? `${t("nav.me")} ${short(who.address)}` : t("nav.signIn")),
      ),
    ),
  );
  document.getElementById("skip-link")!.textContent = t("app.skip");
  replace(footer, h("p", {}, t("app.footer")));
}

async function render(): Promise<void> {
  const path = currentPath();
  const route = routes.find((r) => r.pattern.test(path));
  controller?.abort();
  controller = new AbortController();
  const mine = ++renderCount;
  document.documentElement.lang = lang();
  renderHeader(route?.nav ?? "");
  if (!route) {
    replace(main, h("h1", {}, t("app.notFound")), h("p", {}, h("a", { href: "#/" }, t("app.home"))));
    return;
  }
  const match = route.pattern.exec(path)!;
  const params: Record<string, string> = {};
  route.names.forEach((name, i) => {
    if (match[i + 1] !== undefined) params[name] = match[i + 1]!;
  });
  main.setAttribute("aria-busy", "true");
  try {
    const mod = await route.load();
    if (mine !== renderCount) return;
    const root = h("div", { class: "page" });
    replace(main, root);
    const ctx: PageContext = { params, signal: controller.signal, rerender: () => void render() };
    await mod.render(root, ctx);
  } catch (err) {
    if ((err as Error).name === "AbortError" || mine !== renderCount) return;
    replace(main, h("h1", {}, t("app.error")), h("p", { role: "alert" }, (err as Error).message));
  } finally {
    if (mine === renderCount) main.removeAttribute("aria-busy");
  }
}

let lastPath = "";
window.addEventListener("hashchange", () => {
  const path = currentPath();
  const moved = path !== lastPath;
  lastPath = path;
  void render().then(() => {
    // Move focus to the new page so keyboard and screen-reader users start at its top.
    if (moved) main.focus({ preventScroll: false });
  });
});
onLangChange(() => void render());
onSessionChange(() => void render());
applyLargeText(largeText());
lastPath = currentPath();
void render();
