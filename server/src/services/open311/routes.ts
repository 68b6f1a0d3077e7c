// Open311 GeoReport v2 over the work orders (issue 14), JSON only: the services are the routing table's
// categories in force, a request is a work order. Creating one needs an application's api_key (keys.ts); the
// reporter's name, phone and email and the description go to the vault (the records hold a person id and a
// salted commitment), and no GET ever answers them: a request shows what the public list of open issues shows.
// Errors are Open311's array of {code, description} (the app's error shape for /open311/, see api/app.ts).
import { randomBytes } from "node:crypto";
import express, { type RequestHandler } from "express";
import { z } from "zod/v4";
import { ApiError, type ErrorShape } from "../../api/errors.js";
import { pickLanguage, type Language } from "../../api/messages.js";
import { defineRoute, Reply, type RouteSpec } from "../../api/routes.js";
import { actorText } from "../../receipts/actor.js";
import { erasingOnFailure, keepNote, type Vault } from "../../vault/index.js";
import { bodySchema } from "../framework/engine.js";
import { apiErrorOf } from "../framework/http.js";
import { modelName, objectId, submit, systemPrincipal, type Engine } from "../framework/index.js";
import { clocksOf, ORDER_MODELS, PARTY_NAMES, SERVICE as ORDERS, type CategoryRoute, type OrderRow, type Place } from "../workorders/index.js";
import { activeKey, type KeyHashes } from "./keys.js";

export const OPEN311_PREFIX = "/open311/v2";

/** What the routes need of the directory: where a unit is, and its label. */
export type Places = {
  unit(unitId: number): Promise<{ estateId: number; buildingId: number; label?: { label: string; labelEn: string } }>;
  searchUnits(text: string, limit: number): { unitId: number }[];
};

export type Open311Deps = {
  engine: Engine;
  hashes: KeyHashes;
  categories: () => Promise<readonly CategoryRoute[]>;
  vault: Vault;
  places: Places;
  /** Milliseconds since the epoch. */
  clock?: () => number;
};

/** At most this many requests per answer and this many days per range (the spec's response volume). */
export const MAX_REQUESTS = 1000;
export const MAX_RANGE_DAYS = 90;
const DAY = 86_400;

const STATUS_NOTES: Record<string, Record<Language, string>> = {
  received: { "zh-CN": "已受理，等待派单", en: "Received, waiting to be dispatched" },
  dispatched: { "zh-CN": "已派给承办单位", en: "Dispatched to the responsible party" },
  accepted: { "zh-CN": "承办单位已接单", en: "Accepted by the responsible party" },
  inProgress: { "zh-CN": "正在处理", en: "Work in progress" },
  resolved: { "zh-CN": "已处理，等待报事人确认", en: "Fixed, waiting for the reporter's confirmation" },
  closed: { "zh-CN": "已办结", en: "Closed" },
};

/** W3C date-time with a time zone, as the spec requires. */
const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** address_id: `e<estate>.u<unit id>`, `e<estate>.b<building>` or `e<estate>.a.<common-area code>`. */
const ADDRESS_ID = /^e([1-9][0-9]{0,8})\.(?:u([1-9][0-9]{0,11})|b([1-9][0-9]{0,5})|a\.([a-z][a-z0-9-]{0,39}))$/;

export function addressIdOf(place: Place): string {
  const estate = `e${place.estateId}`;
  if (place.unitId !== undefined) return `${estate}.u${place.unitId}`;
  if (place.area !== undefined) return `${estate}.a.${place.area}`;
  return `${estate}.b${place.building}`;
}

const text = (max: number) => z.string().max(max).optional();
const csv = <T extends string>(item: z.ZodType<T, string>, max: number) =>
  z
    .string()
    .max(max * 70)
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).max(max));

