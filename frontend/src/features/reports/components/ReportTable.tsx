import { Table, UnstyledButton } from "@mantine/core";
import {
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from "@tanstack/react-table";
import { useMemo, useState, type CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import {
  cellHref,
  formatCell,
  headerRows,
  isNumericKind,
  isSubtotal,
  leafColumns,
  type ReportColumn,
  type Row,
} from "../api/model";
import classes from "./ReportTable.module.css";

interface Props {
  columns: ReportColumn[];
  rows: Row[];
  totals?: Row | null;
  noData: string;
  /** Print layout: no sorting, no scroll box, totals inside the body so they print once. */
  print?: boolean;
  /** Row number of the first row (paginated reports). */
  offset?: number;
  caption?: string;
  /** The sign of a cell a row lists in `_na` (the subject is not taught in the class) and its legend line. */
  notTaught?: string;
  notTaughtLegend?: string;
}

const NUMBER_COLUMN = "no";

function compare(a: unknown, b: unknown, locale: string): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), locale, { numeric: true, sensitivity: "base" });
}

/**
 * The report table: multi-row grouped header from the column tree, numbering column, sortable leaf
 * columns (not in grouped views with subtotal lines), totals row, «нет данных» for missing values,
 * and a header that stays in view while the body scrolls.
 */
const NO_SORTING: SortingState = [];

