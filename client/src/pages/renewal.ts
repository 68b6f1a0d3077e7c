// 微更新基金 (#/renewal, issue 16): the fund's rules in force, every project with its funding bar, and for a
// signed-in resident the form to propose one (title, place, description, photos, minimum and optimum budgets in
// yuan, read exactly into fen). Staff get the office's desk.
import { get } from "../lib/api.js";
import { field, h, replace } from "../lib/dom.js";
import { fileInput } from "../lib/file-input.js";
import { money } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { allProjects, commandForm, fenOf, projectCard, ruleText, type Settings } from "../lib/renewal.js";
import { signedIn } from "../lib/session.js";
import { uploadDocument } from "../lib/upload-document.js";

function proposeForm(ctx: PageContext): HTMLElement {
  const estate = h("input", { type: "number", min: 1, value: "1", inputmode: "numeric", "data-testid": "rn-estate" }) as HTMLInputElement;
  const title = h("input", { maxlength: 80, "data-testid": "rn-title-input" }) as HTMLInputElement;
  const place = h("input", { maxlength: 80, "data-testid": "rn-place-input" }) as HTMLInputElement;
  const description = h("textarea", { rows: 4, maxlength: 2000, "data-testid": "rn-description-input" }) as HTMLTextAreaElement;
  const photos = fileInput({ accept: "image/png,image/jpeg,image/webp", multiple: true, testId: "rn-photos" });
  const minimum = h("input", { inputmode: "decimal", "data-testid": "rn-minimum" }) as HTMLInputElement;
  const optimum = h("input", { inputmode: "decimal", "data-testid": "rn-optimum" }) as HTMLInputElement;
  return h(
    "section",
    { class: "card", "aria-labelledby": "rn-new-h" },
    h("h2", { id: "rn-new-h" }, t("rn.propose")),
    commandForm({
      legend: t("rn.proposeLegend"),
      testId: "rn-propose",
      submit: t("rn.proposeSend"),
      path: "/api/renewal/propose",
      signal: ctx.signal,
      controls: [
        field(t("rn.estate"), estate),
        field(t("rn.titleField"), title),
        field(t("rn.place"), place, t("rn.placeHint")),
        field(t("rn.description"), description, t("rn.descriptionHint")),
        field(t("rn.photos"), photos, t("rn.photosHint")),
        field(t("rn.minimumYuan"), minimum),
        field(t("rn.optimumYuan"), optimum, t("rn.optimumHint")),
      ],
      body: async () => {
        const minimumFen = fenOf(minimum.value);
        const optimumFen = fenOf(optimum.value);
        if (!title.value.trim() || !place.value.trim() || !description.value.trim()) return t("rn.fillAll");
        if (minimumFen === null || optimumFen === null || minimumFen < 1) return t("rn.amountInvalid");
        const hashes: string[] = [];
        for (const file of photos.files ?? []) hashes.push((await uploadDocument("renewal", file, ctx.signal)).hash);
        return { estateId: Number(estate.value), title: title.value.trim(), place: place.value.trim(), description: description.value.trim(), photos: hashes, minimumFen, optimumFen };
      },
      done: () => ctx.rerender(),
    }),
  );
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const who = signedIn();
  const [settings, items] = await Promise.all([get<Settings>("/api/renewal/settings", ctx.signal), allProjects(ctx.signal)]);
  const staff = who?.session.roles.includes("staff") ?? false;
  replace(
    root,
    h("h1", {}, t("rn.title")),
    h("p", { class: "lead" }, t("rn.lead")),
    h(
      "p",
      { "data-testid": "rn-rules" },
      ruleText({ numerator: settings.matchNumerator, denominator: settings.matchDenominator, capFen: settings.matchCapFen }, settings.residentShareBp),
      " ",
      t("rn.voteAbove", { amount: money(settings.voteAboveFen) }),
      " ",
      t("rn.supportsToOpen", { n: String(settings.supportsToOpen) }),
    ),
    staff ? h("p", { class: "actions" }, h("a", { href: "#/renewal/office", class: "button", "data-testid": "rn-office-link" }, t("rn.office"))) : null,
    h(
      "section",
      { "aria-labelledby": "rn-list-h" },
      h("h2", { id: "rn-list-h" }, t("rn.projects")),
      items.length === 0 ? h("p", { class: "muted" }, t("rn.none")) : h("ul", { class: "cards", "data-testid": "rn-list" }, items.map((p) => projectCard(p))),
    ),
    who ? proposeForm(ctx) : h("p", { class: "notice info" }, t("rn.signIn"), " ", h("a", { href: "#/account?next=renewal", class: "button primary" }, t("nav.signIn"))),
  );
}
