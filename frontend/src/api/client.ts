import createClient from "openapi-fetch";
import type { paths } from "./schema";
import { authFetch } from "./session";

/** The typed API client generated from the backend's OpenAPI schema (`make api-client`). */
export const api = createClient<paths>({ baseUrl: window.location.origin, fetch: authFetch });

export interface ErrorEnvelope {
  error?: { code?: string; message?: string; details?: { field?: string; message?: string }[] };
}

/** An API failure with the status and the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
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
