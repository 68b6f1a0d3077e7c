// A pet's public collar page (#/pets/collar/<id>, issue 17, no sign-in): what the collar's QR code opens. It shows
// the code's colour and the registration status (registered, vaccination valid or expired) and nothing else: never
// the owner's name, flat or phone, nor the pet's name (GET /api/pets/collar/<id> holds none of them). A link to
// report a violation seen with this pet.
import { get } from "../lib/api.js";
import { h, notice, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { code, colourBadge, type Collar } from "../lib/pet.js";

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const collar = await get<Collar>(`/api/pets/collar/${ctx.params.id}`, ctx.signal);
  replace(
    root,
    h("h1", {}, t("pet.collarTitle")),
    h(
      "section",
      { class: `card pet-collar pet-${collar.colour}`, "data-testid": "pet-collar", "data-colour": collar.colour },
      h("p", { class: "pet-big" }, colourBadge(collar.colour)),
      h("p", {}, code("colourMeaning", collar.colour)),
      h("dl", { class: "facts" }, h("dt", {}, t("pet.registration")), h("dd", { "data-testid": "pet-registered" }, t("pet.registered")), h("dt", {}, t("pet.vaccination")), h("dd", { "data-testid": "pet-vaccination" }, code("vaccination", collar.vaccination))),
      collar.course ? notice("warn", t("pet.collarCourse")) : null,
    ),
    h("p", { class: "muted" }, t("pet.collarPrivacy")),
    h("p", { class: "actions" }, h("a", { href: `#/pets/report/${collar.id}`, class: "button primary", "data-testid": "pet-report-link" }, t("pet.reportThis"))),
  );
}
