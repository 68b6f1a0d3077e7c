// The report form (#/workorders/new, issue 14): what is wrong (large buttons by group, from the routing table
// GET /api/workorders/categories), where (the resident's own flat from the registry and the directory's labels,
// a building's common parts, or a common area), and whether it is urgent. The channel follows the role (commands.ts:
// a grid worker reports from patrol). Staff typing a 12345 call for a resident open it as
// `#/workorders/new?for=<address>` (from the staff desk): the report is then a proxy action under one of the
// resident's recorded written authorisations and is marked so everywhere. Refusals are the server's own zh/en words.
import { all, get, post } from "../lib/api.js";
import { clearFieldErrors, field, fieldError, h, notice, replace, uid } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { clearFile } from "../lib/file-input.js";
import { dateTime } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import { loadNames, namesOf, unitText } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { residentInHash } from "../lib/acting-for.js";
import { authorisationsOf, scopeText, statusText } from "../lib/proxy.js";
import { signedIn } from "../lib/session.js";
import type { EstateSummary, Holder } from "../lib/types.js";
import { photoHashes, photoInput, textBox } from "../lib/wo-texts.js";
import { AREAS, categoryName, codeText, type Category, type OrderView, type Place } from "../lib/workorders.js";

type Answer = { id: string; records: { kind: string }[] };

/** A group of radio buttons drawn as large tiles (`.choice`), one checked at most. */
function tiles(name: string, legend: string, options: { value: string; label: string }[], testId: string): HTMLFieldSetElement {
  return h(
    "fieldset",
    { class: "choices wo-tiles", "data-testid": testId },
    h("legend", {}, legend),
    options.map((o) => h("label", { class: "choice" }, h("input", { type: "radio", name, value: o.value, "data-testid": `${testId}-${o.value}` }), o.label)),
  ) as HTMLFieldSetElement;
}

