// What to show in place of an address: the labels of the flats it holds ("1号楼 2单元 406"), a partner's public
// name, and the display name its person chose to show (the server's directory decides what this viewer may
// see: the public gets unit labels and opt-in display names only). The address stays on the element (title and
// small text) so anyone can still check it against the chain.
import { get, post, whenTokenChanges } from "./api.js";
import { h, type Child } from "./dom.js";
import { short } from "./format.js";
import { lang, t } from "./i18n.js";

export type UnitLabelView = { unitId: number; label: string; labelEn: string };
export type NameView = {
  address: string;
  units: UnitLabelView[];
  displayName?: string;
  name?: string;
  organisation?: { organisationId: string; name: string; nameEn: string };
};

whenTokenChanges(forgetNames);

/** The server takes at most this many addresses per request. */
const CHUNK = 200;
const known = new Map<string, NameView>();

/** Forgets what was shown: a sign-in or sign-out changes what the viewer may see. */
export function forgetNames(): void {
  known.clear();
}

/**
 * Loads the names of `addresses` not yet known. A failure (directory unavailable) is not remembered: the
 * addresses are shown as they are and asked again next time.
 */
export async function loadNames(addresses: readonly (string | null | undefined)[], signal?: AbortSignal): Promise<void> {
  const wanted = [...new Set(addresses.filter((a): a is string => !!a && /^0x[0-9a-fA-F]{40}$/.test(a)).map((a) => a.toLowerCase()))].filter((a) => !known.has(a));
  for (let i = 0; i < wanted.length; i += CHUNK) {
    try {
      const { items } = await post<{ items: NameView[] }>("/api/directory/names", { addresses: wanted.slice(i, i + CHUNK) }, signal);
      for (const item of items) known.set(item.address.toLowerCase(), item);
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      return;
    }
  }
}

/** A flat's label in the current language. */
export function unitText(u: UnitLabelView): string {
  return lang() === "en" ? u.labelEn : u.label;
}

/** The directory's labels of units by id, filled by `loadUnitLabels` (labels are public: kept across sign-ins). */
const unitLabels = new Map<number, UnitLabelView>();

/**
 * Loads the directory's labels of the units `unitIds` not yet known (GET /api/directory/units/:id, each unit once).
 * A unit without a label, or a failure, leaves "房屋 #id" (asked again next time).
 */
export async function loadUnitLabels(unitIds: readonly (number | null | undefined)[], signal?: AbortSignal): Promise<void> {
  const wanted = [...new Set(unitIds.filter((id): id is number => Number.isSafeInteger(id) && id! >= 0))].filter((id) => !unitLabels.has(id));
  await Promise.all(
    wanted.map((id) =>
      get<{ label?: UnitLabelView }>(`/api/directory/units/${id}`, signal)
        .then((u) => void (u.label && unitLabels.set(id, u.label)))
        .catch(() => undefined),
    ),
  );
}

/** The label of a unit by id, if its holder's names or its own label are loaded; else "房屋 #id". */
export function unitName(unitId: number | string, holder?: string): string {
  const label = (holder ? known.get(holder.toLowerCase())?.units.find((u) => String(u.unitId) === String(unitId)) : undefined) ?? unitLabels.get(Number(unitId));
  return label ? unitText(label) : t("names.unit", { id: String(unitId) });
}

/** A building by its number, as the directory's flat labels name it ("1号楼", "Building 1"). */
export function buildingName(building: number): string {
  return t("names.building", { n: building });
}

/** The words for an address (display name or organisation, then its flats), or undefined if none is known. */
export function nameOf(address: string | null | undefined): string | undefined {
  const view = address ? known.get(address.toLowerCase()) : undefined;
  if (!view) return undefined;
  const who = view.organisation ? (lang() === "en" ? view.organisation.nameEn : view.organisation.name) : (view.displayName ?? view.name);
  const flats = view.units.slice(0, 3).map(unitText).join(t("names.and"));
  const more = view.units.length > 3 ? t("names.more", { n: view.units.length - 3 }) : "";
  const parts = [who, flats ? flats + more : undefined].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : undefined;
}

/** The ids of the flats an address holds, as far as its names are loaded (issue 13: the time bank's recipient search). */
export function unitIdsOf(address: string): number[] {
  return known.get(address.toLowerCase())?.units.map((u) => u.unitId) ?? [];
}

/** An address as people read it: its name and flats, with the address itself in small text and as title. */
export function whoIs(address: string | null | undefined): Child {
  if (!address) return null;
  const name = nameOf(address);
  if (!name) return h("span", { class: "mono", title: address }, short(address));
  return h("span", { class: "who", title: address, "data-address": address }, h("span", { class: "who-name" }, name), " ", h("small", { class: "mono muted" }, short(address)));
}

/** The flats (both languages) and display name known for an address, for searching by flat (issue 13: votes). */
export function namesOf(address: string): { units: UnitLabelView[]; name?: string } | undefined {
  const view = known.get(address.toLowerCase());
  return view && { units: view.units, name: view.organisation ? view.organisation.name : (view.displayName ?? view.name) };
}
