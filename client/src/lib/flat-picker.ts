// Choosing a neighbour by their flat, as people name it ("3-1-101", "3号楼1单元101", "Bldg 3 101"): the directory's
// label search (GET /api/directory/units?q=) lists the flats that match, the person picks one, and its holder is read
// from the registry (GET /api/units/{id}). Never an address to type. The words are the caller's (its page group's
// texts), so any page can use it.
import { get } from "./api.js";
import { h, notice, uid } from "./dom.js";
import { lang } from "./i18n.js";

export type PickedFlat = { unitId: number; label: string; labelEn: string; holder: string; estateId: number; buildingId: number };
type Found = Omit<PickedFlat, "holder" | "estateId" | "buildingId">;

export type FlatPickerWords = {
  legend: string;
  search: string;
  hint: string;
  noneChosen: string;
  chosen: string;
  noMatch: string;
  /** Said when the flat picked is one `refuse` turns down (e.g. the person's own). */
  refused: string;
};

export type FlatPicker = {
  element: HTMLFieldSetElement;
  /** The flat chosen, or null. */
  value: () => PickedFlat | null;
  /** Forgets the choice (after sending). */
  clear: () => void;
};

const labelOf = (u: { label: string; labelEn: string }) => (lang() === "en" ? u.labelEn : u.label);

/**
 * A search box whose matches are buttons; picking one shows it as chosen. `refuse` turns a flat down (its holder
 * is the person filing, say) with `words.refused`. `testId` prefixes the parts' data-testids; `onPick` hears each
 * choice.
 */
export function flatPicker(words: FlatPickerWords, testId: string, refuse?: (flat: PickedFlat) => boolean, signal?: AbortSignal, onPick?: (flat: PickedFlat) => void): FlatPicker {
  let chosen: PickedFlat | null = null;
  const search = h("input", { type: "search", autocomplete: "off", id: uid("flat"), "data-testid": `${testId}-search` }) as HTMLInputElement;
  const hint = h("small", { class: "hint", id: `${search.id}-hint` }, words.hint);
  search.setAttribute("aria-describedby", hint.id);
  const results = h("ul", { class: "plain-list picker-results", "data-testid": `${testId}-results` });
  const chosenBox = h("p", { class: "chosen", "aria-live": "polite", "data-testid": `${testId}-chosen` }, words.noneChosen);
  const error = h("div", { "aria-live": "assertive" });
  const show = () => {
    if (!chosen) return void chosenBox.replaceChildren(words.noneChosen);
    chosenBox.replaceChildren(words.chosen, " ", h("strong", { "data-testid": `${testId}-chosen-flat`, "data-unit": chosen.unitId }, labelOf(chosen)));
  };
  let seq = 0;
  const find = async () => {
    const q = search.value.trim();
    const mine = ++seq;
    error.replaceChildren();
    if (!q) return void results.replaceChildren();
    const units = await get<{ items: Found[] }>(`/api/directory/units?q=${encodeURIComponent(q)}&limit=8`, signal)
      .then((r) => r.items)
      .catch(() => []);
    if (mine !== seq) return;
    results.replaceChildren(
      ...(units.length === 0
        ? [h("li", { class: "muted" }, words.noMatch)]
        : units.map((u) =>
            h("li", {}, h("button", { type: "button", class: "pick", "data-testid": `${testId}-pick`, "data-unit": u.unitId, onclick: () => void pick(u) }, labelOf(u))),
          )),
    );
  };
  const pick = async (u: Found) => {
    const unit = await get<{ holder: string; estateId: number; buildingId: number }>(`/api/units/${u.unitId}`, signal);
    const flat = { ...u, holder: unit.holder.toLowerCase(), estateId: unit.estateId, buildingId: unit.buildingId };
    if (refuse?.(flat)) {
      error.replaceChildren(notice("error", words.refused));
      return;
    }
    chosen = flat;
    results.replaceChildren();
    search.value = "";
    show();
    onPick?.(flat);
  };
  search.addEventListener("input", () => void find());
  const element = h(
    "fieldset",
    { class: "picker", "data-testid": testId, tabindex: -1, id: uid("picker") },
    h("legend", {}, words.legend),
    h("div", { class: "field" }, h("label", { for: search.id }, words.search), search, hint),
    results,
    chosenBox,
    error,
  ) as HTMLFieldSetElement;
  return {
    element,
    value: () => chosen,
    clear: () => {
      chosen = null;
      show();
    },
  };
}
