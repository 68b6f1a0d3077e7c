// The API client: JSON over fetch, errors as `ApiError` with the server's code and (localised) message.
import { lang } from "./i18n.js";
import type { Page } from "./types.js";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let token: string | null = null;

declare global {
  interface Window {
    /** Answers index.html's boot script asked for before any module ran (see client/src/routes.ts, `data`). */
    __gongzhiEarly?: Record<string, Promise<Response>>;
  }
}

/**
 * The boot script's answer for `path`, handed out once; never for a signed-in request (it went without a token).
 * Only a successful answer: when the early request failed (network, server error, anything not 2xx) the page asks
 * again itself, so a failure of the first moments is never what the page shows.
 */
function early(path: string): Promise<Response | undefined> | undefined {
  const answers = window.__gongzhiEarly;
  if (!answers || token || !(path in answers)) return undefined;
  const answer = answers[path]!;
  delete answers[path];
  return answer.then(
    (res) => (res.ok ? res : undefined),
    () => undefined,
  );
}

/** Drops answers the page did not ask for: later requests must not get data from the time of the first load. */
export function dropEarlyAnswers(): void {
  delete window.__gongzhiEarly;
}

/** The session token sent as `Authorization: Bearer` (set by sign-in). */
export function setToken(value: string | null): void {
  if (value !== token) onTokenChange?.();
  token = value;
}

let onTokenChange: (() => void) | undefined;
/** Called when the session changes (names.ts forgets what the previous viewer was allowed to see). */
export function whenTokenChanges(listener: () => void): void {
  onTokenChange = listener;
}

/** The API's base URL: the origin the client is served from. */
function url(path: string): string {
  return new URL(path, window.location.origin).toString();
}

export async function request<T>(method: "GET" | "POST", path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", "Accept-Language": lang() === "en" ? "en" : "zh-CN" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    const answer = method === "GET" ? await early(path) : undefined;
    signal?.throwIfAborted();
    res = answer ?? (await fetch(url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal }));
    signal?.throwIfAborted();
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "network", (err as Error).message);
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: handled below
  }
  if (!res.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? res.statusText, error?.details);
  }
  return json as T;
}

export const get = <T>(path: string, signal?: AbortSignal): Promise<T> => request<T>("GET", path, undefined, signal);
export const post = <T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> => request<T>("POST", path, body, signal);

/** A query string from defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Every item of a paged list (follows `nextCursor`, up to `max` items). */
export async function all<T>(path: string, params: Record<string, string | number | undefined> = {}, max = 2000, signal?: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<Page<T>>(path + query({ ...params, limit: 500, cursor }), signal);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/**
 * A resource whose list field is paged beside other fields (a member's `history`, a statement's `entries`):
 * fetches every page (up to `max` items) and returns the first answer with the lists joined.
 */
export async function allOf<T extends { nextCursor?: string }, K extends keyof T>(path: string, field: K, max = 5000, signal?: AbortSignal): Promise<T> {
  const first = await get<T>(path + query({ limit: 500 }), signal);
  const items = [...(first[field] as unknown[])];
  let cursor = first.nextCursor;
  while (cursor && items.length < max) {
    const page = await get<T>(path + query({ limit: 500, cursor }), signal);
    items.push(...(page[field] as unknown[]));
    cursor = page.nextCursor;
  }
  return { ...first, [field]: items, nextCursor: undefined };
}
