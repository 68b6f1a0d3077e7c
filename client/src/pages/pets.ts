// A household's pets (#/pets, issue 17): register a pet (flat, species, breed, name and licence number kept in the
// vault, the vaccination certificate and a photo as sealed documents), see each pet's code, colour and points, its
// collar's QR code (a link to the public collar page), the reports confirmed against it, and appeal one. Staff
// opening it with `?for=0x…` from the staff desk act for the resident on a recorded authorisation (lib/acting-for).
import { actingFor } from "../lib/acting-for.js";
import { get } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { fileInput } from "../lib/file-input.js";
import { calendarDate } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import { loadUnitLabels, unitName } from "../lib/names.js";
import type { PageContext } from "../lib/page.js";
import { code, collarUrl, colourBadge, SPECIES, type Pet, type PetReport, type PetSettings, send } from "../lib/pet.js";
import { signedIn } from "../lib/session.js";
import { uploadDocument } from "../lib/upload-document.js";
import { errorText } from "../lib/errors.js";

type Household = { unitId: number; estateId: number; buildingId: number };

function reportItem(pet: Pet, r: PetReport, ctx: PageContext, proxy: () => Record<string, string>): HTMLElement {
  const status = r.appeal ? code("appeal", r.appeal.status) : code("status", r.status);
  const parts: (HTMLElement | string | null)[] = [h("strong", {}, code("violation", r.violation)), " · ", calendarDate(r.at), " · ", h("span", { "data-testid": "pet-report-status" }, status), r.deducted > 0 ? ` · ${t("pet.deducted", { n: r.deducted })}` : null];
  if (r.status !== "confirmed" || r.appeal) return h("li", { "data-report": r.reportId }, ...parts);
  const reason = h("textarea", { rows: 2, maxlength: 500, "data-testid": "pet-appeal-reason" }) as HTMLTextAreaElement;
  const result = h("div", { "aria-live": "polite", "data-testid": "pet-appeal-result" });
  const button = h("button", { type: "button", "data-testid": "pet-appeal" }, t("pet.appeal"));
  button.addEventListener("click", () => {
    if (!reason.value.trim()) return void result.replaceChildren(notice("error", t("pet.appealReasonNeeded")));
    send(`/api/pets/${pet.id}/appeal`, { reportId: r.reportId, reason: reason.value.trim(), ...proxy() }, result, ctx, button);
  });
  return h("li", { "data-report": r.reportId }, ...parts, h("details", {}, h("summary", {}, t("pet.appealOpen")), field(t("pet.appealReason"), reason, t("pet.appealHint")), h("div", { class: "actions" }, button), result));
}

async function petCard(pet: Pet, settings: PetSettings, ctx: PageContext, proxy: () => Record<string, string>): Promise<HTMLElement> {
  const { qrDataUrl } = await import("../lib/member-qr.js");
  const qr = await qrDataUrl(collarUrl(pet.id));
  return h(
    "li",
    { class: "card", "data-pet": pet.id, "data-colour": pet.colour },
    h("h3", {}, pet.name ?? t("pet.nameErased"), " ", h("span", { class: "badge" }, code("species", pet.species)), pet.proxy ? h("span", { class: "badge warn" }, t("pet.byStaff")) : null),
    h("p", {}, colourBadge(pet.colour), " ", h("span", { "data-testid": "pet-points" }, t("pet.points", { n: pet.points, of: settings.pointsPerYear, year: pet.year }))),
    pet.colour === "red" ? notice("warn", t("pet.redReminder", { n: settings.courseRestores })) : null,
    h("dl", { class: "facts" }, h("dt", {}, t("pet.breed")), h("dd", {}, pet.breed), h("dt", {}, t("pet.licence")), h("dd", {}, pet.licence ?? "—"), h("dt", {}, t("pet.unit")), h("dd", { "data-testid": "pet-flat" }, unitName(pet.unitId)), h("dt", {}, t("pet.vaccination")), h("dd", { "data-testid": "pet-vaccination" }, `${code("vaccination", pet.vaccination)} · ${t("pet.until", { date: calendarDate(pet.vaccinatedUntil) })}`)),
    h("figure", { class: "pet-qr" }, h("img", { src: qr, width: 160, height: 160, alt: t("pet.qrAlt"), "data-testid": "pet-qr" }), h("figcaption", {}, h("a", { href: `#/pets/collar/${pet.id}` }, t("pet.collarPage")))),
    h("h4", {}, t("pet.reports")),
    pet.reports.length === 0 ? h("p", { class: "muted" }, t("pet.noReports")) : h("ul", { "data-testid": "pet-reports" }, pet.reports.map((r) => reportItem(pet, r, ctx, proxy))),
  );
}

