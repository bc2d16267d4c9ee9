import i18n from '../i18n';
import type { ApiErrorBody } from './types';

/** An error answered by the server (`{error: {code, message, details}}`) or a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly serverMessage: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, serverMessage?: string, details?: Record<string, unknown>) {
    super(serverMessage || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.serverMessage = serverMessage;
    this.details = details;
  }

  /** The field the server blamed (`error.details.field`), if any. */
  get field(): string | undefined {
    const f = this.details?.field;
    return typeof f === 'string' ? f : undefined;
  }
}

let csrfToken = '';

export function setCsrfToken(token: string | undefined | null): void {
  if (token) csrfToken = token;
}

export function getCsrfToken(): string {
  return csrfToken;
}

export function acceptLanguage(): string {
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

export function commonHeaders(method: string): Record<string, string> {
  const headers: Record<string, string> = { 'Accept-Language': acceptLanguage(), Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  return headers;
}

export function parseErrorBody(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as Partial<ApiErrorBody>;
    if (body && body.error && typeof body.error.code === 'string') {
      return new ApiError(status, body.error.code, body.error.message, body.error.details);
    }
  } catch {
    // not JSON
  }
  return new ApiError(status, status === 0 ? 'NETWORK_ERROR' : `HTTP_${status}`);
}

function isCsrfError(err: ApiError): boolean {
  return err.status === 403 && /csrf/i.test(err.code);
}

async function refreshCsrf(): Promise<void> {
  const res = await fetch('/api/session', { credentials: 'same-origin', headers: commonHeaders('GET') });
  if (res.ok) {
    const body = (await res.json()) as { csrfToken?: string };
    setCsrfToken(body.csrfToken);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** JSON-serialisable body, or FormData (sent as multipart). */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const method = opts.method ?? 'GET';
  const headers = commonHeaders(method);
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) {
    body = opts.body;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  try {
    return await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK_ERROR');
  }
}

/** Calls the API and returns the parsed JSON answer (undefined for 204). Throws ApiError. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  let res = await send(path, opts);
  if (!res.ok) {
    const err = parseErrorBody(res.status, await res.text());
    if (!isCsrfError(err)) throw err;
    // The session may have been renewed elsewhere: fetch a fresh token and try once more.
    await refreshCsrf();
    res = await send(path, opts);
    if (!res.ok) throw parseErrorBody(res.status, await res.text());
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, 'BAD_RESPONSE');
  }
}

export interface UploadOptions {
  method?: 'POST' | 'PATCH' | 'PUT';
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
}

/**
 * Sends multipart form data with XMLHttpRequest so the upload progress can be shown.
 * The caller builds the FormData in the order the server expects (`metadata` first, then `files`).
 */
export function upload<T>(path: string, form: FormData, opts: UploadOptions = {}): Promise<T> {
  const method = opts.method ?? 'POST';
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries(commonHeaders(method))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && opts.onProgress) opts.onProgress(Math.min(100, Math.round((ev.loaded / ev.total) * 100)));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        opts.onProgress?.(100);
        if (xhr.status === 204 || !xhr.responseText) return resolve(undefined as T);
        try {
          resolve(JSON.parse(xhr.responseText) as T);
        } catch {
          reject(new ApiError(xhr.status, 'BAD_RESPONSE'));
        }
      } else {
        reject(parseErrorBody(xhr.status, xhr.responseText));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR'));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    if (opts.signal) {
      if (opts.signal.aborted) {
        reject(new DOMException('aborted', 'AbortError'));
        return;
      }
      opts.signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(form);
  });
}

/** URL of a stored file's content (inline). */
export function fileContentUrl(workId: string, fileId: string): string {
  return `/api/works/${encodeURIComponent(workId)}/files/${encodeURIComponent(fileId)}/content`;
}
