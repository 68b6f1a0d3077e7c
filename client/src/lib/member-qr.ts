// A time-bank member's own QR code, and reading one back: the volunteer scans the recipient's code (camera, or a
// photo) instead of typing a 40-character address. The code holds only `gongzhi:member:<address>`: no name,
// nothing personal; the page then shows the name and flat the directory allows. Loaded by the time-bank page
// only when a code is shown or scanned (qrcode and jsqr stay out of the start-up bundle).
import QRCode from "qrcode";
import jsQRModule from "jsqr";

// jsqr is CommonJS typed as an ES default export: the bundler hands over the function, TypeScript the namespace.
type JsQR = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: "attemptBoth" }) => { data: string } | null;
const jsQR: JsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as unknown as JsQR;

const PREFIX = "gongzhi:member:";

/** What a member's QR code encodes. */
export function memberUri(address: string): string {
  return `${PREFIX}${address}`;
}

/** The address in a scanned text, if it is a member code; undefined for anything else (a web link, a payment code). */
export function addressOfUri(text: string): string | undefined {
  const m = /^gongzhi:member:(0x[0-9a-fA-F]{40})$/.exec(text.trim());
  return m?.[1];
}

/** A PNG data URL of a QR code of any text (a pet's collar code: the link to its public collar page). */
export function qrDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { errorCorrectionLevel: "M", margin: 2, width: 240 });
}

/** A PNG data URL of the member's code (a data: URL: the page's CSP allows those as images, not blob: URLs). */
export function memberQrDataUrl(address: string): Promise<string> {
  return qrDataUrl(memberUri(address));
}

/** The text of the QR code in an image's pixels, or undefined if none is found. */
function decodePixels(source: CanvasImageSource, width: number, height: number): string | undefined {
  // Large photos are scaled down: jsQR is quicker and just as good at ~1000 px.
  const scale = Math.min(1, 1000 / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const hgt = Math.max(1, Math.round(height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = hgt;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) return undefined;
  ctx.drawImage(source, 0, 0, w, hgt);
  const { data } = ctx.getImageData(0, 0, w, hgt);
  return jsQR(data, w, hgt, { inversionAttempts: "attemptBoth" })?.data;
}

/** The text of the QR code in a photo or picture file, or undefined if none is found (or it is not an image). */
export async function decodeImageFile(file: Blob): Promise<string | undefined> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return undefined;
  }
  try {
    return decodePixels(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/** Whether this browser may offer the camera (a secure page with getUserMedia). */
export function cameraAvailable(): boolean {
  return !!navigator.mediaDevices?.getUserMedia && window.isSecureContext;
}

/**
 * Shows the back camera in `video` and reads frames until a member code is seen (resolves with its address) or
 * `signal` aborts (resolves undefined). The camera is always released. Throws if the camera is refused.
 */
export function scanWithCamera(video: HTMLVideoElement, signal: AbortSignal): Promise<string | undefined> {
  return scanCodeWithCamera(video, signal, addressOfUri);
}

/**
 * Shows the back camera in `video` and reads frames until `accept` takes a code's text (resolves with what it
 * answers: the pet collar page reads collar codes with it) or `signal` aborts (undefined). The camera is always
 * released. Throws if the camera is refused.
 */
export async function scanCodeWithCamera<T>(video: HTMLVideoElement, signal: AbortSignal, accept: (text: string) => T | undefined): Promise<T | undefined> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  try {
    video.srcObject = stream;
    video.muted = true;
    video.setAttribute("playsinline", "");
    await video.play();
    while (!signal.aborted) {
      await new Promise((r) => setTimeout(r, 250));
      if (video.videoWidth === 0) continue;
      const text = decodePixels(video, video.videoWidth, video.videoHeight);
      const found = text ? accept(text) : undefined;
      if (found !== undefined) return found;
    }
    return undefined;
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}

// Green-account cards (issue 17): `gongzhi:green:<household>.<tag>`, a new prefix beside the member code, which
// is unchanged. The server made the tag; the page shows the code it was given and reads one back.
const GREEN_PREFIX = "gongzhi:green:";

/** The card text in a scanned text, if it is a green-account card; undefined for anything else. */
export function greenCardOfUri(text: string): { card: string; household: string } | undefined {
  const m = /^gongzhi:green:(h-[1-9][0-9]{0,9})\.[A-Za-z0-9_-]{16}$/.exec(text.trim());
  return m ? { card: text.trim(), household: m[1]! } : undefined;
}

/** A PNG data URL of a green-account card's code (the text the server gave). */
export function greenCardQrDataUrl(card: string): Promise<string> {
  if (!card.startsWith(GREEN_PREFIX)) throw new Error("not a green-account card");
  return qrDataUrl(card);
}

/** Like scanWithCamera, for a green-account card: resolves with its text once one is seen, undefined if aborted. */
export function scanGreenCardWithCamera(video: HTMLVideoElement, signal: AbortSignal): Promise<string | undefined> {
  return scanCodeWithCamera(video, signal, (text) => greenCardOfUri(text)?.card);
}
