import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import type { CatalogueEntry, FilterOptionsJson, ReportJson } from "./model";

/** The filters a report may take, in cascade order (the engine's FILTERS). */
export const FILTER_ORDER = [
  "body_id",
  "region_id",
  "district_id",
  "org_type_id",
  "organization_id",
  "period_id",
  "date",
  "date_from",
  "date_to",
  "class_id",
  "teacher_id",
  "subject_id",
] as const;
export type FilterName = (typeof FILTER_ORDER)[number];

/** The cascade: choosing one of these clears the ones after it. */
export const CASCADE: FilterName[] = ["body_id", "region_id", "district_id", "org_type_id", "organization_id"];
/** Filters that belong to the chosen organization and go when it changes. */
export const ORGANIZATION_SCOPED: FilterName[] = ["class_id", "teacher_id", "subject_id"];

export type ReportQuery = Partial<Record<FilterName | "view" | "page", string>>;

/** What the user chose that follows them from report to report (through «← Все отчёты» and the catalogue). */
export const CARRIED: FilterName[] = [...CASCADE, "class_id", "teacher_id"];

/** The carried choices of a query (the school and its class or teacher), as a query string. */
export function carriedSearch(query: ReportQuery): URLSearchParams {
  const out = new URLSearchParams();
  for (const name of CARRIED) if (query[name]) out.set(name, query[name]!);
  return out;
}

/** The link of a report from the catalogue: the carried choices that report takes. */
export function reportHref(id: string, filters: readonly string[], carried: URLSearchParams): string {
  const params = new URLSearchParams();
  for (const [name, value] of carried) if (filters.includes(name)) params.set(name, value);
  const search = params.toString();
  return `/reports/${encodeURIComponent(id)}${search ? `?${search}` : ""}`;
}

/** Filters and view from the URL's search params (unknown keys are ignored). */
export function queryFromSearch(params: URLSearchParams): ReportQuery {
  const query: ReportQuery = {};
  for (const name of [...FILTER_ORDER, "view", "page"] as const) {
    const value = params.get(name);
    if (value) query[name] = value;
  }
  return query;
}

/** Set one filter and clear those below it in the cascade (and everything tied to the organization). */
export function withFilter(query: ReportQuery, name: FilterName, value: string | null): ReportQuery {
  const next: ReportQuery = { ...query };
  delete next.page;
  if (value) next[name] = value;
  else delete next[name];
  const at = CASCADE.indexOf(name);
  if (at >= 0) {
    CASCADE.slice(at + 1).forEach((n) => delete next[n]);
    ORGANIZATION_SCOPED.forEach((n) => delete next[n]);
  }
  return next;
}

/** The report's query string (the same one the export and print use). */
export function toSearch(query: ReportQuery, extra: Record<string, string> = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...extra })) if (value) params.set(key, value);
  return params;
}

// openapi-fetch serialises these into the query string; numbers go as strings like the URL holds them.
type LooseQuery = Record<string, string>;

/** The catalogue: the reports this user may open. */
export function useCatalogue(lang: string) {
  return useQuery({
    queryKey: ["reports", "catalogue", lang],
    staleTime: 10 * 60_000,
    queryFn: async (): Promise<CatalogueEntry[]> =>
      unwrap(await api.GET("/api/v1/reports", { params: { query: { lang: lang as "ru" } } })).items,
  });
}

/** A report run with the filters and view from the URL. */
export function useReport(reportId: string, query: ReportQuery, lang: string, enabled = true) {
  return useQuery({
    queryKey: ["reports", "run", reportId, query, lang],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async (): Promise<ReportJson> =>
      unwrap(
        await api.GET("/api/v1/reports/{report_id}", {
          params: { path: { report_id: reportId }, query: { ...query, lang } as LooseQuery },
        }),
      ),
  });
}

/** The cascade filter values within the user's scope, each list limited by the filters above it. */
export function useFilterOptions(reportId: string, query: ReportQuery, lang: string, enabled = true) {
  const cascade: ReportQuery = {};
  for (const name of [...CASCADE, "period_id"] as FilterName[]) if (query[name]) cascade[name] = query[name];
  return useQuery({
    queryKey: ["reports", "options", reportId, cascade, lang],
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    queryFn: async (): Promise<FilterOptionsJson> =>
      unwrap(
        await api.GET("/api/v1/reports/{report_id}/options", {
          params: { path: { report_id: reportId }, query: { ...cascade, lang } as LooseQuery },
        }),
      ),
  });
}
