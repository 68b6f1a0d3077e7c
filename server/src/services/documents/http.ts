// The document store's routes: upload raw bytes (not JSON: a 10 MiB PDF has no place in the 64 kB JSON body
// limit), store a proposal, fetch a document by hash, and its metadata. An upload is checked before its body is
// read: role, declared type and declared length; then read with a running count, cut off at the type's limit.
import type { Request, RequestHandler } from "express";
import { z } from "zod/v4";
import { ApiError, errorBody } from "../../api/errors.js";
import { requireSession, sessionOf, type RoleReader } from "../../api/auth/routes.js";
import type { SessionStore } from "../../api/auth/sessions.js";
import { defineRoute, RawReply, Reply, type RouteSpec } from "../../api/routes.js";
import { proposalInput } from "./proposal.js";
import { decideBeforeReading, tooLarge } from "./rules.js";
import type { DocumentService, Stored } from "./service.js";
import { DOCUMENT_CLASSES, DOCUMENT_TYPES, MAX_UPLOAD_BYTES, UPLOAD_CLASS_NAMES, UPLOAD_TYPES, isUploadType, typesText, type DocumentClassName, type DocumentMeta } from "./types.js";

export type DocumentRouteDeps = { documents: DocumentService; sessions: SessionStore; rolesOf: RoleReader };

const hashParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "a document hash: 0x + 64 hex digits (keccak256 of the bytes)")
  .transform((h) => h.toLowerCase() as `0x${string}`);

const metaSchema = z.object({
  hash: z.string().describe("keccak256 of the bytes: what the chain records (a vote's contentHash, a plan's planHash, a payment's document hash)"),
  type: z.enum(Object.keys(DOCUMENT_TYPES) as [string, ...string[]]),
  size: z.number().describe("bytes"),
  class: z.enum(Object.keys(DOCUMENT_CLASSES) as [string, ...string[]]),
  public: z.boolean().describe("anyone may fetch it; otherwise staff and the auditor, signed in"),
  uploader: z.string(),
  storedAt: z.number().describe("Unix seconds"),
  recordId: z.string().describe("the document.stored record's id in the off-chain journal; its receipt: GET /api/receipts/offchain/{recordId}"),
  url: z.string().describe("where to fetch the bytes"),
});

function metaOut(meta: DocumentMeta): z.infer<typeof metaSchema> {
  return { ...meta, public: DOCUMENT_CLASSES[meta.class].public, url: `/api/documents/${meta.hash}` };
}

/** 201 for a new document, 200 (same answer) when these bytes were already stored. */
const answer = (stored: Stored) => (stored.created ? metaOut(stored.meta) : new Reply(200, metaOut(stored.meta)));

/** The media type without parameters, lowercase ("text/plain; charset=utf-8" → "text/plain"). */
const mediaType = (req: Request) => (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();

/** The roles of a request's session, or undefined without a (live) session: for routes open to everyone. */
async function optionalRoles(req: Request, deps: DocumentRouteDeps): Promise<readonly string[] | undefined> {
  const header = req.get("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
  const session = token ? deps.sessions.get(token) : undefined;
  return session ? deps.rolesOf(session.address) : undefined;
}

const uploaded = new WeakMap<Request, { bytes: Buffer; roles: readonly string[] }>();

/**
 * Answers an upload's refusal at once and closes the connection, so the rest of a body too large or of the
 * wrong type is never read (Node would otherwise read and discard it to keep the connection alive).
 */
function refuseUnread(req: Request, res: Parameters<RequestHandler>[1], error: ApiError): void {
  req.pause();
  if (res.headersSent) return; // e.g. the body timeout (app.ts) already answered 408
  res.once("finish", () => req.socket.end());
  res.status(error.status).set("connection", "close").json(errorBody(error, req.get("accept-language")));
}

/** Checks the role, the declared type and length, then reads the body up to the declared type's limit. */
function readUpload(deps: DocumentRouteDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const cls = z.enum(UPLOAD_CLASS_NAMES).safeParse(req.query.class);
      if (!cls.success) return next(); // validation answers 400 with the details
      const roles = await deps.rolesOf(sessionOf(req).address);
      const length = req.get("content-length");
      const declaredLength = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
      const declared = mediaType(req);
      const refusal = decideBeforeReading(declared, declaredLength, cls.data, roles);
      if (refusal) return refuseUnread(req, res, refusal);
      // decideBeforeReading has refused any other type; the overall limit is the backstop.
      const limit = isUploadType(declared) ? DOCUMENT_TYPES[declared].maxBytes : MAX_UPLOAD_BYTES;
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (error?: ApiError) => {
        if (done) return;
        done = true;
        req.off("data", onData);
        if (res.headersSent) return; // answered meanwhile (408 body timeout): nothing more to do
        if (error) return refuseUnread(req, res, error);
        uploaded.set(req, { bytes: Buffer.concat(chunks, size), roles });
        next();
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) return finish(isUploadType(declared) ? tooLarge(declared, limit) : undefined);
        chunks.push(chunk);
      };
      req.on("data", onData);
      req.once("end", () => finish());
      // The client went away mid-body: no one is left to answer, but the request ends as a client error.
      req.once("error", () => {
        if (done || res.headersSent) return;
        done = true;
        next(new ApiError(400, "invalid_request", {}, { reason: "request.aborted" }));
      });
    } catch (error) {
      next(error);
    }
  };
}

