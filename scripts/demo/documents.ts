// The demo's supporting documents (contracts, invoices, acceptance reports) as small but valid PDF files. Their
// keccak256 is what the fund records as a disbursement's document hash, so an auditor can drop the file in the
// web client and see it match.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { keccak256, type Hex } from "viem";

/** The document store's class of a demo document: who uploads it and who may read it (services/documents/types.ts). */
export type DocumentClass = "attachment" | "payment" | "paper-ballot" | "authorisation";
export type DemoDocument = { name: string; title: string; file: string; hash: Hex; class: DocumentClass };

/** A one-page PDF showing `lines` (ASCII), with a correct cross-reference table. */
export function simplePdf(lines: string[]): Buffer {
  const escape = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = ["BT", "/F1 12 Tf", "14 TL", "72 760 Td", ...lines.map((l) => `(${escape(l)}) '`), "ET"].join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

/** Writes a document into `dir` and returns its name, path and keccak256. */
export function writeDocument(dir: string, name: string, title: string, lines: string[], cls: DocumentClass = "payment"): DemoDocument {
  mkdirSync(dir, { recursive: true });
  const bytes = simplePdf([title, "", ...lines, "", "Hemu Garden owners' committee - Gongzhi demo document"]);
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  return { name, title, file, hash: keccak256(bytes), class: cls };
}

/**
 * keccak256 of a short public text: a vote's content hash, an emergency's public reason. Never for a note about
 * people, which would be guessed back from its hash: those go on chain as salted commitments (commitNote).
 */
export function textHash(text: string): Hex {
  return keccak256(new TextEncoder().encode(text));
}