const createSchema = z.object({
  api_key: z.string().max(200).optional(),
  jurisdiction_id: z.string().regex(/^[1-9][0-9]{0,8}$/, "an estate id").optional(),
  service_code: z.string().min(1, "required").max(40),
  lat: z.string().regex(/^-?\d{1,3}(\.\d{1,12})?$/, "a latitude in degrees").optional(),
  long: z.string().regex(/^-?\d{1,3}(\.\d{1,12})?$/, "a longitude in degrees").optional(),
  address_string: text(200),
  address_id: text(80),
  email: z.string().max(200).regex(/^[^\s@]+@[^\s@]+$/, "an email address").optional(),
  device_id: text(200),
  account_id: text(200),
  first_name: text(100),
  last_name: text(100),
  phone: z.string().regex(/^[+0-9 ()-]{3,40}$/, "a phone number").optional(),
  description: text(4000),
  media_url: text(2000),
});

/** Empty arguments count as absent ("Optional Arguments" in the spec). */
function withoutEmpty(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return {};
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== "" && v !== null && v !== undefined).map(([k, v]) => [k, typeof v === "number" ? String(v) : v]));
}

function badRequest(issues: z.core.$ZodIssue[]): ApiError {
  const problems = issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
  return new ApiError(400, "open311_bad_request", { problems }, { issues: issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
}

/** Parses the spec's form-encoded body, or JSON, for the create route (the app's JSON parser skips it). */
const bodyParsers: RequestHandler[] = [express.urlencoded({ extended: false, limit: "64kb", parameterLimit: 100 }), express.json({ limit: "64kb" })];

export function open311Routes(deps: Open311Deps): RouteSpec[] {
  const clock = deps.clock ?? Date.now;
  const orders = modelName(ORDERS, ORDER_MODELS.orders);
  const report = deps.engine.services.get(ORDERS)?.commands.find((c) => c.name === "report");
  if (!report) throw new Error("Open311 needs the work-order service, with its report command, in the engine.");

  async function place(input: z.infer<typeof createSchema>): Promise<Place> {
    if (input.address_id !== undefined) {
      const m = ADDRESS_ID.exec(input.address_id);
      if (!m) throw new ApiError(400, "open311_place_needed");
      const estateId = Number(m[1]);
      if (m[2] !== undefined) {
        const unit = await deps.places.unit(Number(m[2])).catch(() => undefined);
        if (!unit || unit.estateId !== estateId) throw new ApiError(400, "open311_place_needed");
        return { estateId, unitId: Number(m[2]) };
      }
      return m[3] !== undefined ? { estateId, building: Number(m[3]) } : { estateId, area: m[4]! };
    }
    if (input.address_string !== undefined) {
      // A unit's label as residents write it ("3号楼2单元502", "3-2-502"), when it names exactly one unit.
      let found: { unitId: number }[];
      try {
        found = deps.places.searchUnits(input.address_string, 2);
      } catch {
        found = []; // not a unit's label at all
      }
      if (found.length === 1) {
        const unit = await deps.places.unit(found[0]!.unitId);
        return { estateId: unit.estateId, unitId: found[0]!.unitId };
      }
    }
    throw new ApiError(400, "open311_place_needed");
  }

  function point(input: z.infer<typeof createSchema>): { latE6: number; longE6: number } | undefined {
    if (input.lat === undefined && input.long === undefined) return undefined;
    const lat = Number(input.lat);
    const long = Number(input.long);
    if (input.lat === undefined || input.long === undefined || !(Math.abs(lat) <= 90) || !(Math.abs(long) <= 180)) {
      throw new ApiError(400, "open311_bad_request", { problems: "lat & long: both, in degrees (WGS84)" });
    }
    return { latE6: Math.round(lat * 1e6), longE6: Math.round(long * 1e6) };
  }

  /**
   * The reporter's contact into the vault under a new person id, and the description as a note of its own
   * (vault/notes.ts); what the records carry. Each person id written is pushed into `written`, so a refusal erases them.
   */
  async function toVault(input: z.infer<typeof createSchema>, actor: string, written: string[]): Promise<{ reporter?: string; description?: string }> {
    const name = [input.first_name, input.last_name].filter(Boolean).join(" ");
    const out: { reporter?: string; description?: string } = {};
    if (name || input.phone || input.email) {
      const personId = `p_${randomBytes(12).toString("hex")}`;
      written.push(personId);
      out.reporter = personId;
      if (name) await deps.vault.write({ personId, field: "name", value: name, actor });
      if (input.phone) await deps.vault.write({ personId, field: "phone", value: input.phone, actor });
      if (input.email) await deps.vault.write({ personId, field: "note:email", value: input.email, actor });
    }
    if (input.description) {
      const kept = await keepNote(deps.vault, { text: input.description, actor });
      written.push(kept.holder);
      out.description = kept.commitment;
    }
    return out;
  }

  function addressOf(row: OrderRow, language: Language, label: { label: string; labelEn: string } | undefined): string | null {
    const p = row.place;
    if (!p) return null;
    const zh = language === "zh-CN";
    if (p.unitId !== undefined) return label ? (zh ? label.label : label.labelEn) : zh ? `房屋 ${p.unitId}` : `Unit ${p.unitId}`;
    const building = p.building !== undefined ? (zh ? `${p.building}号楼` : `Building ${p.building}`) : "";
    const area = p.area !== undefined ? (zh ? `公共区域 ${p.area}` : `common area ${p.area}`) : "";
    return [building, area].filter(Boolean).join(zh ? " " : ", ");
  }

  async function requestOf(row: OrderRow, routes: readonly CategoryRoute[], language: Language, now: number) {
    const route = routes.find((c) => c.code === row.serviceCode);
    const clocks = clocksOf(row, now);
    const unit = row.place?.unitId !== undefined ? await deps.places.unit(row.place.unitId).catch(() => undefined) : undefined;
    const notes = [STATUS_NOTES[row.status]?.[language] ?? row.status];
    if (row.pausedSince !== null) notes.push(language === "zh-CN" ? "等待居民配合，计时暂停" : "clock paused while waiting for the resident");
    if (clocks.overdue) notes.push(language === "zh-CN" ? "已超时" : "overdue");
    const updated = Math.max(row.receivedAt, row.dispatchedAt ?? 0, row.resolvedAt ?? 0, row.closedAt ?? 0);
    return {
      service_request_id: row.id,
      status: row.status === "closed" ? "closed" : "open",
      status_notes: notes.join(language === "zh-CN" ? "；" : "; "),
      service_name: route?.name[language] ?? row.serviceCode,
      service_code: row.serviceCode,
      // What a reporter wrote is personal free text kept in the vault: never answered here (the spec allows omitting it).
      description: null,
      agency_responsible: row.party ? PARTY_NAMES[row.party][language] : null,
      service_notice: null,
      requested_datetime: iso(row.receivedAt),
      updated_datetime: iso(updated),
      expected_datetime: clocks.deadline === null ? null : iso(clocks.deadline),
      address: addressOf(row, language, unit?.label),
      address_id: row.place ? addressIdOf(row.place) : null,
      lat: row.point ? row.point.latE6 / 1e6 : null,
      long: row.point ? row.point.longE6 / 1e6 : null,
      // Photos are documents that may show people: not public, so no media_url.
      media_url: null,
    };
  }

  const language = (req: { get(name: string): string | undefined }) => pickLanguage(req.get("accept-language"));
  const serviceOf = (c: CategoryRoute, lang: Language) => ({
    service_code: c.code,
    service_name: c.name[lang],
    description: noticeOf(c, lang),
    metadata: false,
    type: "realtime",
    keywords: [c.name["zh-CN"], c.name.en].join(", "),
    group: c.group,
  });

  const jurisdiction = z.object({ jurisdiction_id: z.string().regex(/^[1-9][0-9]{0,8}$/, "an estate id").optional() });
  const serviceSchema = z.object({ service_code: z.string(), service_name: z.string(), description: z.string(), metadata: z.boolean(), type: z.string(), keywords: z.string(), group: z.string() });
  const requestSchema = z.object({
    service_request_id: z.string(),
    status: z.enum(["open", "closed"]),
    status_notes: z.string(),
    service_name: z.string(),
    service_code: z.string(),
    description: z.null(),
    agency_responsible: z.string().nullable(),
    service_notice: z.null(),
    requested_datetime: z.string(),
    updated_datetime: z.string(),
    expected_datetime: z.string().nullable(),
    address: z.string().nullable(),
    address_id: z.string().nullable(),
    lat: z.number().nullable(),
    long: z.number().nullable(),
    media_url: z.null(),
  });
  const tags = ["open311"];
  const errorsNote = " Errors are Open311's array of {code, description, gongzhi_code}.";

  const routes: RouteSpec[] = [
    defineRoute({
      method: "get",
      path: `${OPEN311_PREFIX}/services.json`,
      summary: `Open311 GET Service List: the work-order categories in force (no api_key needed).${errorsNote}`,
      tags,
      query: jurisdiction,
      response: z.array(serviceSchema),
      handler: async ({ req }) => (await deps.categories()).filter((c) => !c.retired).map((c) => serviceOf(c, language(req))),
    }),
    defineRoute({
      method: "get",
      path: `${OPEN311_PREFIX}/services/:code.json`,
      summary: `Open311 GET Service Definition (no attributes: a category needs none beyond the standard fields).${errorsNote}`,
      tags,
      params: z.object({ code: z.string().max(40) }),
      query: jurisdiction,
      response: z.object({ service_code: z.string(), attributes: z.array(z.never()) }),
      handler: async ({ params }) => {
        const found = (await deps.categories()).find((c) => c.code === params.code && !c.retired);
        if (!found) throw new ApiError(404, "workorder_unknown_category", { code: params.code });
        return { service_code: found.code, attributes: [] };
      },
    }),
    defineRoute({
      method: "post",
      path: `${OPEN311_PREFIX}/requests.json`,
      summary:
        "Open311 POST Service Request (application/x-www-form-urlencoded as the spec says, or JSON; api_key required): a work order " +
        "on channel open311, its actor the application's key (open311:<key id>); a duplicate at the same place joins the open order " +
        `(its id is answered). first_name, last_name, phone, email and description go to the vault; device_id, account_id and media_url are not kept.${errorsNote}`,
      tags,
      status: 201,
      rawBody: { types: ["application/x-www-form-urlencoded", "application/json"], description: "the spec's arguments: api_key, service_code, address_id (or address_string naming one unit), lat, long, contact and description" },
      response: z.array(z.object({ service_request_id: z.string(), service_notice: z.string(), account_id: z.null() })),
      before: bodyParsers,
      handler: async ({ req }) => {
        const fields = withoutEmpty(req.body);
        const keyId = await activeKey(deps.engine, deps.hashes, typeof fields.api_key === "string" ? fields.api_key : undefined);
        const parsed = createSchema.safeParse(fields);
        if (!parsed.success) throw badRequest(parsed.error.issues);
        const input = parsed.data;
        const lang = language(req);
        const route = (await deps.categories()).find((c) => c.code === input.service_code);
        if (!route) throw new ApiError(404, "workorder_unknown_category", { code: input.service_code });
        if (route.retired) throw new ApiError(400, "workorder_category_retired", { code: input.service_code });
        const where = await place(input);
        if (input.jurisdiction_id !== undefined && Number(input.jurisdiction_id) !== where.estateId) {
          throw new ApiError(400, "open311_jurisdiction_mismatch", { jurisdiction: input.jurisdiction_id, estate: where.estateId });
        }
        const at = point(input);
        const actor = `open311:${keyId}`;
        // A refusal from here on erases what went into the vault (vault/notes.ts).
        return erasingOnFailure(deps.vault, actorText({ system: actor }), async (written) => {
          const held = await toVault(input, actorText({ system: actor }), written);
          const body = { channel: "open311", serviceCode: route.code, place: where, ...(at ? { point: at } : {}), ...held, photos: [] };
          const checked = bodySchema(report).safeParse(body);
          if (!checked.success) throw badRequest(checked.error.issues);
          const key = req.get("idempotency-key");
          try {
            const request = {
              service: ORDERS,
              command: "report",
              body,
              parsedBody: checked.data as Record<string, unknown>,
              principal: systemPrincipal(actor),
              idempotencyKey: key !== undefined && /^[\x21-\x7e]{1,128}$/.test(key) ? key : undefined,
            };
            const answer = await submit(deps.engine, request);
            return new Reply(answer.status, [{ service_request_id: answer.body.id, service_notice: noticeOf(route, lang), account_id: null }]);
          } catch (error) {
            throw apiErrorOf(error);
          }
        });
      },
    }),
    defineRoute({
      method: "get",
      path: `${OPEN311_PREFIX}/requests.json`,
      summary:
        `Open311 GET Service Requests: service_request_id (comma list; overrides the rest), service_code and status (comma lists), start_date/end_date ` +
        `(W3C, at most ${MAX_RANGE_DAYS} days; the last ${MAX_RANGE_DAYS} unless given), jurisdiction_id (an estate id); newest first, at most ${MAX_REQUESTS}. No personal data.${errorsNote}`,
      tags,
      query: z.object({
        jurisdiction_id: z.string().regex(/^[1-9][0-9]{0,8}$/, "an estate id").optional(),
        service_request_id: csv(objectId, MAX_REQUESTS).optional(),
        service_code: csv(z.string().max(40), 100).optional(),
        status: csv(z.enum(["open", "closed"]), 2).optional(),
        start_date: z.string().regex(W3C, "a W3C date-time with its zone, e.g. 2010-01-01T00:00:00Z").optional(),
        end_date: z.string().regex(W3C, "a W3C date-time with its zone, e.g. 2010-01-01T00:00:00Z").optional(),
      }),
      response: z.array(requestSchema),
      handler: async ({ query, req }) => {
        const lang = language(req);
        const now = Math.floor(clock() / 1000);
        const routes = await deps.categories();
        const estate = query.jurisdiction_id === undefined ? undefined : Number(query.jurisdiction_id);
        const inEstate = (row: OrderRow) => estate === undefined || row.place?.estateId === estate;
        if (query.service_request_id && query.service_request_id.length > 0) {
          const rows: OrderRow[] = [];
          for (const id of new Set(query.service_request_id)) {
            const row = await deps.engine.storage.get<OrderRow>(orders, id);
            if (row && inEstate(row)) rows.push(row);
          }
          return Promise.all(rows.map((row) => requestOf(row, routes, lang, now)));
        }
        const start = query.start_date === undefined ? undefined : Math.floor(Date.parse(query.start_date) / 1000);
        const end = query.end_date === undefined ? undefined : Math.floor(Date.parse(query.end_date) / 1000);
        const to = end ?? (start !== undefined ? start + MAX_RANGE_DAYS * DAY : now);
        const from = start ?? to - MAX_RANGE_DAYS * DAY;
        if (!Number.isFinite(from) || !Number.isFinite(to) || from > to || to - from > MAX_RANGE_DAYS * DAY) throw new ApiError(400, "open311_date_range");
        const codes = query.service_code && query.service_code.length > 0 ? new Set(query.service_code) : undefined;
        const statuses = query.status && query.status.length > 0 ? new Set(query.status) : undefined;
        const rows: OrderRow[] = [];
        // A scan of the orders: fine for an estate's orders over 90 days; an index by time would serve a city.
        for await (const [, value] of deps.engine.storage.list(orders)) {
          const row = value as OrderRow;
          if (row.status === "none" || row.receivedAt < from || row.receivedAt > to || !inEstate(row)) continue;
          if (codes && !codes.has(row.serviceCode)) continue;
          if (statuses && !statuses.has(row.status === "closed" ? "closed" : "open")) continue;
          rows.push(row);
        }
        rows.sort((a, b) => b.receivedAt - a.receivedAt || (a.id < b.id ? -1 : 1));
        return Promise.all(rows.slice(0, MAX_REQUESTS).map((row) => requestOf(row, routes, lang, now)));
      },
    }),
    defineRoute({
      method: "get",
      path: `${OPEN311_PREFIX}/requests/:id.json`,
      summary: `Open311 GET Service Request: one work order as a list of one, without personal data.${errorsNote}`,
      tags,
      params: z.object({ id: objectId }),
      query: jurisdiction,
      response: z.array(requestSchema),
      handler: async ({ params, req }) => {
        const row = await deps.engine.storage.get<OrderRow>(orders, params.id);
        if (!row || row.status === "none") throw new ApiError(404, "unknown_record", { kind: { "zh-CN": "工单", en: "service request" }, id: params.id });
        return [await requestOf(row, await deps.categories(), language(req), Math.floor(clock() / 1000))];
      },
    }),
  ];
  // XML is optional in practice (JSON is what clients use here): each .xml resource says so plainly.
  const xml = (method: "get" | "post", path: string): RouteSpec =>
    defineRoute({
      method,
      path: `${OPEN311_PREFIX}/${path}`,
      summary: "Open311 in XML is not served: 404 open311_xml_unsupported (use .json)",
      tags,
      params: /:(\w+)/.test(path) ? z.object({ [/:(\w+)/.exec(path)![1]!]: z.string() }) : undefined,
      response: z.never(),
      handler: () => {
        throw new ApiError(404, "open311_xml_unsupported");
      },
    });
  routes.push(xml("get", "services.xml"), xml("get", "services/:code.xml"), xml("get", "requests.xml"), xml("post", "requests.xml"), xml("get", "requests/:id.xml"));
  return routes;
}

/** What to expect: who handles it and within how long (the category's normal deadline). */
function noticeOf(route: CategoryRoute, language: Language): string {
  const party = PARTY_NAMES[route.party][language];
  const m = route.minutes;
  const [n, zh, en] = m % 1440 === 0 ? [m / 1440, "天", "day"] : m % 60 === 0 ? [m / 60, "小时", "hour"] : [m, "分钟", "minute"];
  const span = language === "zh-CN" ? `${n} ${zh}` : `${n} ${en}${n === 1 ? "" : "s"}`;
  return language === "zh-CN" ? `由${party}处理，一般在 ${span}内办结。` : `Handled by the ${party.toLowerCase()}, normally within ${span}.`;
}

/**
 * Open311's error answer: an array of {code, description}; `code` is the HTTP status, as clients of the spec
 * expect, and `gongzhi_code` the catalogue's code (api/messages.ts). The statuses are the spec's: 403 for a
 * missing or bad api_key, 404 for what does not exist, 400 for any other request that cannot be fulfilled.
 */
export const open311ErrorShape: ErrorShape = {
  prefix: "/open311/",
  render(status, body) {
    const mapped = status === 401 ? 403 : status >= 400 && status < 500 && ![400, 403, 404, 413, 415, 429].includes(status) ? 400 : status;
    const issues = (body.error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
    const description = issues && body.error.code === "invalid_request" ? `${body.error.message} (${issues.map((i) => `${i.path}: ${i.message}`).join("; ")})` : body.error.message;
    return { status: mapped, body: [{ code: mapped, description, gongzhi_code: body.error.code }] };
  },
};
