// The client's entry: layout (header, navigation, language and text-size switches), hash routing to one
// module per page, and re-rendering when the language or the signed-in account changes.
// shell.css is what the first paint needs: the build writes it into index.html. The rest of the styles come as
// text in this script and are added before any page draws (index.html half the size; parsed after the first paint).
import "./shell.css";
import pageStyles from "./styles.css?inline";
import { dropEarlyAnswers } from "./lib/api.js";
import { h, replace } from "./lib/dom.js";
import { lang, loadPageTexts, onLangChange, setLang, t } from "./lib/i18n.js";
import { short } from "./lib/format.js";
import { errorText } from "./lib/errors.js";
import { hasKeptSession, onSessionChange, signedIn } from "./lib/session.js";
import type { PageContext, PageModule } from "./lib/page.js";
import { routePath, routes, type PageName } from "./routes.js";
// The small views several pages share (plain DOM and text code, no chain or signing code; together about 8 kB
// compressed) ride in the entry: as chunks of their own they were up to seven more requests beside a page's code,
// texts and data, past the six connections HTTP/1.1 gives a host, so a second round trip on a slow phone.
import "./lib/countdown.js";
import "./lib/config.js";
// issue 15: the fund's pages and mediation's show recorded documents (as a chunk of its own, a seventh request).
import "./lib/documents.js";
import "./lib/fund-view.js";
import "./lib/labels.js";
import "./lib/my-ballots.js";
import "./lib/names.js";
import "./lib/page.js";
import "./lib/proposal.js";
import "./lib/proxy.js";
import "./lib/table.js";
import "./lib/tally.js";
import "./lib/timebank-view.js";

// One loader per page: each page is a chunk of its own, fetched when its route is first shown (index.html's boot
// script has usually asked for it already, while the HTML was still arriving).
const pages: Record<PageName, () => Promise<PageModule>> = {
  home: () => import("./pages/home.js"),
  account: () => import("./pages/account.js"),
  votes: () => import("./pages/votes.js"),
  vote: () => import("./pages/vote.js"),
  verify: () => import("./pages/verify.js"),
  fund: () => import("./pages/fund.js"),
  plan: () => import("./pages/plan.js"),
  statement: () => import("./pages/statement.js"),
  notice: () => import("./pages/notice.js"),
  timebank: () => import("./pages/timebank.js"),
  "timebank-certificate": () => import("./pages/timebank-certificate.js"),
  "timebank-partner": () => import("./pages/timebank-partner.js"),
  upload: () => import("./pages/upload.js"),
  staff: () => import("./pages/staff.js"),
  "paper-ballots": () => import("./pages/paper-ballots.js"),
  election: () => import("./pages/election.js"),
  workorders: () => import("./pages/workorders.js"),
  "workorder-new": () => import("./pages/workorder-new.js"),
  workorder: () => import("./pages/workorder.js"),
  "workorders-queue": () => import("./pages/workorders-queue.js"),
  "workorders-office": () => import("./pages/workorders-office.js"),
  "workorders-stats": () => import("./pages/workorders-stats.js"),
  "workorders-routing": () => import("./pages/workorders-routing.js"),
  // talent pool and suggestions (issue 15)
  suggestions: () => import("./pages/suggestions.js"),
  "suggestions-desk": () => import("./pages/suggestions-desk.js"),
  opendays: () => import("./pages/opendays.js"),
  talent: () => import("./pages/talent.js"),
  "talent-pool": () => import("./pages/talent-pool.js"),
  // issue 15: dispute mediation
  mediation: () => import("./pages/mediation.js"),
  "mediation-new": () => import("./pages/mediation-new.js"),
  "mediation-case": () => import("./pages/mediation-case.js"),
  "mediation-work": () => import("./pages/mediation-work.js"),
  "mediation-cases": () => import("./pages/mediation-cases.js"),
  "mediation-office": () => import("./pages/mediation-office.js"),
  "mediation-stats": () => import("./pages/mediation-stats.js"),
  // issue 16: satisfaction surveys
  survey: () => import("./pages/survey.js"),
  "survey-paper": () => import("./pages/survey-paper.js"),
  "survey-office": () => import("./pages/survey-office.js"),
  "survey-index": () => import("./pages/survey-index.js"),
  // micro-renewal fund (issue 16)
  renewal: () => import("./pages/renewal.js"),
  "renewal-project": () => import("./pages/renewal-project.js"),
  "renewal-office": () => import("./pages/renewal-office.js"),
  // community partners (issue 16)
  partners: () => import("./pages/partners.js"),
  partner: () => import("./pages/partner.js"),
  "partner-desk": () => import("./pages/partner-desk.js"),
  "partners-office": () => import("./pages/partners-office.js"),
  // the pet three-colour code (issue 17)
  pets: () => import("./pages/pets.js"),
  "pet-collar": () => import("./pages/pet-collar.js"),
  "pet-report": () => import("./pages/pet-report.js"),
  "pets-office": () => import("./pages/pets-office.js"),
  "pets-stats": () => import("./pages/pets-stats.js"),
  // green account (issue 17)
  green: () => import("./pages/green.js"),
  "green-bins": () => import("./pages/green-bins.js"),
  "green-redeem": () => import("./pages/green-redeem.js"),
  "green-office": () => import("./pages/green-office.js"),
};

