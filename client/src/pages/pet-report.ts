// Reporting a pet (#/pets/report, #/pets/report/<id>, issue 17): a resident scans the collar's QR code (a photo of
// it, or the camera; decoded in the browser with lib/member-qr.ts) and reports a violation: fouling not cleared, no
// leash, noise. A photo and the place are sensitive personal data (PIPL art. 28): they are asked for only with a
// separate, explicit consent (art. 29), ticked before the photo is even uploaded, and recorded with the report;
// they go to the sealed document store and the vault. The reporter's own reports and what became of them below.
import { get } from "../lib/api.js";
import { field, h, notice, replace } from "../lib/dom.js";
import { errorText } from "../lib/errors.js";
import { fileControl, fileInput } from "../lib/file-input.js";
import { calendarDate } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import type { PageContext } from "../lib/page.js";
import { code, collarIdOf, colourBadge, VIOLATIONS, type Collar, send } from "../lib/pet.js";
import { signedIn } from "../lib/session.js";
import { uploadDocument } from "../lib/upload-document.js";

type MyReport = { petId: string; reportId: string; violation: string; at: number; status: string };

/** The scanner: a photo of the collar's code, or the camera where the browser offers one. */
async function scanner(ctx: PageContext): Promise<HTMLElement> {
  const qr = await import("../lib/member-qr.js");
  const result = h("div", { "aria-live": "polite", "data-testid": "pet-scan-result" });
  const found = (text: string | undefined) => {
    const id = text ? collarIdOf(text) : undefined;
    if (!id) return void result.replaceChildren(notice("error", text ? t("pet.scanNotCollar") : t("pet.scanNothing")));
    location.hash = `#/pets/report/${id}`;
  };
  const photo = fileInput({ accept: "image/*", capture: "environment", button: t("pet.scanPhoto"), primary: true, showName: false, id: "pet-scan-photo", testId: "pet-scan-photo" });
  photo.addEventListener("change", () => {
    const file = photo.files?.[0];
    photo.value = "";
    if (file) void qr.decodeImageFile(file).then(found);
  });
  const video = h("video", { class: "scanner", hidden: true, "aria-label": t("pet.cameraView") }) as HTMLVideoElement;
  let scanning: AbortController | null = null;
  const camera = h("button", { type: "button", "data-testid": "pet-scan-camera" }, t("pet.scanCamera"));
  camera.addEventListener("click", () => {
    if (scanning) return scanning.abort();
    scanning = new AbortController();
    ctx.signal.addEventListener("abort", () => scanning?.abort(), { once: true });
    video.hidden = false;
    void qr
      .scanCodeWithCamera(video, scanning.signal, collarIdOf)
      .then((id) => id && found(`#/pets/collar/${id}`))
      .catch(() => result.replaceChildren(notice("error", t("pet.cameraRefused"))))
      .finally(() => ((video.hidden = true), (scanning = null)));
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": "pet-scan-h" },
    h("h2", { id: "pet-scan-h" }, t("pet.scanTitle")),
    h("p", {}, t("pet.scanLead")),
    h("div", { class: "actions" }, fileControl(photo), qr.cameraAvailable() ? camera : null),
    video,
    result,
  );
}

function reportForm(collar: Collar, ctx: PageContext): HTMLElement {
  const violation = h("select", { "data-testid": "pet-violation" }, VIOLATIONS.map((v) => h("option", { value: v }, code("violation", v)))) as HTMLSelectElement;
  const place = h("input", { maxlength: 80, "data-testid": "pet-place" }) as HTMLInputElement;
  const photo = fileInput({ accept: "image/png,image/jpeg,image/webp", testId: "pet-report-photo" });
  const consent = h("input", { type: "checkbox", "data-testid": "pet-consent" }) as HTMLInputElement;
  const result = h("div", { "aria-live": "polite", "data-testid": "pet-report-result" });
  const button = h("button", { type: "submit", class: "primary", "data-testid": "pet-report-send" }, t("pet.reportSend"));
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "pet-rep-h" },
    h("h2", { id: "pet-rep-h" }, t("pet.reportTitle")),
    h("p", {}, t("pet.thisCode"), " ", colourBadge(collar.colour)),
    field(t("pet.violation"), violation),
    field(t("pet.place"), place, t("pet.placeHint")),
    field(t("pet.reportPhoto"), photo),
    h("fieldset", { class: "consent", "data-testid": "pet-consent-box" }, h("legend", {}, t("pet.consentTitle")), h("p", {}, t("pet.consentText")), h("label", { class: "check" }, consent, " ", t("pet.consentAgree"))),
    h("div", { class: "actions" }, button),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const picture = photo.files?.[0];
    const where = place.value.trim();
    // Nothing sensitive leaves the browser without the separate consent: not even the photo's upload.
    if ((picture || where) && !consent.checked) return void result.replaceChildren(notice("error", t("pet.consentNeeded")));
    button.disabled = true;
    void (async () => {
      try {
        const hash = picture ? (await uploadDocument("pet-photo", picture, ctx.signal)).hash : undefined;
        const body = { violation: violation.value, ...(hash ? { photo: hash } : {}), ...(where ? { place: where } : {}), sensitiveConsent: consent.checked };
        send(`/api/pets/${collar.id}/report`, body, result, ctx, button, () => {
          form.replaceChildren(notice("ok", h("span", { "data-testid": "pet-reported" }, t("pet.reported"))), h("p", {}, h("a", { href: "#/pets/report" }, t("pet.scanAnother"))));
        });
      } catch (err) {
        button.disabled = false;
        result.replaceChildren(notice("error", errorText(err)));
      }
    })();
  });
  return form;
}

export async function render(root: HTMLElement, ctx: PageContext): Promise<void> {
  const title = h("h1", {}, t("pet.reportPageTitle"));
  if (!signedIn()) return replace(root, title, h("p", { class: "lead" }, t("pet.reportLead")), notice("info", t("pet.signInReport"), " ", h("a", { href: "#/account?next=pets/report", class: "button primary" }, t("nav.signIn"))));
  const id = ctx.params.id;
  const collar = id ? await get<Collar>(`/api/pets/collar/${id}`, ctx.signal) : undefined;
  const mine = await get<{ items: MyReport[] }>("/api/pets/reports/mine", ctx.signal);
  replace(
    root,
    title,
    h("p", { class: "lead" }, t("pet.reportLead")),
    collar ? reportForm(collar, ctx) : await scanner(ctx),
    h(
      "section",
      { "aria-labelledby": "pet-myrep-h" },
      h("h2", { id: "pet-myrep-h" }, t("pet.myReports")),
      mine.items.length === 0 ? h("p", { class: "muted" }, t("pet.noMyReports")) : h("ul", { "data-testid": "pet-my-reports" }, mine.items.map((r) => h("li", {}, `${code("violation", r.violation)} · ${calendarDate(r.at)} · ${code("status", r.status)}`))),
    ),
  );
}