export function documentRoutes(deps: DocumentRouteDeps): RouteSpec[] {
  const { documents } = deps;
  const signedIn = requireSession(deps.sessions);
  return [
    defineRoute({
      method: "post",
      path: "/api/documents",
      summary: `Store a document: its raw bytes as the body, with its real Content-Type (${typesText()}); answers its keccak256`,
      tags: ["documents"],
      query: z.object({
        class: z.enum(UPLOAD_CLASS_NAMES).describe("attachment (committee, registrar), payment (custodian, committee), paper-ballot and authorisation (staff; not public, encrypted at rest)"),
        hash: hashParam.optional().describe("the keccak256 the client computed: a mismatch is refused (422)"),
      }),
      rawBody: { types: UPLOAD_TYPES, description: `the document's bytes; limits: ${typesText()}` },
      response: metaSchema,
      status: 201,
      before: [signedIn, readUpload(deps)],
      handler: async ({ query, req }) => {
        const upload = uploaded.get(req);
        if (!upload) throw new Error("The upload's body was not read before its handler.");
        return answer(
          await documents.upload({ bytes: upload.bytes, declared: mediaType(req), class: query.class as DocumentClassName, uploader: sessionOf(req).address.toLowerCase() as `0x${string}`, roles: upload.roles, expectedHash: query.hash }),
        );
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/documents/proposals",
      summary: "Store a vote's proposal (or a fund plan's description) as a document; its hash is the contentHash (planHash) to open the vote (plan) with",
      tags: ["documents"],
      body: proposalInput,
      response: metaSchema,
      status: 201,
      before: [signedIn],
      handler: async ({ body, req }) => {
        const address = sessionOf(req).address;
        return answer(await documents.storeProposal(body, address.toLowerCase() as `0x${string}`, await deps.rolesOf(address)));
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/documents/:hash",
      summary: "A document's bytes by hash (recompute keccak256 to check them); scanned ballots and authorisations only for staff and the auditor, signed in",
      tags: ["documents"],
      params: z.object({ hash: hashParam }),
      response: z.unknown(),
      rawResponse: { types: Object.keys(DOCUMENT_TYPES), description: "the document's bytes, as stored" },
      handler: async ({ params, req }) => {
        const { meta, bytes } = await documents.read(params.hash, await optionalRoles(req, deps));
        const open = DOCUMENT_CLASSES[meta.class].public;
        return new RawReply(200, bytes, {
          "content-type": meta.type === "text/plain" || meta.type === "application/json" ? `${meta.type}; charset=utf-8` : meta.type,
          "content-disposition": `inline; filename="${meta.hash}.${DOCUMENT_TYPES[meta.type].ext}"`,
          // Never run as a page of this site, whatever the bytes hold.
          "content-security-policy": "default-src 'none'; sandbox",
          // Content-addressed bytes never change; a restricted one is kept by no cache.
          "cache-control": open ? "public, max-age=31536000, immutable" : "private, no-store",
          "x-document-hash": meta.hash,
        });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/documents/:hash/meta",
      summary: "What a stored document is (type, size, class, its anchored record), without its bytes",
      tags: ["documents"],
      params: z.object({ hash: hashParam }),
      response: metaSchema,
      handler: async ({ params, req }) => metaOut(await documents.meta(params.hash, await optionalRoles(req, deps))),
    }),
  ];
}
