// The volunteer at a bin (#/green/bins, issue 17; the settings' volunteers and staff): the bins with their events
// waiting, and one bin's queue, the random sample first, each confirmed as correctly sorted (its points become
// active) or found wrong (rejected).
import { get, post } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { count, dateTime } from "../lib/format.js";
import { kindName, unitIdOf } from "../lib/grn.js";
import { t } from "../lib/i18n.js";
import { loadUnitLabels, unitName } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";

type Bin = { device: string; lastAt: number; pending: number };
type Row = { household: string; building: number | null; entry: number; kind: string; points: number; at: number; sampled: boolean };

function binFromHash(): string | undefined {
  const q = location.hash.indexOf("?");
  const value = q < 0 ? null : new URLSearchParams(location.hash.slice(q + 1)).get("bin");
  return value && /^[A-Za-z0-9_-]{1,64}$/.test(value) ? value : undefined;
}

function rowCard(row: Row, ctx: PageContext): HTMLElement {
  const result = h("div", { "aria-live": "polite" });
  const act = (correct: boolean, button: HTMLButtonElement) => {
    button.disabled = true;
    void post(`/api/green/${row.household}/confirm`, { entry: row.entry, correct }, ctx.signal)
      .then(() => ctx.rerender())
      .catch((err: unknown) => ((button.disabled = false), result.replaceChildren(notice("error", errorText(err)))));
  };
  const ok = h("button", { type: "button", class: "primary", "data-testid": "grn-confirm" }, t("grn.confirmCorrect"));
  ok.addEventListener("click", () => act(true, ok));
  const wrong = h("button", { type: "button", "data-testid": "grn-reject" }, t("grn.confirmWrong"));
  wrong.addEventListener("click", () => act(false, wrong));
  return h(
    "li",
    { class: "card", "data-testid": "grn-queue-row", "data-household": row.household, "data-entry": String(row.entry) },
    h("h3", {}, kindName(row.kind), " · ", t("grn.pointsN", { n: count(row.points) }), row.sampled ? [" ", h("span", { class: "badge" }, t("grn.sampled"))] : null),
    h("p", {}, t("grn.queueWho", { unit: unitName(unitIdOf(row.household)), when: dateTime(row.at) })),
    h("div", { class: "actions" }, ok, wrong),
    result,
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("grn.binsTitle"));
  if (!signedIn()) return replace(root, title, notice("info", t("grn.signIn")));
  let bins: Bin[];
  try {
    bins = (await get<{ items: Bin[] }>("/api/green/bins", ctx.signal)).items;
  } catch (err) {
    return replace(root, title, notice("info", errorText(err)));
  }
  const chosen = binFromHash() ?? bins.find((b) => b.pending > 0)?.device ?? bins[0]?.device;
  const select = h("select", { "data-testid": "grn-bin" }, bins.map((b) => h("option", { value: b.device, selected: b.device === chosen }, t("grn.binOption", { bin: b.device, n: count(b.pending) })))) as HTMLSelectElement;
  select.addEventListener("change", () => (location.hash = `#/green/bins?bin=${encodeURIComponent(select.value)}`));
  const queue = chosen ? await get<{ items: Row[] }>(`/api/green/bins/${encodeURIComponent(chosen)}/queue`, ctx.signal) : { items: [] };
  await loadUnitLabels(queue.items.slice(0, 50).map((r) => unitIdOf(r.household)), ctx.signal);
  replace(
    root,
    title,
    h("p", {}, t("grn.binsLead")),
    h("p", {}, h("a", { href: "#/green" }, t("grn.back"))),
    field(t("grn.binChoose"), select),
    queue.items.length === 0 ? notice("ok", t("grn.queueEmpty")) : h("ul", { class: "cards", "data-testid": "grn-queue" }, queue.items.slice(0, 50).map((r) => rowCard(r, ctx))),
  );
}
