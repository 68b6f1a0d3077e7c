// API keys of client applications for Open311 (issue 14): the community office issues one per application and
// revokes it. The server keeps only the SHA-256 of a key's secret, in its own store (never in a record, never in
// a log); the records name the application and a random key id. A key reads `o311_<key id>_<secret>` and is
// shown once, in the answer to the staff member who issued it.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod/v4";
import { requireSession } from "../../api/auth/routes.js";
import { ApiError } from "../../api/errors.js";
import { defineRoute, type RouteSpec } from "../../api/routes.js";
import type { Store, Sublevel } from "../../store/store.js";
import { apiErrorOf, commandResultSchema, principalOf, type ServiceHttpOptions } from "../framework/http.js";
import { defineCommand, defineQuery, defineRecord, defineService, refuse, type AnyService, type Engine, type JournalRecord } from "../framework/index.js";

export const KEY_SERVICE = "open311";

/** Who issues and revokes keys: the community office. */
export const KEY_MANAGERS = ["staff", "registrar"] as const;

const keyId = z.string().regex(/^[0-9a-f]{16}$/, "a key id (16 hex digits)");
/** An application's name as the office writes it (an application, never a person): letters, digits, spaces, . _ - */
const app = z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,59}$/u, "an application's name (1–60 letters, digits, spaces, . _ -)");

export const KeyIssued = defineRecord(KEY_SERVICE, "keyIssued", z.object({ app }));
export const KeyRevoked = defineRecord(KEY_SERVICE, "keyRevoked", z.object({}));

type KeyState = { status: "none" | "active" | "revoked"; app?: string };
type KeyView = { keyId: string; app: string; status: "active" | "revoked"; issuedAt: number; issuedBy: string; revokedAt: number | null };

const KEY_FORMAT = /^o311_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** The stored hashes of keys' secrets (sublevel `o311:keys`), written durably before the record that names the key. */
export type KeyHashes = {
  create(): Promise<{ keyId: string; key: string }>;
  has(keyId: string): Promise<boolean>;
  remove(keyId: string): Promise<void>;
  /** The key id of `key` when its secret's hash is stored, else undefined (in constant time per key). */
  match(key: string): Promise<string | undefined>;
};

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();

export function levelKeyHashes(store: Store): KeyHashes {
  const db = store.db.sublevel<string, unknown>("o311:keys", { valueEncoding: "json" }) as unknown as Sublevel;
  return {
    async create() {
      const id = randomBytes(8).toString("hex");
      const secret = randomBytes(32).toString("base64url");
      await store.db.batch([{ type: "put", sublevel: db, key: id, value: sha256(secret).toString("hex") }], { sync: true });
      return { keyId: id, key: `o311_${id}_${secret}` };
    },
    has: async (id) => (await db.get(id)) !== undefined,
    async remove(id) {
      await store.db.batch([{ type: "del", sublevel: db, key: id }], { sync: true });
    },
    async match(key) {
      const parts = KEY_FORMAT.exec(key);
      if (!parts) return undefined;
      const stored = (await db.get(parts[1]!)) as string | undefined;
      if (!stored) return undefined;
      return timingSafeEqual(Buffer.from(stored, "hex"), sha256(parts[2]!)) ? parts[1] : undefined;
    },
  };
}