/** Roles that own documents (see pages/upload.ts): they get the upload page in the navigation. */
const uploads = (roles: readonly string[]) => roles.some((r) => r.startsWith("committee:") || r === "registrar" || r === "custodian" || r === "staff");

const pageStyle = document.createElement("style");
pageStyle.textContent = pageStyles;
document.head.append(pageStyle);

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
  try {
    return routePath(window.location.hash);
  } catch {
    return "\u0000"; // a malformed hash: no route matches, "no such page"
  }
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
            onclick: () => void setLang(lang() === "en" ? "zh-CN" : "en").catch((err: unknown) => alert(errorText(err))),
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
        link("workorders", "#/workorders", t("nav.workorders")),
        link("mediation", "#/mediation", t("nav.mediation")),
        link("surveys", "#/surveys/index", t("nav.surveys")),
        link("verify", "#/verify", t("nav.verify")),
        who && uploads(who.session.roles) ? link("upload", "#/documents/upload", t("nav.upload")) : null,
        who?.session.roles.includes("staff") ? link("staff", "#/staff", t("nav.staff")) : null,
        link("account", "#/account", who ? `${t("nav.me")} ${short(who.address)}` : t("nav.signIn")),
      ),
    ),
  );
  document.getElementById("skip-link")!.textContent = t("app.skip");
  document.documentElement.removeAttribute("data-route"); // index.html's highlight, until this header took over
  replace(footer, h("p", {}, t("app.footer")));
}

async function render(): Promise<void> {
  const path = currentPath();
  const route = routes.find((r) => r.pattern.test(path));
  controller?.abort();
  controller = new AbortController();
  const mine = ++renderCount;
  // The page's chunk is asked for before the texts are awaited: the downloads overlap. The page draws only once
  // the shell's texts and its group's are there (never a flash of keys).
  const loading = route ? pages[route.page]() : null;
  loading?.catch(() => undefined); // awaited (and reported) below
  try {
    await loadPageTexts(route ? [route.texts] : []);
  } catch {
    // Texts unreachable (offline): keys are shown rather than nothing; the page below says what failed.
  }
  if (mine !== renderCount) return;
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
    const mod = await loading!;
    if (mine !== renderCount) return;
    // "Loading…" stays until the page has its data and replaces it.
    const root = h("div", { class: "page" }, h("p", { class: "muted", "data-loading": "" }, t("app.loading")));
    replace(main, root);
    // A page's own re-render (after its action finished) only while it is still the page shown: a transaction
    // confirmed after the person moved on must not redraw the page they moved to (and reset its form).
    const signal = controller.signal;
    const ctx: PageContext = { params, signal, rerender: () => void (signal.aborted ? undefined : render()) };
    await mod.render(root, ctx);
  } catch (err) {
    if ((err as Error).name === "AbortError" || mine !== renderCount) return;
    // Never a dead end: what failed in plain words, a way to try again and a way home.
    replace(
      main,
      h("h1", {}, t("app.error")),
      h("p", { role: "alert", "data-testid": "page-error" }, t("error.pageFailed"), " ", errorText(err)),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "primary", "data-testid": "retry", onclick: () => void render() }, t("error.retry")),
        h("a", { class: "button", href: "#/" }, t("app.home")),
      ),
    );
  } finally {
    if (mine === renderCount) main.removeAttribute("aria-busy");
    dropEarlyAnswers();
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
applyLargeText(largeText());
lastPath = currentPath();
// A reload of a signed-in tab signs it in again first (lib/keep.ts: loaded only then), so the page opens as the
// person left it rather than signed out.
const restoring = hasKeptSession() ? import("./lib/keep.js").then((m) => m.restore()).catch((err: unknown) => console.error("could not restore the sign-in", err)) : Promise.resolve();
void restoring.then(() => {
  onSessionChange(() => void render());
  void render();
});