export function ReportTable({
  columns,
  rows,
  totals,
  noData,
  print = false,
  offset = 0,
  caption,
  notTaught = "—",
  notTaughtLegend,
}: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "ru";
  const locale = lang === "en" ? "en-GB" : lang === "kk" ? "kk-KZ" : "ru-RU";
  const leaves = useMemo(() => leafColumns(columns), [columns]);
  const header = useMemo(() => headerRows(columns), [columns]);
  const grouped = useMemo(() => rows.some(isSubtotal), [rows]);
  // Frozen on the left while the table scrolls sideways: the № column and the name column after it.
  const hasNumber = leaves.some((l) => l.id === NUMBER_COLUMN);
  const nameColumn = useMemo(() => {
    if (leaves.length <= 2) return null;
    // The name is the longest text among the first columns (the student rather than the class before it).
    const candidates = leaves
      .filter((l) => l.id !== NUMBER_COLUMN)
      .slice(0, 3)
      .filter((l) => !isNumericKind(l.kind) && l.kind !== "lines");
    if (candidates.length === 0) return null;
    const length = (id: string) => rows.slice(0, 50).reduce((n, r) => n + String(r[id] ?? "").length, 0);
    return candidates.reduce((best, c) => (length(c.id) > length(best.id) ? c : best)).id;
  }, [leaves, rows]);
  const anyNotTaught = useMemo(() => rows.some((r) => notTaughtIds(r).length > 0), [rows]);
  const sortable = !print && !grouped;
  const [sorting, setSorting] = useState<SortingState>([]);

  const tableColumns = useMemo<ColumnDef<Row>[]>(
    () =>
      leaves.map((leaf) => ({
        id: leaf.id,
        accessorFn: (row: Row) => row[leaf.id],
        enableSorting: sortable && leaf.id !== NUMBER_COLUMN,
        sortingFn: (a, b, id) => compare(a.getValue(id), b.getValue(id), locale),
        sortUndefined: "last",
      })),
    [leaves, sortable, locale],
  );

  const table = useReactTable({
    data: rows,
    columns: tableColumns,
    // A stable empty array: a new `[]` on every render makes the sorted row model recompute each time, which
    // queues a page-index reset (a state update) in a microtask, which renders again — an endless render loop
    // that froze the page in grouped views. The table is not paginated, so that reset is off as well.
    state: { sorting: sortable ? sorting : NO_SORTING },
    onSortingChange: setSorting,
    autoResetPageIndex: false,
    sortDescFirst: false,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const sorted = sortable && sorting.length > 0;
  const bodyRows = table.getRowModel().rows;

  const renderCell = (row: Row, leaf: ReportColumn, index: number | null, subtotal: boolean) => {
    const numeric = isNumericKind(leaf.kind);
    let value = row[leaf.id];
    if (leaf.id === NUMBER_COLUMN && sorted && index !== null) value = offset + index + 1;
    const missing = value === null || value === undefined || value === "";
    const na = missing && notTaughtIds(row).includes(leaf.id);
    // Subtotal and totals lines leave cells they don't sum empty rather than saying «нет данных».
    const text = na
      ? notTaught
      : missing && (subtotal || leaf.id === NUMBER_COLUMN)
        ? ""
        : formatCell(value, leaf.kind, noData, lang);
    const href = cellHref(row, leaf.id);
    const className = [
      numeric || leaf.id === NUMBER_COLUMN ? classes.num : "",
      na ? classes.notTaught : missing && text ? classes.noData : "",
      leaf.kind === "lines" ? classes.lines : "",
    ]
      .filter(Boolean)
      .join(" ");
    const school = href && !print && !missing ? /^\/o\/(\d+)$/.exec(href) : null;
    const sticky = leaf.id === NUMBER_COLUMN ? classes.stickyNo : leaf.id === nameColumn ? classes.stickyName : "";
    return (
      <Table.Td key={leaf.id} className={[className, print ? "" : sticky].filter(Boolean).join(" ")}>
        {href && !print && !missing ? <Link to={href}>{text}</Link> : text}
        {school && (
          <Link
            to={`/reports?organization_id=${school[1]}`}
            className={classes.reportsLink}
            data-cell-extra
            aria-label={t("catalogue.forOrganization", { name: text })}
          >
            {t("report.reportsShort")}
          </Link>
        )}
      </Table.Td>
    );
  };

  const sortLabel = (leaf: ReportColumn) => {
    const state = table.getColumn(leaf.id)?.getIsSorted();
    return state === "asc" ? "ascending" : state === "desc" ? "descending" : "none";
  };

  const tableNode = (
    <Table
      className={print ? classes.printTable : classes.table}
      style={{ "--no-width": hasNumber ? "48px" : "0px" } as CSSProperties}
      withColumnBorders
      withTableBorder
      striped={!grouped}
      highlightOnHover={!print}
      verticalSpacing={6}
      horizontalSpacing={8}
    >
      {caption && <caption className={classes.caption}>{caption}</caption>}
      <Table.Thead className={classes.thead}>
        {header.map((cells, level) => (
          <Table.Tr key={level}>
            {cells.map(({ column, colSpan, rowSpan }) => {
              const leaf = (column.children ?? []).length === 0;
              const canSort = leaf && table.getColumn(column.id)?.getCanSort();
              const state = leaf ? table.getColumn(column.id)?.getIsSorted() : false;
              return (
                <Table.Th
                  key={column.id}
                  colSpan={colSpan > 1 ? colSpan : undefined}
                  rowSpan={rowSpan > 1 ? rowSpan : undefined}
                  scope={leaf ? "col" : "colgroup"}
                  aria-sort={canSort ? sortLabel(column) : undefined}
                  className={[
                    leaf ? classes.leafHead : `${classes.groupHead} ${colSpan > 4 ? classes.wideGroup : ""}`,
                    !print && leaf && column.id === NUMBER_COLUMN ? `${classes.stickyNo} ${classes.stickyHead}` : "",
                    !print && leaf && column.id === nameColumn ? `${classes.stickyName} ${classes.stickyHead}` : "",
                  ]
                    .filter(Boolean)
                    .join(" ")}
                >
                  {canSort ? (
                    <UnstyledButton
                      className={classes.sortButton}
                      onClick={table.getColumn(column.id)?.getToggleSortingHandler()}
                      aria-label={t("report.sortBy", { column: column.title })}
                    >
                      <span>{column.title}</span>
                      <span className={classes.sortMark} aria-hidden>
                        {state === "asc" ? "▲" : state === "desc" ? "▼" : "⇅"}
                      </span>
                    </UnstyledButton>
                  ) : (
                    column.title
                  )}
                </Table.Th>
              );
            })}
          </Table.Tr>
        ))}
      </Table.Thead>
      <Table.Tbody>
        {bodyRows.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={leaves.length} className={classes.empty}>
              {t("report.emptyRows")}
            </Table.Td>
          </Table.Tr>
        )}
        {bodyRows.map((row, index) => {
          const subtotal = isSubtotal(row.original);
          return (
            <Table.Tr key={row.id} className={subtotal ? classes.subtotal : undefined}>
              {leaves.map((leaf) => renderCell(row.original, leaf, subtotal ? null : index, subtotal))}
            </Table.Tr>
          );
        })}
        {print && totals && (
          <Table.Tr className={classes.totals} data-testid="totals-row">
            {leaves.map((leaf) => renderCell(totals, leaf, null, true))}
          </Table.Tr>
        )}
      </Table.Tbody>
      {!print && totals && (
        <Table.Tfoot className={classes.tfoot}>
          <Table.Tr className={classes.totals} data-testid="totals-row">
            {leaves.map((leaf) => renderCell(totals, leaf, null, true))}
          </Table.Tr>
        </Table.Tfoot>
      )}
    </Table>
  );

  const legend =
    anyNotTaught && notTaughtLegend ? (
      <p className={classes.legend} data-testid="not-taught-legend">
        {notTaughtLegend}
      </p>
    ) : null;
  if (print)
    return (
      <>
        {tableNode}
        {legend}
      </>
    );
  return (
    <>
      <div className={classes.scroll} tabIndex={0} role="region" aria-label={caption}>
        {tableNode}
      </div>
      {legend}
    </>
  );
}

/** The ids of the cells a row marks as not applicable («не преподаётся»): the engine's `_na` meta key. */
function notTaughtIds(row: Row): string[] {
  const na = row._na;
  return Array.isArray(na) ? (na as string[]) : [];
}
