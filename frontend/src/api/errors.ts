/**
 * API errors in the user's language. The API answers {"error": {code, message, details: [{field, message}]}} with
 * English texts for developers; the UI shows a message of its own for every code and field (i18n keys under
 * `errors.*`), and a generic localized one — never the raw English — for anything it does not know.
 */
import type { TFunction } from "i18next";
import type { components } from "./schema";

/** The API's error envelope, as the OpenAPI schema declares it (api/schemas/errors.py). */
export type ErrorEnvelope = components["schemas"]["ErrorEnvelope"];

/** What the UI shows for an API error: one message, and the field it belongs to when there is one. */
export interface LocalizedError {
  message: string;
  field: string | null;
  code: string;
}

/** Codes the API answers (api/errors.py and the handlers there). */
export const ERROR_CODES = [
  "bad_request",
  "invalid_input",
  "not_found",
  "unauthorized",
  "forbidden",
  "conflict",
  "precondition_failed",
  "precondition_required",
  "too_many_requests",
  "service_unavailable",
  "timeout",
  "payload_too_large",
  "unsupported_file",
  "method_not_allowed",
  "http_error",
  "internal_error",
  "network",
] as const;

/** Messages the reports answer that deserve their own text (matched on the server's English message). */
const KNOWN_MESSAGES: [RegExp, string][] = [
  [/upside down/i, "errors.dateRange"],
  [/choose organization_id first/i, "errors.chooseOrganizationFirst"],
  [/about one organization/i, "errors.chooseOrganization"],
  [/about one class/i, "errors.chooseClass"],
  [/about one teacher/i, "errors.chooseTeacher"],
  [/does not match|is not under/i, "errors.mismatch"],
  [/more than \d+ rows/i, "errors.tooManyRows"],
  [/has no such filter/i, "errors.noSuchFilter"],
  [/an export of yours is running|another export of yours/i, "errors.exportRunning"],
  [/the export is not finished|the export has no file/i, "errors.exportNotReady"],
  [/valid (integer|date)|out of range|int32/i, "errors.badValue"],
];

function codeFromStatus(status: number): string {
  if (status === 0) return "network";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 413) return "payload_too_large";
  if (status === 422) return "invalid_input";
  if (status === 429) return "too_many_requests";
  if (status === 503 || status === 502 || status === 504) return "service_unavailable";
  if (status >= 500) return "internal_error";
  return "bad_request";
}

/** The label of a field: a report filter (`filter.*`) or a known field (`errors.fields.*`); null if unknown. */
export function fieldLabel(field: string, t: TFunction): string | null {
  const last = field.split(".").pop() ?? field;
  for (const key of [`filter.${last}`, `errors.fields.${last}`]) {
    const text = t(key, { defaultValue: "" });
    if (text && text !== key) return text;
  }
  return null;
}

/** The localized message of an API error (status + envelope). */
export function localizeError(status: number, body: unknown, t: TFunction): LocalizedError {
  const envelope = (body ?? {}) as Partial<ErrorEnvelope>; // any body: a proxy's HTML error page too
  const known = new Set<string>(ERROR_CODES);
  const rawCode = envelope.error?.code;
  const code = rawCode && known.has(rawCode) ? rawCode : codeFromStatus(status);
  const detail = envelope.error?.details?.find((d) => d.field) ?? null;
  const field = detail?.field && detail.field !== "request" ? detail.field : null;
  const label = field ? fieldLabel(field, t) : null;
  const server = `${envelope.error?.message ?? ""} ${detail?.message ?? ""}`;
  for (const [pattern, key] of KNOWN_MESSAGES) {
    if (pattern.test(server)) return { message: t(key, { field: label ?? "" }), field, code };
  }
  if (label && (code === "invalid_input" || code === "not_found")) {
    return { message: t(code === "not_found" ? "errors.notFoundField" : "errors.invalidField", { field: label }), field, code };
  }
  return { message: t(`errors.${code}`, { defaultValue: t("errors.generic") }), field, code };
}

/** The localized message of any thrown value (an ApiError, a network failure, anything else). */
export function errorText(error: unknown, t: TFunction): string {
  return describeError(error, t).message;
}

/** Like errorText, with the field the error is about. */
export function describeError(error: unknown, t: TFunction): LocalizedError {
  const e = error as { status?: unknown; body?: unknown } | null;
  if (e && typeof e.status === "number") return localizeError(e.status, e.body, t);
  if (error instanceof TypeError) return { message: t("errors.network"), field: null, code: "network" };
  return { message: t("errors.generic"), field: null, code: "generic" };
}
