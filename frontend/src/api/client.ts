import createClient from "openapi-fetch";
import i18n from "../i18n";
import { localizeError, type ErrorEnvelope } from "./errors";
import type { paths } from "./schema";
import { authFetch } from "./session";

export type { ErrorEnvelope };

/** The typed API client generated from the backend's OpenAPI schema (`make api-client`). */
export const api = createClient<paths>({ baseUrl: window.location.origin, fetch: authFetch });

/**
 * An API failure: the status, the server's envelope (`body`) and its English text (`serverMessage`, for logs).
 * `message` is the error in the UI language at the time it is read (src/api/errors.ts), so every place that
 * shows `error.message` shows a localized text, never the API's English.
 */
export class ApiError extends Error {
  readonly serverMessage: string;
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.serverMessage = message;
    Object.defineProperty(this, "message", {
      get: () => localizeError(this.status, this.body, i18n.t.bind(i18n)).message,
      configurable: true,
    });
  }
}

/** Unwrap an openapi-fetch result: the data, or an ApiError carrying the server's message. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  const envelope = result.error as ErrorEnvelope | undefined;
  const details = envelope?.error?.details?.map((d) => `${d.field}: ${d.message}`).join("; ");
  const message = [envelope?.error?.message, details].filter(Boolean).join(" — ") || result.response.statusText;
  throw new ApiError(result.response.status, message, result.error);
}

/**
 * openapi-fetch's body serializer for multipart uploads: the schema types a file field as a string (binary), so
 * callers pass the File there (`file as unknown as string`) and this builds the FormData; null/undefined are left out.
 */
export function multipart(body: unknown): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    form.append(name, value instanceof Blob ? value : String(value));
  }
  return form;
}
