// Home: what Gongzhi is, and a door for each kind of visitor.
import { h, replace } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { signedIn } from "../lib/session.js";

export function render(root: HTMLElement, _ctx: PageContext): void {
  const door = (href: string, title: Parameters<typeof t>[0], text: Parameters<typeof t>[0]) =>
    h("li", { class: "card door" }, h("h2", {}, h("a", { href }, t(title))), h("p", {}, t(text)));
  replace(
    root,
    h("h1", {}, t("home.title")),
    h("p", { class: "lead" }, t("home.lead")),
    h(
      "ul",
      { class: "cards doors" },
      door("#/votes", "home.votes", "home.votesText"),
      door("#/fund", "home.fund", "home.fundText"),
      door("#/timebank", "home.timebank", "home.timebankText"),
      door("#/verify", "home.verify", "home.verifyText"),
      // The work queue of the property company's, the utilities' and sanitation's people (issue 14): whoever is
      // signed in may look; the page says so when the account is not listed under a party.
      signedIn() ? door("#/workorders/queue", "woOffice.door.title", "woOffice.door.text") : null,
      // talent pool and suggestions (issue 15)
      door("#/suggestions", "home.suggestions", "home.suggestionsText"),
      door("#/talent", "home.talent", "home.talentText"),
      // micro-renewal fund (issue 16)
      door("#/renewal", "home.renewal", "home.renewalText"),
      // community partners (issue 16)
      door("#/partners", "home.partners", "home.partnersText"),
      // green account (issue 17)
      door("#/green", "home.green", "home.greenText"),
    ),
  );
}
