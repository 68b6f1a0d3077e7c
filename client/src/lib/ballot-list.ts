// A vote's ballots as cards (readable on a 390 px phone), searchable by flat ("1号楼 101", "Bldg 1 101") or name,
// twenty to a page. Every ballot is listed, not only the latest; transaction details stay behind "详情".
import { loadNames, namesOf, whoIs } from "./names.js";
import { staffMark } from "./proxy.js";
import { field, h, replace } from "./dom.js";
import { matchesFlat } from "./flat-search.js";
import { area } from "./format.js";
import { t } from "./i18n.js";
import type { BallotRow } from "./types.js";

export const BALLOTS_PER_PAGE = 20;

function ballotCard(b: BallotRow): HTMLElement {
  return h(
    "li",
    { class: `ballot-card ${b.replaced ? "replaced" : ""}`, "data-proxy": b.byStaff ? String(b.authorizationId ?? "") : null, "data-testid": "ballot-card" },
    h(
      "div",
      { class: "ballot-who", "data-testid": "ballot-holder" },
      whoIs(b.holder),
      b.byStaff ? staffMark(b.enteredBy, b.authorizationId) : null,
      b.replaced ? h("span", { class: "badge muted" }, t("vote.replaced")) : null,
    ),
    h("div", { class: "ballot-facts" }, h("span", { class: `choice-tag ${b.choice}`, "data-testid": "ballot-choice" }, t(`tally.${b.choice}`)), " ", h("span", {}, area(b.area))),
    h(
      "details",
      { class: "ballot-details" },
      h("summary", {}, t("vote.details")),
      h("p", { class: "mono muted break" }, `${t("vote.tx")}: ${b.txHash}`, h("br"), t("ballot.block", { n: String(b.blockNumber) }), " · ", t("ballot.recordId", { id: String(b.recordId) })),
    ),
  );
}

/** The ballots section's content (after its heading): a search field, one page of cards, and page buttons. */
export async function ballotList(ballots: BallotRow[], signal?: AbortSignal): Promise<HTMLElement> {
  // Flats for every voter at once (the directory answers 200 addresses a request), so that search sees them all.
  await loadNames(ballots.flatMap((b) => [b.holder, b.byStaff ? b.enteredBy : null]), signal);
  const newestFirst = [...ballots].reverse();
  const input = h("input", { type: "search", autocomplete: "off", "data-testid": "ballot-search" }) as HTMLInputElement;
  const status = h("p", { class: "muted", "aria-live": "polite", "data-testid": "ballot-count" });
  const list = h("ul", { class: "ballot-cards", "data-testid": "ballot-list" });
  const pager = h("nav", { class: "pager", "aria-label": t("vote.pages") });
  let page = 0;
  const matching = () => {
    const q = input.value;
    return newestFirst.filter((b) => {
      const known = namesOf(b.holder);
      return matchesFlat(known ? known.units.flatMap((u) => [u.label, u.labelEn]) : [], known?.name, q);
    });
  };
  const draw = () => {
    const rows = matching();
    const pages = Math.max(1, Math.ceil(rows.length / BALLOTS_PER_PAGE));
    page = Math.min(page, pages - 1);
    replace(list, rows.slice(page * BALLOTS_PER_PAGE, (page + 1) * BALLOTS_PER_PAGE).map(ballotCard));
    status.textContent = input.value.trim() ? (rows.length === 0 ? t("vote.searchNone") : t("vote.searchFound", { n: rows.length })) : "";
    const button = (label: string, to: number, testId: string) => {
      const b = h("button", { type: "button", "data-testid": testId, disabled: to < 0 || to >= pages ? true : undefined }, label) as HTMLButtonElement;
      b.addEventListener("click", () => {
        page = to;
        draw();
        list.querySelector<HTMLElement>("li")?.scrollIntoView({ block: "nearest" });
      });
      return b;
    };
    replace(
      pager,
      pages > 1 ? [button(t("vote.prevPage"), page - 1, "ballots-prev"), h("span", { "data-testid": "ballots-page" }, t("vote.pageOf", { page: page + 1, pages })), button(t("vote.nextPage"), page + 1, "ballots-next")] : null,
    );
  };
  input.addEventListener("input", () => {
    page = 0;
    draw();
  });
  draw();
  return h(
    "div",
    {},
    field(t("vote.search"), input, t("vote.searchHint")),
    status,
    list,
    pager,
  );
}
