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

async function sendTo(href: string, options: Omit<CallOptions, "query">): Promise<Response> {
  const headers: Record<string, string> = {
    Accept: options.accept ?? "application/json",
    "Accept-Language": acceptLanguage(),
  };
  const token = accessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  const response = await fetch(href, {
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

/**
 * The same for an address made by url(): the file is saved under the name the service gives it, the
 * UTF-8 `filename*` first (RFC 6266: 签收单.pdf keeps its Chinese name), else `filename`, else ours.
 */
export async function downloadFrom(href: string, fallbackName: string) {
  const response = await sendTo(href, { accept: "*/*" });
  const name = fileNameOf(response.headers.get("Content-Disposition") ?? "") ?? fallbackName;
  saveBlob(await response.blob(), name);
}

/** The bytes of a file the API serves behind the token, and the name it gives it (a refusal throws its Problem). */
export async function fetchBytes(
  service: Service,
  path: string,
  query?: Query,
): Promise<{ bytes: Uint8Array; fileName: string | undefined }> {
  const response = await sendTo(url(service, path, query), { accept: "*/*" });
  const fileName = fileNameOf(response.headers.get("Content-Disposition") ?? "");
  return { bytes: new Uint8Array(await response.arrayBuffer()), fileName };
}

/** Hands a file made in the browser to the user as a download under `name`. */
export function saveBlob(blob: Blob, name: string) {
  const blobUrl = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = blobUrl;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(blobUrl), 10_000);
}

export function fileNameOf(disposition: string): string | undefined {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded.trim());
    } catch {
      // A malformed escape: fall back to the plain name.
    }
  }
  return /filename="?([^";]+)"?/.exec(disposition)?.[1];
}

export const newIdempotencyKey = () => crypto.randomUUID();

/** How far a long import has come, from the server's NDJSON lines: `done` of `total` rows. */
export type Steps = (done: number, total: number) => void;

/**
 * Posts a file (multipart form) and reports how much of it has been sent: fetch cannot tell upload
 * progress, XMLHttpRequest can. Answers as `call` does; a refusal throws the same Problem.
 * With `onSteps` it asks for NDJSON (`{"done", "total"}` lines as the server works, then
 * `{"summary"}` or `{"problem"}`) and reports each step as it arrives.
 */
export function upload<T>(
  service: Service,
  path: string,
  query: Query,
  form: FormData,
  onProgress?: (sent: number, total: number) => void,
  onSteps?: Steps,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url(service, path, query));
    request.setRequestHeader("Accept", onSteps ? "application/x-ndjson, application/json" : "application/json");
    request.setRequestHeader("Accept-Language", acceptLanguage());
    const token = accessToken();
    if (token) request.setRequestHeader("Authorization", `Bearer ${token}`);
    request.upload.onprogress = (event) => onProgress?.(event.loaded, event.total);
    const streamed = () => (request.getResponseHeader("Content-Type") ?? "").startsWith("application/x-ndjson");
    const lines = () =>
      request.responseText
        .split("\n")
        .filter((line) => line.trim())
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as { done?: number; total?: number; summary?: T; problem?: ProblemBody }];
          } catch {
            return []; // the last line may still be arriving
          }
        });
    request.onprogress = () => {
      if (!onSteps || !streamed()) return;
      const step = lines().filter((line) => line.total !== undefined).pop();
      if (step) onSteps(step.done ?? 0, step.total ?? 0);
    };
    request.onerror = () => reject(new Problem(0, { title: "network error" }));
    request.onload = () => {
      if (request.status === 200 && streamed()) {
        const last = lines().pop();
        if (last?.summary !== undefined) resolve(last.summary);
        else reject(new Problem(500, last?.problem ?? { status: 500, title: request.statusText }));
        return;
      }
      let body: unknown = undefined;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // Not JSON (a gateway error page): keep the status line.
      }
      if (request.status >= 200 && request.status < 300) resolve(body as T);
      else reject(new Problem(request.status, (body as ProblemBody) ?? { status: request.status, title: request.statusText }));
    };
    request.send(form);
  });
}