function registerForm(households: Household[], ctx: PageContext, proxy: () => Record<string, string>): HTMLElement {
  const unit = h("select", { "data-testid": "pet-unit" }, households.map((u) => h("option", { value: String(u.unitId) }, unitName(u.unitId)))) as HTMLSelectElement;
  const species = h("select", { "data-testid": "pet-species" }, SPECIES.map((s) => h("option", { value: s }, code("species", s)))) as HTMLSelectElement;
  const breed = h("input", { maxlength: 40, "data-testid": "pet-breed" }) as HTMLInputElement;
  const name = h("input", { maxlength: 20, "data-testid": "pet-name" }) as HTMLInputElement;
  const licence = h("input", { maxlength: 32, "data-testid": "pet-licence" }) as HTMLInputElement;
  const until = h("input", { type: "date", "data-testid": "pet-until" }) as HTMLInputElement;
  const certificate = fileInput({ accept: "application/pdf,image/png,image/jpeg,image/webp", testId: "pet-certificate" });
  const photo = fileInput({ accept: "image/png,image/jpeg,image/webp", testId: "pet-photo" });
  const result = h("div", { "aria-live": "polite", "data-testid": "pet-register-result" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "pet-register" }, t("pet.register"));
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "pet-reg-h" },
    h("h2", { id: "pet-reg-h" }, t("pet.registerTitle")),
    h("p", { class: "muted" }, t("pet.registerPrivacy")),
    field(t("pet.unit"), unit),
    field(t("pet.species"), species),
    field(t("pet.breed"), breed),
    field(t("pet.name"), name),
    field(t("pet.licence"), licence),
    field(t("pet.vaccinatedUntil"), until),
    field(t("pet.certificate"), certificate, t("pet.certificateHint")),
    field(t("pet.photo"), photo, t("pet.photoHint")),
    h("div", { class: "actions" }, button),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const cert = certificate.files?.[0];
    const date = /^\d{4}-\d{2}-\d{2}$/.test(until.value) ? Date.parse(`${until.value}T23:59:59+08:00`) / 1000 : NaN;
    if (!breed.value.trim() || !name.value.trim() || !licence.value.trim() || !cert || Number.isNaN(date)) return void result.replaceChildren(notice("error", t("pet.fillAll")));
    button.disabled = true;
    void (async () => {
      try {
        const certHash = (await uploadDocument("pet-document", cert, ctx.signal)).hash;
        const picture = photo.files?.[0];
        const photoHash = picture ? (await uploadDocument("pet-photo", picture, ctx.signal)).hash : undefined;
        send("/api/pets/register", { unitId: Number(unit.value), species: species.value, breed: breed.value.trim(), name: name.value.trim(), licence: licence.value.trim(), certificate: certHash, vaccinatedUntil: date, ...(photoHash ? { photo: photoHash } : {}), ...proxy() }, result, ctx, button);
      } catch (err) {
        button.disabled = false;
        result.replaceChildren(notice("error", errorText(err)));
      }
    })();
  });
  return form;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("pet.title"));
  const links = h("p", { class: "actions" }, h("a", { href: "#/pets/report" }, t("pet.toReport")), h("a", { href: "#/pets/stats" }, t("pet.toStats")));
  if (!signedIn()) return replace(root, title, h("p", { class: "lead" }, t("pet.lead")), notice("info", t("pet.signIn"), " ", h("a", { href: "#/account?next=pets", class: "button primary" }, t("nav.signIn"))), links);
  const acting = await actingFor("pet", ctx.signal);
  const forQuery = acting ? `?for=${acting.resident}` : "";
  const proxy = () => (acting ? acting.fields() : {});
  const [settings, mine, households] = await Promise.all([
    get<PetSettings>("/api/pets/settings", ctx.signal),
    get<{ items: Pet[] }>(`/api/pets/mine${forQuery}`, ctx.signal),
    get<{ items: Household[] }>(`/api/pets/households${forQuery}`, ctx.signal),
  ]);
  await loadUnitLabels([...mine.items.map((p) => p.unitId), ...households.items.map((u) => u.unitId)], ctx.signal);
  const cards = await Promise.all(mine.items.map((p) => petCard(p, settings, ctx, proxy)));
  replace(
    root,
    title,
    h("p", { class: "lead" }, t("pet.lead")),
    h("p", { class: "muted", "data-testid": "pet-rules" }, t("pet.rules", { n: settings.pointsPerYear, fouling: settings.deductions.fouling ?? 0, noLeash: settings.deductions.noLeash ?? 0, noise: settings.deductions.noise ?? 0, green: settings.greenAbove, course: settings.courseRestores })),
    acting?.element ?? null,
    h("section", { "aria-labelledby": "pet-mine-h" }, h("h2", { id: "pet-mine-h" }, t("pet.mine")), cards.length === 0 ? h("p", { class: "muted", "data-testid": "pet-none" }, t("pet.none")) : h("ul", { class: "cards", "data-testid": "pet-list" }, cards)),
    households.items.length === 0 ? notice("info", t("pet.noHousehold")) : acting && !acting.usable ? null : registerForm(households.items, ctx, proxy),
    links,
  );
}
