// The talent pool (issue 15): its normalised lists as the client shows them (the server's services/talent/skills.ts
// holds the same codes), the API's shapes, and a group of checkboxes for a list of codes.
import { h } from "./dom.js";
import { t, type TextKey } from "./i18n.js";

export const SKILLS = ["law", "judiciary", "mediation", "psychology", "teaching", "medicine", "nursing", "accounting", "construction", "plumbing", "electrical", "property", "animals", "it", "elderlyCare", "childcare", "translation"] as const;
export const LANGUAGES = ["cmn", "wuu", "yue", "nan", "hak", "cjy", "sichuan", "dongbei", "eng"] as const;
export const SLOTS = ["weekdays", "evenings", "weekends"] as const;
export const TARGET_KINDS = ["workorder", "mediation", "renewal"] as const;

export type Offer = { skills: string[]; languages: string[]; availability: { slots: string[]; hoursPerMonth: number }; proofs: string[] };
export type Member = { person: string; consent: boolean; proxy: boolean; registeredAt: number; updatedAt: number; consentChangedAt: number; offer: Offer; building?: string };
export type Invitation = { id: string; member: string; target: { kind: string; id: string }; status: "invited" | "accepted" | "declined"; invitedAt: number; answeredAt: number | null; proxy: boolean };

export const skillName = (code: string): string => t(`talent.skill.${code}` as TextKey);
export const languageName = (code: string): string => t(`talent.lang.${code}` as TextKey);
export const slotName = (code: string): string => t(`talent.slot.${code}` as TextKey);
export const kindName = (code: string): string => t(`talent.kind.${code}` as TextKey);

/** A fieldset of checkboxes, one per code; `values()` reads the ticked ones. */
export function checkboxes(legend: string, codes: readonly string[], name: (code: string) => string, ticked: readonly string[], testId: string): { element: HTMLElement; values: () => string[] } {
  const boxes = codes.map((code) => h("input", { type: "checkbox", value: code, checked: ticked.includes(code), "data-code": code }));
  const element = h(
    "fieldset",
    { class: "checks", "data-testid": testId },
    h("legend", {}, legend),
    ...boxes.map((box, i) => h("label", { class: "check" }, box, " ", name(codes[i]!))),
  );
  return { element, values: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}
