import type { FilterOptionsJson } from "../api/model";
import type { FilterName } from "../api/reports";

export interface OptionList {
  options: { id: string | number; name: string }[];
}

/** Which list of GET /reports/{id}/options feeds which filter. */
const LIST_OF: Partial<Record<FilterName, keyof FilterOptionsJson>> = {
  body_id: "bodies",
  region_id: "regions",
  district_id: "districts",
  org_type_id: "org_types",
  organization_id: "organizations",
  period_id: "periods",
  class_id: "classes",
  teacher_id: "teachers",
  subject_id: "subjects",
};

/** The option lists of GET /reports/{id}/options, keyed by filter name. */
export function optionLists(json: FilterOptionsJson | undefined): Partial<Record<FilterName, OptionList>> {
  const out: Partial<Record<FilterName, OptionList>> = {};
  if (!json) return out;
  for (const [filter, key] of Object.entries(LIST_OF) as [FilterName, keyof FilterOptionsJson][]) {
    out[filter] = { options: json[key] ?? [] };
  }
  return out;
}
