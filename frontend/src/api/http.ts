import { ApiError, type ErrorEnvelope } from "./client";
import { authFetch } from "./session";

/** A JSON request to the API with the session's token; non-2xx answers become an ApiError with the server's message. */
export async function request<T>(path: string, init?: RequestInit & { json?: unknown }): Promise<T> {
  const headers = new Headers(init?.headers);
  let body = init?.body;
  if (init?.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  const response = await authFetch(path, { ...init, headers, body });
  if (!response.ok) {
    let envelope: ErrorEnvelope | undefined;
    try {
      envelope = (await response.json()) as ErrorEnvelope;
    } catch {
      envelope = undefined;
    }
    const details = envelope?.error?.details?.map((d) => `${d.field}: ${d.message}`).join("; ");
    const message = [envelope?.error?.message, details].filter(Boolean).join(" — ") || response.statusText;
    throw new ApiError(response.status, message, envelope);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Query string from defined values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : "";
}

/** Download a file that needs the session's token (fetched, then saved under its name). */
export async function downloadWithToken(url: string, name: string): Promise<void> {
  const response = await authFetch(url);
  if (!response.ok) throw new ApiError(response.status, response.statusText);
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
