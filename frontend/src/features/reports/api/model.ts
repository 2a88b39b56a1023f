/**
 * The report body as the UI reads it. The response type comes from the generated schema
 * (`ReportJson` below); these helpers only walk its column tree and rows.
 */
import type { components } from "../../../api/schema";
import { formatIsoDate, formatNumber } from "../../../lib/format";

type Schemas = components["schemas"];
export type ReportJson = Schemas["ReportBody"];
export type ReportColumn = Schemas["ReportColumn"];
export type CatalogueEntry = Schemas["ReportCatalogItem"];
export type FilterOptionsJson = Schemas["ReportOptions"];

export type Row = Record<string, unknown>;

/** A header cell of the grouped header: its column, and how many columns and rows it spans. */
export interface HeaderCell {
  column: ReportColumn;
  colSpan: number;
  rowSpan: number;
}

function leafCount(column: ReportColumn): number {
  const children = column.children ?? [];
  return children.length === 0 ? 1 : children.reduce((n, c) => n + leafCount(c), 0);
}

function depth(column: ReportColumn): number {
  const children = column.children ?? [];
  return 1 + children.reduce((d, c) => Math.max(d, depth(c)), 0);
}

/** The multi-row grouped header of a column tree: one array of cells per header row. */
export function headerRows(columns: ReportColumn[]): HeaderCell[][] {
  const total = columns.reduce((d, c) => Math.max(d, depth(c)), 1);
  const rows: HeaderCell[][] = Array.from({ length: total }, () => []);
  const walk = (column: ReportColumn, level: number) => {
    const children = column.children ?? [];
    rows[level].push({
      column,
      colSpan: leafCount(column),
      rowSpan: children.length === 0 ? total - level : 1,
    });
    children.forEach((c) => walk(c, level + 1));
  };
  columns.forEach((c) => walk(c, 0));
  return rows;
}

/** The leaf columns of a column tree, left to right. */
export function leafColumns(columns: ReportColumn[]): ReportColumn[] {
  return columns.flatMap((c) => ((c.children ?? []).length === 0 ? [c] : leafColumns(c.children ?? [])));
}

/** Numeric kinds are right-aligned and sortable as numbers. */
export function isNumericKind(kind: string | undefined): boolean {
  return kind === "int" || kind === "percent" || kind === "decimal";
}

/** A cell's text in the UI language `lang`: «нет данных» for a missing value, two decimals for averages. */
export function formatCell(value: unknown, kind: string | undefined, noData: string, lang: string): string {
  if (value === null || value === undefined || value === "") return noData;
  if (typeof value === "number") return formatNumber(value, lang, kind === "decimal" ? 2 : undefined);
  if (typeof value === "boolean") return value ? "✓" : "—";
  return formatIsoDate(String(value), lang);
}

/** Rows the engine marks as subtotal lines (`_kind: "subtotal"`) are not numbered or sorted. */
export function isSubtotal(row: Row): boolean {
  return row._kind === "subtotal";
}

/** The SPA route of a link the engine attaches to a cell (organization profiles live under /o/:id). */
export function cellHref(row: Row, columnId: string): string | null {
  const links = row._links as Record<string, string> | undefined;
  const href = links?.[columnId];
  if (!href) return null;
  const org = /^\/organizations\/(\d+)$/.exec(href);
  return org ? `/o/${org[1]}` : href;
}