const checked = (root: HTMLElement, name: string) => root.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value;

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  if (!who) {
    replace(root, h("h1", {}, t("wo.new.title")), notice("info", t("wo.signInToReport"), " ", h("a", { href: "#/account?next=workorders/new", class: "button primary" }, t("wo.signIn"))));
    return;
  }
  const roles = who.session.roles;
  const resident = roles.includes("staff") ? residentInHash() : undefined;
  const me = (resident ?? who.address).toLowerCase();
  const [{ items: categories }, estates, holder, authorisations, offchain] = await Promise.all([
    get<{ items: Category[] }>("/api/workorders/categories", ctx.signal),
    all<EstateSummary>("/api/estates", {}, 100, ctx.signal),
    get<Holder>(`/api/holders/${me}`, ctx.signal).catch(() => null),
    resident ? authorisationsOf(resident, ctx.signal) : Promise.resolve([]),
    // The session names on-chain roles only; a grid worker is the directory's (an off-chain role).
    resident ? Promise.resolve({ roles: [] as string[] }) : get<{ roles: string[] }>(`/api/directory/roles/${who.address}`, ctx.signal).catch(() => ({ roles: [] as string[] })),
  ]);
  await loadNames([me], ctx.signal);
  const labels = new Map((namesOf(me)?.units ?? []).map((u) => [u.unitId, u]));
  const flats = holder?.units ?? [];
  const estateId = Number(flats[0]?.estateId ?? estates[0]?.id ?? 1);
  const buildings = estates.find((e) => Number(e.id) === estateId)?.buildingIds.map(Number) ?? [];
  const channel = resident ? "hotline" : offchain.roles.includes("gridWorker") ? "grid" : "resident";
  const active = authorisations.filter((a) => a.status === "active" && a.scopes.includes("services"));

  // What is wrong: one fieldset of large tiles per group (water, power, the building…), in the table's order.
  const groups = [...new Set(categories.map((c) => c.group))];
  const categoryBox = h(
    "div",
    { class: "wo-categories", id: uid("wo-cat"), tabindex: -1 },
    groups.map((g) => tiles("category", codeText("wo.group", g), categories.filter((c) => c.group === g).map((c) => ({ value: c.code, label: categoryName(c) })), `wo-cat-${g}`)),
  );

  // Where: the resident's flats, a building's common parts, or a common area.
  const buildingSelect = h("select", { "data-testid": "wo-building" }, buildings.map((b) => h("option", { value: String(b) }, t("wo.place.building", { id: b })))) as HTMLSelectElement;
  const areaSelect = h("select", { "data-testid": "wo-area" }, AREAS.map((a) => h("option", { value: a }, codeText("wo.place.area", a)))) as HTMLSelectElement;
  const placeOptions = [
    ...flats.map((u) => {
      const l = labels.get(Number(u.id));
      return { value: `unit:${u.id}`, label: t("wo.new.myFlat", { label: l ? unitText(l) : t("wo.place.unit", { id: String(u.id) }) }) };
    }),
    { value: "building", label: t("wo.new.aBuilding") },
    { value: "area", label: t("wo.new.anArea") },
  ];
  const placeBox = tiles("place", t("wo.new.place"), placeOptions, "wo-place");
  placeBox.id = uid("wo-place");
  placeBox.tabIndex = -1;
  const buildingField = field(t("wo.new.whichBuilding"), buildingSelect);
  const areaField = field(t("wo.new.whichArea"), areaSelect);
  const showPlaceFields = () => {
    const p = checked(placeBox, "place");
    // Not `hidden`: the fields' own display rule would override it.
    buildingField.style.display = p === "building" ? "" : "none";
    areaField.style.display = p === "area" ? "" : "none";
  };
  placeBox.addEventListener("change", showPlaceFields);
  const first = placeBox.querySelector<HTMLInputElement>("input");
  if (first && flats.length > 0) first.checked = true;
  showPlaceFields();

  const urgent = h("input", { type: "checkbox", "data-testid": "wo-urgent" }) as HTMLInputElement;
  // What happened, in the resident's words: kept in the vault, read only by them, the party and staff.
  const text = textBox("wo-text", 4);
  const photo = photoInput("wo-photo");
  const authSelect = h(
    "select",
    { "data-testid": "wo-auth" },
    active.length === 0 ? h("option", { value: "" }, "—") : active.map((a) => h("option", { value: a.id }, `${t("proxy.number", { id: a.id })} · ${scopeText(a)} · ${statusText(a)}`)),
  ) as HTMLSelectElement;

  const submit = h("button", { type: "submit", class: "primary big-button", "data-testid": "wo-submit" }, t("wo.new.submit")) as HTMLButtonElement;
  const errorBox = h("div", { "aria-live": "assertive" });
  const result = h("div", { "aria-live": "polite", "data-testid": "wo-result" });

  const placeOf = (): Place | undefined => {
    const p = checked(placeBox, "place");
    if (!p) return undefined;
    if (p.startsWith("unit:")) {
      const unit = flats.find((u) => `unit:${u.id}` === p)!;
      return { estateId: Number(unit.estateId), building: Number(unit.buildingId), unitId: Number(unit.id) };
    }
    return p === "building" ? { estateId, building: Number(buildingSelect.value) } : { estateId, area: areaSelect.value };
  };

  const form = h(
    "form",
    { class: "card", "data-testid": "wo-form", novalidate: true },
    resident ? notice("warn", h("strong", {}, t("wo.new.forResident")), " ", t("wo.new.forResidentLead")) : null,
    resident ? (active.length === 0 ? notice("error", t("wo.new.noAuthorisation")) : field(t("wo.new.authorisation"), authSelect)) : null,
    channel === "grid" ? notice("info", t("wo.new.gridWorker")) : null,
    h("h2", {}, t("wo.new.category")),
    categoryBox,
    placeBox,
    flats.length === 0 ? h("p", { class: "muted" }, t("wo.new.noPlace")) : null,
    buildingField,
    areaField,
    field(t("wo.text.label"), text, t("wo.text.hint")),
    field(t("wo.photo.label"), photo, t("wo.photo.hint")),
    h("div", { class: "field" }, h("label", { class: "choice" }, urgent, t("wo.new.urgent")), h("small", { class: "hint" }, t("wo.new.urgentHint"))),
    errorBox,
    h("div", { class: "actions" }, submit),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    replace(errorBox);
    const serviceCode = checked(form, "category");
    if (!serviceCode) return fieldError(categoryBox, t("wo.new.pickCategory"), { focus: true });
    const place = placeOf();
    if (!place) return fieldError(placeBox, t("wo.new.pickPlace"), { focus: true });
    const body: Record<string, unknown> = { channel, serviceCode, place, priority: urgent.checked ? "urgent" : "normal" };
    if (text.value.trim()) body.text = text.value.trim();
    if (resident) Object.assign(body, { reporter: resident, onBehalfOf: resident, authorisation: authSelect.value });
    submit.disabled = true;
    submit.textContent = t("wo.new.sending");
    void (async () => {
      try {
        // The photo is stored first (a sealed document), then named by its hash in the report.
        body.photos = await photoHashes(photo, ctx.signal);
        const answer = await post<Answer>("/api/workorders/report", body, ctx.signal);
        const order = await get<OrderView>(`/api/workorders/${answer.id}`, ctx.signal);
        const joined = answer.records[0]?.kind === "workorder.joined";
        replace(
          result,
          notice(
            "ok",
            joined ? t("wo.new.joinedDone") : t("wo.new.done", { party: codeText("wo.party", order.party), when: dateTime(order.clocks.deadline) }),
            " ",
            h("a", { href: `#/workorders/${answer.id}`, "data-testid": "wo-created", "data-order": answer.id }, t("wo.new.see")),
          ),
        );
        form.querySelectorAll<HTMLInputElement>("input[name=category]").forEach((i) => (i.checked = false));
        text.value = "";
        clearFile(photo);
      } catch (err) {
        if ((err as Error).name === "AbortError") return;
        replace(errorBox, notice("error", errorText(err)));
      } finally {
        submit.disabled = false;
        submit.textContent = t("wo.new.submit");
      }
    })();
  });

  replace(
    root,
    h("p", {}, h("a", { href: "#/workorders" }, `← ${t("wo.detail.back")}`)),
    h("h1", {}, resident ? t("wo.new.forResident") : t("wo.new.title")),
    h("p", { class: "lead" }, t("wo.new.lead")),
    form,
  );
}
