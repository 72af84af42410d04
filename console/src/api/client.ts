import { acceptLanguage } from "../i18n";

export type Service = "membership" | "welfare" | "events" | "finance";

/** An RFC 9457 problem as every service answers it. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  instance?: string;
  trace_id?: string;
  errors?: { in?: string; pointer?: string; name?: string; code?: string; detail?: string }[];
}

export class Problem extends Error {
  constructor(public readonly status: number, public readonly body: ProblemBody) {
    super(body.detail || body.title || `HTTP ${status}`);
  }
  get code(): string | undefined {
    return this.body.code;
  }
}

let accessToken: () => string | undefined = () => undefined;

/** Wired by the sign-in gate: every call carries the signed-in user's access token. */
export function useAccessToken(getter: () => string | undefined) {
  accessToken = getter;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface CallOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  query?: Query;
  body?: unknown;
  /** Writes name the user action they belong to, so a retried click is applied once. */
  idempotencyKey?: string;
  accept?: string;
}

export function url(service: Service, path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  return `/api/${service}${path}${search ? `?${search}` : ""}`;
}

async function send(service: Service, path: string, options: CallOptions): Promise<Response> {
  return sendTo(url(service, path, options.query), options);
}

async function sendTo(target: string, options: CallOptions): Promise<Response> {
  const headers: Record<string, string> = {
    Accept: options.accept ?? "application/json",
    "Accept-Language": acceptLanguage(),
  };
  const token = accessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  const response = await fetch(target, {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!response.ok) {
    let body: ProblemBody = { status: response.status, title: response.statusText };
    try {
      body = await response.json();
    } catch {
      // Not a problem document (a gateway error page): keep the status line.
    }
    throw new Problem(response.status, body);
  }
  return response;
}

export async function call<T>(service: Service, path: string, options: CallOptions = {}): Promise<T> {
  const response = await send(service, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export async function callText(service: Service, path: string, options: CallOptions = {}): Promise<string> {
  return (await send(service, path, { accept: "text/html", ...options })).text();
}

/** Fetches a file the API serves behind the token and hands it to the browser as a download. */
export async function download(service: Service, path: string, query: Query, fallbackName: string) {
  return downloadFrom(url(service, path, query), fallbackName);
}

/** The file's name as the service gave it: the UTF-8 `filename*` (福利报表-….xlsx) before the ASCII one. */
export function attachmentName(disposition: string, fallbackName: string): string {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded);
    } catch {
      // A malformed escape: fall back to the plain name.
    }
  }
  return /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
}

/** The same, for a URL made with url() (a report's own route with `format=xlsx` or `format=pdf`). */
export async function downloadFrom(target: string, fallbackName: string) {
  const response = await sendTo(target, { accept: "*/*" });
  const name = attachmentName(response.headers.get("Content-Disposition") ?? "", fallbackName);
  const blobUrl = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = blobUrl;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(blobUrl), 10_000);
}

export const newIdempotencyKey = () => crypto.randomUUID();
