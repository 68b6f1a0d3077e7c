// Staff acting for a resident on a service's page (`#/suggestions?for=0x…`, linked from the staff desk's
// resident page): the banner naming who they act for, the choice among the resident's active written
// authorisations covering services, and the two fields every proxy command sends with its input. The server
// checks the authorisation again and marks the record; this only lets staff choose it. No signing code here.
import { field, h, notice } from "./dom.js";
import { t } from "./i18n.js";
import { loadNames, nameOf } from "./names.js";
import { authorisationsOf, scopeText, statusText } from "./proxy.js";
import { signedIn } from "./session.js";

/** `?for=0x…` of the location hash, lower-cased, or undefined. */
export function residentInHash(): string | undefined {
  const q = location.hash.indexOf("?");
  const value = q < 0 ? null : new URLSearchParams(location.hash.slice(q + 1)).get("for");
  return value && /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : undefined;
}

export type ActingFor = {
  resident: string;
  /** The banner and the authorisation choice (or the refusal when there is none), for the top of the form. */
  element: HTMLElement;
  /** False when the resident has no active authorisation covering services: the form cannot be sent. */
  usable: boolean;
  /** What a proxy command takes beside its input. */
  fields: () => { onBehalfOf: string; authorisation: string };
};

/**
 * Staff acting for the resident of `?for=`: their name, their authorisations and the choice. Undefined when the
 * viewer is not staff or the page was opened without `?for=` (they then act for themselves).
 */
export async function actingFor(testId: string, signal: AbortSignal): Promise<ActingFor | undefined> {
  const resident = signedIn()?.session.roles.includes("staff") ? residentInHash() : undefined;
  if (!resident) return undefined;
  const [authorisations] = await Promise.all([authorisationsOf(resident, signal), loadNames([resident], signal)]);
  const active = authorisations.filter((a) => a.status === "active" && a.scopes.includes("services"));
  const select = h(
    "select",
    { "data-testid": `${testId}-auth` },
    active.map((a) => h("option", { value: a.id }, `${t("proxy.number", { id: a.id })} · ${scopeText(a)} · ${statusText(a)}`)),
  ) as HTMLSelectElement;
  const element = h(
    "div",
    { "data-testid": `${testId}-for`, "data-resident": resident },
    notice("warn", h("strong", {}, t("proxy.for.banner", { who: nameOf(resident) ?? t("proxy.for.theResident") })), " ", t("proxy.for.lead")),
    active.length === 0 ? notice("error", t("proxy.for.none")) : field(t("proxy.for.authorisation"), select),
  );
  return { resident, element, usable: active.length > 0, fields: () => ({ onBehalfOf: resident, authorisation: select.value }) };
}
