// The type of a document from its bytes (magic numbers), never from the Content-Type the client declares alone:
// a file named .pdf that is really an HTML page or an executable is refused. Browser-safe (no Node modules).
import type { UploadType } from "./types.js";

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0): boolean =>
  bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const PDF = ascii("%PDF-");
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const RIFF = ascii("RIFF");
const WEBP = ascii("WEBP");

/**
 * Plain text: valid UTF-8 (an optional byte-order mark), with no control characters but tab, line feed, form
 * feed and carriage return. A binary file or a text in another encoding (GBK) is not plain text here.
 */
export function isPlainUtf8(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

/** The document type the bytes are, or undefined when they are none of the types the store takes. */
export function detectType(bytes: Uint8Array): UploadType | undefined {
  if (startsWith(bytes, PDF)) return "application/pdf";
  if (startsWith(bytes, PNG)) return "image/png";
  if (startsWith(bytes, JPEG)) return "image/jpeg";
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return "image/webp";
  if (bytes.length > 0 && isPlainUtf8(bytes)) return "text/plain";
  return undefined;
}
