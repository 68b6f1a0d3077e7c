// The pet three-colour code (宠物三色码, issue 17): the API's shapes, the codes of server/src/services/pets, the
// collar's code (a link to the public collar page, so any phone camera opens it) and the colour badge the pages
// share. `send` runs a command and shows its refusal next to its button.
import { post } from "./api.js";
import { h, notice } from "./dom.js";
import { errorText } from "./errors.js";
import { t, type TextKey } from "./i18n.js";
import type { PageContext } from "./page.js";

export const SPECIES = ["dog", "cat", "other"] as const;
export const VIOLATIONS = ["fouling", "noLeash", "noise"] as const;
export const DISMISS_REASONS = ["notThisPet", "insufficientEvidence", "duplicate", "notAViolation"] as const;
export const APPEAL_DECISIONS = ["evidenceInsufficient", "wrongPet", "reportConfirmed", "ownerNotAtFault"] as const;

export type Colour = "green" | "yellow" | "red";
export type Collar = { id: string; registered: true; colour: Colour; vaccination: "valid" | "expired"; course: boolean };
export type PetReport = { reportId: string; violation: string; at: number; month: string; status: "pending" | "confirmed" | "dismissed"; decidedAt: number | null; reason: string | null; deducted: number; appeal: { status: "pending" | "upheld" | "rejected"; decision: string | null; proxy: boolean } | null };
export type Pet = { id: string; species: string; breed: string; name: string | null; licence: string | null; unitId: number; buildingId: number; proxy: boolean; registeredAt: number; vaccinatedUntil: number; vaccination: "valid" | "expired"; year: number; points: number; colour: Colour; courses: number; reports: PetReport[] };
export type PetSettings = { pointsPerYear: number; deductions: Record<string, number>; greenAbove: number; courseRestores: number; year: number; month: string };

export const code = (group: string, value: string | number): string => t(`pet.${group}.${value}` as TextKey);

/** What a collar's QR code holds: the link to its public page (no name, no flat, nothing personal). */
export function collarUrl(id: string): string {
  return `${window.location.origin}/#/pets/collar/${id}`;
}

/** The pet id in a scanned collar code (its link, from any host), or undefined for anything else. */
export function collarIdOf(text: string): string | undefined {
  return /#\/pets\/collar\/([A-Za-z0-9_-]{1,64})$/.exec(text.trim())?.[1];
}

/** The code's colour as a badge with its word (never colour alone: the text says it too). */
export function colourBadge(colour: Colour, testId = "pet-colour"): HTMLElement {
  return h("span", { class: `pet-code pet-${colour}`, "data-colour": colour, "data-testid": testId }, h("span", { class: "pet-dot", "aria-hidden": "true" }), code("colour", colour));
}

/** Sends a command; on success re-renders the page (or runs `done`), on refusal shows the server's message in `result`. */
export function send(path: string, body: Record<string, unknown>, result: HTMLElement, ctx: PageContext, button?: HTMLButtonElement, done?: () => void): void {
  if (button) button.disabled = true;
  void post(path, body, ctx.signal)
    .then(() => (done ? done() : ctx.rerender()))
    .catch((err: unknown) => {
      if (button) button.disabled = false;
      result.replaceChildren(notice("error", errorText(err)));
    });
}