export function keyService(hashes: KeyHashes): AnyService {
  return defineService<KeyState>({
    name: KEY_SERVICE,
    basePath: "/api/open311/keys",
    noun: { "zh-CN": "应用密钥", en: "application key" },
    records: [KeyIssued, KeyRevoked],
    initial: { status: "none" },
    evolve: (state, record: JournalRecord) => {
      if (KeyIssued.is(record)) return { status: "active", app: record.payload.app };
      if (KeyRevoked.is(record)) return { ...state, status: "revoked" };
      return state;
    },
    commands: [
      defineCommand({
        name: "issue",
        summary: "Issues a key to a client application (POST /api/open311/keys/issue: the answer carries the key, once)",
        target: "new",
        http: false,
        input: z.object({ app, keyId }),
        idOf: (input) => input.keyId,
        who: [...KEY_MANAGERS],
        // The hash must be stored before the record naming the key: a key id sent by hand has none, and is refused.
        check: async (input) => ((await hashes.has(input.keyId)) ? { facts: null } : refuse(400, "open311_key_invalid", {})),
        decide: (state: KeyState, input) => (state.status !== "none" ? refuse(409, "open311_key_revoked", { id: input.keyId }) : [KeyIssued({ app: input.app })]),
      }),
      defineCommand({
        name: "revoke",
        summary: "Revokes a client application's key: its requests are refused from now on",
        target: "existing",
        input: z.object({}),
        who: [...KEY_MANAGERS],
        decide: (state: KeyState, _input, context) => (state.status === "revoked" ? refuse(409, "open311_key_revoked", { id: context.id }) : [KeyRevoked({})]),
      }),
    ],
    models: ["keys"],
    async project(record, tx) {
      if (KeyIssued.is(record)) {
        const actor = record.actor;
        tx.put("keys", record.id, { keyId: record.id, app: record.payload.app, status: "active", issuedAt: record.at, issuedBy: "system" in actor ? actor.system : "address" in actor ? actor.address : actor.sealed, revokedAt: null } satisfies KeyView);
      } else if (KeyRevoked.is(record)) {
        const view = await tx.get<KeyView>("keys", record.id);
        if (view) tx.put("keys", record.id, { ...view, status: "revoked", revokedAt: record.at });
      }
    },
    queries: [
      defineQuery({
        path: "/api/open311/keys",
        summary: "The client applications' keys (ids, applications, status; never a key or its hash)",
        who: [...KEY_MANAGERS],
        response: z.object({
          items: z.array(z.object({ keyId: z.string(), app: z.string(), status: z.enum(["active", "revoked"]), issuedAt: z.number(), issuedBy: z.string(), revokedAt: z.number().nullable() })),
          nextCursor: z.string().optional(),
        }),
        handler: (_input, read) => read.page("keys", { limit: 500, map: (value) => value as KeyView }),
      }),
    ],
  });
}

/** The issuing route: makes the key and its hash, runs the command naming it, and forgets the hash if refused. */
export function keyRoutes(deps: ServiceHttpOptions & { engine: Engine; hashes: KeyHashes }): RouteSpec[] {
  return [
    defineRoute({
      method: "post",
      path: "/api/open311/keys/issue",
      summary: "Issues a key to a client application (staff, registrar); the answer carries the key, shown this once",
      tags: [KEY_SERVICE],
      status: 201,
      body: z.object({ app }).strict(),
      response: commandResultSchema.extend({ keyId: z.string(), key: z.string().describe("the api_key: shown this once; give it to the application now") }),
      before: [requireSession(deps.sessions)],
      handler: async ({ body, req }) => {
        const { keyId: id, key } = await deps.hashes.create();
        try {
          const answer = await deps.engine.execute({ service: KEY_SERVICE, command: "issue", body: { app: body.app, keyId: id }, principal: principalOf(req, deps) });
          return { ...answer.body, keyId: id, key };
        } catch (error) {
          await deps.hashes.remove(id);
          throw apiErrorOf(error);
        }
      },
    }),
  ];
}

/** The key id of an active key, or a 403 in the catalogue's words (missing, unknown or revoked). */
export async function activeKey(engine: Engine, hashes: KeyHashes, key: string | undefined): Promise<string> {
  if (key === undefined || key === "") throw new ApiError(403, "open311_key_missing");
  const id = await hashes.match(key);
  if (!id) throw new ApiError(403, "open311_key_invalid");
  const { state } = (await engine.stateOf(KEY_SERVICE, id)) as { state: KeyState };
  if (state.status !== "active") throw new ApiError(403, "open311_key_invalid");
  return id;
}
