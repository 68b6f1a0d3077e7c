// Finding a person by part of their name in the directory (GET /api/directory/people?q=&purpose=), for a purpose
// the viewer's role may see names for (staff: service.arrangement); every name compared is read on the vault's
// audited path. Picking one gives their person id. The words are the caller's (its page group's texts).
import { get } from "./api.js";
import { h, notice, uid } from "./dom.js";
import { errorText } from "./errors.js";
import { lang } from "./i18n.js";

export type FoundPerson = { personId: string; name: string; kind: string; units: { label: string; labelEn: string }[] };

export type PersonSearchWords = { search: string; hint: string; noneChosen: string; chosen: string; noMatch: string };

export type PersonSearch = { element: HTMLElement; value: () => FoundPerson | null };

export function personSearch(words: PersonSearchWords, testId: string, purpose = "service.arrangement", signal?: AbortSignal): PersonSearch {
  let chosen: FoundPerson | null = null;
  const input = h("input", { type: "search", autocomplete: "off", id: uid("person"), "data-testid": `${testId}-search` }) as HTMLInputElement;
  const hint = h("small", { class: "hint", id: `${input.id}-hint` }, words.hint);
  input.setAttribute("aria-describedby", hint.id);
  const results = h("ul", { class: "plain-list picker-results", "data-testid": `${testId}-results` });
  const chosenBox = h("p", { class: "chosen", "aria-live": "polite", "data-testid": `${testId}-chosen` }, words.noneChosen);
  const flats = (p: FoundPerson) => p.units.map((u) => (lang() === "en" ? u.labelEn : u.label)).join(", ");
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const find = async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) return void results.replaceChildren();
    try {
      const { items } = await get<{ items: FoundPerson[] }>(`/api/directory/people?q=${encodeURIComponent(q)}&purpose=${purpose}&limit=8`, signal);
      if (mine !== seq) return;
      results.replaceChildren(
        ...(items.length === 0
          ? [h("li", { class: "muted" }, words.noMatch)]
          : items.map((p) =>
              h(
                "li",
                {},
                h("button", {
                  type: "button",
                  class: "pick",
                  "data-testid": `${testId}-pick`,
                  "data-person": p.personId,
                  onclick: () => {
                    chosen = p;
                    results.replaceChildren();
                    input.value = "";
                    chosenBox.replaceChildren(words.chosen, " ", h("strong", { "data-person": p.personId }, p.name), p.units.length ? ` · ${flats(p)}` : "");
                  },
                }, p.name, p.units.length ? ` · ${flats(p)}` : ""),
              ),
            )),
      );
    } catch (err) {
      if ((err as Error).name === "AbortError" || mine !== seq) return;
      results.replaceChildren(h("li", {}, notice("error", errorText(err))));
    }
  };
  // Each search reads names on the audited path: wait for a pause in typing rather than read on every key.
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => void find(), 300);
  });
  const element = h("div", { class: "field picker-field", "data-testid": testId }, h("label", { for: input.id }, words.search), input, hint, results, chosenBox);
  return { element, value: () => chosen };
}
